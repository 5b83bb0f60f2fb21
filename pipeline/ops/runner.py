"""Build what is stale in one process: Make decides what to run, this runs it.

Run one stage command at a time, as Make alone would, and every command is a fresh
Python that imports its libraries again, loads the model again (translate, align),
jieba and its name lists again (names), WeasyPrint and its fonts again (pdf): ten
start-ups per article, and an engine that sees one article's sentences at a time.

So `make` asks Make for its plan (`make -n briefs`: each stale target's commands, in an
order that respects their inputs) and runs the plan here, stage by stage across all
articles: the translate commands as one batch (`batch.translate_many`, one model, the
sentences of every stale article together), the others in this process (`-j1`) or in
`-j` worker processes started before any heavy import, each keeping what it loaded.
Make still decides what is stale, so a rebuild redoes only what changed; a command
that fails skips only the commands that need its output, and the others go on. Then
the index (`make -n site`, planned only now: it depends on what the briefs wrote).

Stage lines go to build/build.log; the terminal gets a progress bar (tqdm) or, when it
is not a terminal (cron), one line per article.

`make watch` (`watch`) keeps this process up: it builds, then builds again whenever a
file of the source folder or of templates/ changes, keeping what the builds loaded, so
that an edit costs only its own work: no Python start, imports, model or dictionary load.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from tqdm import tqdm

from pipeline.code import PACKAGE, REPO, TEMPLATES
from pipeline.ops import batch, commands

# The pipeline's stages in data-flow order: each reads only what earlier ones wrote.
STAGES = ("read", "scripts", "segment", "names", "translate", "align", "corrections",
          "quality", "html", "pdf", "xliff")
WHOLE_BUILD = ("site",)  # stages of the whole build, not of one article (each its Make target too)
LOG = "build.log"
MAKE_SAYS = re.compile(r"^make(?:\[\d+\])?: ")


@dataclass
class Job:
    """One stage command of Make's plan, and the shell lines of its recipe after it."""

    argv: list[str]                 # after `python -m pipeline`
    then: list[str] = field(default_factory=list)  # e.g. touch build/<slug>/.published

    @property
    def stage(self) -> str:
        return self.argv[0]

    @property
    def out(self) -> str:
        """The file it writes: every stage names it last before its options."""
        options = next((i for i, a in enumerate(self.argv) if a.startswith("--")), len(self.argv))
        return self.argv[options - 1]

    @property
    def slug(self) -> str:
        """The article it builds; none for the index (`site`), which is of them all."""
        return "" if self.stage in WHOLE_BUILD else Path(self.out).parent.name


def plan(python: str, targets: list[str], make_args: Sequence[str] = ()) -> tuple[list[Job], int]:
    """Make's plan for `targets` (`make -n`, with the caller's variables, which Make passes
    on in MAKEFLAGS, and `make_args`), as jobs; and Make's exit status (non-zero when it
    could not plan one, e.g. a missing file, which it has said on this stderr)."""
    done = subprocess.run(["make", "-n", "-s", "-k", "--no-print-directory", "-C", str(REPO),
                           *make_args, *targets], capture_output=True, text=True, env=_planning_env())
    sys.stderr.write(done.stderr)
    jobs: list[Job] = []
    prefix = [python, "-m", "pipeline"]
    for line in done.stdout.splitlines():
        if MAKE_SAYS.match(line):  # "make[1]: Entering directory …" (make -C passes -w on)
            continue
        words = shlex.split(line)
        if words[:3] == prefix and len(words) > 3:
            jobs.append(Job(words[3:]))
        elif jobs:
            jobs[-1].then.append(line)
        elif line.strip():
            shell(line)
    return jobs, done.returncode


