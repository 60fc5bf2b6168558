"""The conformance cases of the families the browser verifier's JS core implements, run in Node
by run_core.mjs (a ledger walk built only from theme/verifier/src): the verdict and every
expected error and warning (rule, file, entry id) must be exactly the reference verifier's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SUITE = REPO / "docs" / "vectors" / "conformance"
INDEX = json.loads((SUITE / "index.json").read_text("utf-8"))["cases"]
JS_CASES = [c["case"] for c in INDEX if c["js"]]


@pytest.fixture(scope="module")
def node():
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is required for the JS conformance run (Debian nodejs)")
    from publisher.site.verifier_assets import ensure_node_modules
    ensure_node_modules(REPO / "theme" / "verifier")
    return exe


def run_js(node: str, case_dir: Path) -> dict:
    proc = subprocess.run([node, str(HERE / "run_core.mjs"), str(case_dir)], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _errors(problems):
    return sorted((p["rule"], p["file"], p["entry_id"]) for p in problems if p["severity"] == "error")


def _warnings(problems):
    return sorted((p["rule"], p["file"], p["entry_id"]) for p in problems if p["severity"] == "warning")


def test_the_js_families_cover_a_fair_share():
    assert len(JS_CASES) >= 25 and any(c["verdict"] == "VALID" for c in INDEX if c["js"])


@pytest.mark.parametrize("case", JS_CASES)
def test_js_core_agrees(node, case):
    expected = json.loads((SUITE / case / "expected.json").read_text("utf-8"))
    got = run_js(node, SUITE / case)
    assert got["verdict"] == expected["verdict"], got
    assert _errors(got["problems"]) == _errors(expected["problems"]), got
    assert _warnings(got["problems"]) == _warnings(expected["problems"]), got


def test_js_core_catches_a_fresh_manipulation(node, tmp_path):
    """Not only the committed files: flip one byte of a signature in a copy of the honest case."""
    shutil.copytree(SUITE / "valid-minimal", tmp_path / "c")
    p = tmp_path / "c" / "ledger" / "entries" / "scjgj" / "00000001.json"
    obj = json.loads(p.read_text("utf-8"))
    sig = obj["sig"]["ed25519"]
    obj["sig"]["ed25519"] = ("B" if sig[0] == "A" else "A") + sig[1:]
    p.write_text(json.dumps(obj), "utf-8")
    got = run_js(node, tmp_path / "c")
    assert got["verdict"] == "INVALID" and [x["rule"] for x in got["problems"]] == ["signature"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
