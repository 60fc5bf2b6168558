"""The yearly cap (001 第七条): at most two checks of one target a year, "in principle".

A draw counts once its selection is public: at its non-embargoed lock, or at the reveal of an
embargoed one, in the calendar year (UTC+08:00) of the lock entry. A later commitment must
exclude every target already drawn twice that year unless it lists a reasoned override.

Memory is one small counter per target drawn in a year that is still relevant (the counters
saturate at the limit); older years are dropped as the log moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable

CAP_LIMIT = 2
CAP_REASON = "cap"
CAP_BASIS = "001 第七条"


class CapTable:
    def __init__(self) -> None:
        self._years: dict[int, dict[str, int]] = {}

    def add_draw(self, year: int, target_ids: Iterable[str]) -> None:
        """Count one locked draw of ``target_ids`` in ``year``."""
        counts = self._years.setdefault(year, {})
        for tid in target_ids:
            c = counts.get(tid, 0)
            if c < CAP_LIMIT:
                counts[tid] = c + 1
        for old in [y for y in self._years if y < year - 1]:
            del self._years[old]  # a commitment is never more than a year behind the latest lock

    def count(self, year: int, target_id: str) -> int:
        return self._years.get(year, {}).get(target_id, 0)

    def capped(self, year: int, overrides: Container[str] = ()) -> Callable[[str], bool]:
        """Predicate: drawn ``CAP_LIMIT`` times in ``year`` and not overridden."""
        counts = self._years.get(year, {})
        return lambda tid: counts.get(tid, 0) >= CAP_LIMIT and tid not in overrides
