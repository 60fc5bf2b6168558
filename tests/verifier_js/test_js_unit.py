"""The browser verifier's JavaScript unit tests (unit.test.mjs), run by Node's own test runner.

They import theme/verifier/src directly — the modules the bundle is built from — so npm ci must
have installed @noble/curves and @noble/hashes from the committed lockfile first.
"""

from __future__ import annotations

import subprocess

from vjs_ledger import HERE, REPO, need_node

from publisher.site.verifier_assets import ensure_node_modules


def test_node_unit_tests_pass():
    node = need_node()
    ensure_node_modules(REPO / "theme" / "verifier")
    proc = subprocess.run([node, "--test", "--test-reporter=tap", str(HERE / "unit.test.mjs")],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 12" in proc.stdout, proc.stdout[-800:]
