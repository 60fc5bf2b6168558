"""Builders: commitment bodies, lock/reveal bodies, streaming from snapshot bytes, schemas."""

from __future__ import annotations

import io

import pytest

from publisher.beacon import SimulatedBeacon
from publisher.core.schema import validate_body
from publisher.directory.records import Inspector
from publisher.directory.snapshot import iter_snapshot, snapshot_bytes
from publisher.draw.cap import CapTable
from publisher.draw.commitment import build_commit_body, check_commit_body
from publisher.draw.errors import DrawError
from publisher.draw.lock import build_lock_body, build_reveal_body, result_hash
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.seed import secret_commitment

TARGETS = sample_targets(150)
INSPECTORS = sample_inspectors({"scjgj": 8, "wjj": 5})
SECRETS = [b"\x05" * 32, b"\x06" * 32]
SIM = SimulatedBeacon(b"builders", 1767225600, 3)
TIME = "2026-02-01T00:00:00Z"


def spec(**over):
    s = {
        "task": "T-9",
        "population": {"snapshot": "aa" * 32, "filter": {"regions": ["371122"]},
                       "exclusions": [{"id": TARGETS[-1].id, "reason": "歇业", "basis": "现场核实"}]},
        "strata": [{"name": "低", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.1"}, "rounding": "half_up"},
                   {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"count": 3}}],
        "offices": [{"office": o, "members": 1, "commitment": secret_commitment("T-9", o, s)}
                    for o, s in zip(("scjgj", "wjj"), SECRETS)],
        "teams": {"inspectors": "bb" * 32, "mode": "big"},
        "beacon": {"chain_hash": SIM.chain.chain_hash, "round": SIM.chain.round_at(1769904000 + 3600)},
    }
    s.update(over)
    return s


def test_commit_body_shape_and_recheck():
    body = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME, cap=CapTable(),
                             chains={SIM.chain.chain_hash: SIM.chain})
    assert validate_body("draw.commit", body) == []
    assert body["batch_size"] == 50 and body["population"]["count"] == sum(s["n"] for s in body["strata"])
    assert check_commit_body(body, "scjgj", TIME, TARGETS, INSPECTORS, cap=CapTable()) == []
    assert check_commit_body(body, "wjj", TIME, TARGETS, INSPECTORS, cap=CapTable())[0].message.startswith(
        "the first office (scjgj) is the lead")


def test_malformed_spec_is_refused_in_words():
    bad = spec()
    del bad["teams"]
    bad["offices"][0]["members"] = "2"
    with pytest.raises(DrawError, match="malformed.*'teams' is a required property"):
        build_commit_body(bad, TARGETS, INSPECTORS, time=TIME)
    with pytest.raises(DrawError, match="body.offices\\[0\\].members: '2' is not of type 'integer'"):
        build_commit_body(bad, TARGETS, INSPECTORS, time=TIME)


def test_commit_refusals():
    with pytest.raises(DrawError, match="not in the filtered population"):
        build_commit_body(spec(population={"snapshot": "aa" * 32, "exclusions": [
            {"id": "P-999999999", "reason": "x", "basis": "y"}]}), TARGETS, INSPECTORS, time=TIME)
    with pytest.raises(DrawError, match="reserved"):
        build_commit_body(spec(population={"snapshot": "aa" * 32, "exclusions": [
            {"id": TARGETS[0].id, "reason": "cap", "basis": "y"}]}), TARGETS, INSPECTORS, time=TIME)
    with pytest.raises(DrawError, match="ratio cap 0.01 of a general item"):
        build_commit_body(spec(ratio_cap="0.01"), TARGETS, INSPECTORS, time=TIME)
    with pytest.raises(DrawError, match="population is empty"):
        build_commit_body(spec(population={"snapshot": "aa" * 32, "filter": {"regions": ["99"]}}),
                          TARGETS, INSPECTORS, time=TIME)


def test_lock_streams_from_snapshot_bytes_and_matches_in_memory():
    body = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME)
    beacon = SIM.beacon(body["beacon"]["round"])
    mem = build_lock_body("cd" * 32, body, beacon, SECRETS, TARGETS, INSPECTORS)
    streamed = build_lock_body("cd" * 32, body, beacon, SECRETS,
                               iter_snapshot(io.BytesIO(snapshot_bytes(TARGETS))),
                               iter_snapshot(io.BytesIO(snapshot_bytes(INSPECTORS)), Inspector))
    assert mem == streamed and validate_body("draw.lock", mem) == []
    assert [r["position"] for r in mem["selected"]] == list(range(1, len(mem["selected"]) + 1))
    assert {r["id"] for r in mem["selected"]} == {t["target"] for t in mem["teams"]}


