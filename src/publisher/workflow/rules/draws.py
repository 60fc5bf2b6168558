"""What the workflow needs from the draw entries: which targets a task locked, and R3.

The draw rule verifies the draw itself (recomputation, teams, the yearly cap); this module
only reads the published outcome so results can be checked against the locked list, and
compares the commitment's sample size with the task's general-item ratio caps:
Σk / N ≤ the smallest cap (003 二(二)); key items have no cap.

Fields read (docs/spec/60-draw.md): draw.commit ``task``, ``offices[].office``,
``population.count``, ``strata[].k``, ``embargo_until``; draw.lock / draw.reveal ``task``,
``commit`` and, when public, ``selected[].id`` (an embargoed lock carries ``result_hash`` only).
"""

from __future__ import annotations

from fractions import Fraction

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.directory.parsed import ParsedSnapshots
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, entry_date, pct_above, zh_list
from publisher.workflow.rules.selection import target_key
from publisher.workflow.rules.state import WorkflowState
from publisher.workflow.rules.target_names import SnapshotNames


class DrawObserver(NoFinish):
    types = ("draw.commit", "draw.lock", "draw.reveal", "team.replace")

    def __init__(self, parsed: ParsedSnapshots | None = None) -> None:
        self.names = SnapshotNames(parsed)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        em = Emitter()
        b = entry.body
        task = state.tasks.get(b.get("task"))
        if entry.type == "draw.commit":
            if task is None:
                em.error(A.TASK, f"抽取承诺之前没有编号为 {b.get('task')} 的任务；先有任务，再抽取、检查、公示结果 / "
                         f"task {b.get('task')!r}: no task entry with this id precedes the draw "
                         "commitment (task → draw → inspection → results)", A.ART_WORKFLOW)
                return em.out
            self._commit(em, entry, task, state)
            return em.out
        commit_task = state.commits.get(b.get("commit"))
        if task is None or commit_task != task.id:
            return em.out  # the draw rule reports unknown commitments and mismatched tasks
        if entry.type == "team.replace":
            key = target_key(b["target"])
            team = task.team(key)
            if team and b["out"] in team:  # the draw rule checks the replacement itself
                team[team.index(b["out"])] = b["in"]
                task.set_team(key, team)
            return em.out
        if "selected" in b:
            ids = [s["id"] for s in b["selected"]]
            digest = state.commit_snapshots.get(b["commit"])
            names = self.names.hashes_for(ctx, digest, ids) if digest else {}
            if digest and digest not in task.snapshots:
                task.snapshots.append(digest)
            task.selection.add(ids, names)
            for t in b.get("teams", []):
                task.set_team(target_key(t["target"]), [t["leader"], *[m for m in t["members"] if m != t["leader"]]])
            if entry.type == "draw.reveal" and b["commit"] in task.embargoed:
                task.embargoed.discard(b["commit"])
                task.selection.announced -= task.commits.get(b["commit"], 0)
        elif entry.type == "draw.lock" and b["commit"] not in task.embargoed:
            task.embargoed.add(b["commit"])
            task.selection.announced += task.commits.get(b["commit"], 0)
        if entry.type == "draw.lock" and task.locked is None:
            task.locked = entry_date(entry)
        return em.out

    @staticmethod
    def _commit(em: Emitter, entry: Entry, task, state: WorkflowState) -> None:
        b = entry.body
        if entry.office != task.lead:
            em.error(A.TASK, f"任务 {task.id} 的抽取由 {entry.office} 提交，但牵头单位是 {task.lead}，应由牵头单位抽取 / "
                     f"the draw of task {task.id} is committed by {entry.office}, but {task.lead} "
                     "leads the task and draws its targets", A.ART_WORKFLOW)
        offices = [o["office"] for o in b.get("offices", [])]
        if offices and set(offices) != set(task.offices):
            em.error(A.TASK, f"抽取承诺中的单位（{zh_list(sorted(offices))}）与任务 {task.id} 的参与单位"
                     f"（{zh_list(sorted(task.offices))}）不一致 / "
                     f"the commitment's offices {sorted(offices)} differ from task {task.id}'s "
                     f"participants {sorted(task.offices)}", A.ART_TASK)
        ks = [s["k"] for s in b["strata"]]
        n = b["population"]["count"]
        state.commits[entry.id] = task.id
        snap = b["population"].get("snapshot")
        if isinstance(snap, str):
            state.commit_snapshots[entry.id] = snap
        task.commits[entry.id] = sum(ks)
        if task.cap is not None and n > 0 and Fraction(sum(ks), n) > task.cap:
            shown, cap_shown = pct_above(Fraction(sum(ks), n), task.cap)
            em.error(A.RATIO_CAP, f"抽取比例超过上限：从 {n} 户中抽取 {sum(ks)} 户（{shown}），"
                     f"高于一般事项 {zh_list(task.cap_items)} 的抽查比例上限 {cap_shown} / "
                     f"strata[].k: the draw takes {sum(ks)} of {n} targets "
                     f"({shown}), above the ratio cap {cap_shown} of general "
                     f"item(s) {list(task.cap_items)} of task {task.id}", A.ART_RATIO_CAP)
