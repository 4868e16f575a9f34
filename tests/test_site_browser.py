"""The annotated-article site in a real browser: headless Chromium driven by Playwright, checked by axe-core.

The pages are opened from the exports folder as `file://` addresses, as a reader who downloaded
them would. Screenshots at phone and desktop widths go to the folder named by SITE_SCREENSHOTS
(a temporary folder when unset). When Debian's chromium is missing the tests are skipped with
that reason; `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from validate.exports import site

from .conftest import REPO
from .test_site import HOSTILE, hostile_tables

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium; .ci/run does it as root)",
)
TABLES = [
    r["name"]
    for r in json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    if r.get("type") == "table"
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda message: message.type == "error" and problems.append(message.text))
    yield opened
    context.close()
    assert problems == [], "the page logged errors (a blocked script or style counts)"


@pytest.fixture(scope="module")
def folder(real_exports) -> Path:
    return real_exports / "site"


@pytest.fixture(scope="module")
def records(folder) -> dict:
    text = (folder / "index.html").read_text(encoding="utf-8")
    start = text.index('id="site-data">') + len('id="site-data">')
    return json.loads(text[start : text.index("</script>", start)])["records"]


def shots(name: str) -> Path:
    target = Path(
        os.environ.get("SITE_SCREENSHOTS")
        or (Path(os.environ.get("TMPDIR", "/tmp")) / "site-screenshots")
    )
    target.mkdir(parents=True, exist_ok=True)
    return target / name


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"{v['id']}: {len(v['nodes'])} nodes" for v in result.response["violations"]]


def test_selecting_a_claim_shows_its_record_words_and_sources(page, folder, records):
    page.goto((folder / "index.html").as_uri())
    key = next(k for k, r in records.items() if r["table"] == "claims" and r["sources"])
    mark = page.locator(f'mark[data-keys^="{key} "], mark[data-keys="{key}"]').first
    mark.click()
    record = records[key]
    assert page.locator("#panel-title").text_content() == f"claim {record['id']}"
    panel = page.locator("#panel-body").inner_text()
    for words in record["words"]:
        assert " ".join(words.split()) in " ".join(panel.split())
    assert f"What it rests on ({len(record['sources'])})" in panel
    assert page.locator("mark.selected").count() >= 1
    assert page.url.endswith("#" + record["id"])


def test_a_deep_link_opens_the_record(page, folder, records):
    key = next(k for k in records if k.startswith("claims/"))
    page.goto((folder / "index.html").as_uri() + "#" + records[key]["id"])
    assert page.locator("#panel-title").text_content() == "claim " + records[key]["id"]


def test_the_keyboard_reaches_and_opens_a_record(page, folder):
    page.goto((folder / "index.html").as_uri())
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
    else:
        pytest.fail("no marked words reached by Tab")
    page.keyboard.press("Enter")
    assert page.locator("#panel-title").text_content() != "Nothing selected"
    assert page.evaluate("document.activeElement.id") == "panel"


@pytest.mark.parametrize("control", ["level", "relation", "speaker"])
def test_each_filter_shows_exactly_the_records_that_match(page, folder, records, control):
    page.goto((folder / "index.html").as_uri())
    counts = Counter(r[control] for r in records.values() if r[control])
    value, expected = counts.most_common()[-1]  # the rarest value: the strictest test
    page.select_option(f"#filter-{control}", value)
    assert page.locator("#status").text_content() == f"{expected} of {len(records)} records shown"
    shown = {
        key
        for keys in page.locator("mark:not(.off)").evaluate_all(
            "marks => marks.map(m => m.dataset.keys)"
        )
        for key in keys.split(" ")
        if records[key][control] == value
    }
    assert len(shown) == expected


def test_the_colour_follows_the_chosen_measure(page, folder):
    page.goto((folder / "index.html").as_uri())
    mark = page.locator("mark.rel-contradicts").first
    before = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    page.check("input[name=colour][value=relation]")
    assert (
        page.locator("#legend-relation").is_visible()
        and not page.locator("#legend-level").is_visible()
    )
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != before


@pytest.mark.parametrize("width", [390, 1280])
def test_the_article_passes_the_accessibility_check_at_each_width(browser, folder, records, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((folder / "index.html").as_uri())
    page.locator("mark").nth(3).click()
    page.screenshot(path=str(shots(f"article-{width}.png")))
    # nothing runs off the side
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("table", TABLES)
def test_each_table_page_passes_the_accessibility_check(page, folder, table):
    page.goto((folder / f"{table}.html").as_uri())
    assert violations(page) == []


def test_a_table_page_searches_and_sorts(page, folder, records):
    page.goto((folder / "claims.html").as_uri())
    rows = page.locator("#rows tbody tr")
    total = rows.count()
    claim = next(r for r in records.values() if r["table"] == "claims")
    page.fill("#search", claim["id"])
    assert page.locator("#rows tbody tr:not([hidden])").count() >= 1
    assert page.locator("#status").text_content().endswith(f"of {total} rows")
    page.fill("#search", "")
    header = page.locator("#rows th").first
    header.locator("button").click()
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    first = rows.first.locator("td").first.text_content()
    assert first == max(rows.locator("td:first-child").all_text_contents())
    page.screenshot(path=str(shots("claims-table.png")))


def test_data_is_shown_as_text_never_run(browser, tmp_path):
    for built in site.pages(*hostile_tables()):
        (tmp_path / built.name).write_text(built.html, encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile_claim = next(t for t in hostile_tables()[1] if t.name == "claims").rows[0]["claim_id"]
    page.goto((tmp_path / "index.html").as_uri() + "#" + hostile_claim)
    assert page.locator("#panel-hint").text_content() == HOSTILE
    page.locator("mark.selected").first.click()
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    page.goto((tmp_path / "claims.html").as_uri())
    assert page.locator("img").count() == 0 and HOSTILE in page.locator("#rows").inner_text()
    assert dialogs == []
    context.close()
