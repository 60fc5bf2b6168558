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
