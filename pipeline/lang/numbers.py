"""Numbers and dates in Chinese news, and what their English must contain.

Two jobs, both pure functions:
- `complete_dates`: a bare day of the month (20日) becomes a full date (11月20日) using
  the article's date, so the model no longer reads it as "20 days"; a day after the
  article's day is last month's, unless it is a deadline (27日前) or future (將於28日).
- `mentions`: every Arabic number in a text with the English forms that would carry
  it (60萬 → 600,000 or 600 thousand; 1000億美元 → 100 billion; 11月20日 → November 20
  or 20 November; 27日前 → by/before the 27th…), to check a translation against;
- `write_amounts`: amounts of a million or more in English words for the model.
Chinese-character numerals (兩名, 五分之一) are left to the model and not checked.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty"]
ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
            "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
MULTIPLIERS = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8, "千萬": 10**7, "千万": 10**7,
               "百萬": 10**6, "百万": 10**6, "萬億": 10**12, "万亿": 10**12}
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))
# How an amount in a currency is written for the model, before and after the number.
# The Chinese names it before the number (新台币9899.2亿元) or after (9899.2亿元新台币,
# 3.5亿港元); 元 alone is the local currency (LOCAL). A dollar other than the US one is
# spelled out: given "NT$420 million" or "HK$420 million" the model wrote a bare "$420
# million" in 2 and 1 of 5 news sentences, given "420 million New Taiwan dollars" (Hong
# Kong dollars) never; the page writes them NT$ and HK$ again (typography.house_style).
CURRENCIES = {"美元": ("$", ""), "美金": ("$", ""), "港元": ("", " Hong Kong dollars"),
              "港币": ("", " Hong Kong dollars"), "新台币": ("", " New Taiwan dollars"),
              "台币": ("", " New Taiwan dollars"), "人民币": ("", " yuan"), "欧元": ("", " euros"),
              "日元": ("", " yen"), "日圆": ("", " yen"), "英镑": ("£", ""), "澳门元": ("", " Macau patacas"),
              "澳门币": ("", " Macau patacas"), "韩元": ("", " won"), "澳元": ("", " Australian dollars"),
              "新加坡元": ("", " Singapore dollars"), "加元": ("", " Canadian dollars")}
US_DOLLARS = {"美元", "美金"}
# 元 alone, by the article's region (document.region_of): a Taiwan paper's 元 is the
# New Taiwan dollar, a Hong Kong one's the Hong Kong dollar (Macau's pataca is read as
# Hong Kong's: the regions do not tell them apart).
LOCAL = {"cn": ("", " yuan"), "tw": CURRENCIES["新台币"], "hk": CURRENCIES["港币"]}
# A trillion stays in Chinese: the model drops an English "trillion" (given "15.4 trillion
# yuan" it wrote "15.4 yuan" in 31 of 40 news sentences made for the test, given 15.4万亿元
# 人民币 in 11, with the currency right in all 40). A currency it reads right in Chinese is
# named in Chinese (bare 万亿元 came out "$" in 24 of 40), another in English after 万亿
# ("3万亿元新台币" was "$3 trillion" in 40 of 40, "3万亿 New Taiwan dollars" never).
TRILLION = "万亿"
READ_IN_CHINESE = {"人民币": "元人民币", "港元": "港元", "港币": "港元", "美元": "美元", "美金": "美元",
                   "欧元": "欧元", "日元": "日元", "日圆": "日元", "英镑": "英镑"}
LOCAL_NAME = {"cn": "人民币", "tw": "新台币", "hk": "港元"}
DEADLINE = r"(?:之前|以前|前)"
FUTURE_MARKERS = ("將", "将", "要", "預計", "预计", "截至", "最遲", "最迟")
NUM = r"(?<![A-Za-z0-9.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # 2,000 or 2000.5

# Order matters: full dates before bare days, multiplied amounts before plain numbers.
PATTERNS = [
    ("date", re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日號号](" + DEADLINE + r")?")),
    ("day", re.compile(r"(?<![\d月])(\d{1,2})[日號号](" + DEADLINE + r")?")),
    ("month", re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?![\d份])")),
    ("year", re.compile(r"(\d{4})年(?!\d*[月代])")),
    ("percent", re.compile(NUM + r"\s*[%％]")),
    ("ordinal", re.compile(r"第(\d+)")),
    ("amount", re.compile(NUM + r"(萬億|万亿|千萬|千万|百萬|百万|萬|万|億|亿)")),
    ("number", re.compile(NUM + r"(?![A-Za-z])")),
]


@dataclass
class Mention:
    """A number in the Chinese and the English that may render it (regex alternatives)."""

    zh: str
    kind: str
    forms: list[str]
    display: str  # what an editor should expect to read, for the quality report

    def found_in(self, english: str) -> bool:
        return any(re.search(form, english, re.IGNORECASE) for form in self.forms)


def complete_dates(text: str, article_date: str) -> str:
    """Give bare days (20日) the article's month, so they read as dates, not durations."""
    if not article_date:
        return text
    today = dt.date.fromisoformat(article_date)

    def month_of(match: re.Match[str]) -> str:
        day, deadline = int(match.group(1)), match.group(2)
        before = text[max(0, match.start() - 4): match.start()]
        future = bool(deadline) or any(m in before for m in FUTURE_MARKERS)
        year, month = today.year, today.month
        if future and day < today.day:
            year, month = (year + (month == 12), month % 12 + 1)
        elif not future and day > today.day:
            year, month = (year - (month == 1), (month - 2) % 12 + 1)
        if not 1 <= day <= 31:
            return match.group(0)
        return f"{month}月{match.group(0)}"

    return PATTERNS[1][1].sub(month_of, text)


