"""make assess: any Chinese/English pairs judged by the quality estimator and the checks.

A freelancer's translation, another engine's, last year's archive: a TSV with a header
and the columns `zh` and `en` (others are kept as they are) comes back with two more,
`confidence` (0–1, the estimator's probability that the English is right) and `reasons`
(why a row is to check, `|`-separated; empty for a row above the threshold). Each line is
one translation unit: its English is given to the model as a forced translation
(translate.engine.Model.force), so the model's log-probability and agreement are those
of this English, and the checks and the estimator judge it as they judge a brief's rows
(the names stage runs on each batch, so names it would write are no unknown words).
Lines go to the model BATCH at a time, with a progress bar on a terminal.
"""
from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline import jsonio
from pipeline.checks import estimate
from pipeline.checks.english import entities
from pipeline.checks.rows import assess_sentence, glossary_words
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.lang.glossary import PROTECTED
from pipeline.lang.writing import has_chinese
from pipeline.model.aligned import Row
from pipeline.model.document import Block, Document, Meta
from pipeline.model.segments import Sentence
from pipeline.model.translations import detokenize
from pipeline.stages import names
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment
from pipeline.stages.translate.engine import Model, default_model
from pipeline.stages.translate.inputs import Inline, prepare

BATCH = 64          # lines forced through the model at once (their names stage shared)
OWN_BEAM = 8        # Model.force looks for the English among this many hypotheses (translate.engine.RETRY_BEAM)
COLUMNS = ("zh", "en")
ADDED = ("confidence", "reasons")


@dataclass
class Table:
    """A TSV's header and its rows (each as many fields as the header), with line numbers."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def read_table(path: Path) -> Table:
    """The TSV, or a SourceError naming the file and line: no header, no zh or en column, a
    line with another number of fields than the header, an empty zh."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(str(path), f"cannot read it as UTF-8 text: {err}") from err
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if not header:
        raise SourceError(f"{path}:1", "no header line (wanted columns zh and en, tab-separated)")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SourceError(f"{path}:1", f"no {' or '.join(missing)} column in the header ({', '.join(header)})")
    rows, lines = [], []
    start = reader.line_num
    for fields in reader:
        line = start + 1
        start = reader.line_num
        if not fields:
            continue  # a blank line
        if len(fields) != len(header):
            raise SourceError(f"{path}:{line}", f"{len(fields)} fields, the header has {len(header)}")
        if not fields[header.index("zh")].strip():
            raise SourceError(f"{path}:{line}", "the zh column is empty")
        rows.append(fields)
        lines.append(line)
    return Table(header, rows, lines)


def remember_search(model: Model) -> dict[tuple[tuple[str, ...], int], list]:
    """Make `model.search` search each distinct input once and keep what it found, so that
    the caller can tell whether an English is one of the model's own hypotheses (the
    eight systems of an MQM segment, or a TSV's repeated Chinese, share one search)."""
    found: dict[tuple[tuple[str, ...], int], list] = {}
    search = model.search

    def once(sources: list[list[str]], beam: int) -> list[list]:
        todo = list(dict.fromkeys(tuple(s) for s in sources if (tuple(s), beam) not in found))
        for key, candidates in zip(todo, search([list(k) for k in todo], beam) if todo else []):
            found[(key, beam)] = candidates
        return [found[(tuple(s), beam)] for s in sources]
    model.search = once  # type: ignore[method-assign]
    return found


def judge_batch(pairs: list[tuple[str, str]], model: Model, found: dict) -> list[tuple[float | None, list[str]]]:
    """(confidence, reasons) of each (Chinese, English): None for a line with no Chinese."""
    doc = segment(convert(Document("assess", "assess", Meta(title="assess"),
                                   [Block("paragraph", zh) for zh, _ in pairs])))
    terms = glossary.load([])
    extended = glossary.extended(terms, names.find(doc, terms))
    known = entities(terms)
    written = glossary_words(known)
    sentences = [Sentence(f"s{i}", [c for s in block.sentences for c in s.clauses])
                 for i, block in enumerate(doc.blocks)]
    todo = [i for i, (s, (_, en)) in enumerate(zip(sentences, pairs)) if has_chinese(s.hans) and en.strip()]
    prepared = [prepare(sentences[i], extended, "", Inline(PROTECTED, ("glossary",))) for i in todo]
    units = model.force([sentences[i] for i in todo], prepared, [pairs[i][1] for i in todo]) if todo else []
    out: list[tuple[float | None, list[str]]] = [
        (None, ["no Chinese to judge the English against"]) if not has_chinese(s.hans)
        else (0.0, ["no English"]) for s in sentences]
    estimator = estimate.load()
    for i, prep, unit in zip(todo, prepared, units):
        english = pairs[i][1].strip()
        own = any(detokenize(c.pieces) == english
                  for c in found.get((tuple(model.tokenize("".join(prep.clauses))), OWN_BEAM), []))
        row = Row(list(sentences[i].clauses), english, sentences[i].id, [e for c in unit.expected for e in c])
        assess_sentence([row], unit, known, False, estimator, written, forced=not own)
        out[i] = (row.confidence, row.reasons)
    return out


def assess_table(source: Path, out: Path, model: Model | None = None) -> str:
    """Score every line of `source` and write it to `out` with confidence and reasons."""
    table = read_table(source)
    zh, en = table.header.index("zh"), table.header.index("en")
    model = model or default_model()
    original = model.search
    found = remember_search(model)
    from tqdm import tqdm
    results: list[tuple[float | None, list[str]]] = []
    try:
        with tqdm(total=len(table.rows), unit="rows", desc="assess", disable=None, file=sys.stderr) as bar:
            for start in range(0, len(table.rows), BATCH):
                batch = table.rows[start:start + BATCH]
                results += judge_batch([(r[zh], r[en]) for r in batch], model, found)
                bar.update(len(batch))
                found.clear()
    finally:
        model.search = original  # type: ignore[method-assign]
    keep = [i for i, name in enumerate(table.header) if name not in ADDED]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow([table.header[i] for i in keep] + list(ADDED))
    for fields, (confidence, reasons) in zip(table.rows, results):
        writer.writerow([fields[i] for i in keep] + ["" if confidence is None else f"{confidence:.3f}",
                                                    " | ".join(reasons)])
    jsonio.write_text_atomic(out, buffer.getvalue())
    threshold = estimate.load().threshold
    doubted = sum(1 for c, _ in results if c is not None and c < threshold)
    return f"{len(results)} rows, {doubted} to check (confidence under {threshold})"
