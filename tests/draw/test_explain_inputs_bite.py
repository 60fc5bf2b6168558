"""Explanations whose inputs are missing or out of place: no target, an announced draw given
secrets, an embargoed result without its secrets, a one-company population without neighbours —
each is refused (or ignored) by the check written for it, never by a crash."""

from __future__ import annotations

import copy

from test_explain import INSPECTORS, SECRETS, SIM, TARGETS, draw

from publisher.draw.explain import Population, explain, verify_explanation
from publisher.draw.lock import build_reveal_body
from publisher.draw.tickets import ticket


def refusal(body, lock, e, reveal=None) -> str:
    v = verify_explanation(body, lock, e, reveal_body=reveal)
    assert (v.ok, v.selected) == (False, False)
    return v.en.removeprefix("explanation invalid: ")


def test_an_explanation_without_a_target_is_the_empty_id():
    body, lock = draw()
    e = explain(lock, Population.from_commit(body, TARGETS), TARGETS[0].id)
    del e["target"]
    assert refusal(body, lock, e) == "the ticket is not the one the seed gives"
    e["ticket"] = ticket(bytes.fromhex(lock["seed"]), "").hex()  # the empty id's own ticket
    e.pop("leaf", None)
    e.pop("neighbours", None)
    assert refusal(body, lock, e) == "no neighbours given for a non-empty population"


def test_an_announced_draw_ignores_secrets_a_reveal_claims():
    body, lock = draw()
    assert "embargo_until" not in body
    e = explain(lock, Population.from_commit(body, TARGETS), TARGETS[1].id)
    claimed = {**lock, "secrets": ["ab" * 32, "cd" * 32]}
    v = verify_explanation(body, lock, e, reveal_body=claimed)
    assert v.ok and v == verify_explanation(body, lock, e)


def test_an_embargoed_result_without_its_secrets():
    body, lock = draw(embargo_until="2026-02-01")
    reveal = build_reveal_body("ef" * 32, body, SIM.beacon(10 ** 6), SECRETS, TARGETS, INSPECTORS)
    e = explain(reveal, Population.from_commit(body, TARGETS), TARGETS[2].id)
    assert verify_explanation(body, lock, e, reveal_body=reveal).ok
    bare = {k: v for k, v in reveal.items() if k != "secrets"}
    assert refusal(body, lock, e, bare) == "the seed does not follow from the beacon and the secrets"


def test_a_one_company_population_needs_a_proof_or_neighbours():
    body, lock = draw()
    one = copy.deepcopy(body)
    one["population"]["count"] = 1
    outsider = "0"
    e = {"target": outsider, "ticket": ticket(bytes.fromhex(lock["seed"]), outsider).hex()}
    assert refusal(one, lock, e) == "no neighbours given for a non-empty population"
    empty = copy.deepcopy(body)
    empty["population"]["count"] = 0
    v = verify_explanation(empty, lock, e)
    assert v.ok and not v.selected  # nothing to prove against an empty population


def test_a_commitment_without_an_exclusions_member():
    body, lock = draw()
    bare = copy.deepcopy(body)
    del bare["population"]["exclusions"]
    pop = Population.from_commit(body, TARGETS)
    for tid in (TARGETS[0].id, "0"):
        v = verify_explanation(bare, lock, explain(lock, pop, tid))
        assert v.ok and v == verify_explanation(body, lock, explain(lock, pop, tid))
    v = verify_explanation(bare, lock, explain(lock, pop, TARGETS[5].id))  # excluded in the full body
    assert v.ok and "it was excluded" not in v.en and "the two neighbouring entries" in v.en
