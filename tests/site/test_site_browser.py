"""The built site in a real headless Chromium served over loopback HTTP.

Every page loads without a console error (CSP violations are console errors), no XSS payload
fires a dialog, every link on every page resolves, search finds a company by its Chinese
name, and screenshots at phone and desktop widths are kept under test-artifacts/screenshots/.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from sitecheck import html_files

pytestmark = pytest.mark.browser

SAMPLE_LIMIT = 400  # pages loaded in the browser; bigger sites are checked from the file tree


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    pg = ctx.new_page()
    pg.errors, pg.dialogs, pg.failed = [], [], []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    # a request cut off by the next navigation (e.g. the favicon) is not a failure of the page
    pg.on("requestfailed", lambda r: pg.failed.append(r.url) if "ERR_ABORTED" not in (r.failure or "") else None)
    pg.on("response", lambda r: pg.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield pg
    ctx.close()


def test_every_page_loads_cleanly_and_no_payload_fires(site, server, page):
    pages = html_files(site)[:SAMPLE_LIMIT]
    assert len(pages) > 50
    seen_links: set[str] = set()
    for p in pages:
        rel = p.relative_to(site).as_posix()
        url = urljoin(server, rel)
        page.goto(url, wait_until="load")
        assert page.errors == [], (rel, page.errors)
        assert page.dialogs == [], (rel, page.dialogs)
        assert page.failed == [], (rel, page.failed)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            if href.startswith(server):
                seen_links.add(href.split("#")[0].split("?")[0])
    for href in sorted(seen_links):
        path = urlsplit(href).path.lstrip("/")
        target = site / path
        if href.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), f"broken link {href}"


def test_no_page_scrolls_sideways_on_a_phone(site, server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    wide = []
    for p in html_files(site)[:SAMPLE_LIMIT]:
        rel = p.relative_to(site).as_posix()
        pg.goto(urljoin(server, rel))
        if pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 1:
            wide.append(rel)
    ctx.close()
    assert wide == []


def test_chinese_company_name_search_finds_its_record(site, server, county, page):
    uscc, name = county.chinese_company
    page.goto(urljoin(server, "search/"))
    page.fill("#q", name)
    page.press("#q", "Enter")
    page.wait_for_selector("#search-results li a", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    # a hit is one published result: it links to that result's row on the company's page
    assert any(f"/company/{uscc}/#r-" in h for h in hrefs), hrefs
    assert page.errors == [] and page.dialogs == []
    page.click(f"#search-results a[href*='/company/{uscc}/#r-']")
    page.wait_for_load_state()
    assert name in page.inner_text("h1")
    assert page.evaluate("location.hash.startsWith('#r-') && document.querySelector(location.hash).tagName") == "TR"
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).outlineStyle") == "solid"  # the hit is shown


def test_a_query_asked_before_the_index_loads_is_answered(site, server, county, page):
    """A citizen who presses Enter while the search index is still loading (a slow phone, a
    large site merging shards) gets the results once it has loaded: the form's handler is in
    place from the start (it waited for the index before; the Enter then went unanswered)."""
    held = []
    page.route("**/pagefind/pagefind.js", lambda route: held.append(route))
    uscc, name = county.chinese_company
    page.goto(urljoin(server, "search/"), wait_until="domcontentloaded")
    page.wait_for_function("document.readyState === 'complete'")
    page.fill("#q", name)
    page.press("#q", "Enter")
    page.wait_for_timeout(300)
    assert held, "the index was not requested"
    assert page.eval_on_selector_all("#search-results li a", "els => els.length") == 0  # still loading
    for route in held:
        route.continue_()
    page.wait_for_selector("#search-results li a", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any(f"/company/{uscc}/#r-" in h for h in hrefs), hrefs
    assert page.errors == []


def test_english_search_and_hostile_names_stay_inert(site, server, county, page):
    page.goto(urljoin(server, "en/search/?q=" + county.hostile_company))
    page.wait_for_selector("#search-results li a", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any(f"/en/company/{county.hostile_company}/" in h for h in hrefs), hrefs
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('#search-results img, #search-results script').length") == 0


def test_pages_work_without_javascript(browser, server, county):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    for rel in ("", f"task/{county.joint_task}/", f"company/{county.chinese_company[0]}/", "stats/", "results/2026/"):
        pg.goto(urljoin(server, rel))
        assert pg.inner_text("h1")
        assert pg.query_selector("table, .counts")
    pg.goto(urljoin(server, "search/"))
    assert "JavaScript" in pg.inner_text("main")
    ctx.close()


def test_keyboard_skip_link_and_focus(page, server):
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_chinese_renders_with_a_cjk_font(page, server):
    page.goto(server)
    width = page.evaluate("""() => { const s = document.createElement('span'); s.textContent = '监管公示平台';
        document.body.appendChild(s); const w = s.getBoundingClientRect().width; s.remove(); return w; }""")
    assert width > 60  # six real glyphs, not tofu boxes collapsed to nothing
    fonts = page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '监管')")
    assert fonts


@pytest.mark.parametrize("width,height,label", [(390, 844, "phone"), (1366, 900, "desktop")])
def test_screenshots(browser, server, county, screenshots, width, height, label):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    for name, rel in (("home", ""), ("task", f"task/{county.joint_task}/"),
                      ("company", f"company/{county.chinese_company[0]}/"), ("en-task", f"en/task/{county.joint_task}/")):
        pg.goto(urljoin(server, rel))
        pg.screenshot(path=str(screenshots / f"{name}-{label}.png"), full_page=True)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width}px"
    ctx.close()


def test_search_merges_index_shards(sharded_site, sharded_server, county, page):
    """A company indexed in a later shard is still found (province sites are indexed in shards)."""
    from publisher.site.search import indexed_pages
    from publisher.site.search_docs import cut

    last = [p for p in indexed_pages(sharded_site) if "/company/" in p.as_posix() and "/en/" not in p.as_posix()
            and cut(p.relative_to(sharded_site).as_posix(), p.read_text("utf-8"), None)][-1]
    uscc = last.parent.name
    page.goto(urljoin(sharded_server, "search/?q=" + uscc))
    page.wait_for_selector("#search-results li a", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any(f"/company/{uscc}/#r-" in h for h in hrefs), hrefs
    assert page.errors == []


def test_downloads_page_gives_each_months_results_on_a_phone(browser, server, screenshots):
    """Result downloads are per month of publication: on a phone the year's row opens to one
    line per month whose Excel, CSV and JSON links all fetch, and the year's CSV/JSON remain."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.goto(urljoin(server, "downloads/"))
    pg.click("details.months summary")
    links = pg.eval_on_selector_all("details.months a", "as => as.map(a => [a.textContent, a.href])")
    assert len(links) >= 6 and {t for t, _ in links} == {"Excel 表格", "CSV 表格", "JSON 数据"}
    for _, href in links + [("", urljoin(server, "data/2026/results.csv"))]:
        r = pg.request.get(href)
        assert r.status == 200 and len(r.body()) > 100, href
    assert pg.is_visible("details.months li") and "月（" in pg.inner_text("details.months")
    pg.screenshot(path=str(screenshots / "downloads-phone.png"), full_page=True)
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    ctx.close()
