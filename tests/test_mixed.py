"""Text that is not Chinese in a Chinese article: never given to the model."""
from __future__ import annotations

from pathlib import Path

from pipeline.stages.read import read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate import translate
from pipeline.stages.translate.memory import Memory


def test_sentences_without_chinese_are_kept_as_written_not_translated(tmp_path: Path) -> None:
    """English, a URL, markup, a ticker, Korean: the model is never asked (it would invent);
    each comes back as written, attended to its own clause."""
    lines = ["Visit https://investor.example.com/q3 for the full report.", "<script>alert(2)</script>",
             "2330.TW", "2,000", "삼성전자 실적 발표", "mail press@example.org"]
    article = tmp_path / "mixed.md"
    article.write_text("---\ntitle: Market note\n---\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    doc = segment(convert(read(article)))
    result = translate(doc, memory=Memory(tmp_path / "m.sqlite3"))
    assert (result.translated, result.remembered, result.written) == (0, 0, len(lines) + 1)
    assert [u.text for u in result.units.values()][1:] == lines
    assert all(len(u.pieces) == len(u.attention) for u in result.units.values())


# Written for these tests: Chinese news sentences quoting other writing systems.
SPANS = {
    "「日本語を話します」，": "他在記者會上用日語說「日本語を話します」，隨後改用中文回答提問。",
    "「대한민국 만세!」": "首爾市民在廣場高喊「대한민국 만세!」並揮舞國旗。",
    "שלום עליכם，": "以色列總理在致辭中說：שלום עליכם，並表示歡迎各國代表團。",
    "😀": "網友在留言中附上表情😀表示支持這項政策。",
    "「We will not back down.」": "示威者舉著標語「We will not back down.」在市政府前集會。",
}


def test_spans_in_other_writing_systems_are_set_apart_and_kept_as_written(tmp_path: Path) -> None:
    """Japanese, Korean, Hebrew, an emoji and an English slogan inside Chinese sentences:
    each becomes a unit of its own (with its quotes and the mark after it) that the model never reads, kept as
    written in every column and in the English; the Chinese around it is translated."""
    article = tmp_path / "spans.md"
    article.write_text("---\ntitle: 各地民眾集會\n---\n\n" + "\n\n".join(SPANS.values()) + "\n", encoding="utf-8")
    doc = segment(convert(read(article)))
    by_text = {s.clauses[0].original: s for b in doc.blocks for s in b.sentences if len(s.clauses) == 1}
    for span in SPANS:
        sentence = by_text[span]
        assert (sentence.clauses[0].hant, sentence.clauses[0].hans) == (span, span)
    result = translate(doc, memory=Memory(tmp_path / "m.sqlite3"))
    units = {s.id: result.units[s.id] for b in doc.blocks for s in b.sentences}
    for span in SPANS:
        assert units[by_text[span].id].text == span
    chinese = [s for b in doc.blocks for s in b.sentences if s.clauses[0].original not in SPANS]
    assert result.written == len(SPANS)
    assert result.translated == len(chinese) + 1  # and the title
    for sentence in chinese:
        english = units[sentence.id].text
        assert english and not any(ch in english for span in SPANS for ch in span if not ch.isascii())


def test_a_japanese_sentence_is_not_given_to_the_model(tmp_path: Path) -> None:
    article = tmp_path / "ja.md"
    article.write_text("---\ntitle: 東京消息\n---\n\n東京都知事は記者会見で述べた。\n", encoding="utf-8")
    result = translate(segment(convert(read(article))), memory=Memory(tmp_path / "m.sqlite3"))
    assert (result.translated, result.written) == (1, 1)
    assert list(result.units.values())[1].text == "東京都知事は記者会見で述べた。"


def test_one_kana_among_chinese_is_chinese_and_urls_stay_in_their_sentence() -> None:
    from pipeline.stages.segment import units_of
    assert units_of("台灣の味在東京很受歡迎。") == [["台灣の味在東京很受歡迎。"]]
    assert units_of("東京都知事は記者会見で述べた。") == [["東京都知事は記者会見で述べた。"]]  # Japanese as a whole
    assert units_of("詳情請見https://example.com/a?b=1，或致電查詢。") == [
        ["詳情請見https://example.com/a?b=1，", "或致電查詢。"]]
    assert units_of("美國總統Donald Trump表示，iPhone銷量上升。") == [
        ["美國總統Donald Trump表示，", "iPhone銷量上升。"]]
