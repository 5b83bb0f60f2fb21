"""XLIFF for CAT tools: one unit per row with states a CAT tool understands, the same bytes
every time, and an edit made in another tool merged back as exactly one correction."""
from __future__ import annotations

import copy
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from translate.storage.xliff import xlifffile

from pipeline import jsonio
from pipeline.checks.english import entities
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.model.aligned import AlignedDocument
from pipeline.model.document import Correction
from pipeline.model.quality import Report
from pipeline.ops.xliff import XLIFF_12, export, merge_into_corrections
from pipeline.stages import corrections
from pipeline.stages.quality import report

from .conftest import SEEDS, Build, make

SLUG = SEEDS[-1].stem  # has photo credits, flagged rows and a one-row title
NS = {"x": XLIFF_12}


def load(out: Path) -> tuple[AlignedDocument, Report]:
    return (jsonio.load(AlignedDocument, out / SLUG / "reviewed.json"),
            jsonio.load(Report, out / SLUG / "quality.json"))


def known(doc: AlignedDocument):
    return entities(glossary.load([], doc.meta.glossary))


@pytest.fixture
def copied(build: Build, tmp_path: Path) -> Build:
    """The built brief and its article in tmp_path, times kept, so make redoes nothing."""
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    shutil.copy2(build.source / f"{SLUG}.md", source)
    shutil.copytree(build.out / SLUG, out / SLUG)
    shutil.copy2(build.out / ".quality", out / ".quality")  # a new stamp would mean re-translating
    return Build(tmp_path, source, out, build.first)


def edited(xliff: bytes, changes: dict[str, dict[str, str]]) -> bytes:
    """The file as another tool would leave it: {unit id: {"source"/"target": text}} changed
    with the standard library's ElementTree, not translate-toolkit."""
    ET.register_namespace("", XLIFF_12)
    root = ET.fromstring(xliff)
    for uid, texts in changes.items():
        unit = root.find(f".//x:trans-unit[@id='{uid}']", NS)
        for tag, text in texts.items():
            unit.find(f"x:{tag}", NS).text = text
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def test_one_unit_per_row_with_states_for_cat_tools(build: Build) -> None:
    doc, _ = load(build.out)
    block = next(b for b in doc.blocks if len(b.rows) >= 2)
    row = next(r for r in block.rows if not r.reasons)
    doc = corrections.apply(doc, [Correction(2, row.original(), "An editor's English.")], known(doc))
    rows = doc.rows()
    assert any(r.reasons and not r.reviewed for r in rows) and sum(r.reviewed for r in rows) == 1

    data = export(doc, report(doc))
    store = xlifffile.parsestring(data)
    assert ET.fromstring(data).get("version") == "1.2" and store.namespace == XLIFF_12
    assert store.getfilenames() == [SLUG]
    assert (store.sourcelanguage, store.targetlanguage) == (doc.meta.language or doc.script, "en")
    assert ET.fromstring(data).find(".//x:header/x:note", NS).text == report(doc).summary()

    units = store.units
    ids = [u.xmlelement.get("id") for u in units]
    assert len(units) == len(rows) and len(set(ids)) == len(ids)
    assert [u.source for u in units] == [r.original() for r in rows]
    assert [u.target for u in units] == [r.en for r in rows]
    assert ids[0] == "b-1-0"  # the page's anchors
    assert {f"b{b}-c" for b, blk in enumerate(doc.blocks) if blk.credit} <= set(ids)

    for unit, r in zip(units, rows):
        target = unit.get_target_dom()
        if r.reviewed:
            assert (target.get("state"), unit.isapproved(), unit.get_state_n()) == \
                ("signed-off", True, unit.S_SIGNED_OFF)
            assert (r.en, unit.getnotes("machine")) == ("An editor's English.", row.en)
        elif r.reasons:
            assert (target.get("state"), unit.isapproved(), unit.get_state_n()) == \
                ("needs-review-translation", False, unit.S_NEEDS_REVIEW)
        else:
            assert (target.get("state"), target.get("state-qualifier"), unit.isapproved(),
                    unit.get_state_n()) == ("translated", "mt-suggestion", False, unit.S_TRANSLATED)
        assert unit.getnotes("checks").splitlines() == r.reasons


def test_export_is_deterministic(build: Build) -> None:
    assert export(*load(build.out)) == export(*load(build.out))


def test_edit_made_in_another_tool_becomes_one_correction(copied: Build, tmp_path: Path) -> None:
    doc, quality = load(copied.out)
    b = next(i for i, blk in enumerate(doc.blocks) if len(blk.rows) >= 3)
    row = doc.blocks[b].rows[1]
    xliff = tmp_path / "edited.xlf"
    xliff.write_bytes(edited(export(doc, quality), {
        f"b{b}-1": {"target": "  The editor's\n   English for this row. "},
        # a unit whose Chinese the brief no longer has: skipped, not written
        f"b{b}-2": {"source": "這句話已經不在文章裡了。", "target": "Gone."},
    }))
    assert xliff.read_bytes() != export(doc, quality)

    summary = merge_into_corrections(xliff, copied.source, copied.out)
    tsv = corrections.path_for(copied.source, SLUG)
    assert summary.startswith("1 row changed") and str(tsv) in summary and "1 not found" in summary
    assert tsv.read_text(encoding="utf-8").splitlines() == \
        ["zh\ten", f"{row.original()}\tThe editor's English for this row."]

    fixed = corrections.apply(copy.deepcopy(doc), corrections.load(tsv), known(doc)).blocks[b].rows[1]
    assert (fixed.original(), fixed.en, fixed.reviewed) == \
        (row.original(), "The editor's English for this row.", True)


