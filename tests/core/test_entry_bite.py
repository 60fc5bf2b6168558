"""The envelope parser: every guard with its exact message, at its boundary, in both directions."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from publisher.core.canonical import canonical_bytes
from publisher.core.entry import EnvelopeError, format_time, from_bytes, from_json, parse_time, sign_entry
from publisher.core.keys import SigningKey

KEY = SigningKey.from_seed(hashlib.sha256(b"entry-bite").digest())


def good(**over) -> dict:
    e = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                   body={"title": "t", "text": "x"}, key=KEY)
    obj = e.to_json()
    obj.update(over)
    return obj


def refused(obj) -> str:
    with pytest.raises(EnvelopeError) as exc:
        from_json(obj)
    return str(exc.value)


def test_good_entry_fields_and_id():
    obj = good()
    e = from_json(obj)
    assert (e.type, e.office, e.seq, e.prev, e.time, e.v, e.key) == ("notice", "scjgj", 1, None,
                                                                      "2026-01-01T00:00:00Z", 1, KEY.id)
    unsigned = {k: obj[k] for k in ("v", "type", "office", "seq", "prev", "time", "body")}
    assert e.signed == canonical_bytes(unsigned)
    assert e.id == hashlib.sha256(e.signed).hexdigest()
    assert e.verify_signature(KEY.public)
    assert not e.verify_signature(SigningKey.from_seed(b"\1" * 32).public)
    assert from_bytes(e.to_file_bytes()) == e and from_bytes(e.to_file_bytes()).id == e.id
    assert e.to_file_bytes().endswith(b"}\n") and b"\n \"body\"" in e.to_file_bytes()


def test_signature_over_another_key_id_is_refused_even_if_valid():
    e = from_json(good())
    other = SigningKey.from_seed(b"\2" * 32)
    forged = from_json({**good(), "sig": {"key": other.id, "ed25519": base64.b64encode(KEY.sign(e.signed)).decode()}})
    assert not forged.verify_signature(KEY.public) and not forged.verify_signature(other.public)


@pytest.mark.parametrize("obj,message", [
    ([], "an entry must be a JSON object"),
    ({"v": 1}, "envelope fields wrong (missing ['body', 'office', 'prev', 'seq', 'sig', 'time', 'type'], unknown [])"),
])
def test_shape(obj, message):
    assert refused(obj) == message


def test_missing_and_unknown_fields_are_named():
    obj = good(extra=1)
    del obj["prev"]
    assert refused(obj) == "envelope fields wrong (missing ['prev'], unknown ['extra'])"


@pytest.mark.parametrize("field,value,message", [
    ("sig", "x", "sig must be {key, ed25519}"),
    ("sig", {"key": "00" * 8}, "sig must be {key, ed25519}"),
    ("v", 2, "unsupported envelope version 2"),
    ("v", 0, "unsupported envelope version 0"),
    ("type", 7, "type must be a string"),
    ("office", "s", "office 's' is not a valid office code"),
    ("office", "s" * 33, f"office {'s' * 33!r} is not a valid office code"),
    ("office", "scjgj\n", "office 'scjgj\\n' is not a valid office code"),
    ("office", "1abc", "office '1abc' is not a valid office code"),
    ("office", "Scjgj", "office 'Scjgj' is not a valid office code"),
    ("office", 5, "office 5 is not a valid office code"),
    ("seq", 0, "seq must be an integer >= 1"),
    ("seq", -1, "seq must be an integer >= 1"),
    ("seq", True, "seq must be an integer >= 1"),
    ("seq", "1", "seq must be an integer >= 1"),
    ("prev", "AB" * 32, "prev must be null or 64 lowercase hex characters"),
    ("prev", "ab" * 32 + "\n", "prev must be null or 64 lowercase hex characters"),
    ("prev", "ab" * 31, "prev must be null or 64 lowercase hex characters"),
    ("prev", 5, "prev must be null or 64 lowercase hex characters"),
    ("time", "2026-01-01T00:00:00Z\n", "time '2026-01-01T00:00:00Z\\n' is not UTC YYYY-MM-DDTHH:MM:SSZ"),
    ("time", "2026-01-01T00:00:00+08:00", "time '2026-01-01T00:00:00+08:00' is not UTC YYYY-MM-DDTHH:MM:SSZ"),
    ("time", "2026-02-30T00:00:00Z", "day is out of range for month"),
    ("time", 5, "time 5 is not UTC YYYY-MM-DDTHH:MM:SSZ"),
    ("body", [], "body must be an object"),
])
def test_each_envelope_guard(field, value, message):
    assert refused(good(**{field: value})) == message


@pytest.mark.parametrize("field,value", [("office", "ab"), ("office", "a" + "b" * 31), ("office", "a-1"),
                                         ("seq", 1), ("seq", 10**12), ("prev", "0f" * 32),
                                         ("time", "1999-12-31T23:59:59Z")])
def test_boundary_values_accepted(field, value):
    assert getattr(from_json(good(**{field: value})), field) == value


@pytest.mark.parametrize("sig,message", [
    ({"key": "AB" * 8, "ed25519": "x"}, "sig.key must be 16 lowercase hex characters"),
    ({"key": "ab" * 8 + "\n", "ed25519": "x"}, "sig.key must be 16 lowercase hex characters"),
    ({"key": "ab" * 7, "ed25519": "x"}, "sig.key must be 16 lowercase hex characters"),
    ({"key": 1, "ed25519": "x"}, "sig.key must be 16 lowercase hex characters"),
    ({"key": "ab" * 8, "ed25519": "***"}, "sig.ed25519 is not valid base64"),
    ({"key": "ab" * 8, "ed25519": 5}, "sig.ed25519 is not valid base64"),
    ({"key": "ab" * 8, "ed25519": base64.b64encode(b"\0" * 63).decode()}, "sig.ed25519 must decode to 64 bytes"),
    ({"key": "ab" * 8, "ed25519": base64.b64encode(b"\0" * 65).decode()}, "sig.ed25519 must decode to 64 bytes"),
])
def test_signature_field_guards(sig, message):
    assert refused(good(sig=sig)) == message


def test_from_bytes_errors():
    with pytest.raises(EnvelopeError, match=r"^not valid UTF-8 JSON: "):
        from_bytes(b"\xff{}")
    with pytest.raises(EnvelopeError, match=r"^not valid UTF-8 JSON: Expecting value"):
        from_bytes(b"")


def test_time_round_trip():
    t = parse_time("2026-03-31T17:00:00Z")
    assert t == datetime(2026, 3, 31, 17, tzinfo=UTC)
    assert format_time(t) == "2026-03-31T17:00:00Z"
    assert format_time(datetime(2026, 4, 1, 1, tzinfo=timezone(timedelta(hours=8)))) == "2026-03-31T17:00:00Z"


def test_sign_entry_signs_what_a_reader_decodes():
    e = sign_entry(type="notice", office="scjgj", seq=2, prev="ab" * 32, time="2026-01-01T00:00:00Z",
                   body={"title": "t", "text": "x", "n": (1, 2)}, key=KEY)
    assert e.body == {"title": "t", "text": "x", "n": [1, 2]}
    back = from_bytes(json.dumps(e.to_json()).encode())
    assert back.id == e.id and back.verify_signature(KEY.public) and back.prev == "ab" * 32 and back.seq == 2


def test_file_form_keeps_chinese_and_sorts_keys():
    e = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                   body={"title": "通知", "text": "x"}, key=KEY)
    data = e.to_file_bytes()
    assert "通知".encode() in data and b"\\u" not in data
    keys = [line.split(b'"')[1] for line in data.splitlines() if line.startswith(b' "')]
    assert keys == sorted(keys) == [b"body", b"office", b"prev", b"seq", b"sig", b"time", b"type", b"v"]


def test_problem_line_format():
    from publisher.core.rules.base import Problem

    assert Problem("time", "m", "ledger/x.json", "ab" * 32, "001 第七条").line() == \
        f"ERROR ledger/x.json [{'ab' * 8}]: time: m (001 第七条)"
    assert Problem("torn", "m", severity="warning").line() == "WARNING -: torn: m"
