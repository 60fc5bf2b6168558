"""WorkflowRule on real ledgers: each rule accepts the valid case and refuses the invalid one
with its rule name, a message naming the field, and the regulation article."""

from __future__ import annotations

import pytest

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import drawn, problems, text, unix, wf  # noqa: F401


def errors(report):
    return problems(report, severity="error")


def warnings(report):
    return problems(report, severity="warning")


def has(ps, rule: str, fragment: str, article: str | None = None) -> bool:
    return any(p.rule == rule and fragment in p.message and (article is None or p.article == article)
               for p in ps)


# --- the honest path ----------------------------------------------------------------------------


def test_honest_workflow_verifies_with_all_rules(drawn):
    wf, lock = drawn
    for t in wf.selected(lock):
        wf.append("result", wf.result_body(lock, t))
        wf.append("result", wf.result_body(lock, t, inspectors=wf.team(lock, t)), "wjj")
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert r.ok and not problems(r), text(r.problems)
    assert wf.verify().ok
    assert [f.status for f in facts] == ["on_time"] * 6
    assert rule.stats[("scjgj", 2026)]["result:on_time"] == 3
    assert rule.overdue == []
    task = rule.tasks["T-2026-001"]
    assert task.selection.names == {}  # every slot filled: no target names kept


# --- item lists (R1-R3, R6) ---------------------------------------------------------------------


def test_item_list_version_must_follow(wf):
    wf.item_list("scjgj")
    wf.item_list("scjgj", version=3)
    r, _ = wf.workflow()
    assert has(errors(r), A.ITEM_LIST, "version is 3, expected 2", A.ART_LIST_FILING), text(r.problems)


def test_item_list_must_name_the_version_it_supersedes(wf):
    wf.item_list("scjgj")
    wf.item_list("scjgj", version=2, supersedes=None)
    r, _ = wf.workflow()
    assert has(errors(r), A.ITEM_LIST, "supersedes", A.ART_LIST_FILING)


def test_item_list_duplicate_code_and_zero_cap(wf):
    from workflow.wf_scenario import SC_ITEMS

    items = [*SC_ITEMS, dict(SC_ITEMS[1], ratio_cap="0")]
    wf.item_list("scjgj", items=items)
    r, _ = wf.workflow()
    assert has(errors(r), A.ITEM_LIST, "items[3].code 'SC-02' appears twice")


def test_general_item_without_cap_and_key_item_with_cap_fail_the_schema(wf):
    from workflow.wf_scenario import SC_ITEMS

    items = [dict(SC_ITEMS[0], ratio_cap="0.1"), {k: v for k, v in SC_ITEMS[1].items() if k != "ratio_cap"}]
    wf.item_list("scjgj", items=items)
    r = wf.verify()
    assert sum(p.rule == "schema" for p in r.errors) == 2


def test_zero_cap_is_refused(wf):
    from workflow.wf_scenario import SC_ITEMS

    wf.item_list("scjgj", items=[dict(SC_ITEMS[1], ratio_cap="0.0")])
    r, _ = wf.workflow()
    assert has(errors(r), A.ITEM_LIST, "ratio_cap of general item 'SC-02' is 0", A.ART_RATIO_CAP)


# --- plans (R21-R24) -------------------------------------------------------------------------------


def test_plan_items_must_be_listed(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(tasks=[{"plan_task_no": "P-09", "name": "x", "items": ["SC-01", "XX-99"], "scope": "全县",
                    "count": 10, "window": {"from": "2026-02-01", "to": "2026-03-01"}, "lead": "scjgj",
                    "partners": [], "method": "on_site", "directional": False}])
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK_ITEMS, "tasks[0] (P-09).items ['XX-99'] are not on the current item list",
               A.ART_LIST), text(r.problems)


