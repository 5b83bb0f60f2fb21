"""make review: the review server through Flask's test client, then end to end in Debian's
chromium: edit a row, save, find the new English in the rebuilt page and PDFs; approve a
row, add a term on one brief and find the other rebuilt with it, the approval kept.

Each test works on a copy of the session build's briefs (their source and build folders,
file times kept), so a save rebuilds only what it changes: a correction translates
nothing, a term only the sentences that hold it.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from pipeline import jsonio
from pipeline.model.aligned import AlignedDocument
from pipeline.model.segments import SegmentedDocument
from pipeline.ops import termbase
from pipeline.ops.review import HOST, TOKEN_HEADER, create_app
from pipeline.stages import corrections

from .conftest import Build, chromium, logged

SLUG = "28-point-plan-draft"
OTHER = "us-russia-peace-plan-pressure"  # the other seed: 美聯社 is in both
TERM = "美聯社", "Apex Newswire"
MAKE_ARGS = ["SCRIPTS=zh-Hant zh-Hans", "QUALITY=default"]  # as the Makefile's review target passes them
# No ligature-prone letter pairs (fi, fl, ff): pdftotext must give the words back as typed.
NEW_ENGLISH = "Our editors rewrote this row by hand on a quiet Tuesday morning."


def one_brief(build: Build, tmp_path: Path, slug: str) -> tuple[Path, Path]:
    """(source folder, build folder) holding the brief `slug` copied from the session build."""
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    shutil.copy2(build.source / f"{slug}.md", source)
    shutil.copytree(build.out / slug, out / slug)
    shutil.copy2(build.out / ".quality", out)  # without it make records the quality anew and re-translates
    return source, out


@pytest.fixture
def brief(build: Build, tmp_path: Path) -> tuple[Path, Path]:
    return one_brief(build, tmp_path, SLUG)


@pytest.fixture
def client(brief: tuple[Path, Path]) -> FlaskClient:
    return create_app(*brief, MAKE_ARGS).test_client()


def token(client: FlaskClient) -> str:
    """The token the review page hands to its script."""
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    return re.search(r'<meta name="review-token" content="([^"]+)">', page).group(1)


def first_row(out: Path) -> str:
    """The Chinese of the brief's first paragraph row, as written."""
    return jsonio.load(AlignedDocument, out / SLUG / "reviewed.json").blocks[0].rows[0].original()


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_save_needs_the_token_and_this_origin(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    url, edit, secret = f"/{SLUG}/corrections", {first_row(out): NEW_ENGLISH}, token(client)
    assert client.post(url, json=edit).status_code == 403
    assert client.post(url, json=edit, headers={TOKEN_HEADER: secret[:-1]}).status_code == 403
    for origin in ["http://evil.example", "http://127.0.0.1:1", "null"]:
        assert client.post(url, json=edit, headers={TOKEN_HEADER: secret, "Origin": origin}).status_code == 403
    # A DNS name rebound to 127.0.0.1 would make another site same-origin: its Host is refused.
    assert client.get(f"/{SLUG}", headers={"Host": "evil.example"}).status_code == 400
    assert client.post(url, json=edit, headers={TOKEN_HEADER: secret, "Host": "evil.example",
                                                "Origin": "http://evil.example"}).status_code == 400
    assert client.get(f"/{SLUG}").headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert not corrections.path_for(source, SLUG).exists()


def test_save_accepts_only_rows_of_a_built_brief(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    headers = {TOKEN_HEADER: token(client)}
    zh = first_row(out)
    for slug in ["no-such-brief", "..", "%2E%2E"]:
        assert client.post(f"/{slug}/corrections", json={zh: NEW_ENGLISH}, headers=headers).status_code == 404
        assert client.get(f"/{slug}").status_code == 404
    for body in [[zh, NEW_ENGLISH], {}, {zh: ""}, {zh: "  "}, {zh: 5}, {"這句不在文章裡。": NEW_ENGLISH}]:
        assert client.post(f"/{SLUG}/corrections", json=body, headers=headers).status_code == 400, body
    assert client.post(f"/{SLUG}/corrections", data="{not json", headers=headers,
                       content_type="application/json").status_code == 400
    assert not corrections.path_for(source, SLUG).exists()


def test_a_failed_rebuild_is_reported_and_the_correction_kept(brief: tuple[Path, Path]) -> None:
    source, out = brief
    client = create_app(source, out, ["NO_SUCH_TARGET"]).test_client()
    answer = client.post(f"/{SLUG}/corrections", json={first_row(out): NEW_ENGLISH},
                         headers={TOKEN_HEADER: token(client)})
    assert answer.status_code == 500
    assert "rebuild failed" in answer.json["error"] and "NO_SUCH_TARGET" in answer.json["log"]
    assert [(c.zh, c.en) for c in corrections.load(corrections.path_for(source, SLUG))] == \
        [(first_row(out), NEW_ENGLISH)]


def test_lists_and_serves_the_built_briefs(client: FlaskClient) -> None:
    listing = client.get("/").get_data(as_text=True)
    assert f'href="/{SLUG}"' in listing and "rows to check" in listing
    review = client.get(f"/{SLUG}").get_data(as_text=True)
    assert "Rows to check first" in review and review.count("<textarea") > 50
    assert client.get(f"/{SLUG}/page").get_data(as_text=True).startswith("<!DOCTYPE html>")
    pdf = client.get(f"/{SLUG}/{SLUG}.zh-Hant.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for outside in ["reviewed.json", "..%2F.quality.pdf", "missing.pdf"]:
        assert client.get(f"/{SLUG}/{outside}").status_code == 404


def test_source_text_is_shown_escaped(build: Build) -> None:
    client = create_app(build.source, build.out, []).test_client()  # read only: nothing is posted
    for url in ["/", "/injection"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page, url
    assert 'data-zh="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in page


@contextlib.contextmanager
def serving(source: Path, out: Path) -> Iterator[str]:
    """The review server for these folders, on loopback, in a thread; its base URL."""
    httpd = make_server(HOST, 0, create_app(source, out, MAKE_ARGS), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(brief: tuple[Path, Path]) -> Iterator[str]:
    with serving(*brief) as url:
        yield url


def saved(driver) -> None:
    """Wait for the page's save to end; it must have succeeded."""
    status = driver.find_element(By.ID, "status")
    WebDriverWait(driver, 300).until(lambda _: status.get_attribute("data-state") in ("saved", "error"))
    assert status.get_attribute("data-state") == "saved", \
        f"{status.text}\n{driver.find_element(By.ID, 'log').get_attribute('textContent')}"


def test_edit_save_and_find_it_in_the_rebuilt_brief(brief: tuple[Path, Path], server: str) -> None:
    source, out = brief
    driver = chromium()
    try:
        driver.get(f"{server}/{SLUG}")
        to_check = driver.find_elements(By.CSS_SELECTOR, "#rows-to-check > li > a")
        assert to_check, "the rows to check are listed at the top"
        row = to_check[0].get_attribute("href").split("#")[1]
        to_check[0].click()
        field = driver.find_element(By.CSS_SELECTOR, f"tr#{row} textarea")
        zh = field.get_attribute("data-zh")
        field.clear()
        field.send_keys(NEW_ENGLISH)
        driver.find_element(By.ID, "save").click()
        saved(driver)
        doc = jsonio.load(AlignedDocument, out / SLUG / "reviewed.json")
        note = f"1 of {len(doc.rows())} rows reviewed by an editor"
        assert driver.find_element(By.ID, "note").text == note
        driver.get(f"{server}/{SLUG}/page")
        assert NEW_ENGLISH in driver.page_source
    finally:
        driver.quit()

    assert [(c.zh, c.en) for c in corrections.load(corrections.path_for(source, SLUG))] == [(zh, NEW_ENGLISH)]
    assert doc.reviewed()[0] == 1
    page = (out / SLUG / "index.html").read_text(encoding="utf-8")
    assert NEW_ENGLISH in page and note in page
    assert note in (out / "index.html").read_text(encoding="utf-8")  # the site's index, rewritten
    for script in ["zh-Hant", "zh-Hans"]:
        text = subprocess.run(["pdftotext", str(out / SLUG / f"{SLUG}.{script}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert squeezed(NEW_ENGLISH) in squeezed(text) and squeezed(note) in squeezed(text), script


# Selects the first occurrence of arguments[0] in the Chinese of the rows, as an editor's mouse would.
SELECT = """
const cell = [...document.querySelectorAll("td.zh")].find((td) => td.textContent.includes(arguments[0]));
const text = [...cell.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.data.includes(arguments[0]));
const range = document.createRange();
range.setStart(text, text.data.indexOf(arguments[0]));
range.setEnd(text, text.data.indexOf(arguments[0]) + arguments[0].length);
getSelection().removeAllRanges();
getSelection().addRange(range);
"""
# After a glossary change the page loads again: done when the term is listed, or the save failed.
GLOSSARY_SAVED = """
const state = document.getElementById("status").dataset.state;
if (state === "error") return "error";
const terms = document.getElementById("terms");
return terms && terms.textContent.includes(arguments[0]) ? "saved" : "";
"""


def test_approve_a_row_and_add_a_term_that_rebuilds_every_brief(copied: Build,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor approves a row of one brief as it is, then selects 美聯社 in another of its
    rows and makes it a term: the other brief is rebuilt with the term's English (its
    sentences that hold it translated anew, the rest from the memory), and the approved
    row, whose English did not change, is still reviewed after the rebuild."""
    monkeypatch.setenv("BRIEFS_MEMORY", str(copied.root / "translation-memory.sqlite3"))
    zh, en = TERM
    doc = jsonio.load(AlignedDocument, copied.out / SLUG / "reviewed.json")
    approved = next(r for r in doc.blocks[0].rows if zh not in r.original())
    with serving(copied.source, copied.out) as url:
        driver = chromium()
        try:
            driver.get(f"{url}/{SLUG}")
            row = driver.find_element(By.XPATH, f"//textarea[@data-zh={approved.original()!r}]/ancestor::tr")
            assert "reviewed" not in row.get_attribute("class")
            row.find_element(By.CSS_SELECTOR, "button.approve").click()
            saved(driver)
            assert "reviewed" in row.get_attribute("class")
            assert driver.find_element(By.ID, "note").text == f"1 of {len(doc.rows())} rows reviewed by an editor"

            driver.execute_script(SELECT, zh)
            form = driver.find_element(By.ID, "term")
            WebDriverWait(driver, 5).until(lambda _: form.find_element(By.NAME, "zh").get_attribute("value") == zh)
            form.find_element(By.NAME, "en").send_keys(en)
            Select(form.find_element(By.CSS_SELECTOR, "select.kind")).select_by_visible_text("org")
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            state = WebDriverWait(driver, 600).until(lambda d: d.execute_script(GLOSSARY_SAVED, zh))
            assert state == "saved", driver.find_element(By.ID, "log").get_attribute("textContent")
            row = driver.find_element(By.XPATH, f"//textarea[@data-zh={approved.original()!r}]/ancestor::tr")
            assert "reviewed" in row.get_attribute("class")  # the approval survived the rebuild
            driver.get(f"{url}/{OTHER}/page")
            assert en in driver.page_source
        finally:
            driver.quit()

    assert [(e.zh, e.en, e.kind) for e in termbase.entries(termbase.path_for(copied.source))] == [(zh, en, "org")]
    assert [(a.zh, a.en) for a in corrections.load(corrections.approvals_for(copied.source, SLUG))] == \
        [(approved.original(), approved.en)]
    log = logged(copied.out)  # the term's rebuild
    for slug in (SLUG, OTHER):
        rows = jsonio.load(AlignedDocument, copied.out / slug / "reviewed.json").rows()
        with_term = [r for r in rows if zh in r.original()]
        assert with_term and all(en in r.en for r in with_term), (slug, [r.en for r in with_term])
        # Only the sentences that hold the term are translated again.
        sentences = jsonio.load(SegmentedDocument, copied.out / slug / "segments.json").all_sentences()
        holding = sum("美联社" in s.hans for s in sentences)
        assert any(f"/{slug}/segments.json: {len(sentences)} sentences: {holding} translated, "
                   f"{len(sentences) - holding} from memory" in line for line in log), log
    rebuilt = jsonio.load(AlignedDocument, copied.out / SLUG / "reviewed.json")
    assert [r.en for r in rebuilt.rows() if r.reviewed] == [approved.en]
