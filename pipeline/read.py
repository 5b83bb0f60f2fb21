"""Stage 1, read: any format pandoc reads → `Document`.

pandoc parses the file into its JSON AST; this module walks that AST once and keeps
the text verbatim. Markdown turns off pandoc's `smart` extension so quotes and dashes
stay exactly as written, turns off `citations` (news has no citation keys, and pandoc
takes exponential time on a run of unclosed "[" with it on: jgm/pandoc#1735), and turns
on `east_asian_line_breaks` so a line wrapped inside a Chinese sentence does not gain a
space. DOCX is read with `styles`, so that paragraph styles pandoc does not know, such as
LibreOffice's block quotation, still say what a paragraph is (`DOCX_STYLES`).

Text formats are decoded here, not by pandoc (which reads only UTF-8): a byte order mark
names the encoding (UTF-8, UTF-16LE, UTF-16BE); otherwise UTF-8, else GB18030 or Big5,
whichever reads as Chinese (`decode`). Line ends become LF and control characters are
dropped (`normalise`) before pandoc sees the text. DOCX and ODT carry their own encoding.

An article comes from a stranger (a stringer's DOCX, a wire's HTML), so pandoc reads it
in its sandbox: it opens no other file (reStructuredText's `include`, `csv-table :file:`)
and fetches no address (an HTML `<iframe src>`), whatever the format; what it was refused
is named in a warning and the brief is built from the file's own text (`_refused`). No
file, and no article read from it, may be larger than any news article is (`_check_size`,
`_check_length`), and pandoc's heap is capped: a small DOCX can unzip to a gigabyte.
"""
from __future__ import annotations

import codecs
import datetime as dt
import functools
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pypandoc

from .document import CONTROL, Block, BlockKind, Document, Meta
from .errors import SourceError, warn

MARKDOWN = "markdown-smart-citations+east_asian_line_breaks"
# pandoc reads a long article in well under a second; a file it is still reading after
# this long would never finish (see _pandoc).
PANDOC_SECONDS = 60
# Limits on what no news article is. A long feature runs to 10,000–20,000 characters (the
# seeds have 2,300); a 20 MB text ran for 10 minutes to 6.3 GB in the align stage before it
# was stopped. Text files: 16 MB of Markdown took pandoc 7 s and 260 MB, so the byte limit
# leaves room for a wire's HTML page, markup and all. DOCX and ODT: their XML parts as the
# zip declares them, images apart; pandoc needs some 25 times the XML in memory (5 MB of
# paragraphs: 270 MB, 40 MB: 1.1 GB), and 20 MB is several times what Word writes for
# 60,000 characters. Whatever the zip declares, pandoc's heap is capped (a zip can lie).
MAX_CHARACTERS = 60_000
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
    ".docx": "docx+styles",  # each paragraph in a Div naming its style (see DOCX_STYLES)
    ".odt": "odt",
    ".rst": "rst",
}
TEXT_FORMATS = {".md", ".markdown", ".txt", ".html", ".htm", ".rst"}
SENTENCE_END = re.compile(r"[。！？!?]+[」』”’）)】》]*")
# DOCX paragraph styles pandoc reads as plain paragraphs (it knows Quote and Block Text),
# by name. LibreOffice saves its block quotation style as "Quotations" (called "Block
# Quotation" from 7.6 on), Word has "Intense Quote"; Writer's caption styles are Caption
# and one per caption category, which pandoc's ODT reader already reads as captions.
DOCX_STYLES: dict[str, BlockKind] = {
    "Quotations": "quote", "Block Quotation": "quote", "Intense Quote": "quote",
    "Caption": "caption", "Table": "caption", "Illustration": "caption", "Figure": "caption",
    "Drawing": "caption",
}
# Text pandoc files under metadata: DOCX's Subtitle and Abstract paragraphs (front matter
# may have the keys too). It is article text, a dek or a summary: it becomes paragraphs
# at the top, where the word processor showed it.
LEAD_META = ("subtitle", "abstract")
# Between the cells of a table row, which becomes one paragraph (`_table`): the Chinese
# list separator, which the model translates as ";" (" | " it drops, cells and all).
CELL_SEPARATOR = "；"
CELL_ENDS = set("。！？；，：!?;,:")  # a cell ending in one of these needs no separator
ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}

