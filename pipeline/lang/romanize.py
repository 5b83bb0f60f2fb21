"""Chinese person names in Latin letters, the way each region's press writes them.

Two house styles, both family name first:

* ``"pinyin"`` (mainland): Hanyu Pinyin without tones, given name written as one word,
  an apostrophe before a syllable starting with a, o or e inside a word (上官婉儿 →
  "Shangguan Wan'er"), as GB/T 28039-2011 (the national standard for spelling Chinese
  personal names) prescribes. ü is written "ü" (吕 → "Lü", 女 → "Nü"): that is the
  standard's own spelling; the passport office's "yu" (LYU) is its stated fallback
  for systems that cannot type ü, which is not our case.
* ``"wade-giles"`` (Taiwan): Wade–Giles as Taiwan passports and newspapers write it:
  no apostrophes, no umlauts, given name hyphenated with the second part in lower
  case (賴清德 → "Lai Ching-te", 王毅 → "Wang I"), and "szu" for si (陳思宇 →
  "Chen Szu-yu").

Family names are read from ``data/surnames.tsv`` (a surname's reading often differs
from the character's ordinary one: 曾 Zeng, 單 Shan, 解 Xie, 仇 Qiu); given names are
read by pypinyin, given the whole given name so that it can pick a heteronym's
reading from context. Wade–Giles is derived here from the pinyin syllable by the
standard initial/final correspondence, not taken from pypinyin's WADEGILES style.

Known limits: many Taiwan public figures spell their names their own way (蔡英文 Tsai
Ing-wen, 柯文哲 Ko Wen-je, 馬英九 Ma Ying-jeou); `romanize` gives the regular form, so
such names belong in the glossary. pypinyin's reading of a heteronym in a given name
can be wrong (長廷 → zhang ting); in Wade–Giles press form most such pairs collapse
(zhang/chang → "chang", zhong/chong → "chung").
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from pipeline.code import DATA
from pipeline.lang.writing import HAN_RANGE, HAN_WORD

__all__ = ["SURNAMES", "is_surname", "romanize", "split_name",
           "wade_giles", "wade_giles_press", "surname_reading"]

SURNAMES_FILE = DATA / "surnames.tsv"
SYSTEMS = ("pinyin", "wade-giles")
# How each region's press writes a Chinese person's name (HK press uses Cantonese
# readings, which no library here provides: HK names are left to the dictionaries).
PRESS_SYSTEMS = {"tw": "wade-giles", "cn": "pinyin"}

# A Chinese name as written: two to four Han characters.
NAME = re.compile(f"[{HAN_RANGE}]{{2,4}}")

# ---------------------------------------------------------------------------
# Surnames
# ---------------------------------------------------------------------------


def _load(path: Path = SURNAMES_FILE) -> dict[str, tuple[str, ...]]:
    """surname form (either script) -> its syllables as a surname, e.g. 歐陽 -> (ou, yang)."""
    readings: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        forms, _, pinyin = line.partition("\t")
        syllables = tuple(pinyin.split())
        for form in forms.split("|"):
            if len(form) != len(syllables) or not HAN_WORD.match(form):
                raise ValueError(f"{path.name}:{number}: {form!r} does not match {pinyin!r}")
            if readings.get(form, syllables) != syllables:
                raise ValueError(f"{path.name}:{number}: {form} listed twice with different readings")
            readings[form] = syllables
    return readings


_READINGS = _load()
SURNAMES: frozenset[str] = frozenset(_READINGS)
_COMPOUND = frozenset(s for s in SURNAMES if len(s) > 1)
# Compound surnames that, at the head of a 3-character name, are more likely a common
# single surname followed by a common given-name character: 宗政X is usually 宗 + 政X.
_SINGLE_FIRST_IN_THREE = frozenset({"宗政"})


def is_surname(text: str) -> bool:
    """True if `text` is a Chinese family name (single or compound, either script)."""
    return text in SURNAMES


def surname_reading(surname: str) -> tuple[str, ...]:
    """The syllables of a family name as a family name (單: shan, not dan). A name the
    list does not know is read by pypinyin."""
    if surname in _READINGS:
        return _READINGS[surname]
    if len(surname) == 2 and surname[0] in _READINGS and surname[1] in _READINGS:
        return _READINGS[surname[0]] + _READINGS[surname[1]]
    return _pypinyin(surname)


def _check(name: str) -> str:
    if not isinstance(name, str):
        raise ValueError(f"not a Chinese name: {name!r}")
    name = name.strip()
    if not NAME.fullmatch(name):
        raise ValueError(f"not a Chinese name (2-4 Han characters): {name!r}")
    return name


def split_name(name: str) -> tuple[str, str]:
    """(family, given). Compound surnames (歐陽, 司马, 張簡) are recognised in either
    script; a 2-character name is always 1 + 1. A 4-character name that does not start
    with a compound surname but with two single ones (冠夫姓: 高金素梅) splits 2 + 2."""
    name = _check(name)
    head = name[:2]
    if len(name) >= 3 and head in _COMPOUND and not (
            len(name) == 3 and head in _SINGLE_FIRST_IN_THREE):
        return head, name[2:]
    if len(name) == 4 and name[0] in SURNAMES and name[1] in SURNAMES:
        return head, name[2:]
    return name[0], name[1:]


# ---------------------------------------------------------------------------
# Pinyin syllables -> Wade–Giles
# ---------------------------------------------------------------------------
# Wade–Giles spells the same sound system with different letters, so the conversion
# is a spelling table, not a rule engine: initial by initial, final by final, plus the
# few places where Wade–Giles spells a final differently after certain initials, and
# the syllables it spells as a whole. Tables rather than an if-chain so that each
# correspondence can be read off and checked against a reference table.

# Longest first, so that "zh" is found before "z".
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
             "j", "q", "x", "r", "z", "c", "s", "y", "w")

WG_INITIAL = {
    "b": "p", "p": "p'", "m": "m", "f": "f",
    "d": "t", "t": "t'", "n": "n", "l": "l",
    "g": "k", "k": "k'", "h": "h",
    "j": "ch", "q": "ch'", "x": "hs",
    "zh": "ch", "ch": "ch'", "sh": "sh", "r": "j",
    "z": "ts", "c": "ts'", "s": "s",
    "y": "y", "w": "w", "": "",   # zero initial: pinyin's y/w spellings mostly carry over
}

# Finals as pinyin writes them after a consonant (ü restored after j/q/x/y, see below).
WG_FINAL = {
    "a": "a", "o": "o", "e": "e", "ai": "ai", "ei": "ei", "ao": "ao", "ou": "ou",
    "an": "an", "en": "en", "ang": "ang", "eng": "eng",
    "ong": "ung",                                    # dong -> tung
    "i": "i", "ia": "ia", "iao": "iao", "iu": "iu", "in": "in", "iang": "iang", "ing": "ing",
    "ie": "ieh",                                     # xie -> hsieh
    "ian": "ien",                                    # tian -> t'ien
    "iong": "iung",                                  # xiong -> hsiung
    "u": "u", "ua": "ua", "uo": "uo", "uai": "uai", "ui": "ui", "uan": "uan",
    "un": "un", "uang": "uang",
    "ü": "ü", "üan": "üan", "ün": "ün",
    "üe": "üeh",                                     # xue -> hsüeh, lüe -> lüeh
}

# (final, initials after which it is spelled differently) -> spelling.
WG_FINAL_AFTER = {
    ("e", ("g", "k", "h")): "o",                     # ge, ke, he -> ko, k'o, ho
    ("uo", ("d", "t", "n", "l", "z", "c", "s", "zh", "ch", "r")): "o",  # duo -> to; guo, huo, shuo keep uo
    ("ui", ("g", "k")): "uei",                       # gui -> kuei; but hui, tui, shui
}
_FINAL_AFTER = {(final, initial): spelling
                for (final, initials), spelling in WG_FINAL_AFTER.items() for initial in initials}

# Syllables spelled as a whole: the "empty rhyme" syllables, the zero-initial ones whose
# y-spelling differs, and the interjections written with a bare nasal.
WG_SYLLABLE = {
    "zi": "tzu", "ci": "tz'u", "si": "ssu",
    "zhi": "chih", "chi": "ch'ih", "shi": "shih", "ri": "jih",
    "e": "o", "ê": "eh", "er": "erh",
    "yi": "i", "ye": "yeh", "you": "yu", "yan": "yen",
    "m": "m", "n": "n", "ng": "ng", "hm": "hm", "hng": "hng",
}

# Pinyin's own spelling constraints on which initials take the i- and ü- finals, so that
# a typo is refused rather than spelled ("qa", "zhü").
_I_OR_Ü_ONLY = frozenset({"j", "q", "x"})
_NEVER_I_OR_Ü = frozenset({"", "g", "k", "h", "zh", "ch", "sh", "r", "z", "c", "s", "w"})
_Ü_ALLOWED = frozenset({"n", "l", "j", "q", "x", "y"})

# Taiwan press form of a Wade–Giles syllable, after apostrophes and umlauts are dropped:
# Taiwan passports and newspapers write si as "szu" (陳思宇 Chen Szu-yu, 司馬 Szuma).
TAIWAN_PRESS = {"ssu": "szu"}


def _normalize(syllable: str) -> str:
    """A toneless pinyin syllable with ü written as ü (pypinyin's "lv", "u:" accepted)."""
    s = syllable.strip().lower().replace("u:", "ü").replace("v", "ü")
    if s in ("lue", "nue"):      # lüe and nüe are often typed without the umlaut
        s = s[0] + "üe"
    return s


def _parse(syllable: str) -> tuple[str, str]:
    """(initial, final) of a normalized syllable; after j, q, x and y pinyin writes ü as u."""
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            final = syllable[len(initial):]
            break
    else:
        initial, final = "", syllable
    if initial in ("j", "q", "x", "y") and final.startswith("u"):
        final = "ü" + final[1:]
    return initial, final


@cache
def wade_giles(syllable: str) -> str:
    """Wade–Giles spelling of one toneless pinyin syllable, with apostrophes and ü
    (the scholarly form): "qing" -> "ch'ing", "xue" -> "hsüeh", "si" -> "ssu"."""
    s = _normalize(syllable)
    if s in WG_SYLLABLE:
        return WG_SYLLABLE[s]
    initial, final = _parse(s)
    spelling = _FINAL_AFTER.get((final, initial)) or WG_FINAL.get(final)
    medial = final[0] if final else ""
    if (spelling is None
            or (initial in _I_OR_Ü_ONLY and medial not in ("i", "ü"))
            or (initial in _NEVER_I_OR_Ü and medial in ("i", "ü"))
            or (initial == "" and medial == "u")      # pinyin writes these with w
            or (medial == "ü" and initial not in _Ü_ALLOWED)):
        raise ValueError(f"not a pinyin syllable: {syllable!r}")
    return WG_INITIAL[initial] + spelling


def wade_giles_press(syllable: str) -> str:
    """Taiwan press form of one pinyin syllable: Wade–Giles without apostrophes or
    umlauts ("qing" -> "ching", "xu" -> "hsu", "si" -> "szu")."""
    plain = wade_giles(syllable).replace("'", "").replace("ü", "u")
    return TAIWAN_PRESS.get(plain, plain)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def _pypinyin(text: str) -> tuple[str, ...]:
    syllables = tuple(_normalize(s) for s in
                      lazy_pinyin(text, style=Style.NORMAL, v_to_u=True))
    for char, syllable in zip(text, syllables):
        if not re.fullmatch("[a-zü]+", syllable.replace("ê", "e")):
            raise ValueError(f"no reading for {char!r} in {text!r}")
    if len(syllables) != len(text):
        raise ValueError(f"no reading for {text!r}")
    return syllables


def _pinyin_word(syllables: tuple[str, ...]) -> str:
    """Syllables joined into one capitalised word, an apostrophe before a/o/e (Xi'an)."""
    word = ""
    for syllable in syllables:
        syllable = syllable.replace("ê", "e")
        if word and syllable[0] in "aoe":
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def _wg_family(syllables: tuple[str, ...]) -> str:
    word = "".join(wade_giles_press(s) for s in syllables)
    return word[:1].upper() + word[1:]


def _wg_given(syllables: tuple[str, ...]) -> str:
    word = "-".join(wade_giles_press(s) for s in syllables)
    return word[:1].upper() + word[1:]


def romanize(name: str, system: str) -> str:
    """A Chinese person name (2-4 Han characters, either script) in Latin letters:
    system "pinyin" (mainland: "Xiao Wensheng") or "wade-giles" (Taiwan press:
    "Hsiao Wen-sheng"). Raises ValueError for anything that is not a Han name."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}: use one of {SYSTEMS}")
    family, given = split_name(name)
    given_syllables = _pypinyin(given)
    if family in _READINGS or len(family) == 1:
        families = [surname_reading(family)]
    else:  # two single surnames side by side (冠夫姓): each written, joined by a hyphen
        families = [surname_reading(c) for c in family]
    if system == "pinyin":
        return "-".join(_pinyin_word(f) for f in families) + " " + _pinyin_word(given_syllables)
    return "-".join(_wg_family(f) for f in families) + " " + _wg_given(given_syllables)
