"""The ledger as a directory of files: the only place that reads or writes ``ledger/``.

Append protocol (crash-safe, see docs/SPEC.md "Storage"): under an exclusive lock, write
the entry to a temp file, fsync, rename into place, fsync the directory, then append one line
to ``log`` and fsync. The log line is the commit point: a crash before it leaves at most an
orphan entry file that is not part of the ledger (verify warns, the next append replaces it).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from filelock import FileLock

from ..core.canonical import sha256_hex
from ..core.entry import Entry, format_time, from_bytes, sign_entry
from ..core.errors import PublisherError
from ..core.keys import SigningKey
from ..core.trust import Trust
from ..portal import load_trust

LOG_LINE_RE = re.compile(r"^([a-z][a-z0-9-]{1,31})/([1-9][0-9]{0,9}) ([0-9a-f]{64})$")


class LedgerIOError(PublisherError):
    """A ledger file could not be read or written; the message names the file."""


class NotRegularFile(LedgerIOError, OSError):
    """A symlink, FIFO, device or directory where a ledger file belongs (never followed or read);
    ``why`` says which, without the path."""

    def __init__(self, path: object, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.why = why


MAX_TRUST_BYTES = 1024 * 1024
MAX_NOTE_BYTES = 64 * 1024


def open_regular(path: Path | str, what: str = "ledger file") -> int:
    """An fd for ``path`` if it is a regular file: symlinks are not followed, a FIFO does not
    block, and anything else is refused before a single byte is read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(path, f"a symlink; a {what} must be a regular file") from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
            "a device or socket"
        raise NotRegularFile(path, f"{kind}; a {what} must be a regular file")
    return fd


def read_regular(path: Path | str, cap: int, what: str = "ledger file") -> bytes:
    """At most ``cap`` + 1 bytes of a regular file (the caller judges an over-long result)."""
    with os.fdopen(open_regular(path, what), "rb") as f:
        return f.read(cap + 1)


