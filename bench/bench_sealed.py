"""Sealed draws (docs/spec/65-sealed.md): what sealing costs against the public draw, same run.

For N invented targets (``publisher.draw.samples``) and two strata: building the commitment
(public ``build_commit_body`` vs ``build_sealed_commit``, which also hashes one salted leaf per
target), checking it (``check_commit_body`` vs the public ``check_sealed_commit``, and the
auditor's with every opening), and checking the lock (the public recomputation vs the sealed
lock's public threshold checks, and with the openings). CPU seconds (process_time), best of 3.

    python bench/bench_sealed.py [--n 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

from publisher.beacon import Beacon
from publisher.draw.cap import CapTable
from publisher.draw.commitment import build_commit_body, check_commit_body
from publisher.draw.lock import build_lock_body, compute_result
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.sealed import (
    build_sealed_commit,
    build_sealed_lock,
    check_sealed_commit,
    check_sealed_lock,
)

TIME = "2026-03-01T00:00:00Z"


def best(fn, repeat=3):
    out, value = [], None
    for _ in range(repeat):
        t = time.process_time()
        value = fn()
        out.append(time.process_time() - t)
    return min(out), value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    n = ap.parse_args().n
    full = sample_targets(n, "bench-sealed")
    public = [t.sealed_copy() for t in full]
    ins = sample_inspectors({"scjgj": 40}, "bench-sealed")
    base = {"task": "T-BENCH", "population": {"snapshot": "00" * 32, "filter": {}},
            "offices": [{"office": "scjgj", "members": 2}], "teams": {"inspectors": "11" * 32, "mode": "big"},
            "beacon": {"chain_hash": "22" * 32, "round": 1000}, "batch_size": 50}
    pub_spec = dict(base, strata=[{"name": "低", "match": {"risks": ["A", "B", None]}, "take": {"ratio": "0.03"}, "rounding": "ceil"},
                                  {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"ratio": "0.1"}, "rounding": "ceil"}])
    sealed_spec = dict(base, strata=[{"name": "第一层", "match": {}, "take": {"ratio": "0.03"}, "rounding": "ceil"},
                                     {"name": "第二层", "match": {}, "take": {"ratio": "0.1"}, "rounding": "ceil"}])
    assign = lambda t: "第二层" if t.risk in ("C", "D") else "第一层"  # noqa: E731
    salt = iter(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(10 ** 8))
    r = {"n": n}
    r["build_public_s"], body = best(lambda: build_commit_body(pub_spec, full, ins, time=TIME, cap=CapTable()))
    r["build_sealed_s"], sc = best(lambda: build_sealed_commit(sealed_spec, full, ins, assign, time=TIME,
                                                               cap=CapTable(), salt=lambda: next(salt)))
    ops = {o.id: o for o in sc.openings}
    r["check_public_s"], _ = best(lambda: check_commit_body(body, "scjgj", TIME, full, ins, cap=CapTable()))
    r["check_sealed_public_s"], (f, el) = best(lambda: check_sealed_commit(sc.body, "scjgj", TIME, public, ins, sc.leaves,
                                                                           cap=CapTable()))
    assert not f, f
    r["check_sealed_openings_s"], (f, _) = best(lambda: check_sealed_commit(sc.body, "scjgj", TIME, public, ins, sc.leaves,
                                                                            cap=CapTable(), openings=ops))
    assert not f, f
    beacon = Beacon(round=1000, signature=hashlib.sha256(b"sig").digest() * 3)
    lock = build_lock_body("ab" * 32, body, beacon, [], full, ins)
    slock = build_sealed_lock("ab" * 32, sc.body, beacon, el, ops, ins)
    r["lock_public_s"], _ = best(lambda: compute_result("ab" * 32, body, beacon.randomness, [], full, ins))
    r["lock_sealed_public_s"], (f, _) = best(lambda: check_sealed_lock("ab" * 32, sc.body, slock, beacon.randomness, el, ins))
    assert not f, f
    r["lock_sealed_openings_s"], (f, _) = best(lambda: check_sealed_lock("ab" * 32, sc.body, slock, beacon.randomness, el, ins, ops))
    assert not f, f
    for k in ("build_sealed_s", "check_sealed_public_s", "check_sealed_openings_s"):
        r[k[:-2] + "_ratio"] = round(r[k] / max(r[k.split("_")[0] + "_public_s"], 1e-9), 2)
    r["lock_sealed_public_ratio"] = round(r["lock_sealed_public_s"] / r["lock_public_s"], 2)
    r["lock_sealed_openings_ratio"] = round(r["lock_sealed_openings_s"] / r["lock_public_s"], 2)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}, indent=1))
    del lock


if __name__ == "__main__":
    main()
