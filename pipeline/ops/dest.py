"""DEST, the published folder, trusted no further than publish wrote it: every file is read,
written and removed relative to folders opened without following links (`Dest`), each
write to a temporary name renamed into place. Unlike jsonio.replaced, which writes by path
into build/, a folder that another program also writes: a link planted there is replaced,
never written through. And the SHA256SUMS files that say what a site holds.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.stages.render.site import CHECKSUMS

TMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile.mkstemp's, so older runs' leftovers match too
TMP = re.compile(rf"\.(.+)\.[{TMP_CHARS}]{{8}}\.tmp")  # .<name>.XXXXXXXX.tmp: Dest.write's temporary files
FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK  # O_NONBLOCK: a FIFO planted in DEST cannot stall the run


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


def sha256_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def split_name(name: str) -> tuple[tuple[str, ...], str]:
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
                                              f"{(err.strerror or str(err)).lower()}") from err
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
            raise SourceError(f"DEST {self.path}", f"{what}: {(err.strerror or str(err)).lower()}") from err

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
        parts, base = split_name(name)
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
        folder = self.folder(split_name(name)[0], create=False)
        if folder is not None:
            os.close(folder)

    def write(self, name: str, source: Path) -> None:
        """Copy `source` to DEST/name in one rename: the target is the old file or the new one,
        never half of either. A link at DEST/name is replaced, not written through."""
        parts, base = split_name(name)
        folder = self.folder(parts, create=True)
        assert folder is not None  # made when missing
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
        parts, base = split_name(name)
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
