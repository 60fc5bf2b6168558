"""``result``: one target's published result (R53–R65, R47, R57, R60, R61).

Only for a locked target of the task, by a participating office, once per (task, target,
office) — a later change is a ``result.correct``. Sections let the publishing office (usually
the lead, 000 第六条) include other participants' findings; a section fills that office's slot.
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, entry_date
from publisher.workflow.rules.content import check_content, check_team
from publisher.workflow.rules.deadline import judge_publication
from publisher.workflow.rules.locate import locate
from publisher.workflow.rules.selection import SECTION, entry_ref, ref_hex
from publisher.workflow.rules.state import WorkflowState
from publisher.workflow.rules.target_names import check_name


def slot_taken(em: Emitter, rule: str, task, i: int, office: str, target: str, what: str) -> bool:
    """Report (and return True) when ``office`` already has a publication for this target."""
    sel = task.selection
    ref = sel.get(office, i)
    if not ref:
        return False
    by = sel.owner(ref & ~SECTION, i) if ref & SECTION else None
    how = f"a section of {by}'s result already covers {office}" if by else f"{office} already published"
    em.error(rule, f"该检查对象的结果已经发布，已发布的结果只能用更正（result.correct）修改 / "
             f"{what}: {how} for target {target} in task {task.id} (latest entry {ref_hex(ref)}…); "
             "published results are changed only by result.correct", A.ART_UNCHANGED)
    return True


class ResultCheck(NoFinish):
    types = ("result",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        published = entry_date(entry)
        found = locate(em, A.RESULT, entry.office, b["task"], b["target"], state)
        if found is None:
            return em.out
        task, i = found
        taken = slot_taken(em, A.RESULT, task, i, entry.office, b["target"], "result")
        completed = check_content(em, b, task, entry.office, published)
        check_team(em, b, task)
        check_name(em, b, task, i, ctx)
        sections = [s["office"] for s in b.get("sections", []) if s["office"] in task.items
                    and s["office"] != entry.office]
        for o in sections:
            taken = slot_taken(em, A.RESULT, task, i, o, b["target"], f"section for {o}") or taken
        if taken:
            return em.out
        judge_publication(em, state, entry, task.id, b["target"], completed, published,
                          what="inspection completed")
        ref = entry_ref(entry.id)
        task.selection.set(entry.office, i, ref)
        for o in sections:
            task.selection.set(o, i, ref | SECTION)
        return em.out
