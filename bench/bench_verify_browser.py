"""Benchmark: the browser verifier re-runs a draw over N targets in headless Chromium.

One command builds a real ledger with one joint draw over N targets (default 100,000; two
offices, two strata at 3 %, a filter-free population, a simulated drand chain), builds the site
with `publisher build` (which writes the verifier bundle and data), serves it on 127.0.0.1 and
opens /verify/?task=T-JOINT in Debian Chromium. Reported:

* the in-page time from the first fetch to the finished report (all ten steps: signatures, keys,
  secrets, BLS beacon, seed, the streamed snapshot with every ticket, the population Merkle root,
  batch order, teams, checkpoint proofs) — budget: < 3 s at N = 100,000;
* the same JavaScript modules in Node, for reference;
* the Python verifier on the same draw: publisher.draw.lock.compute_result plus the checks the
  ledger verifier runs for it (Ed25519 of the draw entries, check_beacon, secret_findings,
  check_commit_body — population count/root — and result_findings), from the same blobs;
* the ratio browser / Python;
* bytes fetched by the page (Playwright request events: response bodies + headers, fresh
  context, nothing cached) for the common path (``/verify/?task=T-JOINT``: the committed
  population list, spec §9.8) and for "check everything" (``&full=1``: the snapshot and the
  task pages) — budget for the common path: < 1 MB (10^6 bytes).

    python bench/bench_verify_browser.py [--n 100000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "verifier_js")]

from vjs_ledger import NOW, new_vledger  # noqa: E402

from publisher.beacon import Beacon, check_beacon  # noqa: E402
from publisher.core.entry import from_bytes  # noqa: E402
from publisher.directory.records import Inspector, Target  # noqa: E402
from publisher.directory.snapshot import iter_snapshot  # noqa: E402
from publisher.draw.cap import CapTable  # noqa: E402
from publisher.draw.commitment import check_commit_body  # noqa: E402
from publisher.draw.lock import compute_result, result_findings  # noqa: E402
from publisher.draw.samples import sample_inspectors, sample_targets  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
BUDGET_S = 3.0


def build_ledger(root: Path, n: int):
    t0 = time.perf_counter()
    targets = sample_targets(n, "bench-browser")
    inspectors = sample_inspectors({"scjgj": 40, "wjj": 25}, "bench-browser")
    v = new_vledger(root, targets, inspectors, seed=b"bench-browser")
    v.at(1770000000)  # 2026-02-02
    d = v.commit("T-JOINT", ["scjgj", "wjj"], load_cap=None, strata=[
        {"name": "低风险", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.03"}, "rounding": "ceil"},
        {"name": "高风险", "match": {"risks": ["C", "D"]}, "take": {"ratio": "0.03"}, "rounding": "half_up"}])
    v.checkpoint()
    v.lock(d)
    v.checkpoint()
    return v, d, time.perf_counter() - t0


def python_verify(v, d) -> float:
    """The ledger verifier's work for this draw, timed (snapshots streamed from the blobs)."""
    led = v.factory.ledger
    trust = led.trust()
    t0 = time.perf_counter()
    commit = from_bytes(led.entry_path(d.commit.office, d.commit.seq).read_bytes())
    lock = from_bytes(led.entry_path(d.lock.office, d.lock.seq).read_bytes())
    pk = v.factory.keys["scjgj"].public
    assert commit.verify_signature(pk) and lock.verify_signature(pk)
    body, lb = commit.body, lock.body
    chain = trust.beacon_chains[body["beacon"]["chain_hash"]]
    beacon = Beacon(round=lb["beacon"]["round"], signature=bytes.fromhex(lb["beacon"]["signature"]))
    check_beacon(chain, beacon)
    assert "secrets" not in lb  # seed v2: an announced draw has none
    with led.open_blob(body["teams"]["inspectors"]) as f:
        inspectors = list(iter_snapshot(f, Inspector, validate=False))
    with led.open_blob(body["population"]["snapshot"]) as f:
        problems = check_commit_body(body, commit.office, commit.time, iter_snapshot(f, Target, validate=False),
                                     inspectors, cap=CapTable())
    assert not problems, problems
    with led.open_blob(body["population"]["snapshot"]) as f:
        r = compute_result(commit.id, body, beacon.randomness, [],
                           iter_snapshot(f, Target, validate=False), inspectors)
    assert not result_findings(r, lb)
    return time.perf_counter() - t0


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a) -> None:
        pass


