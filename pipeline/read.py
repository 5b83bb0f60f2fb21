"""Stage 1, read: any format pandoc reads → `Document`.

pandoc parses the file into its JSON AST; this module walks that AST once and keeps
the text verbatim. Markdown turns off pandoc's `smart` extension so quotes and dashes
stay exactly as written, and turns on `east_asian_line_breaks` so a line wrapped
inside a Chinese sentence does not gain a space.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pypandoc

from .document import Block, Document, Meta
from .errors import SourceError

MARKDOWN = "markdown-smart+east_asian_line_breaks"
FORMATS = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": MARKDOWN,  # plain text: paragraphs, and "1." lines become a numbered list
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".odt": "odt",
    ".rst": "rst",
}
TEXT_FORMATS = {".md", ".markdown", ".txt", ".html", ".htm", ".rst"}
SENTENCE_END = re.compile(r"[。！？!?]+[」』”’）)】》]*")


def read(path: Path) -> Document:
    """Read one article; raise `SourceError` naming the file for anything unusable."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(str(path), f"unsupported file type {path.suffix!r} "
                          f"(use one of {', '.join(sorted(FORMATS))})")
    if path.suffix.lower() in TEXT_FORMATS:
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise SourceError(str(path), f"not UTF-8 text (byte {err.start})") from None
    try:
        ast = json.loads(pypandoc.convert_file(str(path), "json", format=fmt))
    except RuntimeError as err:
        raise SourceError(str(path), f"pandoc could not read it: {_first_lines(str(err))}") from None
    return from_ast(ast, path)


def from_ast(ast: dict[str, Any], path: Path) -> Document:
    """Turn a pandoc JSON AST into a Document (pure: no I/O)."""
    raw_meta = ast.get("meta", {})
    meta = {key: _meta_text(value) for key, value in raw_meta.items() if key != "glossary"}
    blocks = [b for b in _blocks(ast["blocks"], "paragraph", 0) if b.text]
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


def _first_lines(message: str, n: int = 3) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines[:n])


def _blocks(nodes: list[dict[str, Any]], kind: str, depth: int) -> Iterator[Block]:
    """Flatten pandoc blocks; `kind` is what a plain paragraph counts as here."""
    for node in nodes:
        t, c = node["t"], node.get("c")
        if t in ("Para", "Plain"):
            yield Block(kind, _inline_text(c))
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
            if "caption" in classes:
                yield from _caption(c[1], attrs.get("credit", ""))
            else:
                yield from _blocks(c[1], kind, depth)
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
    """Each cell's text becomes a paragraph: a brief shows prose, not grids."""
    head, bodies, foot = c[3], c[4], c[5]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    for row in rows:
        for cell in row[1]:
            yield from _blocks(cell[4], "paragraph", 0)


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
    if t in ("Image", "Note"):
        return ""  # alt text and footnotes are not article prose
    if isinstance(c, list):  # Emph, Strong, Underline, Strikeout, SmallCaps, Sub/Superscript
        return "".join(_inline(n) for n in c)
    return ""


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
