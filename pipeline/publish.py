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

DEST is trusted no further than publish wrote it (see Dest): a name in either SHA256SUMS
that could lead outside its folder, or a symlink where DEST has a folder or its
SHA256SUMS, stops the run before anything is written, and temporary files that a killed
run left are removed by the next.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .site import CHECKSUMS, FEED, MANIFEST, PAGE, is_absolute

REPO = Path(__file__).resolve().parent.parent
LOCK = ".publish.lock"
HELD_SITE = ".publish-held"  # in the build folder: the site without the briefs STRICT=1 holds back
DOUBTED = "headline doubted by the checks, not reviewed by an editor"
SITE_FILES = (PAGE, FEED, MANIFEST)  # copied after the briefs they list
TMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile.mkstemp's, so older runs' leftovers match too
TMP = re.compile(rf"\.(.+)\.[{TMP_CHARS}]{{8}}\.tmp")  # .<name>.XXXXXXXX.tmp: Dest.write's temporary files
FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK  # O_NONBLOCK: a FIFO planted in DEST cannot stall the run


@dataclass
class Published:
    lines: list[str]     # one status line per article, then a summary
    ok: bool             # every article built


def _inside(name: str) -> bool:
    """Whether a name from a SHA256SUMS file stays inside its folder: relative, with no
    empty, "." or ".." part (an absolute name or one with ".." could lead anywhere)."""
    return "\0" not in name and all(part not in ("", ".", "..") for part in name.split("/"))


def parse_sums(text: str, where: Path) -> dict[str, str]:
    """path → sha256 from the text of the SHA256SUMS file `where`; a name that could lead
    outside its folder is an error, raised before anything is copied or removed."""
    sums = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not _inside(name):
            raise SourceError(f"{where}:{number}", f"{name!r} is not a path inside the folder (absolute, or "
                                                   "with an empty, . or .. part): refused, nothing published")
        sums[name] = digest
    return sums


def read_sums(path: Path) -> dict[str, str]:
    """path → sha256 from the build's SHA256SUMS file; none if it does not exist."""
    return parse_sums(path.read_text(encoding="utf-8"), path) if path.is_file() else {}


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _split(name: str) -> tuple[tuple[str, ...], str]:
    """"a/b/c.pdf" → (("a", "b"), "c.pdf"): the folders on the way, then the file."""
    *folders, base = name.split("/")
    return tuple(folders), base


def _link(folder: int, name: str) -> str | None:
    """Where `name` in the open folder points if it is a symlink, else None."""
    try:
        return os.readlink(name, dir_fd=folder)
    except OSError:  # not a link (EINVAL), or gone
        return None


def _linked(path: Path, target: str) -> SourceError:
    return SourceError(str(path), f"a symlink (to {target}): publish reads, writes and deletes "
                                  "nothing through a link in DEST")


