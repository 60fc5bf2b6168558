"""Sampling tasks (抽查任务), own or from a higher level, possibly joint (R27–R36, R1, R3).

A task fixes who takes part and which items each office inspects; every item must be on
that office's current list (R1). The task remembers the smallest ratio cap of its general
items (as the lists stood when the task was published) for the draw check (R3).
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, bad_dates, pct_above, ratio
from publisher.workflow.rules.plans import min_cap
from publisher.workflow.rules.selection import Selection
from publisher.workflow.rules.state import TaskInfo, WorkflowState

ORIGIN_ZH = {"upper": "上级部署", "delegated": "委托"}


class TaskCheck(NoFinish):
    types = ("task",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        tid = b["id"]
        if tid in state.tasks:
            other = state.tasks[tid]
            em.error(A.TASK, f"任务编号 {tid} 已被 {other.lead} 的任务使用，账本中任务编号不能重复 / "
                     f"id {tid!r} is already used by a task of {other.lead} "
                     f"(entry {other.entry_id[:16]}…); task ids are unique in the ledger", A.ART_TASK)
            return em.out
        if b["lead"] != entry.office:
            em.error(A.TASK, f"牵头单位写的是 {b['lead']}，但任务由 {entry.office} 发布；任务由牵头（发起）单位发布 / "
                     f"lead is {b['lead']!r} but the task is published by {entry.office!r}; "
                     "the lead (initiating) office publishes its task", A.ART_TASK)
        per_office: dict[str, list[str]] = {b["lead"]: list(b["items"])}
        where_of = {b["lead"]: "items"}  # the body field each office's items come from
        for n, p in enumerate(b["partners"]):
            o = p["office"]
            if o in per_office:
                em.error(A.TASK, f"参与单位 {o} 是牵头单位或重复列出 / partners[{n}].office {o!r} is the lead or "
                         "listed twice", A.ART_TASK)
                continue
            if o not in state.offices:
                em.error(A.TASK, f"参与单位 {o} 尚未注册 / partners[{n}].office {o!r} is not a registered office",
                         A.ART_TASK)
            per_office[o] = list(p["items"])
            where_of[o] = f"partners[{n}].items"
        for o, codes in per_office.items():
            where = where_of[o]
            lst = state.item_lists.get(o)
            if lst is None:
                em.error(A.TASK_ITEMS, f"单位 {o} 还没有发布抽查事项清单，不得在清单外检查 / "
                         f"{where}: office {o} has published no item list; no inspection "
                         "outside the list", A.ART_LIST)
                continue
            missing = [c for c in codes if c not in lst.items]
            if missing:
                em.error(A.TASK_ITEMS, f"事项 {'、'.join(missing)} 不在 {o} 现行的抽查事项清单（第 {lst.version} 版）中，"
                         f"不得在清单外检查 / {where} {missing} are not on {o}'s current item list "
                         f"(version {lst.version})", A.ART_LIST)
        w = bad_dates(em, A.TASK, {"window.from": b["window"]["from"], "window.to": b["window"]["to"]}, A.ART_TASK)
        window_ok = len(w) == 2 and w["window.from"] <= w["window.to"]
        if len(w) == 2 and not window_ok:
            em.error(A.TASK, f"检查期限结束日期 {w['window.to']} 早于开始日期 {w['window.from']} / "
                     f"window ends ({w['window.to']}) before it starts ({w['window.from']})", A.ART_TASK)
        if b["partners"] and not b["rationale"].strip():
            em.error(A.TASK, "联合抽查缺少立项理由：须写明为何联合抽查（热点问题、风险、投诉举报等）/ "
                     "rationale is empty: a joint task records why it was decided (hot issues, "
                     "risk, complaints)", A.ART_JOINT)
        self._origin(em, entry, state, w.get("window.from"))
        cap, cap_items = min_cap(state, per_office.items())
        if b.get("ratio") is not None and cap is not None and ratio(b["ratio"]) > cap:
            shown, cap_shown = pct_above(ratio(b["ratio"]), cap)
            em.error(A.RATIO_CAP, f"抽查比例 {shown} 高于一般事项 {'、'.join(cap_items)} 的抽查比例上限 "
                     f"{cap_shown} / ratio {b['ratio']} is above the ratio cap {cap_shown} of general "
                     f"item(s) {list(cap_items)}", A.ART_RATIO_CAP)
        if window_ok:
            year = w["window.from"].year
            state.tasks[tid] = TaskInfo(
                id=tid, lead=entry.office, entry_id=entry.id, year=year,
                window_from=w["window.from"], window_to=w["window.to"],
                items={o: frozenset(c) for o, c in per_office.items()}, cap=cap, cap_items=cap_items,
                selection=Selection(list(per_office)), method=b["method"])
            if b["partners"]:
                for o in per_office:
                    state.joint.add((o, year))
        return em.out

    @staticmethod
    def _origin(em: Emitter, entry: Entry, state: WorkflowState, start) -> None:
        b = entry.body
        if b["origin"] != "own":
            if not (b.get("origin_detail") or "").strip():
                em.warning(A.TASK, f"任务来源为“{ORIGIN_ZH.get(b['origin'], b['origin'])}”，但没有写明来自哪个部门或文件 / "
                           f"origin is {b['origin']!r} but origin_detail does not say which office "
                           "or document the task came from", A.ART_ORIGIN)
            return
        no = b["plan_task_no"]
        if no is None:
            em.error(A.TASK, "本单位任务须来自年度计划，请填写计划任务序号（上级部署或委托的任务请写明来源）/ "
                     "plan_task_no is null: an own task is made from the annual plan "
                     "(use origin upper/delegated for tasks from a higher level)", A.ART_WORKFLOW)
            return
        if start is None:
            return
        plan = state.plans.get((entry.office, start.year))
        if plan is None:
            em.error(A.TASK, f"计划任务序号 {no}：{entry.office} 还没有发布 {start.year} 年度抽查计划 / "
                     f"plan_task_no {no!r}: {entry.office} has published no {start.year} plan",
                     A.ART_WORKFLOW)
            return
        pt = plan.tasks.get(no)
        if pt is None:
            em.error(A.TASK, f"计划任务序号 {no} 不在 {entry.office} 的 {start.year} 年度计划（第 {plan.version} 版）中 / "
                     f"plan_task_no {no!r} is not in {entry.office}'s {start.year} plan "
                     f"(version {plan.version})", A.ART_WORKFLOW)
        elif pt.lead != entry.office:
            em.error(A.TASK, f"计划任务 {no} 的牵头单位是 {pt.lead}，不是 {entry.office} / "
                     f"plan task {no!r} is led by {pt.lead}, not {entry.office}", A.ART_WORKFLOW)