def test_plan_ratio_above_a_general_cap(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(tasks=[{"plan_task_no": "P-09", "name": "x", "items": ["SC-02"], "scope": "全县", "ratio": "0.08",
                    "window": {"from": "2026-02-01", "to": "2026-03-01"}, "lead": "scjgj", "partners": [],
                    "method": "on_site", "directional": False}])
    r, _ = wf.workflow()
    assert has(errors(r), A.RATIO_CAP, "ratio 0.08 (8%) is above the ratio cap 5%", A.ART_RATIO_CAP)


def test_plan_revision_needs_reason_and_decision_date(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.plan(version=2, revises=first.id)
    r, _ = wf.workflow()
    assert has(errors(r), A.PLAN, "revision_reason is missing", A.ART_PLAN_REVISION)
    assert has(errors(r), A.PLAN, "decided (date the revision was decided) is missing")


def test_plan_revision_on_time_and_late(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2026-01-19")
    second = wf.plan(version=2, revises=first.id, revision_reason="新增任务", decided="2026-01-05")
    r, _ = wf.workflow()
    assert r.ok and not problems(r, A.PLAN_DEADLINE), text(r.problems)  # 10th working day
    wf.at("2026-02-10")
    wf.plan(version=3, revises=second.id, revision_reason="调整时间", decided="2026-01-05")
    r, _ = wf.workflow()
    assert r.ok
    assert has(warnings(r), A.PLAN_DEADLINE, "late by 16 working days (due 2026-01-19)", A.ART_PLAN_REVISION)


def test_plan_revision_beyond_the_calendar_is_unknown_not_guessed(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2027-01-05")
    wf.plan(version=2, revises=first.id, revision_reason="调整", decided="2026-12-28")
    r, _ = wf.workflow()
    assert has(warnings(r), A.PLAN_DEADLINE, "year 2027")
    assert not problems(r, A.PLAN_DEADLINE, "error")


def test_plan_version_chain(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan()
    wf.plan()  # a second version 1 of the same year
    r, _ = wf.workflow()
    assert has(errors(r), A.PLAN, "version is 1, expected 2 for the 2026 plan")
    assert has(errors(r), A.PLAN, "revises is None")


# --- coverage (R22, reported) ----------------------------------------------------------------------


def test_coverage_reports_unplanned_items_and_missing_joint_task(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(tasks=[{"plan_task_no": "P-02", "name": "公示信息", "items": ["SC-02"], "scope": "全县",
                    "ratio": "0.03", "window": {"from": "2026-01-01", "to": "2026-03-31"}, "lead": "scjgj",
                    "partners": [], "method": "written", "directional": False}])
    r, rule = wf.workflow()
    assert r.ok  # reported, never blocking
    cov = rule.coverage[("scjgj", 2026)]
    assert cov.missing_items == ("SC-01", "SC-03") and cov.joint is False
    assert has(warnings(r), A.COVERAGE, "leaves 2 listed item(s) uncovered: SC-01, SC-03", A.ART_PLAN)
    assert has(warnings(r), A.COVERAGE, "no joint task", A.ART_PLAN)


def test_full_coverage_is_quiet(drawn):
    wf, _ = drawn
    r, rule = wf.workflow()
    assert rule.coverage[("scjgj", 2026)].missing_items == ()
    assert not problems(r, A.COVERAGE)


# --- tasks (R1, R3, R27-R36) ---------------------------------------------------------------------


def test_task_items_must_be_on_each_offices_current_list(wf):
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan()
    wf.task(items=["SC-01", "SC-99"], partners=[{"office": "wjj", "items": ["SC-01"]}])
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK_ITEMS, "items ['SC-99'] are not on scjgj's current item list (version 1)",
               A.ART_LIST)
    assert has(errors(r), A.TASK_ITEMS, "partners[0].items ['SC-01'] are not on wjj's current item list")


def test_removed_item_is_refused_after_the_new_list(wf):
    from workflow.wf_scenario import SC_ITEMS

    wf.basics()
    wf.item_list("scjgj", items=SC_ITEMS[1:])  # v2 drops SC-01
    wf.task("T-2026-002")
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK_ITEMS, "['SC-01'] are not on scjgj's current item list (version 2)")


def test_task_lead_must_be_the_publishing_office(wf):
    wf.basics()
    wf.task("T-2026-002", office="wjj", partners=[])
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "lead is 'scjgj' but the task is published by 'wjj'", A.ART_TASK)


def test_task_ids_are_unique(wf):
    wf.basics()
    wf.task()
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "id 'T-2026-001' is already used")


def test_own_task_must_come_from_the_plan(wf):
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-77")
    wf.task("T-2026-003", plan_task_no=None)
    wf.task("T-2026-004", plan_task_no=None, origin="upper", origin_detail="市局分发 2026-3 号")
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "plan_task_no 'P-77' is not in scjgj's 2026 plan", A.ART_WORKFLOW)
    assert has(errors(r), A.TASK, "plan_task_no is null: an own task is made from the annual plan")
    assert not any("T-2026-004" in p.message for p in errors(r))


def test_joint_task_needs_a_rationale(wf):
    wf.basics()
    wf.task("T-2026-002", rationale=" ")
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "rationale is empty", A.ART_JOINT)


