"""Names the glossary has never seen: CC-CEDICT senses, people found and romanized,
compounds, the source's own glosses, amounts in 億 — and the briefs of three unseen
articles (Taiwan, mainland, Hong Kong) built with the real model."""
from __future__ import annotations

import csv
import sqlite3

import pytest

from pipeline.errors import SourceError
from pipeline.lang import cedict, glossary, lexicon
from pipeline.lang.numbers import mentions, write_amounts, write_currencies
from pipeline.model.document import Block, Document, Meta
from pipeline.stages import names
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment

from .conftest import REPO, UNSEEN, Build, aligned


def found(text: str, language: str, terms: glossary.Glossary | None = None) -> dict[str, names.Name]:
    doc = segment(convert(Document("t", "t.md", Meta(title="標題", language=language), [Block("paragraph", text)])))
    return {n.zh: n for n in names.find(doc, terms or glossary.load([])).names}


@pytest.mark.parametrize("sense, forms", [
    ("Legislative Yuan, the legislative branch of government under the constitution of Republic of China",
     ["Legislative Yuan"]),
    ("Kinmen or Quemoy islands off the Fujian coast, administered by Taiwan", ["Kinmen", "Quemoy"]),
    ("DPP (Democratic Progressive Party, Taiwan)", ["DPP", "Democratic Progressive Party"]),
    ("the Kremlin", ["the Kremlin"]),
    ("Wulian county in Rizhao 日照[Ri4 zhao4], Shandong", ["Wulian"]),
    ("Shenzhen subprovincial city in Guangdong, special economic zone close to Hong Kong", ["Shenzhen"]),
    # Units as the 2025 release writes them, capitalised, and a cross-reference's pinyin.
    ("Wanhua District of Taipei City 臺北市|台北市[Tai2 bei3 Shi4], Taiwan", ["Wanhua District"]),
    ("Hualien County on the east coast of Taiwan", ["Hualien County"]),
    ("Special Region of Yogyakarta, region of Java, Indonesia", ["Special Region of Yogyakarta"]),
])
def test_cedict_senses_that_are_names(sense: str, forms: list[str]) -> None:
    assert cedict.name_sense(sense).forms == forms


@pytest.mark.parametrize("senses", [["American dollar"], ["surname Wang"], ["abbr. for 北約"],
                                    ["Prime tortoise of the record bureau"], ["apple", "Apple Inc"]])
def test_cedict_senses_that_are_not(senses: list[str]) -> None:
    assert cedict.usable_senses(senses) == []


def test_cedict_is_verified_and_yields_to_the_glossary() -> None:
    dictionary = lexicon.cedict_names()
    assert len(dictionary) > 10_000
    assert dictionary["英伟达"].english("cn").en == "NVIDIA"
    assert dictionary["立法院"].english("tw").en == "Legislative Yuan"
    assert "和平" not in dictionary and "成功" not in dictionary  # the common word wins over Heping district
    assert dictionary["基辅"].english("tw").accepted == ["Kyiv", "Kiev"]
    assert "TSMC" in dictionary["台积电"].english("tw").accepted
    assert dictionary["深圳"].english("cn").en == "Shenzhen"  # "see 深圳市"
    assert dictionary["波希米亚"].english("cn").en == "Bohemia"  # "variant of 波西米亚"
    # Without its unit in Chinese, without it in English: 浙江 "Zhejiang Province".
    assert dictionary["浙江"].english("cn").accepted == ["Zhejiang", "Zhejiang Province"]
    assert dictionary["浙江省"].english("cn").en == "Zhejiang Province"


def test_the_dictionary_is_the_pinned_release(monkeypatch) -> None:
    assert cedict.cedict_release() == "2025-10-02"
    monkeypatch.setattr(cedict, "CEDICT_SHA256", "0" * 64)
    with pytest.raises(SourceError, match=r"cc-cedict\.txt: CC-CEDICT checksum differs"):
        cedict.read()
    monkeypatch.setattr(cedict, "CEDICT_DISTRIBUTION", "no-such-distribution")
    with pytest.raises(SourceError, match="CC-CEDICT cannot be read .*run make"):
        cedict.read()


