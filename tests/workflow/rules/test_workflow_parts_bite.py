"""The workflow rules' small parts, exactly: dates in the China calendar, ratios, the compact
per-task selection and team memory, category vocabularies (pure functions, no ledger)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest

from publisher.workflow.rules.common import (
    Emitter,
    bad_dates,
    entry_date,
    parse_date,
    pct_above,
    ratio,
    unix_to_date,
    zh_list,
    zh_where,
)
from publisher.workflow.rules.selection import SECTION, Selection, entry_ref, name_hash, ref_hex, target_key
from publisher.workflow.rules.state import TaskInfo, WorkflowState
from publisher.workflow.rules.vocab import category_problems


@pytest.mark.parametrize("text,day", [("2026-02-28", date(2026, 2, 28)), ("2024-02-29", date(2024, 2, 29)),
                                      ("2026-02-29", None), ("2026-2-28", None), ("2026-02-28 ", None),
                                      ("20260228", None), (None, None), (20260228, None), ("", None)])
def test_parse_date_accepts_only_real_dates_in_the_iso_shape(text, day):
    assert parse_date(text) == day


def test_entry_date_is_the_china_date():
    class E:
        time = ""

    def at(t):
        e = E()
        e.time = t
        return entry_date(e)

    assert at("2025-12-31T15:59:59Z") == date(2025, 12, 31)
    assert at("2025-12-31T16:00:00Z") == date(2026, 1, 1)
    assert at("2026-06-30T23:59:59Z") == date(2026, 7, 1)
    assert unix_to_date(1767196799) == date(2025, 12, 31) and unix_to_date(1767196800) == date(2026, 1, 1)


def test_ratios_and_their_text():
    assert ratio("0.05") == Fraction(1, 20) and ratio("1.0") == 1
    assert pct_above(Fraction(2, 30), Fraction(1, 20)) == ("6.667%", "5%")
    assert pct_above(Fraction(1), Fraction(1, 2)) == ("100%", "50%")
    assert pct_above(Fraction(50_000_001, 10**9), Fraction(1, 20)) == ("5.0000001%", "5%")
    assert pct_above(Fraction(50_001, 1_000_000), Fraction(1, 20)) == ("5.0001%", "5%")
    assert zh_where("corrected.items") == "更正内容中：" and zh_where("items") == "" and zh_where("") == ""
    assert zh_list(["a", 1]) == "a、1" and zh_list([]) == ""


def test_bad_dates_reports_each_impossible_date_and_returns_the_good_ones():
    em = Emitter()
    good = bad_dates(em, "r", {"a": "2026-01-01", "b": "2026-02-30", "c": None}, "art")
    assert good == {"a": date(2026, 1, 1)}
    assert [(p.rule, p.message, p.article, p.severity) for p in em.out] == [
        ("r", "日期“2026-02-30”不存在（b），应为真实的 YYYY-MM-DD / b '2026-02-30' is not a calendar date", "art", "error")]
    em.warning("w", "m", "x")
    assert (em.out[1].severity, em.out[1].article) == ("warning", "x")


def test_entry_refs_never_zero_and_shown_as_fifteen_hex_digits():
    assert entry_ref("0" * 64) == 1 and entry_ref("0" * 15 + "1" + "f" * 48) == 1
    assert entry_ref("0" * 15 + "2" + "0" * 48) == 1 and entry_ref("0" * 15 + "4" + "0" * 48) == 2
    ref = entry_ref("ab" * 32)
    assert ref == int("ab" * 8, 16) >> 1 and ref < SECTION
    assert ref_hex(ref) == ("ab" * 8)[:15] and ref_hex(ref | SECTION) == ("ab" * 8)[:15]
    assert name_hash("") != 0 and name_hash("甲公司") == int.from_bytes(
        __import__("hashlib").sha256("甲公司".encode()).digest()[:8], "big")
    assert target_key("A1") == int.from_bytes(__import__("hashlib").sha256(b"A1").digest()[:8], "big")


def test_selection_slots_owners_and_open_targets():
    sel = Selection(["lead", "p1"])
    assert sel.add(["T1", "T2", "T3", "T2"]) == ["T2"]
    assert sel.add(["T3", "T4"]) == ["T3"] and len(sel) == 4
    assert sel.add([]) == [] and sel.add(["T1"]) == ["T1"]
    i1, i4 = sel.find("T1"), sel.find("T4")
    assert sel.find("T5") is None and {sel.find(t) for t in ("T1", "T2", "T3", "T4")} == {0, 1, 2, 3}
    assert sel.open_count("lead") == 4 and sel.open_count("p1") == 4
    sel.set("lead", i1, 7)
    sel.set("lead", i1, 9)  # a correction replaces the latest entry, the slot stays counted once
    assert sel.get("lead", i1) == 9 and sel.open_count("lead") == 3 and sel.filled == {"lead": 1, "p1": 0}
    assert sel.owner(9, i1) == "lead" and sel.owner(7, i1) is None
    sel.set("p1", i1, 9 | SECTION)  # covered by the lead's section
    assert sel.owner(9, i1) == "lead" and sel.owner(9 | SECTION, i1) == "p1"
    assert "T1" not in sel.names.values() and sel.find("T1") == i1  # every slot filled: name dropped
    assert sorted(sel.open_targets("lead")) == ["T2", "T3", "T4"] and len(sel.open_targets("lead", 2)) == 2
    sel.announced = 5
    assert sel.open_count("lead") == 8 and sel.open_count("p1") == 8
    for t in ("T2", "T3"):
        sel.set("lead", sel.find(t), 1)
        sel.set("p1", sel.find(t), 1)
    assert sel.names == {target_key("T4"): "T4"} and sel.get("p1", i4) == 0


def test_selection_keeps_the_draws_name_hashes_aligned():
    sel = Selection(["lead"])
    sel.add(["T2"], {"T2": 22})
    sel.add(["T1", "T3"], {"T1": 11})
    assert {t: sel.name_hashes[sel.find(t)] for t in ("T1", "T2", "T3")} == {"T1": 11, "T2": 22, "T3": 0}
    sel.set("lead", sel.find("T2"), 5)
    sel.add(["T0"])
    assert sel.get("lead", sel.find("T2")) == 5 and sel.get("lead", sel.find("T0")) == 0


def test_task_teams_keep_order_and_share_the_inspector_index():
    t = TaskInfo(id="T", lead="a", entry_id="e", year=2026, window_from=date(2026, 1, 1),
                 window_to=date(2026, 3, 31), items={"a": frozenset({"X"}), "b": frozenset()}, cap=None, cap_items=(),
                 selection=Selection(["a", "b"]))
    t.set_team(1, ["i2", "i1"])
    t.set_team(2, ["i1", "i3"])
    assert t.team(1) == ["i2", "i1"] and t.team(2) == ["i1", "i3"] and t.team(3) is None
    assert t.inspectors == {"i2": 0, "i1": 1, "i3": 2} and t.teams[2] == b"\x00\x00\x00\x01\x00\x00\x00\x02"


def test_a_team_member_past_65536_inspectors_is_kept():
    """Two-byte indices dropped every member after the 65,536th distinct inspector, silently:
    a result's inspectors were then checked against a team missing them."""
    t = TaskInfo(id="T", lead="a", entry_id="e", year=2026, window_from=date(2026, 1, 1),
                 window_to=date(2026, 3, 31), items={"a": frozenset({"X"}), "b": frozenset()}, cap=None, cap_items=(),
                 selection=Selection(["a", "b"]))
    t.inspectors = {f"p{i}": i for i in range(70_000)}
    t.set_team(7, ["p1", "p69999", "new"])
    assert t.team(7) == ["p1", "p69999", "new"] and t.inspectors["new"] == 70_000
    assert t.offices == ("a", "b") and replace(t, items={"b": frozenset()}).offices == ("b",)


