"""Quality estimation: how likely a row's English is to be right, learned from people's judgements.

The checks name faults; whether a row misleads depends on how they come together with
the model's own doubt and with signals no check covers. Each row is described by a few
numbers (`FEATURES`), from what the pipeline already has and from cheap new signals:

- the model's own signals, for the row's sentence: its log-probability per piece and
  the agreement of its hypotheses;
- what the checks placed on the row, by kind (terms and numbers missed, names, negation,
  modality and tense, dropped Chinese, word senses, length and form);
- English words that are no words ("badball", "biling": in no English word list, the
  frequencies of `wordfreq`) and capitalised words no dictionary or glossary knows
  ("Solonium", "Kimmen", pinyin leftovers such as "Qilong": an unknown name the model
  made up), leaving out every name the pipeline wrote and any Latin the Chinese itself
  holds; the length of the Chinese, and how far the English is shorter or longer than
  usual for it.

A logistic regression turns them into the probability that the row is right; its
parameters are in data/qe.json, made by `make train-qe` (bench/train_qe.py) from
labelled rows of this product's English and professional MQM judgements of other
systems', with what it was trained on and its cross-validated figures beside them.
Applying it needs numpy only. `explain` says in words what made it doubt a row that
no check explains.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.checks.english import Finding
from pipeline.code import DATA
from pipeline.lang.writing import HAN

if TYPE_CHECKING:
    from pipeline.model.translations import Translation

PARAMETERS = DATA / "qe.json"

# Kinds of check findings, grouped: each group is one feature (a count on the row). The
# model's own doubt ("score", "agreement") is no finding here: the estimator reads the
# numbers themselves.
CHECK_GROUPS = {
    "check_terms": ("glossary",),
    "check_numbers": ("number", "day"),
    "check_names": ("entity", "doubled"),
    "check_negation": ("negation",),
    "check_modality": ("modality", "tense"),
    "check_dropped": ("dropped",),
    "check_sense": ("sense",),
    "check_form": ("short", "length", "loop", "chinese-left"),
}
MODEL_KINDS = ("score", "agreement")

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
# wordfreq's Zipf scale (log10 of uses per billion words): below RARE_ZIPF a capitalised
# word is a name no English reader knows (Witkoff 1.1, Kinmen 1.5; Hsiao 2.6, Taipei 3.3).
RARE_ZIPF = 2.0


@dataclass
class Evidence:
    """What the estimator knows of one row."""

    hans: str                 # the row's Chinese, zh-Hans
    english: str              # the row's English
    unit: Translation         # its sentence's translation: the model's own signals
    findings: list[Finding]   # what the checks placed on the row
    written: set[str] = field(default_factory=set)  # lower-case words of English the pipeline wrote (names, terms)
    forced: bool = False      # the English is not one the model proposed (make assess, or labelled English):
                              # cut into pieces by vocabulary, the model finds it less likely


@cache
def frequencies() -> dict[str, float]:
    """wordfreq's English word frequencies (its "best" list: some 320,000 words)."""
    from wordfreq import get_frequency_dict
    return get_frequency_dict("en", "best")


def zipf(word: str) -> float:
    """A word's Zipf frequency (0: in no English word list); a word written with a hyphen
    or an apostrophe counts by its rarest part, as wordfreq cuts it so."""
    parts = [p for p in re.split(r"['’-]", word.lower()) if p]
    if word.lower().endswith(("'s", "’s")):
        parts = parts[:-1] or parts
    found = frequencies()
    return min((math.log10(found[p] * 1e9) if found.get(p) else 0.0) for p in parts) if parts else 7.0


@dataclass
class Words:
    """English words of a row that read as no English, each once, in order of appearance."""

    nonwords: list[str]   # lower-case words in no English word list (badball, biling)
    unknown: list[str]    # capitalised words rare or unknown in English (Solonium, Kimmen, Qilong)


def words(e: Evidence) -> Words:
    """The row's words that read as no English, leaving out the names and terms the
    pipeline wrote or accepts, Latin text the Chinese holds itself (iPhone, ChinaZ.com)
    and abbreviations (CNA, GDP)."""
    own = {w.lower() for w in LATIN_WORD.findall(e.hans)}
    found = Words([], [])
    for word in LATIN_WORD.findall(e.english):
        low = word.lower().strip("'’-")
        if len(low) < 2 or low in own or low in e.written or any(p in e.written for p in re.split(r"['’-]", low)):
            continue
        if word.isupper() and len(word) <= 5:
            continue
        if word[0].isupper():
            if zipf(word) < RARE_ZIPF and word not in found.unknown:
                found.unknown.append(word)
        elif zipf(word) == 0.0 and word not in found.nonwords:
            found.nonwords.append(word)
    return found


# log(English characters per Chinese character) of a typical right row: e^1.1 = 3.0 (the
# product's rows labelled right in tests/data/misleading.tsv: median 3.1). A row shorter or
# longer than that counts by how far, on each side its own feature.
LENGTH_RATIO = 1.1
FEATURES = ("logprob", "agreement", "forced", "forced_logprob", "forced_agreement", "chinese_chars", *CHECK_GROUPS,
            "unknown_words", "too_short", "too_long")


