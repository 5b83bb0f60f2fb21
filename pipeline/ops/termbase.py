"""The project's termbase: source/glossary.tsv, grown by editors from the review page.

glossary.py reads the file for every stage that enforces terms (columns zh, en, kind,
note; `#` comments); this module writes it. An editor's term is added at the end, and
the Chinese it names (compared in Simplified, as glossary.py matches terms) is taken out
of every entry that listed it, an entry left with no Chinese dropped: a term is never
there twice, and the editor's English is the one read. A term is removed the same way.
Every other line (comments, hand-written entries, their order) stays as it was, and the
result must read back, with the editor's term as the editor wrote it, before it is
written, in one rename (jsonio.write_text_atomic): a build never reads half a glossary.

The Makefile makes every brief depend on this file, and the translation memory keys each
sentence by the glossary entries of the terms in it (translate.memory_key), so a new term
re-translates the sentences that hold it and takes every other from the memory.

None of this is in glossary.py: that file's bytes are part of every translation memory
key (code.digest("translations")) and every brief depends on it, so changing its code would
translate every sentence of every brief afresh.
"""
from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.lang.chinese import converter
from pipeline.lang.writing import HAN
from pipeline.stages import corrections

NAME = "glossary.tsv"
COLUMNS = ("zh", "en", "kind", "note")
# The kinds an editor may give: those a glossary file may hold but an article's own
# ("custom", front matter) and names.py's ("name").
KINDS = tuple(k for k in glossary.KINDS if k not in ("custom", "name"))
NEW_FILE = ("# The project's terms (pipeline/glossary.py), most added on the review page (make review). "
            "Columns: zh (|-separated forms, either script), en (the first is written, the others the "
            "checks accept), kind, note.\n" + "\t".join(COLUMNS) + "\n")


@dataclass
class Entry:
    """One line of the glossary file, as written."""

    zh: str    # its Chinese forms, |-separated
    en: str
    kind: str
    note: str = ""


def path_for(source_dir: Path) -> Path:
    return source_dir / NAME


@cache
def _to_hans() -> opencc.OpenCC:
    return converter("t2s")  # made once: OpenCC loads its dictionaries anew each time


def _hans(zh: str) -> str:
    """A Chinese form as glossary.py matches it: in Simplified."""
    return _to_hans().convert(zh.strip())


def refusal(zh: str, en: str, kind: str) -> str:
    """Why (zh, en, kind) cannot be a term as an editor gives it, or "" when it can: each
    text passes corrections.refusal, the Chinese is one form of at least two characters
    holding Chinese, with no space (glossary.entry ignores shorter ones, and a term is
    matched in text with no spaces), and the kind is one of KINDS."""
    if problem := corrections.refusal(zh, "Chinese") or corrections.refusal(en, "English"):
        return problem
    if len(zh) < 2 or "|" in zh or not HAN.search(zh) or zh != "".join(zh.split()):
        return "the Chinese must be one term of at least two characters, in Chinese, with no spaces"
    if not en.strip("| "):
        return "the English is empty"
    if kind not in KINDS:
        return f"the kind must be one of {', '.join(KINDS)}"
    return ""


def _is_entry(line: str) -> bool:
    """Whether glossary.read_tsv reads the line (the header or an entry): not blank, no comment."""
    return bool(line.strip()) and not line.startswith("#")


def _fields(line: str) -> list[str]:
    return next(csv.reader([line], delimiter="\t"), [])


def _line(fields: list[str]) -> str:
    """A line as csv (glossary.read_tsv's reader) reads it back: a field with a quote is quoted."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerow(fields)
    return out.getvalue()


def _lines(path: Path) -> tuple[list[str], list[str]]:
    """The file's lines (a new file's when there is none) and its header's columns. A file
    a build could not read, or whose header lacks a column a term needs, is an error."""
    if path.is_file():
        glossary.read_tsv(path)  # an error names the file and the entry, as the build's would
    lines = (path.read_text(encoding="utf-8") if path.is_file() else NEW_FILE).splitlines(keepends=True)
    header = _fields(next((line for line in lines if _is_entry(line)), ""))
    if missing := [c for c in COLUMNS[:3] if c not in header]:
        raise SourceError(str(path), f"the header line names no {' or '.join(missing)} column")
    return lines, header


def entries(path: Path) -> list[Entry]:
    """The file's entries in order (none when there is no file)."""
    lines, header = _lines(path)
    rows = [dict(zip(header, _fields(line))) for line in lines if _is_entry(line)][1:]
    return [Entry(*((row.get(c) or "").strip() for c in COLUMNS)) for row in rows]


def _without(lines: list[str], header: list[str], forms: set[str]) -> tuple[list[str], bool]:
    """The lines with each Chinese form whose Simplified is in `forms` taken out of its
    entry (an entry left with none dropped), and whether any was."""
    at, out, found, entry = header.index("zh"), [], False, 0
    for line in lines:
        entry += _is_entry(line)
        fields = _fields(line) if entry > 1 and _is_entry(line) else []
        zh = fields[at].split("|") if at < len(fields) else []
        kept = [z for z in zh if _hans(z) not in forms]
        if len(kept) < len(zh):
            found = True
            if not any(z.strip() for z in kept):
                continue
            fields[at] = "|".join(kept)
            line = _line(fields)
        out.append(line)
    return out, found


def _write(path: Path, lines: list[str], zh: str, en: str | None) -> None:
    """Write the glossary in one rename, once a copy of it reads back with `zh` giving
    `en` (None: with no entry): what the editor asked is what every build will read."""
    text = "".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / NAME
        copy.write_text(text, encoding="utf-8")
        read = {t.zh: t.en for t in glossary.read_tsv(copy)}  # later entries win, as in glossary.load
    if read.get(_hans(zh)) != en:
        raise SourceError(str(path), f"the entry for {zh} does not read back as written")
    jsonio.write_text_atomic(path, text)


def add(path: Path, zh: str, en: str, kind: str, note: str = "") -> None:
    """Make `zh` a term of the glossary at `path` (created if missing), written `en`, of
    `kind`: any entry listing the same Chinese, in either script, gives it up."""
    lines, header = _lines(path)
    lines, _ = _without(lines, header, {_hans(zh)})
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    given = {"zh": zh, "en": en, "kind": kind, "note": note}
    _write(path, [*lines, _line([given.get(c, "") for c in header])], zh, glossary.entry(zh, en, kind)[0].en)


def remove(path: Path, zh: str) -> None:
    """Take the Chinese forms `zh` (|-separated, as an entry lists them) out of the
    glossary at `path`; an error when no entry lists any of them."""
    lines, header = _lines(path)
    forms = [z.strip() for z in zh.split("|") if z.strip()]
    lines, found = _without(lines, header, {_hans(z) for z in forms})
    if not found:
        raise SourceError(str(path), f"no entry lists {zh}")
    _write(path, lines, forms[0], None)
