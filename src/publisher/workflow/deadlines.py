"""`publisher report deadlines`: late and overdue results (R61, R64, 004 第二十条).

Streams the ledger through the workflow rule; late or undecidable publications arrive through
the rule's sink (only those are kept), overdue targets come from its end-of-log check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from publisher.workflow.rules.state import Overdue, ResultFact

from ..storage.ledger_dir import LedgerDir
from .ledger_state import LedgerState


@dataclass
class DeadlineReport:
    late: list[ResultFact] = field(default_factory=list)
    unknown: list[ResultFact] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    stats: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def fact(f: ResultFact) -> dict[str, Any]:
            return {"entry": f.entry_id, "type": f.type, "office": f.office, "task": f.task,
                    "target": f.target, "event": _d(f.event), "published": _d(f.published),
                    "deadline": _d(f.deadline), "late_days": f.late_days, "status": f.status}

        return {"late": [fact(f) for f in self.late], "unknown": [fact(f) for f in self.unknown],
                "overdue": [{"task": o.task, "office": o.office, "due": _d(o.due), "count": o.count,
                             "targets": list(o.targets)} for o in self.overdue],
                "stats": [{"office": o, "year": y, **c} for (o, y), c in sorted(self.stats.items())]}


def _d(d: date | None) -> str | None:
    return d.isoformat() if d else None


def deadline_report(ledger: LedgerDir, *, now: int | None = None, office: str | None = None) -> DeadlineReport:
    rep = DeadlineReport()

    def sink(f: ResultFact) -> None:
        if office and f.office != office:
            return
        if f.status == "late":
            rep.late.append(f)
        elif f.status == "unknown":
            rep.unknown.append(f)

    state = LedgerState(ledger, sink=sink).replay()
    state.finish(now if now is not None else None)
    rep.overdue = [o for o in state.rule.overdue if not office or o.office == office]
    rep.stats = {k: dict(v) for k, v in state.rule.stats.items() if not office or k[0] == office}
    return rep
