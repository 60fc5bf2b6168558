"""RFC 8785 vectors and the entry envelope's strictness."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from publisher.core.canonical import CanonicalError, canonical_bytes, tagged_hash
from publisher.core.entry import EnvelopeError, from_bytes, from_json, sign_entry
from publisher.core.keys import SigningKey

VEC = json.loads((Path(__file__).parents[1] / "vectors" / "jcs-rfc8785-cyberphone.json").read_text())


@pytest.mark.parametrize("case", VEC["cases"], ids=[c["name"] for c in VEC["cases"]])
def test_rfc8785_cyberphone_cases(case):
    out = canonical_bytes(json.loads(case["input_text"]))
    assert out == case["expected_output"].encode("utf-8")
    assert out.hex() == case["expected_output_hex"]


@pytest.mark.parametrize("s", VEC["es6_number_samples"], ids=lambda s: s["ieee754_hex"])
def test_rfc8785_number_serialisation(s):
    value = struct.unpack(">d", bytes.fromhex(s["ieee754_hex"].zfill(16)))[0]
    assert canonical_bytes(value).decode() == s["expected"]


def test_non_finite_refused():
    with pytest.raises(CanonicalError):
        canonical_bytes(float("nan"))


def test_tagged_hash_is_domain_separated():
    assert tagged_hash("a", b"bc") != tagged_hash("ab", b"c")


KEY = SigningKey.from_seed(b"\x07" * 32)


def good() -> dict:
    return sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                      body={"title": "t", "text": "x"}, key=KEY).to_json()


def test_roundtrip_is_whitespace_independent():
    obj = good()
    a = from_bytes(json.dumps(obj).encode())
    b = from_bytes(json.dumps(obj, indent=4, ensure_ascii=False).encode())
    assert a.id == b.id and a.verify_signature(KEY.public)


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o.pop("prev"), "missing ['prev']"),
    (lambda o: o.update(extra=1), "unknown ['extra']"),
    (lambda o: o.update(office="SCJGJ"), "not a valid office code"),
    (lambda o: o.update(office="scjgj\n"), "not a valid office code"),
    (lambda o: o.update(time="2026-01-01T00:00:00Z\n"), "is not UTC"),
    (lambda o: o.update(seq=0), "seq must be an integer >= 1"),
    (lambda o: o.update(seq=True), "seq must be an integer >= 1"),
    (lambda o: o.update(prev="ab"), "prev must be null or 64"),
    (lambda o: o.update(time="2026-01-01 00:00:00"), "is not UTC"),
    (lambda o: o.update(body=[]), "body must be an object"),
    (lambda o: o["sig"].update(key="xyz"), "sig.key must be 16"),
    (lambda o: o["sig"].update(ed25519="!!!"), "not valid base64"),
    (lambda o: o["sig"].update(ed25519="AAAA"), "64 bytes"),
    (lambda o: o.update(v=2), "unsupported envelope version"),
])
def test_envelope_errors_are_precise(mutate, message):
    obj = good()
    mutate(obj)
    with pytest.raises(EnvelopeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        from_json(obj)


def test_not_json():
    with pytest.raises(EnvelopeError, match="not valid UTF-8 JSON"):
        from_bytes(b"\xff{")
