"""witness.test.mjs in Node: the JavaScript cosignature code against the spec and C2SP examples, and
the trust fingerprint computed identically in both languages."""

from __future__ import annotations

import json
import os
import subprocess

from vjs_ledger import HERE, REPO, need_node

from publisher.core.trust import trust_fingerprint
from publisher.site.verifier_assets import ensure_node_modules


def test_node_witness_tests_pass():
    node = need_node()
    ensure_node_modules(REPO / "theme" / "verifier")
    fp = trust_fingerprint(json.loads((REPO / "ledger" / "trust.json").read_text("utf-8")))
    proc = subprocess.run([node, "--test", "--test-reporter=tap", str(HERE / "witness.test.mjs")],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env={**os.environ, "TRUST_FP": fp})
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 4" in proc.stdout, proc.stdout[-800:]
