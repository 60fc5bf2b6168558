"""The locked targets of one task and which participating office has published for each.

Why this shape (memory at province scale, ~1M results a year): a verifier streams the log
once and must remember, for every locked target, which office has published a result so far
and which entry is the latest in that (task, target, office) chain. Keeping entry ids and
target ids as Python strings would cost ~200 bytes per result. Instead:

* ``keys``: the targets' 8-byte hashes (first 8 bytes of SHA-256 of the id), sorted, in one
  ``array('Q')`` — 8 bytes per target, binary-searched;
* ``slots[office]``: an aligned ``array('Q')`` holding the first 63 bits of the latest entry
  id published for that target by that office (0 = nothing yet; the top bit set when another
  office's result covers it with a section) — 8 bytes per target and office;
* ``names``: the readable id of a target only while at least one of its slots is still open,
  so overdue lists can name targets; names are dropped as slots fill;
* ``name_hashes``: an aligned ``array('Q')`` with the first 8 bytes of SHA-256 of the target's
  name in the snapshot its draw used (0 = not known), so every result's ``target_name`` is
  checked against the directory — 8 bytes per target.

So a task with k targets and m offices costs ~8·k·(m+2) bytes after its results are in.
Trade-off: two ids with the same 64-bit hash inside one task would share a slot. Target ids
come from the directory and are drawn at random, so this needs a 2^64 second preimage; while
a name is kept, the stored name is compared too. Correction chains are matched on 64-bit id
prefixes for the same reason.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence


def target_key(target_id: str) -> int:
    return int.from_bytes(hashlib.sha256(target_id.encode("utf-8")).digest()[:8], "big")


SECTION = 1 << 63  # set in a slot filled by a section of another office's result


def name_hash(name: str) -> int:
    """The first 8 bytes of SHA-256 of a target's name, never 0 (0 marks "not known")."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") or 1


def entry_ref(entry_id: str) -> int:
    """The first 63 bits of an entry id as a non-zero integer (0 marks an empty slot; the top
    bit marks a slot covered by another office's result section)."""
    return (int(entry_id[:16], 16) >> 1) or 1


def ref_hex(ref: int) -> str:
    """The entry-id prefix (15 hex digits) a slot value stands for, for messages."""
    return f"{(ref & ~SECTION) << 1:016x}"[:15]


class Selection:
    def __init__(self, offices: Sequence[str]):
        self.offices = tuple(offices)
        self.keys = array("Q")
        self.name_hashes = array("Q")
        self.slots: dict[str, array] = {o: array("Q") for o in self.offices}
        self.names: dict[int, str] = {}
        self._names_peak = 0  # dicts never shrink; rebuilt when mostly emptied
        self.filled: dict[str, int] = dict.fromkeys(self.offices, 0)
        self.announced = 0  # targets fixed by an embargoed lock whose ids are not public yet

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, ids: Iterable[str], names: dict[str, int] | None = None) -> list[str]:
        """Add locked targets (``names``: id -> :func:`name_hash` from the draw's snapshot);
        returns ids that were already locked for this task."""
        new: dict[int, str] = {}
        dup = []
        for tid in ids:
            k = target_key(tid)
            if self.find(tid) is not None or k in new:
                dup.append(tid)
                continue
            new[k] = tid
        if not new:
            return dup
        merged = sorted([(k, i) for i, k in enumerate(self.keys)] + [(k, -1) for k in new])
        old_slots, old_names = self.slots, self.name_hashes
        known = {k: (names or {}).get(tid, 0) for k, tid in new.items()}
        self.keys = array("Q", (k for k, _ in merged))
        self.name_hashes = array("Q", (old_names[i] if i >= 0 else known[k] for k, i in merged))
        self.slots = {o: array("Q", (old_slots[o][i] if i >= 0 else 0 for _, i in merged))
                      for o in self.offices}
        self.names.update(new)
        self._names_peak = max(self._names_peak, len(self.names))
        return dup

    def find(self, target_id: str) -> int | None:
        k = target_key(target_id)
        i = bisect_left(self.keys, k)
        if i < len(self.keys) and self.keys[i] == k:
            name = self.names.get(k)
            if name is not None and name != target_id:
                return None
            return i
        return None

    def get(self, office: str, i: int) -> int:
        return self.slots[office][i]

    def set(self, office: str, i: int, ref: int) -> None:
        """Record the latest entry of a slot; frees the target's name once all slots are filled."""
        slot = self.slots[office]
        if slot[i] == 0:
            self.filled[office] += 1
        slot[i] = ref
        k = self.keys[i]
        if k in self.names and all(self.slots[o][i] for o in self.offices):
            del self.names[k]
            if len(self.names) * 4 <= self._names_peak:
                self.names = dict(self.names)
                self._names_peak = len(self.names)

    def open_count(self, office: str) -> int:
        return len(self.keys) - self.filled[office] + (self.announced if office in self.slots else 0)

    def open_targets(self, office: str, limit: int | None = None) -> list[str]:
        """Readable ids of the targets still without a publication by ``office``."""
        out = []
        slot = self.slots[office]
        for i, k in enumerate(self.keys):
            if slot[i] == 0:
                out.append(self.names.get(k, f"#{k:016x}"))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def owner(self, ref: int, i: int) -> str | None:
        """Which office published entry ``ref`` (its slot holds it without the section bit)."""
        for o in self.offices:
            if self.slots[o][i] == ref:
                return o
        return None
