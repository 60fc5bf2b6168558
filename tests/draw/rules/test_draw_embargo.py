"""``draw.embargo``: an embargoed draw opens itself at its reveal round, with no reveal entry.

Attacks first: a lock whose ``result_hash`` is random bytes, or the hash of another list, or
escrows that hide another secret — each is an ERROR for that draw as soon as the reveal round's
beacon exists (recorded under ``ledger/beacons/`` by anyone), and nothing before it.
"""

from __future__ import annotations

import copy

from test_draw_rule import Scenario, errors, messages  # noqa: F401 (fixture module)

from ledgertools import english
from publisher.beacon import Beacon
from publisher.embargo import reveal_round, seal_secret
from publisher.storage.beacons import beacon_path, record_beacon

EMBARGO = "2026-01-05"


def setup(tmp_path, forge_lock=None, forge_commit=None):
    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec(embargo_until=EMBARGO), forge=forge_commit)
    sc.checkpoint()
    body = sc.lock_body(c)
    if forge_lock:
        forge_lock(sc, c, body)
    lock = sc.lock(c, body)
    return sc, c, lock


def open_round(sc):
    """CI (or anyone) records the reveal round's beacon: the only step after the lock."""
    rr = reveal_round(sc.sim.chain, EMBARGO)
    record_beacon(sc.f.ledger.root, sc.sim.chain.chain_hash, sc.sim.beacon(rr))
    return rr


def embargo_errors(r):
    return [p for p in errors(r) if p.rule == "draw.embargo"]


def test_correct_embargo_opens_from_the_timelock_alone(tmp_path):
    sc, c, _ = setup(tmp_path)
    r = sc.verify()
    st = r.rule("draw").tasks["T-2026-001"].current
    assert r.ok and st.status == "embargoed" and not st.opened and st.selected is None
    open_round(sc)
    r = sc.verify()
    assert r.ok, messages(r)
    st = r.rule("draw").tasks["T-2026-001"].current
    assert st.opened and st.reveal is None and st.status == "revealed"
    opened = r.rule("draw").book.private[c.id].opened
    want = sc.reveal_body(c)  # what the office would have revealed, from its secrets
    assert opened.to_json()["selected"] == want["selected"] and st.selected == len(want["selected"])
    # no "unrevealed draw" nagging once the list is public through the timelock
    assert "unrevealed draw" not in messages(sc.verify(now=1767225600 + 40 * 86400), "warning")


def test_random_result_hash_is_an_error_once_the_reveal_round_is_out(tmp_path):
    sc, c, _ = setup(tmp_path, forge_lock=lambda sc, c, b: b.update(result_hash="5e" * 32))
    r = sc.verify()
    assert r.ok, messages(r)  # before the reveal round nobody can tell
    open_round(sc)
    r = sc.verify()
    (p,) = embargo_errors(r)
    assert not r.ok and p.article == "001 第十二条"
    assert english(p.message).startswith(f"task T-2026-001, commitment {c.id[:16]}…: embargoed lock binds nothing: its "
                                "result_hash 5e5e5e5e5e5e5e5e… is not the hash of the list the escrowed secrets give")
    assert not r.rule("draw").tasks["T-2026-001"].current.opened


def test_hash_of_another_list_is_an_error_without_any_reveal(tmp_path):
    from publisher.draw.lock import result_hash

    def other(sc, c, body):
        res = {k: v for k, v in sc.reveal_body(c).items() if k in ("seed", "strata", "selected", "teams")}
        res["selected"] = res["selected"][::-1]
        body["result_hash"] = result_hash(res)

    sc, _, _ = setup(tmp_path, forge_lock=other)
    open_round(sc)
    (p,) = embargo_errors(sc.verify())
    assert "embargoed lock binds nothing" in p.message


def test_escrow_of_another_secret_is_an_error_at_the_reveal_round(tmp_path):
    def swap(body):  # the commitments are honest, the escrows hide other values
        a, b = body["offices"]
        a["escrow"], b["escrow"] = b["escrow"], a["escrow"]

    sc, _, _ = setup(tmp_path, forge_commit=swap)
    assert sc.verify().ok  # locked to the right round: nothing to see before it
    open_round(sc)
    (p,) = embargo_errors(sc.verify())
    assert "embargo escrow: scjgj: escrow.commitment: escrow opens to a value that is not the secret" in p.message
    assert p.article == "001 第十七条"


