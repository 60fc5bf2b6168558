"""The verify page's wording, in Chromium: the simulated-beacon caveat is in the headline (not
only in a step), the task picker names tasks and their state in Chinese, and the company
lookup never calls a skipped or pending step 未通过."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser


def test_task_picker_is_in_chinese(server, browser, county):
    pg = browser.new_page()
    pg.goto(urljoin(server, "verify/"))
    pg.wait_for_selector("#task-list li a")
    items = pg.eval_on_selector_all("#task-list li", "els => els.map(e => e.textContent)")
    assert any("食品生产企业联合抽查" in i and "已锁定" in i for i in items), items
    assert not any(w in i for i in items for w in ("locked", "revealed", "committed", "embargoed")), items
    pg.close()


def test_headline_carries_the_simulated_beacon_caveat(server, browser, county):
    pg = browser.new_page()
    pg.goto(urljoin(server, f"verify/?task={county.joint_task}"))
    pg.wait_for_selector("#verify-report[data-state=done]", state="attached", timeout=60000)
    summary = pg.inner_text("#report-summary")
    assert summary.startswith("快速核验通过") and "模拟随机信标" in summary and "不是真实的 drand 网络" in summary
    assert "模拟随机信标" in pg.inner_text("main > p.tag.sim")
    pg.close()


def test_lookup_on_a_pending_draw_does_not_say_failed(server, browser, county):
    pg = browser.new_page()
    pg.goto(urljoin(server, f"verify/?task={county.embargoed_task}"))
    pg.wait_for_selector("#verify-report[data-state=done]", state="attached", timeout=60000)
    pg.fill("#uscc", county.chinese_company[0])
    pg.click("#lookup-form button")
    pg.wait_for_selector("#lookup-verdict", timeout=60000)
    assert "未通过" not in pg.inner_text("#lookup-result")
    pg.close()
