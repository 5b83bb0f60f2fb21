"""Writing systems: which characters are Han (Chinese), and which text is Chinese at all
(not Japanese, Korean, Arabic, Hebrew, emoji or a run of English), said once for every stage.

Unicode's Han script: the CJK Unified Ideographs and Extension A, the compatibility
block, the supplementary planes' extensions (B onwards: rare names and places), and 〇
(the ideographic zero of 二〇二五年).
"""
from __future__ import annotations

import re

import regex

HAN_RANGE = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # inside [...]
HAN = re.compile(f"[{HAN_RANGE}]")          # one Han character
HAN_WORD = re.compile(f"^[{HAN_RANGE}]+$")  # a word of Han characters only
CLAUSE_ENDS = set("，；：")  # end a Chinese clause: the segmenter cuts there, the aligner counts them

# Text the model must not read, by writing system. Japanese is kana with the kanji between
# (the kanji before the first kana are indistinguishable from Chinese, unless quoted, see
# `quoted`); Korean, Arabic, Hebrew and emoji runs take the spaces, digits and
# half-width punctuation between their letters.
_BETWEEN = r"[\s\d,.;:!?'\"()\-]"
FOREIGN = regex.compile("|".join((
    r"[\p{Hiragana}\p{Katakana}ー](?:[\p{Han}\p{Hiragana}\p{Katakana}ー々〆・]*[\p{Hiragana}\p{Katakana}ー])?",
    rf"\p{{Hangul}}(?:(?:\p{{Hangul}}|{_BETWEEN})*\p{{Hangul}})?",
    rf"[\p{{Arabic}}\p{{Hebrew}}](?:(?:[\p{{Arabic}}\p{{Hebrew}}\u060c\u061b\u061f]|{_BETWEEN})*[\p{{Arabic}}\p{{Hebrew}}])?",
    r"(?:[\p{Emoji_Presentation}\U0001F1E6-\U0001F1FF][\U0001F3FB-\U0001F3FF\ufe0f\u200d\u20e3]*\s*)+",
)))
# English the model would rewrite rather than copy: a quoted sentence, a slogan, a title
# (words between spaces: a URL or an address is one word, and stays with its sentence).
# Names and short terms (iPhone, Donald Trump, New York Times) stay in the sentence, as
# the model copies them and the Chinese around them needs them for its grammar.
LATIN_RUN = regex.compile(r"[A-Za-z][\w'’&/-]*(?:[ ,.;:!?'’\"-]+[A-Za-z0-9][\w'’&/-]*)*[.!?]?", regex.ASCII)
MIN_LATIN_WORDS = 4
# A quote holding a foreign span is taken whole, and a unit is not Chinese, when at least
# this share of its letters is foreign (`foreign_share`): 「日本語を話します」 is Japanese, kanji and all.
QUOTED_SHARE = 0.2
QUOTE_PAIRS = {"「": "」", "『": "』", "“": "”", "‘": "’", '"': '"', "（": "）", "(": ")", "《": "》"}
FOREIGN_LETTER = regex.compile(r"[\p{Hiragana}\p{Katakana}\p{Hangul}\p{Arabic}\p{Hebrew}]")
KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")


def is_han(ch: str) -> bool:
    return bool(HAN.match(ch))


def kana_share(text: str) -> float:
    """The share of `text`'s letters that are kana: what tells Japanese, which writes
    Han characters too, from Chinese."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(KANA.findall(text)) / len(letters) if letters else 0.0


def is_chinese_sentence(text: str) -> bool:
    """Whether `text` is Chinese that may quote other scripts, rather than a sentence in
    another language as a whole (English, Japanese, Korean): judged outside its quotes,
    so 首爾市民高喊「대한민국 만세!」 is Chinese and 東京都知事は会見で述べた is not."""
    outside = regex.sub("|".join(f"{regex.escape(a)}[^{regex.escape(b)}]*{regex.escape(b)}"
                                 for a, b in QUOTE_PAIRS.items()), "", text)
    return has_chinese(outside)


def has_chinese(text: str) -> bool:
    """Whether the model should read `text`: it has Han characters and is not Japanese
    (which has kanji too; one の among Chinese is Chinese)."""
    return bool(HAN.search(text)) and kana_share(text) < QUOTED_SHARE


def quoted(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The quote around `span` (marks included) if kana make at least `QUOTED_SHARE` of
    the quote's letters (its kanji are Japanese too); else the span itself."""
    start, end = span
    for i in range(start - 1, -1, -1):
        closer = QUOTE_PAIRS.get(text[i])
        if closer is None:
            continue
        j = text.find(closer, end)
        if j < 0 or text.find(text[i], i + 1, start) >= 0:
            return span
        return (i, j + 1) if kana_share(text[i + 1:j]) >= QUOTED_SHARE else span
    return span


# Regions of a BCP 47 tag whose press this product writes for (Macau's reads like Hong Kong's).
REGIONS = {"TW": "tw", "HK": "hk", "MO": "hk", "CN": "cn", "SG": "cn", "MY": "cn"}


def region_of(language: str, script: str) -> str:
    """tw, hk or cn from the article's language tag, else from its script."""
    for part in reversed(language.replace("_", "-").split("-")):
        if part.upper() in REGIONS:
            return REGIONS[part.upper()]
    return "tw" if script == "zh-Hant" else "cn"
