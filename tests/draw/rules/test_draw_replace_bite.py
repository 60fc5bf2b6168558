"""``draw.replace`` on a real ledger: what an accepted replacement records, a target that was not
drawn, an embargoed draw before its list is public, and the drawn substitute after an earlier
replacement in the same team."""

from __future__ import annotations

import pytest
from test_draw_embargo import setup
from test_draw_rule import Scenario, locked
from test_draw_rule_bite import _replace_body

from publisher.draw.errors import ART_REPLACE


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def found(report):
    return [(p.message, p.article) for p in report.problems if p.rule == "draw.replace"]


def test_an_accepted_replacement_is_recorded_whole(sc):
    c, lock = locked(sc)
    body = _replace_body(sc, c, lock)
    e = sc.append("team.replace", body)
    r = sc.verify()
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert r.ok and cur.replacements == 1
    assert cur.replaced == [{"entry": e.id, "target": body["target"], "out": body["out"], "in": body["in"],
                             "reason": "health", "approver": {"name": "王某", "title": "分管副局长"},
                             "date": "2026-01-01"}]
    assert r.rule("draw").book.private[c.id].replacements == [(body["target"], body["out"], body["in"])]


def test_a_target_that_was_not_drawn(sc):
    c, lock = locked(sc)
    body = _replace_body(sc, c, lock)
    drawn = {row["id"] for row in lock.body["selected"]}
    outsider = next(t.id for t in sc.targets if t.id not in drawn)
    sc.append("team.replace", {**body, "target": outsider})
    assert found(sc.verify()) == [(f"检查人员更换不符合规则 / target {outsider} was not selected in this draw", ART_REPLACE)]


def test_second_replacement_in_one_team_draws_past_the_first(sc):
    c, lock = locked(sc)
    first = _replace_body(sc, c, lock)
    sc.append("team.replace", first)
    team = lock.body["teams"][0]
    other = team["members"][1]
    applied = [(first["target"], first["out"], first["in"])]
    second = _replace_body(sc, c, lock, 0, applied, out=other, date="2026-01-01")
    sc.append("team.replace", second)
    r = sc.verify()
    assert r.ok and found(r) == []
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 2


def test_embargoed_draw_before_its_list_is_public(tmp_path):
    sc, c, lock = setup(tmp_path)
    team = sc.reveal_body(c)["teams"][0]
    sc.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": team["target"],
                               "out": team["members"][0], "in": "SCJGJ-009", "reason": "recusal",
                               "approver": {"name": "李某", "title": "分管副局长"}, "date": "2026-01-01"})
    assert found(sc.verify()) == [("只有已锁定并公布的抽取才能更换检查人员 / an inspector can only be replaced in a locked "
                                   "and published draw (after the reveal, for an embargoed one)", ART_REPLACE)]


def test_replacement_in_a_revealed_draw_after_another_draw_uses_its_secrets(tmp_path):
    """The teams in force are rebuilt from the revealed secrets when another draw was computed in
    between (the embargoed seed includes them: without them the teams would be another draw's)."""
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    sc, c, _ = setup(tmp_path)
    sc.f.clock = 1767225600 + 10 * 86400
    rev = sc.append("draw.reveal", sc.reveal_body(c)).body
    locked(sc, "T-2026-002")  # the last draw computed is now another one
    team = rev["teams"][0]
    teams = {t["target"]: t["members"] for t in rev["teams"]}
    region = next(t.region for t in sc.targets if t.id == team["target"])
    new = substitute(bytes.fromhex(rev["seed"]), team["target"], region, team["members"][0], teams,
                     team_plan(c.body, sc.inspectors))
    sc.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": team["target"],
                               "out": team["members"][0], "in": new, "reason": "recusal",
                               "approver": {"name": "李某", "title": "分管副局长"}, "date": sc.f.tick()[:10]})
    r = sc.verify()
    assert found(r) == [] and r.ok
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 1


def test_the_replacement_after_the_bound_is_refused_with_the_count_and_article(sc):
    """001 第十三条's bound, max(2, ⌈teams/5⌉) replacements per draw: one replacement past it is
    refused — the message gives the count, the team count and the bound, under the replacement
    article — and not counted."""
    c, lock = locked(sc)
    teams = len(lock.body["teams"])
    limit = max(2, -(-teams // 5))
    assert teams > limit
    applied = []
    for k in range(limit):
        body = _replace_body(sc, c, lock, k, applied)
        sc.append("team.replace", body)
        applied.append((body["target"], body["out"], body["in"]))
    sc.append("team.replace", _replace_body(sc, c, lock, limit, applied))
    r = sc.verify()
    assert found(r) == [(f"该抽取的检查人员更换次数已达上限 / this draw already has {limit} replacements, the most allowed "
                         f"for {teams} teams (max(2, ⌈teams/5⌉) = {limit})", ART_REPLACE)]
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == limit


def test_in_a_cross_region_draw_the_substitute_is_drawn_outside_the_targets_region(sc):
    """mode "cross": an inspector never checks a company of the region of the inspector's unit, so the
    substitute is drawn with the target's region; drawn without it, another inspector comes out."""
    from test_draw_rule_bite import _drawn

    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    c, lock = locked(sc, teams={"inspectors": sc.iblob, "mode": "cross", "load_cap": 12})
    team = lock.body["teams"][0]
    honest = _drawn(sc, c, lock, team["target"], team["members"][0])
    teams = {t["target"]: list(t["members"]) for t in lock.body["teams"]}
    regionless = substitute(bytes.fromhex(lock.body["seed"]), team["target"], "", team["members"][0], teams,
                            team_plan(c.body, sc.inspectors), [])
    assert honest != regionless  # the region decides here
    sc.append("team.replace", _replace_body(sc, c, lock))
    r = sc.verify()
    assert r.ok and found(r) == [], found(r)
    assert r.rule("draw").book.private[c.id].replacements == [(team["target"], team["members"][0], honest)]


def test_replacing_someone_who_is_no_inspector_is_refused_not_crashed(sc):
    c, lock = locked(sc)
    body = _replace_body(sc, c, lock)
    sc.append("team.replace", {**body, "out": "NOBODY-001"})
    got = found(sc.verify())
    team = ", ".join(lock.body["teams"][0]["members"])
    assert (f"检查人员更换不符合规则 / NOBODY-001 is not in the current team of {body['target']} ({team})",
            ART_REPLACE) in got, got


def test_a_revealed_embargoed_draws_teams_are_recomputed_with_its_secrets(tmp_path):
    """After another draw was locked (the rule's team cache holds that one), a replacement in the
    revealed embargoed draw recomputes its teams from the beacon *and the revealed secrets*."""
    sc, c, _ = setup(tmp_path)
    sc.f.clock = 1767225600 + 10 * 86400
    reveal = sc.append("draw.reveal", sc.reveal_body(c))
    locked(sc, "T-2026-002")
    body = _replace_body(sc, c, reveal, date=reveal.time[:10])
    sc.append("team.replace", body)
    r = sc.verify()
    assert r.ok and found(r) == [], found(r)
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 1
