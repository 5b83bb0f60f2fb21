"""What a stage tells the person running it: the one error it raises for bad input, naming
the file and the problem, and warnings that do not stop it."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

# Lists collecting the warnings of the commands running (commands.execute), innermost last.
_COLLECTING: list[list[str]] = []


class SourceError(Exception):
    """An article that cannot be turned into a brief; other articles are unaffected."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def warn(message: str) -> None:
    """A warning line ("warning: FILE: WHAT") for the person running the build: kept for
    the outcome of the command that gave it, or printed on stderr outside one."""
    if _COLLECTING:
        _COLLECTING[-1].append(message)
    else:
        print(message, file=sys.stderr)


@contextlib.contextmanager
def collected() -> Iterator[list[str]]:
    """The warnings given inside the `with` block, kept instead of printed."""
    kept: list[str] = []
    _COLLECTING.append(kept)
    try:
        yield kept
    finally:
        _COLLECTING.remove(kept)
