"""Bilingual news-brief publisher.

Stages, one module each, in the order data flows:
read (source → Document) → scripts (zh-Hant/zh-Hans forms) → segment (sentences,
clauses) → translate (English via CTranslate2) → align (clause ↔ English) →
render (HTML page, PDF briefs) → site (index and feed).
"""
