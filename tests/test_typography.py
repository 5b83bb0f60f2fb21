"""House style of the English shown: curly quotes, one date order per brief, whole dollar signs."""
from __future__ import annotations

import pytest

from pipeline.lang.typography import date_order, house_style


@pytest.mark.parametrize("text, order, styled", [
    ('He said "we will" and left.', "day-month", "He said “we will” and left."),
    ("Ukraine's \"positive timetable\"", "day-month", "Ukraine’s “positive timetable”"),
    ("(\"quoted\")", "day-month", "(“quoted”)"),
    ("Already “curly” and ‘single’.", "day-month", "Already “curly” and ‘single’."),
    ("reported on November 20 that", "day-month", "reported on 20 November that"),
    ("on November 21st, 2025, Kyiv", "day-month", "on 21 November 2025, Kyiv"),
    ("by 27 November", "month-day", "by November 27"),
    ("on 20 November 2025 in Kyiv", "month-day", "on November 20, 2025 in Kyiv"),
    # Not dates of one day: a month and year, a range, a count.
    ("in November 2025", "day-month", "in November 2025"),
    ("from November 20-21", "day-month", "from November 20-21"),
    ("the 2-20 November talks", "month-day", "the 2-20 November talks"),
    # A dollar sign the model's pieces split from its country.
    ("revenue of NT $989.92 billion, HK $3 million", "day-month", "revenue of NT$989.92 billion, HK$3 million"),
    ("NT $ and US $ alone, or $5", "day-month", "NT $ and US $ alone, or $5"),
    # Dollars the model is given spelled out, as news writes them; not a currency's name alone.
    ("about 420 million New Taiwan dollars and 3.5 billion Hong Kong dollars", "day-month",
     "about NT$420 million and HK$3.5 billion"),
    ("the Hong Kong dollar's peg", "day-month", "the Hong Kong dollar’s peg"),
])
def test_house_style(text: str, order: str, styled: str) -> None:
    assert house_style(text, order) == styled


def test_date_order_follows_the_brief_and_prefers_day_first_on_a_tie() -> None:
    assert date_order(["on November 20", "on November 21", "by 27 November"]) == "month-day"
    assert date_order(["on November 20", "by 27 November"]) == "day-month"
    assert date_order(["no dates here"]) == "day-month"
