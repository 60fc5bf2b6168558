"""Helpers shared by command modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.trust import Trust, TrustError
from ..portal import load_trust as parse_trust
from ..storage.ledger_dir import LedgerDir
from .errors import UserError


def add_ledger_arg(p) -> None:
    p.add_argument("--ledger", default="ledger", help="账本目录（默认 ./ledger）/ ledger directory (default: ./ledger)")


def open_ledger(args) -> LedgerDir:
    d = Path(args.ledger)
    if not d.is_dir():
        raise UserError(f"{d}：没有这个账本目录（请在门户仓库中运行，或用 --ledger 指定）/ no such ledger directory")
    return LedgerDir(d)


def read_text_arg(path: str | Path, what: str) -> str:
    """A file the user named on the command line, as text; a missing, unreadable or non-UTF-8
    file is a UserError naming it (never a traceback)."""
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise UserError(f"{path}：无法读取 / cannot read the {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}：不是 UTF-8 文本 / the {what} is not UTF-8 text") from None


def read_json_arg(path: str | Path, what: str) -> Any:
    """A JSON file the user named; unreadable or invalid JSON is a UserError naming it."""
    text = read_text_arg(path, what)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UserError(f"{path}：不是有效的 JSON / the {what} is not valid JSON: {exc}") from None


def load_trust(args, ledger: LedgerDir) -> Trust:
    if getattr(args, "trust", None):
        obj = read_json_arg(args.trust, "trust.json")
        try:
            return parse_trust(obj)
        except TrustError as exc:
            raise UserError(f"{args.trust}: {exc}") from None
    return ledger.trust()


def default_rules(known=None) -> list:
    from ..ruleset import default_rules as dr

    return dr(known=known)


def add_full_arg(p) -> None:
    p.add_argument("--full", action="store_true",
                   help="重新核验全部条目，不使用本机保存的核验进度 / "
                        "verify every entry again, ignoring this machine's saved verification state")


def verify_cache(args=None):
    """The local verification cache (None with --full or PUBLISHER_VERIFY_CACHE=off)."""
    from ..storage.verify_cache import VerifyCache

    return VerifyCache.default(full=bool(getattr(args, "full", False)))


def registered_offices(ledger: LedgerDir) -> dict[str, str]:
    """Office code -> Chinese name of every office.register entry (the operator's log lines only)."""
    from ..core.entry import OPERATOR

    out: dict[str, str] = {}
    for line in ledger.iter_log():
        if line.office == OPERATOR:
            e = ledger.read_entry(line.office, line.seq)
            if e.type == "office.register" and isinstance(e.body, dict):
                out[str(e.body.get("office"))] = str(e.body.get("name_zh", ""))
    return out


def check_office_arg(ledger: LedgerDir, office: str | None) -> None:
    """Refuse an --office the ledger never registered (a typo would otherwise show an empty report)."""
    if office is None:
        return
    known = registered_offices(ledger)
    if office not in known:
        listed = "、".join(f"{c}（{n}）" if n else c for c, n in sorted(known.items())) or "（无 / none）"
        raise UserError(f"--office {office}：账本中没有注册这个单位；已注册的单位：{listed} / "
                        f"office {office!r} is not registered in this ledger; registered offices: "
                        f"{', '.join(sorted(known)) or 'none'}")
