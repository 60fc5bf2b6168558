"""The draw commands end to end through `publisher` main(): commit → checkpoint → lock →
explain → replace, with real keys, a simulated beacon and the real verifier after each step."""

from __future__ import annotations

import copy
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


def committed_and_checkpointed(env, capsys, spec: str | None = None):
    """Commit (the given spec file or the default), the partner's acceptance, a checkpoint, and
    the clock past the beacon round: what every lock needs first."""
    wf, seed, mp = env
    at(mp, wf, 60)
    rc, _, err = run(wf, capsys, "draw", "commit", spec or spec_file(wf))
    assert rc == 0, err
    at(mp, wf, 10)
    assert run(wf, capsys, "draw", "accept", "T-2026-001", "--office", "wjj")[0] == 0
    at(mp, wf, 20)
    assert run(wf, capsys, "checkpoint", "--time", str(wf.f.clock))[0] == 0
    at(mp, wf, 2000)
    return wf, seed, mp


def at(monkeypatch, wf, seconds: int) -> None:
    wf.f.clock += seconds
    monkeypatch.setenv("PUBLISHER_NOW", str(wf.f.clock))


def test_commit_lock_explain_replace(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    rc, out, err = run(wf, capsys, "draw", "commit", spec_file(wf))
    assert rc == 0, err
    assert out.startswith("已承诺抽取 / committed T-2026-001: entry ") and "wjj must run `publisher draw accept T-2026-001`" in out
    assert not (wf.f.root.parent / "keys" / "secrets").exists()  # seed v2: no secrets for an announced draw
    # too early: the round is not due
    rc, _, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 2 and "not due yet" in err
    at(mp, wf, 10)
    rc, out, err = run(wf, capsys, "draw", "accept", "T-2026-001", "--office", "wjj")
    assert rc == 0 and "wjj accepted T-2026-001" in out, err
    at(mp, wf, 20)
    rc, out, err = run(wf, capsys, "checkpoint", "--time", str(wf.f.clock))
    assert rc == 0, err
    assert out.startswith("已签署检查点 / signed ledger/checkpoints/"), out
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
    # a chosen (not drawn) substitute is refused and nothing is written
    team = next(t for t in lock.body["teams"] if t["target"] == target)
    before = wf.ledger.log_path.read_bytes()
    at(mp, wf, 60)
    rc, _, err = run(wf, capsys, "draw", "replace", "T-2026-001", target, "--out", team["members"][0],
                     "--in", team["members"][1], "--reason", "health", "--approver-name", "王某")
    assert rc == 2 and "the substitute is drawn, not chosen" in err and "001 第十三条" in err
    assert wf.ledger.log_path.read_bytes() == before
    # the drawn one is written, with the approval date in Beijing time
    rc, out, err = run(wf, capsys, "draw", "replace", "T-2026-001", target, "--out", team["members"][0],
                       "--reason", "health", "--approver-name", "王某")
    assert rc == 0 and "(drawn;" in out, err
    rep = [e for _, e in wf.ledger.iter_entries() if e.type == "team.replace"][-1]
    from publisher.draw.timeutil import china_date
    assert rep.body["date"] == china_date(rep.time).isoformat()
    assert wf.verify().ok


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


def test_dry_run_shows_strata_rounding_and_feasibility(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    before = wf.ledger.log_path.read_bytes()
    p = wf.f.root.parent / "dry.yaml"
    p.write_text(textwrap.dedent("""
    task: T-2026-001
    population: {snapshot: latest, filter: {}}
    strata:
      - {name: 低风险, match: {risks: [A, B]}, take: {ratio: "0.001"}, rounding: floor}
      - {name: 其他, match: {risks: [C, D, null]}, take: {count: 2}}
    offices:
      - {office: scjgj, members: 1}
      - {office: wjj, members: 1}
    teams: {inspectors: latest, mode: big}
    """), "utf-8")
    rc, out, err = run(wf, capsys, "draw", "commit", str(p), "--dry-run")
    assert rc == 1 and "nothing written" in out and "低风险\t" in out and "floor" in out
    assert "NOT FEASIBLE" in out and "抽取 0 家" in out and "draws none" in out
    assert wf.ledger.log_path.read_bytes() == before
    p.write_text(p.read_text("utf-8").replace("rounding: floor", "rounding: ceil"), "utf-8")
    rc, out, err = run(wf, capsys, "draw", "commit", str(p), "--dry-run")
    assert rc == 0 and "feasible" in out and "NOT FEASIBLE" not in out, out + err
    assert wf.ledger.log_path.read_bytes() == before
    # a real commit of the zero draw is refused in both languages, nothing written
    p.write_text(p.read_text("utf-8").replace("rounding: ceil", "rounding: floor"), "utf-8")
    rc, _, err = run(wf, capsys, "draw", "commit", str(p))
    assert rc == 2 and "抽取 0 家" in err and "zero_ok" in err
    assert wf.ledger.log_path.read_bytes() == before


@pytest.mark.parametrize("beijing, ok", [("00:30", True), ("23:30", False)])
def test_reveal_uses_beijing_dates(env, capsys, beijing, ok):
    """The embargo ends at 00:00 Beijing time on embargo_until: 00:30 Beijing on that day (16:30 UTC
    the day before) may reveal; 23:30 Beijing the day before (15:30 UTC) may not."""
    from datetime import datetime, timedelta, timezone

    p = spec_file(env[0])
    open(p, "a", encoding="utf-8").write("embargo_until: \"2026-01-10\"\n")
    wf, seed, mp = committed_and_checkpointed(env, capsys, p)
    rc, out, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 0 and "embargoed" in out, err
    cst = timezone(timedelta(hours=8))
    day = datetime(2026, 1, 10, 0, 30, tzinfo=cst) if ok else datetime(2026, 1, 9, 23, 30, tzinfo=cst)
    wf.f.clock = int(day.timestamp())
    mp.setenv("PUBLISHER_NOW", str(wf.f.clock))
    rc, out, err = run(wf, capsys, "draw", "reveal", "T-2026-001", "--sim-beacon-seed", str(seed))
    if ok:
        assert rc == 0 and "revealed" in out, err
        assert wf.verify().ok
    else:
        assert rc == 2 and "lasts until 2026-01-10 (Beijing time)" in err and "2026-01-09" in err


def test_latest_means_the_lead_offices_own_snapshot(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    p = spec_file(wf).replace("draw.yaml", "draw.yaml")
    text = open(p, encoding="utf-8").read().replace("office: scjgj, members: 1}\n  - {office: wjj", "office: wjj, members: 1}\n  - {office: scjgj")
    open(p, "w", encoding="utf-8").write(text)
    rc, _, err = run(wf, capsys, "draw", "commit", p, "--office", "wjj")
    assert rc == 2 and "office wjj has not confirmed a targets directory" in err


def test_redraw_after_the_round_fills_supersedes_and_the_old_beacon(env, capsys):
    """A re-draw names only the reason: the CLI adds supersedes and the superseded round's beacon,
    so the verifier computes and shows what the first commitment would have drawn."""
    wf, seed, mp = env
    at(mp, wf, 60)
    assert run(wf, capsys, "draw", "commit", spec_file(wf))[0] == 0
    at(mp, wf, 10)
    assert run(wf, capsys, "draw", "accept", "T-2026-001", "--office", "wjj")[0] == 0
    at(mp, wf, 20)
    assert run(wf, capsys, "checkpoint", "--time", str(wf.f.clock))[0] == 0
    at(mp, wf, 2000)
    p = spec_file(wf)
    open(p, "a", encoding="utf-8").write(textwrap.dedent("""
    reason: 原承办人未在规定时间内完成锁定
    reason_code: correction
    approver: {name: 赵某, title: 主要负责人}
    """))
    before = wf.ledger.log_path.read_bytes()
    rc, _, err = run(wf, capsys, "draw", "commit", p, "--sim-beacon-seed", str(seed))
    assert rc == 2 and "nothing written" in err and "reason correction is only allowed before" in err
    assert wf.ledger.log_path.read_bytes() == before
    text = open(p, encoding="utf-8").read().replace("reason_code: correction", "reason_code: superior_order\ndocument: 某县政〔2026〕5号")
    open(p, "w", encoding="utf-8").write(text)
    rc, out, err = run(wf, capsys, "draw", "commit", p, "--sim-beacon-seed", str(seed))
    assert rc == 0, err
    r = wf.verify()
    assert r.ok, [x.line() for x in r.errors]
    old, new = r.rule("draw").tasks["T-2026-001"].commits
    assert old.status == "abandoned (superseded)" and len(old.outcome) == 3 and new.reason_code == "superior_order"


def test_lock_without_a_checkpoint_is_refused_not_voided(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    assert run(wf, capsys, "draw", "commit", spec_file(wf))[0] == 0
    at(mp, wf, 10)
    assert run(wf, capsys, "draw", "accept", "T-2026-001", "--office", "wjj")[0] == 0
    at(mp, wf, 2000)  # the round is due, but no checkpoint covers the commitment in this copy
    before = wf.ledger.log_path.read_bytes()
    rc, _, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 2 and "no checkpoint in your copy of the ledger covers the commitment" in err and "void" in err
    assert wf.ledger.log_path.read_bytes() == before


def test_private_view_then_the_timelock_opens_the_list(env, capsys):
    """`draw show` gives the office its embargoed list and writes nothing (git status stays
    clean); `draw record-beacon` of the reveal round then opens it for everyone, no reveal."""
    import subprocess

    from publisher.embargo import reveal_round

    wf, seed, mp = env
    at(mp, wf, 60)
    p = spec_file(wf)
    open(p, "a", encoding="utf-8").write("embargo_until: \"2026-01-10\"\n")
    assert run(wf, capsys, "draw", "commit", p)[0] == 0
    at(mp, wf, 10)
    assert run(wf, capsys, "draw", "accept", "T-2026-001", "--office", "wjj")[0] == 0
    at(mp, wf, 20)
    assert run(wf, capsys, "checkpoint", "--time", str(wf.f.clock))[0] == 0
    at(mp, wf, 2000)
    assert run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))[0] == 0
    repo = wf.ledger.root.parent
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A", str(wf.ledger.root)], check=True)
    subprocess.run([*git, "commit", "-qm", "ledger"], check=True)
    tree = lambda: sorted(str(x) for x in repo.rglob("*") if ".git" not in x.parts)  # noqa: E731
    before = tree()

    rc, out, err = run(wf, capsys, "draw", "show", "T-2026-001", "--json")
    assert rc == 0, err
    view = json.loads(out)
    assert len(view["selected"]) == 3 and {t["target"] for t in view["teams"]} == {r["id"] for r in view["selected"]}
    rc, out, err = run(wf, capsys, "draw", "show", "T-2026-001")
    assert rc == 0 and "PRIVATE" in out and out.count("\n") == 3 + 3
    assert subprocess.run([*git, "status", "--porcelain", "--untracked-files=all", "--", str(wf.ledger.root)],
                          capture_output=True, text=True, check=True).stdout == ""
    assert tree() == before

    c = wf.verify().rule("draw").tasks["T-2026-001"].current
    assert c.status == "embargoed"
    rr = reveal_round(wf.ledger.trust().beacon_chains[c.chain_hash], "2026-01-10")
    rc, out, err = run(wf, capsys, "draw", "record-beacon", "--due", "--sim-beacon-seed", str(seed))
    assert rc == 0 and "no embargo reveal round is due" in out, err  # the embargo has not ended
    at(mp, wf, wf.ledger.trust().beacon_chains[c.chain_hash].round_time(rr) - wf.f.clock + 5)
    rc, out, err = run(wf, capsys, "draw", "record-beacon", "--due", "--sim-beacon-seed", str(seed))
    assert rc == 0 and f"recorded beacon round {rr}" in out, err
    r = wf.verify()
    c = r.rule("draw").tasks["T-2026-001"].current
    assert r.ok and c.opened and c.reveal is None and c.status == "revealed"
    assert [x["id"] for x in r.rule("draw").book.private[c.id].opened.selected] == [x["id"] for x in view["selected"]]
    assert run(wf, capsys, "verify")[0] == 0
    first = view["selected"][0]["id"]
    rc, out, err = run(wf, capsys, "explain", "T-2026-001", first, "--json")
    assert rc == 0 and json.loads(out)["selected"] is True, err


def test_private_view_refuses_an_announced_draw(env, capsys):
    wf, seed, mp = env
    at(mp, wf, 60)
    assert run(wf, capsys, "draw", "commit", spec_file(wf))[0] == 0
    rc, _, err = run(wf, capsys, "draw", "show", "T-2026-001")
    assert rc == 2 and "is not embargoed; its list is public" in err


def test_partner_gives_commitment_and_escrow(env, capsys):
    """A partner's secret stays with the partner: `draw secret --embargo-until` prints the pair the
    lead puts into the spec; a commitment without its escrow is refused with the command to run."""
    wf, seed, mp = env
    at(mp, wf, 60)
    rc, out, err = run(wf, capsys, "draw", "secret", "T-2026-001", "--office", "wjj", "--embargo-until", "2026-01-10")
    assert rc == 0, err
    pair = json.loads(out)
    assert pair["escrow"].startswith("-----BEGIN AGE ENCRYPTED FILE-----") and len(pair["commitment"]) == 64
    p = spec_file(wf)
    text = open(p, encoding="utf-8").read() + "embargo_until: \"2026-01-10\"\n"
    no_escrow = text.replace("{office: wjj, members: 1}", f"{{office: wjj, members: 1, commitment: {pair['commitment']}}}")
    open(p, "w", encoding="utf-8").write(no_escrow)
    before = wf.ledger.log_path.read_bytes()
    rc, _, err = run(wf, capsys, "draw", "commit", p)
    assert rc == 2 and "office wjj gives no escrow of its secret" in err
    assert "publisher draw secret T-2026-001 --office wjj --embargo-until 2026-01-10" in err
    assert wf.ledger.log_path.read_bytes() == before
    escrow = pair["escrow"].replace("\n", "\\n")
    open(p, "w", encoding="utf-8").write(text.replace(
        "{office: wjj, members: 1}", f"{{office: wjj, members: 1, commitment: {pair['commitment']}, escrow: \"{escrow}\"}}"))
    rc, out, err = run(wf, capsys, "draw", "commit", p)
    assert rc == 0, err
    c = wf.verify().rule("draw").tasks["T-2026-001"].current
    assert c.valid and c.embargo_until == "2026-01-10"


def test_spec_fields_read_as_add_reads_them():
    """Issue 14: the draw spec takes 3%, 2026/3/5, a YAML date and "2" as `add` does, and says
    in Chinese what it cannot read (no schema or Python text)."""
    import datetime

    from publisher.cli.draw_cmds import friendly_spec
    from publisher.cli.main import UserError

    spec = {"task": "T", "embargo_until": datetime.date(2026, 12, 3),
            "strata": [{"take": {"ratio": "3%"}}, {"take": {"count": "4"}}], "offices": [{"office": "a", "members": "2"}]}
    friendly_spec(spec)
    assert spec["embargo_until"] == "2026-12-03" and spec["strata"][0]["take"]["ratio"] == "0.03"
    assert spec["strata"][1]["take"]["count"] == 4 and spec["offices"][0]["members"] == 2
    s2 = {"embargo_until": "2026/3/5"}
    friendly_spec(s2)
    assert s2["embargo_until"] == "2026-03-05"
    for bad, words in (({"embargo_until": "下周"}, "暂不公开期限（embargo_until）“下周”不是日期"),
                       ({"strata": [{"take": {"ratio": "300%"}}]}, "第 1 层的抽取比例“300%”无效")):
        with pytest.raises(UserError) as exc:
            friendly_spec(bad)
        assert str(exc.value).startswith(words) and "datetime" not in str(exc.value)


def test_lock_computes_the_draw_once(env, capsys, monkeypatch):
    """`draw lock` builds the draw and its append check verifies the entry with the outcome it
    just computed (draw/outcomes.py) instead of computing the same draw a second time."""
    import publisher.draw.lock as lock_mod
    import publisher.draw.rules.state as state_mod

    wf, seed, _ = committed_and_checkpointed(env, capsys)
    calls = []
    real = lock_mod.compute_result

    def counted(*a, **kw):
        calls.append(a[0])
        return real(*a, **kw)

    monkeypatch.setattr(lock_mod, "compute_result", counted)
    monkeypatch.setattr(state_mod, "compute_result", counted)
    rc, out, err = run(wf, capsys, "draw", "lock", "T-2026-001", "--sim-beacon-seed", str(seed))
    assert rc == 0 and "locked" in out, err
    assert len(calls) == 1
    monkeypatch.setattr(lock_mod, "compute_result", real)
    monkeypatch.setattr(state_mod, "compute_result", real)
    assert wf.verify().ok  # and a fresh verification (no memo) agrees


def test_a_lent_outcome_does_not_hide_a_changed_lock(env, capsys):
    """Attack: the office edits the selected list after building the lock. The rule compares the
    body with the outcome it holds, lent or recomputed, and names the same difference."""
    from publisher.draw.lock import build_lock_body
    from publisher.draw.outcomes import KnownOutcomes
    from publisher.ruleset import default_rules

    wf, seed, _ = committed_and_checkpointed(env, capsys)
    commit = next(e for _, e in wf.ledger.iter_entries() if e.type == "draw.commit")
    beacon = wf.sim.beacon(commit.body["beacon"]["round"])  # the scenario's simulated chain
    known = KnownOutcomes()
    body = build_lock_body(commit.id, commit.body, beacon, [], iter(wf.targets), wf.inspectors, known=known)
    assert len(known) == 1
    chosen = {s["id"] for s in body["selected"]}
    outsider = next(t.id for t in wf.targets if t.id not in chosen)
    tampered = copy.deepcopy(body)
    tampered["selected"][0]["id"] = outsider
    wf.append("draw.lock", tampered, commit.office)
    lent = [p for p in wf.verify(rules=default_rules(known=known)).errors if p.rule == "draw.lock"]
    fresh = [p for p in wf.verify().errors if p.rule == "draw.lock"]
    assert lent and [p.message for p in lent] == [p.message for p in fresh]
    assert any("selected list differs from the recomputation at position 1" in p.message for p in lent)
