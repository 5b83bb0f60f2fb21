"""pandoc's JSON AST → `Document` (pure: no I/O): one walk that keeps the text verbatim.

Headings, paragraphs, list items (with their numbers and nesting), quotes and captions
become blocks; a table's rows become paragraphs, a footnote's text blocks of its own at
the end, DOCX's Subtitle and Abstract paragraphs at the top. The metadata (title, date,
credit, url, author, language, glossary) is checked as it is read.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterator

from pipeline.errors import SourceError
from pipeline.model.document import CONTROL, Block, BlockKind, Document, Meta

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


def printable(node: Any) -> Any:
    """pandoc's AST with no control character (document.CONTROL) in any of its strings:
    pandoc keeps some (a NUL, an ESC) and makes them of character references (&#x1b;, &#1;)."""
    if isinstance(node, str):
        return CONTROL.sub("", node)
    if isinstance(node, dict):
        return {key: printable(value) for key, value in node.items()}
    if isinstance(node, list):
        return [printable(item) for item in node]
    return node


def title_paragraph_as_title(ast: dict[str, Any], title: str) -> dict[str, Any]:
    """The AST with its leading paragraph moved into the metadata as the title, as pandoc's
    DOCX reader does with a Title paragraph: if it is that paragraph (same text, spaces
    aside) and the metadata has no title."""
    blocks, meta = ast["blocks"], ast.get("meta", {})
    if "title" in meta or not blocks or blocks[0]["t"] not in ("Para", "Plain"):
        return ast
    if re.sub(r"\s", "", _inline_text(blocks[0]["c"])) != re.sub(r"\s", "", title):
        return ast  # another paragraph first (one in a section, a footnote's text…): keep all
    return {**ast, "meta": {**meta, "title": {"t": "MetaInlines", "c": blocks[0]["c"]}}, "blocks": blocks[1:]}


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


def _blocks(nodes: list[dict[str, Any]], kind: BlockKind, depth: int) -> Iterator[Block]:
    """Flatten pandoc blocks; `kind` is what a plain paragraph counts as here."""
    for node in nodes:
        t = node["t"]
        c: Any = node.get("c")  # its shape depends on t
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
    t = node["t"]
    c: Any = node.get("c")  # its shape depends on t
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
    t = value["t"]
    c: Any = value.get("c")  # its shape depends on t
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
