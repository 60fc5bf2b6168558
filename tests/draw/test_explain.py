"""Explanations are checkable from the committed root alone, and forged ones are refused."""

from __future__ import annotations

import copy

from publisher.beacon import SimulatedBeacon
from publisher.draw.commitment import build_commit_body
from publisher.draw.explain import Population, explain, verify_explanation
from publisher.draw.lock import build_lock_body, build_reveal_body
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.seed import secret_commitment

TARGETS = sample_targets(60)
INSPECTORS = sample_inspectors({"scjgj": 6, "wjj": 4})
SECRETS = [b"\x07" * 32, b"\x08" * 32]
SIM = SimulatedBeacon(b"explain", 1767225600, 3)


def draw(**over):
    spec = {"task": "T-E", "population": {"snapshot": "aa" * 32, "filter": {},
                                          "exclusions": [{"id": TARGETS[5].id, "reason": "已迁出", "basis": "迁出公告"}]},
            "strata": [{"name": "低", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.1"}, "rounding": "ceil"},
                       {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"count": 0}}],
            "offices": [{"office": o, "members": 1, "commitment": secret_commitment("T-E", o, s)}
                        for o, s in zip(("scjgj", "wjj"), SECRETS)],
            "teams": {"inspectors": "bb" * 32, "mode": "big"},
            "beacon": {"chain_hash": SIM.chain.chain_hash, "round": 10**6}, **over}
    body = build_commit_body(spec, TARGETS, INSPECTORS, time="2026-01-01T00:00:00Z")
    lock = build_lock_body("ef" * 32, body, SIM.beacon(10**6), SECRETS, TARGETS, INSPECTORS)
    return body, lock


def test_every_target_and_outsiders_verify():
    body, lock = draw()
    pop = Population.from_commit(body, TARGETS)
    selected = {r["id"] for r in lock["selected"]}
    for tid in [t.id for t in TARGETS] + ["0", "91371122000000000Z", "ZZZ"]:
        e = explain(lock, pop, tid)
        v = verify_explanation(body, lock, e)
        assert v.ok and v.selected == (tid in selected), (tid, v)
    e = explain(lock, pop, TARGETS[5].id)
    assert "已迁出" in e["verdict_zh"] and e["leaf"] is None
    high = next(t.id for t in TARGETS if t.risk in "CD")
    assert "抽取 0 家" in explain(lock, pop, high)["verdict_zh"]
    chosen = lock["selected"][0]["id"]
    assert "所以被抽中" in explain(lock, pop, chosen)["verdict_zh"]
    assert "so it was selected" in explain(lock, pop, chosen)["verdict_en"]


def test_forged_explanations_are_refused():
    body, lock = draw()
    pop = Population.from_commit(body, TARGETS)
    chosen = lock["selected"][0]["id"]
    other = next(t.id for t in TARGETS if t.id not in {r["id"] for r in lock["selected"]} and t.id != TARGETS[5].id)
    good_in, good_out = explain(lock, pop, chosen), explain(lock, pop, "91371122000000000Z")

    def refused(e, lk=lock):
        return not verify_explanation(body, lk, e).ok

    e = copy.deepcopy(good_in)
    e["ticket"] = "00" * 32
    assert refused(e)
    e = copy.deepcopy(good_in)
    e["leaf"]["proof"][0] = "00" * 32
    assert refused(e)
    e = copy.deepcopy(good_in)
    e["leaf"]["stratum"] = "高"  # claims another stratum
    assert refused(e)
    e = copy.deepcopy(good_in)
    e["target"] = other  # another company's proof
    assert refused(e)
    # claim "not in the population" for a member: neighbours are not adjacent around it
    e = explain(lock, pop, chosen)
    i = e["leaf"]["index"]
    e["leaf"], e["neighbours"] = None, {"left": pop.leaf_proof(i - 1), "right": pop.leaf_proof(i + 1)}
    assert refused(e)
    e = copy.deepcopy(good_out)
    e["neighbours"]["left"] = None
    assert refused(e)
    lk = copy.deepcopy(lock)
    lk["selected"] = lk["selected"][1:]  # list disagrees with tickets
    assert refused(good_in, lk)
    lk = copy.deepcopy(lock)
    lk["seed"] = "00" * 32
    assert refused(good_in, lk)


def test_embargoed_explanations_need_the_reveal():
    body, lock = draw(embargo_until="2026-02-01")
    reveal = build_reveal_body("ef" * 32, body, SIM.beacon(10**6), SECRETS, TARGETS, INSPECTORS)
    pop = Population.from_commit(body, TARGETS)
    e = explain(reveal, pop, reveal["selected"][0]["id"])
    assert not verify_explanation(body, lock, e).ok
    assert verify_explanation(body, lock, e, reveal_body=reveal).ok
