"""Sealed risk classes (docs/spec/65-sealed.md): attacks first, on real signed ledgers.

An office of a sealed portal lies about a company's stratum in the sealed leaves, publishes
stratum counts that do not match the leaves, or picks a company whose ticket is above its
stratum's threshold; each is caught — publicly where the public can, with the openings
otherwise — under rule ``draw.sealed`` with a specific message.
"""

from __future__ import annotations

import copy
import hashlib

import pytest
from test_draw_rule import Scenario, errors, messages

from ledgertools import english
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.errors import DrawError
from publisher.draw.openings import Opening, openings_bytes, parse_openings
from publisher.draw.rules.rule import DrawRule
from publisher.draw.sealed import (
    assign_teams,
    batch_order,
    build_sealed_commit,
    build_sealed_lock,
    eligible,
    leaf_commitment,
    public_rows,
    team_plan,
)
from publisher.draw.selection import Pick
from publisher.draw.tickets import ticket

HIGH = "第二层"
LOW = "第一层"


def honest(t):
    return HIGH if t.risk in ("C", "D") else LOW


def det_salt(tid: str) -> bytes:
    return hashlib.sha256(b"test-salt:" + tid.encode()).digest()


class Sealed(Scenario):
    """The draw scenario of test_draw_rule in a portal whose risk classes are sealed."""

    def __init__(self, tmp_path, sealed_portal=True):
        from ledgertools import LedgerFactory

        orig = LedgerFactory.trust_json
        LedgerFactory.trust_json = lambda self, chains=None: {  # type: ignore[method-assign]
            **orig(self, chains), "risk_class_disclosure": "sealed" if sealed_portal else "public"}
        try:
            self.full = None
            super().__init__(tmp_path)
        finally:
            LedgerFactory.trust_json = orig  # type: ignore[method-assign]
        self.openings: dict[str, dict[str, Opening]] = {}

    def confirm(self, records, kind, office="scjgj"):
        if kind == "targets" and self.full is None:
            self.full = list(records)
            records = [t.sealed_copy() for t in records]
        return super().confirm(records, kind, office)

    def sspec(self, task="T-2026-001", **over):
        spec = self.spec(task, **over)
        spec["strata"] = [{"name": LOW, "match": {}, "take": {"ratio": "0.05"}, "rounding": "ceil"},
                          {"name": HIGH, "match": {}, "take": {"count": 6}}]
        for o in spec["offices"]:
            o.pop("commitment", None)
        return spec

    def publish(self, sc, t, forge=None):
        body = copy.deepcopy(sc.body)
        if forge:
            forge(body)
        self.f.ledger.put_blob(sc.leaves)
        e = self.f.ledger.append("scjgj", "draw.commit", body, self.f.keys["scjgj"], t)
        for o in body["offices"][1:]:
            self.append("draw.accept", {"task": body["task"], "commit": e.id}, office=o["office"])
        self.openings[body["population"]["root"]] = {o.id: o for o in sc.openings}
        return e

    def eligible_of(self, commit):
        return eligible(commit.body, [t.sealed_copy() for t in self.full], cap=None, time=commit.time,
                        apply_cap=False).targets

    def slock(self, commit, forge=None):
        self.after_round(commit)
        body = build_sealed_lock(commit.id, commit.body, self.beacon_of(commit), self.eligible_of(commit),
                                 self.openings[commit.body["population"]["root"]], self.inspectors)
        if forge:
            forge(body)
        return self.append("draw.lock", body)

    def verify(self, now=None, openings=None):
        return self.f.verify(rules=[DrawRule(openings)], now=now)


def _salted_build(s: Sealed, assign=honest, spec=None):
    """build_sealed_commit with a salt per target id (deterministic, so tests can re-open)."""
    t = s.f.tick()
    spec = copy.deepcopy(spec or s.sspec())
    spec.setdefault("beacon", {"chain_hash": s.sim.chain.chain_hash,
                               "round": s.sim.chain.round_at(s.f.clock + 600)})
    seen: list[str] = []

    def assign_and_note(target):
        seen.append(target.id)
        return assign(target)

    sc = build_sealed_commit(spec, s.full, s.inspectors, assign_and_note, time=t, cap=s.cap(),
                             salt=lambda: det_salt(seen[-1]))
    return sc, t


@pytest.fixture
def s(tmp_path):
    return Sealed(tmp_path)


def sealed_errors(r):
    return [p for p in errors(r) if p.rule == "draw.sealed"]


def draw(s, assign=honest, forge_commit=None, forge_lock=None, spec=None):
    sc, t = _salted_build(s, assign, spec)
    c = s.publish(sc, t, forge_commit)
    s.checkpoint()
    return c, s.slock(c, forge_lock)


# --- the honest path ---------------------------------------------------------------------------


