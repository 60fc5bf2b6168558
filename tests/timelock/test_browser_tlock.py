"""The browser's timelock decryption (theme/verifier/src/tlock.js, on tlock-js) agrees with
Python on every case: the Go vector, Python ciphertexts on both chains, and each attack with the
same error code. Run by Node's test runner; the Chromium timing is in bench/bench_tlock.py."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess

from tl_support import HERE, QUICKNET, QUICKNET_BEACONS, REPO, SIM, TLOCK_VECTORS

from publisher import timelock
from publisher.beacon.chain import chain_from_json, chain_to_json
from publisher.beacon.verify import Beacon, beacon_from_json, beacon_to_json
from publisher.site.verifier_assets import ensure_node_modules
from publisher.timelock import age

SECRET = b"\x00embargo secret\xff" * 2
FAR = 1_000_000_000  # a simulated round due in the 22nd century: decryption must not consult a clock


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _case(name, ct: bytes, beacon, chain, *, plaintext=None, code=None, message=None):
    c = {"name": name, "chain": chain_to_json(chain), "beacon": beacon_to_json(beacon) if beacon else None,
         "expect": {"plaintext_b64": _b64(plaintext)} if plaintext is not None else {"code": code, "message": message}}
    if ct.startswith(b"-----BEGIN"):
        c["armored"] = ct.decode()
    else:
        c["binary_b64"] = _b64(ct)
    if plaintext is not None:
        lock = timelock.locked_to(ct)
        c["lock"] = {"round": lock.round, "chain_hash": lock.chain_hash}
    return c


def cases() -> list[dict]:
    qb = QUICKNET_BEACONS[TLOCK_VECTORS["round"]]
    go = TLOCK_VECTORS["armored_ciphertext"].encode()
    py_q = timelock.encrypt(SECRET, qb.round, QUICKNET)
    py_s = timelock.encrypt(SECRET, 99, SIM.chain, armor=False)
    far = timelock.encrypt(SECRET, FAR, SIM.chain)
    bad_payload = bytearray(py_s)
    bad_payload[-1] ^= 1
    f = age.parse(py_s)
    forged_mac = f.header_for_mac + b" " + age.b64raw(bytes(32)) + b"\n" + f.payload
    body = bytearray(f.stanzas[0].body)
    body[110] ^= 2
    bad_v = age.VERSION_LINE + age.Stanza(f.stanzas[0].args, bytes(body)).encode() + b"---" + py_s[len(f.header_for_mac):]
    two = age.encode([f.stanzas[0], f.stanzas[0]], b"k" * 16, b"n" * 16, b"p")

    return [
        _case("Go tlock vector on real quicknet", go, qb, QUICKNET, plaintext=b"hello world"),
        _case("Python ciphertext on real quicknet", py_q, qb, QUICKNET, plaintext=SECRET),
        _case("Python ciphertext on the simulated chain (binary)", py_s, SIM.beacon(99), SIM.chain, plaintext=SECRET),
        _case("round due in the 22nd century opens with its beacon (no clock)", far, SIM.beacon(FAR), SIM.chain,
              plaintext=SECRET),
        _case("wrong chain", py_q, qb, SIM.chain, code="tlock.wrong-chain", message="locked to chain 52db9ba7"),
        _case("no beacon yet", py_s, None, SIM.chain, code="tlock.not-yet", message="round 99 has no beacon yet"),
        _case("beacon of another round", py_s, SIM.beacon(98), SIM.chain, code="tlock.wrong-round",
              message="beacon is for round 98"),
        _case("another round's signature", go, Beacon(qb.round, QUICKNET_BEACONS[123].signature), QUICKNET,
              code="tlock.wrong-round", message="BLS signature does not verify"),
        _case("tampered payload", bytes(bad_payload), SIM.beacon(99), SIM.chain, code="tlock.tampered"),
        _case("forged header MAC", forged_mac, SIM.beacon(99), SIM.chain, code="tlock.tampered", message="MAC"),
        _case("tampered stanza body", bad_v, SIM.beacon(99), SIM.chain, code="tlock.tampered", message="rP check"),
        _case("two stanzas", two, SIM.beacon(99), SIM.chain, code="tlock.malformed", message="exactly one tlock stanza"),
    ]


def test_browser_tlock_agrees_with_python(tmp_path):
    node = shutil.which("node")
    assert node, "node (>= 20) is required"
    ensure_node_modules(REPO / "theme" / "verifier")
    cs = cases()
    for c in cs:  # the Python side gives the same verdicts
        ct = c["armored"].encode() if "armored" in c else base64.b64decode(c["binary_b64"])
        beacon = beacon_from_json(c["beacon"]) if c["beacon"] else None
        try:
            got = timelock.decrypt(ct, beacon, chain_from_json(c["chain"]))
            assert base64.b64encode(got).decode() == c["expect"].get("plaintext_b64"), c["name"]
        except timelock.TimelockError as exc:
            assert exc.code == c["expect"].get("code"), (c["name"], exc)
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cs))
    proc = subprocess.run([node, "--test", "--test-reporter=tap", str(HERE / "tlock_browser.test.mjs")],
                          capture_output=True, text=True, timeout=180, cwd=REPO, env={**os.environ, "TLOCK_CASES": str(path)})
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and f"# pass {len(cs)}" in proc.stdout, proc.stdout[-800:]


def test_esbuild_bundles_tlock_js_for_the_browser(tmp_path):
    """The verifier's bundler (same esbuild, same options as build.mjs) takes tlock.js with
    tlock-js's CommonJS modules and its nested @noble/curves; no Node built-in is left over."""
    from tl_support import browser_page

    site = browser_page(tmp_path / "site")
    js = (site / "tlock.js").read_text("utf-8")
    assert 50_000 < len(js) < 400_000, len(js)
    assert "ssgkTlock" in js and "tlock.wrong-chain" in js
    assert 'require("crypto")' not in js and 'require("buffer")' not in js
