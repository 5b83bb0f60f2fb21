"""Names not in the glossary: how many come out right, by kind and region.

The test set (tests/data/names.tsv) holds names with the English a correct translation
uses, each in a sentence: names from the dev set with their reference English, and
Taiwan, Hong Kong and mainland names written for it. Each sentence is translated as a
one-paragraph article in its region's language (zh-Hant-TW, zh-Hant-HK, zh-Hans-CN), by
- the raw model (the sentence as written, beam 4, first hypothesis);
- the pipeline with its glossary alone (as before names.py);
- the pipeline with names (names.py) written in English only where the English misses
  them ("failing", the default), or written up front ("upfront"), and without compounds
  (香港 written, 特区 left to the model).
A name is found when one of its English forms occurs in the sentence's English.
Usage: python bench/eval_names.py [--strategies] [--dev N]
  --strategies  also the up-front and no-compound variants;  --dev N  chrF of each
  system on the first N dev segments (0 = all 250).
"""
from __future__ import annotations

import argparse
import csv
import re
import time
from collections import defaultdict
from pathlib import Path

import sacrebleu
from eval import DEV, pipeline_english, raw_english

from pipeline.lang import glossary
from pipeline.lang.chinese import converter
from pipeline.lang.glossary import PROTECTED
from pipeline.stages.translate.inputs import Attempts, Inline, Prepared, prepare

REPO = Path(__file__).resolve().parent.parent
NAMES = REPO / "tests" / "data" / "names.tsv"
LANGUAGES = {"tw": "zh-Hant-TW", "hk": "zh-Hant-HK", "cn": "zh-Hans-CN"}


class Upfront(Attempts):
    """Every name in English from the first search, the article's (names.py) as well as the
    glossary's; the pipeline writes an article's name in English only where the model
    would miss it (pipeline/stages/translate/inputs.py). So no name is asked about alone
    (Model.unknown_names), and the retries are every term in English, then a wider search."""

    def first(self) -> Prepared:
        return prepare(self.sentence, self.glossary, self.date, Inline(PROTECTED, None, self.unknown), self.region)

    def names(self) -> dict:
        return {}

    @property
    def steps(self) -> tuple[str, ...]:
        return ("every", "wider")


def found(forms: str, english: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(f.strip())}(?!\w)", english, re.IGNORECASE)
               for f in forms.split("|") if f.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", action="store_true")
    parser.add_argument("--dev", type=int, default=None)
    parser.add_argument("--quality", default="default")
    args = parser.parse_args()
    with open(NAMES, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    listed = glossary.load([]).terms
    hans = converter("t2s")
    rows = [r for r in rows if hans.convert(r["zh"]) not in listed]
    sources = [r["sentence"] for r in rows]
    languages = [LANGUAGES[r["region"]] for r in rows]
    systems = [("raw model", lambda s, langs: raw_english(s, "")),
               ("glossary only", lambda s, langs: pipeline_english(s, args.quality, languages=langs, find_names=False)),
               ("names, failing (default)", lambda s, langs: pipeline_english(s, args.quality, languages=langs))]
    if args.strategies:
        systems += [("names, upfront", lambda s, langs: pipeline_english(s, args.quality, Upfront, languages=langs)),
                    ("names, failing, no compounds",
                     lambda s, langs: pipeline_english(s, args.quality, compounds=False, languages=langs))]
    dev = []
    if args.dev is not None:
        with open(DEV, encoding="utf-8", newline="") as handle:
            dev = list(csv.DictReader(handle, delimiter="\t"))
        dev = dev[: args.dev] if args.dev else dev
    groups = ["person", "place", "org", "cn", "tw", "hk"]
    print(f"{len(rows)} names not in the glossary ({NAMES.name}): share found, %")
    print(f"{'system':30} " + " ".join(f"{g:>6}" for g in groups) + f" {'all':>6} {'s':>6}"
          + (f" {'dev chrF':>8}" if dev else ""))
    for name, system in systems:
        start = time.perf_counter()
        english = system(sources, languages)
        seconds = time.perf_counter() - start
        hits: dict[str, list[bool]] = defaultdict(list)
        for row, text in zip(rows, english):
            ok = found(row["en"], text)
            hits[row["kind"]].append(ok)
            hits[row["region"]].append(ok)
            hits["all"].append(ok)
        line = f"{name:30} " + " ".join(f"{100 * sum(hits[g]) / max(1, len(hits[g])):6.1f}" for g in groups + ["all"])
        line += f" {seconds:6.1f}"
        if dev:
            hyps = system([r["zh"] for r in dev], None)
            line += f" {sacrebleu.corpus_chrf(hyps, [[r['en'] for r in dev]]).score:8.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
