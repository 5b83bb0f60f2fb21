"""The labelled translations the quality estimator learns from, as the build would see them.

Each labelled English is given to the model as a forced translation (`Model.force`, as
bench/eval_checks.py does), so that its log-probability, agreement with the model's own
hypotheses, reliance on each stretch of the input and unsensed words are what a build
would keep had the model written it. The names stage runs on each article first (the
names the pipeline writes are no unknown words), and each labelled row keeps the
Chinese, English and label it came with. Forcing thousands of sentences takes a while
(about 0.3 s a sentence on 2 cores), so each data set's cases are cached under
build/qe/, keyed by the data file, the model and the code that makes the English.

Data sets (see ../shared/eval/qe/README.md and the project README):
- `product`: this product's own English, labelled misleading or not: the 360 sentences
  of tests/data/misleading.tsv (the seeds' and the dev set's) and the rows of six
  unseen briefs (misleading_rows.tsv; each sentence forced whole, its rows labelled);
- `mqm_news`, `mqm_ted`: WMT21 systems' English with professional MQM scores.
Usage: python bench/qe_data.py [--limit N]  (fills the cache; train_qe.py reads it)
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import (
    code,  # noqa: E402
    jsonio,
)
from pipeline.checks.english import expectations  # noqa: E402
from pipeline.lang import glossary as glossary_module  # noqa: E402
from pipeline.lang.chinese import converter  # noqa: E402
from pipeline.lang.glossary import PROTECTED, Glossary  # noqa: E402
from pipeline.lang.numbers import complete_dates  # noqa: E402
from pipeline.model.aligned import Row  # noqa: E402
from pipeline.model.document import Block, Document, Meta  # noqa: E402
from pipeline.model.scripts import Texts
from pipeline.model.segments import Sentence
from pipeline.model.translations import Translation, detokenize  # noqa: E402
from pipeline.ops.assess import OWN_BEAM, remember_search  # noqa: E402
from pipeline.stages import names  # noqa: E402
from pipeline.stages.read import read  # noqa: E402
from pipeline.stages.scripts import convert
from pipeline.stages.segment import segment  # noqa: E402
from pipeline.stages.translate.engine import Model, default_model  # noqa: E402
from pipeline.stages.translate.inputs import Inline, prepare  # noqa: E402
from pipeline.stages.translate.provision import MODEL_BIN_SHA256  # noqa: E402

SHARED = REPO.parent / "shared" / "eval" / "qe"
MISLEADING = REPO / "tests" / "data" / "misleading.tsv"
BRIEF_ROWS = SHARED / "misleading_rows.tsv"
MQM = {"mqm_news": SHARED / "mqm_news21_dev.tsv", "mqm_ted": SHARED / "mqm_ted21.tsv"}
CACHE = Path(os.environ.get("QE_CACHE", REPO / "build" / "qe"))  # tests keep theirs apart
CACHE_VERSION = "1"   # bump when what a case holds changes
MAJOR = -5.0          # MQM at or below: a major error (the data's README), so not right
TED_SEGMENTS = 250    # of the TED file's 529 segments (all eight systems of each): forcing all took too long
CHUNK = 200           # sentences forced at once: progress, and memory for their attention
# The six unseen briefs: where each comes from, for the names stage's romanization.
BRIEF_LANGUAGES = {"heldout-01": "zh-Hans-TW", "heldout-02": "zh-Hans-TW", "heldout-05": "zh-Hans-HK"}


@dataclass
class Label:
    """What a person said of one row's English."""

    right: int            # 1: a reader would not be misled (MQM: no major error)
    mqm: float | None = None   # the MQM score, for MQM data
    category: str = ""    # what is wrong (misleading_rows.tsv's category, misleading.tsv's why)


@dataclass
class Case:
    """One translation unit of a data set, forced through the model, with its labelled rows."""

    dataset: str          # product, mqm_news, mqm_ted
    source: str           # which file and line(s) it comes from
    group: str            # what never sits on both sides of a fold: the sentence, or the article
    unit: Translation     # what the build keeps of the English (model.translations.Translation)
    rows: list[Row]       # its rows, as the aligner would give them (the labelled cut)
    labels: list[Label]   # one per row
    listed: bool = False  # a list item (a plan's point): the tense check applies
    own: bool = False     # the English is one of the model's own hypotheses (beam 8)
    piece_min: float = 0.0   # the lowest log-probability of one of its pieces
    piece_std: float = 0.0   # their spread (standard deviation)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def simplified(zh: str) -> str:
    return converter("t2s").convert(zh)


