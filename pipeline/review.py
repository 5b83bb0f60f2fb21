"""make review: the briefs served on 127.0.0.1 with the English editable.

An editor reads a brief row by row, the rows the checks doubt listed first with their
reasons, rewrites the English where it is wrong and saves. The edited rows (Chinese →
English) are merged into source/<slug>.corrections.tsv, written in one rename
(corrections.py), and the Makefile rebuilds that brief, so what the editor opens next
is the published page and PDFs, made exactly as `make` makes them: by Make's plan, run in
this process (runner.py), which keeps WeasyPrint loaded from one save to the next.

The server is Flask's (werkzeug), bound to loopback. A page from another site must not
write corrections through the editor's browser: a save carries a random token that only
the review page holds, and is refused when its Origin is another site's; the Host must
name this machine, so a page on a DNS name rebound to 127.0.0.1 cannot read the token.
Everything shown goes through the briefs' Jinja environment, which escapes.

A save is refused, before anything is written, unless it is what the page sends: a body
of at most MAX_BODY bytes holding one JSON object, one edit per row of the brief, each
row's text passing corrections.refusal; and the brief's article must still be there.
"""
from __future__ import annotations

import contextlib
import io
import secrets
import threading
from pathlib import Path

from flask import Flask, Response, abort, jsonify, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import make_server

from . import corrections, jsonio
from .align import AlignedDocument
from .errors import SourceError
from .quality import Report
from .render import environment, pdf_name, review_note
from .scripts import SCRIPTS

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Review-Token"
# The largest save body. Every row of the longest brief in the test build (115 rows) saved
# at once is 14 KB; 1 MiB is seventy times that, and holds 115 rows of English at
# corrections.MAX_ROW characters (575 KB).
MAX_BODY = 1 << 20


def pdf_scripts(make_args: list[str]) -> list[str]:
    """The scripts the build makes PDFs in: the last SCRIPTS=… given, as make reads it."""
    given = [arg.partition("=")[2].split() for arg in make_args if arg.startswith("SCRIPTS=")]
    return given[-1] if given else list(SCRIPTS)


def _named(zh: str) -> str:
    """A row as an error names it: its Chinese, as the page shows it, cut short."""
    return f"the row 「{zh[:20]}{'…' if len(zh) > 20 else ''}」"


def refusal(edits: object, rows: set[str]) -> str:
    """Why a save's body is not {a row's Chinese, as written: its new English} for the
    rows whose keys are `rows`, at most one edit a row, naming the row; "" when it is."""
    if not (isinstance(edits, dict) and edits):
        return "expected {a row's Chinese, as written: its new English}"
    edited: set[str] = set()
    for zh, en in edits.items():
        if (row := corrections.key(zh)) not in rows:
            return f"{_named(zh)} is not a row of this brief"
        if row in edited:
            return f"{_named(zh)} is edited twice"
        if not isinstance(en, str):
            return f"{_named(zh)}: the English is not text"
        if not (english := corrections.clean(en)):
            return f"{_named(zh)}: the English is empty"
        if problem := corrections.refusal(zh, "Chinese") or corrections.refusal(english, "English"):
            return f"{_named(zh)}: {problem}"
        edited.add(row)
    return ""


def rebuild(source_dir: Path, build: Path, slug: str, make_args: list[str], python: str) -> tuple[int, str]:
    """The brief's page and PDFs, then the index that lists it, rebuilt as `make` would,
    in this process and one job at a time (a threaded server forks no workers): the exit
    status and what the build said."""
    from .runner import build as run
    brief = build / slug
    targets = [brief / "index.html", *(brief / pdf_name(slug, s) for s in pdf_scripts(make_args))]
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        status = run(python, build, [*map(str, targets), "site"], parallel=1,
                     make_args=[f"SOURCE_DIR={source_dir}", f"BUILD_DIR={build}", *make_args])
    return status, said.getvalue()


