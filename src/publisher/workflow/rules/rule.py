"""The office workflow rule: item lists, plans, tasks, results, corrections and deadlines.

``WorkflowRule`` composes one small check object per rule concept (``rules/workflow/*``) over
a shared bounded state, dispatching each entry by type. It is used twice: by
``publisher verify`` (every entry in log order) and by ``publisher add`` (the ledger replayed,
then the new entries), so an office can never append what the verifier would refuse.

Read-only summaries for the portal (after ``finish``):
  ``stats``     {(office, year): Counter} — e.g. ``result:on_time``, ``result:late``,
                ``result:unknown``, ``result.withhold:none``, ``result.correct:on_time``,
                ``late_days``, ``noncooperation``
  ``overdue``   [Overdue(task, office, due, count, targets)] (R64)
  ``coverage``  {(office, year): Coverage(office, year, missing_items, joint)} (R22)
  ``tasks`` / ``item_lists`` / ``plans``: the current task, list and plan facts
Per-result verdicts (lateness of every result) go to ``sink`` as ``ResultFact`` while the log
streams, so memory never grows with the number of results.
"""

from __future__ import annotations

from collections.abc import Iterable

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.directory.parsed import ParsedSnapshots
from publisher.workflow.rules.base import Check
from publisher.workflow.rules.calendar_entry import CalendarCheck
from publisher.workflow.rules.corrections import CorrectionCheck
from publisher.workflow.rules.coverage import CoverageCheck
from publisher.workflow.rules.draws import DrawObserver
from publisher.workflow.rules.items import ItemListCheck
from publisher.workflow.rules.noncooperation import NoncooperationCheck
from publisher.workflow.rules.overdue import OverdueCheck
from publisher.workflow.rules.plans import PlanCheck
from publisher.workflow.rules.results import ResultCheck
from publisher.workflow.rules.snapshots import SnapshotCheck
from publisher.workflow.rules.state import Sink, WorkflowState
from publisher.workflow.rules.tasks import TaskCheck
from publisher.workflow.rules.withhold import WithholdCheck


class WorkflowRule:
    name = "workflow"

    def __init__(self, sink: Sink | None = None, check_blobs: bool = True, parsed: ParsedSnapshots | None = None):
        self.state = WorkflowState(sink=sink)
        self._coverage = CoverageCheck()
        self._overdue = OverdueCheck()
        self.checks: list[Check] = [
            SnapshotCheck(check_blobs), ItemListCheck(), PlanCheck(), TaskCheck(), DrawObserver(parsed),
            ResultCheck(), CorrectionCheck(), WithholdCheck(), NoncooperationCheck(),
            self._coverage, self._overdue, CalendarCheck(),
        ]
        self._by_type: dict[str, list[Check]] = {}
        for c in self.checks:
            for t in c.types:
                self._by_type.setdefault(t, []).append(c)

    def check(self, entry: Entry, ctx: Context) -> Iterable[Problem]:
        if entry.type == "office.register":
            self.state.offices.add(entry.body["office"])
            return []
        out: list[Problem] = []
        for c in self._by_type.get(entry.type, ()):
            try:
                out.extend(c.check(entry, ctx, self.state))
            except Exception as exc:  # a bug must not stop the verifier nor pass the entry silently
                out.append(Problem("workflow.internal", f"核验程序内部错误，未能检查此记录 / "
                                   f"{type(c).__name__} could not check this entry: "
                                   f"{type(exc).__name__}: {exc}"))
        return out

    def finish(self, ctx: Context) -> Iterable[Problem]:
        out: list[Problem] = []
        for c in self.checks:
            out.extend(c.finish(ctx, self.state))
        return out

    # -- read-only summaries -------------------------------------------------------------

    @property
    def sink(self) -> Sink | None:
        return self.state.sink

    @sink.setter
    def sink(self, fn: Sink | None) -> None:
        self.state.sink = fn

    @property
    def stats(self):
        return self.state.stats

    @property
    def overdue(self):
        return self._overdue.overdue

    @property
    def coverage(self):
        return self._coverage.coverage

    @property
    def tasks(self):
        return self.state.tasks

    @property
    def item_lists(self):
        return self.state.item_lists

    @property
    def plans(self):
        return self.state.plans
