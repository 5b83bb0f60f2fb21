"""make publish: build what changed, then copy the site into a published folder.

Run from cron or a systemd timer (deploy/). Two runs never overlap: a run holds an
exclusive lock on the build folder while it builds and copies, and a second run that
finds it held stops at once, saying so, rather than queueing behind it. The build is
`make all`, so an article that fails keeps its last good brief in build/ and in DEST.
Copying is driven by build/SHA256SUMS, which the site stage writes: every listed file
is checked against its sum, and only files whose bytes differ from DEST's are copied,
each to a temporary name and renamed into place, so a reader never sees half a file
and a run with nothing new touches nothing. The index, feed, manifest and SHA256SUMS
go last, so they never point at a brief that is not there yet. Files that an earlier
run published and that are no longer listed (an article taken out) are removed.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .site import CHECKSUMS, FEED, MANIFEST, PAGE, is_absolute

REPO = Path(__file__).resolve().parent.parent
LOCK = ".publish.lock"
SITE_FILES = (PAGE, FEED, MANIFEST)  # copied after the briefs they list


@dataclass
class Published:
    lines: list[str]     # one status line per article, then a summary
    ok: bool             # every article built


def read_sums(path: Path) -> dict[str, str]:
    """path → sha256 from a SHA256SUMS file; none if it does not exist."""
    if not path.is_file():
        return {}
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    return sums


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _copy(source: Path, target: Path) -> None:
    """Copy in one rename: the target is the old file or the new one, never half of either."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_site(build: Path, dest: Path) -> tuple[set[str], int]:
    """Copy what build/SHA256SUMS lists into `dest`: (slugs with a changed file, files removed)."""
    sums = read_sums(build / CHECKSUMS)
    if not sums:
        raise SourceError(str(build / CHECKSUMS), "missing or empty: nothing was built to publish")
    for name, digest in sums.items():
        if _sha256(build / name) != digest:
            raise SourceError(str(build / name), "does not match SHA256SUMS; the build changed under us")
    previous = read_sums(dest / CHECKSUMS)
    changed: set[str] = set()
    briefs = [n for n in sums if n not in SITE_FILES]
    for name in [*briefs, *(n for n in SITE_FILES if n in sums)]:
        if _sha256(dest / name) != sums[name]:
            _copy(build / name, dest / name)
            changed.add(name.split("/")[0] if "/" in name else "")
    if _sha256(dest / CHECKSUMS) != _sha256(build / CHECKSUMS):
        _copy(build / CHECKSUMS, dest / CHECKSUMS)
    gone = [n for n in previous if n not in sums and ".." not in Path(n).parts]
    for name in gone:
        (dest / name).unlink(missing_ok=True)
        folder = (dest / name).parent
        if folder != dest and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return changed - {""}, len(gone)


def _failures(stderr: str, slugs: list[str]) -> dict[str, str]:
    """slug → the first error line make printed about it."""
    found: dict[str, str] = {}
    for line in stderr.splitlines():
        if not line.startswith("error: "):
            continue
        for slug in slugs:
            if slug not in found and re.search(rf"(^|/){re.escape(slug)}(\.|/)", line[7:]):
                found[slug] = line[7:]
    return found


def publish(dest: Path, build: Path, base_url: str, make_args: list[str], slugs: list[str]) -> Published:
    """Build (make all) and copy; the lock is held by the caller."""
    if not is_absolute(base_url):
        raise SourceError("BASE_URL", f"{base_url!r} is not an absolute http(s) address: the feed's "
                                      "links and ids must be, e.g. BASE_URL=https://example.org/briefs/")
    made = subprocess.run(["make", "-C", str(REPO), "-s", f"BUILD_DIR={build}", f"BASE_URL={base_url}",
                           *make_args, "all"], capture_output=True, text=True)
    (build / "publish.log").write_text(made.stdout + made.stderr, encoding="utf-8")
    failed = _failures(made.stderr, slugs)
    changed, removed = copy_site(build, dest)
    listed = {name.split("/")[0] for name in read_sums(build / CHECKSUMS) if "/" in name}
    lines = []
    for slug in slugs:
        if slug in failed:
            kept = "kept the last good brief" if slug in listed else "not published (it never built)"
            lines.append(f"FAILED     {slug}: {kept}: {failed[slug]}")
        else:
            lines.append(f"{'updated' if slug in changed else 'unchanged':10} {slug}")
    ok = made.returncode == 0
    if not ok and not failed:  # make failed outside any article (setup, the index): say so
        lines.append(f"FAILED     make exited {made.returncode}: see {build / 'publish.log'}")
    lines.append(f"published to {dest}: {len(changed)} briefs updated, {removed} files removed"
                 + ("" if ok else f"; some failed, full log in {build / 'publish.log'}"))
    return Published(lines, ok)


class Busy(Exception):
    """Another publish holds the lock."""


def locked_publish(dest: Path, build: Path, base_url: str, make_args: list[str], slugs: list[str]) -> Published:
    """publish() under an exclusive, non-blocking lock on build/.publish.lock."""
    build.mkdir(parents=True, exist_ok=True)
    with open(build / LOCK, "a") as lock:  # "a": opening it leaves the file untouched
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise Busy(f"another publish is running on {build} (lock {build / LOCK}); this run did nothing") from err
        return publish(dest, build, base_url, make_args, slugs)
