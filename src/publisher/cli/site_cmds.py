"""`publisher build`: verify the ledger and write the static public site."""

from __future__ import annotations

import sys

from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("build", help="核验账本并生成公开网站（Pelican + Pagefind） / verify the ledger and build the public site (Pelican + Pagefind)")
    p.add_argument("--ledger", default="ledger", help="账本目录（默认 ./ledger） / ledger directory (default: ./ledger)")
    p.add_argument("--output", default="output", help="网站输出目录（默认 ./output） / site output directory (default: ./output)")
    p.add_argument("--settings", help="网站配置文件（默认 ./pelicanconf.py） / Pelican settings file (default: ./pelicanconf.py)")
    p.add_argument("--no-search", action="store_true", help="不生成站内搜索索引 / skip the Pagefind search index")
    p.add_argument("--now", type=int, help="统计截止时间（Unix 秒，默认现在） / unix time the dashboard is about (default: now)")
    p.add_argument("--verbose", action="store_true", help="逐条列出全部核验警告（默认按规则汇总）/ list every warning")
    from .common import add_full_arg

    add_full_arg(p)
    p.set_defaults(func=cmd_build)


def cmd_build(args) -> int:
    from ..site.build import BuildError, build
    from ..site.load import LedgerNotVerified
    from ..site.search import SearchIndexError

    _refuse_sample_settings(args)
    if getattr(args, "verbose", False):
        import os

        os.environ["PUBLISHER_VERBOSE"] = "1"
    overrides = {"PUBLISHER_NOW": args.now} if args.now else {}
    if getattr(args, "full", False):
        overrides["PUBLISHER_FULL_VERIFY"] = True
    try:
        res = build(args.ledger, args.output, settings_file=args.settings, overrides=overrides or None,
                    search=not args.no_search)
    except LedgerNotVerified as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (BuildError, SearchIndexError) as exc:
        raise UserError(str(exc)) from exc
    print(f"已生成网站 {res.output}：{res.pages} 个页面，来自 {res.entries} 条账本记录，用时 {res.seconds:.1f} 秒 / "
          f"built {res.output}: {res.pages} HTML pages from {res.entries} ledger entries in "
          f"{res.seconds:.1f}s (pelican {res.pelican_seconds:.1f}s, search index {res.pagefind_seconds:.1f}s)")
    return 0


def _refuse_sample_settings(args) -> None:
    """A real portal is never built under the sample county's name (issue 14)."""
    import json
    from pathlib import Path

    from ..site.build import find_settings

    if args.settings and not Path(args.settings).is_file():
        raise UserError(f"{args.settings}：没有这个网站设置文件 / no such settings file")
    conf = Path(args.settings) if args.settings else find_settings()
    try:
        sample = bool(json.loads((Path(args.ledger) / "trust.json").read_text("utf-8")).get("sample"))
    except (OSError, ValueError, AttributeError):
        return  # the build itself reports a missing or broken ledger
    if sample:
        return
    if conf is None or (not args.settings and conf.resolve() != (Path.cwd() / "pelicanconf.py").resolve()) \
            or "PUBLISHER_SAMPLE_SETTINGS = True" in conf.read_text("utf-8"):
        raise UserError("此门户还没有自己的网站设置（名称、主办单位、网址），不会用样例“某县”的名称生成网站。"
                        "请先运行 publisher new-portal . --county-zh … 并提交生成的 pelicanconf.py、theme/、content/ / "
                        "this portal has no site settings of its own; run `publisher new-portal .` first "
                        "(the site is never built under the sample county's name)")
