"""R61: a result is published within 20 working days of the inspection's completion.

The entry's time (UTC+08:00 date) is the publication time. Late publications are accepted
and flagged with the number of working days (004 第二十条); when the calendar has no data for
the dates the verdict is "unknown", a warning naming the year, never a guess. Each verdict is
counted per (office, year of the event) and handed to the optional sink as a ``ResultFact``.
"""

from __future__ import annotations

from datetime import date

from publisher.core.entry import Entry
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.calendar import judge, late_text, late_zh
from publisher.workflow.rules.common import Emitter
from publisher.workflow.rules.state import ResultFact, WorkflowState


def judge_publication(em: Emitter, state: WorkflowState, entry: Entry, task: str, target: str,
                      event: date | None, published: date, *, what: str, what_zh: str = "检查完成",
                      article: str = A.ART_DEADLINE,
                      corrects: str | None = None) -> ResultFact:
    """Judge, warn, count and emit one publication (``event`` None: nothing to judge)."""
    year = (event or published).year
    if event is None:
        fact = ResultFact(entry.id, entry.type, entry.office, task, target, None, published,
                          "none", None, None, corrects)
    else:
        j = judge(event, published, A.RESULT_DAYS, state.calendar)
        fact = ResultFact(entry.id, entry.type, entry.office, task, target, event, published,
                          j.status, j.deadline, j.workdays_late, corrects)
        if j.status == "late":
            em.warning(A.DEADLINE, f"公示超期：{what_zh} {event}，发布 {published}，{late_zh(j)}（期限 {j.deadline}；"
                       f"任务 {task}，检查对象 {target}）/ {what} {event}, published {published}: {late_text(j)} "
                       f"(due {j.deadline}; task {task}, target {target})", article)
            if j.workdays_late is not None:
                state.count(entry.office, year, "late_days", j.workdays_late)
        elif j.status == "unknown":
            em.warning(A.DEADLINE, f"无法判断是否按期公示：{what_zh} {event}，发布 {published}；{j.reason} / "
                       f"{what} {event}, published {published}: cannot tell whether it is on "
                       f"time: {j.reason}", article)
    state.count(entry.office, year, f"{entry.type}:{fact.status}")
    state.emit(fact)
    return fact
