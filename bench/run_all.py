"""Run every benchmark with its default (brief-sized) parameters, one after another.

    make bench            # or: python bench/run_all.py [--quick]

Each benchmark prints its own ratios against a baseline measured in the same run; copy the
numbers into docs/BENCHMARKS.md together with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
FULL = [
    ["bench_verify.py", "--entries", "100000"],
    ["bench_draw.py"],
    ["bench_merkle.py"],
    ["bench_beacon.py"],
    ["bench_site.py"],
    ["bench_verify_browser.py"],
    ["bench_tlock.py"],
    ["bench_embargo.py"],
    ["bench_sealed.py", "--n", "100000"],
    ["bench_witness.py"],
]
QUICK = [
    ["bench_verify.py", "--entries", "10000"],
    ["bench_draw.py", "--n", "100000"],
    ["bench_beacon.py"],
    ["bench_tlock.py", "--no-browser"],
    ["bench_embargo.py", "--n", "5"],
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, a minute or two")
    a = ap.parse_args()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    failed = []
    for cmd in QUICK if a.quick else FULL:
        print(f"\n=== {' '.join(cmd)}", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / cmd[0]), *cmd[1:]])
        if rc:
            failed.append(cmd[0])
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
