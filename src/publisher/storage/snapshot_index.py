"""Validated-snapshot index: a snapshot blob this machine already checked is read back fast.

Why: reading a canonical snapshot means checking every line (UTF-8, JSON, byte-identical
canonical form, key set, types, order) — ~5 µs a line, most of a lock at N = 10^6. Once a blob
has passed every check here, the records are kept in a compact local file (each record's
attribute dict, pickled in chunks, so memory stays one chunk and a record is rebuilt with one
C-level unpickle and one ``__dict__`` assignment) keyed by the blob's SHA-256, the record type and the code
version, authenticated with this machine's random key (see ``verify_cache``). A later read
re-hashes the blob file (0.1 µs a line) and uses the index only if the hash is the digest it
was asked for and the whole index authenticates; anything else reads the blob the slow way.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from ..directory.records import Inspector, Target
from ..directory.snapshot import iter_snapshot
from .verify_cache import cache_root, code_version, machine_key

R = TypeVar("R", Target, Inspector)
CHUNK = 4096
MAGIC = b"publisher-snapshot-index/3\n"  # /3: rows are the records' attribute dicts (were tuples)
_new, _set = object.__new__, object.__setattr__


def _sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return _sha256_stream(f)


def _sha256_stream(f: IO[bytes]) -> str:
    h = hashlib.sha256()
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def _index_path(root: Path, digest: str, record_type: type, validate: bool) -> Path:
    mode = "valid" if validate else "canonical"
    return root / "snapshots" / code_version()[:32] / f"{digest}.{record_type.__name__}.{mode}.idx"


def iter_records(path: Path | str, digest: str, record_type: type[R] = Target,  # type: ignore[assignment]
                 *, validate: bool = True, root: Path | None = None) -> Iterator[R]:
    """The records of snapshot blob ``path`` (which must hash to ``digest``), exactly as
    ``iter_snapshot(open(path, "rb"), record_type, validate=validate)`` yields them, using or
    writing this machine's index of that blob."""
    with open(path, "rb") as f:
        yield from iter_blob_records(f, digest, record_type, validate=validate, root=root)


def iter_blob_records(f: IO[bytes], digest: str, record_type: type[R] = Target,  # type: ignore[assignment]
                      *, validate: bool = True, name: str | None = None,
                      root: Path | None = None) -> Iterator[R]:
    """As :func:`iter_records`, over a blob the caller opened (the ledger opens blobs without
    following symlinks); the stream is read from its start. ``name`` words refusals."""
    root = root or cache_root()
    try:
        key = machine_key(root)
    except OSError:
        key = None
    if not f.seekable():
        yield from _plain(f, record_type, validate, name)
        return
    f.seek(0)
    if key is None or _sha256_stream(f) != digest:
        f.seek(0)
        yield from _plain(f, record_type, validate, name)
        return
    f.seek(0)
    for mode in ((True, False) if not validate else (True,)):  # a fully validated index serves both
        idx = _index_path(root, digest, record_type, mode)
        if _authentic(idx, key):
            yield from _read(idx, record_type)
            return
    yield from _build(f, digest, _index_path(root, digest, record_type, validate), key, record_type, validate, name)


class _HashingReader:
    """The lines ``iter_snapshot`` reads, hashed as they go: the index written while building
    is kept only if the bytes actually parsed hash to the digest (the file may change between
    the first hash and this read)."""

    def __init__(self, f: IO[bytes]):
        self.f, self.h = f, hashlib.sha256()
        self.name = getattr(f, "name", None)

    def readline(self, limit: int = -1) -> bytes:
        line = self.f.readline(limit)
        self.h.update(line)
        return line

    def complete(self, digest: str) -> bool:
        self.h.update(self.f.read())  # anything iter_snapshot did not read (nothing, for a whole read)
        return self.h.hexdigest() == digest


def _plain(f: IO[bytes], record_type: type[Any], validate: bool, name: str | None = None) -> Iterator[Any]:
    return iter_snapshot(f, record_type, validate=validate, name=name)


def _authentic(idx: Path, key: bytes) -> bool:
    try:
        size = idx.stat().st_size
        with open(idx, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return False
            mac = hmac.new(key, digestmod=hashlib.sha256)
            left = size - len(MAGIC) - 32
            while left > 0:
                block = f.read(min(left, 1 << 20))
                if not block:
                    return False
                mac.update(block)
                left -= len(block)
            return hmac.compare_digest(mac.digest(), f.read(32))
    except OSError:
        return False


def _read(idx: Path, record_type: type[Any]) -> Iterator[Any]:
    """Records exactly as the snapshot reader made them: its attribute dict (with ``sealed``
    only when the reader set it) becomes the new record's ``__dict__``."""
    with open(idx, "rb") as f:
        f.seek(len(MAGIC))
        end = idx.stat().st_size - 32
        while f.tell() < end:
            n = int.from_bytes(f.read(4), "big")
            for attrs in pickle.loads(f.read(n)):
                rec: Any = _new(record_type)
                _set(rec, "__dict__", attrs)
                yield rec


def _build(f: IO[bytes], digest: str, idx: Path, key: bytes, record_type: type[Any], validate: bool,
           name: str | None) -> Iterator[Any]:
    """Read the blob the slow way, writing the index as we go; kept only if the read completes."""
    try:
        for d in (idx.parent.parent.parent, idx.parent.parent, idx.parent):
            d.mkdir(exist_ok=True, mode=0o700)
        tmp = idx.with_suffix(f".tmp{os.getpid()}")
        out = os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
    except OSError:
        yield from _plain(f, record_type, validate, name)
        return
    mac = hmac.new(key, digestmod=hashlib.sha256)
    done = False
    buf: list[dict[str, Any]] = []

    def flush() -> None:
        data = pickle.dumps(buf, protocol=pickle.HIGHEST_PROTOCOL)
        block = len(data).to_bytes(4, "big") + data
        mac.update(block)
        out.write(block)
        buf.clear()

    try:
        out.write(MAGIC)
        reader = _HashingReader(f)
        for rec in _plain(reader, record_type, validate, name):  # type: ignore[arg-type]
            buf.append(dict(rec.__dict__))
            if len(buf) >= CHUNK:
                flush()
            yield rec
        if buf:
            flush()
        if not reader.complete(digest):
            return
        out.write(mac.digest())
        out.close()
        os.replace(tmp, idx)
        done = True
    finally:
        if not done:
            out.close()
            tmp.unlink(missing_ok=True)
