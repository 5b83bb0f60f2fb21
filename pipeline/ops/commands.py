"""The commands behind the command line: one per stage and per operation that runs
without a server or a build loop, each reading and writing files, each returning what it
did (`Outcome`) rather than printing it.

Make calls the stages one file at a time (see the Makefile), so an article is rebuilt
only from the stage whose input changed; the runner (runner.py) calls them in its own
process through `run`, and translates many articles' sentences at once through
`batch.translate_many`. The command line (cli.py) prints each outcome: bad input ends with one
line on stderr, "error: FILE: PROBLEM", and exit status 1.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline import jsonio
from pipeline.errors import SourceError, collected, warn

GLOSSARY_HELP = "project glossary files (TSV: zh, en, kind, note) on top of the built-in one"


def _read(args: argparse.Namespace) -> str:
    from pipeline.stages.read import read_with_encoding, summary
    doc, encoding = read_with_encoding(args.source)
    jsonio.dump(doc, args.out)
    return summary(doc, encoding)


def _scripts(args: argparse.Namespace) -> str:
    from pipeline.model.document import Document
    from pipeline.stages.scripts import convert
    doc = convert(jsonio.load(Document, args.input))
    jsonio.dump(doc, args.out)
    return f"source in {doc.script}, other script by OpenCC {', '.join(doc.configs.values())}"


def _segment(args: argparse.Namespace) -> str:
    from pipeline.model.scripts import ScriptedDocument
    from pipeline.stages.segment import segment
    doc = segment(jsonio.load(ScriptedDocument, args.input))
    jsonio.dump(doc, args.out)
    units = doc.all_sentences()
    return f"{len(units)} sentences, {sum(len(u.clauses) for u in units)} clauses"


def _names(args: argparse.Namespace) -> str:
    from pipeline.lang import glossary
    from pipeline.model.segments import SegmentedDocument
    from pipeline.stages.names import find
    segmented = jsonio.load(SegmentedDocument, args.input)
    result = find(segmented, glossary.load(args.glossary, segmented.meta.glossary))
    jsonio.dump(result, args.out)
    origins = Counter(n.origin for n in result.names)
    return (f"{len(result.names)} names beyond the glossary ({result.region}): "
            + ", ".join(f"{n} {o}" for o, n in origins.most_common())
            if result.names else "no names beyond the glossary")


def _translate(args: argparse.Namespace) -> str:
    from pipeline.model.names import Names
    from pipeline.model.segments import SegmentedDocument
    from pipeline.stages.translate import translate
    from pipeline.stages.translate.memory import Memory
    names = jsonio.load(Names, args.names) if args.names else None
    result = translate(jsonio.load(SegmentedDocument, args.input), args.glossary, quality=args.quality,
                       names=names, memory=None if args.no_memory else Memory())
    jsonio.dump(result, args.out)
    return translated_line(result)


def translated_line(result) -> str:
    written = f", {result.written} with no Chinese kept as written" if result.written else ""
    return f"{len(result.units)} sentences: {result.translated} translated, {result.remembered} from memory{written}"


def _align(args: argparse.Namespace) -> str:
    from pipeline.lang import glossary
    from pipeline.model.segments import SegmentedDocument
    from pipeline.model.translations import Translations
    from pipeline.stages.align import align
    from pipeline.stages.quality import assess
    from pipeline.stages.translate import default_model
    from pipeline.stages.translate.memory import Memory
    from pipeline.stages.translate.scoring import model_scorer, remembered
    segmented = jsonio.load(SegmentedDocument, args.segments)
    translations = jsonio.load(Translations, args.translations)
    terms = glossary.load(args.glossary, segmented.meta.glossary)
    scorer = remembered(lambda: model_scorer(default_model()), Memory())
    doc = assess(align(segmented, translations, scorer), translations, terms)
    jsonio.dump(doc, args.out)
    return f"{sum(len(b.rows) for b in doc.blocks)} rows"


def _corrections(args: argparse.Namespace) -> str:
    from pipeline.checks.english import entities
    from pipeline.lang import glossary
    from pipeline.model.aligned import AlignedDocument
    from pipeline.stages.corrections import load, nearest, reviewed
    doc = jsonio.load(AlignedDocument, args.input)
    corrections = load(args.corrections) if args.corrections else []
    approvals = load(args.approved) if args.approved else []
    known = entities(glossary.load(args.glossary, doc.meta.glossary))
    doc, unapproved = reviewed(doc, corrections, approvals, known, str(args.corrections or ""))
    jsonio.dump(doc, args.out)
    for c in doc.stale:
        near = nearest(doc, c.zh)
        meant = f"; did you mean 「{near[0]}」 ({near[1]} % alike)?" if near else ""
        warn(f"warning: {args.corrections}:{c.line}: stale, not applied: its Chinese is not in the article "
             f"({_cut(c.zh)}){meant}")
    for a in unapproved:
        warn(f"warning: {args.approved}:{a.line}: stale approval, not applied: the row's Chinese is gone "
             f"or the model's English for it changed since it was approved ({_cut(a.zh)})")
    done, rows = doc.reviewed()
    applied = len(corrections) - len(doc.stale)
    said = [f"{applied} corrections applied, {len(doc.stale)} stale"] if corrections else []
    said += [f"{len(approvals) - len(unapproved)} approvals applied, {len(unapproved)} stale"] if approvals else []
    return f"{'; '.join(said)}; {done} of {rows} rows reviewed" if said else "no corrections"


def _cut(zh: str) -> str:
    """A row's Chinese as a warning names it: its first 30 characters."""
    return f"{zh[:30]}{'…' if len(zh) > 30 else ''}"


