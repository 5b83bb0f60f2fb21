"""Chinese scripts: OpenCC's conversions between Traditional and Simplified, by region."""
from __future__ import annotations

from functools import cache

import opencc

from pipeline.model.scripts import Script

# (source region) -> (config to Simplified, config to Traditional)
CONFIGS = {
    "TW": ("tw2s", "s2tw"),
    "HK": ("hk2s", "s2hk"),
    "MO": ("hk2s", "s2hk"),
    "": ("t2s", "s2t"),
}


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(f"{config}.json")


def detect_script(text: str) -> Script:
    """Traditional if making it Simplified changes more characters than the reverse."""
    to_hans = sum(a != b for a, b in zip(text, converter("t2s").convert(text)))
    to_hant = sum(a != b for a, b in zip(text, converter("s2t").convert(text)))
    return "zh-Hant" if to_hans > to_hant else "zh-Hans"
