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
