"""Draw-rule guards at the behaviour level: a ledger goes in, the draw rule's exact problems come
out (R37–R43). Kept to "ledger in → rule id and message out" so they outlive a rewrite of the
rule's internals.

Beacon-round shopping: a lock built from a later, genuine round of the pinned chain is a
different selection; only the round-equals-commitment check refuses it.
Publication before the round: a checkpoint signed exactly when the round is due does not prove
the commitment was public before the randomness was known; under draw v2 that draw is VOID (one
'draw void: …' warning naming why, the rest of the ledger unaffected), never a ledger error.
Replacements: the substitute is drawn from the seed (draw v2), so each test uses the drawn one.
"""

from __future__ import annotations

import copy

import pytest
from test_draw_rule import Scenario  # the draw-rule scenario: real ledger, simulated drand chain

from ledgertools import english
from publisher.draw.errors import ART_FAIR, ART_LOCK
from publisher.draw.lock import build_lock_body


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def draw_problems(report):
    """The draw rule's errors (its checks report as draw.commit, draw.lock, draw.replace, …)."""
    return [(english(p.message), p.article) for p in report.problems
            if (p.rule == "draw" or p.rule.startswith("draw.")) and p.severity == "error"]


def draw_warnings(report):
    return [(p.rule, english(p.message), p.article) for p in report.problems
            if p.rule.startswith("draw.") and p.severity == "warning"]


