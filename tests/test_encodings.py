"""Reading text files in every accepted encoding, line ends and control characters, and
a reader that never fails on any bytes but with a `SourceError` naming the file; Korean
in EUC-KR refused as Korean, while no real Chinese text is."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.errors import SourceError
from pipeline.lang.chinese import converter
from pipeline.model.document import CONTROL
from pipeline.stages.read import read, read_with_encoding, summary
from pipeline.stages.read.encoding import (
    EncodingError,
    _chinese_share,
    decode,
    normalise,
)

from .conftest import REPO

# Written for these tests (not any outlet's text): Taiwan-style Traditional and
# mainland-style Simplified news prose, with 「」，。、：； as the press sets them.
TRADITIONAL = (
    "行政院今天上午召開院會，通過明年度中央政府總預算案，歲出規模創下歷年新高。"
    "行政院長在會後記者會上表示：「面對國際經濟情勢的不確定，政府必須未雨綢繆，持續擴大公共建設投資，"
    "同時加強照顧弱勢家庭。」他指出，預算案中有三成用於社會福利，包括長期照顧、托育補助與青年租屋津貼；"
    "另有兩成投入國防，以因應區域安全的變化。在野黨立法委員則批評，政府債務逐年攀升，卻未提出具體的財源規劃。"
    "一名委員說：「錢要花在刀口上，而不是選舉前的大撒幣。」主計總處官員回應，明年經濟成長率預估為百分之三點二，"
    "稅收可望穩定增加，債務占國內生產毛額的比率仍在法定上限之內。預算案將送交立法院審議，朝野預料在下個會期展開攻防。"
)
SIMPLIFIED = (
    "国家统计局十五日发布数据显示，今年前三季度全国居民人均可支配收入实际增长百分之五点二，消费市场总体保持恢复态势。"
    "统计局新闻发言人在新闻发布会上说：「国民经济运行稳中有进，但外部环境依然复杂严峻，国内需求仍显不足。」"
    "数据显示，社会消费品零售总额同比增长百分之四点七，其中餐饮收入增长较快；全国城镇调查失业率平均为百分之五点一，"
    "比上半年有所下降。分析人士认为，随着一系列稳增长政策陆续落地，第四季度经济有望继续回升。一位经济学家表示："
    "「关键在于提振居民信心，让企业愿意投资、家庭愿意消费。」此外，房地产市场仍处于调整阶段，新建商品住宅销售面积同比下降，"
    "部分城市已出台放宽购房限制的措施。"
)
ARTICLES = {"traditional": TRADITIONAL, "simplified": SIMPLIFIED}


def sentences(text: str) -> list[str]:
    """One sentence each, its closing quote kept with it."""
    return re.findall(r"[^。！？]+[。！？]」?", text)


def markdown(text: str) -> str:
    """The article as a source file: front matter, then a paragraph per three sentences,
    with a line wrapped inside one of them."""
    parts = sentences(text)
    paragraphs = ["".join(parts[i:i + 3]) for i in range(0, len(parts), 3)]
    paragraphs[0] = paragraphs[0][:20] + "\n" + paragraphs[0][20:]
    return "---\ntitle: 測試標題\ndate: 2025-10-15\ncredit: 測試通訊社\n---\n\n" + "\n\n".join(paragraphs) + "\n"


# (article, how it is encoded, what the reader must call it)
ENCODED = [
    ("traditional", "big5", "Big5"),
    ("traditional", "gb18030", "GB18030"),
    ("simplified", "gb18030", "GB18030"),
    *[(article, codec, name) for article in ARTICLES for codec, name in [
        ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
        ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")]],
]


def encode(text: str, codec: str) -> bytes:
    """Python's codecs; the UTF-16 files get their byte order mark as editors write it."""
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    return bom + text.encode(codec)


@pytest.mark.parametrize("article, codec, name", ENCODED, ids=lambda v: str(v))
def test_every_accepted_encoding_decodes_to_the_same_text(article: str, codec: str, name: str) -> None:
    text = ARTICLES[article]
    assert decode(encode(text, codec)) == (text, name)


