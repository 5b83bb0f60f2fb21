"""Stage 6, align: pair every Chinese clause with the English that carries it.

input: build/<slug>/segments.json + translations.json, and a scoring function
(never the model); output: the aligned rows, which the quality stage assesses into
build/<slug>/aligned.json

The model translates whole sentences (clause by clause it loses context and invents
text), so each sentence's English is cut afterwards into one contiguous span per
clause, in order: dynamic programming over the model's attention picks the cuts that
put the most attention mass on the right clause, with a bonus for cutting after , ; :
and before a word that opens a clause (and, that, which, to…). Rules an editor would
apply bound the cuts: none inside a multi-word name, a glossary term's English or a
short quoted phrase; no row that ends on an article, preposition, conjunction or
opening quote, or is a single word. Where the attention is unsure (a cut away from
punctuation) the model is asked how likely the English on each side of each nearby
cut is as the translation of the Chinese on that side, and its answer weighs in.
Where the English reorders clauses (its words attend to them in the other order) no
cut is right, and those clauses share one row. A clause that receives no English
shares a row with the next clause: every word of the English appears exactly once,
and no clause is left without a partner. `bench/eval_alignment.py` measures the cuts
against hand-aligned rows.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate

from pipeline.lang.glossary import KINDS
from pipeline.lang.writing import CLAUSE_ENDS
from pipeline.model.aligned import AlignedBlock, AlignedDocument, Expectation, Row
from pipeline.model.scripts import Texts
from pipeline.model.segments import SegmentedBlock, SegmentedDocument, Sentence
from pipeline.model.translations import Translation, Translations, detokenize, words_of

PUNCTUATION_BONUS = 0.3   # per cut that falls after , ; : in the English
OPENER_BONUS = 0.3        # per cut that falls before a word that opens a clause (and, that, which…)
EMPTY_PENALTY = 0.5       # per clause left with no English of its own
MIN_SPAN = 2              # words in a row: a Chinese clause (6+ characters) is never one English word
MODEL_WEIGHT = 0.15       # attention mass that one nat of the model's log-probability counts as
MODEL_WINDOW = 3          # words either side of a doubtful cut that the model scores
SETTLED_MARGIN = 1.0      # attention mass by which a cut beats its neighbours for the model not to be asked
REORDER_MARGIN = 0.6      # attention mass a reordered reading must explain better to merge two clauses

# A row never ends on these: they lean on the word after them (articles and possessive
# determiners, prepositions, conjunctions and relatives, subject pronouns).
LEANS_FORWARD = frozenset("""
a an the my your his its our their every any
of in on at to for with by from into onto about between among against through during
without within toward towards upon via per across than as including excluding
and or but nor that which who whom whose where when while if because although though
whether unless whereas
i we he she they
""".split())
# Two-word function phrases whose first word could otherwise end a row.
FIXED_PAIRS = frozenset({("order", "to"), ("rather", "than"), ("such", "as"), ("due", "to"),
                         ("let", "alone"), ("even", "though"), ("so", "that")})
# A row never starts with these: they attach to the word before.
LEANS_BACK = frozenset({"of"})
# Words that open a clause in English; a cut before one is the natural place.
CLAUSE_OPENERS = frozenset("and but or nor that which who whom whose where while to than".split())
# Lowercase words that can sit inside a multi-word proper name (Treaty on the Prohibition of…).
NAME_CONNECTORS = frozenset({"of", "on", "the", "for", "de", "du", "la", "von", "van"})
OPENING = "“‘([{«"
CLOSING = "”’)]}»"
CLAUSE_MARKS = ",;:"
ENGLISH_QUOTES = {"“": "”", "(": ")", "\"": "\""}


Scorer = Callable[[list[str], list[str]], list[float]]  # (Chinese, English) pairs → log-probability


def _bare(word: str) -> str:
    """The word itself, lowercased, without the quotes, brackets and punctuation around it."""
    return word.strip(OPENING + CLOSING + "\".,;:!?").lower()


def _ends_clause(word: str) -> bool:
    """The word carries , ; or : (a closing quote or bracket may come first)."""
    return word.rstrip(CLOSING + "\"")[-1:] in CLAUSE_MARKS or word[-1:] in CLAUSE_MARKS


def _is_name(word: str) -> bool:
    return word.lstrip(OPENING + "\"")[:1].isupper()


def name_spans(words: list[str]) -> list[tuple[int, int]]:
    """(first, last) word of each multi-word proper name: capitalised words, possibly joined
    by lowercase connectors (Treaty on the Prohibition of Nuclear Proliferation), up to the
    first punctuation."""
    spans, i, n = [], 0, len(words)
    while i < n:
        if not _is_name(words[i]):
            i += 1
            continue
        last, j = i, i
        while j + 1 < n and not _ends_clause(words[j]) and words[j][-1:] not in ".!?":
            j += 1
            if _is_name(words[j]):
                last = j
            elif _bare(words[j]) not in NAME_CONNECTORS:
                break
        if last > i:
            spans.append((i, last))
        i = last + 1
    return spans


def term_spans(words: list[str], expected: list[Expectation]) -> list[tuple[int, int]]:
    """(first, last) word of each place where a glossary term's English occurs. (Number
    forms are left out: some are look-aheads that match whole stretches of text.)"""
    text, starts = "", []
    for word in words:
        starts.append(len(text) + (1 if text else 0))
        text += (" " if text else "") + word
    spans = []
    for form in {f for e in expected if e.kind in KINDS for f in e.forms}:
        for match in re.finditer(form, text, re.IGNORECASE):
            covered = [w for w, s in enumerate(starts) if s < match.end() and s + len(words[w]) > match.start()]
            if len(covered) > 1:
                spans.append((covered[0], covered[-1]))
    return spans


def quote_spans(words: list[str]) -> list[tuple[int, int]]:
    """(first, last) word of each quoted or bracketed phrase with no , ; : inside: a quoted
    phrase (“responsible decisions”) is one unit, a quoted sentence may still be cut."""
    spans: list[tuple[int, int]] = []
    open_at: dict[str, int] = {}
    for w, word in enumerate(words):
        for opening, closing in ENGLISH_QUOTES.items():
            if opening in open_at:
                if closing in word:
                    first = open_at.pop(opening)
                    if not any(_ends_clause(x) for x in words[first:w]):
                        spans.append((first, w))
            elif word.startswith(opening) and closing not in word[1:]:
                open_at[opening] = w
    return spans


def _leans_forward(word: str) -> bool:
    """A row cannot end on it: an article, preposition, conjunction… or an opening quote."""
    if _ends_clause(word):
        return False
    return _bare(word) in LEANS_FORWARD or (not _bare(word) and word[-1:] in OPENING)


def _leans_back(word: str) -> bool:
    """A row cannot begin with it: "of", a bracketed gloss, a closing quote."""
    return _bare(word) in LEANS_BACK or word[:1] in "(" + CLOSING


def cut_allowed(words: list[str], protected: list[tuple[int, int]]) -> list[bool]:
    """allowed[b]: may one row end after word b-1 and the next begin at word b?
    Never inside a protected (first, last) span, a fixed pair, or next to a leaning word."""
    allowed = [True] * (len(words) + 1)
    for b in range(1, len(words)):
        left, right = words[b - 1], words[b]
        allowed[b] = not (_leans_forward(left) or _leans_back(right)
                          or (_bare(left), _bare(right)) in FIXED_PAIRS
                          or any(first < b <= last for first, last in protected))
    return allowed


def cut_bonus(words: list[str]) -> list[float]:
    """bonus[b] for a cut before word b: after , ; : and before a clause-opening word."""
    bonus = [0.0] * (len(words) + 1)
    for b in range(1, len(words)):
        bonus[b] = (PUNCTUATION_BONUS * _ends_clause(words[b - 1])
                    + OPENER_BONUS * (_bare(words[b]) in CLAUSE_OPENERS))
    return bonus


def cut_spans(scores: list[list[float]], bonus: list[list[float]], allowed: list[bool]) -> list[tuple[int, int]]:
    """Best monotone split of n words over k clauses: one (start, end) span per clause.

    `scores[w][c]` is how strongly word w attends to clause c; `bonus[c][b]` rewards
    ending clause c (c < k-1) before word b and `allowed[b]` says whether a cut may
    fall there. A span is empty or at least MIN_SPAN words long. Dynamic programming
    over (words used, clauses filled).
    """
    n, k = len(scores), len(scores[0])
    prefix = [[0.0] * k]
    for row in scores:
        prefix.append([p + s for p, s in zip(prefix[-1], row)])
    neg = float("-inf")

    def gain(a: int, b: int, c: int) -> float:
        extra = bonus[c][b] if c < k - 1 else 0.0
        if a == b:
            return extra - EMPTY_PENALTY
        if b - a < min(MIN_SPAN, n) or not allowed[b]:
            return neg
        return prefix[b][c] - prefix[a][c] + extra

    best = [[neg] * (n + 1) for _ in range(k)]
    back = [[0] * (n + 1) for _ in range(k)]
    for b in range(n + 1):
        best[0][b] = gain(0, b, 0)
    for c in range(1, k):
        for b in range(n + 1):
            for a in range(b + 1):
                value = best[c - 1][a] + gain(a, b, c)
                if value > best[c][b]:
                    best[c][b], back[c][b] = value, a
    spans, end = [], n
    for c in range(k - 1, -1, -1):
        start = back[c][end] if c else 0
        spans.append((start, end))
        end = start
    return spans[::-1]


def _runs(columns: list[list[float]], order: list[int]) -> float:
    """Most attention explained by giving the words to the columns in `order`, in
    consecutive runs of at least MIN_SPAN words (a reordered clause is a phrase: one
    stray word's attention is no reordering)."""
    n, neg = len(columns[0]), float("-inf")
    prefix = [list(accumulate(column, initial=0.0)) for column in columns]
    best = [0.0] + [neg] * n  # best[b]: the most the runs so far explain of words 0..b-1
    for column in order:
        best = [max((best[a] + prefix[column][b] - prefix[column][a] for a in range(b - MIN_SPAN + 1)),
                    default=neg) for b in range(n + 1)]
    return best[n]


def reordered(scores: list[list[float]], left: list[int], right: list[int]) -> bool:
    """Do these words (of two neighbouring groups of clauses) carry them in the other order?

    The monotone reading (left words, then right words) is compared with the readings a
    reordering English gives (right then left, or one side around the other); when one of
    those explains REORDER_MARGIN more attention, no cut between the two is correct.
    """
    if len(scores) < 2 * MIN_SPAN:  # too few words for two runs
        return False
    columns = [[sum(row[c] for c in left) for row in scores], [sum(row[c] for c in right) for row in scores]]
    monotone = max(_runs(columns, order) for order in ([0], [1], [0, 1]))
    other = max(_runs(columns, order) for order in ([1, 0], [0, 1, 0], [1, 0, 1]))
    return other - monotone > REORDER_MARGIN


def group_clauses(scores: list[list[float]], spans: list[tuple[int, int]]) -> list[list[int]]:
    """Clauses that share a row: each clause joins the group before it when the English
    of the two is reordered. The words looked at run to the end of the next clause's
    span: the monotone cut may have handed a reordered clause's words to it."""
    groups = [[0]]
    for c in range(1, len(spans)):
        start, end = spans[groups[-1][0]][0], spans[min(c + 1, len(spans) - 1)][1]
        if reordered(scores[start:end], groups[-1], [c]):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def cut_groups(scores: list[list[float]], bonus: list[list[float]],
               allowed: list[bool]) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Rows as groups of clauses with one span each. Clauses found reordered are merged
    and the words cut again, the group as one clause, until no more merge: a reordering
    also misplaces the cuts around it. `bonus[c]` is for a cut after clause c."""
    groups = [[c] for c in range(len(scores[0]))]
    while True:
        merged = [[sum(row[c] for c in group) for group in groups] for row in scores]
        spans = cut_spans(merged, [bonus[group[-1]] for group in groups[:-1]], allowed)
        regrouped = group_clauses(merged, spans)
        if len(regrouped) == len(groups):
            return groups, spans
        groups = [[c for g in new for c in groups[g]] for new in regrouped]


def source_clauses(sentence: Sentence, unit: Translation) -> list[str]:
    """What the model read (terms in English, dates completed), cut where the sentence's
    clauses end: after as many ，；： marks. The clauses' zh-Hans form if the marks differ,
    or if a clause ends without one (on a half-width , of mainland web text)."""
    marks = [i + 1 for i, ch in enumerate(unit.source) if ch in CLAUSE_ENDS]
    counts = [sum(ch in CLAUSE_ENDS for ch in c.hans) for c in sentence.clauses]
    ends = [sum(counts[:c + 1]) for c in range(len(counts) - 1)]
    if len(marks) != sum(counts) or 0 in ends or any(a >= b for a, b in zip(ends, ends[1:])):
        return [c.hans for c in sentence.clauses]
    bounds = [0, *(marks[e - 1] for e in ends), len(unit.source)]
    return [unit.source[a:b] for a, b in zip(bounds, bounds[1:])]


def settled_by(scores: list[list[float]], bonus: list[float], allowed: list[bool], c: int, cut: int) -> float:
    """How much attention mass (and bonus) the cut after clause c before word `cut` wins
    by over the best other allowed position within MODEL_WINDOW words, the other cuts
    held still: the words in between would attend to the other clause."""
    n, margin = len(scores), float("inf")
    for b in range(max(0, cut - MODEL_WINDOW), min(n, cut + MODEL_WINDOW) + 1):
        if b != cut and allowed[b]:
            lo, hi, sign = (b, cut, 1) if b < cut else (cut, b, -1)
            moved = sum(scores[w][c + 1] - scores[w][c] for w in range(lo, hi))
            margin = min(margin, bonus[cut] - bonus[b] - sign * moved)
    return margin


def model_bonus(chinese: list[str], words: list[str], cuts: list[int], allowed: list[bool],
                scorer: Scorer, scores: list[list[float]], base: list[float]) -> list[list[float]]:
    """bonus[c][b]: MODEL_WEIGHT × how likely the model finds the English before word b as
    the translation of clauses 0..c, and the English after it as that of the rest, in
    nats relative to the best position.

    Only cuts the attention placed away from punctuation, and by less than SETTLED_MARGIN
    over its neighbours (`settled_by`, with `scores` and the `base` bonus), are doubtful
    enough to score: each at the allowed positions within MODEL_WINDOW words of it.
    Positions left out count as the worst position scored. Of 157 doubtful cuts (the
    seeds' gold sentences and 4 news articles) the model moved 37, all won by less than
    0.54 by the attention; 35 were won by 1.0 or more, and their scoring was a fifth of
    the aligner's model work.
    """
    n = len(words)
    jobs = [(c, b) for c, cut in enumerate(cuts)
            if not (0 < cut < n and _ends_clause(words[cut - 1]))
            and settled_by(scores, base, allowed, c, cut) < SETTLED_MARGIN
            for b in range(max(0, cut - MODEL_WINDOW), min(n, cut + MODEL_WINDOW) + 1)
            if allowed[b]]
    bonus = [[0.0] * (n + 1) for _ in cuts]
    if not jobs:
        return bonus
    heads = scorer(["".join(chinese[:c + 1]) for c, _ in jobs], [" ".join(words[:b]) for _, b in jobs])
    tails = scorer(["".join(chinese[c + 1:]) for c, _ in jobs], [" ".join(words[b:]) for _, b in jobs])
    for c in {c for c, _ in jobs}:
        found = {b: h + t for (job_c, b), h, t in zip(jobs, heads, tails) if job_c == c}
        top, worst = max(found.values()), min(found.values())
        bonus[c] = [MODEL_WEIGHT * (found.get(b, worst) - top) for b in range(n + 1)]
    return bonus


def align_sentence(sentence: Sentence, unit: Translation, scorer: Scorer | None = None) -> list[Row]:
    """Rows for one sentence; clauses without English join the following row. With a
    `scorer`, the model weighs in on the cuts the attention leaves in doubt."""
    expected = [e for clause in unit.expected for e in clause]
    if len(sentence.clauses) == 1 or not unit.pieces:
        return [Row(list(sentence.clauses), unit.text, sentence.id, expected)]
    words = words_of(unit.pieces)
    texts = [detokenize([unit.pieces[p] for p in word]) for word in words]
    scores = [[sum(unit.attention[p][c] for p in word) for c in range(len(sentence.clauses))]
              for word in words]
    # The first word's attention is no evidence: with nothing written yet, the decoder's
    # attention points almost anywhere (often at the last clause).
    scores[0] = [0.0] * len(sentence.clauses)
    allowed = cut_allowed(texts, name_spans(texts) + term_spans(texts, expected) + quote_spans(texts))
    bonus = [cut_bonus(texts)] * (len(sentence.clauses) - 1)
    if scorer:
        cuts = [end for _, end in cut_spans(scores, bonus, allowed)[:-1]]
        extra = model_bonus(source_clauses(sentence, unit), texts, cuts, allowed, scorer, scores, bonus[0])
        bonus = [[x + y for x, y in zip(bonus[0], e)] for e in extra]
    groups, spans = cut_groups(scores, bonus, allowed)
    rows: list[Row] = []
    pending: list[Texts] = []
    pending_expected: list[Expectation] = []
    for group, (start, end) in zip(groups, spans):
        pending += [sentence.clauses[c] for c in group]
        pending_expected += [e for c in group for e in unit.expected[c]]
        if start < end:
            rows.append(Row(pending, " ".join(texts[start:end]), sentence.id, pending_expected))
            pending, pending_expected = [], []
    if pending:  # trailing clauses with no English share the last row
        rows[-1].zh += pending
        rows[-1].expected += pending_expected
    return rows


def align_block(block: SegmentedBlock, units: dict[str, Translation],
                scorer: Scorer | None = None) -> AlignedBlock:
    rows = [row for s in block.sentences for row in align_sentence(s, units[s.id], scorer)]
    credit = None
    if block.credit:
        unit = units[block.credit.id]
        credit = Row(list(block.credit.clauses), unit.text, unit.id, unit.expected[0])
    return AlignedBlock(block.kind, block.level, block.label, rows, credit)


def align(doc: SegmentedDocument, translations: Translations, scorer: Scorer | None) -> AlignedDocument:
    """The aligned brief; doubtful cuts are weighed by `scorer` (the align command gives the
    translation model's, translate.scoring.model_scorer, through the memory), by the
    attention alone if None."""
    units = translations.units
    return AlignedDocument(
        slug=doc.slug,
        source=doc.source,
        meta=doc.meta,
        script=doc.script,
        model=translations.model,
        title=align_block(doc.title, units, scorer),
        blocks=[align_block(b, units, scorer) for b in doc.blocks],
    )
