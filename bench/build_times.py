"""Wall time of `make` on the seeds: cold (setup done), no-op, one article touched,
one template touched. Runs in a temporary BUILD_DIR so build/ is left alone.
Usage: python bench/build_times.py
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make(build: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(["make", "-C", str(REPO), f"BUILD_DIR={build}", *args], check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        rows = [("cold build, 2 seeds (setup already done)", make(build))]
        rows.append(("no-op", min(make(build) for _ in range(5))))
        source = sorted((REPO / "source").glob("*.md"))[0]
        os.utime(source)
        rows.append((f"one article touched ({source.name})", make(build)))
        template = REPO / "templates" / "print.css"
        os.utime(template)
        rows.append(("one template touched (re-render, no re-translation)", make(build)))
        rows.append(("cold build with make -j2", make(Path(tmp) / "build-j2", "-j2")))
    print(f"{'make':55} {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:55} {seconds:8.2f}")
    print(f"no-op / cold ratio: {rows[1][1] / rows[0][1]:.4f}")


if __name__ == "__main__":
    main()
