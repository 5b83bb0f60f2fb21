"""The shape of build/<slug>/segments.json: blocks cut into sentences (what the model
translates, one at a time) and each sentence into clauses (what a row of the brief shows)."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.model.document import Meta
from pipeline.model.scripts import Script, Texts


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