def _quality(args: argparse.Namespace) -> str:
    from pipeline.model.aligned import AlignedDocument
    from pipeline.stages.quality import report
    result = report(jsonio.load(AlignedDocument, args.input))
    jsonio.dump(result, args.out)
    return result.summary()


def _assess(args: argparse.Namespace) -> str:
    from pipeline.ops.assess import assess_table
    return assess_table(args.input, args.out)


def _html(args: argparse.Namespace) -> str:
    from pipeline.model.aligned import AlignedDocument
    from pipeline.model.quality import Report
    from pipeline.stages.render import render_html
    doc = jsonio.load(AlignedDocument, args.input)
    jsonio.write_text_atomic(args.out, render_html(doc, args.scripts, jsonio.load(Report, args.quality)))
    return str(args.out)


def _pdf(args: argparse.Namespace) -> str:
    from pipeline.model.aligned import AlignedDocument
    from pipeline.stages.render import render_pdf
    jsonio.write_text_atomic(args.out, render_pdf(jsonio.load(AlignedDocument, args.input), args.script))
    return str(args.out)


def _site(args: argparse.Namespace) -> str:
    import json

    from pipeline.lang.glossary import BASES
    from pipeline.model.aligned import AlignedDocument
    from pipeline.stages.render.site import (
        CHECKSUMS,
        FEED,
        MANIFEST,
        PAGE,
        checksums,
        entry,
        manifest,
        render_feed,
        render_index,
        sha256,
    )
    from pipeline.stages.translate.provision import MODEL_BIN_SHA256
    entries = []
    for slug in args.slugs:
        folder = args.build / slug
        if (folder / PAGE).is_file() and (folder / "reviewed.json").is_file():
            entries.append(entry(jsonio.load(AlignedDocument, folder / "reviewed.json"), folder, args.scripts))
    jsonio.write_text_atomic(args.build / PAGE, render_index(entries))
    jsonio.write_text_atomic(args.build / FEED, render_feed(entries, args.base_url))
    digests = {p: sha256(args.build / p) for e in entries for p in (e.page, *e.pdfs.values())}
    listing = manifest(entries, digests, [*BASES, *args.glossary], MODEL_BIN_SHA256)
    jsonio.write_text_atomic(args.build / MANIFEST, json.dumps(listing, ensure_ascii=False, indent=1) + "\n")
    digests.update((p, sha256(args.build / p)) for p in (PAGE, FEED, MANIFEST))
    jsonio.write_text_atomic(args.build / CHECKSUMS, checksums(digests))
    return f"{len(entries)} briefs listed"


def _memory(args: argparse.Namespace) -> str:
    from pipeline.stages.translate.memory import Memory
    memory = Memory()
    if args.clear:
        return f"{memory.clear()} translations removed from {memory.path}"
    return f"{memory.size()} translations in {memory.path}"


def _xliff(args: argparse.Namespace) -> str:
    from pipeline.model.aligned import AlignedDocument
    from pipeline.model.quality import Report
    from pipeline.ops.xliff import export
    doc = jsonio.load(AlignedDocument, args.input)
    jsonio.write_text_atomic(args.out, export(doc, jsonio.load(Report, args.quality)))
    return str(args.out)


