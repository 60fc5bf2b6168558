"""``check_sealed_lock``'s public checks (§6S.2 5–7), one forged field at a time, each with its whole
message and article; and the auditor's opening checks (§6S.3) one by one. One honest sealed draw
is built per module; every test alters a copy."""

from __future__ import annotations

import copy

import pytest
from test_draw_sealed import HIGH, LOW, Sealed, _salted_build, honest, public_commit

from publisher.draw.errors import ART_FAIR, ART_LOCK, ART_MATCH
from publisher.draw.openings import Opening
from publisher.draw.sealed import ART_SEALED, check_sealed_lock, opening_findings


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    s = Sealed(tmp_path_factory.mktemp("sealed"))
    built, t = _salted_build(s)
    c = s.publish(built, t)
    s.checkpoint()
    lock = s.slock(c)
    el = s.eligible_of(c)
    return s, c, lock, el, built


def check(drawn, forge=None, openings=None):
    s, c, lock, el, _ = drawn
    body = copy.deepcopy(lock.body)
    if forge:
        forge(body)
    out, _ = check_sealed_lock(c.id, c.body, body, s.beacon_of(c).randomness, el, s.inspectors, openings)
    return [(f.message, f.article, f.rule) for f in out]


def test_the_honest_lock_passes_publicly_and_with_openings(drawn):
    s, c, _, _, _ = drawn
    assert check(drawn) == []
    assert check(drawn, openings=s.openings[c.body["population"]["root"]]) == []


def test_another_seed(drawn):
    _, _, lock, _, _ = drawn
    got = check(drawn, lambda b: b.update(seed="00" * 32))
    assert got[0] == (f"seed {'00' * 8}… differs from the recomputed {lock.body['seed'][:16]}…", ART_LOCK,
                      "draw.sealed")


def test_strata_that_are_not_the_commitments(drawn):
    _, c, lock, _, _ = drawn
    want = [(s["name"], s["n"], s["k"]) for s in c.body["strata"]]
    got = check(drawn, lambda b: b["strata"][0].update(n=b["strata"][0]["n"] + 1))
    assert got == [(f"the lock's strata {[(want[0][0], want[0][1] + 1, want[0][2]), want[1]]} are not the "
                    f"commitment's {want}", ART_LOCK, "draw.sealed")]


def test_a_threshold_iff_the_stratum_takes_someone(drawn):
    got = check(drawn, lambda b: b["strata"][1].update(threshold=None))
    assert (f"stratum '{HIGH}': a threshold is given iff k > 0", ART_LOCK, "draw.sealed") in got


def test_selected_rows_count_distinct_and_eligible(drawn):
    _, _, lock, el, _ = drawn
    k = len(lock.body["selected"])
    got = check(drawn, lambda b: b["selected"].append(dict(b["selected"][0])))
    assert got[0] == (f"selected lists {k + 1} rows ({k} distinct) for Σk = {k}", ART_LOCK, "draw.sealed")
    got = check(drawn, lambda b: b["selected"].pop())
    assert got[0] == (f"selected lists {k - 1} rows ({k - 1} distinct) for Σk = {k}", ART_LOCK, "draw.sealed")
    got = check(drawn, lambda b: b["selected"][0].update(id="X-NOT-ELIGIBLE"))
    assert ("selected X-NOT-ELIGIBLE, which is not an eligible target of this draw", ART_LOCK, "draw.sealed") in got


def test_the_batch_order_is_recomputed(drawn):
    def swap(b):
        b["selected"][0]["id"], b["selected"][1]["id"] = b["selected"][1]["id"], b["selected"][0]["id"]
    got = check(drawn, swap)
    assert got[0][0].startswith("selected list (batch order) differs at position 1: published ")
    assert got[0][1:] == (ART_LOCK, "draw.sealed")


