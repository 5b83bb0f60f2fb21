"""Translation memories from strangers: the store is the user's data. A damaged store is
moved aside, never deleted, and what SQLite still reads of it kept; a store that cannot
be written (the file, its folder, its -shm) is still read and left as it was; one deleted
or replaced during a build is followed, so that build's translations are kept; another
program's database is left alone. Each says so in one warning line naming the file.

Root writes anywhere: run as root, the read-only cases run as user nobody (setpriv).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from pipeline.cache import MEMORY_FILE as FILE_NAME
from pipeline.stages.translate.memory import Memory

from .conftest import REPO

ONE, TWO, THREE = {"en": "One."}, {"en": "Two."}, {"en": "Three."}
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
# A build opens the store once per chunk of articles: two opens, one warning.
SCENARIO = """
import json, sys
from pathlib import Path
from pipeline.stages.translate.memory import Memory
path = Path(sys.argv[1])
first, second = Memory(path), Memory(path)
first.put({"b": {"en": "Two."}})
second.put({"c": {"en": "Three."}})
print(json.dumps({"found": second.get(["a", "b", "c"]), "held": second.size()}))
"""


def stored(path: Path, items: dict) -> Path:
    """A closed store holding `items`: its last connection folds the -wal into it and removes it."""
    memory = Memory(path)
    memory.put(items)
    memory.db.close()
    return path


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: translation memory:")]


def set_aside(folder: Path) -> list[Path]:
    """The damaged stores moved aside in `folder` (not their -wal and -shm)."""
    return sorted(p for p in folder.glob(f"{FILE_NAME}.corrupt-*") if not p.name.endswith(("-wal", "-shm")))


@pytest.fixture(scope="module")
def nobody() -> tuple[list[str], dict[str, str]]:
    """How to run Python as a user who may not write what root may, and its environment:
    this interpreter, else the system's (this one may live in a folder only root enters),
    with the repository and platformdirs on its path. Skips only if neither can."""
    if AS_NOBODY and not shutil.which("setpriv"):
        pytest.skip("running as root, and no setpriv to run the scenario as user nobody")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(Path(platformdirs.__file__).parent.parent)])}
    tried = []
    for python in dict.fromkeys(filter(None, [sys.executable, shutil.which("python3", path=os.defpath)])):
        probe = subprocess.run([*AS_NOBODY, python, "-c", "import pipeline.stages.translate.memory"], cwd=REPO, env=env,
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return [*AS_NOBODY, python], env
        tried.append(f"{python}: {probe.stderr.strip()[-200:]}")
    pytest.skip(f"user nobody cannot import pipeline.stages.translate.memory with {'; '.join(tried)}")


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder user nobody can reach: pytest's tmp_path is inside one only its owner enters."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        yield Path(tmp)


def test_a_damaged_store_is_moved_aside_and_what_it_still_reads_is_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # Sizes as in a real store: scores of a few bytes, translations over a page long.
    items = {f"k{i}": {"en": "x" * (i % 7 * 900)} for i in range(400)}
    path = stored(tmp_path / FILE_NAME, items)
    damaged = path.read_bytes()[:path.stat().st_size // 2]  # a copy cut off halfway
    path.write_bytes(damaged)
    memory = Memory(path)
    [aside] = set_aside(tmp_path)
    assert re.fullmatch(rf"{re.escape(FILE_NAME)}\.corrupt-\d{{8}}-\d{{6}}", aside.name)
    assert aside.read_bytes() == damaged, "the user's file, byte for byte"
    kept = memory.get(list(items))
    assert len(items) // 4 < len(kept) < len(items), "the entries on its intact pages, not none"
    assert all(kept[key] == items[key] for key in kept)
    assert warnings(capsys.readouterr().err) == [
        f"warning: translation memory: {path} is unreadable (database disk image is malformed); "
        f"moved aside to {aside}, a new store keeps the {len(kept)} entries still readable in it"]
    memory.put({"new": ONE})
    assert Memory(path).get(["new", "k1"]) == {"new": ONE, "k1": items["k1"]}


def test_a_store_set_aside_never_takes_an_earlier_ones_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(time, "strftime", lambda *_: "20251206-063512")  # both in one second
    path = tmp_path / FILE_NAME
    earlier = Path(f"{path}.corrupt-20251206-063512")
    earlier.write_bytes(b"set aside before")
    path.write_bytes(b"not a database " * 100)
    Memory(path).put({"a": ONE})
    assert set_aside(tmp_path) == [earlier, Path(f"{earlier}-2")]
    assert earlier.read_bytes() == b"set aside before"
    assert Path(f"{earlier}-2").read_bytes() == b"not a database " * 100
    assert f"moved aside to {earlier}-2, a new store keeps the 0 entries" in capsys.readouterr().err
    assert Memory(path).get(["a"]) == {"a": ONE}


# How the store is kept from nobody: the reason the warning gives.
READ_ONLY = {
    "file": "the file cannot be written",
    "folder": "its folder cannot be written",
    "shm": "attempt to write a readonly database",  # another user's build has it open, its -shm read-only
}


@pytest.mark.parametrize("kept_from_writing", READ_ONLY)
def test_a_store_that_cannot_be_written_is_read_and_left_as_it_was(
        kept_from_writing: str, nobody: tuple[list[str], dict[str, str]], shared: Path) -> None:
    folder = shared / "cache"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)  # whatever the umask
    path = stored(folder / FILE_NAME, {"a": ONE})
    holder = None
    if kept_from_writing == "file":
        os.chmod(path, 0o444)
    else:
        os.chmod(path, 0o666)
    if kept_from_writing == "folder":
        os.chmod(folder, 0o555)
    if kept_from_writing == "shm":
        holder = sqlite3.connect(path)
        holder.execute("SELECT count(*) FROM translations").fetchone()  # makes the -wal and -shm
        os.chmod(f"{path}-shm", 0o444)
    before, listing = path.read_bytes(), sorted(os.listdir(folder))
    try:
        python, env = nobody
        run = subprocess.run([*python, "-c", SCENARIO, str(path)], cwd=REPO, env=env, capture_output=True, text=True)
        after = sorted(os.listdir(folder))
    finally:
        os.chmod(folder, 0o755)
        if holder is not None:
            holder.close()
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"found": {"a": ONE}, "held": 1}, "what it holds is looked up"
    assert run.stderr.splitlines() == [
        f"warning: translation memory: {path} is read-only ({READ_ONLY[kept_from_writing]}); "
        "using what it holds, keeping no new translations"]
    assert path.read_bytes() == before and after == listing, "the store unchanged, no file made beside it"


def test_a_store_deleted_during_a_build_keeps_that_builds_translations(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / FILE_NAME
    memory = Memory(path)
    memory.put({"a": ONE})
    path.unlink()  # as rm does: its -wal and -shm stay
    memory.put({"b": TWO})
    memory.put({"c": THREE})
    assert Memory(path).get(["a", "b", "c"]) == {"b": TWO, "c": THREE}, "what the user deleted stays deleted"
    assert warnings(capsys.readouterr().err) == [
        f"warning: translation memory: {path} was deleted or replaced during this run; "
        "keeping new translations in the file now at that path"]


def test_a_store_replaced_during_a_build_is_followed_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    memory = Memory(path)
    memory.put({"a": ONE})  # in the -wal beside the path
    os.replace(stored(tmp_path / "backup.sqlite3", {"c": THREE}), path)  # a backup put back
    memory.put({"b": TWO})
    assert Memory(path).get(["a", "b", "c"]) == {"b": TWO, "c": THREE}


def test_an_entry_that_is_no_json_text_is_a_miss_not_the_end_of_the_store(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = stored(tmp_path / FILE_NAME, {"a": ONE, "b": TWO})
    db = sqlite3.connect(path)
    db.execute("UPDATE translations SET value = CAST(x'ff7b22656e22' AS TEXT) WHERE key = 'b'")  # no UTF-8
    db.commit()
    db.close()
    memory = Memory(path)
    assert memory.get(["a", "b"]) == {"a": ONE}
    memory.put({"b": TWO})  # translated again
    assert Memory(path).get(["a", "b"]) == {"a": ONE, "b": TWO}
    assert warnings(capsys.readouterr().err) == []


def test_a_device_turns_the_memory_off_with_no_file_made_beside_it(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    null = tmp_path / "null"  # as MEMORY=/dev/null would, in a folder of the test's own
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("only root may make a device node")
    memory = Memory(null)
    memory.put({"a": ONE})
    assert memory.get(["a"]) == {} and os.listdir(tmp_path) == ["null"] and null.is_char_device()
    assert warnings(capsys.readouterr().err) == [
        f"warning: translation memory: {null} is not a file; translating without it this run"]


def test_another_programs_database_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "notes.sqlite3"  # MEMORY set to the wrong file
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.execute("INSERT INTO notes VALUES ('mine')")
    db.commit()
    db.close()
    before = path.read_bytes()
    memory = Memory(path)
    memory.put({"a": ONE})
    assert memory.get(["a"]) == {}
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == [path.name]
    assert warnings(capsys.readouterr().err) == [
        f"warning: translation memory: {path} cannot be used (another program's database: it has no "
        "translations table of ours); translating without it this run"]