@pytest.mark.parametrize("article, codec, name", ENCODED, ids=lambda v: str(v))
def test_every_accepted_encoding_reads_to_the_same_document(
        tmp_path: Path, article: str, codec: str, name: str) -> None:
    """Markdown with YAML front matter, as the seeds are, in each encoding."""
    source = markdown(ARTICLES[article])
    original = tmp_path / "original.md"
    original.write_text(source, encoding="utf-8")
    encoded = tmp_path / f"{codec}.md"
    encoded.write_bytes(encode(source, codec))
    (doc, encoding), expected = read_with_encoding(encoded), read(original)
    assert (doc.meta, doc.blocks) == (expected.meta, expected.blocks)
    assert doc.meta.title == "測試標題" and doc.meta.date == "2025-10-15"
    assert "".join(b.text for b in doc.blocks) == ARTICLES[article]
    assert summary(doc, encoding) == f"{len(doc.blocks)} blocks, {name}"


@pytest.mark.parametrize("codec, name", [("big5", "Big5"), ("gb18030", "GB18030")])
@pytest.mark.parametrize("article", ARTICLES)
def test_one_sentence_is_enough(article: str, codec: str, name: str) -> None:
    """Short files too: each sentence alone, and a bare phrase without punctuation."""
    for sentence in [*sentences(ARTICLES[article]), ARTICLES[article][:6]]:
        try:
            data = sentence.encode(codec)
        except UnicodeEncodeError:  # Simplified characters have no Big5 code
            continue
        assert decode(data) == (sentence, name), sentence


@pytest.mark.parametrize("text, codec, name", [("預算案將送交立法院審議。", "big5", "Big5"),
                                              ("預算案將送交立法院審議。", "gb18030", "GB18030"),
                                              ("部分城市已出台放宽购房限制的措施。", "gb18030", "GB18030")])
def test_a_one_sentence_file_reads(tmp_path: Path, text: str, codec: str, name: str) -> None:
    doc, encoding = read_with_encoding(write(tmp_path / "short.txt", text.encode(codec)))
    assert (doc.meta.title, [b.text for b in doc.blocks], summary(doc, encoding)) == (text, [text], f"1 blocks, {name}")


def test_big5_as_windows_writes_it() -> None:
    """CP950 has codes plain Big5 lacks (裏, 恒, €); the rest it shares with Big5."""
    text = "他在信裏寫道：「恒心最重要。」票價是五€。" + TRADITIONAL[:40]
    assert decode(text.encode("cp950")) == (text, "Big5")


def test_txt_and_html_in_big5_and_gb18030(tmp_path: Path) -> None:
    for codec, name in [("big5", "Big5"), ("gb18030", "GB18030")]:
        txt = tmp_path / f"{codec}.txt"
        txt.write_bytes(("\n\n".join(sentences(TRADITIONAL)) + "\n").encode(codec))
        assert [b.text for b in read(txt).blocks] == sentences(TRADITIONAL)
        html = tmp_path / f"{codec}.html"
        html.write_bytes(f"<h1>標題</h1><p>{TRADITIONAL}</p>".encode(codec))
        doc, encoding = read_with_encoding(html)
        assert (doc.meta.title, [b.text for b in doc.blocks]) == ("標題", [TRADITIONAL])
        assert summary(doc, encoding).endswith(f", {name}")


def test_docx_has_no_text_encoding_to_report(tmp_path: Path) -> None:
    import pypandoc
    md = tmp_path / "a.md"
    md.write_text("內文一句。\n", encoding="utf-8")
    docx = tmp_path / "a.docx"
    pypandoc.convert_file(str(md), "docx", outputfile=str(docx))
    assert summary(*read_with_encoding(docx)) == "1 blocks"


def test_plain_ascii_is_utf8() -> None:
    assert decode(b"Plain text.\n")[1] == "UTF-8"
    assert decode(b"")[1] == "UTF-8"


# --- refusals: the file, and the first byte that no accepted encoding reads ---

def refusal(tmp_path: Path, data: bytes, name: str = "bad.md") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as err:
        read(path)
    assert err.value.path == str(path) and str(path) in str(err.value)
    return err.value.problem


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "big5"])
def test_bad_byte_is_named_at_its_offset(tmp_path: Path, codec: str) -> None:
    """The text is fine up to the byte; 0xFF begins no character in any of them."""
    head = TRADITIONAL[:100].encode(codec)
    problem = refusal(tmp_path, head + b"\xff" + TRADITIONAL[100:].encode(codec))
    assert problem == (f"not UTF-8, UTF-16, GB18030 or Big5 text: byte {len(head)} (0xFF) "
                       "fits none of them")


