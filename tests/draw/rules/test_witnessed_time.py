"""Witnessed time: "committed before the beacon round" rests on the witnesses' clocks (issue 11 (a)).

The operator signs a checkpoint whose own ``time`` line is back-dated to before the round; the
witnesses cosign it when they actually see it, after the round. Without witnesses that lie
made a late commitment valid; with them it no longer does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import test_draw_rule
from test_draw_rule import Scenario, messages

sys.path.insert(0, str(Path(__file__).parents[2] / "witness"))
from witnesstools import WitnessedLedger  # noqa: E402

NAMES = ["w.test/a", "w.test/b", "w.test/c"]
LATE = "draw void: the first checkpoint covering the commitment was signed at"  # draw protocol v2: void, that draw only


@pytest.fixture
def wsc(tmp_path, monkeypatch):
    monkeypatch.setattr(test_draw_rule, "LedgerFactory", lambda root: WitnessedLedger(root, NAMES, 2))
    return Scenario(tmp_path)


def backdated_draw(sc, witness_times=None):
    c = sc.commit(sc.spec())
    committed_at = sc.f.clock
    sc.after_round(c)  # the operator waited until the beacon was out...
    if isinstance(sc.f, WitnessedLedger):
        sc.f.checkpoint(time=committed_at + 5, witness_times=witness_times)  # ...then back-dated
    else:
        sc.f.checkpoint(time=committed_at + 5)
    sc.lock(c)
    return sc.verify()


def test_without_witnesses_a_backdated_checkpoint_fools_the_verifier(tmp_path):
    """The v1 hole, kept as a test so the difference witnesses make stays visible."""
    r = backdated_draw(Scenario(tmp_path))
    assert LATE not in messages(r, "warning")


def test_with_witnesses_the_backdated_checkpoint_proves_nothing(wsc):
    r = backdated_draw(wsc)  # the three witnesses cosign at their real time (after the round)
    assert LATE in messages(r, "warning")  # v2: that draw is void (a warning), the ledger stays valid
    assert "not before beacon round" in messages(r, "warning")


def test_minority_backdating_witness_does_not_make_it_valid(tmp_path, monkeypatch):
    monkeypatch.setattr(test_draw_rule, "LedgerFactory", lambda root: WitnessedLedger(root, NAMES, 2))
    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    committed_at = sc.f.clock
    sc.after_round(c)
    late = sc.f.clock
    sc.f.checkpoint(time=committed_at + 5,
                    witness_times={"w.test/a": committed_at + 5, "w.test/b": late, "w.test/c": late})
    sc.lock(c)
    assert LATE in messages(sc.verify(), "warning")


def test_honest_witnessed_commitment_is_valid(wsc):
    c = wsc.commit(wsc.spec())
    wsc.f.checkpoint()  # cosigned now, long before the round is due
    wsc.lock(c)
    r = wsc.verify()
    assert r.ok, messages(r)
