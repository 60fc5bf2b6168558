"""Cost of opening an embargoed draw at its reveal round (rule ``draw.embargo``, spec §5A.4).

One ledger (tests/core's Scenario: 120 targets, two offices, simulated chain) with one embargoed
draw locked and never revealed. Baseline in the same run: verifying it *before* the reveal round's
beacon is recorded; then with the beacon recorded, when the verifier opens both escrows (two tlock
decryptions), recomputes the draw and compares the hash. Median of N full verifications each.

    python bench/bench_embargo.py [--n 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "core"), str(REPO / "tests")]

from test_draw_rule import Scenario  # noqa: E402

from publisher.embargo import reveal_round  # noqa: E402
from publisher.storage.beacons import record_beacon  # noqa: E402


def median_ms(fn, n: int) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=15)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory() as d:
        sc = Scenario(Path(d))
        c = sc.commit(sc.spec(embargo_until="2026-01-05"))
        sc.checkpoint()
        sc.lock(c)
        assert sc.verify().ok
        before = median_ms(sc.verify, n)
        record_beacon(sc.f.ledger.root, sc.sim.chain.chain_hash, sc.sim.beacon(reveal_round(sc.sim.chain, "2026-01-05")))
        r = sc.verify()
        assert r.ok and r.rule("draw").tasks["T-2026-001"].current.opened
        after = median_ms(sc.verify, n)
    print(f"verify, embargo not yet due (baseline): {before:.1f} ms")
    print(f"verify, embargo opened from the escrows: {after:.1f} ms")
    print(f"opening cost: {after - before:.1f} ms; ratio {after / before:.2f}")


if __name__ == "__main__":
    main()