def _planning_env() -> dict[str, str]:
    """The environment for `make -n`: the caller's, without its job server, which Make
    does not share with this command (it would warn "jobserver unavailable")."""
    flags = re.sub(r"(?:^|\s)(?:-j\d*|--jobserver-(?:auth|fds)=\S+)", "", os.environ.get("MAKEFLAGS", ""))
    return {**os.environ, "MAKEFLAGS": flags}


def workers() -> int:
    """How many jobs Make was asked to run at once (make -jN), 1 without -j."""
    flags = os.environ.get("MAKEFLAGS", "")
    found = re.search(r"(?:^|\s)-j(\d*)", flags)
    if not found:
        return 1
    return int(found.group(1)) if found.group(1) else os.cpu_count() or 1


class Progress:
    """What the person running the build sees: a bar on a terminal, else a line per article."""

    def __init__(self, log: Path) -> None:
        self.left: dict[str, int] = defaultdict(int)
        self.said: dict[str, list[str]] = defaultdict(list)
        self.seconds: dict[str, float] = defaultdict(float)
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("a", encoding="utf-8")
        self.log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.bar = tqdm(total=0, unit="step", file=sys.stderr, dynamic_ncols=True,
                        disable=not sys.stderr.isatty(), leave=False)

    def add(self, jobs: list[Job]) -> None:
        """Jobs planned: counted per article, so its line comes when its last is done."""
        for job in jobs:
            self.left[job.slug] += 1
        self.bar.total += len(jobs)
        self.bar.refresh()

    def done(self, job: Job, status: int, said: str, errors: str, seconds: float) -> None:
        self.log.write(said + errors)
        self.log.flush()
        if errors:
            self.write(errors.rstrip("\n"), sys.stderr)
        if status == 0 and job.stage in ("translate", "quality"):
            # "  translate  build/x/segments.json: 47 sentences: … (1.2 s)" → "47 sentences: …"
            self.said[job.slug].append(re.sub(r"^\w+\s+\S+: |\s*\(\d+\.\d s\)$", "", said.strip()))
        if not job.slug:
            self.bar.update(1)
            if status == 0:
                self.write(said.rstrip("\n"))
            return
        self.seconds[job.slug] += seconds
        self.bar.update(1)
        self.left[job.slug] -= 1
        if self.left[job.slug] == 0:
            notes = "; ".join(self.said.pop(job.slug, []))
            self.write(f"{'built':>11}  {job.slug}{': ' + notes if notes else ''} ({self.seconds.pop(job.slug):.1f} s)")

    def skipped(self, job: Job) -> None:
        self.log.write(f"{'skipped':>11}  {job.out}: its input failed\n")
        self.bar.update(1)
        self.left[job.slug] -= 1

    def translating(self, sentences: int) -> tqdm:
        """A bar for the engine's sentences (on a terminal: sentences/s and time left)."""
        return tqdm(total=sentences, unit="sentence", file=sys.stderr, dynamic_ncols=True,
                    disable=not sys.stderr.isatty(), leave=False, desc="translating")

    def write(self, line: str, stream=None) -> None:
        # sys.stdout looked up now, not when this was defined: a caller's redirect (the
        # review server's, which hands what a save's build said to the page) takes the lines.
        stream = stream or sys.stdout
        if self.bar.disable:
            print(line, file=stream, flush=True)
        else:
            self.bar.write(line, file=stream)

    def close(self) -> None:
        self.bar.close()
        self.log.close()


