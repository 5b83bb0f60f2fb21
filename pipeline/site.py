"""Stage 7, site: the index page and Atom feed that list every brief."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .align import AlignedDocument
from .render import environment, pdf_name
from .scripts import Script


@dataclass
class Entry:
    doc: AlignedDocument
    page: str                   # relative link to the brief's HTML page
    pdfs: dict[str, str]        # script → relative link to its PDF
    updated: str                # ISO timestamp of the brief's last build
    summary: str                # English of the first paragraph


def entry(doc: AlignedDocument, scripts: list[Script], built: float) -> Entry:
    lead = next((b for b in doc.blocks if b.kind == "paragraph"), None)
    return Entry(doc, f"{doc.slug}/index.html",
                 {s: f"{doc.slug}/{pdf_name(doc.slug, s)}" for s in scripts},
                 dt.datetime.fromtimestamp(built, dt.timezone.utc).isoformat(timespec="seconds"),
                 lead.en if lead else "")


def ordered(entries: list[Entry]) -> list[Entry]:
    """Newest article first; undated ones last, by title."""
    return sorted(entries, key=lambda e: (e.doc.meta.date or "", e.updated), reverse=True)


def render_index(entries: list[Entry]) -> str:
    return environment().get_template("index.html.j2").render(entries=ordered(entries))


def render_feed(entries: list[Entry], base_url: str) -> str:
    updated = max((e.updated for e in entries), default="1970-01-01T00:00:00+00:00")
    return environment().get_template("feed.xml.j2").render(
        entries=ordered(entries), base_url=base_url.rstrip("/") + "/", updated=updated)