def test_rows_carrying_a_stratum(drawn):
    got = check(drawn, lambda b: b["selected"][0].update(stratum=LOW))
    assert ("a sealed lock's selected rows carry no stratum", ART_SEALED, "draw.sealed") in got


def test_teams_are_recomputed(drawn):
    def swap(b):
        t0, t1 = b["teams"][0], b["teams"][1]
        t0["members"][1], t1["members"][1] = t1["members"][1], t0["members"][1]
    got = check(drawn, swap)
    assert got[-1][0].startswith("teams differs at position 1: published ") and got[-1][1:] == (ART_MATCH,
                                                                                                 "draw.sealed")


def test_each_opening_refusal(drawn):
    s, c, _, el, built = drawn
    root = c.body["population"]["root"]
    ops = dict(s.openings[root])
    leaves = built.leaves
    first, second = el[0].id, el[1].id
    assert opening_findings(c.body, el, leaves, ops) == []
    named = dict(ops)
    named[first] = Opening(root, first, "第九层", ops[first].salt)
    assert [(f.message, f.article) for f in opening_findings(c.body, el, leaves, named)] == [
        (f"the opening of {first} names stratum '第九层', which the commitment does not have", ART_LOCK)]
    extra = dict(ops)
    for i in ("Z1", "Z2", "Z3", "Z4", "Z5", "Z6"):
        extra[i] = Opening(root, i, LOW, b"\x00" * 32)
    assert [(f.message, f.article, f.rule) for f in opening_findings(c.body, el, leaves, extra)] == [
        (f"an opening for {i}, which is not an eligible target of this draw", ART_LOCK, "draw.sealed")
        for i in ("Z1", "Z2", "Z3", "Z4", "Z5")]
    missing = {k: v for k, v in ops.items() if k != second}
    assert [(f.message, f.article, f.rule) for f in opening_findings(c.body, el, leaves, missing)] == [
        (f"no opening for {second} (leaf 1); the auditor cannot check its stratum", ART_LOCK, "draw.sealed")]
    assert honest(next(t for t in s.full if t.id == first)) == ops[first].stratum


def test_a_stratum_taking_nobody_has_no_threshold_and_passes(tmp_path):
    s = Sealed(tmp_path)
    spec = s.sspec()
    spec["strata"][1]["take"] = {"count": 0}
    built, t = _salted_build(s, spec=spec)
    c = s.publish(built, t)
    s.checkpoint()
    lock = s.slock(c)
    assert [x["threshold"] is None for x in lock.body["strata"]] == [False, True]
    r = s.verify()
    assert r.ok and [p for p in r.problems if p.rule.startswith("draw")] == []
    assert r.rule("draw").tasks["T-2026-001"].current.lock_valid


@pytest.mark.parametrize("mode", ["small", "cross"])
def test_a_sealed_draw_in_a_region_mode_is_checked_with_each_targets_region(tmp_path, mode):
    s = Sealed(tmp_path)
    spec = s.sspec()
    spec["teams"]["mode"] = mode
    spec["teams"].pop("load_cap")  # the sample pool is too small for a cap of 4 across regions
    built, t = _salted_build(s, spec=spec)
    c = s.publish(built, t)
    s.checkpoint()
    s.slock(c)
    r = s.verify()
    assert r.ok and [p for p in r.problems if p.rule.startswith("draw")] == []
    assert r.rule("draw").tasks["T-2026-001"].current.lock_valid


