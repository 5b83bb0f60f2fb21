"""Stage 4, translate: every sentence's zh-Hans form → English, with CTranslate2.

The Argos package's CTranslate2 weights and SentencePiece model are used directly
(argostranslate.translate would pull in stanza and torch and try to download at run
time). Before the model reads a sentence, glossary terms are written in their English
(the model copies Latin text through) and bare days of the month get the article's
month (20日 → 11月20日), so they read as dates. All sentences of an article go to the
model in one batched call with beam search. Of the model's hypotheses, those that
carry the most glossary terms and numbers are kept, and among them the one most like
all the others (minimum Bayes risk with chrF as the utility: the consensus, which
scores better than the model's own first choice). With the English the translate
stage keeps what later stages need to judge it: the attention, summed per source
clause for the aligner and per source piece for the quality checks, the model's
log-probability of the English and how far the other hypotheses agree with it.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import glossary as glossary_module
from . import jsonio, senses
from .checks import Expectation, expectations, problem_count
from .document import region_of
from .glossary import GLOSSED, KINDS, PROTECTED, Glossary
from .memory import Memory
from .numbers import complete_dates, write_amounts, write_currencies
from .provision import MODEL_BIN_SHA256, locate
from .segment import SegmentedDocument, Sentence, has_chinese
from .senses import Word
from .writing import HAN

if TYPE_CHECKING:  # the stages after this one read its dataclasses without these libraries
    from sacrebleu.metrics import CHRF

    from .names import Names

RETRY_BEAM = 8      # a greedy search's last, wider retry, and how far `force` looks for an editor's English
REPAIR_SIMILARITY = 0.8  # how close a garbled copy of an inlined name must be to be restored
REPAIR_MIN_LENGTH = 5    # shorter terms (plan, EU) are too like other words to restore blindly
# A name alone is judged known from this beam at least: judged by a greedy search, more names
# came out unknown and were inlined, and QUALITY=fast lost 0.12 chrF on the dev set.
NAME_BEAM = 4
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256
# Stretches of input between punctuation, left out one at a time to see what the English relies on.
ATTENDED = 3.5  # attention (in target pieces' worth) above which a stretch is taken as carried
EXACT_RELIANCE = 6.0  # nats: a loss below this is measured without the search's score (quality's threshold is 2)
STRETCH = re.compile(r"[^，,。；;：:、「」『』“”‘’（）()《》！？!?\s]+")


@dataclass(frozen=True)
class Decoding:
    """How widely the model searches, and how the English is chosen from what it finds."""

    beam: int                      # beam width; the whole beam comes back as hypotheses
    consensus: bool                # choose by minimum Bayes risk among those passing the checks
    reliance: bool = True          # score the English without each stretch of input (the "dropped" check)
    wider: int = 0                 # the beam of a last retry of the best input so far (0: none)


# No wider setting: a 16-wide beam won nothing on text it was not tuned on, for 3.6x the
# search time (bench/eval_choice.py; chrF against "default", 95 % interval: dev set +0.19
# [-0.25, +0.64], 279 unseen TED segments +0.26 [-0.49, +0.94], 305 news segments of issue
# 23 -0.23), nor did the quality estimator as the chooser (alone -0.2 to -2 chrF; added to
# the consensus at beam 16, dev set cross-validated +0.33 [-0.11, +0.77], TED +0.22
# [-0.45, +0.86]). README, "Choices, with numbers".
QUALITIES = {
    "fast": Decoding(beam=1, consensus=False, reliance=False, wider=RETRY_BEAM),
    "default": Decoding(beam=4, consensus=True),
}


@dataclass
class Translation:
    """The model's English for one sentence, piece by piece."""

    id: str
    source: str                  # the text the model read (zh-Hans, terms in English)
    pieces: list[str]            # SentencePiece target pieces ("▁" starts a word)
    attention: list[list[float]]  # per piece: attention mass on each source clause
    expected: list[list[Expectation]]  # per clause: terms and numbers its English must carry
    rank: int = 0                # which of the model's hypotheses was kept (0 = its best)
    repairs: list[str] = field(default_factory=list)  # garbled copies of glossary English restored
    score: float = 0.0           # the model's log-probability of the English, per piece
    agreement: float = 1.0       # mean chrF (0–1) of the English against the other hypotheses
    # For each stretch of Chinese between punctuation: how much less likely the English
    # becomes when that stretch is deleted from the input (nats). Near 0: the English
    # does not depend on it, so its content is probably missing.
    reliance: list[tuple[str, float]] = field(default_factory=list)
    # Words none of whose dictionary senses is in the English, each with what the
    # dictionary says it means (senses.py): a wrong sense, or a word left out.
    unsensed: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False        # not Chinese: kept as written, no model, nothing to check

    @property
    def text(self) -> str:
        return detokenize(self.pieces)


