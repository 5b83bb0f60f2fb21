"""Meaning checks on constructed sentences: each catches its fault and passes a faithful English."""
import pytest

from pipeline.checks.english import (
    bare_days,
    doubled_terms,
    dropped,
    entities,
    expectations,
    invented_entities,
    modality_lost,
    negation_mismatch,
    provision_told_as_done,
    short_english,
)
from pipeline.lang import glossary
from pipeline.lang.chinese import converter


@pytest.fixture(scope="module")
def known() -> glossary.Glossary:
    return entities(glossary.load([]))


def hans(zh: str) -> str:
    return converter("t2s").convert(zh)


@pytest.mark.parametrize("zh, english, flagged", [
    ("烏軍撤離區域為非軍事化中立區", "the area vacated by the Soviet forces will be a neutral zone", True),
    ("烏軍撤離區域為非軍事化中立區", "the area vacated by Ukrainian forces will be a neutral zone", False),
    ("美俄已經商定和平計畫", "The United States and Russia have agreed a peace plan", False),
    ("根據路透檢視的計畫複本", "According to a copy of the plan seen by Reuters", False),
    ("俄羅斯與烏克蘭不得以武力改變", "Russia and Ukraine may not change this by force", False),
    ("日本首相表示", "The Prime Minister of China said", True),
])
def test_invented_entities(known, zh: str, english: str, flagged: bool) -> None:
    assert bool(invented_entities(hans(zh), english, known)) is flagged


@pytest.mark.parametrize("zh, english, flagged", [
    ("明確禁止烏克蘭加入北約（NATO）", "banned Ukraine from joining NATO (NATO)", True),
    ("北大西洋公約組織(NATO)也不再擴大", "The North Atlantic Treaty Organization (NATO) will not expand", False),
    ("促成美烏之間文件的簽署", "the document between the United States and the United States", True),
    ("促成美烏之間文件的簽署", "the United States-U.S. document", True),
    ("促成美烏之間文件的簽署", "the document between the United States and Ukraine", False),
])
def test_doubled_terms(known, zh: str, english: str, flagged: bool) -> None:
    assert bool(doubled_terms(hans(zh), english, known)) is flagged


@pytest.mark.parametrize("zh, english, flagged", [
    ("俄羅斯軍隊不得進入非軍事區", "Russian forces may not enter the demilitarized zone", False),
    ("俄羅斯軍隊不得進入非軍事區", "Russian forces may enter the demilitarized zone", True),
    ("基輔不會接受任何計畫", "Kyiv would accept any plan", True),
    ("他同時對莫斯科表露不耐", "He also showed impatience with Moscow", False),
    ("市場不斷擴大", "the market keeps growing", False),          # 不断 is not a negation
    ("美國支持這項計畫", "The United States does not support the plan", True),
    ("無人機飛越非洲", "drones flew over Africa", False),
])
def test_negation(zh: str, english: str, flagged: bool) -> None:
    assert bool(negation_mismatch(hans(zh), english)) is flagged


@pytest.mark.parametrize("zh, english, kind", [
    ("外傳美俄已經商定28點和平計畫", "US and Russia have agreed a 28-point peace plan", "modality"),
    ("外傳美俄已經商定28點和平計畫", "US and Russia have reportedly agreed a 28-point plan", None),
    ("路透社獨家報導，2名知情人士透露，華府威脅切斷情報",
     "Reuters reported that two informed sources had threatened Washington", "modality"),
    ("路透社獨家報導，2名知情人士透露，華府威脅切斷情報",
     "Reuters reported, citing two sources, that Washington threatened", None),
    ("該公司可能裁員", "The company is laying off staff", "modality"),
    ("該公司可能裁員", "The company may lay off staff", None),
    ("歐洲將再提供1000億美元", "Europe provided another $100 billion", "modality"),
    ("歐洲將再提供1000億美元", "Europe will provide another $100 billion", None),
    ("烏克蘭在100天內舉行大選", "General elections were held in Ukraine within 100 days", "tense"),
    ("烏克蘭在100天內舉行大選", "Ukraine holds elections within 100 days", None),
])
def test_modality_and_tense(zh: str, english: str, kind: str | None) -> None:
    kinds = {f.kind for f in modality_lost(hans(zh), english)}
    assert kinds == ({kind} if kind else set())


def test_listed_point_told_as_done() -> None:
    assert provision_told_as_done(hans("美俄成立聯合安全工作小組"),
                                  "The US and Russia have established a working group")
    assert not provision_told_as_done(hans("美俄成立聯合安全工作小組"),
                                      "The US and Russia establish a working group")
    assert not provision_told_as_done(hans("雙方已成立工作小組"), "The two sides have established a working group")


def test_bare_day_short_and_dropped() -> None:
    terms = glossary.load([])
    days = expectations("美联社20日取得", terms)
    assert bare_days(days, "Associated Press obtained on the 20th")
    assert not bare_days(expectations("美联社11月20日取得", terms), "AP obtained on November 20")
    # the loophole: a bare "20" is not "the 20th"
    assert not all(e.found_in("Associated Press 20, obtained") for e in days)
    assert short_english("俄羅斯不進犯鄰國，", "The", 1.0)
    assert not short_english("俄羅斯不進犯鄰國，", "Russia does not invade its neighbours,", 1.0)
    assert [f.zh for f in dropped([("削俄助乌", 0.9), ("欧洲的计划", 14.0)], 2.0)] == ["削俄助乌"]
