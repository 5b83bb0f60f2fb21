"""What a clause's English must carry, and the checks that find where it does not.

Used twice: the translate stage picks, among the model's best hypotheses, the first
that passes; the quality stage reports what still fails, clause by clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.lang.glossary import Glossary
from pipeline.lang.numbers import mentions
from pipeline.lang.writing import HAN
from pipeline.model.aligned import Expectation

LOOP = re.compile(r"\b((?:\S+\s+){0,3}?\S+)(?:\s+\1\b){2,}", re.IGNORECASE)
RATIO_RANGE = (0.9, 8.0)  # English characters per Chinese character, for sentences of 8+ characters


def expectations(hans: str, glossary: Glossary) -> list[Expectation]:
    """Glossary terms and numbers in a clause's zh-Hans text (dates already completed)."""
    found = [Expectation(zh_term.zh, zh_term.kind, zh_term.en, [_form(a, zh_term.origin) for a in zh_term.accepted])
             for _, _, zh_term in glossary.find(hans)]
    found += [Expectation(m.zh, m.kind, m.display, m.forms) for m in mentions(hans)]
    return found


DEMONYM = r"(?:n|ns|an|ans|ian|ians|ese|i|is)?"  # Russia → Russian: a dictionary gives only the noun


def _form(english: str, origin: str) -> str:
    """A regular expression for one accepted English form of a term: whole words, and for
    a one-word name from a dictionary (not the glossary, which lists its own) its demonym."""
    if not english[-1:].isalnum():
        return re.escape(english)
    suffix = DEMONYM if origin == "cedict" and " " not in english else ""
    return rf"(?<!\w){re.escape(english)}{suffix}(?!\w)"


def missing(expected: list[Expectation], english: str) -> list[Expectation]:
    return [e for e in expected if not e.found_in(english)]


def cjk_left(english: str) -> str:
    return "".join(HAN.findall(english))


def loop(english: str) -> str:
    """A phrase repeated three times running, or the model's unknown-word marker."""
    if "<unk>" in english:
        return "<unk>"
    match = LOOP.search(english)
    return match.group(1) if match else ""


def ratio_problem(zh: str, english: str) -> str:
    if len(zh) < 8:
        return ""
    ratio = len(english) / len(zh)
    low, high = RATIO_RANGE
    return f"{ratio:.1f} English characters per Chinese character" if not low <= ratio <= high else ""


def problem_count(expected: list[Expectation], zh: str, english: str) -> int:
    """How much is wrong with one hypothesis: fewer is better."""
    return (len(missing(expected, english)) + bool(cjk_left(english)) + 2 * bool(loop(english))
            + bool(ratio_problem(zh, english)))


# --- Meaning checks: what the English says that the Chinese does not ------------------
# Each returns findings for one sentence (its Chinese in zh-Hans, its English), with the
# words an editor should look at; quality.assess places them on rows.

@dataclass
class Finding:
    """One reason to distrust a row, as an editor reads it."""

    kind: str     # entity, doubled, negation, modality, tense, dropped, sense, short, day, score, agreement
    reason: str
    zh: str = ""  # the Chinese it is about, to find its row ("" = wherever `en` is)
    en: str = ""  # the English it is about


ENTITY_KINDS = ("person", "place", "org", "country", "region", "custom")


@dataclass
class Entities:
    """Every English name the glossary knows, with the Chinese that may stand for it."""

    pattern: re.Pattern[str] | None
    chinese: dict[str, set[str]]  # English form → zh-Hans forms of its entity
    forms: dict[str, set[str]]    # English form → every English form of its entity


