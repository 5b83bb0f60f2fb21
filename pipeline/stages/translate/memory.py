"""Translation memory: each sentence's English, kept across builds in one SQLite file.

A rebuild translates only the sentences the model has not already translated under the
same conditions, as CAT tools reuse a translation memory. the translate stage makes the key
(the exact model input, the model's checksum, the decoding, the glossary terms the
sentence contains, and the code that chooses the English); this module only stores
and fetches. The store lives outside build/ (the user's cache folder, or
$BRIEFS_MEMORY), so `make clean` keeps it and `make clean-memory` empties it.

The memory only saves time, so it never stops a build; and the store is the user's
data, so no file is ever deleted. A damaged store is moved aside and a new one started
with what SQLite can still read of it; a store that cannot be written (the file or its
folder) is only read; one deleted or replaced during a build is followed to the file
now at its path; another program's database, or a store locked by another process past
the timeout, is left alone for this run. Each with one warning on stderr per process.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from pipeline.cache import memory_location
from pipeline.errors import warn

TIMEOUT = 30.0  # seconds to wait for another build's write (make -j2 runs two translations)
LOCKED = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
COUNT = "SELECT count(*) FROM translations"
SUFFIXES = ("", "-wal", "-shm")  # the store and the files SQLite keeps beside it in WAL mode

_warned: set[str] = set()


def _warn(message: str) -> None:
    """Each warning once per process: a build opens the store once per chunk of articles."""
    if message not in _warned:
        _warned.add(message)
        warn(f"warning: translation memory: {message}")


def _code(err: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `err`; None for an error SQLite did not raise."""
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file `path` names (device, inode); None when it names none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _read_only(path: Path) -> str | None:
    """Why the store at `path` can only be read, if so. In WAL mode a writer makes -wal
    and -shm files beside the store, so its folder must be writable too."""
    if not path.exists():
        return None
    if not os.access(path.parent, os.W_OK):
        return "its folder cannot be written"
    if not os.access(path, os.W_OK):
        return "the file cannot be written"
    return None


def _foreign(db: sqlite3.Connection) -> bool:
    """Whether `db` is another program's database: it holds tables, but no translations
    table of ours. MEMORY set to the wrong file must not convert or fill that file."""
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    columns = [name for (name,) in db.execute("SELECT name FROM pragma_table_info('translations')")]
    return tables > 0 and columns != ["key", "value"]


def _aside(path: Path) -> Path:
    """A name for the damaged store at `path` that no earlier one has (nor its -wal or -shm):
    translation-memory.sqlite3.corrupt-20251206-063512, then …-2, …-3 within one second."""
    stem = f"{path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
    names = (Path(stem if n == 1 else f"{stem}-{n}") for n in itertools.count(1))
    return next(name for name in names if not any(Path(f"{name}{suffix}").exists() for suffix in SUFFIXES))


def _readable_rows(path: Path) -> dict[str, str]:
    """The entries SQLite can still read in the damaged store at `path`: its table read
    from either end up to the first damaged page. writable_schema makes SQLite read the
    pages the file has rather than refuse a file shorter than its header says (a cut-off
    copy); a key or value that is no text is what is left of a lost page."""
    rows: dict[str, str] = {}
    with contextlib.closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db, \
            contextlib.suppress(sqlite3.Error):
        db.execute("PRAGMA writable_schema=ON")
        for order in ("ASC", "DESC"):
            with contextlib.suppress(sqlite3.Error):
                rows.update(db.execute("SELECT key, value FROM translations WHERE typeof(key) = 'text' "
                                       f"AND typeof(value) = 'text' ORDER BY rowid {order}"))
    return rows


