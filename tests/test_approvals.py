"""Approvals: an editor marks a row right as the model wrote it (the review page's Approve,
or a unit signed off unchanged in a CAT tool). The row counts as reviewed, its English
untouched, while the model's English is still the one approved; once it changes, the
approval is stale: named in the build log and on the review page, not applied.

The approve-then-rebuild path runs in the browser, in test_review.py.
"""
from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from pipeline import jsonio
from pipeline.cli import main
from pipeline.model.aligned import AlignedDocument
from pipeline.model.document import Correction
from pipeline.ops.review import TOKEN_HEADER
from pipeline.ops.xliff import XLIFF_12, export, merge_into_corrections
from pipeline.stages import corrections

from .conftest import Build, logged
from .test_review import SLUG as REVIEWED, brief, client, token  # noqa: F401 — fixtures
from .test_xliff import NS, SLUG, copied, known, load  # noqa: F401 — a fixture


def brief_doc(build: Build) -> AlignedDocument:
    return jsonio.load(AlignedDocument, build.out / SLUG / "reviewed.json")


def test_an_approval_holds_while_the_model_writes_the_english_approved(build: Build) -> None:
    doc = brief_doc(build)
    first, second, third = (b.rows[0] for b in doc.blocks[:3])
    other_script = "".join(t.hans if doc.script == "zh-Hant" else t.hant for t in second.zh)
    approvals = [Correction(2, first.original(), first.en),
                 Correction(3, other_script, f"  {second.en} "),  # either script, wrapping aside
                 Correction(4, third.original(), "An English the model no longer writes."),
                 Correction(5, "這句話已經不在文章裡了。", "Gone.")]
    approved = copy.deepcopy(doc)
    assert [a.line for a in corrections.approve(approved, approvals)] == [4, 5]
    rows = {r.original(): r for r in approved.rows()}
    assert [(rows[r.original()].reviewed, rows[r.original()].en, rows[r.original()].machine)
            for r in (first, second, third)] == [(True, first.en, first.en), (True, second.en, second.en),
                                                 (False, third.en, "")]
    assert approved.reviewed()[0] == 2


def test_a_corrected_row_stays_corrected(build: Build) -> None:
    doc = brief_doc(build)
    row = doc.blocks[0].rows[0]
    fixed = corrections.apply(copy.deepcopy(doc), [Correction(2, row.original(), "The editor's English.")],
                              known(doc))
    assert corrections.approve(fixed, [Correction(2, row.original(), row.en)]) == []  # the model's, still
    assert [(r.en, r.machine) for r in fixed.rows() if r.reviewed] == [("The editor's English.", row.en)]


