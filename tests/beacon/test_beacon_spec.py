"""docs/spec/50-beacon.md: the worked examples are recomputed from the code."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from publisher.beacon import (
    DST_G1,
    QUICKNET,
    Beacon,
    SimulatedBeacon,
    chain_from_json,
    chain_to_json,
    check_beacon,
    secret_key_from_seed,
)
from publisher.core.canonical import canonical_bytes

SPEC = (Path(__file__).parents[2] / "docs" / "spec" / "50-beacon.md").read_text(encoding="utf-8")


def _example(name: str) -> dict:
    m = re.search(rf"<!-- example: {name} -->\n```json\n(.*?)\n```", SPEC, re.S)
    assert m, f"example block {name!r} not found in the spec"
    return json.loads(m.group(1))


def test_simulated_example() -> None:
    ex = _example("beacon-simulated")
    seed = ex["seed_ascii"].encode("ascii")
    sim = SimulatedBeacon(seed, ex["genesis_time"], ex["period"])
    chain = sim.chain
    assert secret_key_from_seed(seed).hex() == ex["secret_key"]
    assert chain.public_key.hex() == ex["public_key"]
    jcs = ex["chain_jcs"].encode("utf-8")
    body = chain_to_json(chain)
    del body["chain_hash"]
    assert canonical_bytes(body) == jcs
    assert hashlib.sha256(jcs).hexdigest() == ex["chain_hash"] == chain.chain_hash
    assert chain_from_json(chain_to_json(chain)) == chain
    rnd = ex["round"]
    assert chain.round_time(rnd) == ex["round_time"]
    assert hashlib.sha256(rnd.to_bytes(8, "big")).hexdigest() == ex["message"]
    b = sim.beacon(rnd)
    assert b.signature.hex() == ex["signature"]
    assert hashlib.sha256(b.signature).hexdigest() == ex["randomness"] == b.randomness.hex()
    check_beacon(chain, b)


def test_quicknet_example() -> None:
    ex = _example("beacon-quicknet")
    rnd = ex["round"]
    assert QUICKNET.round_time(rnd) == ex["round_time"]
    assert hashlib.sha256(rnd.to_bytes(8, "big")).hexdigest() == ex["message"]
    sig = bytes.fromhex(ex["signature"])
    assert hashlib.sha256(sig).hexdigest() == ex["randomness"]
    check_beacon(QUICKNET, Beacon(round=rnd, signature=sig, randomness=bytes.fromhex(ex["randomness"])))


def test_spec_constants_match_code() -> None:
    from py_ecc.optimized_bls12_381 import curve_order

    assert f"`{DST_G1.decode('ascii')}`" in SPEC and len(DST_G1) == 43
    assert f"`0x{curve_order:064x}`" in SPEC
    pinned = re.search(r"```json\n(\{\"chain_hash\": \"52db.*?)\n```", SPEC, re.S)
    assert pinned and chain_from_json(json.loads(pinned.group(1))) == QUICKNET
