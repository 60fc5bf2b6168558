"""Plan coverage (R22), reported, never blocking: every listed item planned, and each office
starting or joining at least one joint task a year (001 第六条).

Checked at the end of the log for every (office, year) with a plan: the office's item list
as it stood when that plan was published, against the items of all plan tasks of that year
(any office's latest plan) in which the office leads or partners; joint participation counts
joint plan tasks and joint task entries.
"""

from __future__ import annotations

from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.state import Coverage, WorkflowState


class CoverageCheck:
    types: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.coverage: dict[tuple[str, int], Coverage] = {}

    def check(self, entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        return []

    def finish(self, ctx: Context, state: WorkflowState) -> list[Problem]:
        out: list[Problem] = []
        by_year: dict[int, list] = {}
        for (_office, year), plan in state.plans.items():
            by_year.setdefault(year, []).append(plan)
        for (office, year), plan in sorted(state.plans.items()):
            covered: set[str] = set()
            for p in by_year[year]:
                for t in p.tasks.values():
                    if office == t.lead or office in t.partners:
                        covered |= t.items
            missing = tuple(sorted(plan.list_codes - covered))
            joint = (office, year) in state.joint
            self.coverage[(office, year)] = Coverage(office, year, missing, joint)
            if missing:
                shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
                out.append(Problem(A.COVERAGE, f"年度计划未覆盖全部事项：{office} 的 {year} 年计划（第 {plan.version} 版）"
                                   f"有 {len(missing)} 个清单事项没有安排抽查：{shown} / "
                                   f"{office}: the {year} plan (v{plan.version}) leaves "
                                   f"{len(missing)} listed item(s) uncovered: {shown}",
                                   entry_id=plan.entry_id, article=A.ART_PLAN, severity="warning"))
            if not joint:
                out.append(Problem(A.COVERAGE, f"缺少部门联合抽查：{office} 在 {year} 年没有发起或参加联合抽查 / "
                                   f"{office}: no joint task (部门联合抽查) started or joined in {year}", entry_id=plan.entry_id, article=A.ART_PLAN,
                                   severity="warning"))
        return out
