"""Escrowed secrets open themselves at the embargo's end; the office's private view before it.

The draw is the worked example of docs/spec/60-draw.md (publisher.draw.vectors: real quicknet
beacon, 30 targets, two offices, embargoed until 2024-11-01). The escrows use a simulated chain
because drand has not published (to our recorded vectors) the quicknet round of 2024-11-01.
"""

from __future__ import annotations

import io
from functools import lru_cache

import pytest

from publisher import timelock
from publisher.beacon import QUICKNET
from publisher.beacon.simulated import SimulatedBeacon
from publisher.beacon.verify import Beacon
from publisher.directory.records import Inspector
from publisher.directory.snapshot import iter_snapshot
from publisher.draw import vectors as dv
from publisher.draw.lock import build_lock_body, compute_result, result_hash
from publisher.draw.timeutil import day_start
from publisher.embargo import (
    EscrowError,
    ShowError,
    check_escrow_lock,
    embargo_findings,
    open_escrow,
    open_escrows,
    reveal_round,
    seal_secret,
    show_embargoed,
)

SIM = SimulatedBeacon(b"ssgk embargo tests", genesis_time=1_700_000_000)
OFFICES = list(dv.SECRETS)
SECRETS = list(dv.SECRETS.values())


@lru_cache(maxsize=1)
def example():
    ex = dv.example()
    tsnap = ("\n".join(ex["target_snapshot"]) + "\n").encode()
    isnap = ("\n".join(ex["inspector_snapshot"]) + "\n").encode()
    return ex, tsnap, isnap


def targets():
    return iter_snapshot(io.BytesIO(example()[1]))


def inspectors():
    return list(iter_snapshot(io.BytesIO(example()[2]), Inspector))


def emb():
    e = example()[0]["embargoed"]
    return e["commit_id"], e["commit_body"], e["lock_body"]


def test_reveal_round_is_the_first_round_at_beijing_midnight():
    r = reveal_round(SIM.chain, "2024-11-01")
    t = day_start("2024-11-01")
    assert SIM.chain.round_time(r) >= t > SIM.chain.round_time(r - 1)
    assert t == 1730390400  # 2024-10-31T16:00:00Z


def test_correct_embargo_list_recomputed_from_the_timelock_alone():
    cid, body, lock = emb()
    escrows = [seal_secret(s, body["embargo_until"], SIM.chain) for s in SECRETS]
    beacon = SIM.beacon(reveal_round(SIM.chain, body["embargo_until"]))
    secrets = open_escrows(body, SIM.chain, beacon, escrows)  # no secret from the office
    b = lock["beacon"]
    randomness = Beacon(b["round"], bytes.fromhex(b["signature"])).randomness
    result = compute_result(cid, body, randomness, secrets, targets(), inspectors())
    assert result_hash(result.to_json()) == lock["result_hash"]


def test_before_the_reveal_round_nobody_opens_the_escrow():
    _, body, _ = emb()
    esc = seal_secret(SECRETS[0], body["embargo_until"], SIM.chain)
    with pytest.raises(EscrowError, match=r"office scjgj: tlock.not-yet: round \d+ of chain .* has no beacon yet"):
        open_escrow(esc, task=body["task"], office="scjgj", commitment=body["offices"][0]["commitment"],
                    embargo_until=body["embargo_until"], chain=SIM.chain, beacon=None)


def test_an_escrow_of_another_value_is_refused():
    _, body, _ = emb()
    escrows = [seal_secret(s, body["embargo_until"], SIM.chain) for s in reversed(SECRETS)]  # swapped
    beacon = SIM.beacon(reveal_round(SIM.chain, body["embargo_until"]))
    with pytest.raises(EscrowError, match=r"office scjgj: escrow.commitment: escrow opens to a value that is not "
                                          r"the secret of commitment .* \(001 第十七条\)"):
        open_escrows(body, SIM.chain, beacon, escrows)


def test_an_escrow_locked_to_a_later_round_is_refused():
    _, body, _ = emb()
    r = reveal_round(SIM.chain, body["embargo_until"])
    late = timelock.encrypt(SECRETS[0], r + 1000, SIM.chain).decode()
    with pytest.raises(EscrowError, match=rf"escrow.round: escrow is locked to round {r + 1000}, the embargo ending "
                                          rf"2024-11-01 needs round {r}"):
        open_escrow(late, task=body["task"], office="scjgj", commitment=body["offices"][0]["commitment"],
                    embargo_until=body["embargo_until"], chain=SIM.chain, beacon=SIM.beacon(r + 1000))


def test_an_escrow_on_another_chain_is_refused():
    _, body, _ = emb()
    esc = seal_secret(SECRETS[0], body["embargo_until"], QUICKNET)
    with pytest.raises(EscrowError, match="escrow.chain: escrow is locked to chain 52db9ba7"):
        open_escrow(esc, task=body["task"], office="scjgj", commitment=body["offices"][0]["commitment"],
                    embargo_until=body["embargo_until"], chain=SIM.chain, beacon=None)


