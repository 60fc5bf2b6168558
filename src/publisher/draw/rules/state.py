"""What the draw rule remembers while the log streams (bounded by tasks, never by targets).

``DrawBook`` is shared by the checks: commitments and their portal summaries, the bodies of
commitments, every verified beacon round (a round published once gives the outcome of every
commitment to it), confirmed snapshots per office, the yearly cap, and small caches.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from publisher.core.rules.base import Context
from publisher.directory.parsed import ParsedSnapshots
from publisher.directory.records import Inspector, Target
from publisher.directory.snapshot import iter_snapshot
from publisher.draw.cap import CapTable
from publisher.draw.errors import DrawError
from publisher.draw.lock import DrawResult, compute_result, embargo_secrets
from publisher.draw.outcomes import KnownOutcomes, outcome_key

ABANDON_AFTER = 7 * 86400  # s after the beacon round (or the embargo's end) before a warning


def _blob_size(f: Any) -> int:
    try:
        return os.fstat(f.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return 2**62  # unknown: stream


@dataclass
class CommitSummary:
    """What the portal shows about one commitment (no full target lists)."""

    id: str
    task: str
    office: str
    time: str
    index: int
    file: str
    chain_hash: str
    round: int
    round_time: int | None
    embargo_until: str | None
    valid: bool = True
    supersedes: str | None = None
    superseded_by: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    approver: dict[str, str] | None = None
    lock: str | None = None
    lock_time: str | None = None
    lock_file: str = ""  # the lock entry's file: where problems found at the end about the lock are reported
    lock_valid: bool = False
    reveal: str | None = None
    reveal_time: str | None = None
    selected: int | None = None  # number of targets, once public
    replacements: int = 0
    replaced: list[dict[str, Any]] = field(default_factory=list)  # team.replace summaries
    void: str | None = None  # why the draw is void (not public before its round), else None
    outcome: list[str] | None = None  # selected ids computed for a draw never locked
    opened: bool = False  # embargoed: the escrows opened at the reveal round and the lock binds their list
    population: int = 0
    accepted: dict[str, str] = field(default_factory=dict)  # partner office -> accept entry id
    removed_before: list[str] = field(default_factory=list)  # ids removed from the directory shortly before
    removed_count: int = 0

    @property
    def status(self) -> str:
        """invalid | void | abandoned (superseded) | abandoned | revealed | embargoed | locked | committed."""
        if not self.valid:
            return "invalid"
        if self.void:
            return "void"
        if self.superseded_by:
            return "abandoned (superseded)"
        if self.reveal or self.opened:
            return "revealed"
        if self.lock:
            return "embargoed" if self.embargo_until else "locked"
        if self.outcome is not None:
            return "abandoned"
        return "committed"


@dataclass
class DrawState:
    """All commitments of one task, oldest first; the last one is current."""

    task: str
    commits: list[CommitSummary] = field(default_factory=list)

    @property
    def current(self) -> CommitSummary:
        return self.commits[-1]

    @property
    def status(self) -> str:
        return self.current.status


@dataclass
class Private:
    body: dict[str, Any]
    randomness: bytes | None = None
    secrets: list[bytes] | None = None
    seed: bytes | None = None
    result_hash: str | None = None
    lock_body: dict[str, Any] | None = None  # embargoed locks only (checked again at the reveal round)
    opened: Any = None  # embargoed: the DrawResult recomputed from the escrows alone
    replacements: list[tuple[str, str, str]] = field(default_factory=list)
    accept_index: dict[str, int] = field(default_factory=dict)  # partner office -> log index
    sealed_result: Any = None  # sealed draws: the public result checked at the lock (docs/spec/65-sealed.md)


@dataclass
class Snapshot:
    """A confirmed directory snapshot: who confirmed it, where in the log."""

    office: str
    kind: str
    blob: str
    index: int
    time: str
    entry_id: str


class DrawBook:
    def __init__(self) -> None:
        self.tasks: dict[str, DrawState] = {}
        self.commits: dict[str, CommitSummary] = {}
        self.private: dict[str, Private] = {}
        self.cap = CapTable()
        self.beacons: dict[tuple[str, int], bytes] = {}  # (chain, round) -> verified randomness
        self.signed: dict[tuple[str, int], Any] = {}  # (chain, round) -> verified Beacon (for tlock)
        self.snapshots: dict[str, list[Snapshot]] = {}  # office -> its confirmed snapshots, log order
        self.snapshot_entries: dict[str, Snapshot] = {}  # entry id -> snapshot
        self.pending_cap: dict[str, tuple[str, int, set[str]]] = {}  # task -> (commit, year, ids)
        self.twins: dict[str, list[dict[str, Any]]] = {}  # office -> flagged twin groups
        self.validated: set[str] = set()
        self.teams_cache: tuple[str, dict[str, list[str]], Any] | None = None
        self.parsed = ParsedSnapshots()  # shared with the workflow rule by ruleset.default_rules
        self.ids_cache: dict[str, frozenset[str]] = {}
        self.sealed: Any = None  # the draw.sealed check (rules/sealed.py), set by DrawRule
        self.known: KnownOutcomes | None = None  # outcomes this process computed (draw/outcomes.py)

    @contextmanager
    def records(self, ctx: Context, digest: str, kind: type) -> Iterator[Iterator[Any]]:
        """Stream a snapshot blob; value rules are applied the first time a digest is read.

        Snapshots up to the memo's budget are parsed once and kept (least recently used out,
        shared with the workflow rule: directory/parsed.py); larger ones always stream, so
        memory never grows with a province's directory."""
        if not ctx.blobs.has_blob(digest):
            raise DrawError(f"账本中没有这份名录快照文件 / snapshot blob {digest[:16]}… is not in the ledger (ledger/blobs)")
        kept = self.parsed.get(digest, kind)
        if kept is not None:
            yield iter(kept)
            return
        validate = digest not in self.validated
        with ctx.blobs.open_blob(digest) as f:
            # a blob source may offer a local validated-snapshot index (the verify cache does)
            read = getattr(ctx.blobs, "snapshot_records", None) or (lambda f, d, k, **kw: iter_snapshot(f, k, **kw))
            records = read(f, digest, kind, validate=validate, name=f"blobs/{digest[:16]}…")
            size = _blob_size(f)
            if self.parsed.fits(size):
                records = list(records)
                self.parsed.put(digest, kind, size, records)
                records = iter(records)
            yield records
        self.validated.add(digest)

    def target_ids(self, ctx: Context, digest: str) -> frozenset[str]:
        """The ids of a target snapshot (kept for the few snapshots a draw compares)."""
        got = self.ids_cache.get(digest)
        if got is None:
            with self.records(ctx, digest, Target) as it:
                got = frozenset(t.id for t in it)
            if len(self.ids_cache) > 4:
                self.ids_cache.clear()
            self.ids_cache[digest] = got
        return got

    def inspectors(self, ctx: Context, body: dict[str, Any]) -> list[Any]:
        with self.records(ctx, body["teams"]["inspectors"], Inspector) as it:
            return list(it)

    def recompute(self, ctx: Context, commit_id: str, body: dict[str, Any], randomness: bytes,
                  secrets: list[bytes] | None = None) -> DrawResult:
        if "sealed" in body["population"]:
            got = self.private[commit_id].sealed_result if commit_id in self.private else None
            if got is None:
                raise DrawError("封存分层的抽取没有开启数据就无法计算结果 / a sealed draw's outcome cannot be computed without its openings")
            return got
        if self.known is not None:
            got = self.known.recall(outcome_key(commit_id, body, randomness, embargo_secrets(body, secrets or [])))
            if got is not None:
                return got
        inspectors = self.inspectors(ctx, body)
        with self.records(ctx, body["population"]["snapshot"], Target) as targets:
            return compute_result(commit_id, body, randomness, secrets or [], targets, inspectors)
