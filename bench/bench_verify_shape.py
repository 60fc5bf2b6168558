"""Verification on the province's shape: the bench_site/bench_province generator's ledger
(regional snapshots, draws, teams, results) verified in this process, CPU seconds, against two
baselines measured in the same run:

- bare: one RFC 8785 canonicalisation + one Ed25519 verification per entry (bench_verify's);
- no memo: the same verification with the parsed-snapshot memo switched off (budget 0), i.e.
  every snapshot read parsed again — what the memo (directory/parsed.py) saves.

    python bench/bench_verify_shape.py                    # 1/100 province, generated in a temp dir
    python bench/bench_verify_shape.py --keep DIR         # keep (and reuse) the generated ledger
    python bench/bench_verify_shape.py --ledger DIR       # any existing ledger
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import tempfile
import time
from pathlib import Path

import publisher.directory.parsed as parsed
from publisher.core.canonical import b64decode, canonical_bytes
from publisher.core.keys import PublicKey
from publisher.core.verifier import verify
from publisher.ruleset import default_rules
from publisher.storage.ledger_dir import LedgerDir

REPO = Path(__file__).resolve().parents[1]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def bare_cost(root: Path, sample: int = 3000) -> float:
    """CPU seconds per entry for canonicalising the unsigned envelope + one Ed25519 verify
    (files pre-read and parsed), over the first ``sample`` entries."""
    led = LedgerDir(root)
    keys = dict(led.trust().root_keys)
    items = []
    for line in led.iter_log():
        obj = json.loads(led.read_entry_bytes(line.office, line.seq))
        if obj["type"] == "key.register":
            k = PublicKey.from_b64(obj["body"]["public_key"])
            keys[k.id] = k
        items.append(obj)
        if len(items) >= sample:
            break
    t = time.process_time()
    for o in items:
        signed = canonical_bytes({k: v for k, v in o.items() if k != "sig"})
        keys[o["sig"]["key"]].verify(b64decode(o["sig"]["ed25519"]), signed)
    return (time.process_time() - t) / len(items)


def timed(root: Path, budget: int | None) -> tuple[float, object]:
    old = parsed.BUDGET_BYTES
    parsed.BUDGET_BYTES = old if budget is None else budget
    try:
        led = LedgerDir(root)
        t = time.process_time()
        report = verify(led, led.trust(), default_rules(), workers=1)
        return time.process_time() - t, report
    finally:
        parsed.BUDGET_BYTES = old


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--keep")
    ap.add_argument("--ledger")
    a = ap.parse_args()
    if a.ledger:
        root = Path(a.ledger)
    else:
        root = Path(a.keep or tempfile.mkdtemp(prefix="bench-shape-")) / f"ledger-{a.scale:g}"
        if not (root / "log").exists():
            site = _module("bench_site")
            sizes = {k: max(1, int(v * a.scale)) for k, v in site.PROVINCE.items()}
            sizes["companies"] = max(sizes["companies"], site.REGION_SIZE)
            site.Gen(root, **sizes).run()
    bare = bare_cost(root)
    off, r0 = timed(root, 0)
    on, r1 = timed(root, None)
    same = [(p.rule, p.file, p.message) for p in r0.problems] == [(p.rule, p.file, p.message) for p in r1.problems]
    n = r1.size
    print(f"{n:,} entries, {len(r1.problems)} problems, ok={r1.ok}; reports identical with and without the memo: {same}")
    print(f"verify, memo on:  {on:7.2f} CPU-s = {on / (n * bare):5.1f}x bare")
    print(f"verify, memo off: {off:7.2f} CPU-s = {off / (n * bare):5.1f}x bare; on/off = {on / off:.2f}")
    print(f"bare canonicalise + Ed25519: {bare * 1e6:.0f} us/entry = {n * bare:.2f} CPU-s for the ledger")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB; load {open('/proc/loadavg').read().split()[:3]}")
    if not same:
        raise SystemExit("the memo changed the report")


if __name__ == "__main__":
    main()
