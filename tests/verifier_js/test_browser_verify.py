"""The /verify/ page in real headless Chromium, served over loopback HTTP.

A valid draw passes every step (Chinese and English pages), an embargoed draw shows the embargo
and checks only what is public, the company lookup gives ticket, threshold, proof and verdict;
and on copies of the site, a changed population row, a changed signature, a wrong beacon round
and a changed team each fail at the right step with the right message while the steps that
depend on it say "skipped because step N failed". Screenshots: test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest
from vjs_tamper import change_signature, change_snapshot_row, copy_site, resign

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = ctx.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def run(page, base: str, task: str, lang: str = "", full: bool = False) -> dict:
    page.goto(f"{base}{lang}verify/?task={task}" + ("&full=1" if full else ""))
    page.wait_for_selector('#verify-report[data-state="done"]', timeout=30000)
    steps = page.eval_on_selector_all(
        "#steps > li.step",
        "els => els.map(e => ({n: +e.dataset.step, status: e.dataset.status, "
        "reason: (e.querySelector('.reason') || {}).textContent || '', text: e.textContent}))")
    return {"overall": page.get_attribute("#verify-report", "data-overall"), "steps": {s["n"]: s for s in steps},
            "summary": page.text_content("#report-summary")}


def statuses(rep: dict) -> dict[int, str]:
    return {n: s["status"] for n, s in rep["steps"].items()}


def test_valid_draws_pass_every_step(vsite, serve, page, shots):
    base = serve(vsite)
    rep = run(page, base, "T-JOINT", full=True)
    assert statuses(rep) == dict.fromkeys((*range(1, 11), 12, 13), "pass")
    assert rep["overall"] == "pass" and "全部核验通过" in rep["summary"]
    assert "模拟信标链（SIMULATED beacon — not the real drand network）" in rep["steps"][4]["text"]  # labelled
    assert page.locator("#step-4 .line-warn").count() == 1
    assert "人员更换" in rep["steps"][9]["text"]
    page.screenshot(path=str(shots / "verify-zh-T-JOINT-pass.png"), full_page=True)
    # company lookup: a selected company, then one that is not in the population
    page.fill("#uscc", "913711220000000Y9W")
    page.click("#lookup-form button")
    page.wait_for_selector('#lookup-result[data-state="ok"]', timeout=10000)
    verdict = page.text_content("#lookup-verdict")
    assert "913711220000000Y9W" in verdict and ("被抽中" in verdict)
    assert "包含证明" in page.text_content("#lookup-result")
    page.screenshot(path=str(shots / "verify-zh-lookup-selected.png"), full_page=True, clip=_clip(page, "#lookup"))
    page.fill("#uscc", "91000000000000000X")
    page.click("#lookup-form button")
    page.wait_for_selector('#lookup-result[data-state="ok"]', timeout=10000)
    assert "不在本次抽查对象范围内" in page.text_content("#lookup-verdict")
    assert "不在名单中的证明" in page.text_content("#lookup-result")
    assert page.errors == []
    # English page, an embargoed draw that was revealed: eleven steps incl. the result hash
    rep = run(page, base, "T-REVEALED", "en/", full=True)
    assert statuses(rep) == dict.fromkeys(range(1, 14), "pass")
    assert "Every check passed" in rep["summary"]
    assert "equals the one fixed at lock" in rep["steps"][11]["text"]
    page.screenshot(path=str(shots / "verify-en-T-REVEALED-pass.png"), full_page=True)
    for task in ("T-GROUP", "T-CROSS"):
        assert run(page, base, task, full=True)["overall"] == "pass", task
        assert run(page, base, task)["overall"] == "quick", task
    assert page.errors == []


def _clip(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    top = page.evaluate("window.scrollY")
    return {"x": 0, "y": box["y"] + top, "width": 1280, "height": box["height"] + 20}


def test_embargoed_draw_checks_only_what_is_public(vsite, serve, page, shots):
    base = serve(vsite)
    rep = run(page, base, "T-SECRET")
    assert statuses(rep) == {1: "pass", 2: "pass", 3: "pending", 4: "pass", 5: "pending", 6: "pending", 7: "pass",
                             8: "pending", 9: "pending", 10: "pass", 11: "pending", 12: "pass", 13: "pending"}
    assert rep["overall"] == "partial"
    assert "保密期至 2026-12-31" in rep["steps"][3]["reason"]
    assert "锁定时固定的结果哈希" in rep["steps"][11]["text"]
    page.fill("#uscc", "913711220000000Y9W")
    page.click("#lookup-form button")
    page.wait_for_selector("#lookup-result[data-state]:not([data-state='running'])", timeout=10000)
    text = page.text_content("#lookup-result")
    assert "抽中名单尚未公布" in text and "在本次抽查对象名单中" in text
    page.screenshot(path=str(shots / "verify-zh-T-SECRET-embargo.png"), full_page=True)
    rep = run(page, base, "T-WAITING", "en/")
    assert rep["steps"][4]["status"] == "pending" and "waiting for beacon round" in rep["steps"][4]["reason"]
    assert page.errors == []


def test_no_task_lists_the_draws(vsite, serve, page):
    page.goto(serve(vsite) + "verify/")
    page.wait_for_selector("#task-list li a")
    links = page.eval_on_selector_all("#task-list li a", "els => els.map(e => e.textContent)")
    assert links == sorted(["T-JOINT", "T-SECRET", "T-REVEALED", "T-GROUP", "T-CROSS", "T-WAITING"])
    assert page.errors == []


def skipped_by(rep: dict, step: int, cause: int) -> bool:
    s = rep["steps"][step]
    return s["status"] == "skip" and f"第 {cause} 步未通过" in s["text"]


def test_changed_population_row_fails_step_7(vsite, serve, page, shots, tmp_path):
    site = copy_site(vsite, tmp_path / "pop")
    change_snapshot_row(site, "T-JOINT")
    rep = run(page, serve(site), "T-JOINT", full=True)
    st = statuses(rep)
    assert st[7] == "fail" and rep["overall"] == "fail"
    assert "名单文件被改动过" in rep["steps"][7]["reason"] and "SHA-256" in rep["steps"][7]["reason"]
    assert all(skipped_by(rep, n, 7) for n in (6, 8, 9)), st
    assert all(st[n] == "pass" for n in (1, 2, 3, 4, 5, 10)), st
    page.screenshot(path=str(shots / "verify-tampered-population-row.png"), full_page=True)
    assert page.errors == []


def test_changed_signature_fails_step_1(vsite, serve, page, shots, tmp_path):
    site = copy_site(vsite, tmp_path / "sig")
    change_signature(site, "T-JOINT", "lock")
    rep = run(page, serve(site), "T-JOINT", "en/")
    st = statuses(rep)
    assert st[1] == "fail"
    assert "lock (scjgj/00000007.json): the Ed25519 signature does not verify" in rep["steps"][1]["reason"]
    assert all(st[n] == "skip" and "skipped because step 1 failed" in rep["steps"][n]["text"] for n in range(3, 10)), st
    assert st[2] == "pass" and st[10] == "pass"  # the key is registered; the id (not the signature) is logged
    page.screenshot(path=str(shots / "verify-tampered-signature.png"), full_page=True)
    assert page.errors == []


def test_wrong_beacon_round_fails_step_4(vledger, vsite, serve, page, shots, tmp_path):
    """An office and operator colluding: the lock uses the next round (a genuine beacon for it),
    everything is re-signed and re-logged, so only the beacon step can catch it."""
    site = copy_site(vsite, tmp_path / "round")
    committed = vledger.draws["T-JOINT"].commit.body["beacon"]["round"]

    def later_round(body):
        body["beacon"] = {"round": committed + 1, "signature": vledger.sim.beacon(committed + 1).signature.hex()}

    resign(site, "T-JOINT", "lock", later_round)
    base = serve(site)
    rep = run(page, base, "T-JOINT")
    st = statuses(rep)
    assert st[4] == "fail"
    assert f"锁定记录使用的是第 {committed + 1} 轮信标，但承诺固定的是第 {committed} 轮" in rep["steps"][4]["reason"]
    assert all(skipped_by(rep, n, 4) for n in (5, 6, 8, 9)), st
    assert all(st[n] == "pass" for n in (1, 2, 3, 7, 10)), st
    page.screenshot(path=str(shots / "verify-tampered-beacon-round.png"), full_page=True)
    # the committed round, but another round's signature: the BLS check itself fails
    site2 = copy_site(vsite, tmp_path / "sig-of-other-round")
    resign(site2, "T-JOINT", "lock", lambda b: b["beacon"].update(signature=vledger.sim.beacon(committed + 1).signature.hex()))
    rep = run(page, serve(site2), "T-JOINT", "en/")
    assert statuses(rep)[4] == "fail" and "BLS signature does not verify" in rep["steps"][4]["reason"]
    assert statuses(rep)[1] == "pass" and statuses(rep)[10] == "pass"
    assert page.errors == []


def test_changed_team_fails_step_9(vledger, vsite, serve, page, shots, tmp_path):
    site = copy_site(vsite, tmp_path / "team")
    lock = vledger.draws["T-JOINT"].lock.body
    team = lock["teams"][1]
    office_of = {i.id: i.office for i in vledger.inspectors}
    swap = next(i.id for i in vledger.inspectors if i.office == office_of[team["members"][0]] and i.id not in team["members"])

    def other_leader(body):
        body["teams"][1]["members"][0] = swap
        body["teams"][1]["leader"] = swap

    resign(site, "T-JOINT", "lock", other_leader)
    rep = run(page, serve(site), "T-JOINT")
    st = statuses(rep)
    assert st[9] == "fail"
    reason = rep["steps"][9]["reason"]
    assert "公布的检查组与重新计算不符：第 2 条" in reason and swap in reason and team["target"] in reason
    assert all(st[n] == "pass" for n in range(1, 9)) and st[10] == "pass", st
    page.screenshot(path=str(shots / "verify-tampered-team.png"), full_page=True)
    assert page.errors == []


def test_report_fits_a_phone(vsite, serve, chromium, shots, tmp_path):
    """Long hashes and JSON in a failed step wrap instead of making the page scroll sideways."""
    site = copy_site(vsite, tmp_path / "phone")
    change_snapshot_row(site, "T-JOINT")
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    pg = ctx.new_page()
    try:
        base = serve(site)
        for task in ("T-JOINT", "T-REVEALED"):
            pg.goto(f"{base}verify/?task={task}&full=1")
            pg.wait_for_selector('#verify-report[data-state="done"]', timeout=30000)
            assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, task
        pg.screenshot(path=str(shots / "verify-phone-T-REVEALED.png"), full_page=False)
    finally:
        ctx.close()


def test_redraw_shows_both_outcomes_on_the_page_and_in_the_verifier(vledger, vsite, serve, page, shots):
    """T-CROSS was re-drawn after its round with an allowed reason: the task page lists the whole
    commitment history with the superseded draw's computed outcome and the reason; the browser
    verifier recomputes that outcome and checks the printed list of the locked draw."""
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules

    rule = verify(vledger.factory.ledger, vledger.factory.ledger.trust(), default_rules()).rule("draw")
    old = rule.tasks["T-CROSS"].commits[0]
    base = serve(vsite)
    page.goto(f"{base}task/T-CROSS/")
    hist = page.text_content("section.draw-history")
    assert "抽取承诺历史" in hist and "上级机关决定重新抽取" in hist and "某市监发〔2026〕9号" in hist
    assert all(i in hist for i in old.outcome) and f"本应抽中 {len(old.outcome)}" in hist
    page.screenshot(path=str(shots / "task-T-CROSS-history.png"), full_page=True)
    rep = run(page, base, "T-CROSS", "en/", full=True)
    assert rep["overall"] == "pass" and rep["steps"][12]["status"] == "pass"
    assert f"would have selected {len(old.outcome)}: {', '.join(old.outcome)}" in rep["steps"][12]["text"]
    assert "match the verified selection row by row" in rep["steps"][13]["text"]
    page.screenshot(path=str(shots / "verify-en-T-CROSS-history.png"), full_page=True)
    assert page.errors == []


def test_edited_html_list_is_flagged_red(vsite, serve, page, shots, tmp_path):
    """Someone edits the task page's list (one company swapped for another): the browser verifier
    no longer says 全部核验通过 — step 13 fails naming both rows."""
    import re

    site = copy_site(vsite, tmp_path / "html")
    f = site / "task" / "T-JOINT" / "index.html"
    html = f.read_text("utf-8")
    victim = re.findall(r'data-selected-id="([^"]+)"', html)[1]
    friend = "91371100000000000X"
    html = html.replace(f'<span class="mono small id">{victim}</span>', f'<span class="mono small id">{friend}</span>', 1)
    f.write_text(html, "utf-8")
    rep = run(page, serve(site), "T-JOINT", full=True)
    assert rep["overall"] == "fail" and "全部核验通过" not in rep["summary"]
    s13 = rep["steps"][13]
    assert s13["status"] == "fail" and victim in s13["reason"] and "缺少核验所得的" in s13["reason"]
    assert friend in s13["text"] and "多出未被抽中的" in s13["text"]
    assert page.locator("#step-13 .line-bad").count() >= 1  # the first is shown as the reason
    page.screenshot(path=str(shots / "verify-edited-html-list.png"), full_page=True)
    assert page.errors == []


def test_common_path_fetches_the_list_not_the_snapshot(vledger, vsite, serve, page):
    """/verify/?task=T reads pop/list.gz (no snapshot, no task pages) and says 快速核验通过 with a
    「全部核验」 link; following the link runs the full check, which reads the snapshot."""
    base = serve(vsite)
    urls: list[str] = []
    page.on("requestfinished", lambda rq: urls.append(rq.url.removeprefix(base)))
    rep = run(page, base, "T-JOINT")
    snap = "ledger/blobs/" + vledger.draws["T-JOINT"].commit.body["population"]["snapshot"]
    assert rep["overall"] == "quick" and rep["summary"].startswith("快速核验通过")
    assert "verify/data/T-JOINT/pop/list.gz" in urls and snap not in urls
    assert not any(u.startswith(("task/", "en/task/")) for u in urls), urls
    assert "全部核验" in page.text_content("#verify-full") and page.get_attribute("#verify-full", "href").endswith("full=1")
    urls.clear()
    page.click("#verify-full")
    page.wait_for_selector('#verify-report[data-state="done"][data-mode="full"]', timeout=30000)
    assert page.get_attribute("#verify-report", "data-overall") == "pass"
    assert snap in urls and "task/T-JOINT/index.html" in urls
    assert page.errors == []
