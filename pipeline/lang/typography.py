"""House style for the English a reader sees: one kind of quotation mark, one date order,
currency symbols written whole.

The model writes straight quotes in one sentence and curly ones in the next, "November
20" here and "20 November" there. A brief set in one style reads as edited, so the
page, the PDFs and the feed show the English through `house_style`. The stage files
keep the English as the model or the editor wrote it: the checks judge that, and an
editor's correction is published with only these marks and this order changed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")
# "November 20", "November 20th", "November 20, 2025"; not "November 2025" or "November 20-21".
MONTH_DAY = re.compile(rf"\b({MONTHS}) (\d{{1,2}})(?:st|nd|rd|th)?\b(?![-–]\d)(?:,? (\d{{4}})\b)?")
# "20 November", "20th November 2025"; not "2-20 November".
DAY_MONTH = re.compile(rf"(?<![-–\d])\b(\d{{1,2}})(?:st|nd|rd|th)? ({MONTHS})\b(?: (\d{{4}})\b)?")
# The model's pieces split a prefixed dollar sign from its country: "NT $989.92 billion".
DOLLAR = re.compile(r"\b(NT|HK|US|A|C|S|NZ) \$(?=\d)")
# Dollars the model is given spelled out (numbers.CURRENCIES), written as news writes them.
SPELLED = {"New Taiwan": "NT$", "Hong Kong": "HK$", "Australian": "A$", "Canadian": "C$", "Singapore": "S$"}
SPELLED_DOLLARS = re.compile(r"\b(\d[\d,]*(?:\.\d+)?(?: (?:thousand|million|billion|trillion))?) "
                             rf"({'|'.join(SPELLED)}) dollars?\b")
OPENS_AFTER = " \t\n([{—–-/“‘"  # a quote after these (or at the start) opens


def date_order(texts: Iterable[str]) -> str:
    """The order most of `texts` already use: "day-month" or "month-day" (a tie: day first,
    as most English-language news agencies outside the US write it)."""
    text = "\n".join(texts)
    return "month-day" if len(MONTH_DAY.findall(text)) > len(DAY_MONTH.findall(text)) else "day-month"


def _dates(text: str, order: str) -> str:
    if order == "day-month":
        return MONTH_DAY.sub(lambda m: f"{m[2]} {m[1]}" + (f" {m[3]}" if m[3] else ""), text)
    return DAY_MONTH.sub(lambda m: f"{m[2]} {m[1]}" + (f", {m[3]}" if m[3] else ""), text)


def _quotes(text: str) -> str:
    """Straight quotes made curly: opening at the start or after a space or bracket, else closing."""
    out = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        if char == '"':
            out.append("“" if before in OPENS_AFTER else "”")
        elif char == "'":
            out.append("‘" if before in OPENS_AFTER and i + 1 < len(text) and text[i + 1].isalpha() else "’")
        else:
            out.append(char)
    return "".join(out)


def house_style(text: str, order: str = "day-month") -> str:
    """`text` with curly quotes, its dates in `order` (see date_order) and NT$, HK$, US$
    written as one symbol before the amount."""
    text = SPELLED_DOLLARS.sub(lambda m: SPELLED[m[2]] + m[1], _dates(_quotes(text), order))
    return DOLLAR.sub(r"\1$", text)
