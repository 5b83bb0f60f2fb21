"""Command line: the commands (commands.py) and the operations that run a server or a
build loop (review, build, watch), parsed here and their outcomes printed.

Make calls the stage commands one file at a time (see the Makefile). Bad input ends with
one line on stderr, "error: FILE: PROBLEM", and exit status 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import SourceError
from pipeline.ops import commands


def _review(args: argparse.Namespace) -> str | None:
    from pipeline.ops.review import port_refusal, serve
    if problem := port_refusal(args.port):
        raise SourceError("make review", problem)
    if args.check_port:
        return None  # make review builds next: a free port says nothing
    serve(args.source_dir, args.build, args.port, args.make_args, args.python)
    return "review server stopped"


def _build(args: argparse.Namespace) -> str | None:
    from pipeline.ops.runner import build
    status = build(args.python, args.build, args.targets, source_dir=args.source_dir)
    if status:
        raise SystemExit(status)  # each failure has said what it was: no line more
    return None  # the runner has said what it built


def _watch(args: argparse.Namespace) -> None:
    from pipeline.ops.runner import watch
    watch(args.python, args.build, args.source_dir, args.targets)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    commands.register(sub)

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        c.set_defaults(run=run, live=True)  # its warnings printed as they come
        return c

    rv = command("review", _review, "serve the briefs on 127.0.0.1 with the English editable")
    rv.add_argument("--source-dir", type=Path, default=Path("source"))
    rv.add_argument("--build", type=Path, default=Path("build"))
    rv.add_argument("--port", type=int, default=8765)
    rv.add_argument("--check-port", action="store_true",
                    help="only check that the port is free, and exit (make review does, before it builds)")
    rv.add_argument("--make-args", nargs="*", default=[], help="extra make arguments for rebuilds (VAR=value)")
    rv.add_argument("--python", default=".venv/bin/python", help="the interpreter as the Makefile names it")
    bd = command("build", _build, "build every stale brief as `make briefs` would, in one process "
                 "(make runs this): the model loaded once, all stale articles' sentences batched")
    bd.add_argument("--build", type=Path, default=Path("build"), help="the build folder (for build.log)")
    bd.add_argument("--python", default=".venv/bin/python", help="the interpreter as the Makefile names it")
    bd.add_argument("--source-dir", type=Path, help="the folder of articles: its files that are not built are named")
    bd.add_argument("targets", nargs="*", default=["briefs"], help="make targets to plan")
    wa = command("watch", _watch, "build as `build` does, then again whenever a file of the source folder or "
                 "templates/ changes, keeping the model, dictionaries and WeasyPrint loaded (make watch)")
    wa.add_argument("--build", type=Path, default=Path("build"), help="the build folder (for build.log)")
    wa.add_argument("--source-dir", type=Path, default=Path("source"), help="the folder of articles to watch")
    wa.add_argument("--python", default=".venv/bin/python", help="the interpreter as the Makefile names it")
    wa.add_argument("targets", nargs="*", default=["briefs", "site"], help="make targets to plan")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    outcome = commands.execute(args)
    print(outcome.said, end="")
    print(outcome.errors, end="", file=sys.stderr)
    return outcome.status
