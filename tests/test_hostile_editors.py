"""Editors' input from strangers: the corrections file, a save to the review server and an
XLIFF import each refuse what no edit is (a row longer than any paragraph, a body larger
than a whole brief's edits, a character the file, page or feed cannot carry, markup or an
entity in a CAT tool's file, a file of another brief), naming the line, row or unit; a row
corrected in both scripts is one row, whatever Python's hash seed.

The review tests use test_review's copy of one brief; the XLIFF tests test_xliff's.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.model.aligned import AlignedDocument, Row
from pipeline.model.document import Correction
from pipeline.model.quality import Report
from pipeline.ops.review import MAX_BODY, TOKEN_HEADER
from pipeline.ops.xliff import export, merge_into_corrections
from pipeline.stages import corrections

from .conftest import REPO, Build
from .test_review import SLUG as REVIEWED, brief, client, first_row, token  # noqa: F401 — fixtures
from .test_xliff import SLUG, copied, edited, load  # noqa: F401 — a fixture

# What no row may hold, each as the error names it.
REFUSED = {"\x00": "U+0000", "\x1b": "U+001B", "\x0c": "U+000C", "\x7f": "U+007F", "\x85": "U+0085",
           "\u2028": "U+2028", "\ufffe": "U+FFFE"}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(path: Path, problem: str) -> None:
    """Loading `path` fails with an error naming it and `problem`."""
    with pytest.raises(SourceError) as err:
        corrections.load(path)
    assert str(err.value).startswith(f"{path}: ") and problem in str(err.value), str(err.value)


def both_scripts(row: Row) -> tuple[str, str]:
    """A row's Chinese in Traditional and in Simplified."""
    return "".join(t.hant for t in row.zh), "".join(t.hans for t in row.zh)


# --- the corrections file ---------------------------------------------------------------------

def test_a_row_longer_than_any_paragraph_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.corrections.tsv"
    write(path, "zh\ten", "第一句。\tOne.", f"第二句。\t{'a' * corrections.MAX_ROW}")
    assert len(corrections.load(path)) == 2
    write(path, "zh\ten", "第一句。\tOne.", f"第二句。\t{'a' * (corrections.MAX_ROW + 1)}")
    refused(path, f"line 3: the English is {corrections.MAX_ROW + 1} characters long, "
                  f"more than a row may be ({corrections.MAX_ROW})")


@pytest.mark.parametrize("char, code", REFUSED.items())
def test_a_control_character_is_refused_naming_the_line(tmp_path: Path, char: str, code: str) -> None:
    path = tmp_path / "x.corrections.tsv"
    # Lines are counted as a text editor counts them: U+2028 or a form feed starts no line.
    write(path, "zh\ten", f"第一句。\tOne{char} two.", "第二句。\tTwo.")
    refused(path, f"line 2: the English holds {code} at character 4")
    write(path, "zh\ten", "第一句。\tOne.", f"第二{char}句。\tTwo.")
    refused(path, f"line 3: the Chinese holds {code} at character 3")


def test_only_rows_of_text_pass() -> None:
    for text in ["A\tB", "A\nB", "A\ud800B", "A\uffffB"]:  # a lone surrogate cannot be in a UTF-8 file
        assert "holds U+" in corrections.refusal(text, "English"), text
    assert corrections.refusal("Taipei’s 3\u00a0km “ring” — 中文 ✓", "English") == ""


def test_the_same_row_in_the_other_script_is_a_duplicate(build: Build, tmp_path: Path) -> None:
    row = next(r for r in jsonio.load(AlignedDocument, build.out / SLUG / "reviewed.json").rows()
               if len(set(both_scripts(r))) == 2)
    hant, hans = both_scripts(row)
    path = write(tmp_path / "x.corrections.tsv", "zh\ten", f"{hant}\tTraditional.", f"{hans}\tSimplified.")
    refused(path, "line 3: the same Chinese is corrected on line 2, in the other script")
    write(path, "zh\ten", f"{hans}\tSimplified.", "別的句子。\tOther.", f"{hant}\tTraditional.")
    refused(path, "line 4: the same Chinese is corrected on line 2, in the other script")


def test_merge_replaces_a_correction_written_in_the_other_script() -> None:
    old = [Correction(2, "甲。", "A."), Correction(3, "後來他說。", "Then he said.")]
    merged = corrections.merge(old, {"后来他说。": "Later he said.", "丙。": "C."})
    assert [(c.zh, c.en) for c in merged] == \
        [("甲。", "A."), ("後來他說。", "Later he said."), ("丙。", "C.")]


