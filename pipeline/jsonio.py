"""JSON files for stage outputs: dataclasses in, dataclasses out, written atomically.

Every stage writes its result under build/ so Make can rebuild only what changed and
a person can read each step. A write goes to a temporary file that is renamed into
place, so a failed stage never leaves half a file or clobbers the last good one.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def write_text_atomic(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` in one rename, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(obj: Any, path: Path) -> None:
    """Write a dataclass tree as indented UTF-8 JSON (Chinese left readable)."""
    text = json.dumps(dataclasses.asdict(obj), ensure_ascii=False, indent=1)
    write_text_atomic(path, text + "\n")


def load(cls: type[T], path: Path) -> T:
    """Read JSON written by `dump` back into `cls`."""
    return from_dict(cls, json.loads(Path(path).read_text(encoding="utf-8")))


def from_dict(cls: Any, data: Any) -> Any:
    """Rebuild a value of type `cls` (dataclasses, lists, dicts, optionals) from JSON data."""
    origin = typing.get_origin(cls)
    if dataclasses.is_dataclass(cls):
        return cls(**{name: from_dict(hint, data[name]) for name, hint in _fields(cls) if name in data})
    if origin in (list, tuple):
        (item,) = typing.get_args(cls)[:1]
        return [from_dict(item, x) for x in data]
    if origin is dict:
        _, value = typing.get_args(cls)
        return {k: from_dict(value, v) for k, v in data.items()}
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        inner = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_dict(inner[0], data)
    return data


@cache
def _fields(cls: type) -> list[tuple[str, Any]]:
    """A dataclass's fields and their types, found once per class: typing.get_type_hints
    compiles every annotation each time (most of a load's time when done per object)."""
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]
