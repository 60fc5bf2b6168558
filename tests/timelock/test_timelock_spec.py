"""docs/spec/55-timelock.md's worked example is what the code computes, and it really decrypts."""

from __future__ import annotations

import re

from tl_support import QUICKNET, QUICKNET_BEACONS, REPO

from publisher import timelock
from publisher.timelock.vectors import timelock_vectors

SPEC = (REPO / "docs" / "spec" / "55-timelock.md").read_text("utf-8")


def _block(name: str) -> dict[str, str]:
    m = re.search(r"```vector " + re.escape(name) + r"\n(.*?)```", SPEC, re.S)
    assert m, f"no vector block {name}"
    return dict(line.split(" = ", 1) for line in m.group(1).strip().splitlines())


def test_spec_block_matches_the_generated_vector():
    v = timelock_vectors()["timelock-example.json"]["quicknet"]
    flat = {"round": str(v["round"]), "chain_hash": v["chain_hash"], "plaintext_hex": v["plaintext_hex"],
            **v["inputs"], **v["ibe"], "h2_mask": v["decryption"]["h2_mask"], "mac": v["age"]["mac"],
            "payload_hex": v["age"]["payload_hex"]}
    block = _block("timelock-quicknet")
    assert block == {k: flat[k] for k in block}
    assert len(block) == 15


def test_spec_armored_example_decrypts_with_the_real_signature():
    v = timelock_vectors()["timelock-example.json"]["quicknet"]
    assert v["age"]["armored"] in SPEC
    pt = timelock.decrypt(v["age"]["armored"].encode(), QUICKNET_BEACONS[12040883].signature, QUICKNET)
    assert pt.hex() == v["plaintext_hex"]


def test_vector_values_are_consistent_with_each_other():
    import hashlib

    for name, v in timelock_vectors()["timelock-example.json"].items():
        if name == "description":
            continue
        assert v["ibe"]["identity"] == hashlib.sha256(v["round"].to_bytes(8, "big")).hexdigest()
        fk, sigma = bytes.fromhex(v["inputs"]["file_key"]), bytes.fromhex(v["inputs"]["sigma"])
        assert bytes(a ^ b for a, b in zip(sigma, bytes.fromhex(v["decryption"]["h2_mask"]))).hex() == v["ibe"]["V"]
        assert bytes(a ^ b for a, b in zip(fk, bytes.fromhex(v["ibe"]["h4_sigma"]))).hex() == v["ibe"]["W"]
        gt = bytes.fromhex(v["decryption"]["e_signature_U_gt_bytes"])
        assert hashlib.sha256(b"IBE-H2" + gt).hexdigest()[:32] == v["decryption"]["h2_mask"]
        assert v["age"]["file_hex"].endswith(v["age"]["payload_hex"])
