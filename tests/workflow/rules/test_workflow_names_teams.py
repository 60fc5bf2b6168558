"""Issue 14, no silent acceptance in the VERIFIER (not only in `add`): a result's target_name
must be the target's name in the snapshot the draw used; its inspectors must be the drawn team
after every recorded replacement. Each attack is a signed entry in a real ledger."""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from workflow.wf_scenario import problems, text, wf  # noqa: F401


def errors(report):
    return [p for p in report.problems if p.severity == "error"]


def _drawn_with_commit(wf):
    wf.basics()
    c, lock = wf.draw()
    wf.at("2026-01-21")
    return c, lock


def test_result_with_another_name_is_refused(wf):
    c, lock = _drawn_with_commit(wf)
    a, b = wf.selected(lock)[:2]
    wf.append("result", wf.result_body(lock, a))  # the snapshot's name: accepted
    wf.append("result", wf.result_body(lock, b, target_name=wf.name(a)))  # another company's name
    r = wf.verify()
    e = errors(r)
    assert [p.rule for p in e] == [A.TARGET_NAME], text(e)
    assert e[0].message.startswith(f"检查对象名称“{wf.name(a)}”与抽取所用名录中 {b} 的名称“{wf.name(b)}”不一致"), e[0].message
    assert e[0].article == A.ART_DIRECTORY


def test_correction_and_noncooperation_names_are_checked(wf):
    c, lock = _drawn_with_commit(wf)
    a = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, a))
    corrected = wf.result_body(lock, a, target_name=wf.name(a) + "（分店）")
    wf.append("result.correct", {"result": res.id, "corrected": corrected, "reason": "名称写错",
                                 "approver": {"name": "张三", "title": "主要负责人"}, "date": "2026-01-21"})
    wf.append("noncooperation", {"task": "T-2026-001", "target": a, "target_name": "某某公司",
                                 "grounds": ["refused_entry"], "date": "2026-01-20", "detail": "拒绝检查人员进入",
                                 "serious": False})
    e = errors(wf.verify())
    assert [p.rule for p in e] == [A.TARGET_NAME, A.TARGET_NAME], text(e)
    assert e[0].message.startswith("更正内容中：检查对象名称") and "某某公司" in e[1].message, text(e)


def test_results_follow_the_team_after_a_replacement(wf):
    """The replaced-out inspector no longer inspects; the drawn substitute does."""
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    c, lock = _drawn_with_commit(wf)
    team = lock.body["teams"][0]
    target, out = team["target"], team["members"][0]
    region = next(t.region for t in wf.targets if t.id == target)
    spare = substitute(bytes.fromhex(lock.body["seed"]), target, region, out,
                       {t["target"]: list(t["members"]) for t in lock.body["teams"]},
                       team_plan(c.body, wf.inspectors), [])
    wf.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": target, "out": out, "in": spare,
                               "reason": "health", "approver": {"name": "王某", "title": "分管副局长"},
                               "date": "2026-01-21"})
    assert not errors(wf.verify()), text(errors(wf.verify()))  # the replacement itself is valid
    wf.append("result", wf.result_body(lock, target, inspectors=team["members"]))  # the team before
    r = wf.verify()
    e = errors(r)
    assert [p.rule for p in e] == [A.TEAM_MATCH], text(e)
    assert e[0].message.startswith(f"检查人员 {out} 不是 {target} 抽中的检查组成员") and spare in e[0].message, e[0].message
    assert e[0].article == A.ART_TEAM_MATCH


def test_result_by_the_replacement_team_is_accepted(wf):
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    c, lock = _drawn_with_commit(wf)
    team = lock.body["teams"][0]
    target, out = team["target"], team["members"][0]
    region = next(t.region for t in wf.targets if t.id == target)
    spare = substitute(bytes.fromhex(lock.body["seed"]), target, region, out,
                       {t["target"]: list(t["members"]) for t in lock.body["teams"]},
                       team_plan(c.body, wf.inspectors), [])
    wf.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": target, "out": out, "in": spare,
                               "reason": "health", "approver": {"name": "王某", "title": "分管副局长"},
                               "date": "2026-01-21"})
    now = [spare if m == out else m for m in team["members"]]
    wf.append("result", wf.result_body(lock, target, inspectors=now))
    assert not errors(wf.verify()), text(errors(wf.verify()))
