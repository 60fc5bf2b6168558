"""bench/mutmut_runner.py only reorders a mutant's tests: killers of the same function first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("mutmut_runner", Path(__file__).parents[2] / "bench" / "mutmut_runner.py")
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)

F = "publisher.workflow.rules.content.x_check_content"


def test_without_kills_the_order_is_kept(tmp_path):
    tests = ["a", "b", "c"]
    assert runner.order(tests, F + "__mutmut_3", tmp_path / "kills.tsv") == ["a", "b", "c"]


def test_killers_of_the_same_function_run_first_most_kills_first(tmp_path):
    kills = tmp_path / "kills.tsv"
    kills.write_text(f"{F}\tc\n{F}\tb\n{F}\tc\n{F}x\ta\nother.f\ta\n", "utf-8")
    got = runner.order(["a", "b", "c", "d"], F + "__mutmut_9", kills)
    assert got == ["c", "b", "a", "d"]  # c killed twice, b once; "a" killed another function's mutants


def test_a_killer_not_selected_for_this_mutant_is_not_added(tmp_path):
    kills = tmp_path / "kills.tsv"
    kills.write_text(f"{F}\tz\n", "utf-8")
    assert runner.order(["a", "b"], F + "__mutmut_1", kills) == ["a", "b"]


def test_the_first_failure_is_recorded_once(tmp_path):
    kills = tmp_path / "kills.tsv"
    costs = tmp_path / "costs.tsv"
    rec = runner._RecordKill(F + "__mutmut_4", kills, costs, selected=5)

    class R:
        def __init__(self, nodeid, failed):
            self.nodeid, self.failed, self.when = nodeid, failed, "call"

    rec.pytest_runtest_logreport(R("mutants/tests/x.py::t1", False))
    rec.pytest_runtest_logreport(R("mutants/tests/x.py::t2", True))
    rec.pytest_runtest_logreport(R("tests/x.py::t3", True))
    assert kills.read_text("utf-8") == f"{F}\ttests/x.py::t2\n"
    rec.pytest_sessionfinish()
    name, cpu, ran, selected, killer = costs.read_text("utf-8").rstrip("\n").split("\t")
    assert (name, ran, selected, killer) == (F + "__mutmut_4", "3", "5", "tests/x.py::t2") and float(cpu) > 0
