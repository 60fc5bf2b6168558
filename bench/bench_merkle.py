"""Merkle timings at county/province scale: streaming root, proof generation, verification.

Run: ``.venv/bin/python bench/bench_merkle.py [n]``. ``run()`` returns the numbers for bench/run_all.
"""

from __future__ import annotations

import json
import sys
import time

from publisher.core.merkle import (
    MerkleTree,
    TreeBuilder,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def run(n: int = 100_000) -> dict[str, float]:
    leaves = [leaf_hash(i.to_bytes(32, "big")) for i in range(n)]

    def stream() -> bytes:
        b = TreeBuilder()
        for leaf in leaves:
            b.append(leaf)
        return b.root()

    root, t_stream = _timed(stream)
    tree, t_build = _timed(lambda: MerkleTree(leaves))
    i = n * 2 // 3
    proof, t_incl = _timed(lambda: inclusion_proof(leaves, i))
    _, t_incl_cached = _timed(lambda: [tree.inclusion_proof(j) for j in range(0, n, max(1, n // 1000))])
    cproof, t_cons = _timed(lambda: consistency_proof(leaves, n // 3))
    reps = 2000
    _, t_verify = _timed(lambda: [verify_inclusion(leaves[i], i, n, proof, root) for _ in range(reps)])
    old = tree.root(n // 3)
    _, t_vcons = _timed(lambda: [verify_consistency(n // 3, n, old, root, cproof) for _ in range(reps)])
    return {
        "leaves": n,
        "stream_root_s": t_stream,
        "leaf_appends_per_s": n / t_stream,
        "tree_build_s": t_build,
        "inclusion_proof_uncached_ms": 1000 * t_incl,
        "inclusion_proof_cached_us": 1e6 * t_incl_cached / len(range(0, n, max(1, n // 1000))),
        "consistency_proof_uncached_ms": 1000 * t_cons,
        "verify_inclusion_us": 1e6 * t_verify / reps,
        "verify_consistency_us": 1e6 * t_vcons / reps,
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=1))
