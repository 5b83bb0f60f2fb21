"""The checks applied to a brief's rows: what each row's English lacks, what each sentence's
English says that its Chinese does not (each finding placed on the row holding the words
concerned), and the estimator's judgement of the row from those findings and the model's
signals. The quality stage runs them over aligned rows; the corrections stage over an
editor's English (`recheck`).
"""
from __future__ import annotations

import re

from pipeline.checks import estimate
from pipeline.checks.english import (
    Entities,
    Finding,
    bare_days,
    cjk_left,
    doubled_terms,
    dropped,
    invented_entities,
    loop,
    missing,
    modality_lost,
    negation_mismatch,
    provision_told_as_done,
    ratio_problem,
    short_english,
    unsensed_words,
)
from pipeline.checks.estimate import Estimator, Evidence
from pipeline.model.aligned import Row
from pipeline.model.translations import Translation

NUMBER_KINDS = {"date", "day", "month", "year", "percent", "ordinal", "amount", "number"}
DROPPED_RELIANCE = 2.0  # nats; see Translation.reliance
SHORT_RATIO = 1.0   # English characters per Chinese character below which a row looks cut short
# The model's own signals an editor's English does not have: the estimator reads them at
# their average for it.
MODEL_FEATURES = ("logprob", "agreement")


def text_findings(hans: str, english: str, known: Entities, listed: bool = False) -> list[Finding]:
    """What an English says that its Chinese does not, judged from the two texts alone (so
    they apply to an editor's English too); `listed`: the text is a list item."""
    found = [*invented_entities(hans, english, known), *doubled_terms(hans, english, known),
             *negation_mismatch(hans, english), *modality_lost(hans, english)]
    if listed:
        found += provision_told_as_done(hans, english)
    if repeated := loop(english):
        found.append(Finding("loop", f"repeats “{repeated}”"))
    if ratio := ratio_problem(hans, english):
        found.append(Finding("length", ratio))
    return found


def sentence_findings(hans: str, english: str, unit: Translation, known: Entities,
                      listed: bool = False) -> list[Finding]:
    """Everything the checks find wrong with one sentence's English as a whole: the two
    texts, and what the English relies on and which words' senses it lacks. (The model's
    own doubt is the estimator's to weigh: see estimate.py.)"""
    return [*text_findings(hans, english, known, listed), *dropped(unit.reliance, DROPPED_RELIANCE),
            *unsensed_words(unit.unsensed)]


def row_findings(row: Row, sentence_en: str) -> list[Finding]:
    """What one row's own English lacks."""
    found = []
    for e in missing(row.expected, row.en):
        if not e.found_in(sentence_en):
            kind = "number" if e.kind in NUMBER_KINDS else "glossary"
            found.append(Finding(kind, f"{e.zh} → expected {e.expected}", zh=e.zh))
    if left := cjk_left(row.en):
        found.append(Finding("chinese-left", f"Chinese left in the English: {left}"))
    found += bare_days(row.expected, row.en)
    found += short_english("".join(t.hans for t in row.zh), row.en, SHORT_RATIO)
    return found


def place(finding: Finding, rows: list[Row]) -> Row:
    """The row holding the words a finding is about; the sentence's first row otherwise."""
    for row in rows:
        if finding.zh and finding.zh in "".join(t.hans for t in row.zh):
            return row
    for row in rows:
        if finding.en and finding.en in row.en:
            return row
    return rows[0]


def placed_findings(rows: list[Row], unit: Translation, known: Entities, listed: bool = False) -> list[list[Finding]]:
    """The checks' findings for each row of one sentence, each once: the row's own, and the
    sentence's placed on the row holding the words concerned."""
    english = " ".join(r.en for r in rows if r.en)
    hans = "".join(t.hans for r in rows for t in r.zh)
    placed: dict[int, list[Finding]] = {id(r): row_findings(r, english) for r in rows}
    for finding in sentence_findings(hans, english, unit, known, listed):
        placed[id(place(finding, rows))].append(finding)
    return [list({(f.kind, f.reason): f for f in placed[id(r)]}.values()) for r in rows]


def written_words(unit: Translation, known: set[str]) -> set[str]:
    """Lower-case words of the English the pipeline wrote or accepts for the sentence's
    terms and names (its expectations) and of every name the glossary knows (`known`):
    the estimator does not doubt them as unknown words."""
    texts = [e.expected for clause in unit.expected for e in clause]
    texts += [form for clause in unit.expected for e in clause for form in e.forms]
    return known | {w.lower() for text in texts for w in re.findall(r"[A-Za-z]+", text)}


def glossary_words(known: Entities) -> set[str]:
    """Lower-case words of every English name the glossary knows."""
    return {w.lower() for form in known.forms for w in re.findall(r"[A-Za-z]+", form)}


def evidence(rows: list[Row], unit: Translation, known: Entities, listed: bool = False,
             names: set[str] | None = None, forced: bool = False) -> list[Evidence]:
    """What the estimator sees of each row of one sentence (`names`: glossary_words(known);
    `forced`: the English is not the model's own, see Evidence)."""
    written = written_words(unit, glossary_words(known) if names is None else names)
    return [Evidence("".join(t.hans for t in row.zh), row.en, unit, found, written, forced)
            for row, found in zip(rows, placed_findings(rows, unit, known, listed))]


def assess_sentence(rows: list[Row], unit: Translation, known: Entities, listed: bool = False,
                    estimator: Estimator | None = None, names: set[str] | None = None, forced: bool = False) -> None:
    """Give each row of one sentence its confidence and, if it is a row to check, its
    reasons (in place: rows are fresh)."""
    if unit.written:  # its English is its own text: there is no translation to doubt
        for row in rows:
            judge(row, [], 1.0)
        return
    estimator = estimator or estimate.load()
    for row, seen in zip(rows, evidence(rows, unit, known, listed, names, forced)):
        values = estimate.features(seen)
        probability = estimator.probability(values)
        doubted = estimator.doubted(probability, seen.findings)
        reasons = (seen.findings or estimate.explain(seen, values, estimator)) if doubted else []
        judge(row, reasons, probability)


def judge(row: Row, findings: list[Finding], confidence: float) -> None:
    """Set a row's reasons (each once) and its confidence."""
    findings = list({(f.kind, f.reason): f for f in findings}.values())
    row.reasons = [f"{f.kind}: {f.reason}" for f in findings]
    row.confidence = round(confidence, 3)


def recheck(row: Row, known: Entities, listed: bool = False) -> None:
    """Judge an editor's English for one row by the same checks, the model's signals
    aside (the estimator reads them at their average): the checks report every finding
    on a correction, they never change it."""
    hans = "".join(t.hans for t in row.zh)
    findings = row_findings(row, row.en) + text_findings(hans, row.en, known, listed)
    seen = Evidence(hans, row.en, Translation(row.sentence, "", [], [], []), findings, glossary_words(known))
    estimator = estimate.load()
    judge(row, findings, estimator.probability(estimate.features(seen), neutral=MODEL_FEATURES))
