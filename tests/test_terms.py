"""Glossary, dates and numbers: each rule on real sentences from the seeds."""
import re
from pathlib import Path

import pytest

from pipeline.checks.english import cjk_left, expectations, loop, missing, ratio_problem
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.lang.numbers import complete_dates, mentions
from pipeline.model.aligned import Expectation


@pytest.fixture(scope="module")
def terms() -> glossary.Glossary:
    return glossary.load([])


def expect(zh: str, terms: glossary.Glossary) -> list[Expectation]:
    return expectations(zh, terms)


@pytest.mark.parametrize("zh, completed", [
    ("美國媒體20日報導", "美國媒體11月20日報導"),
    ("逼迫基輔在27日前點頭簽署", "逼迫基輔在11月27日前點頭簽署"),          # deadline after today: this month
    ("烏克蘭國會19日罷免2名內閣部長", "烏克蘭國會11月19日罷免2名內閣部長"),
    ("兩名俄國軍人11月21日在烏克蘭", "兩名俄國軍人11月21日在烏克蘭"),          # full dates stay
    ("雙方在28日會面", "雙方在10月28日會面"),                              # past day after today: last month
    ("雙方將於28日會面", "雙方將於11月28日會面"),                          # future marker: this month
])
def test_bare_days_get_the_article_month(zh: str, completed: str) -> None:
    assert complete_dates(zh, "2025-11-21") == completed


def test_numbers_inside_names_are_not_numbers() -> None:
    assert mentions("重返八大工業國集團（G8），延長START I條約，包括AI") == []


def test_no_article_date_leaves_days_alone() -> None:
    assert complete_dates("美聯社20日取得28點和平計畫草案", "") == "美聯社20日取得28點和平計畫草案"


@pytest.mark.parametrize("zh, english, ok", [
    ("美國媒體11月20日報導", "US media reported on November 20", True),
    ("美國媒體11月20日報導", "US media reported on 20 November", True),
    ("美國媒體11月20日報導", "US media reported on 20 days", False),
    ("克里姆林宮11月21日表示", "The Kremlin indicated on 21 December", False),
    ("在11月27日前點頭簽署", "to sign the plan by 27 November", True),
    ("在11月27日前點頭簽署", "to sign the plan 27 days ago", False),
    ("在27日前點頭簽署", "to sign the plan by the 27th", True),
    ("美聯社20日取得", "AP obtained on the 20th", True),
    ("美聯社20日取得", "AP obtained 20 days ago", False),
    ("裁減軍隊規模至60萬以下", "reduce its army to less than 600,000", True),
    ("裁減軍隊規模至60萬以下", "reduce its army to 600 thousand", True),
    ("裁減軍隊規模至60萬以下", "reduce its army to 60,000", False),
    ("遭凍結的1000億美元資產", "the $100 billion frozen assets", True),
    ("遭凍結的1000億美元資產", "the $1000 frozen assets", False),
    ("投資項目50%的利潤", "50% of the profits", True),
    ("投資項目50%的利潤", "50 per cent of the profits", True),
    ("2023年9月至今年7月間擔任國防部長", "Minister of Defence between September 2023 and July", True),
    ("2023年9月至今年7月間擔任國防部長", "Minister of Defence between September 2022 and July", False),
    ("迎來第4個冬季", "its fourth winter", True),
    ("迎來第4個冬季", "its 4th winter", True),
    ("長達1200公里的前線", "a 1,200 km front line", True),
    ("長達1200公里的前線", "a 200 km front line", False),
    ("2名知情人士透露", "two people familiar with the matter", True),
])
def test_numbers_checked_against_english(zh: str, english: str, ok: bool) -> None:
    found = mentions(zh)
    assert found, f"no number found in {zh}"
    assert all(m.found_in(english) for m in found) is ok


@pytest.mark.parametrize("zh, english, ok", [
    ("逼迫基輔在27日前", "forcing Kyiv to sign", True),
    ("逼迫基輔在27日前", "forcing Kiev to sign", False),
    ("逼迫基輔在27日前", "forcing Keewan to sign", False),
    ("與烏梅洛夫討論", "after talks with Umerov", True),
    ("與烏梅洛夫討論", "after talks with Umelov", False),
    ("特使魏科夫主導", "led by envoy Witkoff", True),
    ("特使魏科夫主導", "led by envoy Weikov", False),
    ("澤倫斯基表示", "Zelensky said", True),
    ("泽连斯基表示", "Zelenskyy said", True),
    ("澤倫斯基表示", "Zerensky said", False),
    ("馬克宏和川普通話", "Macron spoke with Trump", True),
    ("马克龙和特朗普通话", "Mark Hon spoke with Trump", False),
    ("美國提出的計畫", "the plan proposed by the United States", True),
    ("美國提出的計畫", "the project proposed by the United States", False),
    ("烏克蘭將獲得安全保障", "Ukraine will receive security guarantees", True),
    ("烏克蘭將獲得安全保障", "Ukranese will receive security guarantees", False),
])
def test_glossary_terms_checked_in_either_script(zh: str, english: str, ok: bool,
                                                 terms: glossary.Glossary) -> None:
    from pipeline.lang.chinese import converter
    hans = converter("t2s").convert(zh)
    found = [e for e in expect(hans, terms) if e.kind in glossary.KINDS]
    assert found
    assert (not missing(found, english)) is ok


