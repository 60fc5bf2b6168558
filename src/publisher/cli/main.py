"""The `publisher` command: a thin layer that parses arguments and calls the core.

Every failure the user can cause ends as one readable message and a non-zero exit, never a
traceback (set PUBLISHER_DEBUG=1 to see one for a real bug).
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from ..core.errors import EXIT_INTERNAL, PublisherError
from .errors import UserError  # noqa: F401  (re-exported for command modules)

COMMAND_MODULES = ["ledger_cmds", "draw_cmds", "office_cmds", "site_cmds", "git_cmds", "demo_cmds",
                   "witness_cmds", "clerk_cmds"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="publisher", description="可核验的“双随机、一公开”门户 / a verifiable 双随机、一公开 portal")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            mod = import_module(f"publisher.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"publisher.cli.{name}":
                continue  # command group not installed in this build
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # a usage error exits 2 here (argparse)
    try:
        rc = args.func(args)
        return int(rc or 0)
    except PublisherError as exc:  # every error a user can cause, caught once
        print(f"错误：{exc.diagnostics()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the message readable
        if os.environ.get("PUBLISHER_DEBUG"):
            raise
        print(f"内部错误（程序缺陷，请报告；设置 PUBLISHER_DEBUG=1 可看详情）/ internal error: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    from publisher.cli.main import main as _main  # one class identity for UserError

    sys.exit(_main())
