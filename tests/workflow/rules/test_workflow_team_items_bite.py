"""Survivors of the third mutation session (docs/QUALITY.md), each killed by asserting the whole
problem: a stranger named only in a result's section (001 第十三条), several strangers in one
message, a drawn team of three read from the lock's packed indices, and the item list named in an
"outside the task's items" refusal when an office has more than one item in the task."""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import drawn, problems, unix, wf  # noqa: F401


def found(report):
    return [(p.rule, p.message, p.article, p.severity) for p in problems(report, "workflow")]


def _team_match(target, strangers, team):
    return (A.TEAM_MATCH, f"检查人员 {'、'.join(strangers)} 不是 {target} 抽中的检查组成员（{'、'.join(team)}）；人员变动须先登记"
            f"检查人员更换（经批准），或写明检查人员变动的原因 / inspectors {strangers} are not in the drawn team of "
            f"{target} ({', '.join(team)}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH, "error")


def test_a_stranger_named_only_in_a_section_is_refused(drawn):
    """The main inspectors are the drawn team; only the partner's section names someone else."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    team = wf.team(lock, a)
    wf.append("result", wf.result_body(lock, a, inspectors=team, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"], "inspectors": ["wjj-006"]}]))
    r, _ = wf.workflow()
    assert found(r) == [_team_match(a, ["wjj-006"], team)]


def test_a_section_with_only_team_members_is_accepted(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    team = wf.team(lock, a)
    wf.append("result", wf.result_body(lock, a, inspectors=team, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"], "inspectors": team[-1:]}]))
    r, _ = wf.workflow()
    assert found(r) == []


def test_several_strangers_are_listed_in_one_problem(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    team = wf.team(lock, a)
    wf.append("result", wf.result_body(lock, a, inspectors=["scjgj-008", "scjgj-007"]))
    r, _ = wf.workflow()
    strangers = [i for i in ["scjgj-008", "scjgj-007"] if i not in team]
    assert len(strangers) == 2, team  # the scenario's draw must not have picked them
    assert found(r) == [_team_match(a, strangers, team)]


def test_a_team_of_three_is_read_member_by_member(wf):
    """A single-office draw with three members per team: the result naming the whole team is
    accepted — the team is unpacked from two-byte indices, one member at a time (with two members
    and fewer than 256 inspectors a misaligned read would still find the second one)."""
    wf.basics()
    wf.task("T-2026-002", partners=[], plan_task_no="P-02", items=["SC-02"], name="企业公示信息抽查",
            scope="全县企业", method="written", rationale="")
    _, lock = wf.draw("T-2026-002", offices=("scjgj",), members=3)
    wf.at("2026-01-21")
    for t in wf.selected(lock):
        team = wf.team(lock, t)
        assert len(team) == 3
        wf.append("result", wf.result_body(lock, t, task="T-2026-002", inspectors=team, method="written"))
    r, _ = wf.workflow()
    assert found(r) == []


def test_items_outside_the_task_name_every_item_of_the_office(wf):
    """An office with two items in the task: the refusal lists both, in both languages."""
    wf.basics()
    wf.task("T-2026-002", partners=[], plan_task_no="P-02", items=["SC-02", "SC-03"], name="企业公示信息抽查",
            scope="全县企业", method="written", rationale="")
    _, lock = wf.draw("T-2026-002", offices=("scjgj",), members=2)
    wf.at("2026-01-21")
    t = wf.selected(lock)[0]
    wf.append("result", wf.result_body(lock, t, task="T-2026-002", inspectors=wf.team(lock, t), method="written",
                                       items=["SC-01"]))
    r, _ = wf.workflow()
    assert found(r) == [(A.TASK_ITEMS, "事项 SC-01 不是 scjgj 在本任务中的检查事项（SC-02、SC-03），不得在清单外检查 / "
                         "items ['SC-01'] are not among scjgj's items of this task (SC-02, SC-03)", A.ART_LIST, "error")]


def _calendar(wf, body):
    from publisher.core.entry import OPERATOR

    return wf.ledger.append(OPERATOR, "calendar", body, wf.f.root_key, wf.f.tick())


def test_a_result_deadline_uses_the_ledgers_own_calendar(drawn):
    """004 第二十条 counted with the operator's published arrangement for a year the built-in
    calendar does not know yet (2027): without it the deadline could not be told."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    _calendar(wf, {"year": 2027, "notice": "国办发明电〔2026〕1号", "holidays": ["2027-01-01"], "workdays": []})
    wf.at("2027-01-05")
    wf.append("result", wf.result_body(lock, a, completed="2026-12-20"))
    facts = []
    r, _ = wf.workflow(sink=facts.append)
    assert [(f.target, f.status, str(f.deadline), f.late_days) for f in facts] == [(a, "on_time", "2027-01-18", 0)]


def test_a_result_whose_section_office_already_published_is_not_judged(drawn):
    """The lead's result names a section for wjj, which already published its own result for the
    target: refused (001 第十九条: a published result changes only by result.correct), and the
    refused result is neither judged against the deadline nor counted."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    own = wf.append("result", wf.result_body(lock, a, inspectors=wf.team(lock, a)), "wjj")
    wf.append("result", wf.result_body(lock, a, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"], "inspectors": wf.team(lock, a)}]))
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert found(r) == [(A.RESULT, "该检查对象的结果已经发布，已发布的结果只能用更正（result.correct）修改 / section for wjj: "
                         f"wjj already published for target {a} in task T-2026-001 (latest entry {own.id[:15]}…); "
                         "published results are changed only by result.correct", A.ART_UNCHANGED, "error")]
    assert [(f.office, f.status) for f in facts] == [("wjj", "on_time")]


def _correct(wf, lock, res, office="scjgj", **corrected):
    body = {"result": res.id, "corrected": corrected, "reason": "录入错误",
            "approver": {"name": "王", "title": "主要负责人"}, "date": "2026-01-21"}
    return wf.append("result.correct", body, office)


def test_a_correction_that_points_elsewhere_is_refused_with_the_correction_lead(drawn):
    """A correction's new content is located like a result (001 第十二条, 002 二(四)1), and each
    refusal says it is about the corrected content (更正内容中：): an undrawn target, a task
    without a locked draw, a task the correcting office takes no part in."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    undrawn = next(t.id for t in wf.targets if t.id not in wf.selected(lock))
    wf.task("T-2026-002", partners=[], plan_task_no="P-02", items=["SC-02"], name="企业公示信息抽查",
            scope="全县企业", method="written", rationale="")
    ra = wf.append("result", wf.result_body(lock, a))
    rw = wf.append("result", wf.result_body(lock, a, inspectors=wf.team(lock, a)), "wjj")
    _correct(wf, lock, ra, **(wf.result_body(lock, a) | {"target": undrawn, "target_name": wf.name(undrawn)}))
    _correct(wf, lock, ra, **(wf.result_body(lock, a) | {"task": "T-2026-002"}))
    _correct(wf, lock, rw, "wjj", **(wf.result_body(lock, a, inspectors=wf.team(lock, a)) | {"task": "T-2026-002"}))
    r, _ = wf.workflow()
    C = A.CORRECTION
    assert found(r) == [
        (C, f"更正内容中：检查对象 {undrawn} 不在任务 T-2026-001 的抽中名单中 / target {undrawn} was not selected in the "
         "locked draw of task T-2026-001", A.ART_LOCKED, "error"),
        (C, "更正内容中：任务 T-2026-002 还没有锁定的抽取，只有抽中的检查对象才有结果 / task T-2026-002 has no locked draw "
         "yet; results exist only for locked targets", A.ART_LOCKED, "error"),
        (C, "更正内容中：单位 wjj 没有参与任务 T-2026-002，谁检查、谁录入、谁公开 / task T-2026-002: wjj does not take part "
         "in it (lead scjgj); whoever inspects publishes", A.ART_WHO, "error"),
    ]


def test_a_replacement_the_draw_rule_refuses_changes_no_team(drawn):
    """team.replace for a target that was not drawn, or replacing someone not in the team: the
    draw rule refuses it; the workflow rule's copy of the teams is left as it was (no crash, no
    problem of its own), so a result by the drawn team is still accepted."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    team = wf.team(lock, a)
    undrawn = next(t.id for t in wf.targets if t.id not in wf.selected(lock))
    commit = lock.body["commit"]
    for target, out in ((undrawn, team[0]), (a, "scjgj-999")):
        wf.append("team.replace", {"task": "T-2026-001", "commit": commit, "target": target, "out": out,
                                   "in": "scjgj-008", "reason": "health", "approver": {"name": "王某", "title": "分管副局长"},
                                   "date": "2026-01-20"})
    wf.append("result", wf.result_body(lock, a, inspectors=team))
    r, _ = wf.workflow()
    assert found(r) == []


def _overdue(rule):
    return [(o.task, o.office, str(o.due), o.count) for o in rule.overdue]


def test_an_embargoed_draw_locked_twice_is_announced_once(wf):
    """The second lock of the same embargoed commitment (the draw rule refuses it) does not count
    its targets again: overdue says 3 targets of an embargoed draw, not 6."""
    wf.basics()
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    wf.lock(c)
    wf.lock(c)
    r, rule = wf.workflow(now=unix("2026-05-06"))
    assert _overdue(rule) == [("T-2026-001", o, "2026-04-29", 3) for o in ("scjgj", "wjj")]


def test_a_draw_revealed_twice_is_unannounced_once(wf):
    """A repeated draw.reveal (the draw rule refuses it) does not take the revealed targets off
    the count a second time: the three revealed targets are still overdue."""
    wf.basics()
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    wf.lock(c)
    wf.at("2026-01-05")
    wf.reveal(c)
    wf.reveal(c)
    r, rule = wf.workflow(now=unix("2026-05-06"))
    assert _overdue(rule) == [("T-2026-001", o, "2026-04-29", 3) for o in ("scjgj", "wjj")]


def test_two_embargoed_draws_of_one_task_add_up(wf):
    """Two embargoed draws of the same task, neither revealed: 3 + 3 targets are announced."""
    wf.basics()
    wf.lock(wf.commit("T-2026-001", embargo="2026-01-03"))
    wf.lock(wf.commit("T-2026-001", embargo="2026-01-03"))
    r, rule = wf.workflow(now=unix("2026-05-06"))
    assert _overdue(rule) == [("T-2026-001", o, "2026-04-29", 6) for o in ("scjgj", "wjj")]


def test_overdue_names_the_public_targets_then_counts_the_embargoed_ones(wf):
    """004 第二十条: a task with a public draw and an embargoed one, nothing published past the due
    date: each office's warning names the three public targets, then counts the three not yet
    revealed, in both languages, and is located at the task entry."""
    task = wf.basics()
    _, lock = wf.draw()
    wf.lock(wf.commit("T-2026-001", embargo="2026-01-03"))
    r, rule = wf.workflow(now=unix("2026-05-06"))
    ids = rule.overdue[0].targets
    assert sorted(ids) == sorted(wf.selected(lock))
    shown = ", ".join(ids)
    assert [(p.rule, p.message, p.article, p.severity, p.entry_id) for p in problems(r, "workflow")] == [
        (A.OVERDUE, f"逾期未公示：任务 T-2026-001 有 6 个抽中对象 {o} 在期限 2026-04-29 前未公示结果或不予公示决定（检查期限 "
         f"2026-03-31 结束）：{shown}，另有暂不公开的抽取中尚未揭示的 3 个 / task T-2026-001: 6 locked target(s) without a "
         f"result or withholding by {o}, due 2026-04-29 (window ended 2026-03-31): {shown}, 3 of an embargoed draw not yet "
         "revealed", A.ART_DEADLINE, "warning", task.id) for o in ("scjgj", "wjj")]
