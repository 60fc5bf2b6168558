"""Load ledger entries in worker processes, in log order.

Reading, parsing, canonicalising, hashing and the Ed25519 check are independent per entry,
so they spread over cores; everything order-dependent stays in the verifier's single pass.
Results come back in order (``imap``) in chunks, so memory stays bounded.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterator
from typing import Any

from ..core.keys import PublicKey
from ..core.verifier import LOG_LINE_RE, Loaded, load_one

CHUNK = 512
IN_FLIGHT = 4  # chunks per worker queued or being loaded at any time
_root: str = ""
_keys: dict[str, PublicKey] = {}


def _init(root: str, keys: dict[str, PublicKey]) -> None:
    global _root, _keys
    _root, _keys = root, keys


def _read(office: str, seq: int) -> tuple[bytes | str | None, bytes]:
    """The entry's bytes (None if missing; a str saying why if it is not a regular file) and
    what the verification cache records of the file (storage.file_records)."""
    from ..inputs.limits import MAX_ENTRY_BYTES
    from .file_records import read_recorded
    from .ledger_dir import NotRegularFile

    try:
        return read_recorded(os.path.join(_root, "entries", office, f"{seq:08d}.json"), MAX_ENTRY_BYTES,
                             "ledger entry")
    except (FileNotFoundError, NotADirectoryError):
        return None, b""
    except NotRegularFile as exc:
        return exc.why, b""


def _load_chunk(lines: list[tuple[int, str]]) -> list[Loaded]:
    out = []
    for lineno, text in lines:
        m = LOG_LINE_RE.match(text)
        data, record = _read(m.group(1), int(m.group(2))) if m else (None, b"")
        if isinstance(data, str):
            out.append(Loaded(lineno, text, error=data, error_rule="layout"))
            continue
        item = load_one(lineno, text, data, _keys)
        item.file_record = record
        out.append(item)
    return out


def _chunks(lines: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    buf: list[tuple[int, str]] = []
    for item in lines:
        buf.append(item)
        if len(buf) >= CHUNK:
            yield buf
            buf = []
    if buf:
        yield buf


def iter_loaded(root: str, raw_lines: Iterator[tuple[int, str]], keys: dict[str, PublicKey],
                workers: int | None = None) -> Iterator[Loaded]:
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        _init(root, keys)
        for chunk in _chunks(raw_lines):
            yield from _load_chunk(chunk)
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_init, initargs=(root, keys)) as pool:
        # Pool.imap would read the whole log ahead and buffer every result; keep a bounded
        # window of chunks in flight instead, so memory stays flat however long the ledger is.
        pending: deque[Any] = deque()
        for chunk in _chunks(raw_lines):
            pending.append(pool.apply_async(_load_chunk, (chunk,)))
            if len(pending) >= IN_FLIGHT * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
