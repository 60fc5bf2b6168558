"""Random batch order of the selected targets (003 二(二), R4).

The order is a third deterministic draw from the same seed with its own domain tag, so it
cannot be steered towards or away from the first batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from .selection import Pick

BATCH_TAG = "ssgk/batch/v1"
DEFAULT_BATCH_SIZE = 50


def batch_order(seed: bytes, picks: Iterable[Pick]) -> list[Pick]:
    """Selected targets of all strata, ascending by (batch key, id)."""
    prefix = hashlib.sha256(BATCH_TAG.encode("ascii") + b"\x00" + seed)
    keyed = []
    for p in picks:
        h = prefix.copy()
        b = p.id.encode("utf-8")
        h.update(b)
        keyed.append((h.digest(), b, p))
    keyed.sort()  # by (key, id bytes); keys are distinct digests, so the Pick is never compared
    return [e[2] for e in keyed]


def batch_rows(order: Sequence[Pick], stratum_names: Sequence[str], batch_size: int) -> list[dict[str, Any]]:
    """``{id, stratum, batch, position}`` per target; position is 1-based over the whole order."""
    return [{"id": p.id, "stratum": stratum_names[p.stratum], "batch": i // batch_size + 1,
             "position": i + 1} for i, p in enumerate(order)]
