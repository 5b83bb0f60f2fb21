"""XLIFF 1.2 out and in: the brief for a translator's CAT tool, the edits back as corrections.

`export` writes one `<file>` per brief (`original` = the slug; source-language the
article's tag, target-language en) with one trans-unit per row in reading order: the
title's rows, then each block's rows and its photo credit. Unit ids are the page's row
anchors (b-1-0 for the title's first row, b3-1, b3-c for block 3's credit), so a unit
can be found on the page. The source is the row's Chinese as the article writes it,
which is also how a correction names a row; the target is the English published now.

The state of each unit says who wrote its English and how far to trust it, in the
terms XLIFF 1.2 and CAT tools already understand:

| row                         | state                     | approved | notes             |
|-----------------------------|---------------------------|----------|-------------------|
| reviewed by an editor       | signed-off                | yes      | machine, checks   |
| flagged by the checks       | needs-review-translation  | no       | checks            |
| anything else               | translated                | no       |                   |

Every English not from an editor is the model's, so it carries state-qualifier
mt-suggestion and is never approved (translate-toolkit marks any translated unit
approved; for machine output that would tell a CAT tool it passed review). Each
reason the checks give is a `<note from="checks">`; an editor's row keeps the model's
English in a `<note from="machine">` when it differs. The header notes the quality
summary. Nothing varies between runs (no dates): the same brief gives the same bytes.

`merge_into_corrections` reads an edited file back. Units are matched to rows by
their Chinese, not their ids (the brief may have been rebuilt and its rows cut
differently since the export), and only English that differs from the brief's goes
into source/<slug>.corrections.tsv, where corrections.py takes it from there. A unit
whose English is unchanged but which the translator approved (approved="yes", or its
target's state signed-off or final: how CAT tools mark a segment confirmed) approves
its row as the model wrote it, if no editor reviewed it yet: source/<slug>.approved.tsv
(corrections.approve). The file
comes from outside, so what it cannot mean is an error naming the unit, never dropped
or published as it stands: an entity reference, markup inside a target, a row's text
that corrections.refusal turns away; and a file none of whose units is a row of the
brief it names is not that brief's.
"""
from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from lxml import etree
from translate.storage.xliff import Xliff1Unit, xlifffile

from pipeline import jsonio
from pipeline.errors import SourceError
from pipeline.model.aligned import AlignedDocument, Row
from pipeline.model.quality import Report
from pipeline.stages import corrections

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"


class _Unit12(Xliff1Unit):
    namespace = XLIFF_12  # made in the file's namespace, not re-tagged from 1.1 (a stray xmlns)


class _Xliff12(xlifffile):
    """translate-toolkit's store, started from an XLIFF 1.2 skeleton: its own is 1.1, and
    the states and qualifiers used here are as XLIFF 1.2 defines them."""

    UnitClass = _Unit12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version="1.2" xmlns="{XLIFF_12}">
<file original="NoName" source-language="zh" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


def _located(doc: AlignedDocument) -> Iterator[tuple[str, Row]]:
    """(unit id, row) for every row, in the order of AlignedDocument.rows()."""
    for b, block in [(-1, doc.title), *enumerate(doc.blocks)]:
        for r, row in enumerate(block.rows):
            yield f"b{b}-{r}", row
        if block.credit:
            yield f"b{b}-c", block.credit


def export(doc: AlignedDocument, report: Report) -> bytes:
    """The brief as XLIFF 1.2, one trans-unit per row (states: see the module docstring)."""
    store = _Xliff12(sourcelanguage=doc.meta.language or doc.script, targetlanguage="en")
    store.switchfile(doc.slug, createifmissing=True)  # renames the skeleton's NoName file
    header = etree.Element(store.namespaced("header"))
    etree.SubElement(header, store.namespaced("note"), {"from": "checks"}).text = report.summary()
    store.body.getparent().insert(0, header)  # XLIFF wants the header before the body
    for uid, row in _located(doc):
        unit = store.UnitClass(row.original())
        unit.setid(uid)
        store.addunit(unit)
        unit.target = row.en
        if row.reviewed:
            unit.set_state_n(unit.S_SIGNED_OFF)  # also sets approved="yes"
            if row.machine and corrections.clean(row.machine) != corrections.clean(row.en):
                unit.addnote(row.machine, origin="machine")
        else:
            unit.set_state_n(unit.S_NEEDS_REVIEW if row.reasons else unit.S_TRANSLATED)
            unit.markapproved(False)
            unit.get_target_dom().set("state-qualifier", "mt-suggestion")
        for reason in row.reasons:
            unit.addnote(reason, origin="checks")
    out = BytesIO()
    store.serialize(out)
    return out.getvalue()


def _read(xliff: Path) -> xlifffile:
    try:
        store = xlifffile.parsestring(xliff.read_bytes())
    except OSError as err:
        raise SourceError(str(xliff), f"cannot read the file ({err.strerror})") from err
    # What translate-toolkit raises for text that is not XLIFF 1.x: bad XML, XLIFF 2,
    # another root element (an assertion), no <file> at all (StopIteration).
    except (etree.XMLSyntaxError, ValueError, AssertionError, StopIteration) as err:
        raise SourceError(str(xliff), f"not an XLIFF 1.2 file{f' ({err})' if str(err) else ''}") from err
    return store


