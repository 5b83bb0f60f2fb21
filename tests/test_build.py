"""The whole product, built by `make` from the seeds plus two problem articles."""
from __future__ import annotations

import html
import os
import re
import subprocess
import time

import pytest

from pipeline import jsonio
from pipeline.model.segments import SegmentedDocument
from pipeline.model.translations import Translations
from pipeline.stages.render import byline, outlet_line

from .conftest import REPO, SEEDS, Build, aligned

SLUGS = [p.stem for p in SEEDS]
SCRIPTS = ["zh-Hant", "zh-Hans"]


def test_bad_article_fails_loudly_while_the_others_build(build: Build) -> None:
    assert build.first.returncode != 0
    assert "malformed.md" in build.first.stderr and "YAML" in build.first.stderr
    for slug in [*SLUGS, "injection"]:
        assert (build.out / slug / "index.html").is_file(), build.first.stderr
        for script in SCRIPTS:
            assert (build.out / slug / f"{slug}.{script}.pdf").is_file()
    assert not (build.out / "malformed").exists() or not (build.out / "malformed" / "index.html").exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_clause_aligned_and_all_english_used_once(build: Build, slug: str) -> None:
    doc = aligned(build, slug)
    translations = jsonio.load(Translations, build.out / slug / "translations.json")
    segments = jsonio.load(SegmentedDocument, build.out / slug / "segments.json")
    for block, source in zip(doc.blocks, segments.blocks):
        assert [c for r in block.rows for c in r.zh] == [c for s in source.sentences for c in s.clauses]
        assert all(r.en.strip() for r in block.rows), "a row without English"
        english = " ".join(translations.units[s.id].text for s in source.sentences)
        assert " ".join(r.en for r in block.rows).split() == english.split()


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_pdf_has_chinese_title_and_english(build: Build, slug: str, script: str) -> None:
    pdf = build.out / slug / f"{slug}.{script}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    doc = aligned(build, slug)
    assert "".join(doc.title.zh(script).split()) in flat
    sentences = [r.en for b in doc.blocks for r in b.rows if len(r.en.split()) >= 4]
    found = [s for s in sentences if "".join(s.split())[:25] in flat]
    assert len(found) >= 0.9 * len(sentences)
    assert "machine translation" in text and "CC BY 4.0" in text and "OPUS-MT" in text
    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
                .stdout.split("Pages:")[1].split()[0])
    assert re.search(rf"\b1 ?/ ?{pages}\b", text) and re.search(rf"\b{pages} ?/ ?{pages}\b", text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    family = "TC" if script == "zh-Hant" else "SC"
    assert f"CJK-{family}" in fonts


def test_page_has_languages_switch_and_escaped_script(build: Build) -> None:
    page = (build.out / "injection" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert html.escape('<script>alert("x")</script>', quote=False) in page.replace("&#34;", '"')
    seed = (build.out / SLUGS[0] / "index.html").read_text(encoding="utf-8")
    for tag in ('lang="zh-Hant"', 'lang="zh-Hans"', 'lang="en"', 'data-script="zh-Hans"'):
        assert tag in seed
    assert "tr.pair:hover" in seed  # hovering a clause lights its English partner


def test_index_and_feed_list_every_brief(build: Build) -> None:
    index = (build.out / "index.html").read_text(encoding="utf-8")
    feed = (build.out / "feed.xml").read_text(encoding="utf-8")
    for slug in [*SLUGS, "injection"]:
        assert f'href="{slug}/index.html"' in index
        for script in SCRIPTS:
            assert f"{slug}/{slug}.{script}.pdf" in index and f"{slug}/{slug}.{script}.pdf" in feed
    assert "malformed" not in index
    import xml.dom.minidom
    xml.dom.minidom.parseString(feed.encode("utf-8"))


@pytest.mark.parametrize("slug", SLUGS)
def test_outlet_and_byline_never_a_file_name(build: Build, slug: str) -> None:
    doc = aligned(build, slug)
    page = (build.out / slug / "index.html").read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", str(build.out / slug / f"{slug}.zh-Hant.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    feed = (build.out / "feed.xml").read_text(encoding="utf-8")
    for output in (page, pdf, feed):
        assert f"{slug}.md" not in output
    outlet = outlet_line(doc)
    if outlet:
        assert f"Source: {outlet}" in page and f"Source: {outlet}" in " ".join(pdf.split())
    else:
        assert "Source:" not in page and "Source:" not in pdf
    if doc.meta.author:
        assert f"By {byline(doc)}" in page and f"<name>{byline(doc)}</name>" in feed


def dry_run(build: Build) -> str:
    return build.make("-n", "briefs").stdout


def test_rebuild_is_incremental(build: Build) -> None:
    (build.source / "malformed.md").unlink()
    assert build.make("-q", "briefs").returncode == 0, "nothing should be left to do"
    one = build.source / f"{SLUGS[0]}.md"
    os.utime(one)
    plan = dry_run(build)
    assert SLUGS[0] in plan and SLUGS[1] not in plan and "injection" not in plan
    os.utime(one, (0, 0))
    template = REPO / "templates" / "brief.css"
    stamp = template.stat().st_mtime
    try:
        os.utime(template, (time.time() + 5, time.time() + 5))
        plan = dry_run(build)
        assert " html " in plan and " pdf " in plan and " translate " not in plan and " read " not in plan
    finally:
        os.utime(template, (stamp, stamp))


def test_failed_rebuild_keeps_previous_output(build: Build) -> None:
    good = build.source / f"{SLUGS[1]}.md"
    page = build.out / SLUGS[1] / "index.html"
    before = page.read_bytes()
    original = good.read_text(encoding="utf-8")
    try:
        good.write_text("---\ndate: not-a-date\n---\n\n文字。\n", encoding="utf-8")
        result = build.make()
        assert result.returncode != 0
        assert f"{good}: date 'not-a-date'" in result.stderr
        assert page.read_bytes() == before
        assert f'href="{SLUGS[1]}/index.html"' in (build.out / "index.html").read_text(encoding="utf-8")
    finally:
        good.write_text(original, encoding="utf-8")
        os.utime(good, (0, 0))  # older than its outputs again: nothing to rebuild
