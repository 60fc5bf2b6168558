"""What the site build writes for the browser verifier (publisher.site.verifier_assets).

The page only fetches files of the static site, so every URL a data file names must exist under
the output, and the data must be what the ledger says: entry files byte-identical to the
ledger's, proofs that verify with the Python core, a chunked population index whose chunks
rebuild the committed root.
"""

from __future__ import annotations

import json
import re
import subprocess

from vjs_ledger import HERE, REPO, need_node

from publisher.core import merkle
from publisher.core.canonical import b64decode
from publisher.core.checkpoint import open_checkpoint
from publisher.core.note import Verifier
from publisher.draw.population import leaf_data
from publisher.site import verifier_assets


def load(site, rel):
    return json.loads((site / rel).read_text("utf-8"))


def test_bundle_page_and_task_links(vsite):
    js = (vsite / "verify" / "verifier.js").read_text("utf-8")
    assert 50_000 < len(js) < 400_000  # one bundle with noble inside, minified
    assert "import " not in js.split("\n", 1)[1][:200]  # an IIFE, not an ES module with imports
    for lang_dir, root in (("", "../"), ("en/", "../../")):
        html = (vsite / lang_dir / "verify" / "index.html").read_text("utf-8")
        assert f'<script src="{root}verify/verifier.js"></script>' in html
        assert f'href="{root}theme/verify/verify.css"' in html
        assert not re.search(r'<script[^>]+src="(https?:)?//', html)  # no CDN
        assert 'id="lookup-form"' in html and 'data-lang="' + ("en" if lang_dir else "zh") + '"' in html
    # every task page links to its verification (the portal's template, checked as a contract)
    for task in ("T-JOINT", "T-SECRET", "T-WAITING"):
        page = (vsite / "task" / task / "index.html").read_text("utf-8")
        assert f'href="../../verify/?task={task}"' in page, task


def test_data_files_locate_real_ledger_bytes(vsite, vledger):
    index = load(vsite, "verify/data/index.json")
    assert [t["task"] for t in index["tasks"]] == sorted(vledger.draws)
    trust = json.loads((vledger.root / "trust.json").read_text("utf-8"))
    vk = Verifier.from_vkey(trust["log_vkey"])
    for t in index["tasks"]:
        d = load(vsite, f"verify/data/{t['task']}.json")
        cp = open_checkpoint((vsite / d["checkpoint"]["url"]).read_text("utf-8"), vk)
        refs = [d["entries"]["commit"], *[d["entries"][k] for k in ("lock", "reveal") if d["entries"][k]],
                *d["entries"]["replace"], *[k["register"] for k in d["keys"]]]
        for ref in refs:
            rel = ref["url"].removeprefix("ledger/")
            assert (vsite / ref["url"]).read_bytes() == (vledger.root / rel).read_bytes()
            if ref["index"] < cp.size:
                proof = [b64decode(p) for p in d["proofs"][ref["id"]]]
                assert merkle.verify_inclusion(merkle.leaf_hash(bytes.fromhex(ref["id"])), ref["index"], cp.size,
                                               proof, cp.root)
        for snap in d["snapshots"].values():
            assert (vsite / snap["url"]).stat().st_size == snap["bytes"]
        cc = d["commit_checkpoint"]
        early = open_checkpoint((vsite / cc["url"]).read_text("utf-8"), vk)
        assert early.size > d["entries"]["commit"]["index"]
        assert merkle.verify_consistency(early.size, cp.size, early.root, cp.root,
                                         [b64decode(p) for p in cc["consistency"]])
    cross = load(vsite, "verify/data/T-CROSS.json")
    assert len(cross["entries"]["superseded"]) == 1


def test_population_chunks_rebuild_the_committed_root(vsite, vledger):
    for task, draw in vledger.draws.items():
        idx = load(vsite, f"verify/data/{task}/pop/index.json")
        pop = draw.commit.body["population"]
        assert (idx["size"], idx["root"]) == (pop["count"], pop["root"])
        leaves = []
        for c in range(len(idx["firsts"])):
            chunk = load(vsite, f"{idx['files']}{c}.json")
            assert chunk["leaves"][0][0] == idx["firsts"][c]
            leaves += [merkle.leaf_hash(leaf_data(i, s)) for i, s in chunk["leaves"]]
        assert merkle.root(leaves).hex() == pop["root"]