def _import(args: argparse.Namespace) -> str:
    from pipeline.ops.xliff import merge_into_corrections
    return merge_into_corrections(args.xliff, args.source_dir, args.build)


def _publish(args: argparse.Namespace) -> str:
    from pipeline.ops.publish import Busy, locked_publish
    from pipeline.sources import scan
    slugs = [Path(name).stem for name in scan(args.source_dir)[0]]  # make builds these; it names the rest
    try:
        result = locked_publish(args.dest.resolve(), args.build.resolve(), args.base_url,
                                [f"SOURCE_DIR={args.source_dir.resolve()}", *args.make_args], slugs)
    except Busy as err:
        raise SourceError(str(args.dest), str(err)) from err
    for line in result.lines[:-1]:  # failures on stderr: what cron mails when stdout goes to a log
        print(line, file=sys.stderr if line.startswith("FAILED") else sys.stdout)
    if not result.ok:
        raise SourceError(str(args.dest), result.lines[-1])
    return result.lines[-1]


def _doctor(args: argparse.Namespace) -> str:
    from pipeline.ops.doctor import examine
    findings = examine()
    print("\n".join(f.line() for f in findings))
    broken = [f.what for f in findings if not f.ok]
    if broken:
        raise SourceError("make doctor", f"{len(broken)} to fix: {', '.join(broken)}")
    return f"all {len(findings)} checks passed"


def _model(args: argparse.Namespace) -> str:
    from pipeline.stages.translate.provision import ensure
    return f"model ready in {ensure()}"


@dataclass
class Outcome:
    """What a command did: its exit status, its line for the build log and its warning and
    error lines, each line ending in a newline ("" for none)."""

    status: int
    said: str = ""
    errors: str = ""
    seconds: float = 0.0