def test_task_ratio_above_cap(wf):
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02"], partners=[], ratio="0.06")
    r, _ = wf.workflow()
    assert has(errors(r), A.RATIO_CAP, "ratio 0.06 is above the ratio cap 5% of general item(s) ['SC-02']")



def test_a_ratio_just_above_the_cap_never_reads_as_equal_to_it(wf):
    """0.050000001 is above a 5 % cap; four significant digits printed both as "5%"."""
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02"], partners=[], ratio="0.050000001")
    r, _ = wf.workflow()
    assert has(errors(r), A.RATIO_CAP, "抽查比例 5.0000001% 高于一般事项 SC-02 的抽查比例上限 5% / ratio 0.050000001 "
               "is above the ratio cap 5% of general item(s) ['SC-02']"), text(r.problems)

# --- R3 at the draw ------------------------------------------------------------------------------


def test_draw_within_general_cap_passes_and_above_is_refused(wf):
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02", "SC-03"], partners=[])
    wf.task("T-2026-003", plan_task_no="P-02", items=["SC-02"], partners=[])
    wf.draw("T-2026-002", offices=("scjgj",), count=3)  # 3/60 = 5%
    wf.draw("T-2026-003", offices=("scjgj",), count=4)  # 4/60 > 5%
    r, _ = wf.workflow()
    msgs = [p for p in errors(r) if p.rule == A.RATIO_CAP]
    assert len(msgs) == 1 and "takes 4 of 60 targets" in msgs[0].message, text(r.problems)
    assert msgs[0].article == "003 二(二)" and "T-2026-003" in msgs[0].message


def test_key_items_have_no_cap(wf):
    wf.basics()
    wf.task("T-2026-002", items=["SC-01"], partners=[], rationale="")
    wf.draw("T-2026-002", offices=("scjgj",), count=30)  # 50%
    r, _ = wf.workflow()
    assert not problems(r, A.RATIO_CAP), text(r.problems)


def test_partner_general_item_caps_the_joint_draw(wf):
    wf.basics()  # T-2026-001: SC-01 (key) + wjj WJ-01 (general, cap 20%)
    wf.draw("T-2026-001", count=13)  # 13/60 > 20%
    r, _ = wf.workflow()
    assert has(errors(r), A.RATIO_CAP, "above the ratio cap 20% of general item(s) ['WJ-01']")


def test_draw_needs_a_task(wf):
    wf.basics()
    wf.draw("T-2026-404", offices=("scjgj",))
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "no task entry with this id precedes the draw", A.ART_WORKFLOW)


# --- results ------------------------------------------------------------------------------------


def test_result_only_for_locked_targets(drawn):
    wf, lock = drawn
    outsider = next(t.id for t in wf.targets if t.id not in wf.selected(lock))
    wf.append("result", dict(wf.result_body(lock, wf.selected(lock)[0]), target=outsider))
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, f"target {outsider} was not selected in the locked draw", A.ART_LOCKED)


def test_result_needs_a_locked_draw(wf):
    wf.basics()
    t = wf.targets[0]
    wf.append("result", {"task": "T-2026-001", "target": t.id, "target_name": t.name, "completed": "2026-01-02",
                         "inspectors": ["scjgj-001", "scjgj-002"], "method": "on_site", "categories": ["1"],
                         "vocabulary": "004-20/v1"})
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "has no locked draw yet", A.ART_LOCKED)


