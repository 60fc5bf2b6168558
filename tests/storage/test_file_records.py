"""A resumed verification trusts an entry file's inode metadata only where the metadata cannot
hide a change: an edit that keeps the size and puts the old mtime back (``touch -r``) still moves
the ctime; a file read within the racy window is compared by content; and an unchanged, settled
file is not read at all (which is the point: a province has a million of them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ledgertools import count_record_reads
from publisher.core.verifier import LOG_LINE_RE, verify
from publisher.ruleset import default_rules
from publisher.storage import file_records
from publisher.storage.file_records import META, RACY, RECORD, read_recorded, settle, unchanged
from publisher.storage.ledger_dir import LedgerDir
from publisher.storage.verify_cache import VerifyCache

REPO = Path(__file__).resolve().parents[2]
CAP = 1 << 20


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (as they are a few seconds after a checkout)."""
    monkeypatch.setattr(file_records, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch):
    """How many files the check reads by content."""
    return count_record_reads(monkeypatch)


def files(tmp_path: Path, n: int = 3) -> list[str]:
    out = []
    for i in range(n):
        p = tmp_path / f"{i:08d}.json"
        p.write_bytes(b'{"n": %d, "time": "2026-01-01"}' % i)
        out.append(str(p))
    return out


def records(paths: list[str]) -> bytes:
    return b"".join(read_recorded(p, CAP, "ledger entry")[1] for p in paths)


def edit_keeping_size_and_mtime(path: str) -> None:
    st = os.stat(path)
    data = Path(path).read_bytes().replace(b"2026", b"2025")
    Path(path).write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns


def test_a_settled_unchanged_file_is_told_by_its_metadata_without_reading_it(tmp_path, settled, reads):
    paths = files(tmp_path)
    recs = records(paths)
    assert len(recs) == 3 * RECORD and recs[:META.size] != RACY
    assert unchanged(paths, recs, CAP)
    assert reads[0] == 0


def test_an_edit_that_keeps_size_and_mtime_is_caught_by_the_ctime(tmp_path, settled):
    paths = files(tmp_path)
    recs = records(paths)
    edit_keeping_size_and_mtime(paths[1])
    assert not unchanged(paths, recs, CAP)


def test_metadata_that_changed_with_the_same_bytes_is_accepted_by_content(tmp_path, settled, reads):
    paths = files(tmp_path)
    recs = records(paths)
    data = Path(paths[2]).read_bytes()
    os.unlink(paths[2])
    Path(paths[2]).write_bytes(data)  # a checkout rewrote it: new inode, same bytes
    fresh = unchanged(paths, recs, CAP)
    assert fresh is not None and reads[0] == 1
    assert fresh[:2 * RECORD] == recs[:2 * RECORD] and fresh[2 * RECORD:] != recs[2 * RECORD:]
    assert fresh[-32:] == recs[-32:]  # same bytes; the metadata is the new file's
    assert unchanged(paths, fresh, CAP) == fresh and reads[0] == 1  # the next run reads nothing


def test_a_file_whose_ctime_is_not_yet_settled_by_the_clock_now_is_compared_by_content(tmp_path, monkeypatch, reads):
    """Recorded as settled, but the clock now reads within RACY_NS of the file's ctime (the clock
    was set back): the metadata alone cannot vouch for it, so its bytes are compared, once per
    file, and its record comes back marked racy."""
    paths = files(tmp_path)
    monkeypatch.setattr(file_records, "RACY_NS", 0)
    recs = records(paths)
    assert recs[:META.size] != RACY
    monkeypatch.setattr(file_records, "RACY_NS", 2_000_000_000)
    ctime = os.stat(paths[0]).st_ctime_ns
    monkeypatch.setattr(file_records.time, "time_ns", lambda: ctime + 1_000_000_000)
    fresh = unchanged(paths, recs, CAP)
    assert fresh is not None and reads[0] == 3
    assert all(fresh[i * RECORD:i * RECORD + META.size] == RACY for i in range(3))
    assert fresh[-32:] == recs[-32:]


def test_a_file_read_in_the_racy_window_is_always_compared_by_content(tmp_path, reads):
    paths = files(tmp_path)
    recs = records(paths)  # just written: ctime within RACY_NS of the read
    assert all(recs[i * RECORD:i * RECORD + META.size] == RACY for i in range(3))
    assert unchanged(paths, recs, CAP)
    assert reads[0] == 3
    edit_keeping_size_and_mtime(paths[0])
    assert not unchanged(paths, recs, CAP)


def test_settle_gives_metadata_only_to_racy_files_that_still_hold_their_bytes(tmp_path, monkeypatch):
    paths = files(tmp_path)
    recs = records(paths)
    Path(paths[1]).write_bytes(b"other bytes")
    monkeypatch.setattr(file_records, "RACY_NS", 0)
    out = settle(paths, recs, CAP)
    assert out[:META.size] != RACY and out[2 * RECORD:2 * RECORD + META.size] != RACY
    assert out[RECORD:RECORD + META.size] == RACY  # changed since it was verified: stays "by content"
    assert out[META.size:RECORD] == recs[META.size:RECORD]  # digests untouched
    assert not unchanged(paths, out, CAP)