def test_lock_from_a_later_genuine_round_is_refused(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    r0 = c.body["beacon"]["round"]
    later = r0 + 5
    shopped = copy.deepcopy(c.body)
    shopped["beacon"]["round"] = later
    body = build_lock_body(c.id, shopped, sc.sim.beacon(later), sc.secrets_of(c), sc.targets, sc.inspectors)
    honest = sc.lock_body(c)
    assert body["selected"] != honest["selected"]  # a different round really is a different draw
    sc.f.clock = max(sc.f.clock, sc.sim.chain.round_time(later) + 60)
    sc.append("draw.lock", body)
    r = sc.verify()
    assert draw_problems(r) == [(f"beacon round {later} is not the committed round {r0}", ART_LOCK)]
    assert r.rule("draw").tasks["T-2026-001"].current.lock_valid is False


def test_honest_lock_at_the_committed_round_verifies(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    sc.lock(c)
    r = sc.verify()
    assert draw_problems(r) == [] and r.ok


def _commit_and_checkpoint_at(sc, offset):
    c = sc.commit(sc.spec())
    rt = sc.sim.chain.round_time(c.body["beacon"]["round"])
    sc.f.checkpoint(time=rt + offset)
    sc.lock(c)
    return c, rt, sc.verify()


def test_checkpoint_signed_when_the_round_is_due_proves_nothing(sc):
    """Draw v2: a commitment not provably public before its round makes THAT draw void (a warning
    naming why, on the commitment), never a ledger error."""
    c, rt, r = _commit_and_checkpoint_at(sc, 0)
    rnd = c.body["beacon"]["round"]
    assert draw_problems(r) == [] and r.ok
    assert draw_warnings(r) == [
        ("draw.commit", f"draw void: the first checkpoint covering the commitment was signed at {rt}, not before "
         f"beacon round {rnd} (due {rt}); the draw of this commitment cannot count", ART_FAIR)]
    assert r.rule("draw").tasks["T-2026-001"].status == "void"


def test_checkpoint_one_second_before_the_round_is_enough(sc):
    _, _, r = _commit_and_checkpoint_at(sc, -1)
    assert draw_problems(r) == [] and r.ok


def test_no_checkpoint_at_all_proves_nothing(sc):
    c = sc.commit(sc.spec())
    sc.lock(c)
    rnd = c.body["beacon"]["round"]
    rt = sc.sim.chain.round_time(rnd)
    r = sc.verify()
    assert draw_problems(r) == [] and r.ok
    assert draw_warnings(r) == [
        ("draw.lock", f"draw void: no checkpoint proves the commitment was public before beacon round {rnd} "
         f"(due {rt}); this draw is shown as void and does not count (the rest of the ledger is unaffected)",
         ART_FAIR)]
    assert r.rule("draw").tasks["T-2026-001"].status == "void"


def test_lock_before_the_round_is_due(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    rnd = c.body["beacon"]["round"]
    rt = sc.sim.chain.round_time(rnd)
    body = sc.lock_body(c)
    early = sc.append("draw.lock", body)  # clock is still before the round
    assert sc.f.clock < rt
    assert draw_problems(sc.verify()) == [
        (f"locked at {early.time}, before beacon round {rnd} was due ({rt})", ART_FAIR)]


# --- replacement and reveal gates (001 第十三条) ---------------------------------------------------

from test_draw_rule import locked  # noqa: E402

from publisher.draw.errors import ART_REPLACE, ART_UNANNOUNCED  # noqa: E402


def _drawn(sc, c, lock, target, out, applied=()):
    """The substitute the draw's seed gives for ``out`` (draw v2: a substitute is drawn, never
    chosen), after the replacements ``applied`` ((target, out, in) in order)."""
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import apply_replacement, substitute

    teams = {t["target"]: list(t["members"]) for t in lock.body["teams"]}
    for tg, o, n in applied:
        teams[tg] = apply_replacement(teams[tg], o, n)
    gone = [o for tg, o, _ in applied if tg == target]
    region = next(t.region for t in sc.targets if t.id == target)
    return substitute(bytes.fromhex(lock.body["seed"]), target, region, out, teams,
                      team_plan(c.body, sc.inspectors), gone)


def _replace_body(sc, c, lock, k=0, applied=(), **over):
    team = lock.body["teams"][k]
    members = team["members"]
    out = over.get("out", members[0])
    spare = _drawn(sc, c, lock, team["target"], out, applied)
    assert spare and spare not in members
    body = {"task": c.body["task"], "commit": c.id, "target": team["target"], "out": out, "in": spare,
            "reason": "health", "approver": {"name": "王某", "title": "分管副局长"}, "date": "2026-01-01"}
    body.update(over)
    return body


def test_replacement_by_a_third_office_is_refused(tmp_path):
    sc = Scenario(tmp_path)
    sc.f.add_office("jtj", "交通局")
    c, lock = locked(sc)
    body = _replace_body(sc, c, lock)
    sc.append("team.replace", body, office="jtj")
    assert draw_problems(sc.verify()) == [
        ("office jtj is neither the lead office nor the replaced inspector's office", ART_REPLACE)]


def test_the_replaced_inspectors_own_office_may_replace(sc):
    c, lock = locked(sc)
    team = lock.body["teams"][0]
    out = next(m for m in team["members"] if m.startswith("WJJ"))
    body = _replace_body(sc, c, lock, out=out)
    assert body["in"].startswith("WJJ")  # drawn from the replaced inspector's office
    sc.append("team.replace", body, office="wjj")
    r = sc.verify()
    assert r.ok and draw_problems(r) == []
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 1


def test_approval_date_window(sc):
    c, lock = locked(sc)
    day = sc.f.tick()[:10]
    lock_day = lock.time[:10]
    sc.append("team.replace", _replace_body(sc, c, lock, 0, date=lock_day))  # the lock's own day: allowed
    assert sc.verify().ok
    done = [(lock.body["teams"][0]["target"], lock.body["teams"][0]["members"][0],
             _drawn(sc, c, lock, lock.body["teams"][0]["target"], lock.body["teams"][0]["members"][0]))]
    sc.append("team.replace", _replace_body(sc, c, lock, 1, done, date="2025-12-31"))
    sc.append("team.replace", _replace_body(sc, c, lock, 2, done, date="2026-12-31"))
    assert draw_problems(sc.verify()) == [
        (f"approval date 2025-12-31 is not between the lock ({lock_day}) and this entry (Beijing dates)",
         ART_REPLACE),
        (f"approval date 2026-12-31 is not between the lock ({lock_day}) and this entry (Beijing dates)",
         ART_REPLACE)]
    assert day >= lock_day


def test_replacements_accumulate_and_survive_another_draw_in_between(sc):
    """Two replacements in one team, a second task drawn in between: the team in force is rebuilt
    from the draw and every earlier replacement (not from whatever was computed last)."""
    c, lock = locked(sc)
    team = lock.body["teams"][0]
    first = _replace_body(sc, c, lock)
    sc.append("team.replace", first)
    locked(sc, "T-2026-002")
    # the first substitute is now in the team: replacing the original again must be refused,
    # replacing the substitute must pass
    spare2 = next(i.id for i in sc.inspectors if i.office == "scjgj" and i.active
                  and i.id not in team["members"] and i.id != first["in"])
    sc.append("team.replace", {**first, "out": first["out"], "in": spare2})
    r = sc.verify()
    assert draw_problems(r) == [
        (f"{first['out']} is not in the current team of {team['target']} "
         f"({', '.join([first['in']] + team['members'][1:])})", ART_REPLACE)]
    sc2 = Scenario(sc.f.root.parent / "again")
    c2, lock2 = locked(sc2)
    b = _replace_body(sc2, c2, lock2)
    sc2.append("team.replace", b)
    locked(sc2, "T-2026-002")
    again = _drawn(sc2, c2, lock2, b["target"], b["in"], [(b["target"], b["out"], b["in"])])
    assert again and again != b["out"]  # the replaced inspector never comes back by the draw
    sc2.append("team.replace", {**b, "out": b["in"], "in": again})
    r2 = sc2.verify()
    assert r2.ok, draw_problems(r2)
    assert r2.rule("draw").tasks["T-2026-001"].current.replacements == 2


def test_replacement_for_an_unknown_commitment_or_task(sc):
    c, lock = locked(sc)
    body = _replace_body(sc, c, lock)
    sc.append("team.replace", {**body, "task": "T-2026-999"})
    sc.append("team.replace", {**body, "commit": "ab" * 32})
    assert draw_problems(sc.verify()) == [
        (f"team.replace references {c.id[:16]}…, which is not a commitment of task T-2026-999", ART_REPLACE),
        (f"team.replace references {'ab' * 8}…, which is not a commitment of task T-2026-001", ART_REPLACE)]


def test_reveal_gates(sc):
    """Only an embargoed draw with a valid lock is revealed, and only once."""
    c, lock = locked(sc)  # not embargoed
    from publisher.draw.errors import DrawError
    from publisher.draw.lock import build_reveal_body

    with pytest.raises(DrawError, match="only an embargoed draw is revealed"):
        build_reveal_body(c.id, c.body, sc.beacon_of(c), [], sc.targets, sc.inspectors)
    # the builder refuses; a hand-made reveal (the published result plus invented secrets) too
    body = {"task": c.body["task"], "commit": c.id, "secrets": ["ab" * 32, "cd" * 32],
            **{k: v for k, v in lock.body.items() if k not in ("task", "commit", "beacon")}}
    sc.append("draw.reveal", body)
    assert draw_problems(sc.verify()) == [("only an embargoed draw with a valid lock is revealed", ART_LOCK)]


def test_reveal_twice_and_before_lock(tmp_path):
    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    reveal = sc.reveal_body(c)
    sc.after_round(c)
    sc.append("draw.reveal", reveal)  # before any lock
    assert draw_problems(sc.verify()) == [("only an embargoed draw with a valid lock is revealed", ART_LOCK)]
    sc2 = Scenario(tmp_path / "b")
    c2 = sc2.commit(sc2.spec(embargo_until="2026-01-05"))
    sc2.checkpoint()
    sc2.lock(c2)
    sc2.f.clock = 1767225600 + 10 * 86400
    first = sc2.append("draw.reveal", sc2.reveal_body(c2))
    sc2.append("draw.reveal", sc2.reveal_body(c2))
    assert draw_problems(sc2.verify()) == [(f"the draw was already revealed by {first.id[:16]}…", ART_LOCK)]
    sc3 = Scenario(tmp_path / "c")
    c3 = sc3.commit(sc3.spec(embargo_until="2026-01-20"))
    sc3.checkpoint()
    lock3 = sc3.lock(c3)
    early = sc3.append("draw.reveal", sc3.reveal_body(c3))
    from publisher.draw.timeutil import china_date

    assert draw_problems(sc3.verify()) == [
        (f"revealed on {china_date(early.time)} (Beijing time), before the embargo ends (2026-01-20)", ART_UNANNOUNCED)]
    assert lock3.time < early.time
