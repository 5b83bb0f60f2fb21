"""Articles from strangers, probed as an attacker would: no file read, no address fetched,
no command run through an article or its name, nothing larger than any news article built.

(Publish, the translation memory and the editors' input have their own files:
test_hostile_publish.py, test_hostile_memory.py, test_hostile_editors.py.)"""
from __future__ import annotations

import http.server
import os
import threading
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.model.document import CONTROL
from pipeline.sources import TYPES, scan
from pipeline.stages import read as reader
from pipeline.stages.read import pandoc

from .conftest import REPO, SEEDS, Build, make

SECRET = "TOP-SECRET-不可外洩-4711"
CONTROL_REFERENCES = ("<html><head><title>港口&#x1b;[2J消息&#1;</title></head><body>"
                      "<p>當地政府&#0;宣布&#x7f;將在明年&#xFFFE;擴建港口。</p></body></html>")
ARTICLE = "---\ntitle: 港口消息\n---\n\n當地政府宣布將在明年擴建港口。\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A local file no article may publish."""
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def _text(doc) -> str:
    return doc.meta.title + "".join(b.text + b.credit for b in doc.blocks)


def test_rst_include_reads_no_local_file(tmp_path: Path, secret: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`.. include::` (literal or not): the brief is built from the article's own text, and
    the build says what was not read."""
    article = tmp_path / "e.rst"
    article.write_text(f"台北市政府今天宣布。\n\n.. include:: {secret}\n   :literal:\n\n"
                       f".. include:: {secret}\n", encoding="utf-8")
    doc = reader.read(article)
    assert SECRET not in _text(doc) and "台北市政府今天宣布。" in _text(doc)
    assert f"warning: {article}: not read: {secret}" in capsys.readouterr().err


def test_rst_csv_table_file_is_refused_naming_it(tmp_path: Path, secret: Path) -> None:
    """csv-table's :file: cannot be read without the file: the article is refused, saying why."""
    article = tmp_path / "t.rst"
    article.write_text(f"台北市政府今天宣布。\n\n.. csv-table:: 表\n   :file: {secret}\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        reader.read(article)
    assert str(article) in str(err.value) and str(secret) in str(err.value)
    assert SECRET not in str(err.value) and "its own file only" in str(err.value)


class _Listener(http.server.BaseHTTPRequestHandler):
    """An internal address an article must never reach: it counts the requests it gets."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        _Listener.asked.append(self.path)
        body = f"<p>{SECRET}</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> str:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Listener.asked.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("name, text", [
    ("h.html", '<p>台北市政府今天宣布。</p><iframe src="{url}/frame"></iframe><img src="{url}/img.png">'
               '<object data="{url}/object"></object>'),
    ("e.rst", "台北市政府今天宣布。\n\n.. include:: {url}/include\n\n.. image:: {url}/image.png\n"),
    ("m.md", "台北市政府今天宣布。\n\n![圖]({url}/image.png)\n\n<iframe src=\"{url}/raw\"></iframe>\n"),
])
def test_no_reader_fetches_an_address(tmp_path: Path, listener: str, name: str, text: str) -> None:
    """Whatever the format, pandoc reads in its sandbox: the listener is never asked."""
    article = tmp_path / name
    article.write_text(text.format(url=listener), encoding="utf-8")
    doc = reader.read(article)
    assert _Listener.asked == []
    assert SECRET not in _text(doc) and "台北市政府今天宣布。" in _text(doc)


def test_a_file_name_runs_no_command_and_the_other_briefs_build(tmp_path: Path) -> None:
    """The issue's file name, and others Make or the shell would read: named as errors,
    escaped, and the good article beside them built."""
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    hostile = ["c'${IFS}]||{touch,PWNED3};['.md", "$(touch PWNED4).md", "`touch PWNED5`.md",
               'q".md', "-rf.md", "a%b.md", "new\nline.md", "ä\x1b[2Jä.md"]
    for name in hostile:
        (source / name).write_text("台北市政府今天宣布。\n", encoding="utf-8")
    (source / "good.md").write_text(ARTICLE, encoding="utf-8")
    (source / "refs.html").write_text(CONTROL_REFERENCES, encoding="utf-8")
    result = make(source, out, "BASE_URL=./")
    assert result.returncode != 0
    for planted in ("PWNED3", "PWNED4", "PWNED5"):
        assert not any(Path(d, planted).exists() for d in (tmp_path, source, out, REPO))
    for name in hostile:
        assert f"{source}/{ascii(name)}: a file name make cannot build safely" in result.stderr, name
    assert "\x1b" not in result.stderr  # the terminal is not rewritten by a name
    assert (out / "good" / "index.html").is_file()
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["good", "refs"]
    # Control characters made of character references reach neither the page nor the feed,
    # which an XML parser still reads.
    assert not CONTROL.search((out / "refs" / "index.html").read_text(encoding="utf-8"))
    summaries = [e.text for e in ET.parse(out / "feed.xml").getroot().iter("{http://www.w3.org/2005/Atom}summary")]
    assert sorted(summaries) == ["港口[2J消息", "港口消息"]


def test_character_references_make_no_control_characters(tmp_path: Path) -> None:
    article = tmp_path / "refs.html"
    article.write_text(CONTROL_REFERENCES, encoding="utf-8")
    doc = reader.read(article)
    assert (doc.meta.title, _text(doc)) == ("港口[2J消息", "港口[2J消息當地政府宣布將在明年擴建港口。")


def test_links_and_special_files_in_the_source_folder_are_named(tmp_path: Path, secret: Path) -> None:
    """A symbolic link could publish any file of the machine; a FIFO would stall the
    reader: each named, neither read. Chinese file names are safe and built."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "leak.txt").symlink_to(secret)
    os.mkfifo(source / "pipe.md")
    (source / "台北新聞.md").write_text(ARTICLE, encoding="utf-8")
    articles, problems = scan(source)
    assert articles == ["台北新聞.md"]
    assert problems == [f"error: {source}/leak.txt: a symbolic link, not read (an article is read from a file "
                        "in the source folder itself: copy it in)",
                        f"error: {source}/pipe.md: not a regular file, not read"]


def test_the_source_list_reads_what_the_reader_reads() -> None:
    """sources.TYPES (standard library only, run before the venv exists) and read.FORMATS agree."""
    assert {f".{t}" for t in TYPES} == set(pandoc.FORMATS)


def test_a_text_larger_than_any_article_is_refused_before_reading(tmp_path: Path) -> None:
    article = tmp_path / "huge.md"
    article.write_bytes("台北市政府今天宣布。\n".encode() * (pandoc.MAX_TEXT_BYTES // 31 + 1))
    with pytest.raises(SourceError) as err:
        reader.read(article)
    assert f"{article}: 10.0 MB of text, larger than any news article: at most 10 MB are read" == str(err.value)


def test_an_article_longer_than_any_news_article_is_refused(tmp_path: Path) -> None:
    """Under the byte limit, over the character limit (a book, not an article): refused
    with the count, before any later stage spends minutes and gigabytes on it."""
    article = tmp_path / "long.md"
    article.write_text("台北市政府今天宣布新的交通政策。\n\n" * (reader.MAX_CHARACTERS // 16 + 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        reader.read(article)
    assert "characters of text, more than any news article" in str(err.value)
    short = tmp_path / "short.md"
    short.write_text("台北市政府今天宣布新的交通政策。\n\n" * 500, encoding="utf-8")  # 8,000 characters
    assert len(reader.read(short).blocks) == 500


def _docx(path: Path, document_xml: bytes) -> None:
    """A DOCX of one paragraph part, compressed as Word does (deflate)."""
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             b'wordprocessingml.document.main+xml"/></Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml", types)
        docx.writestr("_rels/.rels", rels)
        docx.writestr("word/document.xml", document_xml)


def _paragraphs(count: int) -> bytes:
    paragraph = "<w:p><w:r><w:t>台北市政府今天宣布新的交通政策。</w:t></w:r></w:p>".encode()
    return (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
            b'2006/main"><w:body>' + paragraph * count + b"</w:body></w:document>")


def test_a_docx_that_unzips_to_more_than_any_article_is_refused(tmp_path: Path) -> None:
    """A small file whose XML unzips to 30 MB: refused by what its zip declares, unread."""
    bomb = tmp_path / "bomb.docx"
    _docx(bomb, _paragraphs(30_000_000 // 81))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(SourceError) as err:
        reader.read(bomb)
    assert f"{bomb}: its XML unzips to 30 MB, larger than any news article" in str(err.value)


def test_pandocs_memory_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a zip declares, pandoc's heap is capped: with a cap of 30 MB, a DOCX of
    20,000 paragraphs (2 MB of XML) is refused naming the file, not read to the end."""
    monkeypatch.setattr(pandoc, "PANDOC_HEAP_MB", 30)
    article = tmp_path / "heavy.docx"
    _docx(article, _paragraphs(20_000))
    with pytest.raises(SourceError) as err:
        reader.read(article)
    assert f"{article}: pandoc needed more than 30 MB of memory" in str(err.value)
    monkeypatch.undo()
    _docx(article, _paragraphs(20))
    assert len(reader.read(article).blocks) == 20


def test_a_scheduled_publish_names_an_unsafe_file_and_publishes_the_rest(copied: Build, tmp_path: Path) -> None:
    """make publish runs the same Makefile from cron: the name runs nothing, its status
    lines name it, and every other brief is published."""
    name = "c'${IFS}]||{touch,PWNED6};['.md"
    (copied.source / name).write_text("台北市政府今天宣布。\n", encoding="utf-8")
    dest = tmp_path / "www"
    result = copied.make("publish", f"DEST={dest}", "BASE_URL=https://briefs.example.org/")
    assert result.returncode != 0
    assert not any(Path(d, "PWNED6").exists() for d in (tmp_path, copied.root, copied.source, copied.out, REPO))
    assert f"FAILED     {copied.source}/{ascii(name)}: a file name make cannot build safely" in result.stderr
    assert all((dest / s.stem / "index.html").is_file() for s in SEEDS)


def test_a_glossary_with_a_control_character_is_refused_naming_the_entry(tmp_path: Path) -> None:
    """source/glossary.tsv comes from the newsroom's files too: its English reaches the
    model's input and every brief."""
    from pipeline.lang.glossary import read_tsv
    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("zh\ten\tkind\n台北\tTaipei\tplace\n高雄\tKaoh\x1b[2Jsiung\tplace\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_tsv(glossary)
    assert str(err.value) == f"{glossary}: glossary entry 2 holds the control character U+001B"
