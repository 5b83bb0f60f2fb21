"""An editor's corrections: read strictly, matched by their Chinese, applied after
alignment, rechecked, reported when stale, and built into page, PDFs, index and feed
without translating anything."""
from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest

from pipeline import jsonio
from pipeline.checks.english import entities
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.model.aligned import AlignedDocument
from pipeline.model.document import Correction
from pipeline.model.quality import Report
from pipeline.stages import corrections

from .conftest import SEEDS, Build, logged, make

SLUG = SEEDS[-1].stem


def reviewed(build: Build, slug: str = SLUG) -> AlignedDocument:
    return jsonio.load(AlignedDocument, build.out / slug / "reviewed.json")


def known(doc: AlignedDocument):
    return entities(glossary.load([], doc.meta.glossary))


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def multi_row_block(doc: AlignedDocument):
    return next(b for b in doc.blocks if len(b.rows) >= 3)


# --- the file -----------------------------------------------------------------------------

def test_load_reads_header_and_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "a.corrections.tsv", "zh\ten", "第一句。\tThe first sentence.", "",
                 "第二句，\t The second. ")
    assert corrections.load(path) == [Correction(2, "第一句。", "The first sentence."),
                                      Correction(4, "第二句，", "The second.")]
    assert corrections.load(tmp_path / "missing.corrections.tsv") == []