def test_a_row_corrected_before_is_corrected_again_in_place(copied: Build, tmp_path: Path) -> None:
    doc, quality = load(copied.out)
    row = doc.blocks[0].rows[0]
    other = "zh-Hans" if doc.script == "zh-Hant" else "zh-Hant"
    written = "".join(t.get(other) for t in row.zh)  # a correction may name it in the other script
    tsv = corrections.path_for(copied.source, SLUG)
    tsv.write_text(f"zh\ten\n這句話早已刪除。\tLong gone.\n{written}\tAn older correction.\n", encoding="utf-8")
    xliff = tmp_path / "edited.xlf"
    xliff.write_bytes(edited(export(doc, quality), {"b0-0": {"target": "A newer correction."}}))
    merge_into_corrections(xliff, copied.source, copied.out)
    assert tsv.read_text(encoding="utf-8").splitlines() == \
        ["zh\ten", "這句話早已刪除。\tLong gone.", f"{written}\tA newer correction."]


def test_unchanged_export_writes_nothing(copied: Build, tmp_path: Path) -> None:
    xliff = tmp_path / "unchanged.xlf"
    xliff.write_bytes(export(*load(copied.out)))
    tsv = corrections.path_for(copied.source, SLUG)
    assert merge_into_corrections(xliff, copied.source, copied.out).startswith("no rows changed")
    assert not tsv.exists()

    tsv.write_text("zh\ten\n這句話早已刪除。\tLong gone.\n", encoding="utf-8")
    before = (tsv.read_bytes(), tsv.stat().st_mtime_ns)
    merge_into_corrections(xliff, copied.source, copied.out)
    assert (tsv.read_bytes(), tsv.stat().st_mtime_ns) == before


@pytest.mark.parametrize("content, problem", [
    (b"<xliff version='1.2'><file original='x'>", "not an XLIFF 1.2 file"),
    (b"<html><body/></html>", "not an XLIFF 1.2 file"),
    (b"", "not an XLIFF 1.2 file"),
])
def test_malformed_file_is_named(copied: Build, tmp_path: Path, content: bytes, problem: str) -> None:
    xliff = tmp_path / "bad.xlf"
    xliff.write_bytes(content)
    with pytest.raises(SourceError) as err:
        merge_into_corrections(xliff, copied.source, copied.out)
    assert str(xliff) in str(err.value) and problem in str(err.value)
    assert not corrections.path_for(copied.source, SLUG).exists()


@pytest.mark.parametrize("slug", ["no-such-brief", "../source"])
def test_unknown_slug_is_named(copied: Build, tmp_path: Path, slug: str) -> None:
    root = ET.fromstring(export(*load(copied.out)))
    root.find("x:file", NS).set("original", slug)
    xliff = tmp_path / "other.xlf"
    xliff.write_bytes(ET.tostring(root, encoding="utf-8"))
    with pytest.raises(SourceError) as err:
        merge_into_corrections(xliff, copied.source, copied.out)
    assert str(xliff) in str(err.value) and f"unknown brief '{slug}'" in str(err.value)


def test_empty_target_conflicting_units_and_unbuilt_brief_are_named(copied: Build, tmp_path: Path) -> None:
    data = export(*load(copied.out))
    xliff = tmp_path / "x.xlf"
    xliff.write_bytes(edited(data, {"b0-0": {"target": " "}}))
    with pytest.raises(SourceError, match=r"unit b0-0: the English \(target\) is empty") as err:
        merge_into_corrections(xliff, copied.source, copied.out)
    assert str(xliff) in str(err.value)

    # Two units for one Chinese: a correction names every row with it, so one English only.
    title = ET.fromstring(data).find(".//x:trans-unit[@id='b-1-0']/x:source", NS).text
    xliff.write_bytes(edited(data, {"b-1-0": {"target": "One."}, "b0-0": {"source": title, "target": "Two."}}))
    with pytest.raises(SourceError, match="units b-1-0 and b0-0 have the same Chinese but different English"):
        merge_into_corrections(xliff, copied.source, copied.out)
    assert not corrections.path_for(copied.source, SLUG).exists()

    xliff.write_bytes(data)
    shutil.rmtree(copied.out / SLUG)
    with pytest.raises(SourceError, match="reviewed.json does not exist") as err:
        merge_into_corrections(xliff, copied.source, copied.out)
    assert str(xliff) in str(err.value)


def test_make_xliff_writes_the_export(copied: Build) -> None:
    result = make(copied.source, copied.out, "xliff")
    assert result.returncode == 0, result.stderr
    ran = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert "xliff" in ran and "translate" not in ran, result.stdout
    xlf = copied.out / SLUG / f"{SLUG}.xlf"
    assert xlf.read_bytes() == export(*load(copied.out))
    assert len(xlifffile.parsestring(xlf.read_bytes()).units) == len(load(copied.out)[0].rows())
