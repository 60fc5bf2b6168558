"""``draw.commit`` checks value by value: the beacon margin at its exact second, each rule visible
in the body alone, a zero draw, and each recomputed field with its whole message and article."""

from __future__ import annotations

import copy

import pytest
from test_commit_lock import INSPECTORS, SIM, TARGETS, TIME, spec

from publisher.draw.cap import CapTable
from publisher.draw.commitment import (
    BEACON_MARGIN,
    beacon_finding,
    build_commit_body,
    check_commit_body,
    exclusion_sets,
    static_findings,
    zero_findings,
)
from publisher.draw.errors import ART_CAP, ART_FAIR, ART_LOCK, ART_MATCH, ART_UNANNOUNCED, DrawError
from publisher.draw.strata import parse_strata
from publisher.draw.timeutil import unix

CHAINS = {SIM.chain.chain_hash: SIM.chain}


def pairs(findings):
    return [(f.message, f.article) for f in findings]


def body_with_round_due(offset):
    """A commitment signed at TIME whose round is due ``offset`` seconds after it."""
    due = unix(TIME) + offset
    rnd = SIM.chain.round_at(due)
    assert SIM.chain.round_time(rnd) == due  # TIME and the offsets are on the 3 s grid
    return {"beacon": {"chain_hash": SIM.chain.chain_hash, "round": rnd}}, rnd, due


def test_round_due_exactly_sixty_seconds_after_the_commitment_is_allowed():
    assert BEACON_MARGIN == 60
    b, _, _ = body_with_round_due(60)
    assert beacon_finding(b, TIME, CHAINS) is None


def test_round_due_fifty_seven_seconds_after_is_refused():
    b, rnd, due = body_with_round_due(57)
    f = beacon_finding(b, TIME, CHAINS)
    assert (f.message, f.article) == (
        f"beacon round {rnd} is due at {due}, less than 60 s after the commitment ({TIME}); the randomness "
        "must not exist yet", ART_FAIR)


def test_unpinned_chain():
    f = beacon_finding({"beacon": {"chain_hash": "ee" * 32, "round": 5}}, TIME, CHAINS)
    assert (f.message, f.article) == (f"beacon chain {'ee' * 8}… is not pinned in trust.json", ART_FAIR)


def built(**over):
    return build_commit_body(spec(**over), TARGETS, INSPECTORS, time=TIME, cap=CapTable())


def test_each_rule_of_the_body_alone():
    body = built()
    assert static_findings(body, "scjgj") == []
    announced = copy.deepcopy(body)
    announced.pop("embargo_until", None)
    assert "commitment" not in announced["offices"][0]  # an announced draw keeps no secrets
    carry = copy.deepcopy(announced)
    carry["offices"][1]["commitment"] = "11" * 32
    assert pairs(static_findings(carry, "scjgj")) == [
        ("an announced draw has no secrets (seed v2), but offices ['wjj'] carry a secret commitment; remove it",
         ART_FAIR)]
    emb = built(embargo_until="2026-03-01")
    assert static_findings(emb, "scjgj") == []
    half = copy.deepcopy(emb)
    del half["offices"][1]["commitment"]
    assert pairs(static_findings(half, "scjgj")) == [
        ("an embargoed draw needs every office's secret commitment until the reveal", ART_UNANNOUNCED)]
    assert pairs(static_findings(body, "wjj")) == [
        ("the first office (scjgj) is the lead and must be the office signing the commitment (wjj)", ART_FAIR)]
    bad_date = copy.deepcopy(emb)
    bad_date["embargo_until"] = "2026-02-30"
    assert pairs(static_findings(bad_date, "scjgj")) == [("embargo_until '2026-02-30' is not a calendar date", "")]


@pytest.mark.parametrize("key, what", [("exclusions", "exclusions"), ("cap_overrides", "cap overrides")])
def test_exclusions_and_overrides_sorted_without_duplicates(key, what):
    body = built()
    a, b = TARGETS[1].id, TARGETS[2].id
    for ids, ok in (([a, b], True), ([b, a], False), ([a, a], False)):
        body["population"][key] = [{"id": i, "reason": "r", "basis": "b"} for i in ids]
        assert pairs(static_findings(body, "scjgj")) == ([] if ok else [
            (f"{what} must be sorted by id without duplicates", ART_FAIR)])