def browser_runs(site: Path, runs: int, full: bool = False) -> list[dict]:
    from playwright.sync_api import sync_playwright

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/verify/?task=T-JOINT" + ("&full=1" if full else "")
    out = []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _i in range(runs):
                ctx = b.new_context()  # fresh context: nothing cached between runs
                pg = ctx.new_page()
                fetched: list = []
                pg.on("requestfinished", fetched.append)
                t0 = time.perf_counter()
                pg.goto(url)
                pg.wait_for_selector('#verify-report[data-state="done"]', timeout=120000)
                wall = time.perf_counter() - t0
                statuses = pg.eval_on_selector_all("#steps > li", "els => els.map(e => e.dataset.status)")
                sizes = [(rq.url, rq.sizes()) for rq in fetched]
                by_url = {u.split("/", 3)[-1]: z["responseBodySize"] + z["responseHeadersSize"] for u, z in sizes}
                out.append({"in_page_s": int(pg.get_attribute("#verify-report", "data-ms")) / 1000,
                            "navigation_to_report_s": round(wall, 3),
                            "overall": pg.get_attribute("#verify-report", "data-overall"), "steps": statuses,
                            "bytes": sum(by_url.values()), "requests": len(sizes),
                            "largest": sorted(by_url.items(), key=lambda kv: -kv[1])[:6]})
                ctx.close()
            b.close()
    finally:
        srv.shutdown()
    return out


def node_run(site: Path) -> float | None:
    node = shutil.which("node")
    if node is None:
        return None
    proc = subprocess.run([node, str(REPO / "tests" / "verifier_js" / "run_verify.mjs"), str(site), "T-JOINT"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    rep = json.loads(proc.stdout)
    assert rep["overall"] == "pass", [(s["n"], s["status"]) for s in rep["steps"]]
    return rep["ms"] / 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="targets in the draw's population")
    ap.add_argument("--runs", type=int, default=3, help="browser runs (fresh context each)")
    ap.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-verify-browser-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"building a ledger with one draw over {args.n:,} targets …", flush=True)
        v, d, t_ledger = build_ledger(work / "ledger", args.n)
        body = d.commit.body
        snap = v.factory.ledger.root / "blobs" / body["population"]["snapshot"]
        print(f"  {t_ledger:.1f}s; snapshot {snap.stat().st_size / 1e6:.1f} MB, selected "
              f"{sum(s['k'] for s in body['strata'])}", flush=True)
        from publisher.site.build import build

        t0 = time.perf_counter()
        build(work / "ledger", work / "site", settings_file=REPO / "pelicanconf.py",
              overrides={"PUBLISHER_NOW": NOW}, search=False)
        t_site = time.perf_counter() - t0
        chunks = len(json.loads((work / "site/verify/data/T-JOINT/pop/index.json").read_text())["firsts"])
        print(f"  site built in {t_site:.1f}s (proof index: {chunks} chunks)", flush=True)
        py = min(python_verify(v, d) for _ in range(2))
        node = node_run(work / "site")
        runs = browser_runs(work / "site", args.runs, full=True)
        assert all(r["overall"] == "pass" for r in runs), runs
        quick = browser_runs(work / "site", args.runs)
        assert all(r["overall"] == "quick" for r in quick), quick
        page = statistics.median(r["in_page_s"] for r in runs)
        result = {
            "n_targets": args.n, "population": body["population"]["count"],
            "selected": sum(s["k"] for s in body["strata"]),
            "snapshot_mb": round(snap.stat().st_size / 1e6, 2),
            "browser_in_page_s": [r["in_page_s"] for r in runs],
            "browser_navigation_to_report_s": [r["navigation_to_report_s"] for r in runs],
            "browser_median_s": page,
            "node_same_modules_s": node,
            "python_verifier_s": round(py, 3),
            "ratio_browser_over_python": round(page / py, 2),
            "full_check_bytes_fetched": runs[0]["bytes"], "full_check_largest": runs[0]["largest"],
            "quick_bytes_fetched": quick[0]["bytes"], "quick_requests": quick[0]["requests"],
            "quick_largest": quick[0]["largest"],
            "quick_in_page_s": [r["in_page_s"] for r in quick],
            "quick_within_1mb": quick[0]["bytes"] < 1_000_000,
            "budget_s": BUDGET_S, "within_budget": page < BUDGET_S,
            "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
        }
        print(json.dumps(result, ensure_ascii=False, indent=1))
        out = REPO / "bench" / "out"
        out.mkdir(exist_ok=True)
        (out / "verify_browser.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        return 0 if result["within_budget"] and result["quick_within_1mb"] else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
