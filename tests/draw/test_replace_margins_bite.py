"""The drawn substitute (001 第十三条, §6.7.3) condition by condition, and the bound on
replacements per draw at its margins: each filter of ``substitute`` is met by exactly one
inspector who would otherwise be drawn."""

from __future__ import annotations

import pytest

from publisher.core.canonical import tagged_hash
from publisher.directory.records import Inspector
from publisher.draw.replace import max_replacements, substitute
from publisher.draw.teams import TEAM_TAG, Role, TeamPlan

SEED = b"\x02" * 32


def insp(iid, office="lead", region="371102", conflicts=(), active=True):
    return Inspector(id=iid, name=iid, office=office, unit=iid, unit_region=region, expertise=(), items=(),
                     group=None, active=active, conflicts=tuple(conflicts))


def score(target, iid):
    return tagged_hash(TEAM_TAG, SEED, target.encode(), b"\x00", iid.encode())


def by_score(target, ids):
    return sorted(ids, key=lambda i: (score(target, i), i))


@pytest.mark.parametrize("teams, want", [
    (0, 2), (1, 2), (5, 2), (10, 2), (11, 3), (15, 3), (16, 4), (25, 5), (26, 6)])
def test_at_most_two_or_a_fifth_of_the_teams_rounded_up(teams, want):
    assert max_replacements(teams) == want


def plan(records, mode="big", load_cap=None):
    return TeamPlan(records, [Role("lead", 1), Role("p", 1)], mode, load_cap)


CANDIDATES = ["L-1", "L-2", "L-3", "L-4"]


def test_the_candidate_with_the_smallest_score_is_drawn_and_each_filter_skips_it():
    records = [insp("L-0")] + [insp(i) for i in CANDIDATES] + [insp("P-0", "p"), insp("P-1", "p")]
    team = {"T": ["L-0", "P-0"]}
    first, second = by_score("T", CANDIDATES)[:2]
    assert substitute(SEED, "T", "371102", "L-0", team, plan(records)) == first
    # each condition, applied to the one who would be drawn, passes the turn to the next
    assert substitute(SEED, "T", "371102", "L-0", team, plan(records), gone=[first]) == second
    assert substitute(SEED, "T", "371102", "L-0", {"T": ["L-0", "P-0", first]}, plan(records)) == second
    flip = [insp(first, conflicts=("T",)) if r.id == first else r for r in records]
    assert substitute(SEED, "T", "371102", "L-0", team, plan(flip)) == second
    assert substitute(SEED, "U", "371102", "L-0", {"U": ["L-0", "P-0"]}, plan(flip)) == by_score("U", CANDIDATES)[0]
    idle = [insp(first, active=False) if r.id == first else r for r in records]
    assert substitute(SEED, "T", "371102", "L-0", team, plan(idle)) == second
    other = [insp(first, office="p") if r.id == first else r for r in records]
    assert substitute(SEED, "T", "371102", "L-0", team, plan(other)) == second
    # the other office's substitute comes from the other office
    assert substitute(SEED, "T", "371102", "P-0", team, plan(records)) == "P-1"


def test_the_replaced_inspector_is_never_drawn_back():
    records = [insp("L-0"), insp("L-1"), insp("P-0", "p")]
    assert substitute(SEED, "T", "371102", "L-0", {"T": ["L-0", "P-0"]}, plan(records)) == "L-1"
    assert substitute(SEED, "T", "371102", "L-1", {"T": ["L-1", "P-0"]}, plan(records)) == "L-0"
    assert substitute(SEED, "T", "371102", "L-0", {"T": ["L-1", "P-0"]}, plan(records)) is None  # only out left


def test_an_unknown_inspector_or_nobody_eligible_gives_none():
    records = [insp("L-0"), insp("L-1"), insp("P-0", "p")]
    assert substitute(SEED, "T", "371102", "X-9", {"T": ["X-9", "P-0"]}, plan(records)) is None
    assert substitute(SEED, "T", "371102", "L-0", {"T": ["L-0", "P-0"]}, plan(records), gone=["L-1"]) is None


def test_load_cap_counts_every_team_of_the_draw():
    records = [insp(i) for i in ["L-0"] + CANDIDATES] + [insp("P-0", "p")]
    first, second = by_score("T", CANDIDATES)[:2]
    teams = {"T": ["L-0", "P-0"], "A": [first, "P-0"], "B": [first, "P-0"]}
    assert substitute(SEED, "T", "371102", "L-0", teams, plan(records, load_cap=3)) == first  # 2 < 3
    assert substitute(SEED, "T", "371102", "L-0", teams, plan(records, load_cap=2)) == second  # 2 = cap: full
    assert substitute(SEED, "T", "371102", "L-0", teams, plan(records)) == first  # no cap


def test_small_mode_draws_from_the_targets_region_cross_mode_from_elsewhere():
    records = [insp("L-0"), insp("L-1", region="3711"), insp("L-2", region="3712"), insp("P-0", "p")]
    team = {"T": ["L-0", "P-0"]}
    assert substitute(SEED, "T", "371102", "L-0", team, plan(records, "small")) == "L-1"  # 3711 is a prefix
    assert substitute(SEED, "T", "371102", "L-0", team, plan(records, "cross")) == "L-2"
    assert substitute(SEED, "T", "371202", "L-0", team, plan(records, "small")) == "L-2"
    assert substitute(SEED, "T", "371202", "L-0", team, plan(records, "cross")) == "L-1"
    assert substitute(SEED, "T", "3713", "L-0", team, plan(records, "small")) is None
    assert substitute(SEED, "T", "371102", "L-0", team, plan(records, "big")) == by_score("T", ["L-1", "L-2"])[0]


def test_a_target_without_a_team_in_the_map_still_draws():
    """``teams`` may lack the target (a caller passing the draw's other teams): nobody is in its team."""
    records = [insp("L-0")] + [insp(i) for i in CANDIDATES] + [insp("P-0", "p")]
    assert substitute(SEED, "T", "371102", "L-0", {}, plan(records)) == by_score("T", CANDIDATES)[0]