def test_exclusion_sets_split_cap_from_explicit():
    body = {"population": {"exclusions": [{"id": "A", "reason": "歇业"}, {"id": "B", "reason": "cap"}]}}
    assert exclusion_sets(body) == ({"A"}, {"B"})
    assert exclusion_sets({"population": {}}) == (set(), set())


def test_zero_draw_needs_zero_ok():
    raw = [{"name": "低", "match": {}, "take": {"ratio": "0.01"}, "rounding": "floor"}]
    strata = parse_strata(raw)
    [f] = zero_findings(raw, strata, [50], [0])
    assert (f.message, f.article, f.rule) == (
        "分层「低」有 50 家，比例 0.01 按 floor 取整后抽取 0 家：请改用 ceil（向上）取整或提高比例，确需为 0 时写明 zero_ok 理由 / "
        "stratum '低' has 50 eligible targets but ratio 0.01 rounded by floor draws none: use rounding \"ceil\" "
        "or a higher ratio, or state zero_ok with the reason", ART_FAIR, "draw.commit")
    assert zero_findings([{**raw[0], "zero_ok": "本季度不查"}], strata, [50], [0]) == []
    assert zero_findings(raw, strata, [0], [0]) == []  # nobody to draw
    assert zero_findings(raw, strata, [50], [1]) == []
    nothing = [{"name": "零", "match": {}, "take": {"count": 0}}]
    assert zero_findings(nothing, parse_strata(nothing), [50], [0]) == []  # a take of 0 is explicit
    none_ratio = [{"name": "零", "match": {}, "take": {"ratio": "0"}, "rounding": "ceil"}]
    assert zero_findings(none_ratio, parse_strata(none_ratio), [50], [0]) == []


def recheck(body, cap=None):
    return [(f.message, f.article, f.rule) for f in
            check_commit_body(body, "scjgj", TIME, TARGETS, INSPECTORS, cap=cap or CapTable())]


def test_each_recomputed_field_is_compared():
    body = built()
    assert recheck(body) == []
    b = copy.deepcopy(body)
    b["population"]["count"] += 1
    d = b["population"]
    assert recheck(b) == [(f"population count/root {d['count']}/{d['root'][:16]}… but the snapshot, filter and "
                           f"exclusions give {d['count'] - 1}/{d['root'][:16]}…", ART_LOCK, "")]
    b = copy.deepcopy(body)
    s = b["strata"][1]
    s["k"] += 1
    assert recheck(b) == [(f"stratum '高' says n={s['n']}, k={s['k']}; recomputed n={s['n']}, k={s['k'] - 1}",
                           ART_FAIR, "")]
    b = copy.deepcopy(body)
    b["teams"]["conflicts"] = [{"inspector": INSPECTORS[0].id, "target": TARGETS[0].id}]
    assert recheck(b) == [("declared conflicts differ from the inspector snapshot (1 listed, 0 recomputed)",
                           "000 第九条", "")]


def _capped_body(n_capped):
    """A cap table in which ``n_capped`` of the region's targets were drawn twice."""
    region = [t.id for t in TARGETS if t.region.startswith("371122")]
    cap = CapTable()
    for tid in region[:n_capped]:
        cap.add(2026, tid, "c1")
        cap.add(2026, tid, "c2")
    body = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME, cap=cap)
    return body, cap, region[:n_capped]


def test_cap_exclusions_compared_with_the_cap_table():
    body, cap, capped = _capped_body(7)
    assert [e["id"] for e in body["population"]["exclusions"] if e["reason"] == "cap"] == capped
    assert recheck(body, cap) == []
    assert recheck(body) == [  # verified without the earlier draws: none is capped
        (f"cap exclusions differ from the earlier locked draws of 2026: missing [], not capped "
         f"{capped[:5]}…", ART_CAP, "draw.cap")]
    nocap = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME, cap=CapTable())
    assert [(m, a, r) for m, a, r in recheck(nocap, cap) if r == "draw.cap"] == [
        (f"cap exclusions differ from the earlier locked draws of 2026: missing {capped[:5]}…, "
         "not capped []", ART_CAP, "draw.cap")]
    body5, cap5, capped5 = _capped_body(5)
    assert recheck(body5) == [
        (f"cap exclusions differ from the earlier locked draws of 2026: missing [], not capped {capped5}",
         ART_CAP, "draw.cap")]


