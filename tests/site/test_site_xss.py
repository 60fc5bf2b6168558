"""Hostile ledger text (office names, company names, remarks, notices) is escaped everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from site_ledger import XSS_IMG, XSS_JS, XSS_SCRIPT
from sitecheck import html_files, parse

from publisher.site.charts import hbar
from publisher.site.urls import UnsafeId, safe_seg, seg

RAW = [XSS_SCRIPT, "<img src=x onerror=alert(1)>", "onerror=alert(1)>"]


def test_payloads_never_appear_unescaped(site):
    for page in html_files(site):
        text = page.read_text("utf-8")
        for payload in RAW:
            assert payload not in text, (page, payload)
        assert not re.search(r"<img[^>]*onerror", text, re.I), page
        assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", text, re.I), page


def test_payloads_are_shown_escaped_where_they_belong(site, county):
    company = (site / f"company/{county.hostile_company}/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;恶意企业" in company
    task = (site / f"task/{county.joint_task}/index.html").read_text("utf-8")
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;javascript:alert(1)" in task  # a company name
    offices = (site / "offices/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;测试局" in offices
    assert "&lt;script&gt;alert(1)&lt;/script&gt;事项" in (site / "items/index.html").read_text("utf-8")


def test_links_to_records_use_ids_only(site):
    for page in html_files(site):
        for _tag, url in parse(page).links:
            assert "<" not in url and '"' not in url and "javascript" not in url.lower(), (page, url)


def test_feeds_escape_hostile_text(site):
    for feed in site.rglob("*.atom.xml"):
        text = feed.read_text("utf-8")
        assert XSS_SCRIPT not in text and "<img" not in text


def test_search_script_builds_results_without_innerhtml():
    js = (Path(__file__).resolve().parents[2] / "theme/static/js/search.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "eval(" not in js
    assert "textContent" in js and "sameSite" in js


def test_unsafe_ids_never_become_paths():
    assert seg("91110000101623741K") == "91110000101623741K"
    for bad in ["../etc", "a/b", "<x>", "javascript:alert(1)", "", ".hidden", "名字", "a b"]:
        assert safe_seg(bad) is None
        try:
            seg(bad)
        except UnsafeId:
            pass
        else:
            raise AssertionError(bad)


def test_charts_escape_labels():
    svg = str(hbar("c", "<t>", [(XSS_SCRIPT, 3), (XSS_IMG, 1)]))
    assert XSS_SCRIPT not in svg and "<img" not in svg and "&lt;script&gt;" in svg
    assert XSS_JS not in svg or "href" not in svg


def test_csv_cells_cannot_start_a_formula():
    from publisher.site.downloads import csv_safe

    assert csv_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_safe("+1") == "'+1" and csv_safe("@SUM(A1)") == "'@SUM(A1)" and csv_safe("-2") == "'-2"
    assert csv_safe("青山食品有限公司") == "青山食品有限公司" and csv_safe(None) == "" and csv_safe(["1", "5"]) == "1;5"
    assert csv_safe(3) == 3


def test_stamped_pages_escape_every_value(tmp_path):
    """Never-inspected company pages are stamped from a once-rendered template: each value is
    escaped on the way in, and a value that looks like a placeholder stays text."""
    from jinja2 import Environment

    from publisher.site.render import Renderer

    env = Environment(autoescape=True)
    tmpl = env.from_string("<h1>{{ target.name }}</h1><a href=\"{{ alt }}\">x</a>{{ lang }}")
    common = {"zh": {"lang": "zh"}, "en": {"lang": "en"}}
    r = Renderer(None, lambda name: tmpl, tmp_path, common, "https://x/")
    hostile = '<script>alert(1)</script>"' + Renderer.slot("name")
    r.stamped("company/X1/", "t", ("shape",), {"name": hostile, "path": "company/X1/"},
              target={"name": Renderer.slot("name")})
    r.stamped("company/X2/", "t", ("shape",), {"name": "青山食品", "path": "company/X2/"},
              target={"name": Renderer.slot("name")})
    r.close()
    one = (tmp_path / "company/X1/index.html").read_text(encoding="utf-8")
    assert "<script>" not in one and "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in one
    assert 'href="../../en/company/X1/"' in one and one.endswith("zh")
    assert "<h1>青山食品</h1>" in (tmp_path / "company/X2/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "en/company/X2/index.html").read_text(encoding="utf-8").endswith("en")
