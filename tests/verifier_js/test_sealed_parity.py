"""Parity of the browser's sealed checks (theme/verifier/src/sealed.js, through Node) with Python's
(publisher.draw.sealed) on docs/vectors/sealed-example.json — honest, and with a lock that swaps a
selected company for one above its stratum's threshold."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from vjs_ledger import REPO, need_node

from publisher.directory.records import Target
from publisher.draw.openings import parse_opening
from publisher.draw.sealed import check_sealed_lock
from publisher.draw.tickets import ticket

EX = REPO / "docs" / "vectors" / "sealed-example.json"


def run(lock: dict | None, tmp: Path) -> dict:
    need_node()
    args = ["node", str(REPO / "tests" / "verifier_js" / "sealed_parity.mjs"), str(EX)]
    if lock is not None:
        (tmp / "lock.json").write_text(json.dumps(lock, ensure_ascii=False))
        args.append(str(tmp / "lock.json"))
    return json.loads(subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout)


def python_lock(ex: dict, lock: dict):
    targets = [Target.from_json(json.loads(line)) for line in ex["target_snapshot"]]
    from publisher.directory.records import Inspector

    ins = [Inspector.from_json(json.loads(line)) for line in ex["inspector_snapshot"]]
    rnd = bytes.fromhex(ex["beacon"]["randomness"])
    return check_sealed_lock(ex["commit_id"], ex["commit_envelope"]["body"], lock, rnd, targets, ins)[0]


def test_honest_example_agrees(tmp_path):
    ex = json.loads(EX.read_text("utf-8"))
    r = run(None, tmp_path)
    assert r["leaves"] == ex["leaves_hex"] and r["root"] == ex["commit_envelope"]["body"]["population"]["root"]
    assert all(l["status"] == "ok" for l in r["commitment"] + r["lock"])
    assert python_lock(ex, ex["lock_body"]) == []
    selected = {x["id"] for x in ex["lock_body"]["selected"]}
    assert [v["ok"] for v in r["verdicts"]] == [True] * len(ex["openings"])
    assert {o["id"] for o, v in zip(ex["openings"], r["verdicts"]) if v["selected"]} == selected
    assert all(parse_opening(o).root == ex["commit_envelope"]["body"]["population"]["root"] for o in ex["openings"])


def test_company_above_every_threshold_fails_in_both(tmp_path):
    ex = json.loads(EX.read_text("utf-8"))
    lock = json.loads(json.dumps(ex["lock_body"]))
    seed = bytes.fromhex(lock["seed"])
    top = max(bytes.fromhex(s["threshold"]) for s in lock["strata"] if s["threshold"])
    ths = {bytes.fromhex(s["threshold"]) for s in lock["strata"] if s["threshold"]}
    chosen = {r["id"] for r in lock["selected"]}
    intruder = next(o["id"] for o in ex["openings"] if o["id"] not in chosen and ticket(seed, o["id"]) > top)
    victim = next(r for r in lock["selected"] if ticket(seed, r["id"]) not in ths)
    victim["id"] = intruder  # batch order no longer matches either: both say so, and name the threshold
    js = [l["en"] for l in run(lock, tmp_path)["lock"] if l["status"] == "bad"]
    py = [f.message for f in python_lock(ex, lock)]
    assert any(f"selected {intruder} has ticket" in m and "above every stratum threshold" in m for m in js), js
    assert any(f"selected {intruder} has ticket" in m and "above every stratum threshold" in m for m in py), py
