"""The shape of build/<slug>/names.json: the names an article holds beyond the glossary,
each with its English."""
from __future__ import annotations

from dataclasses import dataclass, field


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
