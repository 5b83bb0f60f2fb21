"""Stage 10, site: the index page, the Atom feed, the manifest and the checksums of every brief.

input: every build/<slug>/reviewed.json; output: build/index.html, feed.xml,
manifest.json, SHA256SUMS

Everything here is made from the briefs and their inputs, never from the clock, so the
same sources, corrections, glossary, templates and model give the same bytes: a
scheduled run with nothing new changes no file. A brief's "updated" time is when its
inputs last changed (the source and its corrections file): the commit time of a file
committed unchanged (a fresh clone's files all carry the clone's time), else the file's
own modification time, clamped to $SOURCE_DATE_EPOCH when that is set, as the
reproducible-builds convention asks.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.model.aligned import AlignedDocument
from pipeline.model.scripts import SCRIPTS, Script
from pipeline.stages.render import (
    UNKNOWN_OUTLET,
    brief_date_order,
    environment,
    headline_doubted,
    pdf_name,
    review_note,
    review_state,
)

MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
PAGE = "index.html"
FEED = "feed.xml"
# Feed and entry ids where no absolute BASE_URL is known: stable names, not addresses.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/news-briefs")


@dataclass
class Listing:
    doc: AlignedDocument
    page: str                   # relative link to the brief's HTML page
    pdfs: dict[str, str]        # script → relative link to its PDF
    lengths: dict[str, int]     # script → the PDF's size in bytes (the feed's enclosure length)
    updated: str                # ISO timestamp: when the brief's inputs last changed
    summary: str                # English of the first paragraph
    order: str                  # the date order its English is shown in (render.brief_date_order)


def is_absolute(base_url: str) -> bool:
    parts = urlsplit(base_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def entry(doc: AlignedDocument, folder: Path, scripts: list[Script]) -> Listing:
    """The site's record of one brief built in `folder`."""
    lead = next((b for b in doc.blocks if b.kind == "paragraph"), None)
    pdfs = {s: pdf_name(doc.slug, s) for s in scripts if (folder / pdf_name(doc.slug, s)).is_file()}
    inputs = [Path(p) for p in (doc.source, doc.corrections) if p]
    return Listing(doc, f"{doc.slug}/{PAGE}", {s: f"{doc.slug}/{name}" for s, name in pdfs.items()},
                 {s: (folder / name).stat().st_size for s, name in pdfs.items()},
                 iso(changed_at(inputs)), lead.en if lead else "", brief_date_order(doc))


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc).isoformat(timespec="seconds")


def changed_at(paths: list[Path]) -> float:
    """When the newest of `paths` last changed (see the module docstring)."""
    times = [_committed(p) or p.stat().st_mtime for p in paths if p.is_file()]
    latest = max(times, default=0.0)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        latest = min(latest, float(os.environ["SOURCE_DATE_EPOCH"]))
    return latest


def _committed(path: Path) -> float | None:
    """The last commit time of `path` if git has it committed and unmodified, else None."""
    folder = path.resolve().parent
    changed, times = _git_times(folder)
    name = path.resolve().name
    return None if name in changed else times.get(name)


@cache
def _git_times(folder: Path) -> tuple[frozenset[str], dict[str, float]]:
    """(files modified or untracked, last commit time of each committed file) in `folder`,
    from two git calls for the whole folder; nothing when it is not in a git work tree."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(folder), "-c", "core.quotepath=false", *args, "--", "."],
                              capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else ""
    changed = frozenset(Path(item[3:]).name for item in git("status", "--porcelain", "-z", "--no-renames",
                                                              "--untracked-files=all").split("\0") if item)
    times: dict[str, float] = {}
    stamp = 0.0
    for line in git("log", "--format=%x00%ct", "--name-only", "--relative").splitlines():
        if line.startswith("\0"):
            stamp = float(line[1:])
        elif line and "/" not in line:
            times.setdefault(line, stamp)  # newest first: the first time seen is the last commit
    return changed, times


def ordered(entries: list[Listing]) -> list[Listing]:
    """Newest article first; undated ones last, by title."""
    return sorted(entries, key=lambda e: (e.doc.meta.date or "", e.updated), reverse=True)


def render_index(entries: list[Listing]) -> str:
    return environment().get_template("index.html.j2").render(entries=ordered(entries))


def render_feed(entries: list[Listing], base_url: str) -> str:
    """Atom (RFC 4287): ids are absolute addresses under an absolute `base_url`, else stable
    urn:uuid names (an id must be an absolute IRI and must never change)."""
    base = base_url.rstrip("/") + "/"
    absolute = is_absolute(base)

    def ident(path: str) -> str:
        return base + path if absolute else f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, path)}"

    updated = max((e.updated for e in entries), default=iso(0))
    return environment().get_template("feed.xml.j2").render(
        entries=ordered(entries), base_url=base, updated=updated, ident=ident)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def glossary_version(files: list[Path], doc: AlignedDocument) -> str:
    """The terms a brief was made with: the glossary files and the article's own terms."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    digest.update(json.dumps(doc.meta.glossary, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def manifest(entries: list[Listing], digests: dict[str, str], glossaries: list[Path],
             model_sha256: str) -> dict[str, object]:
    """What each published brief is and was made with (the model file's checksum given),
    and the sha256 of each of its outputs (`digests`: path → sha256)."""
    briefs = []
    for e in ordered(entries):
        doc = e.doc
        reviewed, rows = doc.reviewed()
        outputs = [e.page, *e.pdfs.values()]
        title: dict[str, str] = {**{s: doc.title.zh(s) for s in SCRIPTS}, "en": doc.title.en}
        briefs.append({
            "slug": doc.slug,
            "title": title,
            "date": doc.meta.date, "outlet": doc.meta.credit or UNKNOWN_OUTLET, "author": doc.meta.author,
            "url": doc.meta.url, "language": doc.meta.language or doc.script, "updated": e.updated,
            "model": {"name": doc.model, "sha256": model_sha256},
            "glossary": glossary_version(glossaries, doc),
            "review": {"state": review_state(doc), "note": review_note(doc), "reviewed_rows": reviewed, "rows": rows,
                       "headline_doubted": headline_doubted(doc)},
            "outputs": {path: digests[path] for path in outputs},
        })
    return {"briefs": briefs}


def checksums(digests: dict[str, str]) -> str:
    """`sha256sum -c` input for the published files (path → sha256, paths relative to the build folder)."""
    return "".join(f"{digest}  {path}\n" for path, digest in digests.items())
