"""The filter grammar shared by directional draws (004 第十条) and strata.

A filter is a JSON object with up to six conditions; a target passes when it meets every
condition that is present and non-empty (an absent or empty list is no condition, so ``{}``
is the open, 不定向 draw):

    regions    [prefix, ...]   target.region starts with one of them
    industries [prefix, ...]   target.industry is set and starts with one of them
    kinds      [kind, ...]     target.kind is one of them
    risks      [A|B|C|D|null]  target.risk is one of them (null = not yet classified)
    flags_any  [flag, ...]     target.flags shares at least one flag with the list
    offices    [office, ...]   target.office is one of them
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ART_DIRECTIONAL, DrawError

FILTER_KEYS = ("regions", "industries", "kinds", "risks", "flags_any", "offices")


@dataclass(frozen=True)
class Filter:
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    risks: frozenset[str | None] = frozenset()
    flags_any: frozenset[str] = frozenset()
    offices: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, obj: Mapping[str, Any] | None) -> Filter:
        obj = obj or {}
        if not isinstance(obj, Mapping):
            raise DrawError("a filter must be an object", ART_DIRECTIONAL)
        unknown = sorted(set(obj) - set(FILTER_KEYS))
        if unknown:
            raise DrawError(f"unknown filter condition(s) {unknown}; allowed: {', '.join(FILTER_KEYS)}",
                            ART_DIRECTIONAL)
        for key, value in obj.items():
            if not isinstance(value, list):
                raise DrawError(f"filter condition {key!r} must be a list", ART_DIRECTIONAL)
        return cls(
            regions=tuple(obj.get("regions") or ()),
            industries=tuple(obj.get("industries") or ()),
            kinds=frozenset(obj.get("kinds") or ()),
            risks=frozenset(obj.get("risks") or ()),
            flags_any=frozenset(obj.get("flags_any") or ()),
            offices=frozenset(obj.get("offices") or ()),
        )

    @property
    def empty(self) -> bool:
        return not (self.regions or self.industries or self.kinds or self.risks
                    or self.flags_any or self.offices)

    def matches(self, t: Any) -> bool:
        """True when target ``t`` (any object with the Target attributes) meets every condition."""
        if self.regions and not t.region.startswith(self.regions):
            return False
        if self.industries and (t.industry is None or not t.industry.startswith(self.industries)):
            return False
        if self.kinds and t.kind not in self.kinds:
            return False
        if self.risks and t.risk not in self.risks:
            return False
        if self.flags_any and self.flags_any.isdisjoint(t.flags):
            return False
        if self.offices and t.office not in self.offices:
            return False
        return True

    def single_set_condition(self) -> tuple[str, frozenset] | None:
        """(attribute, values) if the filter is exactly one membership test, for fast dispatch."""
        sets = {"kind": self.kinds, "risk": self.risks, "office": self.offices}
        used = [(a, v) for a, v in sets.items() if v]
        if len(used) == 1 and not (self.regions or self.industries or self.flags_any):
            return used[0]
        return None
