"""Stage 3, segment: blocks → sentences (the units the model translates) → clauses.

input: build/<slug>/scripts.json; output: build/<slug>/segments.json

Rules, applied to the source text and projected onto both script forms:
- a sentence ends at 。！？ together with any closing quotes and brackets that follow,
  even after spaces (。 」), so a 」 never stands alone;
- a clause ends at ，；： outside brackets; pieces shorter than `MIN_CLAUSE`
  characters join the clause after them (他說： stays with what he said);
- the half-width , ; : ! ? (and .) that much mainland web text writes for ，；：！？。
  count as those only in Chinese context (`in_chinese`), never inside numbers, times,
  URLs, e-mail addresses or Latin text (1,000 / 12:30 / Hello, world);
- a sentence longer than `MAX_SENTENCE` becomes several, cut at clause ends, else at
  the weakest boundary there is (、, then a space), else at even lengths;
- a span in another writing system (`foreign_spans`: Japanese with kana, Korean, Arabic
  or Hebrew, emoji, a run of four or more English words) becomes a unit of its own, so
  the model never reads it: it is kept as written and aligned to itself;
- headings, captions and list items are blocks of their own and never merge.
Joining a block's clauses gives back its text exactly, whitespace included.
"""
from __future__ import annotations

from bisect import bisect_right

import regex

from pipeline.lang.writing import (
    CLAUSE_ENDS,
    FOREIGN,
    FOREIGN_LETTER,
    HAN,
    LATIN_RUN,
    MIN_LATIN_WORDS,
    has_chinese,
    is_chinese_sentence,
    is_han,
    quoted,
)
from pipeline.model.scripts import ScriptedBlock, ScriptedDocument, Texts
from pipeline.model.segments import SegmentedBlock, SegmentedDocument, Sentence

SENTENCE_ENDS = set("。！？!?")  # what may follow an end and still belong to its sentence
FULL_STOPS = set("。！？")       # end a sentence wherever they stand
HALF_STOPS = set("!?")          # end one in Chinese context only
PERIOD = "."                    # half-width full stop: stricter still (`ends_with_period`)
HALF_CLAUSE_ENDS = set(",;:")   # end a clause in Chinese context only
LIST_COMMA = "、"               # too weak to end a clause: a last resort in over-long ones
CLOSERS = set("」』”’）)】》〉")
BRACKETS = {"（": "）", "(": ")", "【": "】", "《": "》", "〈": "〉"}
# ” ’ ) close English too, “ ‘ ( open it: only the Chinese forms tell the context.
CJK_CLOSERS = set("」』）】》〉")
CJK_OPENERS = set("「『（【《〈")
# Not Chinese, but they end Chinese clauses (增长15%. / 他说“好”.): a "." after them
# ends a sentence when Chinese follows.
SOFT_BEFORE_PERIOD = set("%”’)")
# Characters OpenCC never changes (punctuation, whitespace): `project` counts them.
PUNCTUATION = SENTENCE_ENDS | {PERIOD} | CLAUSE_ENDS | HALF_CLAUSE_ENDS | CLOSERS | {LIST_COMMA}
MIN_CLAUSE = 6
# The longest sentence the model is given, in characters; longer ones are cut (`fit`).
# What binds is the English: the engine (translate/engine.py) decodes at most MAX_DECODING_LENGTH = 256 pieces,
# and on the dev set the reference English takes up to 1.56 pieces per Chinese character
# (median 0.80), so 164 characters is about the most whose English always fits. The input is
# safe by far (at most 1.0 SentencePiece token per character; the model takes a few
# hundred). Not lower than needed: every cut takes context from the model (cutting long
# sentences at ； cost 0.1 chrF on the dev set).
MAX_SENTENCE = 160
# What a foreign span takes with it: the marks around it (it must not leave a 」 or a 。
# as a unit of its own).
SPAN_OPENERS = set("「『“‘\"（(《〈【")
SPAN_TRAILERS = CLOSERS | SENTENCE_ENDS | CLAUSE_ENDS | HALF_CLAUSE_ENDS | {PERIOD, LIST_COMMA}
# Costs of ending an over-long sentence inside a clause, by the boundary it ends at.
AT_LIST_COMMA, AT_SPACE, AT_ANY = 1, 2, 3


