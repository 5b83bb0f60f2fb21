"""Stage 6, render: an aligned article → side-by-side HTML page and PDF briefs.

Jinja templates (with autoescape, so text from a source can never become markup)
live in templates/, apart from the code, as Pelican keeps themes. The PDF is the
print template laid out by WeasyPrint; its url_fetcher only serves files from
templates/, so a build never reaches the network. PDFs are PDF/UA-1 (tagged), carry the
article's own metadata and dates, and are the same bytes each time they are built.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from functools import cache
from pathlib import Path

import jinja2

from .align import AlignedDocument
from .quality import Report
from .scripts import SCRIPTS, Script
from .typography import date_order, house_style

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCRIPT_NAMES = {"zh-Hant": "繁體", "zh-Hans": "简体"}
MODEL_CREDIT = ("English by machine translation: OPUS-MT (Tiedemann & Thottingal, EAMT 2020), "
                "licensed CC BY 4.0, in the Argos Translate package {model}. Names checked against "
                "CC-CEDICT (MDBG, CC BY-SA 4.0).")
FIRST_TO_CHECK = 10  # rows listed at the top of the page; the rest are marked where they stand
# A brief that reproduces an outlet's text names it; a file name is no outlet.
UNKNOWN_OUTLET = "outlet not named in the source"
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
                       review_state=review_state)
    env.filters["longdate"] = long_date
    env.filters["english"] = house_style
    return env


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
        "outlet": doc.meta.credit or UNKNOWN_OUTLET,
        "model_credit": MODEL_CREDIT.format(model=doc.model),
        "pdf_name": lambda script: pdf_name(doc.slug, script),
    }


def pdf_name(slug: str, script: Script) -> str:
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
    metadata = [("author", doc.meta.author or doc.meta.credit or PRODUCT),
                ("description", f"Bilingual brief: {house_style(doc.title.en, brief_date_order(doc))}"),
                ("keywords", ", ".join(keywords(doc))),
                ("generator", PRODUCT)]
    if doc.meta.date:
        # The article's day, never the build's: the same article gives the same file.
        metadata += [("dcterms.created", doc.meta.date), ("dcterms.modified", doc.meta.date)]
    return metadata


def running_header(doc: AlignedDocument) -> str:
    """Date and outlet for the header of pages after the first; an unnamed outlet is left out."""
    return " · ".join(part for part in (long_date(doc.meta.date), doc.meta.credit) if part)


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
