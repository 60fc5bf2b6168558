"""CI's gate for a push BASE..HEAD: the diff rules, then the full verifier on HEAD's ledger.

HEAD's ledger is read from git objects (never from the CI work tree, which a previous step
could have changed), copied byte-for-byte into a temporary directory and verified there.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import rules
from .git import Git, GitError
from .rules import Change, Refusal


class CheckPushError(Exception):
    """The check could not run at all (unknown commit, not a repository)."""


@dataclass
class PushCheck:
    refusals: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    new_lines: list[rules.NewLine] = field(default_factory=list)
    verified_size: int = -1  # log size of HEAD's ledger when the verifier ran, -1 if it did not

    @property
    def ok(self) -> bool:
        return not self.refusals


def diff_rules(git: Git, base: str, head: str, prefix: str = "ledger",
               allowed_keys: Iterable[str] = ()) -> PushCheck:
    """Everything that compares BASE with HEAD (nothing here looks at signatures)."""
    res = PushCheck()
    res.changes = git.diff_name_status(base, head)
    res.refusals += rules.check_changes(res.changes, prefix)
    log_path = prefix.rstrip("/") + "/log"
    log_refusals, res.new_lines = rules.check_log_append(
        git.read_file(base, log_path), git.read_file(head, log_path), log_path)
    res.refusals += log_refusals
    res.refusals += rules.check_new_entries(res.changes, res.new_lines, prefix)
    if any(c.path == ".gitattributes" for c in res.changes):
        res.refusals += rules.check_gitattributes(git.read_file(head, ".gitattributes"), prefix)
    present = [c for c in res.changes if c.status in ("A", "M", "T")]
    for ch, data in zip(present, _read_many(git, head, [c.path for c in present])):
        rel = rules.ledger_rel(ch.path, prefix)
        if rel is not None and ch.status == "A" and rules.classify(rel).kind == "blob":
            res.refusals += rules.check_blob(ch.path, data)
        res.refusals += rules.scan_private_keys(ch.path, data, allowed_keys)
    return res


def _read_many(git: Git, rev: str, paths: list[str]) -> list[bytes]:
    """File bytes at ``rev`` for each path (one cat-file process for all of them)."""
    simple = [p for p in paths if "\n" not in p]
    got = dict(zip(simple, (d for _, d in git.cat_blobs(f"{rev}:{p}" for p in simple))))
    return [got.get(p) or (git.read_file(rev, p) if "\n" in p else None) or b"" for p in paths]


def verify_commit(git: Git, rev: str, prefix: str = "ledger",
                  verify_dir: Callable[[Path], "object"] | None = None) -> PushCheck:
    """Copy ``rev``'s ledger out of git and run the full verifier on it."""
    res = PushCheck()
    trust_path = prefix.rstrip("/") + "/trust.json"
    if git.read_file(rev, trust_path) is None:
        res.refusals.append(Refusal(trust_path, "verify", "the pushed commit has no ledger "
                                    "(run `publisher init` and commit ledger/ first)"))
        return res
    with tempfile.TemporaryDirectory(prefix="publisher-check-") as tmp:
        odd = git.export_tree(rev, prefix, Path(tmp))
        for f in odd:
            res.refusals.append(Refusal(f.path, "layout", "symlinks, submodules and odd names are not allowed in the ledger"))
        report = (verify_dir or verify_ledger_dir)(Path(tmp) / prefix)
        res.verified_size = report.size
        for p in report.problems:
            where = p.file or prefix
            msg = (p.message + (f" ({p.article})" if p.article else "")).replace(tmp + "/", "")
            if p.severity == "error":
                res.refusals.append(Refusal(where, f"verify/{p.rule}", msg))
            else:
                res.warnings.append(f"warning: {where}: {p.rule}: {msg}")
    return res


def verify_ledger_dir(path: Path):
    """Verify a ledger directory with the default rules; an unreadable trust.json is a problem, not a crash."""
    from ..core.rules import default_rules
    from ..core.verifier import verify
    from ..storage.ledger_dir import LedgerDir, LedgerIOError
    from ..storage.verify_cache import VerifyCache
    from ..core.trust import TrustError

    ledger = LedgerDir(path)
    try:
        return verify(ledger, ledger.trust(), default_rules(), cache=VerifyCache.default())
    except (LedgerIOError, TrustError) as exc:
        from ..core.rules.base import Problem
        from ..core.verifier import Report

        return Report(problems=[Problem("ledger", str(exc))])


def check_push(git: Git, base: str, head: str, prefix: str = "ledger",
               allowed_keys: Iterable[str] = ()) -> PushCheck:
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
            res = diff_rules(git, base_id, head_id, prefix, allowed_keys)
        except GitError as exc:
            raise CheckPushError(str(exc)) from exc
    v = verify_commit(git, head_id, prefix)
    res.refusals += v.refusals
    res.warnings += v.warnings
    res.verified_size = v.verified_size
    return res
