"""Beacon timings: BLS verify of a real quicknet beacon, simulated signing, and hashing to G1.

Run: ``.venv/bin/python bench/bench_beacon.py``. ``run()`` returns the numbers for bench/run_all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from publisher.beacon import QUICKNET, Beacon, SimulatedBeacon, check_beacon

ROUND = 123
SIG = bytes.fromhex(
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482"
    "e26cd02df835d3546d23c4b13e0dfc92"
)


def _per_call(fn: Callable[[], object], n: int) -> float:
    fn()  # warm caches (public key decompression)
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def run(n: int = 50) -> dict[str, float]:
    beacon = Beacon(round=ROUND, signature=SIG)
    sim = SimulatedBeacon(b"bench", 1_767_225_600)
    sim_beacon = sim.beacon(ROUND)
    return {
        "verify_quicknet_ms": 1000 * _per_call(lambda: check_beacon(QUICKNET, beacon), n),
        "verify_simulated_ms": 1000 * _per_call(lambda: check_beacon(sim.chain, sim_beacon), n),
        "simulated_sign_ms": 1000 * _per_call(lambda: sim.beacon(ROUND), n),
        "simulated_keygen_ms": 1000 * _per_call(lambda: SimulatedBeacon(b"k", 0), n),
    }


if __name__ == "__main__":
    print(json.dumps({k: round(v, 3) for k, v in run().items()}, indent=1))
