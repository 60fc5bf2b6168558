"""Incremental site build benchmark: the build after a push vs a full build of the same ledger,
in one run, and a file-for-file comparison of the two outputs.

    python bench/bench_incremental.py                         # the sample county: push = entries after 4,963
    python bench/bench_incremental.py --cut 4901              # a bigger push
    python bench/bench_incremental.py --ledger FULL --before PREFIX   # e.g. bench_province's ledgers
    python bench/bench_incremental.py --ledger FULL --cut N --in-place # one working copy, cut then restored

Steps (each build in its own child process, so peak RSS is its own; Pagefind is a further child,
its peak reported separately): (1) the previous push — build of the ledger cut back to a
checkpoint, with a fresh verify cache, into OUT (saves the verify state, the site's read-model
and the page manifest); (2) the push — build of the whole ledger into the same OUT (resumes
verification, renders only pages whose inputs changed, Pagefind only if a searchable page
changed); (3) the baseline — ``publisher build --full`` of the whole ledger into a fresh
directory (no cache, no manifest). Times are wall seconds and the build process's CPU seconds;
the machine may be shared (the load average is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def cut(src: Path, dst: Path, size: int) -> None:
    from publisher.core.verifier import LOG_LINE_RE

    shutil.copytree(src, dst)
    lines = (dst / "log").read_text("utf-8").splitlines(keepends=True)
    (dst / "log").write_text("".join(lines[:size]), "utf-8")
    for line in lines[size:]:
        m = LOG_LINE_RE.match(line.rstrip("\n"))
        (dst / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").unlink()
    for p in (dst / "checkpoints").glob("*.note"):
        if int(p.stem) > size:
            p.unlink()


def _province() -> Any:
    """bench_province.py as a module (its unpush/repush: the push moved aside and back in place)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_province", REPO / "bench" / "bench_province.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def pushed(full: Path, size: int) -> Counter:
    from publisher.core.verifier import LOG_LINE_RE

    lines = (full / "log").read_text("utf-8").splitlines()[size:]
    out: Counter = Counter()
    for x in lines:
        m = LOG_LINE_RE.match(x)
        out[json.loads((full / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_bytes())["type"]] += 1
    return out


def child(ledger: str, output: str, full: str, search: str) -> None:
    from publisher.site.build import build

    profile = os.environ.get("BENCH_PROFILE")
    if profile:
        import cProfile

        prof = cProfile.Profile(time.process_time)  # CPU seconds: the machine is shared
        prof.enable()
    stages: dict = {}
    over = {"PUBLISHER_NOW": 1785000000,
            "PUBLISHER_AFTER_RENDER": lambda loaded, info: stages.update(
                verify=round(loaded.seconds, 2), resumed=loaded.report.resumed,
                **{k: round(v, 2) for k, v in info["timings"].items()})}
    if full == "1":
        over["PUBLISHER_FULL_VERIFY"] = True
    if os.environ.get("BENCH_RENDER_WORKERS"):  # --render-workers: forked page writers (pelicanconf default: none)
        over["PUBLISHER_RENDER_WORKERS"] = int(os.environ["BENCH_RENDER_WORKERS"])
    if os.environ.get("BENCH_BESIDE"):  # --beside: where the push's search index runs
        over["PUBLISHER_SEARCH_BESIDE_PUSH"] = os.environ["BENCH_BESIDE"] == "1"
    t, c = time.perf_counter(), time.process_time()
    res = build(ledger, output, settings_file=REPO / "pelicanconf.py", overrides=over, search=search == "1")
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    if profile:
        prof.disable()
        prof.dump_stats(profile)
    with open("/proc/self/status") as f:
        peak = next(int(x.split()[1]) // 1024 for x in f if x.startswith("VmHWM:"))
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(json.dumps({"wall": round(wall, 2), "cpu": round(cpu, 2), "pelican": round(res.pelican_seconds, 2),
                      "pagefind": round(res.pagefind_seconds, 2), "pages": res.pages, "rendered": res.rendered,
                      "kept": res.kept, "incremental": res.incremental, "peak_mb": peak, "pagefind_peak_mb": kids,
                      "stages": stages}))


def run(ledger: Path, output: Path, cache: Path, full: bool, search: bool, profile: Path | None = None) -> dict:
    env = {**os.environ, "PUBLISHER_CACHE_DIR": str(cache)}
    env.pop("BENCH_PROFILE", None)
    if profile is not None:
        env["BENCH_PROFILE"] = str(profile)
    out = subprocess.run([sys.executable, __file__, "--child", str(ledger), str(output), "1" if full else "0",
                          "1" if search else "0"], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def differing(a: Path, b: Path) -> tuple[list[str], list[str], int]:
    fa = {str(p.relative_to(a)) for p in a.rglob("*") if p.is_file()}
    fb = {str(p.relative_to(b)) for p in b.rglob("*") if p.is_file()}
    diff = [k for k in sorted(fa & fb) if (a / k).read_bytes() != (b / k).read_bytes()]
    return sorted(fa ^ fb), diff, len(fa)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ledger", type=Path, default=REPO / "ledger")
    ap.add_argument("--before", type=Path, help="the ledger at the previous push (default: --ledger cut at --cut)")
    ap.add_argument("--cut", type=int, default=4963, help="log size of the previous push (a checkpoint size)")
    ap.add_argument("--no-search", action="store_true", help="skip Pagefind in all three builds")
    ap.add_argument("--work", type=Path, help="keep the outputs here (default: a temporary directory)")
    ap.add_argument("--again", action="store_true",
                    help="with --work: start from the previous push's output and cache kept there by an earlier run")
    ap.add_argument("--profile", type=Path, help="cProfile (CPU time) the incremental build into this file")
    ap.add_argument("--no-full", action="store_true", help="skip the full build and the comparison")
    ap.add_argument("--render-workers", type=int, help="PUBLISHER_RENDER_WORKERS for the push (default: the settings')")
    ap.add_argument("--in-place", action="store_true", help="build the previous push and the push from one copy "
                    "of --ledger (cut in place, then restored), as a CI runner's working copy")
    ap.add_argument("--own-ledger", action="store_true", help="with --in-place: --ledger is a disposable copy "
                    "(bench_province's cache): cut and restore it where it is instead of copying it into --work "
                    "(a province is a million files)")
    ap.add_argument("--no-keep", action="store_true", help="keep no copy of the previous push's output and cache "
                    "for --again (at a province the output is tens of GB)")
    ap.add_argument("--beside", choices=["0", "1"], help="PUBLISHER_SEARCH_BESIDE_PUSH for the push: 1 its search "
                    "index beside its build (the default), 0 after it")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return 0
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-incr-"))
    again = a.again and a.work is not None and (work / "out.prev").is_dir()
    if not again:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    before = a.before
    desc = dict(pushed(a.ledger, a.cut)) if a.in_place else None
    total = sum(1 for _ in open(a.ledger / 'log'))
    copy = a.ledger if a.own_ledger else work / "ledger"  # the working copy
    if a.in_place and not again:
        if not a.own_ledger:
            shutil.copytree(a.ledger, copy)
        a.ledger, before = copy, copy
        _province().unpush(before, work / "aside", a.cut)
    elif a.in_place:  # the working copy kept by the first run, restored after its previous push
        a.ledger, before = copy, copy
    if before is None:
        before = work / "before"
        if not again:
            cut(a.ledger, before, a.cut)
    size = a.cut if a.in_place else sum(1 for _ in open(before / "log"))
    search = not a.no_search
    print(f"# incremental build benchmark — {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"ledger {a.ledger}: {total:,} entries; push = {desc or dict(pushed(a.ledger, size))} "
          f"after {size:,}")
    cache, out = work / "cache", work / "out"
    if again:  # the same previous push as last time (mtimes kept: the manifest checks them)
        for d in (out, cache, work / "fresh", work / "cache-full"):
            shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(work / "out.prev", out, symlinks=True)
        if a.in_place:  # the previous build linked the published ledger files to the working copy's
            for src in copy.rglob("*"):
                dst = out / "ledger" / src.relative_to(copy)
                if src.is_file() and dst.is_file():
                    dst.unlink()
                    os.link(src, dst)
        shutil.copytree(work / "cache.prev", cache, symlinks=True)
        prev = json.loads((work / "prev.json").read_text())
    else:
        try:
            prev = run(before, out, cache, False, search)
        finally:
            if a.in_place:
                _province().repush(a.ledger, work / "aside")
        if a.work and not a.no_keep:
            shutil.copytree(out, work / "out.prev", symlinks=True)
            shutil.copytree(cache, work / "cache.prev", symlinks=True)
            (work / "prev.json").write_text(json.dumps(prev))
    print(f"previous push, full build with saving: {prev['wall']:7.1f} s wall {prev['cpu']:7.1f} s CPU  "
          f"{prev['pages']:,} HTML  peak {prev['peak_mb']} MB (Pagefind {prev['pagefind_peak_mb']} MB)  load {os.getloadavg()[0]:.1f}")
    if a.render_workers is not None:  # the push only (a worker setting is no build-key change: see site.incremental)
        os.environ["BENCH_RENDER_WORKERS"] = str(a.render_workers)
    if a.beside is not None:
        os.environ["BENCH_BESIDE"] = a.beside
    inc = run(a.ledger, out, cache, False, search, a.profile)
    os.environ.pop("BENCH_RENDER_WORKERS", None)
    os.environ.pop("BENCH_BESIDE", None)
    print(f"incremental build:                     {inc['wall']:7.1f} s wall {inc['cpu']:7.1f} s CPU  rendered "
          f"{inc['rendered']:,} kept {inc['kept']:,} pages (incremental: {inc['incremental']}); Pagefind {inc['pagefind']:.1f} s  peak {inc['peak_mb']} MB  "
          f"load {os.getloadavg()[0]:.1f}")
    if a.no_full:
        print(f"  incremental stages (s): {inc.get('stages')}")
        return 0 if inc["incremental"] else 1
    full = run(a.ledger, work / "fresh", work / "cache-full", True, search)
    print(f"full build (--full, fresh output):     {full['wall']:7.1f} s wall {full['cpu']:7.1f} s CPU  rendered "
          f"{full['rendered']:,}; Pagefind {full['pagefind']:.1f} s  peak {full['peak_mb']} MB "
          f"(Pagefind {full['pagefind_peak_mb']} MB)  load {os.getloadavg()[0]:.1f}")
    for name, r in (("previous", prev), ("incremental", inc), ("full", full)):
        print(f"  {name} stages (s): {r.get('stages')}")
    print(f"ratio incremental / full: wall {inc['wall'] / full['wall']:.3f}, CPU {inc['cpu'] / full['cpu']:.3f}")
    only, diff, n = differing(out, work / "fresh")
    print(f"compare: {n:,} files; only in one: {len(only)} {only[:5]}; differing: {len(diff)} {diff[:5]}")
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not only and not diff and inc["incremental"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
