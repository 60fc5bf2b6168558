"""CI's gate for a push BASE..HEAD: the diff rules, then the full verifier on HEAD's ledger.

HEAD's ledger is read from git objects (never from the CI work tree, which a previous step
could have changed), copied byte-for-byte into a temporary directory and verified there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import PublisherError
from . import rules
from .git import Git, GitError
from .rules import Change, Refusal


class CheckPushError(PublisherError):
    """The check could not run at all (unknown commit, not a repository)."""


@dataclass
class PushCheck:
    refusals: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_lines: list[rules.NewLine] = field(default_factory=list)
    verified_size: int = -1  # log size of HEAD's ledger when the verifier ran, -1 if it did not
    last_checkpoint: int | None = None  # signing time of HEAD's largest valid checkpoint
    chains: dict = field(default_factory=dict)  # HEAD's pinned beacon chains

    @property
    def ok(self) -> bool:
        return not self.refusals


def diff_rules(git: Git, base: str, head: str, prefix: str = "ledger",
               allowed_keys: Iterable[str] = (), allow_outside: bool = False) -> PushCheck:
    """Everything that compares BASE with HEAD (nothing here looks at signatures).

    ``allow_outside`` admits changes outside the ledger: only for a run a code owner approved
    (a protected deployment), never for an office push."""
    res = PushCheck()
    res.changes = git.diff_name_status(base, head)
    if not allow_outside:
        res.refusals += rules.check_outside(res.changes, prefix)
    res.refusals += rules.check_changes(res.changes, prefix)
    log_path = prefix.rstrip("/") + "/log"
    log_refusals, res.new_lines = rules.check_log_append(
        git.read_file(base, log_path), git.read_file(head, log_path), log_path)
    res.refusals += log_refusals
    res.refusals += rules.check_new_entries(res.changes, res.new_lines, prefix)
    if any(rules.classify(rules.ledger_rel(c.path, prefix) or "").kind == "checkpoint" for c in res.changes):
        base_cps = [f.path for f in git.ls_tree(base, prefix.rstrip("/") + "/checkpoints")]
        res.refusals += rules.check_checkpoint_order(res.changes, base_cps, prefix)
    if any(c.path == ".gitattributes" for c in res.changes):
        res.refusals += rules.check_gitattributes(git.read_file(head, ".gitattributes"), prefix)
    present = [c for c in res.changes if c.status in ("A", "M", "T")]
    big, size_refusals = size_rules(git, head, present, prefix)
    res.refusals += size_refusals
    present = [c for c in present if c.path not in big]
    for ch, data in zip(present, _read_many(git, head, [c.path for c in present])):
        rel = rules.ledger_rel(ch.path, prefix)
        if rel is not None and ch.status == "A" and rules.classify(rel).kind == "blob":
            res.refusals += rules.check_blob(ch.path, data)
        res.refusals += rules.scan_private_keys(ch.path, data, allowed_keys)
    return res


def size_rules(git: Git, head: str, present: list[Change], prefix: str) -> tuple[set[str], list[Refusal]]:
    """Caps on what a push may add, judged from object sizes before any file is read (rule
    ``size``): entry files, checkpoints and other files ≤ the entry cap, blobs ≤ the blob cap,
    everything together ≤ the push cap. Returns the paths too large to read, and the refusals."""
    from ..inputs.limits import MAX_BLOB_BYTES, MAX_ENTRY_BYTES, MAX_PUSH_BYTES

    names = [f"{head}:{c.path}" if "\n" not in c.path else "" for c in present]
    sizes = git.object_sizes([n for n in names if n])
    it = iter(sizes)
    big: set[str] = set()
    out: list[Refusal] = []
    total = 0
    for ch, name in zip(present, names):
        size = next(it) if name else -1
        total += max(size, 0)
        rel = rules.ledger_rel(ch.path, prefix)
        is_blob = rel is not None and rules.classify(rel).kind == "blob"
        cap = MAX_BLOB_BYTES if is_blob else MAX_ENTRY_BYTES
        if rel == "log":
            continue  # judged line by line (append-only); its growth counts in the total
        if size > cap:
            big.add(ch.path)
            out.append(Refusal(ch.path, "size", f"{size} bytes; the limit for "
                               f"{'a blob' if is_blob else 'this file'} is {cap}"))
    if total > MAX_PUSH_BYTES:
        out.append(Refusal("(push)", "size", f"the push changes {total} bytes of files; the limit is {MAX_PUSH_BYTES}"))
    return big, out


def _read_many(git: Git, rev: str, paths: list[str]) -> list[bytes]:
    """File bytes at ``rev`` for each path (one cat-file process for all of them)."""
    simple = [p for p in paths if "\n" not in p]
    got = dict(zip(simple, (d for _, d in git.cat_blobs(f"{rev}:{p}" for p in simple))))
    return [got.get(p) or (git.read_file(rev, p) if "\n" in p else None) or b"" for p in paths]


def verify_commit(git: Git, rev: str, prefix: str = "ledger",
                  verify_dir: Callable[[Path], object] | None = None) -> PushCheck:
    """Copy ``rev``'s ledger out of git and run the full verifier on it."""
    res = PushCheck()
    trust_path = prefix.rstrip("/") + "/trust.json"
    if git.read_file(rev, trust_path) is None:
        res.refusals.append(Refusal(trust_path, "verify", "the pushed commit has no ledger "
                                    "(run `publisher init` and commit ledger/ first)"))
        return res
    with tempfile.TemporaryDirectory(prefix="publisher-check-") as tmp:
        from ..inputs.limits import MAX_BLOB_BYTES

        odd = git.export_tree(rev, prefix, Path(tmp), max_size=MAX_BLOB_BYTES)
        for f in odd:
            if f.kind == "blob" and f.mode in ("100644", "100755") and f.size > MAX_BLOB_BYTES:
                res.refusals.append(Refusal(f.path, "size", f"{f.size} bytes; no ledger file may exceed {MAX_BLOB_BYTES}"))
                continue
            res.refusals.append(Refusal(f.path, "layout", "symlinks, submodules and odd names are not allowed in the ledger"))
        report = (verify_dir or verify_ledger_dir)(Path(tmp) / prefix)
        res.verified_size = report.size
        cps = getattr(report, "checkpoints", [])
        res.last_checkpoint = cps[-1].time if cps else None
        res.chains = _chains(Path(tmp) / prefix)
        for p in report.problems:
            where = p.file or prefix
            msg = (p.message + (f" ({p.article})" if p.article else "")).replace(tmp + "/", "")
            if p.severity == "error":
                res.refusals.append(Refusal(where, f"verify/{p.rule}", msg))
            else:
                res.warnings.append(f"warning: {where}: {p.rule}: {msg}")
    return res