class Dest:
    """DEST, reached only through real folders inside it.

    Every folder on the way to a file is opened relative to the one before without following
    a symlink, and files are read, made, renamed and removed relative to their open folder.
    Resolving a path and then using it would leave a gap in which a folder can be swapped
    for a link; this way a link in DEST, planted before the run or during it, makes publish
    stop with an error naming it but never read, write or delete anything outside DEST.
    DEST itself is the operator's choice: a link to it is followed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as err:
            raise SourceError(f"DEST {path}", "not a folder (a file is in the way)") from err
        except OSError as err:  # err.filename: the folder that could not be made
            raise SourceError(f"DEST {path}", f"cannot write into {Path(err.filename).parent}: "
                                              f"{err.strerror.lower()}") from err
        with self._reported(f"cannot open {path}"):
            self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)

    def __enter__(self) -> Dest:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    @contextmanager
    def _reported(self, what: str) -> Iterator[None]:
        """An OSError inside becomes a SourceError naming DEST, what publish was doing and why it failed."""
        try:
            yield
        except OSError as err:
            raise SourceError(f"DEST {self.path}", f"{what}: {err.strerror.lower()}") from err

    def _step(self, parent: int, name: str, path: Path, create: bool) -> int | None:
        """The folder `name` (at `path`) in the open folder `parent`, made if `create`; None if absent."""
        try:
            return os.open(name, FOLDER, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                return None
        except NotADirectoryError as err:  # what O_NOFOLLOW with O_DIRECTORY gives for a link too
            target = _link(parent, name)
            raise (_linked(path, target) if target is not None else
                   SourceError(str(path), "a file where publish needs a folder")) from err
        with self._reported(f"cannot write into {path.parent}"):
            os.mkdir(name, 0o755, dir_fd=parent)
            return os.open(name, FOLDER, dir_fd=parent)

    def folder(self, parts: tuple[str, ...], create: bool) -> int | None:
        """An open descriptor of the folder DEST/parts (the caller closes it), made if
        `create`, else None if it does not exist; a link or a file on the way is refused."""
        with self._reported(f"cannot open {self.path.joinpath(*parts)}"):
            fd = os.dup(self.fd)
            for depth, part in enumerate(parts, 1):
                try:
                    child = self._step(fd, part, self.path.joinpath(*parts[:depth]), create)
                finally:
                    os.close(fd)
                if child is None:
                    return None
                fd = child
            return fd

    def read(self, name: str) -> bytes | None:
        """DEST/name's bytes if it is a regular file; None if it is absent or anything else
        (a link is not followed, a FIFO not waited on)."""
        parts, base = _split(name)
        folder = self.folder(parts, create=False)
        if folder is None:
            return None
        try:
            with self._reported(f"cannot read {self.path / name}"):
                try:
                    fd = os.open(base, FILE, dir_fd=folder)
                except OSError as err:
                    if err.errno in (errno.ENOENT, errno.ELOOP):  # ELOOP: a link
                        return None
                    raise
                with os.fdopen(fd, "rb") as file:
                    return file.read() if stat.S_ISREG(os.fstat(fd).st_mode) else None
        finally:
            os.close(folder)

    def sha256(self, name: str) -> str | None:
        """sha256 of DEST/name if it is a regular file, else None, which no built file matches:
        a link is replaced by the built file, never taken for it."""
        data = self.read(name)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def sums(self) -> dict[str, str]:
        """DEST/SHA256SUMS as an earlier run wrote it. What it lists may be removed, so a link
        in its place is refused rather than taken for a missing file."""
        target = _link(self.fd, CHECKSUMS)
        if target is not None:
            raise _linked(self.path / CHECKSUMS, target)
        try:
            return parse_sums((self.read(CHECKSUMS) or b"").decode("utf-8"), self.path / CHECKSUMS)
        except UnicodeDecodeError as err:
            raise SourceError(str(self.path / CHECKSUMS), "not UTF-8 text: publish did not write it") from err

    def check(self, name: str) -> None:
        """Refuse now, before anything is written, a link or a file where a folder of DEST/name is."""
        folder = self.folder(_split(name)[0], create=False)
        if folder is not None:
            os.close(folder)

    def write(self, name: str, source: Path) -> None:
        """Copy `source` to DEST/name in one rename: the target is the old file or the new one,
        never half of either. A link at DEST/name is replaced, not written through."""
        parts, base = _split(name)
        folder = self.folder(parts, create=True)
        tmp = f".{base}.{''.join(secrets.choice(TMP_CHARS) for _ in range(8))}.tmp"
        try:
            with source.open("rb") as data, self._reported(f"cannot write into {self.path.joinpath(*parts)}"):
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=folder)
                try:
                    with os.fdopen(fd, "wb") as file:
                        shutil.copyfileobj(data, file)
                        os.fchmod(file.fileno(), 0o644)  # readable by the web server whatever the umask
                    os.replace(tmp, base, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    os.unlink(tmp, dir_fd=folder)
                    raise
        finally:
            os.close(folder)

    def remove(self, name: str) -> bool:
        """Delete DEST/name (a link itself, never what it points to), and its folder if that
        is left empty; whether there was a file to delete."""
        parts, base = _split(name)
        folder = self.folder(parts, create=False)
        if folder is None:
            return False
        try:
            with self._reported(f"cannot delete {self.path / name}"):
                try:
                    os.unlink(base, dir_fd=folder)
                    deleted = True
                except FileNotFoundError:
                    deleted = False
                emptied = bool(parts) and not os.listdir(folder)
        finally:
            os.close(folder)
        if emptied:
            parent = self.folder(parts[:-1], create=False)
            if parent is not None:
                try:
                    with self._reported(f"cannot delete {self.path.joinpath(*parts)}"):
                        os.rmdir(parts[-1], dir_fd=parent)
                finally:
                    os.close(parent)
        return deleted

    def remove_leftovers(self, parts: tuple[str, ...], names: set[str]) -> None:
        """Delete what a run killed while copying left in DEST/parts: regular files named as
        write() names its temporary files for one of `names`, and nothing else."""
        folder = self.folder(parts, create=False)
        if folder is None:
            return
        try:
            with self._reported(f"cannot delete leftovers in {self.path.joinpath(*parts)}"):
                for entry in os.listdir(folder):
                    match = TMP.fullmatch(entry)
                    if match and match[1] in names and \
                            stat.S_ISREG(os.stat(entry, dir_fd=folder, follow_symlinks=False).st_mode):
                        os.unlink(entry, dir_fd=folder)
        finally:
            os.close(folder)


def _folders(names: list[str]) -> dict[tuple[str, ...], set[str]]:
    """folder (its parts under DEST) → the names of the files in it."""
    folders: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for name in names:
        parts, base = _split(name)
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
        if _sha256(build / name) != digest:
            raise SourceError(str(build / name), "does not match SHA256SUMS; the build changed under us")
    order = [*(n for n in sums if n not in SITE_FILES), *(n for n in SITE_FILES if n in sums)]
    wanted = {**{n: sums[n] for n in order}, CHECKSUMS: _sha256(build / CHECKSUMS)}  # checksums last
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
