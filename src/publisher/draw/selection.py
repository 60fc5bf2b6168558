"""Streaming selection: each stratum keeps its k smallest tickets (ties by id).

One pass, O(k) memory: a bounded max-heap per stratum. Most tickets are rejected by a single
bytes comparison with the stratum's current cut (the largest ticket kept so far), so the
cost is essentially that of hashing. Python's heapq is a min-heap, so entries carry the
ticket and id with every byte inverted (b -> 255-b): inverted order is reversed order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from heapq import heappush, heapreplace

from .tickets import ticket_prefix

_INV = bytes(range(255, -1, -1))


@dataclass(frozen=True)
class Pick:
    """A selected target: its id, stratum index, ticket, and region (needed for team modes)."""

    id: str
    stratum: int
    ticket: bytes
    region: str


def select(seed: bytes, items: Iterable[tuple[str, int, str]], ks: Sequence[int]) -> list[list[Pick]]:
    """The k smallest (ticket, id) of each stratum, ascending; items are (id, stratum, region).

    ``ks[i]`` is the number to take from stratum i. Ids must be unique (the population scan
    guarantees it). The threshold of stratum i is the ticket of its last pick.
    """
    copy = ticket_prefix(seed).copy
    heaps: list[list[tuple]] = [[] for _ in ks]
    cut: list[bytes | None] = [None] * len(ks)
    kk = list(ks)
    for tid, si, region in items:
        k = kk[si]
        if not k:
            continue
        b = tid.encode("utf-8")
        h = copy()
        h.update(b)
        d = h.digest()
        c = cut[si]
        if c is None:
            heap = heaps[si]
            heappush(heap, (d.translate(_INV), b.translate(_INV) + b"\xff", d, b, tid, region))
            if len(heap) == k:
                cut[si] = heap[0][2]
        elif d < c or (d == c and b < heaps[si][0][3]):
            heap = heaps[si]
            heapreplace(heap, (d.translate(_INV), b.translate(_INV) + b"\xff", d, b, tid, region))
            cut[si] = heap[0][2]
    out = []
    for si, heap in enumerate(heaps):
        rows = sorted(heap, key=lambda e: (e[2], e[3]))
        out.append([Pick(e[4], si, e[2], e[5]) for e in rows])
    return out