@dataclass(frozen=True)
class LogLine:
    office: str
    seq: int
    entry_id: str
    lineno: int  # 1-based line number in ledger/log


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a whole file so readers see either nothing or all of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class LedgerDir:
    def __init__(self, root: Path | str, durable: bool = True):
        """``durable=False`` skips fsync (bulk generation of sample/benchmark ledgers only)."""
        self.root = Path(root)
        self.durable = durable
        self._heads_cache: tuple[int, dict[str, tuple[int, str]]] | None = None
        self.log_path = self.root / "log"
        self.entries_dir = self.root / "entries"
        self.blobs_dir = self.root / "blobs"
        self.checkpoints_dir = self.root / "checkpoints"
        self._lock_obj: FileLock | None = None
        self._lock_pid = -1

    # -- reading -------------------------------------------------------------------------

    def trust(self) -> Trust:
        p = self.root / "trust.json"
        try:
            data = read_regular(p, MAX_TRUST_BYTES, "trust.json")
            if len(data) > MAX_TRUST_BYTES:
                raise LedgerIOError(f"{p}: larger than {MAX_TRUST_BYTES} bytes")
            return load_trust(json.loads(data.decode("utf-8")))
        except FileNotFoundError as exc:
            raise LedgerIOError(f"{p}: missing (run `publisher init` or point --ledger at a ledger)") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LedgerIOError(f"{p}: not valid JSON: {exc}") from exc

    def recorded_beacon(self, chain_hash: str, round_: int) -> Any:
        """A beacon recorded under ``beacons/`` (storage/beacons.py), or None."""
        from .beacons import read_beacon

        return read_beacon(self.root, chain_hash, round_)

    def iter_raw_log(self) -> Iterator[tuple[int, str]]:
        """(line number, line text without newline); a missing log is an empty ledger."""
        try:
            fd = open_regular(self.log_path, "log")
        except FileNotFoundError:
            return
        os.set_blocking(fd, True)
        f = open(fd, encoding="utf-8", newline="\n")
        with f:
            for n, line in enumerate(f, 1):
                yield n, line[:-1] if line.endswith("\n") else line + "\0"  # \0 marks a torn last line

    def iter_log(self) -> Iterator[LogLine]:
        for n, text in self.iter_raw_log():
            m = LOG_LINE_RE.match(text)
            if not m:
                raise LedgerIOError(f"{self.log_path}:{n}: malformed log line {text!r}")
            yield LogLine(m.group(1), int(m.group(2)), m.group(3), n)

    def entry_path(self, office: str, seq: int) -> Path:
        return self.entries_dir / office / f"{seq:08d}.json"

    def rel(self, path: Path) -> str:
        try:
            return str(Path("ledger") / path.relative_to(self.root))
        except ValueError:
            return str(path)

    def read_entry_bytes(self, office: str, seq: int) -> bytes:
        """The file's bytes, at most the entry size limit + 1 (the parser refuses longer ones);
        NotRegularFile for a symlink, FIFO, device or directory."""
        from ..inputs.limits import MAX_ENTRY_BYTES

        return read_regular(self.entry_path(office, seq), MAX_ENTRY_BYTES, "ledger entry")

    def read_entry(self, office: str, seq: int) -> Entry:
        return from_bytes(self.read_entry_bytes(office, seq))

    def iter_entries(self) -> Iterator[tuple[LogLine, Entry]]:
        for line in self.iter_log():
            yield line, self.read_entry(line.office, line.seq)

    def head(self, office: str) -> tuple[int, str | None]:
        """Last (seq, id) of an office according to the log."""
        return self.heads().get(office, (0, None))

    def heads(self) -> dict[str, tuple[int, str]]:
        """Last (seq, id) per office. Cached by log size, so appends stay O(1) while this
        process is the only writer; any other writer changes the size and forces a re-read."""
        try:
            size = self.log_path.stat().st_size
        except FileNotFoundError:
            return {}
        if self._heads_cache is not None and self._heads_cache[0] == size:
            return self._heads_cache[1]
        out: dict[str, tuple[int, str]] = {}
        for line in self.iter_log():
            out[line.office] = (line.seq, line.entry_id)
        self._heads_cache = (size, out)
        return out

    def iter_loaded(self, keys: Any, workers: int | None = None, start: int = 0) -> Iterator[Any]:
        """Entries in log order from log index ``start``, loaded and signature-checked in
        parallel (see storage.parallel)."""
        from itertools import islice

        from .parallel import iter_loaded

        if workers is None:  # small ledgers or increments: no process start-up cost
            workers = 1 if self.size_hint() - start < 2000 else None
        return iter_loaded(str(self.root), islice(self.iter_raw_log(), start, None), keys, workers)

    def size_hint(self) -> int:
        try:
            return self.log_path.stat().st_size // 80
        except FileNotFoundError:
            return 0

    def size(self) -> int:
        return sum(1 for _ in self.iter_raw_log())

    def blob_path(self, digest: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise LedgerIOError(f"invalid blob digest {digest!r}")
        return self.blobs_dir / digest

    def has_blob(self, digest: str) -> bool:
        p = self.blob_path(digest)
        return p.is_file() and not p.is_symlink()

    def open_blob(self, digest: str) -> IO[bytes]:
        try:
            return os.fdopen(open_regular(self.blob_path(digest), "blob"), "rb")
        except FileNotFoundError as exc:
            raise LedgerIOError(f"{self.rel(self.blob_path(digest))}: blob missing") from exc

    def _regular_in(self, d: Path, keep: Callable[[str], Any]) -> list[Path]:
        """Regular files of a real (not symlinked) directory; anything else is left to
        :meth:`layout_problems`."""
        if d.is_symlink() or not d.is_dir():
            return []
        with os.scandir(d) as it:
            return sorted(Path(e.path) for e in it if keep(e.name) and e.is_file(follow_symlinks=False))

    def blob_files(self) -> list[Path]:
        return self._regular_in(self.blobs_dir, lambda n: not n.startswith(".tmp-"))

    def checkpoint_files(self) -> list[Path]:
        return [p for p in self._regular_in(self.checkpoints_dir, lambda n: n.endswith(".note"))
                if p.stat().st_size <= MAX_NOTE_BYTES]

    def layout_problems(self) -> list[tuple[str, str]]:
        """(path, why) for everything that is not a regular file or a real directory where the
        layout wants one, and for files over their size limit. Nothing here is followed or read."""
        from ..inputs.limits import MAX_BLOB_BYTES

        out: list[tuple[str, str]] = []

        def odd(p: Path, want: str) -> str | None:
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                return None
            if want == "dir":
                return None if stat.S_ISDIR(st.st_mode) else "must be a directory (not a symlink or file)"
            if stat.S_ISREG(st.st_mode):
                return None
            kind = "a symlink" if stat.S_ISLNK(st.st_mode) else "a directory" if stat.S_ISDIR(st.st_mode) \
                else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
            return f"is {kind}; ledger files must be regular files"

        for name, want in (("trust.json", "file"), ("log", "file"), ("entries", "dir"), ("blobs", "dir"),
                           ("checkpoints", "dir")):
            why = odd(self.root / name, want)
            if why:
                out.append((self.rel(self.root / name), why))
        for d, limit in ((self.blobs_dir, MAX_BLOB_BYTES), (self.checkpoints_dir, MAX_NOTE_BYTES)):
            if d.is_symlink() or not d.is_dir():
                continue
            with os.scandir(d) as it:
                for e in it:
                    if e.name.startswith(".tmp-") or e.name == ".gitkeep":
                        continue
                    why = odd(Path(e.path), "file")
                    if why is None and e.stat(follow_symlinks=False).st_size > limit:
                        why = f"is larger than {limit} bytes"
                    if why:
                        out.append((self.rel(Path(e.path)), why))
        if self.entries_dir.is_dir() and not self.entries_dir.is_symlink():
            with os.scandir(self.entries_dir) as it:
                for e in it:
                    if e.name != ".gitkeep" and e.is_symlink():
                        out.append((self.rel(Path(e.path)), "is a symlink; office directories must be real directories"))
        return sorted(out)

    def entry_names(self) -> Iterator[tuple[str, list[str]]]:
        """(office directory, file names) under entries/; plain strings, since a ledger may hold
        millions of files and pathlib objects cost more than the check itself."""
        try:
            offices = sorted(os.listdir(self.entries_dir))
        except FileNotFoundError:
            return
        for office in offices:
            d = os.path.join(self.entries_dir, office)
            if os.path.isdir(d) and not os.path.islink(d):
                yield office, [n for n in os.listdir(d) if not n.startswith(".tmp-")]
            else:
                yield "", [office]

    # -- writing -------------------------------------------------------------------------

    def init(self, trust_json: dict[str, Any]) -> None:
        """Create an empty ledger with its trust anchors. Refuses to overwrite one."""
        p = self.root / "trust.json"
        if p.exists():
            raise LedgerIOError(f"{self.rel(p)}: already exists; a ledger's trust anchors never change")
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(p, (json.dumps(trust_json, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        for d in (self.entries_dir, self.blobs_dir, self.checkpoints_dir):
            d.mkdir(exist_ok=True)
            (d / ".gitkeep").touch()
        if not self.log_path.exists():
            atomic_write(self.log_path, b"")

    def put_blob(self, data: bytes) -> str:
        digest = sha256_hex(data)
        p = self.blob_path(digest)
        if not p.exists():
            atomic_write(p, data, self.durable)
        return digest

    @property
    def _lock(self) -> FileLock:
        """Exclusive writer lock (two local writers can never interleave); one per process,
        since a lock object inherited across fork() must not be reused."""
        if self._lock_obj is None or self._lock_pid != os.getpid():
            self._lock_obj, self._lock_pid = FileLock(str(self.root / ".lock")), os.getpid()
        return self._lock_obj

    def locked(self) -> FileLock:
        return self._lock

    def append(self, office: str, type: str, body: dict[str, Any], key: SigningKey, time: str | None = None,
               check: Callable[[Entry], None] | None = None) -> Entry:
        """Sign and append one entry. ``check`` may raise to refuse it; then nothing is written."""
        with self._lock:
            return self._append_locked(office, type, body, key, time, check)

    def append_many(self, items: list[tuple[str, str, dict[str, Any], SigningKey, str | None]],
                    check: Callable[[Entry], None] | None = None) -> list[Entry]:
        with self._lock:
            return [self._append_locked(o, t, b, k, tm, check) for (o, t, b, k, tm) in items]

    def _append_locked(self, office: str, type: str, body: dict[str, Any], key: SigningKey, time: str | None,
                       check: Any) -> Entry:
        self._repair_torn_log()
        seq, prev = self.head(office)
        if time is None:
            time = format_time(datetime.now(UTC))
        entry = sign_entry(type=type, office=office, seq=seq + 1, prev=prev, time=time, body=body, key=key)
        if check is not None:
            check(entry)
        self.write_entry(entry)
        return entry

    def write_entry(self, entry: Entry) -> None:
        """Write the file (replacing an orphan from a crashed append), then commit via the log."""
        path = self.entry_path(entry.office, entry.seq)
        atomic_write(path, entry.to_file_bytes(), self.durable)
        heads = self.heads()
        self._append_log_line(f"{entry.office}/{entry.seq} {entry.id}\n")
        heads = dict(heads)
        heads[entry.office] = (entry.seq, entry.id)
        self._heads_cache = (self.log_path.stat().st_size, heads)

    def _append_log_line(self, line: str) -> None:
        with open(self.log_path, "ab") as f:
            f.write(line.encode("ascii"))
            f.flush()
            if self.durable:
                os.fsync(f.fileno())

    def _repair_torn_log(self) -> None:
        """Drop a trailing partial line (a write torn by power loss) before appending."""
        try:
            with open(self.log_path, "rb") as f:
                if f.seek(0, os.SEEK_END) == 0:
                    return
                f.seek(-1, os.SEEK_END)
                if f.read(1) == b"\n":
                    return
        except FileNotFoundError:
            return
        data = self.log_path.read_bytes()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            atomic_write(self.log_path, data[:cut])

    def write_checkpoint(self, size: int, note: str) -> Path:
        p = self.checkpoints_dir / f"{size:010d}.note"
        if p.exists():
            if p.read_text("utf-8") == note:
                return p
            raise LedgerIOError(f"{self.rel(p)}: a checkpoint of this size already exists")
        atomic_write(p, note.encode("utf-8"))
        return p
