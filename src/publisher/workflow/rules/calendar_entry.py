"""``calendar``: the operator publishes one year's official holiday arrangement (SPEC §7.9).

Deadlines count working days (004 第二十条), so whether a result was late depends on the State
Council's holiday notice for that year. The ledger carries each year as a signed entry; a year
with no entry (and not built in) is "unknown", never guessed. A year is published once; a
built-in year (the ``chinese_calendar`` package's) must match it day for day; an entry marked
``example`` is accepted with a warning (training portals) and shown as not official.
"""

from __future__ import annotations

from publisher.core.entry import OPERATOR, Entry
from publisher.core.rules.base import Context, Problem
from publisher.workdays import BUILTIN_LAST_YEAR, builtin_year, year_from_body
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter
from publisher.workflow.rules.state import WorkflowState


class CalendarCheck(NoFinish):
    types = ("calendar",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        em = Emitter()
        b = entry.body
        if entry.office != OPERATOR:
            em.error(A.CALENDAR, "只有运营方可以发布节假日安排 / only the operator publishes calendar entries", A.ART_DEADLINE)
            return em.out
        try:
            arr = year_from_body(b)
        except ValueError:
            em.error(A.CALENDAR, "日期无效（应为真实存在的 YYYY-MM-DD）/ a date is not a real calendar date", A.ART_DEADLINE)
            return em.out
        for p in arr.problems():
            em.error(A.CALENDAR, f"节假日安排有误：{p}", A.ART_DEADLINE)
        if arr.year in state.calendar.years:
            em.error(A.CALENDAR, f"节假日安排：{arr.year} 年的安排已经发布过 / the {arr.year} arrangement is already in the ledger",
                     A.ART_DEADLINE)
        if arr.year <= BUILTIN_LAST_YEAR:
            try:
                known = builtin_year(arr.year)
            except LookupError:
                known = None
            if known is not None and (known.holidays, known.workdays) != (arr.holidays, arr.workdays):
                diff = sorted((known.holidays ^ arr.holidays) | (known.workdays ^ arr.workdays))
                em.error(A.CALENDAR, f"节假日安排：{arr.year} 年的安排与内置日历（chinese-calendar）不一致，差异日期：" +
                         ", ".join(d.isoformat() for d in diff[:5]) + f" / differs from the built-in calendar on "
                         f"{len(diff)} day(s)", A.ART_DEADLINE)
        if em.out:
            return em.out
        if arr.example:
            em.warning(A.CALENDAR, f"节假日安排：{arr.year} 年的安排是示例数据，不是国务院正式通知 / the {arr.year} "
                       "arrangement is EXAMPLE data, not the official notice", A.ART_DEADLINE)
        state.calendar = state.calendar.with_year(arr)
        return em.out
