"""make publish against a hostile DEST (files publish did not write: a SHA256SUMS naming
paths outside, symlinks to elsewhere, leftovers of a killed run) and a DEST it cannot use.
Small hand-made build folders: no model, seconds."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.ops import publish as publishing
from pipeline.ops.publish import copy_site
from pipeline.stages.render.site import CHECKSUMS

from .conftest import REPO

BRIEF = {"brief/index.html": b"<p>brief</p>", "index.html": b"<p>index</p>"}
NO_SUM = "0" * 64


def built(folder: Path, files: dict[str, bytes]) -> Path:
    """A build folder holding `files` and a SHA256SUMS listing them with their real sums."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    listed = (f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n" for name in files)
    (folder / CHECKSUMS).write_text("".join(listed), encoding="utf-8")
    return folder


def published_before(dest: Path, names: list[str]) -> None:
    """A DEST/SHA256SUMS as an earlier run (or a stranger) left it, listing `names`."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / CHECKSUMS).write_text("".join(f"{NO_SUM}  {name}\n" for name in names), encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`, links not followed: a file's bytes, a link's target, a folder ''."""
    found: dict[str, bytes | str] = {}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root) / name
            key = str(path.relative_to(folder))
            found[key] = os.readlink(path) if path.is_symlink() else "" if path.is_dir() else path.read_bytes()
    return found


