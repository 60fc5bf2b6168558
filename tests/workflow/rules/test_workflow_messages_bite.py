"""Workflow rules with their WHOLE problems — rule id, message (Chinese and English), article and
severity — and every date margin that encodes a regulation, on both sides.

A test that matches a fragment of the English half lets the Chinese half (what a clerk reads
first, issue 14), the article or another check's text change unnoticed (issue 17). The scenario
is the shared one (wf_scenario): the joint task T-2026-001 (window 2026-01-01 – 2026-03-31) is
locked on 2026-01-01 (China date), and entries are published on 2026-01-21 unless moved.
"""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import drawn, problems, unix, wf  # noqa: F401


def found(report, prefix: str = "workflow"):
    return [(p.rule, p.message, p.article, p.severity) for p in problems(report, prefix)]


# --- noncooperation (R68, 004 第十九条) ----------------------------------------------------------


def _noncoop(target: str, **over) -> dict:
    return {"task": "T-2026-001", "target": target, "grounds": ["refused_entry"], "date": "2026-01-15",
            "detail": "拒绝检查人员进入经营场所", "serious": True, **over}


def test_noncooperation_on_the_lock_day_and_on_the_publication_day_is_accepted(drawn):
    """The date may be the day the draw was locked (2026-01-01) and the publication day itself."""
    wf, lock = drawn
    a, b, _ = wf.selected(lock)
    wf.append("noncooperation", _noncoop(a, date="2026-01-01"))
    wf.append("noncooperation", _noncoop(b, date="2026-01-21"))
    r, rule = wf.workflow()
    assert found(r) == []
    assert rule.stats[("scjgj", 2026)]["noncooperation"] == 2


def test_noncooperation_refusals_whole(drawn):
    wf, lock = drawn
    a, _, c = wf.selected(lock)
    wf.append("noncooperation", _noncoop(c, date="2026-01-22", detail=" \t"))
    wf.append("noncooperation", _noncoop(a, date="2026-02-30"))
    wf.append("noncooperation", _noncoop(a, date="2025-12-31"))
    wf.append("noncooperation", _noncoop(a, task="T-2026-009"))
    r, rule = wf.workflow()
    assert found(r) == [
        (A.NONCOOPERATION, "不配合情况说明为空：须写明检查对象拒绝或阻挠了什么 / detail is empty: say what the target "
         "refused or obstructed", A.ART_NONCOOP, "error"),
        (A.NONCOOPERATION, "不配合发生日期 2026-01-22 晚于发布日期 2026-01-21（北京时间）/ date 2026-01-22 is after the "
         "publication date 2026-01-21", A.ART_NONCOOP, "error"),
        (A.NONCOOPERATION, "日期“2026-02-30”不存在（date），应为真实的 YYYY-MM-DD / date '2026-02-30' is not a calendar "
         "date", A.ART_NONCOOP, "error"),
        (A.NONCOOPERATION, "不配合发生日期 2025-12-31 早于任务 T-2026-001 抽取锁定的日期 2026-01-01 / date 2025-12-31 is "
         "before task T-2026-001's draw was locked (2026-01-01)", A.ART_LOCKED, "error"),
        (A.NONCOOPERATION, "没有编号为 T-2026-009 的任务 / task 'T-2026-009': no task entry with this id",
         A.ART_WORKFLOW, "error"),
    ]
    # counted per (office, year of the non-cooperation); an impossible date counts in the
    # publication's year; a record about no task is not counted
    assert rule.stats[("scjgj", 2026)]["noncooperation"] == 2
    assert rule.stats[("scjgj", 2025)]["noncooperation"] == 1
