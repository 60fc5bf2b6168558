"""`publisher status`: what each office has to do next, read from the ledger.

Per office: its tasks, draws waiting for their beacon round, draws whose round has come and
that still need locking, locked targets without a result (and when they are due), overdue
ones. Everything comes from one replay through the verifier's own workflow rule, so the
numbers are those `publisher verify` and the site would give. Dates are Beijing dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from publisher.workflow.rules import articles as A
from publisher.workflow.rules.calendar import due_date

from ..storage.ledger_dir import LedgerDir
from .ledger_state import LedgerState

CST = timezone(timedelta(hours=8))


@dataclass
class Draw:
    task: str
    commit: str
    round: int
    due: datetime | None  # when the beacon round is published (Beijing time)


@dataclass
class OpenTask:
    task: str
    open: int  # locked targets without a result or withholding by this office
    due: date | None  # window end + 20 working days; None: the calendar lacks the year
    examples: list[str]


@dataclass
class OfficeStatus:
    office: str
    name: str
    tasks: list[str] = field(default_factory=list)
    waiting: list[Draw] = field(default_factory=list)  # round not yet reached
    lock_due: list[Draw] = field(default_factory=list)  # round reached, not locked
    open: list[OpenTask] = field(default_factory=list)
    overdue: int = 0


def office_status(ledger: LedgerDir, now: int, office: str | None = None) -> list[OfficeStatus]:
    state = LedgerState(ledger).replay()
    state.finish(now)
    ws = state.rule.state
    chains = state.trust.beacon_chains
    out: dict[str, OfficeStatus] = {}
    for code, body in sorted(state.registry.offices.items()):
        if office is None or code == office:
            out[code] = OfficeStatus(code, body.get("name_zh", ""))
    for t in ws.tasks.values():
        for o in t.offices:
            st = out.get(o)
            if st is None:
                continue
            st.tasks.append(t.id)
            n = t.selection.open_count(o) if len(t.selection) or t.embargoed else 0
            if n:
                st.open.append(OpenTask(t.id, n, due_date(t.window_to, A.RESULT_DAYS, ws.calendar),
                                        t.selection.open_targets(o, limit=3)))
    for cid, (task, lead, rnd, chain) in state.commit_rounds.items():
        st = out.get(lead)
        if st is None or cid in state.locked_commits:
            continue
        info = chains.get(chain)
        when = datetime.fromtimestamp(info.round_time(rnd), CST) if info else None
        d = Draw(task, cid, rnd, when)
        (st.lock_due if when is not None and when.timestamp() <= now else st.waiting).append(d)
    for ov in state.rule.overdue:
        if ov.office in out and ov.due is not None:
            out[ov.office].overdue += ov.count
    return list(out.values())


def render(statuses: list[OfficeStatus], now: int) -> str:
    today = datetime.fromtimestamp(now, CST)
    lines = [f"截至北京时间 {today:%Y-%m-%d %H:%M} / as of {today:%Y-%m-%d %H:%M} Beijing time"]
    for s in statuses:
        lines.append("")
        lines.append(f"{s.office}（{s.name}）")
        lines.append(f"  抽查任务 / tasks: {len(s.tasks)}" + (f"（{', '.join(s.tasks[:8])}{' …' if len(s.tasks) > 8 else ''}）" if s.tasks else ""))
        for d in s.waiting:
            lines.append(f"  等待信标轮次 / waiting for beacon: {d.task} 第 {d.round} 轮，约 {d.due:%Y-%m-%d %H:%M} 可锁定"
                         if d.due else f"  等待信标轮次 / waiting: {d.task} round {d.round}")
        for d in s.lock_due:
            lines.append(f"  可以锁定 / lock due: {d.task}（第 {d.round} 轮已产生）→ publisher draw lock {d.task}")
        for o in s.open:
            due = o.due.isoformat() if o.due else "未知（日历缺少该年）/ unknown"
            lines.append(f"  待公示结果 / targets without results: {o.task} {o.open} 个，截止 {due}；例如 {', '.join(o.examples)}")
        if s.overdue:
            lines.append(f"  已逾期 / overdue: {s.overdue} 个检查对象（超过 20 个工作日未公示，004 第二十条）")
        if not (s.waiting or s.lock_due or s.open or s.overdue):
            lines.append("  没有待办事项 / nothing to do")
    return "\n".join(lines)
