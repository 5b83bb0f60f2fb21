"""Translate commands of many articles run as one (`translate_many`): the model loaded once,
the sentences of several articles in each of its batches, a chunk of articles at a time.
The build runner's batching; each article still fails alone."""
from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, cast

from pipeline import jsonio
from pipeline.ops import commands

if TYPE_CHECKING:
    from pipeline.stages.translate import Request

# Articles are translated together until they hold this many sentences: the engine's
# batches (2,048 tokens, some 60 sentences) stay full, and a long build shows progress
# chunk by chunk. The process's peak memory grows with the chunk (a chunk of 120 sentences
# peaked at 2.4 GB, one of 400 at 5.3 GB), so no more than that.
CHUNK_SENTENCES = 150


def translate_many(argvs: list[list[str]], progress=None) -> list[tuple[int, str, str, float]]:
    """Many `translate` commands (argv lists) run as one: the model loaded once, the
    sentences of several articles in each batch. For each command, as the runner wants
    it: exit status, what it said, its error line, seconds. An article that cannot be
    read fails alone; if a batch fails, its articles are tried one by one."""
    from pipeline.model.names import Names
    from pipeline.model.segments import SegmentedDocument
    from pipeline.stages.translate import request
    from pipeline.stages.translate.memory import Memory
    results: list[tuple[int, str, str, float] | None] = [None] * len(argvs)
    ready = []
    for i, argv in enumerate(argvs):
        started = time.perf_counter()
        args = commands.parser().parse_args(argv)
        try:
            names = jsonio.load(Names, args.names) if args.names else None
            asked = request(jsonio.load(SegmentedDocument, args.input), args.glossary, names, args.quality)
            ready.append((i, args, asked, time.perf_counter() - started))
        except Exception as err:  # noqa: BLE001 — one article's problem, reported as main() would
            results[i] = (1, "", commands.error_line(err, args.input) + "\n", time.perf_counter() - started)
    total = sum(len(r[2].attempts) for r in ready)
    bar = progress.translating(total) if progress else None
    done, started_all = 0, time.perf_counter()
    while ready:
        chunk: list[tuple[int, argparse.Namespace, Request, float]] = []
        size = 0
        while ready and (not chunk or size + len(ready[0][2].attempts) <= CHUNK_SENTENCES
                         and (ready[0][1].quality, ready[0][1].no_memory)
                         == (chunk[0][1].quality, chunk[0][1].no_memory)):
            chunk.append(ready.pop(0))
            size += len(chunk[-1][2].attempts)
        for i, result in _translate_chunk(chunk, None if chunk[0][1].no_memory else Memory()):
            results[i] = result
        done += size
        if bar is not None:
            bar.update(size)
            if bar.disable and total > CHUNK_SENTENCES:
                rate = done / (time.perf_counter() - started_all)
                progress.write(f"{'translating':>11}  {done} of {total} sentences, {rate:.1f}/s, "
                               f"about {(total - done) / rate / 60:.0f} min left")
    if bar is not None:
        bar.close()
    return cast("list[tuple[int, str, str, float]]", results)  # every command has its result by now


def _translate_chunk(chunk: list, memory) -> list[tuple[int, tuple[int, str, str, float]]]:
    """Translate a chunk of prepared articles together; on failure, each on its own."""
    from pipeline.stages.translate import translate_all
    started = time.perf_counter()
    try:
        outcomes = translate_all([c[2] for c in chunk], quality=chunk[0][1].quality, memory=memory)
    except Exception:  # noqa: BLE001 — find which article it was: the others still build
        if len(chunk) == 1:
            raise
        return [pair for c in chunk for pair in _translate_one(c, memory)]
    sentences = max(1, sum(len(c[2].attempts) for c in chunk))
    elapsed = time.perf_counter() - started
    out = []
    for (i, args, asked, seconds), result in zip(chunk, outcomes):
        jsonio.dump(result, args.out)
        seconds += elapsed * len(asked.attempts) / sentences
        said = commands.log_line("translate", str(args.input), commands.translated_line(result), seconds) + "\n"
        out.append((i, (0, said, "", seconds)))
    return out


def _translate_one(item: tuple, memory) -> list[tuple[int, tuple[int, str, str, float]]]:
    try:
        return _translate_chunk([item], memory)
    except Exception as err:  # noqa: BLE001
        return [(item[0], (1, "", commands.error_line(err, item[1].input) + "\n", item[3]))]