def entities(glossary: Glossary) -> Entities:
    chinese: dict[str, set[str]] = {}
    forms: dict[str, set[str]] = {}
    for term in glossary.terms.values():
        if term.kind not in ENTITY_KINDS:
            continue
        # Chinese shortens names: a country, region or place to its first character in
        # compounds (美俄, 俄乌 for 俄罗斯与乌克兰), any longer name to its first two (路透 for 路透社).
        zh = {term.zh, term.zh[:2]} if len(term.zh) >= 3 else {term.zh}
        if term.kind in ("country", "region", "place"):
            zh.add(term.zh[0])
        for form in term.accepted:
            chinese.setdefault(form, set()).update(zh)
            forms.setdefault(form, set()).update(term.accepted)
    names = sorted(chinese, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None
    return Entities(pattern, chinese, forms)


def invented_entities(hans: str, english: str, known: Entities) -> list[Finding]:
    """Names in the English whose entity the Chinese never mentions ("Soviet forces" for 乌军)."""
    if known.pattern is None:
        return []
    found, seen = [], set()
    for match in known.pattern.finditer(english):
        name = match.group(0)
        if name in seen or name in hans or any(z in hans for z in known.chinese[name]):
            continue
        seen.add(name)
        found.append(Finding("entity", f"“{name}” is not in the Chinese (invented entity?)", en=name))
    return found


JOIN = r"\s*(?:[-(（/&]|\band\s+(?:the\s+)?)\s*"  # what joins a name written twice


def doubled_terms(hans: str, english: str, known: Entities) -> list[Finding]:
    """One entity written twice in a row ("NATO (NATO)", "United States-U.S.") where the
    Chinese does not gloss it that way itself."""
    found = []
    for m in re.finditer(r"\b([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})" + JOIN + r"\1\b[)）]?", english):
        found.append(Finding("doubled", f"“{m.group(0)}”: the same name twice", en=m.group(0)))
    if known.pattern is None:
        return found
    mentions = list(known.pattern.finditer(english))
    for a, b in zip(mentions, mentions[1:]):
        gap = english[a.end():b.start()]
        same = b.group(0) in known.forms[a.group(0)]
        glossed = re.search(r"[（(]\s*" + re.escape(b.group(0)), hans)
        if same and re.fullmatch(JOIN, gap) and not glossed:
            text = english[a.start():b.end()]
            found.append(Finding("doubled", f"“{text}”: the same name twice", en=text))
    return found


# Negation. Characters that negate, minus the words where they do not (不断 "continually",
# 非洲 Africa, 莫斯科 Moscow, 无人机 drone, 未来 future, 是否 whether…).
ZH_NEGATION = re.compile(r"[不没沒未无無非勿否莫毋]|拒绝|禁止|停止|避免|防止|反对|取消")
ZH_NOT_NEGATION = re.compile(
    r"不过|不断|不少|不仅|不但|不久|不同|不管|不论|不得不|不时|不止|不禁|不外|差不多|了不起|不可或缺|"
    r"无论|无数|无人机|非常|非洲|南非|未来|是否|否则|莫斯科|莫过于|莫名|并非?|除非|无非|莫不")
EN_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n't\b", re.I)
EN_NEGATIVE_WORDS = re.compile(
    r"\b(?:non-?\w+|un\w{3,}|in(?:effective|valid|ability|capable|sufficient|dependent)\w*|il\w+al|"
    r"fail\w*|refus\w*|den(?:y|ied|ies)|lack\w*|prohibit\w*|ban\w*|barred|forbid\w*|avoid\w*|"
    r"prevent\w*|stop\w*|halt\w*|ceas\w*|reject\w*|exclud\w*|oppos\w*|cancel\w*|lift\w*|withdr\w*|"
    r"free|instead|rather|against|except|only|lose|lost|loss|absence|absent|refrain\w*|deny\w*|"
    r"im(?:patien|possib|partial|mun)\w*|"
    r"\w+less)\b", re.I)


def zh_negations(hans: str) -> list[str]:
    masked = ZH_NOT_NEGATION.sub(lambda m: "＿" * len(m.group(0)), hans)
    return [hans[m.start():m.end() + 1] for m in ZH_NEGATION.finditer(masked)]


def negation_mismatch(hans: str, english: str) -> list[Finding]:
    """Negation in one language and not the other."""
    zh = zh_negations(hans)
    strong = EN_NEGATION.findall(english)
    if zh and not strong and not EN_NEGATIVE_WORDS.search(english):
        return [Finding("negation", f"“{zh[0]}” negates; the English does not", zh=zh[0])]
    if strong and not zh:
        return [Finding("negation", f"“{strong[0]}” in the English; the Chinese has no negation",
                        en=strong[0])]
    return []


# Modality and attribution: a Chinese marker, and the English words that carry it.
MODALITY = [
    ("reported", r"外传|外傳|据报|據報|据悉|據悉|据称|據稱|传出|傳出|传闻|傳聞|据了解|據了解|消息人士|知情人士|消息称",
     r"report\w*|according|sources?|said|says|say|told|alleged\w*|rumou?r\w*|claim\w*|informed|"
     r"familiar|insiders?|understood|learn\w*|believed|revealed|quot\w*|cit(?:e|es|ed|ing)|purported\w*|disclos\w*",
     "“{zh}” (reportedly / sources say) is lost: a report reads as fact"),
    ("attribution", r"表示|透露|指出|强调|强調|声称|聲稱|坦言|直言|警告|报导|報導|报道|報道|宣布|宣佈",
     r"said|say|says|saying|told|tell|tells|stat\w+|not\w*|point\w*|reveal\w*|disclos\w*|according|"
     r"report\w*|add\w*|stress\w*|emphasi\w+|indicat\w*|announc\w*|quot\w*|claim\w*|wr[io]te|"
     r"warn\w*|explain\w*|insist\w*|assert\w*|express\w*|declar\w*|mention\w*|remark\w*|underlin\w*|"
     r"highlight\w*|confirm\w*|argu\w*|believ\w*|view|admit\w*|acknowledg\w*|made clear|outlin\w*|cit(?:e|es|ed|ing)",
     "“{zh}” (said / revealed) has no verb of saying in the English: who says what may have changed"),
    ("possibility", r"可能|或许|或許|也许|也許|恐怕|或将|或將|估计|估計|疑似|恐将|恐將",
     r"may|might|could|possib\w*|likely|probabl\w*|perhaps|potential\w*|risk\w*|fear\w*|expect\w*|"
     r"appear\w*|seem\w*|estimat\w*|would|suspect\w*|chance|uncertain",
     "“{zh}” (may / possibly) is lost: a possibility reads as certain"),
    ("future", r"将|將|拟|擬|即将|即將|预计|預計|打算|有望|计划于|計畫於",
     r"will|would|shall|going to|plan\w*|to be|expect\w*|set to|intend\w*|propos\w*|schedul\w*|"
     r"upcoming|future|next|aim\w*|prepar\w*|is to|are to|could|may|might|should|must|seek\w*|"
     r"about to|forthcoming|pending|'ll|anticipat\w*|hope\w*|can|soon|approach\w*|near\w*|imminent\w*",
     "“{zh}” (will / plans to) is lost: a plan reads as done or as fact"),
]
# A time still to come: deadlines and windows (在100天内, 年底前, 明年…).
ZH_FUTURE_TIME = re.compile(r"\d+\s*(?:天|日|周|週|个月|個月|年)(?:之?内|以内|內|之內|以內)|年底前|明年|下周|下週|"
                            r"下个月|下個月|未来|今后|今後|届时|屆時|之后将|之後將|\d+日前")
EN_PAST = re.compile(r"\b(?:was|were|had|did)\b", re.I)
EN_FUTURE = re.compile(r"\b(?:" + MODALITY[3][2] + r")\b", re.I)


def modality_lost(hans: str, english: str) -> list[Finding]:
    """Hearsay, attribution, possibility or future in the Chinese with nothing for it in the English."""
    found = []
    for kind, zh_pattern, en_pattern, reason in MODALITY:
        markers = list(re.finditer(zh_pattern, hans))
        carried = len(re.findall(rf"\b(?:{en_pattern})\b", english, re.I))
        # Two speakers (報導 … 透露) need two speech verbs: one lost can mean roles reversed.
        if markers and (carried < len(markers) if kind == "attribution" else not carried):
            marker = markers[-1]
            # 将 is also a preposition ("将X交给Y"); the future check needs a verb after it.
            if (kind == "future" and marker.group(0) in "将將"
                    and re.match(r"[^，,。]*?[给給交把]", hans[marker.end():])):
                continue
            found.append(Finding("modality", reason.format(zh=marker.group(0)), zh=marker.group(0)))
    window = ZH_FUTURE_TIME.search(hans)
    if window and (past_match := EN_PAST.search(english)) and not EN_FUTURE.search(english):
        past = past_match.group(0)
        found.append(Finding("tense", f"“{window.group(0)}” is still to come; the English says “{past}”",
                             zh=window.group(0), en=past))
    return found


ZH_PAST = re.compile(r"了|已|曾|過|过|昨|去年|上週|上周|上月|\d+\s*年|\d+\s*月")
EN_DONE = re.compile(r"\b(?:was|were|had|did)\b|\b(?:has|have)\s+(?:been\s+)?\w+(?:ed|en|ne|un)\b|"
                     r"(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bnot )\b\w{3,}ed\s+(?:to|that|on|with|the|a|an)\b", re.I)


def provision_told_as_done(hans: str, english: str) -> list[Finding]:
    """A list point (a plan's provision, a demand, a measure) in the past tense when the
    Chinese says nothing of the past: "Ukraine has agreed…" for 乌克兰同意 in a draft plan."""
    done = EN_DONE.search(english)
    if done and not ZH_PAST.search(hans) and not EN_FUTURE.search(english):
        return [Finding("tense", f"“{done.group(0)}”: a listed point told as done; the Chinese has no past marker",
                        en=done.group(0))]
    return []


def bare_days(expected: list[Expectation], english: str) -> list[Finding]:
    """A day of the month that never got its month (the article has no date)."""
    months = "|".join(m for m in ("January February March April May June July August September "
                                  "October November December").split())
    return [Finding("day", f"“{e.zh}”: a day with no month (the article gives no date)", zh=e.zh)
            for e in expected if e.kind == "day" and not re.search(months, english)]


def dropped(reliance: list[tuple[str, float]], threshold: float) -> list[Finding]:
    """Chinese the English does not depend on: leaving it out of the model's input barely
    changes how likely the English is."""
    return [Finding("dropped", f"“{text}” seems to be missing from the English", zh=text)
            for text, loss in reliance if loss < threshold]


def unsensed_words(unsensed: list[tuple[str, str]]) -> list[Finding]:
    """Words none of whose dictionary senses is in the English (Translation.unsensed):
    translated in a sense the dictionary does not know (環比 "in the ring"), or left out."""
    return [Finding("sense", f"{zh}: {meaning}? not in the English", zh=zh) for zh, meaning in unsensed]


def short_english(zh: str, english: str, minimum: float) -> list[Finding]:
    """An English span far shorter than its Chinese: content dropped, or cut into the next row."""
    chars = len(HAN.findall(zh))
    if chars >= 8 and len(english) < minimum * chars:
        return [Finding("short", f"{len(english)} English characters for {chars} Chinese: something may be missing")]
    return []
