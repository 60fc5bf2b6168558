"""Which record pages a push can have changed, from the rows its new entries put in the read-model.

Why: an incremental build that recomputes every page's data to learn that most did not change
spends most of its time on those queries (tens of thousands of company pages for a push of fifty
results). The entries a push adds name what they touch: a result names its task, company and
office; a lock its task and the companies it drew; a correction the result it replaces. A page
outside that set is kept without being queried: its file, the site-wide facts it read (checked
as before) and its data are the previous build's.

The set is deliberately coarse and errs towards rendering: any entry type whose effect reaches
beyond the records it names (a directory snapshot, an item list, a key, a calendar, a type this
module does not know) gives no set at all, and every page is computed as before. State that
changes without a new entry (a commitment's status as beacon rounds arrive, a list opened by the
timelock) is compared with the previous build's digest of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

# Entry types whose whole effect on the read-model is rows naming their task, company and office
# (a notice: a row only the home page reads, computed every build).
LOCAL_TYPES = frozenset({"result", "result.correct", "result.withhold", "noncooperation", "task", "notice",
                         "draw.commit", "draw.lock", "draw.reveal", "draw.accept", "team.replace"})
MEMORY = "dirty"  # what the manifest remembers for the next build (Manifest.remember)


@dataclass
class Dirty:
    """Record keys whose pages must be computed; every other record page may be kept."""

    since: int  # log size of the previous build
    tasks: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    offices: set[str] = field(default_factory=set)

    def task(self, task_id: Any) -> bool:
        return task_id in self.tasks

    def target(self, target_id: Any) -> bool:
        return target_id in self.targets

    def office(self, code: Any) -> bool:
        return code in self.offices


def _state(ix: Any) -> dict[str, Any]:
    """Per task, a digest of its commitments' summaries (status, lock, reveal... judged by the
    draw rule, which can change with time alone); one digest of the timelock-opened lists."""
    by_task: dict[str, Any] = {}
    for row in ix.it("SELECT * FROM commits ORDER BY task_id, idx"):
        by_task.setdefault(str(row["task_id"]), []).append(list(row))
    h = hashlib.sha256()
    for row in ix.it("SELECT commit_id, body FROM opened ORDER BY commit_id"):
        h.update(json.dumps(list(row)).encode() + b"\n")
    return {"commits": {k: hashlib.sha256(json.dumps(v).encode()).hexdigest()[:32] for k, v in by_task.items()},
            "opened": h.hexdigest()}


def compute(ix: Any, manifest: Any, inputs: Any = None) -> Dirty | None:
    """The dirty set of this build, or None when every page must be computed (no usable
    previous build, or the push holds an entry whose effect this module does not bound).
    Remembers this build's time-dependent state for the next build either way; ``inputs``:
    plain data every record page may depend on beyond the ledger's entries (trust.json)."""
    if manifest is None:
        return None
    state = _state(ix)
    state["inputs"] = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=repr).encode()).hexdigest()
    manifest.remember(MEMORY, state)
    old, prev = manifest.recall(MEMORY), getattr(manifest, "old_log", None)
    if not isinstance(old, dict) or not isinstance(prev, list) or len(prev) != 3:  # storage.log_prefix mark
        return None
    since = int(prev[0])
    types = {row[0] for row in ix.it("SELECT DISTINCT type FROM entries WHERE idx>=?", since)}
    if not types <= LOCAL_TYPES or old.get("opened") != state["opened"] or old.get("inputs") != state["inputs"]:
        return None
    d = Dirty(since)
    for table in ("results", "noncoop", "selected", "teams"):
        for row in ix.it(f"SELECT DISTINCT task_id, target_id FROM {table} WHERE idx>=?", since):
            d.tasks.add(row[0])
            d.targets.add(row[1])
    for row in ix.it("SELECT task_id, target_id, office FROM results WHERE superseded_by>=?", since):
        d.tasks.add(row[0])  # a correction or withholding replaced this result
        d.targets.add(row[1])
        d.offices.add(row[2])
    for row in ix.it("SELECT DISTINCT task_id FROM draws WHERE idx>=?", since):
        d.tasks.add(row[0])
    new_tasks = set()
    for row in ix.it("SELECT task_id, office, partners FROM tasks WHERE idx>=?", since):
        new_tasks.add(row[0])
        d.offices.add(row[1])
        d.offices.update(json.loads(row[2] or "[]"))
    d.tasks |= new_tasks
    for row in ix.it("SELECT DISTINCT office FROM entries WHERE idx>=?", since):
        d.offices.add(row[0])
    was = old.get("commits") or {}
    for task, h in state["commits"].items():
        if was.get(task) != h:
            d.tasks.add(task)
    d.tasks |= set(was) - set(state["commits"])
    # A company's page shows the names of its tasks; a task's page the names of its companies,
    # which a result or non-cooperation report may give (the names table): both ways.
    for tid in new_tasks:
        for table in ("selected", "results", "noncoop"):
            d.targets.update(r[0] for r in ix.it(f"SELECT DISTINCT target_id FROM {table} WHERE task_id=?", tid))
    named = list(d.targets)
    for i in range(0, len(named), 500):
        part = named[i:i + 500]
        marks = ",".join("?" * len(part))
        for table in ("selected", "results", "noncoop"):
            d.tasks.update(r[0] for r in ix.it(f"SELECT DISTINCT task_id FROM {table} WHERE target_id IN ({marks})", *part))
    d.tasks.discard(None)
    d.targets.discard(None)
    d.offices.discard(None)
    return d
