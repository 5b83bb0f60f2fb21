"""Wall time of `make` on the seeds, side by side in one run: cold (setup done, empty
translation memory), no-op, one article touched, one sentence edited, one correction
added, one template touched, a clean build with the memory warm, and a cold -j2 build.
Works on copies of source/ in a temporary folder, with its own translation memory, so
source/, build/ and the user's memory are left alone.
Usage: python bench/build_times.py
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class Run:
    """make with its own source folder, build folder and translation memory."""

    def __init__(self, root: Path) -> None:
        self.source, self.build, self.memory = root / "source", root / "build", root / "memory.sqlite3"
        self.source.mkdir(parents=True)
        for article in sorted((REPO / "source").glob("*.md")):
            shutil.copy2(article, self.source)

    def make(self, *args: str) -> tuple[float, str]:
        """Seconds taken, and what the translate stage said ("" if it did not run)."""
        start = time.perf_counter()
        done = subprocess.run(["make", "-C", str(REPO), f"SOURCE_DIR={self.source}",
                               f"BUILD_DIR={self.build}", f"MEMORY={self.memory}", *args],
                              check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        said = re.findall(r"\d+ translated, \d+ from memory", done.stdout)
        return seconds, "; ".join(said)


def edit_one_sentence(article: Path) -> None:
    """Add a word to the first sentence of the body that has a clause break."""
    text = article.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    line = next(ln for ln in body.splitlines() if ln.endswith("。") and "，" in ln and not ln.startswith(":"))
    article.write_text(text.replace(line, line[:-1] + "了。", 1), encoding="utf-8")


def correct_first_row(run: Run, slug: str) -> None:
    doc = json.loads((run.build / slug / "reviewed.json").read_text(encoding="utf-8"))
    zh = "".join(t["original"] for t in doc["blocks"][0]["rows"][0]["zh"])
    (run.source / f"{slug}.corrections.tsv").write_text(
        f"zh\ten\n{zh}\tAn editor's English for the first row.\n", encoding="utf-8")


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        run = Run(Path(tmp) / "a")
        rows.append(("cold build, 2 seeds (setup done, memory empty)", *run.make()))
        rows.append(("no-op", min(run.make()[0] for _ in range(5)), ""))
        first = sorted(run.source.glob("*.md"))[0]
        os.utime(first)
        rows.append((f"one article touched ({first.name})", *run.make()))
        edit_one_sentence(first)
        rows.append(("one sentence of it edited", *run.make()))
        correct_first_row(run, first.stem)
        rows.append(("one correction added to it (re-render only)", *run.make()))
        template = REPO / "templates" / "print.css"
        os.utime(template)
        rows.append(("one template touched (re-render, no re-translation)", *run.make()))
        shutil.rmtree(run.build)
        rows.append(("make clean, then make (memory warm)", *run.make()))
        rows.append(("cold build with make -j2 (memory empty)", *Run(Path(tmp) / "b").make("-j2")))
    print(f"{'make':55} {'seconds':>8}  translate stage")
    for label, seconds, said in rows:
        print(f"{label:55} {seconds:8.2f}  {said}")
    cold = rows[0][1]
    print(f"ratios to the cold build: no-op {rows[1][1] / cold:.4f}, one sentence edited "
          f"{rows[3][1] / cold:.2f}, one correction {rows[4][1] / cold:.2f}, clean + warm memory "
          f"{rows[6][1] / cold:.2f}")


if __name__ == "__main__":
    main()