def test_npm_ci_only_when_the_lockfile_changed(monkeypatch, tmp_path):
    vdir = tmp_path / "verifier"
    (vdir / "node_modules").mkdir(parents=True)
    (vdir / "package-lock.json").write_text('{"lockfileVersion": 3}')
    calls = []

    class Done:
        returncode, stderr = 0, ""

    monkeypatch.setattr(verifier_assets.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(verifier_assets.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or Done())
    verifier_assets.ensure_node_modules(vdir)
    verifier_assets.ensure_node_modules(vdir)
    assert [c[1] for c in calls] == ["ci"]  # installed once, then the stamp matches
    (vdir / "package-lock.json").write_text('{"lockfileVersion": 3, "changed": true}')
    verifier_assets.ensure_node_modules(vdir)
    assert len(calls) == 2


def test_run_verify_cli_reports_every_draw(vsite):
    """The Node runner (same modules as the bundle) on the built site: what the page will show."""
    node = need_node()
    want = {"T-JOINT": "pass", "T-REVEALED": "pass", "T-GROUP": "pass", "T-CROSS": "pass",
            "T-SECRET": "partial", "T-WAITING": "partial"}
    for task, overall in want.items():
        out = subprocess.run([node, str(HERE / "run_verify.mjs"), str(vsite), task], capture_output=True, text=True,
                             timeout=60, cwd=REPO)
        assert out.returncode == 0, out.stderr
        rep = json.loads(out.stdout)
        assert rep["overall"] == overall, (task, [(s["n"], s["status"]) for s in rep["steps"]])
    secret = json.loads(subprocess.run([node, str(HERE / "run_verify.mjs"), str(vsite), "T-SECRET"], capture_output=True,
                                       text=True, timeout=60, cwd=REPO).stdout)
    status = {s["n"]: s["status"] for s in secret["steps"]}
    # embargo: the beacon, the population and inclusion are checked now; the rest after the reveal
    assert status == {1: "pass", 2: "pass", 3: "pending", 4: "pass", 5: "pending", 6: "pending", 7: "pass",
                      8: "pending", 9: "pending", 10: "pass", 11: "pending", 12: "pass", 13: "pending"}
    assert "2026-12-31" in next(s for s in secret["steps"] if s["n"] == 11)["reason"]["en"]


def _run(node, site, task):
    out = subprocess.run([node, str(HERE / "run_verify.mjs"), str(site), task], capture_output=True, text=True,
                         timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    return rep, {s["n"]: s for s in rep["steps"]}


def test_history_shows_the_superseded_outcome_as_python_computes_it(vledger, vsite):
    """T-CROSS was re-drawn after its round (superior_order): the browser verifier computes what the
    superseded commitment would have selected, equal to the Python verifier's outcome."""
    from publisher.core.verifier import verify
    from publisher.ruleset import default_rules

    node = need_node()
    rule = verify(vledger.factory.ledger, vledger.factory.ledger.trust(), default_rules()).rule("draw")
    old = rule.tasks["T-CROSS"].commits[0]
    assert old.status == "abandoned (superseded)" and old.outcome
    rep, steps = _run(node, vsite, "T-CROSS")
    s12 = steps[12]
    text = " ".join(x["en"] for x in s12["lines"])
    assert s12["status"] == "pass", s12
    assert "superior_order" in text and "某市监发〔2026〕9号" in text and "王五 (主要负责人)" in text
    assert f"would have selected {len(old.outcome)}: {', '.join(old.outcome)}" in text
    # the verified selection is listed and matches the task pages
    s13 = steps[13]
    lines = [x["en"] for x in s13["lines"]]
    lock = vledger.draws["T-CROSS"].lock.body
    assert s13["status"] == "pass", s13
    assert all(any(r["id"] in ln for ln in lines) for r in lock["selected"])
    assert sum("match the verified selection row by row" in ln for ln in lines) == 2  # zh and en pages


def test_an_edited_page_list_is_a_failure_naming_the_rows(vsite, tmp_path):
    from vjs_tamper import copy_site

    node = need_node()
    site = copy_site(vsite, tmp_path / "edited")
    page = site / "task" / "T-JOINT" / "index.html"
    html = page.read_text("utf-8")
    import re

    rows = re.findall(r'data-selected-id="([^"]+)"', html)
    assert len(rows) >= 2
    victim, friend = rows[0], "91371100000000000X"
    # the shown id of the first row is replaced (the marker is left alone)
    html = html.replace(f'<span class="mono small id">{victim}</span>', f'<span class="mono small id">{friend}</span>', 1)
    page.write_text(html, "utf-8")
    rep, steps = _run(node, site, "T-JOINT")
    s13 = steps[13]
    assert rep["overall"] == "fail" and s13["status"] == "fail", s13
    bad = " ".join(x["en"] for x in s13["lines"] if x["status"] == "bad")
    assert f"lacks verified rows: {victim}" in bad and f"has rows that were not selected: {friend}" in bad
    assert "task/T-JOINT/index.html" in bad and "en/task" not in bad  # the English page was not edited


def test_a_task_file_proves_against_the_first_checkpoint_covering_it(vsite, vledger):
    """Format 2 (spec §9.2): the proofs are against the first checkpoint covering every listed
    entry, so later pushes (new checkpoints) leave the file as it is; ``consistency`` names the
    site's proof from that checkpoint to the newest one."""
    sizes = sorted(int(p.stem) for p in (vledger.root / "checkpoints").glob("*.note"))
    trust = json.loads((vledger.root / "trust.json").read_text("utf-8"))
    vk = Verifier.from_vkey(trust["log_vkey"])
    earlier = 0
    for t in load(vsite, "verify/data/index.json")["tasks"]:
        d = load(vsite, f"verify/data/{t['task']}.json")
        assert d["format"] == 2
        refs = [d["entries"]["commit"], *[d["entries"][k] for k in ("lock", "reveal") if d["entries"][k]],
                *d["entries"]["replace"], *[k["register"] for k in d["keys"]],
                *[k["revoke"] for k in d["keys"] if k["revoke"]]]
        last = max(r["index"] for r in refs)
        want = next((s for s in sizes if s > last), sizes[-1])
        assert d["checkpoint"]["size"] == want, t["task"]
        earlier += want < sizes[-1]
        c = load(vsite, d["checkpoint"]["consistency"])
        assert c["from"]["tree_size"] == want and c["to"]["tree_size"] == sizes[-1]
        newest = open_checkpoint((vsite / c["to"]["checkpoint"]).read_text("utf-8"), vk)
        cp = open_checkpoint((vsite / d["checkpoint"]["url"]).read_text("utf-8"), vk)
        assert merkle.verify_consistency(cp.size, newest.size, cp.root, newest.root,
                                         [b64decode(p) for p in c["proof"]])
    assert earlier, "no task proven against an earlier checkpoint: the rule is not exercised"


def test_the_page_checks_the_task_checkpoint_against_the_newest(vsite, tmp_path):
    """Step 10 reaches the portal's newest checkpoint through proofs/consistency/: a changed
    proof is a failure (a fork or a rewrite), a missing one only a warning."""
    import shutil

    node = need_node()
    site = tmp_path / "site"
    shutil.copytree(vsite, site)
    task = next(t["task"] for t in load(site, "verify/data/index.json")["tasks"]
                if load(site, f"verify/data/{t['task']}.json")["entries"]["lock"] is not None
                and load(site, load(site, f"verify/data/{t['task']}.json")["checkpoint"]["consistency"])["proof"])
    rep, steps = _run(node, site, task)
    assert steps[10]["status"] == "pass"
    assert any("consistent with the portal's newest checkpoint" in x["en"] for x in steps[10]["lines"])
    path = site / load(site, f"verify/data/{task}.json")["checkpoint"]["consistency"]
    c = json.loads(path.read_text("utf-8"))
    c["proof"][0] = c["proof"][-1] if len(c["proof"]) > 1 else "A" * 43 + "="
    path.write_text(json.dumps(c), "utf-8")
    rep, steps = _run(node, site, task)
    assert steps[10]["status"] == "fail" and "fork or rewrite" in steps[10]["reason"]["en"]
    path.unlink()
    rep, steps = _run(node, site, task)
    assert steps[10]["status"] == "pass"
    assert any(x["status"] == "warn" and "cannot be read" in x["en"] for x in steps[10]["lines"])
