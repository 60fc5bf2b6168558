"""Helpers shared by command modules."""

from __future__ import annotations

import json
from pathlib import Path

from ..portal import load_trust as parse_trust
from ..core.trust import Trust
from ..storage.ledger_dir import LedgerDir


def add_ledger_arg(p) -> None:
    p.add_argument("--ledger", default="ledger", help="账本目录（默认 ./ledger）/ ledger directory (default: ./ledger)")


def open_ledger(args) -> LedgerDir:
    d = Path(args.ledger)
    if not d.is_dir():
        from .main import UserError

        raise UserError(f"{d}：没有这个账本目录（请在门户仓库中运行，或用 --ledger 指定）/ no such ledger directory")
    return LedgerDir(d)


def load_trust(args, ledger: LedgerDir) -> Trust:
    if getattr(args, "trust", None):
        return parse_trust(json.loads(Path(args.trust).read_text("utf-8")))
    return ledger.trust()


def default_rules() -> list:
    from ..ruleset import default_rules as dr

    return dr()


def add_full_arg(p) -> None:
    p.add_argument("--full", action="store_true",
                   help="重新核验全部条目，不使用本机保存的核验进度 / "
                        "verify every entry again, ignoring this machine's saved verification state")


def verify_cache(args=None):
    """The local verification cache (None with --full or PUBLISHER_VERIFY_CACHE=off)."""
    from ..storage.verify_cache import VerifyCache

    return VerifyCache.default(full=bool(getattr(args, "full", False)))
