"""Stage 1, read: any format pandoc reads → `Document`.

input: a source file (source/<slug>.<ext>); output: build/<slug>/document.json (a Document).

A text file is decoded first (`encoding`: pandoc reads only UTF-8), pandoc parses the
text, or a DOCX or ODT file itself, into its JSON AST in its sandbox (`pandoc`), and one
walk of that AST keeps the text verbatim (`ast`). No article read may be longer than any
news article is (`MAX_CHARACTERS`).
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.model.document import Document
from pipeline.stages.read.ast import from_ast, printable, title_paragraph_as_title
from pipeline.stages.read.encoding import decode_file, normalise
from pipeline.stages.read.pandoc import (
    FORMATS,
    TEXT_FORMATS,
    check_size,
    odt_title,
    pandoc_json,
)

# A long feature runs to 10,000–20,000 characters (the seeds have 2,300); a 20 MB text ran
# for 10 minutes to 6.3 GB in the align stage before it was stopped. (The file's own
# limits, before pandoc reads it: pandoc.MAX_TEXT_BYTES, MAX_UNZIPPED_BYTES.)
MAX_CHARACTERS = 60_000


def read(path: Path) -> Document:
    """Read one article; raise `SourceError` naming the file for anything unusable."""
    return read_with_encoding(path)[0]


def read_with_encoding(path: Path) -> tuple[Document, str]:
    """Read one article, and name the encoding its text was in ("UTF-8", "GB18030"…; ""
    for DOCX and ODT, which carry their own); `SourceError` naming the file for anything
    unusable."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(str(path), f"unsupported file type {path.suffix!r} "
                          f"(use one of {', '.join(sorted(FORMATS))})")
    check_size(path)
    encoding = ""
    try:
        if path.suffix.lower() in TEXT_FORMATS:
            text, encoding = decode_file(path)
            ast = printable(json.loads(pandoc_json(path, fmt, normalise(text).encode("utf-8"))))
        else:
            ast = printable(json.loads(pandoc_json(path, fmt)))
            if fmt == "odt" and (title := odt_title(path)):
                ast = title_paragraph_as_title(ast, title)
        return _check_length(from_ast(ast, path)), encoding
    except RecursionError:
        # Python's limit (json and the AST walk), reached by some thousand nested quotes
        # or lists: no article is built that way, so refuse it as bad input.
        raise SourceError(str(path), "quotes, lists or emphasis nested too deeply to read") from None


def summary(doc: Document, encoding: str) -> str:
    """The read stage's line in the build log: "36 blocks, GB18030" (`encoding` as
    `read_with_encoding` names it; "" names none)."""
    return f"{len(doc.blocks)} blocks" + (f", {encoding}" if encoding else "")


def _check_length(doc: Document) -> Document:
    """`doc`, if its text is no longer than any news article's (MAX_CHARACTERS)."""
    length = len(doc.meta.title) + sum(len(b.text) + len(b.credit) for b in doc.blocks)
    if length > MAX_CHARACTERS:
        raise SourceError(doc.source, f"{length:,} characters of text, more than any news article: "
                                      f"at most {MAX_CHARACTERS:,} are built (split it into articles)")
    return doc
