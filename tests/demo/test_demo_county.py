"""The sample county: generated deterministically, verifies, and the committed one is intact."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ledgertools import assert_chinese_first
from publisher.core.verifier import verify
from publisher.demo.build import generate
from publisher.ruleset import default_rules
from publisher.storage.ledger_dir import LedgerDir

REPO = Path(__file__).parents[2]


def _types(ledger: LedgerDir) -> Counter:
    return Counter(e.type for _, e in ledger.iter_entries())


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    demo = generate(root / "ledger", seed=7, key_seed=b"tests", keys_dir=root / "keys", n_targets=3000, n_tasks=12)
    return demo, LedgerDir(root / "ledger")


def test_small_demo_verifies_and_has_every_kind_of_entry(small):
    demo, led = small
    r = verify(led, led.trust(), default_rules())
    assert r.ok, [p.line() for p in r.errors][:5]
    assert_chinese_first(r.problems)  # issue 14: every warning a newcomer sees reads Chinese first
    types = _types(led)
    for t in ("office.register", "key.register", "key.revoke", "directory.snapshot", "item.list", "plan",
              "task", "draw.commit", "draw.lock", "result", "result.correct"):
        assert types[t] > 0, t
    assert types["draw.commit"] == types["draw.lock"] + 1  # the abandoned commitment has no lock
    assert led.trust().sample


def test_content_is_deterministic_given_seeds(tmp_path, small):
    demo, led = small
    again = generate(tmp_path / "ledger", seed=7, key_seed=b"tests", keys_dir=None, n_targets=3000, n_tasks=12)
    assert again.tree.root() == demo.tree.root()


def test_private_keys_stay_out_of_the_ledger(small):
    demo, led = small
    for p in led.root.rglob("*"):
        if p.is_file():
            assert b"PRIVATE KEY" not in p.read_bytes()


def test_refuses_to_overwrite_without_force(small):
    demo, led = small
    with pytest.raises(FileExistsError):
        generate(led.root, seed=7, key_seed=b"x", n_targets=100, n_tasks=1)


@pytest.mark.slow
def test_committed_sample_ledger_verifies():
    led = LedgerDir(REPO / "ledger")
    r = verify(led, led.trust(), default_rules())
    assert r.ok, [p.line() for p in r.errors][:5]
    assert_chinese_first(r.problems)
    types = _types(led)
    assert types["draw.reveal"] >= 1 and types["team.replace"] == 1 and types["result.withhold"] == 1
    cats = Counter(c for _, e in led.iter_entries() if e.type == "result" for c in e.body["categories"])
    assert set(cats) == {str(i) for i in range(1, 9)}  # all eight categories of 004 第二十条
    assert any(p.rule == "workflow.deadline" for p in r.problems)  # some results are late


def test_readme_prints_the_pinned_trust_anchors():
    trust = json.loads((REPO / "ledger" / "trust.json").read_text())
    readme = (REPO / "README.md").read_text()
    for k in trust["root_keys"]:
        assert k["key_id"] in readme and k["public_key"] in readme
    assert trust["log_vkey"] in readme
