"""Every attack of issue 9 ("a draw no insider can steer") on a real signed ledger whose keys the
test holds; each now fails loudly with its rule id and article (or is refused at commit)."""

from __future__ import annotations

import copy

import pytest
from test_draw_rule import HEAD, Scenario, errors, iso, locked, messages

from ledgertools import english
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.commitment import build_commit_body
from publisher.draw.errors import ART_LOCK, DrawError
from publisher.draw.lock import build_lock_body


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def _beacon(sc, c):
    return {"round": c.body["beacon"]["round"], "signature": sc.beacon_of(c).signature.hex()}


def _selected(sc, c):
    return [r["id"] for r in build_lock_body(c.id, c.body, sc.beacon_of(c), [], sc.targets, sc.inspectors)["selected"]]


def rule_errors(r, rule):
    return [p for p in errors(r) if p.rule == rule]


# --- re-draws ------------------------------------------------------------------------------------


def test_recommit_until_favourable_is_bounded_and_needs_an_allowed_reason(sc):
    """v1: 35 silent re-commits after the beacon until the wanted company is drawn. v2: the old
    free-text reason is no code at all; "correction" is refused after the round; an allowed code
    works at most twice, and every superseded outcome is computed and shown."""
    first = sc.commit(sc.spec())
    sc.checkpoint()
    sc.after_round(first)
    spec = sc.spec(supersedes=first.id, reason="原承办人未在规定时间内完成锁定，经批准重新承诺",
                   reason_code="correction", approver=HEAD, superseded_beacon=_beacon(sc, first))
    sc.commit(spec)
    r = sc.verify()
    bad = rule_errors(r, "draw.history")
    assert any("reason correction is only allowed before the superseded commitment's beacon round" in p.message
               and p.article == "001 第十二条" for p in bad), messages(r)


def test_redraw_with_allowed_reason_verifies_and_shows_both_outcomes(sc):
    first = sc.commit(sc.spec())
    sc.checkpoint()
    sc.after_round(first)
    second = sc.commit(sc.spec(supersedes=first.id, reason="上级机关要求按新方案重新抽取", reason_code="superior_order",
                               document="某市监发〔2026〕12号", approver=HEAD, superseded_beacon=_beacon(sc, first)))
    sc.checkpoint()
    lock = sc.lock(second)
    r = sc.verify()
    assert r.ok, messages(r)
    a, b = r.rule("draw").tasks["T-2026-001"].commits
    assert a.status == "abandoned (superseded)" and a.reason_code is None
    assert a.outcome == _selected(sc, first) and len(a.outcome) == sum(s["k"] for s in first.body["strata"])
    assert b.status == "locked" and b.reason_code == "superior_order" and b.approver == HEAD
    assert [x["id"] for x in lock.body["selected"]] != a.outcome


def test_redraw_after_round_without_beacon_is_an_error(sc):
    first = sc.commit(sc.spec())
    sc.checkpoint()
    sc.after_round(first)
    sc.commit(sc.spec(supersedes=first.id, reason="上级要求", reason_code="superior_order", document="某发〔2026〕1号",
                      approver=HEAD))
    assert any("needs superseded_beacon" in p.message for p in rule_errors(sc.verify(), "draw.history"))


def test_redraws_are_bounded_per_task(sc):
    prev = sc.commit(sc.spec())
    for _ in range(3):
        sc.checkpoint()
        sc.after_round(prev)
        prev = sc.commit(sc.spec(supersedes=prev.id, reason="上级要求", reason_code="superior_order",
                                 document="某发〔2026〕1号", approver=HEAD, superseded_beacon=_beacon(sc, prev)))
    r = sc.verify()
    assert [(english(p.message), p.article) for p in rule_errors(r, "draw.history")] == [
        ("task T-2026-001 already has 3 commitments; at most 2 re-draws are allowed per task", ART_LOCK)], messages(r)
    assert all(c.outcome for c in r.rule("draw").tasks["T-2026-001"].commits[:3])


