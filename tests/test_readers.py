"""What a reader of the published briefs sees (issue 25): a headline the checks doubt is
marked wherever it goes, rows to distrust are explained in plain words in the brief's own
script without the editor's numbers, and the outlet, byline and photo credits read as
English with their Chinese beside them."""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import feedparser
import pytest

from pipeline import jsonio
from pipeline.lang.chinese import converter
from pipeline.model.aligned import AlignedBlock, AlignedDocument, Row
from pipeline.model.document import Meta
from pipeline.model.quality import Report, RowCheck
from pipeline.model.scripts import Texts
from pipeline.stages.render import (
    DOUBTED_HEADLINE,
    PLAIN_REASONS,
    byline,
    credit_english,
    for_readers,
    headline,
    outlet_line,
    render_html,
    render_print_html,
)
from pipeline.stages.render.site import Listing, render_feed, render_index

from .conftest import SEEDS, Build

RUMOUR = "28-point-plan-draft"  # its title drops 外傳 ("reportedly"): the checks doubt it
SLUGS = [p.stem for p in SEEDS]
# What the page must not show readers: the editor's numbers and housekeeping.
WORKSHOP = re.compile(r"confidence|log-probability|\d+% alike|stale correction|characters per Chinese|"
                      r"English characters for")


def reviewed(build: Build, slug: str) -> AlignedDocument:
    return jsonio.load(AlignedDocument, build.out / slug / "reviewed.json")


def article(credit: str = "", author: str = "", language: str = "zh-Hant-TW", reasons: list[str] | None = None,
            title_reviewed: bool = False) -> AlignedDocument:
    """A one-paragraph brief with these front matter fields; `reasons` on its title row."""
    script = "zh-Hans" if "Hans" in language else "zh-Hant"
    title = Row([Texts("外傳協議", "外傳協議", "外传协议")], "The deal is done.", "t", reasons=reasons or [],
                reviewed=title_reviewed)
    body = AlignedBlock("paragraph", 0, "", [Row([Texts("文字。", "文字。", "文字。")], "Text.", "s")],
                        credit=Row([Texts("路透社", "路透社", "路透社")], "Reuters.", "c"))
    return AlignedDocument("slug", "source/slug.md", Meta("外傳協議", "2025-11-21", credit, "", author, language),
                           script, "model", AlignedBlock("title", 0, "", [title]), [body])


def report(doc: AlignedDocument) -> Report:
    rows = [RowCheck(-1, 0, r.original(), r.en, r.confidence, r.reasons) for r in doc.title.rows if r.reasons]
    return Report(doc.slug, 3, {}, rows)