def features(e: Evidence) -> dict[str, float]:
    """The row's numbers, by name (FEATURES). Counts are capped: a third unknown word says
    little more than a second."""
    unit = e.unit
    chars = max(1, len(HAN.findall(e.hans)))
    ratio = math.log((len(e.english) + 1) / chars)
    found = words(e)
    kinds = [f.kind for f in e.findings if f.kind not in MODEL_KINDS]
    return {
        "logprob": max(-6.0, unit.score),   # per piece; below -6 the English is no translation anyway
        "agreement": unit.agreement,
        # Forced English is cut into pieces by vocabulary: its log-probability and agreement
        # are read on a scale of their own (CV on the labelled rows: AUROC of the model's own
        # English 0.79 -> 0.81 on the dev set's, 0.61 -> 0.63 on the unseen briefs').
        "forced": float(e.forced),
        "forced_logprob": max(-6.0, unit.score) * e.forced,
        "forced_agreement": unit.agreement * e.forced,
        "chinese_chars": math.log(chars),   # long rows mislead more often
        **{name: min(2, sum(k in group for k in kinds)) for name, group in CHECK_GROUPS.items()},
        "unknown_words": min(3, len(found.unknown) + len(found.nonwords)),
        "too_short": max(0.0, LENGTH_RATIO - ratio),
        "too_long": max(0.0, ratio - LENGTH_RATIO),
    }


@dataclass(frozen=True)
class Estimator:
    """A logistic regression over standardised features: P(right) = σ(b + Σ wᵢ (xᵢ − μᵢ) / sᵢ)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float          # rows less likely right than this are the rows to check
    # Kinds of findings too rare in the training data for a weight of their own (fewer than
    # train_qe.MIN_FLAGGED product rows): a row with one is a row to check, as before.
    rule_kinds: tuple[str, ...] = ()

    def doubted(self, probability: float, findings: list[Finding]) -> bool:
        """Whether a row is one to check: less likely right than the threshold, or a finding of a rule kind."""
        return probability < self.threshold or any(f.kind in self.rule_kinds for f in findings)

    def vector(self, values: dict[str, float]) -> np.ndarray:
        return (np.asarray([values[f] for f in self.features]) - np.asarray(self.mean)) / np.asarray(self.scale)

    def probability(self, values: dict[str, float], neutral: tuple[str, ...] = ()) -> float:
        """The probability that the row is right; the features named in `neutral` (not
        known for this English) are taken at their average."""
        x = self.vector(values)
        for name in neutral:
            if name in self.features:
                x[self.features.index(name)] = 0.0
        z = self.intercept + float(np.dot(np.asarray(self.weights), x))
        return 1.0 / (1.0 + math.exp(-z))

    def doubts(self, values: dict[str, float]) -> list[tuple[str, float]]:
        """Features that lower the row's probability below an average row's, most first."""
        parts = np.asarray(self.weights) * self.vector(values)
        return sorted(((f, float(p)) for f, p in zip(self.features, parts) if p < 0), key=lambda fp: fp[1])


@cache
def load(path: Path = PARAMETERS) -> Estimator:
    data = json.loads(path.read_text("utf-8"))
    model = data["model"]
    return Estimator(tuple(model["features"]), tuple(model["mean"]), tuple(model["scale"]),
                     tuple(model["weights"]), model["intercept"], data["threshold"], tuple(data["rule_kinds"]))


# What made the estimator doubt a row, for a row no check explains: (kind, reason) as the
# checks word theirs, so the page words them for readers (render.PLAIN_REASONS).
def explain(e: Evidence, values: dict[str, float], estimator: Estimator, most: int = 2) -> list[Finding]:
    """Up to `most` reasons for the estimator's doubt, from its features that lowered the
    row's probability most (the checks' own kinds aside: they give their own reasons)."""
    found = words(e)
    said: list[Finding] = []
    for feature, _ in estimator.doubts(values):
        if feature.startswith("check_"):
            continue
        reason = _reason(feature, e, found)
        if reason and all(r.reason != reason.reason for r in said):
            said.append(reason)
        if len(said) == most:
            break
    return said or [Finding("doubt", "several small signs together: rows like this are often mistranslated")]


def _quoted(items: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in items[:3])


def _reason(feature: str, e: Evidence, found: Words) -> Finding | None:
    unit = e.unit
    if feature in ("logprob", "forced_logprob"):
        return Finding("score", f"the model was unsure of this English (log-probability {unit.score:.2f} per piece)")
    if feature == "chinese_chars":
        return Finding("doubt", "a long row: rows this long are often mistranslated")
    if feature in ("agreement", "forced_agreement"):
        return Finding("agreement", f"the model's alternatives disagree ({unit.agreement:.0%} alike)")
    if feature == "unknown_words" and (found.nonwords or found.unknown):
        said = []
        if found.nonwords:
            said.append(f"{_quoted(found.nonwords)} {'is' if len(found.nonwords) == 1 else 'are'} not English")
        if found.unknown:
            said.append(f"{_quoted(found.unknown)}: a name no dictionary or glossary knows (garbled?)")
        return Finding("word", "; ".join(said))
    if feature in ("too_short", "too_long"):
        return Finding("length", f"{len(e.english)} English characters for {len(HAN.findall(e.hans))} Chinese")
    return None