def test_the_stage_names_a_stale_approval(build: Build, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    doc = brief_doc(build)
    row = doc.blocks[0].rows[0]
    tsv = tmp_path / f"{SLUG}.approved.tsv"
    tsv.write_text(f"zh\ten\n{row.original()}\t{row.en}\n{doc.blocks[1].rows[0].original()}\tOld English.\n",
                   encoding="utf-8")
    out = tmp_path / "reviewed.json"
    assert main(["corrections", str(build.out / SLUG / "aligned.json"), str(out), "--approved", str(tsv)]) == 0
    said = capsys.readouterr()
    assert f"1 approvals applied, 1 stale; 1 of {len(doc.rows())} rows reviewed" in said.out
    assert said.err.startswith(f"warning: {tsv}:3: stale approval, not applied: the row's Chinese is gone or "
                               "the model's English for it changed since it was approved (")
    assert [r.original() for r in jsonio.load(AlignedDocument, out).rows() if r.reviewed] == [row.original()]


def test_a_unit_signed_off_unchanged_approves_its_row(copied: Build, tmp_path: Path) -> None:
    doc, quality = load(copied.out)
    ET.register_namespace("", XLIFF_12)
    root = ET.fromstring(export(doc, quality))
    units = root.findall(".//x:trans-unit", NS)
    signed, tagged, edited = units[1], units[2], units[3]
    signed.set("approved", "yes")  # as translate-toolkit and this export mark a unit approved
    signed.find("x:target", NS).set("state", "signed-off")
    tagged.find("x:target", NS).set("state", "final")  # as some tools mark it, with no approved attribute
    edited.set("approved", "yes")
    edited.find("x:target", NS).text = "An editor's English."  # changed: a correction, not an approval
    xliff = tmp_path / "signed.xlf"
    xliff.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    summary = merge_into_corrections(xliff, copied.source, copied.out)
    approvals = corrections.approvals_for(copied.source, SLUG)
    assert summary.startswith("1 row changed") and f"2 rows approved as the model wrote them → {approvals}" in summary
    rows = {r.original(): r for r in doc.rows()}
    assert [(a.zh, a.en) for a in corrections.load(approvals)] == \
        [(u.find("x:source", NS).text, rows[u.find("x:source", NS).text].en) for u in (signed, tagged)]
    assert [c.en for c in corrections.load(corrections.path_for(copied.source, SLUG))] == ["An editor's English."]


def test_an_unchanged_export_approves_nothing(copied: Build, tmp_path: Path) -> None:
    """Reviewed rows are exported signed off: they are reviewed already, not approved again."""
    doc, quality = load(copied.out)
    row = doc.blocks[0].rows[0]
    fixed = corrections.apply(copy.deepcopy(doc), [Correction(2, row.original(), "The editor's English.")],
                              known(doc))
    xliff = tmp_path / "unchanged.xlf"
    xliff.write_bytes(export(fixed, quality))
    jsonio.dump(fixed, copied.out / SLUG / "reviewed.json")
    assert merge_into_corrections(xliff, copied.source, copied.out).startswith("no rows changed")
    assert not corrections.approvals_for(copied.source, SLUG).exists()


def test_make_applies_an_approval_until_its_file_is_deleted(copied: Build) -> None:
    doc, _ = load(copied.out)
    row = doc.blocks[0].rows[0]
    tsv = corrections.approvals_for(copied.source, SLUG)
    tsv.write_text(f"zh\ten\n{row.original()}\t{row.en}\n", encoding="utf-8")
    result = copied.make()
    assert result.returncode == 0, result.stderr
    ran = {line.split()[0] for line in logged(copied.out) if line.strip()}
    assert ran == {"corrections", "quality", "html", "pdf", "site"}, ran  # nothing translated
    page = (copied.out / SLUG / "index.html").read_text(encoding="utf-8")
    assert f"1 of {len(doc.rows())} rows reviewed by an editor" in page
    tsv.unlink()  # the brief's stamp says so: rebuilt without it
    assert copied.make().returncode == 0
    assert load(copied.out)[0].reviewed()[0] == 0


# --- the review server ------------------------------------------------------------------------

def test_only_a_row_not_reviewed_with_the_english_shown_is_approved(client: FlaskClient,
                                                                   brief: tuple[Path, Path]) -> None:
    source, out = brief
    url, secret = f"/{REVIEWED}/approve", token(client)
    doc = jsonio.load(AlignedDocument, out / REVIEWED / "reviewed.json")
    row, done = doc.blocks[0].rows[0], doc.blocks[1].rows[0]
    assert client.post(url, json={row.original(): row.en}).status_code == 403
    assert client.post(url, json={row.original(): row.en},
                       headers={TOKEN_HEADER: secret, "Origin": "http://evil.example"}).status_code == 403
    for body in [[row.original()], {}, {row.original(): ""}, {"這句不在文章裡。": row.en}]:
        assert client.post(url, json=body, headers={TOKEN_HEADER: secret}).status_code == 400, body
    answer = client.post(url, json={row.original(): "English the page never showed."}, headers={TOKEN_HEADER: secret})
    assert answer.status_code == 409 and "reload the page" in answer.json["error"]
    done.reviewed, done.machine = True, done.en  # as an approval the build applied leaves it
    jsonio.dump(doc, out / REVIEWED / "reviewed.json")
    answer = client.post(url, json={done.original(): done.en}, headers={TOKEN_HEADER: secret})
    assert answer.status_code == 400 and answer.json["error"].endswith("is reviewed by an editor already")
    assert not corrections.approvals_for(source, REVIEWED).exists()


def test_the_page_lists_a_stale_approval(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    row = jsonio.load(AlignedDocument, out / REVIEWED / "reviewed.json").blocks[0].rows[0]
    corrections.approvals_for(source, REVIEWED).write_text(
        f"zh\ten\n{row.original()}\tAn English the model no longer writes.\n", encoding="utf-8")
    page = client.get(f"/{REVIEWED}").get_data(as_text=True)
    assert f'<ul class="reasons" id="unapproved"><li>line 2: {row.original()}</li></ul>' in page
    corrections.approvals_for(source, REVIEWED).write_text("no header\n", encoding="utf-8")
    page = client.get(f"/{REVIEWED}").get_data(as_text=True)  # the page still shows, naming the file
    assert "approved.tsv: line 1: the header must be the two columns zh&lt;TAB&gt;en" in page
