"""One more push onto a site that is already built: append 1,000 result corrections to a bench
ledger (signed by the offices' bench keys, with a log-signed checkpoint), build the push into the
existing output, and print the build's stages. For the province, where the build before the push
takes two hours, so a push is measured again without building everything first.

    python bench/bench_push.py --ledger L --out O --cache C              # the push, this code
    python bench/bench_push.py ... --profile push.raw                    # sampled with py-spy
    python bench/bench_push.py ... --restore 1064341                     # afterwards: cut the ledger back

The corrections are of the results at log lines ``--from`` onwards (default: the 1,000 entries
before the newest 1,000, which are results in a ledger bench_province generated; for repeated
pushes give each push a range of results not corrected before). A push of
corrections touches what a push of results does (company, task and result pages, the year's
listings, downloads, the lookup, the search documents) and can be made on a ledger whose locked
targets all have results.

``--adopt-cache-of SRC`` is a measurement shortcut, never a product path: it lets this code resume
from a verification state and page manifest another code version wrote (SRC: that version's
``src`` directory), by copying the state under this version's key and re-signing the manifest's
build key with this machine's cache key. Use it only when the two versions' state, snapshot-index
and manifest formats are identical (``git diff A B -- src/publisher/core src/publisher/storage``
empty, manifest code unchanged); the product never trusts a cache across versions.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOW = 1785000000  # bench_incremental's PUBLISHER_NOW (part of the build key)


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def append_corrections(ledger: Path, start: int, count: int) -> int:
    """Correct the results at log lines [start, start + count) (category flipped, the head's
    approval dated the day of publication) and checkpoint; returns the new log size."""
    from publisher.core import merkle
    from publisher.core.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
    from publisher.core.entry import parse_time
    from publisher.core.note import Signer, Verifier
    from publisher.core.verifier import LOG_LINE_RE
    from publisher.storage.ledger_dir import LedgerDir

    site = _module("bench_site")
    lines = (ledger / "log").read_text("ascii").splitlines()
    trust = json.loads((ledger / "trust.json").read_text("utf-8"))
    newest = max(int(p.stem) for p in (ledger / "checkpoints").glob("*.note"))
    last = open_checkpoint((ledger / "checkpoints" / f"{newest:010d}.note").read_text("utf-8"),
                           Verifier.from_vkey(trust["log_vkey"]))
    led = LedgerDir(ledger, durable=False)
    m = LOG_LINE_RE.match(lines[-1])
    tail = json.loads((ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_bytes())
    clock = max(last.time, int(parse_time(tail["time"]).timestamp())) + 1
    picked = []
    for x in lines[start:start + count]:  # all checked before anything is appended
        m = LOG_LINE_RE.match(x)
        e = json.loads((ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_bytes())
        if e["type"] != "result":
            sys.exit(f"log line {start}..: entry {x} is a {e['type']}, not a result (choose --from); nothing appended")
        picked.append((m, e))
    if len(picked) != count:
        sys.exit(f"log line {start}..: {len(picked)} entries, not {count}; nothing appended")
    for m, e in picked:
        body = dict(e["body"], categories=["5"] if e["body"]["categories"] == ["1"] else ["1"])
        clock += 1
        day = site.iso(clock + 8 * 3600)[:10]  # the approval's date: publication day, Beijing time
        led.append(e["office"], "result.correct", {"result": m.group(3), "corrected": body, "reason": "录入错误，更正检查结果。",
                                                   "approver": {"name": "张三", "title": "主要负责人"}, "date": day},
                   site.key(e["office"]), site.iso(clock))
    tree = merkle.TreeBuilder()
    for x in (ledger / "log").read_text("ascii").splitlines():
        tree.append(merkle.leaf_hash(bytes.fromhex(LOG_LINE_RE.match(x).group(3))))
    note = sign_checkpoint(Checkpoint(site.ORIGIN, tree.size, tree.root(), clock + 5), Signer(site.ORIGIN, site.key("log")))
    led.write_checkpoint(tree.size, note)
    return tree.size


def our_build_key(ledger: Path, out: Path) -> str:
    """The build key the push build (bench_incremental's child) will compute for ``out``."""
    from publisher.site.build import settings_for
    from publisher.site.incremental import build_key

    s = settings_for(ledger.resolve(), out.resolve(), REPO / "pelicanconf.py", {"PUBLISHER_NOW": NOW})
    if "publisher.site.plugin" not in s.get("PLUGINS", []):
        s["PLUGINS"] = list(s.get("PLUGINS") or []) + ["publisher.site.plugin"]
    return build_key(s, Path(s["THEME"]) if s.get("THEME") else None)


def would_be_incremental(cache: Path, ledger: Path, out: Path) -> bool:
    """Whether this code would build ``out`` incrementally from ``ledger`` as it is now. When it
    would not, the build deletes ``out`` first: at a province that is 46 GB and two hours of work
    (BENCHMARKS, session 16, where a source file edited mid-run did exactly that)."""
    from publisher.site.build import MARKER
    from publisher.site.incremental import Manifest

    if not (out / MARKER).is_file():
        return False
    return Manifest(out.resolve(), our_build_key(ledger, out), cache_root=cache, ledger=ledger.resolve()).load()


def adopt_cache(cache: Path, ledger: Path, out: Path, src: Path) -> None:
    """Measurement only (see the module docstring): this version resumes from SRC's cache."""
    from publisher.site.incremental import MAGIC
    from publisher.storage.verify_cache import code_version, machine_key

    theirs = subprocess.run([sys.executable, "-c", "from publisher.storage.verify_cache import code_version; "
                             "print(code_version())"], env={**os.environ, "PYTHONPATH": str(src)},
                            capture_output=True, text=True, check=True).stdout.strip()
    ours = code_version()
    for kind in ("verify", "snapshots"):
        if (cache / kind / theirs[:32]).is_dir() and not (cache / kind / ours[:32]).exists():
            subprocess.run(["cp", "-al", str(cache / kind / theirs[:32]), str(cache / kind / ours[:32])], check=True)
    key = our_build_key(ledger, out).encode()
    mac_key = machine_key(cache)
    for p in (cache / "site").glob("*.manifest"):
        data = p.read_bytes()
        mac, body = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
        if not (mac_key and hmac.compare_digest(mac, hmac.new(mac_key, body, hashlib.sha256).digest())):
            sys.exit(f"{p}: not written with this machine's cache key")
        if not body.startswith(b'{"key":"') or body[72:73] != b'"':
            sys.exit(f"{p}: not a manifest this shortcut knows")
        body = body[:8] + key + body[72:]
        p.write_bytes(MAGIC + hmac.new(mac_key, body, hashlib.sha256).digest() + body)
    print(f"adopted the cache of code {theirs[:16]} as {ours[:16]} (measurement shortcut)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ledger", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="the site built from the ledger as it is now")
    ap.add_argument("--cache", type=Path, required=True, help="the PUBLISHER_CACHE_DIR that build used")
    ap.add_argument("--from", dest="start", type=int, help="log line of the first result to correct")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--adopt-cache-of", type=Path, help="measurement only: another version's src directory")
    ap.add_argument("--profile", type=Path, help="sample the push build with py-spy (raw collapsed stacks)")
    ap.add_argument("--restore", type=int, help="only cut the ledger back to this log size (the pushes moved aside)")
    a = ap.parse_args()
    if a.restore is not None:
        _module("bench_province").unpush(a.ledger, a.ledger.parent / "pushed-aside", a.restore)
        print(f"ledger cut back to {a.restore:,} entries; the pushes are in {a.ledger.parent / 'pushed-aside'}")
        return 0
    if a.adopt_cache_of is not None:
        adopt_cache(a.cache, a.ledger, a.out, a.adopt_cache_of)
    if not would_be_incremental(a.cache, a.ledger, a.out):
        sys.exit(f"{a.out}: this code would not build it incrementally (no manifest for this code and "
                 "settings, or the ledger is not what it was built from); the push build would delete it "
                 "and build everything. Nothing was appended. Build it first, or see --adopt-cache-of.")
    size = sum(1 for _ in open(a.ledger / "log"))
    start = a.start if a.start is not None else size - 2 * a.count
    new = append_corrections(a.ledger, start, a.count)
    print(f"# push: {a.count:,} corrections of the results at log lines {start:,}.., log {size:,} -> {new:,}; "
          f"load {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    cmd = [sys.executable, str(REPO / "bench" / "bench_incremental.py"), "--child", str(a.ledger), str(a.out), "0", "1"]
    if a.profile is not None:
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        if spy is None:
            sys.exit("--profile: py-spy is not installed (pip install py-spy)")
        cmd = [spy, "record", "--subprocesses", "--rate", "10", "--format", "raw", "-o", str(a.profile), "--", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PUBLISHER_CACHE_DIR": str(a.cache)})
    line = next((x for x in reversed(proc.stdout.splitlines()) if x.startswith("{")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(proc.stderr[-4000:])
    r = json.loads(line)
    print(f"push build: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU; rendered {r['rendered']:,}, kept {r['kept']:,} "
          f"(incremental: {r['incremental']}); Pagefind {r['pagefind']:.1f} s; peak {r['peak_mb']} MB")
    print(f"  stages (s): {r['stages']}")
    return 0 if r["incremental"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
