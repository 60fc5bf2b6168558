"""Federate province portals: one checkpoint list per origin and one company lookup.

Why this shape: each province runs its own ledger and portal, signed by its own log key. A
national index must never let one province speak for another, so every checkpoint is opened
with the log key of the trust.json pinned for *that* portal, must carry that portal's origin,
and the portal's published log must reproduce the checkpoint's root (RFC 6962 over the first
``size`` ids); optionally the whole ledger is verified (incrementally, with this machine's
verification cache). Companies come from each province's newest target directory snapshot
inside its latest verified checkpoint, so a lookup answers "which province portal shows this
company" from signed, checkpointed data only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import merkle
from ..core.checkpoint import Checkpoint, open_checkpoint
from ..core.note import NoteError, Verifier
from ..directory.records import DirectoryError, Target
from ..directory.snapshot import iter_snapshot
from ..portal import load_trust
from ..storage.ledger_dir import LedgerDir, LedgerIOError

LOG_LINE = re.compile(r"^([a-z][a-z0-9-]{1,31})/([1-9][0-9]{0,9}) ([0-9a-f]{64})$")


@dataclass(frozen=True)
class Portal:
    """One province portal as the national index sees it.

    ``trust`` is the trust.json the national operator pinned for this portal (not the one the
    portal serves today); ``ledger`` a local mirror of the portal's published ``ledger/``."""

    name: str
    base_url: str
    ledger: Path
    trust: dict[str, Any]
    company_path: str = "company/{id}/"  # the portal's URL scheme (publisher.site.urls.company)


@dataclass(frozen=True)
class Problem:
    portal: str
    message: str
    file: str = ""

    def line(self) -> str:
        return f"ERROR {self.portal}: {self.file + ': ' if self.file else ''}{self.message}"


@dataclass
class ProvinceState:
    portal: Portal
    origin: str
    checkpoints: list[Checkpoint] = field(default_factory=list)
    consistent: bool = False  # the published log reproduces the latest checkpoint
    verified: bool | None = None  # the whole ledger verified (None: not asked)
    companies: int = 0


@dataclass
class FederationIndex:
    provinces: dict[str, ProvinceState] = field(default_factory=dict)  # origin -> state
    problems: list[Problem] = field(default_factory=list)
    by_id: dict[str, list[dict]] = field(default_factory=dict)
    by_name: dict[str, list[dict]] = field(default_factory=dict)  # normalised name -> hits

    def checkpoint_list(self) -> dict[str, list[dict]]:
        """The merged list: every origin's verified checkpoints, ascending by size."""
        return {o: [{"size": c.size, "root": c.root.hex(), "time": c.time} for c in s.checkpoints]
                for o, s in sorted(self.provinces.items())}

    def lookup(self, query: str, limit: int = 50) -> list[dict]:
        """Companies by USCC / id (exact) or by name (any part of it, width- and case-folded)."""
        q = query.strip()
        if q.upper() in self.by_id:
            return list(self.by_id[q.upper()])
        key = normalise(q)
        if not key:
            return []
        out = []
        for name, hits in self.by_name.items():
            if key in name:
                out.extend(hits)
                if len(out) >= limit:
                    break
        return sorted(out, key=lambda h: (h["name"], h["origin"]))[:limit]

    def to_json(self) -> dict:
        return {"checkpoints": self.checkpoint_list(),
                "provinces": {o: {"name": s.portal.name, "base_url": s.portal.base_url, "consistent": s.consistent,
                                  "verified": s.verified, "companies": s.companies}
                              for o, s in sorted(self.provinces.items())},
                "problems": [p.line() for p in self.problems]}

    def write(self, out: Path) -> None:
        """checkpoints.json and companies.json for a static national index site."""
        out.mkdir(parents=True, exist_ok=True)
        (out / "checkpoints.json").write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), "utf-8")
        rows = sorted((h for hits in self.by_id.values() for h in hits), key=lambda h: (h["id"], h["origin"]))
        (out / "companies.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")