ACCEPTED = "UTF-8, UTF-16, GB18030 or Big5"
# A byte order mark is a declaration: the file is read in that encoding or refused.
BOMS = (
    (codecs.BOM_UTF8, "UTF-8 with BOM", "utf-8"),
    (codecs.BOM_UTF16_LE, "UTF-16LE", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16BE", "utf-16-be"),
)
# Without a mark and not UTF-8: GB18030 and Big5 are both candidates, and the reading
# most like Chinese wins (a tie goes to GB18030). Each is read with the first of its
# codecs that decodes the bytes: CP950, Big5 as Windows writes it, only where plain Big5
# fails (on €, box drawing and 碁銹裏墻恒粧嫺), as it maps a few symbols differently.
LEGACY = (("GB18030", ("gb18030",)), ("Big5", ("big5", "cp950")))
# Chinese prose decoded right has well over 90% of its non-ASCII characters among the
# common ones (`_chinese_share`); Big5 read as GB18030, GB18030 read as Big5, or
# Shift-JIS read as GB18030 have typically a third or less. Below it the bytes are refused.
CHINESE_SHARE = 0.5
# EUC-KR puts its 2,350 Hangul syllables at 0xB0A1–0xC8FE, the very codes where GB 2312
# puts level 1 hanzi, so Korean reads as GB18030 to common Chinese characters only (99% in
# `_chinese_share` for a Korean news text): no Chinese share can tell them apart. What
# does is how the bytes look as Korean (`_korean_reading`): read as EUC-KR (or CP949, its
# Windows superset), Korean prose has nearly all its letters among the standard's common
# syllables and a space between words. Measured per sentence of Korean news: ≥ 94% common
# syllables (美·中·北 Hanja are the rest), ≥ 0.14 word spaces per syllable. The 250 lines
# of the WMT21 dev set (also in Traditional, also two at a time), the seeds, their
# paragraphs and sentences read as CP949 from GB18030: ≤ 87% syllables (100% in some short
# unpunctuated runs) but ≤ 0.03 spaces per syllable, Chinese being written without
# spaces; from Big5: spaces from "— —" and the like, but ≤ 50% syllables. Each property
# alone would refuse some Chinese; both together refuse none of them.
KOREAN = (("EUC-KR", "euc_kr"), ("CP949", "cp949"))
KOREAN_SHARE = 0.8
KOREAN_SPACES = 0.1  # word spaces per Hangul syllable; Korean words average 3–4 syllables
HANGUL = "\uac00-\ud7a3"
WORD_SPACE = re.compile(f"(?<=[{HANGUL}]) (?=[{HANGUL}])")


class EncodingError(ValueError):
    """Bytes in no accepted encoding. `offset` is the first byte that none of the
    encodings tried reads, or None when one reads them all but not as Chinese."""

    def __init__(self, problem: str, offset: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.offset = offset


def read(path: Path) -> Document:
    """Read one article; raise `SourceError` naming the file for anything unusable."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(str(path), f"unsupported file type {path.suffix!r} "
                          f"(use one of {', '.join(sorted(FORMATS))})")
    _check_size(path)
    try:
        if path.suffix.lower() in TEXT_FORMATS:
            ast = _printable(json.loads(_pandoc(path, fmt, normalise(_decode_file(path)[0]).encode("utf-8"))))
        else:
            ast = _printable(json.loads(_pandoc(path, fmt)))
            if fmt == "odt" and (title := _odt_title(path)):
                ast = _title_paragraph_as_title(ast, title)
        return _check_length(from_ast(ast, path))
    except RecursionError:
        # Python's limit (json and the walk below), reached by some thousand nested
        # quotes or lists: no article is built that way, so refuse it as bad input.
        raise SourceError(str(path), "quotes, lists or emphasis nested too deeply to read") from None


def _printable(node: Any) -> Any:
    """pandoc's AST with no control character (document.CONTROL) in any of its strings:
    pandoc keeps some (a NUL, an ESC) and makes them of character references (&#x1b;, &#1;)."""
    if isinstance(node, str):
        return CONTROL.sub("", node)
    if isinstance(node, dict):
        return {key: _printable(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_printable(item) for item in node]
    return node


def _check_size(path: Path) -> None:
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


def _check_length(doc: Document) -> Document:
    """`doc`, if its text is no longer than any news article's (MAX_CHARACTERS)."""
    length = len(doc.meta.title) + sum(len(b.text) + len(b.credit) for b in doc.blocks)
    if length > MAX_CHARACTERS:
        raise SourceError(doc.source, f"{length:,} characters of text, more than any news article: "
                                      f"at most {MAX_CHARACTERS:,} are built (split it into articles)")
    return doc


def _pandoc(path: Path, fmt: str, text: bytes | None = None) -> str:
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


def _odt_title(path: Path) -> str:
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


def _title_paragraph_as_title(ast: dict[str, Any], title: str) -> dict[str, Any]:
    """The AST with its leading paragraph moved into the metadata as the title, as pandoc's
    DOCX reader does with a Title paragraph: if it is that paragraph (same text, spaces
    aside) and the metadata has no title."""
    blocks, meta = ast["blocks"], ast.get("meta", {})
    if "title" in meta or not blocks or blocks[0]["t"] not in ("Para", "Plain"):
        return ast
    if re.sub(r"\s", "", _inline_text(blocks[0]["c"])) != re.sub(r"\s", "", title):
        return ast  # another paragraph first (one in a section, a footnote's text…): keep all
    return {**ast, "meta": {**meta, "title": {"t": "MetaInlines", "c": blocks[0]["c"]}}, "blocks": blocks[1:]}


def source_encoding(path: Path) -> str:
    """The encoding `read` finds for a text file ("UTF-8", "GB18030"…), "" for DOCX and ODT."""
    return _decode_file(path)[1] if path.suffix.lower() in TEXT_FORMATS else ""


def summary(doc: Document) -> str:
    """The read stage's line in the build log: "36 blocks, GB18030"."""
    encoding = source_encoding(Path(doc.source))
    return f"{len(doc.blocks)} blocks" + (f", {encoding}" if encoding else "")


def _decode_file(path: Path) -> tuple[str, str]:
    try:
        return decode(path.read_bytes())
    except EncodingError as err:
        raise SourceError(str(path), err.problem) from None


def detect_encoding(data: bytes) -> str:
    """The name of the accepted encoding `data` is in; `EncodingError` if none."""
    return decode(data)[1]


def decode(data: bytes) -> tuple[str, str]:
    """`data` as text, and the name of its encoding. In order: a byte order mark decides;
    else UTF-8; else GB18030 or Big5, whichever reads as Chinese. Raises `EncodingError`."""
    if data.startswith(codecs.BOM_UTF32_LE):  # else taken for UTF-16LE, its NULs then dropped
        raise EncodingError("UTF-32 text, which is not accepted (use UTF-8)", 0)
    for bom, name, codec in BOMS:
        if data.startswith(bom):
            return _decode_marked(data, bom, name, codec), name
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        return _decode_legacy(data, err.start)


def _decode_marked(data: bytes, bom: bytes, name: str, codec: str) -> str:
    try:
        return data[len(bom):].decode(codec)
    except UnicodeDecodeError as err:
        offset = len(bom) + err.start  # the codec counts from after the mark
        mark = name.removesuffix(" with BOM")
        raise EncodingError(f"not {ACCEPTED} text: it starts with the {mark} byte order mark, "
                            f"but byte {offset} (0x{data[offset]:02X}) is not {mark}", offset) from None


def _decode_legacy(data: bytes, utf8_fails_at: int) -> tuple[str, str]:
    """GB18030 and Big5 both decode many byte strings: the reading most like Chinese wins,
    unless the bytes are Korean, which both would read as Chinese nonsense."""
    korean = _korean_reading(data)
    if korean is not None:
        share, name = korean
        raise EncodingError(f"looks like Korean ({name}), not Chinese: read as {name}, {share:.0%} of its "
                            "letters are Hangul and its words are spaced apart (only Chinese is read)", None)
    furthest = utf8_fails_at  # the bytes before it fit at least one encoding
    readings: list[tuple[float, str, str]] = []
    for name, family in LEGACY:
        text, fails_at = _decode_first(data, family)
        if text is None:
            furthest = max(furthest, fails_at)
        else:
            readings.append((_chinese_share(text), text, name))
    if not readings:
        raise EncodingError(f"not {ACCEPTED} text: byte {furthest} (0x{data[furthest]:02X}) "
                            "fits none of them", furthest)
    share, text, name = max(readings, key=lambda reading: reading[0])  # first of equals
    if share < CHINESE_SHARE:
        raise EncodingError(f"not {ACCEPTED} text: it decodes as {name}, but only {share:.0%} "
                            "of its characters are common Chinese ones", None)
    return text, name


def _decode_first(data: bytes, family: tuple[str, ...]) -> tuple[str | None, int]:
    """`data` in the first of these codecs that decodes it; else None, and the furthest
    byte any of them reached."""
    furthest = 0
    for codec in family:
        try:
            return data.decode(codec), len(data)
        except UnicodeDecodeError as err:
            furthest = max(furthest, err.start)
    return None, furthest


def _korean_reading(data: bytes) -> tuple[float, str] | None:
    """The share of common Hangul and the encoding's name, if `data` reads as Korean in
    EUC-KR or CP949: mostly KS X 1001 syllables, spaced into words (see KOREAN)."""
    for name, codec in KOREAN:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [c for c in text if c >= "\x80" and not _is_punctuation(c)]
        syllables = sum(c in _common_hangul() for c in letters)
        if not syllables:
            return None
        share, spaces = syllables / len(letters), len(WORD_SPACE.findall(text)) / syllables
        return (share, name) if share >= KOREAN_SHARE and spaces >= KOREAN_SPACES else None
    return None


@functools.cache
def _common_hangul() -> frozenset[str]:
    """KS X 1001's 2,350 Hangul syllables (EUC-KR 0xB0A1–0xC8FE), chosen by the standard
    as the ones in common use, as GB 2312 level 1 and 常用字 are for hanzi. CP949's other
    8,822 are rare in Korean, but are what Big5 bytes mostly read as in CP949."""
    return _decodable((bytes((lead, trail)) for lead in range(0xB0, 0xC9) for trail in range(0xA1, 0xFF)),
                      "euc_kr")


def _chinese_share(text: str) -> float:
    """How much of the non-ASCII text is common Chinese, in one script or the other.

    Counted per script, so that a wrong decoding, which scatters over both scripts' rare
    and common characters alike, scores low even where it hits common ones."""
    wide = [c for c in text if c >= "\x80"]
    if not wide:
        return 0.0
    hans, hant = _common_hanzi()
    return max(sum(c in common or _is_punctuation(c) for c in wide) for common in (hans, hant)) / len(wide)


def _is_punctuation(char: str) -> bool:
    """General punctuation (— … “”), CJK punctuation (。「」), full-width forms (，！), ·."""
    code = ord(char)
    return 0x2000 <= code <= 0x206F or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or code == 0xB7


@functools.cache
def _common_hanzi() -> tuple[frozenset[str], frozenset[str]]:
    """The most used characters of each script, as the two standards rank them themselves:
    GB 2312's level 1 (3,755 simplified, rows 0xB0–0xD7) and Big5's 常用字 (5,401
    traditional, 0xA440–0xC67E). No frequency list to ship, and none tuned to any text."""
    hans = _decodable((bytes((lead, trail)) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)),
                      "gb2312")
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    hant = _decodable((code for lead in range(0xA4, 0xC7) for trail in big5_trails
                       if (code := bytes((lead, trail))) <= b"\xc6\x7e"), "big5")
    return hans, hant


def _decodable(codes: Iterator[bytes], codec: str) -> frozenset[str]:
    characters = set()
    for code in codes:
        try:
            characters.add(code.decode(codec))
        except UnicodeDecodeError:  # unassigned code points at the end of a row
            pass
    return frozenset(characters)


def normalise(text: str) -> str:
    """LF line ends (CRLF and lone CR too) and no control characters, before pandoc:
    nothing else changes. A leading byte order mark is not text either (GB18030 has one)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text)


def from_ast(ast: dict[str, Any], path: Path) -> Document:
    """Turn a pandoc JSON AST into a Document (pure: no I/O)."""
    raw_meta = ast.get("meta", {})
    meta = {key: _meta_text(value) for key, value in raw_meta.items() if key != "glossary"}
    body, notes = _lift_notes(ast["blocks"])
    lead = [b for key in LEAD_META if key in raw_meta for b in _meta_blocks(raw_meta[key])]
    blocks = [b for b in [*lead, *_blocks(body, "paragraph", 0), *_footnotes(notes)] if b.text]
    if not blocks:
        raise SourceError(str(path), "no article text found")
    title = meta.get("title", "")
    if not title:
        title, blocks = _title_from_body(blocks)
    return Document(
        slug=path.stem,
        source=str(path),
        meta=Meta(
            title=title,
            date=_date(meta.get("date", ""), path),
            credit=meta.get("credit") or meta.get("source", ""),
            url=_url(meta.get("url", ""), path),
            author=meta.get("author", ""),
            language=_language(meta.get("language") or meta.get("lang", ""), path),
            glossary=_glossary(raw_meta.get("glossary"), path),
        ),
        blocks=blocks,
    )


def _url(value: str, path: Path) -> str:
    """The outlet's address: a web link, or nothing (a page must not link elsewhere)."""
    if value and not re.match(r"https?://[^\s\"'<>]+$", value):
        raise SourceError(str(path), f"url must be an http:// or https:// address, not {value[:60]!r}")
    return value


def _title_from_body(blocks: list[Block]) -> tuple[str, list[Block]]:
    """No title in the metadata: a leading heading becomes it, else the first sentence."""
    if blocks[0].kind == "heading":
        return blocks[0].text, blocks[1:]
    first = next((b for b in blocks if b.kind == "paragraph"), blocks[0])
    match = SENTENCE_END.search(first.text)
    return (first.text[: match.end()] if match else first.text), blocks


def _date(value: str, path: Path) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise SourceError(str(path), f"date {value!r} is not a YYYY-MM-DD date") from None


def _language(value: str, path: Path) -> str:
    if value and not re.fullmatch(r"zh(-[A-Za-z0-9]+)*", value):
        raise SourceError(str(path), f"language {value!r} is not Chinese (expected zh, zh-Hant, zh-Hans, zh-TW…)")
    return value


def _glossary(value: dict[str, Any] | None, path: Path) -> dict[str, str]:
    """Front matter `glossary:` must map Chinese terms to their English."""
    if value is None:
        return {}
    if value["t"] != "MetaMap":
        raise SourceError(str(path), "glossary must be a mapping of Chinese term: English")
    return {zh: _meta_text(en) for zh, en in value["c"].items()}


def _lift_notes(blocks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The blocks with each footnote replaced by its marker [n], and the footnotes' own
    blocks in order: a footnote's text is article text too, and becomes blocks of its own
    at the end, labelled [n] (pandoc's Note inline would otherwise sit inside a sentence)."""
    notes: list[list[dict[str, Any]]] = []

    def lift(node: Any) -> Any:
        if isinstance(node, dict) and node.get("t") == "Note":
            number = len(notes) + 1
            notes.append([])
            notes[number - 1] = lift(node["c"])  # a note inside a note: numbered after it
            return {"t": "Str", "c": f"[{number}]"}
        if isinstance(node, dict):
            return {key: lift(value) for key, value in node.items()}
        if isinstance(node, list):
            return [lift(item) for item in node]
        return node

    return lift(blocks), notes


def _footnotes(notes: list[list[dict[str, Any]]]) -> Iterator[Block]:
    for number, note in enumerate(notes, start=1):
        for i, block in enumerate(_blocks(note, "paragraph", 0)):
            block.label = f"[{number}]" if i == 0 else ""
            yield block


def _first_lines(message: str, n: int = 3) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines[:n])


def _blocks(nodes: list[dict[str, Any]], kind: str, depth: int) -> Iterator[Block]:
    """Flatten pandoc blocks; `kind` is what a plain paragraph counts as here."""
    for node in nodes:
        t, c = node["t"], node.get("c")
        if t in ("Para", "Plain"):
            yield Block(kind, _inline_text(c))
            yield from (Block("caption", alt) for alt in _image_alts(c))
        elif t == "Header":
            yield Block("heading", _inline_text(c[2]), level=c[0])
        elif t == "BlockQuote":
            yield from _blocks(c, "quote", depth)
        elif t == "OrderedList":
            start = c[0][0]
            for i, item in enumerate(c[1]):
                yield from _list_item(item, f"{start + i}.", depth)
        elif t == "BulletList":
            for item in c:
                yield from _list_item(item, "", depth)
        elif t == "Div":
            classes, attrs = c[0][1], dict(c[0][2])
            style = DOCX_STYLES.get(attrs.get("custom-style", ""))
            if "caption" in classes or style == "caption":
                yield from _caption(c[1], attrs.get("credit", ""))
            else:
                yield from _blocks(c[1], style or kind, depth)
        elif t == "Figure":
            yield from _caption(c[1][1], "")
        elif t == "LineBlock":
            yield Block(kind, " ".join(_inline_text(line) for line in c))
        elif t in ("CodeBlock", "RawBlock"):
            # Kept as text: dropping it would lose words; rendering escapes it.
            yield Block(kind, c[1].strip())
        elif t == "Table":
            yield from _table(c)
        elif t == "DefinitionList":
            for term, definitions in c:
                yield Block(kind, _inline_text(term))
                for definition in definitions:
                    yield from _blocks(definition, kind, depth)
        # HorizontalRule and Null carry no text.


def _list_item(item: list[dict[str, Any]], label: str, depth: int) -> Iterator[Block]:
    """First paragraph carries the label; nested lists go one level deeper."""
    for i, node in enumerate(item):
        if node["t"] in ("OrderedList", "BulletList"):
            yield from _blocks([node], "list_item", depth + 1)
        else:
            for block in _blocks([node], "list_item", depth):
                block.kind, block.level = "list_item", depth
                block.label = label if i == 0 else ""
                yield block


def _caption(nodes: list[dict[str, Any]], credit: str) -> Iterator[Block]:
    for block in _blocks(nodes, "caption", 0):
        block.kind, block.credit = "caption", credit
        yield block


def _table(c: list[Any]) -> Iterator[Block]:
    """The caption, then each row as one paragraph, header and footer rows included: a
    brief shows prose, not grids, but a cell alone loses what it is about ("六十八棟" is
    "Sixty-eight." to the model, "已完成重建；六十八棟" is "Reconstruction completed; 68").
    Every cell's text is kept; empty cells add no separator."""
    caption, head, bodies, foot = c[1][1], c[3], c[4], c[5]
    yield from _caption(caption, "")
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    for row in rows:
        cells = [" ".join(b.text for b in _blocks(cell[4], "paragraph", 0) if b.text) for cell in row[1]]
        yield Block("paragraph", _join_cells([text for text in cells if text]))


def _join_cells(cells: list[str]) -> str:
    """The cells' text in order, with a 「；」 after each that does not end in punctuation."""
    return "".join(text if i == len(cells) - 1 or text[-1] in CELL_ENDS else text + CELL_SEPARATOR
                   for i, text in enumerate(cells))


def _image_alts(nodes: list[Any]) -> Iterator[str]:
    """The alt text of the images inside a paragraph: shown as captions after it, not
    inside its sentences (an image alone in a paragraph is a Figure, read as a caption)."""
    for node in nodes:
        if isinstance(node, dict) and node.get("t") == "Image":
            yield _inline_text(node["c"][1])
        elif isinstance(node, dict) and isinstance(node.get("c"), list):
            yield from _image_alts(node["c"])
        elif isinstance(node, list):
            yield from _image_alts(node)


def _inline_text(nodes: list[dict[str, Any]]) -> str:
    return "".join(_inline(n) for n in nodes).strip()


def _inline(node: dict[str, Any]) -> str:
    t, c = node["t"], node.get("c")
    if t == "Str":
        return c
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t in ("Code", "Math", "RawInline"):
        return c[1]
    if t == "Quoted":
        open_, close = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
        return open_ + _inline_text(c[1]) + close
    if t in ("Link", "Span"):
        return "".join(_inline(n) for n in c[1])
    if t == "Cite":
        return "".join(_inline(n) for n in c[1])
    if t == "Image":
        return ""  # its alt text becomes a caption after the paragraph (_image_alts)
    if isinstance(c, list):  # Emph, Strong, Underline, Strikeout, SmallCaps, Sub/Superscript
        return "".join(_inline(n) for n in c)
    return ""


def _meta_blocks(value: dict[str, Any]) -> list[Block]:
    """Metadata that is article text (LEAD_META) as paragraphs: a MetaBlocks value keeps
    its own blocks, anything else is one paragraph."""
    if value["t"] == "MetaBlocks":
        return list(_blocks(value["c"], "paragraph", 0))
    return [Block("paragraph", _meta_text(value))]


def _meta_text(value: dict[str, Any]) -> str:
    t, c = value["t"], value.get("c")
    if t == "MetaString":
        return c
    if t == "MetaBool":
        return str(c).lower()
    if t == "MetaInlines":
        return _inline_text(c)
    if t == "MetaBlocks":
        return " ".join(b.text for b in _blocks(c, "paragraph", 0))
    if t == "MetaList":
        return ", ".join(_meta_text(v) for v in c)
    return ""