def test_result_only_by_a_participating_office(drawn):
    wf, lock = drawn
    wf.f.add_office("zjj", "住房和城乡建设局")
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0]), "zjj")
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "zjj does not take part in it", A.ART_WHO)


def test_one_result_per_task_target_office(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.append("result", wf.result_body(lock, t))
    wf.append("result", wf.result_body(lock, t, inspectors=wf.team(lock, t)), "wjj")  # own slot: fine
    wf.append("result", wf.result_body(lock, t, categories=["5"]))  # a silent rewrite
    r, _ = wf.workflow()
    e = errors(r)
    assert len(e) == 1 and has(e, A.RESULT, "scjgj already published for target", A.ART_UNCHANGED), text(e)


def test_results_need_two_inspectors(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.append("result", wf.result_body(lock, t, inspectors=wf.team(lock, t)[:1]))
    r, _ = wf.workflow()
    assert has(errors(r), A.TEAM_SIZE, "inspectors lists 1; at least two", "004 第十四条")


def test_results_name_the_drawn_team_or_a_reason(drawn):
    """Issue 14: inspectors outside the drawn team (after replacements) are refused unless
    inspectors_reason says why."""
    wf, lock = drawn
    a, b = wf.selected(lock)[:2]
    wf.append("result", wf.result_body(lock, a, inspectors=["scjgj-001", "scjgj-002"]))
    r, _ = wf.workflow()
    team = ", ".join(wf.team(lock, a))
    assert has(errors(r), A.TEAM_MATCH, f"are not in the drawn team of {a} ({team})", "001 第十三条")
    wf2_body = wf.result_body(lock, b, inspectors=["scjgj-001", "scjgj-002"], inspectors_reason="原检查组成员病休，经批准替换")
    wf.append("result", wf2_body)
    r, _ = wf.workflow()
    assert not [p for p in errors(r) if b in p.message], text(errors(r))


@pytest.mark.parametrize("cats,fragment", [(["9"], "are not codes of 004-20/v1"),
                                           (["1", "5"], "category 1 (未发现问题) cannot be combined")])
def test_result_categories(drawn, cats, fragment):
    wf, lock = drawn
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0], categories=cats))
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, fragment, "004 第二十条")


def test_result_unknown_vocabulary(drawn):
    wf, lock = drawn
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0], vocabulary="zj/v9"))
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "vocabulary 'zj/v9' is unknown")


def test_findings_only_for_the_offices_own_items(drawn):
    wf, lock = drawn
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0], categories=["5"],
                                       findings=[{"item": "WJ-01", "finding": "无健康证"}]))
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK_ITEMS, "findings[].item ['WJ-01'] are not among scjgj's items", A.ART_LIST)


def test_completed_dates(drawn):
    wf, lock = drawn
    a, b = wf.selected(lock)[:2]
    wf.append("result", wf.result_body(lock, a, completed="2025-12-30"))
    wf.append("result", wf.result_body(lock, b, completed="2026-05-01"))
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "completed 2025-12-30 is before task T-2026-001's draw was locked")
    assert has(errors(r), A.RESULT, "completed 2026-05-01 is after the publication date")


def test_late_result_is_accepted_flagged_and_counted(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.at("2026-03-02")
    wf.append("result", wf.result_body(lock, t, completed="2026-01-20"))
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert r.ok
    # 2026-01-20 + 20 working days = 2026-02-24 (Spring Festival 2/15-2/23, Saturday 2/14 a workday);
    # 2/25, 2/26, 2/27, 2/28 (a makeup Saturday) and 3/2 are the late days
    assert has(warnings(r), A.DEADLINE, "late by 5 working days (due 2026-02-24", "004 第二十条"), text(r.problems)
    assert facts[0].status == "late" and facts[0].late_days == 5
    assert rule.stats[("scjgj", 2026)]["result:late"] == 1 and rule.stats[("scjgj", 2026)]["late_days"] == 5


def test_result_on_the_deadline_is_on_time(drawn):
    wf, lock = drawn
    wf.at("2026-02-24", hour=15)  # 23:00 in China, still the 24th
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0], completed="2026-01-20"))
    facts = []
    r, _ = wf.workflow(sink=facts.append)
    assert facts[0].status == "on_time" and not problems(r, A.DEADLINE)


