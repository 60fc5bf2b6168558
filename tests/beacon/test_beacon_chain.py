"""Chain parameters: pinned quicknet values, chain-hash binding, round/time mapping, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.beacon import (
    QUICKNET,
    BeaconError,
    ChainError,
    ChainInfo,
    SimulatedBeacon,
    chain_from_json,
    chain_to_json,
    check_chain_hash,
    drand_chain_hash,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "drand-quicknet.json").read_text())
Q = VECTORS["chains"]["quicknet"]


def test_quicknet_constant_matches_vectors() -> None:
    assert QUICKNET.chain_hash == Q["chain_hash"]
    assert QUICKNET.public_key.hex() == Q["public_key_g2_hex"]
    assert QUICKNET.period == Q["period_seconds"]
    assert QUICKNET.genesis_time == Q["genesis_time"]
    assert QUICKNET.scheme == Q["scheme_id"]
    assert QUICKNET.group_hash == Q["group_hash_genesis_seed"]
    assert QUICKNET.beacon_id == Q["beacon_id"]
    assert QUICKNET.simulated is False


def test_quicknet_chain_hash_is_drand_info_hash() -> None:
    # drand Info.Hash(): the pinned hash binds period, genesis, public key, seed and beacon id.
    assert drand_chain_hash(3, Q["genesis_time"], QUICKNET.public_key, Q["group_hash_genesis_seed"],
                            "quicknet") == Q["chain_hash"]
    check_chain_hash(QUICKNET)


def test_round_time_matches_vectors() -> None:
    for b in VECTORS["quicknet_beacons"]:
        assert QUICKNET.round_time(b["round"]) == b["round_time_unix"]
    assert QUICKNET.round_time(1) == QUICKNET.genesis_time


@pytest.mark.parametrize("bad", [0, -1, 2**64, True, 1.0])
def test_round_time_refuses_bad_rounds(bad: object) -> None:
    with pytest.raises(ChainError):
        QUICKNET.round_time(bad)  # type: ignore[arg-type]


def test_round_at_is_first_round_not_before_t() -> None:
    g, p = QUICKNET.genesis_time, QUICKNET.period
    assert QUICKNET.round_at(g - 1000) == 1
    assert QUICKNET.round_at(g) == 1
    assert QUICKNET.round_at(g + 1) == 2
    assert QUICKNET.round_at(g + p) == 2
    assert QUICKNET.round_at(g + p + 1) == 3
    for t in range(g - 5, g + 50):
        r = QUICKNET.round_at(t)
        assert QUICKNET.round_time(r) >= t
        assert r == 1 or QUICKNET.round_time(r - 1) < t


def test_current_round_is_drand_formula() -> None:
    g, p = QUICKNET.genesis_time, QUICKNET.period
    assert QUICKNET.current_round(g - 1) == 0
    assert QUICKNET.current_round(g) == 1
    assert QUICKNET.current_round(g + p - 1) == 1
    assert QUICKNET.current_round(g + p) == 2
    for b in VECTORS["quicknet_beacons"]:
        t = b["round_time_unix"]
        assert QUICKNET.current_round(t) == QUICKNET.round_at(t) == b["round"]
        assert QUICKNET.current_round(t + 1) == b["round"]
        assert QUICKNET.round_at(t + 1) == b["round"] + 1


def test_json_round_trip_real_and_simulated() -> None:
    sim = SimulatedBeacon(b"chain-json", 1_700_000_000).chain
    for chain in (QUICKNET, sim):
        d = chain_to_json(chain)
        assert chain_from_json(json.loads(json.dumps(d))) == chain


def test_from_json_refuses_swapped_public_key() -> None:
    # A trust.json that keeps the famous quicknet hash but pins another key must be refused.
    other = bytes.fromhex(VECTORS["other_chain_vectors"][0]["public_key"])
    d = chain_to_json(QUICKNET) | {"public_key": other.hex()}
    with pytest.raises(ChainError, match="chain hash mismatch"):
        chain_from_json(d)


def test_from_json_refuses_real_chain_without_group_hash() -> None:
    with pytest.raises(ChainError, match="group_hash is missing"):
        chain_from_json(chain_to_json(QUICKNET) | {"group_hash": None})


def test_from_json_refuses_relabelled_simulated_chain() -> None:
    d = chain_to_json(SimulatedBeacon(b"x", 1_700_000_000).chain)
    with pytest.raises(ChainError, match="chain hash mismatch"):
        chain_from_json(d | {"label": "drand quicknet (League of Entropy)"})
    with pytest.raises(ChainError, match="chain hash mismatch"):
        chain_from_json(d | {"simulated": False, "group_hash": QUICKNET.group_hash})


@pytest.mark.parametrize(
    "change",
    [
        {"period": "3"},
        {"period": 0},
        {"genesis_time": 1.5},
        {"public_key": "AB" * 96},
        {"public_key": "ab" * 95},
        {"scheme": "pedersen-bls-chained"},
        {"chain_hash": "52DB" + "0" * 60},
        {"simulated": 0},
        {"extra": 1},
    ],
)
def test_from_json_refuses_malformed(change: dict[str, object]) -> None:
    with pytest.raises(BeaconError):
        chain_from_json(chain_to_json(QUICKNET) | change)


def test_from_json_refuses_missing_key() -> None:
    d = chain_to_json(QUICKNET)
    del d["label"]
    with pytest.raises(ChainError, match="missing \\['label'\\]"):
        chain_from_json(d)
    with pytest.raises(ChainError):
        chain_from_json([d])


def test_chaininfo_constructor_validates() -> None:
    with pytest.raises(ChainError):
        ChainInfo(chain_hash="00" * 32, public_key=b"\x00" * 48, period=3, genesis_time=0)