def _next_visible(text: str, i: int) -> str:
    """The first character after position i that is not whitespace ("" at the end)."""
    j = i + 1
    while j < len(text) and text[j].isspace():
        j += 1
    return text[j] if j < len(text) else ""


def in_chinese(text: str, i: int) -> bool:
    """Whether the half-width mark at i stands in Chinese: right after a Han character or
    a Chinese closing quote/bracket, or before one (or a Chinese opening one), spaces
    skipped. Numbers, times, URLs, e-mail addresses and Latin text have no Chinese beside
    their marks (1,000 / 12:30 / a.com/?q=1 / Hello, world), so they are never cut."""
    before = text[i - 1] if i > 0 else ""
    after = _next_visible(text, i)
    return (is_han(before) or before in CJK_CLOSERS) or (is_han(after) or after in CJK_OPENERS)


def ends_with_period(text: str, i: int) -> bool:
    """Whether the "." at i is a full stop: after Chinese (or after % ” ’ ) with Chinese
    following), not in an ellipsis, not before a letter or digit. Chinese following is
    not enough on its own: Latin abbreviations end in "." (U.S.政府, Inc.宣布)."""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if PERIOD in (before, after) or (after.isascii() and after.isalnum()):
        return False
    following = _next_visible(text, i)
    return (is_han(before) or before in CJK_CLOSERS
            or before in SOFT_BEFORE_PERIOD and (is_han(following) or following in CJK_OPENERS))


def ends_sentence(text: str, i: int) -> bool:
    ch = text[i]
    if ch in FULL_STOPS:
        return True
    if ch in HALF_STOPS:
        return in_chinese(text, i)
    return ch == PERIOD and ends_with_period(text, i)


def ends_clause(text: str, i: int) -> bool:
    ch = text[i]
    return ch in CLAUSE_ENDS or (ch in HALF_CLAUSE_ENDS and in_chinese(text, i))


def sentence_end(text: str, i: int) -> int:
    """The offset just past the sentence whose end mark is at i: with the marks, closing
    quotes and brackets after it and the spaces after those. Spaces before a closing
    quote do not end the sentence (「我們會合作。 」): the quote is still part of it."""
    n, j = len(text), i + 1
    while True:
        while j < n and (text[j] in SENTENCE_ENDS or text[j] in CLOSERS):
            j += 1
        k = j
        while k < n and text[k].isspace():
            k += 1
        if k == j or k == n or text[k] not in CLOSERS:
            return k
        j = k


def sentence_cuts(text: str) -> list[int]:
    """Offsets where sentences end, closing quotes and trailing spaces included."""
    cuts, i, n = [], 0, len(text)
    while i < n:
        if ends_sentence(text, i):
            i = sentence_end(text, i)
            if i < n:
                cuts.append(i)
        else:
            i += 1
    return cuts


def clause_cuts(text: str) -> list[int]:
    """Offsets after each clause end (`ends_clause`) that is not inside brackets."""
    cuts, closing = [], []
    for i, ch in enumerate(text):
        if ch in BRACKETS:
            closing.append(BRACKETS[ch])
        elif closing and ch == closing[-1]:
            closing.pop()
        elif not closing and i + 1 < len(text) and ends_clause(text, i):
            cuts.append(i + 1)
    return cuts


