"""Filterable listings: the results of a year filter by office, result category and
timeliness in Chromium from the static per-office shards; without JavaScript the paged
static list is all there is (and works)."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser


def test_results_filter_by_office_category_and_lateness(site, server, browser):
    results = json.loads((site / "data/2026/results.json").read_text(encoding="utf-8"))
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(urljoin(server, "results/2026/"))
    assert pg.is_visible("#result-filter") and not pg.is_visible("#filter-out")

    def apply(office="", cat="", late="") -> list[list[str]]:
        done = pg.get_attribute("#filter-out", "data-done") or "0"
        pg.select_option("select[name=office]", office)
        pg.select_option("select[name=cat]", cat)
        pg.select_option("select[name=late]", late)
        pg.click("#result-filter button[type=submit]")
        pg.wait_for_selector(f"#filter-out[data-done]:not([data-done='{done}'])", state="attached")
        return pg.eval_on_selector_all("#filter-rows tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))")

    rows = apply(office="wjj")
    expected = [r for r in results if r["office"] == "wjj"]
    assert len(rows) == len(expected) > 0
    assert all(r[2] == "县卫生健康局" for r in rows)
    assert not pg.is_visible("#static-list")
    rows = apply(cat="1")
    assert len(rows) == len([r for r in results if "1" in r["categories"]]) > 0
    rows = apply(late="late")
    assert len(rows) == len([r for r in results if r["lateness"] == "late"]) > 0
    assert all(r[6] == "逾期公示" for r in rows)
    rows = apply(office="scjgj", late="late")
    assert len(rows) == len([r for r in results if r["lateness"] == "late" and r["office"] == "scjgj"])
    ctx.close()


def test_without_javascript_the_static_list_stays(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(urljoin(server, "results/2026/"))
    assert not pg.is_visible("#result-filter")
    assert pg.is_visible("#static-list table")
    ctx.close()


def test_tasks_filter_by_office_state_and_late_results(site, server, browser):
    tasks = json.loads((site / "data/2026/tasks.json").read_text(encoding="utf-8"))
    results = json.loads((site / "data/2026/results.json").read_text(encoding="utf-8"))
    pg = browser.new_page()
    pg.goto(urljoin(server, "tasks/2026/"))

    def apply(office="", state="", late=False) -> list[list[str]]:
        done = pg.get_attribute("#filter-out", "data-done") or "0"
        pg.select_option("select[name=office]", office)
        pg.select_option("select[name=state]", state)
        pg.set_checked("input[name=late]", late)
        pg.click("#task-filter button[type=submit]")
        pg.wait_for_selector(f"#filter-out[data-done]:not([data-done='{done}'])", state="attached")
        return pg.eval_on_selector_all("#filter-rows tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))")

    rows = apply(office="wjj")  # as a partner of the joint task
    assert len(rows) == len([t for t in tasks if t["lead"] == "wjj" or "wjj" in t["partners"]]) > 0
    rows = apply(late=True)
    late_tasks = {r["task"] for r in results if r["lateness"] == "late"}
    assert len(rows) == len(late_tasks) > 0
    rows = apply(state="committed")
    assert len(rows) == len([t for t in tasks if t["draw_status"] == "committed"]) and all("等待" in r[4] for r in rows)
    pg.close()
