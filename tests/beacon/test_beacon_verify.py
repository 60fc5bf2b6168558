"""BLS verification against real quicknet beacons and the negative cases."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from py_arkworks_bls12381 import G1Point, G2Point

from publisher.beacon import (
    DST_G1,
    QUICKNET,
    Beacon,
    BeaconError,
    ChainError,
    ChainInfo,
    beacon_from_json,
    beacon_message,
    beacon_to_json,
    check_beacon,
    check_public_key,
    verify_beacon,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "drand-quicknet.json").read_text())
REAL = VECTORS["quicknet_beacons"]
OTHER = VECTORS["other_chain_vectors"][0]
OTHER_CHAIN = ChainInfo(
    chain_hash=OTHER["chain_hash"],
    public_key=bytes.fromhex(OTHER["public_key"]),
    period=OTHER["period"],
    genesis_time=OTHER["genesis_time"],
    label="drand walkthrough test chain",
)


def _beacon(v: dict) -> Beacon:
    return beacon_from_json({k: v[k] for k in ("round", "signature", "randomness")})


def test_vectors_file_dst_is_ours() -> None:
    assert VECTORS["chains"]["quicknet"]["hash_to_curve_dst"].encode() == DST_G1


@pytest.mark.parametrize("v", REAL, ids=lambda v: str(v["round"]))
def test_real_quicknet_beacons_verify(v: dict) -> None:
    b = _beacon(v)
    assert beacon_message(v["round"]).hex() == v["message_hex"]
    assert b.randomness == hashlib.sha256(b.signature).digest()
    assert v["bls_valid"] is True
    check_beacon(QUICKNET, b)
    assert verify_beacon(QUICKNET, b)


@pytest.mark.parametrize("v", REAL, ids=lambda v: str(v["round"]))
def test_real_beacon_for_next_round_fails(v: dict) -> None:
    assert v["round_plus_1_valid"] is False
    b = Beacon(round=v["round"] + 1, signature=bytes.fromhex(v["signature"]))
    with pytest.raises(BeaconError, match="does not verify"):
        check_beacon(QUICKNET, b)


def test_signature_of_another_round_fails() -> None:
    b = Beacon(round=REAL[0]["round"], signature=bytes.fromhex(REAL[1]["signature"]))
    assert not verify_beacon(QUICKNET, b)


@pytest.mark.parametrize("bit", [0, 7, 100, 383])
def test_flipped_signature_bit_fails(bit: int) -> None:
    sig = bytearray.fromhex(REAL[0]["signature"])
    sig[bit // 8] ^= 0x80 >> (bit % 8)
    b = Beacon(round=REAL[0]["round"], signature=bytes(sig))
    assert not verify_beacon(QUICKNET, b)


def test_wrong_public_key_fails() -> None:
    wrong = replace(QUICKNET, public_key=bytes.fromhex(OTHER["public_key"]))
    assert not verify_beacon(wrong, _beacon(REAL[0]))


def test_other_chain_vector() -> None:
    b = _beacon(OTHER)
    assert verify_beacon(OTHER_CHAIN, b)
    assert not verify_beacon(OTHER_CHAIN, replace(b, round=55))
    assert not verify_beacon(OTHER_CHAIN, replace(b, round=2))
    assert not verify_beacon(QUICKNET, b)


def test_wrong_randomness_claim_fails() -> None:
    v = dict(REAL[0], randomness=REAL[1]["randomness"])
    with pytest.raises(BeaconError, match=r"randomness is not SHA-256\(signature\)"):
        check_beacon(QUICKNET, _beacon(v))


def test_bad_signature_encodings_fail_with_clear_message() -> None:
    r = REAL[0]["round"]
    with pytest.raises(BeaconError, match="must be 48 bytes"):
        check_beacon(QUICKNET, Beacon(round=r, signature=b"\x01" * 96))
    with pytest.raises(BeaconError, match="point at infinity"):
        check_beacon(QUICKNET, Beacon(round=r, signature=G1Point.identity().to_compressed_bytes()))
    with pytest.raises(BeaconError, match="not a valid G1 point"):
        check_beacon(QUICKNET, Beacon(round=r, signature=b"\x00" * 48))


def test_point_outside_subgroup_is_refused() -> None:
    # Find an on-curve point that is not in the prime-order subgroup (almost every x works).
    for i in range(256):
        raw = bytearray(hashlib.sha256(bytes([i])).digest() + bytes(16))
        raw[0] = (raw[0] & 0x1F) | 0x80
        try:
            p = G1Point.from_compressed_bytes_unchecked(bytes(raw))
        except ValueError:
            continue
        if not p.is_in_subgroup():
            break
    else:  # pragma: no cover
        pytest.fail("no test point found")
    with pytest.raises(BeaconError, match="not a valid G1 point"):
        check_beacon(QUICKNET, Beacon(round=1, signature=bytes(raw)))


def test_identity_public_key_is_refused() -> None:
    # With pk = infinity every round would "verify" an infinity signature; refuse the key.
    bad = replace(QUICKNET, public_key=G2Point.identity().to_compressed_bytes())
    with pytest.raises(ChainError, match="point at infinity"):
        check_public_key(bad)
    assert not verify_beacon(bad, _beacon(REAL[0]))
    with pytest.raises(ChainError, match="not a valid compressed G2"):
        check_public_key(replace(QUICKNET, public_key=b"\x00" * 96))


@pytest.mark.parametrize("rnd", [0, -1, 2**64])
def test_out_of_range_rounds_fail(rnd: int) -> None:
    with pytest.raises(BeaconError, match="round must be"):
        check_beacon(QUICKNET, Beacon(round=rnd, signature=bytes.fromhex(REAL[0]["signature"])))


def test_beacon_json_round_trip_and_parsing() -> None:
    b = _beacon(REAL[1])
    assert beacon_from_json(beacon_to_json(b)) == b
    assert beacon_to_json(b) == {k: REAL[1][k] for k in ("round", "randomness", "signature")}
    with pytest.raises(BeaconError, match="lowercase hex"):
        beacon_from_json(beacon_to_json(b) | {"signature": REAL[1]["signature"].upper()})
    with pytest.raises(BeaconError, match="'round' must be an integer"):
        beacon_from_json(beacon_to_json(b) | {"round": "123"})
    with pytest.raises(BeaconError, match="32 bytes"):
        beacon_from_json(beacon_to_json(b) | {"randomness": "00"})
    with pytest.raises(BeaconError):
        beacon_from_json("not an object")


def test_hash_to_curve_agrees_with_independent_implementation() -> None:
    # py_ecc (pure Python) and arkworks (Rust) must agree on RFC 9380 hash_to_G1 with our DST.
    from py_ecc.bls.hash_to_curve import hash_to_G1
    from py_ecc.optimized_bls12_381 import normalize

    msg = beacon_message(REAL[0]["round"])
    x, y = normalize(hash_to_G1(msg, DST_G1, hashlib.sha256))
    xy = G1Point.hash_to_curve(msg, DST_G1).to_xy_bytes_be()
    assert (int(x), int(y)) == (int.from_bytes(xy[:48], "big"), int.from_bytes(xy[48:], "big"))