APPLY = """
import sys
from pipeline import jsonio
from pipeline.checks.english import entities
from pipeline.lang import glossary
from pipeline.model.aligned import AlignedDocument
from pipeline.model.document import Correction
from pipeline.stages import corrections
doc = jsonio.load(AlignedDocument, sys.argv[1])
known = entities(glossary.load([], doc.meta.glossary))
fixes = [Correction(n, "".join(getattr(t, form) for t in row.zh), form)
         for n, row in enumerate(doc.rows()) for form in ("hant", "hans")]
print(" ".join(row.en for row in corrections.apply(doc, fixes, known).rows()))
"""


def test_apply_is_the_same_whatever_the_hash_seed(build: Build) -> None:
    """Every row corrected twice, once in each script (as a file could hold before load
    refused it): each process applies the same correction to each row."""
    reviewed = build.out / SLUG / "reviewed.json"
    applied = {subprocess.run([sys.executable, "-c", APPLY, str(reviewed)], cwd=REPO, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}, capture_output=True,
                              text=True).stdout for seed in range(4)}
    assert len(applied) == 1 and {"hant", "hans"} <= set(applied.pop().split())


# --- the review server ------------------------------------------------------------------------

def post(client: FlaskClient, body: str | bytes | dict, slug: str = REVIEWED):
    headers = {TOKEN_HEADER: token(client)}
    if isinstance(body, dict):
        return client.post(f"/{slug}/corrections", json=body, headers=headers)
    return client.post(f"/{slug}/corrections", data=body, headers=headers, content_type="application/json")


