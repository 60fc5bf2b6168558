"""Benchmark: `publisher verify` over a synthetic ledger (default 100,000 entries).

Prints entries/s and the ratio against the bare per-entry cost measured in the same run
(one RFC 8785 canonicalisation + one Ed25519 verify per entry), and peak RSS.

    python bench/bench_verify.py [--entries 100000] [--offices 25] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from publisher.core.canonical import canonical_bytes
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.entry import OPERATOR, from_bytes
from publisher.core.keys import SigningKey
from publisher.core.note import Signer
from publisher.storage.ledger_dir import LedgerDir

ORIGIN = "bench.local/province"


def key(name: str) -> SigningKey:
    return SigningKey.from_seed(hashlib.sha256(b"bench:" + name.encode()).digest())


def make_ledger(root: Path, n: int, offices: int) -> None:
    led = LedgerDir(root, durable=False)
    rk, lk = key("root"), Signer(ORIGIN, key("log"))
    led.init({"version": 1, "origin": ORIGIN, "root_keys": [{"key_id": rk.id, "public_key": rk.public.b64}],
              "log_vkey": lk.vkey, "beacon_chains": [], "sample": True})
    t0 = 1767225600
    def ts(s):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0 + s))
    names = [f"office-{i:02d}" for i in range(offices)]
    keys = {o: key(o) for o in names}
    for o in names:
        led.append(OPERATOR, "office.register", {"office": o, "name_zh": "局", "name_en": "Bureau"}, rk, ts(0))
        led.append(OPERATOR, "key.register", {"office": o, "key_id": keys[o].id, "public_key": keys[o].public.b64, "valid_from": ts(0)}, rk, ts(0))
    for i in range(n - 2 * offices):
        o = names[i % offices]
        led.append(o, "notice", {"title": f"检查结果公示 {i}", "text": "未发现问题。" * 8}, keys[o], ts(1 + i))
    # one checkpoint at the end, as CI would sign
    from publisher.core.verifier import verify

    r = verify(led, led.trust())
    assert r.ok
    led.write_checkpoint(r.size, sign_checkpoint(Checkpoint(ORIGIN, r.size, r.root, t0 + n + 10), lk))


def bare_cost(root: Path, sample: int) -> float:
    """Seconds per entry for canonicalise + Ed25519 verify only (files pre-read)."""
    led = LedgerDir(root)
    items = []
    for line in led.iter_log():
        items.append(json.loads(led.read_entry_bytes(line.office, line.seq)))
        if len(items) >= sample:
            break
    from publisher.core.keys import PublicKey

    pk = {}
    entries = [from_bytes(json.dumps(o).encode()) for o in items]
    t = time.perf_counter()
    for o, e in zip(items, entries):
        unsigned = {k: v for k, v in o.items() if k != "sig"}
        b = canonical_bytes(unsigned)
        k = pk.get(e.key)
        if k is None:
            k = pk[e.key] = next(PublicKey(key(n).public.raw) for n in ["root"] + [f"office-{i:02d}" for i in range(100)] if key(n).id == e.key)
        k.verify(e.signature, b)
    return (time.perf_counter() - t) / len(items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--offices", type=int, default=25)
    ap.add_argument("--keep")
    a = ap.parse_args()
    tmp = Path(a.keep or tempfile.mkdtemp(prefix="bench-verify-"))
    root = tmp / "ledger"
    if not (root / "log").exists():
        t = time.perf_counter()
        make_ledger(root, a.entries, a.offices)
        print(f"generated {a.entries} entries in {time.perf_counter() - t:.1f}s")
    per = bare_cost(root, 5000)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "publisher.cli.main", "verify", "--ledger", str(root)],
                         capture_output=True, text=True)
    wall = time.perf_counter() - t
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(out.stdout.strip().splitlines()[-1] if out.stdout else out.stderr[-500:])
    rate = a.entries / wall
    print(f"verify: {a.entries} entries in {wall:.2f}s = {rate:,.0f} entries/s; peak RSS {ru.ru_maxrss / 1024:.0f} MB")
    print(f"bare canonicalise+Ed25519 verify: {per * 1e6:.1f} us/entry = {1 / per:,.0f} entries/s (one core)")
    print(f"ratio verify time / bare time: {wall / (per * a.entries):.2f}x")
    if not a.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
