"""The task and office page partials of draw protocol v2, on real ledgers (DrawRule state →
publisher.site.draw_history → theme/templates/_draw_*.html rendered by Jinja2)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from test_draw_rule import HEAD, Scenario

from publisher.site.draw_history import DrawHistory

TEMPLATES = Path(__file__).resolve().parents[3] / "theme" / "templates"


def render(name: str, **ctx) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["cst"] = lambda t: f"{t} (CST)"
    env.filters["short"] = lambda h, n=16: h[:n] + "…"
    return env.get_template(name).render(L=0, lang="zh", lroot="/", oname=lambda o: o.upper(), **ctx)


def test_task_history_and_office_changes_and_twins(tmp_path):
    sc = Scenario(tmp_path)
    friend = sc.targets[3].id
    sc.targets = [t for t in sc.targets if t.id != friend]
    blob = sc.confirm(sc.targets, "targets")  # the friend leaves the directory just before the draw
    beacon = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(sc.f.clock + 7200)}
    first = sc.commit(sc.spec(population={"snapshot": blob}, beacon=beacon))
    twin = sc.commit(sc.spec("T-TWIN", population={"snapshot": blob}, beacon=beacon))
    sc.checkpoint()
    sc.after_round(first)
    rnd = first.body["beacon"]["round"]
    second = sc.commit(sc.spec(population={"snapshot": blob}, supersedes=first.id, reason="上级要求重新抽取",
                               reason_code="superior_order", document="某发〔2026〕3号", approver=HEAD,
                               superseded_beacon={"round": rnd, "signature": sc.sim.beacon(rnd).signature.hex()}))
    sc.checkpoint()
    sc.lock(second)
    r = sc.verify(now=sc.sim.chain.round_time(rnd) + 9 * 86400)
    assert r.ok
    view = DrawHistory(r, sc.f.ledger)
    hist = view.task("T-2026-001")
    assert [h["status"] for h in hist] == ["abandoned (superseded)", "locked"]
    assert hist[0]["superseded_by"]["reason_code"] == "superior_order" and hist[0]["outcome"]
    assert hist[0]["removed_before"] == [friend]
    html = render("_draw_history.html", draw_history=view, task_id="T-2026-001")
    assert "上级机关决定重新抽取" in html and "某发〔2026〕3号" in html and "赵某（主要负责人）" in html
    assert all(i in html for i in hist[0]["outcome"]) and friend in html
    # the office page: the twin that was never locked, and the directory change
    assert view.office("scjgj")[0]["tasks"] == ["T-2026-001", "T-TWIN"]
    assert view.changes("scjgj")[0]["removed_ids"] == [friend]
    html = render("_draw_twins.html", draw_history=view, office={"code": "scjgj"})
    assert "相似抽取承诺" in html and "T-TWIN" in html and "−1" in html and friend in html
    assert view.task("T-TWIN")[0]["status"] == "abandoned" and view.task("T-TWIN")[0]["outcome"]
    assert twin.id == view.task("T-TWIN")[0]["id"]


def test_the_bodies_cut_to_what_is_shown_show_the_same_history(tmp_path):
    """site.load cuts each commitment's body down once verification is over (draw_history.keep_shown):
    every field the task page shows, re-draw reasons and zero-draw strata included, must survive."""
    import copy

    from test_draw_attacks import ZERO

    from publisher.site.draw_history import keep_shown

    sc = Scenario(tmp_path)
    beacon = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(sc.f.clock + 7200)}
    strata = copy.deepcopy(ZERO)
    strata[0]["zero_ok"] = "A/B 类本季度已全覆盖检查，本次只查高风险"
    gone = {"snapshot": sc.confirm(sc.targets, "targets"), "exclusions": [{"id": sc.targets[0].id, "reason": "已注销", "basis": "工商登记"}]}
    first = sc.commit(sc.spec(strata=strata, beacon=beacon, population=gone))
    sc.checkpoint()
    sc.after_round(first)
    rnd = first.body["beacon"]["round"]
    second = sc.commit(sc.spec(strata=strata, population=gone, supersedes=first.id, reason="上级要求重新抽取",
                               reason_code="superior_order", document="某发〔2026〕3号", approver=HEAD,
                               superseded_beacon={"round": rnd, "signature": sc.sim.beacon(rnd).signature.hex()}))
    sc.checkpoint()
    sc.lock(second)
    r = sc.verify(now=sc.sim.chain.round_time(rnd) + 9 * 86400)
    assert r.ok, [p.message for p in r.errors]
    before = DrawHistory(r, sc.f.ledger).task("T-2026-001")
    assert before[0]["superseded_by"]["document"] == "某发〔2026〕3号" and before[1]["zero_ok"]
    assert before[1]["source"] is None or isinstance(before[1]["source"], dict)
    keep_shown(r.rule("draw"))
    assert DrawHistory(r, sc.f.ledger).task("T-2026-001") == before
    assert r.rule("draw").book.private[second.id].body["population"]["exclusions"] == []  # not shown: not kept
    assert set(r.rule("draw").book.private[second.id].body) == {"population", "strata", "reason_code", "reason",
                                                                "approver", "document"}
