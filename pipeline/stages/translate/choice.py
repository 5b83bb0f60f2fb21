"""The choice among the model's hypotheses for one sentence: those that carry the most
glossary terms and numbers are kept (the fewest check problems), and among them the one
most like all the others (minimum Bayes risk with chrF as the utility: the consensus,
which scores better than the model's own first choice). How far the others agree with
the English kept is kept with it, as a confidence signal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from pipeline.checks.english import problem_count
from pipeline.model.segments import Sentence
from pipeline.model.translations import detokenize
from pipeline.stages.translate.inputs import Prepared, repair, tidy

if TYPE_CHECKING:  # loaded only when a choice is made
    from sacrebleu.metrics import CHRF


@dataclass
class Candidate:
    """One English the model proposed for a sentence, with what it knows of it."""

    pieces: list[str]
    attention: list[list[float]]  # per target piece, over source pieces
    score: float                  # log-probability per piece
    rank: int                     # position in the model's n-best list
    repairs: list[str] = field(default_factory=list)  # typos in copied names restored (see repair)
    exact: bool = True            # `score` is the model's for these very pieces (not tidied or repaired since)


@dataclass
class Pick:
    problems: int
    chosen: Candidate
    agreement: float


def _pick(sentence: Sentence, prep: Prepared, candidates: list[Candidate], consensus: bool) -> Pick:
    """The checks first (fewest missing terms and numbers), then, if `consensus`, the
    hypothesis most like all the others; otherwise the model's own order."""
    expected = [e for clause in prep.expected for e in clause]
    # Judged as they will be kept: a copied name's typo (Controll Yuan) repaired first.
    repaired = [repair(tidy(c.pieces), c.attention, prep.inlined, expected) for c in candidates]
    candidates = [Candidate(pieces, attention, c.score, c.rank, fixed, pieces == c.pieces)
                  for c, (pieces, attention, fixed) in zip(candidates, repaired)]
    texts = [detokenize(c.pieces) for c in candidates]
    costs = [problem_count(expected, sentence.hans, t) for t in texts]
    fewest = min(costs)
    passing = [i for i, cost in enumerate(costs) if cost == fewest]
    agreements = {i: _agreement(texts[i], texts[:i] + texts[i + 1:]) for i in
                  (passing if consensus else passing[:1])}
    best = max(agreements, key=lambda i: (agreements[i], -i))
    return Pick(fewest, candidates[best], agreements[best])


def _agreement(text: str, others: list[str]) -> float:
    """Mean chrF (0–1) of `text` against `others`: the MBR utility, and a confidence signal."""
    if not others:
        return 1.0
    return sum(_chrf().sentence_score(text, [o]).score for o in others) / (100 * len(others))


@cache
def _chrf() -> CHRF:
    from sacrebleu.metrics import CHRF
    return CHRF()
