"""The translation memory: a rebuild translates only what changed, with the real model;
a corrupt or locked store costs time, never the build."""
from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.lang import glossary
from pipeline.model.segments import SegmentedDocument
from pipeline.stages.translate import memory_key, translate
from pipeline.stages.translate.engine import QUALITIES
from pipeline.stages.translate.inputs import Attempts
from pipeline.stages.translate.memory import Memory

from .conftest import SEEDS, Build, logged, make


def small(doc: SegmentedDocument, blocks: int = 4) -> SegmentedDocument:
    """The first few blocks of an article: enough sentences, a short model run."""
    out = copy.deepcopy(doc)
    out.blocks = out.blocks[:blocks]
    return out


def as_json(units: dict) -> str:
    return json.dumps({k: dataclasses.asdict(u) for k, u in units.items()}, ensure_ascii=False)


def test_put_get_and_clear(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "m.sqlite3")
    memory.put({"a": {"en": "One."}, "b": {"en": "Two."}})
    assert memory.get(["a", "c"]) == {"a": {"en": "One."}}
    assert Memory(tmp_path / "m.sqlite3").size() == 2, "it persists"
    assert memory.clear() == 2 and memory.get(["a"]) == {}


def test_corrupt_store_is_rebuilt_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "m.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    memory = Memory(path)
    warning = capsys.readouterr().err
    assert "unreadable" in warning and str(path) in warning
    memory.put({"a": {"en": "One."}})
    assert memory.get(["a"]) == {"a": {"en": "One."}}


def test_a_store_that_cannot_be_made_is_skipped_with_a_warning(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way of the folder")
    memory = Memory(blocker / "m.sqlite3")
    assert "cannot be made" in capsys.readouterr().err
    memory.put({"a": {"en": "One."}})
    assert memory.get(["a"]) == {} and memory.size() == 0


def test_locked_store_is_skipped_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "m.sqlite3"
    Memory(path).put({"a": {"en": "One."}})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another build writing, and not letting go
    try:
        memory = Memory(path, timeout=0.2)
        assert memory.get(["a"]) == {"a": {"en": "One."}}, "in WAL mode readers do not wait"
        memory.put({"b": {"en": "Two."}})
        assert "locked" in capsys.readouterr().err
        assert memory.get(["a"]) == {}, "the rest of this run goes without the memory"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Memory(path).get(["a"]) == {"a": {"en": "One."}}, "the store itself is kept"


def test_key_follows_input_decoding_and_glossary(segmented: dict[str, SegmentedDocument]) -> None:
    doc = segmented[SEEDS[0].stem]
    terms = glossary.load([], doc.meta.glossary)
    sentence = next(s for s in doc.all_sentences() if terms.find(s.hans))
    attempt = Attempts(sentence, terms, doc.meta.date)
    key = memory_key(attempt, QUALITIES["default"])
    assert key == memory_key(Attempts(copy.deepcopy(sentence), terms, doc.meta.date), QUALITIES["default"])
    assert key != memory_key(attempt, QUALITIES["fast"])
    term = terms.find(sentence.hans)[0][2]
    changed = dataclasses.replace(terms, terms={**terms.terms, term.zh: dataclasses.replace(term, en="Other")})
    assert key != memory_key(Attempts(sentence, changed, doc.meta.date), QUALITIES["default"])
    other = copy.deepcopy(sentence)
    other.clauses[0].hans += "了"
    assert key != memory_key(Attempts(other, terms, doc.meta.date), QUALITIES["default"])


def test_only_changed_sentences_are_translated(segmented: dict[str, SegmentedDocument], tmp_path: Path) -> None:
    doc = small(segmented[SEEDS[-1].stem])
    memory = Memory(tmp_path / "m.sqlite3")
    cold = translate(doc, memory=memory)
    n = len(cold.units)
    assert (cold.translated, cold.remembered) == (n, 0) and n >= 4
    warm = translate(doc, memory=memory)
    assert (warm.translated, warm.remembered) == (0, n)
    assert as_json(warm.units) == as_json(cold.units), "the memory gives back exactly what the model gave"
    edited = copy.deepcopy(doc)
    sentence = edited.all_sentences()[1]
    sentence.clauses[-1].hans = sentence.clauses[-1].hans.rstrip("。") + "了。"
    again = translate(edited, memory=memory)
    assert (again.translated, again.remembered) == (1, n - 1)
    assert again.units[sentence.id].source != cold.units[sentence.id].source


def test_one_edited_sentence_is_the_only_one_make_translates(build: Build, tmp_path: Path) -> None:
    """The issue's promise through make: the session build's memory, one article copied,
    one sentence of its source changed."""
    slug = SEEDS[-1].stem
    source, out = tmp_path / "source", tmp_path / "build"
    source.mkdir()
    shutil.copytree(build.out / slug, out / slug)
    shutil.copy2(build.out / ".quality", out / ".quality")
    text = (build.source / f"{slug}.md").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines()[8:] if line.endswith("。") and "，" in line)
    (source / f"{slug}.md").write_text(text.replace(first, first[:-1] + "了。", 1), encoding="utf-8")
    memory = tmp_path / "memory.sqlite3"
    shutil.copy2(build.root / "translation-memory.sqlite3", memory)
    result = make(source, out, memory=memory)
    assert result.returncode == 0, result.stderr
    line = next(logged_line for logged_line in logged(out) if logged_line.strip().startswith("translate"))
    assert ": 1 translated, " in line and "from memory" in line, line


def test_alignment_scores_come_from_memory_on_a_rebuild(build: Build, tmp_path: Path) -> None:
    """Realigning an unchanged article scores nothing and loads no model, with the same rows."""
    from pipeline import jsonio
    from pipeline.model.translations import Translations
    from pipeline.stages.align import align
    from pipeline.stages.translate.engine import default_model
    from pipeline.stages.translate.scoring import model_scorer, remembered
    slug = SEEDS[0].stem
    doc = jsonio.load(SegmentedDocument, build.out / slug / "segments.json")
    translations = jsonio.load(Translations, build.out / slug / "translations.json")
    memory, made = Memory(tmp_path / "m.sqlite3"), []

    def scorer():
        made.append(1)
        return model_scorer(default_model())
    first = align(doc, translations, remembered(scorer, memory))
    assert made == [1] and memory.size() > 0, "the first alignment scored doubtful cuts with the model"
    second = align(doc, translations, remembered(scorer, memory))
    assert made == [1], "the second never made the model's scorer"
    assert dataclasses.asdict(second) == dataclasses.asdict(first)
