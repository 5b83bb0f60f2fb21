"""The project's termbase (termbase.py) and what corrections teach (suggest.py): a term is
written into source/glossary.tsv in one rename, replacing the entry for the same Chinese in
either script, every other line kept, and refused like any editor's input; terms are
proposed from corrections that keep replacing the same English for the same word; a
correction is suggested for a row much like the one it corrected. The review server's term
requests are refused, writing nothing, unless the page sent them.

The add-a-term-and-rebuild-every-brief path runs in the browser, in test_review.py.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.model.aligned import AlignedDocument, Row
from pipeline.model.scripts import Texts
from pipeline.ops import termbase
from pipeline.ops.review import MAX_BODY, TOKEN_HEADER
from pipeline.ops.suggest import SIMILAR, Fix, fixes, proposals, similar

from .conftest import Build
from .test_review import SLUG, brief, client, token  # noqa: F401 — fixtures

HAND = ["# Our terms.", "zh\ten\tkind\tnote", "美聯社|美联社\tAP\torg\tkept by hand", "路透社\tReuters\torg\t", "",
        "北約|NATO組織\tNATO\torg\t", "# the end"]


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> dict[str, str]:
    """Each Chinese form (Simplified) → its English, as a build reads the file."""
    return {zh: term.en for zh, term in glossary.load([path]).terms.items()}


# --- the glossary file ------------------------------------------------------------------------

def test_a_term_replaces_the_same_chinese_in_either_script_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "glossary.tsv", *HAND)
    termbase.add(path, "美联社", "Apex Newswire", "org", "added on the review page")
    termbase.add(path, "北約", "the Alliance", "org")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "# Our terms.", "zh\ten\tkind\tnote", "路透社\tReuters\torg\t", "", "NATO組織\tNATO\torg\t", "# the end",
        "美联社\tApex Newswire\torg\tadded on the review page", "北約\tthe Alliance\torg\t"]
    termbase.add(path, "美聯社", "Apex", "person")  # again, in the other script: replaced, not added
    assert [(e.zh, e.en, e.kind) for e in termbase.entries(path)] == [
        ("路透社", "Reuters", "org"), ("NATO組織", "NATO", "org"), ("北約", "the Alliance", "org"),
        ("美聯社", "Apex", "person")]
    assert {k: v for k, v in read(path).items() if k in ("美联社", "北约", "路透社")} == \
        {"美联社": "Apex", "北约": "the Alliance", "路透社": "Reuters"}


def test_a_missing_glossary_is_made_and_any_english_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    termbase.add(path, "美聯社", 'The "Wire", AP|Apex', "org")  # quotes, and a form the checks also accept
    assert read(path)["美联社"] == 'The "Wire", AP'
    assert glossary.load([path]).terms["美联社"].accepted == ['The "Wire", AP', "Apex"]
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_a_term_is_removed_with_all_its_forms(tmp_path: Path) -> None:
    path = write(tmp_path / "glossary.tsv", *HAND)
    termbase.remove(path, "美聯社|美联社")
    termbase.remove(path, "北约")  # named in the other script: the entry keeps its other form
    assert path.read_text(encoding="utf-8").splitlines() == \
        ["# Our terms.", "zh\ten\tkind\tnote", "路透社\tReuters\torg\t", "", "NATO組織\tNATO\torg\t", "# the end"]
    before = path.read_bytes()
    with pytest.raises(SourceError, match="no entry lists 美聯社"):
        termbase.remove(path, "美聯社")
    assert path.read_bytes() == before


@pytest.mark.parametrize("zh, en, kind, problem", [
    ("美", "America", "place", "at least two characters"),
    ("美聯社|路透社", "AP", "org", "one term"),
    ("美聯 社", "AP", "org", "no spaces"),
    ("AP", "AP", "org", "in Chinese"),
    ("美聯社", "|", "org", "the English is empty"),
    ("美聯社", "AP", "name", "the kind must be one of person, place, org, country, region, term"),
    ("美聯社", "A\x1bP", "org", "the English holds U+001B"),
    ("美聯\u2028社", "AP", "org", "the Chinese holds U+2028"),
    ("美聯社", "a" * 5001, "org", "the English is 5001 characters long"),
])
def test_what_no_term_is_refused(zh: str, en: str, kind: str, problem: str) -> None:
    assert problem in termbase.refusal(zh, en, kind)


def test_a_glossary_a_build_cannot_read_is_left_alone(tmp_path: Path) -> None:
    for lines, problem in [(["zh\ten\tkind", "美聯社\tA\x1bP\torg"], "glossary entry 1 holds the control character"),
                           (["zh\ten", "美聯社\tAP"], "the header line names no kind column")]:
        path = write(tmp_path / "glossary.tsv", *lines)
        with pytest.raises(SourceError, match=problem):
            termbase.add(path, "路透社", "Reuters", "org")
        assert path.read_text(encoding="utf-8").splitlines() == lines


# --- what corrections teach -------------------------------------------------------------------

def fix(zh: str, machine: str, en: str, slug: str = "a") -> Fix:
    return Fix(slug, zh, glossary.entry(zh, "-", "term")[0].zh, machine, en)


AP_ROWS = [fix("美聯社20日取得和平計畫草案", "The Associated Press obtained the draft on the 20th.",
               "Apex obtained the draft on the 20th."),
           fix("以下為美聯社曝光的和平計畫草案", "Below is the draft the Associated Press revealed.",
               "Below is the draft Apex revealed.", "b")]


def test_a_word_corrected_the_same_way_in_two_rows_is_proposed() -> None:
    terms = glossary.load([])
    # The rows share 美聯社 and 和平計畫草案: the glossary writes 美聯社 "Associated Press", the English replaced.
    [proposal] = proposals(AP_ROWS, terms)
    assert (proposal.zh, proposal.en, proposal.replaced, proposal.kind) == \
        ("美聯社", "Apex", "the associated press", "org")
    assert [r.slug for r in proposal.rows] == ["a", "b"]
    # One word shared, no glossary needed; a lower-case English is a term.
    rows = [fix("他們談到停火協議", "They talked about the truce.", "They talked about the ceasefire."),
            fix("停火今天生效", "The truce takes effect today.", "The ceasefire takes effect today.")]
    assert [(p.zh, p.en, p.replaced, p.kind) for p in proposals(rows, terms)] == \
        [("停火", "ceasefire", "truce", "term")]


def test_nothing_unsure_is_proposed() -> None:
    terms = glossary.load([])
    assert proposals(AP_ROWS[:1], terms) == []  # one row
    assert proposals([AP_ROWS[0], AP_ROWS[0]], terms) == []  # the same row twice
    ambiguous = [fix("和平計畫草案由美國提出", "The plan was drafted by Washington.",
                     "The plan was drafted by the US."),
                 fix("美國提出的和平計畫草案", "Washington's plan draft.", "the US's plan draft.")]
    assert proposals(ambiguous, terms) == []  # 和平計畫草案 or 美國: no telling
    quoted = [fix("他說「俄羅斯與北約展開對話解決安全問題」", "He said Russia and NATO talk.",
                  "He said Russia and the Alliance talk."),
              fix("「俄羅斯與北約展開對話解決安全問題」是目標", "Russia and NATO talk: the aim.",
                  "Russia and the Alliance talk: the aim.")]
    assert proposals(quoted, terms) == []  # they share a phrase, and 北約 is only in it
    kept = [fix("美聯社20日報導", "The Associated Press reported.", "The Associated Press and Apex reported."),
            fix("據美聯社消息", "According to the Associated Press.", "According to the Associated Press and Apex.")]
    assert proposals(kept, terms) == []  # nothing replaced: the model's English is still there
    known = [fix("美聯社20日報導", "The AP wire reported.", "The Associated Press reported."),
             fix("據美聯社消息", "According to the AP wire.", "According to the Associated Press.")]
    assert proposals(known, terms) == []  # the glossary already writes it so


def row(zh: str, en: str = "The model's English.", reviewed: bool = False) -> Row:
    return Row([Texts(zh, zh, glossary.entry(zh, "-", "term")[0].zh)], en, reviewed=reviewed)


def test_a_row_much_like_a_corrected_one_gets_its_correction() -> None:
    corrected = fix("俄羅斯與北約展開對話，解決安全問題", "Russia and NATO talk.", "Russia and NATO open a dialogue.")
    rows = [row("俄羅斯與北約展開對話，解決安全疑慮"),          # one character of 16 differs: 94 %
            row("俄羅斯與北約展開對話，解決安全疑慮", reviewed=True),  # reviewed already
            row("烏克蘭將獲得安全保障"),                     # unlike
            row("展開對話")]                                # too short to tell
    found = similar(rows, [corrected])
    assert list(found) == ["俄羅斯與北約展開對話，解決安全疑慮"]
    assert found["俄羅斯與北約展開對話，解決安全疑慮"].fix is corrected
    assert found["俄羅斯與北約展開對話，解決安全疑慮"].alike >= SIMILAR


def corrected_copy(build: Build, out: Path) -> AlignedDocument:
    """The brief in `out` with its rows holding 美聯社 corrected (AP → Apex) and a row made
    much like the first of them, as reviewed.json would carry them."""
    shutil.copytree(build.out / SLUG, out / SLUG, dirs_exist_ok=True)
    doc = jsonio.load(AlignedDocument, out / SLUG / "reviewed.json")
    ap = [r for r in doc.rows() if "美聯社" in r.original()]
    for r in ap:
        r.reviewed, r.machine, r.en = True, "As the Associated Press reported.", "As Apex reported."
    like = next(r for r in doc.rows() if not r.reviewed and len(r.zh) == 1)
    like.zh = [Texts(ap[0].zh[0].original + "。", ap[0].zh[0].hant + "。", ap[0].zh[0].hans + "。")]
    jsonio.dump(doc, out / SLUG / "reviewed.json")
    return doc


def test_fixes_are_the_rows_editors_rewrote(build: Build, tmp_path: Path) -> None:
    doc = corrected_copy(build, tmp_path)
    assert [(f.slug, f.zh, f.en) for f in fixes(tmp_path, [SLUG])] == \
        [(SLUG, r.original(), "As Apex reported.") for r in doc.rows() if r.reviewed]


def test_the_page_proposes_the_term_and_suggests_the_correction(client: FlaskClient,
                                                               brief: tuple[Path, Path], build: Build) -> None:
    _, out = brief
    doc = corrected_copy(build, out)
    page = client.get(f"/{SLUG}").get_data(as_text=True)
    proposed = r'<li data-zh="美聯社" data-en="Apex">.*?美聯社</span>: “the associated press” → “Apex”.*?class="accept"'
    assert re.search(proposed, page, re.S)
    like = next(r for r in doc.rows() if r.original().endswith("。") and not r.reviewed)
    suggestion = page.split(f'data-zh="{like.original()}"')[1].split("</tr>")[0]
    assert 'class="use" data-en="As Apex reported."' in suggestion


# --- the review server's term requests ---------------------------------------------------------

def test_a_term_request_needs_the_token_this_origin_and_a_term(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, _ = brief
    secret = token(client)
    term = {"zh": "美聯社", "en": "Apex", "kind": "org"}
    for url in ["/terms", "/terms/remove"]:
        assert client.post(url, json=term).status_code == 403
        assert client.post(url, json=term, headers={TOKEN_HEADER: secret, "Origin": "http://evil.example"}
                           ).status_code == 403
    for body in [[], {}, {"zh": "美聯社", "en": "Apex"}, {**term, "note": "x"}, {**term, "en": 5},
                 {**term, "zh": "美"}, {**term, "kind": "name"}, {**term, "en": "A\x1bP"}]:
        answer = client.post("/terms", json=body, headers={TOKEN_HEADER: secret})
        assert answer.status_code == 400 and answer.json["error"].startswith("not saved: "), body
    for body in [{}, {"zh": 5}, {"zh": "美\x00"}]:
        assert client.post("/terms/remove", json=body, headers={TOKEN_HEADER: secret}).status_code == 400, body
    answer = client.post("/terms", json={**term, "en": "a" * MAX_BODY}, headers={TOKEN_HEADER: secret})
    assert answer.status_code == 413
    answer = client.post("/terms/remove", json={"zh": "美聯社"}, headers={TOKEN_HEADER: secret})
    assert answer.status_code == 409 and "no entry lists 美聯社" in answer.json["error"]
    assert not termbase.path_for(source).exists()