def test_embargo_lock_and_reveal_bodies():
    body = build_commit_body(spec(embargo_until="2026-03-01"), TARGETS, INSPECTORS, time=TIME)
    beacon = SIM.beacon(body["beacon"]["round"])
    lock = build_lock_body("cd" * 32, body, beacon, SECRETS, TARGETS, INSPECTORS)
    reveal = build_reveal_body("cd" * 32, body, beacon, SECRETS, TARGETS, INSPECTORS)
    assert set(lock) == {"task", "commit", "beacon", "result_hash"}
    assert validate_body("draw.lock", lock) == [] and validate_body("draw.reveal", reveal) == []
    assert result_hash({k: reveal[k] for k in ("seed", "strata", "selected", "teams")}) == lock["result_hash"]
    with pytest.raises(DrawError, match="only an embargoed draw"):
        build_reveal_body("cd" * 32, dict(body, embargo_until=None), beacon, SECRETS, TARGETS, INSPECTORS)


def test_announced_draw_has_no_secrets():
    """Seed v2: the builder drops secret commitments of an announced draw; the lock needs none,
    and anyone recomputes it from the beacon alone (whatever secrets a caller passes)."""
    body = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME)
    assert all("commitment" not in o for o in body["offices"])
    beacon = SIM.beacon(body["beacon"]["round"])
    lock = build_lock_body("cd" * 32, body, beacon, [], TARGETS, INSPECTORS)
    assert "secrets" not in lock and lock == build_lock_body("cd" * 32, body, beacon, SECRETS, TARGETS, INSPECTORS)


def test_lock_refuses_wrong_secret_or_round():
    body = build_commit_body(spec(embargo_until="2026-03-01"), TARGETS, INSPECTORS, time=TIME)
    with pytest.raises(DrawError, match="does not match its commitment"):
        build_lock_body("cd" * 32, body, SIM.beacon(body["beacon"]["round"]), SECRETS[::-1], TARGETS, INSPECTORS)
    with pytest.raises(DrawError, match="not the committed round"):
        build_lock_body("cd" * 32, body, SIM.beacon(5), SECRETS, TARGETS, INSPECTORS)


def test_schema_refuses_unknown_fields_and_bad_shapes():
    body = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME)
    assert validate_body("draw.commit", {**body, "favourite": "x"})
    assert validate_body("draw.commit", {**body, "supersedes": "ab" * 32})  # needs a reason
    # a re-draw needs a reason code from the closed list and the approver
    assert validate_body("draw.commit", {**body, "supersedes": "ab" * 32, "reason": "x"})
    assert validate_body("draw.commit", {**body, "supersedes": "ab" * 32, "reason": "x", "reason_code": "unhappy",
                                         "approver": {"name": "赵", "title": "主要负责人"}})
    assert validate_body("draw.commit", {**body, "supersedes": "ab" * 32, "reason": "x", "reason_code": "correction",
                                         "approver": {"name": "赵", "title": "主要负责人"}}) == []
    bad = {**body, "strata": [dict(body["strata"][1], rounding="ceil")]}  # rounding with a count
    assert validate_body("draw.commit", bad)
    assert validate_body("team.replace", {"task": "T", "commit": "ab" * 32, "target": "x", "out": "a", "in": "b",
                                          "reason": "holiday", "approver": {"name": "王", "title": "副局长"},
                                          "date": "2026-01-01"})


@pytest.mark.parametrize("embargo", [None, "2026-03-01"])
def test_the_lock_builder_lends_what_it_computed_under_the_exact_key(embargo):
    """``draw lock`` lends its outcome to its own append check (draw/outcomes.py): exactly the result
    it built the body from, under the key of exactly its inputs (the secrets only when embargoed)."""
    from publisher.draw.lock import embargo_secrets
    from publisher.draw.outcomes import KnownOutcomes, outcome_key

    body = build_commit_body(spec(embargo_until=embargo) if embargo else spec(), TARGETS, INSPECTORS, time=TIME)
    beacon = SIM.beacon(body["beacon"]["round"])
    known = KnownOutcomes()
    built = build_reveal_body if embargo else build_lock_body
    out = built("cd" * 32, body, beacon, SECRETS, TARGETS, INSPECTORS, known=known)
    lent = known.recall(outcome_key("cd" * 32, body, beacon.randomness, embargo_secrets(body, SECRETS)))
    assert lent is not None and len(known) == 1
    assert [r["id"] for r in lent.to_json()["selected"]] == [r["id"] for r in out["selected"]]
