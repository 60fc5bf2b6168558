"""``noncooperation``: a locked target refused or obstructed the inspection (R68, 004 第十九条).

One of the four grounds of 004 第十九条 at least, a date on or after the lock and not after
publication, and what happened. It becomes a bad-credit record (001 第十八条); it does not
replace the result (category 6 of the result says the same for the result list).
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, bad_dates, entry_date
from publisher.workflow.rules.locate import locate
from publisher.workflow.rules.state import WorkflowState
from publisher.workflow.rules.target_names import check_name


class NoncooperationCheck(NoFinish):
    types = ("noncooperation",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        published = entry_date(entry)
        if not b["detail"].strip():
            em.error(A.NONCOOPERATION, "不配合情况说明为空：须写明检查对象拒绝或阻挠了什么 / "
                     "detail is empty: say what the target refused or obstructed",
                     A.ART_NONCOOP)
        d = bad_dates(em, A.NONCOOPERATION, {"date": b["date"]}, A.ART_NONCOOP).get("date")
        found = locate(em, A.NONCOOPERATION, entry.office, b["task"], b["target"], state)
        if d is not None:
            if d > published:
                em.error(A.NONCOOPERATION, f"不配合发生日期 {d} 晚于发布日期 {published}（北京时间）/ "
                         f"date {d} is after the publication date {published}", A.ART_NONCOOP)
            if found and found[0].locked and d < found[0].locked:
                em.error(A.NONCOOPERATION, f"不配合发生日期 {d} 早于任务 {found[0].id} 抽取锁定的日期 {found[0].locked} / "
                         f"date {d} is before task {found[0].id}'s draw was locked "
                         f"({found[0].locked})", A.ART_LOCKED)
        if found:
            check_name(em, b, found[0], found[1], ctx)
            state.count(entry.office, (d or published).year, "noncooperation")
        return em.out
