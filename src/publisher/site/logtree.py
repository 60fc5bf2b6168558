"""The log's Merkle tree on disk, kept between builds and grown by a push's entries.

Why on disk: ``publisher.core.merkle.MerkleTree`` keeps every level as a Python list (about
2n hash objects); for a province log that is hundreds of MB. Here each level is a flat file of
32-byte hashes, memory-mapped, and handed to MerkleTree's own proof code — so proofs are
computed by the core, and each one is checked with ``merkle.verify_inclusion`` before use.

Why kept: the proofs/ files and the browser verifier's data prove entries against checkpoints,
and building the tree again from every log entry made each push cost O(log). The levels are
append-only (level k+1 holds the hashes of level k's complete pairs, an odd last node is not
carried up), so a push appends its leaves and the few parents they complete. A kept tree is
used only when its files hash to what the previous build recorded (the manifest is
authenticated by this machine's key) and it was the tree of a checkpoint this ledger still has
(same size and root); the grown tree must then have the latest checkpoint's root.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..core import merkle

H = merkle.HASH_SIZE


class DiskLevel:
    """A read-only sequence of 32-byte hashes stored back to back in one file."""

    def __init__(self, path: Path):
        self.path = path
        self._f = open(path, "rb")
        size = path.stat().st_size
        self._n = size // H
        self._m = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> bytes:
        if not 0 <= i < self._n:
            raise IndexError(i)
        o = i * H
        return self._m[o:o + H]  # type: ignore[index]

    def close(self) -> None:
        if self._m is not None:
            self._m.close()
        self._f.close()


def _level(work: Path, k: int) -> Path:
    return work / f"level-{k}"


def grow(work: Path, leaf_hashes: Iterable[bytes]) -> None:
    """Append leaves to the level files in ``work`` (created when missing) and every parent
    they complete; the files then hold the tree of all leaves appended so far."""
    work.mkdir(parents=True, exist_ok=True)
    with open(_level(work, 0), "ab") as f:
        for h in leaf_hashes:
            f.write(h)
    k = 0
    while True:
        src, dst = _level(work, k), _level(work, k + 1)
        n = src.stat().st_size // H
        if n <= 1:
            break
        have = dst.stat().st_size // H if dst.exists() else 0
        want = n // 2
        if want > have:
            with open(src, "rb") as fs, open(dst, "ab") as fd:
                fs.seek(2 * have * H)
                data = fs.read(2 * (want - have) * H)
                fd.write(b"".join(merkle.node_hash(data[i:i + H], data[i + H:i + 2 * H])
                                  for i in range(0, len(data), 2 * H)))
        k += 1


class DiskMerkleTree(merkle.MerkleTree):
    """MerkleTree whose levels live in files; proofs come from the parent class unchanged."""

    def __init__(self, work: Path):  # noqa: D107 - no super(): the levels are the files in ``work``
        levels: list[DiskLevel] = []
        k = 0
        while _level(work, k).exists():
            levels.append(DiskLevel(_level(work, k)))
            if len(levels[-1]) <= 1:
                break
            k += 1
        self._levels = levels  # type: ignore[assignment]

    @classmethod
    def build(cls, leaf_hashes: Iterable[bytes], work: Path) -> DiskMerkleTree:
        shutil.rmtree(work, ignore_errors=True)
        grow(work, leaf_hashes)
        return cls(work)

    def close(self) -> None:
        for level in self._levels:
            level.close()  # type: ignore[attr-defined]


def log_leaves(entry_ids: Iterable[str]) -> Iterator[bytes]:
    for eid in entry_ids:
        yield merkle.leaf_hash(bytes.fromhex(eid))


def _files_digest(work: Path) -> str:
    h = hashlib.sha256()
    k = 0
    while _level(work, k).exists():
        with open(_level(work, k), "rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
        k += 1
    return h.hexdigest()


def _ids(loaded: Any, start: int, end: int) -> Iterator[bytes]:
    return log_leaves(row[0] for row in loaded.index.it(
        "SELECT id FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", start, end))


@contextlib.contextmanager
def log_tree(loaded: Any, work: Path, memory: Any = None) -> Iterator[DiskMerkleTree]:
    """The tree of the log up to the latest checkpoint (whose root it must have).

    With ``memory`` (site.incremental.Manifest, private cache) the levels live next to the
    manifest and are grown from the previous build's tree when that one can be trusted (module
    docstring); otherwise they are built from every entry in ``work``."""
    latest = loaded.latest
    kept = memory is not None and getattr(memory, "mac_key", None) is not None
    where = memory.path.with_suffix(".logtree") if kept else work
    tree, sha = _reuse(loaded, where, memory) if kept else (None, None)
    if tree is None:
        tree = DiskMerkleTree.build(_ids(loaded, 0, latest.size), where)
    try:
        if tree.size != latest.size or tree.root(latest.size) != latest.root:
            raise RuntimeError("the log does not match the latest checkpoint")
        if kept:
            memory.remember("logtree", {"size": latest.size, "root": latest.root.hex(),
                                        "sha256": sha or _files_digest(where)})
        yield tree
    finally:
        tree.close()


def _reuse(loaded: Any, where: Path, memory: Any) -> tuple[DiskMerkleTree | None, str | None]:
    """The kept tree grown to the latest checkpoint, or None (then it is built again), and the
    digest of its files when they were not changed."""
    latest = loaded.latest
    mine = memory.state.get("logtree")  # this build's tree, already checked or built by this process
    prev = mine or memory.recall("logtree")
    if not isinstance(prev, dict) or not _level(where, 0).is_file():
        return None, None
    n = _level(where, 0).stat().st_size // H
    checkpoints = {(c.size, c.root.hex()) for c in loaded.report.checkpoints}
    if n != prev.get("size") or n > latest.size or (n, prev.get("root")) not in checkpoints:
        return None, None
    if not mine and _files_digest(where) != prev.get("sha256"):
        return None, None
    sha = prev["sha256"]
    if n < latest.size:
        grow(where, _ids(loaded, n, latest.size))
        sha = None
    tree = DiskMerkleTree(where)
    if tree.size != latest.size or tree.root(latest.size) != latest.root:
        tree.close()
        return None, None
    return tree, sha
