"""How the English is chosen among the model's hypotheses, cross-validated (issue 23, item 6).

Every dev-set sentence goes through the real stages (names, then translate with its
retries, as bench/eval.py runs QUALITY=default) at each beam width, with the model's
searches cached (build/choice/, by beam and input), so that each chooser is tried on the
same hypotheses without searching again. Choosers (all but "qe-all" first keep the
hypotheses with the fewest check problems, as translate.choice._pick does):
- first: the model's own order; mbr: the consensus (today's choice: most like the others, chrF);
- qe: the quality estimator's most probable hypothesis (estimate.py, on the sentence as
  one row, with the findings the translate stage can compute: terms and numbers missed,
  Chinese left, length, loops, negation, modality, unsensed words; no "dropped" check);
- qe-all: the same among all hypotheses (the checks only as its features);
- top-k: the k most probable by the estimator, then the consensus among them;
- mix λ: consensus + λ × the estimator's probability;
- qmbr: consensus with each other hypothesis weighted by its probability.
Figures are held-out: the dev set is cut in two halves (segments 1–125, 126–250); for each
half the estimator is retrained without any of its sentences (bench/train_qe.py's cases and
fit, the product's dev rows and the MQM news rows of those sentences left out), and a
chooser's parameter (beam, k, λ) is the best on the other half. The MQM news file (8 WMT21
systems' English of 96 of the same sentences) gives a second test: choosing among those 8,
scored by the professionals' MQM and by chrF/BLEU against the reference.
Then the same on the 279 TED segments of the MQM file the estimator is not trained on
(references: the English of the three systems the raters scored best; parameters from the
whole dev set), a test no parameter saw. Differences come with a 95 % paired-bootstrap
interval. About 15 minutes on 2 cores with the searches not yet cached.
Usage: python bench/eval_choice.py [--beams 4 8 16] [--limit N] [--no-mqm] [--no-ted]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import train_qe  # noqa: E402
from eval import DEV  # noqa: E402
from qe_data import group_key, load_cases  # noqa: E402

from pipeline import code  # noqa: E402
from pipeline.checks import estimate
from pipeline.checks.english import (
    bare_days,
    cjk_left,
    entities,
    loop,
    missing,
    modality_lost,
    negation_mismatch,
    problem_count,
    ratio_problem,
    short_english,
)
from pipeline.checks.estimate import Evidence  # noqa: E402
from pipeline.checks.rows import NUMBER_KINDS, SHORT_RATIO, glossary_words  # noqa: E402
from pipeline.lang import glossary
from pipeline.lang.senses import unsensed  # noqa: E402
from pipeline.model.document import Block, Document, Meta  # noqa: E402
from pipeline.model.translations import detokenize  # noqa: E402
from pipeline.stages import names  # noqa: E402
from pipeline.stages.scripts import convert  # noqa: E402
from pipeline.stages.segment import segment  # noqa: E402
from pipeline.stages.translate import choice, engine  # noqa: E402
from pipeline.stages.translate.choice import Candidate, Pick  # noqa: E402
from pipeline.stages.translate.engine import Decoding, default_model  # noqa: E402
from pipeline.stages.translate.inputs import Attempts, looked_up, repair, tidy  # noqa: E402

CACHE = Path(os.environ.get("CHOICE_CACHE", REPO / "build" / "choice"))
HALF = 125
KS = (2, 3, 4, 6, 8)
LAMBDAS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


# --- the estimator of each fold -------------------------------------------------------

def fold_estimators(dev_zh: list[str]) -> list[train_qe.Fit]:
    """For each half of the dev set, the estimator fitted on every labelled row except
    those of that half's sentences."""
    cases = [c for d in train_qe.DATASETS for c in load_cases(d)]
    rows = train_qe.featurize(cases)
    fits = []
    for half in (dev_zh[:HALF], dev_zh[HALF:]):
        held = {group_key(zh) for zh in half}
        train = np.asarray([i for i, g in enumerate(rows.group) if g not in held])
        print(f"fold estimator: {len(rows.group) - len(train)} of {len(rows.group)} rows left out", flush=True)
        fits.append(train_qe.fit(rows, train))
    return fits


def logit(fit: train_qe.Fit, values: dict[str, float]) -> float:
    x = (np.asarray([values[f] for f in estimate.FEATURES]) - fit.mean) / fit.scale
    return float(fit.intercept + x @ fit.weights)


# --- hypotheses, described once --------------------------------------------------------

_chrf_cache: dict[tuple[str, str], float] = {}


