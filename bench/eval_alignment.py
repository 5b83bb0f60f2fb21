"""Alignment against hand-aligned rows: how many gold rows the aligner reproduces exactly.

The gold set (tests/data/gold-alignment.json) holds every multi-clause sentence of the
seed briefs with an English the model produced, cut into rows by a bilingual reader
(clauses the English reorders share one row). For each gold sentence the Sentence is
rebuilt from the seed as the pipeline builds it, the model's attention is computed for
the gold English (`Model.force`), the aligner cuts it, and each gold row counts as right
when a produced row has the same clauses and the same English (whitespace aside).
Two aligners are scored: as built (the model weighs the doubtful cuts) and with the
attention and the rules alone.
Usage: python bench/eval_alignment.py [--verbose]   (--verbose lists the sentences the
built aligner gets wrong)
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.lang import glossary
from pipeline.model.aligned import Row
from pipeline.model.segments import Sentence
from pipeline.model.translations import Translation
from pipeline.stages.align import Scorer, align_sentence
from pipeline.stages.read import read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate.engine import default_model
from pipeline.stages.translate.inputs import prepare
from pipeline.stages.translate.scoring import model_scorer

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "gold-alignment.json"
SOURCES = REPO / "source"

Pair = tuple[tuple[int, ...], str]  # (clause indices, English) of one row


@dataclass
class Case:
    """One gold sentence, ready to align: the rebuilt Sentence and the model's view of the gold English."""

    slug: str
    sentence: Sentence
    unit: Translation
    gold: list[Pair]


def normal(text: str) -> str:
    return " ".join(text.split())


def pairs(rows: list[Row]) -> list[Pair]:
    """Rows as (clause indices, English); rows hold consecutive clauses, in order."""
    out, first = [], 0
    for row in rows:
        out.append((tuple(range(first, first + len(row.zh))), normal(row.en)))
        first += len(row.zh)
    return out


def _sentences(slug: str) -> tuple[dict[str, Sentence], str, glossary.Glossary]:
    doc = segment(convert(read(SOURCES / f"{slug}.md")))
    return ({s.id: s for s in doc.all_sentences()}, doc.meta.date,
            glossary.load([], doc.meta.glossary))


@cache
def cases() -> tuple[Case, ...]:
    """Every gold sentence with its forced Translation: one model batch per seed."""
    gold = json.loads(GOLD.read_text("utf-8"))
    by_slug: dict[str, list[dict]] = defaultdict(list)
    for item in gold:
        by_slug[item["slug"]].append(item)
    out: list[Case] = []
    for slug, items in by_slug.items():
        sentences, date, terms = _sentences(slug)
        picked = [sentences[item["sentence"]] for item in items]
        for item, sentence in zip(items, picked):
            if [c.original for c in sentence.clauses] != item["clauses"]:
                raise SystemExit(f"{slug} {item['sentence']}: the seed's clauses no longer match the gold set")
        prepared = [prepare(s, terms, date) for s in picked]
        units = default_model().force(picked, prepared, [item["en"] for item in items])
        out += [Case(slug, s, u, [(tuple(r["clauses"]), normal(r["en"])) for r in item["rows"]])
                for item, s, u in zip(items, picked, units)]
    return tuple(out)


def aligned(case: Case, model: bool) -> list[Pair]:
    """The aligner's rows for a gold sentence, with the model weighing doubtful cuts or not."""
    scorer: Scorer | None = model_scorer(default_model()) if model else None
    return pairs(align_sentence(case.sentence, case.unit, scorer))


def score(case: Case, model: bool = True) -> int:
    """Gold rows of one sentence that the aligner reproduces exactly."""
    produced = set(aligned(case, model))
    return sum(pair in produced for pair in case.gold)


def exact_pairs(model: bool = True) -> tuple[int, int]:
    """(gold rows reproduced exactly, gold rows) over the multi-clause gold sentences, by
    the aligner as built (`model`) or by attention and rules alone."""
    multi = [c for c in cases() if len(c.sentence.clauses) > 1]
    return sum(score(c, model) for c in multi), sum(len(c.gold) for c in multi)


def _show(pairs_: list[Pair], clauses: list[str]) -> str:
    return "\n".join(f"      {''.join(clauses[i] for i in ids)}  |  {en}" for ids, en in pairs_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every sentence the aligner gets wrong")
    args = parser.parse_args()
    # per brief and "all": gold rows, rows right (built), rows right (attention), sentences, sentences right
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for case in cases():
        if len(case.sentence.clauses) < 2:
            continue
        built, plain = score(case), score(case, model=False)
        for key in (case.slug, "all"):
            t = totals[key]
            t[0] += len(case.gold)
            t[1] += built
            t[2] += plain
            t[3] += 1
            t[4] += built == len(case.gold)
        if args.verbose and built < len(case.gold):
            clauses = [c.original for c in case.sentence.clauses]
            print(f"{case.slug} {case.sentence.id}: {built}/{len(case.gold)}")
            print("   gold:\n" + _show(case.gold, clauses))
            print("   aligner:\n" + _show(aligned(case, True), clauses))
    print("exact pairs: gold rows the aligner reproduces (clauses and English), multi-clause sentences")
    print(f"{'brief':<32} {'as built':>16} {'attention+rules':>17} {'sentences right':>18}")
    for key, (n, built, plain, sn, sr) in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        print(f"{key:<32} {built:>5}/{n:<4} {100 * built / n:5.1f}% {plain:>5}/{n:<4} {100 * plain / n:5.1f}%"
              f" {sr:>6}/{sn:<4} {100 * sr / sn:5.1f}%")


if __name__ == "__main__":
    main()
