"""The document model every reader produces: one article, whatever format it came in.

Like pandoc's AST, one model sits between many readers and the later stages, but cut
down to what a news brief has: a title and metadata, then a flat run of blocks
(headings, paragraphs, list items, quotes, photo captions) whose text is kept
exactly as the source wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# What no text of a brief holds: C0 controls but tab and LF, DEL and C1, and the two
# noncharacters XML cannot carry. Never article text: a terminal obeys them, and a feed
# reader refuses the feed (XML) that holds one.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")

BlockKind = Literal["heading", "paragraph", "list_item", "quote", "caption"]


@dataclass
class Block:
    """One unit of article text, never merged with its neighbours downstream."""

    kind: BlockKind
    text: str
    level: int = 0      # heading level, or nesting depth of a list item (0 = top)
    label: str = ""     # list item marker as printed: "10." for numbered, "" for bullets
    credit: str = ""    # who took a captioned photo


@dataclass
class Meta:
    """What the brief says about the article besides its text."""

    title: str
    date: str = ""           # ISO 8601 day, "" when the source gives none
    credit: str = ""         # the outlet the article comes from ("" = not known)
    url: str = ""            # where the outlet published it
    author: str = ""         # byline: writer or editor, as the source names them
    language: str = ""       # BCP 47 tag (zh-Hant-TW, zh-Hans…); "" = detect from the text
    glossary: dict[str, str] = field(default_factory=dict)  # the article's own terms, zh → en


@dataclass
class Document:
    slug: str
    source: str  # path of the file it was read from, as given on the command line
    meta: Meta
    blocks: list[Block]


@dataclass
class Correction:
    """An editor's English for one row, from source/<slug>.corrections.tsv."""

    line: int   # line number in the corrections file
    zh: str     # the row's Chinese as written in the source (all its clauses, joined)
    en: str     # the English to publish