def test_redraw_approver_must_be_the_head(sc):
    first = sc.commit(sc.spec())
    sc.commit(sc.spec(supersedes=first.id, reason="填错", reason_code="correction",
                      approver={"name": "钱某", "title": "分管负责人"}))
    assert any("主要负责人" in p.message for p in rule_errors(sc.verify(), "draw.history"))


def test_recommit_excluding_the_company_first_drawn(sc):
    first = sc.commit(sc.spec())
    sc.checkpoint()
    sc.after_round(first)
    victim = _selected(sc, first)[0]
    spec = sc.spec(supersedes=first.id, reason="上级要求", reason_code="superior_order", document="某发〔2026〕2号",
                   approver=HEAD, superseded_beacon=_beacon(sc, first),
                   population={"exclusions": [{"id": victim, "reason": "已迁出", "basis": "名录核实"}]})
    sc.commit(spec)
    r = sc.verify()
    assert any(f"changed: exclusions (added {victim})" in p.message and p.article == "001 第十二条"
               for p in rule_errors(r, "draw.history")), messages(r)


def test_beacon_unavailable_is_refuted_by_a_published_beacon(sc):
    first = sc.commit(sc.spec(), delay=3600)
    other = sc.commit(sc.spec("T-OTHER", beacon=first.body["beacon"]))  # same round
    sc.checkpoint()
    sc.lock(other)
    sc.commit(sc.spec(supersedes=first.id, reason="信标不可用", reason_code="beacon_unavailable", approver=HEAD))
    r = sc.verify()
    assert any("reason beacon_unavailable, but beacon round" in p.message for p in rule_errors(r, "draw.history"))


def test_population_error_needs_a_later_confirmed_snapshot(sc):
    first = sc.commit(sc.spec())
    sc.checkpoint()
    sc.after_round(first)
    sc.commit(sc.spec(supersedes=first.id, reason="名录有误", reason_code="population_error", approver=HEAD,
                      superseded_beacon=_beacon(sc, first), evidence="00" * 32))
    assert any("needs evidence" in p.message and p.article == "001 第八条"
               for p in rule_errors(sc.verify(), "draw.history"))


# --- twins and abandoned commitments -----------------------------------------------------------


def test_twelve_lookalike_tasks_only_one_locked_are_flagged_with_outcomes(sc):
    beacon = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(sc.f.clock + 7200)}
    commits = [sc.commit(sc.spec(f"T-TWIN-{i:02d}", beacon=beacon)) for i in range(12)]
    sc.checkpoint()
    sc.lock(commits[5])  # the favourable one
    rt = sc.sim.chain.round_time(commits[0].body["beacon"]["round"])
    r = sc.verify(now=rt + 8 * 86400)
    assert r.ok
    twins = [p for p in errors(r, "warning") if p.rule == "draw.history" and "twin commitments" in p.message]
    assert len(twins) == 1 and "committed 12 look-alike draws" in twins[0].message and "locked only 1" in twins[0].message
    flag = r.rule("draw").twins["scjgj"][0]
    assert (flag["commitments"], flag["locked"], flag["unlocked"], flag["locked_tasks"]) == (12, 1, 11, ["T-TWIN-05"])
    # every abandoned commitment's outcome is computed from the published round: nothing was hidden
    for c in commits[:5] + commits[6:]:
        s = r.rule("draw").commits[c.id]
        assert s.status == "abandoned" and s.outcome == _selected(sc, c)
    assert sum("abandoned commitment" in p.message for p in errors(r, "warning")) == 11


# --- population --------------------------------------------------------------------------------


def test_population_from_unconfirmed_snapshot(sc):
    blob = sc.f.ledger.put_blob(snapshot_bytes(sc.targets[:-1]))  # never confirmed
    sc.targets = sc.targets[:-1]
    sc.commit(sc.spec(population={"snapshot": blob}))
    r = sc.verify()
    assert any("was not confirmed by the lead office" in p.message and p.article == "001 第八条"
               for p in rule_errors(r, "draw.population")), messages(r)


