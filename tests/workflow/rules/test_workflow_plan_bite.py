"""Plan revision dates at their margins (004 第十一条): decided on the publication day is fine,
decided after it is an error; the 10th working day is on time, the 11th late."""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import problems, wf  # noqa: F401


def found(r, rule):
    return [(p.message, p.article, p.severity) for p in problems(r, rule)]


def test_decided_on_the_day_of_publication_and_the_day_after(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2026-01-19")
    second = wf.plan(version=2, revises=first.id, revision_reason="新增任务", decided="2026-01-19")
    r, _ = wf.workflow()
    assert r.ok and found(r, A.PLAN) == [] and found(r, A.PLAN_DEADLINE) == []
    wf.plan(version=3, revises=second.id, revision_reason="调整时间", decided="2026-01-20")
    r, _ = wf.workflow()
    assert found(r, A.PLAN) == [
        ("修订决定日期 2026-01-20 晚于发布日期 2026-01-19（北京时间）/ "
         "decided 2026-01-20 is after the publication date 2026-01-19", A.ART_PLAN_REVISION, "error")]


def test_eleventh_working_day_is_late_with_the_whole_message(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2026-01-20")
    wf.plan(version=2, revises=first.id, revision_reason="新增任务", decided="2026-01-05")
    r, _ = wf.workflow()
    assert r.ok
    assert found(r, A.PLAN_DEADLINE) == [
        ("计划修订公示超期：2026-01-05 决定，2026-01-20 发布，超期 1 个工作日（期限 2026-01-19）/ "
         "plan revision decided 2026-01-05, published 2026-01-20: late by 1 working day (due 2026-01-19)",
         A.ART_PLAN_REVISION, "warning")]