def test_senses_of_any_word() -> None:
    """Every sense CC-CEDICT gives a simplified form, names and words, as it writes them."""
    found = lexicon.senses(["毛利率", "环比", "小米", "羽球", "毛利率", "没有的词"])
    assert found["毛利率"] == ["gross profit margin; gross margin"]
    assert found["环比"][0].startswith("(statistics) period on period")
    assert found["羽球"] == ["badminton", "shuttlecock"]
    assert found["小米"] == ["Xiaomi, Chinese electronics company founded in 2010", "millet"]
    assert "没有的词" not in found and lexicon.senses([]) == {}
    assert lexicon.senses(["小米"], proper=False) == {"小米": ["millet"]}


@pytest.mark.parametrize("zh, region, english", [
    ("台中", "tw", "Taichung"), ("新北", "tw", "New Taipei"), ("新北", "cn", "Xinbei"),
    ("大埔", "hk", "Tai Po"), ("连江", "tw", "Lienchiang"), ("港铁", "hk", "MTR")])
def test_cedict_senses_by_region(zh: str, region: str, english: str) -> None:
    assert lexicon.cedict_names()[zh].english(region).en == english
    terms = glossary.load([])
    doc = found("烏克蘭首都基輔今天遭到攻擊，立法院也開會。", "zh-Hant-TW", terms)
    assert "基辅" not in doc and "立法院" in doc
    assert glossary.extended(terms, names.Names("t", "tw", list(doc.values()))).terms["基辅"].en == "Kyiv"


def test_people_are_romanized_for_their_region() -> None:
    taiwan = found("金門縣議員蕭文生會後表示，花蓮縣鄉民代表麥玉珍說，今天上午很榮幸。", "zh-Hant-TW")
    assert taiwan["萧文生"].en == "Hsiao Wen-sheng" and taiwan["麦玉珍"].en == "Mai Yu-chen"
    mainland = found("村民李建国说，副区长王建平表示，今天上午很荣幸。", "zh-Hans-CN")
    assert mainland["李建国"].en == "Li Jianguo" and mainland["王建平"].en == "Wang Jianping"
    for text in (taiwan, mainland):
        assert not {"今天上午", "荣幸", "很荣幸"} & text.keys()


def test_dictionary_names_only_where_they_are_words() -> None:
    assert found("高雄港的貨櫃量增加。", "zh-Hant-TW")["高雄"].en == "Kaohsiung"  # 高雄|港 is one word
    assert "高雄" not in found("我們要提高雄心。", "zh-Hant-TW")  # 提高|雄心
    assert "立法院" not in found("這是獨立法院。", "zh-Hant-TW")


def test_companies_named_with_common_words_before_a_suffix() -> None:
    """三星 is Samsung and three stars, 大众 Volkswagen and the masses: the company where an
    organisation's suffix follows, in the word or after it, and then its bare mentions too;
    a modifier (现代: Hyundai, modern) or no suffix, the word."""
    text = "三星电子的利润增长，大众汽车集团和吉利汽车也公布业绩，三星称。"
    doc = segment(convert(Document("t", "t.md", Meta(title="標題", language="zh-Hans-CN"), [Block("paragraph", text)])))
    terms = glossary.extended(glossary.load([]), names.find(doc, glossary.load([])))
    assert [(t.en, t.kind) for _, _, t in terms.find(text)] == [
        ("Samsung", "org"), ("Volkswagen", "org"), ("Geely", "org"), ("Samsung", "org")]
    # Without the product's list of companies, CC-CEDICT's brands do the same.
    mainland = found(text, "zh-Hans-CN", glossary.Glossary({}))
    assert {zh: (n.en, n.kind, n.count) for zh, n in mainland.items() if zh in ("三星", "大众", "吉利")} == {
        "三星": ("Samsung", "org", 2), "大众": ("Volkswagen", "org", 1), "吉利": ("Geely", "org", 1)}
    assert found("特斯拉汽车在上海复产。", "zh-Hans-CN")["特斯拉"].en == "Tesla"  # not its first sense, Nikola Tesla
    assert not {"现代", "大众", "苹果"} & found("现代汽车工业和现代科技服务大众，果农说苹果价格稳定。",
                                                "zh-Hans-CN").keys()
    assert "三星" not in lexicon.cedict_names() and "三星" not in found("夜空中的三星很亮。", "zh-Hans-CN")