def execute(jobs: list[Job], progress: Progress, parallel: int = 1, pool=None) -> int:
    """Run `jobs` stage by stage, in `pool` or in `parallel` workers forked for them if
    more than one; the number of commands that failed or were skipped."""
    progress.add(jobs)
    failed: set[str] = set()
    by_stage: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        by_stage[job.stage].append(job)
    unknown = [s for s in by_stage if s not in STAGES]
    # Workers are forked now, before this process imports a library with threads in it
    # (a one-job plan, the index after the briefs, needs none).
    own = pool is None and parallel > 1 and len(jobs) > 1
    pool = _pool(parallel) if own else pool
    try:
        for stage in [*STAGES, *unknown]:
            ready = []
            for job in by_stage.get(stage, []):
                if any(a in failed for a in job.argv[1:]):
                    failed.add(job.out)
                    progress.skipped(job)
                else:
                    ready.append(job)
            if stage == "translate" and ready:
                results: Iterable[tuple[int, str, str, float]] = batch.translate_many([j.argv for j in ready], progress)
            elif pool:
                results = pool.imap(_timed, [j.argv for j in ready])
            else:
                results = map(_timed, [j.argv for j in ready])
            for job, (status, said, errors, seconds) in zip(ready, results):
                if status == 0:
                    for line in job.then:
                        shell(line)
                else:
                    failed.add(job.out)
                progress.done(job, status, said, errors, seconds)
    finally:
        if own:
            pool.close()
            pool.join()
    return len(failed)


def _pool(parallel: int, initializer=None):
    return multiprocessing.get_context("fork").Pool(parallel, initializer)


def rendering_pool(parallel: int) -> multiprocessing.pool.Pool:
    """`parallel` workers for the rebuilds of a process that stays up (make review's),
    forked now, before it starts a thread, each loading WeasyPrint: a brief's PDFs are then
    laid out side by side."""
    return _pool(parallel, _rendering)


def _rendering() -> None:
    """A rendering worker's start: Ctrl-C is left to the parent, which closes the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import weasyprint  # noqa: F401 — loaded now, not at the first save's PDFs


def shell(line: str) -> None:
    """A recipe's other line: `touch` done here (hundreds of them in a big build), the rest by bash."""
    words = shlex.split(line)
    if words[:1] == ["touch"] and not any(w.startswith("-") for w in words[1:]):
        for name in words[1:]:
            Path(name).touch()
    else:
        subprocess.run(line, shell=True, executable="/bin/bash", check=True)


def _timed(argv: list[str]) -> tuple[int, str, str, float]:
    """Run one stage command in this process: exit status, what it said, its warnings and
    errors, seconds."""
    outcome = commands.run(argv)
    return outcome.status, outcome.said, outcome.errors, outcome.seconds


def dry_run() -> bool:
    """Whether Make was asked only to say what it would do (make -n): the letters of
    single-letter flags come first in MAKEFLAGS ("ns -- X=1")."""
    first = os.environ.get("MAKEFLAGS", "").split(" -")[0].split()
    return bool(first) and not first[0].startswith("-") and "n" in first[0]


def build(python: str, build_dir: Path, targets: list[str], pool=None, make_args: Sequence[str] = (),
          parallel: int | None = None, source_dir: Path | None = None) -> int:
    """`make briefs site` (with `make_args`), run here: the exit status Make would give.
    The jobs run in `pool` if given, else in `parallel` workers (make -jN's, by default).
    Consecutive targets of the briefs are planned together, once; the index (`site`) once
    those before it are built, whatever failed: it depends on what the briefs wrote, so
    Make can plan it only then. The files of `source_dir` that Make does not build are
    named first, and fail the build."""
    if dry_run():
        return subprocess.run(["make", "-n", "-s", "-k", "--no-print-directory", *targets],
                              env=_planning_env()).returncode
    status, progress = refused(source_dir) if source_dir else 0, None
    try:
        for batch in _batches(targets):
            jobs, planned = plan(python, batch, make_args)
            failures = 0
            if jobs:
                progress = progress or Progress(build_dir / LOG)
                failures = execute(jobs, progress, parallel or workers(), pool)
            status = status or (1 if failures or planned else 0)
    finally:
        if progress:
            progress.close()
    return status


def _batches(targets: list[str]) -> list[list[str]]:
    """`targets` as they are planned: runs of briefs' targets together (a brief's page and
    PDFs: one `make -n`, and one line for the brief), each whole-build target alone."""
    batches: list[list[str]] = []
    for target in targets:
        if target in WHOLE_BUILD or not batches or batches[-1][0] in WHOLE_BUILD:
            batches.append([target])
        else:
            batches[-1].append(target)
    return batches


