"""Draw-rule guards at the behaviour level: a ledger goes in, the draw rule's exact problems come
out (R37–R43). Kept to "ledger in → rule id and message out" so they outlive a rewrite of the
rule's internals.

Beacon-round shopping: a lock built from a later, genuine round of the pinned chain is a
different selection; only the round-equals-commitment check refuses it.
Publication before the round: a checkpoint signed exactly when the round is due does not prove
the commitment was public before the randomness was known (both the commit and the lock say so).
"""

from __future__ import annotations

import copy

import pytest

from publisher.draw.errors import ART_FAIR, ART_LOCK
from publisher.draw.lock import build_lock_body

from test_draw_rule import Scenario  # the draw-rule scenario: real ledger, simulated drand chain


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def draw_problems(report):
    return [(p.message, p.article) for p in report.problems if p.rule == "draw" and p.severity == "error"]


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
    c, rt, r = _commit_and_checkpoint_at(sc, 0)
    rnd = c.body["beacon"]["round"]
    assert draw_problems(r) == [
        (f"the first checkpoint covering this commitment was signed at {rt}, not before beacon round {rnd} "
         f"(due {rt})", ART_FAIR),
        (f"commitment {c.id[:16]}… failed verification; its draw cannot be accepted", ART_LOCK),
        (f"nothing proves the commitment was public before beacon round {rnd} (due {rt}): the first "
         f"checkpoint covering it was signed at {rt}", ART_FAIR),
    ]


def test_checkpoint_one_second_before_the_round_is_enough(sc):
    _, _, r = _commit_and_checkpoint_at(sc, -1)
    assert draw_problems(r) == [] and r.ok


def test_no_checkpoint_at_all_proves_nothing(sc):
    c = sc.commit(sc.spec())
    sc.lock(c)
    rnd = c.body["beacon"]["round"]
    rt = sc.sim.chain.round_time(rnd)
    assert draw_problems(sc.verify()) == [
        (f"nothing proves the commitment was public before beacon round {rnd} (due {rt}): no checkpoint "
         "covers it", ART_FAIR)]


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
