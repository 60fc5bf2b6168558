"""Timelock (tlock) decryption of one embargo secret: Python and headless Chromium.

Python: ``publisher.timelock.decrypt`` of a 32-byte secret locked to a real quicknet round,
with that round's real signature — the whole path (armor, age header, BLS check of the beacon,
one pairing for the IBE, FO check, header MAC, payload). Baseline measured in the same run: one
BLS12-381 pairing (arkworks) and one beacon check; budget < 50 ms.

Browser: theme/verifier/src/tlock.js (tlock-js + @noble/curves) bundled by esbuild, in Debian
Chromium; the first call in a fresh page (cold: JIT, curve tables) and the median of the next
ones; budget < 200 ms.

    python bench/bench_tlock.py [--n 30] [--browser-runs 10] [--no-browser]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "timelock")]

from py_arkworks_bls12381 import GT, G1Point, G2Point  # noqa: E402
from tl_support import QUICKNET, QUICKNET_BEACONS, browser_page  # noqa: E402

from publisher import timelock  # noqa: E402
from publisher.beacon.chain import chain_to_json  # noqa: E402
from publisher.beacon.verify import beacon_to_json, check_beacon  # noqa: E402

ROUND = 12040883
SECRET = bytes(range(32))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
PY_BUDGET_MS, BROWSER_BUDGET_MS = 50.0, 200.0


def _median_ms(fn, n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def python_numbers(ct: bytes, n: int) -> dict[str, float]:
    beacon = QUICKNET_BEACONS[ROUND]
    sig = G1Point.from_compressed_bytes(beacon.signature)
    u = G2Point() * timelock.ibe.h3(b"s" * 16, b"m" * 16)
    assert timelock.decrypt(ct, beacon.signature, QUICKNET) == SECRET
    out = {
        "py_decrypt_ms": _median_ms(lambda: timelock.decrypt(ct, beacon.signature, QUICKNET), n),
        "py_pairing_ms": _median_ms(lambda: GT.pairing(sig, u), n),
        "py_check_beacon_ms": _median_ms(lambda: check_beacon(QUICKNET, beacon), n),
        "py_encrypt_ms": _median_ms(lambda: timelock.encrypt(SECRET, ROUND, QUICKNET), n),
    }
    out["py_decrypt_over_pairing"] = out["py_decrypt_ms"] / out["py_pairing_ms"]
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a) -> None:
        pass


def browser_numbers(ct: bytes, runs: int) -> dict[str, float]:
    """Two fresh pages: (1) decrypt cold, nothing run before; (2) first a beacon check (what the
    verifier page has always done before it reaches an embargo), then decrypt cold, then warm."""
    from playwright.sync_api import sync_playwright

    case = {"armored": ct.decode(), "beacon": beacon_to_json(QUICKNET_BEACONS[ROUND]), "chain": chain_to_json(QUICKNET)}
    # another round's real signature: beacon.js runs the full BLS check, fails, tlock-js is not reached
    warm_beacon = {**case, "beacon": {**beacon_to_json(QUICKNET_BEACONS[123]), "round": ROUND}}
    with tempfile.TemporaryDirectory() as d:
        site = browser_page(Path(d) / "site")
        bundle_kb = (site / "tlock.js").stat().st_size / 1024
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                url = f"http://127.0.0.1:{srv.server_address[1]}/index.html"
                page = b.new_context().new_page()
                page.goto(url)
                cold = page.evaluate("c => window.runCases([c], 1)", case)[0]
                page = b.new_context().new_page()
                page.goto(url)
                pre = page.evaluate("c => window.runCases([c], 1)", warm_beacon)[0]
                res = page.evaluate(f"c => window.runCases([c], {runs + 1})", case)[0]
                b.close()
        finally:
            srv.shutdown()
    assert cold["ok"] and res["ok"] and res["plaintext_b64"], (cold, res)
    assert pre["code"] == "tlock.wrong-round", pre
    return {"browser_page_cold_ms": cold["ms"][0], "browser_beacon_check_cold_ms": pre["ms"][0],
            "browser_cold_after_beacon_check_ms": res["ms"][0], "browser_warm_ms": statistics.median(res["ms"][1:]),
            "browser_bundle_kb": bundle_kb}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--browser-runs", type=int, default=10)
    ap.add_argument("--no-browser", action="store_true")
    a = ap.parse_args()
    ct = timelock.encrypt(SECRET, ROUND, QUICKNET)
    out = python_numbers(ct, a.n)
    if not a.no_browser:
        out.update(browser_numbers(ct, a.browser_runs))
    print(json.dumps({k: round(v, 2) for k, v in out.items()}, indent=1))
    print(f"python decrypt {out['py_decrypt_ms']:.1f} ms (budget {PY_BUDGET_MS:.0f}) = "
          f"{out['py_decrypt_over_pairing']:.1f} pairings")
    if not a.no_browser:
        print(f"browser decrypt: fresh page {out['browser_page_cold_ms']:.0f} ms; after the page's first beacon "
              f"check {out['browser_cold_after_beacon_check_ms']:.0f} ms; warm {out['browser_warm_ms']:.0f} ms "
              f"(budget {BROWSER_BUDGET_MS:.0f})")


if __name__ == "__main__":
    main()
