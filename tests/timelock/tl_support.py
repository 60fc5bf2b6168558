"""Shared helpers for the timelock tests: the real quicknet chain and its recorded beacons, a
simulated chain, and drand's tlock-js run through Node (tlock_js_runner.mjs)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from publisher.beacon.chain import ChainInfo
from publisher.beacon.simulated import SimulatedBeacon
from publisher.beacon.verify import Beacon, beacon_to_json

HERE = Path(__file__).parent
REPO = HERE.parents[1]
VECTORS = json.loads((REPO / "tests" / "vectors" / "drand-quicknet.json").read_text())
TLOCK_VECTORS = json.loads((REPO / "tests" / "vectors" / "tlock-quicknet.json").read_text())

_Q = VECTORS["chains"]["quicknet"]
QUICKNET = ChainInfo(
    chain_hash=_Q["chain_hash"],
    public_key=bytes.fromhex(_Q["public_key_g2_hex"]),
    period=_Q["period_seconds"],
    genesis_time=_Q["genesis_time"],
    scheme=_Q["scheme_id"],
    group_hash=_Q["group_hash_genesis_seed"],
    beacon_id=_Q["beacon_id"],
)
QUICKNET_BEACONS = {b["round"]: Beacon(b["round"], bytes.fromhex(b["signature"])) for b in VECTORS["quicknet_beacons"]}
SIM = SimulatedBeacon(b"ssgk timelock tests", genesis_time=1_700_000_000, period=3)


def js_chain_info(chain: ChainInfo) -> dict[str, Any]:
    """The chain as drand's /info JSON, the shape tlock-js reads."""
    return {"public_key": chain.public_key.hex(), "period": chain.period, "genesis_time": chain.genesis_time,
            "hash": chain.chain_hash, "groupHash": chain.group_hash or "", "schemeID": chain.scheme,
            "metadata": {"beaconID": chain.beacon_id or "simulated"}}


def after(chain: ChainInfo, round: int) -> int:
    """A clock (ms) one period after ``round`` is due, for tlock-js's "too early" check."""
    return (chain.round_time(round) + chain.period) * 1000


def tlock_js(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run a batch of tlock-js requests in one Node process (see tlock_js_runner.mjs)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (>= 20) is not installed; the tlock interop tests need it")
    from publisher.site.verifier_assets import ensure_node_modules

    ensure_node_modules(REPO / "theme" / "verifier")
    proc = subprocess.run([node, str(HERE / "tlock_js_runner.mjs")], input=json.dumps(requests),
                          capture_output=True, text=True, timeout=180, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert len(out) == len(requests)
    return out


def js_encrypt(chain: ChainInfo, round: int, plaintext: bytes) -> dict[str, Any]:
    return {"op": "encrypt", "chain": js_chain_info(chain), "round": round, "beacon": None, "now_ms": None,
            "plaintext_b64": base64.b64encode(plaintext).decode()}


def js_decrypt(chain: ChainInfo, beacon: Beacon | None, ciphertext: bytes, *, now_ms: int | None = None,
               armored: bool = True) -> dict[str, Any]:
    req: dict[str, Any] = {"op": "decrypt", "chain": js_chain_info(chain),
                           "beacon": beacon_to_json(beacon) if beacon else None,
                           "now_ms": now_ms if now_ms is not None else (after(chain, beacon.round) if beacon else None)}
    if armored:
        req["ciphertext"] = ciphertext.decode("ascii")
    else:
        req["ciphertext_binary_b64"] = base64.b64encode(ciphertext).decode()
    return req


def plaintext_of(answer: dict[str, Any]) -> bytes:
    assert answer["ok"], answer.get("error")
    return base64.b64decode(answer["plaintext_b64"])


PAGE = """<!doctype html><meta charset="utf-8"><title>tlock</title><script src="tlock.js"></script>
<script>
const b64 = (u8) => { let s = ''; for (const c of u8) s += String.fromCharCode(c); return btoa(s); };
const unb64 = (t) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
window.runCases = async (cases, repeat) => {
  const out = [];
  for (const c of cases) {
    const input = c.armored != null ? c.armored : unb64(c.binary_b64);
    const times = [];
    let res;
    for (let i = 0; i < (repeat || 1); i++) {
      const t0 = performance.now();
      try {
        res = { ok: true, plaintext_b64: b64(await ssgkTlock.tlockDecrypt(input, c.beacon, c.chain)) };
      } catch (e) {
        res = { ok: false, code: e.code || null, message: String(e.message || e) };
      }
      times.push(performance.now() - t0);
    }
    out.push({ ...res, ms: times });
  }
  return out;
};
</script>"""


def browser_page(directory: Path) -> Path:
    """Write the standalone tlock bundle (tests/timelock/bundle_tlock.mjs) and a page running
    cases through ``window.runCases(cases, repeat)`` into ``directory``."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (>= 20) is not installed")
    from publisher.site.verifier_assets import ensure_node_modules

    ensure_node_modules(REPO / "theme" / "verifier")
    directory.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([node, str(HERE / "bundle_tlock.mjs"), str(directory / "tlock.js")],
                          capture_output=True, text=True, timeout=180, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (directory / "index.html").write_text(PAGE, "utf-8")
    return directory
