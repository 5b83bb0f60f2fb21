"""The PDF briefs as distributed: tagged (PDF/UA-1) with the article's own metadata and dates,
bookmarks for the title and headings, a running header after page 1, no heading or colophon
left alone at a page's end, one face per script, and the same bytes every time."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline import jsonio
from pipeline.lang.typography import house_style
from pipeline.model.aligned import AlignedDocument, Row
from pipeline.stages.render import (
    PRODUCT,
    brief_date_order,
    byline,
    headline,
    long_date,
    outlet_line,
    render_pdf,
)

from .conftest import SEEDS, Build

SLUGS = [p.stem for p in SEEDS]
SCRIPTS = ["zh-Hant", "zh-Hans"]
PREFIX = 20  # characters of a row's English (whitespace removed) that find it on a page


def reviewed(build: Build, slug: str) -> AlignedDocument:
    """The document the PDFs were rendered from."""
    return jsonio.load(AlignedDocument, build.out / slug / "reviewed.json")


def pdf_path(build: Build, slug: str, script: str) -> Path:
    return build.out / slug / f"{slug}.{script}.pdf"


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdfinfo(pdf: Path) -> dict[str, str]:
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in run("pdfinfo", str(pdf)).splitlines())}


def page_texts(pdf: Path, layout: bool = False) -> list[str]:
    """pdftotext of each page: in reading order (a column's lines together), or as laid out."""
    pages = int(pdfinfo(pdf)["Pages"])
    return [run("pdftotext", *(["-layout"] if layout else []), "-f", str(n), "-l", str(n), str(pdf), "-")
            for n in range(1, pages + 1)]


def squeezed(text: str) -> str:
    return "".join(text.split())


def shown(doc: AlignedDocument, english: str) -> str:
    """English as the brief shows it (curly quotes, the brief's date order)."""
    return house_style(english, brief_date_order(doc))


def title(doc: AlignedDocument, script: str) -> str:
    """The title as metadata and bookmark give it: a doubted English headline with its mark."""
    return f"{doc.title.zh(script)} | {headline(doc, brief_date_order(doc))}"


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_tagged_with_the_articles_metadata(build: Build, slug: str, script: str) -> None:
    doc, pdf = reviewed(build, slug), pdf_path(build, slug, script)
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes" and info["PDF version"] == "1.7"
    assert info["Title"] == title(doc, script)
    assert info["Author"] == (byline(doc) or outlet_line(doc) or PRODUCT)
    assert shown(doc, doc.title.en) in info["Subject"]
    keywords = info["Keywords"].split(", ")
    assert "machine translation" in keywords
    names = [k for k in keywords if k not in ("Chinese", "English", "machine translation", doc.meta.credit)]
    glossary_names = {e.expected for r in doc.rows() for e in r.expected}
    assert names and set(names) <= glossary_names, "keywords are the article's own names"

    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == script
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    # The article's day or nothing: a build time would make every build a different file.
    day = f"D:{doc.meta.date.replace('-', '')}" if doc.meta.date else None
    assert reader.metadata.get("/CreationDate") == day and reader.metadata.get("/ModDate") == day


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_bookmarks_are_the_title_and_every_heading(build: Build, slug: str, script: str) -> None:
    doc = reviewed(build, slug)
    outline = PdfReader(pdf_path(build, slug, script)).outline
    headings = [f"{b.zh(script)} | {shown(doc, b.en)}" for b in doc.blocks if b.kind == "heading"]
    assert outline[0].title == title(doc, script)
    assert [o.title for o in (outline[1] if headings else [])] == headings
    assert len(outline) == (2 if headings else 1), "one top-level bookmark: the title"


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_running_header_on_pages_after_the_first(build: Build, slug: str, script: str) -> None:
    doc = reviewed(build, slug)
    pages = page_texts(pdf_path(build, slug, script), layout=True)
    assert len(pages) >= 2
    first_lines = [next(line for line in page.splitlines() if line.strip()) for page in pages]
    assert squeezed(first_lines[0]).startswith(squeezed(doc.title.zh(script))[:10]), "no header on page 1"
    opening = " ".join(shown(doc, doc.title.en).split()[:4])
    for line in first_lines[1:]:
        assert line.strip().startswith(opening)
        assert long_date(doc.meta.date) in line and outlet_line(doc) in line


def rows_by_page(doc: AlignedDocument, pages: list[str]) -> list[list[Row]]:
    """The rows (photo credits aside) found on each page, in the order of the brief."""
    found: list[list[Row]] = [[] for _ in pages]
    page = 0
    for row in [r for b in doc.blocks for r in b.rows]:
        prefix = squeezed(shown(doc, row.en))[:PREFIX]
        at = next((n for n in range(page, len(pages)) if prefix in squeezed(pages[n])), None)
        if at is not None:
            found[at].append(row)
            page = at
    return found


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_no_heading_ends_a_page_and_no_page_is_only_the_colophon(build: Build, slug: str, script: str) -> None:
    doc = reviewed(build, slug)
    pages = page_texts(pdf_path(build, slug, script))
    found = rows_by_page(doc, pages)
    assert len([r for rows in found for r in rows]) >= 0.9 * sum(len(b.rows) for b in doc.blocks)
    assert all(found), f"pages without a row of the brief: {[n + 1 for n, rows in enumerate(found) if not rows]}"
    assert "OPUS-MT" in pages[-1]
    heading_ends = [b.rows[-1] for b in doc.blocks if b.kind == "heading"]
    for number, rows in enumerate(found[:-1], start=1):
        assert not any(rows[-1] is h for h in heading_ends), f"page {number} ends on a heading"


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_one_face_per_script_for_both_languages(build: Build, slug: str, script: str) -> None:
    """English in the CJK face's own Latin, nothing slanted by the renderer, no DejaVu."""
    lines = run("pdffonts", str(pdf_path(build, slug, script))).splitlines()[2:]
    fonts = {line.split()[0].split("+", 1)[1] for line in lines}
    family = "TC" if script == "zh-Hant" else "SC"
    assert fonts == {f"Noto-Serif-CJK-{family}", f"Noto-Serif-CJK-{family}-Bold"}, fonts


@pytest.mark.parametrize("script", SCRIPTS)
def test_same_article_same_bytes(build: Build, script: str) -> None:
    """Two renders, and the build's own file made minutes before in another process, are one
    file; its /ID is the brief's, whatever its revision."""
    slug = next(s for s in SLUGS if reviewed(build, s).meta.date)  # a date in the metadata too
    doc = reviewed(build, slug)
    first, second = render_pdf(doc, script), render_pdf(doc, script)
    assert first == second == pdf_path(build, slug, script).read_bytes()
    identifier = PdfReader(pdf_path(build, slug, script)).trailer["/ID"][0]
    assert identifier == hashlib.md5(f"{slug}.{script}.pdf".encode()).hexdigest()


def run_sizes(pdf: Path) -> list[tuple[str, float]]:
    """(text, font size in pt) of each text run of the document."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), round(size * tm[0] * cm[0], 2)))
    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("script", SCRIPTS)
def test_chinese_headings_not_smaller_than_the_english(build: Build, script: str) -> None:
    """Bold ideographs read smaller than the bold English of the CJK face at one size: the
    Chinese of a section heading is set larger than its English (as the title's is)."""
    slug = next(s for s in SLUGS if any(b.kind == "heading" for b in reviewed(build, s).blocks))
    doc, pdf = reviewed(build, slug), pdf_path(build, slug, script)
    runs = run_sizes(pdf)
    for block in (b for b in doc.blocks if b.kind == "heading"):
        zh = next(size for text, size in runs if block.zh(script).startswith(text) and len(text) >= 2)
        en = next(size for text, size in runs if shown(doc, block.en).startswith(text) and len(text) >= 2)
        assert zh > en, (block.zh(script), zh, en)
