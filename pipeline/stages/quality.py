"""Stage 7, quality: how far each row can be trusted, and which rows an editor should check.

input: the aligned rows and translations.json (`assess`), build/<slug>/reviewed.json
(`report`); output: build/<slug>/aligned.json's confidence and reasons, build/<slug>/quality.json

`assess` runs with the aligner, so every row of aligned.json carries a confidence (0–1)
and its reasons. The checks look, row by row, for glossary terms and numbers whose
English is missing, Chinese left in the English, an English span far shorter than its
Chinese, a day with no month; and sentence by sentence, each finding placed on the row
holding the words concerned, for names the Chinese never mentions, a name written twice,
negation in one language only, hearsay, attribution, possibility or future lost, a time
still to come or a listed point (a plan's provision) told in the past, Chinese the
English does not depend on, words whose every dictionary sense is missing from the
English, repeated-phrase loops and abnormal length ratios. A term found elsewhere in its
sentence's English (the aligner put it in the next row) is not a miss.

A row's confidence is the quality estimator's probability that its English is right
(checks/estimate.py: learned from people's judgements, from the checks' findings by
kind, the model's own signals and words that read as no English). A row less likely
right than the estimator's threshold is a row to check (so is one with a finding of a
kind too rare in the training data for the estimator to weigh: entity, doubled, tense…,
listed in data/qe.json): its reasons are the checks' findings on it, or, where no check
found anything, what made the estimator doubt it ("the model was unsure of this
English", "“badball” is not English"). Other rows carry no reasons.

`recheck` (checks/rows.py) judges an editor's English (corrections.py) by the same
checks, the model's own signals aside: every finding is reported. `report` turns the assessed rows into
quality.json: `rows_to_check`, the machine's least trusted first, each with the row's
Chinese as written, its English, confidence and reasons; then how many rows an editor
reviewed, and the corrections that no longer apply (stale).
"""
from __future__ import annotations

import copy
from collections import Counter

from pipeline.checks import estimate
from pipeline.checks.english import entities
from pipeline.checks.rows import assess_sentence, glossary_words
from pipeline.lang.glossary import Glossary
from pipeline.model.aligned import AlignedBlock, AlignedDocument, Row
from pipeline.model.quality import Report, RowCheck
from pipeline.model.translations import Translations


def sentences_of(block: AlignedBlock) -> list[list[Row]]:
    """A block's rows grouped by sentence, the photo credit on its own."""
    groups: dict[str, list[Row]] = {}
    for row in block.rows + ([block.credit] if block.credit else []):
        groups.setdefault(row.sentence, []).append(row)
    return list(groups.values())


def assess(aligned: AlignedDocument, translations: Translations, glossary: Glossary) -> AlignedDocument:
    """The aligned document with every row's confidence and reasons: a new document, the
    aligner's left as it was."""
    doc = copy.deepcopy(aligned)
    known = entities(glossary)
    names, estimator = glossary_words(known), estimate.load()
    for block in [doc.title, *doc.blocks]:
        for rows in sentences_of(block):
            assess_sentence(rows, translations.units[rows[0].sentence], known, block.kind == "list_item",
                            estimator, names)
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
