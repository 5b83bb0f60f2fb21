"""Stage 3, segment: blocks → sentences (the units the model translates) → clauses.

Rules, applied to the source text and projected onto both script forms:
- a sentence ends at 。！？ (or !?) together with any closing quotes and brackets
  that follow, so a 」 never stands alone;
- a clause ends at ，；： outside brackets; pieces shorter than `MIN_CLAUSE`
  characters join the clause after them (他說： stays with what he said);
- headings, captions and list items are blocks of their own and never merge.
Joining a block's clauses gives back its text exactly, whitespace included.
"""
from __future__ import annotations

from dataclasses import dataclass

from .document import Meta
from .scripts import ScriptedBlock, ScriptedDocument, Script, Texts

SENTENCE_ENDS = set("。！？!?")
CLAUSE_ENDS = set("，；：")
CLOSERS = set("」』”’）)】》〉")
OPENERS = {"（": "）", "(": ")", "【": "】", "《": "》", "〈": "〉"}
PUNCTUATION = SENTENCE_ENDS | CLAUSE_ENDS | CLOSERS
MIN_CLAUSE = 6


@dataclass
class Sentence:
    """A translation unit: the model sees its zh-Hans form, whole."""

    id: str
    clauses: list[Texts]

    @property
    def hans(self) -> str:
        return "".join(c.hans for c in self.clauses)


@dataclass
class SegmentedBlock:
    kind: str
    level: int
    label: str
    sentences: list[Sentence]
    credit: Sentence | None = None


@dataclass
class SegmentedDocument:
    slug: str
    source: str
    meta: Meta
    script: Script
    title: SegmentedBlock
    blocks: list[SegmentedBlock]

    def all_sentences(self) -> list[Sentence]:
        """Every unit to translate, title and photo credits included, in reading order."""
        units: list[Sentence] = []
        for block in [self.title, *self.blocks]:
            units += block.sentences
            if block.credit:
                units.append(block.credit)
        return units


def sentence_cuts(text: str) -> list[int]:
    """Offsets where sentences end, closing quotes and trailing spaces included."""
    cuts, i, n = [], 0, len(text)
    while i < n:
        if text[i] in SENTENCE_ENDS:
            while i + 1 < n and (text[i + 1] in SENTENCE_ENDS or text[i + 1] in CLOSERS):
                i += 1
            while i + 1 < n and text[i + 1].isspace():
                i += 1
            if i + 1 < n:
                cuts.append(i + 1)
        i += 1
    return cuts


def clause_cuts(text: str, marks: set[str]) -> list[int]:
    """Offsets after each mark in `marks` that is not inside brackets."""
    cuts, closing = [], []
    for i, ch in enumerate(text):
        if ch in OPENERS:
            closing.append(OPENERS[ch])
        elif closing and ch == closing[-1]:
            closing.pop()
        elif ch in marks and not closing and i + 1 < len(text):
            cuts.append(i + 1)
    return cuts


def split_at(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def merge_short(pieces: list[str], minimum: int) -> list[str]:
    """Join each piece shorter than `minimum` onto the one after it (the last onto the one before)."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        carry = ""
        if len(piece.strip()) < minimum:
            carry = piece
        else:
            merged.append(piece)
    if carry:
        if merged:
            merged[-1] += carry
        else:
            merged.append(carry)
    return merged


def units_of(text: str) -> list[list[str]]:
    """Split a block into translation units, each a list of clauses (source form)."""
    units = []
    for sentence in split_at(text, sentence_cuts(text)):
        units.append(merge_short(split_at(sentence, clause_cuts(sentence, CLAUSE_ENDS)), MIN_CLAUSE))
    return units


def project(pieces: list[str], target: str) -> list[str]:
    """Cut `target` (another script form of the joined pieces) where `pieces` are cut.

    OpenCC changes characters and sometimes phrase lengths, never punctuation, and
    every cut here follows punctuation: so a cut after the k-th punctuation mark of
    the source falls after the k-th punctuation mark of the target.
    """
    source = "".join(pieces)
    if len(source) == len(target):
        return split_at(target, _offsets(pieces)[:-1])
    marks = [i + 1 for i, ch in enumerate(target) if ch in PUNCTUATION]
    cuts = []
    for offset in _offsets(pieces)[:-1]:
        k = sum(ch in PUNCTUATION for ch in source[:offset])
        trailing = len(source[:offset]) - len(source[:offset].rstrip())
        cuts.append(marks[k - 1] + trailing)
    return split_at(target, cuts)


def _offsets(pieces: list[str]) -> list[int]:
    out, total = [], 0
    for piece in pieces:
        total += len(piece)
        out.append(total)
    return out


def segment_texts(texts: Texts, prefix: str) -> list[Sentence]:
    units = units_of(texts.original)
    flat = [clause for unit in units for clause in unit]
    hant, hans = project(flat, texts.hant), project(flat, texts.hans)
    sentences, k = [], 0
    for i, unit in enumerate(units):
        clauses = [Texts(flat[j], hant[j], hans[j]) for j in range(k, k + len(unit))]
        sentences.append(Sentence(f"{prefix}s{i}", clauses))
        k += len(unit)
    return sentences


def segment_block(block: ScriptedBlock, prefix: str) -> SegmentedBlock:
    credit = None
    if block.credit.original:
        credit = Sentence(f"{prefix}c", [block.credit])
    return SegmentedBlock(block.kind, block.level, block.label,
                          segment_texts(block.text, prefix), credit)


def segment(doc: ScriptedDocument) -> SegmentedDocument:
    title = ScriptedBlock("title", 0, "", Texts("", "", ""), doc.title)
    return SegmentedDocument(
        slug=doc.slug,
        source=doc.source,
        meta=doc.meta,
        script=doc.script,
        title=segment_block(title, "t"),
        blocks=[segment_block(b, f"b{i}") for i, b in enumerate(doc.blocks)],
    )
