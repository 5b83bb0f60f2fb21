"""Stage 2, scripts: every block in Traditional (zh-Hant) and Simplified (zh-Hans).

input: build/<slug>/document.json; output: build/<slug>/scripts.json

OpenCC's own configurations do the conversion; the source text is kept verbatim
beside both forms. Which configuration is used depends on where the text comes from:
Taiwan and Hong Kong text converts with their regional phrase tables, so 資料 becomes
数据 for Simplified readers (and for the model, which reads Simplified best).
"""
from __future__ import annotations

from pipeline.lang.chinese import CONFIGS, converter, detect_script
from pipeline.model.document import Document
from pipeline.model.scripts import Script, ScriptedBlock, ScriptedDocument, Texts


def source_script(doc: Document) -> tuple[Script, str]:
    """The script and region of the source: from its `language`, else from the text."""
    subtags = doc.meta.language.split("-")[1:]
    region = next((t.upper() for t in subtags if len(t) == 2), "")
    if "Hant" in subtags or region in ("TW", "HK", "MO"):
        return "zh-Hant", region if region in CONFIGS else ""
    if "Hans" in subtags or region in ("CN", "SG"):
        return "zh-Hans", ""
    return detect_script(" ".join(b.text for b in doc.blocks)), ""


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
