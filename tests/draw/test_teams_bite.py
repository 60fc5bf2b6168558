"""Team rules at their exact margins: the load cap binds, feasibility is refused one step before
the greedy matching could get stuck, and each violation has its own message (R44–R52).

Written against the mutations a review found surviving (tests/test_known_mutants.py applies them).
"""

from __future__ import annotations

import hashlib
import random

import pytest

from publisher.directory.records import Inspector
from publisher.draw.errors import ART_CONFLICT, ART_LEADER, ART_MATCH, ART_POOL, ART_TEAM_SIZE, DrawError
from publisher.draw.teams import Role, TeamPlan, TeamScan, assign_teams, team_findings

SEED = hashlib.sha256(b"teams-bite").digest()


def insp(iid, office="lead", unit_region="3711", conflicts=(), group=None, active=True):
    return Inspector(id=iid, name=iid, office=office, unit=f"{office}-{unit_region}", unit_region=unit_region,
                     expertise=(), items=(), group=group, active=active, conflicts=tuple(sorted(conflicts)))


def one_office(n, members=2, load_cap=None, mode="big", conflicts=None):
    conflicts = conflicts or {}
    recs = [insp(f"L-{i}", conflicts=conflicts.get(f"L-{i}", ())) for i in range(n)]
    return TeamPlan(recs, [Role("lead", members)], mode, load_cap)


def loads(teams):
    out: dict[str, int] = {}
    for t in teams:
        for i in t["members"]:
            out[i] = out.get(i, 0) + 1
    return out


# --- the load cap binds ---------------------------------------------------------------------------


def test_load_cap_binds_exactly_and_the_next_target_is_refused():
    """Two inspectors, two per team, cap 2: two targets fill everyone to the cap exactly; a third
    target finds nobody left (a unit at the cap leaves the candidates, it is never picked again)."""
    plan = one_office(2, members=2, load_cap=2)
    two = [("T1", "371122001"), ("T2", "371122001")]
    teams = assign_teams(SEED, two, plan)
    assert loads(teams) == {"L-0": 2, "L-1": 2}
    assert team_findings(teams, plan, dict(two)) == []
    with pytest.raises(DrawError) as exc:
        assign_teams(SEED, two + [("T3", "371122001")], plan)
    assert exc.value.article == ART_POOL
    assert exc.value.message == "pool too small: office lead has only 0 eligible unit(s) left for target T3"


def test_load_cap_binds_when_conflicts_push_every_pick_to_one_inspector():
    """A conflict leaves only L-0 for T1..T3; with cap 2, T3 must be refused rather than giving
    L-0 a third target (balancing by load cannot hide the cap here)."""
    recs = [insp("L-0"), insp("L-1", conflicts=("T1", "T2", "T3")), insp("P-0", office="p1")]
    plan = TeamPlan(recs, [Role("lead", 1), Role("p1", 1)], "big", load_cap=3)
    plan2 = TeamPlan(recs, [Role("lead", 1), Role("p1", 1)], "big", load_cap=2)
    targets = [("T1", "3711"), ("T2", "3711")]
    assert [t["members"] for t in assign_teams(SEED, targets, plan2)] == [["L-0", "P-0"], ["L-0", "P-0"]]
    with pytest.raises(DrawError) as exc:
        assign_teams(SEED, targets + [("T3", "3711")], plan2)
    assert exc.value.message == "pool too small: office lead has only 0 eligible unit(s) left for target T3"
    # one more place on the cap and T3 goes through, to the same inspector
    teams = assign_teams(SEED, targets + [("T3", "3711")], plan)
    assert loads(teams) == {"L-0": 3, "P-0": 3}


def test_team_findings_load_cap_boundary():
    plan = one_office(3, members=2, load_cap=2)
    at_cap = [{"target": "T1", "leader": "L-0", "members": ["L-0", "L-1"]},
              {"target": "T2", "leader": "L-0", "members": ["L-0", "L-2"]}]
    assert team_findings(at_cap, plan, {}) == []
    over = at_cap + [{"target": "T3", "leader": "L-0", "members": ["L-0", "L-1"]}]
    fs = team_findings(over, plan, {})
    assert [(f.message, f.article) for f in fs] == [("L-0 is assigned 3 targets, above the load cap 2", ART_MATCH)]


# --- feasibility at its margins -------------------------------------------------------------------


def scan(plan, targets):
    s = TeamScan(plan)
    for tid, region in targets:
        s.see(tid, region)
    return s


