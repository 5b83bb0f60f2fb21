"""Footnotes, inline images, quotes, tables, nested lists and figures, from Markdown and
from DOCX and ODT made by pandoc: every Chinese character of the source reaches the
brief; none is silently dropped."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pypandoc
import pytest

from pipeline.read import read

from .conftest import STRUCTURES, Build

HAN = re.compile(r"[\u3400-\u9fff]")


def han(text: str) -> int:
    return len(HAN.findall(text))


def in_source(markdown: str) -> int:
    return han(markdown.split("\n---\n", 1)[1]) + han(re.search(r"^title: (.*)$", markdown, re.M)[1])


# A 1×1 PNG: pandoc embeds the images in DOCX and ODT (a missing one it replaces by text).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
INLINE_ALT = "抗議民眾在場外舉牌"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "structures.md"
    path.write_text(STRUCTURES, encoding="utf-8")
    for image in re.findall(r"\]\((\w+\.jpg)\)", STRUCTURES):
        (tmp_path / image).write_bytes(PNG)
    return path


def convert(article: Path, fmt: str) -> Path:
    out = article.with_suffix(f".{fmt}")
    pypandoc.convert_file(str(article), fmt, format="markdown", outputfile=str(out),
                          extra_args=["--resource-path", str(article.parent)])
    return out


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_every_chinese_character_becomes_a_block(article: Path, fmt: str) -> None:
    doc = read(article if fmt == "md" else convert(article, fmt))
    assert han(doc.meta.title) + sum(han(b.text) for b in doc.blocks) == in_source(STRUCTURES)
    assert {"quote", "list_item", "caption", "paragraph"} <= {b.kind for b in doc.blocks}
    assert any(b.kind == "caption" and b.text == INLINE_ALT for b in doc.blocks), "an inline image's alt text"
    footnote = next(b for b in doc.blocks if "兩千億元" in b.text)
    assert footnote.label == "[1]" and doc.blocks[-1] is footnote, "the footnote comes last, labelled"
    assert any("[1]" in b.text for b in doc.blocks if b is not footnote), "with its marker in the text"


def test_odt_loses_only_what_pandocs_odt_reader_cannot_see(article: Path) -> None:
    """pandoc's ODT reader keeps no image alt text and reads the title as a paragraph:
    every other character is there (a known limit, in the README)."""
    doc = read(convert(article, "odt"))
    assert sum(han(b.text) for b in doc.blocks) == in_source(STRUCTURES) - han(INLINE_ALT)
    assert doc.blocks[-1].label == "[1]"


def test_every_chinese_character_reaches_the_page(build: Build) -> None:
    page = (build.out / "structures" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<span lang="zh-Hant" class="hant">([^<]*)</span>', page)
    assert sum(han(text) for text in shown) == in_source(STRUCTURES)
