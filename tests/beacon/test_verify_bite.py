"""Beacon parsing: each refusal with its exact message (the message is what an auditor reads)."""

from __future__ import annotations

import pytest

from publisher.beacon import BeaconError, beacon_from_json


@pytest.mark.parametrize("data,message", [
    ([], "beacon must be a JSON object"),
    ({"round": "1"}, "beacon 'round' must be an integer"),
    ({"round": True}, "beacon 'round' must be an integer"),
    ({"round": 1, "signature": "AB", "randomness": "00" * 32}, "beacon 'signature' must be lowercase hex"),
    ({"round": 1, "signature": "abc", "randomness": "00" * 32}, "beacon 'signature' must be lowercase hex"),
    ({"round": 1, "signature": "ab"}, "beacon 'randomness' must be lowercase hex"),
    ({"round": 1, "signature": "ab", "randomness": "00" * 31}, "beacon 'randomness' must be 32 bytes"),
    ({"round": 1, "signature": "ab", "randomness": "00" * 33}, "beacon 'randomness' must be 32 bytes"),
])
def test_beacon_from_json_refusals(data, message):
    with pytest.raises(BeaconError) as exc:
        beacon_from_json(data)
    assert str(exc.value) == message


def test_beacon_from_json_keeps_the_claimed_randomness():
    b = beacon_from_json({"round": 7, "signature": "ab" * 48, "randomness": "01" * 32, "previous_signature": "x"})
    assert (b.round, b.signature, b.randomness) == (7, b"\xab" * 48, b"\x01" * 32)