def test_result_with_unknown_calendar_year(drawn):
    wf, lock = drawn
    wf.at("2027-01-20")
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0], completed="2026-12-20"))
    facts = []
    r, _ = wf.workflow(sink=facts.append)
    assert facts[0].status == "unknown"
    assert has(warnings(r), A.DEADLINE, "(year 2027)")


def test_sections_fill_the_partners_slot(drawn):
    wf, lock = drawn
    a, b = wf.selected(lock)[:2]
    wf.append("result", wf.result_body(lock, a, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["5"],
         "findings": [{"item": "WJ-01", "finding": "从业人员无健康证，已责令改正"}]}]))
    wf.append("result", wf.result_body(lock, a, inspectors=wf.team(lock, a)), "wjj")
    wf.append("result", wf.result_body(lock, b, sections=[
        {"office": "zjj", "items": ["WJ-01"], "categories": ["1"]},
        {"office": "wjj", "items": ["SC-01"], "categories": ["1"]}]))
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "result: a section of scjgj's result already covers wjj", A.ART_UNCHANGED)
    assert has(errors(r), A.RESULT, "sections[0].office zjj does not take part", A.ART_SPLIT)
    assert has(errors(r), A.TASK_ITEMS, "sections[1].items ['SC-01'] are not among wjj's items")


def test_embargoed_draw_results_only_after_reveal(wf):
    wf.basics()
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    lock = wf.lock(c)
    assert "result_hash" in lock.body
    t = wf.targets[0]
    body = {"task": "T-2026-001", "target": t.id, "target_name": t.name, "completed": "2026-01-02",
            "inspectors": ["scjgj-001", "scjgj-002"], "method": "on_site", "categories": ["1"],
            "vocabulary": "004-20/v1"}
    wf.append("result", body)
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, "embargoed draw must be revealed", A.ART_UNANNOUNCED)
    wf.at("2026-01-03")
    reveal = wf.reveal(c)
    target = reveal.body["selected"][0]["id"]
    team = next(t for t in reveal.body["teams"] if t["target"] == target)["members"]
    wf.append("result", dict(body, target=target, target_name=wf.name(target), completed="2026-01-03",
                             inspectors=team[:2]))
    r, _ = wf.workflow()
    assert len(errors(r)) == 1, text(errors(r))
    assert wf.verify().errors == errors(r)  # the draw rule agrees the reveal is valid


# --- corrections (R66) ---------------------------------------------------------------------------


def correction(result_id: str, corrected: dict, title: str = "主要负责人", **over) -> dict:
    body = {"result": result_id, "corrected": corrected, "reason": "检查结果录入错误",
            "approver": {"name": "王局长", "title": title}, "date": "2026-01-25"}
    body.update(over)
    return body


