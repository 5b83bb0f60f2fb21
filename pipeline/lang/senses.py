"""Word senses: the rare words of a sentence none of whose dictionary senses is in its English.

After names, what misleads most in the small model's English is the wrong sense of an
ordinary news word: 環比 "in the ring" (period on period), 毛利率 "Māori rate" (gross
margin). CC-CEDICT lists the senses of some 120,000 words; a word none of whose senses
leaves a trace in the English (no word of any sense among the English's, both reduced to
a crude lemma by a suffix-stripper, `lemma`: no lemmatiser is installed) was translated
in another sense, left out, or paraphrased: of 51 such words in the English of the dev
set's first 125 segments, the reference translation carries a sense of 27.

Words are jieba's cut of the zh-Hans text with the names stage's dictionaries (lexicon.lexicon),
their senses CC-CEDICT's as the dictionaries' store keeps it (lexicon.senses), kept when they can
mislead: two characters or more, Han only, not a function word, number, time word or person
(by jieba's tag), not a name the glossary or the names stage already checks, and rare
(MAX_FREQUENCY): a common word's senses are many, and translators leave them out or
paraphrase them.

A word missing from the English, and what it means, is a reason on its row
(checks.unsensed_words), with the sense that fits news first (`Word.news`): a sense the
dictionary labels with a news domain ((finance), (sports)…), else its first. Writing that
sense in English in the model's input, as names are, was tried and dropped: on the dev set
the model never found the English it gave more likely than its own (0 of 79 sentences);
let it be up to 0.5 less likely per piece and 18 of 253 changed, chrF +0.13 on the held-out
half, but of the ten held-out sentences changed 4 read worse (集群 "cluster" written as
CC-CEDICT's only sense, "clan"), 3 mixed and 3 better.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.lang import lexicon
from pipeline.lang.glossary import Glossary
from pipeline.lang.writing import HAN_RANGE

HAN_WORDS = re.compile(f"^[{HAN_RANGE}]{{2,}}$")  # two Han characters or more
# jieba tags of words that are no content words here: prepositions, conjunctions,
# particles, adverbs, pronouns, numbers, measure words, directions, times, modal
# particles, interjections, onomatopoeia, people's names (the names stage's).
FUNCTION_TAGS = set("pcudrmqftyoe")
PERSON_TAGS = {"nr", "nrfg", "nrt"}
# A sense part that is no sense: a classifier, a pointer to another entry.
POINTER = re.compile(r"^(?:CL:|abbr\.|abbreviation|(?:old |Japanese |archaic )?variant of|see |also written|"
                     r"also pr\.|pr\.|Tw pr\.|surname |used in |erhua|\(bound form\)$)")
LABEL = re.compile(r"\(([^()]*)\)")  # "(statistics)", "(of a person)", "(Tw)": labels, not senses
CROSS_REFERENCE = re.compile(rf"\S*[{HAN_RANGE}]\S*(?:\[[^\]]*\])?")  # 環比|环比[huan2 bi3]
# Labels of a sense a news article means, preferred when one is written in English.
NEWS_LABELS = {"finance", "economics", "business", "accounting", "statistics", "commerce", "sports", "soccer",
               "basketball", "baseball", "military", "law", "political", "politics", "administrative"}
# Labels of senses no news article means: never written into the model's input.
OLD_LABELS = {"literary", "dialect", "old", "archaic", "classical", "slang", "vulgar", "idiom", "honorific", "polite"}
STOP = {"to", "the", "a", "an", "of", "sth", "sb", "one's", "oneself", "someone", "something", "and", "or", "in",
        "on", "at", "for", "with", "by", "from", "be", "as", "into", "is", "etc", "one", "it", "its", "that", "this",
        "not", "no", "up", "out", "off", "over", "all", "so", "very", "do", "make", "get", "have", "take", "give"}
ENGLISH_WORD = re.compile(r"[A-Za-z]+")
MAX_SENSE_WORDS = 4  # a longer sense is a description, not English to write into a sentence


@dataclass(frozen=True)
class Word:
    """A content word of a sentence and what the dictionary says it means."""

    zh: str
    senses: tuple[str, ...]  # every sense, labels and pointers removed, dictionary order
    news: str = ""           # the sense to write in the model's input ("" = none fits)

    def traced(self, english: str) -> bool:
        """Whether any word of any sense is in `english` (both lemmatised)."""
        found = {lemma(w) for w in ENGLISH_WORD.findall(english)}
        return any(_alike(mine, theirs) for sense in self.senses for mine in content(sense) for theirs in found)

    def suggestion(self) -> str:
        """What an editor reads: the news sense, else the first senses."""
        return self.news or " / ".join(self.senses[:3])


def lemma(word: str) -> str:
    """A crude English lemma: lower case, the commonest inflections stripped (-ies, -ied,
    -ing, -ed, -es, -s, -ly) and a final e, so increase, increased and increases meet."""
    w = word.lower()
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[:-len(suffix)] + replacement
            break
    return w.rstrip("e") or w


def _alike(a: str, b: str) -> bool:
    """Two lemmas of one word family: equal, or sharing all but two letters of the
    shorter and at least four (grow/growth, economy/economic, develop/development)."""
    if a == b:
        return True
    shared = len(_common_prefix(a, b))
    return shared >= 4 and shared >= min(len(a), len(b)) - 2


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def content(sense: str) -> set[str]:
    """The lemmas of a sense's words that carry its meaning (not "to", "sth", "of"…)."""
    return {lemma(w) for w in ENGLISH_WORD.findall(sense) if w.lower() not in STOP and len(w) >= 2}


