"""Stage 8, corrections: an editor's English, kept for every later rebuild.

input: build/<slug>/aligned.json, source/<slug>.corrections.tsv and .approved.tsv;
output: build/<slug>/reviewed.json (the aligned document is not changed)

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
reviewed, and the checks judge the new English (checks/rows.py, `recheck`): they report, they
never overwrite.

An editor may also find a row right as it is: `source/<slug>.approved.tsv`, in the same
format, names such rows with the model's English they approved. An approval marks the
row reviewed, its English untouched, only while the model still writes exactly that
English for it: a re-translation (a new glossary term, a new model) may write another,
which no editor has read, and the approval is then stale, as a correction whose Chinese
is gone.

An editor's text comes from strangers as much as the article does: the file, the review
page's save and an XLIFF import all pass each row through `refusal`, which turns away
what no edit is: a row longer than any paragraph, or a character the file, the page or
the feed cannot carry.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from pipeline import jsonio
from pipeline.checks.english import Entities
from pipeline.checks.rows import recheck
from pipeline.errors import SourceError
from pipeline.lang.chinese import CONFIGS, converter
from pipeline.model.aligned import AlignedBlock, AlignedDocument, Row
from pipeline.model.document import CONTROL, Correction
from pipeline.sources import TYPES

HEADER = "zh\ten"
SUFFIX = ".corrections.tsv"
APPROVED_SUFFIX = ".approved.tsv"
# The most characters one row's Chinese or English may have. A correction names at most
# one paragraph's rows. Measured: the longest paragraph of the articles here (source/,
# tests/data, the shared seeds) has 510 Chinese characters; in the test build's eight
# briefs the longest English row has 180 characters, the longest paragraph's English
# 614. 5000 is eight times that paragraph, three times the English the longest one would
# need, and keeps a save's checks and PDFs to seconds (a row of 1 MB held the review
# server for 121 s).
MAX_ROW = 5000
# What one row cannot hold: what no text of a brief holds (document.CONTROL), and tabs and
# line breaks (the file is a row a line, its columns split by a tab), the line and
# paragraph separators (a line break to many editors), and lone surrogates, which UTF-8
# cannot carry.
REFUSED = re.compile(f"{CONTROL.pattern}|[\t\n\u2028\u2029\ud800-\udfff]")
# Runs of what wraps a line (spaces, tabs, line breaks: XML's whitespace): how a textarea
# or a CAT tool may lay out one row's text, not part of it.
WRAPPING = re.compile("[ \t\r\n]+")
# How alike (%, rapidfuzz's ratio on the Simplified text) a row must be to a stale
# correction's Chinese to be named as the row it likely meant. A typo of one character in
# a clause of ten leaves 91 %. Of the 335 rows of the ten test briefs, 26 have another row
# 60 % alike or more (most of them the same sentence twice: a headline and the lead), 49
# one 50 %: a correction of a sentence since deleted is rarely given a wrong guess.
NEAR = 60


def path_for(source_dir: Path, slug: str) -> Path:
    return source_dir / f"{slug}{SUFFIX}"


def approvals_for(source_dir: Path, slug: str) -> Path:
    """The article's approvals: rows found right as the model wrote them (zh<TAB>en, read by `load`)."""
    return source_dir / f"{slug}{APPROVED_SUFFIX}"


def has_article(source_dir: Path, slug: str) -> bool:
    """Whether `source_dir` still holds the article `slug` (in any format read, either
    case): a corrections file is written only beside its article, never as an orphan."""
    return any((source_dir / f"{slug}.{ext}").is_file() for e in TYPES for ext in (e, e.upper()))


def clean(text: str) -> str:
    """One row's text as stored and compared: wrapping made one space, the ends trimmed."""
    return WRAPPING.sub(" ", text).strip()


def refusal(text: str, column: str) -> str:
    """Why `text` cannot be one row's `column` ("Chinese", "English") as an editor writes
    it, or "" when it can: the one test of the corrections file, the review page's save
    and the XLIFF import, whose callers add which line, row or unit it is."""
    if len(text) > MAX_ROW:
        return f"the {column} is {len(text)} characters long, more than a row may be ({MAX_ROW})"
    if found := REFUSED.search(text):
        return (f"the {column} holds U+{ord(found.group()):04X} at character {found.start() + 1} "
                "(a control character, tab, line break or non-character)")
    return ""