def test_latin1_is_refused_at_its_first_accented_letter(tmp_path: Path) -> None:
    assert "byte 3 (0xE9)" in refusal(tmp_path, "café crème".encode("latin-1"))


def test_gb18030_is_not_refused_as_not_utf8(tmp_path: Path) -> None:
    """What the issue reported: a GB18030 file refused as "not UTF-8 text (byte 0)"."""
    path = tmp_path / "gb.md"
    path.write_bytes(markdown(SIMPLIFIED).encode("gb18030"))
    assert summary(*read_with_encoding(path)).endswith(", GB18030")


@pytest.mark.parametrize("data, offset", [
    (b"\xff\xfe" + "行政院".encode("utf-16-le") + b"\x00", 8),   # half a code unit at the end
    (b"\xff\xfe" + "行".encode("utf-16-le") + b"\x00\xdc" + "院".encode("utf-16-le"), 4),  # lone surrogate
    (b"\xfe\xff" + "行".encode("utf-16-be") + b"\xd8\x00", 4),
    (b"\xef\xbb\xbf" + "行政".encode() + b"\xe9\x99", 9),  # character cut short
])
def test_a_byte_order_mark_decides_the_encoding(tmp_path: Path, data: bytes, offset: int) -> None:
    problem = refusal(tmp_path, data)
    assert "byte order mark" in problem and f"byte {offset} " in problem


def test_utf32_is_refused(tmp_path: Path) -> None:
    assert "UTF-32" in refusal(tmp_path, "行政院會。".encode("utf-32"))


def test_bytes_that_decode_but_not_to_chinese_are_refused(tmp_path: Path) -> None:
    """Shift-JIS Japanese decodes as GB18030, to characters no Chinese text uses much."""
    japanese = "政府は十五日、来年度の予算案を閣議決定した。首相は「経済の再生と財政の健全化を両立させる」と述べた。"
    problem = refusal(tmp_path, japanese.encode("shift_jis"))
    assert problem.startswith("not UTF-8, UTF-16, GB18030 or Big5 text: it decodes as GB18030, but only")


# --- Korean: EUC-KR's Hangul sit where GB 2312 has common hanzi ---

# Written for these tests: Korean news prose as Seoul papers set it, spaces between words
# and Hanja for countries in a headline-like sentence (美·中, 北).
KOREAN = (
    "정부는 15일 국무회의를 열고 내년도 예산안을 의결했다. 총지출 규모는 역대 최대인 677조 원으로, "
    "올해보다 3.2% 늘어난 것이다. 국무총리는 회의에서 \"경제 회복과 민생 안정을 위해 재정이 적극적인 "
    "역할을 해야 한다\"며 \"특히 청년과 취약계층에 대한 지원을 늘리겠다\"고 말했다. 야당은 국가채무가 "
    "빠르게 늘고 있다며 건전재정 원칙을 지켜야 한다고 비판했다. 美·中 정상회담을 앞두고 北 외무성은 "
    "담화를 내 \"한반도 긴장을 높이는 어떤 행동에도 강력히 대응할 것\"이라고 밝혔다. "
    "삼성전자는 3분기 영업이익이 9조 1천억 원으로 집계됐다고 31일 공시했다."
)


def test_korean_reads_as_common_chinese() -> None:
    """Why a Chinese share cannot refuse it: as GB18030 every Hangul syllable is a GB 2312
    level 1 hanzi, as common as Chinese characters come."""
    assert _chinese_share(KOREAN.encode("euc_kr").decode("gb18030")) > 0.95


@pytest.mark.parametrize("text, codec, name", [
    (KOREAN, "euc_kr", "EUC-KR"),
    (KOREAN + " 똠방각하는 소설 제목이다.", "cp949", "CP949"),  # 똠: a syllable only CP949 has
])
def test_korean_is_refused_as_korean(tmp_path: Path, text: str, codec: str, name: str) -> None:
    problem = refusal(tmp_path, text.encode(codec), "korean.txt")
    assert problem.startswith(f"looks like Korean ({name}), not Chinese: read as {name}, ")
    assert problem.endswith("of its letters are Hangul and its words are spaced apart (only Chinese is read)")


