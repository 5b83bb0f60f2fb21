"""translations.json: the translate stage's English for every sentence, piece by piece,
with what the stages after it (align, quality, estimate, assess) need to cut and judge it."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model.aligned import Expectation


@dataclass
class Translation:
    """The model's English for one sentence, piece by piece."""

    id: str
    source: str                  # the text the model read (zh-Hans, terms in English)
    pieces: list[str]            # SentencePiece target pieces ("▁" starts a word)
    attention: list[list[float]]  # per piece: attention mass on each source clause
    expected: list[list[Expectation]]  # per clause: terms and numbers its English must carry
    rank: int = 0                # which of the model's hypotheses was kept (0 = its best)
    repairs: list[str] = field(default_factory=list)  # garbled copies of glossary English restored
    score: float = 0.0           # the model's log-probability of the English, per piece
    agreement: float = 1.0       # mean chrF (0–1) of the English against the other hypotheses
    # For each stretch of Chinese between punctuation: how much less likely the English
    # becomes when that stretch is deleted from the input (nats). Near 0: the English
    # does not depend on it, so its content is probably missing.
    reliance: list[tuple[str, float]] = field(default_factory=list)
    # Words none of whose dictionary senses is in the English, each with what the
    # dictionary says it means (senses.py): a wrong sense, or a word left out.
    unsensed: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False        # not Chinese: kept as written, no model, nothing to check

    @property
    def text(self) -> str:
        return detokenize(self.pieces)


@dataclass
class Translations:
    slug: str
    model: str
    units: dict[str, Translation]
    quality: str = "default"     # the QUALITY setting it was made with (see translate.engine.QUALITIES)
    translated: int = 0          # sentences the model translated in this run
    remembered: int = 0          # sentences taken from the translation memory
    written: int = 0             # sentences with no Chinese, kept as written (as_written)


def detokenize(pieces: list[str]) -> str:
    """The English of SentencePiece target pieces."""
    return "".join(pieces).replace("▁", " ").strip()


def words_of(pieces: list[str]) -> list[list[int]]:
    """Group piece indices into words: a piece starting with ▁ opens a new word."""
    words: list[list[int]] = []
    for i, piece in enumerate(pieces):
        if piece.startswith("▁") or not words:
            words.append([i])
        else:
            words[-1].append(i)
    return words
