"""Stage 6, quality: how far each row can be trusted, and which rows an editor should check.

`assess` runs with the aligner, so every row of aligned.json carries a confidence (0–1)
and its reasons. Row by row: glossary terms and numbers whose English is missing,
Chinese left in the English, an English span far shorter than its Chinese, a day with
no month. Sentence by sentence, each placed on the row holding the words concerned:
names the Chinese never mentions, a name written twice, negation in one language only,
hearsay, attribution, possibility or future lost, a time still to come or a listed
point (a plan's provision) told in the past, Chinese the English does not depend on, words
whose every dictionary sense is missing from the English, repeated-phrase loops, abnormal length
ratios, and the model's own doubt (a low log-probability, hypotheses that disagree).
A term found elsewhere in its sentence's English (the aligner put it in the next row)
is not a miss.

`recheck` judges an editor's English (corrections.py) by the same checks, the model's
own doubt aside. `report` turns the assessed rows into quality.json: `rows_to_check`,
the machine's least trusted first, each with the row's Chinese as written, its English,
confidence and reasons; then how many rows an editor reviewed, and the corrections that
no longer apply (stale).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .align import AlignedBlock, AlignedDocument, Row
from .checks import (Entities, Finding, bare_days, cjk_left, doubled_terms, dropped, entities,
                     invented_entities, loop, missing, modality_lost, negation_mismatch,
                     provision_told_as_done, ratio_problem, short_english, unsensed_words)
from .document import Correction
from .glossary import Glossary
from .translate import Translation, Translations

NUMBER_KINDS = {"date", "day", "month", "year", "percent", "ordinal", "amount", "number"}
# How much each finding lowers a row's confidence (multiplied: two findings, lower still).
WEIGHTS = {"glossary": .5, "number": .5, "chinese-left": .5, "loop": .6, "length": .3,
           "entity": .5, "doubled": .3, "negation": .5, "modality": .4, "tense": .4,
           "dropped": .4, "sense": .3, "short": .4, "day": .3, "score": .3, "agreement": .3}
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
    reviewed: bool = False   # the English is an editor's, and the checks still doubt it


@dataclass
class Report:
    slug: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)  # findings by kind
    rows_to_check: list[RowCheck] = field(default_factory=list)
    reviewed: int = 0        # rows whose English an editor wrote or confirmed
    stale_corrections: list[Correction] = field(default_factory=list)  # not applied: Chinese gone

    def summary(self) -> str:
        parts = [f"{len(self.rows_to_check) or 'none'} of {self.rows} rows to check"]
        if self.counts:
            parts[0] += f" ({', '.join(f'{n} {kind}' for kind, n in sorted(self.counts.items()))})"
        if self.reviewed:
            parts.append(f"{self.reviewed} reviewed")
        if self.stale_corrections:
            parts.append(f"{len(self.stale_corrections)} stale corrections")
        return ", ".join(parts)


def trust(unit: Translation) -> float:
    """0–1 from the model's own signals: its log-probability and its hypotheses' agreement."""
    def scale(value: float, low: float, high: float) -> float:
        return min(1.0, max(0.0, (value - low) / (high - low)))
    return (scale(unit.score, SCORE_LOW, SCORE_HIGH) + scale(unit.agreement, AGREEMENT_LOW, AGREEMENT_HIGH)) / 2


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
    """Everything wrong with one sentence's English as a whole, the model's own doubt included."""
    found = [*text_findings(hans, english, known, listed), *dropped(unit.reliance, DROPPED_RELIANCE),
             *unsensed_words(unit.unsensed)]
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
    if unit.written:  # its English is its own text: there is no translation to doubt
        for row in rows:
            judge(row, [])
        return
    english = " ".join(r.en for r in rows if r.en)
    hans = "".join(t.hans for r in rows for t in r.zh)
    placed: dict[int, list[Finding]] = {id(r): row_findings(r, english) for r in rows}
    for finding in sentence_findings(hans, english, unit, known, listed):
        placed[id(place(finding, rows))].append(finding)
    model = 0.8 + 0.2 * trust(unit)
    for row in rows:
        judge(row, placed[id(row)], model)


def judge(row: Row, findings: list[Finding], model: float = 1.0) -> None:
    """Set a row's reasons (each once) and its confidence: `model`, lowered by each finding."""
    findings = list({(f.kind, f.reason): f for f in findings}.values())
    row.reasons = [f"{f.kind}: {f.reason}" for f in findings]
    row.confidence = round(model * math.prod(1 - WEIGHTS[f.kind] for f in findings), 2)


def recheck(row: Row, known: Entities, listed: bool = False) -> None:
    """Judge an editor's English for one row by the same checks, the model's doubt aside:
    the checks report on a correction, they never change it."""
    hans = "".join(t.hans for t in row.zh)
    judge(row, row_findings(row, row.en) + text_findings(hans, row.en, known, listed))


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
    """The rows to check, those only a machine wrote first, least trusted first."""
    checks, total = [], 0
    for b, block in [(-1, doc.title), *enumerate(doc.blocks)]:
        located = list(enumerate(block.rows)) + ([(-1, block.credit)] if block.credit else [])
        for r, row in located:
            total += 1
            if row.reasons:
                checks.append(RowCheck(b, r, row.original(), row.en, row.confidence, row.reasons, row.reviewed))
    checks.sort(key=lambda c: (c.reviewed, c.confidence))
    counts = Counter(reason.split(":")[0] for c in checks for reason in c.reasons)
    return Report(doc.slug, total, dict(counts), checks, doc.reviewed()[0], list(doc.stale))
