"""Translation quality on the development set, scored with sacrebleu.

Compares, on the same segments in one run: the raw model (each segment given whole,
as written) and the pipeline (read → scripts → segment → translate, English joined).
Usage: python bench/eval.py [--tsv PATH] [--limit N]
"""
from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import sacrebleu

from pipeline.document import Block, Document, Meta
from pipeline.scripts import convert
from pipeline.segment import segment
from pipeline.translate import default_model, detokenize

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "newstest2021-zhen-dev.tsv"


def pipeline_english(sources: list[str]) -> list[str]:
    """All segments as one article, one paragraph each, through the real stages."""
    doc = Document("dev", str(DEV), Meta(title="dev", language="zh-Hans"),
                   [Block("paragraph", s) for s in sources])
    segmented = segment(convert(doc))
    units = {u.id: u for u in default_model().translate(segmented.all_sentences())}
    return [" ".join(units[s.id].text for s in block.sentences) for block in segmented.blocks]


def raw_english(sources: list[str]) -> list[str]:
    model = default_model()
    results = model.translator.translate_batch([model.tokenize(s) for s in sources], beam_size=4,
                                               max_batch_size=2048, batch_type="tokens")
    return [detokenize(r.hypotheses[0]) for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    with open(args.tsv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows = rows[: args.limit] if args.limit else rows
    sources, refs = [r["zh"] for r in rows], [r["en"] for r in rows]
    print(f"{len(rows)} segments from {args.tsv.name}")
    print(f"{'system':10} {'chrF':>6} {'BLEU':>6} {'seconds':>8}")
    for name, system in (("raw model", raw_english), ("pipeline", pipeline_english)):
        start = time.perf_counter()
        hyps = system(sources)
        seconds = time.perf_counter() - start
        chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
        bleu = sacrebleu.corpus_bleu(hyps, [refs]).score
        print(f"{name:10} {chrf:6.1f} {bleu:6.1f} {seconds:8.1f}")


if __name__ == "__main__":
    main()
