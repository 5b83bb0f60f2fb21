"""Stage 6, render: an aligned article → side-by-side HTML page and PDF briefs.

Jinja templates (with autoescape, so text from a source can never become markup)
live in templates/, apart from the code, as Pelican keeps themes. The PDF is the
print template laid out by WeasyPrint; its url_fetcher only serves files from
templates/, so a build never reaches the network.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import jinja2

from .align import AlignedDocument
from .quality import Report
from .scripts import SCRIPTS, Script

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
    return env


def long_date(iso: str) -> str:
    """2025-11-21 → '21 November 2025'; empty stays empty."""
    return dt.date.fromisoformat(iso).strftime("%-d %B %Y") if iso else ""


def context(doc: AlignedDocument) -> dict[str, object]:
    return {
        "doc": doc,
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


def render_print_html(doc: AlignedDocument, script: Script) -> str:
    return environment().get_template("brief-print.html.j2").render(**context(doc), script=script, marked=False)


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
    return html.write_pdf()