def test_each_korean_sentence_alone_is_refused() -> None:
    """Down to one sentence, its Hanja included (美·中·北 leave 94% syllables)."""
    for sentence in re.findall(r"[^.]+\.", KOREAN):
        with pytest.raises(EncodingError) as err:
            decode(sentence.strip().encode("euc_kr"))
        assert err.value.problem.startswith("looks like Korean (EUC-KR)"), sentence


@pytest.mark.parametrize("text, codec, name", [
    # read as CP949, nothing but common Hangul syllables, but no spaces: Chinese has none
    ("面对美国的步步紧逼", "gb18030", "GB18030"),
    ("家具没办法搬了", "gb18030", "GB18030"),
    ("法国和比利时建议本国居民放弃前方巴塞罗那以及周边地区度假的计划。", "gb18030", "GB18030"),  # 87%
    ("9. 歐洲各國戰機將駐紮在波蘭。", "big5", "Big5"),
    # spaces between syllables as CP949 reads "— —", but few syllables
    ("舍小家為大家 — — 安徽合肥蔣口河聯圩群眾轉移直擊", "big5", "Big5"),
    ("新華社合肥7月26日電 題：舍小家為大家 — — 安徽合肥蔣口河聯圩群眾轉移直擊", "big5", "Big5"),
])
def test_chinese_most_like_korean_is_still_chinese(text: str, codec: str, name: str) -> None:
    """The dev set's and the seeds' lines that come nearest to reading as Korean."""
    assert decode(text.encode(codec)) == (text, name)


DEV_SET = REPO.parent / "shared" / "eval" / "newstest2021-zhen-dev.tsv"


def dev_lines(script: str) -> list[str]:
    """The Chinese column of the WMT21 dev set (mainland news), or its Taiwan form."""
    lines = [row.split("\t")[1] for row in DEV_SET.read_text(encoding="utf-8").splitlines()[1:]]
    return [converter("s2tw").convert(line) for line in lines] if script == "traditional" else lines


@pytest.mark.skipif(not DEV_SET.is_file(), reason="../shared/eval not present")
@pytest.mark.parametrize("script, codec, name", [("simplified", "gb18030", "GB18030"),
                                                 ("traditional", "gb18030", "GB18030"),
                                                 ("traditional", "big5", "Big5")])
def test_the_dev_set_reads_line_by_line_and_as_an_article(
        tmp_path: Path, script: str, codec: str, name: str) -> None:
    """No real Chinese is refused as Korean, or read in the wrong encoding: 250 news lines,
    each alone and all as one article."""
    lines = dev_lines(script)
    encodable = [line for line in lines if line == line.encode(codec, "replace").decode(codec)]
    assert len(lines) == 250 and len(encodable) == (249 if codec == "big5" else 250)  # 喹: no Big5 code
    for line in encodable:
        assert decode(line.encode(codec)) == (line, name), line
    article = "\n\n".join(encodable) + "\n"
    original = write(tmp_path / "original.md", article.encode("utf-8"))
    encoded = write(tmp_path / f"{codec}.md", article.encode(codec))
    (doc, encoding), expected = read_with_encoding(encoded), read(original)
    assert (doc.meta, doc.blocks) == (expected.meta, expected.blocks)
    assert summary(doc, encoding) == f"{len(doc.blocks)} blocks, {name}"


def test_the_decoder_reports_the_offset_too() -> None:
    with pytest.raises(EncodingError) as err:
        decode("中文".encode("gb18030") + b"\x81")
    assert err.value.offset == 4


# --- line ends and control characters ---

def test_line_ends_become_lf() -> None:
    assert normalise("一\r\n二\r三\n四\r\n\r\n五\r") == "一\n二\n三\n四\n\n五\n"


def test_control_characters_are_dropped_and_nothing_else_changes() -> None:
    kept = "\t中文 ABC\u00a0\u3000「」，。\u200b\u2028\ufeff😀"  # tab, spaces, punctuation, format chars
    stray = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]))
    assert normalise(stray[:10] + kept + stray[10:]) == kept
    assert normalise("\ufeff行政院") == "行政院"  # a byte order mark left at the start is no text