def test_correction_by_the_head_chains(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    wf.at("2026-01-26")
    c1 = wf.append("result.correct", correction(res.id, wf.result_body(lock, t, categories=["5"])))
    c2 = wf.append("result.correct", correction(c1.id, wf.result_body(lock, t, categories=["5", "8"]),
                                                title="Head", date="2026-01-26"))
    facts = []
    r, _ = wf.workflow(sink=facts.append)
    assert r.ok and not problems(r), text(r.problems)
    assert [f.corrects for f in facts] == [None, res.id, c1.id]
    assert wf.verify().ok and c2


def test_correction_without_the_head_is_refused(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    wf.append("result.correct", correction(res.id, wf.result_body(lock, t), title="副局长", reason=" "))
    r, _ = wf.workflow()
    assert has(errors(r), A.CORRECTION, "approver.title is '副局长'", "001 第十九条")
    assert has(errors(r), A.CORRECTION, "reason is empty")


def test_correction_must_name_the_latest_version(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    wf.append("result.correct", correction(res.id, wf.result_body(lock, t, categories=["5"])))
    wf.append("result.correct", correction(res.id, wf.result_body(lock, t, categories=["8"])))
    r, _ = wf.workflow()
    assert has(errors(r), A.CORRECTION, "is not the latest version", A.ART_UNCHANGED)


def test_only_the_publishing_office_corrects(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    wf.append("result.correct", correction(res.id, wf.result_body(lock, t, inspectors=wf.team(lock, t))), "wjj")
    r, _ = wf.workflow()
    assert has(errors(r), A.CORRECTION, "was published by scjgj; only the office that published", A.ART_UNCHANGED)


def test_correction_cannot_move_a_result_to_another_target(drawn):
    wf, lock = drawn
    a, b = wf.selected(lock)[:2]
    res = wf.append("result", wf.result_body(lock, a))
    wf.append("result.correct", correction(res.id, wf.result_body(lock, b)))
    r, _ = wf.workflow()
    assert has(errors(r), A.CORRECTION, f"published nothing for target {b}")


def test_late_correction_is_flagged(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    wf.at("2026-03-02")
    wf.append("result.correct", correction(res.id, wf.result_body(lock, t), date="2026-01-20"))
    r, _ = wf.workflow()
    assert has(warnings(r), A.DEADLINE, "correction approved 2026-01-20", A.ART_UPDATE)


# --- withholding (R67) and non-cooperation (R68) -----------------------------------------------------


def test_withhold_counts_as_published(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.append("result.withhold", {"task": "T-2026-001", "target": t, "legal_basis": "《政府信息公开条例》第十四条",
                                  "decided": "2026-01-20"})
    wf.append("result", wf.result_body(lock, t))
    r, rule = wf.workflow(now=unix("2026-06-30"))
    assert has(errors(r), A.RESULT, "scjgj already published for target")
    assert all(t not in o.targets for o in rule.overdue if o.office == "scjgj")


def test_withhold_needs_a_legal_basis(drawn):
    wf, lock = drawn
    wf.append("result.withhold", {"task": "T-2026-001", "target": wf.selected(lock)[0], "legal_basis": "  ",
                                  "decided": "2026-01-20"})
    r, _ = wf.workflow()
    assert has(errors(r), A.WITHHOLD, "legal_basis is empty", A.ART_WITHHOLD)


def test_noncooperation(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    ok = {"task": "T-2026-001", "target": t, "grounds": ["refused_entry"], "date": "2026-01-15",
          "detail": "拒绝检查人员进入经营场所", "serious": True}
    wf.append("noncooperation", ok)
    r, _ = wf.workflow()
    assert r.ok and not problems(r), text(r.problems)
    outsider = next(x.id for x in wf.targets if x.id not in wf.selected(lock))
    wf.append("noncooperation", dict(ok, target=outsider))
    wf.append("noncooperation", dict(ok, date="2025-12-01"))
    r, _ = wf.workflow()
    assert has(errors(r), A.NONCOOPERATION, "was not selected", A.ART_LOCKED)
    assert has(errors(r), A.NONCOOPERATION, "date 2025-12-01 is before task T-2026-001's draw was locked")


# --- overdue (R64) --------------------------------------------------------------------------------


def test_overdue_after_window_plus_twenty_working_days(drawn):
    wf, lock = drawn
    sel = wf.selected(lock)
    wf.append("result", wf.result_body(lock, sel[0]))
    # window ends 2026-03-31; + 20 working days (Qingming 4/4-4/6) = 2026-04-29
    r, rule = wf.workflow(now=unix("2026-04-29", 12))
    assert not problems(r, A.OVERDUE)
    r, rule = wf.workflow(now=unix("2026-04-30"))
    over = {(o.office, o.count) for o in rule.overdue}
    assert over == {("scjgj", 2), ("wjj", 3)}
    assert has(warnings(r), A.OVERDUE, "2 locked target(s) without a result or withholding by scjgj, due 2026-04-29",
               "004 第二十条")
    o = next(o for o in rule.overdue if o.office == "scjgj")
    assert set(o.targets) == set(sel[1:])


def test_overdue_beyond_the_calendar_is_unknown(wf):
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-01-01", "to": "2026-12-20"})
    wf.draw("T-2026-002")
    r, rule = wf.workflow(now=unix("2027-02-01"))
    assert has(warnings(r), A.OVERDUE, "cannot tell if overdue")
    assert any(o.task == "T-2026-002" and o.due is None for o in rule.overdue)


# --- directory snapshots (R18) ----------------------------------------------------------------------


def test_directory_snapshot_confirmation(wf):
    good = {"kind": "targets", "blob": wf.tblob, "count": 60, "confirmed_by": "张科长",
            "confirmed_at": "2026-01-01"}
    wf.append("directory.snapshot", good)
    r, _ = wf.workflow()
    assert r.ok and not problems(r), text(r.problems)
    wf.append("directory.snapshot", dict(good, count=61))
    wf.append("directory.snapshot", dict(good, kind="inspectors", blob=wf.tblob))
    wf.append("directory.snapshot", dict(good, blob="ab" * 32))
    wf.append("directory.snapshot", dict(good, kind="targets", blob=wf.iblob))
    r, _ = wf.workflow()
    e = errors(r)
    assert has(e, A.DIRECTORY, "count is 61 but the snapshot holds 60 records", A.ART_DIRECTORY)
    assert has(e, A.DIRECTORY, "kind is inspectors but blob")
    assert has(e, A.DIRECTORY, "is not in ledger/blobs")
    assert has(e, A.DIRECTORY, "is not a canonical targets snapshot")


# --- memory ---------------------------------------------------------------------------------------


def test_selection_memory_is_compact():
    from publisher.workflow.rules.selection import Selection

    sel = Selection(["scjgj", "wjj"])
    ids = [f"P-{i:09d}" for i in range(50_000)]
    sel.add(ids)
    for tid in ids:
        i = sel.find(tid)
        sel.set("scjgj", i, 7)
        sel.set("wjj", i, 9)
    assert not sel.names and sel.open_count("scjgj") == 0
    size = sel.keys.itemsize * len(sel.keys) + sum(a.itemsize * len(a) for a in sel.slots.values())
    assert size == 24 * 50_000  # 8 bytes per target + 8 per (target, office)
    assert sel.find("P-999999999") is None


def test_duplicate_by_the_lead_after_a_section_names_the_lead(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    body = wf.result_body(lock, a, sections=[{"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}])
    first = wf.append("result", body)
    wf.append("result", body)
    wf.append("result.correct", correction(first.id, wf.result_body(lock, a, inspectors=wf.team(lock, a))),
              "wjj")
    r, _ = wf.workflow()
    assert has(errors(r), A.RESULT, f"result: scjgj already published for target {a}")
    assert has(errors(r), A.RESULT, f"(latest entry {first.id[:15]}…)")
    assert has(errors(r), A.CORRECTION, "was published by scjgj")


def test_correction_keeps_sections_with_the_chain(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    sec = [{"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}]
    first = wf.append("result", wf.result_body(lock, a, sections=sec))
    wf.at("2026-01-26")
    wf.append("result.correct", correction(first.id, wf.result_body(lock, a, sections=[dict(sec[0], categories=["5"])])))
    r, rule = wf.workflow(now=unix("2026-06-30"))
    assert r.ok and not errors(r), text(r.problems)
    assert all(a not in o.targets for o in rule.overdue)


def test_draw_offices_must_be_the_tasks_participants(wf):
    wf.basics()
    wf.draw("T-2026-001", offices=("scjgj",))
    r, _ = wf.workflow()
    assert has(errors(r), A.TASK, "the commitment's offices ['scjgj'] differ from task T-2026-001's participants")


def test_unrevealed_embargoed_targets_count_as_overdue(wf):
    wf.basics()
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    wf.lock(c)
    r, rule = wf.workflow(now=unix("2026-05-06"))
    assert {(o.office, o.count, o.targets) for o in rule.overdue} == {("scjgj", 3, ()), ("wjj", 3, ())}
    assert has(warnings(r), A.OVERDUE, "3 of an embargoed draw not yet revealed")
