"""The shape of build/<slug>/aligned.json and reviewed.json: the brief's rows, each one or
more Chinese clauses beside their English, with what that English must carry."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model.document import Correction, Meta
from pipeline.model.scripts import Script, Texts


@dataclass
class Expectation:
    """Something in the Chinese that the English must show, in one of `forms`."""

    zh: str
    kind: str        # glossary kind (person, place, org, term) or number kind (date, amount…)
    expected: str    # the English an editor should look for
    forms: list[str]  # regular expressions, any of which is enough

    def found_in(self, english: str) -> bool:
        return any(re.search(f, english, re.IGNORECASE) for f in self.forms)



@dataclass
class Row:
    """One line of the brief: one or more Chinese clauses beside their English."""

    zh: list[Texts]
    en: str
    sentence: str = ""   # id of the sentence the row belongs to
    expected: list[Expectation] = field(default_factory=list)  # what its English must carry
    confidence: float = 1.0  # 0–1: how far a reader can trust the English (quality.assess)
    reasons: list[str] = field(default_factory=list)  # why an editor should check it, if so
    reviewed: bool = False   # the English is an editor's (corrections.py)
    machine: str = ""        # the model's English, kept when an editor's replaced it

    def original(self) -> str:
        """The row's Chinese as the source wrote it: how corrections name a row."""
        return "".join(t.original for t in self.zh)


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
    corrections: str = ""    # the editor's corrections file applied, "" for none
    stale: list[Correction] = field(default_factory=list)  # corrections whose Chinese no longer occurs

    def rows(self) -> list[Row]:
        """Every row of the brief: the title's, then each block's, photo credits included."""
        return [row for block in [self.title, *self.blocks]
                for row in block.rows + ([block.credit] if block.credit else [])]

    def reviewed(self) -> tuple[int, int]:
        """(rows an editor reviewed, all rows)."""
        rows = self.rows()
        return sum(r.reviewed for r in rows), len(rows)
