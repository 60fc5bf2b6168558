"""Inclusion proofs for every log entry against the latest checkpoint, in bounded memory.

Why on disk: ``publisher.core.merkle.MerkleTree`` keeps every level as a Python list (about
2n hash objects); for a province log that is hundreds of MB. Here each level is a flat file of
32-byte hashes, memory-mapped, and handed to MerkleTree's own proof code — so proofs are
computed by the core, and each one is checked with ``merkle.verify_inclusion`` before use.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..core import merkle


class DiskLevel:
    """A read-only sequence of 32-byte hashes stored back to back in one file."""

    def __init__(self, path: Path):
        self.path = path
        self._f = open(path, "rb")
        size = path.stat().st_size
        self._n = size // merkle.HASH_SIZE
        self._m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> bytes:
        if not 0 <= i < self._n:
            raise IndexError(i)
        o = i * merkle.HASH_SIZE
        return self._m[o:o + merkle.HASH_SIZE]  # type: ignore[index]

    def close(self) -> None:
        if self._m is not None:
            self._m.close()
        self._f.close()


class DiskMerkleTree(merkle.MerkleTree):
    """MerkleTree whose levels live in files; proofs come from the parent class unchanged.

    The level layout is the parent's: level k+1 holds node_hash(level k [2i], level k [2i+1])
    for every complete pair (an odd last node is not carried up).
    """

    def __init__(self, leaf_hashes: Iterable[bytes], work: Path):  # noqa: D107 - no super(): levels on disk
        work.mkdir(parents=True, exist_ok=True)
        levels: list[DiskLevel] = []
        path = work / "level-0"
        with open(path, "wb") as f:
            for h in leaf_hashes:
                f.write(h)
        level = DiskLevel(path)
        levels.append(level)
        k = 0
        while len(level) > 1:
            k += 1
            path = work / f"level-{k}"
            with open(path, "wb") as f:
                for i in range(0, len(level) - 1, 2):
                    f.write(merkle.node_hash(level[i], level[i + 1]))
            level = DiskLevel(path)
            levels.append(level)
        self._levels = levels  # type: ignore[assignment]

    def close(self) -> None:
        for level in self._levels:
            level.close()  # type: ignore[attr-defined]


def log_leaves(entry_ids: Iterable[str]) -> Iterator[bytes]:
    for eid in entry_ids:
        yield merkle.leaf_hash(bytes.fromhex(eid))
