"""Saved verification state: a run resumes after the newest checkpoint this machine verified.

Why: re-checking every signature and re-running every draw on each push costs the whole
ledger; a push only adds a few entries. The verifier's state after a verified checkpoint of
size S (key registry, office chains, Merkle tree, rule objects, the problems found so far) is
pickled to a local cache and a later run checks only entries S.. and then every end-of-ledger
check (``finish``, orphans, blobs) as usual.

When a saved state is used — all of these, else the run starts from entry 0:

* the file's HMAC-SHA256 verifies under this machine's random key (``<cache>/key``, mode
  0600, never leaves the machine), so a planted or copied file is never unpickled;
* it was written by the same code (hash of every ``.py`` and ``.json`` file of the installed
  package) for the same trust.json and rule configuration (any ``now``: see ``fingerprint``);
* the current log's first S lines are those verified, i.e. the saved state is a prefix of
  this log: the log's first L bytes have the SHA-256 the state recorded (L: the end of line S),
  else the current log's first S ids give the saved root (RFC 6962 root over those ids);
* the entry files of those S lines are byte-identical to when they were verified: told by each
  file's inode metadata as the loader recorded it when it read the file, the bytes compared
  with the recorded SHA-256 only where the metadata differs (storage.file_records; sources
  without such records: one SHA-256 over all the files, read again; records refreshed this way
  are written back into the saved state, so a file is read once, not by every later resume),
  the checkpoints of size <= S and what the rules may see of them
  are unchanged, every blob that existed still hashes to its name, and no blob the prefix
  asked for in vain has appeared since.

The cache lives outside the repository (``$PUBLISHER_CACHE_DIR``, else
``$XDG_CACHE_HOME/publisher``, else ``~/.cache/publisher``) and is never committed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import pickle
import re
import stat
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from ..core import merkle
from . import file_records, log_prefix

MAGIC = b"publisher-verify-state/2\n"
KEEP = 3  # states kept per ledger (older ones are pruned)
# A resumed run saves a new state only once the entries it checked reach 1/SAVE_EVERY of the
# prefix it resumed from. Why: saving costs time in proportion to the whole state, checking an
# entry again costs a constant; measured on the full province (1.06 M entries, a 500 MB state),
# a save took 31 s and checking an entry 0.7 ms, so re-checking up to ~45,000 entries on the next
# run is cheaper than saving after every push. 32 keeps the re-checked tail under 1/32 of the
# ledger (a county: saved after a push of about 150 entries; a province: about 33,000).
SAVE_EVERY = 32
_STATE_RE = re.compile(r"^(\d{12})-([0-9a-f]{64})\.state$")
_code_version: str | None = None


def cache_root() -> Path:
    env = os.environ.get("PUBLISHER_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "publisher"


def code_version() -> str:
    """SHA-256 over the installed package's source and schema files (paths and bytes)."""
    global _code_version
    if _code_version is None:
        pkg = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for p in sorted(pkg.rglob("*")):
            if p.suffix in (".py", ".json") and "__pycache__" not in p.parts and p.is_file():
                h.update(str(p.relative_to(pkg)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        _code_version = h.hexdigest()
    return _code_version


def machine_key(root: Path) -> bytes | None:
    """This machine's random HMAC key, created on first use; None if it is not private to us."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / "key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077 or st.st_size != 32:
        return None  # readable or writable by others: anyone could forge states
    return path.read_bytes()


class _Blobs:
    """Blob reads as the rules see them, remembering digests asked for that were absent."""

    def __init__(self, source: Any, root: Path | None = None):
        self.source = source
        self.root = root
        self.absent: set[str] = set()

    def has_blob(self, digest: str) -> bool:
        ok: bool = self.source.has_blob(digest)
        if not ok:
            self.absent.add(digest)
        return ok

    def open_blob(self, digest: str) -> Any:
        try:
            return self.source.open_blob(digest)
        except Exception:
            self.absent.add(digest)
            raise

    def snapshot_records(self, f: Any, digest: str, kind: type, *, validate: bool = True,
                         name: str | None = None) -> Any:
        """The records of an opened snapshot blob through this machine's validated-snapshot
        index (``storage.snapshot_index``): offered to the rules only while the cache is in use,
        so ``--full`` reads every blob the slow way."""
        from .snapshot_index import iter_blob_records

        return iter_blob_records(f, digest, kind, validate=validate, name=name, root=self.root)

    # -- results of pure computations a rule repeats on every run (opened embargoed draws)
    def _memo_path(self, kind: str, key: bytes) -> Path | None:
        if self.root is None:
            return None
        return self.root / "memo" / code_version()[:32] / kind / (hashlib.sha256(key).hexdigest() + ".pickle")

    def remembered(self, kind: str, key: bytes) -> Any | None:
        """What :meth:`remember` stored under ``key`` on this machine with this code (its bytes
        authenticated by the machine key), or None. ``key`` must name every input of the
        computation (entry ids, beacon signature ...): the value is then a function of it."""
        path = self._memo_path(kind, key)
        try:
            mkey = machine_key(self.root) if path is not None and self.root is not None else None
            if path is None or mkey is None:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        mac, body = data[:32], data[32:]
        if not hmac.compare_digest(mac, hmac.new(mkey, key + b"\0" + body, hashlib.sha256).digest()):
            return None
        try:
            return pickle.loads(body)
        except Exception:
            return None

    def remember(self, kind: str, key: bytes, value: Any) -> None:
        path = self._memo_path(kind, key)
        try:
            mkey = machine_key(self.root) if path is not None and self.root is not None else None
            if path is None or mkey is None:
                return
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            for d in reversed(path.parents[:4]):
                d.mkdir(exist_ok=True, mode=0o700)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(hmac.new(mkey, key + b"\0" + body, hashlib.sha256).digest() + body)
            os.replace(tmp, path)
        except Exception:
            return

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)


class _Pickler(pickle.Pickler):
    def __init__(self, f: Any, externals: dict[int, str]) -> None:
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self.externals = externals

    def persistent_id(self, obj: Any) -> str | None:
        return self.externals.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, f: Any, externals: dict[str, Any]) -> None:
        super().__init__(f)
        self.externals = externals

    def persistent_load(self, pid: str) -> Any:
        return self.externals[pid]


class _ViewReader:
    """A read-only file over a memoryview, for the unpickler: ``io.BytesIO`` would copy the
    whole state first."""

    def __init__(self, view: memoryview) -> None:
        self.view, self.pos = view, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.view) if n is None or n < 0 else min(len(self.view), self.pos + n)
        out = bytes(self.view[self.pos:end])
        self.pos = end
        return out

    def readinto(self, b: Any) -> int:
        n = min(len(b), len(self.view) - self.pos)
        b[:n] = self.view[self.pos:self.pos + n]
        self.pos += n
        return n

    def readline(self) -> bytes:
        end = self.pos
        while end < len(self.view):  # in chunks: a line can be long (protocol 0), the state is not
            i = bytes(self.view[end:end + (1 << 16)]).find(b"\n")
            if i >= 0:
                return self.read(end + i + 1 - self.pos)
            end += 1 << 16
        return self.read()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class VerifyCache:
    """Where states are kept; ``session`` binds it to one verification run."""

    def __init__(self, root: Path | str | None = None, keep: int = KEEP,
                 attachments: dict[str, Any] | None = None):
        self.root = Path(root) if root is not None else cache_root()
        self.keep = keep
        # name -> an object the rules hold but that is not pickled with them (e.g. the site's
        # on-disk read-model): saved next to each state with ``save_to(path) -> extra`` and put
        # back with ``restore_from(path, extra)`` (which leaves the object as new if it fails)
        self.attachments = dict(attachments or {})

    @classmethod
    def default(cls, full: bool = False) -> VerifyCache | None:
        """The cache commands use; None with ``--full`` or ``PUBLISHER_VERIFY_CACHE=off``."""
        if full or os.environ.get("PUBLISHER_VERIFY_CACHE", "").lower() in ("off", "0", "no"):
            return None
        return cls()

    def session(self, source: Any, trust: Any, rules: list[Any], checkpoints: dict[int, Any], ctx_args: dict[str, Any],
                now: int | None) -> Session | None:
        try:
            key = machine_key(self.root)
        except OSError:
            return None
        if key is None:
            return None
        return Session(self, key, source, trust, rules, checkpoints, ctx_args, now)


class Session:
    """One verification run's view of the cache: find a usable state, or save one."""

    def __init__(self, cache: VerifyCache, key: bytes, source: Any, trust: Any, rules: list[Any],
                 checkpoints: dict[int, Any], ctx_args: dict[str, Any], now: int | None) -> None:
        self.key, self.source, self.trust, self.rules = key, source, trust, rules
        self.cps, self.ctx_args, self.now = checkpoints, ctx_args, now
        self.blobs = _Blobs(source, cache.root)
        ctx_args["blobs"] = self.blobs
        trust_id = hashlib.sha256(json.dumps(getattr(trust, "raw", None) or repr(trust), sort_keys=True,
                                             ensure_ascii=False).encode()).hexdigest()
        self.attachments = cache.attachments
        self.keep = cache.keep
        self.rules_fp = self._rules_fingerprint()
        # one directory per rule configuration, so `verify` and `build` (which adds the site's
        # index rule) keep their own newest states instead of pruning each other's
        self.dir = cache.root / "verify" / code_version()[:32] / trust_id[:32] / (self.rules_fp or "none")[:16]
        self.extra = ""  # whole-log facts the prefix's verdicts depend on (e.g. compromised keys)
        self.beacons = _recorded_beacons(source)  # a beacon recorded later opens a prefix's embargo
        # per log index, what the loader recorded of the entry file (storage.file_records);
        # None when some file came without a record (another source, a missing file)
        self.records: bytearray | None = bytearray()
        self.start = 0  # the size of the state this run resumed from (0: none)

    # -- what a state depends on --------------------------------------------------------------

    def _externals(self) -> dict[int, str]:
        ext = {id(self.source): "source", id(self.trust): "trust", id(self.blobs): "blobs"}
        ext.update({id(r): f"rule{i}" for i, r in enumerate(self.rules)})
        ext.update({id(a): f"attachment:{n}" for n, a in self.attachments.items()})
        return ext

    def _rules_fingerprint(self) -> str | None:
        """The rules' configuration before the run (their types and initial state)."""
        try:
            buf = io.BytesIO()
            ext = self._externals()
            for r in self.rules:
                ext.pop(id(r))
            _Pickler(buf, ext).dump([(type(r).__module__, type(r).__qualname__, vars(r)) for r in self.rules])
            return hashlib.sha256(buf.getvalue()).hexdigest()
        except Exception:  # a rule that cannot be pickled (e.g. a callback into a database): no cache
            return None

    def fingerprint(self, size: int) -> str:
        cps = [(s, repr(self.cps[s])) for s in sorted(self.cps) if s <= size]
        seen = [repr(c) for c in self.ctx_args.get("checkpoints", []) if c[0] <= size]
        # ``now`` is not part of it: rules read the verification time only in ``finish()``, which
        # runs again on every resumed run (tested: resumed at another "now" = full at that "now"),
        # so a build (whose "now" is the clock) can resume too
        return hashlib.sha256(json.dumps([self.rules_fp, cps, seen, self.extra,
                                          self.beacons]).encode()).hexdigest()

    def _prefix_digest(self, size: int) -> str:
        return prefix_digest(self.source, size)

    def observe(self, loaded: Iterable[Any], start: int) -> Iterator[Any]:
        """Pass the loaded entries through, keeping each file's record for ``save``."""
        if self.records is not None and len(self.records) != start * file_records.RECORD:
            self.records = None
        for item in loaded:
            if self.records is not None:
                if len(item.file_record) == file_records.RECORD:
                    self.records += item.file_record
                else:
                    self.records = None
            yield item

    def _blob_names(self) -> dict[str, Path]:
        return {p.name: p for p in getattr(self.source, "blob_files", lambda: [])() if p.name != ".gitkeep"}

    # -- save ---------------------------------------------------------------------------------

    def save(self, size: int, root: bytes, state: dict[str, Any]) -> None:
        """Persist ``state`` (the verifier's objects after log entry ``size``); never raises."""
        if self.rules_fp is None or (self.start and (size - self.start) * SAVE_EVERY < self.start):
            return
        try:
            for d in (self.dir.parent.parent.parent, self.dir.parent.parent, self.dir.parent, self.dir):
                d.mkdir(exist_ok=True, mode=0o700)
            path = self.dir / f"{size:012d}-{root.hex()}.state"
            extras, files = {}, {}
            for name, att in self.attachments.items():
                apath = path.with_name(f"{path.name}.{name}")
                extras[name] = att.save_to(apath)
                os.chmod(apath, 0o600)
                files[name] = _sha256_file(apath)
            records, prefix = b"", None
            paths = _entry_paths(self.source, size)
            if paths is not None and self.records is not None and len(self.records) >= size * file_records.RECORD:
                records = file_records.settle(paths, bytes(self.records[:size * file_records.RECORD]), _cap())
            else:
                prefix = self._prefix_digest(size)
            header = json.dumps({
                "size": size, "root": root.hex(), "log": log_mark(self.source, size),
                "fingerprint": self.fingerprint(size),
                "prefix": prefix, "blobs": sorted(self._blob_names()),
                "absent": sorted(self.blobs.absent), "attachments": files}).encode()
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            # Streamed: the pickle goes straight to the file and the HMAC is computed by reading it
            # back, so a province's half-gigabyte state is never also held as bytes (four copies
            # before: the buffer, its value, the body, the file image — 1.5 GB of the save's peak).
            with os.fdopen(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600), "w+b") as f:
                f.write(MAGIC + bytes(32))
                f.write(len(header).to_bytes(8, "big") + header + len(records).to_bytes(8, "big") + records)
                _Pickler(f, self._externals()).dump({"state": state, "rules": [vars(r) for r in self.rules],
                                                     "attachments": extras})
                f.flush()
                mac = hmac.new(self.key, digestmod=hashlib.sha256)
                f.seek(len(MAGIC) + 32)
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    mac.update(chunk)
                f.seek(len(MAGIC))
                f.write(mac.digest())
            os.replace(tmp, path)
            self._prune()
        except Exception:
            return  # a cache is an optimisation: failing to save only costs the next run time

    def _prune(self) -> None:
        states = sorted(p for p in self.dir.iterdir() if _STATE_RE.match(p.name))
        for p in states[:-self.keep]:
            p.unlink(missing_ok=True)
            for name in self.attachments:
                p.with_name(f"{p.name}.{name}").unlink(missing_ok=True)

    # -- resume -------------------------------------------------------------------------------

    def resume(self) -> dict[str, Any] | None:
        """The newest usable saved state (see the module doc), with the rules restored in place."""
        if self.rules_fp is None:
            return None
        for size, root, path, check in _saved_prefixes(self.dir, self.source):
            got = self._load(path, size, root, check)
            if got is not None:
                return got
        return None

    def _load(self, path: Path, size: int, root: str, check: _PrefixCheck) -> dict[str, Any] | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(MAGIC):
            return None
        view = memoryview(data)  # slices without copies: a province's state is half a gigabyte
        mac, body = bytes(view[len(MAGIC):len(MAGIC) + 32]), view[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, hmac.new(self.key, body, hashlib.sha256).digest()):
            return None  # not written by this machine's key: never unpickle it
        n = int.from_bytes(body[:8], "big")
        header = json.loads(bytes(body[8:8 + n]))
        r = int.from_bytes(body[8 + n:16 + n], "big")
        records, pickled = bytes(body[16 + n:16 + n + r]), body[16 + n + r:]
        if (header["size"], header["root"]) != (size, root) or header["fingerprint"] != self.fingerprint(size):
            return None
        if not check.holds(size, root, header.get("log")):
            return None  # the current log's first ``size`` lines are not the ones verified
        present = self._blob_names()
        if any(d in present for d in header["absent"]):
            return None  # a blob the prefix missed exists now: the prefix would verify differently
        for name in header["blobs"]:
            if name not in present or _sha256_file(present[name]) != name:
                return None
        saved_records = records
        if header["prefix"] is None:
            paths = _entry_paths(self.source, size)
            fresh = file_records.unchanged(paths, records, _cap()) if paths is not None else None
            if fresh is None:
                return None  # an entry file of the prefix changed since it was verified
            records = fresh
        elif header["prefix"] != self._prefix_digest(size):
            return None  # an entry file of the prefix changed since it was verified
        files = header.get("attachments") or {}
        if sorted(files) != sorted(self.attachments):
            return None
        for name, digest in files.items():  # the HMAC covers these hashes, not the files
            try:
                if _sha256_file(path.with_name(f"{path.name}.{name}")) != digest:
                    return None
            except OSError:
                return None
        ext = {"source": self.source, "trust": self.trust, "blobs": self.blobs}
        ext.update({f"rule{i}": r for i, r in enumerate(self.rules)})
        ext.update({f"attachment:{n}": a for n, a in self.attachments.items()})
        try:
            saved = _Unpickler(_ViewReader(pickled), ext).load()
        except Exception:
            return None
        for name, att in self.attachments.items():
            try:
                att.restore_from(path.with_name(f"{path.name}.{name}"), saved["attachments"][name])
            except Exception:
                return None
        for r, d in zip(self.rules, saved["rules"]):
            vars(r).clear()
            vars(r).update(d)
        self.blobs.absent = set(header["absent"])
        self.records = bytearray(records) if header["prefix"] is None else None
        self.start = size
        if records != saved_records:
            _write_back_records(path, self.key, mac, body, 16 + n, records)
        state: dict[str, Any] = saved["state"]
        return state


def _write_back_records(path: Path, key: bytes, old_mac: bytes, body: memoryview, at: int, records: bytes) -> None:
    """Rewrite a saved state's file records (at offset ``at`` of its body; same length) with the
    ones a resume refreshed, and its HMAC, leaving the pickled state as it is.

    Why: a prefix file whose metadata changed with its bytes the same (the site build hard-links
    every published entry file after the state was saved, which moves each file's ctime) is read
    again by every resume until a new state is saved — and a resumed run saves only after 1/32 of
    the ledger more (SAVE_EVERY). Writing the records back costs one pass of HMAC over the state
    and two writes in place; a crash between them leaves a state whose HMAC fails, which is never
    used (the run verifies from an older state or from the start). Nothing is written when the
    file no longer holds ``old_mac`` (another run saved over it since it was read)."""
    try:
        mac = hmac.new(key, body[:at], hashlib.sha256)
        mac.update(records)
        mac.update(body[at + len(records):])
        with open(path, "r+b") as f:
            f.seek(len(MAGIC))
            if f.read(32) != old_mac:
                return
            f.seek(len(MAGIC) + 32 + at)
            f.write(records)
            f.seek(len(MAGIC))
            f.write(mac.digest())
    except OSError:
        return  # a cache: failing to refresh it only costs the next run the same reads


def _first_lines(source: Any, size: int) -> Iterable[tuple[int, str]]:
    for i, (n, text) in enumerate(source.iter_raw_log()):
        if i >= size:
            return
        yield n, text


def _saved_prefixes(directory: Path, source: Any) -> Iterator[tuple[int, str, Path, _PrefixCheck]]:
    """Saved files, newest first, with what tells whether each is a prefix of the ledger now
    (``check.holds``, called once the file's HMAC has vouched for its header): the candidates
    both the verifier state and its attachments resume from."""
    if not directory.is_dir():
        return
    found: dict[int, list[str]] = {}
    for p in directory.iterdir():
        m = _STATE_RE.match(p.name)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
    check = _PrefixCheck(source, sorted(found))
    for size in sorted(found, reverse=True):
        for root in sorted(found[size]):
            yield size, root, directory / f"{size:012d}-{root}.state", check


class _PrefixCheck:
    """Is a saved state of ``size`` entries with Merkle root ``root`` a prefix of the current log?

    Told by the log's bytes when the state recorded them (``log_mark``: the first S lines are the
    log's first L bytes, with this SHA-256 — identical bytes are identical lines, so the same
    root), else by the RFC 6962 root of the current log's first S ids, computed once for every
    saved size when first needed. Why: recomputing the root hashed every log line on every
    resume (7 s per push at a province of 1.06 M entries); the log's bytes hash in a tenth of a
    second."""

    def __init__(self, source: Any, sizes: list[int]) -> None:
        self.source, self.sizes = source, sizes
        self._roots: dict[int, bytes | None] | None = None

    def holds(self, size: int, root: str, mark: Any) -> bool:
        if mark is not None and _log_holds(self.source, size, mark):
            return True
        if self._roots is None:
            self._roots = _prefix_roots(self.source, self.sizes)
        got = self._roots.get(size)
        return got is not None and got.hex() == root


def log_mark(source: Any, size: int) -> list[Any] | None:
    """storage.log_prefix's mark of the first ``size`` log lines (a LedgerDir's only)."""
    from .ledger_dir import LedgerDir

    return log_prefix.mark(source.log_path, size) if type(source) is LedgerDir else None


def _log_holds(source: Any, size: int, mark: Any) -> bool:
    """The current log starts with the ``size`` lines ``mark`` (from log_mark) stands for."""
    from .ledger_dir import LedgerDir

    return (type(source) is LedgerDir and isinstance(mark, list) and mark[:1] == [size]
            and log_prefix.holds(source.log_path, mark))


def _prefix_roots(source: Any, sizes: list[int]) -> dict[int, bytes | None]:
    """RFC 6962 root over the first s logged ids of the current log, for each wanted s."""
    from ..core.verifier import LOG_LINE_RE

    want = set(sizes)
    out: dict[int, bytes | None] = {}
    tree = merkle.TreeBuilder()
    if 0 in want:
        out[0] = tree.root()
    if not sizes:
        return out
    top = max(sizes)
    for _, text in source.iter_raw_log():
        if tree.size >= top:
            break
        m = LOG_LINE_RE.match(text)
        if not m:
            break  # a torn or malformed line: no prefix beyond it is usable
        tree.append(merkle.leaf_hash(bytes.fromhex(m.group(3))))
        if tree.size in want:
            out[tree.size] = tree.root()
    return out


def _recorded_beacons(source: Any) -> list[str]:
    """Names of the beacon files recorded under ledger/beacons/ (spec §5A.7)."""
    root = getattr(source, "root", None)
    if root is None:
        return []
    base = Path(root) / "beacons"
    try:
        return sorted(str(p.relative_to(base)) for p in base.rglob("*"))
    except OSError:
        return ["?"]


def _cap() -> int:
    from ..inputs.limits import MAX_ENTRY_BYTES

    return MAX_ENTRY_BYTES


def _entry_paths(source: Any, size: int) -> Iterator[str] | None:
    """Paths of the entry files the first ``size`` log lines name (a LedgerDir's only: the
    sources whose loader records files); a malformed line yields a path that is no file."""
    from ..core.verifier import LOG_LINE_RE
    from .ledger_dir import LedgerDir

    if type(source) is not LedgerDir:
        return None
    base = os.fspath(source.entries_dir)

    def gen() -> Iterator[str]:
        match = LOG_LINE_RE.match
        for _, text in _first_lines(source, size):
            office, _, rest = text.partition("/")
            seq = rest.partition(" ")[0]
            if seq.isdigit() and seq.isascii():  # the prefix's lines matched its root: well formed
                yield f"{base}/{office}/{int(seq):08d}.json"
            else:
                m = match(text)
                yield f"{base}/{m.group(1)}/{int(m.group(2)):08d}.json" if m else f"{base}/-malformed-"
    return gen()


def _read_regular(path: str) -> bytes:
    """The bytes of a regular file, never following a symlink nor blocking on a FIFO (as
    storage.ledger_dir reads entries): anything else is an OSError, i.e. "not the same prefix"."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{path}: not a regular file")
        return f.read()


def prefix_digest(source: Any, size: int) -> str:
    """One SHA-256 over the exact bytes of the entry files the first ``size`` log lines name."""
    from ..core.verifier import LOG_LINE_RE
    from .ledger_dir import LedgerDir

    base = os.fspath(source.entries_dir) if type(source) is LedgerDir else None
    h = hashlib.sha256()
    sha = hashlib.sha256
    for _, text in _first_lines(source, size):
        m = LOG_LINE_RE.match(text)
        try:
            if m is None:
                raise ValueError(text)
            if base is not None:  # plain paths: pathlib costs more than the read itself
                data = _read_regular(f"{base}/{m.group(1)}/{int(m.group(2)):08d}.json")
            else:
                data = source.read_entry_bytes(m.group(1), int(m.group(2)))
            h.update(b"F" + sha(data).digest())
        except (OSError, ValueError):
            h.update(b"-")
    return h.hexdigest()


class PrefixStore:
    """Any object that depends only on a ledger's first N log lines and their entry files
    (e.g. the authoring commands' replayed state), saved and resumed under the same rules as
    verification states: this machine's HMAC key, same code, same trust.json, the current log's
    first N ids give the saved root and the N entry files are byte-identical (told, for a
    LedgerDir, by the file records of storage.file_records: a resumed replay reads no prefix file,
    and a save reads only the files added since the state it resumed from)."""

    def __init__(self, kind: str, source: Any, trust: Any, root: Path | None = None):
        self.kind, self.source = kind, source
        self.records = b""  # the loaded state's file records (a LedgerDir's), extended at save
        self.root = Path(root) if root is not None else cache_root()
        trust_id = hashlib.sha256(json.dumps(getattr(trust, "raw", None) or repr(trust), sort_keys=True,
                                             ensure_ascii=False).encode()).hexdigest()
        self.dir = self.root / kind / code_version()[:32] / trust_id[:32]

    def save(self, size: int, root: bytes, obj: Any, externals: dict[str, Any]) -> None:
        try:
            key = machine_key(self.root)
            if key is None:
                return
            buf = io.BytesIO()
            _Pickler(buf, {id(v): k for k, v in externals.items()}).dump(obj)
            records, prefix = self._records(size), None
            if records is None:
                records, prefix = b"", prefix_digest(self.source, size)
            header = json.dumps({"size": size, "root": root.hex(), "prefix": prefix,
                                 "log": log_mark(self.source, size)}).encode()
            body = len(header).to_bytes(8, "big") + header + len(records).to_bytes(8, "big") + records + buf.getvalue()
            for d in (self.dir.parent.parent, self.dir.parent, self.dir):
                d.mkdir(exist_ok=True, mode=0o700)
            path = self.dir / f"{size:012d}-{root.hex()}.state"
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(MAGIC + hmac.new(key, body, hashlib.sha256).digest() + body)
            os.replace(tmp, path)
            for old in sorted(p for p in self.dir.iterdir() if _STATE_RE.match(p.name))[:-KEEP]:
                old.unlink(missing_ok=True)
        except Exception:
            return

    def load(self, externals: dict[str, Any]) -> tuple[int, Any] | None:
        try:
            key = machine_key(self.root)
        except OSError:
            return None
        if key is None:
            return None
        for size, root, path, check in _saved_prefixes(self.dir, self.source):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            mac, body = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
            if not data.startswith(MAGIC) or not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
                continue
            n = int.from_bytes(body[:8], "big")
            header = json.loads(body[8:8 + n])
            if (header.get("size"), header.get("root")) != (size, root) or not check.holds(size, root, header.get("log")):
                continue
            r = int.from_bytes(body[8 + n:16 + n], "big")
            records, pickled = body[16 + n:16 + n + r], body[16 + n + r:]
            saved_records = records
            if header["prefix"] is None:
                paths = _entry_paths(self.source, size)
                fresh = file_records.unchanged(paths, records, _cap()) if paths is not None else None
                if fresh is None:
                    continue
                records = fresh
            elif header["prefix"] != prefix_digest(self.source, size):
                continue
            try:
                got = size, _Unpickler(io.BytesIO(pickled), externals).load()
            except Exception:
                continue
            self.records = records if header["prefix"] is None else b""
            if records != saved_records:
                _write_back_records(path, key, bytes(mac), memoryview(body), 16 + n, records)
            return got
        return None

    def _records(self, size: int) -> bytes | None:
        """File records of the first ``size`` entry files: the loaded ones, the rest read now
        (only the files added since the loaded state); None for a source that is no LedgerDir."""
        paths = _entry_paths(self.source, size)
        if paths is None:
            return None
        have = min(len(self.records) // file_records.RECORD, size)
        out = bytearray(self.records[:have * file_records.RECORD])
        for path in islice(paths, have, None):
            out += file_records.read_recorded(path, _cap(), "ledger entry")[1]
        return file_records.settle(_entry_paths(self.source, size) or iter(()), bytes(out), _cap())
