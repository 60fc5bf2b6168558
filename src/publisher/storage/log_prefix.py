"""The first lines of a ledger's log, told by their bytes.

Why: two caches must know whether the log they last read is the start of the log now — a saved
verify state (storage.verify_cache: its first S lines) and the site manifest (site.incremental:
every complete line the previous build read). Identical bytes are identical lines, so one
SHA-256 over the log's first L bytes answers both, where recomputing the RFC 6962 root of a
million log lines took seconds. A mark is ``[lines, L, sha256 hex]``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from .ledger_dir import open_regular


def _read(log: Path, limit: int = -1) -> bytes | None:
    try:
        fd = open_regular(log, "log")  # never a symlink, never blocking on a FIFO
    except OSError:
        return None
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as f:
        return f.read(limit)


def mark(log: Path, lines: int | None = None) -> list[Any] | None:
    """The mark of the log's first ``lines`` complete lines (every complete line when None; a torn
    last line is never part of it); None when the log is unreadable or has fewer lines."""
    data = _read(log)
    if data is None:
        return None
    if lines is None:
        end = data.rfind(b"\n") + 1
        lines = data.count(b"\n", 0, end)
    else:
        end = 0
        for _ in range(lines):
            nl = data.find(b"\n", end)
            if nl < 0:
                return None
            end = nl + 1
    return [lines, end, hashlib.sha256(memoryview(data)[:end]).hexdigest()]


def holds(log: Path, m: Any) -> bool:
    """Whether the log starts with the lines mark ``m`` stands for (anything else: False)."""
    try:
        lines, length, digest = int(m[0]), int(m[1]), str(m[2])
    except (TypeError, ValueError, IndexError, KeyError):
        return False
    if lines < 0 or length < 0:
        return False
    data = _read(log, length)
    return data is not None and len(data) == length and hashlib.sha256(data).hexdigest() == digest
