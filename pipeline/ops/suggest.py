"""What the editors' corrections teach the review page: terms to propose, and the
correction of a row much like one still to review.

Both read the corrections as the briefs carry them: every row of every built brief's
reviewed.json that an editor rewrote, its Chinese beside the model's English and the
editor's (the corrections files name the rows; the briefs keep the model's English).

**Terms to propose** (`proposals`). An editor who keeps replacing the same English for
the same Chinese word is fixing a term. Kept conservative, so that a proposal is worth a
click: each correction is compared with the model's English word by word (difflib), and
each replaced run of at most MAX_WORDS words, X by Y, counts where X is nowhere in the
editor's English and Y nowhere in the model's. When two or more rows with different
Chinese, in any briefs, have the same X → Y (case aside), the word is what their Chinese
shares (compared in Simplified): the runs of 2 or more Chinese characters that all of
them hold, each as long as it can be. One such run is the word; of several (two sentences
of one article share more than one word), the one whose glossary English X holds (the
editor overrides it), else none: a guess would cost the editor a wrong term; and none
when they share a run longer than MAX_TERM (a phrase, a quote: no word can be told). A word the
glossary already writes or accepts as Y is not proposed.

**Similar rows** (`similar`). A row whose Chinese is at least SIMILAR % alike (rapidfuzz's
ratio, the normalised InDel similarity, on the Simplified text) to a row an editor
corrected gets that correction as a suggestion.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz import fuzz, process

from pipeline import jsonio
from pipeline.lang.glossary import Glossary
from pipeline.lang.writing import HAN
from pipeline.model.aligned import AlignedDocument, Row
from pipeline.stages.corrections import clean

MAX_WORDS = 4    # a replaced run longer than this is a rewrite, not a word
MAX_TERM = 12    # characters of a proposed term's Chinese (the glossary's longest has 8)
SIMILAR = 75     # % alike (rapidfuzz.fuzz.ratio) for a correction to be suggested for a row
MIN_SIMILAR = 5  # characters of Chinese a row needs for a suggestion: short rows are alike by chance
WORD = re.compile(r"\w+(?:['’.-]\w+)*")


@dataclass
class Fix:
    """A row an editor corrected."""

    slug: str
    zh: str        # as written
    hans: str      # in Simplified, as compared
    machine: str   # the model's English
    en: str        # the editor's


@dataclass
class Proposal:
    """A term the corrections suggest."""

    zh: str
    en: str        # the editor's English for it (Y)
    replaced: str  # the model's (X)
    kind: str      # a guess the editor may change: a capitalised English is a name (org)
    rows: list[Fix]


@dataclass
class Suggestion:
    """The correction of a row like this one."""

    fix: Fix
    alike: int  # %


def hans(row: Row) -> str:
    return "".join(t.hans for t in row.zh)


def fixes(build: Path, slugs: list[str]) -> list[Fix]:
    """The rows editors corrected in the briefs `slugs` built in `build`."""
    found = []
    for slug in slugs:
        for row in jsonio.load(AlignedDocument, build / slug / "reviewed.json").rows():
            if row.reviewed and row.machine and clean(row.machine) != clean(row.en):
                found.append(Fix(slug, row.original(), hans(row), row.machine, row.en))
    return found


def _replaced(machine: str, en: str) -> set[tuple[str, str]]:
    """The runs of words the editor put in place of the model's: (X lower-cased, Y)."""
    before, after = WORD.findall(machine), WORD.findall(en)
    lower = [w.lower() for w in before], [w.lower() for w in after]
    found = set()
    for tag, i, j, k, m in SequenceMatcher(None, *lower, autojunk=False).get_opcodes():
        x, y = " ".join(lower[0][i:j]), " ".join(after[k:m])
        if tag == "replace" and j - i <= MAX_WORDS and m - k <= MAX_WORDS \
                and not _within(x, lower[1]) and not _within(y.lower(), lower[0]):
            found.add((x, y))
    return found


def _within(phrase: str, words: list[str]) -> bool:
    """Whether the words of `phrase` occur in `words`, in a row."""
    return f" {phrase} " in f" {' '.join(words)} "


def _shared(texts: list[str]) -> set[str] | None:
    """The runs of 2 or more Chinese characters that every text holds, each as long as it
    can be (none inside another); None when one is longer than MAX_TERM: texts that share
    a phrase show no word."""
    first, runs = min(texts, key=len), set()
    for start in range(len(first) - 1):
        end = start
        while end < len(first) and HAN.match(first[end]) and all(first[start:end + 1] in t for t in texts):
            end += 1
            if end - start > MAX_TERM:
                return None
        if end - start >= 2:
            runs.add(first[start:end])
    return {run for run in runs if not any(run != other and run in other for other in runs)}


def _word(texts: list[str], replaced: str, terms: Glossary) -> str:
    """What Chinese the rows `texts` share as the word whose English `replaced` was
    corrected: the one shared run, or the one of several that the glossary writes
    `replaced`; "" when none is sure."""
    runs = _shared(texts) or set()
    if len(runs) == 1:
        return runs.pop()
    known = [run for run in runs if run in terms.terms
             and any(_within(a.lower(), replaced.split()) for a in terms.terms[run].accepted)]
    return known[0] if len(known) == 1 else ""


def proposals(found: list[Fix], terms: Glossary) -> list[Proposal]:
    """The terms the corrections `found` teach (see the module docstring), most rows first,
    one per Chinese, none the glossary `terms` already writes or accepts that way."""
    by_change: dict[tuple[str, str], dict[str, Fix]] = defaultdict(dict)
    for fix in found:
        for change in _replaced(fix.machine, fix.en):
            by_change[change].setdefault(fix.hans, fix)  # rows with different Chinese
    out: dict[str, Proposal] = {}
    for (x, y), rows in sorted(by_change.items(), key=lambda item: -len(item[1])):
        zh = _word(list(rows), x, terms) if len(rows) >= 2 else ""
        known = terms.terms.get(zh)
        if zh and zh not in out and not (known and y.lower() in (a.lower() for a in known.accepted)):
            taught = list(rows.values())
            out[zh] = Proposal(_written(zh, taught[0]), y, x, "org" if y[:1].isupper() else "term", taught)
    return list(out.values())


def _written(zh: str, fix: Fix) -> str:
    """`zh` (Simplified) as the row it was found in writes it, when its script maps one to one."""
    at = fix.hans.find(zh)
    return fix.zh[at:at + len(zh)] if len(fix.zh) == len(fix.hans) else zh


def similar(rows: list[Row], found: list[Fix]) -> dict[str, Suggestion]:
    """For each row not reviewed yet (by its Chinese as written), the correction of the
    row most like it, when at least SIMILAR % alike."""
    by_chinese = {fix.hans: fix for fix in found}
    choices = list(by_chinese)
    out = {}
    for row in rows:
        text = hans(row)
        if row.reviewed or len(text) < MIN_SIMILAR or not choices:
            continue
        if best := process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=SIMILAR):
            out[row.original()] = Suggestion(by_chinese[best[0]], round(best[1]))
    return out
