"""A clerk's publish loop: verify → commit new ledger files → pull --rebase → verify → push.

Why this is safe with many clerks pushing at once: entries are new files at paths unique to
``<office>/<seq>``, and ``ledger/log`` carries ``merge=union`` (.gitattributes), so a rebase of
one office's appends over another office's appends merges without conflict: upstream's new
lines first, then ours, each office's chain still consecutive. Checkpoints already published
cover a prefix of the log, which the rebase never changes. Two clerks of the *same* office
both create ``<office>/<n>``: that is an add/add conflict on the entry file, so the loser's
rebase stops, is aborted, and the clerk is told to re-create the entry on the latest ledger.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import PublisherError
from . import rules
from .checkpush import verify_ledger_dir
from .git import Git, GitError, redact

RETRYABLE_PUSH = ("[rejected]", "non-fast-forward", "fetch first", "cannot lock ref",
                  "failed to update ref", "stale info", "incorrect old value")


class SubmitError(PublisherError):
    """A plain-language reason (Chinese, then English) why nothing more was published."""


@dataclass
class SubmitResult:
    commit: str | None = None  # the commit that was pushed (None: nothing to publish)
    pushed: bool = False
    added: list[str] = field(default_factory=list)  # "scjgj/5 notice", "checkpoint 12", ...
    attempts: int = 0
    notes: list[str] = field(default_factory=list)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


# -- step 1: what is new in the work tree ---------------------------------------------------------

def collect_new_files(git: Git, top: Path, prefix: str) -> tuple[list[str], list[str], list[str]]:
    """(paths to commit, human descriptions, notes about files left out).

    Only files the layout allows are taken; entry files not listed in the log (an interrupted
    append) are left out, because CI refuses them and the next append rewrites them.
    """
    log_path = f"{prefix}/log"
    head_log = git.read_file("HEAD", log_path) if git.rev("HEAD") else None
    work = top / log_path
    work_log = work.read_bytes() if work.exists() else None
    refusals, new_lines = rules.check_log_append(head_log, work_log, log_path)
    if refusals:
        raise SubmitError(
            f"{log_path} 被修改过，而不仅仅是追加了新行，不能发布。\n"
            f"{log_path} was edited, not only appended to; it cannot be published.\n"
            f"  {refusals[0].line()}\n"
            f"Restore it with: git checkout -- {log_path}  (then re-create your entries)")
    listed = {(n.office, n.seq): n for n in new_lines}
    paths: list[str] = []
    desc: list[str] = []
    notes: list[str] = []
    for xy, path in git.status_z(prefix):
        rel = rules.ledger_rel(path, prefix)
        if rel is None:
            continue
        lp = rules.classify(rel)
        if xy == "??" or xy[0] == "A":
            if lp.kind == "entry":
                if (lp.office, lp.seq) not in listed:
                    notes.append(f"skipped {path}: not in {log_path} (an interrupted append; it is not part of the ledger)")
                    continue
                desc.append(_describe_entry(top / path, lp, listed[(lp.office, lp.seq)]))
            elif lp.kind == "blob":
                data = (top / path).read_bytes()
                bad = rules.check_blob(path, data)
                if bad:
                    raise SubmitError(f"数据文件名与内容不符 / A blob's name does not match its content:\n  {bad[0].line()}")
                desc.append(f"blob {lp.digest[:12]}")
            elif lp.kind == "checkpoint":
                desc.append(f"checkpoint {int(Path(rel).stem)}")
            elif lp.kind in ("log", "keep", "trust"):
                pass
            else:
                notes.append(f"skipped {path}: not a ledger file")
                continue
            paths.append(path)
        elif lp.kind == "log" and "D" not in xy:
            paths.append(path)
        else:
            verb = "deleted 删除了" if "D" in xy else "changed 修改了"
            raise SubmitError(
                f"您{verb.split()[1]}已有的账本文件 {path}；账本文件只能新增，不能修改或删除。\n"
                f"You {verb.split()[0]} an existing ledger file {path}; ledger files are only ever added.\n"
                f"Restore it with: git checkout -- {path}")
    return paths, desc, notes


def _describe_entry(path: Path, lp: rules.LedgerPath, line: rules.NewLine) -> str:
    try:
        kind = json.loads(path.read_text("utf-8")).get("type", "?")
    except (OSError, ValueError, AttributeError):
        kind = "?"
    return f"{lp.office}/{lp.seq} {kind} {line.entry_id[:12]}"


def commit_message(desc: list[str], message: str | None) -> tuple[str, str]:
    """(subject, body): the subject names the entries, the body lists everything added."""
    entries = [d for d in desc if not d.startswith(("blob ", "checkpoint "))]
    named = ", ".join(" ".join(d.split()[:2]) for d in entries[:3]) + (" …" if len(entries) > 3 else "")
    if message:
        subject = message
    elif entries:
        subject = f"ledger: {named}"
    elif desc:
        subject = "ledger: " + ", ".join(desc[:3]) + (" …" if len(desc) > 3 else "")
    else:
        subject = "ledger: update"
    body = "Added:\n" + "\n".join(f"- {d}" for d in desc) if desc else ""
    return subject, body


# -- step 2: rebase onto the remote, diagnosing conflicts ------------------------------------------

def pull_rebase(git: Git, remote: str, branch: str, prefix: str) -> bool:
    """Rebase local commits onto ``remote``/``branch``; False if that branch does not exist yet."""
    p = git.run("pull", "--rebase", "--no-autostash", remote, branch, check=False)
    if p.returncode == 0:
        return True
    err = p.stderr.decode("utf-8", "replace") + p.stdout.decode("utf-8", "replace")
    if git.rebase_in_progress():
        conflicts = git.unmerged_paths()
        git.run("rebase", "--abort", check=False)
        raise SubmitError(_conflict_message(conflicts, prefix, remote, branch, git.rev("HEAD") or ""))
    if "couldn't find remote ref" in err:
        return False
    if "unstaged changes" in err or "uncommitted changes" in err or "would be overwritten" in err:
        raise SubmitError(
            "本仓库中还有其他未提交的改动，无法更新到最新账本。请先提交或撤销这些改动。\n"
            "This clone has other uncommitted changes, so it cannot be updated to the latest ledger.\n"
            "Commit or discard them first (git status shows them).\n" + _tail(err))
    raise SubmitError(
        f"无法从 {redact(remote)} 获取最新账本（网络或权限问题？）。\n"
        f"Could not fetch the latest ledger from {redact(remote)} (network or permissions?).\n" + _tail(err))


def _conflict_message(conflicts: list[str], prefix: str, remote: str, branch: str, mine: str) -> str:
    same = []
    for c in conflicts:
        rel = rules.ledger_rel(c, prefix)
        lp = rules.classify(rel) if rel is not None else None
        if lp is not None and lp.kind == "entry":
            same.append(f"{lp.office}/{lp.seq}")
    recover = (f"  git fetch {redact(remote)} {branch} && git reset --hard FETCH_HEAD\n"
               f"您未发布的提交 / Your unpublished commit: {mine[:12]} (still readable after the reset "
               f"with `git show {mine[:12]}`).")
    if same:
        ids = ", ".join(same)
        return ("同一单位的另一位办事员已先发布了相同编号的记录（" + ids + "），您的记录没有发布。\n"
                "请更新到最新账本，在最新账本上重新创建您的记录，然后再次运行 publisher submit。\n"
                f"Another clerk of the same office already published an entry with the same number ({ids}); "
                "yours was NOT published.\n"
                "Update to the latest ledger, re-create your entry on top of it, then run `publisher submit` again:\n"
                + recover)
    return ("更新到最新账本时发生冲突，您的记录没有发布。\n"
            f"Updating to the latest ledger conflicted on: {', '.join(conflicts) or '(unknown files)'}; "
            "nothing was published and your clone is as it was before.\n"
            "Start again from the published ledger:\n" + recover)


def _tail(err: str, n: int = 6) -> str:
    lines = [ln for ln in redact(err).strip().splitlines() if ln.strip()]
    return "git says:\n" + "\n".join("  " + ln for ln in lines[-n:]) if lines else ""


# -- the whole loop ---------------------------------------------------------------------------------

def check_times(git: Git, top: Path, prefix: str, base_rev: str | None = "@{upstream}",
                now: int | None = None) -> None:
    """The gate's clock rules on the entries not yet pushed: those after ``base_rev``'s log (the
    upstream branch before committing, the fetched remote after the rebase). Without a known
    upstream there is nothing to compare with, and the check waits for the rebase."""
    import time as _time

    from ..core.entry import EnvelopeError
    from ..storage.ledger_dir import LedgerDir
    from .timegate import latest_checkpoint_time, lines, time_refusals

    log_path = f"{prefix}/log"
    p = git.run("rev-parse", "--verify", "--quiet", f"{base_rev}^{{commit}}", check=False) if base_rev else None
    if p is None or p.returncode != 0:
        return
    base_log = git.read_file(p.stdout.decode().strip(), log_path)
    work = top / log_path
    _, new_lines = rules.check_log_append(base_log, work.read_bytes() if work.exists() else None, log_path)
    ledger = LedgerDir(top / prefix)
    entries = []
    for n in new_lines:
        try:
            entries.append(ledger.read_entry(n.office, n.seq))
        except (OSError, EnvelopeError, ValueError):
            continue  # verify_or_raise has already named it
    if not entries:
        return
    trust = ledger.trust()
    bad = time_refusals(entries, int(_time.time()) if now is None else now, trust.beacon_chains,
                        latest_checkpoint_time(top / prefix, trust.log_vkey))
    if bad:
        raise SubmitError("记录的时间不对（电脑时钟错误？），没有发布任何内容。\n"
                          "An entry's time cannot be accepted (a wrong computer clock?); nothing was published:\n"
                          + "\n".join("  " + ln for ln in lines(bad)))


def verify_or_raise(ledger: Path, when: str) -> int:
    report = verify_ledger_dir(ledger)
    if report.ok:
        return report.size
    problems = "\n".join("  " + p.line() for p in report.errors[:10])
    more = f"\n  … and {len(report.errors) - 10} more" if len(report.errors) > 10 else ""
    raise SubmitError(f"账本校验未通过（{when}），没有发布任何内容。\n"
                      f"The ledger does not verify ({when}); nothing was published:\n{problems}{more}\n"
                      "Run `publisher verify` for the full report.")


def submit(git: Git, ledger: Path, remote: str = "origin", branch: str = "main",
           message: str | None = None, attempts: int = 5, say: Callable[[str], None] = _say,
           sleep: Callable[[float], None] = time.sleep) -> SubmitResult:
    res = SubmitResult()
    top = git.toplevel().resolve()
    git = Git(top, git.env)  # porcelain paths and pathspecs below are relative to the top
    try:
        prefix = ledger.resolve().relative_to(top).as_posix()
    except ValueError:
        raise SubmitError(f"{ledger} is not inside the git repository {top}") from None
    if git.rebase_in_progress():
        raise SubmitError("上一次更新没有完成 / A rebase is in progress in this clone; "
                          "finish or abort it first: git rebase --abort")
    verify_or_raise(top / prefix, "before submitting 提交前")
    paths, res.added, res.notes = collect_new_files(git, top, prefix)
    check_times(git, top, prefix)
    for n in res.notes:
        say(n)
    if paths:
        spec = "\0".join(paths).encode("utf-8", "surrogateescape")
        git.run("add", "--pathspec-from-file=-", "--pathspec-file-nul", input=spec)
        subject, body = commit_message(res.added, message)
        args = ["commit", "--no-verify", "-q", "-m", subject] + (["-m", body] if body else [])
        try:
            git.run(*args, "--pathspec-from-file=-", "--pathspec-file-nul", input=spec)
        except GitError as exc:
            raise SubmitError("无法提交 / git could not commit (is user.name/user.email set?):\n"
                              + _tail(exc.stderr)) from None
        say(f"committed: {subject}")
    for attempt in range(1, attempts + 1):
        res.attempts = attempt
        remote_exists = pull_rebase(git, remote, branch, prefix)
        if remote_exists:
            upstream_log = git.read_file("FETCH_HEAD", f"{prefix}/log")
            refusals, _ = rules.check_log_append(upstream_log, git.read_file("HEAD", f"{prefix}/log"), f"{prefix}/log")
            if refusals:
                raise SubmitError("合并后的日志不是已发布日志的延续 / After the rebase, the log is not the published "
                                  f"log plus new lines:\n  {refusals[0].line()}\nNothing was pushed.")
            verify_or_raise(top / prefix, "after merging the latest ledger 合并最新账本后")
            check_times(git, top, prefix, "FETCH_HEAD")
            if git.rev("HEAD") == git.rev("FETCH_HEAD"):
                say("nothing new to publish; your ledger is up to date 已是最新，无需发布")
                return res
        if git.rev("HEAD") is None:
            raise SubmitError("nothing to publish: this clone has no commits yet")
        p = git.run("push", remote, f"HEAD:refs/heads/{branch}", check=False)
        if p.returncode == 0:
            res.pushed, res.commit = True, git.rev("HEAD")
            return res
        err = p.stderr.decode("utf-8", "replace")
        if any(s in err for s in RETRYABLE_PUSH) and "hook declined" not in err:
            say(f"the remote changed while publishing (attempt {attempt}/{attempts}); updating and retrying")
            sleep(random.uniform(0.1, 0.5) * attempt)
            continue
        raise SubmitError(f"推送被拒绝 / {redact(remote)} refused the push; your commit is still local.\n"
                          + _tail(err))
    raise SubmitError(f"远端在 {attempts} 次尝试中一直在变化，请稍后重试。\n"
                      f"The remote kept changing during {attempts} attempts; nothing is lost, run "
                      "`publisher submit` again in a moment.")
