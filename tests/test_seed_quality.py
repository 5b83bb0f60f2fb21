"""The seeds come out without the errors first seen when they were translated raw."""
import re

import pytest

from pipeline.quality import Report
from pipeline import jsonio

from .conftest import Build, aligned

DATED = "us-russia-peace-plan-pressure"
GARBLED = r"Keewan|Gizen|Kizhin|Keevin|\bKiev\b|Umelov|Weikov|Zerensky|Mark Hon|Ukranese"
# term in the Chinese → English the sentence must carry (from the issue's list)
MUST = {"基輔": "Kyiv", "烏梅洛夫": "Umerov", "魏科夫": "Witkoff", "澤倫斯基": "Zelensky",
        "烏克蘭": "Ukrain"}


def sentences(build: Build, slug: str) -> dict[str, tuple[str, str]]:
    """sentence id → (original Chinese, English)"""
    out: dict[str, tuple[str, str]] = {}
    for block in [aligned(build, slug).title, *aligned(build, slug).blocks]:
        for row in block.rows:
            zh, en = out.get(row.sentence, ("", ""))
            out[row.sentence] = (zh + "".join(t.original for t in row.zh), (en + " " + row.en).strip())
    return out


@pytest.mark.parametrize("slug", [DATED, "28-point-plan-draft"])
def test_no_garbled_names(build: Build, slug: str) -> None:
    for zh, en in sentences(build, slug).values():
        assert not re.search(GARBLED, en), (zh, en)
        for term, english in MUST.items():
            if term in zh:
                assert english in en, (term, zh, en)


def test_days_are_dates_in_the_dated_article(build: Build) -> None:
    for zh, en in sentences(build, DATED).values():
        assert not re.search(r"\b\d+ days\b|\b21 December\b|days ago", en), (zh, en)
        for day in re.findall(r"(?<![月\d])(\d{1,2})日", zh):
            assert re.search(rf"November {day}\b|\b{day}(st|nd|rd|th)? November", en), (day, zh, en)
        if "27日前" in zh:
            assert re.search(r"\b(by|before)\s+(November 27|27 November)", en), (zh, en)


def test_plan_is_plan_not_project(build: Build) -> None:
    with_plan = [(zh, en) for slug in (DATED, "28-point-plan-draft")
                 for zh, en in sentences(build, slug).values() if "計畫" in zh]
    for zh, en in with_plan:
        if "項目" not in zh:
            assert "project" not in en.lower(), (zh, en)
    # the glossary's English for 計畫: plan, or programme where the Chinese is a programme
    said_plan = [en for _, en in with_plan if re.search(r"\b(plans?|programmes?|programs?)\b", en, re.I)]
    assert len(said_plan) >= 0.9 * len(with_plan)


def test_quality_report_written_and_marked(build: Build) -> None:
    report = jsonio.load(Report, build.out / DATED / "quality.json")
    page = (build.out / DATED / "index.html").read_text(encoding="utf-8")
    assert report.rows > 100
    assert page.count('class="pair flagged"') == len({(i.block, i.row) for i in report.issues if i.row >= 0})
    glossary_misses = [i for i in report.issues if i.kind == "glossary" and i.zh in ("基辅", "乌梅洛夫", "魏科夫")]
    assert glossary_misses == []
