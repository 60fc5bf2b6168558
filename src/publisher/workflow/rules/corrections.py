"""``result.correct``: the only way to change a published result (R66, 001 第十九条).

The original stays in the log; the correction carries the full corrected result, the reason,
and the approval of the office's head (主要负责人). Corrections chain: each names the latest
entry of its (task, target, office) — the result, a withholding, or the previous correction —
so no version can be silently skipped. Only the office that published may correct. The
20-working-day clock restarts at the approval date (000 第十一条 产生、更新之日起).
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, entry_date, parse_date
from publisher.workflow.rules.content import check_content, check_team
from publisher.workflow.rules.deadline import judge_publication
from publisher.workflow.rules.locate import locate
from publisher.workflow.rules.selection import SECTION, entry_ref, ref_hex
from publisher.workflow.rules.state import WorkflowState
from publisher.workflow.rules.target_names import check_name

HEAD_TITLES = ("主要负责人",)
HEAD_TITLES_EN = ("head",)


def is_head(title: str) -> bool:
    t = title.strip()
    return t in HEAD_TITLES or t.casefold() in HEAD_TITLES_EN


class CorrectionCheck(NoFinish):
    types = ("result.correct",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        published = entry_date(entry)
        c = b["corrected"]
        if not is_head(b["approver"]["title"]):
            em.error(A.CORRECTION, f"批准人职务为“{b['approver']['title']}”：更正须经单位主要负责人批准，职务请写“主要负责人” / "
                     f"approver.title is {b['approver']['title']!r}; a correction needs the "
                     "signature of the office's head (主要负责人)", A.ART_UNCHANGED)
        if not b["reason"].strip():
            em.error(A.CORRECTION, "更正原因不能为空 / reason is empty: a correction says what was wrong", A.ART_UNCHANGED)
        approved = parse_date(b["date"])
        if approved is None:
            em.error(A.CORRECTION, f"批准日期“{b['date']}”不存在 / date {b['date']!r} is not a calendar date",
                     A.ART_UNCHANGED)
        elif approved > published:
            em.error(A.CORRECTION, f"批准日期 {approved} 晚于发布日期 {published}（北京时间）/ "
                     f"date {approved} is after the publication date {published}", A.ART_UNCHANGED)
            approved = None
        found = locate(em, A.CORRECTION, entry.office, c["task"], c["target"], state, prefix="corrected.")
        if found is None:
            return em.out
        task, i = found
        sel = task.selection
        ref = entry_ref(b["result"])
        current = sel.get(entry.office, i)
        if current != ref:
            owner = sel.owner(ref, i)
            if owner is not None:
                em.error(A.CORRECTION, f"要更正的结果由 {owner} 发布，只有发布结果的单位才能更正 / "
                         f"result {b['result'][:16]}… was published by {owner}; only the office "
                         "that published a result may correct it", A.ART_UNCHANGED)
            elif current == 0:
                em.error(A.CORRECTION, f"单位 {entry.office} 在任务 {task.id} 中还没有发布检查对象 {c['target']} 的结果，无可更正 / "
                         f"result: {entry.office} has published nothing for target {c['target']} "
                         f"in task {task.id} to correct", A.ART_UNCHANGED)
            else:
                em.error(A.CORRECTION, f"要更正的结果不是检查对象 {c['target']} 的最新版本，更正须针对最新版本 / "
                         f"result {b['result'][:16]}… is not the latest version for target "
                         f"{c['target']} in task {task.id} (latest {ref_hex(current)}…); corrections chain",
                         A.ART_UNCHANGED)
            return em.out
        check_content(em, c, task, entry.office, published, p="corrected.")
        check_team(em, c, task, p="corrected.")
        check_name(em, c, task, i, ctx, p="corrected.")
        sections = []
        for s in c.get("sections", []):
            o = s["office"]
            if o == entry.office or o not in task.items or o in sections:
                continue
            held = sel.get(o, i)
            if held not in (0, ref | SECTION):
                em.error(A.CORRECTION, f"更正内容中：{o} 已自行发布检查对象 {c['target']} 的结果，只有 {o} 能更改 / "
                         f"corrected.sections: {o} published its own result for target "
                         f"{c['target']}; only {o} may change it", A.ART_UNCHANGED)
            else:
                sections.append(o)
        judge_publication(em, state, entry, task.id, c["target"], approved, published,
                          what="correction approved", what_zh="更正批准", article=A.ART_UPDATE, corrects=b["result"])
        new = entry_ref(entry.id)
        sel.set(entry.office, i, new)
        for o in sections:
            sel.set(o, i, new | SECTION)
        return em.out