def test_population_from_another_offices_snapshot_needs_source(sc):
    theirs = sc.confirm(sc.targets[:-2], "targets", office="wjj")
    sc.targets = sc.targets[:-2]
    sc.commit(sc.spec(population={"snapshot": theirs}))
    assert any("not confirmed by the lead office" in p.message for p in rule_errors(sc.verify(), "draw.population"))
    ok = sc.commit(sc.spec("T-2", population={"snapshot": theirs, "source": {"office": "wjj", "reason": "卫健局名录更全"}}))
    r = sc.verify()
    assert r.rule("draw").commits[ok.id].valid, messages(r)


def test_removal_just_before_the_draw_is_flagged(sc):
    friend = sc.targets[3].id
    sc.targets = [t for t in sc.targets if t.id != friend]
    blob = sc.confirm(sc.targets, "targets")
    c = sc.commit(sc.spec(population={"snapshot": blob}))
    r = sc.verify()
    assert r.ok
    w = [p for p in errors(r, "warning") if p.rule == "draw.population"]
    assert w and "1 company was removed from scjgj's target directory" in w[0].message and friend in w[0].message
    s = r.rule("draw").commits[c.id]
    assert s.removed_before == [friend] and s.removed_count == 1


# --- yearly cap --------------------------------------------------------------------------------


def test_micro_draws_cannot_manufacture_a_cap(sc):
    """Two tiny directional draws of a friend (and one other) no longer make it 'capped'."""
    friend = sc.targets[0]
    same = [t for t in sc.targets if t.region == friend.region]
    one = [{"name": "全部", "match": {}, "take": {"ratio": "1"}, "rounding": "ceil"}]
    teams = {"inspectors": sc.iblob, "mode": "big"}
    ex = [{"id": t.id, "reason": "不在本次范围", "basis": "方案"} for t in same[2:]]
    for task in ("T-M1", "T-M2"):
        _, lock = locked(sc, task, population={"filter": {"regions": [friend.region]}, "exclusions": ex},
                         strata=one, teams=teams)
        assert len(lock.body["selected"]) == 2
        sc.results(lock)
    cap = sc.cap()
    assert cap.count(2026, friend.id) == 0  # a population of 2 does not count
    c = sc.commit(sc.spec("T-REAL"))
    assert all(e["reason"] != "cap" for e in c.body["population"].get("exclusions", []))

    def forge(body):  # an office claiming the cap anyway
        body["population"]["exclusions"] = [{"id": friend.id, "reason": "cap", "basis": "001 第七条", "draws": []}]
    sc.commit(sc.spec("T-FORGED"), forge=forge)
    r = sc.verify()
    assert any(p.article == "001 第七条" and "cap exclusions differ" in p.message for p in rule_errors(r, "draw.cap"))


def test_cap_exclusions_must_name_the_draws(sc):
    region = "371102"
    take_all = [{"name": "全部", "match": {}, "take": {"ratio": "1"}, "rounding": "floor"}]
    teams = {"inspectors": sc.iblob, "mode": "big"}
    for task in ("T-1", "T-2"):
        _, lock = locked(sc, task, population={"filter": {"regions": [region]}}, strata=take_all, teams=teams)
        sc.results(lock)

    def forge(body):
        for e in body["population"]["exclusions"]:
            if e["reason"] == "cap":
                e["draws"] = ["ab" * 32]
    sc.commit(sc.spec("T-3", teams=teams), forge=forge)
    r = sc.verify()
    assert any("names draws" in p.message and p.article == "001 第七条" for p in rule_errors(r, "draw.cap"))


# --- zero draws ----------------------------------------------------------------------------------


