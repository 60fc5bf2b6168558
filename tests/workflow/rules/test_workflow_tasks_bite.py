"""Task checks met at their edges (third mutation session, docs/QUALITY.md): every office's items
are checked even after one without an item list, several missing items in one problem, a one-day
window, and a task from a higher level that does not say where it came from."""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import problems, wf  # noqa: F401


def found(report, rule=None):
    return [(p.rule, p.message, p.article, p.severity) for p in problems(report, "workflow")
            if rule is None or p.rule == rule]


def test_every_office_is_checked_after_one_without_an_item_list(wf):
    wf.item_list("wjj")
    wf.task(partners=[{"office": "wjj", "items": ["WJ-09"]}])
    r, _ = wf.workflow()
    assert found(r, A.TASK_ITEMS) == [
        (A.TASK_ITEMS, "单位 scjgj 还没有发布抽查事项清单，不得在清单外检查 / items: office scjgj has published no item "
         "list; no inspection outside the list", A.ART_LIST, "error"),
        (A.TASK_ITEMS, "事项 WJ-09 不在 wjj 现行的抽查事项清单（第 1 版）中，不得在清单外检查 / partners[0].items ['WJ-09'] "
         "are not on wjj's current item list (version 1)", A.ART_LIST, "error"),
    ]


def test_several_missing_items_are_named_in_one_problem(wf):
    wf.basics()
    wf.task("T-2026-002", items=["SC-08", "SC-09"])
    r, _ = wf.workflow()
    assert found(r, A.TASK_ITEMS) == [
        (A.TASK_ITEMS, "事项 SC-08、SC-09 不在 scjgj 现行的抽查事项清单（第 1 版）中，不得在清单外检查 / items "
         "['SC-08', 'SC-09'] are not on scjgj's current item list (version 1)", A.ART_LIST, "error")]


def test_a_one_day_window_is_a_window(wf):
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-02-02", "to": "2026-02-02"})
    r, rule = wf.workflow()
    assert found(r) == []
    t = rule.tasks["T-2026-002"]
    assert (str(t.window_from), str(t.window_to)) == ("2026-02-02", "2026-02-02")


def test_a_task_from_a_higher_level_without_its_source_is_warned(wf):
    wf.basics()
    wf.task("T-2026-002", origin="upper", plan_task_no=None)
    r, _ = wf.workflow()
    assert found(r) == [(A.TASK, "任务来源为“上级部署”，但没有写明来自哪个部门或文件 / origin is 'upper' but origin_detail "
                         "does not say which office or document the task came from", A.ART_ORIGIN, "warning")]


def test_the_ratio_cap_of_a_partner_counts_after_an_office_without_a_list(wf):
    """003 二(二): the smallest cap among the task's general items, over every office that has a
    list — an office without one (itself refused) does not end the search."""
    wf.item_list("wjj")
    wf.task(ratio="0.5")
    r, _ = wf.workflow()
    assert found(r, A.RATIO_CAP) == [
        (A.RATIO_CAP, "抽查比例 50% 高于一般事项 WJ-01 的抽查比例上限 20% / ratio 0.5 is above the ratio cap 20% of general "
         "item(s) ['WJ-01']", A.ART_RATIO_CAP, "error")]


def test_a_plans_impossible_filing_date_is_named(wf):
    """A plan records where and when it was filed; an impossible filing date is named with its
    field, under the plan's article."""
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(filed={"with": "县人民政府", "date": "2026-02-30"})
    r, _ = wf.workflow()
    assert found(r) == [(A.PLAN, "日期“2026-02-30”不存在（filed.date），应为真实的 YYYY-MM-DD / filed.date '2026-02-30' is not "
                         "a calendar date", A.ART_PLAN, "error")]
