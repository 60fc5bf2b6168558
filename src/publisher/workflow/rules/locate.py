"""Find the locked target a result-like entry is about, or say precisely why it has none.

Shared by results, corrections, withholdings and non-cooperation records: a publication is
only about a target in the locked (or revealed) list of its task (001 第十二条), by an office
that takes part in the task (002 二(四)1 谁检查、谁录入).
"""

from __future__ import annotations

from publisher.workflow.rules import articles as A
from publisher.workflow.rules.common import Emitter
from publisher.workflow.rules.state import TaskInfo, WorkflowState


def locate(em: Emitter, rule: str, office: str, task_id: str, target: str,
           state: WorkflowState, prefix: str = "") -> tuple[TaskInfo, int] | None:
    task = state.tasks.get(task_id)
    if task is None:
        em.error(rule, f"{'更正内容中：' if prefix else ''}没有编号为 {task_id} 的任务 / task {task_id!r}: no task entry with this id", A.ART_WORKFLOW)
        return None
    if office not in task.items:
        em.error(rule, f"{'更正内容中：' if prefix else ''}单位 {office} 没有参与任务 {task_id}，谁检查、谁录入、谁公开 / task {task_id}: {office} does not take part in it (lead {task.lead}"
                 f"{', partners ' + ', '.join(task.offices[1:]) if len(task.offices) > 1 else ''}); "
                 "whoever inspects publishes", A.ART_WHO)
        return None
    sel = task.selection
    i = sel.find(target)
    if i is not None:
        return task, i
    if not len(sel) and not task.embargoed:
        em.error(rule, f"{'更正内容中：' if prefix else ''}任务 {task_id} 还没有锁定的抽取，只有抽中的检查对象才有结果 / task {task_id} has no "
                 "locked draw yet; results exist only for locked targets", A.ART_LOCKED)
    elif task.embargoed:
        em.error(rule, f"{'更正内容中：' if prefix else ''}检查对象 {target} 不在任务 {task_id} 已公开的名单中，暂不公开的抽取须先揭示（draw.reveal）/ "
                 f"target {target} is not in the published list of task {task_id}; its "
                 "embargoed draw must be revealed (draw.reveal) before results are published",
                 A.ART_UNANNOUNCED)
    else:
        em.error(rule, f"{'更正内容中：' if prefix else ''}检查对象 {target} 不在任务 {task_id} 的抽中名单中 / "
                 f"target {target} was not selected in the locked draw of task {task_id}",
                 A.ART_LOCKED)
    return None