ZERO = [{"name": "低风险", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.001"}, "rounding": "floor"},
        {"name": "高风险", "match": {"risks": ["C", "D"]}, "take": {"count": 6}}]


def test_zero_draw_refused_at_commit_with_a_bilingual_reason(sc):
    spec = sc.spec(strata=ZERO, beacon={"chain_hash": sc.sim.chain.chain_hash, "round": 10**7})
    with pytest.raises(DrawError) as exc:
        build_commit_body(spec, sc.targets, sc.inspectors, time="2026-01-01T00:00:00Z")
    m = exc.value.message
    assert "分层「低风险」" in m and "抽取 0 家" in m and "ceil" in m and "draws none" in m and "zero_ok" in m


def test_zero_draw_in_a_signed_body_is_an_error_and_opt_out_works(sc):
    spec = sc.spec(strata=copy.deepcopy(ZERO))
    spec["strata"][0]["zero_ok"] = "A/B 类本季度已全覆盖检查，本次只查高风险"
    sc.commit(spec)
    assert sc.verify().ok

    def forge(body):
        del body["strata"][0]["zero_ok"]
    sc.commit(sc.spec("T-Z", strata=copy.deepcopy(spec["strata"])), forge=forge)
    r = sc.verify()
    assert any("draws none" in p.message and p.article == "003 二(五)" for p in rule_errors(r, "draw.commit"))


# --- joint tasks ---------------------------------------------------------------------------------


def test_joint_lock_needs_each_partners_acceptance_before_the_round(sc):
    c = sc.commit(sc.spec(), accept=False)
    sc.checkpoint()
    sc.lock(c)
    r = sc.verify()
    assert any("partner office wjj has not accepted this commitment" in p.message
               for p in rule_errors(r, "draw.lock")), messages(r)


def test_acceptance_after_the_round_is_refused(sc):
    c = sc.commit(sc.spec(), accept=False)
    sc.checkpoint()
    sc.after_round(c)
    sc.append("draw.accept", {"task": c.body["task"], "commit": c.id}, office="wjj")
    assert any("after beacon round" in p.message for p in rule_errors(sc.verify(), "draw.accept"))


def test_announced_commitment_carrying_secrets_is_refused(sc):
    def forge(body):
        body["offices"][0]["commitment"] = "11" * 32
    sc.commit(sc.spec(), forge=forge)
    assert any("an announced draw has no secrets" in p.message for p in rule_errors(sc.verify(), "draw.commit"))


def test_backdated_correction_after_the_round_makes_the_redraw_void(sc):
    """An office sees the beacon, then writes a 'correction' whose claimed time is before the
    round. The first checkpoint covering it is after the round: that re-draw is void (shown,
    never counted), the ledger still verifies."""
    first = sc.commit(sc.spec(), delay=900)
    sc.checkpoint()
    rt = sc.sim.chain.round_time(first.body["beacon"]["round"])
    t = iso(rt - 120)  # back-dated: still after the office's previous entry
    spec = sc.spec(supersedes=first.id, reason="填错", reason_code="correction", approver=HEAD)
    spec["beacon"] = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(rt + 3600)}
    body = build_commit_body(spec, sc.targets, sc.inspectors, time=t, cap=sc.cap())
    sc.f.ledger.append("scjgj", "draw.commit", body, sc.f.keys["scjgj"], t)
    sc.append("draw.accept", {"task": body["task"], "commit": sc.f.ledger.read_entry("scjgj", 4).id}, office="wjj")
    sc.f.clock = rt + 300
    sc.checkpoint()  # CI sees it only now
    r = sc.verify()
    assert r.ok, messages(r)
    a, b = r.rule("draw").tasks["T-2026-001"].commits
    assert b.status == "void" and "not before the superseded commitment's beacon round" in b.void
    assert any(p.rule == "draw.history" and "draw void" in p.message for p in errors(r, "warning"))


def test_twins_on_trivially_different_snapshots_are_still_flagged(sc):
    beacon = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(sc.f.clock + 7200)}
    commits, lists = [], []
    for i in range(3):  # each look-alike task on its own copy of the directory, one company fewer
        sc.targets = sc.targets[:-1]
        lists.append(sc.targets)
        blob = sc.confirm(sc.targets, "targets")
        commits.append(sc.commit(sc.spec(f"T-LOOK-{i}", population={"snapshot": blob}, beacon=beacon)))
    sc.checkpoint()
    sc.targets = lists[1]
    sc.lock(commits[1])
    r = sc.verify()
    flag = r.rule("draw").twins["scjgj"][0]
    assert (flag["commitments"], flag["locked"], flag["locked_tasks"]) == (3, 1, ["T-LOOK-1"])