@dataclass
class Translations:
    slug: str
    model: str
    units: dict[str, Translation]
    quality: str = "default"     # the QUALITY setting it was made with (see QUALITIES)
    translated: int = 0          # sentences the model translated in this run
    remembered: int = 0          # sentences taken from the translation memory
    written: int = 0             # sentences with no Chinese, kept as written (as_written)


def detokenize(pieces: list[str]) -> str:
    return "".join(pieces).replace("▁", " ").strip()


CONTRACTIONS = {"▁s", "▁t", "▁re", "▁ve", "▁ll", "▁d", "▁m"}


def tidy(pieces: list[str]) -> list[str]:
    """Join a detached possessive ("Ukraine ' s") onto its word, so no cut can split it."""
    out = list(pieces)
    for i in range(1, len(out) - 1):
        if out[i] == "▁'" and out[i + 1] in CONTRACTIONS:
            out[i], out[i + 1] = "'", out[i + 1][1:]
    return out


def words_of(pieces: list[str]) -> list[list[int]]:
    """Group piece indices into words: a piece starting with ▁ opens a new word."""
    words: list[list[int]] = []
    for i, piece in enumerate(pieces):
        if piece.startswith("▁") or not words:
            words.append([i])
        else:
            words[-1].append(i)
    return words


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


# How names reach the model (Attempts.inlining). "failing" (the default): the glossary's
# names in English from the start; a name found in the article (names.py) only where the
# model would miss it: from the start if the model, given the name alone, writes none of
# its English (Model.unknown_names), else only in a sentence whose English misses it, and
# then only that name: written in English, a name can damage the words around it ("Mr.
# Mao Ning, spokesperson of Foreign Affairs" once 外交部 was written too).
# "upfront" (bench/eval_names.py's comparison): every name in English from the start.


@dataclass
class Attempts:
    """The inputs one sentence may be given to the model, first to last."""

    sentence: Sentence
    glossary: Glossary
    date: str
    inlining: str = "failing"
    unknown: frozenset[str] = frozenset()  # names the model does not know (Model.unknown_names)
    words: tuple[Word, ...] | None = None  # its content words and their senses (None: not looked up yet)
    region: str = "cn"  # whose 元 the article's amounts are in (numbers.LOCAL)

    def first(self) -> Prepared:
        origins = ("glossary",) if self.inlining == "failing" else None
        return prepare(self.sentence, self.glossary, self.date, Inline(PROTECTED, origins, self.unknown), self.region)

    def terms(self) -> set[str]:
        """The glossary terms and names of the sentence: their own checks cover them."""
        return {t.zh for _, _, t in self.glossary.find(self.sentence.hans)}

    def names(self) -> dict[str, Expectation]:
        """The names of the sentence found in the article (names.py), not in the glossary."""
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
        return ("missing", "every", "wider") if self.inlining == "failing" else ("every", "wider")

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


@dataclass
class Candidate:
    """One English the model proposed for a sentence, with what it knows of it."""

    pieces: list[str]
    attention: list[list[float]]  # per target piece, over source pieces
    score: float                  # log-probability per piece
    rank: int                     # position in the model's n-best list
    repairs: list[str] = field(default_factory=list)  # typos in copied names restored (see repair)
    exact: bool = True            # `score` is the model's for these very pieces (not tidied or repaired since)


