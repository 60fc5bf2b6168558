"""What the workflow rules remember while the log streams by.

Everything here is bounded by offices, item codes, plans and tasks — never by the number of
results: per-result facts live only in each task's compact :class:`Selection` (16 bytes per
locked target for a one-office task) and in small counters; per-result details go to an
optional sink the caller provides (the portal), not into memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from publisher.workdays import BUILTIN, Calendar
from publisher.workflow.rules.selection import Selection


@dataclass(frozen=True)
class ItemInfo:
    name: str
    kind: str  # key | general
    cap: Fraction | None  # general items only
    joint: bool


@dataclass
class ItemList:
    office: str
    version: int
    entry_id: str
    items: dict[str, ItemInfo]


@dataclass
class PlanTask:
    no: str
    lead: str
    partners: tuple[str, ...]
    items: frozenset[str]


@dataclass
class PlanInfo:
    office: str
    year: int
    version: int
    entry_id: str
    tasks: dict[str, PlanTask]
    list_codes: frozenset[str]  # the office's item list when the plan was published


@dataclass
class TaskInfo:
    id: str
    lead: str
    entry_id: str
    year: int
    window_from: date
    window_to: date
    items: dict[str, frozenset[str]]  # office -> its item codes for this task (lead first)
    cap: Fraction | None  # the smallest ratio cap of the task's general items
    cap_items: tuple[str, ...]  # the general items that set ``cap``
    selection: Selection
    method: str = "on_site"
    locked: date | None = None  # date of the first lock
    commits: dict[str, int] = field(default_factory=dict)  # commit id -> Σk
    embargoed: set[str] = field(default_factory=set)  # commit ids locked but not revealed
    # target key -> its current team (leader first) as 4-byte indices into ``inspectors``;
    # about 50 bytes per locked target, so results can be checked against the drawn team
    teams: dict[int, bytes] = field(default_factory=dict)
    inspectors: dict[str, int] = field(default_factory=dict)
    snapshots: list[str] = field(default_factory=list)  # target snapshots its locks drew from

    def set_team(self, target_key: int, members: list[str]) -> None:
        idx = [self.inspectors.setdefault(m, len(self.inspectors)) for m in members]
        self.teams[target_key] = b"".join(i.to_bytes(4, "big") for i in idx)

    def team(self, target_key: int) -> list[str] | None:
        raw = self.teams.get(target_key)
        if raw is None:
            return None
        names = list(self.inspectors)
        return [names[int.from_bytes(raw[j:j + 4], "big")] for j in range(0, len(raw), 4)]

    @property
    def offices(self) -> tuple[str, ...]:
        return tuple(self.items)


@dataclass(frozen=True)
class ResultFact:
    """One publication judged against its deadline; handed to the sink, never stored."""

    entry_id: str
    type: str  # result | result.correct | result.withhold
    office: str
    task: str
    target: str
    event: date | None  # completion (result), approval (correction), completion if given (withhold)
    published: date
    status: str  # on_time | late | unknown | none (no event date to judge)
    deadline: date | None
    late_days: int | None
    corrects: str | None = None


@dataclass(frozen=True)
class Coverage:
    """R22 for one office and year: item codes its plans leave out, and joint participation."""

    office: str
    year: int
    missing_items: tuple[str, ...]
    joint: bool


@dataclass(frozen=True)
class Overdue:
    """R64: locked targets of a task still without a publication by an office after the deadline."""

    task: str
    office: str
    due: date | None  # None: the calendar cannot tell (status unknown)
    count: int
    targets: tuple[str, ...]  # the first few readable ids (embargoed ones are not known)


Sink = Callable[[ResultFact], None]


@dataclass
class WorkflowState:
    offices: set[str] = field(default_factory=set)
    item_lists: dict[str, ItemList] = field(default_factory=dict)
    plans: dict[tuple[str, int], PlanInfo] = field(default_factory=dict)
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    commits: dict[str, str] = field(default_factory=dict)  # draw.commit id -> task id
    commit_snapshots: dict[str, str] = field(default_factory=dict)  # draw.commit id -> target snapshot
    joint: set[tuple[str, int]] = field(default_factory=set)  # (office, year) in a joint task
    stats: dict[tuple[str, int], Counter] = field(default_factory=dict)
    snapshots: dict[str, tuple[str, int]] = field(default_factory=dict)  # blob -> (kind, count) checked
    sink: Sink | None = None
    calendar: Calendar = BUILTIN  # built-in years + the ledger's calendar entries so far

    def count(self, office: str, year: int, what: str, n: int = 1) -> None:
        self.stats.setdefault((office, year), Counter())[what] += n

    def emit(self, fact: ResultFact) -> None:
        if self.sink is not None:
            self.sink(fact)