def clean(sense: str) -> tuple[str, set[str]] | None:
    """A dictionary sense without its labels and cross-references, with its labels;
    None for a pointer or classifier."""
    sense = CROSS_REFERENCE.sub("", sense).strip()
    if not sense or POINTER.match(sense):
        return None
    labels = {label.strip().lower() for label in LABEL.findall(sense)}
    text = re.sub(r"\s+", " ", LABEL.sub("", sense)).strip(" ,;")
    return (text, labels) if content(text) else None


def word(zh: str, raw: list[str]) -> Word | None:
    """A Word from its dictionary senses, with the sense to write if one fits news: a
    sense labelled with a news domain, else the first; never an old or literary sense,
    nor one of more than MAX_SENSE_WORDS words; its first synonym, without "to"."""
    cleaned = [c for c in map(clean, raw) if c]
    if not cleaned:
        return None
    usable = [(text, labels) for text, labels in cleaned if not labels & OLD_LABELS]
    labelled = [text for text, labels in usable if labels & NEWS_LABELS]
    first = labelled[0] if labelled else usable[0][0] if usable and usable[0] == cleaned[0] else ""
    news = re.sub(r"^to ", "", first.split(";")[0].strip())
    if len(news.split()) > MAX_SENSE_WORDS or not news.isascii():
        news = ""
    return Word(zh, tuple(text for text, _ in cleaned), news)


# --- a sentence's words ---------------------------------------------------------------

# jieba counts above which a word is left alone. A common word's senses are many and
# translators paraphrase them (乡村 "rural", not one of rustic, village, countryside):
# on the dev set's first 125 segments (the labelled English of bench/eval_senses.py), the
# reason flagged 39 sentences at this limit, 67 % of them misleading, 102 with no limit,
# 59 % (the share of all those sentences that are misleading); the retries, searching only
# for these words, search a third as many sentences (34 of 126 instead of 103).
MAX_FREQUENCY = 300


def words(texts: list[str], terms: list[set[str]]) -> list[tuple[Word, ...]]:
    """The content words of each zh-Hans text that the dictionary gives senses for, each
    once, leaving out those that overlap a term of `terms` (the text's glossary terms and
    names, which their own checks cover)."""
    lex = lexicon.lexicon(texts, Glossary({}))
    tagger: Any = lex.tagger  # a jieba.posseg.POSTokenizer (jieba has no types; Lexicon says object)
    tokenizer = tagger.tokenizer
    cut = [[(w, f) for w, f in tagger.cut(text)] for text in texts]
    candidates = {w for tokens in cut for w, f in tokens
                  if HAN_WORDS.match(w) and f[:1] not in FUNCTION_TAGS and f not in PERSON_TAGS
                  and (tokenizer.FREQ.get(w) or 0) <= MAX_FREQUENCY}
    # Proper nouns are the names stage's.
    known = {zh: found for zh, raw in lexicon.senses(candidates, proper=False).items() if (found := word(zh, raw))}
    out = []
    for text, tokens, own in zip(texts, cut, terms):
        covered = {i for term in own for m in re.finditer(re.escape(term), text) for i in range(m.start(), m.end())}
        kept: dict[str, Word] = {}
        start = 0
        for w, _ in tokens:
            if w in known and not covered & set(range(start, start + len(w))):
                kept.setdefault(w, known[w])
            start += len(w)
        out.append(tuple(kept.values()))
    return out


def unsensed(found: tuple[Word, ...], english: str) -> list[Word]:
    """The words none of whose senses leaves a trace in `english`."""
    return [w for w in found if not w.traced(english)]