def split_at(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def merge_short(pieces: list[str], minimum: int) -> list[str]:
    """Join each piece shorter than `minimum` onto the one after it (the last onto the one before)."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        carry = ""
        if len(piece.strip()) < minimum:
            carry = piece
        else:
            merged.append(piece)
    if carry:
        if merged:
            merged[-1] += carry
        else:
            merged.append(carry)
    return merged


Part = tuple[str, int]  # a stretch of a clause, and the cost of ending a sentence after it


def weak_cuts(text: str, cost: int) -> list[int]:
    """Offsets inside a clause where an over-long sentence may end, of one strength: after
    、 or a clause mark inside brackets (AT_LIST_COMMA), after a run of spaces (AT_SPACE)."""
    if cost == AT_LIST_COMMA:
        return [i + 1 for i, ch in enumerate(text[:-1]) if ch == LIST_COMMA or ends_clause(text, i)]
    return [i + 1 for i in range(len(text) - 1) if text[i].isspace() and not text[i + 1].isspace()]


def even_cuts(text: str, limit: int) -> list[int]:
    """Offsets cutting `text` into the fewest pieces of at most `limit`, all about as long."""
    count = -(-len(text) // limit)
    return [len(text) * k // count for k in range(1, count)]


def parts_of(clause: str, limit: int, cost: int = AT_LIST_COMMA) -> list[Part]:
    """`clause` in stretches of at most `limit` characters, cut at the boundaries of
    strength `cost` and, where still too long, at weaker ones. Each part carries the cost
    of a sentence ending after it; the last part's is 0 (the clause ends there)."""
    if len(clause) <= limit:
        return [(clause, 0)]
    cuts = even_cuts(clause, limit) if cost == AT_ANY else weak_cuts(clause, cost)
    parts: list[Part] = []
    for piece in split_at(clause, cuts):
        parts += [(piece, 0)] if cost == AT_ANY else parts_of(piece, limit, cost + 1)
        parts[-1] = (parts[-1][0], cost)
    parts[-1] = (parts[-1][0], 0)
    return parts


def pack(parts: list[Part], limit: int) -> list[list[Part]]:
    """Consecutive parts (each at most `limit` long) grouped into sentences of at most
    `limit` characters: ending the fewest and weakest sentences inside a clause first,
    then the fewest sentences, then lengths as even as possible (dynamic programming)."""
    best: list[tuple[tuple[int, int, int], int]] = [((0, 0, 0), 0)]  # (cost, count, Σ len²), start
    for j in range(1, len(parts) + 1):
        options, size = [], 0
        for i in range(j - 1, -1, -1):
            size += len(parts[i][0])
            if size > limit:  # never for i = j - 1: every part fits on its own
                break
            (cost, count, squares), _ = best[i]
            options.append(((cost + parts[j - 1][1], count + 1, squares + size * size), i))
        best.append(min(options))
    groups, j = [], len(parts)
    while j:
        i = best[j][1]
        groups.append(parts[i:j])
        j = i
    return groups[::-1]


def as_clauses(group: list[Part]) -> list[str]:
    """The clauses of a sentence made of parts: parts of one clause join again."""
    clauses, current = [], ""
    for text, cost in group:
        current += text
        if cost == 0:
            clauses.append(current)
            current = ""
    return clauses + [current] if current else clauses


def fit(clauses: list[str], limit: int = MAX_SENTENCE) -> list[list[str]]:
    """A sentence's clauses as one unit, or, if it is longer than `limit`, as several
    units of at most `limit` characters, so no sentence the model reads is too long."""
    if sum(map(len, clauses)) <= limit:
        return [clauses]
    parts = [part for clause in clauses for part in parts_of(clause, limit)]
    return [as_clauses(group) for group in pack(parts, limit)]


def foreign_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` is in another writing system (`FOREIGN`, `LATIN_RUN`), as (start, end)
    offsets in order, each widened to its quote (`writing.quoted`) and to the marks around it."""
    # One kana or Hangul among Chinese is Chinese usage (台灣の味), not a span.
    found = [m.span() for m in FOREIGN.finditer(text) if len(FOREIGN_LETTER.findall(m.group(0))) != 1]
    found += [m.span() for m in LATIN_RUN.finditer(text)
              if sum(1 for word in m.group(0).split() if regex.search("[A-Za-z]", word)) >= MIN_LATIN_WORDS]
    spans: list[tuple[int, int]] = []
    for start, end in sorted(quoted(text, span) for span in found):
        while start > 0 and (text[start - 1] in SPAN_OPENERS or text[start - 1].isspace()):
            start -= 1
        while end < len(text) and (text[end] in SPAN_TRAILERS or text[end].isspace()):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def set_apart(clauses: list[str]) -> list[list[str]]:
    """A unit's clauses, with each foreign span (`foreign_spans`) taken out as a unit of
    its own: what stands between spans stays a unit, its clauses as they were."""
    text = "".join(clauses)
    spans = foreign_spans(text) if is_chinese_sentence(text) else []
    if not spans:
        return [clauses]
    bounds = {0, len(text), *_offsets(clauses)}
    bounds |= {b for span in spans for b in span}
    pieces = split_at(text, sorted(bounds))
    units: list[list[str]] = []
    position, was_foreign = 0, None
    for piece in pieces:
        foreign = any(a <= position < b for a, b in spans)
        if units and foreign == was_foreign and not foreign:
            units[-1].append(piece)
        elif units and foreign and was_foreign and any(a < position < b for a, b in spans):
            units[-1][-1] += piece  # one span cut by a clause end inside it stays whole
        else:
            units.append([piece])
        position += len(piece)
        was_foreign = foreign
    return units


def units_of(text: str) -> list[list[str]]:
    """Split a block into translation units, each a list of clauses (source form)."""
    units = []
    for sentence in split_at(text, sentence_cuts(text)):
        for unit in fit(merge_short(split_at(sentence, clause_cuts(sentence)), MIN_CLAUSE)):
            units += set_apart(unit)
    return units


def is_anchor(ch: str) -> bool:
    """Punctuation and whitespace: what OpenCC never changes, counted by `project`."""
    return ch in PUNCTUATION or ch.isspace()


def project(pieces: list[str], target: str) -> list[str]:
    """Cut `target` (another script form of the joined pieces) where `pieces` are cut.

    OpenCC changes characters and sometimes phrase lengths, never punctuation or spaces:
    so a cut k characters after the n-th punctuation mark or space of the source falls k
    characters after the n-th of the target (k is 0 unless an over-long sentence was cut
    between two marks), and never beyond the next one.
    """
    source = "".join(pieces)
    offsets = _offsets(pieces)[:-1]
    if len(source) == len(target):
        return split_at(target, offsets)
    source_anchors = [i + 1 for i, ch in enumerate(source) if is_anchor(ch)]
    target_anchors = [i + 1 for i, ch in enumerate(target) if is_anchor(ch)]
    cuts = []
    for offset in offsets:
        k = bisect_right(source_anchors, offset)
        start = (source_anchors[k - 1], target_anchors[k - 1]) if k else (0, 0)
        stop = target_anchors[k] - 1 if k < len(target_anchors) else len(target)
        cuts.append(min(start[1] + offset - start[0], stop))
    return split_at(target, cuts)


def _offsets(pieces: list[str]) -> list[int]:
    out, total = [], 0
    for piece in pieces:
        total += len(piece)
        out.append(total)
    return out


def segment_texts(texts: Texts, prefix: str) -> list[Sentence]:
    units = units_of(texts.original)
    flat = [clause for unit in units for clause in unit]
    hant, hans = project(flat, texts.hant), project(flat, texts.hans)
    sentences, k = [], 0
    for i, unit in enumerate(units):
        # A foreign span is shown as written in every column: OpenCC would turn the
        # kanji of Japanese into Chinese forms.
        clauses = [Texts(flat[j], hant[j], hans[j]) if has_chinese("".join(unit)) or not HAN.search(flat[j])
                   else Texts(flat[j], flat[j], flat[j]) for j in range(k, k + len(unit))]
        sentences.append(Sentence(f"{prefix}s{i}", clauses))
        k += len(unit)
    return sentences


def segment_block(block: ScriptedBlock, prefix: str) -> SegmentedBlock:
    credit = None
    if block.credit.original:
        credit = Sentence(f"{prefix}c", [block.credit])
    return SegmentedBlock(block.kind, block.level, block.label,
                          segment_texts(block.text, prefix), credit)


def segment(doc: ScriptedDocument) -> SegmentedDocument:
    title = ScriptedBlock("title", 0, "", Texts("", "", ""), doc.title)
    return SegmentedDocument(
        slug=doc.slug,
        source=doc.source,
        meta=doc.meta,
        script=doc.script,
        title=segment_block(title, "t"),
        blocks=[segment_block(b, f"b{i}") for i, b in enumerate(doc.blocks)],
    )
