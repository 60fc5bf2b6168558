"""What the verifier read of each entry file, so a resumed run can tell an unchanged file by its
inode metadata instead of its bytes (as git's index does).

Why: a run that resumes after a verified prefix must know the prefix's entry files are still the
bytes that were verified. Reading them all again costs the whole ledger on every push (a
province: a million small files, disk-bound, tens of minutes). Instead the loader that reads a
file records, from the same open descriptor, the file's identity and times (device, inode,
size, mtime, ctime) and the SHA-256 of the bytes it read; a later run ``lstat``s each file and
reads only those whose metadata differs, comparing their bytes with the recorded digest.

Why metadata is enough on one machine: a write, truncate, rename over or chmod sets the file's
ctime to the current time, and user space cannot set ctime back. A file whose ctime was within
``RACY_NS`` of the moment it was read could still change within the same clock tick without its
ctime moving ("racy", git's term): its record carries no metadata, so it is compared by content
until a later save finds it settled. The records live only in this machine's HMAC-keyed cache
(storage.verify_cache); ``verify --full`` ignores them.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import time
from collections.abc import Iterable

META = struct.Struct(">QQQqq")  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns
RECORD = META.size + 32  # metadata, then the SHA-256 of the bytes read
RACY = bytes(META.size)  # "no metadata": compare by content
RACY_NS = 2_000_000_000


def _meta(st: os.stat_result, now_ns: int) -> bytes:
    if st.st_ctime_ns > now_ns - RACY_NS:
        return RACY
    return META.pack(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_recorded(path: str, cap: int, what: str) -> tuple[bytes, bytes]:
    """The file's bytes (at most ``cap`` + 1, as ledger_dir.read_regular) and its record. The
    metadata is taken from the descriptor before and after the read: if they differ the file
    changed while it was read, and the record says "compare by content"."""
    from .ledger_dir import open_regular

    with os.fdopen(open_regular(path, what), "rb") as f:
        before = os.fstat(f.fileno())
        data = f.read(cap + 1)
        after = os.fstat(f.fileno())
    now = time.time_ns()
    meta = _meta(after, now) if _meta(before, now) == _meta(after, now) else RACY
    return data, meta + hashlib.sha256(data).digest()


def _check(path: str, record: bytes, cap: int) -> bytes | None:
    """``record`` if the file is unchanged by its metadata; else, if it still holds the recorded
    bytes, the record with its metadata as now (a checkout that rewrote it costs one read, once);
    else None."""
    meta, digest = record[:META.size], record[META.size:]
    if meta != RACY:
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode) and _meta(st, time.time_ns()) == meta:
            return record
    try:
        data, now = read_recorded(path, cap, "ledger entry")
    except OSError:
        return None
    return now if now[META.size:] == digest else None


def unchanged(paths: Iterable[str], records: bytes, cap: int) -> bytes | None:
    """The records, refreshed where only the metadata changed, if every file still holds the
    bytes recorded for it (paths in record order); None if any does not.

    The common case (metadata as recorded) is checked inline, against one clock reading taken
    before the first ``lstat``: a file changed during the pass has a ctime after it, so it is
    "racy" and goes to :func:`_check`, which compares its bytes (a province: a million files,
    where a call and a clock reading per file were half of this pass)."""
    out = bytearray()
    racy_before = time.time_ns() - RACY_NS
    lstat, pack, is_reg, size = os.lstat, META.pack, stat.S_ISREG, META.size
    at = 0
    for path in paths:
        record = records[at:at + RECORD]
        at += RECORD
        meta = record[:size]
        if meta != RACY:
            try:
                st = lstat(path)
            except OSError:
                return None
            if (is_reg(st.st_mode) and st.st_ctime_ns <= racy_before
                    and pack(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) == meta):
                out += record
                continue
        got = _check(path, record, cap)
        if got is None:
            return None
        out += got
    return bytes(out) if len(out) == len(records) else None


def settle(paths: Iterable[str], records: bytes, cap: int) -> bytes:
    """``records`` with racy ones given metadata where the file has since settled (its ctime now
    older than ``RACY_NS``) and still holds the recorded bytes; so a push's new files are compared
    by content once or twice, not on every later run. ``paths`` is only read as far as the last
    racy record (usually: not at all)."""
    racy = [i for i in range(len(records) // RECORD) if records[i * RECORD:i * RECORD + META.size] == RACY]
    if not racy:
        return records
    out = bytearray(records)
    wanted = set(racy)
    for i, path in enumerate(paths):
        if i > racy[-1]:
            break
        if i not in wanted:
            continue
        at = i * RECORD
        try:
            data, rec = read_recorded(path, cap, "ledger entry")
        except OSError:
            continue
        if rec[META.size:] == out[at + META.size:at + RECORD] and rec[:META.size] != RACY:
            out[at:at + META.size] = rec[:META.size]
    return bytes(out)


def racy_count(records: bytes) -> int:
    return sum(records[i:i + META.size] == RACY for i in range(0, len(records), RECORD))