def test_state_counts_and_hands_facts_to_the_sink():
    s = WorkflowState()
    s.count("a", 2026, "x")
    s.count("a", 2026, "x", 3)
    s.count("a", 2027, "x")
    assert s.stats[("a", 2026)]["x"] == 4 and s.stats[("a", 2027)]["x"] == 1
    s.emit("no sink: dropped")
    got = []
    s.sink = got.append
    s.emit("fact")
    assert got == ["fact"]


def test_category_problems_exact():
    assert category_problems("004-20/v1", ["2", "3"]) == []
    assert category_problems("004-20/v1", ["1"]) == []
    assert category_problems("004-20/v1", ["3", "1"]) == [
        "“未发现问题”不能与其他类别同时选择 / category 1 (未发现问题) cannot be combined with other categories"]
    assert len(category_problems("004-20/v1", ["0", "9"])) == 1
    assert category_problems("004-20/v1", ["0", "9"])[0].startswith("类别 0、9 不是有效的结果类别（1–8：1 未发现问题；")
    assert category_problems("004-20/v1", ["0", "9"])[0].split("）/ ")[1].startswith(
        "categories ['0', '9'] are not codes of 004-20/v1 (1–8: 1 未发现问题; 2 ")


def test_the_composed_rule_exposes_its_state():
    from publisher.workflow.rules.rule import WorkflowRule

    rule = WorkflowRule()
    assert rule.name == "workflow" and rule.sink is None
    got = []
    rule.sink = got.append
    assert rule.state.sink is rule.sink
    rule.state.emit("f")
    assert got == ["f"]
    assert (rule.stats, rule.tasks, rule.item_lists, rule.plans) == ({}, {}, {}, {})
    assert (rule.overdue, rule.coverage) == ([], {})
    assert rule.stats is rule.state.stats and rule.tasks is rule.state.tasks
    assert rule.item_lists is rule.state.item_lists and rule.plans is rule.state.plans
    assert WorkflowRule(sink=got.append).sink == got.append
    assert sorted(rule._by_type) == ["calendar", "directory.snapshot", "draw.commit", "draw.lock", "draw.reveal",
                                     "item.list", "noncooperation", "plan", "result", "result.correct",
                                     "result.withhold", "task", "team.replace"]


