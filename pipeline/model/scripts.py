"""The shape of build/<slug>/scripts.json: every text in its source form and in both scripts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.model.document import Meta

Script = Literal["zh-Hant", "zh-Hans"]
SCRIPTS: tuple[Script, ...] = ("zh-Hant", "zh-Hans")


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