class Memory:
    """English (as JSON-ready dicts) by key; every failure degrades to translating afresh."""

    def __init__(self, path: Path | None = None, timeout: float = TIMEOUT) -> None:
        self.path = path or memory_location()
        self.timeout = timeout
        self.db: sqlite3.Connection | None = None
        self.writable = False
        self.identity: tuple[int, int] | None = None  # the file opened, to notice it replaced
        self._open()

    def _open(self, read_only: str | None = None) -> None:
        """Connect to the store: to write, or only to read when it cannot be written
        (`read_only`, else _read_only, says why)."""
        if self.path.exists() and not self.path.is_file():  # MEMORY=/dev/null: SQLite would make /dev/null-journal
            _warn(f"{self.path} is not a file; translating without it this run")
            return
        read_only = read_only or _read_only(self.path)
        self.writable = read_only is None
        try:
            if self.writable:
                self._connect()
            else:
                self._connect_read_only()
        except sqlite3.Error as err:  # _recover closes what was opened
            self._recover(err)
            return
        except OSError as err:  # its folder cannot be made (a file in the way, no permission)
            _warn(f"{self.path} cannot be made ({err}); translating without it this run")
            return
        self.identity = _identity(self.path)
        if read_only:
            _warn(f"{self.path} is read-only ({read_only}); using what it holds, keeping no new translations")

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        if _foreign(self.db):
            raise sqlite3.DatabaseError("another program's database: it has no translations table of ours")
        self.db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        self.db.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute(COUNT).fetchone()

    def _connect_read_only(self) -> None:
        """The store for lookups, making no file beside it: through its -wal and -shm when
        both exist (a writer may be at work; SQLite reads along with it), else as an
        immutable file. SQLite would otherwise make them, as read-only as the store (which
        keeps the store read-only after its owner makes it writable again), or fail to in
        a read-only folder."""
        shared = all(Path(f"{self.path}{suffix}").exists() for suffix in SUFFIXES[1:])
        uri = f"{self.path.absolute().as_uri()}?{'mode=ro' if shared else 'immutable=1'}"
        self.db = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        self.db.execute(COUNT).fetchone()

    def _close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _recover(self, err: sqlite3.Error) -> None:
        """After an error: a lock means skip the memory this run; a store that refuses a
        write is still read; a damaged one we may write is moved aside and started afresh;
        anything else (another program's database, a store read-only and damaged) is left
        alone this run."""
        self._close()
        if _code(err) in LOCKED:
            _warn(f"{self.path} is locked by another process ({err}); translating without it this run")
        elif _code(err) == sqlite3.SQLITE_READONLY and self.writable:
            self._open(read_only=str(err))
        elif _code(err) in DAMAGED and self.writable:
            self._set_aside(err)
        else:
            _warn(f"{self.path} cannot be used ({err}); translating without it this run")

    def _set_aside(self, err: sqlite3.Error) -> None:
        """Move the damaged store and its -wal and -shm to a new name, then start a new
        store with the entries still readable in it."""
        aside = _aside(self.path)
        try:
            for suffix in reversed(SUFFIXES):  # the store last: SQLite deletes a -wal it finds beside no store
                if Path(f"{self.path}{suffix}").exists():
                    os.rename(f"{self.path}{suffix}", f"{aside}{suffix}")
        except OSError as again:
            _warn(f"{self.path} is unreadable ({err}) and cannot be moved aside ({again}); "
                  "translating without it this run")
            return
        rows = _readable_rows(aside)
        _warn(f"{self.path} is unreadable ({err}); moved aside to {aside}, "
              f"a new store keeps the {len(rows)} entries still readable in it")
        self._open()
        self._write(list(rows.items()))

    def _writer(self) -> sqlite3.Connection | None:
        """The connection to write through, None when nothing is kept this run. If the
        store was deleted or replaced since it was opened, the file now at its path: rows
        written into a deleted file are lost when the process ends."""
        if self.db is not None and self.writable and _identity(self.path) != self.identity:
            _warn(f"{self.path} was deleted or replaced during this run; "
                  "keeping new translations in the file now at that path")
            # Empty the -wal beside the path into the file it belongs to: SQLite would
            # apply its pages to the file now at the path, overwriting what that holds.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._close()
            self._open()
        return self.db if self.writable else None

    def _write(self, rows: list[tuple[str, str]]) -> None:
        if not rows:
            return
        try:
            db = self._writer()
            if db is None:
                return
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", rows)
        except sqlite3.Error as err:
            self._recover(err)

    def get(self, keys: list[str]) -> dict[str, Any]:
        """The stored values of those `keys` that are stored."""
        if self.db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                # Values as bytes, and one that is no JSON text (damaged, or not ours) a
                # miss: translated again and replaced, the rest of the store still used.
                for key, value in self.db.execute(
                        f"SELECT key, CAST(value AS BLOB) FROM translations WHERE key IN ({marks})", chunk):
                    with contextlib.suppress(ValueError, TypeError):
                        found[key] = json.loads(value)
        except sqlite3.Error as err:
            self._recover(err)
            return {}
        return found

    def put(self, items: dict[str, Any]) -> None:
        self._write([(key, json.dumps(value, ensure_ascii=False)) for key, value in items.items()])

    def size(self) -> int:
        if self.db is None:
            return 0
        return self.db.execute(COUNT).fetchone()[0]

    def clear(self) -> int:
        """Empty the store; how many translations it held."""
        held = self.size()
        if self.db is not None:
            self.db.execute("DELETE FROM translations")
            self.db.execute("VACUUM")
        return held