def test_compounds_and_source_glosses() -> None:
    hk = found("香港特區政府表示，發展局副局長陳家明（Chan Ka-ming）說，陳家明也到元朗區。", "zh-Hant-HK")
    assert hk["香港特区"].en == "Hong Kong SAR" and hk["元朗区"].en == "Yuen Long District"
    assert hk["陈家明"].en == "Chan Ka-ming" and hk["陈家明"].count == 2
    without = segment(convert(Document("t", "t.md", Meta(title="t", language="zh-Hant-HK"),
                                       [Block("paragraph", "香港特區政府表示。")])))
    # Without compounds (bench/eval.py's variant): only the head is written.
    terms = glossary.load([])
    proposal = names.proposed(without, terms)
    proposal.names = {zh: n for zh, n in proposal.names.items() if n.origin != "compound"}
    assert "香港特区" not in {n.zh for n in names.confirmed(proposal, terms).names}
    assert "香港特区" in {n.zh for n in names.find(without, terms).names}


def test_amounts_in_yi_are_written_and_checked_as_billions() -> None:
    assert write_amounts("出口金额为570.06亿美元") == "出口金额为$57.006 billion"
    assert write_amounts("拨款12.5亿元，人口2153.6万人，5万人") == "拨款1.25 billion yuan，人口21.536 million人，5万人"
    assert write_amounts("投资2,000亿新台币") == "投资200 billion New Taiwan dollars"
    assert write_amounts("冻结1000亿美元，14亿人") == "冻结1000亿美元，14亿人"  # read right as they are
    (amount,) = mentions("出口金额为319.10亿美元")
    assert amount.display == "31.91 billion"
    assert amount.found_in("exports of $31.91 billion") and amount.found_in("US$31.910 billion")
    assert not amount.found_in("$31,910 million") and not amount.found_in("$3,191 million")
    (amount,) = mentions("出口金额为570.06亿美元")
    assert not amount.found_in("$5,706 million") and not amount.found_in("$57,006 million")


# Names and amounts the briefs of the unseen articles must get right: the ones the names
# stage and the amount writer are for (committee names are left to the model).
MUST = {"立法院", "金門", "民眾黨", "蕭文生", "中華台北", "花蓮縣", "麥玉珍", "570.06億美元", "319.10億美元",
        "深圳市", "南山区", "王建平", "英伟达", "黄仁勋", "48.36亿元", "2.75亿元",
        "香港特區政府", "元朗區", "陳家明", "186.4億港元"}


def test_an_amount_is_written_in_the_currency_named_before_or_after_it_or_the_regions_own() -> None:
    assert write_amounts("营收9899.2亿元新台币") == "营收989.92 billion New Taiwan dollars"  # not "yuan" and "NTD"
    assert write_amounts("营收新台币9899.2亿元") == "营收989.92 billion New Taiwan dollars"
    assert write_amounts("港币120亿元，澳门元3亿元") == "12 billion Hong Kong dollars，300 million Macau patacas"
    assert write_amounts("12亿元人民币", "tw") == "1.2 billion yuan"
    # 元 alone is the local currency: a Taiwan paper's is the New Taiwan dollar.
    assert write_amounts("营收3000亿元", "tw") == "营收300 billion New Taiwan dollars"
    assert write_amounts("营收3000亿元", "hk") == "营收300 billion Hong Kong dollars"
    assert write_amounts("营收3000亿元") == "营收300 billion yuan"
    assert write_amounts("美元1000亿") == "美元1000亿"  # whole US dollars read right as they are
    # Any amount of a dollar but the US one: "$40,000" it wrote for 新台币4万元 in 40 of 40.
    assert (write_amounts("处新台币4万元罚款，每股盈余52.8元", "tw")
            == "处40,000 New Taiwan dollars罚款，每股盈余52.8 New Taiwan dollars")
    # A mainland 元 is left alone.
    assert write_amounts("票价800元，300港元") == "票价800元，300 Hong Kong dollars"
    # A trillion stays in Chinese, its currency named as the model reads it right.
    assert write_amounts("贷款增加15.4万亿元，人民币3万亿元") == "贷款增加15.4万亿元人民币，3万亿元人民币"
    assert write_amounts("3万亿元", "hk") == "3万亿港元"
    assert write_amounts("3万亿元", "tw") == "3万亿 New Taiwan dollars"
    assert write_amounts("2.5万亿美元，1.2万亿次") == "2.5万亿美元，1.2万亿次"
    # A dollar with no amount is written in English too: read alone, 新台币 was "the new bill".
    assert (write_currencies("与新台币走贬，港币汇率，美元指数")
            == "与New Taiwan dollar走贬，Hong Kong dollar汇率，美元指数")


