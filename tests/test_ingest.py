"""Reading: the seeds in source/ say exactly what ../shared/seeds says."""
import re
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.stages.read import read

from .conftest import SEEDS, SHARED_SEEDS


def raw_paragraphs(path: Path) -> list[str]:
    """The raw dump's paragraphs without the dump's own markup (date line, list numbers)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines[0] = re.sub(r"^date \d{4}-\d{2}-\d{2} ", "", lines[0])
    return [re.sub(r"^\d+\. ", "", line) for line in lines]


@pytest.mark.parametrize("source", SEEDS, ids=lambda p: p.stem)
def test_every_seed_sentence_arrives_unaltered(source: Path) -> None:
    doc = read(source)
    raw = SHARED_SEEDS / doc_seed_name(source)
    if not raw.is_file():
        pytest.skip(f"{raw} not available")
    blocks = [b.text + b.credit for b in doc.blocks]
    # item 28 of the draft carries the editor's credit, which the Markdown sets apart
    joined_raw = "".join(raw_paragraphs(raw))
    assert "".join(blocks) == joined_raw
    assert all(b.text.strip() == b.text and b.text for b in doc.blocks)


def doc_seed_name(source: Path) -> str:
    return re.search(r"^seed: (\S+)$", source.read_text(encoding="utf-8"), re.M).group(1)


def test_structure_of_the_28_point_draft() -> None:
    doc = read(next(p for p in SEEDS if p.stem == "28-point-plan-draft"))
    numbered = [b for b in doc.blocks if b.kind == "list_item" and b.level == 0]
    assert [b.label for b in numbered] == [f"{i}." for i in range(1, 29)]
    sub_items = [b for b in doc.blocks if b.kind == "list_item" and b.level == 1]
    assert len(sub_items) == 26 and all(b.label == "" for b in sub_items)
    ten = doc.blocks.index(numbered[9])
    assert [b.level for b in doc.blocks[ten + 1: ten + 5]] == [1, 1, 1, 1]


def test_structure_of_the_pressure_article() -> None:
    doc = read(next(p for p in SEEDS if p.stem == "us-russia-peace-plan-pressure"))
    assert doc.meta.date == "2025-11-21" and doc.meta.language == "zh-Hant-TW"
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["計畫核心：烏克蘭割地、裁軍、永不得加入北約", "歐盟「歐洲的計畫只有兩點」：削俄助烏",
                        "俄羅斯的要求清楚列出、烏克蘭的卻模糊帶過？"]
    captions = [(b.credit, b.text[:6]) for b in doc.blocks if b.kind == "caption"]
    assert captions == [("美聯社", "烏克蘭總統澤"), ("路透社", "兩名俄國軍人")]


def test_other_formats_read_into_the_same_model(tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    html.write_text("<html><head><title>標題</title></head><body><h2>小標</h2><p>第一段。</p>"
                    "<blockquote><p>引述的話。</p></blockquote><ol><li>一</li><li>二</li></ol>"
                    "<figure><img src='x.jpg' alt='圖'><figcaption>圖說文字。</figcaption></figure>"
                    "</body></html>", encoding="utf-8")
    doc = read(html)
    assert doc.meta.title == "標題"
    assert [(b.kind, b.text, b.label) for b in doc.blocks] == [
        ("heading", "小標", ""), ("paragraph", "第一段。", ""), ("quote", "引述的話。", ""),
        ("list_item", "一", "1."), ("list_item", "二", "2."), ("caption", "圖說文字。", "")]
    text = tmp_path / "b.txt"
    text.write_text("第一段，\n換行仍是同一段。\n\n第二段。\n", encoding="utf-8")
    doc = read(text)
    assert [b.text for b in doc.blocks] == ["第一段，換行仍是同一段。", "第二段。"]
    assert doc.meta.title == "第一段，換行仍是同一段。"


def test_docx_through_pandoc(tmp_path: Path) -> None:
    import pypandoc
    md = tmp_path / "a.md"
    md.write_text("---\ntitle: 文件標題\n---\n\n## 小標\n\n內文一句。\n", encoding="utf-8")
    docx = tmp_path / "a.docx"
    pypandoc.convert_file(str(md), "docx", outputfile=str(docx))
    doc = read(docx)
    assert doc.meta.title == "文件標題"
    assert [(b.kind, b.text) for b in doc.blocks] == [("heading", "小標"), ("paragraph", "內文一句。")]


@pytest.mark.parametrize("name, content, problem", [
    ("bad.md", "---\ntitle: [x\n---\n\n文字。\n", "YAML"),
    ("latin1.txt", "caf\xe9".encode("latin-1"), "not UTF-8"),
    ("empty.md", "---\ntitle: 空\n---\n", "no article text"),
    ("date.md", "---\ndate: yesterday\n---\n\n文字。\n", "not a YYYY-MM-DD"),
    ("lang.md", "---\nlanguage: fr\n---\n\n文字。\n", "not Chinese"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
])
def test_bad_input_names_file_and_problem(tmp_path: Path, name: str, content, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(SourceError) as err:
        read(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_credit_url_and_author_from_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "credited.md"
    path.write_text("---\ntitle: 標題\ncredit: 中央社\nurl: https://example.org/news/1\n"
                    "author: 王小明\n---\n\n正文在這裡。\n", encoding="utf-8")
    meta = read(path).meta
    assert (meta.credit, meta.url, meta.author) == ("中央社", "https://example.org/news/1", "王小明")


def test_url_that_is_not_a_web_address_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad-url.md"
    path.write_text("---\ntitle: 標題\nurl: javascript:alert(1)\n---\n\n正文在這裡。\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad-url\.md: url must be an http"):
        read(path)


def test_pandoc_that_does_not_finish_is_an_error_naming_the_file(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A build never waits on pandoc forever: past its time limit, the file is refused."""
    from pipeline.stages.read import pandoc
    article = tmp_path / "slow.md"
    article.write_text("一段文字。\n", encoding="utf-8")
    monkeypatch.setattr(pandoc, "PANDOC_SECONDS", 0.001)
    with pytest.raises(SourceError) as err:
        read(article)
    assert str(article) in str(err.value) and "did not finish reading it" in str(err.value)


def test_pandoc_errors_name_the_file_and_pandocs_reason(tmp_path: Path) -> None:
    article = tmp_path / "bad.md"
    article.write_text("---\ntitle: [沒有結束\n---\n\n文字。\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(article)
    assert str(article) in str(err.value) and "pandoc could not read it" in str(err.value)
    assert "YAML" in str(err.value)
