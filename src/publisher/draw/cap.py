"""The yearly cap (001 第七条): at most two checks of one target a year, "in principle".

Which draws count (v2, so a cap cannot be manufactured by micro-draws or by draws that never
led to an inspection): a valid, published draw of year ``Y`` (the UTC+08:00 year of its lock)
counts for target ``t`` when

* its eligible population had at least ``CAP_MIN_POPULATION`` targets (a handful of
  hand-picked companies is not a random check), and
* a ``result`` for ``t`` in that task was published (the inspection actually happened),

counting from the result entry on, in log order. Every cap exclusion names the draws (commit
ids) that caused it, so the task page can show why a company was left out.

Memory: per target drawn in a year still relevant, the (at most two) commit ids that count.
"""

from __future__ import annotations

from collections.abc import Callable, Container

CAP_LIMIT = 2
CAP_REASON = "cap"
CAP_BASIS = "001 第七条"
CAP_MIN_POPULATION = 30


def draw_counts(population: int) -> bool:
    """Whether a draw over ``population`` eligible targets can count toward the cap at all."""
    return population >= CAP_MIN_POPULATION


class CapTable:
    def __init__(self) -> None:
        self._years: dict[int, dict[str, tuple[str, ...]]] = {}

    def add(self, year: int, target_id: str, commit_id: str) -> None:
        """Count one inspection of ``target_id`` from the draw ``commit_id`` in ``year``."""
        draws = self._years.setdefault(year, {})
        got = draws.get(target_id, ())
        if len(got) < CAP_LIMIT and commit_id not in got:
            draws[target_id] = got + (commit_id,)
        for old in [y for y in self._years if y < year - 1]:
            del self._years[old]  # a commitment is never more than a year behind the latest lock

    def add_draw(self, year: int, target_ids, commit_id: str | None = None) -> None:
        """Count one draw for every id of ``target_ids`` (tools and benches that replay draws)."""
        if commit_id is None:
            self._anon = getattr(self, "_anon", 0) + 1
            commit_id = f"{self._anon:064x}"
        for tid in target_ids:
            self.add(year, tid, commit_id)

    def count(self, year: int, target_id: str) -> int:
        return len(self._years.get(year, {}).get(target_id, ()))

    def draws(self, year: int, target_id: str) -> list[str]:
        """The commit ids of the draws that count for ``target_id`` in ``year`` (log order)."""
        return list(self._years.get(year, {}).get(target_id, ()))

    def capped(self, year: int, overrides: Container[str] = ()) -> Callable[[str], bool]:
        """Predicate: counted ``CAP_LIMIT`` times in ``year`` and not overridden."""
        counts = self._years.get(year, {})
        return lambda tid: len(counts.get(tid, ())) >= CAP_LIMIT and tid not in overrides
