"""The current ledger state, learned by replaying the log through the verifier's own rule.

Why replay instead of a separate model: ``publisher add`` must refuse exactly what
``publisher verify`` would refuse, so new entries are checked by the same ``WorkflowRule``
after it has seen every existing entry. Existing entries are not re-verified here (no
signatures, no blobs — CI does that); an existing entry the rule cannot digest is skipped.
Cost is one pass over the log and entry files (memory as in the verifier).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from publisher.workflow.rules.rule import WorkflowRule
from publisher.workflow.rules.state import ResultFact, TaskInfo

from ..core.entry import Entry, parse_time
from ..core.registry import KeyRegistry
from ..core.rules.base import Context, Problem
from ..storage.ledger_dir import LedgerDir, LedgerIOError


@dataclass
class DrawFacts:
    """Public draw data of one task, kept only for the task a command asks about."""

    snapshot: str | None = None  # target snapshot blob of the latest commitment
    selected: list[str] = field(default_factory=list)  # in batch order
    teams: dict[str, list[str]] = field(default_factory=dict)  # target -> members (leader first)


class _Tree:
    """The log's Merkle root as the replay goes (the key its saved state is filed under)."""

    def __init__(self, ledger: LedgerDir, start: int):
        from ..core import merkle

        self._merkle, self.t = merkle, merkle.TreeBuilder()
        for _, line in zip(range(start), ledger.iter_log()):
            self.add(line.entry_id)

    def add(self, entry_id: str) -> None:
        self.t.append(self._merkle.leaf_hash(bytes.fromhex(entry_id)))

    @property
    def size(self) -> int:
        return self.t.size

    def root(self) -> bytes:
        return self.t.root()


