"""Streaming selection: each stratum keeps its k smallest tickets (ties by id).

One pass, O(k) memory. Per stratum a buffer holds every ticket at or below a moving *cut*;
almost every ticket is rejected by one bytes comparison with the cut (the bytes order of
32-byte digests is their order as 256-bit big-endian integers), so the cost is essentially
that of hashing. A buffer entry is one bytes object ``ticket ‖ id ‖ 0x00 ‖ region`` (no tuple:
nothing for the garbage collector to track, and sorting entries sorts by (ticket, id) since ids
contain no 0x00). When a buffer reaches about 2k entries it is pruned to the entries at or below a new
cut that at least k of them satisfy, so none of the k smallest is ever dropped. Tickets are
uniform, so the new cut is estimated from the old one without sorting; if the estimate keeps
fewer than k (probability ~1e-15) an exact sort decides instead. The result is exact either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import isqrt
from typing import NamedTuple

from .tickets import ticket_prefix

_TOP = 1 << 256
# A cut is 33 bytes: a digest followed by 0xFF (never a UTF-8 byte), so ``entry <= cut`` and
# ``digest <= cut`` both mean "ticket ≤ the cut's digest".
_ABOVE_ALL = b"\xff" * 33


class Pick(NamedTuple):
    """A selected target: its id, stratum index, ticket, and region (needed for team modes)."""

    id: str
    stratum: int
    ticket: bytes
    region: str


def _keep(k: int) -> int:
    """Entries a prune aims to keep: k plus 8 standard deviations of the binomial count, so
    keeping fewer than k happens with probability ~1e-15."""
    return k + 8 * isqrt(k) + 8


def _prune(buf: list[bytes], k: int, cut: bytes) -> bytes:
    """Shrink ``buf`` (all entries ≤ cut) to the entries ≤ a new cut with at least k of them."""
    old = _TOP if cut == _ABOVE_ALL else int.from_bytes(cut[:32], "big") + 1
    new = min(old * _keep(k) // len(buf), _TOP - 1).to_bytes(32, "big") + b"\xff"
    kept = [e for e in buf if e <= new]
    if len(kept) >= k:
        buf[:] = kept
        return new
    buf.sort()
    del buf[k:]
    return buf[-1][:32] + b"\xff"


def select(seed: bytes, items: Iterable[tuple[str, int, str]], ks: Sequence[int]) -> list[list[Pick]]:
    """The k smallest (ticket, id) of each stratum, ascending; items are (id, stratum, region).

    ``ks[i]`` is the number to take from stratum i. Ids must be unique (the population scan
    guarantees it). The threshold of stratum i is the ticket of its last pick.
    """
    copy = ticket_prefix(seed).copy
    bufs: list[list[bytes]] = [[] for _ in ks]
    cut = [b"" if k == 0 else _ABOVE_ALL for k in ks]  # b"": a stratum taking nothing keeps nothing
    limit = [2 * _keep(k) for k in ks]
    for tid, si, region in items:
        c = cut[si]
        b = tid.encode()  # UTF-8
        h = copy()
        h.update(b)
        d = h.digest()
        if d <= c:  # rare after warm-up
            buf = bufs[si]
            buf.append(d + b + b"\x00" + region.encode())
            if len(buf) >= limit[si]:
                cut[si] = _prune(buf, ks[si], c)
    out = []
    for si, buf in enumerate(bufs):
        k = ks[si]
        if len(buf) > _keep(k):
            _prune(buf, k, cut[si])
        buf.sort()
        picks = []
        for e in buf[:k]:
            tid, _, region = e[32:].partition(b"\x00")
            picks.append(Pick(tid.decode(), si, e[:32], region.decode()))
        out.append(picks)
    return out
