"""Stage 6, corrections: an editor's English, kept for every later rebuild.

`source/<slug>.corrections.tsv` sits beside its article and is versioned with it:
UTF-8, a header line `zh<TAB>en`, then one line per corrected row, the row's Chinese
as the source writes it (all its clauses joined; the page's Traditional or Simplified
form is accepted too) and the English to publish. As gettext's msgmerge keeps a
translator's work across source edits, a correction is matched by its Chinese, not by
its position: it survives re-translation, re-alignment and edits elsewhere in the
article. It may name several consecutive rows of one block, which then become one row
(the aligner cut where the editor would not). A correction whose Chinese no longer
occurs is stale: kept in the file, listed in the log and in quality.json, not applied.

The editor's English replaces the model's, which is kept beside it; the row is marked
reviewed, and the checks judge the new English (quality.recheck): they report, they
never overwrite.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

from . import jsonio
from .align import AlignedBlock, AlignedDocument, Row
from .checks import Entities
from .document import Correction
from .errors import SourceError
from .quality import recheck

HEADER = "zh\ten"
SUFFIX = ".corrections.tsv"


def path_for(source_dir: Path, slug: str) -> Path:
    return source_dir / f"{slug}{SUFFIX}"


def load(path: Path) -> list[Correction]:
    """The corrections of one file; a missing file has none. A malformed line is an
    error naming the file and the line."""
    if not path.is_file():
        return []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise SourceError(str(path), f"not UTF-8 text (byte {err.start})") from err
    if not lines or lines[0].strip() != HEADER:
        raise SourceError(str(path), "line 1: the header must be the two columns zh<TAB>en")
    corrections: list[Correction] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise SourceError(str(path), f"line {number}: expected 2 tab-separated columns (zh, en), "
                                         f"found {len(fields)}")
        zh, en = (f.strip() for f in fields)
        if not zh or not en:
            raise SourceError(str(path), f"line {number}: the {'Chinese' if not zh else 'English'} is empty")
        if key(zh) in seen:
            raise SourceError(str(path), f"line {number}: the same Chinese is corrected on line {seen[key(zh)]}")
        seen[key(zh)] = number
        corrections.append(Correction(number, zh, en))
    return corrections


def dump(corrections: list[Correction], path: Path) -> None:
    """Write a corrections file in one rename (an editor's work is never half-written)."""
    def clean(text: str) -> str:
        return " ".join(text.split())  # a tab or a line break would break the format
    lines = [HEADER, *(f"{clean(c.zh)}\t{clean(c.en)}" for c in corrections)]
    jsonio.write_text_atomic(path, "\n".join(lines) + "\n")


def merge(corrections: list[Correction], edits: dict[str, str]) -> list[Correction]:
    """`corrections` with `edits` (Chinese → English) made: a row corrected again is
    replaced where it stands, a new one added at the end; stale lines are kept."""
    edits = {key(zh): (zh, en) for zh, en in edits.items()}
    out = [replace(c, en=edits.pop(key(c.zh))[1]) if key(c.zh) in edits else c for c in corrections]
    return out + [Correction(0, zh, en) for zh, en in edits.values()]


def key(text: str) -> str:
    """What identifies a row's Chinese: its characters, whitespace aside."""
    return "".join(unicodedata.normalize("NFC", text).split())


def keys(rows: list[Row]) -> set[str]:
    """The Chinese of consecutive rows, as written, in Traditional and in Simplified."""
    return {key("".join(getattr(t, form) for r in rows for t in r.zh)) for form in ("original", "hant", "hans")}


def _corrected(rows: list[Row], correction: Correction) -> Row:
    machine = " ".join(r.en for r in rows if r.en)
    first = rows[0]
    return Row([t for r in rows for t in r.zh], correction.en, first.sentence,
               [e for r in rows for e in r.expected], reviewed=True,
               machine=first.machine if first.reviewed else machine)


def _apply_block(block: AlignedBlock, wanted: dict[str, Correction], used: set[int], known: Entities) -> None:
    """Correct a block's rows in place: at each row, the shortest run of rows that a correction names."""
    rows, start = [], 0
    while start < len(block.rows):
        for end in range(start + 1, len(block.rows) + 1):
            found = next((wanted[k] for k in keys(block.rows[start:end]) if k in wanted), None)
            if found:
                row = _corrected(block.rows[start:end], found)
                recheck(row, known, block.kind == "list_item")
                rows.append(row)
                used.add(found.line)
                start = end
                break
        else:
            rows.append(block.rows[start])
            start += 1
    block.rows = rows
    if block.credit and (found := next((wanted[k] for k in keys([block.credit]) if k in wanted), None)):
        block.credit = _corrected([block.credit], found)
        recheck(block.credit, known)
        used.add(found.line)


def apply(doc: AlignedDocument, corrections: list[Correction], known: Entities,
          source: str = "") -> AlignedDocument:
    """The brief with the editor's English on the rows it names; the rest listed as stale."""
    wanted = {key(c.zh): c for c in corrections}
    used: set[int] = set()
    for block in [doc.title, *doc.blocks]:
        _apply_block(block, wanted, used, known)
    doc.corrections = source if corrections else ""
    doc.stale = [c for c in corrections if c.line not in used]
    return doc
