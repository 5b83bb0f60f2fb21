"""Stage 5, align: pair every Chinese clause with the English that carries it.

The model translates whole sentences (clause by clause it loses context and invents
text), so each sentence's English is cut afterwards into one contiguous span per
clause, in order. The cut is the one that puts the most attention mass on the right
clause, with a bonus for cutting after a comma or semicolon. A clause that receives
no English shares a row with the next clause: every word of the English appears
exactly once, and no clause is left without a partner.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .checks import Expectation
from .document import Meta
from .scripts import Script, Texts
from .segment import SegmentedBlock, SegmentedDocument, Sentence
from .translate import Translation, Translations, detokenize, words_of

PUNCTUATION_BONUS = 0.3   # per cut that falls after , ; : in the English
EMPTY_PENALTY = 0.5       # per clause left with no English of its own


@dataclass
class Row:
    """One line of the brief: one or more Chinese clauses beside their English."""

    zh: list[Texts]
    en: str
    sentence: str = ""   # id of the sentence the row belongs to
    expected: list[Expectation] = field(default_factory=list)  # what its English must carry
    confidence: float = 1.0  # 0–1: how far a reader can trust the English (quality.assess)
    reasons: list[str] = field(default_factory=list)  # why an editor should check it, if so


@dataclass
class AlignedBlock:
    kind: str
    level: int
    label: str
    rows: list[Row]
    credit: Row | None = None

    @property
    def en(self) -> str:
        return " ".join(r.en for r in self.rows if r.en)

    def zh(self, script: Script) -> str:
        return "".join(t.get(script) for r in self.rows for t in r.zh)


@dataclass
class AlignedDocument:
    slug: str
    source: str
    meta: Meta
    script: Script
    model: str
    title: AlignedBlock
    blocks: list[AlignedBlock]


def cut_spans(scores: list[list[float]], breaks: list[bool]) -> list[tuple[int, int]]:
    """Best monotone split of n words over k clauses: one (start, end) span per clause.

    `scores[w][c]` is how strongly word w attends to clause c; `breaks[w]` says the
    word ends in punctuation, a good place to cut. Dynamic programming over
    (words used, clauses filled).
    """
    n, k = len(scores), len(scores[0])
    prefix = [[0.0] * k]
    for row in scores:
        prefix.append([p + s for p, s in zip(prefix[-1], row)])

    def gain(a: int, b: int, c: int) -> float:
        if a == b:
            return -EMPTY_PENALTY
        bonus = PUNCTUATION_BONUS if c < k - 1 and breaks[b - 1] else 0.0
        return prefix[b][c] - prefix[a][c] + bonus

    neg = float("-inf")
    best = [[neg] * (n + 1) for _ in range(k)]
    back = [[0] * (n + 1) for _ in range(k)]
    for b in range(n + 1):
        best[0][b] = gain(0, b, 0)
    for c in range(1, k):
        for b in range(n + 1):
            for a in range(b + 1):
                value = best[c - 1][a] + gain(a, b, c)
                if value > best[c][b]:
                    best[c][b], back[c][b] = value, a
    spans, end = [], n
    for c in range(k - 1, -1, -1):
        start = back[c][end] if c else 0
        spans.append((start, end))
        end = start
    return spans[::-1]


def align_sentence(sentence: Sentence, unit: Translation) -> list[Row]:
    """Rows for one sentence; clauses without English join the following row."""
    expected = [e for clause in unit.expected for e in clause]
    if len(sentence.clauses) == 1 or not unit.pieces:
        return [Row(list(sentence.clauses), unit.text, sentence.id, expected)]
    words = words_of(unit.pieces)
    scores = [[sum(unit.attention[p][c] for p in word) for c in range(len(sentence.clauses))]
              for word in words]
    breaks = [unit.pieces[word[-1]].rstrip()[-1:] in ",;:" for word in words]
    rows: list[Row] = []
    pending: list[Texts] = []
    pending_expected: list[Expectation] = []
    spans = cut_spans(scores, breaks)
    for clause, clause_expected, (a, b) in zip(sentence.clauses, unit.expected, spans):
        pending.append(clause)
        pending_expected += clause_expected
        if a < b:
            english = detokenize([unit.pieces[p] for w in words[a:b] for p in w])
            rows.append(Row(pending, english, sentence.id, pending_expected))
            pending, pending_expected = [], []
    if pending:  # trailing clauses with no English share the last row
        rows[-1].zh += pending
        rows[-1].expected += pending_expected
    return rows


def align_block(block: SegmentedBlock, units: dict[str, Translation]) -> AlignedBlock:
    rows = [row for s in block.sentences for row in align_sentence(s, units[s.id])]
    credit = None
    if block.credit:
        unit = units[block.credit.id]
        credit = Row(list(block.credit.clauses), unit.text, unit.id, unit.expected[0])
    return AlignedBlock(block.kind, block.level, block.label, rows, credit)


def align(doc: SegmentedDocument, translations: Translations) -> AlignedDocument:
    units = translations.units
    return AlignedDocument(
        slug=doc.slug,
        source=doc.source,
        meta=doc.meta,
        script=doc.script,
        model=translations.model,
        title=align_block(doc.title, units),
        blocks=[align_block(b, units) for b in doc.blocks],
    )
