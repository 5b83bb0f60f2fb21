"""Where the package's code and data are, and which of them each build output depends on.

Said once for the three that need it: the Makefile (an output is rebuilt when its code
changes: `python -I pipeline/code.py make` writes the variables it includes), the
translation memory (its key holds a digest of the translate stage's code) and the names
store (rebuilt when the dictionary code changes). What an output depends on is found, not
listed: the modules its stages import, followed through the package, and the data files
those modules read (`DATA_READ_BY`, the one hand-kept part; a test holds it complete).

Standard library only: Make runs this file by path, before the venv may exist.
"""
from __future__ import annotations

import ast
import hashlib
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
DATA = PACKAGE / "data"
TEMPLATES = REPO / "templates"

# Each output of a brief, and the modules whose code makes it (their imports follow).
OUTPUTS: dict[str, tuple[str, ...]] = {
    "document": ("stages/read/__init__.py",),
    "scripts": ("stages/scripts.py",),
    "segments": ("stages/segment.py",),
    "names": ("stages/names.py",),
    "translations": ("stages/translate/__init__.py",),
    "aligned": ("stages/align.py", "stages/quality.py"),
    "reviewed": ("stages/corrections.py",),
    "quality": ("stages/quality.py",),
    "render": ("stages/render/__init__.py",),
    "xliff": ("ops/xliff.py",),
    "site": ("stages/render/site.py",),
    "lexicon": ("lang/lexicon.py",),
}
# The data files a module reads, relative to the package.
DATA_READ_BY: dict[str, tuple[str, ...]] = {
    "lang/glossary.py": ("data/glossary.tsv", "data/terms.tsv", "data/companies.tsv"),
    "lang/romanize.py": ("data/surnames.tsv",),
    "checks/estimate.py": ("data/qe.json",),
}


def module_path(name: str) -> Path | None:
    """The file of the package's module `name` (dotted, from `pipeline`), if it is one."""
    parts = name.split(".")[1:]
    for candidate in (PACKAGE.joinpath(*parts).with_suffix(".py"), PACKAGE.joinpath(*parts, "__init__.py")):
        if parts and candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


@cache
def imported(path: Path) -> frozenset[Path]:
    """The package's modules that the module at `path` imports, anywhere in it but under
    `if TYPE_CHECKING:`."""
    package = path.relative_to(REPO).with_suffix("").parts
    if path.name == "__init__.py":
        package = package[:-1]
    found: set[Path] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if _is_type_checking(block)
                   for stmt in block.body for n in ast.walk(stmt)}  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if id(node) in typing_only:  # `if TYPE_CHECKING:` imports change nothing the code does
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package if path.name == "__init__.py" else package[:-1]
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            if base.split(".")[0] != "pipeline":
                continue
            for alias in node.names:  # `from pipeline.lang import glossary` imports a module
                found.update(p for p in (module_path(f"{base}.{alias.name}"), module_path(base)) if p)
        elif isinstance(node, ast.Import):
            found.update(p for a in node.names if (p := module_path(a.name)))
    return frozenset(found - {path})


def closure(entries: tuple[str, ...]) -> list[Path]:
    """The entry modules, every module they import through the package, and the data those read."""
    seen: set[Path] = set()
    todo = [PACKAGE / e for e in entries]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += imported(path)
    data = {PACKAGE / d for p in seen for d in DATA_READ_BY.get(p.relative_to(PACKAGE).as_posix(), ())}
    return sorted(seen | data)


def depends_on(output: str) -> list[Path]:
    """The code and data whose change changes `output` (a key of `OUTPUTS`): with the
    stages' code, jsonio.py, which writes every stage file."""
    return sorted({*closure(OUTPUTS[output]), PACKAGE / "jsonio.py"})


@cache
def digest(output: str) -> str:
    """A digest of what `output` depends on: it changes when any of that code or data does
    (read once per process: the code a process runs does not change under it)."""
    sha = hashlib.sha256()
    for path in depends_on(output):
        sha.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def make_variables() -> str:
    """`CODE_<output> := files…` for every output, for the Makefile to include."""
    return "".join(f"CODE_{output} := {' '.join(p.relative_to(REPO).as_posix() for p in depends_on(output))}\n"
                   for output in OUTPUTS)


if __name__ == "__main__":
    if sys.argv[1:] != ["make"]:
        sys.exit("usage: python -I pipeline/code.py make")
    sys.stdout.write(make_variables())