def test_every_bad_opening_is_named_with_its_article_and_rule(drawn):
    s, c, _, el, built = drawn
    root = c.body["population"]["root"]
    ops = dict(s.openings[root])
    a, b = el[0].id, el[1].id
    named = {**ops, a: Opening(root, a, "第九层", ops[a].salt), b: Opening(root, b, "第八层", ops[b].salt)}
    assert [(f.message, f.article, f.rule) for f in opening_findings(c.body, el, built.leaves, named)] == [
        (f"the opening of {a} names stratum '第九层', which the commitment does not have", ART_LOCK, "draw.sealed"),
        (f"the opening of {b} names stratum '第八层', which the commitment does not have", ART_LOCK, "draw.sealed")]
    salted = {**ops, a: Opening(root, a, ops[a].stratum, b"\x01" * 32), b: Opening(root, b, ops[b].stratum, b"\x02" * 32)}
    assert [(f.message, f.article, f.rule) for f in opening_findings(c.body, el, built.leaves, salted)] == [
        (f"the opening of {i} (stratum {ops[i].stratum!r}) does not match its sealed leaf {n}: a wrong opening, or the "
         "leaves commit to another stratum", ART_LOCK, "draw.sealed") for n, i in enumerate((a, b))]


def test_an_opening_into_a_stratum_whose_match_refuses_the_target(drawn):
    s, c, _, el, built = drawn
    root = c.body["population"]["root"]
    ops = s.openings[root]
    body = copy.deepcopy(c.body)
    body["strata"][0]["match"] = {"regions": ["9999"]}  # no target is in region 9999
    low = [t.id for t in el if ops[t.id].stratum == body["strata"][0]["name"]]
    got = [(f.message, f.article, f.rule) for f in opening_findings(body, el, built.leaves, ops)]
    assert got == [(f"{i} is sealed in stratum {body['strata'][0]['name']!r}, whose match does not accept it",
                    ART_FAIR, "draw.sealed") for i in low] and low


def test_a_sealed_commitment_on_an_empty_snapshot_is_named_not_crashed(tmp_path):
    """An empty target snapshot has no first record to tell its form by: the commitment is judged
    on its counts (and the removal warning), never an internal error of the rule."""
    s = Sealed(tmp_path)
    empty = s.confirm([], "targets")
    built, t = _salted_build(s)
    s.publish(built, t, forge=lambda b: b["population"].update(snapshot=empty))
    r = s.verify()
    assert [(p.rule, p.message, p.article) for p in r.errors] == [
        ("draw.sealed", "密封风险等级的抽取核对不符 / population.count 120 but the snapshot, filter and exclusions "
         "give 0 eligible targets", ART_LOCK)]


# --- the portal's policy and the snapshot's form, each with its whole message (session 6) -------

def _sealed_problems(r):
    return [(p.message, p.article) for p in r.errors if p.rule == "draw.sealed"]


def test_a_sealed_draw_in_a_public_portal_exactly(tmp_path):
    from test_draw_sealed import draw

    p = Sealed(tmp_path, sealed_portal=False)
    c, _ = draw(p)
    r = p.verify()
    assert r.rule("draw").book.commits[c.id].population == c.body["population"]["count"]  # shown on its page
    assert _sealed_problems(r) == [
        ("本门户公开风险分类，抽取不能封存分层 / this portal publishes risk classes (trust.json), so a draw cannot be "
         "sealed", ART_SEALED)]


def test_a_public_draw_in_a_sealed_portal_exactly(tmp_path):
    s = Sealed(tmp_path)
    public_commit(s)
    assert _sealed_problems(s.verify()) == [
        ("本门户的风险分类封存，每次抽取都必须封存分层（population.sealed） / this portal's risk classes are sealed "
         "(trust.json), so every draw must be sealed (population.sealed)", ART_SEALED)]


def test_a_public_draw_on_a_sealed_form_snapshot_in_a_public_portal(tmp_path):
    p = Sealed(tmp_path, sealed_portal=False)  # its target snapshot is published in the sealed form
    public_commit(p)
    assert _sealed_problems(p.verify()) == [
        ("检查对象名录快照为封存格式（无风险分类），但本门户公开风险分类 / the target snapshot is in the sealed form (no "
         "risk) but the portal publishes classes", ART_SEALED)]


