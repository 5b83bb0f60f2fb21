"""Stage 6, quality: what an editor should look at before a brief goes out.

Row by row: glossary terms and numbers whose English is missing, Chinese characters
left in the English; sentence by sentence: repeated-phrase loops and abnormal length
ratios. A term found elsewhere in its sentence's English (the aligner put it in the
next row) is not a miss. The report goes to quality.json, a summary line to the build
log, and the flagged rows are marked on the page.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .align import AlignedDocument, Row
from .checks import cjk_left, loop, missing, ratio_problem

NUMBER_KINDS = {"date", "day", "month", "year", "percent", "ordinal", "amount", "number"}


@dataclass
class Issue:
    block: int       # index in AlignedDocument.blocks (-1 = title)
    row: int         # index in the block's rows (-1 = photo credit)
    kind: str        # glossary, number, chinese-left, loop, length
    zh: str          # the Chinese in question
    expected: str    # what the English should carry
    en: str          # the row's English


@dataclass
class Report:
    slug: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def summary(self) -> str:
        if not self.issues:
            return f"{self.rows} rows, nothing flagged"
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))
        flagged = len({(i.block, i.row) for i in self.issues})
        return f"{flagged} of {self.rows} rows flagged ({parts})"


def check(doc: AlignedDocument) -> Report:
    blocks = [(-1, doc.title), *enumerate(doc.blocks)]
    sentence_en: dict[str, str] = {}
    sentence_zh: dict[str, str] = {}
    located: list[tuple[int, int, Row]] = []
    for b, block in blocks:
        rows = list(enumerate(block.rows)) + ([(-1, block.credit)] if block.credit else [])
        for r, row in rows:
            sentence_en[row.sentence] = (sentence_en.get(row.sentence, "") + " " + row.en).strip()
            sentence_zh[row.sentence] = sentence_zh.get(row.sentence, "") + "".join(t.hans for t in row.zh)
            located.append((b, r, row))
    issues: list[Issue] = []
    seen_sentences: set[str] = set()
    for b, r, row in located:
        zh = "".join(t.original for t in row.zh)
        for e in missing(row.expected, row.en):
            if not e.found_in(sentence_en[row.sentence]):
                kind = "number" if e.kind in NUMBER_KINDS else "glossary"
                issues.append(Issue(b, r, kind, e.zh, e.expected, row.en))
        if left := cjk_left(row.en):
            issues.append(Issue(b, r, "chinese-left", zh, left, row.en))
        if row.sentence in seen_sentences:
            continue
        seen_sentences.add(row.sentence)
        english = sentence_en[row.sentence]
        if repeated := loop(english):
            issues.append(Issue(b, r, "loop", zh, f"repeats “{repeated}”", english))
        if ratio := ratio_problem(sentence_zh[row.sentence], english):
            issues.append(Issue(b, r, "length", zh, ratio, english))
    return Report(doc.slug, len(located), dict(Counter(i.kind for i in issues)), issues)
