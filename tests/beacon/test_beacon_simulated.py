"""Simulated chain: same scheme, same verifier, deterministic from its seed."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from publisher.beacon import (
    QUICKNET,
    SIMULATED_LABEL,
    BeaconError,
    BeaconSource,
    SimulatedBeacon,
    check_beacon,
    check_chain_hash,
    secret_key_from_seed,
    simulated_chain_hash,
    verify_beacon,
)

GENESIS = 1_767_225_600  # 2026-01-01T00:00:00Z


def test_round_trip_verifies_with_the_real_verifier() -> None:
    sim = SimulatedBeacon(b"county-demo", GENESIS)
    for rnd in (1, 2, 1_000_003):
        b = sim.beacon(rnd)
        assert len(b.signature) == 48
        assert b.randomness == hashlib.sha256(b.signature).digest()
        check_beacon(sim.chain, b)
    assert not verify_beacon(sim.chain, replace(sim.beacon(7), round=8))


def test_deterministic_from_seed() -> None:
    a = SimulatedBeacon(b"county-demo", GENESIS)
    b = SimulatedBeacon(b"county-demo", GENESIS)
    assert a.chain == b.chain
    assert a.beacon(42) == b.beacon(42)
    assert a.get(42) == a.beacon(42)


def test_chain_is_marked_and_hashed_as_simulated() -> None:
    sim = SimulatedBeacon(b"county-demo", GENESIS, period=30)
    c = sim.chain
    assert c.simulated is True
    assert c.label == SIMULATED_LABEL
    assert c.period == 30 and c.genesis_time == GENESIS
    assert c.group_hash is None
    assert c.chain_hash == simulated_chain_hash(c)
    check_chain_hash(c)
    assert c.chain_hash != QUICKNET.chain_hash
    # genesis and period are part of the chain identity
    assert SimulatedBeacon(b"county-demo", GENESIS + 1, period=30).chain.chain_hash != c.chain_hash


def test_other_key_fails_against_first_chain() -> None:
    first = SimulatedBeacon(b"seed-one", GENESIS)
    second = SimulatedBeacon(b"seed-two", GENESIS)
    assert first.chain.public_key != second.chain.public_key
    with pytest.raises(BeaconError, match="does not verify"):
        check_beacon(first.chain, second.beacon(10))
    assert not verify_beacon(QUICKNET, first.beacon(10))


def test_from_secret_key_matches_seed_derivation() -> None:
    sk = secret_key_from_seed(b"county-demo")
    assert len(sk) == 32
    a = SimulatedBeacon.from_secret_key(sk, GENESIS)
    assert a.chain == SimulatedBeacon(b"county-demo", GENESIS).chain
    assert a.beacon(5) == SimulatedBeacon(b"county-demo", GENESIS).beacon(5)


def test_bad_keys_and_seeds_refused() -> None:
    with pytest.raises(BeaconError):
        SimulatedBeacon(b"", GENESIS)
    with pytest.raises(BeaconError, match="zero"):
        SimulatedBeacon.from_secret_key(bytes(32), GENESIS)
    with pytest.raises(BeaconError, match="canonical"):
        SimulatedBeacon.from_secret_key(b"\xff" * 32, GENESIS)  # >= group order
    with pytest.raises(BeaconError):
        SimulatedBeacon(b"x", GENESIS).beacon(0)


def test_is_a_beacon_source_and_hides_secret() -> None:
    sim = SimulatedBeacon(b"county-demo", GENESIS)
    assert isinstance(sim, BeaconSource)
    assert secret_key_from_seed(b"county-demo").hex() not in repr(sim)
