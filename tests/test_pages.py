"""The built pages as a reader meets them, in Debian's chromium at desktop and phone width:
nothing wider than the screen, rows stacked on a phone, the script switch, the hover
pairing, the notes on rows to check, a reviewed heading's ✓ and the index's layout."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from pipeline import jsonio
from pipeline.model.aligned import AlignedDocument
from pipeline.model.quality import Report
from pipeline.model.scripts import SCRIPTS
from pipeline.stages.render import render_html

from .conftest import SEEDS, UNSEEN, Build, chromium

SLUGS = [p.stem for p in [*SEEDS, *UNSEEN]] + ["injection"]
DESKTOP, PHONE = 1366, 390


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium(DESKTOP, 900)
    yield driver
    driver.quit()


def open_page(driver: webdriver.Chrome, build: Build, slug: str, width: int) -> None:
    driver.set_window_size(width, 900)
    driver.get((build.out / slug / "index.html").as_uri())
    driver.execute_script("localStorage.clear()")
    driver.refresh()


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("slug", SLUGS)
def test_nothing_wider_than_the_screen(browser: webdriver.Chrome, build: Build, slug: str, width: int) -> None:
    open_page(browser, build, slug, width)
    scroll, client = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{slug} is {scroll - client} px wider than a {width} px window"


def test_phone_stacks_chinese_above_english(browser: webdriver.Chrome, build: Build) -> None:
    for width, stacked in [(DESKTOP, False), (PHONE, True)]:
        open_page(browser, build, SLUGS[0], width)
        row = browser.find_element(By.CSS_SELECTOR, "tbody.paragraph tr.pair")
        zh, en = row.find_element(By.CSS_SELECTOR, "td.zh"), row.find_element(By.CSS_SELECTOR, "td.en")
        assert (en.location["y"] >= zh.location["y"] + zh.size["height"] - 1) is stacked, width
        if stacked:
            assert en.size["width"] > 0.8 * browser.execute_script("return document.documentElement.clientWidth")


def test_switch_shows_one_script_and_says_which(browser: webdriver.Chrome, build: Build) -> None:
    open_page(browser, build, SLUGS[0], DESKTOP)
    page_script = browser.execute_script("return document.documentElement.dataset.script")
    other = "zh-Hans" if page_script == "zh-Hant" else "zh-Hant"
    hidden = {"zh-Hant": ".hans", "zh-Hans": ".hant"}
    button = browser.find_element(By.CSS_SELECTOR, f'.switch button[data-script="{other}"]')
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert browser.execute_script("return document.documentElement.lang") == other
    clause = browser.find_element(By.CSS_SELECTOR, "td.zh .clause")
    assert not clause.find_element(By.CSS_SELECTOR, hidden[other]).is_displayed()
    browser.refresh()
    assert browser.execute_script("return document.documentElement.lang") == other, "the choice is remembered"


def test_hover_lights_a_clause_and_its_english(browser: webdriver.Chrome, build: Build) -> None:
    open_page(browser, build, SLUGS[0], DESKTOP)
    row = browser.find_elements(By.CSS_SELECTOR, "tbody.paragraph tr.pair")[1]
    zh, en = row.find_element(By.CSS_SELECTOR, "td.zh"), row.find_element(By.CSS_SELECTOR, "td.en")
    before = en.value_of_css_property("background-color")
    ActionChains(browser).move_to_element(zh).perform()
    lit = en.value_of_css_property("background-color")
    assert lit != before and zh.value_of_css_property("background-color") == lit


def test_rows_to_check_show_their_notes(browser: webdriver.Chrome, build: Build) -> None:
    slug = next(s for s in SLUGS if '"reasons"' in (build.out / s / "quality.json").read_text(encoding="utf-8"))
    open_page(browser, build, slug, DESKTOP)
    flagged = browser.find_elements(By.CSS_SELECTOR, "tr.flagged")
    listed = browser.find_elements(By.CSS_SELECTOR, "section.review ol > li")
    assert flagged and listed
    notes = [n for n in flagged[0].find_elements(By.CSS_SELECTOR, ".problems") if n.is_displayed()]
    assert len(notes) == 1 and notes[0].text.endswith("."), "one note, in the script shown, in sentences"


def test_reviewed_headings_keep_their_mark_on_their_line(browser: webdriver.Chrome, build: Build,
                                                         tmp_path: Path) -> None:
    """The ✓ after a reviewed heading sits on the heading's last line, not on a line of its own."""
    slug = next(s for s in SLUGS if any(b.kind == "heading" for b in
                                        jsonio.load(AlignedDocument, build.out / s / "reviewed.json").blocks))
    doc = jsonio.load(AlignedDocument, build.out / slug / "reviewed.json")
    for block in doc.blocks:
        if block.kind == "heading":
            for row in block.rows:
                row.reviewed = True
    page = tmp_path / "index.html"
    page.write_text(render_html(doc, list(SCRIPTS), jsonio.load(Report, build.out / slug / "quality.json")),
                    encoding="utf-8")
    for width in (DESKTOP, PHONE):
        browser.set_window_size(width, 900)
        browser.get(page.as_uri())
        cells = browser.find_elements(By.CSS_SELECTOR, "tbody.heading tr.reviewed td.en")
        assert cells
        for cell in cells:
            heading, mark = cell.find_element(By.CSS_SELECTOR, ".row-heading"), cell.find_element(By.CSS_SELECTOR,
                                                                                               ".reviewed-mark")
            last_line, tick = browser.execute_script(
                "const lines = arguments[0].getClientRects();"
                "return [lines[lines.length - 1].toJSON(), arguments[1].getBoundingClientRect().toJSON()]",
                heading, mark)
            middle = (tick["top"] + tick["bottom"]) / 2
            assert last_line["top"] <= middle <= last_line["bottom"], (width, heading.text)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_index_lists_briefs_flush_with_the_title_and_notes_in_one_box(browser: webdriver.Chrome, build: Build,
                                                                     width: int) -> None:
    browser.set_window_size(width, 900)
    browser.get((build.out / "index.html").as_uri())
    title = browser.find_element(By.TAG_NAME, "h1")
    items = browser.find_elements(By.CSS_SELECTOR, "body > ul > li")
    assert items
    for item in items:
        assert abs(item.location["x"] - title.location["x"]) <= 1, "the list is indented"
        note = item.find_element(By.CSS_SELECTOR, ".mt-note")
        boxes = browser.execute_script("return arguments[0].getClientRects().length", note)
        assert boxes == 1, f"the note {note.text!r} is broken into {boxes} boxes"
    scroll, client = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client
