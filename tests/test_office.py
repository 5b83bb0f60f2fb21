"""DOCX and ODT as LibreOffice saves them: every Chinese character of the article reaches
the document, in the block kinds the word processor gave it, and nothing from the file's
properties does. The files are in tests/data/office, made by its make.sh from
hualien.fodt (so CI needs no LibreOffice); this module compares them with that source."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from pipeline.model.document import Document
from pipeline.stages.read import read

from .conftest import REPO, Build

OFFICE = REPO / "tests" / "data" / "office"
SOURCE = OFFICE / "hualien.fodt"
FORMATS = ["docx", "odt"]
ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
HAN = re.compile(r"[\u3400-\u9fff]")
TITLE = "花蓮強震週年\u3000重建進度過半"  # the Title paragraph, with its ideographic space
ALT = "重建中的花蓮市區大樓"  # the photo's alt text (its description)
# File > Properties (office:meta): not article text, and not to be taken for it.
PROPERTIES = ["草稿第三版", "地方新聞", "編輯備註", "王小明"]


def source_hans() -> Counter[str]:
    """Every Chinese character of the document body as LibreOffice opens it."""
    body = ET.parse(SOURCE).getroot().find("office:body", ODF)
    return Counter(HAN.findall("".join(body.itertext())))


def document_hans(doc: Document) -> Counter[str]:
    return Counter(HAN.findall(doc.meta.title + "".join(b.text for b in doc.blocks)))


@pytest.fixture(scope="module", params=FORMATS)
def doc(request: pytest.FixtureRequest) -> Document:
    return read(OFFICE / f"hualien.{request.param}")


def test_the_fixtures_are_libreoffices() -> None:
    """Saved by LibreOffice itself (make.sh), not written by pandoc or by hand."""
    with zipfile.ZipFile(OFFICE / "hualien.docx") as docx:
        assert "<Application>LibreOffice" in docx.read("docProps/app.xml").decode("utf-8")
    with zipfile.ZipFile(OFFICE / "hualien.odt") as odt:
        assert "<meta:generator>LibreOffice" in odt.read("meta.xml").decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_chinese_character_reaches_the_document(fmt: str) -> None:
    """As multisets: no character lost, none doubled (the title not also a paragraph).
    pandoc's ODT reader keeps no image alt text, its one known loss."""
    doc = read(OFFICE / f"hualien.{fmt}")
    lost = Counter(HAN.findall(ALT)) if fmt == "odt" else Counter()
    assert document_hans(doc) == source_hans() - lost


def test_title_slug_and_no_properties(doc: Document) -> None:
    """The title is the Title paragraph, not the stale one in the file's properties; the
    slug is the file's name; author and dates of the file are not the article's."""
    assert (doc.slug, doc.meta.title) == ("hualien", TITLE)
    assert (doc.meta.date, doc.meta.author, doc.meta.credit) == ("", "", "")
    text = "".join(b.text for b in doc.blocks)
    assert not [p for p in PROPERTIES if p in text or p in doc.meta.title]
    assert all(b.text.strip() for b in doc.blocks), "no empty rows"


def test_block_kinds_are_the_word_processors(doc: Document) -> None:
    """Subtitle, heading, block quotation, numbered and bulleted list (one item nested),
    table caption, footnote: as LibreOffice's styles and lists mark them, in DOCX and ODT."""
    rows = [(b.kind, b.level, b.label, b.text[:6]) for b in doc.blocks if b.kind != "caption" or b.text != ALT]
    assert rows == [
        ("paragraph", 0, "", "縣府：年底前"),  # the Subtitle paragraph: text, kept where it stood
        ("heading", 2, "", "災後重建"),
        ("paragraph", 0, "", "花蓮縣政府今"),
        ("paragraph", 0, "", "根據縣府資料"),
        ("quote", 0, "", "建設處長強調"),
        ("paragraph", 0, "", "縣府列出今年"),
        ("list_item", 0, "1.", "完成老舊校舍"),
        ("list_item", 0, "2.", "擴大受災戶的"),
        ("list_item", 0, "3.", "建立社區防災"),
        ("paragraph", 0, "", "專家提醒，民"),
        ("list_item", 0, "", "固定家中的大"),
        ("list_item", 0, "", "準備三天份的"),
        ("list_item", 1, "", "每人每天至少"),
        ("list_item", 0, "", "熟悉住家附近"),
        ("caption", 0, "", "表一：重建進"),
        ("paragraph", 0, "", "項目；棟數"),
        ("paragraph", 0, "", "已完成重建；"),
        ("paragraph", 0, "", "仍在施工；五"),
        ("paragraph", 0, "", "縣府預計明年"),
        ("paragraph", 0, "[1]", "受損建築的數"),
    ]


