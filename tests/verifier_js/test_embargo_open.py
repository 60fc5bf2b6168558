"""The browser verifier opens an embargoed draw from its escrows alone (spec §5A.4).

Two small ledgers, each with one embargoed draw locked and never revealed, and the reveal round's
beacon recorded under ledger/beacons/: an honest lock (the list is recomputed from the timelock
and matches the lock's hash) and a lock whose result_hash is random bytes (step 11 fails). The
site build ships the recorded beacon as build-time data; the Node runner runs the same modules as
the page, and Chromium runs the page itself.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from vjs_ledger import HERE, NOW, REPO, need_node, new_vledger, ts

from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.embargo import reveal_round
from publisher.storage.beacons import record_beacon


def _ledger(root, forged: bool, record: bool = True):
    targets = sample_targets(40, "emb")
    inspectors = sample_inspectors({"scjgj": 6, "wjj": 4}, "emb", groups_of=2)
    v = new_vledger(root, targets, inspectors)
    v.at(ts("2026-03-02"))
    d = v.commit("T-SECRET", ["scjgj"], members=2, embargo="2026-03-20",
                 strata=[{"name": "全部", "match": {}, "take": {"count": 4}}])
    v.checkpoint()
    if forged:
        from publisher.draw.lock import build_lock_body

        rnd = d.commit.body["beacon"]["round"]
        v.at(v.sim.chain.round_time(rnd) + 60)
        body = build_lock_body(d.commit.id, d.commit.body, v.sim.beacon(rnd), d.secrets, targets, inspectors)
        body["result_hash"] = "5e" * 32
        d.lock = v.append("scjgj", "draw.lock", body)
    else:
        v.lock(d)
    v.at(ts("2026-03-25"))
    v.checkpoint()
    if record:
        rr = reveal_round(v.sim.chain, "2026-03-20")
        record_beacon(v.root, v.sim.chain.chain_hash, v.sim.beacon(rr))
    return v, d


def _site(tmp_path, forged: bool):
    from publisher.site.build import build

    v, d = _ledger(tmp_path / "ledger", forged, record=not forged)
    out = tmp_path / "out"
    build(v.root, out, settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW}, search=False)
    return v, d, out


def _run(node, site, task="T-SECRET", *ids):
    out = subprocess.run([node, str(HERE / "run_verify.mjs"), str(site), task, *ids], capture_output=True, text=True,
                         timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    return rep, {s["n"]: s for s in rep["steps"]}


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    need_node()
    return _site(tmp_path_factory.mktemp("emb-honest"), forged=False)


def test_site_ships_the_reveal_beacon_not_the_list(honest):
    v, d, out = honest
    data = json.loads((out / "verify/data/T-SECRET.json").read_text("utf-8"))
    rr = reveal_round(v.sim.chain, "2026-03-20")
    assert data["reveal_beacon"] == {"round": rr, "url": f"ledger/beacons/{v.sim.chain.chain_hash}/{rr}.json"}
    assert (out / data["reveal_beacon"]["url"]).read_bytes() == (v.root / data["reveal_beacon"]["url"]
                                                                  .removeprefix("ledger/")).read_bytes()
    page = (out / "en/task/T-SECRET/index.html").read_text("utf-8")
    assert 'class="callout opened-by-timelock"' in page and "opened by the beacon round at the embargo&#39;s end" in page
    assert "List not yet revealed" not in page


def test_node_runner_recomputes_the_list_from_the_timelock(honest):
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules

    v, d, out = honest
    r = verify(v.factory.ledger, v.factory.ledger.trust(), default_rules())
    c = r.rule("draw").tasks["T-SECRET"].current
    assert r.ok and c.opened and c.reveal is None
    rep, steps = _run(need_node(), out)
    assert rep["overall"] == "pass", [(n, s["status"], s["reason"], s["lines"][-1:]) for n, s in steps.items() if s["status"] != "pass"]
    assert steps[3]["status"] == "pass" and steps[11]["status"] == "pass"
    assert any("opens the secrets escrowed in the commitment" in (ln.get("en") or "") for ln in steps[3]["lines"])
    # "why (not) me" works on the opened list, for a selected company and for one not selected
    chosen = r.rule("draw").book.private[c.id].opened.selected[0]["id"]
    other = next(t.id for t in v.targets if t.id not in {x["id"] for x in r.rule("draw").book.private[c.id].opened.selected})
    rep, _ = _run(need_node(), out, "T-SECRET", chosen, other)
    assert rep["lookups"][chosen]["check"]["ok"] and rep["lookups"][chosen]["check"]["selected"] is True
    assert rep["lookups"][other]["check"]["ok"] and rep["lookups"][other]["check"]["selected"] is False


def test_node_runner_fails_a_lock_that_binds_nothing(tmp_path):
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules

    # the site was built before the reveal round (the build refuses a failing ledger); then the
    # round's beacon appears and the page is given it, as the next build would
    v, d, out = _site(tmp_path, forged=True)
    for f in out.rglob("*"):  # before the reveal round no file of the site carries the list
        if f.suffix in (".html", ".json", ".csv", ".xml", ".txt"):
            text = f.read_text("utf-8", errors="replace")
            assert "data-selected-id" not in text or "T-SECRET" not in f.parts, f
    assert '"selected"' not in (out / "verify/data/T-SECRET.json").read_text("utf-8")
    rr = reveal_round(v.sim.chain, "2026-03-20")
    p = record_beacon(v.root, v.sim.chain.chain_hash, v.sim.beacon(rr))
    r = verify(v.factory.ledger, v.factory.ledger.trust(), default_rules())
    assert [p.rule for p in r.problems if p.severity == "error"] == ["draw.embargo"]
    rel = f"ledger/beacons/{v.sim.chain.chain_hash}/{rr}.json"
    (out / rel).parent.mkdir(parents=True)
    (out / rel).write_bytes(p.read_bytes())
    data_file = out / "verify/data/T-SECRET.json"
    data = json.loads(data_file.read_text("utf-8"))
    assert data["reveal_beacon"] is None
    data_file.write_text(json.dumps(dict(data, reveal_beacon={"round": rr, "url": rel})), "utf-8")
    rep, steps = _run(need_node(), out)
    assert rep["overall"] == "fail" and steps[11]["status"] == "fail", [(n, s["status"]) for n, s in steps.items()]
    assert "5e5e5e5e" in json.dumps(steps[11]["lines"])


@pytest.mark.browser
def test_chromium_opens_the_embargoed_draw(honest, serve, chromium):
    v, d, out = honest
    base = serve(out)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}en/verify/?task=T-SECRET")  # the common (quick) path opens it too
    page.wait_for_selector('#verify-report[data-state="done"]', timeout=60000)
    assert page.get_attribute("#verify-report", "data-overall") == "quick"
    s11 = page.eval_on_selector('#steps > li.step[data-step="11"]', "e => e.dataset.status")
    assert s11 == "pass" and not errors
    ctx.close()


@pytest.mark.parametrize("revealed", [False, True])
def test_a_recorded_reveal_beacon_reaches_a_kept_task_file(tmp_path, monkeypatch, revealed):
    """Recording the reveal round's beacon adds no log entry; the next build into the same
    output must still write the task's data file again with it (its plan names the beacon),
    as a full build does — a kept file would leave the page unable to open the draw. With a
    reveal entry already published the draw's status does not move: only the beacon does."""
    from publisher.site.build import build

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    v, d = _ledger(tmp_path / "ledger", forged=False, record=False)
    if revealed:
        v.reveal(d)
        v.checkpoint()
    out = tmp_path / "out"
    kw = dict(settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW}, search=False)
    build(v.root, out, **kw)
    assert json.loads((out / "verify/data/T-SECRET.json").read_text("utf-8"))["reveal_beacon"] is None
    rr = reveal_round(v.sim.chain, "2026-03-20")
    record_beacon(v.root, v.sim.chain.chain_hash, v.sim.beacon(rr))
    again = build(v.root, out, **kw)
    assert again.incremental
    build(v.root, tmp_path / "fresh", **kw)
    for rel in ("verify/data/T-SECRET.json", "verify/data/index.json"):
        assert (out / rel).read_bytes() == (tmp_path / "fresh" / rel).read_bytes(), rel
    data = json.loads((out / "verify/data/T-SECRET.json").read_text("utf-8"))
    assert data["reveal_beacon"]["round"] == rr and (out / data["reveal_beacon"]["url"]).is_file()