def group_key(zh: str) -> str:
    """One sentence, whoever translated it and in whichever script: the dev set's sentences
    are both in misleading.tsv and in the MQM news file."""
    return "zh:" + re.sub(r"\s+", "", simplified(zh))


@dataclass
class Item:
    """One sentence to force: its Chinese, the English to force, its rows and labels."""

    source: str
    group: str
    zh: str
    rows: list[tuple[str, str]]   # (the row's Chinese, its English)
    labels: list[Label]
    listed: bool = False

    @property
    def english(self) -> str:
        return " ".join(en for _, en in self.rows if en)


@dataclass
class Article:
    """Sentences that share a names stage and a date."""

    meta: Meta
    items: list[Item]


def product_articles() -> list[Article]:
    """misleading.tsv (seeds by article, the dev set as one) and the unseen briefs' rows."""
    rows = read_tsv(MISLEADING)
    seeds: dict[str, list[tuple[str, Item]]] = {}
    dev: list[Item] = []
    for n, r in enumerate(rows, start=2):
        label = Label(1 - int(r["misleading"]), None, r["why"])
        if r["set"] == "seed":
            slug = r["id"].split(":")[0]
            item = Item(f"misleading.tsv:{n}", f"seed:{slug}", r["zh"], [(r["zh"], r["en"])], [label])
            seeds.setdefault(slug, []).append((r["id"], item))
        else:
            dev.append(Item(f"misleading.tsv:{n}", group_key(r["zh"]), r["zh"], [(r["zh"], r["en"])], [label]))
    articles = []
    for slug, labelled in seeds.items():
        doc = read(REPO / "source" / f"{slug}.md")
        for label_id, item in labelled:  # a seed sentence's id is slug:b<block>s<n>
            block = re.match(r".*:b(\d+)", label_id)
            item.listed = bool(block) and doc.blocks[int(block.group(1))].kind == "list_item"
        articles.append(Article(doc.meta, [item for _, item in labelled]))
    articles.append(Article(Meta(title="dev", language="zh-Hans-CN"), dev))
    briefs: dict[str, dict[str, Item]] = {}
    for n, r in enumerate(read_tsv(BRIEF_ROWS), start=2):
        if r["row_key"].startswith("ts"):  # title rows repeat the first rows of block 0
            continue
        sentence = r["row_key"].split(".")[0]
        items = briefs.setdefault(r["slug"], {})
        item = items.setdefault(sentence, Item(f"misleading_rows.tsv:{n}", f"brief:{r['slug']}", "", [], []))
        item.zh += r["zh"]
        item.rows.append((r["zh"], r["en"]))
        item.labels.append(Label(int(r["label"] == "OK"), None, r["category"]))
    for slug, items in briefs.items():
        meta = Meta(title=slug, language=BRIEF_LANGUAGES.get(slug, "zh-Hans-CN"))
        articles.append(Article(meta, list(items.values())))
    return articles


def mqm_articles(path: Path, segments: int = 0) -> list[Article]:
    """Every system's English of every segment (of `segments` segments drawn at random with
    a fixed seed, if given); all segments share one names stage."""
    rows = read_tsv(path)
    if segments:
        ids = sorted({r["seg_id"] for r in rows}, key=int)
        kept = set(random.Random(0).sample(ids, min(segments, len(ids))))
        rows = [r if r["seg_id"] in kept else None for r in rows]
    items = []
    for n, r in enumerate(rows, start=2):
        if r is None:
            continue
        mqm = float(r["mqm"])
        items.append(Item(f"{path.name}:{n}", group_key(r["zh"]), r["zh"], [(r["zh"], r["en"])],
                          [Label(int(mqm > MAJOR), mqm, r["system"])]))
    return [Article(Meta(title=path.stem, language="zh-Hans-CN"), items)]


def sentences_of(zhs: list[str], meta: Meta) -> tuple[list[Sentence], Glossary]:
    """Each Chinese as one translation unit, cut into clauses as the pipeline cuts them, and
    the glossary with the names the names stage finds in them all (as one article)."""
    doc = segment(convert(Document("qe", "qe", meta, [Block("paragraph", zh) for zh in zhs])))
    terms = glossary_module.load([])
    extended = glossary_module.extended(terms, names.find(doc, terms))
    return [Sentence(f"s{i}", [c for s in block.sentences for c in s.clauses])
            for i, block in enumerate(doc.blocks)], extended


