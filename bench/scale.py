"""Speed and scale, side by side in one run on one generated corpus (bench/corpus.py):
(a) the raw engine on the corpus's sentences, batched (bench/engine.py: the limit);
(b) a cold `make` of the corpus (memory empty), and of its first half (is time linear?);
(c) a no-op `make`; (d) `make` after one sentence of one article changed, and the same
edit under `make watch` (and `make watch -j2`), from the file's change to the rebuilt brief;
(e) a cold `make -j2` of the first half. Each with wall time, peak RSS of the largest process and time per
stage (summed from build/build.log), as a table and as JSON (build/bench/scale.json).

The target: (b) ≤ 1.3 × ((a) + the PDF stage's time). argostranslate.translate is not
measured: it imports stanza and torch and fails offline (see the README).
Usage: python bench/scale.py [--articles N] [--quality Q] [--json PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from corpus import make_corpus  # noqa: E402
from engine import corpus_sentences, raw_engine  # noqa: E402

STAGE_LINE = re.compile(r"^\s*(\w+)\s+.*\((\d+\.\d) s\)$")


def make(source: Path, build: Path, memory: Path, *args: str, quality: str = "default") -> dict:
    """Run make on a corpus: seconds, peak RSS (MB) of its largest process (GNU time's %M,
    which covers every process make waited for), what it translated."""
    with tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, "make", "-C", str(REPO),
                               f"SOURCE_DIR={source}", f"BUILD_DIR={build}", f"MEMORY={memory}", f"QUALITY={quality}",
                               *args],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = int(rss.read().split()[-1])
    if done.returncode:
        sys.exit(f"make failed:\n{done.stderr[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 1024),
            "translated": sum(int(n) for n in re.findall(r"(\d+) translated", done.stdout)),
            "stdout_lines": len(done.stdout.splitlines())}


def watched(source: Path, build: Path, memory: Path, article: Path, *args: str, edits: int = 4,
            quality: str = "default") -> dict:
    """`make watch` on a built corpus: seconds from each one-sentence edit of `article` until
    the watcher says it has rebuilt (the first edit, then the median of the others: -j
    workers load what they need at their first job), and the peak RSS of its largest process."""
    watcher = subprocess.Popen(["make", "-C", str(REPO), "watch", f"SOURCE_DIR={source}", f"BUILD_DIR={build}",
                                f"MEMORY={memory}", f"QUALITY={quality}", *args],
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    said: list[str] = []

    def until_watching() -> None:
        for line in watcher.stdout:
            said.append(line)
            if "watching" in line:
                return
        sys.exit(f"make watch ended:\n{''.join(said)[-3000:]}")

    until_watching()
    seconds = []
    for _ in range(edits):
        time.sleep(1)
        edit_one_sentence(article)
        started = time.perf_counter()
        until_watching()
        seconds.append(round(time.perf_counter() - started, 2))
    peak = group_peak_kb(watcher.pid)
    os.killpg(watcher.pid, signal.SIGTERM)  # make, the watcher and its workers: it stops at SIGTERM
    watcher.wait()
    return {"seconds": statistics.median(seconds[1:]), "first_edit": seconds[0], "edits": seconds,
            "peak_rss_mb": round(peak / 1024), "stdout_lines": len(said),
            "translated": max(int(n) for n in re.findall(r"(\d+) translated", "".join(said)))}


def group_peak_kb(group: int) -> int:
    """The largest peak RSS (VmHWM) among the live processes of a process group."""
    peaks = [0]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == group:
                status = (stat.parent / "status").read_text()
                peaks += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
        except (OSError, ValueError, IndexError):  # a process that ended meanwhile
            continue
    return max(peaks)


def stage_seconds(build: Path, last_runs: int = 1) -> dict[str, float]:
    """Seconds per stage in the last run(s) of build/build.log."""
    runs = (build / "build.log").read_text(encoding="utf-8").split("\n--- ")[-last_runs:]
    totals: dict[str, float] = defaultdict(float)
    for run in runs:
        for line in run.splitlines():
            if found := STAGE_LINE.match(line):
                totals[found.group(1)] += float(found.group(2))
    return {k: round(v, 1) for k, v in totals.items()}


def edit_one_sentence(article: Path) -> None:
    """Change one sentence of the body: a 。 becomes 了。 in the first paragraph with one."""
    text = article.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    line = next(ln for ln in body.splitlines() if ln.endswith("。") and not ln.startswith(("#", "!", ":", "-")))
    article.write_text(head + "\n---\n" + body.replace(line, line[:-1] + "了。", 1), encoding="utf-8")


def measure(articles: int, quality: str, out: Path) -> dict:
    """Every run, in order; the JSON is rewritten after each, so a failure keeps the rest."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        full, half = root / "corpus", root / "half"
        paths = make_corpus(full, articles)
        half.mkdir()
        for path in paths[: articles // 2]:
            (half / path.name).write_bytes(path.read_bytes())
        sentences = corpus_sentences(full)
        print(f"corpus: {articles} articles, {len(sentences)} distinct sentences for the model", flush=True)
        result: dict = {"articles": articles, "quality": quality, "sentences": len(sentences),
                        "cores": os.cpu_count(), "runs": {}}
        result["raw_engine"] = raw_engine(sentences, quality)
        result["raw_engine_whole_beam"] = raw_engine(sentences, quality, hypotheses="beam")
        save(result, out)
        runs = result["runs"]
        plan = [("cold", full, "b1", ()), ("no-op", full, "b1", ()), ("one sentence edited", full, "b1", ()),
                ("cold, first half", half, "b2", ()), ("cold, first half, -j2", half, "b3", ("-j2",))]
        for name, source, build, args in plan:
            if name == "one sentence edited":
                edit_one_sentence(paths[0])
            runs[name] = make(source, root / build, root / f"{build}.sqlite3", *args, quality=quality)
            if name != "no-op":
                runs[name]["stages"] = stage_seconds(root / build)
            print(f"{name}: {runs[name]['seconds']} s", flush=True)
            save(result, out)
            if name == "one sentence edited":
                for watch_args in [(), ("-j2",)]:
                    key = " ".join(["one sentence edited, make watch", *watch_args])
                    runs[key] = watched(full, root / "b1", root / "b1.sqlite3", paths[0], *watch_args, quality=quality)
                    runs[key]["stages"] = stage_seconds(root / "b1")
                    print(f"{key}: {runs[key]['edits']} s", flush=True)
                    save(result, out)
    pdf = runs["cold"]["stages"].get("pdf", 0.0)
    result["ratios"] = {
        "cold / (raw engine + pdf)": round(runs["cold"]["seconds"] / (result["raw_engine"]["seconds"] + pdf), 2),
        "cold / (raw engine, whole beam + pdf)":
            round(runs["cold"]["seconds"] / (result["raw_engine_whole_beam"]["seconds"] + pdf), 2),
        "cold / cold of half the articles": round(runs["cold"]["seconds"] / runs["cold, first half"]["seconds"], 2),
        "cold -j1 / cold -j2 (first half)":
            round(runs["cold, first half"]["seconds"] / runs["cold, first half, -j2"]["seconds"], 2),
    }
    result["articles_per_hour"] = {"-j1": round(articles * 3600 / runs["cold"]["seconds"]),
                                   "-j2": round(articles // 2 * 3600 / runs["cold, first half, -j2"]["seconds"])}
    save(result, out)
    return result


def save(result: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def table(result: dict) -> str:
    raw, whole = result["raw_engine"], result["raw_engine_whole_beam"]
    lines = [f"{result['articles']} articles, {result['sentences']} distinct sentences, QUALITY={result['quality']}, "
             f"{result['cores']} cores",
             f"{'run':36} {'seconds':>8} {'peak RSS MB':>12} {'translated':>11}  stages (s)",
             f"{'(a) raw engine, best hypothesis':36} {raw['seconds']:8.1f} {'':>12} {raw['sentences']:11}",
             f"{'(a) raw engine, whole beam':36} {whole['seconds']:8.1f} {'':>12} {whole['sentences']:11}"]
    for name, run in result["runs"].items():
        stages = ", ".join(f"{k} {v}" for k, v in run.get("stages", {}).items())
        lines.append(f"{name:36} {run['seconds']:8.1f} {run['peak_rss_mb']:12} {run['translated']:11}  {stages}")
    lines += [f"{name}: edits {', '.join(map(str, run['edits']))} s (the first after the watcher's start)"
              for name, run in result["runs"].items() if "edits" in run]
    lines += [f"{k}: {v}" for k, v in result["ratios"].items()]
    per_hour = result["articles_per_hour"]
    lines.append(f"articles per hour: {per_hour['-j1']} (-j1), {per_hour['-j2']} (-j2)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--quality", default="default", choices=["fast", "default"])
    parser.add_argument("--json", type=Path, default=REPO / "build" / "bench" / "scale.json")
    args = parser.parse_args()
    print(table(measure(args.articles, args.quality, args.json)))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
