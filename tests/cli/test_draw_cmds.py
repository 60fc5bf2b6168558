"""The draw commands end to end through `publisher` main(): commit → checkpoint → lock →
explain → replace, with real keys, a simulated beacon and the real verifier after each step."""

from __future__ import annotations

import json
import textwrap

import pytest

from publisher.cli.main import main
from publisher.storage import keystore
from workflow.wf_scenario import Workflow


@pytest.fixture
def env(tmp_path, monkeypatch):
    wf = Workflow(tmp_path)
    wf.basics()
    keys = tmp_path / "keys"
    monkeypatch.setenv("PUBLISHER_KEYS", str(keys))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "correct horse battery staple")
    for office, key in wf.f.keys.items():
        keystore.save_key(office, key)
    keystore.save_key("log", wf.f.log_signer._key)
    seed = tmp_path / "beacon.seed"
    seed.write_text(b"workflow-tests".hex())  # the scenario's SIMULATED beacon seed
    for kind, blob, n in (("targets", wf.tblob, len(wf.targets)), ("inspectors", wf.iblob, len(wf.inspectors))):
        wf.append("directory.snapshot", {"kind": kind, "blob": blob, "count": n, "confirmed_by": "信用监管股",
                                         "confirmed_at": "2026-01-01"})
    return wf, seed, monkeypatch


def run(wf, capsys, *argv):
    rc = main([*argv, "--ledger", str(wf.ledger.root)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out.out, out.err


def spec_file(wf, **over) -> str:
    p = wf.f.root.parent / "draw.yaml"
    p.write_text(textwrap.dedent(f"""
    task: T-2026-001
    population: {{snapshot: latest, filter: {{}}}}
    strata:
      - {{name: 全部, match: {{}}, take: {{count: {over.get('count', 3)}}}}}
    offices:
      - {{office: scjgj, members: 1}}
      - {{office: wjj, members: 1}}
    teams: {{inspectors: latest, mode: big}}
    batch_size: 5
    """), "utf-8")
    return str(p)


def at(monkeypatch, wf, seconds: int) -> None:
    wf.f.clock += seconds
    monkeypatch.setenv("PUBLISHER_NOW", str(wf.f.clock))


def test_commit_lock_explain_replace(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    rc, out, err = run(wf, capsys, "draw", "commit", spec_file(wf))
    assert rc == 0, err
    assert "committed T-2026-001" in out
    secrets = sorted((wf.f.root.parent / "keys" / "secrets" / "T-2026-001").iterdir())
    assert [p.name for p in secrets] == ["scjgj.hex", "wjj.hex"]
    # too early: the round is not due
    rc, _, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 2 and "not due yet" in err
    at(mp, wf, 30)
    rc, out, err = run(wf, capsys, "checkpoint", "--time", str(wf.f.clock))
    assert rc == 0, err
    at(mp, wf, 2000)
    rc, out, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 0, err
    assert "locked" in out and "3 targets" in out
    assert wf.verify().ok
    lock = next(e for _, e in wf.ledger.iter_entries() if e.type == "draw.lock")
    target = lock.body["selected"][0]["id"]
    rc, out, err = run(wf, capsys, "explain", "T-2026-001", target, "--json")
    assert rc == 0, err
    ex = json.loads(out)
    assert ex["selected"] is True and ex["leaf"]["id"] == target
    outsider = next(t.id for t in wf.targets if t.id not in {s["id"] for s in lock.body["selected"]})
    rc, out, _ = run(wf, capsys, "explain", "T-2026-001", outsider)
    assert rc == 0 and "未被抽中" in out and "not selected" in out
    # a replacement that breaks the rules is refused and nothing is written
    team = next(t for t in lock.body["teams"] if t["target"] == target)
    before = wf.ledger.log_path.read_bytes()
    at(mp, wf, 60)
    rc, _, err = run(wf, capsys, "draw", "replace", "T-2026-001", target, "--out", team["members"][0],
                     "--in", team["members"][1], "--reason", "health", "--approver-name", "王某")
    assert rc == 2 and "nothing written" in err and "already in the team" in err
    assert wf.ledger.log_path.read_bytes() == before


def test_commit_refuses_a_too_small_pool_with_the_article(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    before = wf.ledger.log_path.read_bytes()
    p = spec_file(wf)
    text = open(p, encoding="utf-8").read().replace("members: 1}\n  - {office: wjj", "members: 40}\n  - {office: wjj")
    open(p, "w", encoding="utf-8").write(text)
    rc, _, err = run(wf, capsys, "draw", "commit", p)
    assert rc == 2 and "pool too small" in err and "004 第十四条" in err
    assert wf.ledger.log_path.read_bytes() == before


def test_spec_errors_are_readable(env, capsys, tmp_path):
    wf, seed, mp = env
    bad = tmp_path / "bad.yaml"
    bad.write_text("task: [unclosed", "utf-8")
    rc, _, err = run(wf, capsys, "draw", "commit", str(bad))
    assert rc == 2 and "cannot read YAML" in err
