"""What the model reads: a sentence prepared for it (glossary terms and amounts written in
English, bare days of the month completed to dates) with the terms and numbers its English
must carry, the inputs a sentence may be retried with (Attempts), and, once the model has
written, the repair of inlined English it copied with a typo and the tidying of its pieces.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass

from pipeline.checks.english import expectations
from pipeline.lang import senses
from pipeline.lang.glossary import KINDS, PROTECTED, Glossary
from pipeline.lang.numbers import complete_dates, write_amounts, write_currencies
from pipeline.lang.senses import Word
from pipeline.model.aligned import Expectation
from pipeline.model.segments import Sentence
from pipeline.model.translations import detokenize, words_of

REPAIR_SIMILARITY = 0.8  # how close a garbled copy of an inlined name must be to be restored
REPAIR_MIN_LENGTH = 5    # shorter terms (plan, EU) are too like other words to restore blindly

CONTRACTIONS = {"▁s", "▁t", "▁re", "▁ve", "▁ll", "▁d", "▁m"}


def tidy(pieces: list[str]) -> list[str]:
    """Join a detached possessive ("Ukraine ' s") onto its word, so no cut can split it."""
    out = list(pieces)
    for i in range(1, len(out) - 1):
        if out[i] == "▁'" and out[i + 1] in CONTRACTIONS:
            out[i], out[i + 1] = "'", out[i + 1][1:]
    return out


def common_prefix(a: list[str], b: list[str]) -> int:
    """How many tokens two token lists share from the start."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


@dataclass
class Prepared:
    """A sentence as the model will read it, clause by clause, and what to expect back."""

    clauses: list[str]
    expected: list[list[Expectation]]
    inlined: list[str]  # glossary English written into the input


@dataclass(frozen=True)
class Inline:
    """Which terms one attempt writes in English: of `kinds`, from `origins` (None = any),
    and the terms in `also` whatever they are."""

    kinds: tuple[str, ...]
    origins: tuple[str, ...] | None = None
    also: frozenset[str] = frozenset()


def prepare(sentence: Sentence, glossary: Glossary, date: str, inline: Inline = Inline(PROTECTED),
            region: str = "cn") -> Prepared:
    completed = [complete_dates(c.hans, date) for c in sentence.clauses]
    # Amounts first: a currency named with one (新台币9899.2亿元) is the amount's to write.
    protected = [glossary.protect(write_currencies(write_amounts(c, region)), inline.kinds, inline.origins,
                                  inline.also) for c in completed]
    inlined = [t.en for c, p in zip(completed, protected) for _, _, t in glossary.find(c) if t.en in p]
    return Prepared(protected, [expectations(c, glossary) for c in completed], inlined)


# How names reach the model: the glossary's names in English from the start; a name found
# in the article (names.py) only where the model would miss it: from the start if the
# model, given the name alone, writes none of its English (Model.unknown_names), else only
# in a sentence whose English misses it, and then only that name: written in English, a
# name can damage the words around it ("Mr. Mao Ning, spokesperson of Foreign Affairs"
# once 外交部 was written too). bench/eval_names.py compares this with every name in
# English from the start (its Upfront attempts).


