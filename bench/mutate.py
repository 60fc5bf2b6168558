"""Mutation testing one module group at a time, each with only the tests that guard it.

``make mutate`` runs this. mutmut decides which tests to run for a mutant from coverage: every
test that *executes* the mutated function. For the kernel that is nearly the whole suite (the
verifier computes Merkle roots and reads notes for every ledger it checks), so one pass over all
modules took close to three hours here. Instead each group below is mutated in its own mutmut
work directory (``mutants/<group>/``) whose test selection is the group's own tests: mutants of
``core/merkle.py`` run the Merkle tests and the published vectors, not the site build.

A mutant that only a far-away test kills therefore counts as *survived* here: the score measures
the tests written for the module, which is the point (docs/QUALITY.md).

Each work directory keeps mutmut's verdicts, so a second run re-tests only new or changed
mutants; ``--survivors`` re-tests just the mutants that survived last time (after new tests were
written). Runs one group at a time, one mutmut worker, under ``nice``: the machine is shared.

    python bench/mutate.py                      # every group, incremental
    python bench/mutate.py core.merkle draw     # some groups
    python bench/mutate.py --survivors draw     # re-test last run's survivors only
    python bench/mutate.py --list               # the groups and their tests
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
P = "src/publisher/"

# group -> (files to mutate, pytest selection). Each group's tests are the ones written for it.
# Directories with ignore patterns rather than file lists: a new test file (a `*_bite.py`) joins
# its group's selection without changing mutmut's configuration, which would reset every verdict.
_KERNEL_TESTS = ["tests/core", "--ignore-glob", "tests/core/test_schema*",
                 "--ignore-glob", "tests/core/test_layering*", "--ignore-glob", "tests/core/test_verifier*",
                 "--ignore-glob", "tests/core/test_compromise*", "--ignore-glob", "tests/core/test_rule_guard*"]
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "core.merkle": ([P + "core/merkle.py"], _KERNEL_TESTS),
    "core.note": ([P + "core/note.py"], _KERNEL_TESTS),
    "core.entry": ([P + "core/entry.py"], _KERNEL_TESTS),
    "core.verifier": ([P + "core/verifier.py", P + "core/rules/*"],
                      ["tests/core", "--ignore-glob", "tests/core/test_schema*",
                       "--ignore-glob", "tests/core/test_layering*"]),
    "beacon.verify": ([P + "beacon/verify.py"], ["tests/beacon"]),
    "gitops.rules": ([P + "gitops/rules.py"], ["tests/gitops", "--ignore-glob", "tests/gitops/test_[!r]*"]),
    "site.stats": ([P + "site/stats.py"], ["tests/site", "--ignore-glob", "tests/site/test_site_*"]),
    # cutting pages into search documents: what a document holds decides what a push re-indexes
    "site.search_docs": ([P + "site/search_docs.py"], ["tests/site/test_search_docs.py"]),
    # the company lookup: which pages of which gram's list a push rewrites (site.lookup._Change)
    "site.lookup": ([P + "site/lookup.py"], ["tests/site/test_site_lookup.py",
                                             "tests/site/test_site_lookup_incremental.py"]),
    # the log's Merkle tree kept between builds: used only for a checkpoint the ledger still has
    "site.logtree": ([P + "site/logtree.py"], ["tests/site/test_site_logtree.py"]),
    "workflow.rules": ([P + "workflow/rules/*"],
                       ["tests/workflow/rules", "tests/workflow/test_results_checks.py"]),
    "draw.rules": ([P + "draw/rules/*"], ["tests/draw/rules"]),
    # draw/sealed.py's checks are exercised by the sealed draws of tests/draw/rules/test_draw_sealed*
    "draw": ([P + "draw/*.py"], ["tests/draw", "--ignore-glob", "tests/draw/rules/test_[!d]*",
                                 "--ignore-glob", "tests/draw/rules/test_draw_[!s]*"]),
}
# Generate demo data and the published worked examples; they hold no rule.
DO_NOT_MUTATE = [P + "draw/samples.py", P + "draw/vectors.py", P + "draw/sealed_vectors.py"]
# mutmut's patterns are fnmatch patterns, whose ``*`` spans ``/``: ``draw/*.py`` also names
# draw/rules/, the draw.rules group's (its tests are not in the draw group's selection).
EXCLUDE: dict[str, list[str]] = {"draw": [P + "draw/rules/*"]}
# CPU limit multiplier per group (default 4): the draw groups' tests build a signed ledger in their
# fixtures, which mutmut's estimate (the tests' call phases) leaves out — at 4, mutants that
# cannot loop (a cache size 4 → 5) were reported as timeouts there.
CPU_MULTIPLIER = {"draw.rules": 12.0, "draw": 8.0}
# CPU seconds added to each mutant's tests' time before the limit is computed (see mutmut_section).
# The workflow and site tests build and verify a ledger in their fixtures, which mutmut's tests'
# time does not count: with 2 s, string-only mutants of workflow/rules/withhold.py "timed out"
# (killed by the limit) although their tests pass in 3 CPU s outside mutmut.
# The verifier's tests build ledgers in fixtures (fsync'd appends) and mutmut also stops a mutant
# at *half* its CPU limit of wall time: under a load of 8-12, 15 of load_one's surviving mutants
# were reported as timeouts (= killed) with 2 s; 30 s there.
TIMEOUT_CONSTANT = {"workflow.rules": 15.0, "site.stats": 15.0, "core.verifier": 30.0}
LINKED = ["src", "tests", "ledger", "docs", "theme"]
NICE = int(os.environ.get("MUTATE_NICE", "19"))  # the machine is shared
WORKERS = int(os.environ.get("MUTATE_WORKERS", "1"))  # mutmut workers (one per idle core at most)


def mutmut_section(paths: list[str], tests: list[str], exclude: list[str] = (), multiplier: float = 4.0,
                   timeout_constant: float = 2.0) -> str:
    """The ``[tool.mutmut]`` table of one group's work directory (TOML arrays of strings)."""
    def arr(xs):
        return json.dumps(xs, ensure_ascii=False)  # a JSON string array is a TOML array
    # keep the project's pytest options (markers, deselected known bugs)
    import tomllib

    base = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return "\n".join([
        "[tool.mutmut]",
        'source_paths = ["src/"]',
        f"only_mutate = {arr(paths)}",
        f"do_not_mutate = {arr(DO_NOT_MUTATE + list(exclude))}",
        f'also_copy = {arr(["ledger/", "docs/", "theme/"])}',
        f"pytest_add_cli_args = {arr(base.get('pytest_add_cli_args', []))}",
        f"pytest_add_cli_args_test_selection = {arr(tests)}",
        # CPU limit per mutant: 2 x multiplier x (its tests' time + constant) CPU seconds; a mutant
        # that loops forever costs all of it. mutmut's tests' time is the sum of the tests' *call*
        # phases (fixtures not included) and a worker's own start costs up to ~1 CPU s here, so a
        # tight limit reports survivors as timeouts (= detected): with x1 + 0.5 s, 73 string-only
        # mutants of core/note.py "timed out". x4 + 2 s is still a quarter of mutmut's default.
        f"timeout_multiplier = {multiplier}",
        f"timeout_constant = {timeout_constant}",
        # the work directory is not a git checkout of its own; mutmut hashes files instead
        "use_git_change_detection = false",
        "",
    ])