def test_honest_sealed_draw_verifies_publicly_and_with_openings(s):
    c, lock = draw(s)
    r = s.verify()
    assert r.ok, messages(r)
    rule = r.rule("draw")
    assert rule.tasks["T-2026-001"].status == "locked"
    assert c.id in rule.sealed.unchecked and not rule.sealed.audited
    r2 = s.verify(openings=s.openings)
    assert r2.ok, messages(r2)
    assert r2.rule("draw").sealed.audited == [c.id] and not r2.rule("draw").sealed.unchecked
    assert all("stratum" not in row for row in lock.body["selected"])
    assert len(lock.body["selected"]) == sum(x["k"] for x in c.body["strata"])


def test_nothing_in_the_ledger_names_a_class(s):
    draw(s)
    root = s.f.ledger.root
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b'"risk":' not in data and b'"risks"' not in data, path  # trust.json names the policy only


def test_leaf_is_the_hiding_commitment_of_the_spec(s):
    c, _ = draw(s)
    leaves = s.f.ledger.open_blob(c.body["population"]["sealed"]["leaves"]).read()
    first = s.eligible_of(c)[0]
    o = s.openings[c.body["population"]["root"]][first.id]
    assert leaves[:32] == leaf_commitment(first.id, honest(next(t for t in s.full if t.id == first.id)), o.salt)


# --- attacks -----------------------------------------------------------------------------------


def test_office_lies_about_a_stratum_in_the_leaves(s):
    """The leaves put a high-risk company in the low stratum; the auditor's openings (the true
    strata, from the class register) do not open that leaf."""
    victim = next(t for t in s.full if t.risk == "D")
    lie = lambda t: LOW if t.id == victim.id else honest(t)  # noqa: E731
    c, _ = draw(s, assign=lie)
    assert s.verify().ok  # the public cannot see a sealed stratum
    root = c.body["population"]["root"]
    truthful = {i: Opening(root, i, honest(next(t for t in s.full if t.id == i)), o.salt)
                for i, o in s.openings[root].items()}
    r = s.verify(openings={root: truthful})
    bad = sealed_errors(r)
    assert any(f"the opening of {victim.id} (stratum '{HIGH}') does not match its sealed leaf" in p.message
               for p in bad), messages(r)


def test_stratum_counts_that_do_not_match_the_leaves(s):
    """n moved from one stratum to the other (Σn still N, k recomputed): invisible to the public,
    caught by the openings."""
    def forge(body):
        body["strata"][0]["n"] -= 1
        body["strata"][1]["n"] += 1
    draw(s, forge_commit=forge)
    assert s.verify().ok  # Σn = N and each k follows from its n: nothing public is wrong
    r = s.verify(openings=s.openings)
    assert any(f"stratum '{LOW}' says n=" in p.message and "the openings give" in p.message
               for p in sealed_errors(r)), messages(r)


def test_counts_that_do_not_add_up_are_public(s):
    c, _ = draw(s, forge_commit=lambda b: b["strata"][0].update(n=b["strata"][0]["n"] + 3))
    r = s.verify()
    assert any("the strata sizes add up to" in p.message for p in sealed_errors(r)), messages(r)


def test_leaves_that_are_not_the_root(s):
    c, _ = draw(s, forge_commit=lambda b: b["population"].update(root="ab" * 32))
    assert any("population.root is not the root of the sealed leaves" in p.message
               for p in sealed_errors(s.verify()))


def _relock(s, commit, lock, ids):
    """A lock whose selection is ``ids``, batches and teams recomputed honestly from them."""
    seed = bytes.fromhex(lock["seed"])
    region = {t.id: t.region for t in s.eligible_of(commit)}
    order = batch_order(seed, [Pick(i, 0, ticket(seed, i), region[i]) for i in ids])
    lock["selected"] = public_rows(order, commit.body["batch_size"])
    lock["teams"] = assign_teams(seed, ((p.id, p.region) for p in order), team_plan(commit.body, s.inspectors))


def _swap(s, pick_out, pick_in):
    def forge_lock(lock):
        commit = s._commit
        ids = [r["id"] for r in lock["selected"]]
        seed = bytes.fromhex(lock["seed"])
        out = pick_out(lock, seed, ids)
        new = pick_in(lock, seed, ids, s.eligible_of(commit))
        _relock(s, commit, lock, [i for i in ids if i != out] + [new])
    return forge_lock


def test_company_above_every_threshold_is_refused_publicly(s):
    def out(lock, seed, ids):
        ths = {bytes.fromhex(x["threshold"]) for x in lock["strata"] if x["threshold"]}
        return next(i for i in ids if ticket(seed, i) not in ths)

    def into(lock, seed, ids, el):
        top = max(bytes.fromhex(x["threshold"]) for x in lock["strata"] if x["threshold"])
        return next(t.id for t in el if ticket(seed, t.id) > top)
    c, lock = _draw_with_swap(s, out, into)
    r = s.verify()
    assert any("above every stratum threshold" in p.message for p in sealed_errors(r)), messages(r)


