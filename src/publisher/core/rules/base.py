"""The shape shared by every verification rule.

A rule is a small object fed each entry in log order. It keeps whatever state it needs
(bounded by the number of offices, keys, tasks — never by the number of entries) and
returns problems. Rules never read files themselves: anything outside the entry comes
through :class:`Context` (blobs, checkpoints, trust), so the core stays free of IO and
tests can pass in-memory fakes of the small interfaces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from ..entry import Entry


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with enough context for a clerk or auditor to find it."""

    rule: str
    message: str
    file: str = ""
    entry_id: str = ""
    article: str = ""  # regulation article, e.g. "001 第十二条", when one applies
    severity: str = "error"  # "error" fails verification; "warning" is reported only

    def line(self) -> str:
        where = self.file or "-"
        eid = f" [{self.entry_id[:16]}]" if self.entry_id else ""
        art = f" ({self.article})" if self.article else ""
        return f"{self.severity.upper()} {where}{eid}: {self.rule}: {self.message}{art}"


class BlobSource(Protocol):
    """Content-addressed blobs (directory snapshots)."""

    def open_blob(self, digest: str) -> IO[bytes]: ...

    def has_blob(self, digest: str) -> bool: ...


@dataclass
class Context:
    """What rules may know besides the entry itself."""

    trust: object  # publisher.core.trust.Trust
    blobs: BlobSource
    # (size, proof time) of every valid checkpoint, ascending by size. The proof time is the
    # witnessed time (k-th earliest quorum cosignature, spec §3.8), or None below quorum; only a
    # portal that names no witnesses uses the operator's own time line.
    checkpoints: list[tuple[int, int | None]] = field(default_factory=list)
    index: int = 0  # log index (0-based) of the entry being checked
    file: str = ""  # path of the entry file, for messages
    now: int | None = None  # unix time the verification is about (None = time of last entry)
    last_time: int = 0  # unix time of the latest entry seen so far
    # (chain hash, round) -> a recorded beacon (publisher.beacon.Beacon) or None: rounds published
    # outside the log (ledger/beacons/, spec §5A.4), e.g. an embargo's reveal round. Unverified here.
    beacon_source: Callable[[str, int], Any] | None = None
    _earliest: list[tuple[int, int | None]] | None = field(default=None, repr=False, compare=False)

    def accepted_at(self, index: int) -> int | None:
        """Earliest time by which log index ``index`` is proven public, or None if nothing proves it.

        Any checkpoint that contains the entry (size > index) and carries a proof time proves
        the entry existed then; the earliest such time counts. With witnesses, an operator who
        back-dates a checkpoint's own time line gains nothing: only witness times count."""
        if self._earliest is None or len(self._earliest) != len(self.checkpoints):
            best: int | None = None
            earliest = []
            for size, t in reversed(self.checkpoints):
                if t is not None and (best is None or t < best):
                    best = t
                earliest.append((size, best))
            self._earliest = earliest[::-1]
        for size, t in self._earliest:
            if size > index:
                return t
        return None


class Rule(Protocol):
    name: str

    def check(self, entry: Entry, ctx: Context) -> Iterable[Problem]: ...

    def finish(self, ctx: Context) -> Iterable[Problem]: ...