def test_commit_without_escrow_or_with_a_late_escrow_is_refused(tmp_path):
    sc = Scenario(tmp_path)
    spec = sc.spec(embargo_until=EMBARGO)
    spec["offices"][1].pop("escrow")
    sc.commit(spec)
    late = sc.spec("T-2026-002", embargo_until=EMBARGO)
    late["offices"][0]["escrow"] = seal_secret(bytes(32), "2026-01-06", sc.sim.chain)
    sc.commit(late)
    msgs = [english(p.message) for p in errors(sc.verify()) if p.rule == "draw.embargo"]
    assert any(m.startswith("office wjj gives no escrow of its secret") for m in msgs), msgs
    assert any(m.startswith("office scjgj: escrow.round: escrow is locked to round") for m in msgs), msgs


def test_embargo_must_end_after_the_commitment(tmp_path):
    sc = Scenario(tmp_path)
    sc.commit(sc.spec(embargo_until="2025-12-01"))
    msgs = [p.message for p in errors(sc.verify()) if p.rule == "draw.embargo"]
    assert any("embargo_until 2025-12-01 is not after the commitment" in m for m in msgs), msgs


def test_a_forged_recorded_beacon_opens_nothing(tmp_path):
    sc, _, _ = setup(tmp_path, forge_lock=lambda sc, c, b: b.update(result_hash="5e" * 32))
    rr = reveal_round(sc.sim.chain, EMBARGO)
    wrong = sc.sim.beacon(rr + 1)
    p = beacon_path(sc.f.ledger.root, sc.sim.chain.chain_hash, rr)
    record_beacon(sc.f.ledger.root, sc.sim.chain.chain_hash, Beacon(rr, wrong.signature))
    assert p.is_file()
    r = sc.verify()
    assert r.ok and not embargo_errors(r)
    assert any("the recorded beacon of round" in w.message and "does not verify" in w.message
               for w in errors(r, "warning"))


def test_reveal_entry_can_only_agree(tmp_path):
    sc, c, _ = setup(tmp_path)
    open_round(sc)
    sc.f.clock = 1767225600 + 10 * 86400
    bad = copy.deepcopy(sc.reveal_body(c))
    bad["selected"] = bad["selected"][::-1]
    sc.append("draw.reveal", bad)
    r = sc.verify()
    assert not r.ok and "selected list differs from the recomputation at position 1" in messages(r)
    assert not embargo_errors(r)  # the lock itself binds the list the escrows give


def test_an_opening_is_remembered_on_this_machine_for_exactly_its_inputs(tmp_path, monkeypatch):
    """Opening the escrows and recomputing the list is a pure function of the commitment, the
    lock and the reveal beacon: with the verification cache a later run reuses it (same report),
    a changed or foreign memo file is ignored, and without the cache it is always recomputed."""
    from publisher.core.verifier import verify
    from publisher.draw.rules import embargo as rule
    from publisher.draw.rules.rule import DrawRule
    from publisher.storage.ledger_dir import LedgerDir
    from publisher.storage.verify_cache import VerifyCache

    sc, c, _ = setup(tmp_path)
    open_round(sc)
    calls = []
    real = rule.embargo_findings
    monkeypatch.setattr(rule, "embargo_findings", lambda *a, **k: calls.append(1) or real(*a, **k))
    ledger = LedgerDir(sc.f.ledger.root)

    def run(cache):
        r = verify(ledger, ledger.trust(), [DrawRule()], cache=cache, workers=1)
        st = r.rule("draw").tasks["T-2026-001"].current
        return r, st, r.rule("draw").book.private[c.id].opened

    cache = VerifyCache(tmp_path / "cache")
    first, st1, opened1 = run(cache)
    assert first.ok and st1.opened and len(calls) == 1
    second, st2, opened2 = run(cache)
    assert len(calls) == 1, "the opening was computed again"
    assert [p.line() for p in second.problems] == [p.line() for p in first.problems]
    assert st2.opened and opened2.to_json() == opened1.to_json() and st2.selected == st1.selected
    run(None)  # --full: no cache, computed
    assert len(calls) == 2
    import dataclasses
    import pickle

    memo = next((tmp_path / "cache" / "memo").rglob("*.pickle"))
    data = memo.read_bytes()
    secrets = pickle.loads(data[32:])[1]
    forged = dataclasses.replace(opened1, selected=opened1.selected[:-1])  # a shorter list, same MAC
    memo.write_bytes(data[:32] + pickle.dumps((forged, secrets)))
    third, st3, opened3 = run(cache)
    assert len(calls) == 3 and opened3.to_json() == opened1.to_json()
    run(VerifyCache(tmp_path / "other-machine"))  # another machine's key: its own memo, computed
    assert len(calls) == 4
