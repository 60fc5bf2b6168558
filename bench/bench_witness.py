"""Witness timings: the cosigning round trip of `publisher checkpoint` with 3 local witnesses,
and one witness's add-checkpoint throughput (durable: every answer follows an fsync'd state).

Run: ``.venv/bin/python bench/bench_witness.py [--rounds 50] [--seconds 5] [--clients 16]``.
Witnesses are real ``publisher witness serve`` processes on 127.0.0.1 (ephemeral ports).
Baselines measured in the same run: one add-checkpoint to ONE witness (the round trip's floor),
and a bare HTTP request to the witness (GET /latest, no crypto, no disk).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from publisher.core import merkle
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.cosignature import Cosigner
from publisher.core.keys import SigningKey
from publisher.core.note import Signer
from publisher.storage import keystore
from publisher.witness.collect import ask_witness, collect
from publisher.witness.protocol import encode_request

PASS = "bench"


def key(label: str) -> SigningKey:
    return SigningKey.from_seed(hashlib.sha256(b"bench-witness:" + label.encode()).digest())


def start_witness(root: Path, name: str, logs: list[Signer]) -> tuple[subprocess.Popen, str, Cosigner]:
    d = root / name.replace("/", "_")
    env = {**os.environ, "PUBLISHER_KEYS": str(d / "keys"), "PUBLISHER_KEY_PASSPHRASE": PASS}
    os.environ.update({"PUBLISHER_KEY_PASSPHRASE": PASS})
    keystore.save_key("witness", key(name), d / "keys")
    (d / "witness.json").write_text(json.dumps({"name": name, "key": "witness",
                                                "logs": [{"origin": s.name, "vkey": s.vkey} for s in logs]}))
    p = subprocess.Popen([sys.executable, "-m", "publisher.cli.main", "witness", "serve", "--dir", str(d),
                          "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True, env=env)
    url = p.stdout.readline().split("listening on ")[1].split()[0]
    return p, url, Cosigner(name, key(name))


class Log:
    """A growing log: leaves, and signed checkpoints of any prefix."""

    def __init__(self, signer: Signer):
        self.signer = signer
        self.leaves: list[bytes] = []
        self.tree = merkle.MerkleTree([])

    def grow(self, n: int) -> str:
        base = len(self.leaves)
        self.leaves += [merkle.leaf_hash(f"{self.signer.name} {base + i}".encode()) for i in range(n)]
        self.tree = merkle.MerkleTree(self.leaves)
        return sign_checkpoint(Checkpoint(self.signer.name, len(self.leaves), self.tree.root(), int(time.time())),
                               self.signer)

    def proof(self, old: int) -> list[bytes]:
        return self.tree.consistency_proof(old) if 0 < old < len(self.leaves) else []


def round_trips(rounds: int, tmp: Path) -> dict:
    log = Log(Signer("bench.test/log", key("log")))
    procs = [start_witness(tmp, f"w{i}.bench.test/witness", [log.signer]) for i in (1, 2, 3)]
    try:
        sizes: dict[str, int] = {}
        three, one, bare = [], [], []
        for _r in range(rounds):
            note = log.grow(10)
            t = time.perf_counter()
            out, outcomes = collect(note, len(log.leaves), log.proof, [(c.witness, u) for _, u, c in procs], sizes)
            three.append(time.perf_counter() - t)
            assert all(o.ok for o in outcomes), [o.detail for o in outcomes]
            sizes = {o.name: o.size for o in outcomes}
            # baseline: the same exchange with one witness only (a fresh tree for it to accept)
            note = log.grow(10)
            _, u, c = procs[0]
            t = time.perf_counter()
            o = ask_witness(c.witness, u, note, len(log.leaves), log.proof, sizes[c.name])
            one.append(time.perf_counter() - t)
            assert o.ok, o.detail
            sizes[c.name] = o.size
            u2 = urlsplit(u)
            t = time.perf_counter()
            conn = http.client.HTTPConnection(u2.hostname, u2.port, timeout=5)
            conn.request("GET", "/latest?origin=none")
            conn.getresponse().read()
            conn.close()
            bare.append(time.perf_counter() - t)
        return {"rounds": rounds, "three_witnesses_median_ms": statistics.median(three) * 1e3,
                "three_witnesses_p95_ms": sorted(three)[int(0.95 * (len(three) - 1))] * 1e3,
                "one_witness_median_ms": statistics.median(one) * 1e3,
                "bare_http_median_ms": statistics.median(bare) * 1e3}
    finally:
        for p, _, _ in procs:
            p.terminate()
            p.wait(10)


def throughput(seconds: float, clients: int, tmp: Path) -> dict:
    """Each client thread drives its own log (a witness serves many logs) as fast as it can,
    over one keep-alive connection; every request is a valid extension that must be cosigned."""
    logs = [Log(Signer(f"bench.test/log{i}", key(f"log{i}"))) for i in range(clients)]
    proc, url, _ = start_witness(tmp, "wt.bench.test/witness", [l.signer for l in logs])
    u = urlsplit(url)
    counts = [0] * clients
    errors: list[str] = []

    per_client = int(seconds * 400 / clients) + 10  # more than the target rate can use

    def prepare(log: Log) -> list[bytes]:
        """Signed requests prepared before the clock starts: the client's own work is not measured."""
        notes = []
        for _ in range(per_client):
            log.leaves += [merkle.leaf_hash(f"{log.signer.name} {len(log.leaves) + j}".encode()) for j in range(3)]
            notes.append(len(log.leaves))
        log.tree = merkle.MerkleTree(log.leaves)
        out, prev = [], 0
        for size in notes:
            note = sign_checkpoint(Checkpoint(log.signer.name, size, log.tree.root(size), 1), log.signer)
            out.append(encode_request(prev, log.tree.consistency_proof(prev, size) if prev else [], note))
            prev = size
        return out

    bodies = [prepare(l) for l in logs]
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        for body in bodies[i]:
            if time.perf_counter() >= stop:
                break
            try:
                conn.request("POST", "/add-checkpoint", body=body)
                r = conn.getresponse()
                data = r.read()
            except OSError as exc:
                errors.append(f"client {i}: {exc}")
                return
            if r.status != 200:
                errors.append(f"{r.status} {data[:80]!r}")
                return
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    proc.terminate()
    proc.wait(10)
    if errors:
        raise SystemExit(f"throughput run failed: {errors[0]}")
    return {"clients": clients, "seconds": round(elapsed, 2), "requests": sum(counts),
            "requests_per_s": sum(counts) / elapsed}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=16, help="logs submitting at once (a witness serves many)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-witness-") as d:
        rt = round_trips(a.rounds, Path(d))
        tp = throughput(a.seconds, a.clients, Path(d) / "tp")
    print(f"cosigning round trip, 3 witnesses in parallel: median {rt['three_witnesses_median_ms']:.1f} ms, "
          f"p95 {rt['three_witnesses_p95_ms']:.1f} ms over {rt['rounds']} checkpoints (target < 200 ms)")
    print(f"  baseline one witness: {rt['one_witness_median_ms']:.1f} ms "
          f"(3 witnesses = {rt['three_witnesses_median_ms'] / rt['one_witness_median_ms']:.2f}x); "
          f"bare HTTP request: {rt['bare_http_median_ms']:.2f} ms")
    print(f"witness throughput: {tp['requests_per_s']:.0f} add-checkpoint/s ({tp['requests']} cosigned in "
          f"{tp['seconds']} s, {tp['clients']} clients, fsync per answer; target >= 200/s)")
    print(json.dumps({"round_trip": rt, "throughput": tp}))


if __name__ == "__main__":
    main()