def test_a_term_never_starts_with_the_unit_of_the_number_before_it() -> None:
    terms = glossary.Glossary({t.zh: t for t in glossary.entry("日电", "NEC", "org")
                               + glossary.entry("月光", "moonlight", "term")})
    assert [t.en for _, _, t in terms.find("中央社记者台北31日电")] == []  # a dateline: "31st, dispatch"
    assert [t.en for _, _, t in terms.find("新华社北京十日电")] == []
    assert [t.en for _, _, t in terms.find("5月光线较弱")] == []
    assert [t.en for _, _, t in terms.find("日电公司宣布，月光下")] == ["NEC", "moonlight"]


def test_unseen_articles_get_their_names_right(build: Build) -> None:
    with open(REPO / "tests" / "data" / "articles" / "expected.tsv", encoding="utf-8", newline="") as handle:
        expected = list(csv.DictReader(handle, delimiter="\t"))
    english = {p.stem: " ".join(r.en for b in aligned(build, p.stem).blocks for r in b.rows) for p in UNSEEN}
    wrong = [(e["slug"], e["zh"]) for e in expected
             if not any(form.lower() in english[e["slug"]].lower() for form in e["en"].split("|"))]
    assert not [w for w in wrong if w[1] in MUST]
    assert len(wrong) <= 0.2 * len(expected), wrong


def filler(value: int, made: list[int]):
    """A `fill` for lexicon._kept that records that it ran."""
    def fill(db: sqlite3.Connection) -> None:
        made.append(value)
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (?)", (value,))
    return fill


