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


# --- item lists (R1-R3, R6) --------------------------------------------------------------------


def test_item_list_refusals_whole(wf):
    from workflow.wf_scenario import SC_ITEMS

    items = [dict(SC_ITEMS[0], basis=" "), dict(SC_ITEMS[1], ratio_cap="0", content=""), dict(SC_ITEMS[1]),
             dict(SC_ITEMS[2])]
    wf.item_list("scjgj", items=items, version=2, supersedes="ab" * 32, effective="2026-02-30",
                 filed={"date": "2026-13-01", "with": "县政府"})
    first = wf.item_list("wjj")
    wf.item_list("wjj", version=3, supersedes=None)
    r, _ = wf.workflow()
    L, F, C = A.ITEM_LIST, A.ART_LIST_FILING, A.ART_RATIO_CAP
    assert found(r) == [
        (L, "事项清单版本号为 2，应为 1 / version is 2, expected 1 (the office's first list)", F, "error"),
        (L, "第一版清单不替代任何清单 / supersedes is abababababababab…, expected null (first list): each version "
         "names the one it replaces", F, "error"),
        (L, "日期“2026-02-30”不存在（effective），应为真实的 YYYY-MM-DD / effective '2026-02-30' is not a calendar "
         "date", F, "error"),
        (L, "日期“2026-13-01”不存在（filed.date），应为真实的 YYYY-MM-DD / filed.date '2026-13-01' is not a calendar "
         "date", F, "error"),
        (L, "事项“SC-01”的检查依据为空：每个事项须写明依据、主体、内容和方式 / items[0].basis of 'SC-01' is empty (each "
         "item states its legal basis, subject, content and method)", A.ART_LIST_FIELDS, "error"),
        (L, "一般事项“SC-02”的抽查比例上限为 0，上限须大于 0 / items[1].ratio_cap of general item 'SC-02' is 0; a cap "
         "must be above zero", C, "error"),
        (L, "事项“SC-02”的检查内容为空：每个事项须写明依据、主体、内容和方式 / items[1].content of 'SC-02' is empty "
         "(each item states its legal basis, subject, content and method)", A.ART_LIST_FIELDS, "error"),
        (L, "事项编号“SC-02”重复（第 3 项）/ items[2].code 'SC-02' appears twice", A.ART_LIST, "error"),
        (L, "事项清单版本号为 3，应为 2 / version is 3, expected 2 (the office's latest list is version 1)", F,
         "error"),
        (L, f"新版清单须注明所替代的上一版 / supersedes is None…, expected {first.id[:16]}…: each version names the "
         "one it replaces", F, "error"),
    ]


def test_item_list_smallest_positive_cap_is_accepted(wf):
    """A general item's cap must be above zero: the smallest positive ratio is a valid cap."""
    from workflow.wf_scenario import SC_ITEMS

    wf.item_list("scjgj", items=[dict(SC_ITEMS[1], ratio_cap="0.000000001"), dict(SC_ITEMS[0])])
    r, rule = wf.workflow()
    assert found(r) == []
    assert rule.item_lists["scjgj"].items["SC-02"].cap > 0


# --- plans (R21-R24) -----------------------------------------------------------------------------


def _pt(no, **over):
    t = {"plan_task_no": no, "name": "x", "items": ["SC-02"], "scope": "全县", "ratio": "0.05",
         "window": {"from": "2026-02-01", "to": "2026-03-01"}, "lead": "scjgj", "partners": [],
         "method": "on_site", "directional": False}
    t.update(over)
    return t


def test_plan_task_refusals_whole_and_the_cap_margin(wf):
    """A ratio equal to the smallest general cap (5%) passes, one billionth above is refused
    (003 二(二)); a window of one day passes; the window must start in the plan year."""
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(tasks=[
        _pt("P-01"), _pt("P-01", ratio="0.050000001"),
        _pt("P-03", window={"from": "2026-02-30", "to": "2026-01-01"}),
        _pt("P-04", window={"from": "2026-03-02", "to": "2026-03-01"}),
        _pt("P-05", window={"from": "2025-12-31", "to": "2026-03-01"}),
        _pt("P-06", lead="wjj", partners=["wjj", "nobody"], items=["SC-01", "XX-1", "WJ-01"]),
        _pt("P-07", items=["SC-02", "SC-03", "WJ-01"], partners=["wjj"], ratio="0.06"),
        _pt("P-08", window={"from": "2026-03-01", "to": "2026-03-01"}),
        _pt("P-09", window={"from": "2026-12-31", "to": "2027-01-10"}, items=["SC-03"], ratio="0.1")],
        decided="2026-01-32")
    r, _ = wf.workflow()
    P, RC, TI = A.PLAN, A.RATIO_CAP, A.TASK_ITEMS
    assert found(r) == [
        (P, "日期“2026-01-32”不存在（decided），应为真实的 YYYY-MM-DD / decided '2026-01-32' is not a calendar date",
         A.ART_PLAN, "error"),
        (P, "计划任务 P-01：任务序号重复 / tasks[1] (P-01): plan_task_no repeats", A.ART_PLAN, "error"),
        (RC, "计划任务 P-01：抽查比例 5.0000001% 高于一般事项 SC-02 的抽查比例上限 5% / tasks[1] (P-01).ratio 0.050000001 (5.0000001%) "
         "is above the ratio cap 5% of general item(s) ['SC-02']", A.ART_RATIO_CAP, "error"),
        (P, "日期“2026-02-30”不存在（tasks[2] (P-03).window.from），应为真实的 YYYY-MM-DD / tasks[2] (P-03).window.from "
         "'2026-02-30' is not a calendar date", A.ART_PLAN, "error"),
        (P, "计划任务 P-04：结束日期早于开始日期 / tasks[3] (P-04).window ends before it starts", A.ART_PLAN, "error"),
        (P, "计划任务 P-05：开始日期 2025-12-31 不在计划年度 2026 年内 / tasks[4] (P-05).window.from 2025-12-31 is not "
         "in the plan year 2026", A.ART_PLAN, "error"),
        (P, "计划任务 P-06：牵头单位 wjj 同时被列为参与单位 / tasks[5] (P-06): the lead office wjj is also listed as a "
         "partner", A.ART_PLAN, "error"),
        (P, "计划任务 P-06：单位 nobody 尚未注册 / tasks[5] (P-06): office 'nobody' is not registered", A.ART_PLAN,
         "error"),
        (P, "计划任务 P-06：发布单位 scjgj 既不是牵头单位也不是参与单位 / tasks[5] (P-06): the publishing office scjgj is "
         "neither lead nor partner", A.ART_PLAN, "error"),
        (TI, "计划任务 P-06：事项 SC-01、XX-1 不在 wjj、wjj、nobody 现行的抽查事项清单中，不得在清单外检查 / tasks[5] "
         "(P-06).items ['SC-01', 'XX-1'] are not on the current item list of wjj or wjj or nobody", A.ART_LIST,
         "error"),
        (RC, "计划任务 P-07：抽查比例 6% 高于一般事项 SC-02 的抽查比例上限 5% / tasks[6] (P-07).ratio 0.06 (6%) is above "
         "the ratio cap 5% of general item(s) ['SC-02']", A.ART_RATIO_CAP, "error"),
        (A.COVERAGE, "年度计划未覆盖全部事项：scjgj 的 2026 年计划（第 1 版）有 1 个清单事项没有安排抽查：SC-01 / scjgj: "
         "the 2026 plan (v1) leaves 1 listed item(s) uncovered: SC-01", A.ART_PLAN, "warning"),
    ]


def test_plan_cap_names_every_item_with_the_smallest_cap_once(wf):
    """Both SC-04 and SC-02 have the smallest cap; SC-04 is on both offices' lists but named once."""
    from workflow.wf_scenario import SC_ITEMS, WJ_ITEMS

    wf.item_list("scjgj", items=[*SC_ITEMS, dict(SC_ITEMS[1], code="SC-04"), dict(SC_ITEMS[2], code="SC-05")])
    wf.item_list("wjj", items=[*WJ_ITEMS, dict(SC_ITEMS[1], code="SC-04")])
    wf.plan(tasks=[_pt("P-01", items=["SC-03", "SC-04", "SC-01", "SC-02", "SC-05"], partners=["wjj"],
                       ratio="0.07")])
    r, _ = wf.workflow()
    assert [x for x in found(r) if x[0] == A.RATIO_CAP] == [
        (A.RATIO_CAP, "计划任务 P-01：抽查比例 7% 高于一般事项 SC-04、SC-02 的抽查比例上限 5% / tasks[0] (P-01).ratio 0.07 "
         "(7%) is above the ratio cap 5% of general item(s) ['SC-04', 'SC-02']", A.ART_RATIO_CAP, "error")]