class Text(HTMLParser):
    """The text inside elements whose class list holds `hant` and `problems` or `reason`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.found = 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or ("hant" in classes and {"problems", "reason"} & set(classes)):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found.append(data)


def traditional_notes(page: str) -> str:
    parser = Text()
    parser.feed(page)
    return " ".join(parser.found)


# --- 1. a doubted headline carries its mark wherever it goes -------------------------

def test_doubted_headline_is_marked_on_page_index_feed_and_pdf(build: Build) -> None:
    doc = reviewed(build, RUMOUR)
    assert any(r.reasons and not r.reviewed for r in doc.title.rows), "the seed's title is no longer doubted"
    page = (build.out / RUMOUR / "index.html").read_text(encoding="utf-8")
    h1 = page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert DOUBTED_HEADLINE in h1
    assert DOUBTED_HEADLINE in page.split("</title>")[0]
    index = (build.out / "index.html").read_text(encoding="utf-8")
    item = next(li for li in index.split("<li>") if f'href="{RUMOUR}/index.html"' in li)
    assert DOUBTED_HEADLINE in item
    feed = feedparser.parse((build.out / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if RUMOUR in e.link)
    assert entry.title.endswith(DOUBTED_HEADLINE)
    for script in ("zh-Hant", "zh-Hans"):
        pdf = build.out / RUMOUR / f"{RUMOUR}.{script}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(rf"^Title:.*{re.escape(DOUBTED_HEADLINE)}$", info, re.M), info
        first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
        assert DOUBTED_HEADLINE in " ".join(first.split())


def test_headline_mark_only_when_doubted_and_not_reviewed() -> None:
    reason = "modality: “外传” (reportedly / sources say) is lost: a report reads as fact"
    for doc, marked in [(article(), False), (article(reasons=[reason]), True),
                        (article(reasons=[reason], title_reviewed=True), False)]:
        assert headline(doc, "day-month").endswith(DOUBTED_HEADLINE) is marked
        page, pdf = render_html(doc, ["zh-Hant"], report(doc)), render_print_html(doc, "zh-Hant")
        assert (DOUBTED_HEADLINE in page.split("</h1>")[0].split("<h1")[1]) is marked
        assert (DOUBTED_HEADLINE in pdf.split("</title>")[0]) is marked
        entry = Listing(doc, "slug/index.html", {}, {}, "2025-11-21T00:00:00+00:00", "Text.", "day-month")
        assert (DOUBTED_HEADLINE in render_index([entry])) is marked
        titles = [e.title for e in feedparser.parse(render_feed([entry], "https://example.org/")).entries]
        assert titles[0].endswith(DOUBTED_HEADLINE) is marked
    # Readers are told why, in the brief's script.
    page = render_html(article(reasons=[reason]), ["zh-Hant"], report(article(reasons=[reason])))
    assert "The English lacks “外傳” (reportedly / sources say): a report reads as fact." in page


# --- 2. reasons in plain words, the brief's script, no editor's numbers ---------------

@pytest.mark.parametrize("reason, script, told", [
    ("dropped: “削俄助乌” seems to be missing from the English", "zh-Hant",
     "“削俄助烏” seems to be missing from the English."),
    ("dropped: “削俄助乌” seems to be missing from the English", "zh-Hans",
     "“削俄助乌” seems to be missing from the English."),
    ("glossary: 基辅 → expected Kyiv", "zh-Hant", "The English lacks “Kyiv” for “基輔”."),
    ("number: 28 → expected 28", "zh-Hant", "The English lacks the number 28 (“28”)."),
    ("entity: “Soviet” is not in the Chinese (invented entity?)", "zh-Hant",
     "The English names “Soviet”, which the Chinese does not mention."),
    ("modality: “外传” (reportedly / sources say) is lost: a report reads as fact", "zh-Hant",
     "The English lacks “外傳” (reportedly / sources say): a report reads as fact."),
    ("tense: “were”: a listed point told as done; the Chinese has no past marker", "zh-Hant",
     "The English tells this point as done (“were”); the Chinese does not."),
    ("score: the model was unsure of this sentence (log-probability -1.23)", "zh-Hant", PLAIN_REASONS["score"]),
    ("agreement: the model's alternatives disagree (41% alike)", "zh-Hant", PLAIN_REASONS["agreement"]),
    ("length: 0.4 English characters per Chinese character", "zh-Hant", PLAIN_REASONS["length"]),
    ("short: 5 English characters for 12 Chinese: something may be missing", "zh-Hant", PLAIN_REASONS["short"]),
    ("sense: 审核: audit? not in the English", "zh-Hant", "“審核” (audit) seems to be missing from the English."),
    ("newkind: “数据” left out", "zh-Hant", "“數據” left out."),
])
def test_reasons_told_to_readers(reason: str, script: str, told: str) -> None:
    assert for_readers([reason], article(), script) == [told]


@pytest.mark.parametrize("slug", SLUGS)
def test_page_shows_no_workshop_and_quotes_in_the_briefs_script(build: Build, slug: str) -> None:
    doc = reviewed(build, slug)
    page = (build.out / slug / "index.html").read_text(encoding="utf-8")
    assert any(r.reasons for r in doc.rows()), "a seed with nothing to check tests nothing here"
    shown = page.split("</style>", 1)[1]  # the review page's styles are shared; what is shown is not
    assert not WORKSHOP.search(shown), WORKSHOP.search(shown)
    notes = traditional_notes(page)
    assert notes and converter("s2tw").convert(notes) == notes, "Simplified Chinese in a Traditional note"


# --- 3. outlet, byline and photo credits in English, the Chinese beside them ----------

@pytest.mark.parametrize("credit, author, language, source, by", [
    ("新华社", "李明 (记者)", "zh-Hans-CN", "Xinhua (新华社)", "Li Ming (李明, 记者)"),
    ("中央社", "陳士廉（editor）", "zh-Hant-TW", "CNA (中央社)", "Chen Shih-lien (陳士廉, editor)"),
    ("某某日報", "編輯部", "zh-Hant-TW", "某某日報", "編輯部"),  # nothing known: as written
    ("", "陳家明", "zh-Hant-HK", "", "陳家明"),  # Hong Kong: Cantonese readings are not known here
])
def test_outlet_and_byline_read_as_english(credit: str, author: str, language: str, source: str, by: str) -> None:
    doc = article(credit, author, language)
    assert (outlet_line(doc), byline(doc)) == (source, by)


def test_credit_lines_on_page_pdf_and_feed() -> None:
    doc = article("新华社", "李明 (记者)", "zh-Hans-CN")
    line = "Source: Xinhua (新华社) · By Li Ming (李明, 记者)"
    page, pdf = render_html(doc, ["zh-Hans"], report(doc)), render_print_html(doc, "zh-Hans")
    for output in (page, pdf):
        assert line in " ".join(re.sub(r"<[^>]+>", "", output).split())
        assert "Photo: Reuters<" in output.replace("</td>", "<")
    entry = Listing(doc, "slug/index.html", {}, {}, "2025-11-21T00:00:00+00:00", "Text.", "day-month")
    feed = feedparser.parse(render_feed([entry], "https://example.org/")).entries[0]
    assert feed.author == "Li Ming (李明, 记者)" and feed.rights == "Chinese text: Xinhua (新华社)"


def test_no_outlet_is_not_spelled_out_as_a_source() -> None:
    doc = article(author="李明", language="zh-Hans-CN")
    for output in (render_html(doc, ["zh-Hans"], report(doc)), render_print_html(doc, "zh-Hans")):
        text = " ".join(re.sub(r"<[^>]+>", "", output).split())
        assert "Source:" not in text and "outlet not named in the source" not in text
        assert "21 November 2025 · By Li Ming (李明)" in text


@pytest.mark.parametrize("english, shown", [
    ("- Associated Press", "Associated Press"), ("Reuters.", "Reuters"), ("— AFP.", "AFP"),
    ("U.S. Navy", "U.S. Navy"), ("Photo by the U.S.", "Photo by the U.S."),
])
def test_stray_marks_leave_photo_credits(english: str, shown: str) -> None:
    assert credit_english(english) == shown


def test_seed_photo_credits_have_no_stray_marks(build: Build) -> None:
    page = (build.out / "us-russia-peace-plan-pressure" / "index.html").read_text(encoding="utf-8")
    credits = re.findall(r"Photo: ([^<]*)", page)
    assert credits and all(c == c.strip("-–— .") and c for c in credits), credits