def test_feasibility_load_cap_inequality_counts_the_m_minus_one_term():
    """P = 3, m = 2, c = 0, L = 2: L·(P − c − (m − 1)) = 4. Two targets (4 places) are feasible;
    three (6 places) are refused although L·(P − c) = 6 would allow them."""
    plan = one_office(3, members=2, load_cap=2)
    s = scan(plan, [("T1", "3711")])
    assert s.feasibility(2) == []
    fs = s.feasibility(3)
    assert [(f.message, f.article) for f in fs] == [(
        "pool too small: office lead must fill 6 places with 3 inspectors (up to 0 excluded per target) "
        "at load_cap 2; needs load_cap × (P − c − (m − 1)) = 4 ≥ 6", ART_POOL)]


def test_feasibility_margin_is_sufficient_for_the_greedy_matching():
    """Whenever feasibility passes, the matching never gets stuck and never breaks a rule
    (the property the inequality exists for), over random small pools at the margin."""
    rng = random.Random(17)
    checked = 0
    for case in range(400):
        n, m = rng.randint(2, 6), rng.randint(1, 3)
        if m > n:
            continue
        cap = rng.randint(1, 4)
        conflicts = {f"L-{i}": {f"T{j}" for j in range(12) if rng.random() < 0.15} for i in range(n)}
        plan = TeamPlan([insp(f"L-{i}", conflicts=conflicts[f"L-{i}"]) for i in range(n)] + [insp("P-0", "p1")],
                        [Role("lead", m), Role("p1", 1)], "big", cap)
        targets = [(f"T{j}", "3711") for j in range(rng.randint(1, 12))]
        s = scan(plan, targets)
        if s.feasibility(len(targets)):
            continue
        teams = assign_teams(hashlib.sha256(str(case).encode()).digest(), targets, plan)
        assert team_findings(teams, plan, dict(targets)) == []
        assert max(loads(teams).values()) <= cap
        checked += 1
    assert checked >= 50


def test_feasibility_pool_minus_exclusions_boundary():
    """P − c = m is enough; one more exclusion (P − c = m − 1) is refused with the pool message."""
    plan = one_office(3, members=2, conflicts={"L-0": ("T1",)})
    s = scan(plan, [("T1", "3711"), ("T2", "3711")])
    assert s.worst == [1] and s.feasibility(2) == []
    plan = one_office(3, members=2, conflicts={"L-0": ("T1",), "L-1": ("T1",)})
    fs = scan(plan, [("T1", "3711")]).feasibility(1)
    assert [(f.message, f.article) for f in fs] == [(
        "pool too small: office lead has 3 eligible inspectors for mode 'big', up to 2 of them are excluded "
        "for one target (conflict of interest or mode), but 2 are needed per target", ART_POOL)]


def test_feasibility_without_targets_is_empty_and_without_cap_ignores_loads():
    plan = one_office(2, members=2)
    s = scan(plan, [("T1", "3711")])
    assert s.feasibility(0) == [] and s.feasibility(10_000) == []


# --- each team rule on its own --------------------------------------------------------------------


def test_each_team_rule_has_its_own_message():
    plan = TeamPlan([insp("L-0"), insp("L-1", conflicts=("T1",)), insp("P-0", "p1"), insp("P-1", "p1")],
                    [Role("lead", 1), Role("p1", 1)], "big")
    good = {"target": "T2", "leader": "L-0", "members": ["L-0", "P-0"]}
    assert team_findings([good], plan, {}) == []
    cases = [
        ({"target": "T1", "leader": "L-1", "members": ["L-1", "P-0"]},
         [("team of target T1: inspector L-1 declared a conflict of interest with this target", ART_CONFLICT)]),
        ({"target": "T2", "leader": "P-0", "members": ["P-0", "L-0"]},
         [("team of target T2: the leader P-0 must be the first member and come from the lead office lead",
           ART_LEADER)]),
        ({"target": "T2", "leader": "L-0", "members": ["L-0", "L-1", "P-0"]},
         [("team of target T2: office lead must supply 1 inspector(s)", ART_MATCH)]),
        ({"target": "T2", "leader": "L-0", "members": ["L-0", "X-9"]},
         [("team of target T2: X-9 is not an active inspector in the pool of a participating office", ART_MATCH),
          ("team of target T2: office p1 must supply 1 inspector(s)", ART_MATCH)]),
    ]
    for team, want in cases:
        assert [(f.message, f.article) for f in team_findings([team], plan, {})] == want, team
    small = TeamPlan([insp("L-0"), insp("L-1")], [Role("lead", 2)], "big")
    fs = team_findings([{"target": "T", "leader": "L-0", "members": ["L-0"]}], small, {})
    assert ("team of target T has 1 inspector(s), at least 2 required", ART_TEAM_SIZE) in \
        [(f.message, f.article) for f in fs]
    fs = team_findings([{"target": "T", "leader": "L-0", "members": ["L-0", "L-0"]}], small, {})
    assert ("team of target T lists an inspector twice", ART_MATCH) in [(f.message, f.article) for f in fs]