def register(sub) -> None:
    """Add the commands of this module to `sub` (argparse's subparsers), each with its
    function as `run`."""

    def command(name: str, run, help: str, *files: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        for f in files:
            c.add_argument(f, type=Path)
        c.set_defaults(run=run)
        return c

    command("read", _read, "source file → document.json", "source", "out")
    command("scripts", _scripts, "document.json → scripts.json (zh-Hant and zh-Hans)", "input", "out")
    command("segment", _segment, "scripts.json → segments.json (sentences, clauses)", "input", "out")
    nm = command("names", _names, "segments.json → names.json (names beyond the glossary, with their "
                 "English: from the source's own glosses, CC-CEDICT, romanized people)", "input", "out")
    nm.add_argument("--glossary", type=Path, nargs="*", default=[], help=GLOSSARY_HELP)
    tr = command("translate", _translate, "segments.json (+ names.json) → translations.json", "input", "out")
    tr.add_argument("--glossary", type=Path, nargs="*", default=[], help=GLOSSARY_HELP)
    tr.add_argument("--names", type=Path, help="names.json from the names stage")
    tr.add_argument("--quality", default="default", choices=["fast", "default"],
                    help="fast: greedy search, retries for sentences failing the checks; "
                         "default: checks, then consensus of the 4-best")
    tr.add_argument("--no-memory", action="store_true",
                    help="translate every sentence afresh, neither reading nor filling the translation memory")
    al = command("align", _align, "segments.json + translations.json → aligned.json (rows, each with "
                 "its confidence and reasons to check it)", "segments", "translations", "out")
    al.add_argument("--glossary", type=Path, nargs="*", default=[], help=GLOSSARY_HELP)
    co = command("corrections", _corrections, "aligned.json → reviewed.json (an editor's English on the "
                 "rows named in source/<slug>.corrections.tsv, the rows of source/<slug>.approved.tsv "
                 "marked reviewed)", "input", "out")
    co.add_argument("--corrections", type=Path, help="the article's corrections file (zh<TAB>en)")
    co.add_argument("--approved", type=Path, help="the article's approvals file: rows found right as the "
                    "model wrote them (zh<TAB>the model's English)")
    co.add_argument("--glossary", type=Path, nargs="*", default=[], help=GLOSSARY_HELP)
    command("quality", _quality, "reviewed.json → quality.json (rows an editor should check)", "input", "out")
    command("assess", _assess, "a TSV of zh/en pairs (header, columns zh and en; others kept) → the same with "
            "confidence (0-1: probability the English is right) and reasons, by the quality estimator and the checks",
            "input", "out")
    html = command("html", _html, "reviewed.json + quality.json → side-by-side HTML page", "input", "quality", "out")
    html.add_argument("--scripts", nargs="+", default=["zh-Hant", "zh-Hans"],
                      choices=["zh-Hant", "zh-Hans"], help="scripts that have a PDF to link to")
    pdf = command("pdf", _pdf, "reviewed.json → PDF brief in one script", "input", "out")
    pdf.add_argument("--script", required=True, choices=["zh-Hant", "zh-Hans"])
    site = command("site", _site, "index.html, feed.xml, manifest.json and SHA256SUMS for every built brief",
                   "build")
    site.add_argument("slugs", nargs="*")
    site.add_argument("--scripts", nargs="+", default=["zh-Hant", "zh-Hans"], choices=["zh-Hant", "zh-Hans"])
    site.add_argument("--base-url", default="./", help="absolute URL the site is published at (for the feed)")
    site.add_argument("--glossary", type=Path, nargs="*", default=[], help=GLOSSARY_HELP)
    mem = command("memory", _memory, "the translation memory: where it is and how many sentences it holds "
                  "($BRIEFS_MEMORY overrides the place)")
    mem.add_argument("--clear", action="store_true", help="empty it")
    command("xliff", _xliff, "reviewed.json + quality.json → XLIFF for CAT tools (one unit per row)",
                 "input", "quality", "out")
    imp = command("import", _import, "merge an edited XLIFF file back into the article's corrections file",
                  "xliff")
    imp.add_argument("--source-dir", type=Path, default=Path("source"))
    imp.add_argument("--build", type=Path, default=Path("build"))
    pub = command("publish", _publish, "build what changed and copy the site into a folder (make publish)")
    pub.add_argument("--dest", type=Path, required=True, help="the published folder")
    pub.add_argument("--source-dir", type=Path, default=Path("source"))
    pub.add_argument("--build", type=Path, default=Path("build"))
    pub.add_argument("--base-url", required=True, help="the absolute address DEST is served at")
    pub.add_argument("--make-args", nargs="*", default=[], help="extra make arguments (VAR=value)")
    command("doctor", _doctor, "check fonts, HarfBuzz subsetting, pandoc, the model and its checksum, "
            "the translation memory and the tests' browser, and say what to fix")
    command("model", _model, "install and verify the translation model")


def parser() -> argparse.ArgumentParser:
    """The parser of this module's commands alone (what a build plan runs)."""
    p = argparse.ArgumentParser(prog="python -m pipeline")
    register(p.add_subparsers(dest="command", required=True))
    return p


def run(argv: list[str]) -> Outcome:
    """Run one command given as its argument list (a line of Make's plan)."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse has said what is wrong on stderr
        return Outcome(int(stop.code or 0), errors=f"error: cannot run {' '.join(argv)}\n")
    return execute(args)


def execute(args: argparse.Namespace) -> Outcome:
    """Run a parsed command: its outcome, with the warnings it gave, never an exception
    (an error is its line)."""
    started = time.perf_counter()
    name = getattr(args, "source", None) or getattr(args, "input", None) or getattr(args, "segments", "")
    # A server or a build loop (cli's review, build, watch) says what it does as it goes.
    gathering: contextlib.AbstractContextManager[list[str]] = (
        contextlib.nullcontext([]) if getattr(args, "live", False) else collected())
    with gathering as warnings:
        try:
            summary = args.run(args)
            error = ""
        except Exception as err:  # noqa: BLE001 — one line naming the file beats a traceback in a cron mail
            summary, error = None, error_line(err, name or args.command) + "\n"
    seconds = time.perf_counter() - started
    said = log_line(args.command, str(name or ""), summary, seconds) + "\n" if summary is not None else ""
    return Outcome(1 if error else 0, said, "".join(f"{w}\n" for w in warnings) + error, seconds)


def log_line(command: str, name: str, summary: str, seconds: float) -> str:
    """A stage's line in the build log: "  translate  build/x/segments.json: … (1.2 s)"."""
    return f"{command:>11}  {f'{name}: ' if name else ''}{summary} ({seconds:.1f} s)"


def error_line(err: Exception, name: object) -> str:
    """"error: FILE: PROBLEM": a SourceError names its file; anything else is named by
    the file the stage was reading."""
    if isinstance(err, SourceError):
        return f"error: {err}"
    return f"error: {name}: {type(err).__name__}: {err}"
