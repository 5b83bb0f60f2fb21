"""Train the quality estimator (pipeline/estimate.py) and write pipeline/data/qe.json.

`make train-qe` runs this. The cases (bench/qe_data.py: every labelled English forced
through the model, cached under build/qe/) become rows of features as a build computes
them (quality.evidence, estimate.features); a logistic regression (scikit-learn, here
only: the build applies it with numpy) learns P(right) from them:
- `product` rows (this product's English, labelled misleading or not) and MQM rows
  (WMT21 systems' English: right = no major error, MQM > −5), each MQM file with an
  intercept of its own, so that the product's base rate sets the shipped probability and
  the MQM files shape only the weights; MQM rows weigh MQM_WEIGHT each;
- figures are cross-validated: grouped k-fold, a group being one Chinese sentence (the
  dev set's sentences are in both misleading.tsv and the MQM news file: one group), a
  seed article or an unseen brief, so the same sentence never sits in training and test;
- the threshold of rows to check is the best F1 for misleading rows on the out-of-fold
  probabilities of the product rows; the recall and precision reported for each row are
  those of a threshold chosen the same way on the other folds' rows only.
The same cases give the same file, byte for byte: fixed folds, a deterministic solver,
rounded numbers, sorted keys.
Usage: python bench/train_qe.py [--out PATH] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from qe_data import Case, load_cases  # noqa: E402

from pipeline.checks import estimate
from pipeline.checks.english import entities  # noqa: E402
from pipeline.checks.rows import evidence, glossary_words  # noqa: E402
from pipeline.lang import glossary  # noqa: E402

DATASETS = ("product", "mqm_news", "mqm_ted")
FOLDS = 5
C = 0.5            # inverse L2 strength (standardised features)
MQM_WEIGHT = 0.5   # each MQM row counts half a product row
VERSION = 1        # of the file's layout
MIN_FLAGGED = 10   # product rows a kind of finding must flag for the estimator to weigh it; rarer kinds list a row


@dataclass
class Rows:
    """Every labelled row as a feature matrix, with what each row is."""

    x: np.ndarray           # rows × estimate.FEATURES
    right: np.ndarray       # 1 = right
    dataset: list[str]      # product, mqm_news, mqm_ted
    subset: list[str]       # seed, dev, brief (product), or the MQM file
    group: list[str]
    mqm: np.ndarray         # MQM score (nan for product rows)
    logprob: np.ndarray     # the model's log-probability per piece alone
    hand: np.ndarray        # the hand-weighted confidence before issue 23
    hand_listed: np.ndarray  # whether a row was listed before issue 23 (any reason)
    kinds: list[set[str]]   # the kinds of the checks' findings on the row
    values: list[dict]      # the features by name


# The hand-weighted confidence of quality.py before issue 23, kept to compare against.
HAND_WEIGHTS = {"glossary": .5, "number": .5, "chinese-left": .5, "loop": .6, "length": .3,
                "entity": .5, "doubled": .3, "negation": .5, "modality": .4, "tense": .4,
                "dropped": .4, "sense": .3, "short": .4, "day": .3, "score": .3, "agreement": .3}


def hand_confidence(kinds: list[str], score: float, agreement: float) -> tuple[float, bool]:
    """The old confidence, and whether the row was listed then (any reason, the model's
    own doubt included: log-probability under -0.9, agreement under 0.55)."""
    def scale(value: float, low: float, high: float) -> float:
        return min(1.0, max(0.0, (value - low) / (high - low)))
    kinds = list(kinds) + (["score"] if score < -0.9 else []) + (["agreement"] if agreement < 0.55 else [])
    model = 0.8 + 0.2 * (scale(score, -0.9, -0.3) + scale(agreement, 0.55, 0.95)) / 2
    return model * float(np.prod([1 - HAND_WEIGHTS.get(k, 0.0) for k in kinds])), bool(kinds)


def subset_of(case: Case) -> str:
    """seed, dev, brief (product rows; "-own" where the English is the model's own, as in a
    build: the others are an older build's English, forced), or the MQM file."""
    if case.dataset != "product":
        return case.dataset
    return {"seed": "seed", "zh": "dev", "brief": "brief"}[case.group.split(":")[0]] + ("-own" if case.own else "")


def featurize(cases: list[Case]) -> Rows:
    known = entities(glossary.load([]))
    names = glossary_words(known)
    out: dict[str, list] = {k: [] for k in ("x", "right", "dataset", "subset", "group", "mqm", "logprob", "hand",
                                             "hand_listed", "values", "kinds")}
    for case in cases:
        for seen, label in zip(evidence(case.rows, case.unit, known, case.listed, names, not case.own), case.labels):
            values = estimate.features(seen)
            out["values"].append(values)
            out["kinds"].append({f.kind for f in seen.findings})
            out["x"].append([values[f] for f in estimate.FEATURES])
            out["right"].append(label.right)
            out["dataset"].append(case.dataset)
            out["subset"].append(subset_of(case))
            out["group"].append(case.group)
            out["mqm"].append(np.nan if label.mqm is None else label.mqm)
            out["logprob"].append(case.unit.score)
            hand, listed = hand_confidence([f.kind for f in seen.findings], case.unit.score, case.unit.agreement)
            out["hand"].append(hand)
            out["hand_listed"].append(listed)
    return Rows(np.asarray(out["x"], dtype=float), np.asarray(out["right"]), out["dataset"], out["subset"],
                out["group"], np.asarray(out["mqm"], dtype=float), np.asarray(out["logprob"]),
                np.asarray(out["hand"]), np.asarray(out["hand_listed"]), out["kinds"], out["values"])


def design(rows: Rows, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Standardised features, then one indicator per MQM file (its own intercept)."""
    domains = np.asarray([[d == "mqm_news", d == "mqm_ted"] for d in rows.dataset], dtype=float)
    return np.hstack([(rows.x - mean) / scale, domains])


@dataclass
class Fit:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray     # per feature
    domain: np.ndarray      # per MQM file: its intercept beyond the product's
    intercept: float        # the product's

    def logit(self, rows: Rows, index: np.ndarray | None = None) -> np.ndarray:
        x = design(rows, self.mean, self.scale)
        z = self.intercept + x[:, :len(self.weights)] @ self.weights + x[:, len(self.weights):] @ self.domain
        return z if index is None else z[index]


def fit(rows: Rows, index: np.ndarray) -> Fit:
    from sklearn.linear_model import LogisticRegression
    x = rows.x[index]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    weight = np.asarray([1.0 if rows.dataset[i] == "product" else MQM_WEIGHT for i in index])
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, tol=1e-8)
    sub = Rows(x, rows.right[index], [rows.dataset[i] for i in index], [], [], rows.mqm[index], rows.logprob[index],
               rows.hand[index], rows.hand_listed[index], [], [])
    model.fit(design(sub, mean, scale), sub.right, sample_weight=weight)
    k = len(estimate.FEATURES)
    return Fit(mean, scale, model.coef_[0][:k], model.coef_[0][k:], float(model.intercept_[0]))


def folds(rows: Rows) -> list[np.ndarray]:
    """Test indices of each fold: whole groups, dealt to folds by a fixed order."""
    from sklearn.model_selection import GroupKFold
    index = np.arange(len(rows.right))
    return [test for _, test in GroupKFold(n_splits=FOLDS).split(index, rows.right, rows.group)]


def out_of_fold(rows: Rows) -> np.ndarray:
    """Each row's probability of being right from a model that never saw its group."""
    p = np.zeros(len(rows.right))
    everything = np.arange(len(rows.right))
    for test in folds(rows):
        train = np.setdiff1d(everything, test)
        p[test] = 1 / (1 + np.exp(-fit(rows, train).logit(rows, test)))
    return p


def best_threshold(p: np.ndarray, right: np.ndarray) -> float:
    """The threshold with the best F1 for finding wrong rows (rows below it are listed)."""
    best, chosen = -1.0, 0.5
    for t in np.round(np.arange(0.05, 0.951, 0.005), 3):
        listed = p < t
        hits = np.sum(listed & (right == 0))
        if hits == 0:
            continue
        precision, recall = hits / listed.sum(), hits / np.sum(right == 0)
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best + 1e-12:
            best, chosen = f1, float(t)
    return chosen


def auroc(wrong: np.ndarray, doubt: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(wrong, doubt)) if 0 < wrong.sum() < len(wrong) else float("nan")


def rule_kinds(rows: Rows, index: np.ndarray) -> list[str]:
    """Kinds of findings on fewer than MIN_FLAGGED of these product rows."""
    counts: dict[str, int] = {}
    for i in index:
        for kind in rows.kinds[i]:
            counts[kind] = counts.get(kind, 0) + (rows.dataset[i] == "product")
    every = {k for group in estimate.CHECK_GROUPS.values() for k in group}
    return sorted(k for k in every if counts.get(k, 0) < MIN_FLAGGED)


def listed_out_of_fold(rows: Rows, p: np.ndarray) -> np.ndarray:
    """Whether each row is listed with the threshold (best_threshold) and rule kinds as
    chosen on the product rows of the other folds: recall and precision of a listing that
    never saw the row."""
    product = np.asarray([d == "product" for d in rows.dataset])
    listed = np.zeros(len(p), dtype=bool)
    for test in folds(rows):
        others = product.copy()
        others[test] = False
        rare = set(rule_kinds(rows, np.flatnonzero(others)))
        listed[test] = (p[test] < best_threshold(p[others], rows.right[others])) | np.asarray(
            [bool(rows.kinds[i] & rare) for i in test])
    return listed


def figures(rows: Rows, p: np.ndarray, listed_p: np.ndarray) -> dict:
    """Cross-validated figures per data set: the estimator, the hand-weighted confidence
    and the log-probability alone (MQM: Pearson, Kendall tau, AUROC of a major error;
    product: AUROC of misleading, and recall and precision of the rows listed, `listed_p`
    for the estimator, any reason for the hand-weighted confidence)."""
    from scipy.stats import kendalltau, pearsonr
    out = {}
    subsets = ["seed", "dev", "brief", "product", "product-own", "mqm_news", "mqm_ted"]
    for name in subsets:
        idx = np.asarray([i for i, s in enumerate(rows.subset) if s.split("-")[0] == name
                          or (name == "product" and rows.dataset[i] == "product")
                          or (name == "product-own" and s.endswith("-own"))])
        if not len(idx):
            continue
        wrong = 1 - rows.right[idx]
        systems = {"estimator": p[idx], "hand": rows.hand[idx], "logprob": rows.logprob[idx]}
        entry = {"rows": int(len(idx)), "wrong": int(wrong.sum())}
        for system, score in systems.items():
            mine = {"auroc": round(auroc(wrong, -score), 3)}
            if name.startswith("mqm"):
                mine["pearson"] = round(float(pearsonr(score, rows.mqm[idx])[0]), 3)
                mine["kendall"] = round(float(kendalltau(score, rows.mqm[idx])[0]), 3)
            elif system == "estimator":
                listed = listed_p[idx]
                hits = int(np.sum(listed & (wrong == 1)))
                mine.update(listed=int(listed.sum()), recall=round(hits / max(1, wrong.sum()), 3),
                            precision=round(hits / max(1, listed.sum()), 3))
            elif system == "hand":  # before issue 23 a row with any reason was listed
                listed = rows.hand_listed[idx]
                hits = int(np.sum(listed & (wrong == 1)))
                mine.update(listed=int(listed.sum()), recall=round(hits / max(1, wrong.sum()), 3),
                            precision=round(hits / max(1, listed.sum()), 3))
            entry[system] = mine
        out[name] = entry
    return out


def train(limit: int = 0) -> dict:
    """Everything qe.json holds: the model fitted on all rows, its threshold and figures."""
    fresh = bool(os.environ.get("QE_FRESH"))  # force every labelled English through the model again
    rows = featurize([c for d in DATASETS for c in load_cases(d, limit, fresh)])
    p = out_of_fold(rows)
    product = np.asarray([d == "product" for d in rows.dataset])
    threshold = best_threshold(p[product], rows.right[product])
    final = fit(rows, np.arange(len(rows.right)))
    counts = {name: {"rows": int(sum(s == name for s in rows.subset)),
                     "wrong": int(sum(1 - r for s, r in zip(rows.subset, rows.right) if s == name))}
              for name in dict.fromkeys(rows.subset)}
    return {
        "version": VERSION,
        "made_by": "make train-qe (bench/train_qe.py, from the cases of bench/qe_data.py)",
        "model": {
            "kind": "logistic regression on standardised features: P(right) = 1 / (1 + exp(-(intercept + "
                    "sum(weights * (x - mean) / scale))))",
            "features": list(estimate.FEATURES),
            "mean": [round(float(v), 6) for v in final.mean],
            "scale": [round(float(v), 6) for v in final.scale],
            "weights": [round(float(v), 6) for v in final.weights],
            "intercept": round(final.intercept, 6),
            "mqm_intercepts": {"mqm_news": round(float(final.domain[0]), 6),
                               "mqm_ted": round(float(final.domain[1]), 6)},
            "regularisation_C": C,
            "mqm_row_weight": MQM_WEIGHT,
            "min_flagged": MIN_FLAGGED,
        },
        "threshold": threshold,
        "rule_kinds": rule_kinds(rows, np.arange(len(rows.right))),
        "threshold_chosen": "best F1 for misleading rows on the out-of-fold probabilities of the product rows; "
                            "rows less likely right are rows to check. The figures' recall and precision are of "
                            "thresholds chosen so on the other folds' rows only",
        "training_data": {
            "product": "this product's English, labelled by reading: tests/data/misleading.tsv (360 sentences of the "
                       "seeds and the dev set; right = not misleading) and ../shared/eval/qe/misleading_rows.tsv "
                       "(rows of six unseen briefs, title rows left out; right = OK); each sentence forced through "
                       "the model whole",
            "mqm_news": "../shared/eval/qe/mqm_news21_dev.tsv: WMT21 news, 8 systems; right = MQM > -5 "
                        "(no major error)",
            "mqm_ted": "../shared/eval/qe/mqm_ted21.tsv, 250 of its 529 segments drawn with seed 0 (all 8 systems); "
                       "right = MQM > -5",
            "counts": counts,
            "limit": limit,
        },
        "cross_validation": f"{FOLDS}-fold grouped (a group: one Chinese sentence across data sets, a seed "
                            "article, an unseen brief); out-of-fold predictions; 'hand' = the hand-weighted "
                            "confidence before issue 23, 'logprob' = the model's log-probability per piece",
        "figures": figures(rows, p, listed_out_of_fold(rows, p)),
    }


def dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=estimate.PARAMETERS)
    parser.add_argument("--limit", type=int, default=0, help="the first N items of each data file only (tests)")
    args = parser.parse_args()
    result = train(args.limit)
    args.out.write_text(dumps(result), encoding="utf-8")
    f = result["figures"]
    print(f"train-qe  {args.out}: threshold {result['threshold']}; "
          + "; ".join(f"{k} AUROC {v['estimator']['auroc']}" for k, v in f.items()))


if __name__ == "__main__":
    main()
