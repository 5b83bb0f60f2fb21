"""JSON files for stage outputs: dataclasses in, dataclasses out, written atomically.

Every stage writes its result under build/ so Make can rebuild only what changed and
a person can read each step. A write goes to a temporary file that is renamed into
place (`replaced`, the one way the package writes a file whole: stage files, the names
store), so a failed stage never leaves half a file or clobbers the last good one. Each
file says which shape of the data model (pipeline/model/) it holds: `schema`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import types
import typing
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import SourceError

T = TypeVar("T")


# The shape of the stage files (pipeline/model/): raised when a field changes meaning or
# goes away, so that a file of another shape is named as such rather than misread.
SCHEMA = 1


@contextlib.contextmanager
def replaced(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write, renamed over `path` (mode 0644) when the
    block ends without an error, removed when it raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` in one rename, creating parent folders."""
    with replaced(path) as tmp:
        tmp.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def dump(obj: Any, path: Path) -> None:
    """Write a dataclass tree as indented UTF-8 JSON (Chinese left readable)."""
    text = json.dumps({"schema": SCHEMA, **dataclasses.asdict(obj)}, ensure_ascii=False, indent=1)
    write_text_atomic(path, text + "\n")


def load(cls: type[T], path: Path) -> T:
    """Read JSON written by `dump` back into `cls` (a file from before `schema` was
    written holds schema 1)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("schema", 1) != SCHEMA:
        raise SourceError(str(path), f"written in the stage files' schema {data['schema']}, this version "
                                     f"reads {SCHEMA}: build it again (make)")
    return from_dict(cls, data)


def from_dict(cls: Any, data: Any) -> Any:
    """Rebuild a value of type `cls` (dataclasses, lists, dicts, optionals) from JSON data."""
    return _converter(cls)(data)


@cache
def _converter(cls: Any) -> Callable[[Any], Any]:
    """The function that rebuilds a `cls` from JSON data, made once per type: a brief's
    JSON holds some thousand objects and ten times as many strings and numbers, which
    are taken as they are, with no look at their type."""
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        fields: list[tuple[str, Callable[[Any], Any]]] = []

        def rebuild(data: dict) -> Any:
            if not fields:  # resolved at the first call: a dataclass may hold its own kind
                fields.extend((f.name, _converter(hint)) for f, hint in _hints(cls))
            return cls(**{name: convert(data[name]) for name, convert in fields if name in data})
        return rebuild
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin in (list, tuple):
        item = _converter(args[0])
        return list if item is _as_is else lambda data: [item(x) for x in data]
    if origin is dict:
        value = _converter(args[1])
        return dict if value is _as_is else lambda data: {k: value(v) for k, v in data.items()}
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in args if a is not type(None)))
        return _as_is if inner is _as_is else lambda data: None if data is None else inner(data)
    return _as_is


def _as_is(data: Any) -> Any:
    return data


def _hints(cls: type) -> list[tuple[dataclasses.Field, Any]]:
    """A dataclass's fields and their types (typing.get_type_hints compiles every annotation)."""
    hints = typing.get_type_hints(cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls)]