def test_what_names_makes_once_is_kept_and_replaces_its_older_self(tmp_path, monkeypatch) -> None:
    """The dictionaries find() reads take seconds to make; they are kept as a database
    beside the translation memory, made again only when what they are made from changes,
    the older database then removed."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("BRIEFS_MEMORY", str(tmp_path / "memory" / "memory.sqlite3"))
    made: list[int] = []
    value = lambda db: db.execute("SELECT x FROM t").fetchone()[0]  # noqa: E731
    assert value(lexicon._kept("thing", "a1", filler(1, made))) == 1
    assert value(lexicon._kept("thing", "a1", filler(2, made))) == 1
    assert value(lexicon._kept("other", "a1", filler(3, made))) == 3
    assert value(lexicon._kept("thing", "b2", filler(4, made))) == 4
    assert made == [1, 3, 4]
    stores = (tmp_path / "news-briefs").glob("*.sqlite3")
    assert sorted(p.name.split("-")[:2] for p in stores) == [["other", "a1"], ["thing", "b2"]]
    assert not list((tmp_path / "news-briefs").glob(".*"))  # no temporary file left behind
    assert not (tmp_path / "memory").exists()  # the same dictionaries, whatever memory is used


def test_a_cache_folder_that_cannot_be_written_costs_time_only(tmp_path, monkeypatch) -> None:
    (tmp_path / "no").write_text("a file where the folders should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "no"))
    monkeypatch.setenv("BRIEFS_MEMORY", str(tmp_path / "no" / "memory.sqlite3"))
    made: list[int] = []
    assert lexicon._kept("thing", "a1", filler(5, made)).execute("SELECT x FROM t").fetchone() == (5,)
    assert lexicon._kept("thing", "a1", filler(6, made)).execute("SELECT x FROM t").fetchone() == (6,)
    assert made == [5, 6]
    # Beside the translation memory when the cache folder cannot be written.
    monkeypatch.setenv("BRIEFS_MEMORY", str(tmp_path / "memory.sqlite3"))
    assert lexicon._kept("thing", "a1", filler(7, made)).execute("SELECT x FROM t").fetchone() == (7,)
    assert lexicon._kept("thing", "a1", filler(8, made)).execute("SELECT x FROM t").fetchone() == (7,)


def test_an_article_reads_the_dictionaries_as_if_they_were_loaded_whole() -> None:
    """The lexicon holds only the article's strings, and gives what the whole dictionaries
    give for them: jieba's cuts and tags, with a glossary name CC-CEDICT has as another kind."""
    import jieba

    hans = "金门县议员萧文生会后表示，立法院院会今天在台北开会。"
    terms = glossary.load([])
    lex = lexicon.lexicon([hans], terms)
    substrings = {hans[i:j] for i in range(len(hans)) for j in range(i + 1, len(hans) + 1)}
    beyond = set(lex.tagger.tokenizer.FREQ) - substrings
    assert "经济" not in lex.tagger.tokenizer.FREQ and all(any(w.startswith(p) for w in terms.terms) for p in beyond)
    assert "立法院" in lex.entries and "议员" in lex.own
    # The same cut, word and tag, as a tagger holding every row of the dictionaries.
    store = lexicon._store()
    whole = jieba.Tokenizer()
    whole.FREQ = dict(store.execute("SELECT zh, freq FROM word WHERE freq IS NOT NULL"))
    whole.total, whole.initialized = store.execute("SELECT total FROM about").fetchone()[0], True
    tagger = object.__new__(type(lex.tagger))
    tagger.tokenizer, tagger.word_tag_tab = whole, dict(store.execute("SELECT zh, tag FROM word WHERE tag IS NOT NULL"))
    assert list(lex.tagger.cut(hans)) == list(tagger.cut(hans))
    assert "立法院" in [w for w, _ in lex.tagger.cut(hans)]
    # A glossary name is a word of the article's tagger, with the glossary's kind.
    own = glossary.Glossary({**terms.terms, "院会": glossary.Term("院会", "plenary", ["plenary"], "org")})
    tagged = dict(lexicon.lexicon([hans], own).tagger.cut(hans))
    assert tagged["院会"] == "nt"



def test_a_glossary_term_the_article_has_only_across_words_is_not_its_term() -> None:
    """高通 in 高|通胀, 台电 in 一台|电脑, 里长 in 公里|长: the tagger cuts across the term
    wherever it occurs; a word that holds it whole (半决赛, 英国政府) keeps it."""
    terms = glossary.Glossary({**glossary.load([]).terms, **{t.zh: t for t in glossary.entry("台电", "Taipower", "org")
                                                             + glossary.entry("里长", "borough chief", "term")
                                                             + glossary.entry("决赛", "final", "term")}})

    def inside(text: str) -> list[str]:
        doc = segment(convert(Document("t", "t.md", Meta(title="標題", language="zh-Hans"),
                                       [Block("paragraph", text)])))
        return names.find(doc, terms).inside

    assert inside("他买了一台电脑。") == ["台电"]
    assert inside("全长5公里长的道路。") == ["里长"]
    assert inside("台电今天表示，他买了一台电脑。") == []  # one mention is the company
    assert inside("她在半决赛中获胜，英国政府表示祝贺。") == []
    found = names.find(segment(convert(Document("t", "t.md", Meta(title="標題", language="zh-Hans"),
                                                [Block("paragraph", "他买了一台电脑。")]))), terms)
    assert "台电" not in glossary.extended(terms, found).terms