def test_plan_revision_deadline_margin(wf):
    """004 第十一条: a revision is published within 10 working days of its decision. Decided
    2026-03-02 (Monday): the 10th working day is 2026-03-16 — on time; 2026-03-17 is late by 1."""
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2026-03-16")
    second = wf.plan(version=2, revises=first.id, revision_reason="新增任务", decided="2026-03-02")
    r, _ = wf.workflow()
    assert [x for x in found(r) if x[0] != A.COVERAGE] == []
    wf.at("2026-03-17")
    wf.plan(version=3, revises=second.id, revision_reason="调整时间", decided="2026-03-02")
    r, _ = wf.workflow()
    assert [x for x in found(r) if x[0] != A.COVERAGE] == [
        (A.PLAN_DEADLINE, "计划修订公示超期：2026-03-02 决定，2026-03-17 发布，超期 1 个工作日（期限 2026-03-16）/ plan "
         "revision decided 2026-03-02, published 2026-03-17: late by 1 working day (due 2026-03-16)",
         A.ART_PLAN_REVISION, "warning")]


def test_plan_revision_refusals_whole(wf):
    """A revision names the version it revises, why, and when it was decided (004 第十一条); a
    refused version still becomes the latest one, so the next must revise it."""
    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2026-03-16")
    third = wf.plan(version=3, revises=None, decided="2026-03-17")
    wf.plan(version=4, revises=first.id, revision_reason="  ")
    wf.plan(year=2027, version=1, revises=first.id)
    r, _ = wf.workflow()
    P, R = A.PLAN, A.ART_PLAN_REVISION
    reason = (P, "缺少修订原因：修订计划须说明为什么修改 / revision_reason is missing: a revised plan states why it "
              "changed", R, "error")
    decided = (P, "缺少修订决定日期：10 个工作日的公示期限从该日起算 / decided (date the revision was decided) is "
               "missing; it starts the 10-working-day publication clock", R, "error")
    assert [x for x in found(r) if x[0] != A.COVERAGE] == [
        (P, "年度计划版本号有误：2026 年计划的版本号为 3，应为 2 / version is 3, expected 2 for the 2026 plan", R, "error"),
        (P, f"修订版计划须注明所修订的上一版 / revises is None…, expected {first.id[:16]}…", R, "error"),
        reason,
        (P, "修订决定日期 2026-03-17 晚于发布日期 2026-03-16（北京时间）/ decided 2026-03-17 is after the publication "
         "date 2026-03-16", R, "error"),
        (P, f"修订版计划须注明所修订的上一版 / revises is {first.id[:16]}…, expected {third.id[:16]}…", R, "error"),
        reason, decided,
        (P, f"当年第一版计划不修订任何计划 / revises is {first.id[:16]}…, expected null (first version of the year)", R,
         "error"),
        reason, decided,
    ]


# --- results (R47, R53-R61) ------------------------------------------------------------------------


CATS = ("1 未发现问题；2 未按规定公示应当公示的信息；3 公示信息隐瞒真实情况弄虚作假；4 通过登记的住所(经营场所)无法联系；"
        "5 发现问题已责令改正；6 不配合检查情节严重；7 未发现开展本次抽查涉及的经营活动；8 发现问题待后续处理")


