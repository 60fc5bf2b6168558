"""Inspector matching: the rules hold for every seed, and feasibility really prevents dead ends."""

from __future__ import annotations

import hashlib
import random

import pytest

from publisher.directory.records import Inspector
from publisher.draw.errors import DrawError
from publisher.draw.replace import apply_replacement, replacement_findings
from publisher.draw.teams import Role, TeamPlan, TeamScan, assign_teams, team_findings

REGIONS = ["371122001", "371122002", "371102001", "371102002", "371103001"]


def inspector(iid, office, unit_region, group=None, conflicts=(), active=True):
    return Inspector(id=iid, name=iid, office=office, unit=f"{office}-{unit_region}", unit_region=unit_region,
                     expertise=(), items=(), group=group, active=active, conflicts=tuple(sorted(conflicts)))


def random_case(rng: random.Random):
    """A random pool, population, roles, mode and load cap."""
    mode = rng.choice(["big", "small", "cross", "group"])
    offices = ["lead", "p1", "p2"][: rng.randint(1, 3)]
    members = [rng.randint(1, 3) for _ in offices]
    if sum(members) < 2:
        members[0] = 2
    targets = [(f"T{i:04d}", rng.choice(REGIONS)) for i in range(rng.randint(5, 60))]
    recs = []
    for o in offices:
        for j in range(rng.randint(2, 14)):
            conf = {t for t, _ in rng.sample(targets, k=min(len(targets), rng.randint(0, 3)))}
            recs.append(inspector(f"{o.upper()}-{j:02d}", o, rng.choice(["371122", "371102", "3711"]),
                                  group=f"G{j // rng.randint(2, 3)}", conflicts=conf,
                                  active=rng.random() > 0.1))
    load_cap = rng.choice([None, rng.randint(1, 12)])
    return mode, [Role(o, m) for o, m in zip(offices, members)], targets, recs, load_cap


def test_teams_satisfy_every_rule_over_many_seeds():
    rng = random.Random(20260101)
    feasible = stuck = 0
    for case in range(1200):
        mode, roles, targets, recs, load_cap = random_case(rng)
        plan = TeamPlan(recs, roles, mode, load_cap)
        scan = TeamScan(plan)
        for tid, region in targets:
            scan.see(tid, region)
        k = rng.randint(1, len(targets))
        chosen = targets[:k]
        seed = hashlib.sha256(str(case).encode()).digest()
        if scan.feasibility(k):
            try:
                assign_teams(seed, chosen, plan)
            except DrawError:
                stuck += 1  # allowed: the check is sufficient, not necessary
            continue
        feasible += 1
        teams = assign_teams(seed, chosen, plan)  # must never get stuck (spec §6.7.4)
        assert [t["target"] for t in teams] == [t for t, _ in chosen]
        assert team_findings(teams, plan, dict(chosen)) == [], (case, mode)
        # independent re-check of the headline rules
        lead = {r.id for r in recs if r.office == roles[0].office}
        conflicts = {r.id: set(r.conflicts) for r in recs}
        for t in teams:
            assert len(t["members"]) >= 2 and t["leader"] == t["members"][0] in lead
            assert all(t["target"] not in conflicts[i] for i in t["members"])
    assert feasible > 200 and stuck > 0, (feasible, stuck)  # both branches were exercised


def test_mode_rules():
    recs = [inspector("A-1", "a", "371122"), inspector("A-2", "a", "371102"),
            inspector("B-1", "b", "371122"), inspector("B-2", "b", "371102")]
    roles = [Role("a", 1), Role("b", 1)]
    targets = [("T1", "371122001"), ("T2", "371102009")]
    small = assign_teams(b"\0" * 32, targets, TeamPlan(recs, roles, "small"))
    cross = assign_teams(b"\0" * 32, targets, TeamPlan(recs, roles, "cross"))
    assert small[0]["members"] == ["A-1", "B-1"] and small[1]["members"] == ["A-2", "B-2"]
    assert cross[0]["members"] == ["A-2", "B-2"] and cross[1]["members"] == ["A-1", "B-1"]


def test_load_is_balanced_and_capped():
    recs = [inspector(f"A-{i}", "a", "3711") for i in range(4)] + [inspector(f"B-{i}", "b", "3711") for i in range(3)]
    plan = TeamPlan(recs, [Role("a", 1), Role("b", 1)], "big", load_cap=3)
    teams = assign_teams(b"\1" * 32, [(f"T{i}", "371122001") for i in range(9)], plan)
    loads = {}
    for t in teams:
        for i in t["members"]:
            loads[i] = loads.get(i, 0) + 1
    assert sorted(v for k, v in loads.items() if k.startswith("A")) == [2, 2, 2, 3]
    assert all(v == 3 for k, v in loads.items() if k.startswith("B"))