def test_cap_exclusion_naming_other_draws():
    body, cap, capped = _capped_body(2)
    wrong = copy.deepcopy(body)
    e = next(e for e in wrong["population"]["exclusions"] if e["id"] == capped[1])
    e["draws"] = ["c1", "c9"]
    assert recheck(wrong, cap) == [
        (f"cap exclusion of {capped[1]} names draws ['c1', 'c9'], but the draws that count are ['c1', 'c2']",
         ART_CAP, "draw.cap")]


def test_builder_refuses_the_reserved_cap_reason_and_reports_every_problem():
    with pytest.raises(DrawError) as e:
        built(population={"snapshot": "aa" * 32, "exclusions": [{"id": TARGETS[0].id, "reason": "cap",
                                                                  "basis": "x"}]})
    assert e.value.message == "the exclusion reason 'cap' is reserved for computed cap exclusions"
    assert e.value.article == ART_CAP
    with pytest.raises(DrawError) as e:
        build_commit_body(spec(beacon={"chain_hash": SIM.chain.chain_hash, "round": SIM.chain.round_at(
            unix(TIME) + 30)}), TARGETS, INSPECTORS, time="2026-02-01T00:00:00Z", cap=CapTable(), chains=CHAINS)
    assert "less than 60 s after the commitment" in e.value.message and e.value.message.endswith(f"({ART_FAIR})")


def test_the_explained_population_leaves_out_cap_exclusions():
    """The site's explanations prove membership against the committed root: the population they
    hold is the committed one, cap exclusions left out."""
    from publisher.draw.explain import Population

    body, cap, capped = _capped_body(3)
    pop = Population.from_commit(body, TARGETS)
    assert pop.size == body["population"]["count"] and not set(capped) & set(pop.ids)
    assert pop.tree.root().hex() == body["population"]["root"]
    assert set(capped) <= set(pop.exclusions)


def test_the_explained_population_of_a_commitment_without_exclusions():
    from publisher.draw.explain import Population

    pop_spec = spec(population={"snapshot": "aa" * 32, "filter": {"regions": ["371122"]}})
    body = build_commit_body(pop_spec, TARGETS, INSPECTORS, time=TIME, cap=CapTable())
    assert body["population"].pop("exclusions") == []  # a body may also leave the member out
    pop = Population.from_commit(body, TARGETS)
    assert (pop.size, pop.exclusions, pop.tree.root().hex()) == (body["population"]["count"], {},
                                                                 body["population"]["root"])


def test_a_body_that_cannot_describe_a_draw_is_one_finding_with_its_article():
    body = built()
    odd = copy.deepcopy(body)
    odd["teams"]["mode"] = "wide"
    assert recheck(odd) == [("team mode 'wide' must be one of big, small, group, cross", ART_MATCH, "")]
    lead = copy.deepcopy(odd)
    lead["offices"] = lead["offices"][::-1]
    assert recheck(lead) == [
        ("the first office (wjj) is the lead and must be the office signing the commitment (scjgj)", ART_FAIR, ""),
        ("team mode 'wide' must be one of big, small, group, cross", ART_MATCH, "")]


def test_a_body_without_an_exclusions_member_is_rechecked():
    body = build_commit_body(spec(population={"snapshot": "aa" * 32, "filter": {"regions": ["371122"]}}),
                             TARGETS, INSPECTORS, time=TIME, cap=CapTable())
    assert body["population"].pop("exclusions") == []
    assert recheck(body) == []


def test_cap_exclusion_lists_show_five_ids_and_an_ellipsis_from_six():
    nocap = build_commit_body(spec(), TARGETS, INSPECTORS, time=TIME, cap=CapTable())
    for n, more in ((5, ""), (6, "…")):
        body, cap, capped = _capped_body(n)
        assert recheck(body) == [(f"cap exclusions differ from the earlier locked draws of 2026: missing [], "
                                  f"not capped {capped[:5]}{more}", ART_CAP, "draw.cap")]
        assert [x for x in recheck(nocap, cap) if x[2] == "draw.cap"] == [
            (f"cap exclusions differ from the earlier locked draws of 2026: missing {capped[:5]}{more}, "
             "not capped []", ART_CAP, "draw.cap")]


