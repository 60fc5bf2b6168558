"""The age container: strict header parsing, header MAC, STREAM payload, armor."""

from __future__ import annotations

import base64

import pytest

from publisher.timelock import TimelockMalformed, TimelockTampered, age

KEY, NONCE = b"k" * 16, b"n" * 16


def _file(plaintext: bytes = b"secret", body: bytes = b"b" * 128) -> bytes:
    return age.encode([age.Stanza(("tlock", "7", "ab" * 32), body)], KEY, NONCE, plaintext)


def test_header_layout_is_the_age_v1_grammar():
    data = _file()
    head, _, rest = data.partition(b"\n--- ")
    lines = head.split(b"\n")
    assert lines[0] == b"age-encryption.org/v1"
    assert lines[1] == b"-> tlock 7 " + b"ab" * 32
    assert [len(ln) for ln in lines[2:]] == [64, 64, 43]  # 128 bytes = 171 base64 chars, unpadded
    mac_b64 = rest.split(b"\n", 1)[0]
    assert len(mac_b64) == 43 and age.header_mac(KEY, head + b"\n---") == base64.b64decode(mac_b64 + b"=")


def test_a_body_of_exactly_64_columns_gets_an_empty_final_line():
    st = age.Stanza(("x",), b"z" * 48)  # 48 bytes = 64 base64 chars
    assert st.encode().endswith(b"\n" + base64.b64encode(b"z" * 48) + b"\n\n")
    f = age.parse(age.encode([st], KEY, NONCE, b"p"))
    assert f.stanzas[0].body == b"z" * 48


def test_parse_round_trip_and_payload():
    f = age.parse(_file(b"hello"))
    assert f.stanzas[0].args == ("tlock", "7", "ab" * 32) and f.stanzas[0].body == b"b" * 128
    assert age.open_payload(KEY, f.payload) == b"hello"


@pytest.mark.parametrize("size", [0, 1, 65536, 65537, 3 * 65536 + 5])
def test_stream_chunking(size):
    pt = bytes(i % 251 for i in range(size))
    sealed = age.seal_payload(KEY, NONCE, pt)
    chunks = max(1, -(-size // 65536))
    assert len(sealed) == size + 16 * chunks
    assert age.open_payload(KEY, NONCE + sealed) == pt


def test_stream_rejects_a_dropped_final_chunk():
    sealed = age.seal_payload(KEY, NONCE, b"x" * 70000)
    with pytest.raises(TimelockTampered, match="tlock.tampered: age payload chunk 0 fails authentication"):
        age.open_payload(KEY, NONCE + sealed[:65536 + 16])  # first chunk alone, not marked last


def test_stream_rejects_a_flipped_bit():
    data = bytearray(_file(b"hello"))
    data[-3] ^= 1
    with pytest.raises(TimelockTampered, match="fails authentication"):
        age.open_payload(KEY, age.parse(bytes(data)).payload)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.replace(b"age-encryption.org/v1", b"age-encryption.org/v2"), "not an age v1 file"),
    (lambda d: d.replace(b"-> tlock 7 ", b"-> tlock  7 "), "non-empty printable ASCII"),
    (lambda d: d.replace(b"\n--- ", b"\n-- "), "does not end with a '--- MAC' line"),
    (lambda d: d.replace(b"\n--- ", b"=\n--- "), "not unpadded base64"),
    (lambda d: d[:d.index(b"--- ") + 10], "MAC line is not terminated"),
])
def test_malformed_headers_are_refused(mutate, message):
    with pytest.raises(TimelockMalformed, match=message):
        age.parse(mutate(_file()))


def test_non_canonical_base64_is_refused():
    # 'YQ' is canonical for b'a'; 'YR' decodes to the same byte with non-zero trailing bits
    assert age.b64raw_decode(b"YQ", "x") == b"a"
    with pytest.raises(TimelockMalformed, match="not canonical base64"):
        age.b64raw_decode(b"YR", "x")


def test_armor_round_trip_and_strictness():
    data = _file()
    arm = age.armor(data)
    assert arm.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n") and arm.endswith(b"-----END AGE ENCRYPTED FILE-----\n")
    assert all(len(ln) <= 64 for ln in arm.split(b"\n"))
    assert age.dearmor(b"\n  " + arm + b"\n\n") == data
    lines = arm.split(b"\n")
    rewrapped = b"\n".join([lines[0], lines[1] + lines[2]] + lines[3:])
    with pytest.raises(TimelockMalformed, match="64 columns"):
        age.dearmor(rewrapped)
    with pytest.raises(TimelockMalformed, match="one '-----BEGIN/END"):
        age.dearmor(b"junk" + arm)
