"""Strata: how many targets each risk class (or any other partition) contributes.

Ratios are decimal strings turned into exact fractions, so ``0.05 × 333`` is exactly
``16.65`` in every language, and the rounding rule is part of the commitment (R5, R40, R41).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import DrawError
from .filters import Filter

ROUNDINGS = ("ceil", "floor", "half_up")
RATIO_RE = re.compile(r"^(?:0(?:\.[0-9]{1,9})?|1(?:\.0{1,9})?)$")
NAME_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")


def parse_ratio(text: Any) -> Fraction:
    """A decimal string in [0, 1] with at most 9 decimals, as an exact fraction.

    ``fullmatch``: ``$`` alone also matches before a final newline, which the JavaScript
    verifier's ``/…$/`` refuses — ``"0.05\n"`` must be refused here too."""
    if not isinstance(text, str) or not RATIO_RE.fullmatch(text):
        raise DrawError(f"ratio {text!r} must be a decimal string from 0 to 1 such as \"0.05\"")
    return Fraction(text)


def round_fraction(x: Fraction, rounding: str) -> int:
    """ceil, floor, or half_up (= floor(x + 1/2)) of a non-negative exact fraction."""
    if rounding == "floor":
        return x.numerator // x.denominator
    if rounding == "ceil":
        return -((-x.numerator) // x.denominator)
    if rounding == "half_up":
        y = x + Fraction(1, 2)
        return y.numerator // y.denominator
    raise DrawError(f"rounding {rounding!r} must be one of {', '.join(ROUNDINGS)}")


@dataclass(frozen=True)
class Stratum:
    name: str
    match: Filter
    count: int | None = None
    ratio: Fraction | None = None
    rounding: str | None = None

    def take(self, n: int) -> int:
        """k for a stratum of n eligible targets, never more than n."""
        if self.count is not None:
            return min(self.count, n)
        assert self.ratio is not None and self.rounding is not None
        return min(round_fraction(n * self.ratio, self.rounding), n)


def parse_stratum(obj: Mapping[str, Any]) -> Stratum:
    name = obj.get("name")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise DrawError(f"stratum name {name!r} must be 1-64 characters without control characters")
    take = obj.get("take")
    rounding = obj.get("rounding")
    if not isinstance(take, Mapping) or len(take) != 1 or next(iter(take)) not in ("count", "ratio"):
        raise DrawError(f"stratum {name!r}: take must be {{\"count\": k}} or {{\"ratio\": \"0.05\"}}")
    if "count" in take:
        count = take["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise DrawError(f"stratum {name!r}: count must be a whole number >= 0")
        if rounding is not None:
            raise DrawError(f"stratum {name!r}: rounding only applies to a ratio")
        return Stratum(name, Filter.from_json(obj.get("match")), count=count)
    if rounding not in ROUNDINGS:
        raise DrawError(f"stratum {name!r}: a ratio needs rounding, one of {', '.join(ROUNDINGS)}")
    return Stratum(name, Filter.from_json(obj.get("match")), ratio=parse_ratio(take["ratio"]),
                   rounding=rounding)


def parse_strata(items: Iterable[Mapping[str, Any]]) -> list[Stratum]:
    strata = [parse_stratum(s) for s in items]
    if not strata:
        raise DrawError("a draw needs at least one stratum")
    names = [s.name for s in strata]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DrawError(f"stratum names must be unique, repeated: {dup}")
    return strata


def ratio_cap_problem(ks: Sequence[int], total: int, cap: str | None) -> str | None:
    """Why Σk/N exceeds the general item's cap (R3), or None."""
    if cap is None or total == 0:
        return None
    limit = parse_ratio(cap)
    if Fraction(sum(ks), total) > limit:
        return (f"the draw takes {sum(ks)} of {total} targets "
                f"({float(Fraction(sum(ks), total)):.4%}), above the ratio cap {cap} of a general item")
    return None


class Classifier:
    """Puts each eligible target in exactly one stratum, or refuses the partition."""

    def __init__(self, strata: Sequence[Stratum]):
        self.strata = list(strata)
        self._lookup: tuple[str, dict[Any, list[int]]] | None = None
        conds = [s.match.single_set_condition() for s in self.strata]
        if all(c is not None for c in conds) and len({c[0] for c in conds if c}) == 1:
            attr = conds[0][0]  # type: ignore[index]
            table: dict[Any, list[int]] = {}
            for i, c in enumerate(conds):
                for v in c[1]:  # type: ignore[index]
                    table.setdefault(v, []).append(i)
            self._lookup = (attr, table)

    def classify(self, t: Any) -> int:
        """Index of the one stratum ``t`` matches; DrawError naming the target otherwise."""
        if self._lookup is not None:
            hits = self._lookup[1].get(getattr(t, self._lookup[0]), ())
        else:
            hits = [i for i, s in enumerate(self.strata) if s.match.matches(t)]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise DrawError(f"target {t.id} (risk {t.risk}, kind {t.kind}, region {t.region}) "
                            "matches no stratum; the strata must partition the population")
        names = [self.strata[i].name for i in hits]
        raise DrawError(f"target {t.id} matches several strata {names}; "
                        "the strata must partition the population")