def test_a_cap_override_keeps_a_capped_target_in_the_population():
    region = [t.id for t in TARGETS if t.region.startswith("371122")]
    cap = CapTable()
    for tid in region[:2]:
        cap.add(2026, tid, "c1")
        cap.add(2026, tid, "c2")
    over = spec(population={"snapshot": "aa" * 32, "filter": {"regions": ["371122"]},
                            "cap_overrides": [{"id": region[0], "reason": "投诉较多，加查"}]})
    body = build_commit_body(over, TARGETS, INSPECTORS, time=TIME, cap=cap)
    assert [e["id"] for e in body["population"]["exclusions"] if e["reason"] == "cap"] == [region[1]]
    assert recheck(body, cap) == []


def test_the_lock_draws_from_the_population_without_cap_exclusions():
    from publisher.draw.lock import compute_result

    body, cap, capped = _capped_body(3)
    res = compute_result("cd" * 32, body, SIM.beacon(body["beacon"]["round"]).randomness, [], TARGETS, INSPECTORS)
    assert [s["n"] for s in res.strata] == [s["n"] for s in body["strata"]]
    assert not {r["id"] for r in res.selected} & set(capped)


def test_a_stratum_taking_one_has_one_pick_and_its_threshold():
    from publisher.draw.lock import compute_result

    body = build_commit_body(spec(strata=[
        {"name": "低", "match": {"risks": ["A", "B"]}, "take": {"count": 1}},
        {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"count": 2}}]), TARGETS, INSPECTORS, time=TIME)
    res = compute_result("cd" * 32, body, SIM.beacon(body["beacon"]["round"]).randomness, [], TARGETS, INSPECTORS)
    assert sorted(r["stratum"] for r in res.selected) == ["低", "高", "高"]
    assert all(s["threshold"] is not None for s in res.strata)


@pytest.mark.parametrize("over, message", [
    ({"population": {"snapshot": "aa" * 32, "exclusions": [{"id": "P-999999999", "reason": "x", "basis": "y"}]}},
     "exclusion of P-999999999, which is not in the filtered population of this snapshot (003 二(五))"),
    ({"population": {"snapshot": "aa" * 32, "filter": {"regions": ["99"]}}},
     "the eligible population is empty (003 二(五))"),
    ({"ratio_cap": "0.01"},
     None),
])
def test_builder_refusals_whole(over, message):
    with pytest.raises(DrawError) as e:
        built(**over)
    if message is None:  # the ratio cap: the figures come from the population
        body = built()
        k, n = sum(s["k"] for s in body["strata"]), body["population"]["count"]
        message = (f"the draw takes {k} of {n} targets ({k / n:.4%}), above the ratio cap 0.01 of a general "
                   "item (003 二(二))")
    assert e.value.message == message


@pytest.mark.parametrize("mode", ["small", "cross"])
def test_region_modes_are_rechecked_per_target_region(mode):
    body = built(teams={"inspectors": "bb" * 32, "mode": mode})
    assert recheck(body) == []
    assert body["teams"]["mode"] == mode


def test_built_cap_exclusions_are_whole():
    body, cap, capped = _capped_body(2)
    assert [e for e in body["population"]["exclusions"] if e["reason"] == "cap"] == [
        {"id": i, "reason": "cap", "basis": "001 第七条", "draws": ["c1", "c2"]} for i in capped]


def test_builder_joins_every_problem_with_its_article_if_any():
    with pytest.raises(DrawError) as e:
        built(embargo_until="2026-02-30", ratio_cap="0.01")
    body = built()
    k, n = sum(s["k"] for s in body["strata"]), body["population"]["count"]
    assert e.value.message == (
        f"the draw takes {k} of {n} targets ({k / n:.4%}), above the ratio cap 0.01 of a general item (003 二(二)); "
        "embargo_until '2026-02-30' is not a calendar date")
