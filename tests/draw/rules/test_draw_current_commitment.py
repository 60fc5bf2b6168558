"""SPEC §6.13 settled: which commitment is a task's *current* one (an invalid one too)."""

from __future__ import annotations

import pytest
from test_draw_rule import HEAD, Scenario, errors, messages

from ledgertools import english


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def _history(r):
    return [p.message for p in errors(r) if p.rule == "draw.history"]


def test_a_first_commitment_carrying_supersedes_is_an_error_and_still_current(sc):
    sc.commit(sc.spec(supersedes="ab" * 32, reason="更正", reason_code="correction", approver=HEAD))
    r = sc.verify()
    assert any(english(m).startswith(f"supersedes {'ab' * 8}…, which is not a commitment of task T-2026-001")
               for m in _history(r)), messages(r)
    sc.commit(sc.spec())  # a fresh start without supersedes is refused: the invalid one is current
    r = sc.verify()
    assert any("already has commitment" in m for m in _history(r)), messages(r)


def test_a_commitment_whose_snapshot_is_missing_is_still_current(sc):
    """A commitment refused because its blob is not in the ledger is recorded like any other
    invalid one, so a second commitment must name it in supersedes."""

    def no_blob(body):
        body["population"]["snapshot"] = "00" * 32

    bad = sc.commit(sc.spec(), forge=no_blob)
    r = sc.verify()
    assert any(p.rule == "draw.commit" and "is not in the ledger" in p.message for p in errors(r)), messages(r)
    sc.commit(sc.spec())
    r = sc.verify()
    assert any(f"already has commitment {bad.id[:16]}…" in m for m in _history(r)), messages(r)
    assert r.rule("draw").tasks["T-2026-001"].commits[0].id == bad.id
