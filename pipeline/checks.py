"""What a clause's English must carry, and the checks that find where it does not.

Used twice: the translate stage picks, among the model's best hypotheses, the first
that passes; the quality stage reports what still fails, clause by clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import Glossary
from .numbers import mentions

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LOOP = re.compile(r"\b((?:\S+\s+){0,3}?\S+)(?:\s+\1\b){2,}", re.IGNORECASE)
RATIO_RANGE = (0.9, 8.0)  # English characters per Chinese character, for sentences of 8+ characters


@dataclass
class Expectation:
    """Something in the Chinese that the English must show, in one of `forms`."""

    zh: str
    kind: str        # glossary kind (person, place, org, term) or number kind (date, amount…)
    expected: str    # the English an editor should look for
    forms: list[str]  # regular expressions, any of which is enough

    def found_in(self, english: str) -> bool:
        return any(re.search(f, english, re.IGNORECASE) for f in self.forms)


def expectations(hans: str, glossary: Glossary) -> list[Expectation]:
    """Glossary terms and numbers in a clause's zh-Hans text (dates already completed)."""
    found = [Expectation(zh_term.zh, zh_term.kind, zh_term.en,
                         [rf"(?<!\w){re.escape(a)}(?!\w)" if a[-1:].isalnum() else re.escape(a)
                          for a in zh_term.accepted])
             for _, _, zh_term in glossary.find(hans)]
    found += [Expectation(m.zh, m.kind, m.display, m.forms) for m in mentions(hans)]
    return found


def missing(expected: list[Expectation], english: str) -> list[Expectation]:
    return [e for e in expected if not e.found_in(english)]


def cjk_left(english: str) -> str:
    return "".join(CJK.findall(english))


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