def test_a_snapshot_with_classes_in_a_sealed_portal_exactly(tmp_path):
    from test_draw_sealed import test_snapshot_with_classes_refused_in_a_sealed_portal

    s = Sealed(tmp_path)
    test_snapshot_with_classes_refused_in_a_sealed_portal(s)
    assert _sealed_problems(s.verify()) == [
        ("检查对象名录快照带有风险分类，封存门户从不公开风险分类 / the target snapshot carries risk classes, which a "
         "sealed portal never publishes", ART_SEALED)]


def test_a_leaves_blob_longer_than_the_count_is_read_one_byte_past_it(tmp_path):
    import hashlib
    from dataclasses import replace

    s = Sealed(tmp_path)
    built, t = _salted_build(s)
    longer = built.leaves + bytes(64)
    s.publish(replace(built, leaves=longer),
              t, forge=lambda b: b["population"]["sealed"].update(leaves=hashlib.sha256(longer).hexdigest()))
    assert _sealed_problems(s.verify()) == [
        ("密封风险等级的抽取核对不符 / the sealed leaves blob holds 120 leaves (3841 bytes), population.count is 120",
         ART_LOCK)]


def test_a_missing_leaves_blob_is_named_as_missing(tmp_path):
    s = Sealed(tmp_path)
    built, t = _salted_build(s)
    c = s.publish(built, t)
    digest = c.body["population"]["sealed"]["leaves"]
    (s.f.ledger.root / "blobs" / digest).unlink()
    assert _sealed_problems(s.verify()) == [
        (f"密封风险等级的抽取核对不符 / the sealed leaves blob {digest[:16]}… is not in the ledger", ART_LOCK)]


def test_a_sealed_commitment_whose_inspector_snapshot_is_gone(tmp_path):
    s = Sealed(tmp_path)
    built, t = _salted_build(s)
    c = s.publish(built, t)
    digest = c.body["teams"]["inspectors"]
    (s.f.ledger.root / "blobs" / digest).unlink()
    assert _sealed_problems(s.verify()) == [
        (f"账本中没有这份名录快照文件 / snapshot blob {digest[:16]}… is not in the ledger (ledger/blobs)", ART_LOCK)]


def test_a_sealed_commitment_carries_the_static_findings_whole_as_draw_commit(drawn):
    """The shape checks every commitment gets (commitment.static_findings) come through a sealed
    commitment's check unchanged — message, article, severity — under rule draw.commit."""
    from publisher.draw.cap import CapTable
    from publisher.draw.commitment import static_findings
    from publisher.draw.sealed import check_sealed_commit

    s, c, _, _, built = drawn
    want = static_findings(c.body, "wjj")  # not the lead office
    assert want and all(not f.rule for f in want)
    out, _ = check_sealed_commit(c.body, "wjj", c.time, [t.sealed_copy() for t in s.full], s.inspectors,
                                 built.leaves, cap=CapTable())
    got = [(f.message, f.article, f.severity, f.rule) for f in out[:len(want)]]
    assert got == [(f.message, f.article, f.severity, "draw.commit") for f in want]


# --- check_sealed_commit's public checks, one forged field at a time, each finding whole --------

def commit_findings(drawn, forge=None, leaves=None, office="scjgj"):
    from publisher.draw.cap import CapTable
    from publisher.draw.sealed import check_sealed_commit

    s, c, _, _, built = drawn
    body = copy.deepcopy(c.body)
    if forge:
        forge(body)
    out, _ = check_sealed_commit(body, office, c.time, [t.sealed_copy() for t in s.full], s.inspectors,
                                 built.leaves if leaves is None else leaves, cap=CapTable())
    return [(f.message, f.article, f.severity, f.rule) for f in out]


def test_the_honest_sealed_commitment_has_no_finding(drawn):
    assert commit_findings(drawn) == []


def test_a_count_that_is_not_the_eligible_population(drawn):
    n = drawn[1].body["population"]["count"]
    got = commit_findings(drawn, lambda b: b["population"].update(count=n + 1))
    assert (f"population.count {n + 1} but the snapshot, filter and exclusions give {n} eligible targets", ART_LOCK,
            "error", "draw.sealed") in got
    assert (f"the strata sizes add up to {n}, population.count is {n + 1}", ART_FAIR, "error", "draw.sealed") in got


