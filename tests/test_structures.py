"""Footnotes, inline images, quotes, tables, nested lists and figures, from Markdown and
from DOCX and ODT made by pandoc: every Chinese character of the source reaches the
brief; none is silently dropped. (DOCX and ODT made by LibreOffice: test_office.py.)"""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pypandoc
import pytest

from pipeline.stages.read import read

from .conftest import STRUCTURES, Build

HAN = re.compile(r"[\u3400-\u9fff]")


def han(text: str) -> int:
    return len(HAN.findall(text))


def in_source(markdown: str) -> int:
    return han(markdown.split("\n---\n", 1)[1]) + han(re.search(r"^title: (.*)$", markdown, re.M)[1])


# A 1×1 PNG: pandoc embeds the images in DOCX and ODT (a missing one it replaces by text).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
                       "rkJggg==")
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
    """pandoc's ODT reader keeps no image alt text: every other character is there. The
    title, a paragraph to pandoc, is the title again by its Title style."""
    doc = read(convert(article, "odt"))
    assert doc.meta.title == "結構測試：各種版面元素"
    assert han(doc.meta.title) + sum(han(b.text) for b in doc.blocks) == in_source(STRUCTURES) - han(INLINE_ALT)
    assert doc.blocks[-1].label == "[1]"


def test_an_odt_without_a_title_paragraph_keeps_its_first_paragraph(tmp_path: Path) -> None:
    """Only a paragraph in the Title style leaves the body for the title."""
    md = tmp_path / "untitled.md"
    md.write_text("第一段的第一句。第二句。\n\n第二段。\n", encoding="utf-8")
    doc = read(convert(md, "odt"))
    assert doc.meta.title == "第一段的第一句。"
    assert [b.text for b in doc.blocks] == ["第一段的第一句。第二句。", "第二段。"]


TABLE = """---
title: 表格
---

| 項目 | 金額 | 備註 |
|---|---|---|
| 交通建設 | 120億元 | 含捷運。 |
| 社會福利 |  | 待審 |

Table: 表一：預算分配
"""


@pytest.mark.parametrize("fmt", ["md", "docx", "odt"])
def test_a_table_row_is_one_paragraph_and_the_caption_is_kept(tmp_path: Path, fmt: str) -> None:
    """Header row first, cells joined by 「；」 (none after a cell's own 。, none for an
    empty cell), the caption before them: every cell's text is there. (pandoc's ODT
    reader reads the caption pandoc's ODT writer wrote as a paragraph, LibreOffice's as a
    caption: test_office.py.)"""
    md = tmp_path / "table.md"
    md.write_text(TABLE, encoding="utf-8")
    doc = read(md if fmt == "md" else convert(md, fmt))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph" if fmt == "odt" else "caption", "表一：預算分配"), ("paragraph", "項目；金額；備註"),
        ("paragraph", "交通建設；120億元；含捷運。"), ("paragraph", "社會福利；待審")]
    assert han(doc.meta.title) + sum(han(b.text) for b in doc.blocks) == in_source(TABLE)


def test_a_cell_of_several_paragraphs_stays_in_its_row(tmp_path: Path) -> None:
    grid = tmp_path / "grid.md"
    grid.write_text("+------+------------+\n| 地點 | 說明       |\n+======+============+\n| 台北 | 第一段。   |\n"
                    "|      |            |\n|      | 第二段     |\n+------+------------+\n", encoding="utf-8")
    assert [b.text for b in read(grid).blocks] == ["地點；說明", "台北；第一段。 第二段"]


def test_every_chinese_character_reaches_the_page(build: Build) -> None:
    page = (build.out / "structures" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<span lang="zh-Hant" class="hant">([^<]*)</span>', page)
    assert sum(han(text) for text in shown) == in_source(STRUCTURES)