@pytest.mark.parametrize("lines, problem", [
    (["zh,en", "第一句。\tOne."], "line 1"),
    (["zh\ten", "第一句。\tOne.\textra"], "line 2: expected 2 tab-separated columns"),
    (["zh\ten", "第一句。 One."], "line 2: expected 2"),
    (["zh\ten", "第一句。\tOne.", "第二句。\t "], "line 3: the English is empty"),
    (["zh\ten", "第一句。\tOne.", "第一句。\tAgain."], "line 3: the same Chinese is corrected on line 2"),
])
def test_malformed_file_names_file_and_line(tmp_path: Path, lines: list[str], problem: str) -> None:
    path = write(tmp_path / "x.corrections.tsv", *lines)
    with pytest.raises(SourceError) as err:
        corrections.load(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_merge_replaces_in_place_and_appends() -> None:
    old = [Correction(2, "甲。", "A."), Correction(3, "乙。", "B.")]
    merged = corrections.merge(old, {"乙。": "Bee.", "丙。": "C."})
    assert [(c.zh, c.en) for c in merged] == [("甲。", "A."), ("乙。", "Bee."), ("丙。", "C.")]


def test_dump_then_load_round_trips_and_flattens_tabs(tmp_path: Path) -> None:
    path = tmp_path / "x.corrections.tsv"
    corrections.dump([Correction(0, "甲。", "A\tline\nbreak.")], path)
    assert [(c.zh, c.en) for c in corrections.load(path)] == [("甲。", "A line break.")]


# --- applying them --------------------------------------------------------------------------

def test_correction_replaces_one_row_and_keeps_the_machine_english(build: Build) -> None:
    doc = reviewed(build)
    block = multi_row_block(doc)
    row = block.rows[1]
    before = len(doc.rows())
    out = corrections.apply(copy.deepcopy(doc), [Correction(2, row.original(), "An editor's English.")], known(doc))
    fixed = out.blocks[doc.blocks.index(block)].rows[1]
    assert (fixed.en, fixed.reviewed, fixed.machine) == ("An editor's English.", True, row.en)
    assert out.reviewed() == (1, before) and out.stale == []


def test_correction_may_name_consecutive_rows_in_the_other_script(build: Build) -> None:
    doc = reviewed(build)
    b = doc.blocks.index(multi_row_block(doc))
    rows = doc.blocks[b].rows
    other = "zh-Hans" if doc.script == "zh-Hant" else "zh-Hant"
    zh = "".join(t.get(other) for r in rows[:2] for t in r.zh)
    out = corrections.apply(copy.deepcopy(doc), [Correction(2, zh, "Both clauses, as one row.")], known(doc))
    merged = out.blocks[b].rows
    assert len(merged) == len(rows) - 1
    assert merged[0].zh == rows[0].zh + rows[1].zh and merged[0].en == "Both clauses, as one row."
    assert merged[0].machine == f"{rows[0].en} {rows[1].en}" and merged[1:] == rows[2:]


def test_stale_correction_is_listed_not_applied(build: Build) -> None:
    doc = reviewed(build)
    stale = Correction(5, "這句話從未出現在文章裡。", "Never there.")
    out = corrections.apply(copy.deepcopy(doc), [stale], known(doc))
    assert out.stale == [stale] and out.reviewed()[0] == 0
    assert [r.en for r in out.rows()] == [r.en for r in doc.rows()]


def test_checks_report_on_an_editors_english_without_changing_it(build: Build) -> None:
    doc = reviewed(build)
    row = next(r for r in doc.rows() if any(e.kind in ("date", "day") for e in r.expected))
    wrong = "On 3 March nothing at all happened."
    out = corrections.apply(copy.deepcopy(doc), [Correction(2, row.original(), wrong)], known(doc))
    fixed = next(r for r in out.rows() if r.reviewed)
    assert fixed.en == wrong
    assert any(reason.startswith("number:") for reason in fixed.reasons) and fixed.confidence < 1


# --- through make -------------------------------------------------------------------------

def stages(result: subprocess.CompletedProcess, out: Path) -> set[str]:
    """The stages a make run ran, from the first word of each line of its log (none if
    the run did not get as far as the briefs)."""
    return {line.split()[0] for line in logged(out) if line.strip()} if "built" in result.stdout else set()


def pdf_text(path: Path) -> str:
    return "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())


def test_correction_builds_into_page_pdfs_index_and_feed_without_translating(copied: Build) -> None:
    doc = reviewed(copied)
    row = multi_row_block(doc).rows[0]
    english = "The editor wrote this English for the row."
    tsv = write(copied.source / f"{SLUG}.corrections.tsv", "zh\ten", f"{row.original()}\t{english}",
                "這一句已經從文章中刪除了。\tA sentence since deleted.")
    result = copied.make()
    assert result.returncode == 0, result.stderr
    assert (stages(result, copied.out) >= {"corrections", "html", "pdf"}
            and not stages(result, copied.out) & {"translate", "align"})
    assert f"{tsv}:3: stale" in result.stderr
    page = (copied.out / SLUG / "index.html").read_text(encoding="utf-8")
    total = len(doc.rows())
    assert english in page and f"1 of {total} rows reviewed by an editor" in page
    for script in ("zh-Hant", "zh-Hans"):
        text = pdf_text(copied.out / SLUG / f"{SLUG}.{script}.pdf")
        assert "".join(english.split()) in text and "".join(f"1 of {total} rows reviewed".split()) in text
    report = jsonio.load(Report, copied.out / SLUG / "quality.json")
    assert report.reviewed == 1 and [c.line for c in report.stale_corrections] == [3]
    assert "rows reviewed by an editor" in (copied.out / "index.html").read_text(encoding="utf-8")
    assert 'term="partly-reviewed"' in (copied.out / "feed.xml").read_text(encoding="utf-8")

    # A malformed line: an error naming the file and line, and the last good brief stays.
    write(tsv, "zh\ten", f"{row.original()}\t{english}\tand a third column")
    result = copied.make()
    assert result.returncode != 0 and f"{tsv}: line 2: expected 2 tab-separated columns" in result.stderr
    assert english in (copied.out / SLUG / "index.html").read_text(encoding="utf-8")

    # The file removed: the machine's English is back, and the note says no one checked it.
    tsv.unlink()
    result = copied.make()
    assert result.returncode == 0, result.stderr
    page = (copied.out / SLUG / "index.html").read_text(encoding="utf-8")
    assert english not in page and "Machine translation, not checked by a person" in page
    assert "translate" not in stages(result, copied.out)


def test_a_bad_corrections_file_keeps_no_other_brief_off_the_index(copied: Build) -> None:
    """One brief's corrections unreadable, another's changed in the same run: the other is
    rebuilt and the index and feed say so, and make still exits non-zero."""
    other = next(s.stem for s in SEEDS if s.stem != SLUG)
    row = reviewed(copied, other).rows()[0]
    write(copied.source / f"{SLUG}.corrections.tsv", "zh\ten", "a line without a tab")
    write(copied.source / f"{other}.corrections.tsv", "zh\ten", f"{row.original()}\tAn editor's English.")
    result = copied.make()
    assert result.returncode != 0 and "some briefs failed" in result.stderr
    total = len(reviewed(copied, other).rows())
    index = (copied.out / "index.html").read_text(encoding="utf-8")
    assert f"1 of {total} rows reviewed by an editor" in index
    assert 'term="partly-reviewed"' in (copied.out / "feed.xml").read_text(encoding="utf-8")
    assert f'href="{SLUG}/index.html"' in index, "the failed brief's last good page is still listed"


def test_fully_reviewed_brief_says_so(copied: Build) -> None:
    doc = reviewed(copied)
    lines = {r.original(): r.en for r in doc.rows()}
    write(copied.source / f"{SLUG}.corrections.tsv", "zh\ten", *(f"{zh}\t{en}" for zh, en in lines.items()))
    result = copied.make()
    assert result.returncode == 0, result.stderr
    page = (copied.out / SLUG / "index.html").read_text(encoding="utf-8")
    assert "Reviewed by an editor." in page and "not checked by a person" not in page
    assert 'term="reviewed"' in (copied.out / "feed.xml").read_text(encoding="utf-8")


def test_make_runs_nothing_when_corrections_are_unchanged(copied: Build) -> None:
    write(copied.source / f"{SLUG}.corrections.tsv", "zh\ten")
    assert copied.make().returncode == 0
    assert make(copied.source, copied.out, "-q", "briefs").returncode == 0
