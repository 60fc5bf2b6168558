"""Worked example for ``docs/vectors/embargo-example.json`` (``make vectors``, spec §5A.7).

The embargoed draw of ``draw-example.json`` (same snapshots, offices and secrets) re-based on the
demo simulated chain so that its reveal round has a beacon: each office's escrow (random inputs
fixed as in :mod:`publisher.timelock.vectors`, acceptable only for an example), the reveal round,
the secrets the escrows give, the seed and the list recomputed from them, and the hash the lock
must carry — plus a lock with random bytes instead, and the error it gets.
"""

from __future__ import annotations

import io
from typing import Any

from publisher.beacon.chain import chain_to_json
from publisher.beacon.simulated import SimulatedBeacon
from publisher.directory.records import Inspector
from publisher.directory.snapshot import iter_snapshot
from publisher.draw import vectors as dv
from publisher.draw.lock import build_lock_body
from publisher.timelock.tlock import encrypt_with
from publisher.timelock.vectors import DEMO_SEED, example_random

from .check import embargo_findings
from .escrow import open_escrows, reveal_round

GENESIS = 1_700_000_000  # 2023-11-14: the demo chain's seed and period, a genesis before the example's dates
DRAW_ROUND = 10_000_000  # due 2024-10-27, before the reveal round of 2024-11-01


def _snapshots(ex: dict[str, Any]) -> tuple[bytes, bytes]:
    return (("\n".join(ex["target_snapshot"]) + "\n").encode(), ("\n".join(ex["inspector_snapshot"]) + "\n").encode())


def example() -> dict[str, Any]:
    sim = SimulatedBeacon(DEMO_SEED, GENESIS, 3)
    chain = sim.chain
    ex = dv.example()
    emb = ex["embargoed"]
    tsnap, isnap = _snapshots(ex)
    cid = emb["commit_id"]
    body = dict(emb["commit_body"], beacon={"chain_hash": chain.chain_hash, "round": DRAW_ROUND})
    until = body["embargo_until"]
    rr = reveal_round(chain, until)
    assert chain.round_time(DRAW_ROUND) < chain.round_time(rr)
    offices = []
    for o in body["offices"]:
        secret = dv.SECRETS[o["office"]]
        fk, sigma, nonce = (example_random(f"escrow/{o['office']}/{p}") for p in ("file_key", "sigma", "nonce"))
        escrow = encrypt_with(secret, rr, chain, file_key=fk, sigma=sigma, nonce=nonce).decode("ascii")
        offices.append(dict(o, escrow=escrow))
    body["offices"] = offices
    targets = lambda: iter_snapshot(io.BytesIO(tsnap))  # noqa: E731
    inspectors = list(iter_snapshot(io.BytesIO(isnap), Inspector))
    draw_beacon, reveal_beacon = sim.beacon(DRAW_ROUND), sim.beacon(rr)
    secrets = open_escrows(body, chain, reveal_beacon)
    lock = build_lock_body(cid, body, draw_beacon, secrets, targets(), inspectors)
    opened: list = []
    assert embargo_findings(cid, body, lock, chain, reveal_beacon, targets(), inspectors, opened) == []
    result, _ = opened[0]
    forged = dict(lock, result_hash="5e" * 32)
    (finding,) = embargo_findings(cid, body, forged, chain, reveal_beacon, targets(), inspectors)
    return {
        "description": "The embargoed draw of draw-example.json (same snapshots, commit id and secrets) on a "
                       "simulated chain (seed 'ssgk demo beacon', genesis 1700000000, period 3 s): escrows in the "
                       "commitment, the reveal round, what anyone recomputes from the "
                       "escrows alone once that round's beacon exists (spec §5A.4), and a forged lock's error. The "
                       "escrows' random inputs are SHA-256('ssgk/timelock-example/v1' || 0x00 || "
                       "'escrow/<office>/<file_key|sigma|nonce>')[:16] — example values only.",
        "chain": chain_to_json(chain),
        "commit_id": cid,
        "commit_body": body,
        "draw_beacon": {"round": DRAW_ROUND, "signature": draw_beacon.signature.hex()},
        "embargo_until": until,
        "reveal_round": rr,
        "reveal_round_time": chain.round_time(rr),
        "reveal_beacon": {"round": rr, "signature": reveal_beacon.signature.hex()},
        "opened_secrets": {o["office"]: s.hex() for o, s in zip(body["offices"], secrets)},
        "lock_body": lock,
        "seed": result.seed.hex(),
        "selected": result.selected,
        "result_hash": lock["result_hash"],
        "forged_lock": {"result_hash": forged["result_hash"], "rule": "draw.embargo", "article": finding.article,
                        "message": finding.message},
    }


def embargo_vectors() -> dict[str, Any]:
    """File name -> JSON object; collected by ``publisher.vectors`` (``GENERATORS``)."""
    return {"embargo-example.json": example()}
