"""``draw.lock`` / ``draw.reveal`` bodies checked value by value: each secret, each field of a
published result, with whole messages and articles; the recomputation refuses a snapshot that
does not give the committed sizes."""

from __future__ import annotations

import copy

import pytest
from test_commit_lock import INSPECTORS, SECRETS, SIM, TARGETS, TIME, spec

from publisher.draw.commitment import build_commit_body
from publisher.draw.errors import ART_LOCK, ART_MATCH, DrawError
from publisher.draw.lock import (
    _first_difference,
    build_lock_body,
    build_reveal_body,
    compute_result,
    embargo_secrets,
    result_findings,
    secret_findings,
)
from publisher.draw.seed import derive_seed

CID = "cd" * 32
ANNOUNCED = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME)
EMBARGOED = build_commit_body(spec(embargo_until="2026-03-01"), TARGETS, INSPECTORS, time=TIME)
BEACON = SIM.beacon(ANNOUNCED["beacon"]["round"])


def pairs(findings):
    return [(f.message, f.article) for f in findings]


def test_secret_findings_each_refusal():
    hexes = [s.hex() for s in SECRETS]
    assert secret_findings(EMBARGOED, hexes) == []
    assert pairs(secret_findings(ANNOUNCED, hexes)) == [
        ("the commitment carries no secret commitments to open", ART_LOCK)]
    assert pairs(secret_findings(EMBARGOED, hexes[:1])) == [("1 secrets revealed for 2 committed offices", ART_LOCK)]
    assert pairs(secret_findings(EMBARGOED, hexes + hexes[:1])) == [
        ("3 secrets revealed for 2 committed offices", ART_LOCK)]
    c0, c1 = (o["commitment"] for o in EMBARGOED["offices"])
    assert pairs(secret_findings(EMBARGOED, hexes[::-1])) == [
        (f"the secret revealed for office scjgj does not match its commitment {c0[:16]}…", ART_LOCK),
        (f"the secret revealed for office wjj does not match its commitment {c1[:16]}…", ART_LOCK)]
    assert pairs(secret_findings(EMBARGOED, [hexes[0], "00" * 32])) == [
        (f"the secret revealed for office wjj does not match its commitment {c1[:16]}…", ART_LOCK)]


def test_builders_refuse_wrong_secrets_with_every_message_and_the_article():
    with pytest.raises(DrawError) as e:
        build_lock_body(CID, EMBARGOED, BEACON, [SECRETS[0], b"\x00" * 32], TARGETS, INSPECTORS)
    c1 = EMBARGOED["offices"][1]["commitment"]
    assert (e.value.message, e.value.article) == (
        f"the secret revealed for office wjj does not match its commitment {c1[:16]}…", ART_LOCK)
    with pytest.raises(DrawError) as e:
        build_reveal_body(CID, EMBARGOED, BEACON, SECRETS[:1], TARGETS, INSPECTORS)
    assert (e.value.message, e.value.article) == ("1 secrets revealed for 2 committed offices", ART_LOCK)
    with pytest.raises(DrawError) as e:
        build_lock_body(CID, ANNOUNCED, SIM.beacon(ANNOUNCED["beacon"]["round"] + 1), [], TARGETS, INSPECTORS)
    r = ANNOUNCED["beacon"]["round"]
    assert (e.value.message, e.value.article) == (f"beacon round {r + 1} is not the committed round {r}", ART_LOCK)
    with pytest.raises(DrawError) as e:
        build_reveal_body(CID, ANNOUNCED, BEACON, SECRETS, TARGETS, INSPECTORS)
    assert e.value.message == "only an embargoed draw is revealed; this one was published at its lock"


def test_secrets_enter_the_seed_only_when_embargoed():
    assert embargo_secrets(EMBARGOED, SECRETS) == SECRETS
    assert embargo_secrets(ANNOUNCED, SECRETS) == ()
    emb = compute_result(CID, EMBARGOED, BEACON.randomness, SECRETS, TARGETS, INSPECTORS)
    assert emb.seed == derive_seed(CID, BEACON.randomness, SECRETS) != derive_seed(CID, BEACON.randomness, ())
    reveal = build_reveal_body(CID, EMBARGOED, BEACON, SECRETS, TARGETS, INSPECTORS)
    assert reveal["secrets"] == [s.hex() for s in SECRETS] and reveal["seed"] == emb.seed.hex()
    assert (reveal["task"], reveal["commit"]) == ("T-9", CID)