def test_leaves_that_are_not_the_root(drawn):
    got = commit_findings(drawn, lambda b: b["population"].update(root="00" * 32))
    assert got == [("population.root is not the root of the sealed leaves", ART_LOCK, "error", "draw.sealed")]


def test_a_stratum_whose_k_is_not_its_take(drawn):
    st = drawn[1].body["strata"][1]
    got = commit_findings(drawn, lambda b: b["strata"][1].update(k=st["k"] + 1))
    assert (f"stratum {st['name']!r}: k={st['k'] + 1}, but take gives {st['k']} of n={st['n']}", ART_FAIR, "error",
            "draw.sealed") in got


def test_declared_conflicts_that_are_not_the_snapshots(drawn):
    got = commit_findings(drawn, lambda b: b["teams"].update(conflicts=b["teams"]["conflicts"] + [["X-NOBODY", "Y"]]))
    assert got == [("declared conflicts differ from the inspector snapshot", "000 第九条", "error", "draw.commit")]


def test_a_sealed_draw_with_a_risk_filter_or_an_embargo(drawn):
    got = commit_findings(drawn, lambda b: b.update(embargo_until="2026-03-01"))
    assert ("a sealed portal's draws cannot be embargoed in this version (docs/spec/65-sealed.md §6S.1)", ART_SEALED,
            "error", "draw.sealed") in got
    got = commit_findings(drawn, lambda b: b["population"]["sealed"].update(format="v0"))
    assert (f"population.sealed.format must be {drawn[1].body['population']['sealed']['format']!r}", ART_SEALED,
            "error", "draw.sealed") in got


def test_a_sealed_draw_over_its_ratio_cap(drawn):
    from publisher.draw.commitment import ratio_cap_problem

    c = drawn[1]
    ks = [s["k"] for s in c.body["strata"]]
    why = ratio_cap_problem(ks, c.body["population"]["count"], "0.01")
    assert why
    assert commit_findings(drawn, lambda b: b.update(ratio_cap="0.01")) == [(why, ART_FAIR, "error", "draw.commit")]


def test_a_sealed_draw_with_risks_in_its_filter_or_a_stratum(drawn):
    got = commit_findings(drawn, lambda b: b["population"].update(filter={"risks": ["C"]}))
    assert ("a sealed draw's filter may not use risks: the public could not check it, and it would publish the "
            "classes", ART_SEALED, "error", "draw.sealed") in got
    name = drawn[1].body["strata"][0]["name"]
    got = commit_findings(drawn, lambda b: b["strata"][0].update(match={"risks": ["A"]}))
    assert (f"stratum {name!r} of a sealed draw matches on risks; the stratum of each target is the sealed "
            "assignment, bound by its leaf", ART_SEALED, "error", "draw.sealed") in got


def test_the_public_population_applies_the_filter_and_names_stray_exclusions(drawn):
    from publisher.draw.sealed import eligible

    s, c, _, _, _ = drawn
    targets = [t.sealed_copy() for t in s.full]
    region = targets[0].region
    body = copy.deepcopy(c.body)
    body["population"]["filter"] = {"regions": [region]}
    body["population"]["exclusions"] = [{"id": "X-NOT-THERE", "reason": "歇业", "basis": "现场核实"}]
    el = eligible(body, targets, cap=None, time=c.time, apply_cap=False)
    assert [t.id for t in el.targets] == sorted(t.id for t in targets if t.region.startswith(region))
    assert len(el.targets) < len(targets)
    assert [(f.message, f.article) for f in el.findings] == [
        ("exclusion of X-NOT-THERE, which is not in the filtered population of this snapshot", ART_FAIR)]
    assert el.seen_explicit == set()
