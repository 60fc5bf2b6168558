"""Entry file edges the envelope tests do not reach: the size limit at its exact byte, and the
UTC time form on a machine whose clock is set to Beijing time (an office clerk's computer)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from publisher.core.bounds import MAX_ENTRY_BYTES
from publisher.core.entry import EnvelopeError, format_time, from_bytes, sign_entry
from publisher.core.keys import SigningKey

KEY = SigningKey.from_seed(hashlib.sha256(b"entry-edges-bite").digest())


def big_entry_file(size: int) -> bytes:
    """A valid entry whose file is exactly ``size`` bytes: a body large enough that trailing
    whitespace up to the size is within the padding allowance (bounds.PAD_FACTOR)."""
    e = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                   body={"title": "t", "text": "x" * (MAX_ENTRY_BYTES // 3)}, key=KEY)
    data = e.to_file_bytes()
    assert len(data) < size
    return data + b" " * (size - len(data))


def test_entry_file_of_exactly_the_limit_is_read():
    data = big_entry_file(MAX_ENTRY_BYTES)
    assert len(data) == MAX_ENTRY_BYTES
    assert from_bytes(data).body["text"] == "x" * (MAX_ENTRY_BYTES // 3)


def test_entry_file_one_byte_over_the_limit_is_refused_by_size():
    with pytest.raises(EnvelopeError) as exc:
        from_bytes(big_entry_file(MAX_ENTRY_BYTES + 1))
    assert str(exc.value) == f"entry file is larger than {MAX_ENTRY_BYTES} bytes (the limit)"


@pytest.fixture
def beijing_clock(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_format_time_is_utc_whatever_the_machine_clock(beijing_clock):
    beijing = timezone(timedelta(hours=8))
    assert format_time(datetime(2026, 4, 1, 1, 0, tzinfo=beijing)) == "2026-03-31T17:00:00Z"
    assert format_time(datetime(2026, 4, 1, 1, 0, tzinfo=UTC)) == "2026-04-01T01:00:00Z"


def test_duplicate_member_is_refused_with_the_bounds_message():
    with pytest.raises(EnvelopeError) as exc:
        from_bytes(b'{"v": 1, "v": 1}')
    assert str(exc.value) == 'duplicate member "v"'


def test_padding_allowance_at_its_exact_byte():
    from publisher.core.bounds import PAD_FACTOR, PAD_SLACK

    e = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                   body={"title": "t", "text": "x"}, key=KEY)
    canonical = len(e.signed) + 120  # the envelope's "sig" member is not in the signed bytes
    limit = PAD_FACTOR * canonical + PAD_SLACK
    data = e.to_file_bytes()
    assert from_bytes(data + b" " * (limit - len(data))).id == e.id
    with pytest.raises(EnvelopeError) as exc:
        from_bytes(data + b" " * (limit + 1 - len(data)))
    assert str(exc.value) == (f"entry file is {limit + 1} bytes, more than {PAD_FACTOR} × its canonical size "
                              f"({canonical}) + {PAD_SLACK}: padded")


def test_a_lone_surrogate_escape_in_a_body_is_refused_by_the_envelope():
    """JSON lets a file write ``\\ud800`` (half a character); Python's parser takes it, and a name
    holding it would reach every page and the lookup, which cannot encode it. The envelope refuses
    the entry (verify reports it as an envelope error of that file), naming the reason, before
    anything is built from it."""
    from publisher.core.canonical import CanonicalError

    e = sign_entry(type="notice", office="scjgj", seq=1, prev=None, time="2026-01-01T00:00:00Z",
                   body={"title": "PLACEHOLDER", "text": "x"}, key=KEY)
    data = e.to_file_bytes().replace(b"PLACEHOLDER", b"\\ud800")
    assert b"\\ud800" in data
    with pytest.raises(CanonicalError) as exc:
        from_bytes(data)
    assert str(exc.value) == "input contains non-UTF-8 codepoints"