def prepare(group: str) -> Path:
    paths, tests = GROUPS[group]
    wd = WORK / group
    wd.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = wd / name
        if not link.is_symlink():
            link.symlink_to(Path("../..") / name)
    # exists before Python starts, so PYTHONPATH's entry is not cached as missing (run())
    (wd / "mutants" / "src").mkdir(parents=True, exist_ok=True)
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    (wd / "pyproject.toml").write_text(text.rstrip() + "\n\n" + mutmut_section(paths, tests, EXCLUDE.get(group, []),
                                                                      CPU_MULTIPLIER.get(group, 4.0),
                                                                      TIMEOUT_CONSTANT.get(group, 2.0)),
                                       "utf-8")
    return wd


def _private_tmp(group: str) -> Path | None:
    """A fresh temporary root on tmpfs (``/dev/shm``) for one run, or None (``MUTATE_TMP=disk``,
    or no tmpfs here: then the system's temporary directory, as before)."""
    shm = Path("/dev/shm")
    if os.environ.get("MUTATE_TMP") == "disk" or not (shm.is_dir() and os.access(shm, os.W_OK)):
        return None
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f"publisher-mutate-{group}-", dir=shm))


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes, mutmut's workers included: on a
    shared machine the wall time says more about the neighbours than about the tests."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def survivors(wd: Path, timeouts: bool = False) -> list[str]:
    """Last run's surviving mutants of a group, without the known equivalent ones, and its mutants
    that had no test then (mutmut never re-tests those unless named, even after tests for their
    function were written); with ``timeouts``, its timeouts too (re-tested under a changed CPU limit)."""
    from mutmut.stats import status_by_exit_code

    sys.path.insert(0, str(ROOT / "bench"))
    from mutation_report import EQUIVALENT

    names = []
    for meta in sorted((wd / "mutants").glob("src/**/*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        wanted = ("survived", "no tests", "timeout") if timeouts else ("survived", "no tests")
        names += [k for k, c in codes.items() if c is not None and status_by_exit_code[c] in wanted
                  and k not in EQUIVALENT]
    return names


def not_run(wd: Path) -> list[str]:
    """Mutants of a group without a verdict yet (a stopped run, or never reached)."""
    names = []
    for meta in sorted((wd / "mutants").glob("src/**/*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        names += [k for k, c in codes.items() if c is None]
    return names


def verdicts(wd: Path) -> dict[str, str]:
    """Every decided mutant of a group and its status (killed, survived, timeout, no tests, …)."""
    from mutmut.stats import status_by_exit_code

    out = {}
    for meta in sorted((wd / "mutants").glob("src/**/*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        out.update({k: status_by_exit_code[c] for k, c in codes.items() if c is not None})
    return out


def recheck(group: str, n: int, seed: int, plain: bool) -> None:
    """Re-test a uniform random sample of ``n`` already decided mutants and compare the verdicts.

    First a pass that tests no mutant (mutmut regenerates the mutants of changed functions, whose
    old verdicts it drops, and collects new tests), so the sample is drawn from verdicts that
    still apply to the source. Writes ``mutants/<group>.recheck.tsv`` (name, before, after)."""
    import random

    wd = prepare(group)
    run(group, False, only=["__no_mutant_matches__*"], plain=plain, check=False)  # mutmut: "nothing matches"
    before = verdicts(wd)
    pool = sorted(k for k, v in before.items() if v in ("killed", "survived", "timeout")
                  and not k.startswith("__"))
    names = sorted(random.Random(seed).sample(pool, min(n, len(pool))))
    run(group, False, only=names, plain=plain, label=f"recheck {len(names)} seed {seed}{' plain' if plain else ''}")
    after = verdicts(wd)
    same = [k for k in names if after.get(k) == before[k]]
    with open(WORK / f"{group}.recheck.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{k}\t{before[k]}\t{after.get(k)}\n" for k in names)
    print(f"{group}: {len(same)} of {len(names)} re-tested mutants kept their verdict"
          + "".join(f"\n  {k}: {before[k]} -> {after.get(k)}" for k in names if k not in same))


def run(group: str, only_survivors: bool, timeouts: bool = False, only: list[str] | None = None,
        sample: int = 0, seed: int = 17, plain: bool = False, label: str = "", check: bool = True) -> None:
    wd = prepare(group)
    names: list[str] = list(only or [])  # mutmut matches these with fnmatch
    if only_survivors or sample:
        names = survivors(wd, timeouts)
        if sample:  # a uniform random sample of the rest: an unbiased score when all does not fit
            import random

            rest = not_run(wd)
            names += sorted(random.Random(seed).sample(rest, min(sample, len(rest))))
        if not names:
            print(f"{group}: no survivors to re-test")
            return
    # mutmut with the tests of each mutant ordered killers-first, cost-first (bench/mutmut_runner.py)
    cmd = ["nice", "-n", str(NICE), sys.executable, str(ROOT / "bench" / "mutmut_runner.py"), "run",
           "--max-children", str(WORKERS), *names]
    env = dict(os.environ, PYTHONPATH=str(wd / "mutants" / "src"))  # subprocesses import the mutant
    if plain:  # mutmut's own order, for comparison
        env["MUTMUT_PLAIN"] = "1"
    # The tests' temporary directories on tmpfs, private to this run: every mutant is a new pytest
    # session, which creates a numbered directory under the shared /tmp/pytest-of-<user> and
    # deletes the old ones (rm -rf of earlier sessions' ledgers), and the ledger fixtures fsync
    # every append. On the disk that was 1.15 s of wall time per mutant running two workflow
    # tests, 0.44 s on tmpfs (CPU 0.32 -> 0.27 s); nothing a test checks depends on the medium.
    tmp = _private_tmp(group)
    if tmp:
        env["PYTEST_DEBUG_TEMPROOT"] = env["TMPDIR"] = str(tmp)
    log = WORK / f"{group}.log"
    start, cpu0 = time.monotonic(), _children_cpu()
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.call(cmd, cwd=wd, env=env, stdout=out, stderr=subprocess.STDOUT)
    took, cpu = time.monotonic() - start, _children_cpu() - cpu0
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    tail = log.read_text("utf-8", "replace").replace("\r", "\n").strip().splitlines()[-3:]
    print(f"{group}: {took / 60:.1f} min wall, {cpu / 60:.1f} min CPU (exit {rc}) " + " | ".join(tail), flush=True)
    kind = label or (f"sample {sample} seed {seed}" if sample else "survivors" if only_survivors
                     else "only " + " ".join(only)[:80] if only else "all")
    kind += " plain" if plain and not label else ""
    with open(WORK / "timings.tsv", "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\t{group}\t{kind}\t"
                f"{len(names) if only_survivors or sample or label else ''}\t{took:.0f}\t{cpu:.0f}\t{rc}\n")
    if rc and check:
        raise SystemExit(f"mutmut failed for {group}: see {log}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("groups", nargs="*", help=f"default: all of {', '.join(GROUPS)}")
    ap.add_argument("--survivors", action="store_true", help="re-test only last run's survivors")
    ap.add_argument("--timeouts", action="store_true", help="with --survivors: its timeouts too")
    ap.add_argument("--only", action="append", metavar="PATTERN",
                    help="test only the mutants whose names match (fnmatch), e.g. 'publisher.workflow.rules.deadline.*'; "
                         "their earlier verdicts are re-tested")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="re-test the survivors and a random sample of N mutants not run yet (a projected "
                         "score for a group too slow to run whole; mutmut runs the cheapest first, so a "
                         "sample must be small enough to finish)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--recheck", type=int, default=0, metavar="N",
                    help="re-test a random sample of N decided mutants and compare with their verdicts")
    ap.add_argument("--plain", action="store_true", help="mutmut's own test order (for comparison)")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    if a.list:
        for g, (paths, tests) in GROUPS.items():
            print(f"{g}: {' '.join(paths)}\n    tests: {' '.join(tests)}")
        return 0
    unknown = [g for g in a.groups if g not in GROUPS]
    if unknown:
        ap.error(f"unknown group {', '.join(unknown)}; groups: {', '.join(GROUPS)}")
    start = time.monotonic()
    for g in a.groups or GROUPS:
        if a.recheck:
            recheck(g, a.recheck, a.seed, a.plain)
        else:
            run(g, a.survivors, a.timeouts, a.only, a.sample, a.seed, a.plain)
    print(f"mutation testing took {(time.monotonic() - start) / 60:.1f} min wall, "
          f"{_children_cpu() / 60:.1f} min CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