def normalise(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def build(portals: list[Portal], *, verify_ledgers: bool = True, cache: Any = None) -> FederationIndex:
    index = FederationIndex()
    for portal in portals:
        state = _province(portal, index, verify_ledgers, cache)
        if state is None:
            continue
        if state.origin in index.provinces:
            index.problems.append(Problem(portal.name, f"origin {state.origin!r} is already served by "
                                          f"{index.provinces[state.origin].portal.name}"))
            continue
        index.provinces[state.origin] = state
        if state.consistent and state.verified is not False:
            _companies(state, index)
    return index


def _province(portal: Portal, index: FederationIndex, verify_ledgers: bool, cache: Any) -> ProvinceState | None:
    bad = lambda msg, file="": index.problems.append(Problem(portal.name, msg, file))  # noqa: E731
    try:
        trust = load_trust(portal.trust)
        note_verifier = Verifier.from_vkey(trust.log_vkey)
    except (ValueError, NoteError) as exc:
        bad(f"pinned trust.json unusable: {exc}")
        return None
    state = ProvinceState(portal, trust.origin)
    ledger = LedgerDir(portal.ledger)
    by_size: dict[int, Checkpoint] = {}
    for p in ledger.checkpoint_files():
        where = f"checkpoints/{p.name}"
        try:
            cp = open_checkpoint(p.read_text("utf-8"), note_verifier)
        except (NoteError, ValueError, OSError) as exc:
            bad(f"checkpoint refused (not signed by this province's log key?): {exc}", where)
            continue
        if cp.origin != trust.origin:
            bad(f"checkpoint origin {cp.origin!r} is not this province's {trust.origin!r}", where)
            continue
        if cp.size in by_size and by_size[cp.size].root != cp.root:
            bad(f"two checkpoints of size {cp.size} with different roots: the log was forked", where)
            continue
        by_size[cp.size] = cp
    state.checkpoints = [by_size[s] for s in sorted(by_size)]
    if not state.checkpoints:
        bad("no valid checkpoint")
        return state
    roots = _roots(ledger, sorted(by_size))
    wrong = [s for s in by_size if roots.get(s) != by_size[s].root]
    if wrong:
        bad(f"the published log does not reproduce the signed checkpoint(s) of size {sorted(wrong)}", "log")
    state.consistent = not wrong
    if verify_ledgers and state.consistent:
        from ..core.verifier import verify
        from ..ruleset import default_rules

        report = verify(ledger, trust, default_rules(), cache=cache)
        state.verified = report.ok
        for p in report.errors[:20]:
            bad(f"ledger does not verify: {p.line()}")
    return state


def _roots(ledger: LedgerDir, sizes: list[int]) -> dict[int, bytes]:
    want, out, tree = set(sizes), {}, merkle.TreeBuilder()
    if 0 in want:
        out[0] = tree.root()
    for _, text in ledger.iter_raw_log():
        if tree.size >= sizes[-1]:
            break
        m = LOG_LINE.match(text)
        if not m:
            break
        tree.append(merkle.leaf_hash(bytes.fromhex(m.group(3))))
        if tree.size in want:
            out[tree.size] = tree.root()
    return out


def _companies(state: ProvinceState, index: FederationIndex) -> None:
    """Index the newest target snapshot of each office within the latest checkpoint."""
    portal, ledger = state.portal, LedgerDir(state.portal.ledger)
    latest: dict[str, str] = {}
    size = state.checkpoints[-1].size
    try:
        for i, (line, entry) in enumerate(ledger.iter_entries()):
            if i >= size:
                break
            if entry.type == "directory.snapshot" and entry.body.get("kind") == "targets" and entry.id == line.entry_id:
                latest[entry.office] = entry.body["blob"]
    except (LedgerIOError, OSError, ValueError) as exc:
        index.problems.append(Problem(portal.name, f"ledger unreadable: {exc}"))
        return
    seen: set[str] = set()
    for office, blob in sorted(latest.items()):
        try:
            with ledger.open_blob(blob) as f:
                records = list(iter_snapshot(f, Target))
        except (DirectoryError, LedgerIOError, OSError) as exc:
            index.problems.append(Problem(portal.name, f"target snapshot {blob[:16]}… of {office}: {exc}"))
            continue
        for r in records:
            if r.id in seen:
                continue
            seen.add(r.id)
            hit = {"id": r.id, "name": r.name, "region": r.region, "origin": state.origin, "province": portal.name,
                   "url": portal.base_url.rstrip("/") + "/" + portal.company_path.format(id=r.id)}
            index.by_id.setdefault(r.id.upper(), []).append(hit)
            index.by_name.setdefault(normalise(r.name), []).append(hit)
    state.companies = len(seen)
