"""The annotated-article site (validate/exports/site.py), read as data and as HTML, without a browser.

tests/test_site_browser.py opens the same pages in headless Chromium.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
from functools import cache

import pytest

from validate.exports import site
from validate.exports.tables import snapshot_texts, tables
from validate.model import from_package
from validate.runner import run

from .conftest import REPO

HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'


@cache
def shipped():
    """The repository's package, loaded once: (descriptor, tables, texts, model)."""
    result = run(REPO / "datapackage.json")
    assert result.valid
    loaded = tables(result.package)
    return (
        result.package.descriptor,
        loaded,
        snapshot_texts(result.package, loaded),
        from_package(result.package),
    )


def page_data(page: site.Page) -> dict:
    match = re.search(
        r'<script type="application/json" id="site-data">(.*?)</script>', page.html, re.S
    )
    assert match, "the article page has its data block"
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)//https://x",
        "data:text/html,x",
        "/etc/passwd",
        "//evil",
        "x",
    ],
)
def test_only_absolute_http_addresses_become_links(address):
    assert site.link(address) is None


def test_http_addresses_stay_links():
    assert site.link("https://example.org/a?b=c") == "https://example.org/a?b=c"


def test_the_data_block_cannot_close_its_script_element():
    block = site.json_block({"text": HOSTILE + "<!-- -->"})
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["text"] == HOSTILE + "<!-- -->"


def test_each_layer_names_a_span_role_its_table_declares():
    model = shipped()[3]
    for table, role, _ in site.LAYERS:
        assert role in model.tables[table].span_roles, (table, role)


def test_the_segments_are_the_article_text_cut_at_every_highlight():
    descriptor, loaded, texts, _ = shipped()
    data = page_data(site.article_page(descriptor, loaded, texts))
    segments = data["segments"]
    assert "".join(data["text"][start:end] for start, end, _ in segments) == data["text"]
    assert [s[0] for s in segments[1:]] == [s[1] for s in segments[:-1]]
    spans = next(t for t in loaded if t.name == "spans").rows
    roles = {table: role for table, role, _ in site.LAYERS}
    for span in spans:
        if roles.get(span["target_table"]) != span["role"]:
            continue
        key = f"{span['target_table']}/{span['target_id']}"
        covered = [s for s in segments if span["start_char"] <= s[0] and s[1] <= span["end_char"]]
        assert covered and all(key in keys for _, _, keys in covered), key
        assert span["exact"] in data["records"][key]["words"]


def test_keys_are_listed_innermost_first():
    descriptor, loaded, texts, _ = shipped()
    data = page_data(site.article_page(descriptor, loaded, texts))
    roles = {table: role for table, role, _ in site.LAYERS}
    spans = [
        s
        for s in next(t for t in loaded if t.name == "spans").rows
        if roles.get(s["target_table"]) == s["role"]
    ]
    for start, end, keys in data["segments"]:
        widths = [
            min(
                s["end_char"] - s["start_char"]
                for s in spans
                if f"{s['target_table']}/{s['target_id']}" == key
                and s["start_char"] <= start
                and end <= s["end_char"]
            )
            for key in keys
        ]  # the narrowest span of each record that covers the piece
        assert widths == sorted(widths), (start, keys)


def test_a_claim_counts_the_checks_of_its_numbers_and_quotes_apart_from_its_own():
    descriptor, loaded, texts, _ = shipped()
    records = page_data(site.article_page(descriptor, loaded, texts))["records"]
    by_name = {t.name: t for t in loaded}
    checks = by_name["corroborations"].rows
    for quantity in by_name["quantities"].rows:
        own = [
            c
            for c in checks
            if (c["target_table"], c["target_id"]) == ("quantities", quantity["quantity_id"])
        ]
        claim = records[f"claims/{quantity['claim_id']}"]
        on_part = [
            c for c in claim["part_checks"] if c["part"] == f"quantities/{quantity['quantity_id']}"
        ]
        assert [c["id"] for c in on_part] == [c["corroboration_id"] for c in own]
    for key, record in records.items():
        if record["table"] == "claims":
            own = [
                c["corroboration_id"]
                for c in checks
                if (c["target_table"], c["target_id"]) == ("claims", record["id"])
            ]
            assert [c["id"] for c in record["checks"]] == own, key


def test_every_level_and_relation_has_its_own_colour():
    descriptor, loaded, _, _ = shipped()
    style = site._asset("site.css")
    by_name = {t.name: t for t in loaded}
    for value in by_name["claims"].column("sourcing_level").allowed + [site.NO_LEVEL]:
        assert f"mark.lvl-{value}," in style, value
    for value in by_name["corroborations"].column("relation").allowed + [site.NOT_CHECKED]:
        assert f"mark.rel-{value}," in style, value


def test_every_relation_is_ranked():
    loaded = shipped()[1]
    relations = next(t for t in loaded if t.name == "corroborations").column("relation").allowed
    assert set(relations) == set(site.RELATION_ORDER)


class Elements(html.parser.HTMLParser):
    """The tags and attributes of a page, as a browser's tokenizer would read them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def hostile_tables():
    descriptor, loaded, texts, _ = shipped()
    changed = []
    for table in loaded:
        rows = [dict(row) for row in table.rows]
        if table.name == "claims":
            rows[0]["statement"] = HOSTILE
        if table.name == "documents":
            rows[0]["url"] = "javascript:alert(document.domain)//https://x.example"
            rows[0]["title"] = HOSTILE
        changed.append(type(table)(**{**table.__dict__, "rows": rows}))
    hostile_descriptor = dict(
        descriptor, title=HOSTILE, licenses=[{"name": "x", "path": "javascript:alert(1)"}]
    )
    return hostile_descriptor, changed, texts


def test_no_page_carries_markup_or_a_script_address_from_the_data():
    for page in site.pages(*hostile_tables()):
        parser = Elements()
        parser.feed(page.html)
        tags = [tag for tag, _ in parser.tags]
        assert (
            tags.count("script") == 2 if page.name == "index.html" else tags.count("script") == 1
        ), page.name
        assert "img" not in tags, page.name
        for tag, attributes in parser.tags:
            for name, value in attributes.items():
                assert not (value or "").strip().lower().startswith("javascript:"), (
                    page.name,
                    tag,
                    name,
                )
                assert not name.startswith("on"), (page.name, tag, name)


def test_each_page_allows_only_its_own_style_and_script():
    page = site.article_page(*hostile_tables())
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page.html).group(1)
    )
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
    script = re.findall(r"<script>(.*?)</script>", page.html, re.S)
    assert len(script) == 1 and site._digest(script[0]) in policy


def test_a_long_table_page_holds_the_first_rows_and_says_where_the_rest_are(monkeypatch):
    descriptor, loaded, _, _ = shipped()
    claims = next(t for t in loaded if t.name == "claims")
    rows = list(claims.rows)
    monkeypatch.setattr(site, "PAGE_ROWS", len(rows) - 1)
    page = site.table_page(descriptor, loaded, claims)
    parser = Elements()
    parser.feed(page.html)
    assert [tag for tag, _ in parser.tags].count("tr") == len(
        rows
    )  # the header row, then PAGE_ROWS rows
    assert f"the first {len(rows) - 1} of the table's {len(rows)} rows" in page.html
    assert f"<code>{claims.path}</code>" in page.html


def test_a_short_table_page_holds_every_row_and_no_note():
    descriptor, loaded, _, _ = shipped()
    claims = next(t for t in loaded if t.name == "claims")
    page = site.table_page(descriptor, loaded, claims)
    assert "This page holds the first" not in page.html
