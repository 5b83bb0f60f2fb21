"""Word senses (pipeline/lang/senses.py): the dev set's words whose senses its English misses,
and how well the "sense" reason finds misleading English.

dev: the dev set through the pipeline (as bench/eval.py does, QUALITY=default): chrF on the
first 125 segments (where the rules were tuned) and on the other 125 (held out), and the
content words none of whose dictionary senses is in the English.
flags: the "sense" reason on hand-labelled English (each given to the model as a forced
translation, as bench/eval_checks.py does): tests/data/misleading.tsv (the seeds, and the
dev set split at segment 125) and ../shared/eval/qe/misleading_rows.tsv (rows of six briefs
of unseen articles, title rows left out): its precision and recall alone, and the recall
of the other checks without and with it. `--frequencies` lists, for the tuning half, how
precision and recall move with the word frequency below which the reason is given.
Usage: python bench/eval_senses.py [--part dev flags] [--frequencies]
"""
from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path
from unittest import mock

import sacrebleu
from eval import DEV, pipeline_english
from eval_checks import LABELS, flagged

from pipeline.lang import glossary, lexicon, senses
from pipeline.lang.chinese import converter
from pipeline.lang.glossary import Glossary

REPO = Path(__file__).resolve().parent.parent
QE_ROWS = REPO.parent / "shared" / "eval" / "qe" / "misleading_rows.tsv"
TUNE = 125  # the dev set's first segments: the rules were tuned on these only


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def missing_words(sources: list[str], hyps: list[str]) -> tuple[int, int]:
    """(content words looked up, those none of whose senses is in the English), leaving
    out the base glossary's terms (the names the names stage finds are counted)."""
    hans = [converter("t2s").convert(s) for s in sources]
    terms = glossary.load([])
    found = senses.words(hans, [{t.zh for _, _, t in terms.find(h)} for h in hans])
    return sum(map(len, found)), sum(len(senses.unsensed(f, e)) for f, e in zip(found, hyps))


def dev() -> None:
    """chrF on both halves and the words none of whose senses the English carries."""
    rows = read(DEV)
    sources, refs = [r["zh"] for r in rows], [r["en"] for r in rows]
    start = time.perf_counter()
    hyps = pipeline_english(sources, "default")
    seconds = time.perf_counter() - start
    tune = sacrebleu.corpus_chrf(hyps[:TUNE], [refs[:TUNE]]).score
    held = sacrebleu.corpus_chrf(hyps[TUNE:], [refs[TUNE:]]).score
    total, lost = missing_words(sources, hyps)
    held_total, held_lost = missing_words(sources[TUNE:], hyps[TUNE:])
    print(f"chrF tuning {tune:.2f}, held out {held:.2f}; words looked up {total}, none of whose senses is "
          f"in the English {lost} (held out {held_lost} of {held_total}); {seconds:.1f} s")


def labelled() -> dict[str, list[dict[str, str]]]:
    """The labelled sets: misleading.tsv's seeds and its dev halves, and the rows of the
    six unseen briefs (title rows, which repeat the first rows, left out)."""
    rows = read(LABELS)
    qe = [{"id": f"{r['slug']}-{r['row_key']}", "set": "qe", "zh": r["zh"], "en": r["en"],
           "misleading": str(int(r["label"] == "MISLEADING"))}
          for r in read(QE_ROWS) if not r["row_key"].startswith("ts")]
    return {"seeds": [r for r in rows if r["set"] == "seed"],
            "dev 1-125 (tuning)": [r for r in rows if r["set"] == "dev" and int(r["id"]) <= TUNE],
            "dev 126-250 (held out)": [r for r in rows if r["set"] == "dev" and int(r["id"]) > TUNE],
            "unseen briefs (rows)": qe}


def kinds(reasons: list[str]) -> set[str]:
    return {reason.split(":")[0] for reason in reasons}


def flags() -> None:
    print(f"{'set':24} {'n':>4} {'misl.':>5} {'sense':>5} {'precision':>9} {'recall':>6} "
          f"{'others recall':>13} {'+ sense':>7} {'others flag':>11} {'+ sense':>7}")
    for name, rows in labelled().items():
        found = [kinds(f) for f in flagged(rows)]
        bad = [r["misleading"] == "1" for r in rows]
        sense = [("sense" in k) for k in found]
        others = [bool(k - {"sense"}) for k in found]
        hits = sum(s and b for s, b in zip(sense, bad))
        print(f"{name:24} {len(rows):4} {sum(bad):5} {sum(sense):5} {hits / max(1, sum(sense)):9.0%} "
              f"{hits / max(1, sum(bad)):6.0%} {sum(o and b for o, b in zip(others, bad)) / max(1, sum(bad)):13.0%} "
              f"{sum(bool(k) and b for k, b in zip(found, bad)) / max(1, sum(bad)):7.0%} "
              f"{sum(others) / len(rows):11.0%} {sum(map(bool, found)) / len(rows):7.0%}", flush=True)


def frequencies() -> None:
    """Precision and recall of the reason on the tuning half for each frequency limit."""
    rows = labelled()["dev 1-125 (tuning)"]
    limits = (100, 300, 1000, 3000, 20000)
    with mock.patch.object(senses, "MAX_FREQUENCY", limits[-1]):
        found = flagged(rows)
    count = lexicon.lexicon([converter("t2s").convert(r["zh"]) for r in rows], Glossary({})).tagger.tokenizer.FREQ
    bad = [r["misleading"] == "1" for r in rows]
    others = [any(not reason.startswith("sense:") for reason in f) for f in found]
    for limit in limits:
        named = [any(reason.startswith("sense:") and (count.get(reason.split(":")[1].strip()) or 0) <= limit
                     for reason in f) for f in found]
        hits = sum(n and b for n, b in zip(named, bad))
        added = sum(n and b and not o for n, b, o in zip(named, bad, others))
        print(f"frequency <= {limit:6}: {sum(named):3} flagged, precision {hits / max(1, sum(named)):.0%}, "
              f"recall {hits / max(1, sum(bad)):.0%}, misleading sentences no other check flags {added}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", nargs="+", default=["dev", "flags"], choices=["dev", "flags"])
    parser.add_argument("--frequencies", action="store_true", help="the tuning table of senses.MAX_FREQUENCY")
    args = parser.parse_args()
    if args.frequencies:
        frequencies()
        return
    if "dev" in args.part:
        dev()
    if "flags" in args.part:
        flags()


if __name__ == "__main__":
    main()