_NAMED = "|".join(sorted(CURRENCIES, key=len, reverse=True))
AMOUNT = re.compile(f"({_NAMED})?" + NUM + f"(万亿|千万|百万|万|亿)?(元?)({_NAMED})?")


def write_amounts(hans: str, region: str = "cn") -> str:
    """Write amounts of a million or more in English words (570.06亿美元 → $57.006 billion)
    for the model, where it slips: a decimal in 亿 or 万 loses a power of ten ("$5,706
    million"), a currency other than the US dollar becomes one (12.5亿元, 3000亿元 →
    "$300 billion") or is written twice (9899.2亿元新台币 → "989.92 billion yuannTD"), so
    the currency named before or after the number goes into the English with it. Whole US
    dollars and bare counts (1000亿美元, 14亿人) it reads right, and written in English
    they change the words around them: those are left alone. A trillion stays in Chinese
    with its currency named (see TRILLION)."""
    def english(match: re.Match[str]) -> str:
        before_name, number, unit, yuan, after_name = match.groups()
        named = before_name or after_name
        dollar = named if named in DOLLAR_NAMES else LOCAL_NAME.get(region) if yuan and not named else None
        if dollar in DOLLAR_NAMES and unit != TRILLION:
            # Any amount of a dollar but the US one: given 新台币4万元 the model wrote "$40,000" in
            # 40 of 40 test sentences, given "40,000 New Taiwan dollars" never.
            value = _value(number, unit) if unit else Decimal(number.replace(",", ""))
            return f"{_spoken(value)}{CURRENCIES[dollar][1]}"
        if not unit:
            return match.group(0)
        if unit == TRILLION:
            currency = named or (LOCAL_NAME.get(region, "人民币") if yuan else "")
            if not currency:
                return match.group(0)
            return number + TRILLION + READ_IN_CHINESE.get(currency, CURRENCIES[currency][1])
        value = _value(number, unit)
        slips = "." in number or (named not in US_DOLLARS if named else bool(yuan))
        if value < 10**6 or not slips:
            return match.group(0)
        before, after = CURRENCIES[named] if named else LOCAL.get(region, LOCAL["cn"]) if yuan else ("", "")
        return f"{before}{_spoken(value)}{after}"
    return AMOUNT.sub(english, hans)


# A dollar named with no amount (新台币走贬, the New Taiwan dollar's fall), written in English
# for the model as amounts are: read alone, 新台币 came out "the new bill".
DOLLAR_NAMES = {zh: after.strip()[:-1] for zh, (_, after) in CURRENCIES.items() if after.endswith(" dollars")}
BARE_DOLLAR = re.compile("|".join(sorted(DOLLAR_NAMES, key=len, reverse=True)))


def write_currencies(hans: str) -> str:
    """`hans` with each dollar other than the US one that no amount took written in English."""
    return BARE_DOLLAR.sub(lambda m: _spaced(m.string, m.start(), m.end(), DOLLAR_NAMES[m.group(0)]), hans)


def _spaced(text: str, start: int, end: int, english: str) -> str:
    """`english` to put in text[start:end], spaced from Latin letters and digits beside it."""
    before = " " if text[start - 1:start].isascii() and text[start - 1:start].isalnum() else ""
    after = " " if text[end:end + 1].isascii() and text[end:end + 1].isalnum() else ""
    return before + english + after


def mentions(text: str) -> list[Mention]:
    """Every checkable number in `text`, each character counted once."""
    found: list[Mention] = []
    taken = [False] * len(text)
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(taken[match.start():match.end()]):
                continue
            mention = _mention(kind, match)
            if mention:
                found.append(mention)
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
    return found


