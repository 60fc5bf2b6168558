"""docs/vectors/draw-*.json are exactly what the code generates (regenerate: make vectors)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from publisher.beacon import QUICKNET, Beacon, check_beacon
from publisher.draw.vectors import ROUND, SIGNATURE, generate

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "vectors"


def test_vectors_are_up_to_date():
    for name, data in generate().items():
        path = VECTORS / name
        assert path.exists(), f"{path} missing: run python -m publisher.draw.vectors"
        assert path.read_bytes() == data, f"{name} differs from the code: run python -m publisher.draw.vectors"


def test_example_uses_a_real_quicknet_beacon():
    check_beacon(QUICKNET, Beacon(round=ROUND, signature=bytes.fromhex(SIGNATURE)))


def spec_block(tag: str) -> dict[str, str]:
    text = (VECTORS.parent / "spec" / "60-draw.md").read_text("utf-8")
    m = re.search(r"^```vector " + re.escape(tag) + r"\n(.*?)^```$", text, re.S | re.M)
    assert m, f"no ```vector {tag}``` block in 60-draw.md"
    out = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(" = ")
        assert sep, line
        out[key.strip()] = value.strip()
    return out


def test_spec_worked_example_matches_code():
    ex = json.loads(generate()["draw-example.json"])
    body, lock = ex["commit_envelope"]["body"], ex["lock_body"]
    want = {
        "commit_id": ex["commit_id"],
        "population.count": str(body["population"]["count"]),
        "population.root": body["population"]["root"],
        "strata": "; ".join(f"{s['name']} n={s['n']} k={s['k']}" for s in body["strata"]),
        "randomness": ex["beacon"]["randomness"],
        "seed": lock["seed"],
        **{f"threshold[{s['name']}]": s["threshold"] for s in lock["strata"]},
        "selected": " ".join(r["id"] for r in lock["selected"]),
        "batches": " ".join(str(r["batch"]) for r in lock["selected"]),
        "leaders": " ".join(t["leader"] for t in lock["teams"]),
        "embargoed.result_hash": ex["embargoed"]["lock_body"]["result_hash"],
    }
    assert spec_block("draw-example") == want
