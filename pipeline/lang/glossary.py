"""The terminology glossary: names, places, organisations and terms that must come out
one way in the English.

Entries come from the product's glossaries (BASES, versioned with the code: companies,
news domain terms, the hand-kept glossary), then a project's `glossary.tsv` beside its
articles, then an article's front matter (`glossary:` mapping); later entries override
earlier ones. Chinese forms may be
written in either script: they are matched on the zh-Hans text the model reads.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.code import DATA
from pipeline.errors import SourceError
from pipeline.lang.chinese import converter
from pipeline.model.document import CONTROL
from pipeline.model.names import Names

# The product's own glossaries, loaded in this order (a later entry overrides an earlier):
# news companies, news domain terms, then the hand-kept glossary.
BASES = (DATA / "companies.tsv", DATA / "terms.tsv", DATA / "glossary.tsv")
KINDS = ("person", "place", "org", "country", "region", "term", "custom", "name")
# Written in English before translation; the rest is only checked. "custom" is an
# article's own front-matter entry: the editor asked for exactly that English. "name"
# is a dictionary name of unknown kind (names.py), never in a glossary file.
PROTECTED = ("person", "place", "org", "custom", "name")
GLOSSED = re.compile(r"\s*[（(]\s*[A-Za-z]")  # 德里斯科（Daniel Driscoll）: the source gives the English


@dataclass
class Term:
    zh: str             # zh-Hans form, as matched
    en: str             # the English written into the model's input
    accepted: list[str]  # every English form the checks accept (en first)
    kind: str
    origin: str = "glossary"  # or where names.py found it: source, cedict, romanized


@dataclass
class Glossary:
    terms: dict[str, Term]

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Leftmost-longest matches of glossary terms in zh-Hans `text`, none starting
        with the unit of the number before it (`bound_to_number`)."""
        longest = max((len(k) for k in self.terms), default=0)
        found, i = [], 0
        while i < len(text):
            for size in range(0 if bound_to_number(text, i) else min(longest, len(text) - i), 1, -1):
                term = self.terms.get(text[i:i + size])
                if term:
                    found.append((i, i + size, term))
                    i += size
                    break
            else:
                i += 1
        return found

    def protect(self, text: str, kinds: tuple[str, ...] = PROTECTED,
                origins: tuple[str, ...] | None = None, also: frozenset[str] = frozenset()) -> str:
        """Write the English of each term of `kinds` (and `origins`, None = all), and of
        the terms in `also`, in place of its Chinese: the model copies it through."""
        out: list[str] = []
        last = 0
        for start, end, term in self.find(text):
            chosen = term.kind in kinds and (origins is None or term.origin in origins) or term.zh in also
            if not chosen or GLOSSED.match(text, end):
                continue
            before = "".join(out) + text[last:start]
            space = " " if before[-1:].isascii() and before[-1:].isalnum() else ""
            out += [text[last:start], space + term.en]
            last = end
            if text[end:end + 1].isascii() and text[end:end + 1].isalnum():
                out.append(" ")
        return "".join(out) + text[last:]


# Units a number takes after it: dates, times and multipliers. A term starting with one
# right after a digit is not there: the character is the number's (台北31日电 is "Taipei,
# 31st, dispatch", not 日电 NEC; 5月光 is May, not 月光 moonlight).
NUMBER_UNITS = frozenset("年月日号號时時分秒点點万萬亿億")
DIGITS = frozenset("0123456789０１２３４５６７８９〇零一二三四五六七八九十百千两兩")


def bound_to_number(text: str, i: int) -> bool:
    """Whether text[i] is the unit of a number that ends at i."""
    return 0 < i < len(text) and text[i] in NUMBER_UNITS and text[i - 1] in DIGITS


def entry(zh_forms: str, en: str, kind: str) -> list[Term]:
    accepted = [e.strip() for e in en.split("|") if e.strip()]
    hans = converter("t2s")
    forms = {hans.convert(z.strip()) for z in zh_forms.split("|") if len(z.strip()) >= 2}
    return [Term(z, accepted[0], accepted, kind) for z in sorted(forms)]


def read_tsv(path: Path) -> list[Term]:
    """Rows of zh, en, kind[, note]; lines starting with # are comments."""
    terms: list[Term] = []
    with open(path, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for n, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=1):
            if not row.get("zh") or not row.get("en"):
                raise SourceError(str(path), f"glossary entry {n} needs both zh and en")
            # A glossary's English is written into the model's input and into the briefs.
            if found := CONTROL.search(" ".join(v for v in row.values() if isinstance(v, str))):
                raise SourceError(str(path), f"glossary entry {n} holds the control character "
                                             f"U+{ord(found.group()):04X}")
            kind = (row.get("kind") or "term").strip()
            if kind not in KINDS or kind == "name":
                raise SourceError(str(path), f"glossary entry {n}: kind {kind!r} is not one of {KINDS}")
            terms += entry(row["zh"], row["en"], kind)
    return terms


def load(files: list[Path], article: dict[str, str] | None = None) -> Glossary:
    """The base glossary, then `files` in order, then the article's own entries."""
    terms: dict[str, Term] = {}
    for path in [*BASES, *files]:
        for term in read_tsv(path):
            terms[term.zh] = term
    for zh, en in (article or {}).items():
        for term in entry(zh, en, "custom"):
            terms[term.zh] = term
    return Glossary(terms)


def extended(glossary: Glossary, names: Names) -> Glossary:
    """`glossary` with an article's names added where it has none of its own, less the terms
    the article has only inside longer words."""
    terms = {zh: term for zh, term in glossary.terms.items() if zh not in names.inside}
    for n in names.names:
        terms.setdefault(n.zh, Term(n.zh, n.en, n.accepted, n.kind, n.origin))
    return Glossary(terms)