def _mention(kind: str, m: re.Match[str]) -> Mention | None:
    zh = m.group(0)
    if kind == "date":
        year, month, day, deadline = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        if not 1 <= month <= 12:
            return None
        forms = _date_forms(MONTHS[month - 1], day, bool(deadline))
        display = f"{'by ' if deadline else ''}{MONTHS[month - 1]} {day}{', ' + year if year else ''}"
        mention = Mention(zh, kind, forms, display)
        return _with_year(mention, year)
    if kind == "day":
        day, deadline = int(m.group(1)), m.group(2)
        # "the 20th" or "20th", never a bare "20": "Associated Press 20," is not a date.
        day_re = rf"(?:the\s+)?{day}(?:st|nd|rd|th)\b"
        prefix = r"(?:by|before|until|no later than)\s+" if deadline else ""
        return Mention(zh, kind, [rf"{prefix}{day_re}", rf"{prefix}(?:{'|'.join(MONTHS)})\s+{day}\b"],
                       f"{'by ' if deadline else ''}the {_ordinal(day)}")
    if kind == "month":
        year, month = m.group(1), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        return _with_year(Mention(zh, kind, [MONTHS[month - 1], MONTHS[month - 1][:3] + r"\."],
                                  MONTHS[month - 1]), year)
    if kind == "year":
        return Mention(zh, kind, [rf"\b{m.group(1)}\b"], m.group(1))
    if kind == "percent":
        n = m.group(1).replace(",", "")
        return Mention(zh, kind, [rf"{re.escape(n)}\s*(?:%|per\s*cent|percent)"], f"{n}%")
    if kind == "ordinal":
        n = int(m.group(1))
        forms = [rf"\b{n}(?:st|nd|rd|th)\b", rf"\b{n}\b"]
        if n < len(ORDINALS):
            forms.append(rf"\b{ORDINALS[n]}\b")
        return Mention(zh, kind, forms, _ordinal(n))
    if kind == "amount":
        value = _value(m.group(1), m.group(2))
        return Mention(zh, kind, _amount_forms(value), _spoken(value))
    n = m.group(1).replace(",", "")
    forms = [_number_re(n)]
    if n.isdigit() and int(n) < len(WORDS):
        forms.append(rf"\b{WORDS[int(n)]}\b")
    return Mention(zh, kind, forms, n)


def _with_year(mention: Mention, year: str | None) -> Mention:
    if year:
        mention.forms = [rf"(?=.*\b{year}\b).*(?:{'|'.join(mention.forms)})"]
        mention.display += f" {year}" if mention.kind == "month" else ""
    return mention


def _date_forms(month: str, day: int, deadline: bool) -> list[str]:
    prefix = r"(?:by|before|until|no later than)\s+(?:the\s+)?" if deadline else ""
    suffix = r"(?:st|nd|rd|th)?\b"
    return [rf"{prefix}{month}\s+{day}{suffix}", rf"{prefix}{day}{suffix}\s+(?:of\s+)?{month}",
            rf"{prefix}{month[:3]}\.?\s+{day}{suffix}"]


def _number_re(n: str) -> str:
    """An Arabic number as it may appear in English: with or without thousands commas."""
    whole, _, frac = n.partition(".")
    grouped = f"{int(whole):,}".replace(",", ",?")
    return rf"(?<![\d.,]){grouped}{re.escape('.' + frac) + '0*' if frac else ''}(?![\d])"  # 31.91 = 31.910


def _amount_forms(value: Decimal) -> list[str]:
    """The digits, or the largest scale word that fits: 570.06亿 is 57.006 billion, never
    "57,006 million" (an editor reads the scale first)."""
    forms = [_number_re(_plain(value))]
    for scale, word in (*SCALES, (10**3, "thousand")):
        if value >= scale:
            forms.append(rf"{_number_re(_plain(value / scale))}\s*{word}")
            if scale >= 10**6:
                break
    return forms


def _value(number: str, unit: str) -> Decimal:
    """Exact, so 570.06亿 is 57006000000 and not 57005999999.999992."""
    return Decimal(number.replace(",", "")) * MULTIPLIERS[unit]


def _plain(value: Decimal | float) -> str:
    """Digits without an exponent or trailing zeros: Decimal('31.910') → '31.91'."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _spoken(value: Decimal) -> str:
    """600000 → '600,000'; 1e11 → '100 billion'."""
    for scale, word in SCALES:
        if value >= scale:
            return f"{_plain(value / scale)} {word}"
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