@dataclass
class Attempts:
    """The inputs one sentence may be given to the model, first to last."""

    sentence: Sentence
    glossary: Glossary
    date: str
    unknown: frozenset[str] = frozenset()  # names the model does not know (Model.unknown_names)
    words: tuple[Word, ...] | None = None  # its content words and their senses (None: not looked up yet)
    region: str = "cn"  # whose 元 the article's amounts are in (numbers.LOCAL)

    def first(self) -> Prepared:
        return prepare(self.sentence, self.glossary, self.date, Inline(PROTECTED, ("glossary",), self.unknown),
                       self.region)

    def terms(self) -> set[str]:
        """The glossary terms and names of the sentence: their own checks cover them."""
        return {t.zh for _, _, t in self.glossary.find(self.sentence.hans)}

    def names(self) -> dict[str, Expectation]:
        """The names of the sentence found in the article (names.py), not in the glossary:
        those the model is asked about alone (Model.unknown_names)."""
        terms = self.glossary.terms
        return {e.zh: e for clause in self.first().expected for e in clause
                if e.kind in PROTECTED and e.zh in terms and terms[e.zh].origin != "glossary"}

    @property
    def steps(self) -> tuple[str, ...]:
        """The retries, the cheapest help first: the names the English misses written in
        English, every term in English, then the best input so far searched wider if the
        decoding has a wider beam (Decoding.wider). A changed input often helps, a wider
        search of the same input seldom, and costs twice the time: on 512 news sentences,
        of those still failing at beam 4, searching them at beam 8 fixed 1 of 46 (19 s, as
        much as all other retries), after a greedy search 11 of 55."""
        return ("missing", "every", "wider")

    def retry(self, step: int, english: str, best: Prepared) -> Prepared:
        """The input for retry `step` of a sentence whose best input so far is `best` and
        whose English from it is `english`."""
        if self.steps[step] == "wider":
            return best
        if self.steps[step] == "every":
            return prepare(self.sentence, self.glossary, self.date, Inline(KINDS), self.region)
        first = self.first()
        missed = frozenset(e.zh for clause in first.expected for e in clause
                           if e.kind in PROTECTED and not e.found_in(english))
        return prepare(self.sentence, self.glossary, self.date,
                       Inline(PROTECTED, ("glossary",), missed | self.unknown), self.region)


def looked_up(attempts: list[Attempts]) -> list[Attempts]:
    """The attempts with their content words and senses (senses.words), those not yet
    looked up all in one pass."""
    todo = [a for a in attempts if a.words is None]
    found = iter(senses.words([a.sentence.hans for a in todo], [a.terms() for a in todo]) if todo else [])
    return [dataclasses.replace(a, words=next(found)) if a.words is None else a for a in attempts]


def repair(pieces: list[str], attention: list[list[float]], inlined: list[str],
           expected: list[Expectation]) -> tuple[list[str], list[list[float]], list[str]]:
    """Restore inlined glossary English that the model copied with a typo (Umerov → Umarov).

    Only terms whose written English is not in the text, of REPAIR_MIN_LENGTH letters or more, and only a span of
    as many words that is REPAIR_SIMILARITY alike. The span's pieces become one piece,
    their attention summed, so the aligner still sees every piece once.
    """
    repairs = []
    for e in expected:
        # The written form itself, not any accepted one: "Nanshan Distric" carries Nanshan.
        if (e.expected not in inlined or len(e.expected) < REPAIR_MIN_LENGTH
                or e.expected.lower() in detokenize(pieces).lower()):
            continue
        words = words_of(pieces)
        size = len(e.expected.split())
        best, span = 0.0, None
        for w in range(len(words) - size + 1):
            idx = [i for word in words[w:w + size] for i in word]
            core = [i for i in idx if re.search(r"\w", pieces[i])]
            while core and pieces[core[-1]] in ("s", "'"):  # keep a possessive 's outside the name
                core.pop()
            text = detokenize([pieces[i] for i in core])
            score = difflib.SequenceMatcher(None, text.lower(), e.expected.lower()).ratio()
            if core and core == list(range(core[0], core[-1] + 1)) and score > best:
                best, span = score, core
        if span is None or best < REPAIR_SIMILARITY:
            continue
        old = detokenize([pieces[i] for i in span])
        lead = "▁" if pieces[span[0]].startswith("▁") else ""
        merged = [sum(col) for col in zip(*(attention[i] for i in span))]
        pieces = pieces[:span[0]] + [lead + e.expected.replace(" ", "▁")] + pieces[span[-1] + 1:]
        attention = attention[:span[0]] + [merged] + attention[span[-1] + 1:]
        repairs.append(f"{old} → {e.expected}")
    return pieces, attention, repairs
