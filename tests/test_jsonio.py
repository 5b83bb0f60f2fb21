"""Stage files: each says which shape of the data model it holds, and is written whole or not at all."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.model.document import Block, Document, Meta

DOC = Document("slug", "source/slug.md", Meta("標題"), [Block("paragraph", "一句。")])


def test_a_stage_file_says_its_schema_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "document.json"
    jsonio.dump(DOC, path)
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == jsonio.SCHEMA
    assert jsonio.load(Document, path) == DOC


def test_a_file_of_another_schema_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "document.json"
    jsonio.dump(DOC, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "schema": jsonio.SCHEMA + 1}), encoding="utf-8")
    with pytest.raises(SourceError, match="schema") as raised:
        jsonio.load(Document, path)
    assert str(path) in str(raised.value)


def test_a_failed_write_leaves_the_last_good_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    jsonio.write_text_atomic(path, "good\n")
    with pytest.raises(RuntimeError), jsonio.replaced(path) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("the stage failed")
    assert path.read_text(encoding="utf-8") == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
