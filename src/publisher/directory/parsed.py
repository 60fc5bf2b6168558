"""Parsed snapshot blobs, kept for a while and shared by the rules of one verification.

Why: a draw's target snapshot is read when the draw is committed and again when it is locked —
by the draw rule (to re-run the draw) and by the workflow rule (to learn the selected targets'
names). In a province the commitments of hundreds of other tasks, each over its own regional
snapshot, come between one task's commitment and its lock, so a one-slot cache re-parsed every
snapshot three times. A blob's parsed records are a pure function of its bytes (the key is the
blob's SHA-256), so one copy can serve every rule.

Bounded by the blobs' byte size (least recently used first out), so memory never grows with the
directory; never saved with the rules' state (it is rebuilt from the blobs after a resume). The
budget holds a province's regional snapshots (200 × 0.47 MB in bench_province): with 32 MB, a
least-recently-used memo over 200 regions drawn in random order hit one time in three.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

BUDGET_BYTES = 128 * 1024 * 1024  # blob bytes kept parsed (≈ 5× that in Python objects)


class ParsedSnapshots:
    """(blob digest, record type) -> the records of a fully read, valid snapshot."""

    def __init__(self, budget: int | None = None) -> None:
        self.budget = BUDGET_BYTES if budget is None else budget
        self._kept: OrderedDict[tuple[str, type], tuple[int, list[Any]]] = OrderedDict()
        self._bytes = 0

    def get(self, digest: str, kind: type) -> list[Any] | None:
        hit = self._kept.get((digest, kind))
        if hit is None:
            return None
        self._kept.move_to_end((digest, kind))
        return hit[1]

    def fits(self, size: int) -> bool:
        return size <= self.budget

    def put(self, digest: str, kind: type, size: int, records: list[Any]) -> None:
        """Keep ``records`` (every record of the blob, already checked by the caller)."""
        if not self.fits(size) or (digest, kind) in self._kept:
            return
        self._kept[(digest, kind)] = (size, records)
        self._bytes += size
        while self._bytes > self.budget:
            _, (old, _) = self._kept.popitem(last=False)
            self._bytes -= old

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        """Drop every kept parse: once verification is over nothing reads them, and at a
        province they are up to ``budget`` × 5 bytes of the site build's memory."""
        self._kept.clear()
        self._bytes = 0

    # never pickled with the rules' saved state: an empty memo is rebuilt from the blobs
    def __getstate__(self) -> dict[str, Any]:
        return {"budget": self.budget}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["budget"])  # type: ignore[misc]
