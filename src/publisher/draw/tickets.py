"""Per-target tickets: ticket(id) = SHA-256("ssgk/ticket/v1" 0x00 ‖ seed ‖ id).

A ticket depends only on the seed and the target's own id, so a company can recompute its
ticket without the rest of the population (DESIGN §3.4). Digests are compared as bytes,
which is the same order as reading them as 256-bit big-endian integers.
"""

from __future__ import annotations

import hashlib

TICKET_TAG = "ssgk/ticket/v1"


def ticket_prefix(seed: bytes) -> hashlib._Hash:
    """A hash object already fed tag and seed; ``.copy()`` it per id (hoists the common prefix)."""
    return hashlib.sha256(TICKET_TAG.encode("ascii") + b"\x00" + seed)


def ticket(seed: bytes, target_id: str) -> bytes:
    h = ticket_prefix(seed)
    h.update(target_id.encode("utf-8"))
    return h.digest()


def ticket_int(seed: bytes, target_id: str) -> int:
    return int.from_bytes(ticket(seed, target_id), "big")