def test_group_mode_assigns_whole_groups_and_leader_by_score():
    recs = [inspector(f"A-{i}", "a", "3711", group=f"G{i // 2}") for i in range(6)]
    recs += [inspector("A-9", "a", "3711", group="solo")]  # too small for members=2: never drawn
    recs += [inspector(f"B-{i}", "b", "3711", group="H") for i in range(2)]
    plan = TeamPlan(recs, [Role("a", 2), Role("b", 1)], "group")
    assert [u.key for u in plan.pools[0]] == ["G0", "G1", "G2"]
    teams = assign_teams(b"\2" * 32, [(f"T{i}", "371122001") for i in range(6)], plan)
    for t in teams:
        groups = {r.group for r in recs if r.id in t["members"]}
        assert len(t["members"]) == 4 and "solo" not in groups and "H" in groups
    assert team_findings(teams, plan, {}) == []


def test_pool_too_small_messages():
    recs = [inspector("A-1", "a", "371122", conflicts=("T1",)), inspector("A-2", "a", "371122"),
            inspector("B-1", "b", "371102")]
    plan = TeamPlan(recs, [Role("a", 2), Role("b", 1)], "big")
    scan = TeamScan(plan)
    scan.see("T1", "371122001")
    [f] = scan.feasibility(1)
    assert f.message.startswith("pool too small: office a has 2 eligible inspectors") and "004 第十四条" in f.article
    assert scan.declared() == [{"inspector": "A-1", "target": "T1"}]
    capped = TeamPlan(recs[1:], [Role("a", 1), Role("b", 1)], "big", load_cap=2)
    scan = TeamScan(capped)
    scan.see("T1", "371122001")
    msgs = [f.message for f in scan.feasibility(3)]
    assert len(msgs) == 2 and "load_cap 2" in msgs[0]
    with pytest.raises(DrawError, match="at least 2 are required"):
        TeamPlan(recs, [Role("a", 1)], "big")
    with pytest.raises(DrawError, match="mode"):
        TeamPlan(recs, [Role("a", 2)], "random")


def test_team_findings_catch_each_violation():
    recs = [inspector("A-1", "a", "371122", conflicts=("T1",)), inspector("A-2", "a", "371102"),
            inspector("B-1", "b", "371102"), inspector("B-2", "b", "371122")]
    plan = TeamPlan(recs, [Role("a", 1), Role("b", 1)], "small", load_cap=1)
    bad = [
        {"target": "T1", "leader": "A-1", "members": ["A-1", "B-2"]},  # conflict
        {"target": "T2", "leader": "B-1", "members": ["B-1", "A-2"]},  # leader from partner
        {"target": "T3", "leader": "A-2", "members": ["A-2"]},  # team of one, load over cap
        {"target": "T4", "leader": "A-2", "members": ["A-2", "B-1"]},  # mode: 371102 unit for 371122 target
    ]
    arts = {f.article for f in team_findings(bad, plan, {"T1": "371122001", "T2": "371102001",
                                                          "T3": "371102001", "T4": "371122001"})}
    assert {"000 第九条 / 004 第十二条", "001 第十四条", "004 第十四条", "004 第十二条"} <= arts


def test_replacement_rules():
    from publisher.draw.replace import max_replacements, substitute

    recs = [inspector("A-1", "a", "3711"), inspector("A-2", "a", "3711"), inspector("A-3", "a", "3711", active=False),
            inspector("A-4", "a", "3711", conflicts=("T1",)), inspector("A-5", "a", "3711"),
            inspector("B-1", "b", "3711"), inspector("B-2", "b", "3711")]
    plan = TeamPlan(recs, [Role("a", 1), Role("b", 1)], "big", load_cap=1)
    team = ["A-1", "B-1"]
    seed = b"\x07" * 32
    teams = {"T1": team, "T2": ["A-5", "B-2"]}
    # A-3 inactive, A-4 conflicted, A-5 at its load cap: only A-2 can be drawn
    assert substitute(seed, "T1", "3711", "A-1", teams, plan) == "A-2"
    assert substitute(seed, "T1", "3711", "A-1", teams, plan, gone=["A-2"]) is None
    free = TeamPlan(recs, [Role("a", 1), Role("b", 1)], "big")
    seeds = {substitute(bytes([i]) * 32, "T1", "3711", "A-1", teams, free) for i in range(40)}
    assert seeds == {"A-2", "A-5"}  # drawn by the seed among the eligible, never
    body = {"target": "T1", "out": "A-1", "in": "A-2", "reason": "health"}
    assert replacement_findings(body, team, plan, "A-2") == []
    assert apply_replacement(team, "A-1", "A-2") == ["A-2", "B-1"]  # the substitute leads
    for change, words in [({"in": "A-4"}, "conflict of interest"), ({"in": "B-1", "out": "B-1"}, "already in the team"),
                          ({"out": "A-2"}, "not in the current team"), ({"in": "A-5"}, "the draw's seed gives A-2"),
                          ({"reason": "bored"}, "not one of")]:
        msgs = " ".join(f.message for f in replacement_findings({**body, **change}, team, plan, "A-2"))
        assert words in msgs, change
    assert "no eligible substitute" in replacement_findings(body, team, plan, None)[0].message
    assert "was not selected" in replacement_findings(body, None, plan)[0].message
    assert [max_replacements(n) for n in (1, 10, 11, 100)] == [2, 2, 3, 20]