def test_snapshot_name_looks_back_through_older_snapshots(tmp_path):
    """The name shown in a target-name refusal comes from the newest of the task's snapshots that
    lists the target: one that does not list it, or cannot be read, is passed over."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from wf_scenario import Workflow

    from publisher.core.rules.base import Context
    from publisher.directory.snapshot import snapshot_bytes
    from publisher.workflow.rules.target_names import SnapshotNames, snapshot_name

    wf = Workflow(tmp_path)
    first = wf.targets[0]
    newer = wf.ledger.put_blob(snapshot_bytes(wf.targets[1:]))  # no longer lists the first target
    broken = wf.ledger.put_blob(b"not a snapshot\n")
    ctx = Context(trust=None, blobs=wf.ledger)
    assert snapshot_name(ctx, [wf.tblob, newer], first.id) == first.name
    assert snapshot_name(ctx, [wf.tblob, broken], first.id) == first.name
    assert snapshot_name(ctx, [newer, broken], first.id) is None
    assert snapshot_name(ctx, [wf.tblob, newer], wf.targets[1].id) == wf.targets[1].name
    names = SnapshotNames()
    got = names.hashes_for(ctx, wf.tblob, [first.id, "nobody"])
    assert got == {first.id: name_hash(first.name)} and names.digest == wf.tblob
    assert names.hashes_for(ctx, broken, [first.id]) == {} and names.digest is None
    assert names.hashes_for(ctx, "ab" * 32, [first.id]) == {}
