"""The editors' side of issue 25: a second `make review` told at once that the port is
taken; the review page's English as readers see it; a stale correction named with the
row it most likely meant; one log line a save."""
from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from pipeline import jsonio
from pipeline.cli import main
from pipeline.lang.typography import MONTH_DAY, house_style
from pipeline.model.aligned import AlignedDocument
from pipeline.ops.review import HOST, TOKEN_HEADER, create_app
from pipeline.ops.runner import rendering_pool
from pipeline.stages import corrections
from pipeline.stages.render import brief_date_order

from .conftest import MALFORMED, Build, make
from .test_review import MAKE_ARGS, NEW_ENGLISH, OTHER, client, one_brief  # noqa: F401 — a fixture

# us-russia-peace-plan-pressure: the model writes "November 20", the brief is set day first.
SLUG = OTHER


def test_a_second_make_review_names_the_port_before_building(tmp_path: Path) -> None:
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    (source / "malformed.md").write_text(MALFORMED, encoding="utf-8")  # any build would log it
    with socket.socket() as taken:  # the first make review
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = make(source, out, "review", f"REVIEW_PORT={port}")
    assert result.returncode != 0
    said = re.search(rf"error: make review: port {port} on 127\.0\.0\.1 is in use \(another make review\?\): "
                     r"stop it, or choose another with REVIEW_PORT=(\d+)\n", result.stderr)
    assert said, result.stderr
    with socket.socket() as free:
        free.bind((HOST, int(said[1])))  # the port proposed is free
    assert not (out / "build.log").exists() and not (out / "malformed" / "document.json").exists()


@pytest.fixture
def brief(build: Build, tmp_path: Path) -> tuple[Path, Path]:
    """SLUG copied from the session build (test_review's `client` serves it)."""
    return one_brief(build, tmp_path, SLUG)


def field(page: str, zh: str) -> str:
    """The text of the row's English field on the review page, as the HTML writes it."""
    return re.search(rf'data-zh="{re.escape(str(escape(zh)))}">([^<]*)</textarea>', page)[1]


def test_the_review_page_shows_the_english_as_published(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    """The field holds the house style (20 November, curly quotes), as the page and PDFs
    show it; approving it as shown keeps the model's English in the approvals file."""
    source, out = brief
    doc = jsonio.load(AlignedDocument, out / SLUG / "reviewed.json")
    order = brief_date_order(doc)
    row = next(r for r in doc.rows() if MONTH_DAY.search(r.en) and house_style(r.en, order) != r.en)
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    shown = field(page, row.original())
    assert shown == escape(house_style(row.en, order)) != escape(row.en)
    assert shown in (out / SLUG / "index.html").read_text(encoding="utf-8")  # what readers see
    secret = re.search(r'<meta name="review-token" content="([^"]+)">', page)[1]
    answer = client.post(f"/{SLUG}/approve", json={row.original(): house_style(row.en, order)},
                         headers={TOKEN_HEADER: secret})
    assert answer.status_code == 200, answer.json
    assert [(a.zh, a.en) for a in corrections.load(corrections.approvals_for(source, SLUG))] == \
        [(row.original(), row.en)]


def typo(doc: AlignedDocument) -> tuple[str, str]:
    """A row's Chinese with the day mistyped (克里姆林宮20日表示， for 21日), and the row."""
    meant = next(r.original() for r in doc.rows() if "21日" in r.original())
    return meant.replace("21日", "20日"), meant


def test_the_stage_names_the_row_a_stale_correction_likely_meant(build: Build, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    wrong, meant = typo(jsonio.load(AlignedDocument, build.out / SLUG / "reviewed.json"))
    tsv = tmp_path / f"{SLUG}.corrections.tsv"
    tsv.write_text(f"zh\ten\n{wrong}\tThe Kremlin said on the 21st,\n"
                   "這句話從未出現在文章裡。\tNever there.\n", encoding="utf-8")
    assert main(["corrections", str(build.out / SLUG / "aligned.json"), str(tmp_path / "reviewed.json"),
                 "--corrections", str(tsv)]) == 0
    first, second = capsys.readouterr().err.splitlines()
    stale = "stale, not applied: its Chinese is not in the article"
    assert re.fullmatch(rf"warning: {re.escape(str(tsv))}:2: {stale} \({re.escape(wrong[:30])}…?\); "
                        rf"did you mean 「{re.escape(meant)}」 \(\d\d % alike\)\?", first), first
    assert second == f"warning: {tsv}:3: {stale} (這句話從未出現在文章裡。)"  # like no row: no guess


def test_the_review_page_lists_a_stale_correction_with_the_row_it_meant(client: FlaskClient,
                                                                        brief: tuple[Path, Path]) -> None:
    source, out = brief
    wrong, meant = typo(jsonio.load(AlignedDocument, out / SLUG / "reviewed.json"))
    tsv = corrections.path_for(source, SLUG)
    tsv.write_text(f"zh\ten\n{wrong}\tThe Kremlin said on the 21st,\n", encoding="utf-8")
    result = make(source, out)
    assert result.returncode == 0 and f"did you mean 「{meant}」" in result.stderr, result.stderr
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    assert f"<code>{tsv}</code>" in page
    assert re.search(rf'<li>line 2: <span lang="[^"]+">{re.escape(wrong)}</span>; did you mean '
                     rf'<span lang="[^"]+" class="near">{re.escape(meant)}</span> \(\d\d % alike\)\?</li>', page), page


def saving(client: FlaskClient, out: Path) -> dict:
    """The answer to a save of the brief's first paragraph row, with NEW_ENGLISH."""
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    secret = re.search(r'<meta name="review-token" content="([^"]+)">', page)[1]
    row = jsonio.load(AlignedDocument, out / SLUG / "reviewed.json").blocks[0].rows[0]
    answer = client.post(f"/{SLUG}/corrections", json={row.original(): NEW_ENGLISH}, headers={TOKEN_HEADER: secret})
    assert answer.status_code == 200, answer.json
    return answer.json


def test_a_save_is_one_line_on_the_terminal(client: FlaskClient, brief: tuple[Path, Path],
                                            capsys: pytest.CaptureFixture) -> None:
    """The brief's page and PDFs planned at once: one line for the brief in what the page
    gets, and one line for the save on the server's terminal."""
    _, out = brief
    log = saving(client, out)["log"]
    assert log.count(f"built  {SLUG}") == 1, log
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and re.fullmatch(rf" +saved  {SLUG}: 1 row → {SLUG}\.corrections\.tsv, brief rebuilt "
                                              r"\(\d+\.\d s\)", printed[0]), printed


def test_a_save_lays_out_the_pdfs_in_the_rendering_workers(brief: tuple[Path, Path]) -> None:
    source, out = brief
    pool = rendering_pool(2)  # as make review forks it, before any thread
    try:
        saving(create_app(source, out, MAKE_ARGS, pool=pool).test_client(), out)
    finally:
        pool.close()
        pool.join()
    for script in ["zh-Hant", "zh-Hans"]:
        text = subprocess.run(["pdftotext", str(out / SLUG / f"{SLUG}.{script}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        # Word by word: pdftotext may interleave the lines of the Chinese and English cells.
        assert all(word in text.split() for word in NEW_ENGLISH.split()), (script, text)