def test_crlf_lone_cr_and_controls_read_like_clean_text(tmp_path: Path) -> None:
    clean = "---\ntitle: 標題\n---\n\n第一段，\n換行仍是同一段。\n\n第二段。\n"
    expected = read(write(tmp_path / "clean.md", clean.encode("utf-8")))
    for name, data in [("crlf", clean.replace("\n", "\r\n").encode("utf-8")),
                       ("cr", clean.replace("\n", "\r").encode("gb18030")),
                       ("controls", encode(clean.replace("第二", "第\x00二\x1b\x7f\u0085"), "utf-16-le"))]:
        doc = read(write(tmp_path / f"{name}.md", data))
        assert (doc.meta, doc.blocks) == (expected.meta, expected.blocks), name
    assert [b.text for b in expected.blocks] == ["第一段，換行仍是同一段。", "第二段。"]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@given(st.text())
@settings(max_examples=300)
def test_normalise_only_takes_out_controls(text: str) -> None:
    out = normalise(text)
    assert not CONTROL.search(out) and "\r" not in out
    unix = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert out == "".join(c for c in unix if not CONTROL.match(c))


@given(st.text(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"]))
@settings(max_examples=300)
def test_unicode_encodings_decode_to_exactly_their_text(text: str, codec: str) -> None:
    if codec == "utf-8":
        text = text.removeprefix("\ufeff")  # else it is a byte order mark
    if codec == "utf-16-le" and text.startswith("\x00"):
        return  # FF FE 00 00 is the UTF-32LE mark, refused
    assert decode(encode(text, codec))[0] == text


# --- never anything but a Document or a SourceError naming the file (pandoc per example) ---

FRAGMENTS = ["---\n", "title: ", "date: ", "glossary:\n  ", "\n", "\n\n", "\r\n", "\r", "1. ", "- ", "> ",
             "# ", "::: {.caption credit=\"社\"}\n", ":::\n", "「", "」", "，", "。", "[", "]", "(", ")", "*", "`",
             "<p>", "</p>", "<figure>", "<figcaption>", ".. ", "::", "\x00", "\x1b", "\ufeff", "中文", "行政院"]
SOURCE_TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)), max_size=30).map("".join)
SUFFIXES = st.sampled_from([".md", ".txt", ".html", ".rst"])
PANDOC_PER_EXAMPLE = settings(max_examples=40, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def reads_or_names_the_file(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        read(path)
    except SourceError as err:
        assert err.path == str(path) and str(err).startswith(f"{path}: ")


@given(st.binary(max_size=400), SUFFIXES)
@PANDOC_PER_EXAMPLE
def test_any_bytes_read_or_raise_source_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    reads_or_names_the_file(tmp_path / f"any{suffix}", data)


@given(SOURCE_TEXT, SUFFIXES, st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "gb18030", "big5"]))
@PANDOC_PER_EXAMPLE
def test_any_text_in_an_accepted_encoding_reads_or_raises_source_error(
        tmp_path: Path, text: str, suffix: str, codec: str) -> None:
    data = encode(text, codec) if codec != "big5" else text.encode("big5", errors="ignore")
    reads_or_names_the_file(tmp_path / f"text{suffix}", data)


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    """Python's recursion limit (json, the AST walk) used to escape as RecursionError."""
    for name, text in [("quotes.md", "> " * 1000 + "引述。\n"), ("lists.md", "- " * 600 + "項目。\n"),
                       ("emphasis.html", "<em>" * 3000 + "強調。")]:
        problem = refusal(tmp_path, text.encode("utf-8"), name)
        assert "nested too deeply" in problem


def test_runs_of_brackets_do_not_stall_pandoc(tmp_path: Path) -> None:
    """With pandoc's citations extension, 20 "[" in a row took minutes (jgm/pandoc#1735)."""
    doc = read(write(tmp_path / "brackets.md", ("[" * 40 + "括號。\n").encode("utf-8")))
    assert [b.text for b in doc.blocks] == ["[" * 40 + "括號。"]
