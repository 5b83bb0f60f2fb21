"""Translation memory: each sentence's English, kept across builds in one SQLite file.

A rebuild translates only the sentences the model has not already translated under the
same conditions, as CAT tools reuse a translation memory. translate.py makes the key
(the exact model input, the model's checksum, the decoding, the glossary terms the
sentence contains, and the code that chooses the English); this module only stores
and fetches. The store lives outside build/ (the user's cache folder, or
$BRIEFS_MEMORY), so `make clean` keeps it and `make clean-memory` empties it.

The memory only saves time, so it never stops a build: a corrupt file is set aside and
started afresh, a store locked by another process past the timeout is left alone for
this run; either way with a warning on stderr.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import platformdirs

FILE_NAME = "translation-memory.sqlite3"
TIMEOUT = 30.0  # seconds to wait for another build's write (make -j2 runs two translations)


def location() -> Path:
    """$BRIEFS_MEMORY, else the user's cache folder (~/.cache/news-briefs/ on Linux)."""
    if os.environ.get("BRIEFS_MEMORY"):
        return Path(os.environ["BRIEFS_MEMORY"])
    return platformdirs.user_cache_path("news-briefs") / FILE_NAME


def _warn(message: str) -> None:
    print(f"warning: translation memory: {message}", file=sys.stderr)


def _locked(err: sqlite3.Error) -> bool:
    return "locked" in str(err) or "busy" in str(err)


class Memory:
    """English (as JSON-ready dicts) by key; every failure degrades to translating afresh."""

    def __init__(self, path: Path | None = None, timeout: float = TIMEOUT) -> None:
        self.path = path or location()
        self.timeout = timeout
        self.db: sqlite3.Connection | None = None
        try:
            self.db = self._connect()
        except sqlite3.Error as err:
            self._recover(err)
        except OSError as err:  # its folder cannot be made (a file in the way, no permission)
            _warn(f"{self.path} cannot be made ({err}); translating without it this run")

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            db.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("SELECT count(*) FROM translations").fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _recover(self, err: sqlite3.Error) -> None:
        """After an error: a lock means skip the memory this run; anything else, start afresh."""
        if self.db is not None:
            self.db.close()
            self.db = None
        if _locked(err):
            _warn(f"{self.path} is locked by another process ({err}); translating without it this run")
            return
        _warn(f"{self.path} is unreadable ({err}); starting a new one")
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.db = self._connect()
        except (OSError, sqlite3.Error) as again:
            _warn(f"{self.path} cannot be made ({again}); translating without it this run")

    def get(self, keys: list[str]) -> dict[str, Any]:
        """The stored values of those `keys` that are stored."""
        if self.db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self.db.execute(
                        f"SELECT key, value FROM translations WHERE key IN ({marks})", chunk):
                    found[key] = json.loads(value)
        except (sqlite3.Error, json.JSONDecodeError) as err:
            self._recover(err if isinstance(err, sqlite3.Error) else sqlite3.DatabaseError(str(err)))
            return {}
        return found

    def put(self, items: dict[str, Any]) -> None:
        if self.db is None or not items:
            return
        rows = [(key, json.dumps(value, ensure_ascii=False)) for key, value in items.items()]
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", rows)
        except sqlite3.Error as err:
            self._recover(err)

    def size(self) -> int:
        if self.db is None:
            return 0
        return self.db.execute("SELECT count(*) FROM translations").fetchone()[0]

    def clear(self) -> int:
        """Empty the store; how many translations it held."""
        held = self.size()
        if self.db is not None:
            self.db.execute("DELETE FROM translations")
            self.db.execute("VACUUM")
        return held
