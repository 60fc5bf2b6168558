"""The inspector side of a commitment (004 第十四条, 001 第十四条): each refusal of a team plan
with its text and article, the pools per mode (inactive inspectors and other offices left out,
groups of at least the role's size), picks per role, the mode's region rule both ways, and the
conflicts a pool declares."""

from __future__ import annotations

import pytest

from publisher.directory.records import Inspector
from publisher.draw.errors import ART_MATCH, ART_TEAM_SIZE, DrawError
from publisher.draw.teams import MIN_TEAM, MODES, Role, TeamPlan, TeamScan


def insp(iid, office="a", region="3711", group=None, active=True, conflicts=()):
    return Inspector(id=iid, name=iid, office=office, unit=iid, unit_region=region, expertise=(), items=(),
                     group=group, active=active, conflicts=tuple(conflicts))


RECORDS = [insp("A-2", group="g2"), insp("A-1", group="g1", conflicts=("T9",)), insp("A-3", group="g1"),
           insp("A-4", active=False, conflicts=("T8",)), insp("B-1", "b", "3712", conflicts=("T9",)),
           insp("B-2", "b", "371102", group="g3"), insp("C-1", "c")]


@pytest.mark.parametrize("args, message, article", [
    (([Role("a", 1), Role("b", 1)], "wide"), "team mode 'wide' must be one of big, small, group, cross", ART_MATCH),
    (([], "big"), "participating offices must be listed once each, lead first", ART_MATCH),
    (([Role("a", 1), Role("a", 1)], "big"), "participating offices must be listed once each, lead first", ART_MATCH),
    (([Role("a", 2), Role("b", 0)], "big"), "every participating office supplies at least one inspector (R52)",
     ART_MATCH),
    (([Role("a", 1)], "big"), "a team would have 1 inspector(s); at least 2 are required", ART_TEAM_SIZE),
])
def test_each_plan_refusal(args, message, article):
    with pytest.raises(DrawError) as e:
        TeamPlan(RECORDS, *args)
    assert (e.value.message, e.value.article) == (message, article)


def test_load_cap_of_one_is_the_smallest():
    assert TeamPlan(RECORDS, [Role("a", 2)], "big", 1).load_cap == 1
    with pytest.raises(DrawError) as e:
        TeamPlan(RECORDS, [Role("a", 2)], "big", 0)
    assert (e.value.message, e.value.article) == ("load_cap must be at least 1", ART_MATCH)


def test_duplicate_inspector_of_a_participating_office_is_refused():
    with pytest.raises(DrawError) as e:
        TeamPlan(RECORDS + [insp("B-1", "b")], [Role("a", 1), Role("b", 1)], "big")
    assert e.value.message == "inspector id 'B-1' appears twice in the inspector snapshot"
    TeamPlan(RECORDS + [insp("C-1", "c")], [Role("a", 1), Role("b", 1)], "big")  # office c takes no part


def test_pools_per_mode():
    assert (MIN_TEAM, MODES) == (2, ("big", "small", "group", "cross"))
    big = TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "big")
    assert [[u.key for u in p] for p in big.pools] == [["A-1", "A-2", "A-3"], ["B-1", "B-2"]]
    assert sorted(big.records) == ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"]  # inactive kept for replacements
    assert big.pools[0][0].conflicts == frozenset({"T9"}) and big.pools[0][0].unit_region == "3711"
    assert (big.picks(0), big.picks(1)) == (1, 1)
    grp = TeamPlan(RECORDS, [Role("a", 2), Role("b", 1)], "group")
    assert [[(u.key, u.inspectors, u.unit_region) for u in p] for p in grp.pools] == [
        [("g1", ("A-1", "A-3"), "")], [("g3", ("B-2",), "")]]
    assert grp.pools[0][0].conflicts == frozenset({"T9"}) and (grp.picks(0), grp.picks(1)) == (1, 1)
    assert [u.key for u in TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "group").pools[0]] == ["g1", "g2"]
    three = TeamPlan(RECORDS, [Role("a", 3), Role("b", 2)], "big")
    assert (three.picks(0), three.picks(1)) == (3, 2)


def test_mode_region_rule_both_ways():
    small = TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "small")
    cross = TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "cross")
    big = TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "big")
    b1 = small.pools[1][0]  # unit region 3712
    assert small.allowed(b1, "371202") and not small.allowed(b1, "371102")
    assert cross.allowed(b1, "371102") and not cross.allowed(b1, "371202")
    assert big.allowed(b1, "371102") and big.allowed(b1, "371202")


def test_conflicts_of_active_inspectors_only():
    plan = TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "big")
    assert plan.conflict_pairs() == {"T9": ["A-1", "B-1"]}  # A-4 (inactive) declared T8
    scan = TeamScan(plan)
    scan.see("T1", "3711")
    scan.see("T9", "3711")
    assert scan.declared() == [{"inspector": "A-1", "target": "T9"}, {"inspector": "B-1", "target": "T9"}]
    assert scan.worst == [1, 1]
    cross = TeamScan(TeamPlan(RECORDS, [Role("a", 1), Role("b", 1)], "cross"))
    cross.see("T1", "371102")
    assert cross.worst == [3, 1]  # every a-inspector sits in 3711; B-2 sits in 371102
