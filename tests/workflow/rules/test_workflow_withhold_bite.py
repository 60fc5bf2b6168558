"""result.withhold (R67) at its date margins, with the rule id, the message and the article."""

from __future__ import annotations

from ledgertools import english
from publisher.workflow.rules import articles as A
from workflow.wf_scenario import drawn, problems, text, unix, wf  # noqa: F401

BASIS = "《政府信息公开条例》第十四条"


def withhold(target: str, **over) -> dict:
    return {"task": "T-2026-001", "target": target, "legal_basis": BASIS, "decided": "2026-01-20", **over}


def found(report, rule: str, severity: str = "error"):
    """(English part, article) of each problem: messages are Chinese first (issue 14)."""
    return [(english(p.message), p.article) for p in problems(report, severity=severity) if p.rule == rule]


def test_decision_on_the_publication_day_is_accepted_a_day_later_is_not(drawn):
    wf, lock = drawn  # entries are published on 2026-01-21 (China date)
    a, b = wf.selected(lock)[:2]
    wf.append("result.withhold", withhold(a, decided="2026-01-21"))
    wf.append("result.withhold", withhold(b, decided="2026-01-22"))
    r, _ = wf.workflow()
    assert found(r, A.WITHHOLD) == [("decided 2026-01-22 is after the publication date 2026-01-21", A.ART_WITHHOLD)]


def test_completion_on_the_publication_day_is_judged_a_later_one_is_refused(drawn):
    wf, lock = drawn
    a, b = wf.selected(lock)[:2]
    wf.append("result.withhold", withhold(a, completed="2026-01-21"))
    wf.append("result.withhold", withhold(b, completed="2026-01-22"))
    facts = []
    r, rule = wf.workflow(sink=facts.append)
    assert found(r, A.WITHHOLD) == [("completed 2026-01-22 is after the publication date 2026-01-21",
                                     A.ART_WITHHOLD)]
    assert [(f.target, f.status) for f in facts] == [(a, "on_time"), (b, "none")]
    assert rule.stats[("scjgj", 2026)]["result.withhold:on_time"] == 1
    assert rule.stats[("scjgj", 2026)]["result.withhold:none"] == 1


def test_late_withholding_is_judged_from_the_inspection_completion(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.at("2026-04-01")
    wf.append("result.withhold", withhold(t, completed="2026-01-21"))
    r, _ = wf.workflow()
    warn = found(r, A.DEADLINE, "warning")
    assert len(warn) == 1, text(r.problems)
    assert warn[0][0].startswith("inspection completed 2026-01-21, published 2026-04-01: late by ")
    assert f"task T-2026-001, target {t}" in warn[0][0]
    assert warn[0][1] == A.ART_DEADLINE


def test_second_withholding_of_a_target_is_refused(drawn):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    wf.append("result.withhold", withhold(t))
    wf.append("result.withhold", withhold(t))
    r, _ = wf.workflow()
    [(msg, art)] = found(r, A.WITHHOLD)
    assert f"result.withhold: scjgj already published for target {t} in task T-2026-001" in msg
    assert art == A.ART_UNCHANGED


def test_withholding_a_target_that_was_not_drawn_is_refused(drawn):
    wf, lock = drawn
    outsider = next(x.id for x in wf.targets if x.id not in wf.selected(lock))
    wf.append("result.withhold", withhold(outsider))
    r, _ = wf.workflow()
    [(msg, art)] = found(r, A.WITHHOLD)
    assert f"target {outsider} was not selected in the locked draw of task T-2026-001" in msg
    assert art == A.ART_LOCKED


def test_empty_legal_basis_message_and_article(drawn):
    wf, lock = drawn
    wf.append("result.withhold", withhold(wf.selected(lock)[0], legal_basis=" \t"))
    r, _ = wf.workflow()
    assert found(r, A.WITHHOLD) == [("legal_basis is empty: only law or regulation allows not publishing",
                                     A.ART_WITHHOLD)]
