"""A synthetic corpus of Chinese news articles for throughput benchmarks.

`make_corpus(folder, count, seed)` writes `count` Markdown articles with YAML front
matter like source/*.md (title, date, language, author, seed). Their text comes from
two pools, each kept in its own script:
- Simplified: the 250 Chinese segments of the dev set (shared/eval, column zh);
- Traditional: the sentences, headings and list items of the two seed articles.
An article is Simplified (language zh-Hans-CN) or, with the seeds' share of the pool,
Traditional (zh-Hant-TW); its body comes from the pool of its script only, so no body
sentence is converted. The title is a dev segment (its headline, datelines and site
names cut off, shortened to one clause if long), converted to Traditional by OpenCC
s2twp in a Traditional article. Each article has a caption with a photo credit
(sometimes), 8–15 paragraphs of 1–3 sentences read on from a random place in the pool
(so neighbouring sentences come from the same story; a new story or seed paragraph
starts a new paragraph), one or two headings (headlines and short sentences of its
pool), and sometimes a numbered or bulleted list. File names are the article's number
and the first words of the dev set's English for its title (0017-hebei-province-….md).
All choices come from random.Random(seed): the same seed gives the same files, and the
first k articles do not depend on `count`.

What varies, and why: the pipeline translates with a translation memory, so a sentence
met twice costs nothing the second time, while the pools hold only ~290 whole sentences
(223 dev, 66 seed) and 300 articles need ~7,500 units. So every unit the model would
read (title, heading, sentence, list item, caption, photo credit) is made distinct
across the corpus, compared in the zh-Hans form the model reads (what pipeline.stages.scripts
makes of it). The first use of a pool sentence is as written; a later use is a variant,
drawn at random until one is new, made with:
1. numbers: every ASCII digit run (not inside a Latin code such as 卡-52M or G8) gets
   another value of its kind: a month 1–12 before 月, a day 1–28 before 日/号, an hour
   before 时/点, a year near the old one, a percentage below 100, else a number with
   as many digits;
2. places: Chinese provinces and cities from a short list (PROVINCES, CITIES) are
   swapped for others of the same list;
3. a lead, where 1 and 2 change nothing or keep colliding: a leading connective
   (据报道，此外，…) replaced or added, or a date (7月26日，) added; a quotation gets a
   speaker (他说：) instead; where a lead would make the sentence too long, some Latin
   glosses of names (盧甘斯克(Luhansk) → 盧甘斯克) are dropped first;
4. as a last resort, two pool sentences joined by ； into one (within MAX_SENTENCE).
Titles and headings get 1 and 2, then titles a column label (快讯：…) and both a second
headline after a space, as Chinese headlines are written. The variants keep each
sentence's length, register and structure, so the model's work per sentence stays that
of real news; not its facts. On the default 300 articles every unit is distinct.
A sentence longer than the pipeline's MAX_SENTENCE, a fragment that is not one whole
sentence with balanced quotes, and bylines or timestamps are left out of the pools.

Usage: python bench/corpus.py FOLDER [--count N] [--seed S]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.lang.chinese import converter
from pipeline.stages.read import FORMATS, read
from pipeline.stages.segment import MAX_SENTENCE, units_of

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "newstest2021-zhen-dev.tsv"
SEEDS = REPO / "source"
HANS, HANT = "zh-Hans-CN", "zh-Hant-TW"
TITLE_LIMIT = 36     # characters: a longer title is cut at a clause end
HEADING_LIMIT = 30
ITEM_LIMIT = 70      # list items and captions: the shorter sentences
TRIES = 40

# Written in Simplified; Traditional forms are made with OpenCC (s2twp).
CONNECTIVES = ["据报道，", "据悉，", "据了解，", "据介绍，", "此外，", "另外，", "同时，", "与此同时，",
               "另据消息，", "记者了解到，", "报道指出，", "有分析指出，", "消息人士称，", "据当地媒体报道，",
               "值得注意的是，", "另一方面，", "目前，", "近日，", "事实上，", "业内人士表示，"]
LINKING = {"此外，", "另外，", "同时，", "与此同时，", "另一方面，", "事实上，", "值得注意的是，"}  # not after 但/而
SPEAKERS = ["他说：", "她说：", "他表示：", "她表示：", "有关负责人表示：", "一名官员说：", "当地居民说：",
            "一名受访者说：", "他强调：", "她指出：", "一名工作人员说：", "发言人表示："]
LABELS = ["快讯：", "综述：", "观察：", "新闻分析：", "聚焦：", "特写：", "视点：", "调查：", "时评：", "专访："]
PROVINCES = ["四川", "安徽", "河北", "江西", "广东", "湖南", "湖北", "河南", "山东", "江苏", "浙江",
             "福建", "云南", "贵州", "陕西", "甘肃", "辽宁", "吉林", "黑龙江"]
CITIES = ["北京", "上海", "广州", "深圳", "成都", "武汉", "南京", "杭州", "重庆", "天津", "合肥",
          "南昌", "哈尔滨", "石家庄", "长沙", "郑州", "济南", "昆明", "福州"]
AGENCIES = ["新华社", "中新社", "美联社", "路透社", "法新社", "中央社"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "林", "郭"]
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "宇", "婷"]

DIGITS = re.compile(r"(?<![A-Za-z0-9\-－.])[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9])")
SITE = re.compile(r"\s*[-－—]\s*(新华网|中新网|人民网|央视网)\s*$")
DATELINE = re.compile(r"^.{0,20}?[0-9]+月[0-9]+日电\s*(题：)?")
BYLINE = re.compile(r"记者|来源：|作者|责任编辑|编辑：|新华社发|报道）$|社）$|^（|^\(|^[0-9]{4}-|说$")
GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[（(][A-Za-z][A-Za-z .'\-]*[)）]")
QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"), ("（", "）"), ("(", ")"))
OPENING = tuple("“「『\"")
CONJUNCTION = re.compile(r"^(然而|但是|不过|而且|並且|并且|但|而|並|并|却|卻)(?![，,])")


@dataclass
class Article:
    slug: str
    language: str
    title: str
    date: str
    author: str
    seed: str
    caption: tuple[str, str] | None = None               # (text, credit)
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("p"|"h"|"ol"|"ul", text)
    units: list[str] = field(default_factory=list)       # every unit the model would read

    def markdown(self) -> str:
        front = [f"title: {_yaml(self.title)}", f"date: {self.date}", f"language: {self.language}"]
        if self.author:
            front.append(f"author: {_yaml(self.author)}")
        front.append(f"seed: {_yaml(self.seed)}")
        out = ["---", *front, "---", ""]
        if self.caption:
            text, credit = self.caption
            out += [f'::: {{.caption credit="{credit}"}}', _md(text), ":::", ""]
        number = 0
        for kind, text in self.blocks:
            if kind == "ol":
                number += 1
                out += [f"{number}. {_md(text)}", ""]
                continue
            number = 0
            out += [f"## {_md(text)}" if kind == "h" else f"- {_md(text)}" if kind == "ul" else _md(text), ""]
        return "\n".join(out)


@dataclass
class Corpus:
    paths: list[Path]
    articles: list[Article]
    duplicates: int   # units that could not be made new (0 unless the pools run dry)

    @property
    def sentences(self) -> int:
        return sum(len(a.units) for a in self.articles)

    @property
    def characters(self) -> int:
        return sum(len(u) for a in self.articles for u in a.units)

    def summary(self) -> str:
        scripts = sum(a.language == HANT for a in self.articles)
        return (f"{len(self.paths)} articles ({len(self.paths) - scripts} Simplified, {scripts} Traditional): "
                f"{self.sentences} sentences ({self.sentences - self.duplicates} distinct), "
                f"{self.characters} characters")


def _md(text: str) -> str:
    """Text as one Markdown line that pandoc reads back as exactly `text`."""
    text = re.sub(r"([\\`*_\[\]<>#~^|$@{}&])", r"\\\1", text)
    return re.sub(r"^([0-9]+)([.)])", r"\1\\\2", re.sub(r"^([-+])", r"\\\1", text))


def _yaml(text: str) -> str:
    """A YAML double-quoted string whose Markdown (pandoc reads metadata as Markdown) is `text`."""
    return '"' + _md(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def hans_of(text: str, language: str) -> str:
    """The zh-Hans form the pipeline gives the model (pipeline.stages.scripts: tw2s for zh-Hant-TW)."""
    return converter("tw2s").convert(text) if language == HANT else text


@cache
def _to_hant(text: str) -> str:
    return converter("s2twp").convert(text)


def in_script(text: str, language: str) -> str:
    """`text`, written in Simplified, in the article's script."""
    return _to_hant(text) if language == HANT else text


def balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in QUOTES) and text.count('"') % 2 == 0


def is_sentence(text: str) -> bool:
    """One whole unit for the pipeline that ends where it should: what follows it in a
    paragraph starts a unit of its own, and it is not cut for length."""
    units = units_of(text + "下一句。")
    return (len(units) == 2 and "".join(units[0]) == text and "".join(units[1]) == "下一句。"
            and len(text) <= MAX_SENTENCE and balanced(text))


def is_unit(text: str) -> bool:
    """A block of its own (heading, list item) that the pipeline keeps as one unit."""
    return bool(text) and len(units_of(text)) == 1 and len(text) <= MAX_SENTENCE and balanced(text)


def shorten(text: str, limit: int) -> str:
    """A headline from a segment: without site name, dateline or final stop; if longer
    than `limit`, cut after the last clause end (or space) before it."""
    text = DATELINE.sub("", SITE.sub("", text.strip())).strip()
    text = re.sub(r"[。！？!?]+$", "", text).strip()
    if len(text) <= limit:
        return text
    cuts = [m.start() for m in re.finditer(r"[，,；;：:、 ]", text[: limit + 1]) if m.start() >= 6]
    return (text[: cuts[-1]] if cuts else text[:limit]).strip()


@dataclass
class Pools:
    body: list[str]       # whole sentences, in reading order
    breaks: set[int]      # indices in `body` where a story or paragraph starts
    items: list[str]      # list items (short sentences or phrases)
    headings: list[str]
    captions: list[str]


