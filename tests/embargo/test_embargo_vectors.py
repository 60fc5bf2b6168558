"""docs/vectors/embargo-example.json re-checked from its own bytes (and draw-example.json's
snapshots): a stranger's implementation of §5A.4 must reproduce every value."""

from __future__ import annotations

import io
import json
from pathlib import Path

from publisher.beacon.chain import chain_from_json
from publisher.beacon.verify import Beacon
from publisher.directory.records import Inspector
from publisher.directory.snapshot import iter_snapshot
from publisher.draw.lock import compute_result, result_hash
from publisher.draw.seed import secret_commitment
from publisher.embargo import check_escrow_lock, embargo_findings, open_escrows, reveal_round

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"


def load():
    emb = json.loads((VECTORS / "embargo-example.json").read_text("utf-8"))
    draw = json.loads((VECTORS / "draw-example.json").read_text("utf-8"))
    tsnap = ("\n".join(draw["target_snapshot"]) + "\n").encode()
    isnap = ("\n".join(draw["inspector_snapshot"]) + "\n").encode()
    return emb, (lambda: iter_snapshot(io.BytesIO(tsnap))), list(iter_snapshot(io.BytesIO(isnap), Inspector))


def test_escrows_open_to_the_committed_secrets_and_the_list_matches_the_lock():
    v, targets, inspectors = load()
    chain = chain_from_json(v["chain"])
    body = v["commit_body"]
    assert reveal_round(chain, v["embargo_until"]) == v["reveal_round"] == v["reveal_beacon"]["round"]
    assert chain.round_time(v["reveal_round"]) == v["reveal_round_time"]
    for o in body["offices"]:
        check_escrow_lock(o["escrow"], office=o["office"], embargo_until=v["embargo_until"], chain=chain)
    beacon = Beacon(v["reveal_round"], bytes.fromhex(v["reveal_beacon"]["signature"]))
    secrets = open_escrows(body, chain, beacon)
    assert {o["office"]: s.hex() for o, s in zip(body["offices"], secrets)} == v["opened_secrets"]
    assert all(secret_commitment(body["task"], o["office"], s) == o["commitment"] for o, s in zip(body["offices"], secrets))
    randomness = Beacon(v["draw_beacon"]["round"], bytes.fromhex(v["draw_beacon"]["signature"])).randomness
    result = compute_result(v["commit_id"], body, randomness, secrets, targets(), inspectors)
    assert result.seed.hex() == v["seed"] and result.selected == v["selected"]
    assert result_hash(result.to_json()) == v["result_hash"] == v["lock_body"]["result_hash"]


def test_forged_lock_gets_the_documented_error():
    v, targets, inspectors = load()
    chain = chain_from_json(v["chain"])
    beacon = Beacon(v["reveal_round"], bytes.fromhex(v["reveal_beacon"]["signature"]))
    forged = dict(v["lock_body"], result_hash=v["forged_lock"]["result_hash"])
    (f,) = embargo_findings(v["commit_id"], v["commit_body"], forged, chain, beacon, targets(), inspectors)
    assert (f.message, f.article) == (v["forged_lock"]["message"], v["forged_lock"]["article"])


def test_spec_section_prints_the_vector_values():
    v, _, _ = load()
    spec = (VECTORS.parent / "spec" / "55-timelock.md").read_text("utf-8")
    sec = spec[spec.index("## 5A.7"):]
    for value in (f"reveal_round    = {v['reveal_round']}", f"seed            = {v['seed']}",
                  f"result_hash     = {v['result_hash']}", f"{len(v['selected'])} targets, first {v['selected'][0]['id']}"):
        assert value in sec, value