def create_app(source_dir: Path, build: Path, make_args: list[str], python: str = ".venv/bin/python") -> Flask:
    """The review site for the briefs built in `build` from the articles in `source_dir`;
    `python` is the interpreter as the Makefile's commands name it."""
    source_dir, build = source_dir.resolve(), build.resolve()  # make runs in the repository
    token = secrets.token_urlsafe(32)
    rebuilding = threading.Lock()
    env = environment()
    app = Flask(__name__)
    app.config["TRUSTED_HOSTS"] = [HOST, "localhost"]  # any other Host header: 400
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # a longer body: 413, before it is read

    def briefs() -> list[str]:
        return sorted(p.parent.name for p in build.glob("*/reviewed.json")
                      if (p.parent / "quality.json").is_file())

    def brief_dir(slug: str) -> Path:
        """The slug's build folder; only a built brief's name is accepted (no path tricks)."""
        if slug not in briefs():
            abort(404)
        return build / slug

    def load(slug: str) -> tuple[AlignedDocument, Report]:
        folder = brief_dir(slug)
        return (jsonio.load(AlignedDocument, folder / "reviewed.json"),
                jsonio.load(Report, folder / "quality.json"))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_: RequestEntityTooLarge) -> tuple[Response, int]:
        return jsonify(ok=False, error=f"not saved: the request is larger than {MAX_BODY} bytes, "
                                       "more than the edits of a whole brief"), 413

    @app.after_request
    def no_framing(response: Response) -> Response:
        # A page that framed the review page could trick the editor into clicking Save.
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        return response

    @app.get("/")
    @app.get("/index.html")  # where a brief's "All briefs" link leads
    def index() -> str:
        return env.get_template("review-index.html.j2").render(entries=[load(s) for s in briefs()])

    @app.get("/<slug>")
    def review(slug: str) -> str:
        doc, report = load(slug)
        return env.get_template("review.html.j2").render(
            doc=doc, report=report, blocks=[(-1, doc.title), *enumerate(doc.blocks)], token=token,
            pdfs=[pdf_name(slug, s) for s in pdf_scripts(make_args)])

    @app.get("/<slug>/page")
    def page(slug: str) -> Response:
        return send_from_directory(brief_dir(slug), "index.html")

    @app.get("/<slug>/<name>.pdf")
    def pdf(slug: str, name: str) -> Response:
        return send_from_directory(brief_dir(slug), f"{name}.pdf")

    @app.post("/<slug>/corrections")
    def save(slug: str) -> tuple[Response, int]:
        """Body: {Chinese of a row as written: new English}. Answer: {ok, note, log} or {ok, error, log}."""
        sent = request.headers.get(TOKEN_HEADER, "").encode()
        if not secrets.compare_digest(sent, token.encode()):
            abort(403)
        if request.origin is not None and request.origin != request.host_url.rstrip("/"):
            abort(403)
        doc, _ = load(slug)
        try:
            edits = request.get_json(silent=True)
        except RecursionError:  # JSON nested deeper than Python's stack: no save either
            edits = None
        if problem := refusal(edits, {corrections.key(row.original()) for row in doc.rows()}):
            return jsonify(ok=False, error=f"not saved: {problem}"), 400
        edits = {zh: corrections.clean(en) for zh, en in edits.items()}
        path = corrections.path_for(source_dir, slug)
        with rebuilding:  # each save merges into what the last one wrote, and make runs once at a time
            if not corrections.has_article(source_dir, slug):  # a file beside no article would be an orphan
                return jsonify(ok=False, error=f"not saved: the article {source_dir}/{slug}.* no longer "
                                               "exists (deleted or renamed since the build)"), 409
            try:
                corrections.dump(corrections.merge(corrections.load(path), edits), path)
            except SourceError as err:  # the file was hand-edited into a state it cannot be read in
                return jsonify(ok=False, error=f"not saved: {err}"), 409
            status, said = rebuild(source_dir, build, slug, make_args, python)
        if status:
            return jsonify(ok=False, error=f"saved to {path.name}, but the rebuild failed", log=said), 500
        doc, _ = load(slug)
        return jsonify(ok=True, note=review_note(doc), log=said), 200

    return app


def serve(source_dir: Path, build: Path, port: int, make_args: list[str], python: str) -> None:
    """Serve the review site on loopback until interrupted (Ctrl-C)."""
    import weasyprint  # noqa: F401 — loaded now, not at the first save's PDFs

    server = make_server(HOST, port, create_app(source_dir, build, make_args, python), threaded=True)
    print(f"Reviewing the briefs in {build} at http://{HOST}:{server.server_port}/ (Ctrl-C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()