@cache
def dev_segments() -> tuple[tuple[str, str], ...]:
    """(zh, en) of the dev set."""
    with open(DEV, encoding="utf-8", newline="") as handle:
        return tuple((r["zh"].strip(), r["en"].strip()) for r in csv.DictReader(handle, delimiter="\t"))


@cache
def pools() -> dict[str, Pools]:
    body, breaks, heads = [], {0}, []
    for zh, _ in dev_segments():
        sentences = _sentences(zh)
        if not sentences or DATELINE.match(zh):  # a headline, a byline or a dateline: a new story
            breaks.add(len(body))
        body += sentences
        if not BYLINE.search(zh) and (len(zh) <= 24 or SITE.search(zh) or not is_sentence(zh)):
            heads.append(zh)
    hans = Pools(body, breaks, [s for s in body if len(s) <= 50 and not s.startswith(OPENING)],
                 _headings(heads + body), [s for s in body if len(s) <= ITEM_LIMIT and not s.startswith(OPENING)])
    body, breaks, items, heads, captions = [], set(), [], [], []
    for path in sorted(SEEDS.glob("*.md")):
        for block in read(path).blocks:
            sentences = _sentences(block.text)
            if block.kind == "heading":
                heads.append(block.text)
            elif block.kind == "caption":
                captions += sentences
            else:
                if block.kind == "list_item" and not block.text.endswith("：") and is_unit(block.text) \
                        and len(block.text) <= ITEM_LIMIT:
                    items.append(block.text)
                breaks.add(len(body))
                body += sentences
    hant = Pools(body, breaks, _unique(items), _headings(heads + items + body),
                 [*captions, *(s for s in body if len(s) <= ITEM_LIMIT and not s.startswith(OPENING))])
    return {HANS: hans, HANT: hant}


def _headings(texts: list[str]) -> list[str]:
    """Headlines, and the short sentences that read as one once the stop is gone."""
    heads = [shorten(t, HEADING_LIMIT) for t in texts if len(shorten(t, 10 ** 6)) <= 26]
    return _unique(h for h in heads if len(h) >= 6 and is_unit(h) and not BYLINE.search(h)
                   and not h.startswith(OPENING) and not re.search(r"。|[说說道]$", h))


def _sentences(text: str) -> list[str]:
    """The whole sentences of a block, as the pipeline cuts them."""
    out = []
    for unit in units_of(text):
        s = "".join(unit).strip()
        if is_sentence(s) and not BYLINE.search(s[-8:]):
            out.append(s)
    return out


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