def test_a_body_larger_than_a_whole_briefs_edits_is_413(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, _ = brief
    answer = post(client, {"這句不在文章裡。": "a" * MAX_BODY})
    assert answer.status_code == 413 and answer.json == {
        "ok": False, "error": f"not saved: the request is larger than {MAX_BODY} bytes, "
                              "more than the edits of a whole brief"}
    assert not corrections.path_for(source, REVIEWED).exists()


def test_a_row_longer_than_any_paragraph_is_400_naming_it(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    zh = first_row(out)
    answer = post(client, {zh: "a" * (corrections.MAX_ROW + 1)})
    assert answer.status_code == 400
    assert answer.json["error"].startswith(f"not saved: the row 「{zh[:20]}")
    assert answer.json["error"].endswith(f": the English is {corrections.MAX_ROW + 1} characters long, "
                                         f"more than a row may be ({corrections.MAX_ROW})")
    assert not corrections.path_for(source, REVIEWED).exists()


@pytest.mark.parametrize("english, code", [
    *((f"A{char}B", code) for char, code in REFUSED.items()),
    ("A\ud800B", "U+D800"),  # a lone surrogate: JSON can send one, UTF-8 cannot write it
])
def test_a_control_character_is_400_naming_the_row(client: FlaskClient, brief: tuple[Path, Path],
                                                  english: str, code: str) -> None:
    source, out = brief
    zh = first_row(out)
    answer = post(client, json.dumps({zh: english}))
    assert answer.status_code == 400
    assert answer.json["error"].startswith(f"not saved: the row 「{zh[:20]}")
    assert f": the English holds {code} at character 2 (" in answer.json["error"]
    assert not corrections.path_for(source, REVIEWED).exists()


def test_a_body_no_save_is_400(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    zh = first_row(out)
    assert post(client, "[" * 100_000 + "]" * 100_000).status_code == 400  # past Python's recursion limit
    answer = post(client, {zh: "One.", f" {zh}": "Two."})  # one row named twice
    assert answer.status_code == 400 and answer.json["error"].endswith(" is edited twice")
    assert not corrections.path_for(source, REVIEWED).exists()


def test_a_save_for_a_deleted_article_writes_nothing(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    (source / f"{REVIEWED}.md").unlink()
    answer = post(client, {first_row(out): "An editor's English."})
    assert answer.status_code == 409 and answer.json["error"] == (f"not saved: the article {source.resolve()}/"
                                                                  f"{REVIEWED}.* no longer exists (deleted or "
                                                                  "renamed since the build)")
    assert not corrections.path_for(source, REVIEWED).exists()


def test_a_save_replaces_a_correction_in_the_other_script(client: FlaskClient, brief: tuple[Path, Path]) -> None:
    source, out = brief
    doc = jsonio.load(AlignedDocument, out / REVIEWED / "reviewed.json")
    row = next(r for r in doc.rows() if len(set(both_scripts(r))) == 2)
    other = both_scripts(row)[doc.script == "zh-Hant"]
    tsv = write(corrections.path_for(source, REVIEWED), "zh\ten", f"{other}\tAn older correction.")
    answer = post(client, {row.original(): "A newer\ncorrection."})  # a line break typed in the textarea
    assert answer.status_code == 200, answer.json
    assert tsv.read_text(encoding="utf-8").splitlines() == ["zh\ten", f"{other}\tA newer correction."]
    rebuilt = jsonio.load(AlignedDocument, out / REVIEWED / "reviewed.json")
    assert [r.en for r in rebuilt.rows() if r.reviewed] == ["A newer correction."]


# --- XLIFF ------------------------------------------------------------------------------------

def exported(out: Path, target: str, doctype: str = "") -> bytes:
    """The brief's export with unit b0-0's target written as `target` (raw XML) and a DOCTYPE."""
    data = edited(export(*load(out)), {"b0-0": {"target": "TARGET-HERE"}})
    declaration, _, rest = data.partition(b"?>")
    return declaration + b"?>\n" + doctype.encode() + rest.replace(b"TARGET-HERE", target.encode())


def imported(copied: Build, xliff: Path, data: bytes, problem: str) -> None:
    """Importing `data` fails with an error naming the file and `problem`, writing nothing."""
    xliff.write_bytes(data)
    with pytest.raises(SourceError) as err:
        merge_into_corrections(xliff, copied.source, copied.out)
    assert str(err.value) == f"{xliff}: {problem}"
    assert not corrections.path_for(copied.source, SLUG).exists()


@pytest.mark.parametrize("doctype, entity", [
    ('<!DOCTYPE xliff [<!ENTITY ext SYSTEM "file:///etc/hostname">]>\n', "&ext;"),  # external
    ('<!DOCTYPE xliff SYSTEM "http://example.invalid/xliff.dtd">\n', "&undefined;"),  # defined nowhere here
])
def test_an_entity_not_read_is_an_error_naming_the_unit(copied: Build, tmp_path: Path, doctype: str,
                                                       entity: str) -> None:
    imported(copied, tmp_path / "x.xlf", exported(copied.out, f"The {entity} editor's English.", doctype),
             f"unit b0-0: the English (target) holds the entity reference {entity}, which is not read")


@pytest.mark.parametrize("target, element", [
    ('The <bpt id="1">&lt;b&gt;</bpt>bold<ept id="1">&lt;/b&gt;</ept> English.', "bpt"),
    ('The <ph id="1">{0}</ph> English.', "ph"),
    ('The <g id="1">wrapped</g> English.', "g"),
    ('The <mrk mtype="term">marked</mrk> English.', "mrk"),
    ('The <x id="1"/> English.', "x"),
])
def test_markup_in_a_target_is_an_error_naming_the_unit(copied: Build, tmp_path: Path, target: str,
                                                       element: str) -> None:
    imported(copied, tmp_path / "x.xlf", exported(copied.out, target),
             f"unit b0-0: the English (target) holds markup, <{element}>: a row is plain text "
             "(remove the tags in the CAT tool)")


def test_a_refused_row_is_an_error_naming_the_unit(copied: Build, tmp_path: Path) -> None:
    xliff = tmp_path / "x.xlf"
    imported(copied, xliff, exported(copied.out, "One&#x85;two."),
             "unit b0-0: the English holds U+0085 at character 4 (a control character, tab, line break "
             "or non-character)")
    imported(copied, xliff, exported(copied.out, "a" * (corrections.MAX_ROW + 1)),
             f"unit b0-0: the English is {corrections.MAX_ROW + 1} characters long, more than a row may be "
             f"({corrections.MAX_ROW})")
    xliff.write_bytes(exported(copied.out, "A CAT tool's\n\twrapped   English."))  # wrapping is not refused
    assert merge_into_corrections(xliff, copied.source, copied.out).startswith("1 row changed")


def test_another_briefs_file_is_an_error(build: Build, copied: Build, tmp_path: Path) -> None:
    other = next(p.parent.name for p in sorted(build.out.glob("*/reviewed.json")) if p.parent.name != SLUG)
    doc = jsonio.load(AlignedDocument, build.out / other / "reviewed.json")
    doc.slug = SLUG  # as if its <file original> were changed to this brief's
    data = export(doc, jsonio.load(Report, build.out / other / "quality.json"))
    imported(copied, tmp_path / "x.xlf", data, f"no unit's Chinese is a row of the brief '{SLUG}': the file "
                                              "does not belong to that brief (its <file original> names it)")
