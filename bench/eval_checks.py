"""How well the checks find misleading English: recall on hand-labelled sentences.

tests/data/misleading.tsv holds sentences (the seeds' and the dev set's) with the
English the pipeline once gave them, each labelled by reading as misleading or not
(see its README section in the project README). Each English is given to the model
as a forced translation (`Model.force`), so the checks see exactly what they would see
had the model chosen it: its attention for the rows, its log-probability, its
agreement with the model's own hypotheses, what it relies on. A sentence counts as
flagged when any of its rows has a reason to check it.
Usage: python bench/eval_checks.py [--tsv PATH] [--verbose]
"""
from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

from pipeline.checks.english import entities
from pipeline.checks.rows import assess_sentence
from pipeline.lang import glossary
from pipeline.model.document import Block, Document, Meta
from pipeline.model.segments import Sentence
from pipeline.stages.align import align_sentence
from pipeline.stages.read import read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate.engine import default_model
from pipeline.stages.translate.inputs import prepare
from pipeline.stages.translate.scoring import model_scorer

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "tests" / "data" / "misleading.tsv"


def article(label_id: str) -> Document:
    """A seed sentence keeps its article's metadata (its date completes bare days)."""
    source = REPO / "source" / f"{label_id.split(':')[0]}.md"
    return read(source) if source.is_file() else Document("dev", "", Meta(title="eval", language="zh-Hans"), [])


def listed(label_id: str, doc: Document) -> bool:
    """Whether a seed sentence (id slug:b<block>s<n>) stands in a list item of its article."""
    block = re.match(r".*:b(\d+)", label_id)
    return bool(block) and doc.blocks[int(block.group(1))].kind == "list_item"


def as_sentences(rows: list[dict[str, str]], meta: Meta, key: str) -> list[Sentence]:
    """Each labelled Chinese as one translation unit, cut into clauses as the pipeline cuts it
    (a label is about a whole segment, even one the segmenter would cut in two)."""
    doc = segment(convert(Document(key, key, meta, [Block("paragraph", r["zh"]) for r in rows])))
    return [Sentence(f"{key}{i}", [c for s in block.sentences for c in s.clauses])
            for i, block in enumerate(doc.blocks)]


def flagged(rows: list[dict[str, str]]) -> list[list[str]]:
    """The reasons the checks give for each labelled sentence ([] = not flagged)."""
    terms = glossary.load([])
    known = entities(terms)
    model = default_model()
    scorer = model_scorer(model)
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row["id"].split(":")[0] if row["set"] == "seed" else "dev", []).append(i)
    reasons: dict[int, list[str]] = {}
    for key, members in groups.items():
        doc = article(rows[members[0]]["id"])
        meta = doc.meta
        sentences = as_sentences([rows[i] for i in members], meta, key)
        prepared = [prepare(s, terms, meta.date) for s in sentences]
        units = model.force(sentences, prepared, [rows[i]["en"] for i in members])
        for i, sentence, unit in zip(members, sentences, units):
            aligned = align_sentence(sentence, unit, scorer)
            assess_sentence(aligned, unit, known, listed(rows[i]["id"], doc))
            reasons[i] = [r for row in aligned for r in row.reasons]
    return [reasons[i] for i in range(len(rows))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=LABELS)
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    with open(args.tsv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    found = flagged(rows)
    print(f"{'set':6} {'sentences':>9} {'misleading':>10} {'flagged':>8} {'recall':>7} {'precision':>9} "
          f"{'flagged share':>13}")
    for name in ("seed", "dev", "all"):
        picked = [(r, f) for r, f in zip(rows, found) if name in ("all", r["set"])]
        bad = [f for r, f in picked if r["misleading"] == "1"]
        hits = sum(bool(f) for f in bad)
        marked = sum(bool(f) for _, f in picked)
        print(f"{name:6} {len(picked):9} {len(bad):10} {marked:8} {hits / max(1, len(bad)):7.0%} "
              f"{hits / max(1, marked):9.0%} {marked / max(1, len(picked)):13.0%}")
    kinds = Counter(reason.split(":")[0] for f in found for reason in set(f))
    caught = Counter(reason.split(":")[0] for r, f in zip(rows, found) if r["misleading"] == "1"
                     for reason in set(f))
    print("by check (sentences flagged / of them misleading): "
          + ", ".join(f"{k} {n}/{caught[k]}" for k, n in kinds.most_common()))
    if args.verbose:
        for r, f in zip(rows, found):
            if (r["misleading"] == "1") != bool(f):
                print(f"{'MISSED' if not f else 'EXTRA '} {r['set']} {r['id']}: {r['en'][:90]}")
                print(f"       {r['why'] or '; '.join(f)}")


if __name__ == "__main__":
    main()
