"""mutmut, with two changes to the *order* in which a mutant's tests run (never to which tests run).

bench/mutate.py starts this instead of ``python -m mutmut``; the arguments are mutmut's.

mutmut runs a mutant's tests — every selected test that executed the mutated function — with
``-x``, sorted by the duration of their *call* phase. Two things make that order slow here:

- **Fixtures are not counted.** The rule tests build and sign a ledger in their fixtures and then
  verify it in a short call, so a test that costs 0.3 s looks like one that costs 0.01 s and runs
  first. Here the recorded duration of a test is setup + call + teardown, which is also what
  mutmut's CPU limit is computed from (it was too tight for fixture-heavy tests: see
  ``TIMEOUT_CONSTANT`` in bench/mutate.py).
- **The test that kills a function's mutants is usually the same one.** A message or a margin of
  ``content.py`` is checked by one test among the hundred that pass through ``check_content``;
  sorted by duration, the killer comes late, after every cheaper test has passed. Here each
  mutant's first failing test is appended to ``kills.tsv`` in the group's work directory, and the
  tests that killed mutants of the same function run first (most kills first), the rest by cost.

Reordering cannot change a verdict — a mutant is killed when any of its tests fails, and every
test still runs unless one fails — except through a timeout (a mutant now killed before the CPU
limit instead of after it). docs/QUALITY.md records the check: the same verdicts on a random
sample re-run both ways.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

KILLS = Path("kills.tsv")  # relative to the group's work directory (mutmut's cwd)
COSTS = Path("costs.tsv")
PLAIN = bool(os.environ.get("MUTMUT_PLAIN"))  # mutmut's own order (only costs.tsv is written)


def _function(mutant_name: str) -> str:
    return mutant_name.partition("__mutmut_")[0]


def _killers(function: str, kills: Path) -> Counter:
    """Tests that killed earlier mutants of ``function``, with how many each."""
    found: Counter = Counter()
    try:
        lines = kills.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        f, _, test = line.partition("\t")
        if f == function and test:
            found[test] += 1
    return found


def order(tests: list[str], mutant_name: str, kills: Path) -> list[str]:
    """``tests`` (cheapest first) with the tests that killed mutants of the same function first,
    most kills first; the same tests, only reordered."""
    known = _killers(_function(mutant_name), kills)
    rank = {t: i for i, t in enumerate(tests)}
    return sorted(tests, key=lambda t: (-known.get(t, 0), rank[t]))


class _RecordKill:
    """pytest plugin (in the mutant's process): append the first failing test of the mutant to
    ``kills.tsv`` and, with ``costs``, one line per mutant to ``costs.tsv``: the mutant, the CPU
    seconds of its process (a forked child's counters start at zero), the tests run, the number
    of tests selected, the first failing test (empty: survived)."""

    def __init__(self, mutant_name: str, path: Path, costs: Path | None = None, selected: int = 0):
        self.mutant, self.function, self.path, self.done = mutant_name, _function(mutant_name), path, False
        self.costs, self.selected, self.ran, self.killer = costs, selected, 0, ""

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" or (report.when == "setup" and report.failed):
            self.ran += 1
        if report.failed and not self.done:
            self.done = True
            self.killer = report.nodeid.removeprefix("mutants/")
            with open(self.path, "a", encoding="utf-8") as f:  # one short O_APPEND write
                f.write(f"{self.function}\t{self.killer}\n")

    def pytest_sessionfinish(self) -> None:
        if self.costs is None:
            return
        import resource

        ru = resource.getrusage(resource.RUSAGE_SELF)
        with open(self.costs, "a", encoding="utf-8") as f:
            f.write(f"{self.mutant}\t{ru.ru_utime + ru.ru_stime:.2f}\t{self.ran}\t{self.selected}\t{self.killer}\n")


class _FullDuration:
    """pytest plugin (stats collection): add the setup and teardown phases to a test's duration."""

    def pytest_runtest_makereport(self, item, call) -> None:
        if call.when in ("setup", "teardown"):
            from mutmut.state import state

            d = state().duration_by_test
            if item.nodeid in d:
                d[item.nodeid] += call.duration


def install() -> None:
    from mutmut.runners import harness

    runner = harness.PytestRunner
    original_run_tests, original_run_stats = runner.run_tests, runner.run_stats
    original_execute = runner.execute_pytest
    kills, costs = KILLS.resolve(), COSTS.resolve()

    def run_tests(self, *, mutant_name, tests):
        if not mutant_name:  # the clean run and the forced failure: mutmut's order
            return original_run_tests(self, mutant_name=mutant_name, tests=tests)
        tests = list(tests)  # mutmut's order: cheapest first (by full durations, unless plain)
        if not PLAIN:
            tests = order(tests, mutant_name, kills)
        self._extra_plugins = [_RecordKill(mutant_name, kills if not PLAIN else kills.with_name("kills-plain.tsv"),
                                           costs, len(tests))]
        return original_run_tests(self, mutant_name=mutant_name, tests=tests)

    def run_stats(self, *, tests):
        self._extra_plugins = [] if PLAIN else [_FullDuration()]
        try:
            return original_run_stats(self, tests=tests)
        finally:
            self._extra_plugins = []

    def execute_pytest(self, params, **kwargs):
        extra = getattr(self, "_extra_plugins", [])
        if extra:
            kwargs["plugins"] = list(kwargs.get("plugins", [])) + extra
        return original_execute(self, params, **kwargs)

    runner.run_tests, runner.run_stats, runner.execute_pytest = run_tests, run_stats, execute_pytest


def main() -> None:
    install()
    from mutmut.__main__ import cli

    sys.argv[0] = "mutmut"
    cli()


if __name__ == "__main__":
    main()