def _chains(path: Path) -> dict:
    """The beacon chains trust.json pins (empty if it cannot be read: the verifier says why)."""
    from ..core.trust import TrustError
    from ..storage.ledger_dir import LedgerDir, LedgerIOError

    try:
        return dict(LedgerDir(path).trust().beacon_chains)
    except (LedgerIOError, TrustError, ValueError, KeyError, TypeError):
        return {}


def verify_ledger_dir(path: Path):
    """Verify a ledger directory with the default rules; an unreadable trust.json is a problem, not a crash."""
    from ..core.trust import TrustError
    from ..core.verifier import verify
    from ..ruleset import default_rules
    from ..storage.ledger_dir import LedgerDir, LedgerIOError
    from ..storage.verify_cache import VerifyCache

    ledger = LedgerDir(path)
    try:
        return verify(ledger, ledger.trust(), default_rules(), cache=VerifyCache.default())
    except (LedgerIOError, TrustError) as exc:
        from ..core.rules.base import Problem
        from ..core.verifier import Report

        return Report(problems=[Problem("ledger", str(exc))])


def resolve_since(git: Git, ref: str, head: str, prefix: str = "ledger") -> str:
    """BASE for the gate: the commit ``ref`` names — the last commit the checkpoint signer checked
    and signed, a ref only the signer moves. Diffing against it (not against the previous push)
    means a push that was refused but landed, or skipped CI, is checked again by every later run.

    A missing ref is a bootstrap (all zeros, verify only) while HEAD's ledger has no checkpoint;
    once checkpoints exist, a missing ref means someone deleted it, and the gate refuses."""
    got = git.rev(ref)
    if got is not None:
        return got
    cps = [f for f in git.ls_tree(head, prefix.rstrip("/") + "/checkpoints")
           if f.path.endswith(".note")] if git.rev(head) else []
    if cps:
        raise CheckPushError(
            f"the checkpointed ref {ref!r} is missing, but the ledger already has {len(cps)} checkpoint(s): "
            "it was deleted or not fetched. Fetch it (git fetch origin portal-checkpointed), or restore it "
            "to the commit the latest checkpoint was signed on (docs/OPERATIONS.md, \"The gate\").")
    return "0" * 40


def time_rules(git: Git, head: str, new_lines: list[rules.NewLine], prefix: str,
               last_checkpoint: int | None, chains: dict, now: int | None = None) -> list[Refusal]:
    """The gate's clock rules (:mod:`.timegate`) on the entries this push appends."""
    import time as _time

    from ..core.entry import EnvelopeError, from_bytes
    from ..inputs.limits import MAX_ENTRY_BYTES
    from .timegate import time_refusals

    paths = [f"{prefix}/{rules.entry_rel(n.office, n.seq)}" for n in new_lines]
    sizes = git.object_sizes([f"{head}:{p}" for p in paths])
    paths = [p for p, n in zip(paths, sizes) if 0 <= n <= MAX_ENTRY_BYTES]  # others: rule size / missing
    entries, where = [], {}
    for path, data in zip(paths, _read_many(git, head, paths)):
        try:
            e = from_bytes(data)
        except (EnvelopeError, ValueError):
            continue  # the verifier names the broken envelope
        entries.append(e)
        where[(e.office, e.seq)] = path
    now = int(_time.time()) if now is None else now
    return [Refusal(where[(r.entry.office, r.entry.seq)], r.rule, r.message)
            for r in time_refusals(entries, now, chains, last_checkpoint)]


def check_push(git: Git, base: str, head: str, prefix: str = "ledger",
               allowed_keys: Iterable[str] = (), allow_outside: bool = False,
               now: int | None = None) -> PushCheck:
    """The whole gate. An all-zero BASE (first push of a branch) only verifies HEAD."""
    head_id = git.rev(head)
    if head_id is None:
        raise CheckPushError(f"HEAD {head!r} is not a commit in {git.repo}")
    if rules.is_zero_sha(base) or not base:
        res = PushCheck()
    else:
        base_id = git.rev(base)
        if base_id is None:
            raise CheckPushError(
                f"BASE {base!r} is not a commit in this clone; fetch the full history "
                "(actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0). A BASE that no longer exists "
                "on the server means history was force-pushed, which the portal never allows.")
        try:
            res = diff_rules(git, base_id, head_id, prefix, allowed_keys, allow_outside)
        except GitError as exc:
            raise CheckPushError(str(exc)) from exc
    v = verify_commit(git, head_id, prefix)
    res.refusals += v.refusals
    res.warnings += v.warnings
    res.verified_size = v.verified_size
    if res.new_lines and v.verified_size >= 0:
        res.refusals += time_rules(git, head_id, res.new_lines, prefix, v.last_checkpoint, v.chains, now)
    return res