@pytest.mark.parametrize("name", ["{outside}", "../x/only.txt", "a/../../x/only.txt"])
def test_a_name_leading_out_of_dest_in_its_checksums_is_refused(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "x" / "only.txt"
    outside.parent.mkdir()
    outside.write_bytes(b"not yours")
    dest = tmp_path / "www"
    name = name.format(outside=outside)
    published_before(dest, ["brief/index.html", name])
    before = tree(dest)
    with pytest.raises(SourceError) as refused:
        copy_site(built(tmp_path / "build", BRIEF), dest)
    assert str(refused.value).startswith(f"{dest / CHECKSUMS}:2: {name!r} is not a path inside the folder")
    assert outside.read_bytes() == b"not yours"
    assert tree(dest) == before, "nothing published, nothing removed"


@pytest.mark.parametrize("name", ["../leak.txt", "{leak}"])
def test_a_name_leading_out_of_the_build_is_refused(tmp_path: Path, name: str) -> None:
    leak = tmp_path / "b" / "leak.txt"
    leak.parent.mkdir()
    leak.write_bytes(b"private")
    build = built(tmp_path / "b" / "build", BRIEF)
    name = name.format(leak=leak)
    with (build / CHECKSUMS).open("a", encoding="utf-8") as sums:
        sums.write(f"{hashlib.sha256(b'private').hexdigest()}  {name}\n")
    dest = tmp_path / "www" / "site"
    with pytest.raises(SourceError, match="is not a path inside the folder") as refused:
        copy_site(build, dest)
    assert str(refused.value).startswith(f"{build / CHECKSUMS}:3: {name!r}")
    assert not (tmp_path / "www" / "leak.txt").exists() and not dest.exists()
    assert leak.read_bytes() == b"private"


@pytest.mark.parametrize("link", ["brief", "brief/sub"])
def test_a_symlinked_folder_in_dest_is_refused_before_anything_is_written(tmp_path: Path, link: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "page.html").write_bytes(b"theirs")
    dest = tmp_path / "www"
    (dest / link).parent.mkdir(parents=True)
    (dest / link).symlink_to(elsewhere)
    before, theirs = tree(dest), tree(elsewhere)
    with pytest.raises(SourceError) as refused:
        copy_site(built(tmp_path / "build", {"brief/sub/page.html": b"ours", "index.html": b"index"}), dest)
    assert str(refused.value) == (f"{dest / link}: a symlink (to {elsewhere}): publish reads, writes and "
                                  "deletes nothing through a link in DEST")
    assert tree(elsewhere) == theirs, "nothing written through the link"
    assert tree(dest) == before, "nor anything else: the index does not go out either"


def test_a_removal_through_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.html").write_bytes(b"theirs")
    dest = tmp_path / "www"
    published_before(dest, ["gone/old.html"])
    (dest / "gone").symlink_to(elsewhere)
    with pytest.raises(SourceError, match="a symlink"):
        copy_site(built(tmp_path / "build", BRIEF), dest)
    assert (elsewhere / "old.html").read_bytes() == b"theirs"
    assert not (dest / "brief").exists()


def test_a_symlinked_checksums_file_in_dest_is_refused(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    planted.write_text(f"{NO_SUM}  brief/old.html\n", encoding="utf-8")
    dest = tmp_path / "www"
    (dest / "brief").mkdir(parents=True)
    (dest / "brief" / "old.html").write_bytes(b"published")
    (dest / CHECKSUMS).symlink_to(planted)
    before = tree(dest)
    with pytest.raises(SourceError) as refused:
        copy_site(built(tmp_path / "build", BRIEF), dest)
    assert str(refused.value).startswith(f"{dest / CHECKSUMS}: a symlink (to {planted})")
    assert tree(dest) == before and planted.read_text(encoding="utf-8") == f"{NO_SUM}  brief/old.html\n"


def test_a_symlinked_file_in_dest_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "same.html").write_bytes(BRIEF["brief/index.html"])  # the bytes publish would write
    (outside / "keep.html").write_bytes(b"keep")
    dest = tmp_path / "www"
    published_before(dest, ["brief/gone.html"])
    (dest / "brief").mkdir()
    (dest / "brief" / "index.html").symlink_to(outside / "same.html")
    (dest / "brief" / "gone.html").symlink_to(outside / "keep.html")
    changed, removed = copy_site(built(tmp_path / "build", BRIEF), dest)
    page = dest / "brief" / "index.html"
    assert not page.is_symlink() and page.read_bytes() == BRIEF["brief/index.html"], \
        "a link is never taken for the published file, however its target reads"
    assert not os.path.lexists(dest / "brief" / "gone.html") and removed == 1 and changed == {"brief"}
    assert tree(outside) == {"same.html": BRIEF["brief/index.html"], "keep.html": b"keep"}


def test_temporary_files_a_killed_run_left_are_removed_and_nothing_else(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"keep")
    dest = tmp_path / "www"
    published_before(dest, ["old/index.html"])
    for folder in ("brief", "old"):
        (dest / folder).mkdir()
    left = [dest / "brief" / ".index.html.ab_c1234.tmp", dest / ".SHA256SUMS.zzzzzzzz.tmp",
            dest / "old" / ".index.html.q0q0q0q0.tmp"]
    kept = [dest / "brief" / ".index.html.abc.tmp", dest / "brief" / ".notes.abcdefgh.tmp",
            dest / ".index.html.abcdefgh.tmp.bak"]
    for path in [*left, *kept]:
        path.write_bytes(b"half")
    (dest / "brief" / ".index.html.linklink.tmp").symlink_to(outside)
    copy_site(built(tmp_path / "build", BRIEF), dest)
    assert not any(path.exists() for path in left)
    assert not (dest / "old").exists(), "the folder of an article taken out goes with its leftovers"
    assert all(path.read_bytes() == b"half" for path in kept), "only publish's own pattern"
    assert (dest / "brief" / ".index.html.linklink.tmp").is_symlink() and outside.read_bytes() == b"keep"


@pytest.mark.parametrize("where", ["file", "file/www"])
def test_a_dest_that_is_no_folder_is_named(tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_bytes(b"a file")
    dest = tmp_path / where
    with pytest.raises(SourceError) as refused:
        copy_site(built(tmp_path / "build", BRIEF), dest)
    assert str(refused.value) == f"DEST {dest}: not a folder (a file is in the way)"
    assert (tmp_path / "file").read_bytes() == b"a file"


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root needs setpriv to be refused")
def test_a_dest_publish_cannot_write_into_is_named() -> None:
    # Root writes anywhere: as root the copy runs as nobody, for whom a 555 folder is closed.
    as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nobody reads the build
        build, dest = built(Path(tmp) / "build", BRIEF), Path(tmp) / "www"
        dest.mkdir(mode=0o555)
        os.chmod(dest, 0o555)  # whatever the umask
        run = subprocess.run([*as_user, sys.executable, "-c", "import sys; from pathlib import Path; "
                              "from pipeline.ops.publish import copy_site; "
                              "copy_site(Path(sys.argv[1]), Path(sys.argv[2]))",
                              str(build), str(dest)], cwd=REPO, capture_output=True, text=True)
        assert run.returncode != 0
        assert run.stderr.splitlines()[-1] == \
            f"pipeline.errors.SourceError: DEST {dest}: cannot write into {dest}: permission denied", run.stderr
        assert os.listdir(dest) == [], "no temporary file left behind"


def test_the_summary_counts_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "www"
    published_before(dest, ["old/index.html"])
    (dest / "old").mkdir()
    (dest / "old" / "index.html").write_bytes(b"taken out")
    build = built(tmp_path / "build", BRIEF)
    monkeypatch.setattr(publishing.subprocess, "run",  # the build is done: the copy alone is under test
                        lambda *a, **k: subprocess.CompletedProcess(a, 0, "", ""))
    result = publishing.publish(dest, build, "https://briefs.example.org/", [], ["brief"])
    assert result.lines == ["updated    brief", f"published to {dest}: 1 brief updated, 1 file removed"]