def test_a_tampered_escrow_is_refused():
    _, body, _ = emb()
    r = reveal_round(SIM.chain, body["embargo_until"])
    esc = bytearray(timelock.age.dearmor(seal_secret(SECRETS[0], body["embargo_until"], SIM.chain).encode()))
    esc[-4] ^= 1
    with pytest.raises(EscrowError, match="tlock.tampered"):
        open_escrow(bytes(esc), task=body["task"], office="scjgj", commitment=body["offices"][0]["commitment"],
                    embargo_until=body["embargo_until"], chain=SIM.chain, beacon=SIM.beacon(r))


def test_private_view_gives_the_locked_list():
    cid, body, lock = emb()
    view = show_embargoed(cid, body, lock, SECRETS, targets(), inspectors(), QUICKNET)
    assert view.result_hash == lock["result_hash"]
    assert view.selected() and all({"id", "stratum", "batch", "position"} <= set(r) for r in view.selected())


def test_private_view_reports_a_lock_that_binds_nothing():
    cid, body, lock = emb()
    forged = dict(lock, result_hash="ab" * 32)
    with pytest.raises(ShowError, match=r"the lock's result_hash abababababababab… does not match the list these "
                                        r"secrets give .*: the lock binds another list \(001 第十二条\)"):
        show_embargoed(cid, body, forged, SECRETS, targets(), inspectors(), QUICKNET)


def test_private_view_refuses_a_wrong_secret():
    cid, body, lock = emb()
    with pytest.raises(ShowError, match="the secret revealed for office wjj does not match its commitment"):
        show_embargoed(cid, body, lock, [SECRETS[0], bytes(32)], targets(), inspectors(), QUICKNET)


def test_private_view_refuses_a_forged_beacon_and_a_public_draw():
    cid, body, lock = emb()
    bad = dict(lock, beacon={"round": lock["beacon"]["round"] + 1, "signature": lock["beacon"]["signature"]})
    with pytest.raises(ShowError, match="the lock's beacon does not verify"):
        show_embargoed(cid, body, bad, SECRETS, targets(), inspectors(), QUICKNET)
    ex = example()[0]
    with pytest.raises(ShowError, match="this draw is not embargoed"):
        show_embargoed(ex["commit_id"], ex["commit_envelope"]["body"], ex["lock_body"], SECRETS, targets(),
                       inspectors(), QUICKNET)
    assert OFFICES == ["scjgj", "wjj"]


def test_commit_time_check_needs_no_beacon():
    _, body, _ = emb()
    check_escrow_lock(seal_secret(SECRETS[0], body["embargo_until"], SIM.chain), office="scjgj",
                      embargo_until=body["embargo_until"], chain=SIM.chain)
    with pytest.raises(EscrowError, match="office wjj: escrow.round: escrow is locked to round"):
        check_escrow_lock(seal_secret(SECRETS[1], "2024-11-02", SIM.chain), office="wjj",
                          embargo_until=body["embargo_until"], chain=SIM.chain)
    with pytest.raises(EscrowError, match="office wjj: tlock.malformed"):
        check_escrow_lock("not an escrow", office="wjj", embargo_until=body["embargo_until"], chain=SIM.chain)


@lru_cache(maxsize=1)
def _sim_draw():
    """The example's embargoed draw re-locked on the simulated chain (draw beacon and escrows on
    one chain, as in production)."""
    cid, body, _ = emb()
    body = dict(body, beacon={"chain_hash": SIM.chain.chain_hash, "round": 500})
    lock = build_lock_body(cid, body, SIM.beacon(500), SECRETS, targets(), inspectors())
    escrows = [seal_secret(s, body["embargo_until"], SIM.chain) for s in SECRETS]
    return cid, body, lock, escrows


def _check(lock=None, escrows=None, beacon="reveal"):
    cid, body, good_lock, good_escrows = _sim_draw()
    r = reveal_round(SIM.chain, body["embargo_until"])
    b = SIM.beacon(r) if beacon == "reveal" else beacon
    body = dict(body, offices=[dict(o, escrow=e) for o, e in zip(body["offices"], escrows or good_escrows)])
    return embargo_findings(cid, body, lock or good_lock, SIM.chain, b, targets(), inspectors())


def test_public_check_passes_a_correct_embargo_from_the_timelock_alone():
    assert _check() == []


def test_public_check_errors_on_a_random_hash_once_the_round_is_out():
    _, _, lock, _ = _sim_draw()
    forged = dict(lock, result_hash="5e" * 32)
    assert _check(lock=forged, beacon=None) == []  # before the reveal round: nothing to check
    (f,) = _check(lock=forged)
    assert f.article == "001 第十二条"
    assert f.message.startswith("embargoed lock binds nothing: its result_hash 5e5e5e5e5e5e5e5e… is not the hash")


def test_public_check_errors_on_a_bad_escrow():
    _, _, _, escrows = _sim_draw()
    (f,) = _check(escrows=[escrows[1], escrows[0]])
    assert f.article == "001 第十七条" and "escrow.commitment" in f.message and "scjgj" in f.message


def test_public_check_refuses_another_rounds_beacon():
    _, body, _, _ = _sim_draw()
    r = reveal_round(SIM.chain, body["embargo_until"])
    (f,) = _check(beacon=SIM.beacon(r + 1))
    assert f.message == f"beacon round {r + 1} given, the embargo ending 2024-11-01 reveals at round {r}"