class Variants:
    """Makes every unit new across the corpus (see the module docstring)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()
        self.duplicates = 0

    def take(self, text: str, language: str, options) -> str:
        """`text` if new, else the first new variant of it (options(text) makes one at random)."""
        candidate = text
        for attempt in range(TRIES + 1):
            key = hans_of(candidate, language)
            if key not in self.seen:
                self.seen.add(key)
                return candidate
            candidate = options(text, attempt)
        self.duplicates += 1
        return text

    def numbers(self, text: str) -> str:
        def value(m: re.Match) -> str:
            old, after = m.group(0), text[m.end():m.end() + 1]
            if "." in old:
                whole, frac = old.split(".")
                return f"{self._same_size(whole)}.{self._same_size(frac, zero=True)}"
            n = int(old)
            if after == "月" and n <= 12:
                return str(self.rng.randint(1, 12))
            if after and after in "日号" and n <= 31:
                return str(self.rng.randint(1, 28))
            if after and after in "时点" and n <= 24:
                return str(self.rng.randint(1, 12) if after == "点" else self.rng.randint(0, 23))
            if len(old) == 4 and 1950 <= n <= 2035:
                return str(max(1950, min(2030, n + self.rng.choice([-5, -4, -3, -2, -1, 1, 2, 3]))))
            if after and after in "%％" and n <= 100:
                return str(self.rng.randint(1, 99))
            return self._same_size(old)
        return DIGITS.sub(value, text)

    def _same_size(self, digits: str, zero: bool = False) -> str:
        if len(digits) == 1:
            return str(self.rng.randint(0 if zero else 2, 9))
        return str(self.rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))

    def places(self, text: str, language: str) -> str:
        for names in (PROVINCES, CITIES):
            written = [in_script(n, language) for n in names]
            for name in written:
                if name in text:
                    text = text.replace(name, self.rng.choice([n for n in written if n != name]))
        return text

    def has_places(self, text: str, language: str) -> bool:
        return any(in_script(n, language) in text for n in (*PROVINCES, *CITIES))

    def sentence(self, text: str, language: str, pool: list[str]) -> str:
        def options(base: str, attempt: int) -> str:
            varied = base
            digits, places = bool(DIGITS.search(base)), self.has_places(base, language)
            if attempt < TRIES // 2:
                if digits:
                    varied = self.numbers(varied)
                if places and (not digits or self.rng.random() < 0.5):
                    varied = self.places(varied, language)
                if varied == base or attempt >= TRIES // 4:
                    if len(varied) > MAX_SENTENCE - 8:  # no room for a lead: a gloss goes
                        varied = self.glosses(varied)
                    varied = self.lead(varied, language)
            else:
                varied = self.join(base, language, pool)
            return varied if is_sentence(varied) else base
        return self.take(text, language, options)

    def lead(self, text: str, language: str) -> str:
        """Another leading connective or date; a speaker before a quotation."""
        if text.startswith(OPENING):
            date = f"{self.rng.randint(1, 12)}月{self.rng.randint(1, 28)}日，" if self.rng.random() < 0.5 else ""
            return date + in_script(self.rng.choice(SPEAKERS), language) + text
        conjunction = CONJUNCTION.match(text)  # 但…, 而…: the lead goes after it (但据悉，…)
        head = conjunction.group(0) if conjunction else ""
        text = text[len(head):]
        connectives = [in_script(c, language) for c in CONNECTIVES if not (head and c in LINKING)]
        rest = next((text[len(c):] for c in connectives if text.startswith(c)), text)
        if self.rng.random() < 0.2:
            return f"{head}{self.rng.randint(1, 12)}月{self.rng.randint(1, 28)}日，{rest}"
        return head + self.rng.choice([c for c in connectives if not text.startswith(c)]) + rest

    def glosses(self, text: str) -> str:
        """Without some of its Latin glosses: 盧甘斯克(Luhansk) → 盧甘斯克."""
        found = list(GLOSS.finditer(text))
        if not found:
            return text
        drop = set(self.rng.sample(range(len(found)), self.rng.randint(1, len(found))))
        return GLOSS.sub(lambda m: "" if next(i for i, f in enumerate(found) if f.start() == m.start()) in drop
                         else m.group(0), text)

    def join(self, text: str, language: str, pool: list[str]) -> str:
        other = self.rng.choice(pool)
        if not text.endswith("。") or other.startswith(OPENING) or other == text:
            return self.lead(text, language)
        return text[:-1] + "；" + other

    def headline(self, text: str, language: str, pool: list[str], labels: bool) -> str:
        """A title or heading: numbers, places, a column label (titles), or two joined."""
        def options(base: str, attempt: int) -> str:
            varied = self.places(self.numbers(base), language)
            if varied == base or attempt >= TRIES // 4:
                if labels and attempt % 2 == 0 and "：" not in base:
                    varied = in_script(self.rng.choice(LABELS), language) + varied
                else:
                    varied = varied + " " + self.rng.choice(pool)
            return varied if is_unit(varied) else base
        return self.take(text, language, options)


def slugify(english: str, index: int) -> str:
    words = re.findall(r"[a-z0-9]+", english.lower())[:6]
    return f"{index:04d}-" + ("-".join(words) or "article")


def build(folder: Path, count: int = 300, seed: int = 0) -> Corpus:
    """Write the corpus into `folder` (see the module docstring) and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    variants = Variants(rng)
    all_pools = pools()
    share = len(all_pools[HANT].body) / (len(all_pools[HANT].body) + len(all_pools[HANS].body))
    # Titles: the dev segments that are a headline or short sentence once their site name,
    # dateline and full stop are gone (cut to a clause, longer ones read as fragments).
    dev = [(zh, en) for zh, en in dev_segments() if not BYLINE.search(zh)
           and 8 <= len(shorten(zh, 10 ** 6)) <= TITLE_LIMIT and not zh.startswith(OPENING)]
    articles = []
    for index in range(count):
        language = HANT if rng.random() < share else HANS
        pool = all_pools[language]
        zh, en = rng.choice(dev)
        title = variants.headline(in_script(shorten(zh, TITLE_LIMIT), language), language, pool.headings, True)
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(731))
        author = ""
        if rng.random() < 0.5:
            author = in_script(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), language) + " (editor)"
        article = Article(slugify(en, index), language, title, date.isoformat(), author,
                          f"bench/corpus.py seed {seed}, article {index}")
        article.units.append(title)
        if rng.random() < 0.3:
            text = variants.sentence(rng.choice(pool.captions), language, pool.body)
            credit = variants.take(in_script(_credit(rng), language), language,
                                   lambda base, attempt, language=language: in_script(_credit(rng), language))
            article.caption = (text, credit)
            article.units += [text, credit]
        cursor = rng.randrange(len(pool.body))
        paragraphs = rng.randint(8, 15)
        headings = sorted(rng.sample(range(2, paragraphs), rng.choice([1, 1, 2])))
        listed = rng.randrange(2, paragraphs) if rng.random() < 0.35 else -1
        for p in range(paragraphs):
            if p in headings:
                heading = variants.headline(rng.choice(pool.headings), language, pool.headings, False)
                article.blocks.append(("h", heading))
                article.units.append(heading)
            sentences = []
            for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3])):
                sentences.append(variants.sentence(pool.body[cursor], language, pool.body))
                cursor = (cursor + 1) % len(pool.body)
                if cursor in pool.breaks:
                    break
            article.blocks.append(("p", "".join(sentences)))
            article.units += sentences
            if p == listed:
                kind = rng.choice(["ol", "ul"])
                for _ in range(rng.randint(3, 6)):
                    item = rng.choice(pool.items)
                    item = (variants.sentence(item, language, pool.body) if is_sentence(item)
                            else variants.headline(item, language, pool.items, False))
                    article.blocks.append((kind, item))
                    article.units.append(item)
        articles.append(article)
    names = [a.slug for a in articles]
    assert len(set(names)) == len(names)
    ours = {f"{name}.md" for name in names}
    others = [p.name for p in folder.iterdir() if p.suffix.lower() in FORMATS and p.name not in ours]
    if others:
        raise SystemExit(f"{folder} already holds other articles ({', '.join(sorted(others)[:3])}…): "
                         "use an empty folder")
    paths = []
    for article in articles:
        path = folder / f"{article.slug}.md"
        path.write_text(article.markdown(), encoding="utf-8")
        paths.append(path)
    return Corpus(paths, articles, variants.duplicates)