class Model:
    """A loaded translator and tokenizer; load once per process."""

    def __init__(self, directory: Path, threads: int | None = None) -> None:
        import ctranslate2
        import sentencepiece
        self.directory = directory
        self.tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(directory / "sentencepiece.model"))
        self.translator = ctranslate2.Translator(
            str(directory / "model"), device="cpu",
            intra_threads=threads or int(os.environ.get("BRIEFS_THREADS", "0")))

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.encode(text, out_type=str)

    @cached_property
    def vocabulary(self) -> set[str]:
        return set(json.loads((self.directory / "model" / "shared_vocabulary.json").read_text("utf-8")))

    def english_pieces(self, text: str) -> list[str]:
        """Target pieces for a given English (the package ships no target tokenizer):
        longest vocabulary match first, word by word."""
        pieces: list[str] = []
        for word in text.split():
            rest = "▁" + word
            while rest:
                size = next((n for n in range(len(rest), 0, -1) if rest[:n] in self.vocabulary), 1)
                pieces.append(rest[:size])
                rest = rest[size:]
        return pieces

    def clause_starts(self, clauses: list[str], tokens: list[str]) -> list[int]:
        """Index of each clause's first source token (the tokens of a prefix are a prefix)."""
        starts, prefix = [], ""
        for clause in clauses:
            starts.append(_common_prefix(self.tokenize(prefix), tokens) if prefix else 0)
            prefix += clause
        return starts

    def _sources(self, prepared: list[Prepared]) -> list[list[str]]:
        return [self.tokenize("".join(p.clauses)) for p in prepared]

    def search(self, sources: list[list[str]], beam: int) -> list[list[Candidate]]:
        """The whole beam for every source, as candidates."""
        results = self.translator.translate_batch(
            sources, beam_size=beam, num_hypotheses=beam, max_batch_size=MAX_BATCH_TOKENS,
            batch_type="tokens", max_decoding_length=MAX_DECODING_LENGTH, return_attention=True,
            return_scores=True)
        return [[Candidate(h, a, s, i) for i, (h, a, s) in enumerate(zip(r.hypotheses, r.attention, r.scores))]
                for r in results]

    def translate(self, attempts: list[Attempts], decoding: Decoding = QUALITIES["default"]) -> list[Translation]:
        """Translate in one batch from each sentence's first input. A sentence whose
        hypotheses all fail a check is tried again on each of its retry inputs (see
        Attempts.steps) that differs from those tried, the failing sentences of a step in
        one batch; the attempt with the fewest problems wins, the earliest on a tie."""
        if not attempts:
            return []
        unknown = self.unknown_names(attempts, max(decoding.beam, NAME_BEAM))
        attempts = [dataclasses.replace(a, unknown=frozenset(a.names().keys() & unknown)) for a in looked_up(attempts)]
        sentences = [a.sentence for a in attempts]
        inputs = [a.first() for a in attempts]
        picks = [_pick(s, p, c, decoding.consensus) for s, p, c in
                 zip(sentences, inputs, self.search(self._sources(inputs), decoding.beam))]
        # Each (input, beam) is searched once per sentence.
        tried = [{("".join(p.clauses), decoding.beam)} for p in inputs]
        for step in range(max(len(a.steps) for a in attempts)):
            failing, tries, beams = [], [], []
            for i, pick in enumerate(picks):
                if not pick.problems or step >= len(attempts[i].steps):
                    continue
                wider = attempts[i].steps[step] == "wider"
                if wider and not decoding.wider:
                    continue
                retry = attempts[i].retry(step, detokenize(pick.chosen.pieces), inputs[i])
                beam = decoding.wider if wider else decoding.beam
                if ("".join(retry.clauses), beam) not in tried[i]:
                    tried[i].add(("".join(retry.clauses), beam))
                    failing.append(i)
                    tries.append(retry)
                    beams.append(beam)
            for beam in sorted(set(beams)):
                batch = [(i, prep) for i, prep, b in zip(failing, tries, beams) if b == beam]
                found = self.search(self._sources([prep for _, prep in batch]), beam)
                for (i, prep), candidates in zip(batch, found):
                    retry = _pick(sentences[i], prep, candidates, decoding.consensus)
                    if retry.problems < picks[i].problems:
                        picks[i], inputs[i] = retry, prep
        units = [self.unit(a.sentence, p, pick.chosen, pick.agreement, a.words)
                 for a, p, pick in zip(attempts, inputs, picks)]
        if decoding.reliance:
            self.measure_reliance(units, [pick.chosen for pick in picks])
        return units

    def unknown_names(self, attempts: list[Attempts], beam: int) -> set[str]:
        """Of the sentences' names found in the article (Attempts.names), those the model,
        given each name alone, writes in none of its accepted English in the whole beam. It
        then mostly misses them in a sentence too (of 392 such mentions in 20 news
        articles, the English of the sentence missed 198 of the 205 names found unknown,
        and 33 of the 187 found known), and a sentence that misses a name is searched
        again with it in English: found unknown, it is in English from the first search."""
        forms = {zh: e for a in attempts if a.inlining == "failing" for zh, e in a.names().items()}
        names = sorted(forms)
        found = self.search([self.tokenize(zh) for zh in names], beam) if names else []
        return {zh for zh, candidates in zip(names, found)
                if not any(forms[zh].found_in(detokenize(c.pieces)) for c in candidates)}

    def measure_reliance(self, units: list[Translation], chosen: list[Candidate]) -> None:
        """Fill each unit's `reliance`: the English scored by the model with each stretch of
        the input left out in turn (batched forced passes). Forced scoring costs a third
        of a search per stretch, so a stretch the English attends to with ATTENDED pieces'
        worth of attention or more is taken as carried and not scored: in a sample of 1,382
        stretches of news (407 sentences) that left out 68 % of them and none of the 17
        whose English did not rely on them.

        The English with the whole input is scored only where it matters: the search's own
        score of it stands in where every loss it gives is EXACT_RELIANCE or more. The two
        differ by up to 2.6 nats (20 news articles; mostly by less than 0.01), so a loss
        near the "dropped" check's threshold is always measured exactly. In 20 news articles
        65 of 376 sentences with stretches to score needed it (or had their English tidied
        or repaired): 751 forced scorings instead of 1,062, the same stretches found dropped."""
        owners = []
        for unit, candidate in zip(units, chosen):
            tokens = self.tokenize(unit.source)
            # A stretch the source glosses in Latin letters (顿内茨克(Donetsk)) is skipped:
            # the English may rightly come from the gloss.
            chunks = [m for m in STRETCH.finditer(unit.source)
                      if len(HAN.findall(m.group(0))) >= 2 and not GLOSSED.match(unit.source, m.end())
                      and self._attended(unit.source, tokens, m.start(), m.end(), candidate.attention) < ATTENDED]
            if chunks:
                own = (candidate.score * (len(candidate.pieces) + 1)
                       if candidate.exact and unit.pieces == candidate.pieces else None)
                owners.append((unit, own, chunks))
        without = iter(self.score([(unit.source[:m.start()] + unit.source[m.end():], unit.pieces)
                                    for unit, _, chunks in owners for m in chunks]))
        lost = [[next(without) for _ in chunks] for _, _, chunks in owners]
        again = [i for i, (_, own, _) in enumerate(owners)
                 if own is None or own - max(lost[i]) < EXACT_RELIANCE]
        full = [own for _, own, _ in owners]
        for i, score in zip(again, self.score([(owners[i][0].source, owners[i][0].pieces) for i in again])):
            full[i] = score
        for (unit, _, chunks), whole, scores in zip(owners, full, lost):
            unit.reliance = [(m.group(0), round(whole - score, 2)) for m, score in zip(chunks, scores)]

    def score(self, pairs: list[tuple[str, list[str]]]) -> list[float]:
        """The model's log-probability of each (source text, English pieces), end included."""
        if not pairs:
            return []
        results = self.translator.score_batch([self.tokenize(text) for text, _ in pairs], [p for _, p in pairs],
                                              max_batch_size=MAX_BATCH_TOKENS, batch_type="tokens")
        return [sum(r.log_probs) for r in results]

    def _attended(self, source: str, tokens: list[str], start: int, end: int,
                  attention: list[list[float]]) -> float:
        """The attention the whole English pays to the source tokens of source[start:end]."""
        first = _common_prefix(self.tokenize(source[:start]), tokens) if start else 0
        last = max(_common_prefix(self.tokenize(source[:end]), tokens), first + 1)
        return sum(sum(row[first:last]) for row in attention)

    def force(self, sentences: list[Sentence], prepared: list[Prepared], english: list[str],
              decoding: Decoding = QUALITIES["default"]) -> list[Translation]:
        """What the model makes of a given English for each sentence (an editor's, or a
        labelled one in the evaluation): its attention, log-probability and agreement with
        the model's own hypotheses, exactly as if the model had chosen it. An English the
        model itself proposes (in a beam of RETRY_BEAM) keeps the model's own pieces; other
        English is cut into pieces by vocabulary, which the model finds less likely."""
        sources = self._sources(prepared)
        own = self.search(sources, max(decoding.beam, RETRY_BEAM))
        chosen: list[Candidate | None] = [
            next((c for c in found if detokenize(c.pieces) == e.strip()), None) for e, found in zip(english, own)]
        todo = [i for i, c in enumerate(chosen) if c is None]
        targets = [self.english_pieces(english[i]) for i in todo]
        if todo:
            results = self.translator.translate_batch(
                [sources[i] for i in todo], target_prefix=targets, beam_size=1, max_batch_size=MAX_BATCH_TOKENS,
                batch_type="tokens", max_decoding_length=MAX_DECODING_LENGTH, return_attention=True)
            scores = self.score([("".join(prepared[i].clauses), target) for i, target in zip(todo, targets)])
            for i, target, result, scored in zip(todo, targets, results, scores):
                chosen[i] = Candidate(target, result.attention[0][:len(target)], scored / (len(target) + 1), -1)
        out = []
        words = senses.words([s.hans for s in sentences], [{e.zh for c in p.expected for e in c} for p in prepared])
        for sentence, prep, candidate, found, mine in zip(sentences, prepared, chosen, own, words):
            others = [detokenize(c.pieces) for c in found[:decoding.beam] if c is not candidate]
            out.append(self.unit(sentence, prep, candidate, _agreement(detokenize(candidate.pieces), others), mine))
        self.measure_reliance(out, chosen)
        return out

    def unit(self, sentence: Sentence, prep: Prepared, chosen: Candidate,
             agreement: float, words: tuple[Word, ...]) -> Translation:
        """The kept English of a sentence with its attention per clause and per source
        piece, and which of its `words` the English carries in none of their senses."""
        tokens = self.tokenize("".join(prep.clauses))
        bounds = [*self.clause_starts(prep.clauses, tokens), len(tokens) + 1]
        attention = [[round(sum(row[a:b]), 4) for a, b in zip(bounds, bounds[1:])]
                     for row in chosen.attention]
        expected = [e for clause in prep.expected for e in clause]
        pieces, attention, repairs = repair(tidy(chosen.pieces), attention, prep.inlined, expected)
        unsensed = [(w.zh, w.suggestion()) for w in senses.unsensed(words, detokenize(pieces))]
        return Translation(sentence.id, "".join(prep.clauses), pieces, attention, prep.expected,
                           max(chosen.rank, 0), chosen.repairs + repairs, round(chosen.score, 4), round(agreement, 4),
                           unsensed=unsensed)


