"""check_beacon's refusals, each with its whole message, in the order the checks run.

A test that matches only a fragment ("does not verify") lets the location of the refusal (round,
chain) or another check's text change unnoticed; an auditor reads the whole line.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from py_arkworks_bls12381 import G1Point, G2Point

from publisher.beacon import QUICKNET, Beacon, BeaconError, ChainError, beacon_from_json, check_beacon, verify_beacon
from publisher.beacon.verify import _public_key_point, beacon_message, beacon_to_json, randomness_of

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "drand-quicknet.json").read_text())
REAL = VECTORS["quicknet_beacons"][0]
SIG = bytes.fromhex(REAL["signature"])
R = REAL["round"]
WHERE = f"beacon round {R} of chain 52db9ba7"


def refusal(chain, beacon) -> str:
    with pytest.raises(BeaconError) as exc:
        check_beacon(chain, beacon)
    return str(exc.value)


def test_a_genuine_beacon_passes_and_its_neighbours_do_not():
    check_beacon(QUICKNET, Beacon(R, SIG))
    assert verify_beacon(QUICKNET, Beacon(R, SIG)) is True
    assert refusal(QUICKNET, Beacon(R + 1, SIG)) == (
        f"beacon round {R + 1} of chain 52db9ba7: BLS signature does not verify against the chain public key")
    assert verify_beacon(QUICKNET, Beacon(R + 1, SIG)) is False


def test_unsupported_scheme_is_refused_even_if_the_chain_was_built_around_its_own_check():
    """ChainInfo refuses other schemes when built; check_beacon does not rely on that alone."""
    chain = replace(QUICKNET)
    object.__setattr__(chain, "scheme", "pedersen-bls-chained")
    assert refusal(chain, Beacon(R, SIG)) == f"{WHERE}: unsupported scheme 'pedersen-bls-chained'"


@pytest.mark.parametrize("rnd", [0, 2**64])
def test_round_range_message(rnd):
    assert refusal(QUICKNET, Beacon(rnd, SIG)) == (
        f"beacon round {rnd} of chain 52db9ba7: round must be an integer in 1..2^64-1, got {rnd}")


def test_round_range_edges_are_inside():
    """Rounds are 1 .. 2^64-1 (u64): both ends give a message, not a refusal of the range."""
    assert beacon_message(1) == hashlib.sha256((1).to_bytes(8, "big")).digest()
    assert beacon_message(2**64 - 1) == hashlib.sha256(b"\xff" * 8).digest()
    assert beacon_message(R).hex() == REAL["message_hex"]
    # a valid round with a wrong signature reaches the pairing, not the range check
    assert refusal(QUICKNET, Beacon(2**64 - 1, SIG)).endswith("BLS signature does not verify against the chain public key")


@pytest.mark.parametrize("n", [47, 49, 96, 0])
def test_signature_length_message(n):
    sig = SIG[:n] if n <= 48 else SIG + b"\x00" * (n - 48)
    assert refusal(QUICKNET, Beacon(R, sig)) == f"{WHERE}: signature must be 48 bytes (compressed G1), got {n}"


def test_randomness_claim_message():
    b = Beacon(R, SIG, randomness=b"\x00" * 32)
    assert refusal(QUICKNET, b) == f"{WHERE}: randomness is not SHA-256(signature)"
    assert Beacon(R, SIG).randomness == hashlib.sha256(SIG).digest() == bytes.fromhex(REAL["randomness"])
    assert randomness_of(SIG) == bytes.fromhex(REAL["randomness"])


def test_randomness_claim_is_checked_before_the_signature_point():
    """A malformed signature with a wrong randomness claim is refused for the claim first."""
    assert refusal(QUICKNET, Beacon(R, b"\x00" * 48, randomness=b"\x01" * 32)) == (
        f"{WHERE}: randomness is not SHA-256(signature)")


def test_invalid_point_and_infinity_messages():
    msg = refusal(QUICKNET, Beacon(R, b"\x00" * 48))
    assert msg.startswith(f"{WHERE}: signature is not a valid G1 point (") and msg.endswith(")")
    assert len(msg) > len(f"{WHERE}: signature is not a valid G1 point ()")
    inf = G1Point.identity().to_compressed_bytes()
    assert refusal(QUICKNET, Beacon(R, inf)) == f"{WHERE}: signature is the point at infinity"


def test_public_key_messages():
    bad = replace(QUICKNET, public_key=G2Point.identity().to_compressed_bytes())
    with pytest.raises(ChainError) as exc:
        check_beacon(bad, Beacon(R, SIG))
    assert str(exc.value) == "chain public key is the point at infinity"
    with pytest.raises(ChainError) as exc:
        _public_key_point(b"\x00" * 96)
    assert str(exc.value).startswith("chain public key is not a valid compressed G2 point: ")
    assert len(str(exc.value)) > len("chain public key is not a valid compressed G2 point: ")


def test_constructor_type_messages():
    with pytest.raises(BeaconError) as exc:
        Beacon(R, SIG.hex())
    assert str(exc.value) == "beacon signature must be bytes"
    with pytest.raises(BeaconError) as exc:
        Beacon(R, SIG, randomness=REAL["randomness"])
    assert str(exc.value) == "beacon randomness must be bytes"
    with pytest.raises(BeaconError) as exc:
        Beacon(R, bytearray(SIG))
    assert str(exc.value) == "beacon signature must be bytes"


def test_json_round_trip_keys_are_exact():
    b = Beacon(R, SIG)
    assert beacon_to_json(b) == {"round": R, "randomness": REAL["randomness"], "signature": REAL["signature"]}
    assert list(beacon_to_json(b)) == ["round", "randomness", "signature"]
    assert beacon_from_json(beacon_to_json(b)) == b
    # the empty string is valid hex of zero bytes; the randomness length then decides
    with pytest.raises(BeaconError) as exc:
        beacon_from_json({"round": R, "signature": "", "randomness": ""})
    assert str(exc.value) == "beacon 'randomness' must be 32 bytes"
    with pytest.raises(BeaconError) as exc:
        beacon_from_json({"round": R, "randomness": REAL["randomness"]})
    assert str(exc.value) == "beacon 'signature' must be lowercase hex"