def _slug(store: xlifffile, xliff: Path, source_dir: Path) -> str:
    """The brief the file is for: its one <file>'s original, a brief built from source_dir."""
    names = store.getfilenames()
    if len(names) != 1:
        raise SourceError(str(xliff), f"expected one <file> with an original (the brief's slug), "
                                      f"found {len(names)}")
    slug = names[0]
    # The slug becomes part of paths that are written to: it must name no other folder.
    if Path(slug).name != slug or slug.startswith("."):
        raise SourceError(str(xliff), f"unknown brief {slug!r} (the <file> original must be a slug)")
    if not corrections.has_article(source_dir, slug):
        raise SourceError(str(xliff), f"unknown brief {slug!r}: no article {slug}.* in {source_dir}")
    return slug


def _unreadable(unit: Xliff1Unit) -> str:
    """Why a unit's text cannot be taken as translate-toolkit gives it, or "" when it can:
    an entity reference, which lxml leaves unresolved when it is external or undefined and
    whose text translate-toolkit then drops; or markup inside the target (bpt, ph, g, mrk…).
    Markup is refused, not read for its text: a row is plain text, the text of an inline
    code is the original document's formatting (<b>) and would be published as it stands,
    and the export has none, so a unit with some was not made from this brief's rows."""
    target = unit.get_target_dom()
    for name, part in [("Chinese (source)", unit.source_dom), ("English (target)", target)]:
        if part is not None and (entity := next(part.iter(etree.Entity), None)) is not None:
            return f"the {name} holds the entity reference {entity.text}, which is not read"
    if target is not None and (inline := next(target.iterdescendants(etree.Element), None)) is not None:
        return (f"the English (target) holds markup, <{etree.QName(inline).localname}>: a row is plain "
                "text (remove the tags in the CAT tool)")
    return ""


def merge_into_corrections(xliff: Path, source_dir: Path, build: Path) -> str:
    """Merge the English changed in an edited XLIFF file into the article's corrections
    file; returns a one-line summary. The file is left alone when nothing changed."""
    store = _read(xliff)
    slug = _slug(store, xliff, source_dir)
    reviewed = build / slug / "reviewed.json"
    if not reviewed.is_file():
        raise SourceError(str(xliff), f"unknown brief {slug!r}: {reviewed} does not exist (build it first)")
    rows: dict[str, list[Row]] = {}
    for row in jsonio.load(AlignedDocument, reviewed).rows():
        rows.setdefault(corrections.key(row.original()), []).append(row)
    path, approvals = corrections.path_for(source_dir, slug), corrections.approvals_for(source_dir, slug)
    edits: dict[str, tuple[str, str, str]] = {}  # key → (unit id, Chinese to write, English)
    approved: dict[str, str] = {}  # Chinese to write → the model's English, approved
    unchanged = missing = 0
    for unit in store.units:
        uid = unit.xmlelement.get("id", "?")
        if problem := _unreadable(unit):
            raise SourceError(str(xliff), f"unit {uid}: {problem}")
        chinese, english = corrections.clean(unit.source or ""), corrections.clean(unit.target or "")
        if not english:
            raise SourceError(str(xliff), f"unit {uid}: the English (target) is empty")
        if problem := corrections.refusal(chinese, "Chinese") or corrections.refusal(english, "English"):
            raise SourceError(str(xliff), f"unit {uid}: {problem}")
        k = corrections.key(chinese)
        if k not in rows:
            missing += 1  # its Chinese is gone from the rebuilt brief, or the rows were cut anew
        elif english in {corrections.clean(r.en) for r in rows[k]}:
            unchanged += 1
            if _signed_off(unit):  # the model's English, found right
                approved.update({r.original(): r.en for r in rows[k]
                                 if not r.reviewed and corrections.clean(r.en) == english})
        elif k in edits and edits[k][2] != english:
            # A correction applies to every row with that Chinese: it can have one English.
            raise SourceError(str(xliff), f"units {edits[k][0]} and {uid} have the same Chinese "
                                          f"but different English")
        else:
            edits[k] = (uid, rows[k][0].original(), english)
    if missing == len(store.units):
        raise SourceError(str(xliff), f"no unit's Chinese is a row of the brief {slug!r}: the file does not "
                                      f"belong to that brief (its <file original> names it)")
    counts = f"{unchanged} unchanged units skipped, {missing} not found"
    if approved:
        corrections.dump(corrections.merge(corrections.load(approvals), approved), approvals)
        counts += f"; {_rows(len(approved))} approved as the model wrote them → {approvals}"
    if not edits:
        return f"no rows changed, {path} left as it was ({counts})"
    corrections.dump(corrections.merge(corrections.load(path), {zh: en for _, zh, en in edits.values()}), path)
    return f"{_rows(len(edits))} changed → {path} ({counts})"


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def _signed_off(unit: Xliff1Unit) -> bool:
    """Whether a translator approved the unit: approved="yes" (how translate-toolkit and
    this export mark it), or its target's state signed-off or final (XLIFF 1.2's states
    past review, which some tools set alone)."""
    target = unit.get_target_dom()
    return unit.isapproved() or (target is not None and target.get("state") in ("signed-off", "final"))