def _credit(rng: random.Random) -> str:
    return f"{rng.choice(AGENCIES)}记者{rng.choice(SURNAMES)}{rng.choice(GIVEN)}摄"


def make_corpus(folder: Path, count: int = 300, seed: int = 0) -> list[Path]:
    """Write `count` articles into `folder`; their paths, in order."""
    return build(folder, count, seed).paths


def check(corpus: Corpus) -> list[str]:
    """Read every file with pipeline.stages.read.read; what differs from what was written."""
    problems = []
    for path, article in zip(corpus.paths, corpus.articles):
        doc = read(path)
        expected = ([("caption", article.caption[0], article.caption[1])] if article.caption else []) + [
            ({"p": "paragraph", "h": "heading"}.get(kind, "list_item"), text, "") for kind, text in article.blocks]
        got = [(b.kind, b.text, b.credit) for b in doc.blocks]
        if doc.meta.title != article.title or got != expected or doc.meta.language != article.language:
            problems.append(f"{path.name}: read back differently")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true",
                        help="read every file back with pipeline.stages.read.read (pandoc: ~0.1 s a file)")
    args = parser.parse_args()
    corpus = build(args.folder, args.count, args.seed)
    print(f"{args.folder}: {corpus.summary()}")
    if args.check:
        problems = check(corpus)
        print("\n".join(problems) or f"all {len(corpus.paths)} read back as written")


if __name__ == "__main__":
    main()
