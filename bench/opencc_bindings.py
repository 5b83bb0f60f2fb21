"""Official OpenCC binding vs opencc-python-reimplemented, on the seed articles.

Both packages install a module named `opencc`, so they cannot share a venv: the
reimplementation lives in its own (made by `make bench`), and each converts the same
text in a worker process. Reported side by side from one run: best-of-N time per
configuration, the ratio, and how many characters their outputs differ by.
Usage: python bench/opencc_bindings.py OTHER_PYTHON [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIGS = ("t2s", "tw2s", "s2t")


def worker(repeat: int) -> None:
    """Read {config: text} on stdin; print {config: [best seconds, output]}."""
    import opencc

    jobs = json.load(sys.stdin)
    results = {}
    for config, text in jobs.items():
        try:
            converter = opencc.OpenCC(f"{config}.json")  # the official binding's names
        except Exception:  # noqa: BLE001 — the reimplementation takes bare names
            converter = opencc.OpenCC(config)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            out = converter.convert(text)
            best = min(best, time.perf_counter() - start)
        results[config] = [best, out]
    json.dump(results, sys.stdout, ensure_ascii=False)


def run(python: str, jobs: dict[str, str], repeat: int) -> dict[str, list]:
    done = subprocess.run([python, __file__, "--worker", "--repeat", str(repeat)], input=json.dumps(jobs),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other_python", nargs="?", help="interpreter with opencc-python-reimplemented")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.repeat)
    sys.path.insert(0, str(REPO))
    from pipeline.lang.chinese import converter
    from pipeline.stages.read import read

    text = "\n".join(b.text for p in sorted((REPO / "source").glob("*.md")) for b in read(p).blocks)
    jobs = {c: (converter("t2s").convert(text) if c.startswith("s2") else text) for c in CONFIGS}
    official = run(sys.executable, jobs, args.repeat)
    other = run(args.other_python, jobs, args.repeat)
    print(f"OpenCC on the seeds ({len(text)} characters), best of {args.repeat}")
    print(f"{'config':8} {'official ms':>12} {'reimplemented ms':>17} {'ratio':>7} {'chars differing':>16}")
    for c in CONFIGS:
        (t_off, out_off), (t_re, out_re) = official[c], other[c]
        diff = sum(a != b for a, b in zip(out_off, out_re)) + abs(len(out_off) - len(out_re))
        print(f"{c:8} {t_off * 1e3:12.2f} {t_re * 1e3:17.2f} {t_re / t_off:6.1f}x {diff:16}")
        samples = [(a, b) for a, b in zip(out_off, out_re) if a != b][:8]
        if samples:
            print(f"{'':8} e.g. (official, reimplemented): {samples}")


if __name__ == "__main__":
    main()
