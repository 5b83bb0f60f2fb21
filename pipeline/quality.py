"""Stage 6, quality: how far each row can be trusted, and which rows an editor should check.

`assess` runs with the aligner, so every row of aligned.json carries a confidence (0–1)
and its reasons. Row by row: glossary terms and numbers whose English is missing,
Chinese left in the English, an English span far shorter than its Chinese, a day with
no month. Sentence by sentence, each placed on the row holding the words concerned:
names the Chinese never mentions, a name written twice, negation in one language only,
hearsay, attribution, possibility or future lost, a time still to come or a listed
point (a plan's provision) told in the past, Chinese the English does not depend on, repeated-phrase loops, abnormal length
ratios, and the model's own doubt (a low log-probability, hypotheses that disagree).
A term found elsewhere in its sentence's English (the aligner put it in the next row)
is not a miss.

`report` turns the assessed rows into quality.json: `rows_to_check`, least trusted
first, each with the row's Chinese as written, its English, confidence and reasons.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .align import AlignedBlock, AlignedDocument, Row
from .checks import (Entities, Finding, bare_days, cjk_left, doubled_terms, dropped, entities,
                     invented_entities, loop, missing, modality_lost, negation_mismatch,
                     provision_told_as_done, ratio_problem, short_english)
from .glossary import Glossary
from .translate import Translation, Translations

NUMBER_KINDS = {"date", "day", "month", "year", "percent", "ordinal", "amount", "number"}
# How much each finding lowers a row's confidence (multiplied: two findings, lower still).
WEIGHTS = {"glossary": .5, "number": .5, "chinese-left": .5, "loop": .6, "length": .3,
           "entity": .5, "doubled": .3, "negation": .5, "modality": .4, "tense": .4,
           "dropped": .4, "short": .4, "day": .3, "score": .3, "agreement": .3}
# The model's own doubt. Log-probability per piece and n-best agreement (mean chrF 0–1)
# below these mark a sentence; between LOW and HIGH they lower confidence gradually.
SCORE_LOW, SCORE_HIGH = -0.9, -0.3
AGREEMENT_LOW, AGREEMENT_HIGH = 0.55, 0.95
DROPPED_RELIANCE = 2.0  # nats; see Translation.reliance
SHORT_RATIO = 1.0   # English characters per Chinese character below which a row looks cut short


@dataclass
class RowCheck:
    """A row an editor should look at before the brief goes out."""

    block: int       # index in AlignedDocument.blocks (-1 = title)
    row: int         # index in the block's rows (-1 = photo credit)
    zh: str          # the row's Chinese as written in the source
    en: str
    confidence: float
    reasons: list[str]


@dataclass
class Report:
    slug: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)  # findings by kind
    rows_to_check: list[RowCheck] = field(default_factory=list)

    def summary(self) -> str:
        if not self.rows_to_check:
            return f"{self.rows} rows, none to check"
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))
        return f"{len(self.rows_to_check)} of {self.rows} rows to check ({parts})"


def trust(unit: Translation) -> float:
    """0–1 from the model's own signals: its log-probability and its hypotheses' agreement."""
    def scale(value: float, low: float, high: float) -> float:
        return min(1.0, max(0.0, (value - low) / (high - low)))
    return (scale(unit.score, SCORE_LOW, SCORE_HIGH) + scale(unit.agreement, AGREEMENT_LOW, AGREEMENT_HIGH)) / 2


def sentence_findings(hans: str, english: str, unit: Translation, known: Entities,
                      listed: bool = False) -> list[Finding]:
    """Everything wrong with one sentence's English as a whole; `listed`: it is a list item."""
    found = [*invented_entities(hans, english, known), *doubled_terms(hans, english, known),
             *negation_mismatch(hans, english), *modality_lost(hans, english),
             *dropped(unit.reliance, DROPPED_RELIANCE)]
    if listed:
        found += provision_told_as_done(hans, english)
    if repeated := loop(english):
        found.append(Finding("loop", f"repeats “{repeated}”"))
    if ratio := ratio_problem(hans, english):
        found.append(Finding("length", ratio))
    if unit.score < SCORE_LOW:
        found.append(Finding("score", f"the model was unsure of this sentence (log-probability {unit.score:.2f})"))
    if unit.agreement < AGREEMENT_LOW:
        found.append(Finding("agreement", f"the model's alternatives disagree ({unit.agreement:.0%} alike)"))
    return found


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


def assess_sentence(rows: list[Row], unit: Translation, known: Entities, listed: bool = False) -> None:
    """Give each row of one sentence its reasons and confidence (in place: rows are fresh)."""
    english = " ".join(r.en for r in rows if r.en)
    hans = "".join(t.hans for r in rows for t in r.zh)
    placed: dict[int, list[Finding]] = {id(r): row_findings(r, english) for r in rows}
    for finding in sentence_findings(hans, english, unit, known, listed):
        placed[id(place(finding, rows))].append(finding)
    model = 0.8 + 0.2 * trust(unit)
    for row in rows:
        findings = list({(f.kind, f.reason): f for f in placed[id(row)]}.values())
        row.reasons = [f"{f.kind}: {f.reason}" for f in findings]
        row.confidence = round(model * math.prod(1 - WEIGHTS[f.kind] for f in findings), 2)


def sentences_of(block: AlignedBlock) -> list[list[Row]]:
    """A block's rows grouped by sentence, the photo credit on its own."""
    groups: dict[str, list[Row]] = {}
    for row in block.rows + ([block.credit] if block.credit else []):
        groups.setdefault(row.sentence, []).append(row)
    return list(groups.values())


def assess(doc: AlignedDocument, translations: Translations, glossary: Glossary) -> AlignedDocument:
    known = entities(glossary)
    for block in [doc.title, *doc.blocks]:
        for rows in sentences_of(block):
            assess_sentence(rows, translations.units[rows[0].sentence], known, block.kind == "list_item")
    return doc


def report(doc: AlignedDocument) -> Report:
    checks, total = [], 0
    for b, block in [(-1, doc.title), *enumerate(doc.blocks)]:
        located = list(enumerate(block.rows)) + ([(-1, block.credit)] if block.credit else [])
        for r, row in located:
            total += 1
            if row.reasons:
                checks.append(RowCheck(b, r, "".join(t.original for t in row.zh), row.en,
                                       row.confidence, row.reasons))
    checks.sort(key=lambda c: c.confidence)
    counts = Counter(reason.split(":")[0] for c in checks for reason in c.reasons)
    return Report(doc.slug, total, dict(counts), checks)
