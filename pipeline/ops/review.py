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

The same holds for what else an editor does here, each a file beside the articles, each
written in one rename and rebuilt as `make` would:
- approve rows as the model wrote them: source/<slug>.approved.tsv (corrections.approve),
  only a row not reviewed yet, with the English the page showed still the model's;
- add a term to the project's glossary, or remove one: source/glossary.tsv (termbase.py);
  every brief depends on it, so every brief is rebuilt, the translation memory giving
  back every sentence the term is not in;
- take what the corrections teach (suggest.py): a term they keep making, proposed with
  one click to add it, and beside a row, the correction of a row much like it.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from flask import (
    Flask,
    Response,
    abort,
    jsonify,
    make_response,
    request,
    send_from_directory,
)
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import make_server

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.lang import glossary
from pipeline.lang.typography import house_style
from pipeline.model.aligned import AlignedDocument
from pipeline.model.quality import Report
from pipeline.model.scripts import SCRIPTS
from pipeline.ops import suggest, termbase
from pipeline.stages import corrections
from pipeline.stages.render import (
    brief_date_order,
    context,
    environment,
    pdf_name,
    review_note,
)

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Review-Token"
# The largest save body. Every row of the longest brief in the test build (115 rows) saved
# at once is 14 KB; 1 MiB is seventy times that, and holds 115 rows of English at
# corrections.MAX_ROW characters (575 KB).
MAX_BODY = 1 << 20
TERM_NOTE = "added on the review page"
PORT_VARIABLE = "REVIEW_PORT"  # the Makefile's variable that chooses the port


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


def brief_targets(build: Path, slug: str, make_args: list[str]) -> list[str]:
    """What shows one brief: its page and PDFs, and the index that lists it."""
    brief = build / slug
    return [str(brief / "index.html"), *(str(brief / pdf_name(slug, s)) for s in pdf_scripts(make_args)), "site"]


def rebuild(source_dir: Path, build: Path, targets: list[str], make_args: list[str], python: str,
            pool=None) -> tuple[int, str]:
    """`targets` rebuilt as `make` would: in `pool`'s workers, forked before the server's
    threads (runner.rendering_pool), else in this process one job at a time (a threaded
    server forks no workers); the exit status and what the build said."""
    from pipeline.ops.runner import build as run
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        status = run(python, build, targets, pool=pool, parallel=1,
                     make_args=[f"SOURCE_DIR={source_dir}", f"BUILD_DIR={build}", *make_args])
    return status, said.getvalue()


def said(line: str, status: int, started: float) -> None:
    """A save's one line on the server's terminal, with its time since `started` (what
    the build said goes to the page)."""
    failed = ", but the rebuild failed (the page shows why)" if status else ""
    print(f"{'saved':>11}  {line}{failed} ({time.perf_counter() - started:.1f} s)", flush=True)


def published(build: Path) -> dict[str, int]:
    """When each brief's page or PDFs were last written (the stamp the Makefile touches)."""
    return {p.parent.name: p.stat().st_mtime_ns for p in build.glob("*/.published")}


def refuse(status: int, error: str) -> NoReturn:
    """End the request with {ok: false, error} and `status`."""
    abort(make_response(jsonify(ok=False, error=error), status))


def term_refusal(term: object, keys: set[str]) -> str:
    """Why a body is not {key: text} for exactly `keys`, or "" when it is."""
    if not (isinstance(term, dict) and set(term) == keys and all(isinstance(v, str) for v in term.values())):
        return f"expected {{{', '.join(sorted(keys))}}}, each text"
    return ""