def test_result_refusals_whole(drawn):
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    outsider = next(x.id for x in wf.targets if x.id not in wf.selected(lock))
    first = wf.append("result", wf.result_body(lock, a))
    wf.append("result", wf.result_body(lock, a))
    wf.append("result", wf.result_body(lock, b, inspectors=["scjgj-001"], categories=["1", "2", "9"],
                                       completed="2026-01-22"))
    wf.append("result", wf.result_body(lock, c, vocabulary="x/v9", completed="2026-02-31", items=["SC-01", "SC-09"],
                                       findings=[{"item": "WJ-01", "finding": "x"}]))
    wf.append("result", wf.result_body(lock, c, task="T-2026-009"))
    wf.append("result", dict(wf.result_body(lock, c), target=outsider, target_name=wf.name(outsider)))
    r, _ = wf.workflow()
    team_b = "、".join(wf.team(lock, b))
    assert found(r) == [
        (A.RESULT, "该检查对象的结果已经发布，已发布的结果只能用更正（result.correct）修改 / result: scjgj already "
         f"published for target {a} in task T-2026-001 (latest entry {first.id[:15]}…); published results are "
         "changed only by result.correct", A.ART_UNCHANGED, "error"),
        (A.TEAM_SIZE, "检查人员只有 1 人，每次检查至少两人 / inspectors lists 1; at least two inspectors carry out each "
         "check", A.ART_TEAM, "error"),
        (A.RESULT, f"结果类别有误 / categories: 类别 9 不是有效的结果类别（1–8：{CATS}）/ categories ['9'] are not codes "
         f"of 004-20/v1 (1–8: {CATS.replace('；', '; ')})", A.ART_CATEGORIES, "error"),
        (A.RESULT, "结果类别有误 / categories: “未发现问题”不能与其他类别同时选择 / category 1 (未发现问题) cannot be "
         "combined with other categories", A.ART_CATEGORIES, "error"),
        (A.RESULT, "检查完成日期 2026-01-22 晚于发布日期 2026-01-21（北京时间）/ completed 2026-01-22 is after the "
         "publication date 2026-01-21", A.ART_DEADLINE, "error"),
        (A.TEAM_MATCH, f"检查人员 scjgj-001 不是 {b} 抽中的检查组成员（{team_b}）；人员变动须先登记检查人员更换（经批准），"
         f"或写明检查人员变动的原因 / inspectors ['scjgj-001'] are not in the drawn team of {b} "
         f"({team_b.replace('、', ', ')}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH, "error"),
        (A.RESULT, "结果类别有误 / categories: 结果类别代码表“x/v9”未知（已知：004-20/v1）/ vocabulary 'x/v9' is unknown "
         "(known: 004-20/v1)", A.ART_CATEGORIES, "error"),
        (A.TASK_ITEMS, "事项 SC-09 不是 scjgj 在本任务中的检查事项（SC-01），不得在清单外检查 / items ['SC-09'] are not "
         "among scjgj's items of this task (SC-01)", A.ART_LIST, "error"),
        (A.TASK_ITEMS, "事项 WJ-01 不是 scjgj 在本任务中的检查事项（SC-01），不得在清单外检查 / findings[].item ['WJ-01'] are "
         "not among scjgj's items of this task (SC-01)", A.ART_LIST, "error"),
        (A.RESULT, "检查完成日期“2026-02-31”不存在 / completed '2026-02-31' is not a calendar date", A.ART_DEADLINE,
         "error"),
        (A.RESULT, "没有编号为 T-2026-009 的任务 / task 'T-2026-009': no task entry with this id", A.ART_WORKFLOW,
         "error"),
        (A.RESULT, f"检查对象 {outsider} 不在任务 T-2026-001 的抽中名单中 / target {outsider} was not selected in the "
         "locked draw of task T-2026-001", A.ART_LOCKED, "error"),
    ]


def test_result_dates_on_the_margins(drawn):
    """Completed on the lock day (2026-01-01) and on the publication day are accepted; the day
    before the lock is refused (001 第十二条: only the locked list is inspected)."""
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    wf.append("result", wf.result_body(lock, a, completed="2026-01-01"))
    wf.append("result", wf.result_body(lock, b, completed="2026-01-21"))
    wf.append("result", wf.result_body(lock, c, completed="2025-12-31"))
    r, _ = wf.workflow()
    assert found(r) == [
        (A.RESULT, "检查完成日期 2025-12-31 早于任务 T-2026-001 抽取锁定的日期 2026-01-01 / completed 2025-12-31 is before "
         "task T-2026-001's draw was locked (2026-01-01)", A.ART_LOCKED, "error")]


def test_twenty_working_day_deadline_margin(drawn):
    """004 第二十条 (R61): completed 2026-01-20, the 20th working day is 2026-02-24 (the Spring
    Festival holidays do not count): published that day is on time, a day later is late by 1."""
    wf, lock = drawn
    a, b, _ = wf.selected(lock)
    wf.at("2026-02-24")
    wf.append("result", wf.result_body(lock, a))
    wf.at("2026-02-25")
    late = wf.append("result", wf.result_body(lock, b))
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert found(r) == [
        (A.DEADLINE, f"公示超期：检查完成 2026-01-20，发布 2026-02-25，超期 1 个工作日（期限 2026-02-24；任务 T-2026-001，"
         f"检查对象 {b}）/ inspection completed 2026-01-20, published 2026-02-25: late by 1 working day (due "
         f"2026-02-24; task T-2026-001, target {b})", A.ART_DEADLINE, "warning")]
    assert [(f.target, f.status, str(f.deadline), f.late_days) for f in facts] == [
        (a, "on_time", "2026-02-24", 0), (b, "late", "2026-02-24", 1)]
    assert facts[0].corrects is None and facts[1].task == "T-2026-001"
    assert facts[1].entry_id == late.id and facts[1].type == "result" and facts[1].office == "scjgj"
    assert (str(facts[1].event), str(facts[1].published)) == ("2026-01-20", "2026-02-25")
    stats = rule.stats[("scjgj", 2026)]
    assert (stats["result:on_time"], stats["result:late"], stats["late_days"]) == (1, 1, 1)


# --- corrections (R66, 001 第十九条; 000 第十一条) ---------------------------------------------------


def _correct(wf, lock, res, target, office="scjgj", **over):
    body = {"result": res.id, "corrected": wf.result_body(lock, target), "reason": "录入错误",
            "approver": {"name": "王", "title": "主要负责人"}, "date": "2026-01-21"}
    body.update(over)
    return wf.append("result.correct", body, office)


def test_correction_refusals_whole(drawn):
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    ra = wf.append("result", wf.result_body(lock, a))
    rb = wf.append("result", wf.result_body(lock, b))
    rbw = wf.append("result", wf.result_body(lock, b, inspectors=wf.team(lock, b)), "wjj")
    c1 = _correct(wf, lock, ra, a, approver={"name": "王", "title": "副局长"}, reason=" ", date="2026-01-22")
    _correct(wf, lock, ra, a)  # the result is no longer the latest version: c1 is
    _correct(wf, lock, rbw, b)  # wjj's result
    _correct(wf, lock, ra, c)  # nothing published for c
    _correct(wf, lock, rb, b, date="2026-02-30", approver={"name": "王", "title": " Head "})  # the head, in English
    r, _ = wf.workflow()
    C, U = A.CORRECTION, A.ART_UNCHANGED
    assert found(r) == [
        (C, "批准人职务为“副局长”：更正须经单位主要负责人批准，职务请写“主要负责人” / approver.title is '副局长'; a "
         "correction needs the signature of the office's head (主要负责人)", U, "error"),
        (C, "更正原因不能为空 / reason is empty: a correction says what was wrong", U, "error"),
        (C, "批准日期 2026-01-22 晚于发布日期 2026-01-21（北京时间）/ date 2026-01-22 is after the publication date "
         "2026-01-21", U, "error"),
        (C, f"要更正的结果不是检查对象 {a} 的最新版本，更正须针对最新版本 / result {ra.id[:16]}… is not the latest "
         f"version for target {a} in task T-2026-001 (latest {c1.id[:15]}…); corrections chain", U, "error"),
        (C, f"要更正的结果由 wjj 发布，只有发布结果的单位才能更正 / result {rbw.id[:16]}… was published by wjj; only the "
         "office that published a result may correct it", U, "error"),
        (C, f"单位 scjgj 在任务 T-2026-001 中还没有发布检查对象 {c} 的结果，无可更正 / result: scjgj has published "
         f"nothing for target {c} in task T-2026-001 to correct", U, "error"),
        (C, "批准日期“2026-02-30”不存在 / date '2026-02-30' is not a calendar date", U, "error"),
    ]


def test_correction_clock_restarts_at_the_approval(drawn):
    """000 第十一条: 20 working days from the approval (not from the inspection). Approved
    2026-01-20: due 2026-02-24; published 2026-02-25 is late by 1, judged as a correction."""
    wf, lock = drawn
    a, b, _ = wf.selected(lock)
    ra = wf.append("result", wf.result_body(lock, a))
    rb = wf.append("result", wf.result_body(lock, b))
    wf.at("2026-02-24")
    _correct(wf, lock, ra, a, date="2026-01-20")
    wf.at("2026-02-25")
    _correct(wf, lock, rb, b, date="2026-01-20")
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert found(r) == [
        (A.DEADLINE, f"公示超期：更正批准 2026-01-20，发布 2026-02-25，超期 1 个工作日（期限 2026-02-24；任务 T-2026-001，"
         f"检查对象 {b}）/ correction approved 2026-01-20, published 2026-02-25: late by 1 working day (due 2026-02-24; "
         f"task T-2026-001, target {b})", A.ART_UPDATE, "warning")]
    assert [(f.type, f.target, f.status, f.corrects) for f in facts[2:]] == [
        ("result.correct", a, "on_time", ra.id), ("result.correct", b, "late", rb.id)]
    stats = rule.stats[("scjgj", 2026)]
    assert (stats["result.correct:on_time"], stats["result.correct:late"]) == (1, 1)


# --- calendar entries (SPEC §7.9; the working days of 004 第二十条) ---------------------------------


Y2027 = {"year": 2027, "notice": "国办发明电〔2026〕1号", "holidays": ["2027-01-01"], "workdays": []}


def _calendar(wf, body, office=None):
    from publisher.core.entry import OPERATOR

    office = office or OPERATOR
    key = wf.f.root_key if office == OPERATOR else wf.f.keys[office]
    return wf.ledger.append(office, "calendar", body, key, wf.f.tick())


def test_calendar_refusals_whole(wf):
    _calendar(wf, dict(Y2027, holidays=["2027-02-30"]))
    _calendar(wf, dict(Y2027, holidays=["2026-12-31", "2027-01-01"], workdays=["2027-01-01", "2027-01-04"]))
    _calendar(wf, dict(Y2027, year=2026, holidays=["2026-01-01"]))
    _calendar(wf, Y2027)
    _calendar(wf, Y2027)
    _calendar(wf, dict(Y2027, year=2028, example=True, holidays=["2028-01-03"]))
    r, rule = wf.workflow()
    K, D = A.CALENDAR, A.ART_DEADLINE
    assert found(r) == [
        (K, "日期无效（应为真实存在的 YYYY-MM-DD）/ a date is not a real calendar date", D, "error"),
        (K, "节假日安排有误：日期 2026-12-31 不在 2027 年 / date not in year 2027", D, "error"),
        (K, "节假日安排有误：2027-01-01 既是放假日又是上班日 / both a holiday and a workday", D, "error"),
        (K, "节假日安排有误：调休上班日 2027-01-01 是工作日（周一至周五），调休上班日应为周六或周日 / makeup workday is not "
         "a weekend day", D, "error"),
        (K, "节假日安排有误：调休上班日 2027-01-04 是工作日（周一至周五），调休上班日应为周六或周日 / makeup workday is not "
         "a weekend day", D, "error"),
        (K, "节假日安排：2026 年的安排与内置日历（chinese-calendar）不一致，差异日期：2026-01-02, 2026-01-04, 2026-02-14, "
         "2026-02-16, 2026-02-17 / differs from the built-in calendar on 24 day(s)", D, "error"),
        (K, "节假日安排：2027 年的安排已经发布过 / the 2027 arrangement is already in the ledger", D, "error"),
        (K, "节假日安排：2028 年的安排是示例数据，不是国务院正式通知 / the 2028 arrangement is EXAMPLE data, not the official "
         "notice", D, "warning"),
    ]
    # refused arrangements are not used; the accepted ones (2027, and 2028 marked as an example) are
    assert set(rule.state.calendar.years) == {2027, 2028}
    assert rule.state.calendar.years[2027].holidays == frozenset({__import__("datetime").date(2027, 1, 1)})


def test_the_builtin_year_published_as_it_is_is_accepted(wf):
    from publisher.workdays import body_for_year, builtin_year

    _calendar(wf, body_for_year(builtin_year(2026)) | {"notice": "国办发明电〔2025〕7号"})
    r, rule = wf.workflow()
    assert found(r) == [] and 2026 in rule.state.calendar.years


def test_only_the_operator_publishes_a_calendar(wf):
    """The kernel's type rule refuses an office's calendar entry first; the workflow rule refuses
    it too when asked directly (it never extends the calendar from an office's entry)."""
    from publisher.core.rules.base import Context
    from publisher.workflow.rules.rule import WorkflowRule

    e = _calendar(wf, Y2027, office="scjgj")
    rule = WorkflowRule()
    got = [(p.rule, p.message, p.article, p.severity) for p in rule.check(e, Context(trust=None, blobs=None))]
    assert got == [(A.CALENDAR, "只有运营方可以发布节假日安排 / only the operator publishes calendar entries",
                    A.ART_DEADLINE, "error")]
    assert 2027 not in rule.state.calendar.years


def test_plan_revision_deadline_uses_the_ledgers_calendar(wf):
    """With the 2027 arrangement in the ledger, a revision decided 2027-01-04 is due 2027-01-18
    (10 working days, 004 第十一条) and published 2027-01-19 is late by 1 — judged, not unknown."""
    wf.item_list("scjgj")
    wf.item_list("wjj")
    _calendar(wf, Y2027)
    wf.at("2027-01-05")
    p1 = wf.plan(year=2027)
    wf.at("2027-01-19")
    wf.plan(year=2027, version=2, revises=p1.id, revision_reason="调整", decided="2027-01-04")
    r, _ = wf.workflow()
    assert [x for x in found(r) if x[0] == A.PLAN_DEADLINE] == [
        (A.PLAN_DEADLINE, "计划修订公示超期：2027-01-04 决定，2027-01-19 发布，超期 1 个工作日（期限 2027-01-18）/ plan "
         "revision decided 2027-01-04, published 2027-01-19: late by 1 working day (due 2027-01-18)",
         A.ART_PLAN_REVISION, "warning")]


def test_late_texts_in_both_languages():
    from datetime import date

    from publisher.workdays import Lateness
    from publisher.workflow.rules.calendar import late_zh, unknown_reason

    def late(n):
        return Lateness("late", date(2026, 12, 1), date(2027, 1, 5), 20, date(2026, 12, 29), None, n)

    assert late_zh(late(3)) == "超期 3 个工作日"
    assert late_zh(late(None)) == "超期（工作日数未知）"
    assert unknown_reason(date(2026, 1, 20), 20) == ""
    assert unknown_reason(date(2026, 12, 20), 20).startswith("2027 年的节假日安排未知")


# --- tasks (R27-R36, R1, R3) -----------------------------------------------------------------------


def test_task_problems_whole_and_the_cap_margin(wf):
    """Every task refusal with its text; a task ratio equal to the cap passes (T-2026-008), one
    billionth above is refused (T-2026-007, 003 二(二)). The location of a partner's items names
    that partner's own index even after an earlier partner was skipped (found by this test: it
    counted only the partners kept, and named partners[0] for partners[1])."""
    first = wf.basics()
    wf.task("T-2026-001")
    wf.task("T-2026-002", office="wjj", lead="scjgj", items=["SC-01", "SC-77"], rationale=" ",
            partners=[{"office": "scjgj", "items": ["SC-01"]}, {"office": "zz", "items": ["Z-1"]},
                      {"office": "zz", "items": ["Z-2"]}], window={"from": "2026-03-02", "to": "2026-03-01"})
    wf.task("T-2026-003", plan_task_no=None)
    wf.task("T-2026-004", origin="upper", plan_task_no=None, origin_detail=" ")
    wf.task("T-2026-005", plan_task_no="P-77")
    wf.task("T-2027-001", window={"from": "2027-01-01", "to": "2027-02-01"})
    wf.task("T-2026-006", window={"from": "2026-02-30", "to": "2026-03-01"})
    wf.task("T-2026-007", plan_task_no="P-02", items=["SC-02", "SC-03"], partners=[], ratio="0.050000001")
    wf.task("T-2026-008", plan_task_no="P-02", items=["SC-02", "SC-03"], partners=[], ratio="0.05")
    wf.plan(office="wjj", tasks=[{"plan_task_no": "W-01", "name": "x", "items": ["WJ-01"], "scope": "全县",
                                  "ratio": "0.05", "window": {"from": "2026-01-01", "to": "2026-06-30"},
                                  "lead": "scjgj", "partners": ["wjj"], "method": "on_site", "directional": False}])
    wf.task("T-2026-009", office="wjj", lead="wjj", plan_task_no="W-01", partners=[], items=["WJ-01"])
    wf.task("T-2026-010", origin="delegated", plan_task_no=None, origin_detail="市局委托")
    r, rule = wf.workflow()
    T, TI, AT, W = A.TASK, A.TASK_ITEMS, A.ART_TASK, A.ART_WORKFLOW
    assert found(r) == [
        (T, f"任务编号 T-2026-001 已被 scjgj 的任务使用，账本中任务编号不能重复 / id 'T-2026-001' is already used by a "
         f"task of scjgj (entry {first.id[:16]}…); task ids are unique in the ledger", AT, "error"),
        (T, "牵头单位写的是 scjgj，但任务由 wjj 发布；任务由牵头（发起）单位发布 / lead is 'scjgj' but the task is "
         "published by 'wjj'; the lead (initiating) office publishes its task", AT, "error"),
        (T, "参与单位 scjgj 是牵头单位或重复列出 / partners[0].office 'scjgj' is the lead or listed twice", AT, "error"),
        (T, "参与单位 zz 尚未注册 / partners[1].office 'zz' is not a registered office", AT, "error"),
        (T, "参与单位 zz 是牵头单位或重复列出 / partners[2].office 'zz' is the lead or listed twice", AT, "error"),
        (TI, "事项 SC-77 不在 scjgj 现行的抽查事项清单（第 1 版）中，不得在清单外检查 / items ['SC-77'] are not on "
         "scjgj's current item list (version 1)", A.ART_LIST, "error"),
        (TI, "单位 zz 还没有发布抽查事项清单，不得在清单外检查 / partners[1].items: office zz has published no item "
         "list; no inspection outside the list", A.ART_LIST, "error"),
        (T, "检查期限结束日期 2026-03-01 早于开始日期 2026-03-02 / window ends (2026-03-01) before it starts "
         "(2026-03-02)", AT, "error"),
        (T, "联合抽查缺少立项理由：须写明为何联合抽查（热点问题、风险、投诉举报等）/ rationale is empty: a joint task "
         "records why it was decided (hot issues, risk, complaints)", A.ART_JOINT, "error"),
        (T, "计划任务序号 P-01：wjj 还没有发布 2026 年度抽查计划 / plan_task_no 'P-01': wjj has published no 2026 plan",
         W, "error"),
        (T, "本单位任务须来自年度计划，请填写计划任务序号（上级部署或委托的任务请写明来源）/ plan_task_no is null: an own "
         "task is made from the annual plan (use origin upper/delegated for tasks from a higher level)", W, "error"),
        (T, "任务来源为“上级部署”，但没有写明来自哪个部门或文件 / origin is 'upper' but origin_detail does not say which "
         "office or document the task came from", A.ART_ORIGIN, "warning"),
        (T, "计划任务序号 P-77 不在 scjgj 的 2026 年度计划（第 1 版）中 / plan_task_no 'P-77' is not in scjgj's 2026 plan "
         "(version 1)", W, "error"),
        (T, "计划任务序号 P-01：scjgj 还没有发布 2027 年度抽查计划 / plan_task_no 'P-01': scjgj has published no 2027 plan",
         W, "error"),
        (T, "日期“2026-02-30”不存在（window.from），应为真实的 YYYY-MM-DD / window.from '2026-02-30' is not a calendar "
         "date", AT, "error"),
        (A.RATIO_CAP, "抽查比例 5.0000001% 高于一般事项 SC-02 的抽查比例上限 5% / ratio 0.050000001 is above the ratio cap 5% of "
         "general item(s) ['SC-02']", A.ART_RATIO_CAP, "error"),
        (T, "计划任务 W-01 的牵头单位是 scjgj，不是 wjj / plan task 'W-01' is led by scjgj, not wjj", W, "error"),
    ]
    # a task is kept only with a usable window; a joint one makes both offices joint for the year
    assert sorted(rule.tasks) == ["T-2026-001", "T-2026-003", "T-2026-004", "T-2026-005", "T-2026-007", "T-2026-008",
                                  "T-2026-009", "T-2026-010", "T-2027-001"]
    t = rule.tasks["T-2026-008"]
    assert (t.lead, t.year, str(t.window_from), str(t.window_to), t.method) == ("scjgj", 2026, "2026-01-01",
                                                                                "2026-03-31", "on_site")
    assert (float(t.cap), t.cap_items, dict(t.items)) == (0.05, ("SC-02",), {"scjgj": frozenset({"SC-02", "SC-03"})})
    assert rule.tasks["T-2026-001"].items == {"scjgj": frozenset({"SC-01"}), "wjj": frozenset({"WJ-01"})}
    assert ("wjj", 2027) in rule.state.joint and ("scjgj", 2027) in rule.state.joint


# --- withholdings and the locating of a target (R67; 001 第十二条, 第十七条; 002 二(四)1) ---------------


def test_withhold_and_locate_problems_whole(wf):
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02"], partners=[], method="written", scope="全县企业")
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    wf.lock(c)
    wf.at("2026-01-21")
    t = wf.targets[0].id
    base = {"task": "T-2026-001", "target": t, "legal_basis": "《政府信息公开条例》第十四条", "decided": "2026-01-20"}
    wf.append("result.withhold", base, "wjj")  # embargoed and not revealed
    wf.append("result.withhold", dict(base, task="T-2026-002"))  # no locked draw
    wf.append("result.withhold", dict(base, task="T-2026-002"), "wjj")  # wjj takes no part
    wf.append("result.withhold", dict(base, decided="2026-02-30", completed="2026-13-01", legal_basis=""))
    r, rule = wf.workflow(now=unix("2026-05-06"))
    W, AW = A.WITHHOLD, A.ART_WITHHOLD
    embargoed = (W, f"检查对象 {t} 不在任务 T-2026-001 已公开的名单中，暂不公开的抽取须先揭示（draw.reveal）/ target {t} "
                 "is not in the published list of task T-2026-001; its embargoed draw must be revealed (draw.reveal) "
                 "before results are published", A.ART_UNANNOUNCED, "error")
    assert found(r) == [
        embargoed,
        (W, "任务 T-2026-002 还没有锁定的抽取，只有抽中的检查对象才有结果 / task T-2026-002 has no locked draw yet; results "
         "exist only for locked targets", A.ART_LOCKED, "error"),
        (W, "单位 wjj 没有参与任务 T-2026-002，谁检查、谁录入、谁公开 / task T-2026-002: wjj does not take part in it (lead "
         "scjgj); whoever inspects publishes", A.ART_WHO, "error"),
        (W, "不予公示的法律依据为空：只有法律法规规定的情形才可不公示 / legal_basis is empty: only law or regulation allows "
         "not publishing", AW, "error"),
        (W, "日期“2026-02-30”不存在（decided），应为真实的 YYYY-MM-DD / decided '2026-02-30' is not a calendar date", AW,
         "error"),
        (W, "日期“2026-13-01”不存在（completed），应为真实的 YYYY-MM-DD / completed '2026-13-01' is not a calendar date",
         AW, "error"),
        embargoed,
    ] + [(A.OVERDUE, f"逾期未公示：任务 T-2026-001 有 3 个抽中对象 {o} 在期限 2026-04-29 前未公示结果或不予公示决定（检查期限 "
          f"2026-03-31 结束）：另有暂不公开的抽取中尚未揭示的 3 个 / task T-2026-001: 3 locked target(s) without a result "
          f"or withholding by {o}, due 2026-04-29 (window ended 2026-03-31): 3 of an embargoed draw not yet revealed",
          A.ART_DEADLINE, "warning") for o in ("scjgj", "wjj")]


def test_withhold_and_locate_in_a_task_with_partners_names_them(drawn):
    wf, lock = drawn
    wf.f.add_office("zjj", "住建局")
    wf.append("result.withhold", {"task": "T-2026-001", "target": wf.selected(lock)[0], "legal_basis": "x",
                                  "decided": "2026-01-20"}, "zjj")
    wf.append("result.withhold", {"task": "T-2026-001", "target": wf.selected(lock)[0], "legal_basis": "x",
                                  "decided": "2026-01-20"})
    r, rule = wf.workflow()
    assert found(r) == [
        (A.WITHHOLD, "单位 zjj 没有参与任务 T-2026-001，谁检查、谁录入、谁公开 / task T-2026-001: zjj does not take part "
         "in it (lead scjgj, partners wjj); whoever inspects publishes", A.ART_WHO, "error")]
    assert rule.stats[("scjgj", 2026)]["result.withhold:none"] == 1  # no completion date: nothing to judge


# --- overdue (R64, 004 第二十条) --------------------------------------------------------------------


def test_overdue_names_ten_targets_and_says_there_are_more(wf):
    """12 locked targets, one result: on the due day (2026-04-29, 20 working days after the window
    ends 2026-03-31) nothing is overdue; the next day 11 (scjgj) and 12 (wjj) are, ten named."""
    wf.basics()
    _, lock = wf.draw(count=12)
    sel = wf.selected(lock)
    wf.at("2026-01-21")
    wf.append("result", wf.result_body(lock, sel[0]))
    r, rule = wf.workflow(now=unix("2026-04-29", 15))  # 23:00 in China, still the due day
    assert found(r, A.OVERDUE) == [] and rule.overdue == []
    r, rule = wf.workflow(now=unix("2026-04-29", 16))  # 00:00 on 2026-04-30 in China
    got = found(r, A.OVERDUE)
    assert [(x[0], x[2], x[3]) for x in got] == [(A.OVERDUE, A.ART_DEADLINE, "warning")] * 2
    for (_, msg, _, _), office, n in zip(got, ("scjgj", "wjj"), (11, 12), strict=True):
        zh, en = msg.split(" / ")
        head = (f"task T-2026-001: {n} locked target(s) without a result or withholding by {office}, due 2026-04-29 "
                "(window ended 2026-03-31): ")
        assert en.startswith(head) and en.endswith(" …")
        named = en[len(head):-2].split(", ")
        assert len(named) == 10 and len(set(named)) == 10 and set(named) <= set(sel) - ({sel[0]} if n == 11 else set())
        assert zh == (f"逾期未公示：任务 T-2026-001 有 {n} 个抽中对象 {office} 在期限 2026-04-29 前未公示结果或不予公示决定"
                      f"（检查期限 2026-03-31 结束）：{', '.join(named)} …")
    assert [(o.task, o.office, str(o.due), o.count, len(o.targets)) for o in rule.overdue] == [
        ("T-2026-001", "scjgj", "2026-04-29", 11, 10), ("T-2026-001", "wjj", "2026-04-29", 12, 10)]


def test_overdue_beyond_the_calendar_says_why_whole(wf):
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-01-01", "to": "2026-12-20"})
    wf.draw("T-2026-002")
    r, rule = wf.workflow(now=unix("2027-02-01"))
    from datetime import date

    from publisher.workflow.rules.calendar import unknown_reason

    reason = unknown_reason(date(2026, 12, 20), 20)
    assert reason.startswith("2027 年的节假日安排未知")
    assert [x for x in found(r, A.OVERDUE) if "T-2026-002" in x[1]] == [
        (A.OVERDUE, f"无法判断是否逾期：任务 T-2026-002 有 3 个抽中对象 {o} 尚未公示结果；{reason} / task T-2026-002: 3 "
         f"locked target(s) without a publication by {o}; cannot tell if overdue: {reason}", A.ART_DEADLINE, "warning")
        for o in ("scjgj", "wjj")]


# --- draws as the workflow sees them (R3 at the draw, 003 二(二); 001 第十一条) and directories (R18) ------


def test_draw_problems_whole_and_the_cap_margin_at_the_draw(wf):
    """Σk / N ≤ the smallest general cap: 3 of 60 is exactly 5% and passes, 4 of 60 is refused."""
    wf.basics()
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02", "SC-03"], partners=[])
    wf.task("T-2026-003", plan_task_no="P-02", items=["SC-02"], partners=[])
    wf.draw("T-2026-002", offices=("scjgj",), count=3)
    wf.draw("T-2026-003", offices=("scjgj",), count=4)
    wf.draw("T-2026-404", offices=("scjgj",))
    wf.draw("T-2026-001", offices=("scjgj",))
    wf.draw("T-2026-001", offices=("wjj", "scjgj"))
    r, rule = wf.workflow()
    assert [x for x in found(r) if x[0] != A.DIRECTORY] == [
        (A.RATIO_CAP, "抽取比例超过上限：从 60 户中抽取 4 户（6.667%），高于一般事项 SC-02 的抽查比例上限 5% / strata[].k: the "
         "draw takes 4 of 60 targets (6.667%), above the ratio cap 5% of general item(s) ['SC-02'] of task T-2026-003",
         A.ART_RATIO_CAP, "error"),
        (A.TASK, "抽取承诺之前没有编号为 T-2026-404 的任务；先有任务，再抽取、检查、公示结果 / task 'T-2026-404': no task "
         "entry with this id precedes the draw commitment (task → draw → inspection → results)", A.ART_WORKFLOW, "error"),
        (A.TASK, "抽取承诺中的单位（scjgj）与任务 T-2026-001 的参与单位（scjgj、wjj）不一致 / the commitment's offices "
         "['scjgj'] differ from task T-2026-001's participants ['scjgj', 'wjj']", A.ART_TASK, "error"),
        (A.TASK, "任务 T-2026-001 的抽取由 wjj 提交，但牵头单位是 scjgj，应由牵头单位抽取 / the draw of task T-2026-001 is "
         "committed by wjj, but scjgj leads the task and draws its targets", A.ART_WORKFLOW, "error"),
    ]
    assert rule.tasks["T-2026-002"].locked is not None and len(rule.tasks["T-2026-002"].selection) == 3


def test_directory_snapshot_problems_whole(wf):
    good = {"kind": "targets", "blob": wf.tblob, "count": 60, "confirmed_by": "张科长", "confirmed_at": "2026-01-21"}
    wf.at("2026-01-21")
    wf.append("directory.snapshot", good)  # confirmed on the publication day: accepted
    wf.append("directory.snapshot", dict(good, confirmed_at="2026-01-22", confirmed_by=" "))
    wf.append("directory.snapshot", dict(good, count=61))
    wf.append("directory.snapshot", dict(good, kind="inspectors"))
    wf.append("directory.snapshot", dict(good, blob="ab" * 32))
    bad = wf.ledger.put_blob(b"not a snapshot\n")
    wf.append("directory.snapshot", dict(good, kind="inspectors", blob=bad))
    wf.append("directory.snapshot", dict(good, confirmed_at="2026-02-30"))
    r, _ = wf.workflow()
    D, AD = A.DIRECTORY, A.ART_DIRECTORY
    got = found(r)
    assert got[:5] + got[6:] == [
        (D, "名录确认日期 2026-01-22 晚于发布日期 / confirmed_at 2026-01-22 is after the publication date", AD, "error"),
        (D, "名录确认人为空：须写明谁确认了名录 / confirmed_by is empty: the confirmer answers for the data", AD, "error"),
        (D, "记录数写的是 61，快照中实际有 60 条 / count is 61 but the snapshot holds 60 records", AD, "error"),
        (D, f"名录类别与先前确认的同一快照不一致 / kind is inspectors but blob {wf.tblob[:16]}… was confirmed as targets",
         AD, "error"),
        (D, "账本中没有这份名录快照文件 / blob abababababababab… is not in ledger/blobs", AD, "error"),
        (D, "日期“2026-02-30”不存在（confirmed_at），应为真实的 YYYY-MM-DD / confirmed_at '2026-02-30' is not a calendar "
         "date", AD, "error"),
    ]
    rule, msg, art, sev = got[5]
    zh, en = msg.split(" / blob ")
    why = zh.removeprefix("名录快照文件格式不对：")
    assert (rule, art, sev) == (D, AD, "error") and why.startswith(f"blobs/{bad[:16]}…:1: ")
    assert en == f"{bad[:16]}… is not a canonical inspectors snapshot: {why}"


# --- per-office sections (000 第十条 分口检查) and target names (001 第八条) ------------------------------


def test_result_sections_and_name_problems_whole(drawn):
    wf, lock = drawn
    wf.f.add_office("zjj", "住建局")
    a, b, c = wf.selected(lock)
    ra = wf.append("result", wf.result_body(lock, a, sections=[
        {"office": "scjgj", "items": ["SC-01"], "categories": ["1"]},
        {"office": "zjj", "items": ["ZJ-1"], "categories": ["1"]},
        {"office": "wjj", "items": ["WJ-01", "WJ-09"], "categories": ["1", "5"],
         "findings": [{"item": "SC-01", "finding": "x"}]},
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}]))
    wf.append("result", wf.result_body(lock, a, inspectors=wf.team(lock, a)), "wjj")  # covered by ra's section
    rbw = wf.append("result", wf.result_body(lock, b, inspectors=wf.team(lock, b)), "wjj")
    wf.append("result", wf.result_body(lock, b, sections=[{"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}]))
    wf.append("result", wf.result_body(lock, c, target_name="别的公司"))
    r, _ = wf.workflow()
    R, S = A.RESULT, A.ART_SPLIT
    assert found(r) == [
        (R, "分部门结果（sections）中的单位 scjgj 是发布单位本身或重复出现 / sections[0].office scjgj: the publishing "
         "office or a repeated section", S, "error"),
        (R, "单位 zjj 没有参与任务 T-2026-001，不能有分部门结果 / sections[1].office zjj does not take part in task "
         "T-2026-001", S, "error"),
        (A.TASK_ITEMS, "事项 WJ-09 不是 wjj 在本任务中的检查事项（WJ-01），不得在清单外检查 / sections[2].items ['WJ-09'] "
         "are not among wjj's items of this task (WJ-01)", A.ART_LIST, "error"),
        (A.TASK_ITEMS, "事项 SC-01 不是 wjj 在本任务中的检查事项（WJ-01），不得在清单外检查 / sections[2].findings[].item "
         "['SC-01'] are not among wjj's items of this task (WJ-01)", A.ART_LIST, "error"),
        (R, "单位 wjj 的结果类别有误 / sections[2].categories: “未发现问题”不能与其他类别同时选择 / category 1 (未发现问题) "
         "cannot be combined with other categories", A.ART_CATEGORIES, "error"),
        (R, "分部门结果（sections）中的单位 wjj 是发布单位本身或重复出现 / sections[3].office wjj: the publishing office "
         "or a repeated section", S, "error"),
        (R, "该检查对象的结果已经发布，已发布的结果只能用更正（result.correct）修改 / result: a section of scjgj's result "
         f"already covers wjj for target {a} in task T-2026-001 (latest entry {ra.id[:15]}…); published results are "
         "changed only by result.correct", A.ART_UNCHANGED, "error"),
        (R, "该检查对象的结果已经发布，已发布的结果只能用更正（result.correct）修改 / section for wjj: wjj already "
         f"published for target {b} in task T-2026-001 (latest entry {rbw.id[:15]}…); published results are changed "
         "only by result.correct", A.ART_UNCHANGED, "error"),
        (A.TARGET_NAME, f"检查对象名称“别的公司”与抽取所用名录中 {c} 的名称“{wf.name(c)}”不一致；结果须写名录中的名称 / "
         f"target_name '别的公司' is not the name of {c} in the directory snapshot the draw used", A.ART_DIRECTORY,
         "error"),
    ]


def test_correction_content_problems_are_located_in_the_corrected_result(drawn):
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    ra = wf.append("result", wf.result_body(lock, a))
    rb = wf.append("result", wf.result_body(lock, b, sections=[{"office": "wjj", "items": ["WJ-01"],
                                                                 "categories": ["1"]}]))
    wf.append("result", wf.result_body(lock, c, inspectors=wf.team(lock, c)), "wjj")
    rc = wf.append("result", wf.result_body(lock, c))
    _correct(wf, lock, ra, a, corrected=wf.result_body(
        lock, a, inspectors=["scjgj-001"], categories=["9"], completed="2025-12-31", items=["SC-09"],
        target_name="别的公司", sections=[{"office": "zjj", "items": ["x"], "categories": ["1"]}]))
    _correct(wf, lock, ra, a, corrected=wf.result_body(lock, a, task="T-2026-009"))
    _correct(wf, lock, rc, c, corrected=wf.result_body(lock, c, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}]))
    c2 = _correct(wf, lock, rb, b, corrected=wf.result_body(lock, b, sections=[
        {"office": "scjgj", "items": ["SC-01"], "categories": ["1"]},
        {"office": "wjj", "items": ["WJ-01"], "categories": ["5"]}]))
    r, rule = wf.workflow()
    team_a = wf.team(lock, a)
    assert found(r) == [
        (A.TEAM_SIZE, "更正内容中：检查人员只有 1 人，每次检查至少两人 / inspectors lists 1; at least two inspectors carry "
         "out each check", A.ART_TEAM, "error"),
        (A.RESULT, f"更正内容中：结果类别有误 / corrected.categories: 类别 9 不是有效的结果类别（1–8：{CATS}）/ categories "
         f"['9'] are not codes of 004-20/v1 (1–8: {CATS.replace('；', '; ')})", A.ART_CATEGORIES, "error"),
        (A.TASK_ITEMS, "事项 SC-09 不是 scjgj 在本任务中的检查事项（SC-01），不得在清单外检查 / corrected.items ['SC-09'] are "
         "not among scjgj's items of this task (SC-01)", A.ART_LIST, "error"),
        (A.RESULT, "更正内容中：单位 zjj 没有参与任务 T-2026-001，不能有分部门结果 / corrected.sections[0].office zjj does "
         "not take part in task T-2026-001", A.ART_SPLIT, "error"),
        (A.RESULT, "更正内容中：检查完成日期 2025-12-31 早于任务 T-2026-001 抽取锁定的日期 2026-01-01 / completed 2025-12-31 "
         "is before task T-2026-001's draw was locked (2026-01-01)", A.ART_LOCKED, "error"),
        (A.TEAM_MATCH, f"更正内容中：检查人员 scjgj-001 不是 {a} 抽中的检查组成员（{'、'.join(team_a)}）；人员变动须先登记检查"
         f"人员更换（经批准），或写明检查人员变动的原因 / inspectors ['scjgj-001'] are not in the drawn team of {a} "
         f"({', '.join(team_a)}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH, "error"),
        (A.TARGET_NAME, f"更正内容中：检查对象名称“别的公司”与抽取所用名录中 {a} 的名称“{wf.name(a)}”不一致；结果须写名录中的"
         f"名称 / corrected.target_name '别的公司' is not the name of {a} in the directory snapshot the draw used",
         A.ART_DIRECTORY, "error"),
        (A.CORRECTION, "更正内容中：没有编号为 T-2026-009 的任务 / task 'T-2026-009': no task entry with this id",
         A.ART_WORKFLOW, "error"),
        (A.CORRECTION, f"更正内容中：wjj 已自行发布检查对象 {c} 的结果，只有 wjj 能更改 / corrected.sections: wjj published "
         f"its own result for target {c}; only wjj may change it", A.ART_UNCHANGED, "error"),
        (A.RESULT, "更正内容中：分部门结果（sections）中的单位 scjgj 是发布单位本身或重复出现 / corrected.sections[0].office "
         "scjgj: the publishing office or a repeated section", A.ART_SPLIT, "error"),
    ]
    # the correction of b carries wjj's section on: wjj's slot now holds the correction, marked as a section
    sel = rule.tasks["T-2026-001"].selection
    i = sel.find(b)
    assert sel.get("scjgj", i) == int(c2.id[:16], 16) >> 1
    assert sel.get("wjj", i) == (int(c2.id[:16], 16) >> 1) | (1 << 63)


# --- plan coverage (R22, 001 第六条) -----------------------------------------------------------------


def test_coverage_lists_twenty_items_then_an_ellipsis_and_asks_for_a_joint_task(wf):
    """SC-03 is covered by wjj's plan, in which scjgj is a partner; 2026 leaves exactly 20 items
    out (all named), 2027 leaves 22 (20 named and "…") and has no joint task."""
    from workflow.wf_scenario import SC_ITEMS

    wf.item_list("scjgj", items=[dict(SC_ITEMS[1], code=f"SC-{i:02d}") for i in range(1, 24)])
    wf.item_list("wjj")

    def task(no, items, lead="scjgj", partners=(), year=2026):
        return {"plan_task_no": no, "name": "x", "items": items, "scope": "全县", "ratio": "0.05",
                "window": {"from": f"{year}-01-01", "to": f"{year}-06-30"}, "lead": lead, "partners": list(partners),
                "method": "on_site", "directional": False}

    wf.plan(tasks=[task("P-01", ["SC-01", "SC-02"])])
    wf.plan(office="wjj", tasks=[task("W-01", ["WJ-01", "SC-03"], lead="wjj", partners=["scjgj"])])
    wf.plan(year=2027, tasks=[task("P-01", ["SC-01"], year=2027)])
    r, rule = wf.workflow()
    names = ", ".join(f"SC-{i:02d}" for i in range(4, 24))
    more = ", ".join(f"SC-{i:02d}" for i in range(2, 22)) + " …"
    assert found(r) == [
        (A.COVERAGE, f"年度计划未覆盖全部事项：scjgj 的 2026 年计划（第 1 版）有 20 个清单事项没有安排抽查：{names} / scjgj: "
         f"the 2026 plan (v1) leaves 20 listed item(s) uncovered: {names}", A.ART_PLAN, "warning"),
        (A.COVERAGE, f"年度计划未覆盖全部事项：scjgj 的 2027 年计划（第 1 版）有 22 个清单事项没有安排抽查：{more} / scjgj: "
         f"the 2027 plan (v1) leaves 22 listed item(s) uncovered: {more}", A.ART_PLAN, "warning"),
        (A.COVERAGE, "缺少部门联合抽查：scjgj 在 2027 年没有发起或参加联合抽查 / scjgj: no joint task (部门联合抽查) "
         "started or joined in 2027", A.ART_PLAN, "warning"),
    ]
    assert [p.entry_id for p in problems(r, A.COVERAGE)][:1] == [rule.plans[("scjgj", 2026)].entry_id]
    cov = rule.coverage
    assert sorted(cov) == [("scjgj", 2026), ("scjgj", 2027), ("wjj", 2026)]
    assert (cov[("scjgj", 2026)].joint, cov[("scjgj", 2027)].joint, cov[("wjj", 2026)]) == (
        True, False, type(cov[("wjj", 2026)])("wjj", 2026, (), True))
    assert len(cov[("scjgj", 2027)].missing_items) == 22


# --- the composed rule -------------------------------------------------------------------------------


def test_a_check_that_crashes_is_reported_and_the_others_still_run(drawn):
    """A bug in one check must neither stop the verifier nor pass the entry silently: the
    composed rule names the check and the exception (the kernel then locates it)."""
    from dataclasses import replace

    from publisher.core.rules.base import Context
    from publisher.workflow.rules.rule import WorkflowRule

    wf, lock = drawn
    good = wf.append("result", wf.result_body(lock, wf.selected(lock)[0]))
    rule = WorkflowRule()
    ctx = Context(trust=None, blobs=None)
    got = list(rule.check(replace(good, body={}), ctx))
    assert [(p.rule, p.message, p.severity) for p in got] == [
        ("workflow.internal", "核验程序内部错误，未能检查此记录 / ResultCheck could not check this entry: KeyError: 'task'",
         "error")]
    assert list(rule.check(replace(good, type="office.register", body={"office": "zjj"}), ctx)) == []
    assert "zjj" in rule.state.offices
    assert list(rule.check(replace(good, type="no.such.type"), ctx)) == []
    assert list(rule.finish(ctx)) == []  # nothing planned, nothing locked: nothing to report


def test_plan_revision_beyond_the_calendar_says_why_whole(wf):
    from datetime import date

    from publisher.workdays import lateness

    wf.item_list("scjgj")
    wf.item_list("wjj")
    first = wf.plan()
    wf.at("2027-01-05")
    wf.plan(version=2, revises=first.id, revision_reason="调整", decided="2026-12-28")
    r, _ = wf.workflow()
    why = lateness(date(2026, 12, 28), date(2027, 1, 5), 10).reason
    assert "2027" in why
    assert [x for x in found(r) if x[0] == A.PLAN_DEADLINE] == [
        (A.PLAN_DEADLINE, f"无法判断 2026-12-28 决定的计划修订是否按期公示：{why} / cannot tell whether the revision "
         f"decided 2026-12-28 was published on time: {why}", A.ART_PLAN_REVISION, "warning")]


def test_withhold_dates_after_the_publication_whole(drawn):
    """R67: a withholding is decided, and its inspection completed, on or before its publication
    day (China date 2026-01-21); the day after is refused, naming which date."""
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    base = {"task": "T-2026-001", "legal_basis": "《政府信息公开条例》第十四条", "decided": "2026-01-21"}
    wf.append("result.withhold", dict(base, target=a, completed="2026-01-21"))
    wf.append("result.withhold", dict(base, target=b, decided="2026-01-22"))
    wf.append("result.withhold", dict(base, target=c, completed="2026-01-22"))
    r, _ = wf.workflow()
    assert found(r) == [
        (A.WITHHOLD, "决定日期 2026-01-22 晚于发布日期 2026-01-21（北京时间）/ decided 2026-01-22 is after the publication "
         "date 2026-01-21", A.ART_WITHHOLD, "error"),
        (A.WITHHOLD, "检查完成日期 2026-01-22 晚于发布日期 2026-01-21（北京时间）/ completed 2026-01-22 is after the "
         "publication date 2026-01-21", A.ART_WITHHOLD, "error"),
    ]


def test_result_beyond_the_calendar_is_unknown_whole_and_counted(drawn):
    """Completed 2026-12-20, published 2027-01-20: the 2027 holidays are not known, so the verdict
    is "unknown" with the reason — never a guess — and counted as such, without late days."""
    from datetime import date

    from publisher.workdays import lateness

    wf, lock = drawn
    a = wf.selected(lock)[0]
    wf.at("2027-01-20")
    wf.append("result", wf.result_body(lock, a, completed="2026-12-20"))
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    why = lateness(date(2026, 12, 20), date(2027, 1, 20), 20).reason
    assert found(r, A.DEADLINE) == [
        (A.DEADLINE, f"无法判断是否按期公示：检查完成 2026-12-20，发布 2027-01-20；{why} / inspection completed 2026-12-20, "
         f"published 2027-01-20: cannot tell whether it is on time: {why}", A.ART_DEADLINE, "warning")]
    assert [(f.status, f.deadline, f.late_days) for f in facts] == [("unknown", None, None)]
    assert dict(rule.stats[("scjgj", 2026)]) == {"result:unknown": 1}  # the year of the inspection


def test_correction_with_an_impossible_approval_date_is_not_judged(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    ra = wf.append("result", wf.result_body(lock, a))
    c = _correct(wf, lock, ra, a, date="2026-02-30")
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert [(f.type, f.status, f.event) for f in facts] == [("result", "on_time", date_(2026, 1, 20)),
                                                             ("result.correct", "none", None)]
    f = facts[1]  # the whole fact handed to the portal, though nothing was judged
    assert (f.entry_id, f.office, f.task, f.target, f.published, f.deadline, f.late_days, f.corrects) == (
        c.id, "scjgj", "T-2026-001", a, date_(2026, 1, 21), None, None, ra.id)
    assert rule.stats[("scjgj", 2026)]["result.correct:none"] == 1


def date_(y, m, d):
    from datetime import date

    return date(y, m, d)


def test_team_match_reason_and_section_inspectors(drawn):
    """001 第十三条: the drawn team inspects; another inspector is accepted only with a stated reason
    (a blank reason is none); inspectors named in a section are checked too, each stranger once."""
    wf, lock = drawn
    a, b, c = wf.selected(lock)
    team_b, team_c = wf.team(lock, b), wf.team(lock, c)
    wf.append("result", wf.result_body(lock, a, inspectors=["scjgj-008", "scjgj-007"], inspectors_reason="原检查人员回避"))
    wf.append("result", wf.result_body(lock, b, inspectors=["scjgj-008", team_b[0]], inspectors_reason=" "))
    wf.append("result", wf.result_body(lock, c, inspectors=[team_c[0], "wjj-006"], sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"], "inspectors": ["wjj-006", team_c[1]]}]))
    r, _ = wf.workflow()
    assert found(r) == [
        (A.TEAM_MATCH, f"检查人员 scjgj-008 不是 {b} 抽中的检查组成员（{'、'.join(team_b)}）；人员变动须先登记检查人员更换（经"
         f"批准），或写明检查人员变动的原因 / inspectors ['scjgj-008'] are not in the drawn team of {b} "
         f"({', '.join(team_b)}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH, "error"),
        (A.TEAM_MATCH, f"检查人员 wjj-006 不是 {c} 抽中的检查组成员（{'、'.join(team_c)}）；人员变动须先登记检查人员更换（经"
         f"批准），或写明检查人员变动的原因 / inspectors ['wjj-006'] are not in the drawn team of {c} "
         f"({', '.join(team_c)}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH, "error"),
    ]


def test_a_year_before_the_builtin_calendar_is_accepted_without_comparison(wf):
    """chinese-calendar starts in 2004: a 2003 arrangement has nothing to be compared with."""
    _calendar(wf, {"year": 2003, "notice": "国办发〔2002〕1号", "holidays": ["2003-01-01"], "workdays": []})
    r, rule = wf.workflow()
    assert found(r) == [] and 2003 in rule.state.calendar.years


def test_noncooperation_under_another_name_names_the_real_one(drawn):
    wf, lock = drawn
    a = wf.selected(lock)[0]
    wf.append("noncooperation", _noncoop(a, target_name="某某公司"))
    r, _ = wf.workflow()
    assert found(r) == [
        (A.TARGET_NAME, f"检查对象名称“某某公司”与抽取所用名录中 {a} 的名称“{wf.name(a)}”不一致；结果须写名录中的名称 / "
         f"target_name '某某公司' is not the name of {a} in the directory snapshot the draw used", A.ART_DIRECTORY,
         "error")]


def test_overdue_with_exactly_ten_targets_names_all_without_an_ellipsis(wf):
    wf.basics()
    _, lock = wf.draw(count=10)
    r, rule = wf.workflow(now=unix("2026-05-06"))
    assert len(found(r, A.OVERDUE)) == 2  # scjgj and wjj: the loop below is never empty
    for _, msg, _, _ in found(r, A.OVERDUE):
        en = msg.split(" / ")[1]
        named = en.split("(window ended 2026-03-31): ")[1].split(", ")
        assert sorted(named) == sorted(wf.selected(lock)) and not en.endswith("…")
    assert [(o.count, len(o.targets)) for o in rule.overdue] == [(10, 10), (10, 10)]


def test_a_revealed_embargoed_draw_names_its_targets_when_overdue(wf):
    """001 第十七条: an embargoed draw's targets are counted but unnamed until the reveal; after it
    they are named like any locked target, and results for them are accepted."""
    wf.basics()
    c = wf.commit("T-2026-001", embargo="2026-01-03")
    lock = wf.lock(c)
    assert "selected" not in lock.body
    wf.at("2026-01-05")
    reveal = wf.reveal(c)
    wf.at("2026-01-21")
    wf.append("result", wf.result_body(reveal, reveal.body["selected"][0]["id"]))
    r, rule = wf.workflow(now=unix("2026-05-06"))
    task = rule.tasks["T-2026-001"]
    assert (task.selection.announced, task.embargoed, str(task.locked)) == (0, set(), "2026-01-01")
    named = [s["id"] for s in reveal.body["selected"]]
    assert [(o.office, o.count, sorted(o.targets)) for o in rule.overdue] == [
        ("scjgj", 2, sorted(named[1:])), ("wjj", 3, sorted(named))]
    assert all("embargoed" not in m for _, m, _, _ in found(r, A.OVERDUE)) and len(found(r, A.OVERDUE)) == 2
    assert [x for x in found(r) if x[0] != A.OVERDUE] == []


def test_directory_blobs_are_not_read_when_the_rule_is_told_not_to(wf):
    """``publisher add`` replays the ledger without reading every blob again (check_blobs=False):
    the confirmation's own fields are still checked, the blob is not."""
    from publisher.workflow.rules.rule import WorkflowRule

    wf.at("2026-01-21")
    wf.append("directory.snapshot", {"kind": "targets", "blob": "ab" * 32, "count": 5, "confirmed_by": " ",
                                     "confirmed_at": "2026-01-21"})
    r = wf.f.verify(rules=[WorkflowRule(check_blobs=False)])
    assert [(p.rule, p.message) for p in problems(r)] == [
        (A.DIRECTORY, "名录确认人为空：须写明谁确认了名录 / confirmed_by is empty: the confirmer answers for the data")]


def test_overdue_is_not_judged_before_the_window_ends_even_when_the_calendar_cannot_tell(wf):
    """The window of T-2026-002 ends 2026-12-20; its deadline falls in 2027 (unknown calendar).
    On the window's last day nothing is said; the day after, "cannot tell" for each office."""
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-01-01", "to": "2026-12-20"})
    wf.draw("T-2026-002")
    r, _ = wf.workflow(now=unix("2026-12-20", 15))  # 23:00 on 2026-12-20, China time
    assert [x for x in found(r, A.OVERDUE) if "T-2026-002" in x[1]] == []
    r, rule = wf.workflow(now=unix("2026-12-20", 16))  # 00:00 on 2026-12-21
    assert [(x[1].split(" / ")[1].split(";")[0], x[3]) for x in found(r, A.OVERDUE) if "T-2026-002" in x[1]] == [
        (f"task T-2026-002: 3 locked target(s) without a publication by {o}", "warning") for o in ("scjgj", "wjj")]
    assert [(o.task, o.office, o.due, o.count) for o in rule.overdue if o.task == "T-2026-002"] == [
        ("T-2026-002", "scjgj", None, 3), ("T-2026-002", "wjj", None, 3)]


def test_a_correction_may_add_a_section_for_an_office_that_published_nothing(drawn):
    """000 第十条: the lead's corrected result may carry a partner's findings when that partner has
    published nothing for the target; the partner's slot is then filled by the correction."""
    wf, lock = drawn
    a = wf.selected(lock)[0]
    ra = wf.append("result", wf.result_body(lock, a))
    c1 = _correct(wf, lock, ra, a, corrected=wf.result_body(lock, a, sections=[
        {"office": "wjj", "items": ["WJ-01"], "categories": ["1"]}]))
    r, rule = wf.workflow()
    assert found(r) == []
    sel = rule.tasks["T-2026-001"].selection
    assert sel.get("wjj", sel.find(a)) == (int(c1.id[:16], 16) >> 1) | (1 << 63)