def force(model: Model, article: Article, found: dict, progress=None) -> list[Case]:
    """Each item of an article forced through the model, as a Case."""
    unique = list(dict.fromkeys(item.zh for item in article.items))
    sentences, extended = sentences_of(unique, article.meta)
    by_zh = dict(zip(unique, sentences))
    cases = []
    for start in range(0, len(article.items), CHUNK):
        chunk = article.items[start:start + CHUNK]
        mine = [by_zh[item.zh] for item in chunk]
        prepared = [prepare(s, extended, article.meta.date, Inline(PROTECTED, ("glossary",))) for s in mine]
        units = model.force(mine, prepared, [item.english for item in chunk])
        pieces = model.translator.score_batch([model.tokenize(u.source) for u in units], [u.pieces for u in units],
                                              max_batch_size=2048, batch_type="tokens")
        for item, sentence, prep, unit, scored in zip(chunk, mine, prepared, units, pieces):
            own = any(detokenize(c.pieces) == item.english.strip()
                      for c in found.get((tuple(model.tokenize("".join(prep.clauses))), OWN_BEAM), []))
            logs = scored.log_probs or [0.0]
            mean = sum(logs) / len(logs)
            rows = [Row([Texts(zh, zh, simplified(zh))], en, sentence.id,
                        expectations(complete_dates(simplified(zh), article.meta.date), extended))
                    for zh, en in item.rows]
            cases.append(Case("", item.source, item.group, unit, rows, item.labels, item.listed, own,
                              round(min(logs), 4), round((sum((x - mean) ** 2 for x in logs) / len(logs)) ** 0.5, 4)))
        if progress:
            progress(len(chunk))
    return cases


def code_version() -> str:
    """What decides a case: the model's English code (code.digest("translations")), the names
    stage and its dictionaries, the built-in glossary and this file's CACHE_VERSION."""
    decided_by = code.digest("translations") + code.digest("names") + CACHE_VERSION
    return hashlib.sha256(decided_by.encode()).hexdigest()[:16]


def cache_path(dataset: str, inputs: list[Path], limit: int) -> Path:
    """Named by the data, the model and CACHE_VERSION, not by the code (code_version is
    recorded inside and compared on reading): the pipeline's code changes often, forcing
    everything again takes some 20 minutes, and most changes do not touch what is cached."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in inputs) + MODEL_BIN_SHA256.encode()
                            + CACHE_VERSION.encode() + str(limit).encode()).hexdigest()[:16]
    return CACHE / f"{dataset}-{digest}.json"


def load_cases(dataset: str, limit: int = 0, fresh: bool = False) -> list[Case]:
    """The cases of a data set, from the cache, forced and cached first if missing. `limit`
    keeps the first N items of each file (for tests)."""
    inputs = [MISLEADING, BRIEF_ROWS] if dataset == "product" else [MQM[dataset]]
    path = cache_path(dataset, inputs, limit)
    if path.is_file() and not fresh:
        stored = json.loads(path.read_text("utf-8"))
        if stored["code"] != code_version():
            print(f"qe data  {dataset}: cached by other code than this ({path}; QE_FRESH=1 forces it again)",
                  file=sys.stderr)
        return [jsonio.from_dict(Case, c) for c in stored["cases"]]
    articles = (product_articles() if dataset == "product"
                else mqm_articles(MQM[dataset], TED_SEGMENTS if dataset == "mqm_ted" else 0))
    if limit:
        articles = [dataclasses.replace(a, items=a.items[:limit]) for a in articles]
    model = default_model()
    search = model.search
    found = remember_search(model)
    total, done, started = sum(len(a.items) for a in articles), 0, time.perf_counter()

    def progress(n: int) -> None:
        nonlocal done
        done += n
        rate = done / (time.perf_counter() - started)
        print(f"qe data  {dataset}: {done} of {total} sentences forced, {rate:.1f}/s, "
              f"about {(total - done) / rate / 60:.0f} min left", file=sys.stderr, flush=True)
    cases = []
    for article in articles:
        for case in force(model, article, found, progress):
            case.dataset = dataset
            cases.append(case)
    model.search = search  # type: ignore[method-assign]
    CACHE.mkdir(parents=True, exist_ok=True)
    stored = {"code": code_version(), "cases": [dataclasses.asdict(c) for c in cases]}
    jsonio.write_text_atomic(path, json.dumps(stored, ensure_ascii=False))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="the first N items of each file only")
    parser.add_argument("datasets", nargs="*", default=["product", "mqm_news", "mqm_ted"])
    args = parser.parse_args()
    for dataset in args.datasets:
        cases = load_cases(dataset, args.limit, bool(os.environ.get("QE_FRESH")))
        print(f"qe data  {dataset}: {len(cases)} sentences, {sum(len(c.rows) for c in cases)} rows")


if __name__ == "__main__":
    main()
