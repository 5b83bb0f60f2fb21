"""Stage 9, render: an aligned article → side-by-side HTML page and PDF briefs.

input: build/<slug>/reviewed.json (+ quality.json for the page); output:
build/<slug>/index.html, build/<slug>/<slug>.zh-Hant.pdf and .zh-Hans.pdf

Jinja templates (with autoescape, so text from a source can never become markup)
live in templates/, apart from the code, as Pelican keeps themes. The PDF is the
print template laid out by WeasyPrint; its url_fetcher only serves files from
templates/, so a build never reaches the network. PDFs are PDF/UA-1 (tagged), carry the
article's own metadata and dates, and are the same bytes each time they are built.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from functools import cache
from pathlib import Path

import jinja2

from pipeline.code import TEMPLATES
from pipeline.lang.chinese import CONFIGS, converter
from pipeline.lang.glossary import Glossary, load
from pipeline.lang.romanize import NAME, PRESS_SYSTEMS, is_surname, romanize, split_name
from pipeline.lang.typography import date_order, house_style
from pipeline.lang.writing import region_of
from pipeline.model.aligned import AlignedDocument
from pipeline.model.quality import Report
from pipeline.model.scripts import SCRIPTS, Script

SCRIPT_NAMES = {"zh-Hant": "繁體", "zh-Hans": "简体"}
MODEL_CREDIT = ("English by machine translation: OPUS-MT (Tiedemann & Thottingal, EAMT 2020), "
                "licensed CC BY 4.0, in the Argos Translate package {model}. Names checked against "
                "CC-CEDICT (MDBG, CC BY-SA 4.0).")
FIRST_TO_CHECK = 10  # rows listed at the top of the page; the rest are marked where they stand
# A brief that reproduces an outlet's text names it; a file name is no outlet.
UNKNOWN_OUTLET = "outlet not named in the source"
# Where readers see the outlet spelled out (a footer, the feed's rights) and none is named.
NO_OUTLET = "outlet not named"
# After the English of a headline the checks doubt and no editor reviewed, wherever it goes.
DOUBTED_HEADLINE = "[unverified translation: may misstate the Chinese]"
NOT_REVIEWED = "Machine translation, not checked by a person"
REVIEWED = "Reviewed by an editor"
PRODUCT = "Bilingual news briefs"
# Glossary kinds that are names (not terms, numbers or dates): the PDF's keywords.
NAME_KINDS = frozenset({"person", "place", "org", "country", "region"})
KEYWORD_NAMES = 8


def review_note(doc: AlignedDocument) -> str:
    """How far a person has checked the English: none, some rows, or all of them."""
    reviewed, rows = doc.reviewed()
    if not reviewed:
        return NOT_REVIEWED
    return REVIEWED if reviewed == rows else f"{reviewed} of {rows} rows reviewed by an editor"


def headline_doubted(doc: AlignedDocument) -> bool:
    """Whether the checks doubt a row of the title that no editor has reviewed: the
    headline travels alone (index, feed, PDF metadata), without the rows that qualify it."""
    return any(row.reasons and not row.reviewed for row in doc.title.rows)


def headline(doc: AlignedDocument, order: str) -> str:
    """The English title as text, in house style, with its mark when doubted."""
    english = house_style(doc.title.en, order)
    return f"{english} {DOUBTED_HEADLINE}" if headline_doubted(doc) else english


def review_state(doc: AlignedDocument) -> str:
    """The same as a keyword (the feed's category, a CSS class)."""
    reviewed, rows = doc.reviewed()
    return "reviewed" if reviewed == rows else "partly-reviewed" if reviewed else "machine"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(script_names=SCRIPT_NAMES, scripts=SCRIPTS, review_note=review_note,
                       review_state=review_state, headline=headline, headline_doubted=headline_doubted,
                       doubted_headline=DOUBTED_HEADLINE, no_outlet=NO_OUTLET, outlet_line=outlet_line,
                       byline=byline)
    env.filters["longdate"] = long_date
    env.filters["english"] = house_style
    env.filters["for_readers"] = for_readers
    env.filters["credit_english"] = credit_english
    return env


# What a check found, told to readers: the kinds whose detail is the editor's workshop (a
# log-probability, a ratio, a count) get a plain sentence; the others are reworded from
# their detail. A kind not listed (a check added later) shows its detail as it is.
PLAIN_REASONS = {
    "score": "The translation model was unsure of this sentence.",
    "agreement": "The translation model's attempts at this sentence disagree.",
    "length": "The English is far longer or shorter than the Chinese.",
    "short": "The English is short for its Chinese: something may be missing.",
    "loop": "The English repeats itself.",
}
EXPECTED = re.compile(r"(?P<zh>.+) → expected (?P<en>.+)")
# kind → (its detail as quality.py words it for editors, the same for readers).
REWORDED = {
    "glossary": (EXPECTED, "The English lacks “{en}” for “{zh}”"),
    "number": (EXPECTED, "The English lacks the number {en} (“{zh}”)"),
    "entity": (re.compile(r"“(?P<en>.+)” is not in the Chinese.*"),
               "The English names “{en}”, which the Chinese does not mention"),
    "doubled": (re.compile(r"“(?P<en>.+)”: the same name twice"), "The English names one thing twice: “{en}”"),
    "modality": (re.compile(r"“(?P<zh>.+?)” \((?P<gloss>.+?)\) (?:is lost|has no verb of saying in the English): "
                            r"(?P<effect>.+)"), "The English lacks “{zh}” ({gloss}): {effect}"),
    "tense": (re.compile(r"“(?P<en>.+)”: a listed point told as done.*"),
              "The English tells this point as done (“{en}”); the Chinese does not"),
    "day": (re.compile(r"“(?P<zh>.+)”: a day with no month.*"),
            "“{zh}” is a day of the month; the article gives no month"),
    "sense": (re.compile(r"(?P<zh>.+?): (?P<meaning>.+)\? not in the English"),
              "“{zh}” ({meaning}) seems to be missing from the English"),
}


def for_readers(reasons: list[str], doc: AlignedDocument, script: Script) -> list[str]:
    """Each reason ("kind: detail", as quality.py words it for editors) as a sentence for
    readers, the Chinese it quotes (the checks read zh-Hans) in `script`, as the article's
    region writes Traditional (審核 for Taiwan, not 審覈)."""
    sentences = []
    for reason in reasons:
        kind, _, detail = reason.partition(": ")
        if kind in PLAIN_REASONS:
            sentences.append(PLAIN_REASONS[kind])
            continue
        pattern, wording = REWORDED.get(kind, (None, ""))
        found = pattern.fullmatch(detail) if pattern else None
        # A detail in another wording (a check reworded since) is shown as it is.
        text = wording.format(**found.groupdict()) if found else detail or reason
        if script == "zh-Hant":
            region = region_of(doc.meta.language, doc.script).upper()
            text = converter(CONFIGS.get(region, CONFIGS[""])[1]).convert(text)
        sentences.append(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
    return sentences


@cache
def _glossary(files: tuple[Path, ...], article: tuple[tuple[str, str], ...]) -> Glossary:
    return load(list(files), dict(article))


def in_english(zh: str, doc: AlignedDocument) -> str:
    """The glossary's English for `zh` (an outlet, a person), as the brief's terms give it:
    the built-in glossary, the project's beside the source, the article's own; "" if none."""
    project = Path(doc.source).parent / "glossary.tsv"  # the source folder's, as the Makefile's GLOSSARIES
    terms = _glossary((project,) if project.is_file() else (), tuple(sorted(doc.meta.glossary.items())))
    term = terms.terms.get(converter("t2s").convert(zh.strip()))
    return term.en if term else ""


def outlet_line(doc: AlignedDocument) -> str:
    """The outlet for English readers: its English beside the Chinese ("Xinhua (新华社)"),
    the Chinese alone when the glossary has no English for it, "" when none is named."""
    credit = doc.meta.credit.strip()
    english = in_english(credit, doc) if credit else ""
    return f"{english} ({credit})" if english else credit


# A byline that is one Chinese name, perhaps with a role after it: 李明 (记者), 陳士廉（editor）.
BYLINE = re.compile(rf"(?P<name>{NAME.pattern})\s*(?:[(（](?P<role>[^)）]*)[)）])?")


def byline(doc: AlignedDocument) -> str:
    """The byline for English readers: a Chinese name in the glossary's English, else
    romanized as the article's region writes it (names.py), the Chinese and the role kept
    beside it: 李明 (记者) → "Li Ming (李明, 记者)". Any other byline as written."""
    found = BYLINE.fullmatch(doc.meta.author.strip())
    if not found:
        return doc.meta.author
    name, role = found["name"], (found["role"] or "").strip()
    english = in_english(name, doc) or _romanized(name, doc)
    return f"{english} ({', '.join(p for p in (name, role) if p)})" if english else doc.meta.author


def _romanized(name: str, doc: AlignedDocument) -> str:
    """A person's name as the region's press spells it; "" for a region with no such
    spelling here (Hong Kong) or for what is no name (no surname first)."""
    system = PRESS_SYSTEMS.get(region_of(doc.meta.language, doc.script))
    if not system or not is_surname(split_name(name)[0]):
        return ""
    try:
        return romanize(name, system)
    except ValueError:  # a character pypinyin has no reading for
        return ""


# A dash before a photo credit's English, or a full stop after it, came from the source's
# punctuation ("- Associated Press", "Reuters."); an abbreviation's own stop ("U.S.") stays.
CREDIT_STRAY = re.compile(r"^[\s\-–—:：·]+|(?<!\.\w)[\s.。]+$")


def credit_english(english: str) -> str:
    """A photo credit's English without the stray marks the source's punctuation left."""
    return CREDIT_STRAY.sub("", english)


def long_date(iso: str) -> str:
    """2025-11-21 → '21 November 2025'; empty stays empty."""
    return dt.date.fromisoformat(iso).strftime("%-d %B %Y") if iso else ""


def brief_date_order(doc: AlignedDocument) -> str:
    """The one date order the brief's English is shown in (see typography)."""
    return date_order(row.en for row in doc.rows())


def context(doc: AlignedDocument) -> dict[str, object]:
    return {
        "doc": doc,
        "order": brief_date_order(doc),
        "outlet": outlet_line(doc),
        "model_credit": MODEL_CREDIT.format(model=doc.model),
        "pdf_name": lambda script: pdf_name(doc.slug, script),
    }


def pdf_name(slug: str, script: str) -> str:
    return f"{slug}.{script}.pdf"


def render_html(doc: AlignedDocument, pdf_scripts: list[Script], report: Report) -> str:
    """The web page: both scripts present, a switch chooses which one shows, rows to check
    marked, and the least trusted of them listed first at the top."""
    return environment().get_template("brief.html.j2").render(
        **context(doc), pdf_scripts=pdf_scripts, report=report, marked=True,
        first=report.rows_to_check[:FIRST_TO_CHECK])


def keywords(doc: AlignedDocument) -> list[str]:
    """The glossary's names in the article, most mentioned first, then what the brief is.
    Commas are dropped from names: WeasyPrint splits the keywords at commas."""
    mentions = Counter(e.expected.replace(",", "") for block in [doc.title, *doc.blocks]
                       for row in block.rows for e in row.expected if e.kind in NAME_KINDS)
    names = [name for name, _ in mentions.most_common(KEYWORD_NAMES)]
    return [*names, *([doc.meta.credit] if doc.meta.credit else []), "Chinese", "English",
            "machine translation"]


def print_metadata(doc: AlignedDocument) -> list[tuple[str, str]]:
    """(name, content) of the <meta> elements WeasyPrint copies into the PDF
    (weasyprint.html.get_html_metadata): author → Author, description → Subject,
    keywords → Keywords, generator → Creator, dcterms.created/modified → CreationDate/ModDate."""
    metadata = [("author", byline(doc) or outlet_line(doc) or PRODUCT),
                ("description", f"Bilingual brief: {headline(doc, brief_date_order(doc))}"),
                ("keywords", ", ".join(keywords(doc))),
                ("generator", PRODUCT)]
    if doc.meta.date:
        # The article's day, never the build's: the same article gives the same file.
        metadata += [("dcterms.created", doc.meta.date), ("dcterms.modified", doc.meta.date)]
    return metadata


def running_header(doc: AlignedDocument) -> str:
    """Date and outlet for the header of pages after the first; an unnamed outlet is left out."""
    return " · ".join(part for part in (long_date(doc.meta.date), outlet_line(doc)) if part)


def render_print_html(doc: AlignedDocument, script: Script) -> str:
    return environment().get_template("brief-print.html.j2").render(
        **context(doc), script=script, marked=False, metadata=print_metadata(doc),
        running=running_header(doc))


def pdf_identifier(slug: str, script: Script) -> bytes:
    """The permanent half of the PDF's /ID: one per brief and script, whatever its revision
    (the other half is the hash of the content)."""
    return hashlib.md5(pdf_name(slug, script).encode()).hexdigest().encode()


def local_only(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    """WeasyPrint url_fetcher that serves files under templates/ and nothing else."""
    import weasyprint

    if not url.startswith("file://") or not Path(url[7:]).resolve().is_relative_to(TEMPLATES):
        raise ValueError(f"not fetched (briefs are built offline): {url}")
    return weasyprint.default_url_fetcher(url, timeout, ssl_context)


def render_pdf(doc: AlignedDocument, script: Script) -> bytes:
    """An A4 brief in one script; WeasyPrint is imported only here, as it is slow to load."""
    import weasyprint

    html = weasyprint.HTML(string=render_print_html(doc, script), base_url=str(TEMPLATES) + "/",
                           url_fetcher=local_only)
    # PDF/UA-1 tags the structure (headings, table rows and cells, reading order) and shows
    # the title; WeasyPrint writes no time or random value of its own into it.
    return html.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(doc.slug, script))
