"""Draw outcomes this process has already computed, keyed by everything that determines them.

Why: ``publisher draw lock`` builds the lock (one pass over the snapshot and the draw), then
checks the whole ledger with the new entry in place before writing it, and that check recomputed
the same draw from the same snapshot a second time — at N = 10⁶ half the command's time. The
draw is a pure function of (commit id, commitment body, beacon randomness, secrets): the body
names the target and inspector snapshots by their SHA-256, so equal keys mean equal inputs and
an equal outcome. The memo lives only in the process that computed it (never saved, never read
from the ledger or a cache directory), so it cannot carry an outcome from another machine or
code version; the rule still compares the published body with it field by field.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.canonical import canonical_bytes, sha256_hex

MAX_KEPT = 4  # a CLI run builds one draw; a bound keeps a long-lived process from growing


def outcome_key(commit_id: str, body: Mapping[str, Any], randomness: bytes, secrets: Sequence[bytes]) -> str:
    """SHA-256 of the RFC 8785 form of every input of :func:`publisher.draw.lock.compute_result`."""
    return sha256_hex(canonical_bytes({"commit": commit_id, "body": dict(body), "randomness": randomness.hex(),
                                       "secrets": [s.hex() for s in secrets]}))


class KnownOutcomes:
    """A small LRU map from :func:`outcome_key` to the :class:`DrawResult` computed for it."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, Any] = OrderedDict()

    def remember(self, key: str, result: Any) -> None:
        self._kept[key] = result
        self._kept.move_to_end(key)
        while len(self._kept) > MAX_KEPT:
            self._kept.popitem(last=False)

    def recall(self, key: str) -> Any | None:
        return self._kept.get(key)

    def __len__(self) -> int:
        return len(self._kept)
