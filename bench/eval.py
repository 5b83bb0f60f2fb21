"""Translation quality on a zh/en TSV (the dev set by default): sacrebleu scores and the
pipeline's own checks.

Systems compared on the same segments in one run:
- raw model: each segment given whole, as written, the model's first hypothesis (beam 4);
- the pipeline at each QUALITY setting: scripts → segment → translate, English joined per
  segment. Each segment's script is detected (Traditional input is converted to
  Simplified for the model, as in a brief).
Each system's English is checked for glossary terms and numbers in its segment.
Usage: python bench/eval.py [TSV] [--limit N] [--quality fast default]
The TSV has columns zh and en (a header line; other columns are ignored).
"""
from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import sacrebleu

from pipeline.checks.english import expectations, missing
from pipeline.lang import glossary
from pipeline.lang.chinese import converter, detect_script
from pipeline.lang.glossary import KINDS
from pipeline.model.document import Block, Document, Meta
from pipeline.model.segments import SegmentedDocument
from pipeline.model.translations import detokenize
from pipeline.stages import names
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate.engine import QUALITIES, default_model
from pipeline.stages.translate.inputs import Attempts

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "newstest2021-zhen-dev.tsv"


def raw_english(sources: list[str], _: str) -> list[str]:
    model = default_model()
    results = model.translator.translate_batch([model.tokenize(s) for s in sources], beam_size=4,
                                               max_batch_size=2048, batch_type="tokens")
    return [detokenize(r.hypotheses[0]) for r in results]


def pipeline_english(sources: list[str], quality: str, attempt: type[Attempts] = Attempts, compounds: bool = True,
                     languages: list[str] | None = None, find_names: bool = True) -> list[str]:
    """Each segment as a one-paragraph article in its own detected script (or `languages`),
    through the real stages (names found per segment unless not `find_names`: the glossary
    alone), all translated in one batch, each sentence's inputs as `attempt` makes them (the
    pipeline's Attempts, or bench/eval_names.py's Upfront)."""
    terms = glossary.load([])
    docs = [segment(convert(Document(f"dev{i}", str(DEV), Meta(title="dev", language=languages[i] if languages else ""),
                                     [Block("paragraph", s)]))) for i, s in enumerate(sources)]
    attempts = []
    for doc in docs:
        extended = glossary.extended(terms, found_names(doc, terms, compounds)) if find_names else terms
        attempts += [attempt(s, extended, "") for s in doc.blocks[0].sentences]
    units = iter(default_model().translate(attempts, QUALITIES[quality]))
    # Sentence ids repeat from one one-paragraph document to the next: go by position.
    return [" ".join(next(units).text for _ in doc.blocks[0].sentences) for doc in docs]


def found_names(doc: SegmentedDocument, terms: glossary.Glossary, compounds: bool = True) -> names.Names:
    """The names stage's names (names.find); without `compounds` (bench/eval_names.py's
    "no compounds" system), a place and its administrative suffix are no name, dropped
    before the tagger confirms and counts the names: 香港特區 leaves the glossary's 香港,
    "Hong Kong特区" for the model."""
    proposal = names.proposed(doc, terms)
    if not compounds:
        proposal = replace(proposal, names={zh: n for zh, n in proposal.names.items() if n.origin != "compound"})
    return names.confirmed(proposal, terms)


def misses(sources: list[str], hyps: list[str]) -> tuple[int, int, int]:
    """(glossary misses, number misses, checks made) over all segments."""
    terms = glossary.load([])
    g = n = total = 0
    for zh, en in zip(sources, hyps):
        expected = expectations(converter("t2s").convert(zh), terms)
        total += len(expected)
        for e in missing(expected, en):
            if e.kind in KINDS:
                g += 1
            else:
                n += 1
    return g, n, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", type=Path, nargs="?", default=DEV)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--quality", nargs="+", default=list(QUALITIES), choices=list(QUALITIES))
    args = parser.parse_args()
    with open(args.tsv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows = rows[: args.limit] if args.limit else rows
    sources, refs = [r["zh"] for r in rows], [r["en"] for r in rows]
    scripts = Counter(detect_script(s) for s in sources)
    systems = [("raw model", raw_english, ""), *((f"pipeline QUALITY={q}", pipeline_english, q) for q in args.quality)]
    print(f"{len(rows)} segments from {args.tsv.name} ({', '.join(f'{n} {k}' for k, n in scripts.items())})")
    print(f"{'system':28} {'chrF':>6} {'BLEU':>6} {'glossary miss':>14} {'number miss':>12} {'checks':>7} {'s':>6}")
    for name, system, quality in systems:
        start = time.perf_counter()
        hyps = system(sources, quality)
        seconds = time.perf_counter() - start
        chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
        bleu = sacrebleu.corpus_bleu(hyps, [refs]).score
        g, n, total = misses(sources, hyps)
        print(f"{name:28} {chrf:6.2f} {bleu:6.2f} {g:14} {n:12} {total:7} {seconds:6.1f}", flush=True)


if __name__ == "__main__":
    main()