def load(path: Path) -> list[Correction]:
    """The corrections of one file; a missing file has none. A malformed line (a refused
    row among them, or a row corrected twice, in either script) is an error naming the
    file and the line."""
    if not path.is_file():
        return []
    try:
        # Lines end at "\n" (after a CR, for Windows), as a text editor numbers them;
        # splitlines would also break at U+2028 or a form feed, inside a row.
        lines = [line.removesuffix("\r") for line in path.read_text(encoding="utf-8-sig").split("\n")]
    except UnicodeDecodeError as err:
        raise SourceError(str(path), f"not UTF-8 text (byte {err.start})") from err
    if not lines or lines[0].strip() != HEADER:
        raise SourceError(str(path), "line 1: the header must be the two columns zh<TAB>en")
    corrections: list[Correction] = []
    seen: dict[str, Correction] = {}  # each form of a corrected row → its correction
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
        if problem := refusal(zh, "Chinese") or refusal(en, "English"):
            raise SourceError(str(path), f"line {number}: {problem}")
        named = forms(zh)
        if first := min((seen[f] for f in named if f in seen), key=lambda c: c.line, default=None):
            script = "" if key(first.zh) == key(zh) else ", in the other script"
            raise SourceError(str(path), f"line {number}: the same Chinese is corrected on line "
                                         f"{first.line}{script}")
        correction = Correction(number, zh, en)
        seen.update(dict.fromkeys(named, correction))
        corrections.append(correction)
    return corrections


def dump(corrections: list[Correction], path: Path) -> None:
    """Write a corrections file in one rename (an editor's work is never half-written)."""
    lines = [HEADER, *(f"{clean(c.zh)}\t{clean(c.en)}" for c in corrections)]
    jsonio.write_text_atomic(path, "\n".join(lines) + "\n")


def merge(corrections: list[Correction], edits: dict[str, str]) -> list[Correction]:
    """`corrections` with `edits` (Chinese → English) made: a row corrected again, in
    either script, is replaced where it stands (its Chinese as the file wrote it), a new
    one added at the end; stale lines are kept."""
    out = list(corrections)
    named = [forms(c.zh) for c in out]
    for zh, en in edits.items():
        wanted = forms(zh)
        at = next((i for i, known in enumerate(named) if known & wanted), None)
        if at is None:
            out.append(Correction(0, zh, en))
            named.append(wanted)
        else:
            out[at] = replace(out[at], en=en)
    return out


def key(text: str) -> str:
    """What identifies a row's Chinese: its characters, whitespace aside."""
    return "".join(unicodedata.normalize("NFC", text).split())


def forms(zh: str) -> set[str]:
    """What identifies a row's Chinese in either script: its key in Simplified, as each
    OpenCC configuration the build may have used writes it (Simplified text is left as
    it is), so one row written in Traditional and in Simplified gives a common form."""
    return {key(converter(to_hans).convert(key(zh))) for to_hans, _ in CONFIGS.values()}


def keys(rows: list[Row]) -> tuple[str, ...]:
    """The Chinese of consecutive rows, as written, in Traditional and in Simplified, in
    that order (not a set's): the first a correction names wins, whatever the hash seed."""
    return tuple(key("".join(getattr(t, form) for r in rows for t in r.zh)) for form in ("original", "hant", "hans"))


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


def reviewed(aligned: AlignedDocument, corrections: list[Correction], approvals: list[Correction],
             known: Entities, source: str = "") -> tuple[AlignedDocument, list[Correction]]:
    """The stage: a new document, the aligned one with the editor's English applied and the
    approved rows marked reviewed (`aligned` is left as it was); and the approvals no row
    takes."""
    doc = apply(copy.deepcopy(aligned), corrections, known, source)
    return doc, approve(doc, approvals)


def nearest(doc: AlignedDocument, zh: str) -> tuple[str, int] | None:
    """The row of `doc` whose Chinese is most like `zh` (a stale correction's, in either
    script), as written, and how alike (%); None when no row is NEAR % alike."""
    rows = {key("".join(t.hans for t in row.zh)): row.original() for row in doc.rows()}
    found = [best for form in forms(zh)
             if (best := process.extractOne(form, list(rows), scorer=fuzz.ratio, score_cutoff=NEAR))]
    if not found:
        return None
    text, alike, _ = max(found, key=lambda best: best[1])
    return rows[text], round(alike)


def approve(doc: AlignedDocument, approvals: list[Correction]) -> list[Correction]:
    """Mark reviewed, their English as it is, the rows whose model English is still the
    English the editor approved (a row an editor corrected stays corrected); return the
    approvals that no row takes (stale: the Chinese is gone, or the model's English changed)."""
    wanted = {key(a.zh): a for a in approvals}
    taken: set[int] = set()
    for row in doc.rows():
        model = clean(row.machine if row.reviewed else row.en)
        found = next((wanted[k] for k in keys([row]) if k in wanted and clean(wanted[k].en) == model), None)
        if found:
            taken.add(found.line)
            if not row.reviewed:
                row.reviewed, row.machine = True, row.en
    return [a for a in approvals if a.line not in taken]
