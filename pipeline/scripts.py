"""Stage 2, scripts: every block in Traditional (zh-Hant) and Simplified (zh-Hans).

OpenCC's own configurations do the conversion; the source text is kept verbatim
beside both forms. Which configuration is used depends on where the text comes from:
Taiwan and Hong Kong text converts with their regional phrase tables, so 資料 becomes
数据 for Simplified readers (and for the model, which reads Simplified best).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import opencc

from .document import Document, Meta

Script = Literal["zh-Hant", "zh-Hans"]
SCRIPTS: tuple[Script, ...] = ("zh-Hant", "zh-Hans")

# (source region) -> (config to Simplified, config to Traditional)
CONFIGS = {
    "TW": ("tw2s", "s2tw"),
    "HK": ("hk2s", "s2hk"),
    "MO": ("hk2s", "s2hk"),
    "": ("t2s", "s2t"),
}


@dataclass
class Texts:
    """One piece of text in its source form and in both scripts."""

    original: str
    hant: str
    hans: str

    def get(self, script: Script) -> str:
        return self.hant if script == "zh-Hant" else self.hans


@dataclass
class ScriptedBlock:
    kind: str
    level: int
    label: str
    credit: Texts
    text: Texts


@dataclass
class ScriptedDocument:
    slug: str
    source: str
    meta: Meta
    script: Script               # the script the source is written in
    configs: dict[str, str]      # OpenCC configuration used to make each script
    title: Texts
    blocks: list[ScriptedBlock]


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(f"{config}.json")


def source_script(doc: Document) -> tuple[Script, str]:
    """The script and region of the source: from its `language`, else from the text."""
    subtags = doc.meta.language.split("-")[1:]
    region = next((t.upper() for t in subtags if len(t) == 2), "")
    if "Hant" in subtags or region in ("TW", "HK", "MO"):
        return "zh-Hant", region if region in CONFIGS else ""
    if "Hans" in subtags or region in ("CN", "SG"):
        return "zh-Hans", ""
    return detect_script(" ".join(b.text for b in doc.blocks)), ""


def detect_script(text: str) -> Script:
    """Traditional if making it Simplified changes more characters than the reverse."""
    to_hans = sum(a != b for a, b in zip(text, converter("t2s").convert(text)))
    to_hant = sum(a != b for a, b in zip(text, converter("s2t").convert(text)))
    return "zh-Hant" if to_hans > to_hant else "zh-Hans"


def convert(doc: Document) -> ScriptedDocument:
    """Give every block and the title both script forms, keeping the original."""
    script, region = source_script(doc)
    to_hans, to_hant = CONFIGS[region]
    configs = {"zh-Hans": to_hans} if script == "zh-Hant" else {"zh-Hant": to_hant}

    def texts(original: str) -> Texts:
        if script == "zh-Hant":
            return Texts(original, original, converter(to_hans).convert(original))
        return Texts(original, converter(to_hant).convert(original), original)

    return ScriptedDocument(
        slug=doc.slug,
        source=doc.source,
        meta=doc.meta,
        script=script,
        configs=configs,
        title=texts(doc.meta.title),
        blocks=[ScriptedBlock(b.kind, b.level, b.label, texts(b.credit), texts(b.text))
                for b in doc.blocks],
    )
