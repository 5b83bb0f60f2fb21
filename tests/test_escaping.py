"""Whatever text a source holds, the page and the print HTML contain no markup of its own:
rendered with arbitrary text everywhere a source's text goes, they have exactly the tags
and attributes they have with plain text (Jinja's autoescape, checked by a parser)."""
from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.model.aligned import AlignedBlock, AlignedDocument, Row
from pipeline.model.document import Meta
from pipeline.model.quality import Report, RowCheck
from pipeline.model.scripts import Texts
from pipeline.stages.render import render_html, render_print_html


class Tags(HTMLParser):
    """The sequence of start tags with their attribute names: the page's structure."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(name for name, _ in attrs)))


def structure(html: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def brief(text: str) -> tuple[AlignedDocument, Report]:
    """A brief with `text` in every place a source's words reach: title, byline, outlet,
    heading, paragraph, list label, caption and credit, the English, the reasons."""
    def row(reasons: bool = False) -> Row:
        return Row([Texts(text, text, text)], text, "s", reasons=[text] if reasons else [],
                   confidence=0.5 if reasons else 1.0)
    blocks = [AlignedBlock("heading", 2, "", [row()]), AlignedBlock("paragraph", 0, "", [row(True), row()]),
              AlignedBlock("list_item", 0, text, [row()]), AlignedBlock("caption", 0, "", [row()], credit=row())]
    doc = AlignedDocument("slug", "source/slug.md", Meta(text, "2025-11-21", text, "", text),
                          "zh-Hant", "model", AlignedBlock("title", 0, "", [row()]), blocks)
    check = RowCheck(1, 0, text, text, 0.5, [text])
    return doc, Report("slug", 6, {"score": 1}, [check])


PLAIN = brief("文字 text")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=60))
def test_source_text_never_becomes_markup(text: str) -> None:
    doc, report = brief(text)
    assert structure(render_html(doc, ["zh-Hant", "zh-Hans"], report)) == \
        structure(render_html(*PLAIN[:1], ["zh-Hant", "zh-Hans"], PLAIN[1]))
    assert structure(render_print_html(doc, "zh-Hans")) == structure(render_print_html(PLAIN[0], "zh-Hans"))


def test_a_script_tag_in_the_source_is_shown_as_text() -> None:
    doc, report = brief('<script>alert("x")</script><img src=x onerror=alert(1)>')
    page = render_html(doc, ["zh-Hant"], report)
    assert "<script>alert" not in page and "<img" not in page and "&lt;script&gt;" in page
