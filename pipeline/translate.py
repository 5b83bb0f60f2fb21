"""Stage 4, translate: every sentence's zh-Hans form → English, with CTranslate2.

The Argos package's CTranslate2 weights and SentencePiece model are used directly
(argostranslate.translate would pull in stanza and torch and try to download at run
time). Before the model reads a sentence, glossary terms are written in their English
(the model copies Latin text through) and bare days of the month get the article's
month (20日 → 11月20日), so they read as dates. All sentences of an article go to the
model in one batched call with beam search, and of the model's best hypotheses the
first that carries every glossary term and number is kept: deterministic, and the
model's own first choice whenever it is right. With the English the attention is kept,
summed per source clause, for the aligner.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ctranslate2
import sentencepiece

from . import glossary as glossary_module
from .checks import Expectation, expectations, problem_count
from .glossary import KINDS, PROTECTED, Glossary
from .numbers import complete_dates
from .provision import locate
from .segment import SegmentedDocument, Sentence

BEAM_SIZE = 4
N_BEST = 4
RETRY_BEAM = 8      # sentences whose best hypotheses all fail a check get a wider search
REPAIR_SIMILARITY = 0.8  # how close a garbled copy of an inlined name must be to be restored
REPAIR_MIN_LENGTH = 5    # shorter terms (plan, EU) are too like other words to restore blindly
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256


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

    @property
    def text(self) -> str:
        return detokenize(self.pieces)


@dataclass
class Translations:
    slug: str
    model: str
    units: dict[str, Translation]


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


def prepare(sentence: Sentence, glossary: Glossary, date: str,
            protect: tuple[str, ...] = PROTECTED) -> Prepared:
    completed = [complete_dates(c.hans, date) for c in sentence.clauses]
    protected = [glossary.protect(c, protect) for c in completed]
    inlined = [t.en for c, p in zip(completed, protected) for _, _, t in glossary.find(c) if t.en in p]
    return Prepared(protected, [expectations(c, glossary) for c in completed], inlined)


def prepare_strict(sentence: Sentence, glossary: Glossary, date: str) -> Prepared:
    """The last resort for a sentence that fails its checks: every glossary term in English."""
    return prepare(sentence, glossary, date, KINDS)


def repair(pieces: list[str], attention: list[list[float]], inlined: list[str],
           expected: list[Expectation]) -> tuple[list[str], list[list[float]], list[str]]:
    """Restore inlined glossary English that the model copied with a typo (Umerov → Umarov).

    Only terms the checks miss, of REPAIR_MIN_LENGTH letters or more, and only a span of
    as many words that is REPAIR_SIMILARITY alike. The span's pieces become one piece,
    their attention summed, so the aligner still sees every piece once.
    """
    repairs = []
    for e in expected:
        if e.expected not in inlined or len(e.expected) < REPAIR_MIN_LENGTH or e.found_in(detokenize(pieces)):
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


class Model:
    """A loaded translator and tokenizer; load once per process."""

    def __init__(self, directory: Path, threads: int | None = None) -> None:
        self.directory = directory
        self.tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(directory / "sentencepiece.model"))
        self.translator = ctranslate2.Translator(
            str(directory / "model"), device="cpu",
            intra_threads=threads or int(os.environ.get("BRIEFS_THREADS", "0")))

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.encode(text, out_type=str)

    def clause_starts(self, clauses: list[str], tokens: list[str]) -> list[int]:
        """Index of each clause's first source token (the tokens of a prefix are a prefix)."""
        starts, prefix = [], ""
        for clause in clauses:
            starts.append(_common_prefix(self.tokenize(prefix), tokens) if prefix else 0)
            prefix += clause
        return starts

    def _sources(self, prepared: list[Prepared]) -> list[list[str]]:
        return [self.tokenize("".join(p.clauses)) for p in prepared]

    def search(self, sources: list[list[str]], beam: int) -> list[ctranslate2.TranslationResult]:
        return self.translator.translate_batch(
            sources, beam_size=beam, num_hypotheses=beam, max_batch_size=MAX_BATCH_TOKENS,
            batch_type="tokens", max_decoding_length=MAX_DECODING_LENGTH, return_attention=True)

    def translate(self, sentences: list[Sentence], prepared: list[Prepared],
                  strict: list[Prepared] | None = None, n_best: int = N_BEST) -> list[Translation]:
        """Translate in one batch. A sentence whose hypotheses all fail a check is tried
        again with a wider beam, then (given `strict`) with every glossary term in English;
        the attempt with the fewest problems wins, the earliest on a tie."""
        if not sentences:
            return []
        inputs = list(prepared)
        picks = [_pick(s, p, r) for s, p, r in
                 zip(sentences, inputs, self.search(self._sources(inputs), max(BEAM_SIZE, n_best)))]
        for retry_inputs, beam in ((prepared, RETRY_BEAM), (strict, RETRY_BEAM)):
            failing = [i for i, pick in enumerate(picks) if pick[0]]
            if not failing or retry_inputs is None:
                continue
            tries = [retry_inputs[i] for i in failing]
            for i, prep, result in zip(failing, tries, self.search(self._sources(tries), beam)):
                retry = _pick(sentences[i], prep, result)
                if retry[0] < picks[i][0]:
                    picks[i], inputs[i] = retry, prep
        out = []
        for sentence, prep, (_, rank, result) in zip(sentences, inputs, picks):
            tokens = self.tokenize("".join(prep.clauses))
            bounds = [*self.clause_starts(prep.clauses, tokens), len(tokens) + 1]
            attention = [[round(sum(row[a:b]), 4) for a, b in zip(bounds, bounds[1:])]
                         for row in result.attention[rank]]
            expected = [e for clause in prep.expected for e in clause]
            pieces, attention, repairs = repair(tidy(result.hypotheses[rank]), attention,
                                                prep.inlined, expected)
            out.append(Translation(sentence.id, "".join(prep.clauses), pieces, attention,
                                   prep.expected, rank, repairs))
        return out


def _pick(sentence: Sentence, prep: Prepared,
          result: ctranslate2.TranslationResult) -> tuple[int, int, ctranslate2.TranslationResult]:
    """(problems, rank, result) for the first of the model's hypotheses with fewest problems."""
    expected = [e for clause in prep.expected for e in clause]
    costs = [problem_count(expected, sentence.hans, detokenize(h)) for h in result.hypotheses]
    rank = costs.index(min(costs))
    return costs[rank], rank, result


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


@cache
def default_model() -> Model:
    return Model(locate())


def translate(doc: SegmentedDocument, glossary_files: list[Path] = (),
              model: Model | None = None) -> Translations:
    model = model or default_model()
    glossary = glossary_module.load(list(glossary_files), doc.meta.glossary)
    sentences = doc.all_sentences()
    prepared = [prepare(s, glossary, doc.meta.date) for s in sentences]
    strict = [prepare_strict(s, glossary, doc.meta.date) for s in sentences]
    units = model.translate(sentences, prepared, strict)
    return Translations(doc.slug, model.directory.name, {u.id: u for u in units})