@dataclass
class Pick:
    problems: int
    chosen: Candidate
    agreement: float


def _pick(sentence: Sentence, prep: Prepared, candidates: list[Candidate], consensus: bool) -> Pick:
    """The checks first (fewest missing terms and numbers), then, if `consensus`, the
    hypothesis most like all the others; otherwise the model's own order."""
    expected = [e for clause in prep.expected for e in clause]
    # Judged as they will be kept: a copied name's typo (Controll Yuan) repaired first.
    repaired = [repair(tidy(c.pieces), c.attention, prep.inlined, expected) for c in candidates]
    candidates = [Candidate(pieces, attention, c.score, c.rank, fixed, pieces == c.pieces)
                  for c, (pieces, attention, fixed) in zip(candidates, repaired)]
    texts = [detokenize(c.pieces) for c in candidates]
    costs = [problem_count(expected, sentence.hans, t) for t in texts]
    fewest = min(costs)
    passing = [i for i, cost in enumerate(costs) if cost == fewest]
    agreements = {i: _agreement(texts[i], texts[:i] + texts[i + 1:]) for i in
                  (passing if consensus else passing[:1])}
    best = max(agreements, key=lambda i: (agreements[i], -i))
    return Pick(fewest, candidates[best], agreements[best])


def _agreement(text: str, others: list[str]) -> float:
    """Mean chrF (0–1) of `text` against `others`: the MBR utility, and a confidence signal."""
    if not others:
        return 1.0
    return sum(_chrf().sentence_score(text, [o]).score for o in others) / (100 * len(others))


