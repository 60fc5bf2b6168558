"""Inclusion proofs for every log entry, in bounded memory, written once per entry.

Why on disk: ``publisher.core.merkle.MerkleTree`` keeps every level as a Python list (about
2n hash objects); for a province log that is hundreds of MB. Here each level is a flat file of
32-byte hashes, memory-mapped, and handed to MerkleTree's own proof code — so proofs are
computed by the core, and each one is checked with ``merkle.verify_inclusion`` before use.
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..core import merkle
from ..core.canonical import b64encode


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


# ------------------------------------------------------------------ the site's proofs/ files

def _checkpoint_file(size: int) -> str:
    return f"ledger/checkpoints/{size:010d}.note"


def consistency_file(size: int) -> str:
    return f"proofs/consistency/{size:010d}.json"


def write_proofs(loaded: Any, out: Path, work: Path, memory: Any = None) -> dict[str, Any]:
    """``proofs/<entry id>.json`` for every entry a checkpoint covers, and
    ``proofs/consistency/<size>.json`` from every checkpoint to the latest (spec §2.9).

    Why against the *first* checkpoint covering the entry: that proof never changes, so a push
    writes files for its own entries only; what moves with the latest checkpoint is one small
    consistency proof per checkpoint. ``memory`` (site.incremental.Manifest) says which
    checkpoints' entry proofs the previous build into this directory wrote; they are kept when
    every such checkpoint is still one of this ledger's verified checkpoints (same size and
    root) and every file is still there. Every proof written is checked with the core's
    ``verify_inclusion`` / ``verify_consistency`` first.
    """
    latest = loaded.latest
    ix = loaded.index
    root_dir = loaded.ledger.root
    cps = [c for c in loaded.report.checkpoints if c.size <= latest.size]
    pdir, cdir = out / "proofs", out / "proofs" / "consistency"
    prev = memory.recall("proofs") if memory is not None else None
    have = {(s, r) for s, r in (prev or {}).get("done", [])}
    current = {(c.size, c.root.hex()) for c in cps}
    if not have <= current or not pdir.is_dir():  # another history (or no files): start again
        shutil.rmtree(pdir, ignore_errors=True)
        have, prev = set(), None
    cdir.mkdir(parents=True, exist_ok=True)
    if have:  # every kept file must still be there (one directory listing, no reads)
        names = {e.name for e in os.scandir(pdir) if e.is_file()}
        starts = [0] + [c.size for c in cps]
        for c, a in zip(cps, starts):
            if (c.size, c.root.hex()) in have and any(
                    f"{row[0]}.json" not in names for row in ix.it(
                        "SELECT id FROM entries WHERE idx >= ? AND idx < ?", a, c.size)):
                have.discard((c.size, c.root.hex()))
    ids = (row[0] for row in ix.it("SELECT id FROM entries WHERE idx < ? ORDER BY idx", latest.size))
    tree = DiskMerkleTree(log_leaves(ids), work)
    written = 0
    try:
        if tree.root(latest.size) != latest.root:  # the verifier already checked this; belt and braces
            raise RuntimeError("the log does not match the latest checkpoint")
        a = 0
        for c in cps:
            if (c.size, c.root.hex()) not in have:
                note_path = root_dir / "checkpoints" / f"{c.size:010d}.note"
                note = note_path.read_text("utf-8") if note_path.is_file() else ""
                written += _entry_proofs(ix, tree, c, a, pdir, note)
            a = c.size
        moved = prev is None or prev.get("latest") != [latest.size, latest.root.hex()] or not all(
            (out / consistency_file(c.size)).is_file() for c in cps)
        if moved:
            keep = {Path(consistency_file(c.size)).name for c in cps}
            for e in os.scandir(cdir):
                if e.name not in keep:
                    os.unlink(e.path)
            for c in cps:
                proof = tree.consistency_proof(c.size, latest.size) if c.size < latest.size else []
                if not merkle.verify_consistency(c.size, latest.size, c.root, latest.root, proof):
                    raise RuntimeError(f"consistency proof {c.size} -> {latest.size} does not verify")
                doc = {"from": {"tree_size": c.size, "root": b64encode(c.root), "checkpoint": _checkpoint_file(c.size)},
                       "to": {"tree_size": latest.size, "root": b64encode(latest.root),
                              "checkpoint": _checkpoint_file(latest.size)},
                       "proof": [b64encode(h) for h in proof]}
                (out / consistency_file(c.size)).write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    finally:
        tree.close()
    if memory is not None:
        memory.remember("proofs", {"done": sorted([c.size, c.root.hex()] for c in cps),
                                   "latest": [latest.size, latest.root.hex()]})
    return {"count": latest.size, "tree_size": latest.size, "checkpoints": len(cps), "written": written}


def _entry_proofs(ix: Any, tree: DiskMerkleTree, c: Any, start: int, pdir: Path, note: str) -> int:
    """The proofs of the entries [start, c.size): first covered by checkpoint ``c``."""
    root_b64 = b64encode(c.root)
    n = 0
    for row in ix.it("SELECT idx, id, office, seq FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", start, c.size):
        i = row["idx"]
        proof = tree.inclusion_proof(i, c.size)
        if not merkle.verify_inclusion(tree.leaf(i), i, c.size, proof, c.root):
            raise RuntimeError(f"inclusion proof for log index {i} does not verify")
        doc = {"entry_id": row["id"], "index": i, "tree_size": c.size, "root": root_b64,
               "proof": [b64encode(h) for h in proof], "checkpoint": note,
               "checkpoint_file": _checkpoint_file(c.size), "consistency": consistency_file(c.size),
               "entry": f"ledger/entries/{row['office']}/{row['seq']:08d}.json"}
        with open(pdir / f"{row['id']}.json", "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
        n += 1
    return n
