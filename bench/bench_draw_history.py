"""What draw protocol v2's history costs in `publisher verify` of the sample county.

    python bench/bench_draw_history.py [--ledger ledger] [--repeat 3]
        [--base-src /path/to/old/src --base-ledger /path/to/old/ledger]

Runs the full verifier (every rule, one worker) on the ledger, interleaving two modes in one
process: v2 as shipped, and v2 with the history work switched off (no outcome computed for
superseded or abandoned commitments, no twin detection). Reports the least CPU seconds of each
and their ratio (the issue's budget: history ≤ 1.10×). With --base-src/--base-ledger it also
times another checkout's verifier on its own ledger in a child process (e.g. the v1 code on the
v1 sample), for the record. CPU time, so other load on a shared machine distorts it less.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager

from publisher.core.verifier import verify
from publisher.draw.rules import history
from publisher.ruleset import default_rules
from publisher.storage.ledger_dir import LedgerDir


@contextmanager
def history_off():
    saved = history.outcome_findings, history.HistoryCheck._twins
    history.outcome_findings = lambda ctx, book, c: []
    history.HistoryCheck._twins = staticmethod(lambda book: [])
    try:
        yield
    finally:
        history.outcome_findings, history.HistoryCheck._twins = saved[0], staticmethod(saved[1])


def once(path: str) -> tuple[float, int]:
    led = LedgerDir(path)
    t = time.process_time()
    r = verify(led, led.trust(), default_rules(), workers=1)
    assert r.ok, [p.line() for p in r.errors][:3]
    outcomes = sum(1 for c in r.rule("draw").commits.values() if c.outcome is not None)
    return time.process_time() - t, outcomes


CHILD = ("import sys,time;from publisher.storage.ledger_dir import LedgerDir;from publisher.ruleset import "
         "default_rules;from publisher.core.verifier import verify;l=LedgerDir(sys.argv[1]);t=time.process_time();"
         "r=verify(l,l.trust(),default_rules(),workers=1);assert r.ok;print(time.process_time()-t)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ledger", default="ledger")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--base-src")
    ap.add_argument("--base-ledger")
    a = ap.parse_args()
    on, off, base = [], [], []
    n_out = 0
    for _ in range(a.repeat):
        t, n_out = once(a.ledger)
        on.append(t)
        with history_off():
            off.append(once(a.ledger)[0])
        if a.base_src and a.base_ledger:
            env = dict(os.environ, PYTHONPATH=a.base_src)
            out = subprocess.run([sys.executable, "-c", CHILD, a.base_ledger], capture_output=True, text=True,
                                 env=env, check=True)
            base.append(float(out.stdout.strip()))
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"ledger {a.ledger}: {n_out} never-locked commitments' outcomes computed")
    print(f"verify, history on : {min(on):.2f} s CPU (best of {a.repeat})")
    print(f"verify, history off: {min(off):.2f} s CPU")
    print(f"ratio on/off       : {min(on) / min(off):.3f}  (budget ≤ 1.10)")
    if base:
        print(f"other checkout {a.base_ledger}: {min(base):.2f} s CPU; v2/other = {min(on) / min(base):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