def test_company_above_its_own_stratum_threshold_is_refused_publicly(s):
    """The office drops a low-stratum company and picks another low-stratum one whose ticket is
    above the low threshold but below the high one: the nested count check catches it."""
    def out(lock, seed, ids):
        low = bytes.fromhex(lock["strata"][0]["threshold"])
        return next(i for i in ids if ticket(seed, i) < low)

    def into(lock, seed, ids, el):
        low = bytes.fromhex(lock["strata"][0]["threshold"])
        high = bytes.fromhex(lock["strata"][1]["threshold"])
        return next(t.id for t in el if low < ticket(seed, t.id) <= high and t.id not in ids
                    and honest(next(f for f in s.full if f.id == t.id)) == LOW)
    c, lock = _draw_with_swap(s, out, into)
    r = s.verify()
    msgs = [p.message for p in sealed_errors(r)]
    assert any("selected tickets are ≤" in m for m in msgs) or any("is not selected; it is below" in m for m in msgs), msgs


def _draw_with_swap(s, out, into):
    sc, t = _salted_build(s)
    c = s.publish(sc, t)
    s._commit = c
    s.checkpoint()
    lock = s.slock(c, _swap(s, out, into))
    return c, lock


def test_lock_that_publishes_strata_of_selected_companies_is_refused(s):
    def forge(lock):
        lock["selected"][0]["stratum"] = LOW
    draw(s, forge_lock=forge)
    assert any("carry no stratum" in p.message for p in sealed_errors(s.verify()))


def test_wrong_opening_names_the_company(s):
    c, _ = draw(s)
    root = c.body["population"]["root"]
    ops = dict(s.openings[root])
    tid = sorted(ops)[3]
    ops[tid] = Opening(root, tid, ops[tid].stratum, b"\x01" * 32)
    r = s.verify(openings={root: ops})
    assert [english(p.message) for p in sealed_errors(r)] == [
        f"the opening of {tid} (stratum '{ops[tid].stratum}') does not match its sealed leaf "
        f"{sorted(ops).index(tid)}: a wrong opening, or the leaves commit to another stratum"]


def test_missing_opening_is_named(s):
    c, _ = draw(s)
    root = c.body["population"]["root"]
    ops = dict(s.openings[root])
    tid = sorted(ops)[0]
    del ops[tid]
    assert any(f"no opening for {tid}" in p.message for p in sealed_errors(s.verify(openings={root: ops})))


# --- portal policy and the sealed form -----------------------------------------------------------


def test_sealed_draw_refused_in_a_public_portal(tmp_path):
    p = Sealed(tmp_path, sealed_portal=False)
    draw(p)
    assert any("this portal publishes risk classes" in m.message for m in sealed_errors(p.verify()))


def public_commit(s):
    """A public (unsealed) commitment over the scenario's sealed-form target snapshot."""
    from publisher.draw.commitment import build_commit_body

    spec = s.sspec()
    spec["strata"] = [{"name": "全部", "match": {}, "take": {"count": 5}}]
    body = build_commit_body({**spec, "beacon": {"chain_hash": s.sim.chain.chain_hash,
                                                 "round": s.sim.chain.round_at(s.f.clock + 900)}},
                             [t.sealed_copy() for t in s.full], s.inspectors, time=s.f.tick())
    return s.append("draw.commit", body)


def test_public_draw_refused_in_a_sealed_portal(s):
    public_commit(s)
    assert any("so every draw must be sealed" in p.message for p in sealed_errors(s.verify()))


def test_risk_in_a_sealed_filter_is_refused(s):
    spec = s.sspec()
    spec["strata"][1]["match"] = {"risks": ["C", "D"]}
    with pytest.raises(DrawError, match="matches on risks"):
        _salted_build(s, spec=spec)


def test_snapshot_with_classes_refused_in_a_sealed_portal(s):
    blob = s.f.ledger.put_blob(snapshot_bytes(s.full))  # the classes published by mistake
    t = s.f.tick()
    s.f.ledger.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": blob, "count": len(s.full),
                                                      "confirmed_by": "张某", "confirmed_at": t[:10]},
                      s.f.keys["scjgj"], t)
    spec = s.sspec(population={"snapshot": blob})
    sc, t = _salted_build(s, spec=spec)
    s.publish(sc, t)
    assert any("carries risk classes, which a sealed portal never publishes" in p.message
               for p in sealed_errors(s.verify()))


# --- openings files ------------------------------------------------------------------------------


def test_openings_file_round_trip_and_refusals():
    o = Opening("ab" * 32, "91110000101623741K", LOW, b"\x02" * 32)
    data = openings_bytes([o])
    assert parse_openings(data) == {o.root: {o.id: o}}
    with pytest.raises(DrawError, match="a second opening"):
        parse_openings(data + data, "f.jsonl")
    with pytest.raises(DrawError, match="f.jsonl:1: root and salt are 64"):
        parse_openings(data.replace(b"02", b"0g", 1), "f.jsonl")
    with pytest.raises(DrawError, match="exactly id, root, salt, stratum"):
        parse_openings(b'{"id":"x","root":"' + b"ab" * 32 + b'"}\n', "f.jsonl")
