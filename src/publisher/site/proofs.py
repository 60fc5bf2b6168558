"""Inclusion proofs for every log entry, in bounded memory, written once per entry.

The tree is site.logtree's (levels on disk, kept between builds and grown by a push); every
proof is checked with ``merkle.verify_inclusion`` / ``verify_consistency`` before it is written.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from ..core import merkle
from ..core.canonical import b64encode
from .logtree import DiskMerkleTree, log_tree

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
    written = 0
    with log_tree(loaded, work, memory) as tree:  # has the latest checkpoint's root (checked)
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