@pytest.mark.parametrize("how", ["symlink", "missing", "fewer", "more"])
def test_anything_but_the_same_regular_files_is_a_change(tmp_path, settled, how):
    paths = files(tmp_path)
    recs = records(paths)
    if how == "symlink":
        target = tmp_path / "elsewhere"
        shutil.copy(paths[0], target)
        os.unlink(paths[0])
        os.symlink(target, paths[0])
    elif how == "missing":
        os.unlink(paths[0])
    elif how == "fewer":
        paths = paths[:2]
    else:
        extra = tmp_path / "extra.json"
        extra.write_bytes(b"{}")
        paths = paths + [str(extra)]
    assert not unchanged(paths, recs, CAP)


# -- through the verifier: the resumed run on the same directory -------------------------------


def _entry(ledger: Path, index: int) -> Path:
    m = LOG_LINE_RE.match((ledger / "log").read_text("utf-8").splitlines()[index])
    return ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json"


def run(ledger: Path, cache=None):
    src = LedgerDir(ledger)
    return verify(src, src.trust(), default_rules(), cache=cache, workers=1)


def test_a_resumed_run_reads_no_settled_prefix_file_and_catches_a_touch_r_edit(tmp_path, settled, reads):
    ledger = tmp_path / "county"
    shutil.copytree(REPO / "ledger", ledger)
    cache = VerifyCache(tmp_path / "cache")
    first = run(ledger, cache)
    assert first.ok and first.resumed == 0 and reads[0] == first.size  # the loader read each file once
    reads[0] = 0
    again = run(ledger, cache)
    assert again.resumed == first.size and reads[0] == 0
    assert [p.line() for p in again.problems] == [p.line() for p in first.problems]
    edit_keeping_size_and_mtime(str(_entry(ledger, first.size // 2)))
    full = run(ledger)
    resumed = run(ledger, cache)
    assert resumed.resumed == 0, "a prefix file changed: the saved state must not be used"
    assert [p.line() for p in resumed.problems] == [p.line() for p in full.problems]
    assert any(p.rule == "hash" for p in full.errors)


def test_prefix_files_linked_after_the_save_are_read_once_not_by_every_later_resume(tmp_path, settled, reads):
    """The site build hard-links every published entry file after verification saved its state,
    which moves each file's ctime: the next resume reads each prefix file once, finds the same
    bytes and writes the refreshed records back into the saved state, so the resume after it
    reads none — and an edit made after that is still caught."""
    ledger = tmp_path / "county"
    shutil.copytree(REPO / "ledger", ledger)
    cache = VerifyCache(tmp_path / "cache")
    first = run(ledger, cache)
    assert first.ok and first.resumed == 0
    published = tmp_path / "published"
    for p in sorted((ledger / "entries").rglob("*.json")):
        dst = published / p.relative_to(ledger)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(p, dst)
    reads[0] = 0
    second = run(ledger, cache)
    assert second.resumed == first.size and reads[0] == first.size  # each linked file read once
    reads[0] = 0
    third = run(ledger, cache)
    assert third.resumed == first.size and reads[0] == 0, reads[0]
    assert [p.line() for p in third.problems] == [p.line() for p in first.problems]
    edit_keeping_size_and_mtime(str(_entry(ledger, first.size // 3)))
    assert run(ledger, cache).resumed == 0, "a prefix file changed: the saved state must not be used"


def test_a_state_saved_over_since_it_was_read_is_not_written_back(tmp_path):
    """The write-back checks the file still holds the MAC it read: a state another run saved over
    it in the meantime is left as that run wrote it."""
    import hashlib
    import hmac

    from publisher.storage.verify_cache import MAGIC, _write_back_records

    key = b"k" * 32
    body = b"header" + bytes(RECORD) + b"pickled"
    mac = hmac.new(key, body, hashlib.sha256).digest()
    path = tmp_path / "s.state"
    newer = MAGIC + hmac.new(key, b"other", hashlib.sha256).digest() + b"header" + b"\1" * RECORD + b"pickled"
    path.write_bytes(newer)  # saved over since it was read
    _write_back_records(path, key, mac, memoryview(body), 6, b"\2" * RECORD)
    assert path.read_bytes() == newer
    path.write_bytes(MAGIC + mac + body)  # still the file read: written back, and its MAC verifies
    _write_back_records(path, key, mac, memoryview(body), 6, b"\2" * RECORD)
    data = path.read_bytes()
    assert data[len(MAGIC) + 32 + 6:len(MAGIC) + 32 + 6 + RECORD] == b"\2" * RECORD
    assert data[len(MAGIC):len(MAGIC) + 32] == hmac.new(key, data[len(MAGIC) + 32:], hashlib.sha256).digest()
