""""Why was I (not) drawn?" — each forgery is refused by its own check, with its own message.

tests/draw/test_explain.py shows forged explanations are refused; these show *which* check
refuses each one, so that removing one check cannot hide behind another (for example, a member
of the population claiming to be outside it with itself as a "neighbour").
"""

from __future__ import annotations

import copy

import pytest
from test_explain import INSPECTORS, SECRETS, SIM, TARGETS, draw  # the same committed draw as test_explain

from publisher.draw.explain import Population, Verdict, explain, verify_explanation
from publisher.draw.lock import build_reveal_body


@pytest.fixture(scope="module")
def county():
    body, lock = draw()
    return body, lock, Population.from_commit(body, TARGETS)


def refusal(body, lock, e, reveal=None) -> str:
    v = verify_explanation(body, lock, e, reveal_body=reveal)
    assert v.ok is False and v.selected is False
    assert v.zh.startswith("说明无效：")
    assert v.en.startswith("explanation invalid: ") and v.zh == "说明无效：" + v.en.removeprefix("explanation invalid: ")
    return v.en.removeprefix("explanation invalid: ")


def member(lock, pop, k=10):
    tid = pop.ids[k]
    e = explain(lock, pop, tid)
    assert e["leaf"]["index"] == k
    return e


def test_a_member_cannot_use_itself_as_a_neighbour(county):
    body, lock, pop = county
    k = 10
    e = member(lock, pop, k)
    e["leaf"] = None
    e["neighbours"] = {"left": pop.leaf_proof(k), "right": pop.leaf_proof(k + 1)}  # adjacent, both genuine
    assert refusal(body, lock, e) == "the left neighbour is not a leaf before the target"
    e["neighbours"] = {"left": pop.leaf_proof(k - 1), "right": pop.leaf_proof(k)}
    assert refusal(body, lock, e) == "the right neighbour is not a leaf after the target"


def test_neighbours_with_forged_proofs(county):
    body, lock, pop = county
    outsider = pop.ids[10] + "0"  # sorts between leaves 10 and 11
    e = explain(lock, pop, outsider)
    assert e["neighbours"]["left"]["index"] == 10 and e["neighbours"]["right"]["index"] == 11
    assert verify_explanation(body, lock, e).ok
    for side, message in (("left", "the left neighbour is not a leaf before the target"),
                          ("right", "the right neighbour is not a leaf after the target")):
        f = copy.deepcopy(e)
        f["neighbours"][side]["proof"][0] = "00" * 32
        assert refusal(body, lock, f) == message
        f = copy.deepcopy(e)
        f["neighbours"][side]["proof"] = ["not hex"]
        assert refusal(body, lock, f) == message


def test_neighbour_positions(county):
    body, lock, pop = county
    outsider = pop.ids[10] + "0"
    e = explain(lock, pop, outsider)
    f = copy.deepcopy(e)
    f["neighbours"]["left"] = None
    assert refusal(body, lock, f) == "without a left neighbour the right one must be the first leaf"
    f = copy.deepcopy(e)
    f["neighbours"]["right"] = None
    assert refusal(body, lock, f) == "without a right neighbour the left one must be the last leaf"
    f = copy.deepcopy(e)
    f["neighbours"]["left"] = pop.leaf_proof(9)
    assert refusal(body, lock, f) == "the neighbours are not adjacent leaves"
    f = copy.deepcopy(e)
    f["neighbours"] = None
    assert refusal(body, lock, f) == "no neighbours given for a non-empty population"
    # the ends of the list: one neighbour is enough there
    first, last = explain(lock, pop, "0"), explain(lock, pop, "ZZZ")
    assert first["neighbours"] == {"left": None, "right": pop.leaf_proof(0)}
    assert last["neighbours"] == {"left": pop.leaf_proof(pop.size - 1), "right": None}
    assert verify_explanation(body, lock, first).ok and verify_explanation(body, lock, last).ok


