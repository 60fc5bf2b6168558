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
from .errors import UserError  # re-exported for command modules

COMMAND_MODULES = ["ledger_cmds", "draw_cmds", "office_cmds", "site_cmds", "git_cmds", "demo_cmds",
                   "witness_cmds", "clerk_cmds"]


# argparse's own messages, led by a Chinese gloss (clerks read Chinese); the English stays as argparse wrote it
_USAGE_ZH = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项"),
    ("invalid int value", "不是整数"),
    ("invalid float value", "不是数字"),
    ("expected one argument", "该选项需要一个值"),
    ("not allowed with argument", "这两个选项不能同时使用"),
    ("ambiguous option", "选项名称不明确"),
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with a Chinese-first usage error line; still exit code 2 (subparsers inherit the class)."""

    def error(self, message: str):  # type: ignore[override]
        zh = next((z for en, z in _USAGE_ZH if en in message), "命令行参数有误")
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{zh}（用 -h 查看帮助）/ error: {message}\n")


def check_environment() -> None:
    """Refuse a malformed $PUBLISHER_NOW (unix seconds, for tests and replays) before any command runs."""
    fixed = os.environ.get("PUBLISHER_NOW")
    if fixed and not (fixed.strip().isascii() and fixed.strip().isdigit()):
        raise UserError(f"环境变量 PUBLISHER_NOW=“{fixed}”无效：应为 Unix 秒数（非负整数，例如 1767225600），"
                        "或删除该变量以使用当前时间；未写入任何内容 / PUBLISHER_NOW must be unix seconds "
                        "(a non-negative whole number such as 1767225600), or unset; nothing written")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="publisher", description="可核验的“双随机、一公开”门户 / a verifiable 双随机、一公开 portal")
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
        check_environment()
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