def chrf(a: str, b: str) -> float:
    if (a, b) not in _chrf_cache:
        _chrf_cache[(a, b)] = choice._chrf().sentence_score(a, [b]).score / 100
    return _chrf_cache[(a, b)]


def findings(hans: str, text: str, expected, words) -> list[str]:
    """Kinds of what the translate stage's checks find in one hypothesis, as quality names them."""
    kinds = ["number" if e.kind in NUMBER_KINDS else "glossary" for e in missing(expected, text)]
    kinds += ["chinese-left"] * bool(cjk_left(text)) + ["loop"] * bool(loop(text))
    kinds += ["length"] * bool(ratio_problem(hans, text))
    kinds += [f.kind for f in [*bare_days(expected, text), *short_english(hans, text, SHORT_RATIO),
                               *negation_mismatch(hans, text), *modality_lost(hans, text)]]
    kinds += ["sense"] * len(unsensed(words or (), text))
    return kinds


def describe(sentence, prep, candidates, words, known_words: set[str]) -> SimpleNamespace:
    expected = [e for clause in prep.expected for e in clause]
    repaired = [repair(tidy(c.pieces), c.attention, prep.inlined, expected) for c in candidates]
    cands = [Candidate(p, a, c.score, c.rank, f, p == c.pieces) for c, (p, a, f) in zip(candidates, repaired)]
    texts = [detokenize(c.pieces) for c in cands]
    n = len(texts)
    sim = np.asarray([[chrf(texts[i], texts[j]) if i != j else 0.0 for j in range(n)] for i in range(n)])
    written = known_words | {w.lower() for e in expected for text in (e.expected, *e.forms)
                             for w in text.replace("-", " ").split()}
    values = []
    for text, c in zip(texts, cands):
        agreement = sim[len(values)].sum() / max(1, n - 1) if n > 1 else 1.0
        unit = SimpleNamespace(score=c.score, agreement=agreement)
        kinds = findings(sentence.hans, text, expected, words)
        seen = Evidence(sentence.hans, text, unit, [SimpleNamespace(kind=k) for k in kinds], written, False)
        values.append(estimate.features(seen))
    costs = [problem_count(expected, sentence.hans, t) for t in texts]
    return SimpleNamespace(cands=cands, texts=texts, sim=sim, values=values, costs=costs)


# --- choosers: (description, estimator logits) → index ----------------------------------

def mbr_among(sim: np.ndarray, among: list[int], weights: np.ndarray | None = None) -> int:
    """The one of `among` most like all hypotheses (weighted), the earliest on a tie."""
    n = len(sim)
    w = np.ones(n) if weights is None else weights
    def utility(i: int) -> float:
        others = [j for j in range(n) if j != i]
        return float(np.dot(sim[i, others], w[others]) / w[others].sum()) if others else 1.0
    return max(among, key=lambda i: (round(utility(i), 12), -i))


def chooser(name: str, param: float = 0):
    def choose(d: SimpleNamespace, z: np.ndarray) -> int:
        fewest = min(d.costs)
        passing = [i for i, c in enumerate(d.costs) if c == fewest]
        p = 1 / (1 + np.exp(-z))
        if name == "first":
            return passing[0]
        if name == "mbr":
            return mbr_among(d.sim, passing)
        if name == "qe":
            return max(passing, key=lambda i: (z[i], -i))
        if name == "qe-all":
            return max(range(len(z)), key=lambda i: (z[i], -i))
        if name == "top-k":
            kept = sorted(passing, key=lambda i: (-z[i], i))[:int(param)]
            return mbr_among(d.sim, sorted(kept))
        if name == "mix":
            n = len(d.sim)
            agree = d.sim.sum(axis=1) / max(1, n - 1)
            return max(passing, key=lambda i: (agree[i] + param * p[i], -i))
        if name == "qmbr":
            return mbr_among(d.sim, passing, p)
        raise ValueError(name)
    return choose


CHOOSERS = ([("first", 0), ("mbr", 0), ("qe", 0), ("qe-all", 0), ("qmbr", 0)]
            + [("top-k", k) for k in KS] + [("mix", lam) for lam in LAMBDAS])


# --- the dev set through the pipeline, searches cached ---------------------------------

def cached_search(model, path: Path) -> dict:
    found = pickle.loads(path.read_bytes()) if path.is_file() else {}
    search = model.search

    def once(sources: list[list[str]], beam: int) -> list[list[Candidate]]:
        todo = list(dict.fromkeys(tuple(s) for s in sources if (tuple(s), beam) not in found))
        start = time.perf_counter()
        for key, cands in zip(todo, search([list(k) for k in todo], beam) if todo else []):
            found[(key, beam)] = cands
        once.seconds[beam] = once.seconds.get(beam, 0.0) + time.perf_counter() - start
        return [found[(tuple(s), beam)] for s in sources]
    once.seconds = {}
    model.search = once
    return found


