"""The quality estimator beside the hand-weighted confidence it replaced and the model's
log-probability alone, cross-validated (make eval).

The figures are bench/train_qe.py's, from the same cached cases and the same grouped
folds (out-of-fold predictions only): on each MQM file Pearson and Kendall tau against
the MQM score and AUROC for a major error (MQM <= -5); on this product's labelled English
AUROC for a misleading row, and the recall and precision of the rows listed (estimator:
below a threshold chosen on the other folds; hand-weighted: any reason, as before issue
23). `product-own` is the product rows whose English the model still writes itself, as
in a build (the others are an older build's English, forced).
Usage: python bench/eval_qe.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_qe import train  # noqa: E402

SYSTEMS = (("estimator", "estimator"), ("hand", "hand-weighted (before)"), ("logprob", "log-prob alone"))


def table(figures: dict) -> list[str]:
    lines = [f"{'data':12} {'rows':>5} {'wrong':>5}  {'system':22} {'AUROC':>6} {'Pearson':>7} {'Kendall':>7} "
             f"{'listed':>6} {'recall':>6} {'precision':>9}"]
    for name, entry in figures.items():
        for key, label in SYSTEMS:
            f = entry[key]

            def cell(field: str, width: int, percent: bool = False) -> str:
                value = f.get(field)
                return f"{'':>{width}}" if value is None else f"{value:>{width}.0%}" if percent else f"{value:>{width}}"
            lines.append(f"{name:12} {entry['rows']:>5} {entry['wrong']:>5}  {label:22} {f['auroc']:>6.3f} "
                         f"{cell('pearson', 7)} {cell('kendall', 7)} {cell('listed', 6)} {cell('recall', 6, True)} "
                         f"{cell('precision', 9, True)}")
    return lines


def main() -> None:
    result = train()
    print(f"quality estimator, cross-validated ({result['cross_validation']})")
    print("\n".join(table(result["figures"])))
    print(f"threshold {result['threshold']} (shipped: pipeline/data/qe.json)")


if __name__ == "__main__":
    main()
