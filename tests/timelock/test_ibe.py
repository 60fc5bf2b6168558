"""The IBE layer: GT byte order, the FO transform, and the hashes as drand defines them."""

from __future__ import annotations

import hashlib

import pytest
from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar
from tl_support import QUICKNET, QUICKNET_BEACONS, SIM

from publisher.beacon.verify import beacon_message
from publisher.timelock import TimelockTampered, ibe


def test_gt_bytes_put_the_constant_coefficient_last_big_endian():
    one = ibe.gt_to_bytes(GT.one())
    assert len(one) == 576 and one[-1] == 1 and one[:-1] == bytes(575)


def test_gt_bytes_are_injective_and_bilinear_consistent():
    g1, g2 = G1Point(), G2Point()
    a, b = Scalar(5), Scalar(7)
    assert ibe.gt_to_bytes(GT.pairing(g1 * a, g2 * b)) == ibe.gt_to_bytes(GT.pairing(g1 * Scalar(35), g2))
    assert ibe.gt_to_bytes(GT.pairing(g1 * a, g2)) != ibe.gt_to_bytes(GT.pairing(g1 * b, g2))


def test_h3_is_below_the_group_order_and_follows_the_counter_rule():
    sigma, msg = bytes(range(16)), bytes(range(16, 32))
    r = ibe.h3(sigma, msg)
    h = hashlib.sha256(b"IBE-H3" + sigma + msg).digest()
    d = bytearray(hashlib.sha256((1).to_bytes(2, "little") + h).digest())
    d[0] >>= 1
    first = int.from_bytes(d, "big")
    # top bit cleared leaves < 2^255; R is ~0.45·2^255, so the first try is taken iff it fits
    assert (r.to_be_bytes() == bytes(d)) == (first < ibe.R)
    assert int.from_bytes(r.to_be_bytes(), "big") < ibe.R


def test_round_trip_with_the_rounds_real_signature():
    rnd = 12040883
    ct = ibe.encrypt(QUICKNET.public_key, beacon_message(rnd), b"K" * 16, b"s" * 16)
    assert len(ct.U) == 96 and len(ct.V) == len(ct.W) == 16
    assert ibe.decrypt(QUICKNET_BEACONS[rnd].signature, ct) == b"K" * 16


def test_another_rounds_signature_fails_the_fo_check():
    ct = ibe.encrypt(SIM.chain.public_key, beacon_message(50), b"K" * 16, b"s" * 16)
    with pytest.raises(TimelockTampered, match="tlock.tampered: IBE consistency check"):
        ibe.decrypt(SIM.beacon(51).signature, ct)


@pytest.mark.parametrize("part", ["V", "W"])
def test_flipping_a_bit_of_v_or_w_fails_the_fo_check(part):
    ct = ibe.encrypt(SIM.chain.public_key, beacon_message(50), b"K" * 16, b"s" * 16)
    bad = bytearray(getattr(ct, part))
    bad[3] ^= 0x10
    ct = ibe.Ciphertext(**{**ct.__dict__, part: bytes(bad)})
    with pytest.raises(TimelockTampered, match="consistency check"):
        ibe.decrypt(SIM.beacon(50).signature, ct)


def test_u_not_on_the_curve_is_tampering():
    ct = ibe.encrypt(SIM.chain.public_key, beacon_message(50), b"K" * 16, b"s" * 16)
    bad = ibe.Ciphertext(b"\x9f" + b"\xff" * 95, ct.V, ct.W)
    with pytest.raises(TimelockTampered, match="U is not a G2 point"):
        ibe.decrypt(SIM.beacon(50).signature, bad)


def test_u_at_infinity_even_non_canonically_encoded_is_tampering():
    # arkworks decodes 0xc0 followed by any bytes as the point at infinity; e(sig, ∞) = 1 would
    # make V a known mask, so U must be a canonical, non-identity point
    ct = ibe.encrypt(SIM.chain.public_key, beacon_message(50), b"K" * 16, b"s" * 16)
    for u in (b"\xc0" + bytes(95), b"\xc0" + b"\x01" * 95):
        with pytest.raises(TimelockTampered, match="point at infinity or not canonically encoded"):
            ibe.decrypt(SIM.beacon(50).signature, ibe.Ciphertext(u, ct.V, ct.W))


def test_message_length_limits():
    with pytest.raises(ibe.TimelockError, match="1..32 bytes"):
        ibe.encrypt(SIM.chain.public_key, b"id", b"x" * 33, b"s" * 33)
    with pytest.raises(ibe.TimelockError, match="sigma must be as long"):
        ibe.encrypt(SIM.chain.public_key, b"id", b"x" * 16, b"s" * 15)
