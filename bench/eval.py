"""Translation quality on the development set: sacrebleu scores and the pipeline's own checks.

Systems compared on the same segments in one run:
- raw model: each segment given whole, as written, the model's first hypothesis;
- pipeline variants: read → scripts → segment → translate, English joined per segment,
  with glossary protection for the given term kinds ("none" = checks and n-best only).
Each system's English is checked for glossary terms and numbers in its segment.
Usage: python bench/eval.py [--tsv PATH] [--limit N] [--variants none default all]
"""
from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import sacrebleu

from pipeline import glossary
from pipeline.checks import expectations, missing
from pipeline.document import Block, Document, Meta
from pipeline.glossary import KINDS, PROTECTED
from pipeline.scripts import convert
from pipeline.segment import segment
from pipeline.translate import default_model, detokenize, prepare, prepare_strict

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "newstest2021-zhen-dev.tsv"


def raw_english(sources: list[str], _: tuple[str, ...]) -> list[str]:
    model = default_model()
    results = model.translator.translate_batch([model.tokenize(s) for s in sources], beam_size=4,
                                               max_batch_size=2048, batch_type="tokens")
    return [detokenize(r.hypotheses[0]) for r in results]


def pipeline_english(sources: list[str], protect: tuple[str, ...]) -> list[str]:
    """All segments as one article, one paragraph each, through the real stages."""
    terms = glossary.load([])
    doc = Document("dev", str(DEV), Meta(title="dev", language="zh-Hans"),
                   [Block("paragraph", s) for s in sources])
    segmented = segment(convert(doc))
    sentences = [s for block in segmented.blocks for s in block.sentences]
    prepared = [prepare(s, terms, "", protect) for s in sentences]
    strict = [prepare_strict(s, terms, "") for s in sentences] if protect else None
    units = {u.id: u for u in default_model().translate(sentences, prepared, strict)}
    return [" ".join(units[s.id].text for s in block.sentences) for block in segmented.blocks]


def misses(sources: list[str], hyps: list[str]) -> tuple[int, int, int]:
    """(glossary misses, number misses, checks made) over all segments."""
    terms = glossary.load([])
    g = n = total = 0
    for zh, en in zip(sources, hyps):
        expected = expectations(zh, terms)
        total += len(expected)
        for e in missing(expected, en):
            if e.kind in KINDS:
                g += 1
            else:
                n += 1
    return g, n, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--variants", nargs="+", default=["none", "default", "all"],
                        help='term kinds written in English: "none", "default" (the pipeline\'s), "all", or a list')
    args = parser.parse_args()
    with open(args.tsv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows = rows[: args.limit] if args.limit else rows
    sources, refs = [r["zh"] for r in rows], [r["en"] for r in rows]
    systems = [("raw model", raw_english, ())]
    for v in args.variants:
        kinds = {"none": (), "default": PROTECTED, "all": KINDS}.get(v) or tuple(v.split(","))
        systems.append((f"pipeline [{v}]", pipeline_english, kinds))
    print(f"{len(rows)} segments from {args.tsv.name}")
    print(f"{'system':32} {'chrF':>6} {'BLEU':>6} {'glossary miss':>14} {'number miss':>12} {'checks':>7} {'s':>6}")
    print("(pipeline [none]: n-best and retries, no term written in English, no strict retry)")
    for name, system, kinds in systems:
        start = time.perf_counter()
        hyps = system(sources, kinds)
        seconds = time.perf_counter() - start
        chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
        bleu = sacrebleu.corpus_bleu(hyps, [refs]).score
        g, n, total = misses(sources, hyps)
        print(f"{name:32} {chrf:6.2f} {bleu:6.2f} {g:14} {n:12} {total:7} {seconds:6.1f}", flush=True)


if __name__ == "__main__":
    main()
