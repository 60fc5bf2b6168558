"""Province benchmark: generate the province ledger once (signing in worker processes, cached
outside the repository), then measure a full verify, an incremental verify after 1,000 new
results (resuming from this machine's verification cache), and peak memory.

    python bench/bench_province.py                 # 1/20 of a province (25,000 / 1,000 / 50,000)
    python bench/bench_province.py --scale 1       # the province: 500,000 companies, 20,000 tasks,
                                                   # 1,000,000 results (generation: hours)
    python bench/bench_province.py --workers 2     # signing / loading processes (default: cores)

The ledger is bench_site's generator (real keys, real draws, checkpoints, results) with one
change: entries are hashed and chained in log order in this process, while canonical signing
and writing the entry files happen in a pool of worker processes. The generated ledger is
kept in ``$PUBLISHER_CACHE_DIR/bench`` (default ~/.cache/publisher/bench), keyed by scale and
the generator's and schemas' source, and reused by later runs.

"Push": the ledger without its last 1,000 entries (all results) plus a checkpoint is what this
machine verified before — in the same directory, as a CI runner's working copy: the last 1,000
entry files are moved aside and the log cut, verified (saving the state), then put back, as a
``git pull`` would write them; the measured run is ``publisher verify`` on the whole ledger (one
more checkpoint), which checks only the 1,000 new entries. Each measurement runs in a fresh
child process so its peak RSS is its own; times are wall seconds (the machine may be shared).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_site", REPO / "bench" / "bench_site.py")
bench_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_site)  # type: ignore[union-attr]
PUSH = 1000
FLUSH = 4096  # entries signed per round trip to the pool

# ------------------------------------------------------------------------------ parallel signing

_seeds: dict[str, bytes] = {}
_root = ""


def _init(root: str, seeds: dict[str, bytes]) -> None:
    global _root, _seeds
    _root, _seeds = root, seeds


def _sign_and_write(items: list[tuple[dict, bytes]]) -> int:
    """Sign each entry's canonical bytes and write its file (same bytes as Entry.to_file_bytes)."""
    from publisher.core.canonical import b64encode
    from publisher.core.keys import SigningKey

    keys: dict[str, SigningKey] = {}
    for unsigned, signed in items:
        kid = unsigned.pop("_key")
        k = keys.get(kid) or keys.setdefault(kid, SigningKey.from_seed(_seeds[kid]))
        obj = {**unsigned, "sig": {"key": kid, "ed25519": b64encode(k.sign(signed))}}
        d = os.path.join(_root, "entries", obj["office"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{obj['seq']:08d}.json"), "wb") as f:
            f.write((json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return len(items)


class DeferredLedger:
    """The parts of LedgerDir the generator uses; appends are chained here, signed in the pool."""

    def __init__(self, root: Path, pool, seeds: dict[str, bytes]):
        from publisher.storage.ledger_dir import LedgerDir

        self.inner = LedgerDir(root, durable=False)
        self.root, self.pool, self.seeds = root, pool, seeds
        self.heads: dict[str, tuple[int, str]] = {}
        self.pending: list[tuple[dict, bytes]] = []
        self.lines: list[str] = []
        self.checkpoints_dir = self.inner.checkpoints_dir

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def append(self, office, type, body, key, time=None, check=None):
        from publisher.core.canonical import canonical_bytes, sha256_hex
        from publisher.core.entry import Entry

        seq, prev = self.heads.get(office, (0, None))
        body = json.loads(json.dumps(body, ensure_ascii=False))
        unsigned = {"v": 1, "type": type, "office": office, "seq": seq + 1, "prev": prev, "time": time, "body": body}
        signed = canonical_bytes(unsigned)
        eid = sha256_hex(signed)
        self.heads[office] = (seq + 1, eid)
        self.pending.append(({**unsigned, "_key": key.id}, signed))
        self.lines.append(f"{office}/{seq + 1} {eid}\n")
        entry = Entry(type=type, office=office, seq=seq + 1, prev=prev, time=time, body=body, key=key.id,
                      signature=b"\0" * 64)
        object.__setattr__(entry, "id", eid)
        if len(self.pending) >= FLUSH:
            self.flush()
        return entry

    def flush(self) -> None:
        if not self.pending:
            return
        n = max(1, len(self.pending) // (4 * (self.pool._processes or 1)))
        chunks = [self.pending[i:i + n] for i in range(0, len(self.pending), n)]
        sum(self.pool.map(_sign_and_write, chunks))
        with open(self.inner.log_path, "a", encoding="ascii") as f:
            f.writelines(self.lines)  # the log only ever names files already written
        self.pending, self.lines = [], []

    def write_checkpoint(self, size, note):
        self.flush()
        return self.inner.write_checkpoint(size, note)


def key_seeds(offices: list[str]) -> dict[str, bytes]:
    from publisher.core.keys import SigningKey

    out = {}
    for name in ["root", "log", *offices]:
        seed = hashlib.sha256(b"bench-site:" + name.encode()).digest()
        out[SigningKey.from_seed(seed).id] = seed
    return out


def _memo_snapshots() -> None:
    """The generator re-reads each regional snapshot for every draw it makes; parse each blob
    once (the blobs are its own output, checked again by every verify measured here)."""
    from publisher.directory import snapshot

    orig, memo = snapshot.iter_snapshot, {}

    def iter_snapshot(stream, record_type=snapshot.Target, *, validate=True, name=None):
        try:  # the ledger opens blobs by file descriptor (name = the fd number, reused): key by inode
            st = os.fstat(stream.fileno())
            key = ((st.st_dev, st.st_ino, st.st_size), record_type, validate)
        except (AttributeError, OSError, ValueError):
            key = (None, record_type, validate)
        if key[0] is None:
            return orig(stream, record_type, validate=validate, name=name)
        if key not in memo:
            memo[key] = list(orig(stream, record_type, validate=validate, name=name))
        return iter(memo[key])

    snapshot.iter_snapshot = iter_snapshot


def generate(root: Path, sizes: dict, workers: int) -> None:
    Gen = bench_site.Gen
    _memo_snapshots()
    offices = [f"o{i:02d}" for i in range(bench_site.OFFICES)]
    seeds = key_seeds(offices)
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_init, initargs=(str(root), seeds)) as pool:
        g = Gen(root, **sizes)
        g.led = DeferredLedger(root, pool, seeds)
        g.run()
        g.led.flush()


def ledger_dir(scale: float) -> Path:
    from publisher.storage.verify_cache import cache_root

    h = hashlib.sha256()
    for p in [REPO / "bench" / "bench_site.py", Path(__file__).resolve(),
              *sorted((REPO / "src" / "publisher" / "core" / "schemas").rglob("*.json"))]:
        h.update(p.read_bytes())
    return cache_root() / "bench" / f"province-{scale:g}-{h.hexdigest()[:16]}"


# ------------------------------------------------------------------------------ the "push"


def cut_before_push(full: Path) -> int:
    """A checkpoint of ``full`` without its last PUSH entries, signed by the log key (the state
    CI verified on the previous push; a valid checkpoint of full's prefix). Returns its size."""
    from publisher.core import merkle
    from publisher.core.checkpoint import Checkpoint, sign_checkpoint
    from publisher.core.entry import from_bytes, parse_time
    from publisher.core.note import Signer
    from publisher.core.verifier import LOG_LINE_RE

    lines = (full / "log").read_text("ascii").splitlines(keepends=True)
    size = len(lines) - PUSH
    tail = [LOG_LINE_RE.match(x.rstrip("\n")) for x in lines[size:]]
    types = {from_bytes((full / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_bytes()).type
             for m in tail}
    tree = merkle.TreeBuilder()
    for x in lines[:size]:
        tree.append(merkle.leaf_hash(bytes.fromhex(LOG_LINE_RE.match(x.rstrip("\n")).group(3))))
    m = LOG_LINE_RE.match(lines[size - 1].rstrip("\n"))
    last = from_bytes((full / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_bytes())
    t = int(parse_time(last.time).timestamp()) + 1
    earlier = [int(p.stem) for p in (full / "checkpoints").glob("*.note") if int(p.stem) < size]
    if earlier:
        from publisher.core.checkpoint import open_checkpoint
        from publisher.core.note import Verifier

        trust = json.loads((full / "trust.json").read_text("utf-8"))
        v = Verifier.from_vkey(trust["log_vkey"])
        prev = open_checkpoint((full / "checkpoints" / f"{max(earlier):010d}.note").read_text("utf-8"), v)
        t = max(t, prev.time)
    log = Signer(bench_site.ORIGIN, bench_site.key("log"))
    note = sign_checkpoint(Checkpoint(bench_site.ORIGIN, size, tree.root(), t), log)
    (full / "checkpoints" / f"{size:010d}.note").write_text(note, "utf-8")
    print(f"push: the last {PUSH} entries ({', '.join(sorted(types))}) after a checkpoint at {size:,}")
    return size


def unpush(full: Path, aside: Path, size: int | None = None) -> None:
    """``full`` as it was before the push, in place: the entry files after log size ``size``
    (default: the last PUSH) and the later checkpoints moved to ``aside``, the log cut
    (``repush`` undoes it; bench_incremental.py --in-place uses both)."""
    from publisher.core.verifier import LOG_LINE_RE

    lines = (full / "log").read_text("ascii").splitlines(keepends=True)
    size = len(lines) - PUSH if size is None else size
    shutil.rmtree(aside, ignore_errors=True)
    (aside / "checkpoints").mkdir(parents=True)
    (aside / "log").write_text("".join(lines), "ascii")
    for x in lines[size:]:
        m = LOG_LINE_RE.match(x.rstrip("\n"))
        d = aside / "entries" / m.group(1)
        d.mkdir(parents=True, exist_ok=True)
        os.replace(full / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json", d / f"{int(m.group(2)):08d}.json")
    for p in (full / "checkpoints").glob("*.note"):
        if int(p.stem) > size:
            os.replace(p, aside / "checkpoints" / p.name)
    (full / "log").write_text("".join(lines[:size]), "ascii")


def repush(full: Path, aside: Path) -> None:
    """The push arrives: the entry files, checkpoints and log lines moved aside come back."""
    for p in sorted((aside / "entries").rglob("*.json")):
        os.replace(p, full / "entries" / p.parent.name / p.name)
    for p in (aside / "checkpoints").glob("*.note"):
        os.replace(p, full / "checkpoints" / p.name)
    os.replace(aside / "log", full / "log")
    shutil.rmtree(aside)


# ------------------------------------------------------------------------------ measuring (child)


def child(ledger: str, cache: str, workers: int) -> None:
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules
    from publisher.storage.ledger_dir import LedgerDir
    from publisher.storage.verify_cache import VerifyCache

    led = LedgerDir(ledger)
    t = time.perf_counter()
    c = time.process_time()
    report = verify(led, led.trust(), default_rules(), cache=VerifyCache(cache) if cache != "-" else None,
                    workers=workers or None)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    with open("/proc/self/status") as f:
        peak = next(int(x.split()[1]) // 1024 for x in f if x.startswith("VmHWM:"))
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": round(wall, 2), "cpu_main": round(cpu, 2),
                      "cpu_workers": round(kids.ru_utime + kids.ru_stime, 2),
                      "peak_worker_mb": kids.ru_maxrss // 1024, "peak_mb": peak, "size": report.size,
                      "ok": report.ok, "errors": [p.line() for p in report.errors[:5]],
                      "warnings": len(report.problems) - len(report.errors), "resumed": report.resumed}))


def measure(ledger: Path, cache: str, workers: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(ledger), cache, str(workers)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.05, help="fraction of the province (default 1/20)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--reuse", type=Path, help="an already generated province directory (its 'complete' "
                    "marker and ledger/), used whatever the generator's current hash")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold verify of the whole ledger; the "
                    "previous push's run (a full verify of all but the last 1,000 entries) stands for it")
    ap.add_argument("--generate-only", action="store_true", help="generate (or find) the ledger, print its "
                    "directory and stop: for bench_incremental.py --ledger")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child[:2], int(a.child[2]))
        return 0
    sizes = {k: max(1, int(v * a.scale)) for k, v in bench_site.PROVINCE.items()}
    sizes["companies"] = max(sizes["companies"], bench_site.REGION_SIZE)
    base = a.reuse or ledger_dir(a.scale)
    full, aside, cache = base / "ledger", base / "pushed-aside", base / "verify-cache"
    if a.reuse and not (base / "complete").exists():
        sys.exit(f"{base}: not a complete generated province (no 'complete' marker)")
    if not (base / "complete").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        t = time.perf_counter()
        generate(full, sizes, a.workers)
        gen_s = time.perf_counter() - t
        cut_before_push(full)
        (base / "complete").write_text(json.dumps({"sizes": sizes, "scale": a.scale, "generate_seconds": round(gen_s, 1)}))
    info = json.loads((base / "complete").read_text())
    print(f"# province benchmark, {'reused ' if a.reuse else ''}scale {info.get('scale', a.scale):g} {info['sizes']} — {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}")
    print(f"ledger {full} (generated in {info['generate_seconds']}s with {a.workers} signing processes)")
    if a.generate_only:
        return 0
    shutil.rmtree(cache, ignore_errors=True)
    if aside.exists():  # an interrupted run left the push aside
        repush(full, aside)
    if not a.no_cold:
        fv = measure(full, "-", a.workers)
        print(f"full verify:        {fv['seconds']:8.1f} s  {fv['size'] / fv['seconds']:7.0f} entries/s  "
              f"peak {fv['peak_mb']} MB  ok={fv['ok']} {fv['errors']}", flush=True)
    unpush(full, aside)
    try:
        pv = measure(full, str(cache), a.workers)
    finally:
        repush(full, aside)
    print(f"previous push (full verify + saving state): {pv['seconds']:.1f} s  "
          f"{pv['size'] / pv['seconds']:7.0f} entries/s  cpu main {pv['cpu_main']} s + workers {pv['cpu_workers']} s  peak {pv['peak_mb']} MB  "
          f"(largest worker {pv['peak_worker_mb']} MB)  size {pv['size']:,}  ok={pv['ok']} {pv['errors']}", flush=True)
    if a.no_cold:
        fv = pv
    iv = measure(full, str(cache), a.workers)
    print(f"incremental verify: {iv['seconds']:8.1f} s  after {iv['size'] - iv['resumed']:,} new entries "
          f"(resumed at {iv['resumed']:,})  peak {iv['peak_mb']} MB  ok={iv['ok']}  "
          f"= {iv['seconds'] / fv['seconds']:.3f} × the full verify")
    states = sorted(cache.rglob("*.state"))
    print(f"saved state: {sum(p.stat().st_size for p in states) / 2**20:.1f} MB; "
          f"ledger on disk: {sum(p.stat().st_size for p in full.rglob('*') if p.is_file()) / 2**20:.0f} MB")
    if iv["resumed"] == 0 or iv["errors"] != fv["errors"] or iv["warnings"] != fv["warnings"]:
        print("incremental run did not resume or differs from the full run")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