def attempts_of(sources: list[str]) -> tuple[list[list[Attempts]], set[str]]:
    terms = glossary.load([])
    docs = [segment(convert(Document(f"dev{i}", str(DEV), Meta(title="dev"), [Block("paragraph", s)])))
            for i, s in enumerate(sources)]
    out = []
    for doc in docs:
        extended = glossary.extended(terms, names.find(doc, terms))
        out.append(looked_up([Attempts(s, extended, "") for s in doc.blocks[0].sentences]))
    return out, glossary_words(entities(terms))


_described: dict[tuple, tuple] = {}


def run(model, per_segment: list[list[Attempts]], beam: int, choose, fold_of, fits, known_words) -> list[str]:
    """The dev set's English with `choose` as translate.choice._pick (as the engine calls it), at `beam`."""
    words = {a.sentence.hans: a.words for seg in per_segment for a in seg}
    fold = {a.sentence.hans: fold_of[i] for i, seg in enumerate(per_segment) for a in seg}

    def pick(sentence, prep, candidates, consensus):
        key = (sentence.hans, "".join(prep.clauses), id(candidates))  # cached searches: the same list
        if key not in _described:
            d = describe(sentence, prep, candidates, words.get(sentence.hans), known_words)
            _described[key] = d, np.asarray([logit(fits[fold.get(sentence.hans, 0)], v) for v in d.values])
        d, z = _described[key]
        best = choose(d, z)
        return Pick(d.costs[best], d.cands[best], float(d.sim[best].sum() / max(1, len(d.sim) - 1)))

    engine._pick = pick
    decoding = Decoding(beam=beam, consensus=True, reliance=False)
    units = iter(model.translate([a for seg in per_segment for a in seg], decoding))
    return [" ".join(next(units).text for _ in seg) for seg in per_segment]


def scores(hyps: list[str], refs: list[str]) -> tuple[float, float]:
    return sacrebleu.corpus_chrf(hyps, [refs]).score, sacrebleu.corpus_bleu(hyps, [refs]).score


def held_out(results: dict, refs: list[str], configs: list[tuple]) -> tuple[list[str], list[tuple]]:
    """For each half, the config of `configs` best (chrF) on the other half; the English
    of each half by its own pick, and the picks."""
    out, picks = [], []
    for half, other in ((slice(0, HALF), slice(HALF, None)), (slice(HALF, None), slice(0, HALF))):
        best = max(configs, key=lambda c: (scores(results[c][other], refs[other])[0]))
        out += results[best][half]
        picks.append(best)
    return out, picks


# --- MQM news: choosing among eight systems ----------------------------------------------

def mqm_choice(fits: list[train_qe.Fit], dev_zh: list[str], refs_by_zh: dict[str, str]) -> None:
    cases = load_cases("mqm_news")
    rows = train_qe.featurize(cases)
    half_of = {group_key(zh): int(i >= HALF) for i, zh in enumerate(dev_zh)}
    groups: dict[str, list[int]] = {}
    for i, g in enumerate(rows.group):
        if g in half_of:  # (all of them, unless --limit)
            groups.setdefault(g, []).append(i)
    english = [c.unit.text for c in cases]
    zh_of = {group_key(zh): zh for zh in dev_zh}
    picks: dict[str, list[int]] = {}
    for g, idx in groups.items():
        z = fits[half_of[g]].logit(rows, np.asarray(idx))
        sim = np.asarray([[chrf(english[i], english[j]) if i != j else 0.0 for j in idx] for i in idx])
        d = SimpleNamespace(costs=[0] * len(idx), sim=sim)
        for name, param in [("mbr", 0), ("qe", 0), ("qmbr", 0), ("top-k", 2), ("top-k", 4),
                            ("mix", 0.8), ("logprob", 0)]:
            if name == "logprob":
                best = int(np.argmax(rows.logprob[idx]))
            else:
                best = chooser(name, param)(d, z)
            picks.setdefault(f"{name} {param or ''}".strip(), []).append(idx[best])
    print(f"\nMQM news: choosing among the 8 WMT21 systems' English of {len(groups)} segments "
          "(estimator of the fold without the segment's sentences)")
    print(f"{'chooser':12} {'mean MQM':>9} {'major %':>8} {'chrF':>6} {'BLEU':>6}")
    order = list(groups)
    mean = {g: float(np.mean(rows.mqm[idx])) for g, idx in groups.items()}
    every = [i for idx in groups.values() for i in idx]
    print(f"{'any system':12} {np.mean(list(mean.values())):9.2f} {100 * np.mean(rows.mqm[every] <= -5):8.1f}")
    for name, chosen in picks.items():
        hyps = [english[i] for i in chosen]
        refs = [refs_by_zh[zh_of[g]] for g in order]
        c, b = scores(hyps, refs)
        print(f"{name:12} {np.mean(rows.mqm[chosen]):9.2f} "
              f"{100 * np.mean(rows.mqm[chosen] <= -5):8.1f} {c:6.2f} {b:6.2f}")
    oracle = [idx[int(np.argmax(rows.mqm[idx]))] for idx in groups.values()]
    print(f"{'oracle':12} {np.mean(rows.mqm[oracle]):9.2f} {100 * np.mean(rows.mqm[oracle] <= -5):8.1f}")