def create_app(source_dir: Path, build: Path, make_args: list[str], python: str = ".venv/bin/python",
               pool=None) -> Flask:
    """The review site for the briefs built in `build` from the articles in `source_dir`;
    `python` is the interpreter as the Makefile's commands name it; the rebuilds run in
    `pool` if given (see rebuild)."""
    source_dir, build = source_dir.resolve(), build.resolve()  # make runs in the repository
    token = secrets.token_urlsafe(32)
    rebuilding = threading.Lock()
    env = environment()
    terms_path = termbase.path_for(source_dir)
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

    def sent() -> object:
        """The request's JSON, after its token and Origin are checked: a page from another
        site must not write through the editor's browser."""
        if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, "").encode(), token.encode()):
            abort(403)
        if request.origin is not None and request.origin != request.host_url.rstrip("/"):
            abort(403)
        try:
            return request.get_json(silent=True)
        except RecursionError:  # JSON nested deeper than Python's stack: no save either
            return None

    def merged(slug: str, path: Path, edits: dict[str, str]) -> tuple[Response, int]:
        """`edits` merged into the rows file `path` beside the article (corrections or
        approvals), then the brief rebuilt: {ok, note, log} or {ok, error, log}."""
        started = time.perf_counter()
        with rebuilding:  # each save merges into what the last one wrote, and make runs once at a time
            if not corrections.has_article(source_dir, slug):  # a file beside no article would be an orphan
                refuse(409, f"not saved: the article {source_dir}/{slug}.* no longer exists (deleted or "
                            "renamed since the build)")
            try:
                corrections.dump(corrections.merge(corrections.load(path), edits), path)
            except SourceError as err:  # the file was hand-edited into a state it cannot be read in
                refuse(409, f"not saved: {err}")
            status, log = rebuild(source_dir, build, brief_targets(build, slug, make_args), make_args, python,
                                  pool)
        rows = f"{len(edits)} row{'s' if len(edits) != 1 else ''}"
        said(f"{slug}: {rows} → {path.name}, brief rebuilt", status, started)
        if status:
            return jsonify(ok=False, error=f"saved to {path.name}, but the rebuild failed", log=log), 500
        doc, _ = load(slug)
        return jsonify(ok=True, note=review_note(doc), log=log), 200

    def glossary_changed(change: Callable[[Path], None], done: str) -> tuple[Response, int]:
        """The project's glossary changed by `change`, then every brief rebuilt (each depends
        on it): {ok, note, log} or {ok, error, log}."""
        started = time.perf_counter()
        with rebuilding:
            try:
                change(terms_path)
            except SourceError as err:  # a hand edit a build cannot read, or no such entry
                refuse(409, f"not saved: {err}")
            before = published(build)
            status, log = rebuild(source_dir, build, ["briefs", "site"], make_args, python, pool)
            built = sum(before.get(slug) != when for slug, when in published(build).items())
        note = f"{done}; {built} brief{'s' if built != 1 else ''} rebuilt"
        said(note, status, started)
        if status:
            return jsonify(ok=False, error=f"{done}, but the rebuild failed", log=log), 500
        return jsonify(ok=True, note=note, log=log), 200

    def learned(doc: AlignedDocument) -> dict:
        """What the page shows besides the brief: the project's terms, the stale corrections
        with the row each most likely meant, the stale approvals, the terms the corrections
        propose, the corrections of rows like this brief's; and the files that cannot be
        read, named (the page still shows the rest)."""
        problems, terms, stale = [], [], []
        try:
            terms = termbase.entries(terms_path)
            known = glossary.load([terms_path] if terms else [])
        except SourceError as err:
            problems.append(str(err))
            known = glossary.load([])
        try:
            stale = corrections.approve(doc, corrections.load(corrections.approvals_for(source_dir, doc.slug)))
        except SourceError as err:
            problems.append(str(err))
        fixes = suggest.fixes(build, briefs())
        return dict(terms=terms, kinds=termbase.KINDS, proposals=suggest.proposals(fixes, known),
                    suggestions=suggest.similar(doc.rows(), fixes), unapproved=stale, problems=problems,
                    stale=[(c, corrections.nearest(doc, c.zh)) for c in doc.stale])

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
        return env.get_template("review-index.html.j2").render(
            entries=[(doc, report, brief_date_order(doc)) for doc, report in map(load, briefs())])

    @app.get("/<slug>")
    def review(slug: str) -> str:
        doc, report = load(slug)
        # The English as readers will see it (house style: curly quotes, the brief's date
        # order), in the field itself: the editor edits what is published, and a row left
        # as it is is not sent (the page compares each field with what it was given).
        return env.get_template("review.html.j2").render(
            **context(doc), report=report, blocks=[(-1, doc.title), *enumerate(doc.blocks)], token=token,
            pdfs=[pdf_name(slug, s) for s in pdf_scripts(make_args)], **learned(doc))

    @app.get("/<slug>/page")
    def page(slug: str) -> Response:
        return send_from_directory(brief_dir(slug), "index.html")

    @app.get("/<slug>/<name>.pdf")
    def pdf(slug: str, name: str) -> Response:
        return send_from_directory(brief_dir(slug), f"{name}.pdf")

    @app.post("/<slug>/corrections")
    def save(slug: str) -> tuple[Response, int]:
        """Body: {Chinese of a row as written: new English}. Answer: {ok, note, log} or {ok, error, log}."""
        edits = sent()
        doc, _ = load(slug)
        if problem := refusal(edits, {corrections.key(row.original()) for row in doc.rows()}):
            refuse(400, f"not saved: {problem}")
        assert isinstance(edits, dict)  # refusal found it one
        edits = {zh: corrections.clean(en) for zh, en in edits.items()}
        return merged(slug, corrections.path_for(source_dir, slug), edits)

    @app.post("/<slug>/approve")
    def approve(slug: str) -> tuple[Response, int]:
        """Body: {Chinese of a row as written: its English as the page showed it}: rows found
        right as the model wrote them. Answer as a save's."""
        approved = sent()
        doc, _ = load(slug)
        rows = {corrections.key(row.original()): row for row in doc.rows() if not row.reviewed}
        if problem := refusal(approved, {corrections.key(row.original()) for row in doc.rows()}):
            refuse(400, f"not saved: {problem}")
        assert isinstance(approved, dict)  # refusal found it one
        order = brief_date_order(doc)
        for zh, en in approved.items():
            if (row := rows.get(corrections.key(zh))) is None:
                refuse(400, f"not saved: {_named(zh)} is reviewed by an editor already")
            if corrections.clean(en) != corrections.clean(house_style(row.en, order)):
                refuse(409, f"not saved: {_named(zh)}: its English is no longer the one shown (the brief was "
                            "rebuilt since): reload the page")
        # The model's English is what an approval holds (corrections.approve compares it),
        # not the house style the page showed.
        return merged(slug, corrections.approvals_for(source_dir, slug),
                      {zh: corrections.clean(rows[corrections.key(zh)].en) for zh in approved})

    @app.post("/terms")
    def add_term() -> tuple[Response, int]:
        """Body: {zh, en, kind}: a term for every brief. Answer: {ok, note, log} or {ok, error, log}."""
        term = sent()
        if problem := term_refusal(term, {"zh", "en", "kind"}):
            refuse(400, f"not saved: {problem}")
        assert isinstance(term, dict)  # term_refusal found it one
        zh, en, kind = corrections.clean(term["zh"]), corrections.clean(term["en"]), term["kind"]
        if problem := termbase.refusal(zh, en, kind):
            refuse(400, f"not saved: the term {zh[:20]!r}: {problem}")
        return glossary_changed(lambda path: termbase.add(path, zh, en, kind, TERM_NOTE),
                                f"{zh} → {en} saved to {terms_path.name}")

    @app.post("/terms/remove")
    def remove_term() -> tuple[Response, int]:
        """Body: {zh}: the Chinese of an entry, as listed. Answer as add_term's."""
        term = sent()
        if problem := term_refusal(term, {"zh"}):
            refuse(400, f"not saved: {problem}")
        assert isinstance(term, dict)  # term_refusal found it one
        if problem := corrections.refusal(term["zh"], "Chinese"):
            refuse(400, f"not saved: {problem}")
        zh = corrections.clean(term["zh"])
        return glossary_changed(lambda path: termbase.remove(path, zh), f"{zh} removed from {terms_path.name}")

    return app