def test_the_lock_publishes_the_beacon_and_the_result():
    lock = build_lock_body(CID, ANNOUNCED, BEACON, [], TARGETS, INSPECTORS)
    assert (lock["task"], lock["commit"]) == ("T-9", CID)
    assert lock["beacon"] == {"round": BEACON.round, "signature": BEACON.signature.hex()}
    res = compute_result(CID, ANNOUNCED, BEACON.randomness, [], TARGETS, INSPECTORS)
    assert {k: lock[k] for k in ("seed", "strata", "selected", "teams")} == res.to_json()
    for s in res.strata:
        assert (s["threshold"] is None) == (s["k"] == 0)
    assert set(res.regions) == {r["id"] for r in res.selected}


def test_a_stratum_taking_nobody_has_no_threshold():
    body = build_commit_body(spec(strata=[
        {"name": "低", "match": {"risks": ["A", "B"]}, "take": {"count": 0}},
        {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"count": 3}}]), TARGETS, INSPECTORS, time=TIME)
    res = compute_result(CID, body, BEACON.randomness, [], TARGETS, INSPECTORS)
    assert [(s["k"], s["threshold"] is None) for s in res.strata] == [(0, True), (3, False)]
    assert {r["stratum"] for r in res.selected} == {"高"} and len(res.selected) == 3


def test_recomputation_refuses_other_stratum_sizes():
    body = copy.deepcopy(ANNOUNCED)
    body["strata"][0]["n"] += 1
    with pytest.raises(DrawError) as e:
        compute_result(CID, body, BEACON.randomness, [], TARGETS, INSPECTORS)
    ns = [s["n"] for s in ANNOUNCED["strata"]]
    assert (e.value.message, e.value.article) == (
        f"the snapshot gives stratum sizes {ns}, the commitment {[ns[0] + 1, ns[1]]}", ART_LOCK)


def _published():
    res = compute_result(CID, ANNOUNCED, BEACON.randomness, [], TARGETS, INSPECTORS)
    return res, copy.deepcopy(res.to_json())


def test_result_findings_each_field():
    res, body = _published()
    assert result_findings(res, body) == []
    b = copy.deepcopy(body)
    b["seed"] = "00" * 32
    assert pairs(result_findings(res, b)) == [
        (f"seed {'00' * 8}… differs from the recomputed {res.seed.hex()[:16]}…", ART_LOCK)]
    b = copy.deepcopy(body)
    b["strata"][0]["threshold"] = "00" * 32
    assert pairs(result_findings(res, b)) == [("stratum sizes or thresholds differ from the recomputation", ART_LOCK)]
    b = copy.deepcopy(body)
    b["selected"][1]["batch"] += 1
    assert pairs(result_findings(res, b)) == [
        (f"selected list differs from the recomputation at position 2: published {b['selected'][1]}, recomputed "
         f"{body['selected'][1]}", ART_LOCK)]
    b = copy.deepcopy(body)
    b["teams"] = b["teams"][::-1]
    assert pairs(result_findings(res, b))[-1] == (
        f"teams differs from the recomputation at position 1: published {b['teams'][0]}, recomputed "
        f"{body['teams'][0]}", ART_MATCH)


def test_first_difference_of_lists_of_different_length():
    rows = [{"id": "a"}, {"id": "b"}]
    assert _first_difference("selected list", rows, rows[:1]) == "selected list has 2 rows, the recomputation 1"
    assert _first_difference("teams", rows[:1], rows) == "teams has 1 rows, the recomputation 2"
    assert _first_difference("x", [{"id": "a"}, {"id": "c"}], rows) == (
        "x differs from the recomputation at position 2: published {'id': 'c'}, recomputed {'id': 'b'}")


def test_builders_join_every_secret_refusal():
    c0, c1 = (o["commitment"] for o in EMBARGOED["offices"])
    want = (f"the secret revealed for office scjgj does not match its commitment {c0[:16]}…; "
            f"the secret revealed for office wjj does not match its commitment {c1[:16]}…")
    for build in (build_lock_body, build_reveal_body):
        with pytest.raises(DrawError) as e:
            build(CID, EMBARGOED, BEACON, SECRETS[::-1], TARGETS, INSPECTORS)
        assert (e.value.message, e.value.article) == (want, ART_LOCK)
