"""Annual plans (年度抽查计划): versioned per office and year; revisions on time (R21–R24).

A revision names the version it revises, why, and when it was decided; it must be published
within 10 working days of that decision (004 第十一条). A late revision is accepted and
flagged, like a late result: refusing it would only hide the plan from the public.
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.calendar import judge, late_text, late_zh
from publisher.workflow.rules.common import Emitter, bad_dates, entry_date, pct_above, ratio, zh_list
from publisher.workflow.rules.state import PlanInfo, PlanTask, WorkflowState


def items_not_listed(state: WorkflowState, offices: list[str], codes: list[str]) -> list[str]:
    """Codes on none of the current lists of ``offices``."""
    lists = [state.item_lists[o].items for o in offices if o in state.item_lists]
    return [c for c in codes if not any(c in l for l in lists)]


class PlanCheck(NoFinish):
    types = ("plan",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        year = b["year"]
        published = entry_date(entry)
        prev = state.plans.get((entry.office, year))
        want_version = prev.version + 1 if prev else 1
        if b["version"] != want_version:
            em.error(A.PLAN, f"年度计划版本号有误：{year} 年计划的版本号为 {b['version']}，应为 {want_version} / "
                     f"version is {b['version']}, expected {want_version} for the {year} plan",
                     A.ART_PLAN_REVISION)
        want_rev = prev.entry_id if prev else None
        if b["revises"] != want_rev:
            em.error(A.PLAN, ("修订版计划须注明所修订的上一版 / " if want_rev else "当年第一版计划不修订任何计划 / ") +
                     f"revises is {str(b['revises'])[:16]}…, expected "
                     f"{want_rev[:16] + '…' if want_rev else 'null (first version of the year)'}",
                     A.ART_PLAN_REVISION)
        dates = bad_dates(em, A.PLAN, {"decided": b.get("decided"),
                                       "filed.date": (b.get("filed") or {}).get("date")}, A.ART_PLAN)
        if b["revises"] is not None or prev is not None:
            if not (b.get("revision_reason") or "").strip():
                em.error(A.PLAN, "缺少修订原因：修订计划须说明为什么修改 / "
                         "revision_reason is missing: a revised plan states why it changed",
                         A.ART_PLAN_REVISION)
            if b.get("decided") is None:
                em.error(A.PLAN, "缺少修订决定日期：10 个工作日的公示期限从该日起算 / "
                         "decided (date the revision was decided) is missing; it starts the "
                         "10-working-day publication clock", A.ART_PLAN_REVISION)
        if "decided" in dates:
            self._deadline(em, dates["decided"], published, state.calendar)
        self._tasks(em, entry, state)
        state.plans[(entry.office, year)] = PlanInfo(
            entry.office, year, b["version"], entry.id,
            {t["plan_task_no"]: PlanTask(t["plan_task_no"], t["lead"], tuple(t["partners"]),
                                         frozenset(t["items"])) for t in b["tasks"]},
            frozenset(state.item_lists[entry.office].items) if entry.office in state.item_lists else frozenset())
        for t in b["tasks"]:
            if t["partners"]:
                for o in (t["lead"], *t["partners"]):
                    state.joint.add((o, year))
        return em.out

    @staticmethod
    def _deadline(em: Emitter, decided, published, cal) -> None:
        if published < decided:
            em.error(A.PLAN, f"修订决定日期 {decided} 晚于发布日期 {published}（北京时间）/ "
                     f"decided {decided} is after the publication date {published}", A.ART_PLAN_REVISION)
            return
        j = judge(decided, published, A.PLAN_REVISION_DAYS, cal)
        if j.status == "late":
            em.warning(A.PLAN_DEADLINE, f"计划修订公示超期：{decided} 决定，{published} 发布，{late_zh(j)}（期限 "
                       f"{j.deadline}）/ plan revision decided {decided}, published {published}: "
                       f"{late_text(j)} (due {j.deadline})", A.ART_PLAN_REVISION)
        elif j.status == "unknown":
            em.warning(A.PLAN_DEADLINE, f"无法判断 {decided} 决定的计划修订是否按期公示：{j.reason} / "
                       f"cannot tell whether the revision decided {decided} was published "
                       f"on time: {j.reason}", A.ART_PLAN_REVISION)

    @staticmethod
    def _tasks(em: Emitter, entry: Entry, state: WorkflowState) -> None:
        b = entry.body
        seen: set[str] = set()
        for n, t in enumerate(b["tasks"]):
            where = f"tasks[{n}] ({t['plan_task_no']})"
            zh = f"计划任务 {t['plan_task_no']}："
            if t["plan_task_no"] in seen:
                em.error(A.PLAN, f"{zh}任务序号重复 / {where}: plan_task_no repeats", A.ART_PLAN)
            seen.add(t["plan_task_no"])
            w = bad_dates(em, A.PLAN, {f"{where}.window.from": t["window"]["from"],
                                       f"{where}.window.to": t["window"]["to"]}, A.ART_PLAN)
            wf, wt = w.get(f"{where}.window.from"), w.get(f"{where}.window.to")
            if wf and wt and wt < wf:
                em.error(A.PLAN, f"{zh}结束日期早于开始日期 / {where}.window ends before it starts", A.ART_PLAN)
            if wf and wf.year != b["year"]:
                em.error(A.PLAN, f"{zh}开始日期 {wf} 不在计划年度 {b['year']} 年内 / "
                         f"{where}.window.from {wf} is not in the plan year {b['year']}", A.ART_PLAN)
            offices = [t["lead"], *t["partners"]]
            if t["lead"] in t["partners"]:
                em.error(A.PLAN, f"{zh}牵头单位 {t['lead']} 同时被列为参与单位 / "
                         f"{where}: the lead office {t['lead']} is also listed as a partner", A.ART_PLAN)
            for o in offices:
                if o not in state.offices:
                    em.error(A.PLAN, f"{zh}单位 {o} 尚未注册 / {where}: office {o!r} is not registered", A.ART_PLAN)
            if entry.office not in offices:
                em.error(A.PLAN, f"{zh}发布单位 {entry.office} 既不是牵头单位也不是参与单位 / "
                         f"{where}: the publishing office {entry.office} is neither lead nor partner",
                         A.ART_PLAN)
            missing = items_not_listed(state, offices, t["items"])
            if missing:
                em.error(A.TASK_ITEMS, f"{zh}事项 {zh_list(missing)} 不在 {zh_list(offices)} 现行的抽查事项清单中，"
                         f"不得在清单外检查 / {where}.items {missing} are not on the current item list of "
                         f"{' or '.join(offices)}", A.ART_LIST)
            if t.get("ratio") is not None:
                cap, codes = min_cap(state, [(o, t["items"]) for o in offices])
                r = ratio(t["ratio"])
                if cap is not None and r > cap:
                    shown, cap_shown = pct_above(r, cap)
                    em.error(A.RATIO_CAP, f"{zh}抽查比例 {shown} 高于一般事项 {zh_list(codes)} 的抽查比例上限 {cap_shown} / "
                             f"{where}.ratio {t['ratio']} ({shown}) is above the ratio cap "
                             f"{cap_shown} of general item(s) {list(codes)}", A.ART_RATIO_CAP)


def min_cap(state: WorkflowState, pairs) -> tuple:
    """(smallest cap, codes having it) among the general items of (office, codes) pairs,
    looked up on each office's current list; key items have no cap (003 二(二))."""
    best, which = None, []
    for o, codes in pairs:
        lst = state.item_lists.get(o)
        if lst is None:
            continue
        for c in codes:
            info = lst.items.get(c)
            if info is None or info.kind != "general" or info.cap is None:
                continue
            if best is None or info.cap < best:
                best, which = info.cap, [c]
            elif info.cap == best and c not in which:
                which.append(c)
    return best, tuple(which)
