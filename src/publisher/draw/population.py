"""The eligible population of a draw and its Merkle root.

Snapshot (sorted by id) → filter → exclusions (explicit, then the yearly cap) → exactly one
stratum per target. The leaves of the population tree are ``id TAB stratum`` in ascending id
order, so the commitment fixes both who can be drawn and in which stratum, and the sorted order
lets a company prove it was *not* in the population with two neighbouring leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import Any

from ..core.merkle import TreeBuilder, leaf_hash
from .errors import DrawError
from .filters import Filter
from .strata import Classifier


def leaf_data(target_id: str, stratum: str) -> bytes:
    """UTF-8 of ``id + "\\t" + stratum`` (ids and stratum names never contain a tab)."""
    return (target_id + "\t" + stratum).encode("utf-8")


class PopulationScan:
    """One streaming pass over a target snapshot; iterate it to get eligible (id, stratum, region).

    ``explicit``: ids excluded by name (with a reason in the commitment).
    ``committed_cap``: ids the commitment lists as cap exclusions (applied as given).
    ``capped``: optional predicate recomputing the cap; ids it flags are collected in
    ``cap_found`` and, with ``apply_cap``, excluded (the builder) — otherwise only collected so a
    verifier can compare them with ``committed_cap``.
    ``wanted``: per stratum, whether its targets are yielded (all are counted); the lock skips
    strata that take nobody, so their tickets are never computed.
    After the pass: ``counts`` per stratum, ``root`` (hex, if ``with_root``), ``seen_explicit``.
    """

    def __init__(self, filter: Filter, classifier: Classifier, *, explicit: Container[str] = (),
                 committed_cap: Container[str] = (), capped: Callable[[str], bool] | None = None,
                 apply_cap: bool = False, with_root: bool = True,
                 wanted: Sequence[bool] | None = None):
        self.filter = filter
        self.classifier = classifier
        self.explicit = explicit
        self.committed_cap = committed_cap
        self.capped = capped
        self.apply_cap = apply_cap
        self.counts = [0] * len(classifier.strata)
        self.seen_explicit: set[str] = set()
        self.cap_found: list[str] = []
        self._tree = TreeBuilder() if with_root else None
        self._suffix = [("\t" + s.name).encode("utf-8") for s in classifier.strata]
        self.wanted = list(wanted) if wanted is not None else [True] * len(classifier.strata)
        self.done = False

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def root(self) -> str:
        assert self._tree is not None and self.done
        return self._tree.root().hex()

    def scan(self, targets: Iterable[Any]) -> Iterator[tuple[str, int, str]]:
        matches = None if self.filter.empty else self.filter.matches
        classify = self.classifier.classify
        explicit, committed_cap, capped = self.explicit, self.committed_cap, self.capped
        counts, suffix, wanted = self.counts, self._suffix, self.wanted
        append = self._tree.append if self._tree is not None else None
        prev: str | None = None
        for t in targets:
            tid = t.id
            if prev is not None and tid <= prev:
                raise DrawError(f"target snapshot is not sorted by id without duplicates: "
                                f"{tid!r} follows {prev!r}")
            prev = tid
            if matches is not None and not matches(t):
                continue
            if tid in explicit:
                self.seen_explicit.add(tid)
                continue
            if capped is not None and capped(tid):
                self.cap_found.append(tid)
                if self.apply_cap:
                    continue
            if tid in committed_cap:
                continue
            si = classify(t)
            counts[si] += 1
            if append is not None:
                append(leaf_hash(tid.encode("utf-8") + suffix[si]))
            if wanted[si]:
                yield tid, si, t.region
        self.done = True
