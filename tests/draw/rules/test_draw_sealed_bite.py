"""Sealed draws after the lock: what the book records — the lock valid or not, the number drawn,
and the yearly cap (counted once results are published, never for a void draw)."""

from __future__ import annotations

import pytest
from test_draw_rule import messages
from test_draw_sealed import Sealed, draw


@pytest.fixture
def s(tmp_path):
    return Sealed(tmp_path)


def test_honest_sealed_lock_is_valid_sized_and_counts_once_results_are_published(s):
    c, lock = draw(s)
    r = s.verify()
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert r.ok and (cur.lock_valid, cur.selected) == (True, len(lock.body["selected"]))
    assert all(r.rule("draw").cap.count(2026, row["id"]) == 0 for row in lock.body["selected"])
    s.results(lock)
    r = s.verify()
    assert r.ok, messages(r)
    assert all(r.rule("draw").cap.draws(2026, row["id"]) == [c.id] for row in lock.body["selected"])


def test_forged_sealed_lock_is_not_valid(s):
    def forge(lock):
        lock["seed"] = "00" * 32
    draw(s, forge_lock=forge)
    r = s.verify()
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert not r.ok and (cur.lock_valid, cur.selected) == (False, None)


def test_void_sealed_draw_does_not_count(s):
    """No checkpoint before the round: the sealed draw is void and its inspections never count."""
    from test_draw_sealed import _salted_build

    sc, t = _salted_build(s)
    c = s.publish(sc, t)
    lock = s.slock(c)
    s.results(lock)
    r = s.verify()
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert r.ok and cur.status == "void" and cur.lock_valid
    assert all(r.rule("draw").cap.count(2026, row["id"]) == 0 for row in lock.body["selected"])


def test_a_lowered_threshold_passes_publicly_and_is_caught_with_the_openings(s):
    """The low stratum's threshold moved to the next smaller selected ticket: every public check
    still holds; only the lock's re-check with the openings sees the thresholds are not the k-th
    smallest of their strata."""
    from publisher.draw.errors import ART_LOCK
    from publisher.draw.tickets import ticket

    true = []

    def forge(lock):
        seed = bytes.fromhex(lock["seed"])
        tickets = sorted(ticket(seed, r["id"]) for r in lock["selected"])
        true.extend(x["threshold"] for x in lock["strata"])
        lock["strata"][0]["threshold"] = tickets[tickets.index(bytes.fromhex(true[0])) - 1].hex()
    draw(s, forge_lock=forge)
    assert s.verify().ok
    r = s.verify(openings=s.openings)
    assert [(p.rule, p.message, p.article) for p in r.problems if p.rule.startswith("draw")] == [
        ("draw.sealed", "密封风险等级的抽取核对不符 / with the openings, the thresholds differ from the lock's: recomputed "
         f"{[t[:16] for t in true]}", ART_LOCK)]
    assert r.rule("draw").tasks["T-2026-001"].current.lock_valid is False


def test_openings_for_another_draw_audit_this_one_as_unopened(s):
    """An auditor's openings file that holds nothing for this draw's root is an audit with no
    openings (every company named), never a silent public-only check."""
    c, _ = draw(s)
    r = s.verify(openings={"ff" * 32: {}})
    assert r.rule("draw").sealed.audited == [c.id] and r.rule("draw").sealed.unchecked == {}
    sealed = [p.message for p in r.problems if p.rule == "draw.sealed"]
    first = s.eligible_of(c)[0].id
    assert len(sealed) == len(s.eligible_of(c)) and sealed[0] == (
        f"密封风险等级的抽取核对不符 / no opening for {first} (leaf 0); the auditor cannot check its stratum")


def test_an_inspector_of_a_sealed_draw_is_replaced_by_the_drawn_one(s):
    """The sealed lock's result keeps the seed and the targets' regions: a replacement draws its
    substitute from them, as in a public draw."""
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    c, lock = draw(s)
    team = lock.body["teams"][0]
    teams = {t["target"]: t["members"] for t in lock.body["teams"]}
    region = next(t.region for t in s.full if t.id == team["target"])
    new = substitute(bytes.fromhex(lock.body["seed"]), team["target"], region, team["members"][0], teams,
                     team_plan(c.body, s.inspectors))
    assert new
    s.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": team["target"],
                              "out": team["members"][0], "in": new, "reason": "recusal",
                              "approver": {"name": "李某", "title": "分管副局长"}, "date": s.f.tick()[:10]})
    r = s.verify()
    assert r.ok and [p for p in r.problems if p.rule.startswith("draw")] == []
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 1
