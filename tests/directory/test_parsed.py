"""The shared memo of parsed snapshots: bounded by blob bytes, least recently used out, never
saved with the rules' state."""

from __future__ import annotations

import pickle

from publisher.directory.parsed import ParsedSnapshots
from publisher.directory.records import Inspector, Target


def test_keeps_by_digest_and_kind():
    m = ParsedSnapshots(budget=100)
    m.put("a" * 64, Target, 10, ["t"])
    assert m.get("a" * 64, Target) == ["t"]
    assert m.get("a" * 64, Inspector) is None and m.get("b" * 64, Target) is None


def test_least_recently_used_goes_first_and_the_budget_holds():
    m = ParsedSnapshots(budget=100)
    m.put("a", Target, 40, ["a"])
    m.put("b", Target, 40, ["b"])
    assert m.get("a", Target) == ["a"]  # a is now the most recently used
    m.put("c", Target, 40, ["c"])  # 120 > 100: b (least recently used) goes
    assert m.get("b", Target) is None and m.get("a", Target) == ["a"] and m.get("c", Target) == ["c"]
    assert len(m) == 2
    m.put("d", Target, 100, ["d"])  # exactly the budget: everything else goes
    assert len(m) == 1 and m.get("d", Target) == ["d"]


def test_a_snapshot_above_the_budget_is_never_kept():
    m = ParsedSnapshots(budget=100)
    assert m.fits(100) and not m.fits(101)
    m.put("a", Target, 101, ["a"])
    assert m.get("a", Target) is None and len(m) == 0


def test_putting_the_same_snapshot_twice_counts_it_once():
    m = ParsedSnapshots(budget=100)
    m.put("a", Target, 60, ["a"])
    m.put("a", Target, 60, ["a"])
    m.put("b", Target, 40, ["b"])  # 100 in all if "a" was counted once
    assert m.get("a", Target) == ["a"] and m.get("b", Target) == ["b"]


def test_never_pickled_with_the_rules_state():
    m = ParsedSnapshots(budget=77)
    m.put("a", Target, 10, ["x" * 1000])
    back = pickle.loads(pickle.dumps(m))
    assert back.budget == 77 and len(back) == 0 and back.get("a", Target) is None
    assert len(pickle.dumps(m)) < 200
