"""A trailing line feed never satisfies a format.

Python's ``$`` also matches just before a final ``"\\n"``; JavaScript's (the browser verifier's) and
JSON Schema's (ECMA-262) do not. Every parser on the verification path must refuse
``"bureau\\n"``, ``"<hex>\\n"`` …, or the Python verifier says VALID where the browser and any
independent implementation refuse — and two ids that print alike name different things.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from publisher.beacon.chain import ChainError, ChainInfo
from publisher.beacon.verify import BeaconError, beacon_from_json
from publisher.core.entry import EnvelopeError, from_json, sign_entry
from publisher.core.keys import SigningKey
from publisher.core.registration import RegistrationError, check_office_code
from publisher.draw.errors import DrawError
from publisher.draw.strata import parse_stratum
from publisher.storage.beacons import beacon_path

VECTORS = json.loads((Path(__file__).parent / "vectors" / "drand-quicknet.json").read_text())
KEY = SigningKey.from_seed(hashlib.sha256(b"trailing-newline").digest())


def test_entry_office_with_a_trailing_newline_is_refused():
    obj = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                     body={"title": "t", "text": "x"}, key=KEY).to_json()
    assert from_json(dict(obj)).office == "scjgj"
    with pytest.raises(EnvelopeError, match="not a valid office code"):
        from_json(dict(obj, office="scjgj\n"))


def test_registered_office_code_with_a_trailing_newline_is_refused():
    check_office_code("bureau")
    with pytest.raises(RegistrationError):
        check_office_code("bureau\n")


def test_beacon_hex_with_a_trailing_newline_is_refused():
    v = VECTORS["quicknet_beacons"][0]
    good = {k: v[k] for k in ("round", "signature", "randomness")}
    assert beacon_from_json(good).round == v["round"]
    for field in ("signature", "randomness"):
        with pytest.raises(BeaconError, match=f"'{field}' must be lowercase hex"):
            beacon_from_json(dict(good, **{field: good[field] + "\n"}))


def test_chain_hashes_and_beacon_id_with_a_trailing_newline_are_refused():
    q = VECTORS["chains"]["quicknet"]
    base = dict(chain_hash=q["chain_hash"], scheme=q["scheme_id"], public_key=bytes.fromhex(q["public_key_g2_hex"]),
                period=q["period_seconds"], genesis_time=q["genesis_time"])
    ChainInfo(**base, group_hash=q["group_hash_genesis_seed"], beacon_id="quicknet")
    with pytest.raises(ChainError, match="chain_hash"):
        ChainInfo(**dict(base, chain_hash=q["chain_hash"] + "\n"))
    with pytest.raises(ChainError, match="group_hash"):
        ChainInfo(**base, group_hash=q["group_hash_genesis_seed"] + "\n")
    with pytest.raises(ChainError, match="beacon_id"):
        ChainInfo(**base, beacon_id="quicknet\n")


def test_recorded_beacon_path_refuses_a_chain_hash_with_a_trailing_newline(tmp_path):
    h = "ab" * 32
    assert beacon_path(tmp_path, h, 1).name == "1.json"
    with pytest.raises(ValueError):
        beacon_path(tmp_path, h + "\n", 1)


def test_stratum_name_with_a_trailing_newline_is_refused():
    assert parse_stratum({"name": "A", "take": {"count": 1}}).name == "A"
    with pytest.raises(DrawError, match="stratum name"):
        parse_stratum({"name": "A\n", "take": {"count": 1}})
