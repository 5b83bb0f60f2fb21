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
A brief whose headline the checks doubt and no editor reviewed is named in its status
line; with STRICT=1 it is held back (see `publish`).

DEST is trusted no further than publish wrote it (ops/dest.py): a name in either SHA256SUMS
that could lead outside its folder, or a symlink where DEST has a folder or its
SHA256SUMS, stops the run before anything is written, and temporary files that a killed
run left are removed by the next.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.code import REPO
from pipeline.errors import SourceError
from pipeline.ops.dest import Dest, read_sums, sha256_of, split_name
from pipeline.stages.render.site import CHECKSUMS, FEED, MANIFEST, PAGE, is_absolute

LOCK = ".publish.lock"
HELD_SITE = ".publish-held"  # in the build folder: the site without the briefs STRICT=1 holds back
DOUBTED = "headline doubted by the checks, not reviewed by an editor"
SITE_FILES = (PAGE, FEED, MANIFEST)  # copied after the briefs they list
@dataclass
class Published:
    lines: list[str]     # one status line per article, then a summary
    ok: bool             # every article built


def _folders(names: list[str]) -> dict[tuple[str, ...], set[str]]:
    """folder (its parts under DEST) → the names of the files in it."""
    folders: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for name in names:
        parts, base = split_name(name)
        folders[parts].add(base)
    return folders


def copy_site(build: Path, dest: Path) -> tuple[set[str], int]:
    """Copy what build/SHA256SUMS lists into `dest`: (slugs with a changed file, files removed).
    Everything is read and checked before anything is written, so a bad name or a link in
    the way stops the run before it changes a file of DEST."""
    sums = read_sums(build / CHECKSUMS)
    if not sums:
        raise SourceError(str(build / CHECKSUMS), "missing or empty: nothing was built to publish")
    for name, digest in sums.items():
        if sha256_of(build / name) != digest:
            raise SourceError(str(build / name), "does not match SHA256SUMS; the build changed under us")
    order = [*(n for n in sums if n not in SITE_FILES), *(n for n in SITE_FILES if n in sums)]
    wanted = {**{n: sums[n] for n in order}, CHECKSUMS: sha256_of(build / CHECKSUMS)}  # checksums last
    with Dest(dest) as site:
        gone = [n for n in site.sums() if n not in wanted]
        for name in gone:
            site.check(name)
        stale = [n for n, digest in wanted.items() if site.sha256(n) != digest]
        for parts, names in _folders([*wanted, *gone]).items():
            site.remove_leftovers(parts, names)
        for name in stale:
            site.write(name, build / name)
        removed = sum(site.remove(name) for name in gone)
    return {name.split("/")[0] for name in stale if "/" in name}, removed


def _count(number: int, noun: str) -> str:
    """"1 file", "2 files"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


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


def doubted_headlines(build: Path) -> set[str]:
    """The briefs whose headline the checks doubt and no editor reviewed, as the build's
    manifest says (render.headline_doubted): their English title may misstate the Chinese."""
    listing = build / MANIFEST
    briefs = json.loads(listing.read_text(encoding="utf-8"))["briefs"] if listing.is_file() else []
    return {b["slug"] for b in briefs if b["review"].get("headline_doubted")}


def site_without(build: Path, held: set[str], base_url: str, make_args: list[str]) -> Path:
    """A site like build/'s but for the briefs `held`: a folder in build/ with a link to each
    other brief's folder, its index, feed, manifest and checksums made by make's own site
    rule, so that they list exactly what is published."""
    site = build / HELD_SITE
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir()
    for folder in build.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in held:
            (site / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
    made = subprocess.run(["make", "-C", str(REPO), "-s", f"BUILD_DIR={site}", f"BASE_URL={base_url}",
                           *make_args, "site"], capture_output=True, text=True)
    if made.returncode != 0:
        raise SourceError(str(site), f"the site without {', '.join(sorted(held))} could not be made: "
                                     f"{made.stderr.strip()}")
    return site


def publish(dest: Path, build: Path, base_url: str, make_args: list[str], slugs: list[str]) -> Published:
    """Build (make all) and copy; the lock is held by the caller. A brief whose headline
    the checks doubt and no editor reviewed is named; with STRICT=1 in the environment
    (make publish STRICT=1) it is held back: left out of the site, its files not copied
    (and removed from DEST if an earlier run published them, as for an article taken out),
    the others published, and the run fails so that the scheduler reports it."""
    if not is_absolute(base_url):
        raise SourceError("BASE_URL", f"{base_url!r} is not an absolute http(s) address: the feed's "
                                      "links and ids must be, e.g. BASE_URL=https://example.org/briefs/")
    made = subprocess.run(["make", "-C", str(REPO), "-s", f"BUILD_DIR={build}", f"BASE_URL={base_url}",
                           *make_args, "all"], capture_output=True, text=True)
    (build / "publish.log").write_text(made.stdout + made.stderr, encoding="utf-8")
    failed = _failures(made.stderr, slugs)
    doubted = doubted_headlines(build)
    held = doubted if os.environ.get("STRICT", "") not in ("", "0") else set()
    changed, removed = copy_site(site_without(build, held, base_url, make_args) if held else build, dest)
    listed = {name.split("/")[0] for name in read_sums(build / CHECKSUMS) if "/" in name}
    lines = []
    for slug in slugs:
        if slug in failed:
            kept = "kept the last good brief" if slug in listed else "not published (it never built)"
            lines.append(f"FAILED     {slug}: {kept}: {failed[slug]}")
        elif slug in held:
            lines.append(f"{'held':10} {slug}: {DOUBTED}: not published (STRICT=1)")
        else:
            doubt = f": {DOUBTED} (published marked unverified)" if slug in doubted else ""
            lines.append(f"{'updated' if slug in changed else 'unchanged':10} {slug}{doubt}")
    # Errors of no brief: files in the source folder that are no article make builds (an
    # unsafe name, a .pdf, two files for one slug), the index.
    others = [line[7:] for line in made.stderr.splitlines()
              if line.startswith("error: ") and line[7:] not in failed.values()]
    lines += [f"FAILED     {line}" for line in others]
    ok = made.returncode == 0 and not held
    if made.returncode != 0 and not failed and not others:  # make failed outside any file (setup): say so
        lines.append(f"FAILED     make exited {made.returncode}: see {build / 'publish.log'}")
    lines.append(f"published to {dest}: {_count(len(changed), 'brief')} updated, {_count(removed, 'file')} removed"
                 + (f"; held back, headline doubted (STRICT=1): {', '.join(sorted(held))}" if held else "")
                 + ("" if made.returncode == 0 else f"; some failed, full log in {build / 'publish.log'}"))
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
