"""The engine's scoring for the align stage, which receives a scoring function and never
the model: the model's log-probability of each English as the translation of each Chinese
(`model_scorer`), and any such scores through the translation memory (`remembered`).

Not part of the translation memory's key (code.digest("translations")): no sentence's English depends on it.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.stages.translate.provision import MODEL_BIN_SHA256

if TYPE_CHECKING:
    from pipeline.stages.translate.engine import Model
    from pipeline.stages.translate.memory import Memory

Scorer = Callable[[list[str], list[str]], list[float]]  # (Chinese, English) pairs → log-probability (align.Scorer)


def model_scorer(model: Model) -> Scorer:
    """The model's log-probability (nats, end of sentence included) of each English as
    the translation of each Chinese."""
    def score(chinese: list[str], english: list[str]) -> list[float]:
        return model.score([(z, model.english_pieces(e)) for z, e in zip(chinese, english)])
    return score


def remembered(make_scorer: Callable[[], Scorer], memory: Memory) -> Scorer:
    """`make_scorer`'s scores through the translation memory: a pair scored in an earlier
    build is not scored again, and the model is loaded only for a pair never scored, so
    realigning an article after a one-sentence edit scores that sentence's cuts alone."""
    made: list[Scorer] = []

    def score(chinese: list[str], english: list[str]) -> list[float]:
        keys = [hashlib.sha256(json.dumps(["score", MODEL_BIN_SHA256, z, e], ensure_ascii=False)
                               .encode("utf-8")).hexdigest() for z, e in zip(chinese, english)]
        found = memory.get(keys)
        todo = [i for i, k in enumerate(keys) if k not in found]
        if todo:
            made[:] = made or [make_scorer()]
            fresh = made[0]([chinese[i] for i in todo], [english[i] for i in todo])
            found.update({keys[i]: value for i, value in zip(todo, fresh)})
            memory.put({keys[i]: value for i, value in zip(todo, fresh)})
        return [found[k] for k in keys]
    return score
