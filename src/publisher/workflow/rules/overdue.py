"""R64: a locked target with no result or withholding after its deadline is "overdue".

Without a result the completion date is unknown, so the latest legitimate deadline is used:
20 working days after the task window ends (004 第二十条: 已实施检查但未进行公示的，视为未完成).
Judged against the verification time (``Context.now``, else the latest entry); reported as
warnings and as the ``overdue`` list. When the calendar does not cover the deadline, the
status is unknown and said so.
"""

from __future__ import annotations

from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.calendar import due_date, unknown_reason
from publisher.workflow.rules.common import unix_to_date
from publisher.workflow.rules.state import Overdue, WorkflowState

SHOW = 10  # target ids named per (task, office)


class OverdueCheck:
    types: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.overdue: list[Overdue] = []

    def check(self, entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        return []

    def finish(self, ctx: Context, state: WorkflowState) -> list[Problem]:
        self.overdue = []
        out: list[Problem] = []
        now = ctx.now if ctx.now is not None else ctx.last_time
        today = unix_to_date(now)
        for task in state.tasks.values():
            sel = task.selection
            if today <= task.window_to:
                continue
            due = due_date(task.window_to, A.RESULT_DAYS, state.calendar)
            if due is not None and today <= due:
                continue
            for office in task.offices:
                n = sel.open_count(office)
                if not n:
                    continue
                ids = tuple(sel.open_targets(office, SHOW))
                # "…" only for known targets left unnamed; the embargoed ones are counted below
                shown = ", ".join(ids) + (" …" if n - sel.announced > len(ids) else "")
                shown_zh = shown
                if sel.announced and len(ids) < SHOW:
                    shown += f"{', ' if ids else ''}{sel.announced} of an embargoed draw not yet revealed"
                    shown_zh += f"{'，' if ids else ''}另有暂不公开的抽取中尚未揭示的 {sel.announced} 个"
                self.overdue.append(Overdue(task.id, office, due, n, ids))
                if due is None:
                    out.append(Problem(A.OVERDUE, f"无法判断是否逾期：任务 {task.id} 有 {n} 个抽中对象 {office} 尚未公示结果；"
                                       f"{unknown_reason(task.window_to, A.RESULT_DAYS, state.calendar)} / "
                                       f"task {task.id}: {n} locked target(s) without a publication "
                                       f"by {office}; cannot tell if overdue: "
                                       f"{unknown_reason(task.window_to, A.RESULT_DAYS, state.calendar)}",
                                       entry_id=task.entry_id, article=A.ART_DEADLINE, severity="warning"))
                else:
                    out.append(Problem(A.OVERDUE, f"逾期未公示：任务 {task.id} 有 {n} 个抽中对象 {office} 在期限 {due} 前"
                                       f"未公示结果或不予公示决定（检查期限 {task.window_to} 结束）：{shown_zh} / "
                                       f"task {task.id}: {n} locked target(s) without a result or "
                                       f"withholding by {office}, due {due} (window ended {task.window_to}): "
                                       f"{shown}", entry_id=task.entry_id, article=A.ART_DEADLINE,
                                       severity="warning"))
        return out
