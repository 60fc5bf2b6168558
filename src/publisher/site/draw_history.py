"""What the task and office pages show about a draw's history (draw protocol v2).

Read-only views over the verified ``DrawRule`` state (``rules/draw``): every commitment of a task
with its status, the reason code and approver of a re-draw, the outcome computed for a
superseded or abandoned commitment, companies removed from the directory shortly before the
draw, cap exclusions with the draws that caused them, and zero-draw opt-outs; per office, the
flagged twin commitments. Templates call ``draw_history.task(task_id)`` and
``draw_history.office(code)`` (installed in the common page context by the plugin).
"""

from __future__ import annotations

from typing import Any

REDRAW = {
    "beacon_unavailable": ("信标轮次未能产生或无法验证", "the beacon round was not produced or cannot be verified"),
    "population_error": ("抽查对象名录有误，已重新确认名录", "the population was wrong; the directory was confirmed again"),
    "superior_order": ("上级机关决定重新抽取", "a superior office ordered a new draw"),
    "void_draw": ("原抽取无效", "the superseded draw was void"),
    "correction": ("信标轮次之前更正承诺", "corrected before the beacon round existed"),
}
STATUS = {
    "committed": ("已承诺，等待信标", "committed, waiting for the beacon"),
    "locked": ("已锁定", "locked"),
    "embargoed": ("已锁定（保密期内）", "locked (under embargo)"),
    "revealed": ("已公布", "revealed"),
    "abandoned (superseded)": ("已被新承诺取代", "superseded by a new commitment"),
    "abandoned": ("已放弃（从未锁定）", "abandoned (never locked)"),
    "void": ("无效：承诺未在信标轮次之前公开", "VOID: not public before its beacon round"),
    "invalid": ("未通过核验", "failed verification"),
}


MEMORY = "draw-history"  # the office snapshot comparisons, remembered between builds (incremental.py)


def keep_shown(rule: Any) -> None:
    """Cut each commitment's body in the verified draw ``rule`` down to what :meth:`DrawHistory.task`
    shows: the cap exclusions (company and counted draws), the zero-draw strata, the directory's
    source and the re-draw's reason. Called once verification is over (site.load): at a province
    the bodies, mostly cap-exclusion lists, were about 1 GB of the build's memory. An exclusion
    repeated across commitments (same company, same counted draws) is kept once."""
    shared: dict[Any, Any] = {}
    for priv in rule.book.private.values():
        priv.body = _shown(priv.body, shared)


def _shown(body: dict[str, Any], shared: dict[Any, Any]) -> dict[str, Any]:
    pop = body.get("population") or {}
    caps = []
    for e in pop.get("exclusions", []):
        if e["reason"] == "cap":
            draws = tuple(e.get("draws", []))
            key = (e["id"], draws)
            x = shared.get(key)
            if x is None:
                x = shared[key] = {"id": e["id"], "reason": "cap", "draws": shared.setdefault(draws, draws)}
            caps.append(x)
    return {"population": {"exclusions": caps, "source": pop.get("source")},
            "strata": [{"name": s["name"], "zero_ok": s["zero_ok"]} for s in body.get("strata", []) if s.get("zero_ok")],
            **{k: body[k] for k in ("reason_code", "reason", "approver", "document") if k in body}}


class DrawHistory:
    def __init__(self, report: Any, ledger: Any = None, memory: Any = None):
        self.rule = report.rule("draw") if report is not None else None
        self.ledger = ledger  # LedgerDir, for the snapshot comparisons of the office page
        self.memory = memory  # site.incremental.Manifest: the comparisons of the previous build
        self._changes: dict[str, list[dict[str, Any]]] = {}

    def task(self, task_id: str) -> list[dict[str, Any]]:
        """Every commitment of ``task_id``, oldest first (empty without a draw rule or commitment)."""
        if self.rule is None or task_id not in self.rule.tasks:
            return []
        book = self.rule.book
        out = []
        commits = self.rule.tasks[task_id].commits
        for n, c in enumerate(commits, 1):
            body = book.private[c.id].body
            nxt = commits[n] if n < len(commits) else None
            nb = book.private[nxt.id].body if nxt else {}
            out.append({
                "n": n, "id": c.id, "time": c.time, "round": c.round, "status": c.status,
                "status_label": STATUS.get(c.status, (c.status, c.status)), "void": c.void, "current": nxt is None,
                "superseded_by": nb and {"reason_code": nb.get("reason_code"), "reason": nb.get("reason"),
                                         "label": REDRAW.get(nb.get("reason_code") or "", ("", "")),
                                         "approver": nb.get("approver"), "document": nb.get("document")},
                "outcome": c.outcome, "selected": c.selected,
                "removed_before": c.removed_before, "removed_count": c.removed_count,
                "cap": [{"id": e["id"], "tasks": [book.commits[d].task if d in book.commits else d[:16]
                                                  for d in e.get("draws", [])]}
                        for e in body["population"].get("exclusions", []) if e["reason"] == "cap"],
                "zero_ok": [(s["name"], s["zero_ok"]) for s in body["strata"] if s.get("zero_ok")],
                "source": body["population"].get("source"),
                "accepted": sorted(c.accepted), "replaced": c.replaced,
            })
        return out

    def office(self, code: str) -> list[dict[str, Any]]:
        """Flagged twin-commitment groups of an office (same snapshot, overlapping filters,
        rounds within two days, only some tasks locked)."""
        if self.rule is None:
            return []
        return list(self.rule.twins.get(code, []))

    def changes(self, code: str, show: int = 20) -> list[dict[str, Any]]:
        """What changed between the office's consecutive confirmed target snapshots: companies
        added and removed (counts, and the first ``show`` ids of each), newest first."""
        if self.rule is None or self.ledger is None:
            return []
        if code not in self._changes:
            snaps = [s for s in self.rule.book.snapshots.get(code, []) if s.kind == "targets"]
            key = [[s.time, s.blob, show] for s in snaps]  # snapshots are content-addressed blobs
            kept = ((self.memory.recall(MEMORY) or {}).get(code) if self.memory is not None else None)
            if isinstance(kept, list) and len(kept) == 2 and kept[0] == key:
                self._changes[code] = kept[1]
                self._remember(code, kept)
                return kept[1]
            out, prev, whole = [], None, True
            for s in snaps:
                ids = self._ids(s.blob)
                whole &= ids is not None
                if prev is not None and ids is not None and prev[1] is not None and s.blob != prev[0]:
                    added, removed = sorted(ids - prev[1]), sorted(prev[1] - ids)
                    out.append({"time": s.time, "blob": s.blob, "count": len(ids), "added": len(added),
                                "removed": len(removed), "added_ids": added[:show], "removed_ids": removed[:show]})
                prev = (s.blob, ids)
            self._changes[code] = out[::-1]
            if whole:  # every snapshot read: the same blobs give the same comparison next build
                self._remember(code, [key, self._changes[code]])
        return self._changes[code]

    def _remember(self, code: str, value: list) -> None:
        if self.memory is not None:
            self.memory.state.setdefault(MEMORY, {})[code] = value

    def _ids(self, blob: str) -> frozenset[str] | None:
        from ..directory.records import DirectoryError, Target
        from ..directory.snapshot import iter_snapshot

        try:
            with self.ledger.open_blob(blob) as f:
                return frozenset(t.id for t in iter_snapshot(f, Target, validate=False))
        except (OSError, DirectoryError, ValueError):
            return None
