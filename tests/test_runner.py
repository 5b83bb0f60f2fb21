"""`make` runs Make's plan in one process (pipeline/ops/runner.py): same outputs, fewer start-ups."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from pipeline.ops import runner
from pipeline.stages.read import read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate import request, translate_all
from pipeline.stages.translate.memory import Memory

from .conftest import MALFORMED, REPO, SEEDS, Build, make


@pytest.mark.parametrize("line, stage, out, slug", [
    (".venv/bin/python -m pipeline read source/a.md build/a/document.json", "read", "build/a/document.json", "a"),
    (".venv/bin/python -m pipeline translate build/a/segments.json build/a/translations.json --names "
     "build/a/names.json --quality default", "translate", "build/a/translations.json", "a"),
    (".venv/bin/python -m pipeline html build/a/reviewed.json build/a/quality.json build/a/index.html "
     "--scripts zh-Hant zh-Hans", "html", "build/a/index.html", "a"),
    (".venv/bin/python -m pipeline pdf build/b-c/reviewed.json build/b-c/b-c.zh-Hant.pdf --script zh-Hant",
     "pdf", "build/b-c/b-c.zh-Hant.pdf", "b-c"),
])
def test_a_planned_command_names_its_stage_output_and_article(line: str, stage: str, out: str, slug: str) -> None:
    job = runner.Job(line.split()[3:])
    assert (job.stage, job.out, job.slug) == (stage, out, slug)


@pytest.mark.parametrize("flags, dry, jobs", [
    ("ns -- X=1", True, 1), ("ks -- X=1", False, 1), (" -j2 --jobserver-auth=3,4 -- X=1", False, 2),
    ("s -j3 --jobserver-auth=3,4", False, 3), ("", False, 1),
])
def test_make_flags_say_whether_to_run_and_how_many_at_once(flags: str, dry: bool, jobs: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEFLAGS", flags)
    assert (runner.dry_run(), runner.workers()) == (dry, jobs)


def test_articles_translated_together_share_the_engine_and_a_repeated_sentence_once(tmp_path: Path) -> None:
    """Two articles in one batch: a sentence both have is translated once; each article
    gets its own complete translations."""
    shared = "國際貨幣基金組織週二上調了今年的全球經濟增長預測。"
    docs = []
    for name, own in (("one", "當地政府宣布將在明年擴建港口。"), ("two", "多家航空公司表示將恢復直航。")):
        path = tmp_path / f"{name}.md"
        path.write_text(f"---\ntitle: 消息{name}\n---\n\n{shared}{own}\n", encoding="utf-8")
        docs.append(segment(convert(read(path))))
    results = translate_all([request(d) for d in docs], memory=Memory(tmp_path / "m.sqlite3"))
    assert [r.slug for r in results] == ["one", "two"]
    assert [(r.translated, r.remembered) for r in results] == [(3, 0), (2, 1)]
    for doc, result in zip(docs, results):
        assert list(result.units) == [s.id for s in doc.all_sentences()]
        assert all(u.text for u in result.units.values())


def test_a_rebuild_prints_one_line_per_article_and_logs_each_stage(copied: Build) -> None:
    """Not on a terminal (cron, CI): one line per article built; the stages' lines go to
    build/build.log. Nothing stale: nothing printed but the index."""
    one = copied.source / f"{SEEDS[0].stem}.md"
    os.utime(one)
    result = copied.make()
    assert result.returncode == 0, result.stderr
    built = [line for line in result.stdout.splitlines() if line.split()[:1] == ["built"]]
    assert len(built) == 1 and SEEDS[0].stem in built[0]
    assert re.search(r"\d+ sentences: 0 translated, \d+ from memory", built[0])
    assert " translate " not in result.stdout and " pdf " not in result.stdout
    log = (copied.out / "build.log").read_text(encoding="utf-8")
    run = log.split("\n--- ")[-1]
    for stage in ("read", "names", "translate", "align", "html", "pdf"):
        assert re.search(rf"^\s*{stage}\s+\S*{SEEDS[0].stem}", run, re.M), stage
    assert SEEDS[1].stem not in run
    again = copied.make()
    assert [line for line in again.stdout.splitlines() if "built" in line.split()[:1]] == []


def test_make_n_runs_nothing(copied: Build) -> None:
    one = copied.source / f"{SEEDS[0].stem}.md"
    os.utime(one)
    page = copied.out / SEEDS[0].stem / "index.html"
    before = page.stat().st_mtime_ns
    result = copied.make("-n")
    assert result.returncode == 0, result.stderr
    assert f"pipeline read {one}" in result.stdout
    assert page.stat().st_mtime_ns == before


def test_jobs_in_parallel_build_the_same_brief(copied: Build, tmp_path: Path) -> None:
    """make -j2: worker processes give byte-identical stage files and pages."""
    other = tmp_path / "j2"
    result = make(copied.source, other, "-j2", memory=copied.root / "translation-memory.sqlite3")
    assert result.returncode == 0, result.stderr
    slug = SEEDS[1].stem
    # The session's build read its articles from another folder: the files name it.
    sources = [json.loads((b / slug / "segments.json").read_text(encoding="utf-8"))["source"]
               for b in (copied.out, other)]
    assert sources[1] == str(copied.source / f"{slug}.md")
    for name in ("segments.json", "aligned.json", "reviewed.json", "index.html"):
        made = (other / slug / name).read_text(encoding="utf-8")
        assert made == (copied.out / slug / name).read_text(encoding="utf-8").replace(*sources), name
    units = [json.loads((b / slug / "translations.json").read_text(encoding="utf-8"))["units"]
             for b in (other, copied.out)]
    assert units[0] == units[1]  # the counts differ: all came from the memory this time


def test_files_make_cannot_build_are_named_and_the_others_build(tmp_path: Path) -> None:
    """A PDF, a file name with a space, two files for one slug: each named as an error,
    none built, and a good article beside them (capital extension) still built."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    text = "---\ntitle: 港口消息\n---\n\n當地政府宣布將在明年擴建港口。\n"
    for name in ("has space.md", "twice.md", "twice.txt", "GOOD.MD"):
        (source / name).write_text(text, encoding="utf-8")
    result = make(source, tmp_path / "build")
    assert result.returncode != 0
    assert f"{source}/scan.pdf: not an article" in result.stderr
    assert f"{source}/'has space.md': a file name make cannot build safely" in result.stderr
    assert "(rename it has-space.md)" in result.stderr
    assert f"{source}/twice.*: two files for one brief (twice.md twice.txt)" in result.stderr
    assert (tmp_path / "build" / "GOOD" / "index.html").is_file()
    assert not (tmp_path / "build" / "twice").exists() and not (tmp_path / "build" / "has").exists()
    assert [line.split()[1] for line in result.stdout.splitlines() if line.split()[:1] == ["built"]] == ["GOOD:"]


