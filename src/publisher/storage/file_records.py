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

from .ledger_dir import read_regular

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


def _same(path: str, record: bytes, cap: int) -> bool:
    meta, digest = record[:META.size], record[META.size:]
    if meta != RACY:
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if stat.S_ISREG(st.st_mode) and _meta(st, time.time_ns()) == meta:
            return True
    try:
        return hashlib.sha256(read_regular(path, cap, "ledger entry")).digest() == digest
    except OSError:
        return False


def unchanged(paths: Iterable[str], records: bytes, cap: int) -> bool:
    """True if every file still holds the bytes recorded for it (paths in record order)."""
    n = 0
    for i, path in enumerate(paths):
        if not _same(path, records[i * RECORD:(i + 1) * RECORD], cap):
            return False
        n = i + 1
    return n * RECORD == len(records)


def settle(paths: Iterable[str], records: bytes, cap: int) -> bytes:
    """``records`` with racy ones given metadata where the file has since settled (its ctime now
    older than ``RACY_NS``) and still holds the recorded bytes; so a push's new files are compared
    by content once or twice, not on every later run."""
    out = bytearray(records)
    for i, path in enumerate(paths):
        at = i * RECORD
        if out[at:at + META.size] != RACY:
            continue
        try:
            data, rec = read_recorded(path, cap, "ledger entry")
        except OSError:
            continue
        if rec[META.size:] == out[at + META.size:at + RECORD] and rec[:META.size] != RACY:
            out[at:at + META.size] = rec[:META.size]
    return bytes(out)


def racy_count(records: bytes) -> int:
    return sum(records[i:i + META.size] == RACY for i in range(0, len(records), RECORD))