def _bind_error(port: int) -> OSError | None:
    """Why the server could not listen on `port` of HOST, or None: bound as werkzeug binds
    it (reusing an address that only closed connections still hold), then let go."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as err:
            return err
    return None


def port_refusal(port: int) -> str:
    """Why the review server cannot listen on `port`, naming the variable that chooses
    another and a port free now; "" when it can. Checked before `make review` builds:
    werkzeug would say it only after the whole build."""
    if (err := _bind_error(port)) is None:
        return ""
    free = next((p for p in range(port + 1, min(port + 100, 65536)) if _bind_error(p) is None), port + 1)
    if err.errno == errno.EADDRINUSE:
        return (f"port {port} on {HOST} is in use (another make review?): stop it, or choose another "
                f"with {PORT_VARIABLE}={free}")
    return f"cannot listen on port {port} of {HOST} ({err.strerror}): choose another with {PORT_VARIABLE}={free}"


def serve(source_dir: Path, build: Path, port: int, make_args: list[str], python: str) -> None:
    """Serve the review site on loopback until interrupted (Ctrl-C). A save's PDFs are
    laid out side by side, one worker each, when there are cores for it."""
    from pipeline.ops.runner import rendering_pool

    workers = min(os.cpu_count() or 1, len(pdf_scripts(make_args)))
    pool = rendering_pool(workers) if workers > 1 else None  # forked first: the server starts threads
    if pool is None:
        import weasyprint  # noqa: F401 — loaded now, not at the first save's PDFs
    server = make_server(HOST, port, create_app(source_dir, build, make_args, python, pool), threaded=True)
    print(f"Reviewing the briefs in {build} at http://{HOST}:{server.server_port}/ (Ctrl-C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()
    if pool:
        pool.close()
        pool.join()
