"""Signed-note guards the note vectors do not reach, each with its exact message."""

from __future__ import annotations

import pytest

from publisher.core.note import NoteError, Verifier, check_text


@pytest.mark.parametrize("bad", [None, b"name+01234567+AAAA", 7])
def test_vkey_must_be_text(bad):
    with pytest.raises(NoteError, match=r"^vkey must be a string$"):
        Verifier.from_vkey(bad)


@pytest.mark.parametrize("bad", [None, b"text\n"])
def test_note_text_must_be_text(bad):
    with pytest.raises(NoteError, match=r"^note text must be a string$"):
        check_text(bad)


@pytest.mark.parametrize("public", [b"\x01" * 31, b"\x01" * 33, bytearray(32), "x" * 32])
def test_verifier_key_is_32_bytes(public):
    with pytest.raises(NoteError, match=r"^an Ed25519 public key is 32 bytes$"):
        Verifier("portal.test/log", public)
    assert Verifier("portal.test/log", b"\x01" * 32).public == b"\x01" * 32


# --- verifier keys (vkeys): each refusal with its message ---------------------------------------

import base64  # noqa: E402
import hashlib  # noqa: E402

from publisher.core.keys import SigningKey  # noqa: E402
from publisher.core.note import MAX_SIGNATURES, Signer, sign_note  # noqa: E402

SIGNER = Signer("portal.test/log", SigningKey.from_seed(hashlib.sha256(b"note-bite").digest()))


def vkey_with(raw: bytes, key_id: str = "01234567") -> str:
    return f"portal.test/log+{key_id}+{base64.b64encode(raw).decode()}"


@pytest.mark.parametrize("vkey,message", [
    ("portal.test/log+01234567+AAA", "vkey public key is not valid base64"),
    ("portal.test/log+01234567+AR==", "vkey public key is not canonical base64"),
    (vkey_with(b""), "vkey signature type missing is not supported (only 0x01 Ed25519)"),
    (vkey_with(b"\x02" + b"\0" * 32), "vkey signature type 0x02 is not supported (only 0x01 Ed25519)"),
    (vkey_with(b"\x01" + b"\0" * 31), "vkey Ed25519 public key is not 32 bytes"),
    (vkey_with(b"\x01" + b"\0" * 33), "vkey Ed25519 public key is not 32 bytes"),
])
def test_vkey_refusals(vkey, message):
    with pytest.raises(NoteError) as exc:
        Verifier.from_vkey(vkey)
    assert str(exc.value) == message


def test_own_vkey_round_trips():
    assert Verifier.from_vkey(SIGNER.verifier.vkey) == SIGNER.verifier


# --- note text and signers ------------------------------------------------------------------------


@pytest.mark.parametrize("text,message", [
    ("no newline", "note text does not end in a newline"),
    ("tab\there\n", "note text contains control character U+0009"),
])
def test_note_text_refusals(text, message):
    with pytest.raises(NoteError) as exc:
        check_text(text)
    assert str(exc.value) == message


def test_signer_count_limits():
    with pytest.raises(NoteError) as exc:
        sign_note("t\n", [])
    assert str(exc.value) == "a note needs at least one signer"
    many = [Signer(f"w{i}.test", SigningKey.from_seed(hashlib.sha256(b"w%d" % i).digest()))
            for i in range(MAX_SIGNATURES + 1)]
    note = sign_note("t\n", many[:MAX_SIGNATURES])  # exactly the limit: signed
    assert note.count("\n— ") == MAX_SIGNATURES
    with pytest.raises(NoteError) as exc:
        sign_note("t\n", many)
    assert str(exc.value) == f"more than {MAX_SIGNATURES} signers"
