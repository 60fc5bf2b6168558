"""The browser's escrow opening (theme/verifier/src/escrow.js) gives the same secret or the same
error code as publisher.embargo.escrow on every case, and the same reveal rounds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from publisher import timelock
from publisher.beacon import QUICKNET
from publisher.beacon.chain import chain_to_json
from publisher.beacon.simulated import SimulatedBeacon
from publisher.beacon.verify import beacon_to_json
from publisher.draw.seed import secret_commitment
from publisher.embargo import EscrowError, open_escrow, reveal_round, seal_secret
from publisher.site.verifier_assets import ensure_node_modules

REPO = Path(__file__).resolve().parents[2]
SIM = SimulatedBeacon(b"ssgk escrow js", genesis_time=1_700_000_000)
TASK, OFFICE, UNTIL = "2026-SCJGJ-031", "scjgj", "2026-12-20"
SECRET = bytes(range(100, 132))


def _cases() -> list[dict]:
    r = reveal_round(SIM.chain, UNTIL)
    good = seal_secret(SECRET, UNTIL, SIM.chain)
    base = {"task": TASK, "office": OFFICE, "commitment": secret_commitment(TASK, OFFICE, SECRET),
            "embargo_until": UNTIL}
    other = seal_secret(bytes(32), UNTIL, SIM.chain)
    late = timelock.encrypt(SECRET, r + 1, SIM.chain).decode()
    qn = seal_secret(SECRET, UNTIL, QUICKNET)
    rows = [
        ("opens at the reveal round", good, SIM.beacon(r)),
        ("not yet", good, None),
        ("another value", other, SIM.beacon(r)),
        ("locked to a later round", late, SIM.beacon(r + 1)),
        ("locked to another chain", qn, SIM.beacon(r)),
        ("wrong beacon", good, SIM.beacon(r - 1)),
    ]
    out = []
    for name, esc, beacon in rows:
        py = dict(escrow=esc, task=TASK, office=OFFICE, commitment=base["commitment"], embargo_until=UNTIL,
                  chain=SIM.chain, beacon=beacon)
        try:
            expect = {"secret": open_escrow(**py).hex()}
        except EscrowError as exc:
            expect = {"code": exc.code}
        out.append({"name": name, "expect": expect,
                    "args": {"escrow": esc, "task": TASK, "office": OFFICE, "commitment": base["commitment"],
                             "embargoUntil": UNTIL, "chain": chain_to_json(SIM.chain),
                             "beacon": beacon_to_json(beacon) if beacon else None}})
    return out


def test_escrow_js_agrees_with_python(tmp_path):
    node = shutil.which("node")
    assert node, "node (>= 20) is required"
    ensure_node_modules(REPO / "theme" / "verifier")
    cases = _cases()
    assert [c["expect"].get("code") for c in cases] == [None, "tlock.not-yet", "escrow.commitment", "escrow.round",
                                                       "escrow.chain", "tlock.wrong-round"]
    rounds = [{"chain": chain_to_json(ch), "embargo_until": d, "round": reveal_round(ch, d)}
              for ch in (SIM.chain, QUICKNET) for d in ("2023-08-24", "2026-01-01", "2026-12-20", "2030-03-01")]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": cases, "rounds": rounds}))
    proc = subprocess.run([node, "--test", "--test-reporter=tap", str(Path(__file__).parent / "escrow_js.test.mjs")],
                          capture_output=True, text=True, timeout=180, cwd=REPO,
                          env={**os.environ, "ESCROW_CASES": str(path)})
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and f"# pass {len(cases) + 1}" in proc.stdout, proc.stdout[-800:]