def test_protection_writes_english_and_respects_source_glosses(terms: glossary.Glossary) -> None:
    assert terms.protect("美国总统川普已同意特使魏科夫主导") == "美国总统Trump已同意特使Witkoff主导"
    # the source already gives the English in brackets: leave the Chinese for the model
    assert terms.protect("陆军部长德里斯科（Daniel Driscoll）率领") == "陆军部长德里斯科（Daniel Driscoll）率领"
    assert terms.protect("北大西洋公约组织(NATO)") == "北大西洋公约组织(NATO)"
    assert terms.protect("北约也同意") == "NATO也同意"
    assert terms.protect("在基辅", ("person",)) == "在基辅"


def test_project_and_article_glossaries_override(tmp_path: Path) -> None:
    project = tmp_path / "glossary.tsv"
    project.write_text("zh\ten\tkind\tnote\n基輔\tKiev\tplace\thouse style\n陳士廉\tChen Shih-lien\tperson\t\n",
                       encoding="utf-8")
    terms = glossary.load([project], {"計畫": "programme"})
    assert terms.terms["基辅"].en == "Kiev" and terms.terms["陈士廉"].en == "Chen Shih-lien"
    assert terms.terms["计划"].en == "programme" and terms.terms["泽伦斯基"].en == "Zelensky"
    bad = tmp_path / "bad.tsv"
    bad.write_text("zh\ten\tkind\n基輔\tKyiv\tcity\n", encoding="utf-8")
    with pytest.raises(SourceError, match="bad.tsv.*kind 'city'"):
        glossary.load([bad])


def test_other_checks() -> None:
    assert cjk_left("The 计划 was signed") == "计划"
    assert loop("@Jan25: #Jan25: #Jan25: #Jan25 pic") or loop("<unk> <unk>")
    assert loop("the plan the plan the plan") == "the plan"
    assert not loop("He said that that was fine.")
    assert ratio_problem("烏克蘭將獲得安全保障烏克蘭將獲得安全保障", "Yes.")
    assert not ratio_problem("烏克蘭將獲得安全保障。", "Ukraine will receive security guarantees.")


def test_the_shipped_terms_leave_names_and_currencies_to_their_stages() -> None:
    """A domain term that CC-CEDICT knows only as a name (立法院, 美联储) would stop the names
    stage writing it in English; a currency is the numbers' to write with its amount."""
    from pipeline.lang import lexicon
    from pipeline.lang.numbers import CURRENCIES
    shipped = {t.zh for t in glossary.read_tsv(glossary.DATA / "terms.tsv")}
    assert len(shipped) > 400
    found = lexicon.senses(shipped, proper=True)
    common = lexicon.senses(shipped, proper=False)
    assert sorted(zh for zh in found if zh not in common) == []
    assert shipped.isdisjoint(CURRENCIES)


def test_a_company_named_with_a_common_word_is_never_listed_bare() -> None:
    """小米 is millet, 理想 an ideal: only 小米集团, 理想汽车 and the like are the companies."""
    companies = {t.zh: t for t in glossary.read_tsv(glossary.DATA / "companies.tsv")}
    assert {"理想汽车", "小米集团", "台积电"} <= companies.keys()
    assert not {"小米", "理想", "苹果", "大众"} & companies.keys()
    assert all(t.kind == "org" for t in companies.values())


def test_domain_terms_and_companies_are_checked_in_the_english(terms: glossary.Glossary) -> None:
    (margin,) = [e for e in expect("毛利率54.6%", terms) if e.kind == "term"]
    assert margin.found_in("a gross margin of 54.6 per cent") and not margin.found_in("the Māori rate of 54.6 per cent")
    (company,) = [e for e in expect("理想汽车交付", terms) if e.kind == "org"]
    assert company.found_in("Li Auto delivered") and not company.found_in("Ideal cars delivered")


def test_a_shipped_term_that_says_which_way_says_it_in_english() -> None:
    """Written in English in a retry, 同比下降 as "year-on-year" once turned a fall of deliveries
    into no direction at all, and a share's fall into a rise: a term whose Chinese says up
    or down (not a rate, 增率) says it in its English too."""
    way = re.compile(r"[增减降升涨跌](?!率)")
    said = re.compile(r"\b(?:up|down|rise|fall|increase|decrease|cut|hike|raise|lower|higher|positive|negative|"
                      r"extend|revised|limit)", re.IGNORECASE)
    for term in glossary.read_tsv(glossary.DATA / "terms.tsv"):
        if way.search(term.zh):
            assert said.search(term.en), (term.zh, term.en)
