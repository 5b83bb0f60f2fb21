"""Stage 5, translate: every sentence's zh-Hans form → English, with CTranslate2.

input: build/<slug>/segments.json + names.json; output: build/<slug>/translations.json

Before the model reads a sentence, glossary terms are written in their English (the
model copies Latin text through) and bare days of the month get the article's month
(20日 → 11月20日), so they read as dates (inputs.py). All sentences of an article go to
the model in one batched call with beam search (engine.py). Of the model's hypotheses,
those that carry the most glossary terms and numbers are kept, and among them the one
most like all the others (minimum Bayes risk with chrF as the utility: the consensus,
which scores better than the model's own first choice; choice.py). With the English the
translate stage keeps what later stages need to judge it: the attention, summed per
source clause for the aligner and per source piece for the quality checks, the model's
log-probability of the English, how far the other hypotheses agree with it, and how far
it relies on each stretch of its input (reliance.py). Its shape is translations.json's
(model/translations.py). scoring.py holds the engine's scoring the align stage is given.

This module is the stage itself: which sentences go to the model and under which keys of
the translation memory, and many articles translated at once.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import code, jsonio
from pipeline.lang import glossary as glossary_module
from pipeline.lang.glossary import Glossary
from pipeline.lang.numbers import complete_dates
from pipeline.lang.writing import has_chinese, region_of
from pipeline.model.segments import SegmentedDocument, Sentence
from pipeline.model.translations import Translation, Translations
from pipeline.stages.translate.engine import QUALITIES, Decoding, Model, default_model
from pipeline.stages.translate.inputs import Attempts, looked_up
from pipeline.stages.translate.provision import MODEL_BIN_SHA256, locate

if TYPE_CHECKING:
    from pipeline.model.names import Names
    from pipeline.stages.translate.memory import Memory


def memory_key(attempt: Attempts, decoding: Decoding) -> str:
    """What decides a sentence's English: the model's input and the Chinese its English is
    judged against, the glossary's entries for the terms in it (all of them, as a retry may
    write any in English), its words' dictionary senses (a new dictionary may give others,
    and the "sense" check judges by them), the model, the search, and the code."""
    completed = [complete_dates(c.hans, attempt.date) for c in attempt.sentence.clauses]
    terms = sorted({t.zh: dataclasses.asdict(t) for c in completed for _, _, t in attempt.glossary.find(c)}.items())
    words = looked_up([attempt])[0].words
    assert words is not None  # looked_up gives the attempt its words
    record = [code.digest("translations"), MODEL_BIN_SHA256, dataclasses.asdict(decoding),
              [c.hans for c in attempt.sentence.clauses], attempt.first().clauses, terms,
              [dataclasses.asdict(w) for w in words]]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode("utf-8")).hexdigest()


LATIN_WORD = re.compile(r"\S+")


def is_chinese(sentence: Sentence) -> bool:
    """Whether the model reads the sentence (see segment.has_chinese)."""
    return has_chinese(sentence.hans)


def as_written(attempt: Attempts) -> Translation:
    """A sentence with no Chinese in it (English, a URL, an address, code, a ticker, a
    number, a span in Japanese, Korean, Arabic or emoji) is its own English, as written: the
    model, given it, only invents (a line of markup once came back as subtitle colour codes).
    Each word is attended to the clause it stands in, so the aligner pairs every clause with
    itself."""
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


def request(doc: SegmentedDocument, glossary_files: Sequence[Path] = (), names: Names | None = None,
            quality: str = "default") -> Request:
    """What translating `doc` takes: which sentences go to the model, under which keys."""
    glossary = glossary_module.load(list(glossary_files), doc.meta.glossary)
    if names is not None:
        glossary = glossary_module.extended(glossary, names)
    sentences = doc.all_sentences()
    region = region_of(doc.meta.language, doc.script)
    written = {s.id: as_written(Attempts(s, glossary, doc.meta.date))
               for s in sentences if not is_chinese(s)}
    attempts = looked_up([Attempts(s, glossary, doc.meta.date, region=region)
                          for s in sentences if s.id not in written])
    return Request(doc, glossary, written, attempts, [memory_key(a, QUALITIES[quality]) for a in attempts])


def translate(doc: SegmentedDocument, glossary_files: Sequence[Path] = (), model: Model | None = None,
              quality: str = "default", names: Names | None = None,
              memory: Memory | None = None) -> Translations:
    """Every sentence's English: from `memory` when it holds it, else from the model (loaded
    only then), which then goes into the memory."""
    return translate_all([request(doc, glossary_files, names, quality)], model, quality, memory)[0]


def translate_all(requests: list[Request], model: Model | None = None, quality: str = "default",
                  memory: Memory | None = None) -> list[Translations]:
    """`translate` for many articles at once: the sentences no memory holds, from all of
    them, go to the model in one batch (each sentence once, however many articles have
    it), as the engine is fastest on full batches."""
    decoding = QUALITIES[quality]
    keys = [k for r in requests for k in r.keys]
    stored = memory.get(keys) if memory else {}
    todo = {k: a for r in requests for a, k in zip(r.attempts, r.keys) if k not in stored}
    fresh: dict[str, Translation] = {}
    if todo:
        model = model or default_model()
        fresh = dict(zip(todo, model.translate(list(todo.values()), decoding)))
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
