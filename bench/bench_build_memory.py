"""Peak memory of a full site build, the whole process tree: the build, its search process and
Pagefind, as the sum of their PSS (a forked child's shared pages counted once), sampled every
second — RSS summed over forked processes counts shared pages twice, and one process's peak
RSS misses its children.

    python bench/bench_build_memory.py --ledger L                   # this checkout
    python bench/bench_build_memory.py --ledger L --baseline OTHER  # and another checkout's src/, same run

e.g. L = bench_province.py's 1/20 ledger (``--scale 0.05 --generate-only`` prints its path);
OTHER = ``git worktree add /tmp/old <commit>`` then /tmp/old. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def _pss_mb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def measure(checkout: Path, ledger: Path) -> dict:
    """One full build of ``ledger`` with ``checkout``'s code into a temporary directory."""
    out, cache = tempfile.mkdtemp(prefix="bench-mem-out-"), tempfile.mkdtemp(prefix="bench-mem-cache-")
    code = ("from pathlib import Path; from publisher.site.build import build; "
            f"r = build({str(ledger)!r}, {out!r}, settings_file=Path({str(checkout / 'pelicanconf.py')!r}), "
            "overrides={'PUBLISHER_NOW': 1785000000}); print(r.pages)")
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "PUBLISHER_CACHE_DIR": cache}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    peak, parts = 0, ""
    try:
        while proc.poll() is None:
            kids, todo, tree = _children(), [proc.pid], []
            while todo:
                x = todo.pop()
                tree.append(x)
                todo += kids.get(x, [])
            sizes = [_pss_mb(x) for x in tree]
            if sum(sizes) > peak:
                peak, parts = sum(sizes), " + ".join(str(s) for s in sizes if s)
            time.sleep(1)
        lines = (proc.stdout.read() if proc.stdout else "").strip().splitlines()
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode != 0:
        sys.exit(f"{checkout}: the build failed ({proc.returncode})")
    return {"peak": peak, "parts": parts, "wall": time.perf_counter() - t, "pages": lines[-1] if lines else "?"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ledger", type=Path, required=True)
    ap.add_argument("--baseline", type=Path, help="another checkout (its src/ and pelicanconf.py), measured first")
    a = ap.parse_args()
    print(f"# build memory — {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load {os.getloadavg()[0]:.1f}; ledger {a.ledger}")
    base = measure(a.baseline.resolve(), a.ledger) if a.baseline else None
    if base:
        print(f"baseline {a.baseline}: peak summed PSS {base['peak']} MB ({base['parts']}), {base['wall']:.0f} s wall")
    this = measure(REPO, a.ledger)
    print(f"this checkout: peak summed PSS {this['peak']} MB ({this['parts']}), {this['wall']:.0f} s wall, "
          f"{this['pages']} pages")
    if base:
        print(f"ratio this / baseline: {this['peak'] / base['peak']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
