"""`publisher build`: verify the ledger and write the static public site."""

from __future__ import annotations

import sys

from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("build", help="verify the ledger and build the public site (Pelican + Pagefind)")
    p.add_argument("--ledger", default="ledger", help="ledger directory (default: ./ledger)")
    p.add_argument("--output", default="output", help="site output directory (default: ./output)")
    p.add_argument("--settings", help="Pelican settings file (default: ./pelicanconf.py)")
    p.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    p.add_argument("--now", type=int, help="unix time the dashboard is about (default: now)")
    p.set_defaults(func=cmd_build)


def cmd_build(args) -> int:
    from ..site.build import BuildError, build
    from ..site.load import LedgerNotVerified
    from ..site.search import SearchIndexError

    overrides = {"PUBLISHER_NOW": args.now} if args.now else None
    try:
        res = build(args.ledger, args.output, settings_file=args.settings, overrides=overrides,
                    search=not args.no_search)
    except LedgerNotVerified as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (BuildError, SearchIndexError) as exc:
        raise UserError(str(exc)) from exc
    print(f"built {res.output}: {res.pages} HTML pages from {res.entries} ledger entries in "
          f"{res.seconds:.1f}s (pelican {res.pelican_seconds:.1f}s, search index {res.pagefind_seconds:.1f}s)")
    return 0
