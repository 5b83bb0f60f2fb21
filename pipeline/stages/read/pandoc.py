"""Running pandoc on an article's file: its JSON AST, read in pandoc's sandbox, within limits.

Markdown turns off pandoc's `smart` extension so quotes and dashes stay exactly as
written, turns off `citations` (news has no citation keys, and pandoc takes exponential
time on a run of unclosed "[" with it on: jgm/pandoc#1735), and turns on
`east_asian_line_breaks` so a line wrapped inside a Chinese sentence does not gain a
space. DOCX is read with `styles`, so that paragraph styles pandoc does not know, such as
LibreOffice's block quotation, still say what a paragraph is (read.ast.DOCX_STYLES).

An article comes from a stranger (a stringer's DOCX, a wire's HTML), so pandoc reads it
in its sandbox: it opens no other file (reStructuredText's `include`, `csv-table :file:`)
and fetches no address (an HTML `<iframe src>`), whatever the format; what it was refused
is named in a warning and the brief is built from the file's own text (`_refused`). No
file may be larger than any news article is (`check_size`), and pandoc's heap is capped:
a small DOCX can unzip to a gigabyte.
"""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pypandoc

from pipeline.errors import SourceError, warn

MARKDOWN = "markdown-smart-citations+east_asian_line_breaks"
# pandoc reads a long article in well under a second; a file it is still reading after
# this long would never finish (see pandoc_json).
PANDOC_SECONDS = 60
# Limits on the file of what no news article is (on its text: read.MAX_CHARACTERS). Text
# files: 16 MB of Markdown took pandoc 7 s and 260 MB, so the byte limit leaves room for a
# wire's HTML page, markup and all. DOCX and ODT: their XML parts as the zip declares them,
# images apart; pandoc needs some 25 times the XML in memory (5 MB of paragraphs: 270 MB,
# 40 MB: 1.1 GB), and 20 MB is several times what Word writes for 60,000 characters.
# Whatever the zip declares, pandoc's heap is capped (a zip can lie).
MAX_TEXT_BYTES = 10_000_000
MAX_UNZIPPED_BYTES = 20_000_000
PANDOC_HEAP_MB = 1024
# pandoc's sandbox says what it did not read in warnings like these (pandoc 3.x).
REFUSED = re.compile(r"^\[WARNING\] Could not (?:load include file|fetch resource) (\S+?)(?::?\s|$)",
                     re.MULTILINE)
# … and this error where a reader cannot go on without it (reStructuredText's csv-table :file:).
SANDBOXED = re.compile(r"^(?:File )?(\S+) not found in resource path", re.MULTILINE)
FORMATS = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": MARKDOWN,  # plain text: paragraphs, and "1." lines become a numbered list
    ".html": "html",
    ".htm": "html",
    ".docx": "docx+styles",  # each paragraph in a Div naming its style (see read.ast.DOCX_STYLES)
    ".odt": "odt",
    ".rst": "rst",
}
TEXT_FORMATS = {".md", ".markdown", ".txt", ".html", ".htm", ".rst"}
ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}


def check_size(path: Path) -> None:
    """Refuse a file larger than any article before anything reads it: a text file by its
    bytes, a DOCX or ODT by the XML its zip declares (a zip pandoc cannot open, it names)."""
    size = path.stat().st_size
    if path.suffix.lower() in TEXT_FORMATS and size > MAX_TEXT_BYTES:
        raise SourceError(str(path), f"{size / 1e6:.1f} MB of text, larger than any news article: "
                                     f"at most {MAX_TEXT_BYTES / 1e6:.0f} MB are read")
    if path.suffix.lower() in TEXT_FORMATS:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(i.file_size for i in archive.infolist() if i.filename.endswith(".xml"))
    except (OSError, zipfile.BadZipFile):
        return
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SourceError(str(path), f"its XML unzips to {unzipped / 1e6:.0f} MB, larger than any news "
                                     f"article: at most {MAX_UNZIPPED_BYTES / 1e6:.0f} MB are read")


def pandoc_json(path: Path, fmt: str, text: bytes | None = None) -> str:
    """pandoc's JSON AST of `text` (else of the file itself), from the pandoc pypandoc
    ships, in its sandbox and with its heap capped. Run directly rather than through
    pypandoc.convert_*, which has no time limit: one pathological file (jgm/pandoc#1735)
    would stall a scheduled build and, through make publish's lock, every run after it."""
    command = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP_MB}m", "-RTS", "--sandbox",
               f"--from={fmt}", "--to=json", *([] if text is not None else [str(path)])]
    try:
        done = subprocess.run(command, input=text, capture_output=True, timeout=PANDOC_SECONDS)
    except subprocess.TimeoutExpired:
        raise SourceError(str(path), f"pandoc did not finish reading it in {PANDOC_SECONDS} s") from None
    message = done.stderr.decode("utf-8", "replace")
    if "Heap exhausted" in message:
        raise SourceError(str(path), f"pandoc needed more than {PANDOC_HEAP_MB} MB of memory to read it: "
                                     "larger than any news article")
    if done.returncode != 0 and (outside := SANDBOXED.search(message)):
        raise SourceError(str(path), f"it asks for {outside.group(1)}, which is not read: "
                                     "an article is read from its own file only")
    if done.returncode != 0:
        raise SourceError(str(path), f"pandoc could not read it: {_first_lines(message)}")
    _refused(path, message)
    return done.stdout.decode("utf-8")


def _refused(path: Path, message: str) -> None:
    """Warn of what pandoc's sandbox kept the article from reading: other files and
    addresses are never part of an article, so the brief is built from its own text."""
    for target in dict.fromkeys(REFUSED.findall(message)):
        warn(f"warning: {path}: not read: {target} (an article is read from its own file only)")


def _first_lines(message: str, n: int = 3) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines[:n])


def odt_title(path: Path) -> str:
    """The text of the ODT's first paragraph if it is in the Title paragraph style, directly
    or through the automatic style a word processor makes for direct formatting; else "".
    pandoc's ODT reader reads such a paragraph as any other (LibreOffice's DOCX it reads as
    the title): the title would then be shown twice, above the brief and as its first row."""
    try:
        with zipfile.ZipFile(path) as odt:
            root = ET.fromstring(odt.read("content.xml"))
    except (KeyError, OSError, zipfile.BadZipFile, ET.ParseError):
        return ""  # pandoc read it: whatever this is, it has no title to find
    body = root.find("office:body/office:text", ODF)
    paragraphs = [] if body is None else [e for e in body if e.tag in (_odf("text", "p"), _odf("text", "h"))]
    first = next((e for e in paragraphs if "".join(e.itertext()).strip()), None)
    if first is None:
        return ""
    parents = {style.get(_odf("style", "name")): style.get(_odf("style", "parent-style-name"))
               for style in root.iter(_odf("style", "style"))}
    name = first.get(_odf("text", "style-name"))
    return "".join(first.itertext()) if "Title" in (name, parents.get(name)) else ""


def _odf(namespace: str, name: str) -> str:
    """An ODF element or attribute name as ElementTree spells it: {uri}name."""
    return f"{{{ODF[namespace]}}}{name}"
