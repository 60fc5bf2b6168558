"""``result.withhold``: a result not published because law or regulation says so (R67).

It states the legal basis and the decision date, fills the (task, target, office) slot like a
result — so the target is not overdue (R64) — and may later be replaced by a correction.
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, bad_dates, entry_date
from publisher.workflow.rules.deadline import judge_publication
from publisher.workflow.rules.locate import locate
from publisher.workflow.rules.results import slot_taken
from publisher.workflow.rules.selection import entry_ref
from publisher.workflow.rules.state import WorkflowState


class WithholdCheck(NoFinish):
    types = ("result.withhold",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        published = entry_date(entry)
        if not b["legal_basis"].strip():
            em.error(A.WITHHOLD, "不予公示的法律依据为空：只有法律法规规定的情形才可不公示 / "
                     "legal_basis is empty: only law or regulation allows not publishing",
                     A.ART_WITHHOLD)
        d = bad_dates(em, A.WITHHOLD, {"decided": b["decided"], "completed": b.get("completed")}, A.ART_WITHHOLD)
        for name, day in d.items():
            if day > published:
                em.error(A.WITHHOLD, f"{'决定日期' if name == 'decided' else '检查完成日期'} {day} 晚于发布日期 "
                         f"{published}（北京时间）/ {name} {day} is after the publication date {published}", A.ART_WITHHOLD)
        found = locate(em, A.WITHHOLD, entry.office, b["task"], b["target"], state)
        if found is None:
            return em.out
        task, i = found
        if slot_taken(em, A.WITHHOLD, task, i, entry.office, b["target"], "result.withhold"):
            return em.out
        completed = d.get("completed")
        judge_publication(em, state, entry, task.id, b["target"],
                          completed if completed and completed <= published else None, published,
                          what="inspection completed")
        task.selection.set(entry.office, i, entry_ref(entry.id))
        return em.out
