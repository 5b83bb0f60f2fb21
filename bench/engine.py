"""The raw-engine baseline: how fast the model alone translates a corpus's sentences.

The speed limit for the translate stage: the same sentences the pipeline would send to
the model (`corpus_sentences`: read → scripts → segment, the units `is_chinese` keeps,
each once, as the translation memory would translate them once), translated by
CTranslate2 exactly as translate/engine.py calls it (SentencePiece pieces of the zh-Hans text,
the beam of QUALITIES[quality], batches of at most MAX_BATCH_TOKENS tokens,
MAX_DECODING_LENGTH) but with nothing else: no glossary, date or amount rewriting, no
checks, retries, consensus, reliance scoring or memory. The input is sorted by length
before it is cut into chunks, so the batches are well filled. By default only the
model's best hypothesis is asked for; `hypotheses="beam"` asks, as the pipeline's
search does, for the whole beam with attention and scores, which separates the cost of
the search the pipeline needs from the cost of everything around it.
Usage: python bench/engine.py SOURCE_DIR [--json OUT] [--quality Q] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from pipeline.model.translations import detokenize
from pipeline.stages.read import FORMATS, read
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate import is_chinese
from pipeline.stages.translate.engine import (
    MAX_BATCH_TOKENS,
    MAX_DECODING_LENGTH,
    QUALITIES,
    Model,
)
from pipeline.stages.translate.provision import locate

CHUNK_BATCHES = 8  # batches per translate_batch call: sorted chunks keep batches full


def sources(source_dir: Path) -> list[Path]:
    """The articles the Makefile builds: files of a readable type directly in the folder."""
    return sorted(p for p in source_dir.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)


def corpus_sentences(source_dir: Path) -> list[str]:
    """The zh-Hans text of every unit the pipeline would give the model, in reading order,
    each once (a repeat would come from the translation memory)."""
    seen: dict[str, None] = {}
    for path in sources(source_dir):
        doc = segment(convert(read(path)))
        for sentence in doc.all_sentences():
            if is_chinese(sentence):
                seen.setdefault(sentence.hans, None)
    return list(seen)


def raw_engine(sentences: list[str], quality: str = "default", *, model: Model | None = None,
               hypotheses: str = "best", keep_english: bool = False) -> dict:
    """Translate `sentences` with the model alone (see the module docstring).

    Returns seconds (tokenizing and translating, not loading), load_seconds (0 when a
    loaded `model` is given), sentences, characters, source tokens, sentences_per_second
    and characters_per_second; with `keep_english`, the English too, in input order."""
    decoding = QUALITIES[quality]
    started = time.perf_counter()
    if model is None:
        model = Model(locate())
    load_seconds = time.perf_counter() - started
    whole_beam = hypotheses == "beam"
    started = time.perf_counter()
    tokens = [model.tokenize(s) for s in sentences]
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    english: list[str] = [""] * len(sentences)
    chunk: list[int] = []
    size = 0
    for n, i in enumerate(order):
        chunk.append(i)
        size += len(tokens[i])
        if size >= CHUNK_BATCHES * MAX_BATCH_TOKENS or n == len(order) - 1:
            results = model.translator.translate_batch(
                [tokens[j] for j in chunk], beam_size=decoding.beam,
                num_hypotheses=decoding.beam if whole_beam else 1,
                max_batch_size=MAX_BATCH_TOKENS, batch_type="tokens",
                max_decoding_length=MAX_DECODING_LENGTH,
                return_attention=whole_beam, return_scores=whole_beam)
            for j, result in zip(chunk, results):
                english[j] = detokenize(result.hypotheses[0])
            chunk, size = [], 0
    seconds = time.perf_counter() - started
    characters = sum(map(len, sentences))
    out = {
        "quality": quality,
        "beam": decoding.beam,
        "hypotheses": decoding.beam if whole_beam else 1,
        "intra_threads": int(os.environ.get("BRIEFS_THREADS", "0")),  # as Model passes it; 0: CTranslate2's default
        "sentences": len(sentences),
        "characters": characters,
        "tokens": sum(map(len, tokens)),
        "seconds": round(seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "sentences_per_second": round(len(sentences) / seconds, 3) if seconds else 0.0,
        "characters_per_second": round(characters / seconds, 1) if seconds else 0.0,
    }
    if keep_english:
        out["english"] = english
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=Path)
    parser.add_argument("--json", type=Path, help="write the result here")
    parser.add_argument("--quality", default="default", choices=list(QUALITIES))
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--beam", action="store_true",
                        help="ask for the whole beam with attention and scores, as the pipeline's search does")
    args = parser.parse_args()
    started = time.perf_counter()
    sentences = corpus_sentences(args.source_dir)
    prepare = time.perf_counter() - started
    if args.limit:
        sentences = sentences[: args.limit]
    result = raw_engine(sentences, args.quality, hypotheses="beam" if args.beam else "best")
    result["source_dir"] = str(args.source_dir)
    result["articles"] = len(sources(args.source_dir))
    result["prepare_seconds"] = round(prepare, 3)
    print(f"raw engine, QUALITY={args.quality} (beam {result['beam']}, {result['hypotheses']} "
          f"hypothes{'i' if result['hypotheses'] == 1 else 'e'}s): {result['sentences']} sentences, "
          f"{result['characters']} characters from {result['articles']} articles in {result['seconds']:.1f} s: "
          f"{result['sentences_per_second']:.2f} sentences/s, {result['characters_per_second']:.0f} characters/s "
          f"(model load {result['load_seconds']:.1f} s; read, convert, segment {prepare:.1f} s)")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
