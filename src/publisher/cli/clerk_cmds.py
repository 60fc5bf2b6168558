"""Everyday commands for operators and clerks: new-portal (and status, undo, calendar)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("new-portal", help="写出门户自己的网站设置、主题和页面 / write a portal's site settings, theme and pages",
                       description="在 DIR 中写出 pelicanconf.py（网站名称、主办单位、公开网址）、theme/ 和 content/，"
                       "以及 .gitattributes、.gitignore；已有的文件不会被覆盖。 / Writes pelicanconf.py, theme/, content/ "
                       "(and .gitattributes/.gitignore) into DIR; never overwrites.")
    p.add_argument("dir", type=Path, help="门户仓库目录 / the portal repository")
    p.add_argument("--county-zh", required=True, help="县（区）名，例如 清河县 / county name in Chinese")
    p.add_argument("--county-en", required=True, help="英文县名，例如 \"Qinghe County\" / county name in English")
    p.add_argument("--host-zh", required=True, help="主办单位 / organiser (Chinese)")
    p.add_argument("--host-en", required=True, help="主办单位英文名 / organiser (English)")
    p.add_argument("--url", required=True, help="网站公开网址 / public URL, e.g. https://ssgk.qinghe.gov.cn/")
    p.add_argument("--ledger", help="已创建的账本（用来固定根密钥编号），默认 DIR/ledger / ledger whose root keys to pin")
    p.set_defaults(func=cmd_new_portal)


def cmd_new_portal(args) -> int:
    from ..newportal import PortalError, PortalNames, new_portal

    ledger = Path(args.ledger) if args.ledger else args.dir / "ledger"
    origin, ids = None, ()
    if (ledger / "trust.json").is_file():
        try:
            trust = json.loads((ledger / "trust.json").read_text("utf-8"))
            origin, ids = trust["origin"], tuple(k["key_id"] for k in trust["root_keys"])
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{ledger / 'trust.json'}：无法读取 / cannot be read") from None
    names = PortalNames(args.county_zh, args.county_en, args.host_zh, args.host_en, args.url, ids, origin)
    try:
        written = new_portal(args.dir, names)
    except PortalError as exc:
        raise UserError(str(exc)) from None
    for p in written:
        print(f"已写出 / wrote {p}")
    if not ids:
        print("提示：还没有账本，pelicanconf.py 中的 PUBLISHER_ROOT_KEY_IDS 为空；publisher init 之后请填入根密钥编号 / "
              "no ledger yet: fill PUBLISHER_ROOT_KEY_IDS after publisher init")
    return 0