def test_an_outsider_just_after_the_first_leaf_gets_it_as_left_neighbour(county):
    body, lock, pop = county
    e = explain(lock, pop, pop.ids[0] + "0")
    assert e["neighbours"]["left"] == pop.leaf_proof(0) and e["neighbours"]["right"] == pop.leaf_proof(1)
    assert verify_explanation(body, lock, e).ok


def test_inclusion_ticket_seed_secrets_and_list(county):
    body, lock, pop = county
    e = member(lock, pop)
    f = copy.deepcopy(e)
    f["leaf"]["id"] = pop.ids[11]
    assert refusal(body, lock, f) == "the inclusion proof does not match the committed population root"
    f = copy.deepcopy(e)
    f["leaf"]["proof"] = [1]
    assert refusal(body, lock, f) == "the inclusion proof does not match the committed population root"
    f = copy.deepcopy(e)
    f["ticket"] = "00" * 32
    assert refusal(body, lock, f) == "the ticket is not the one the seed gives"
    lk = copy.deepcopy(lock)
    lk["seed"] = "00" * 32
    assert refusal(body, lk, e) == "the seed does not follow from the beacon and the secrets"
    # seed v2: an announced draw's seed comes from the beacon alone; secrets exist only for an
    # embargoed draw, and its reveal's secrets must match the commitments
    ebody, elock = draw(embargo_until="2026-02-01")
    reveal = build_reveal_body("ef" * 32, ebody, SIM.beacon(10**6), SECRETS, TARGETS, INSPECTORS)
    epop = Population.from_commit(ebody, TARGETS)
    ee = explain(reveal, epop, epop.ids[10])
    assert verify_explanation(ebody, elock, ee, reveal_body=reveal).ok
    rv = copy.deepcopy(reveal)
    rv["secrets"] = [SECRETS[1].hex(), SECRETS[0].hex()]
    assert refusal(ebody, elock, ee, rv) == "a revealed secret does not match its commitment"
    rv = copy.deepcopy(reveal)
    rv["secrets"] = []
    assert refusal(ebody, elock, ee, rv) == "the seed does not follow from the beacon and the secrets"
    chosen = explain(lock, pop, lock["selected"][0]["id"])
    lk = copy.deepcopy(lock)
    lk["selected"] = lk["selected"][1:]
    assert refusal(body, lk, chosen) == "the published selected list disagrees with ticket and threshold"
    lk = {k: v for k, v in lock.items() if k not in ("seed", "secrets", "selected", "teams")}
    lk["result_hash"] = "00" * 32
    assert refusal(body, lk, chosen) == "the draw is still under embargo; nothing to check yet"


def test_good_verdicts_are_whole(county):
    body, lock, pop = county
    chosen = lock["selected"][0]["id"]
    e = explain(lock, pop, chosen)
    v = verify_explanation(body, lock, e)
    assert v == Verdict(True, True, e["verdict_zh"], e["verdict_en"]) and e["selected"] is True
    tk, th = e["ticket"], next(s["threshold"] for s in lock["strata"] if s["name"] == e["leaf"]["stratum"])
    assert e["verdict_en"] == (f"{chosen} is in stratum “{e['leaf']['stratum']}”; its ticket {tk[:16]}… ≤ the "
                               f"stratum threshold {th[:16]}…, so it was selected.")
    assert e["verdict_zh"] == (f"{chosen} 在「{e['leaf']['stratum']}」层，票号 {tk[:16]}… ≤ 该层门槛 {th[:16]}…，"
                               "所以被抽中。")
    out = explain(lock, pop, "0")
    assert verify_explanation(body, lock, out) == Verdict(True, False, out["verdict_zh"], out["verdict_en"])
    assert out["verdict_en"] == ("0 is not in this draw's population (the two neighbouring entries of the sorted "
                                 "list prove it), so it was not selected.")
    assert out["size"] == pop.size and out["root"] == body["population"]["root"] and out["leaf"] is None
    gone = TARGETS[5].id
    ex = explain(lock, pop, gone)
    assert ex["verdict_en"] == (f"{gone} is not in this draw's population: it was excluded (reason: 已迁出; basis: "
                                "迁出公告), so it was not selected.")
    assert verify_explanation(body, lock, ex).en == ex["verdict_en"]
