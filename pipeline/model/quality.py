"""The shape of build/<slug>/quality.json: the rows an editor should check, and why."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model.document import Correction


@dataclass
class RowCheck:
    """A row an editor should look at before the brief goes out."""

    block: int       # index in AlignedDocument.blocks (-1 = title)
    row: int         # index in the block's rows (-1 = photo credit)
    zh: str          # the row's Chinese as written in the source
    en: str
    confidence: float
    reasons: list[str]
    reviewed: bool = False   # the English is an editor's, and the checks still doubt it


@dataclass
class Report:
    slug: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)  # findings by kind
    rows_to_check: list[RowCheck] = field(default_factory=list)
    reviewed: int = 0        # rows whose English an editor wrote or confirmed
    stale_corrections: list[Correction] = field(default_factory=list)  # not applied: Chinese gone

    def summary(self) -> str:
        parts = [f"{len(self.rows_to_check) or 'none'} of {self.rows} rows to check"]
        if self.counts:
            parts[0] += f" ({', '.join(f'{n} {kind}' for kind, n in sorted(self.counts.items()))})"
        if self.reviewed:
            parts.append(f"{self.reviewed} reviewed")
        if self.stale_corrections:
            parts.append(f"{len(self.stale_corrections)} stale corrections")
        return ", ".join(parts)
