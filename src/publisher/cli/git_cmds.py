"""Publishing by git: `check-push` (CI's gate) and `submit` (a clerk's publish button)."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import add_ledger_arg
from .main import UserError


def register(sub) -> None:
    p = sub.add_parser("check-push", help="（CI）拒绝改写账本、泄露私钥或不能通过核验的推送 / (CI) refuse a push BASE..HEAD that rewrites the ledger, "
                       "leaks a private key or does not verify (exit 0 ok, 1 refused)")
    p.add_argument("revs", nargs="+", metavar="[BASE] HEAD",
                   help="比较基准提交 BASE（全 0：只核验）与推送的提交 HEAD / BASE: commit to diff against (all zeros: verify only); HEAD: pushed commit")
    p.add_argument("--since", metavar="REF", help="以 REF 所指的提交作为比较基准（代替 BASE） / diff against the commit REF names instead of BASE: "
                   "the ref only the checkpoint signer moves (CI: origin/portal-checkpointed)")
    p.add_argument("--allow-outside-ledger", action="store_true",
                   help="允许账本以外的改动（仅限代码负责人批准的运行） / admit changes outside the ledger (only in a run a code owner approved)")
    p.add_argument("--repo", default=".", help="仓库目录（git，默认当前目录） / git repository (default: current directory)")
    p.add_argument("--ledger-path", default="ledger", help="仓库中的账本目录 / ledger directory inside the repository")
    p.add_argument("--allow-key", action="append", default=[], metavar="SHA256",
                   help="允许出现在改动中的公开测试密钥指纹 / fingerprint of a published TEST key allowed in the diff (as printed in the refusal)")
    p.set_defaults(func=cmd_check_push)

    p = sub.add_parser("submit", help="（录入人员）提交新记录：合并最新账本、核验、推送 / (clerk) commit new ledger entries, merge the latest ledger, verify, push")
    add_ledger_arg(p)
    p.add_argument("--message", "-m", help="提交说明（默认列出新增的记录） / commit subject (default names the entries added)")
    p.add_argument("--remote", default="origin")
    p.add_argument("--branch", default="main")
    p.add_argument("--attempts", type=int, default=5, help="他人同时推送时的重试次数 / pull/push retries when others push at the same time")
    p.set_defaults(func=cmd_submit)


def cmd_check_push(args) -> int:
    from ..gitops.checkpush import CheckPushError, check_push, resolve_since
    from ..gitops.git import Git, GitError

    git = Git(args.repo)
    prefix = args.ledger_path.strip("/")
    if len(args.revs) != (1 if args.since else 2):
        raise UserError("用法：publisher check-push BASE HEAD 或 publisher check-push --since REF HEAD / usage: publisher check-push BASE HEAD  |  publisher check-push --since REF HEAD")
    try:
        head = args.revs[-1]
        base = resolve_since(git, args.since, head, prefix) if args.since else args.revs[0]
        res = check_push(git, base, head, prefix, args.allow_key, args.allow_outside_ledger)
    except (CheckPushError, GitError) as exc:
        raise UserError(str(exc)) from None
    for w in res.warnings:
        print(w)
    for r in res.refusals:
        print(r.zh_line(), file=sys.stderr)
        print(r.line(), file=sys.stderr)
    what = f"{len(res.changes)} changed files, {len(res.new_lines)} new log lines, " \
           f"ledger of {res.verified_size} entries"
    if res.refusals:
        print(f"推送被拒绝（{len(res.refusals)} 个问题）/ PUSH REFUSED ({len(res.refusals)} problems): {what}")
        return 1
    print(f"可以推送 / PUSH OK: {what}")
    return 0


def cmd_submit(args) -> int:
    from ..gitops.git import Git, GitError
    from ..gitops.submit import SubmitError, submit

    ledger = Path(args.ledger)
    if not (ledger / "trust.json").is_file():
        raise UserError(f"{ledger}：这里没有账本（应有 {ledger}/trust.json），请在门户仓库的本地副本中运行 / no ledger here; run inside your clone")
    git = Git(ledger)
    try:
        res = submit(git, ledger, args.remote, args.branch, args.message, max(1, args.attempts))
    except SubmitError as exc:
        raise UserError(str(exc)) from None
    except GitError as exc:
        raise UserError(f"执行 git 命令失败：{exc} / git failed") from None
    if res.pushed:
        added = ", ".join(res.added) if res.added else "earlier local commits"
        print(f"已发布 / published {res.commit[:12]} to {args.remote}/{args.branch}: {added}")
    return 0