class LedgerState:
    def __init__(self, ledger: LedgerDir, sink: Callable[[ResultFact], None] | None = None):
        self.ledger = ledger
        self.trust = ledger.trust()
        self.rule = WorkflowRule(sink=sink, check_blobs=False)
        self.registry = KeyRegistry(self.trust)
        self.heads: dict[str, tuple[int, str, str]] = {}  # office -> (seq, id, time)
        self.ctx = Context(trust=self.trust, blobs=ledger)
        self.snapshots: dict[str, str] = {}  # task -> target snapshot of its latest commitment
        self.draws: dict[str, DrawFacts] = {}
        self.team_entries: dict[str, list[tuple[str, int]]] = {}  # task -> its lock/reveal/replace entries
        self.commit_rounds: dict[str, tuple[str, str, int, str]] = {}  # commit -> (task, office, round, chain)
        self.locked_commits: set[str] = set()
        self.last_time = 0

    def replay(self, watch_tasks: Iterable[str] = (), cache: bool = False) -> LedgerState:
        """Replay the log; ``cache``: resume from (and save) this machine's replayed state of a
        prefix of this log (storage.verify_cache.PrefixStore), when nothing is watched or sunk."""
        from ..progress import progress

        with progress("读取账本 / reading the ledger", self.ledger.size()) as advance:
            return self._replay(set(watch_tasks), advance, cache)

    def _replay(self, watch: set[str], advance, cache: bool) -> LedgerState:
        store = None
        start = 0
        from ..storage.verify_cache import PrefixStore, VerifyCache

        if cache and not watch and self.rule.sink is None and VerifyCache.default() is not None:
            store = PrefixStore("ledger-state", self.ledger, self.trust)
            got = store.load({"ledger": self.ledger})
            if got is not None:
                start, saved = got
                self.__dict__.update(saved)
        self.resumed = start  # entries taken from the saved state
        advance(start)
        tree = _Tree(self.ledger, start) if store is not None else None
        for index, (line, entry) in enumerate(self._entries(start), start):
            advance(1)
            if tree is not None:
                tree.add(line.entry_id)
            self.ctx.index = index
            t = int(parse_time(entry.time).timestamp())
            self.last_time = max(self.last_time, t)
            self.ctx.last_time = self.last_time
            prev = self.heads.get(entry.office, (0, "", ""))
            self.heads[entry.office] = (entry.seq, entry.id, max(prev[2], entry.time))
            if entry.office == "operator":
                self.registry.apply(entry)
            try:
                list(self.rule.check(entry, self.ctx))
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                pass  # malformed existing entry: the verifier reports it, authoring goes on
            self._observe_draw(entry, watch)
        if store is not None and tree.size > start:
            store.save(tree.size, tree.root(), dict(vars(self)), {"ledger": self.ledger})
        return self

    def _entries(self, start: int = 0):
        from itertools import islice

        for line in islice(self.ledger.iter_log(), start, None):
            try:
                yield line, self.ledger.read_entry(line.office, line.seq)
            except (OSError, ValueError) as exc:
                raise LedgerIOError(f"{self.ledger.rel(self.ledger.entry_path(line.office, line.seq))}: "
                                    f"unreadable ({exc}); run `publisher verify`") from None

    def _observe_draw(self, entry: Entry, watch: set[str]) -> None:
        b = entry.body
        if entry.type in ("draw.lock", "draw.reveal", "team.replace") and isinstance(b, dict) \
                and isinstance(b.get("task"), str):
            self.team_entries.setdefault(b["task"], []).append((entry.office, entry.seq))
        if entry.type == "draw.commit" and isinstance(b, dict) and isinstance(b.get("beacon"), dict):
            bc = b["beacon"]
            if isinstance(bc.get("round"), int):
                self.commit_rounds[entry.id] = (str(b.get("task")), entry.office, bc["round"], str(bc.get("chain_hash")))
        if entry.type == "draw.lock" and isinstance(b, dict):
            self.locked_commits.add(str(b.get("commit")))
        if entry.type == "draw.commit" and isinstance(b, dict):
            snap = (b.get("population") or {}).get("snapshot")
            if isinstance(b.get("task"), str) and isinstance(snap, str):
                self.snapshots[b["task"]] = snap
        if entry.type in ("draw.lock", "draw.reveal") and b.get("task") in watch and "selected" in b:
            d = self.draws.setdefault(b["task"], DrawFacts())
            d.selected.extend(s["id"] for s in b["selected"])
            for t in b.get("teams", []):
                d.teams[t["target"]] = [t["leader"], *[m for m in t["members"] if m != t["leader"]]]
        if entry.type == "team.replace" and b.get("task") in watch:
            team = self.draws.setdefault(b["task"], DrawFacts()).teams.get(b.get("target"))
            if team and b.get("out") in team:
                team[team.index(b["out"])] = b.get("in")

    # -- facts the forms use -----------------------------------------------------------------

    def task(self, task_id: str) -> TaskInfo | None:
        return self.rule.state.tasks.get(task_id)

    def target_names(self, task_id: str, ids: Iterable[str]) -> dict[str, str]:
        """Names of targets from the snapshot the task's draw was made from (streamed once)."""
        want = set(ids)
        digest = self.snapshots.get(task_id)
        if not want or digest is None or not self.ledger.has_blob(digest):
            return {}
        from ..directory.records import DirectoryError, Target
        from ..directory.snapshot import iter_snapshot

        out: dict[str, str] = {}
        try:
            with self.ledger.open_blob(digest) as f:
                for rec in iter_snapshot(f, Target, validate=False):
                    if rec.id in want:
                        out[rec.id] = rec.name
        except (DirectoryError, OSError):
            return out
        return out

    def current_teams(self, task_id: str) -> dict[str, list[str]]:
        """target -> its team now (leader first, after every team.replace), read on demand."""
        teams: dict[str, list[str]] = {}
        for office, seq in self.team_entries.get(task_id, []):
            b = self.ledger.read_entry(office, seq).body
            for t in b.get("teams", []) if "selected" in b else []:
                teams[t["target"]] = [t["leader"], *[m for m in t["members"] if m != t["leader"]]]
            if "out" in b and b.get("target") in teams and b["out"] in teams[b["target"]]:
                team = teams[b["target"]]
                team[team.index(b["out"])] = b["in"]
        return teams

    def published(self, task_id: str, office: str, target: str) -> bool:
        """Whether ``office`` already has a result (or a section of one) for this target."""
        task = self.task(task_id)
        if task is None:
            return False
        i = task.selection.find(target)
        return i is not None and office in task.items and bool(task.selection.get(office, i))

    def latest_publication(self, office: str, task: str, target: str) -> str | None:
        """Id of ``office``'s latest result or correction for (task, target), by log order."""
        latest = None
        for line in self.ledger.iter_log():
            if line.office != office:
                continue
            e = self.ledger.read_entry(line.office, line.seq)
            b = e.body.get("corrected") if e.type == "result.correct" else e.body if e.type == "result" else None
            if isinstance(b, dict) and b.get("task") == task and b.get("target") == target:
                latest = e.id
        return latest

    def find_entry(self, entry_id: str) -> Entry | None:
        for line in self.ledger.iter_log():
            if line.entry_id == entry_id:
                return self.ledger.read_entry(line.office, line.seq)
        return None

    def check(self, entry: Entry) -> list[Problem]:
        """Problems the workflow rule finds with a new entry (and the state moves on)."""
        self.ctx.index += 1
        t = int(parse_time(entry.time).timestamp())
        self.last_time = max(self.last_time, t)
        self.ctx.last_time = self.last_time
        problems = list(self.rule.check(entry, self.ctx))
        prev = self.heads.get(entry.office, (0, "", ""))
        self.heads[entry.office] = (entry.seq, entry.id, max(prev[2], entry.time))
        return problems

    def head(self, office: str) -> tuple[int, str | None, str]:
        seq, eid, t = self.heads.get(office, (0, "", ""))
        return seq, (eid or None), t

    def finish(self, now: int | None = None) -> list[Problem]:
        self.ctx.now = now
        return list(self.rule.finish(self.ctx))