def test_make_watch_rebuilds_what_changes_and_goes_on_after_a_bad_file(copied: Build) -> None:
    """make watch: nothing stale at first; a sentence added is the one sentence translated,
    in the same process; a bad article is named and the briefs stay; SIGTERM ends it."""
    watcher = subprocess.Popen(["make", "-C", str(REPO), "watch", f"SOURCE_DIR={copied.source}",
                                f"BUILD_DIR={copied.out}", f"MEMORY={copied.root / 'translation-memory.sqlite3'}"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True).start()

    def until_watching() -> list[str]:
        said = []
        while not said or "watching" not in said[-1]:
            said.append(lines.get(timeout=300))
        return said

    try:
        first = until_watching()
        assert "built in" in first[-1] and not [line for line in first if line.split()[:1] == ["built"]]
        article = copied.source / f"{SEEDS[0].stem}.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n這是新加的一句。\n", encoding="utf-8")
        edited = until_watching()
        assert [line for line in edited if line.split()[:1] == ["built"]], edited
        assert re.search(rf"built\s+{SEEDS[0].stem}: \d+ sentences: 1 translated", "".join(edited)), edited
        assert "這是新加的一句" in (copied.out / SEEDS[0].stem / "index.html").read_text(encoding="utf-8")
        (copied.source / "bad.md").write_text(MALFORMED, encoding="utf-8")
        failed = "".join(until_watching())
        assert "some briefs failed" in failed and "bad.md" in failed and "Traceback" not in failed
        assert (copied.out / SEEDS[1].stem / "index.html").is_file()
    finally:
        os.killpg(watcher.pid, signal.SIGTERM)
        watcher.wait(timeout=30)
