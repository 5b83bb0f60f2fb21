"""The package's imports run one way (README, "Architecture"): the command line → operations
→ stages → checks → language knowledge → the data model, with the foundation (errors, JSON,
paths, the cache folder, the source listing) under all of them. No module imports, even
inside a function or for type checking only, one of a higher layer or one that imports it
back; a stage imports no other stage (what stages share is the data model's); and the
Makefile, the translation memory and the names store learn what an output depends on from
one place (pipeline/code.py)."""
from __future__ import annotations

import ast
from pathlib import Path

from pipeline import code

PACKAGE = code.PACKAGE
# Lower layers first: a module may import its own layer's modules and those below.
LAYERS = ("model", "lang", "checks", "stages", "ops")
COMMAND_LINE = {"cli", "__main__"}


def imports() -> dict[str, set[str]]:
    """Each module of the package (dotted, without `pipeline.`) and the package's modules it
    imports, anywhere in it, type-checking imports included."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
                assert node.level == 0, f"{path}: relative import"  # one spelling of every module
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    found.add(target if code.module_path(target) else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == "pipeline"}
        graph[name_of(path)] = {m.removeprefix("pipeline.") for m in found if m != "pipeline"} - {name_of(path)}
    return graph


def name_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def layer(module: str) -> int:
    """0 the foundation, then LAYERS in order, the command line last."""
    top = module.split(".")[0]
    if top in COMMAND_LINE:
        return len(LAYERS) + 1
    return LAYERS.index(top) + 1 if top in LAYERS else 0


def stage(module: str) -> str | None:
    """The stage a module belongs to (a stage may be a package: stages.translate.engine)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "stages" and len(parts) > 1 else None


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets if layer(b) > layer(a))


def across_stages(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets
                  if stage(a) and stage(b) and stage(a) != stage(b))


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, as the path that closes it (depth-first search)."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, [*path, other])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_no_import_circle() -> None:
    assert circles(imports()) == []


def test_nothing_imports_upward() -> None:
    assert upward(imports()) == []


def test_no_stage_imports_another() -> None:
    assert across_stages(imports()) == []


def test_the_align_stage_never_reaches_for_the_model() -> None:
    assert not {m for m in imports()["stages.align"] if m.startswith("stages.translate")}


def test_every_module_is_placed_in_a_layer() -> None:
    foundation = {m for m in imports() if layer(m) == 0}
    assert foundation == {"__init__", "errors", "jsonio", "code", "cache", "sources"}


def test_no_module_is_over_400_lines() -> None:
    long = {name_of(p): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_every_data_file_is_read_by_a_module_said_to_read_it() -> None:
    listed = {d for files in code.DATA_READ_BY.values() for d in files}
    assert listed == {p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "data").iterdir()}
    assert all((PACKAGE / module).is_file() for module in code.DATA_READ_BY)


def test_what_an_output_depends_on_follows_the_imports() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in code.depends_on("names")}
    assert {"stages/names.py", "lang/lexicon.py", "lang/cedict.py", "lang/romanize.py", "data/surnames.tsv"} <= names
    assert not {n for n in names if n.startswith(("stages/translate", "ops/"))}
    assert "stages/translate/engine.py" in {p.relative_to(PACKAGE).as_posix() for p in code.depends_on("translations")}


def test_the_walks_find_what_they_look_for() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert upward({"lang.glossary": {"stages.names"}, "stages.names": {"lang.glossary"}}) == [
        ("lang.glossary", "stages.names")]
    assert across_stages({"stages.align": {"stages.translate.engine", "stages.align", "model.aligned"}}) == [
        ("stages.align", "stages.translate.engine")]