@cache
def _chrf() -> CHRF:
    from sacrebleu.metrics import CHRF
    return CHRF()


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


@cache
def default_model() -> Model:
    return Model(locate())


# The code that turns a sentence into its English: a change to it makes every sentence new.
MEMORY_CODE = ("translate.py", "checks.py", "numbers.py", "glossary.py", "senses.py")


@cache
def _code_version() -> str:
    here = Path(__file__).resolve().parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in MEMORY_CODE)).hexdigest()


def memory_key(attempt: Attempts, decoding: Decoding) -> str:
    """What decides a sentence's English: the model's input and the Chinese its English is
    judged against, the glossary's entries for the terms in it (all of them, as a retry may
    write any in English), its words' dictionary senses (a new dictionary may give others,
    and the "sense" check judges by them), the model, the search, and the code."""
    completed = [complete_dates(c.hans, attempt.date) for c in attempt.sentence.clauses]
    terms = sorted({t.zh: dataclasses.asdict(t) for c in completed for _, _, t in attempt.glossary.find(c)}.items())
    record = [_code_version(), MODEL_BIN_SHA256, dataclasses.asdict(decoding), attempt.inlining,
              [c.hans for c in attempt.sentence.clauses], attempt.first().clauses, terms,
              [dataclasses.asdict(w) for w in looked_up([attempt])[0].words]]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode("utf-8")).hexdigest()


