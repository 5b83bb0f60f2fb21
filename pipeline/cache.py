"""Where the build keeps what it made once and reads again: the translation memory and the
names store, in the user's cache folder (~/.cache/news-briefs/ on Linux) unless
$BRIEFS_MEMORY names the memory's file (make MEMORY=path)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

FOLDER = "news-briefs"
MEMORY_FILE = "translation-memory.sqlite3"


def folder() -> Path:
    """The user's cache folder for this product."""
    return platformdirs.user_cache_path(FOLDER)


def memory_location() -> Path:
    """$BRIEFS_MEMORY, else the memory file in the user's cache folder."""
    if os.environ.get("BRIEFS_MEMORY"):
        return Path(os.environ["BRIEFS_MEMORY"])
    return folder() / MEMORY_FILE