def test_the_quotes_are_kept_as_written(doc: Document) -> None:
    quoted = [q for b in doc.blocks for q in re.findall(r"「[^」]*」", b.text)]
    assert quoted == ["「重建不只是蓋房子，更要讓居民安心回家。」", "「文件一張又一張，我看都看不懂。」",
                      "「所有案件都會在年底前完成審查，不會讓任何一戶被遺忘。」"]


def test_the_footnote_keeps_its_marker(doc: Document) -> None:
    marked = next(b for b in doc.blocks if "[1]" in b.text)
    assert "完成補強或重建[1]。縣長" in marked.text
    assert doc.blocks[-1].label == "[1]" and doc.blocks[-1].text == "受損建築的數字以縣府建設處的統計為準。"


def test_the_table_keeps_every_cell_row_by_row(doc: Document) -> None:
    start = next(i for i, b in enumerate(doc.blocks) if b.kind == "caption" and b.text.startswith("表一"))
    assert [b.text for b in doc.blocks[start:start + 4]] == [
        "表一：重建進度統計", "項目；棟數", "已完成重建；六十八棟", "仍在施工；五十二棟"]


def test_the_photo_alt_text_is_a_caption_in_docx() -> None:
    doc = read(OFFICE / "hualien.docx")
    i = next(i for i, b in enumerate(doc.blocks) if b.text == ALT)
    assert doc.blocks[i].kind == "caption" and doc.blocks[i - 1].text == "專家提醒，民眾平時應做好以下準備："


def test_docx_and_odt_read_alike() -> None:
    """The same article whichever LibreOffice saved, but for ODT's lost alt text."""
    docx, odt = (read(OFFICE / f"hualien.{fmt}") for fmt in FORMATS)
    assert odt.meta == docx.meta
    assert odt.blocks == [b for b in docx.blocks if b.text != ALT]




def odt_with_content(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The ODT fixture with changes to its content.xml, as another save might make them."""
    out = tmp_path / "hualien.odt"
    with zipfile.ZipFile(OFFICE / "hualien.odt") as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "content.xml":
                for old, new in changes:
                    assert old.encode() in data, old
                    data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(item, data)
    return out


TITLE_PARAGRAPH = '<text:p text:style-name="Title">'


def test_an_odt_title_with_direct_formatting_is_the_title(tmp_path: Path) -> None:
    """A bold title is in an automatic style whose parent is Title."""
    bold = ('<style:style style:name="P99" style:family="paragraph" style:parent-style-name="Title">'
            '<style:text-properties fo:font-weight="bold"/></style:style>')
    doc = read(odt_with_content(tmp_path, ("<office:automatic-styles>", "<office:automatic-styles>" + bold),
                                (TITLE_PARAGRAPH, '<text:p text:style-name="P99">')))
    assert doc.meta.title == TITLE and doc.blocks == read(OFFICE / "hualien.odt").blocks


def test_an_odt_without_a_title_paragraph_keeps_its_first_paragraph(tmp_path: Path) -> None:
    """The headline in the body style: the title is its first sentence, as for any file
    without one, and the paragraph stays (only a Title paragraph leaves the body)."""
    doc = read(odt_with_content(tmp_path, (TITLE_PARAGRAPH, '<text:p text:style-name="Standard">')))
    assert doc.meta.title == TITLE and (doc.blocks[0].kind, doc.blocks[0].text) == ("paragraph", TITLE)
    assert doc.blocks[1:] == read(OFFICE / "hualien.odt").blocks


def test_every_chinese_character_of_the_docx_reaches_the_page(build: Build) -> None:
    """Through the whole build (the session's articles include the DOCX): the page's
    Chinese cells hold every character of the source, title included, once."""
    page = (build.out / "hualien" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<span lang="zh-Hant" class="hant">([^<]*)</span>', page)
    assert Counter(HAN.findall("".join(shown))) == source_hans()