LATIN_WORD = re.compile(r"\S+")


def is_chinese(sentence: Sentence) -> bool:
    """Whether the model reads the sentence (see segment.has_chinese)."""
    return has_chinese(sentence.hans)


def as_written(attempt: Attempts) -> Translation:
    """A sentence with no Chinese in it (English, a URL, an address, code, a ticker, a
    number, a span in Japanese, Korean, Arabic or emoji) is its own English, as written: the model, given it, only invents (a line of
    markup once came back as subtitle colour codes). Each word is attended to the clause
    it stands in, so the aligner pairs every clause with itself."""
    sentence = attempt.sentence
    pieces, attention = [], []
    for index, clause in enumerate(sentence.clauses):
        for word in LATIN_WORD.findall(clause.original):
            pieces.append("▁" + word)
            attention.append([1.0 if c == index else 0.0 for c in range(len(sentence.clauses))])
    return Translation(sentence.id, "".join(c.original for c in sentence.clauses), pieces, attention,
                       [[] for _ in sentence.clauses], written=True)


@dataclass
class Request:
    """One article to translate: its sentences and the glossary they are read with."""

    doc: SegmentedDocument
    glossary: Glossary
    written: dict[str, Translation]  # sentences with no Chinese, as written
    attempts: list[Attempts]         # the rest, in reading order
    keys: list[str]                  # each attempt's memory key


def request(doc: SegmentedDocument, glossary_files: list[Path] = (), names: Names | None = None,
            quality: str = "default", inlining: str = "failing") -> Request:
    """What translating `doc` takes: which sentences go to the model, under which keys."""
    glossary = glossary_module.load(list(glossary_files), doc.meta.glossary)
    if names is not None:
        glossary = names.extend(glossary)
    sentences = doc.all_sentences()
    region = region_of(doc.meta.language, doc.script)
    written = {s.id: as_written(Attempts(s, glossary, doc.meta.date, inlining))
               for s in sentences if not is_chinese(s)}
    attempts = looked_up([Attempts(s, glossary, doc.meta.date, inlining, region=region)
                          for s in sentences if s.id not in written])
    return Request(doc, glossary, written, attempts, [memory_key(a, QUALITIES[quality]) for a in attempts])


def translate(doc: SegmentedDocument, glossary_files: list[Path] = (), model: Model | None = None,
              quality: str = "default", names: Names | None = None, inlining: str = "failing",
              memory: Memory | None = None) -> Translations:
    """Every sentence's English: from `memory` when it holds it, else from the model (loaded
    only then), which then goes into the memory."""
    return translate_all([request(doc, glossary_files, names, quality, inlining)], model, quality, memory)[0]


def translate_all(requests: list[Request], model: Model | None = None, quality: str = "default",
                  memory: Memory | None = None) -> list[Translations]:
    """`translate` for many articles at once: the sentences no memory holds, from all of
    them, go to the model in one batch (each sentence once, however many articles have
    it), as the engine is fastest on full batches."""
    decoding = QUALITIES[quality]
    keys = [k for r in requests for k in r.keys]
    stored = memory.get(keys) if memory else {}
    todo = {k: a for r in requests for a, k in zip(r.attempts, r.keys) if k not in stored}
    if todo:
        model = model or default_model()
    fresh = dict(zip(todo, model.translate(list(todo.values()), decoding) if todo else []))
    if memory:
        memory.put({k: dataclasses.asdict(u) for k, u in fresh.items()})
    results, counted = [], set()
    for r in requests:
        units = dict(r.written)
        made = 0
        for a, k in zip(r.attempts, r.keys):
            unit = fresh.get(k) or jsonio.from_dict(Translation, stored[k])
            units[a.sentence.id] = dataclasses.replace(unit, id=a.sentence.id)
            made += k in fresh and k not in counted
            counted.add(k)
        units = {s.id: units[s.id] for s in r.doc.all_sentences()}
        results.append(Translations(r.doc.slug, (model.directory if model else locate()).name, units,
                                    quality, made, len(r.attempts) - made, len(r.written)))
    return results
