"""Stream the whole ledger once and report every problem.

The verifier never trusts what the log says about itself: each file's canonical bytes are
re-hashed and compared with the log line, each office chain is re-linked, each signature is
checked against the key registry as it stood at that point of the log, the Merkle root is
recomputed and compared with every signed checkpoint, and each entry is handed to the
rules (draw, workflow, …). Memory is bounded by offices, keys and tasks, not by entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, Protocol

from . import merkle, witnessing
from .checkpoint import Checkpoint, open_checkpoint
from .entry import OPERATOR, Entry, EnvelopeError, from_bytes
from .keys import PublicKey
from .note import NoteError
from .note import Verifier as NoteVerifier
from .registry import KeyRegistry
from .rules.base import Context, Problem, Rule
from .schema import validate_body
from .trust import Trust, TrustError, WitnessPolicy

CHECKPOINT_NAME_RE = re.compile(r"(?:^|/)\d{10}\.note$")
ENTRY_NAME_RE = re.compile(r"(\d{8}|[1-9]\d{8,9})\.json")  # f"{seq:08d}.json": at least 8 digits
LOG_LINE_RE = re.compile(r"^([a-z][a-z0-9-]{1,31})/([1-9][0-9]{0,9}) ([0-9a-f]{64})$")
BACKDATE_TOLERANCE = 86400  # s: an entry may be at most this much older than the last checkpoint before it
FUTURE_TOLERANCE = 300  # s: an entry may not claim a time later than the checkpoint that first includes it
OPERATOR_TYPES = {"office.register", "key.register", "key.revoke", "witness.set", "calendar"}


class LedgerSource(Protocol):
    """The few reads a verifier needs (implemented by storage.LedgerDir; tests may fake it)."""

    def iter_raw_log(self) -> Iterator[tuple[int, str]]: ...
    def read_entry_bytes(self, office: str, seq: int) -> bytes: ...
    def entry_path(self, office: str, seq: int) -> Any: ...
    def rel(self, path: Any) -> str: ...
    def checkpoint_files(self) -> list[Any]: ...
    def entry_names(self) -> Iterator[tuple[str, list[str]]]: ...
    def open_blob(self, digest: str) -> IO[bytes]: ...
    def has_blob(self, digest: str) -> bool: ...


@dataclass
class Loaded:
    """One log line with its entry file read, parsed, hashed and (if possible) signature-checked.

    The expensive, stateless part of verification; it may run in worker processes. Whether the
    key was *allowed* to sign is decided later, in log order, by the key registry."""

    lineno: int
    text: str
    missing: bool = False
    error: str | None = None
    entry: Entry | None = None
    sig_ok: bool | None = None  # None: key unknown at load time
    schema_errors: tuple[str, ...] = ()
    error_rule: str = "envelope"  # "layout" when the file is not a regular file
    # opaque, from a loader that can tell the file again (storage.file_records); not part of the result
    file_record: bytes = field(default=b"", compare=False, repr=False)


def load_one(lineno: int, text: str, data: bytes | None, keys: dict[str, PublicKey]) -> Loaded:
    if data is None:
        return Loaded(lineno, text, missing=True)
    try:
        entry = from_bytes(data)
    except (EnvelopeError, ValueError) as exc:
        return Loaded(lineno, text, error=str(exc))
    pk = keys.get(entry.key)
    return Loaded(lineno, text, entry=entry, sig_ok=None if pk is None else entry.verify_signature(pk),
                  schema_errors=tuple(validate_body(entry.type, entry.body)))


def operator_lines(source: LedgerSource) -> list[tuple[int, re.Match[str]]]:
    """(line number, parsed line) of the operator's log lines, up to the first malformed one
    among them: what the pre-passes below read, in one pass over the log instead of one each
    (a province's log is a million lines)."""
    out = []
    prefix = OPERATOR + "/"
    for lineno, text in source.iter_raw_log():
        if not text.startswith(prefix):
            continue
        m = LOG_LINE_RE.match(text)
        if not m:
            break
        out.append((lineno, m))
    return out


def known_keys(source: LedgerSource, trust: Trust,
               lines: list[tuple[int, re.Match[str]]] | None = None) -> dict[str, PublicKey]:
    """Every public key the operator ever registered (plus root keys), for early signature checks."""
    keys = dict(trust.root_keys)
    for _, m in operator_lines(source) if lines is None else lines:
        try:
            e = from_bytes(source.read_entry_bytes(m.group(1), int(m.group(2))))
            if e.type == "key.register":
                pk = PublicKey.from_b64(e.body["public_key"])
                keys[pk.id] = pk
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return keys


def _operator_entries(source: LedgerSource,
                      lines: list[tuple[int, re.Match[str]]] | None = None) -> Iterator[tuple[int, Entry]]:
    """(log index, entry) of every readable operator entry whose bytes hash to its log line.

    The pre-passes below read the whole log before streaming because a later operator entry
    changes how earlier ones are judged; whatever is wrong with an entry is reported when the
    main stream reaches it."""
    for lineno, m in operator_lines(source) if lines is None else lines:
        try:
            e = from_bytes(source.read_entry_bytes(m.group(1), int(m.group(2))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if e.id == m.group(3):
            yield lineno - 1, e


def _root_signed(e: Entry, trust: Trust) -> bool:
    root = trust.root_keys.get(e.key)
    return root is not None and e.verify_signature(root)


def witness_changes(source: LedgerSource, trust: Trust,
                    lines: list[tuple[int, re.Match[str]]] | None = None) -> list[tuple[int, WitnessPolicy]]:
    """(log index, new WitnessPolicy) of every root-signed ``witness.set`` entry, in log order
    (a checkpoint's policy depends on changes anywhere before its size)."""
    out: list[tuple[int, WitnessPolicy]] = []
    for index, e in _operator_entries(source, lines):
        if e.type == "witness.set" and _root_signed(e, trust):
            try:
                out.append((index, witnessing.parse_change(e.body)))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return out


def compromised_keys(source: LedgerSource, trust: Trust,
                     lines: list[tuple[int, re.Match[str]]] | None = None) -> dict[str, tuple[str, str]]:
    """key id -> (compromised_since, revocation entry id) from root-signed ``key.revoke`` entries
    (a revocation voids entries that come *before* it in the log, signed after
    ``compromised_since``)."""
    out: dict[str, tuple[str, str]] = {}
    for _, e in _operator_entries(source, lines):
        since = e.body.get("compromised_since") if e.type == "key.revoke" and isinstance(e.body, dict) else None
        if isinstance(since, str) and _root_signed(e, trust) and not validate_body(e.type, e.body):
            out.setdefault(e.body["key_id"], (since, e.id))
    return out


def sequential_loader(source: LedgerSource, keys: dict[str, PublicKey], start: int = 0) -> Iterator[Loaded]:
    for i, (lineno, text) in enumerate(source.iter_raw_log()):
        if i < start:
            continue
        m = LOG_LINE_RE.match(text)
        data = None
        if m:
            try:
                data = source.read_entry_bytes(m.group(1), int(m.group(2)))
            except (FileNotFoundError, NotADirectoryError):
                data = None
            except OSError as exc:  # a symlink, FIFO, device or directory (storage.NotRegularFile)
                why = getattr(exc, "why", None) or f"not a regular file ({exc.strerror or exc})"
                yield Loaded(lineno, text, error=why, error_rule="layout")
                continue
        yield load_one(lineno, text, data, keys)


@dataclass
class Report:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    problems: list[Problem] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    witnessed: list[Any] = field(default_factory=list)  # core.witnessing.Witnessed, ascending by size
    witness_changes: list[Any] = field(default_factory=list)  # (log index, WitnessPolicy) of witness.set entries
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    resumed: int = 0  # entries whose checks came from this machine's verification cache

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def rule(self, name: str) -> Rule | None:
        for r in self.rules:
            if r.name == name:
                return r
        return None


def _load_checkpoints(source: LedgerSource, trust: Trust, extra: Iterable[tuple[str, str]],
                      report: Report, texts: dict[int, str] | None = None) -> dict[int, tuple[Checkpoint, str]]:
    """Verify every checkpoint note; detect forks (same size, different root)."""
    try:
        verifier = NoteVerifier.from_vkey(trust.log_vkey)
    except (NoteError, ValueError) as exc:
        report.problems.append(Problem("trust", f"log_vkey unusable: {exc}", "ledger/trust.json"))
        return {}
    notes = [(source.rel(p), p.read_text("utf-8", errors="replace")) for p in source.checkpoint_files()]
    for where, _ in notes:  # the ledger's own notes are named by their size (§1.6); an auditor's may be named anything
        if not CHECKPOINT_NAME_RE.search(where):
            report.problems.append(Problem("checkpoint", "file name is not <size:010d>.note; the checkpoint "
                                           "is not read", where))
    notes = [(w, t) for w, t in notes if CHECKPOINT_NAME_RE.search(w)] + list(extra)
    by_size: dict[int, tuple[Checkpoint, str]] = {}
    for where, text in notes:
        try:
            cp = open_checkpoint(text, verifier)
        except (NoteError, ValueError) as exc:
            report.problems.append(Problem("checkpoint", f"invalid checkpoint: {exc}", where))
            continue
        if cp.origin != trust.origin:
            report.problems.append(Problem("checkpoint", f"origin {cp.origin!r} is not {trust.origin!r}", where))
            continue
        m = re.search(r"(\d{10})\.note$", where)
        if m and int(m.group(1)) != cp.size:
            report.problems.append(Problem("checkpoint", f"file name says size {int(m.group(1))}, note says {cp.size}", where))
        if cp.size in by_size:
            other, owhere = by_size[cp.size]
            if other.root != cp.root:
                report.problems.append(Problem(
                    "fork", f"two checkpoints of size {cp.size} with different roots "
                    f"({other.root.hex()[:16]}… in {owhere}, {cp.root.hex()[:16]}…): the log was forked", where))
            continue
        by_size[cp.size] = (cp, where)
        if texts is not None:
            texts[cp.size] = text
    prev_t, prev_where = -1, ""
    for size in sorted(by_size):
        cp, where = by_size[size]
        assert cp.time is not None  # open_checkpoint (strict) always gives a time
        if cp.time < prev_t:
            # a clock was wrong when one of them was signed; the smaller time holds for both
            # (effective_times), so nothing they cover is invalidated (docs/spec/10-ledger.md §1.7)
            report.problems.append(Problem("checkpoint", f"signed at {cp.time}, earlier than a smaller checkpoint "
                                           f"({prev_where}): one of them was signed with a wrong clock; the earlier "
                                           "time is taken for both", where, severity="warning"))
        prev_t, prev_where = cp.time, where
    report.checkpoints = [by_size[s][0] for s in sorted(by_size)]
    return by_size


def effective_times(sizes_times: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """(size, time) ascending by size, each time lowered to the earliest time of any checkpoint at
    least as large: a larger checkpoint signed at t proves every prefix existed at t. This is what
    makes a checkpoint signed with a fast clock recoverable by signing a later one correctly."""
    out: list[tuple[int, int | None]] = []
    low: int | None = None
    for size, t in reversed(sizes_times):
        if t is not None:  # None: no proof time of its own (below the witness quorum)
            low = t if low is None else min(low, t)
        out.append((size, low))
    return out[::-1]


def verify(source: LedgerSource, trust: Trust, rules: list[Rule] | None = None,
           extra_checkpoints: Iterable[tuple[str, str]] = (), now: int | None = None,
           workers: int | None = None, cache: Any = None) -> Report:
    """Verify everything. ``workers`` > 1 lets a LedgerDir load entries in parallel processes
    (default: one per CPU for ledgers with a parallel loader). ``cache`` (a
    storage.verify_cache.VerifyCache) resumes after the newest checkpoint this machine already
    verified and saves the state at the newest checkpoint; the report is the same either way."""
    report = Report(rules=list(rules or []))
    ops = operator_lines(source)
    keys = known_keys(source, trust, ops)
    compromised = compromised_keys(source, trust, ops)
    texts: dict[int, str] = {}
    cps = _load_checkpoints(source, trust, extra_checkpoints, report, texts)
    cp_sizes = sorted(cps)
    report.witness_changes = witness_changes(source, trust, ops)
    report.witnessed, problems = witnessing.judge([(cps[s][0], texts[s], cps[s][1]) for s in cp_sizes],
                                                  trust.witnesses, report.witness_changes)
    report.problems.extend(problems)
    proof_times = dict(witnessing.accepted_times(report.witnessed))
    eff = dict(effective_times([(s, proof_times[s]) for s in cp_sizes]))
    ctx_args: dict[str, Any] = dict(trust=trust, blobs=source, checkpoints=sorted(eff.items()), now=now,
                    beacon_source=getattr(source, "recorded_beacon", None))
    session = cache.session(source, trust, report.rules, cps, ctx_args, now) if cache is not None else None
    if session is not None:  # a later revocation can void entries of the cached prefix: never resume then
        session.extra = repr(sorted(compromised.items()))
    ctx = Context(**ctx_args)
    registry = KeyRegistry(trust)
    heads: dict[str, tuple[int, str, str]] = {}  # office -> (seq, id, time)
    tree = merkle.TreeBuilder()
    last_cp_time = None
    n_before_log = len(report.problems)
    saved = session.resume() if session is not None else None
    if saved is not None:  # state after a verified prefix: only the entries after it are checked
        ctx, registry, heads, tree, last_cp_time = (saved[k] for k in ("ctx", "registry", "heads", "tree", "last_cp_time"))
        for k, v in ctx_args.items():
            setattr(ctx, k, v)
        report.problems.extend(saved["problems"])
        report.resumed = tree.size
    start = tree.size
    parallel = getattr(source, "iter_loaded", None)
    if parallel is None:
        loaded = sequential_loader(source, keys, start)
    else:
        loaded = parallel(keys, workers, start=start) if start else parallel(keys, workers)
    if session is not None:  # the cache notes what was read of each file, for the next resume
        loaded = session.observe(loaded, start)
    cp_iter = iter([s for s in cp_sizes if s >= start] if start == 0 else [s for s in cp_sizes if s > start])
    next_cp = next(cp_iter, None)
    add = report.problems.append

    def check_checkpoint_at(size: int) -> None:
        nonlocal next_cp, last_cp_time
        while next_cp is not None and next_cp == size:
            cp, where = cps[next_cp]
            if tree.root() != cp.root:
                add(Problem("checkpoint", f"root of the first {size} log entries is {tree.root().hex()[:16]}…, "
                            f"checkpoint says {cp.root.hex()[:16]}…: the log was rewritten or reordered", where))
            last_cp_time = eff[size] if eff[size] is not None else last_cp_time
            next_cp = next(cp_iter, None)
            if (session is not None and size == cp_sizes[-1] and size > start and tree.root() == cp.root
                    and not any(p.severity == "error" for p in report.problems)):  # only clean prefixes
                session.save(size, cp.root, {"ctx": ctx, "registry": registry, "heads": heads, "tree": tree,
                                             "last_cp_time": last_cp_time, "problems": report.problems[n_before_log:]})

    if start == 0:
        check_checkpoint_at(0)
    for item in loaded:
        lineno, text = item.lineno, item.text
        index = tree.size
        if text.endswith("\0"):  # the last line has no newline: an append interrupted mid-write
            add(Problem("torn", f"第 {lineno} 行不完整（追加时中断），不属于账本，下次追加时删除 / "
                        f"line {lineno} is incomplete (an interrupted append); it is not part of "
                        "the ledger and the next append removes it", "ledger/log", severity="warning"))
            break
        m = LOG_LINE_RE.match(text)
        if not m:
            add(Problem("log", f"line {lineno}: malformed log line {text.rstrip(chr(0))!r}", "ledger/log"))
            break  # the order after a corrupt line cannot be trusted
        office, seq, logged_id = m.group(1), int(m.group(2)), m.group(3)
        tree.append(merkle.leaf_hash(bytes.fromhex(logged_id)))
        ctx.index = index
        n_before = len(report.problems)
        where = f"ledger/entries/{office}/{seq:08d}.json"
        ctx.file = where
        head_seq, head_id, head_time = heads.get(office, (0, None, ""))
        if seq != head_seq + 1:
            what = "duplicated or replayed" if seq <= head_seq else "out of order (an earlier entry is missing)"
            add(Problem("chain", f"log line {lineno}: {office}/{seq} is {what}; expected {office}/{head_seq + 1}", where, logged_id))
        replay = seq <= head_seq  # a replayed line never moves the office's head back (its files stay listed)
        if not replay:
            heads[office] = (seq, logged_id, head_time)
        if item.missing:
            add(Problem("missing", "entry file listed in the log is missing (deleted?)", where, logged_id))
            check_checkpoint_at(tree.size)
            continue
        if item.entry is None:
            add(Problem(item.error_rule, str(item.error), where, logged_id))
            check_checkpoint_at(tree.size)
            continue
        entry = item.entry
        if entry.id != logged_id:
            add(Problem("hash", f"file content hashes to {entry.id[:16]}…, log says {logged_id[:16]}…: the file was changed", where, logged_id))
        if entry.office != office or entry.seq != seq:
            add(Problem("chain", f"entry says {entry.office}/{entry.seq} but is stored as {office}/{seq} (moved into another chain?)", where, entry.id))
        if entry.prev != head_id:
            add(Problem("chain", f"prev is {str(entry.prev)[:16]}…, previous entry of {office} is {str(head_id)[:16]}…", where, entry.id))
        for msg in item.schema_errors:
            add(Problem("schema", msg, where, entry.id))
        if (entry.office == OPERATOR) != (entry.type in OPERATOR_TYPES):
            add(Problem("type", f"type {entry.type!r} may not be written by {entry.office!r}", where, entry.id))
        t = _unix(entry.time)
        if head_time and entry.time < head_time:
            add(Problem("time", f"time {entry.time} is earlier than the office's previous entry ({head_time})", where, entry.id))
        if not replay:
            heads[office] = (seq, logged_id, max(entry.time, head_time))
        # Judged against checkpoints signed later, these are flags on the entry (its claimed time is
        # not trusted), never ledger-wide failures: the gate refuses such entries before any
        # checkpoint covers them (gitops/timegate.py, docs/spec/80-git.md §8.3).
        if last_cp_time is not None and t < last_cp_time - BACKDATE_TOLERANCE:
            add(Problem("time", f"time {entry.time} is more than {BACKDATE_TOLERANCE}s before a checkpoint "
                        "signed before this entry was accepted (back-dated): its time is not trusted",
                        where, entry.id, severity="warning"))
        acc = ctx.accepted_at(index)
        future = acc is not None and t > acc + FUTURE_TOLERANCE
        if future:
            add(Problem("time", f"time {entry.time} is after the checkpoint that first includes it (future-dated): "
                        "its time is not trusted", where, entry.id, severity="warning"))
        why = registry.signer_problem(entry, item.sig_ok)
        if why:
            add(Problem("signature", why, where, entry.id))
        if entry.type == "witness.set" and not why:
            try:
                witnessing.parse_change(entry.body)
            except TrustError as exc:
                add(Problem("witness", str(exc), where, entry.id))
        if entry.office == OPERATOR and not why:
            why2 = registry.apply(entry)
            if why2:
                add(Problem("registry", why2, where, entry.id))
        void = entry.key in compromised and entry.office != OPERATOR and entry.time >= compromised[entry.key][0]
        clean = not any(p.severity == "error" for p in report.problems[n_before:])
        if clean and not void and not future:  # only a trusted, valid entry moves "now" for deadlines (§1.7)
            ctx.last_time = max(ctx.last_time, t)
        if void:  # a flag on this entry, which no rule sees; the ledger stays valid
            since, rid = compromised[entry.key]
            add(Problem("compromised", "作废：签名时该密钥已被运营方宣布泄露 / "
                        f"void: signed by key {entry.key} at {entry.time}, after {since}, when the "
                        f"operator says the key was compromised (revocation {rid[:16]}…)", where, entry.id,
                        severity="warning"))
        if clean:
            for rule in report.rules:
                if void and not getattr(rule, "sees_void", False):  # only indexes (the site) see it
                    continue
                for p in _guarded(rule, "check", lambda r=rule: list(r.check(entry, ctx))):  # type: ignore[misc]  # noqa: B023 (run now)
                    add(p if p.file else Problem(p.rule, p.message, where, p.entry_id or entry.id, p.article, p.severity))
        check_checkpoint_at(tree.size)
    if next_cp is not None:
        add(Problem("checkpoint", f"a checkpoint covers {cp_sizes[-1]} entries but the log has only {tree.size}: "
                    "entries were removed", cps[cp_sizes[-1]][1]))
    for path, why in getattr(source, "layout_problems", lambda: [])():
        add(Problem("layout", why, path))
    _check_orphans(source, heads, report)
    _check_blobs(source, report)
    for rule in report.rules:
        for p in _guarded(rule, "finish", lambda r=rule: list(r.finish(ctx))):  # type: ignore[misc]
            add(p)
    report.size, report.root, report.offices = tree.size, tree.root(), registry.offices
    return report


def _guarded(rule: Rule, step: str, run: Callable[[], list[Problem]]) -> list[Problem]:
    """A crash inside a rule is a located ``<rule>.internal`` error, never a traceback and never
    a silent pass: the entry that made the rule fail is named (the caller fills in file and id)."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 (any bug in any rule)
        name = getattr(rule, "name", type(rule).__name__)
        return [Problem(f"{name}.internal", f"核验规则 {name} 出错（程序缺陷，请报告）/ rule {name} failed in {step}: {type(exc).__name__}: {exc}",
                        "", "")]


def _unix(text: str) -> int:
    """Seconds since the epoch of an envelope time (already validated by the envelope parser)."""
    return int(datetime.fromisoformat(text).timestamp())


def _check_blobs(source: LedgerSource, report: Report) -> None:
    """Every blob's name must be the SHA-256 of its bytes (snapshots are referenced by hash)."""
    import hashlib

    for p in getattr(source, "blob_files", lambda: [])():
        if p.name == ".gitkeep":
            continue
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != p.name:
            report.problems.append(Problem("blob", f"content hashes to {h.hexdigest()[:16]}…, not its name: "
                                           "the blob was changed", source.rel(p)))


def _check_orphans(source: LedgerSource, heads: dict[str, Any], report: Report) -> None:
    """Entry files the log does not list: a crashed append (warning) or planted files (error).

    An office directory holding exactly its logged files (names 1..head) needs no per-file work."""
    for office, names in source.entry_names():
        head = heads.get(office, (0,))[0]
        real = [n for n in names if n != ".gitkeep"]
        if office and len(real) == head and all(ENTRY_NAME_RE.fullmatch(n) for n in real):
            continue  # the log listed seq 1..head, each file exists (else `missing`), so no extras
        for name in sorted(real):
            where = f"ledger/entries/{office + '/' if office else ''}{name}"
            m = ENTRY_NAME_RE.fullmatch(name)
            if not office or not m:
                report.problems.append(Problem("layout", "unexpected file in entries/", where))
                continue
            seq = int(m.group(1))
            if seq == head + 1:
                report.problems.append(Problem("orphan", "条目文件不在日志中（追加时中断；不属于账本，下次追加时替换）/ "
                                               "entry file not in the log (an interrupted append; "
                                               "it is not part of the ledger and the next append replaces it)",
                                               where, severity="warning"))
            elif seq > head or seq == 0:
                report.problems.append(Problem("orphan", "条目文件不在日志中 / entry file not in the log", where))
