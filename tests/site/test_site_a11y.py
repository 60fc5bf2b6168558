"""Accessibility and phone use, measured in Chromium: axe-core (from npm, pinned in
tests/site/package.json and its lock) injected into one page of every page type in both
languages reports no serious or critical violation (WCAG 2.1 A/AA, best practice and the
experimental rules such as label-content-name-mismatch); at phone width no page scrolls sideways,
the search is one tap away on every page, and the stats chart lists every office."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core as locked in package-lock.json (installed with `npm ci` when missing)."""
    if not AXE.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


def page_types(site: Path, county) -> list[str]:
    first = lambda d: next(p for p in sorted((site / d).iterdir()) if p.is_dir()).name  # noqa: E731
    listed = next(p.parent.name for p in sorted((site / "company").glob("*/index.html"))
                  if 'id="never-inspected"' in p.read_text(encoding="utf-8"))
    paths = ["", "tasks/", "tasks/2026/", f"task/{county.joint_task}/", f"task/{county.embargoed_task}/",
             "results/", "results/2026/", f"company/{county.chinese_company[0]}/", f"company/{listed}/",
             "offices/", f"office/{first('office')}/", f"office/{first('office')}/entries/", "items/", "plans/",
             "plans/2026/", "stats/", "downloads/", "downloads/dictionary/", "overdue/", "search/",
             "search/?q=" + county.chinese_company[1][:2], "about/", "verification/", "policy/", "verify/"]
    return paths + ["en/" + p for p in paths]


def test_axe_finds_no_serious_or_critical_violation(site, server, county, browser, axe_source):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe only
    pg = ctx.new_page()
    found = {}
    for rel in page_types(site, county):
        pg.goto(urljoin(server, rel), wait_until="load")
        if "search/?q=" in rel:
            pg.wait_for_selector("#lookup-results li", timeout=15000)
        pg.add_script_tag(content=axe_source)
        res = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', "
                          "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice', 'experimental']}})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 2).map(n => n.target.join(' '))}))")
        bad = [v for v in res if v["impact"] in ("serious", "critical")]
        if bad:
            found[rel] = bad
    ctx.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)[:4000]


def test_phone_search_is_one_tap_away_and_nothing_scrolls_sideways(site, server, county, browser, screenshots):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    wide = []
    for rel in page_types(site, county)[:25]:
        pg.goto(urljoin(server, rel))
        if pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 1:
            wide.append(rel)
        # the header search link is visible without scrolling, on every page
        box = pg.locator("a.header-search").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["y"] + box["height"] <= 740, rel
    assert wide == []
    # from the home page: type a name into the home search box, get the company
    uscc, name = county.chinese_company
    pg.goto(server)
    pg.fill("#home-q", name)
    pg.press("#home-q", "Enter")
    pg.wait_for_selector("#lookup-results li a")
    assert pg.eval_on_selector("#lookup-results li a", "a => a.getAttribute('href')").endswith(f"company/{uscc}/")
    pg.screenshot(path=str(screenshots / "lookup-home-phone.png"), full_page=True)
    pg.goto(urljoin(server, "stats/"))
    pg.screenshot(path=str(screenshots / "stats-phone.png"), full_page=True)
    ctx.close()


def test_stats_chart_lists_every_office_with_results(site):
    html = (site / "stats" / "index.html").read_text(encoding="utf-8")
    chart = re.search(r'<svg class="chart" id="chart-oq-zh".*?</svg>', html, re.S).group(0)
    table = html[html.index('id="s-oq"'):]
    offices = set(re.findall(r"<tr><td>([^<]+)</td><td>\d{4}</td>", table))
    assert offices and all(o in chart for o in offices), (offices, chart[:500])
    assert " 条" in chart  # values carry their unit