def bootstrap(a: list[str], b: list[str], refs: list[list[str]], n: int = 1000) -> tuple[float, float, float]:
    """chrF of `b` minus `a`, and its 95 % paired-bootstrap interval (segments resampled)."""
    metric = sacrebleu.metrics.CHRF()
    sa = np.asarray(metric._extract_corpus_statistics(a, refs))
    sb = np.asarray(metric._extract_corpus_statistics(b, refs))
    rng = np.random.default_rng(0)
    def score(stats, idx):
        return metric._compute_score_from_stats(list(stats[idx].sum(axis=0))).score
    whole = np.arange(len(a))
    diffs = []
    for _ in range(n):
        idx = rng.integers(0, len(a), len(a))
        diffs.append(score(sb, idx) - score(sa, idx))
    return score(sb, whole) - score(sa, whole), float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))


def ted_unseen(limit: int = 0) -> tuple[list[str], list[list[str]]]:
    """The MQM TED segments the estimator never saw (not among train_qe's TED_SEGMENTS), with
    the English of the three systems the raters found best as references."""
    import random

    from qe_data import MQM, TED_SEGMENTS, read_tsv
    rows = read_tsv(MQM["mqm_ted"])
    ids = sorted({r["seg_id"] for r in rows}, key=int)
    seen = set(random.Random(0).sample(ids, min(TED_SEGMENTS, len(ids))))
    by_id: dict[str, list[dict]] = {}
    for r in rows:
        if r["seg_id"] not in seen:
            by_id.setdefault(r["seg_id"], []).append(r)
    chosen = list(by_id.values())[:limit] if limit else list(by_id.values())
    sources = [group[0]["zh"] for group in chosen]
    best = [sorted(group, key=lambda r: (-float(r["mqm"]), r["system"]))[:3] for group in chosen]
    return sources, [[b[k]["en"] for b in best] for k in range(3)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--no-mqm", action="store_true")
    parser.add_argument("--no-ted", action="store_true")
    args = parser.parse_args()
    with open(DEV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows = rows[:args.limit] if args.limit else rows
    sources, refs = [r["zh"] for r in rows], [r["en"] for r in rows]
    global HALF
    HALF = (len(rows) + 1) // 2
    fits = fold_estimators([r["zh"] for r in rows])
    if not args.no_mqm:
        mqm_choice(fits, sources, dict(zip(sources, refs)))
    model = default_model()
    CACHE.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(code.digest("translations").encode() + DEV.read_bytes()).hexdigest()[:12]
    path = CACHE / f"search-{key}.pkl"
    found = cached_search(model, path)
    per_segment, known_words = attempts_of(sources)
    fold_of = [int(i >= HALF) for i in range(len(sources))]
    results: dict[tuple, list[str]] = {}
    for beam in args.beams:
        for name, param in CHOOSERS:
            before = sum(model.search.seconds.values())
            results[(beam, name, param)] = run(model, per_segment, beam, chooser(name, param), fold_of, fits,
                                               known_words)
            if sum(model.search.seconds.values()) - before > 1:
                path.write_bytes(pickle.dumps(found))
        print(f"beam {beam}: search seconds {model.search.seconds}", flush=True)
    (CACHE / "results-dev.pkl").write_bytes(pickle.dumps((results, refs)))
    print(f"\n{len(rows)} dev segments; every figure held-out (estimator of the other half's data)")
    print(f"{'beam':>4} {'chooser':10} {'chrF':>6} {'BLEU':>6} {'half1':>6} {'half2':>6}")
    for (beam, name, param), hyps in results.items():
        if name in ("top-k", "mix"):
            continue
        c, b = scores(hyps, refs)
        h1, h2 = scores(hyps[:HALF], refs[:HALF])[0], scores(hyps[HALF:], refs[HALF:])[0]
        print(f"{beam:4} {name:10} {c:6.2f} {b:6.2f} {h1:6.2f} {h2:6.2f}")
    tuned = {}
    for beam in args.beams:
        for family in ("top-k", "mix"):
            configs = [k for k in results if k[0] == beam and k[1] == family]
            hyps, picks = held_out(results, refs, configs)
            tuned[(beam, family)] = hyps
            c, b = scores(hyps, refs)
            h1, h2 = scores(hyps[:HALF], refs[:HALF])[0], scores(hyps[HALF:], refs[HALF:])[0]
            print(f"{beam:4} {family:10} {c:6.2f} {b:6.2f} {h1:6.2f} {h2:6.2f}   parameter from the other half: "
                  f"{[p[2] for p in picks]}")
    print("\nin-fold (tuning) figures, for reference only:")
    for key_, hyps in results.items():
        if key_[1] in ("top-k", "mix"):
            h1, h2 = scores(hyps[:HALF], refs[:HALF])[0], scores(hyps[HALF:], refs[HALF:])[0]
            print(f"  {key_}: half1 {h1:.2f} half2 {h2:.2f}")
    base = results[(args.beams[0], "mbr", 0)]
    print(f"\nagainst beam {args.beams[0]} consensus (today's default), chrF difference [95 % paired bootstrap]:")
    for beam in args.beams:
        for label, hyps in ((f"{beam} mbr", results[(beam, "mbr", 0)]), (f"{beam} qe", results[(beam, "qe", 0)]),
                            (f"{beam} mix", tuned[(beam, "mix")])):
            d, lo, hi = bootstrap(base, hyps, [refs])
            print(f"  {label:10} {d:+.2f} [{lo:+.2f}, {hi:+.2f}]")
    for beam in args.beams:
        d, lo, hi = bootstrap(results[(beam, "mbr", 0)], tuned[(beam, "mix")], [refs])
        print(f"  mix against mbr at beam {beam}: {d:+.2f} [{lo:+.2f}, {hi:+.2f}]")
    if args.no_ted:
        return
    # A test no parameter was tuned on: unseen TED segments, λ of each beam from the whole dev set.
    lam = {beam: max(LAMBDAS, key=lambda x: scores(results[(beam, "mix", x)], refs)[0]) for beam in args.beams}
    ted, ted_refs = ted_unseen(args.limit)
    cases = [c for d in train_qe.DATASETS for c in load_cases(d)]
    every = train_qe.featurize(cases)
    full = train_qe.fit(every, np.arange(len(every.group)))
    found_ted = cached_search(model, CACHE / f"search-ted-{key}.pkl")
    ted_attempts, _ = attempts_of(ted)
    ted_results = {}
    for beam in args.beams:
        for name, param in [("first", 0), ("mbr", 0), ("qe", 0), ("mix", lam[beam])]:
            before = sum(model.search.seconds.values())
            ted_results[(beam, name, param)] = run(model, ted_attempts, beam, chooser(name, param),
                                                   [0] * len(ted), [full], known_words)
            if sum(model.search.seconds.values()) - before > 1:
                (CACHE / f"search-ted-{key}.pkl").write_bytes(pickle.dumps(found_ted))
        print(f"TED beam {beam}: search seconds {model.search.seconds}", flush=True)
    (CACHE / "results-ted.pkl").write_bytes(pickle.dumps((ted_results, ted_refs)))
    print(f"\n{len(ted)} TED segments the estimator never saw (references: the 3 systems the MQM raters "
          "found best; λ from the whole dev set)")
    print(f"{'beam':>4} {'chooser':10} {'chrF':>6} {'BLEU':>6}  vs beam {args.beams[0]} mbr")
    tbase = ted_results[(args.beams[0], "mbr", 0)]
    for (beam, name, param), hyps in ted_results.items():
        c = sacrebleu.corpus_chrf(hyps, ted_refs).score
        b = sacrebleu.corpus_bleu(hyps, ted_refs).score
        d, lo, hi = bootstrap(tbase, hyps, ted_refs)
        print(f"{beam:4} {name + (f' {param}' if param else ''):10} {c:6.2f} {b:6.2f}  {d:+.2f} [{lo:+.2f}, {hi:+.2f}]")


if __name__ == "__main__":
    main()
