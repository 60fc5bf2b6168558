"""Replacement rules (001 第十三条, R50): each finding with its message AND its article."""

from __future__ import annotations

from publisher.directory.records import Inspector
from publisher.draw.errors import ART_CONFLICT, ART_REPLACE
from publisher.draw.replace import REPLACE_REASONS, apply_replacement, replacement_findings, substitute
from publisher.draw.teams import Role, TeamPlan


def insp(iid, office, conflicts=(), active=True):
    return Inspector(id=iid, name=iid, office=office, unit=office, unit_region="3711", expertise=(), items=(),
                     group=None, active=active, conflicts=tuple(conflicts))


PLAN = TeamPlan([insp("L-0", "lead"), insp("L-1", "lead"), insp("L-2", "lead", conflicts=("T1",)),
                 insp("L-3", "lead", active=False), insp("P-0", "p1"), insp("P-1", "p1")],
                [Role("lead", 1), Role("p1", 1)], "big")
TEAM = ["L-0", "P-0"]


SEED = b"\x01" * 32


def drawn(out="L-0", target="T1", team=TEAM):
    """The substitute the seed gives (draw v2: drawn, never chosen)."""
    return substitute(SEED, target, "3711", out, {target: team}, PLAN)


def found(out, new, reason="health", team=TEAM, target="T1", given=None):
    body = {"target": target, "out": out, "in": new, "reason": reason}
    d = given if given is not None else drawn(out, target, team)
    return [(f.message, f.article) for f in replacement_findings(body, team, PLAN, d)]


def chosen(new, d="L-1"):
    return (f"substitute {new} was chosen, but the draw's seed gives {d} (the next eligible inspector in ticket "
            "order); a substitute is drawn, never chosen", ART_REPLACE)


def test_a_valid_replacement_has_no_findings_for_every_reason():
    assert drawn() == "L-1"  # L-2 conflicts with T1, L-3 is inactive, P-* are another office
    for reason in REPLACE_REASONS:
        assert found("L-0", "L-1", reason) == []
    assert REPLACE_REASONS == ("post_change", "work_conflict", "health", "recusal")
    assert apply_replacement(TEAM, "L-0", "L-1") == ["L-1", "P-0"]


def test_each_replacement_finding():
    assert replacement_findings({"target": "T9", "out": "L-0", "in": "L-1", "reason": "health"}, None, PLAN)[0] \
        .article == ART_REPLACE
    assert [(f.message, f.article) for f in replacement_findings(
        {"target": "T9", "out": "L-0", "in": "L-1", "reason": "health"}, None, PLAN)] == [
        ("target T9 was not selected in this draw", ART_REPLACE)]
    assert found("L-0", "L-1", "bored") == [
        ("reason 'bored' is not one of post_change, work_conflict, health, recusal", ART_REPLACE)]
    assert found("L-1", "L-2") == [("L-1 is not in the current team of T1 (L-0, P-0)", ART_REPLACE)]
    # an unknown, inactive or other-office substitute is never the drawn one
    assert found("L-0", "X-9") == [chosen("X-9")]
    assert found("L-0", "L-3") == [chosen("L-3")]
    assert found("L-0", "P-1") == [chosen("P-1")]
    assert found("L-0", "P-0") == [("substitute P-0 is already in the team of T1", ART_REPLACE), chosen("P-0")]
    assert found("L-0", "L-2") == [("substitute L-2 declared a conflict of interest with T1", ART_CONFLICT),
                                   chosen("L-2")]
    d2 = drawn(target="T2")
    assert d2 in ("L-1", "L-2") and found("L-0", d2, target="T2") == []  # L-2 conflicts with T1 only
    body = {"target": "T1", "out": "L-0", "in": "L-1", "reason": "health"}
    assert [(f.message, f.article) for f in replacement_findings(body, TEAM, PLAN, None)] == [
        ("no eligible substitute for L-0 in the team of T1 (same office, active, allowed by the mode, no conflict, "
         "under the load cap)", ART_REPLACE)]
