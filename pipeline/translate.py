"""Stage 4, translate: every sentence's zh-Hans form → English, with CTranslate2.

The Argos package's CTranslate2 weights and SentencePiece model are used directly
(argostranslate.translate would pull in stanza and torch and try to download at run
time). All sentences of an article go to the model in one batched call: beam search,
no sampling, so the same input always gives the same English. With the English the
model's attention is kept, summed per source clause, for the aligner.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ctranslate2
import sentencepiece

from .provision import locate
from .segment import SegmentedDocument, Sentence

BEAM_SIZE = 4
MAX_BATCH_TOKENS = 2048
MAX_DECODING_LENGTH = 256


@dataclass
class Translation:
    """The model's English for one sentence, piece by piece."""

    id: str
    source: str                  # the zh-Hans text the model read
    pieces: list[str]            # SentencePiece target pieces ("▁" starts a word)
    attention: list[list[float]]  # per piece: attention mass on each source clause

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

    def clause_starts(self, sentence: Sentence, tokens: list[str]) -> list[int]:
        """Index of each clause's first source token (the tokens of a prefix are a prefix)."""
        starts, prefix = [], ""
        for clause in sentence.clauses:
            starts.append(_common_prefix(self.tokenize(prefix), tokens) if prefix else 0)
            prefix += clause.hans
        return starts

    def translate(self, sentences: list[Sentence], beam_size: int = BEAM_SIZE) -> list[Translation]:
        if not sentences:
            return []
        sources = [self.tokenize(s.hans) for s in sentences]
        results = self.translator.translate_batch(
            sources, beam_size=beam_size, max_batch_size=MAX_BATCH_TOKENS, batch_type="tokens",
            max_decoding_length=MAX_DECODING_LENGTH, return_attention=True)
        out = []
        for sentence, tokens, result in zip(sentences, sources, results):
            starts = self.clause_starts(sentence, tokens)
            bounds = [*starts, len(tokens) + 1]  # the end-of-sentence token counts for the last clause
            attention = [[round(sum(row[a:b]), 4) for a, b in zip(bounds, bounds[1:])]
                         for row in result.attention[0]]
            out.append(Translation(sentence.id, sentence.hans, result.hypotheses[0], attention))
        return out


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


@cache
def default_model() -> Model:
    return Model(locate())


def translate(doc: SegmentedDocument, model: Model | None = None) -> Translations:
    model = model or default_model()
    units = model.translate(doc.all_sentences())
    return Translations(doc.slug, model.directory.name, {u.id: u for u in units})
