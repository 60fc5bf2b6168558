"""The best first-page rate ANY ranking can reach for random 4-character name fragments.

The recall target of issue 13 samples a company c uniformly from the directory, then a
4-character fragment f uniformly from the positions of c's normalised name, and asks whether c
is on the first result page (P = 20 rows) for f. For one fragment f, any ranking shows at most
P of the m_f companies containing f on page 1, so the sampled probability mass it can collect
for f is the sum of w(c, f) = occ(c, f) / (N · pos(c)) over its best P companies (occ: how many
positions of c's name give f; pos: how many positions c's name has). Summing that optimum over
all fragments gives the exact upper bound of the rate over all rankings — a property of the
directory's names, not of the index. Also reported: the rate of the site's own ranking
(shortest name first, then name, then id — lookup.py) computed the same way, and how many
fragments match more than one page of companies.

    python bench/lookup_recall_bound.py [--ledger ledger] [--page 20]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src")]

from publisher.site.lookup import normalize  # noqa: E402


def directory(ledger: Path) -> dict[str, str]:
    """id -> name of each office's latest directory snapshot (the companies the site pages)."""
    latest: dict[str, tuple[str, str]] = {}
    for path in (ledger / "entries").glob("*/*.json"):
        e = json.loads(path.read_text(encoding="utf-8"))
        if e.get("type") == "directory.snapshot" and (e.get("body") or {}).get("kind") == "targets":
            if path.parent.name not in latest or e["time"] > latest[path.parent.name][0]:
                latest[path.parent.name] = (e["time"], e["body"]["blob"])
    out: dict[str, str] = {}
    for _, digest in latest.values():
        for line in (ledger / "blobs" / digest).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "risk" in rec and "industry" in rec and rec.get("name"):
                out.setdefault(rec["id"], rec["name"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ledger", type=Path, default=REPO / "ledger")
    ap.add_argument("--page", type=int, default=20)
    args = ap.parse_args()
    names = {cid: normalize(n) for cid, n in directory(args.ledger).items()}
    names = {c: n for c, n in names.items() if len(n) >= 4}
    N = len(names)
    weight: dict[str, list[tuple[float, tuple, str]]] = defaultdict(list)
    for cid, n in names.items():
        pos = len(n) - 3
        for f, occ in Counter(n[i:i + 4] for i in range(pos)).items():
            weight[f].append((occ / (N * pos), (len(n), n, cid), cid))
    best = ours = 0.0
    over_page = mass_over = 0.0
    for _f, ws in weight.items():
        ws.sort(key=lambda w: -w[0])
        best += sum(w[0] for w in ws[:args.page])
        site = sorted(ws, key=lambda w: w[1])[:args.page]  # lookup.py's order: (length, name, id)
        ours += sum(w[0] for w in site)
        if len(ws) > args.page:
            over_page += 1
            mass_over += sum(w[0] for w in ws)
    res = {"companies": N, "distinct_fragments": len(weight),
           "fragments_matching_more_than_a_page": int(over_page),
           "share_of_sampled_fragments_matching_more_than_a_page": round(mass_over, 4),
           "best_possible_first_page_rate": round(best, 4), "site_ranking_first_page_rate": round(ours, 4),
           "page": args.page}
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
