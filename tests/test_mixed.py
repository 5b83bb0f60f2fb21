"""Text that is not Chinese in a Chinese article: never given to the model."""
from __future__ import annotations

from pathlib import Path

from pipeline.memory import Memory
from pipeline.read import read
from pipeline.scripts import convert
from pipeline.segment import segment
from pipeline.translate import translate


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