def refused(source_dir: Path) -> int:
    """Name on stderr each file of `source_dir` that is not an article Make builds
    (sources.scan): 1 if there is any, else 0."""
    from pipeline.sources import scan
    problems = scan(source_dir)[1]
    for line in problems:
        print(line, file=sys.stderr, flush=True)
    return 1 if problems else 0


def watch(python: str, build_dir: Path, source_dir: Path, targets: list[str], interval: float = 0.1) -> NoReturn:
    """Build `targets`, then again whenever a file in `source_dir` or templates/ changes,
    until interrupted (Ctrl-C or SIGTERM: the process ends, status 0). What the builds
    load stays loaded, and is loaded before the first change (warm_up), by each of the
    `-j` workers too, forked once, first. A change to the pipeline's own code restarts the
    process, which would otherwise build with the code it started with."""
    parallel = workers()
    pool = _pool(parallel, warm_up) if parallel > 1 else None
    # Set after the fork: the workers end at a signal as they always do.
    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _stop)
    code_folders = [p for p in (PACKAGE, *PACKAGE.rglob("*")) if p.is_dir() and p.name != "__pycache__"]
    code = _files(code_folders)
    watched = [source_dir, TEMPLATES]
    try:
        warm_up()
        while True:
            seen = _settled(watched, interval)
            started = time.perf_counter()
            status = build(python, build_dir, targets, pool, source_dir=source_dir)
            print(f"{'watching':>11}  {source_dir}: {'built' if status == 0 else 'some briefs failed'} "
                  f"in {time.perf_counter() - started:.1f} s; Ctrl-C stops", flush=True)
            while _files(watched) == seen:
                if _files(code_folders) != code:
                    print(f"{'watching':>11}  the pipeline's code changed: starting again", flush=True)
                    _end_workers()
                    os.execv(sys.executable, [sys.executable, "-m", "pipeline", *sys.argv[1:]])
                time.sleep(interval)
    except KeyboardInterrupt:
        # Ended at once, as a build ends (__main__): the pool's own clean-up would wait
        # forever on a queue lock held by a worker that the same signal ended.
        _end_workers()
        sys.stdout.flush()
        os._exit(0)


def _stop(signum: int, frame: object) -> None:
    """The first SIGTERM or Ctrl-C stops the watch (systemd and kill send SIGTERM; a job a
    script put in the background ignores SIGINT); any later one (make passes its SIGTERM on
    to the watch) is ignored, so that the watch ends as it should."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _end_workers() -> None:
    """Kill the -j workers (Pool.terminate waits on them, and can wait forever; see watch)."""
    for child in multiprocessing.active_children():
        child.kill()


def warm_up() -> None:
    """Load what rebuilding any brief needs: the model, the dictionaries, WeasyPrint."""
    import weasyprint  # noqa: F401 — imported for the pdf stage to find it loaded

    from pipeline.lang.glossary import Glossary
    from pipeline.lang.lexicon import lexicon
    from pipeline.stages.translate import default_model
    default_model()
    lexicon([], Glossary({}))


def _files(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Each file's modification time and size, as Make sees a change (hidden files, such
    as editors' swap files, left out, as the Makefile leaves them)."""
    found = {}
    for folder in folders:
        with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file() and not entry.name.startswith("."):
                    info = entry.stat()
                    found[entry.path] = (info.st_mtime_ns, info.st_size)
    return found


def _settled(folders: list[Path], interval: float) -> dict[str, tuple[int, int]]:
    """The files once they have stopped changing for `interval` (an editor saving in
    steps), as they are then."""
    now = _files(folders)
    while True:
        time.sleep(interval)
        later = _files(folders)
        if later == now:
            return now
        now = later
