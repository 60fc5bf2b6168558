"""The verify page's common path (spec §9.9): the committed population list instead of the snapshot.

The quick run recomputes every ticket, the selection, the population root, batches and teams
from ``pop/list.gz``; it must reach the same step statuses as the full run on every draw, say
'quick' (never 'pass') when everything it checks passes, and fail at step 7 when the list is
not the committed one. A changed snapshot row is what only the full run catches — both halves
of that split are asserted.
"""

from __future__ import annotations

import gzip
import json
import subprocess

import pytest
from vjs_ledger import HERE, REPO, need_node
from vjs_tamper import change_snapshot_row, copy_site

from publisher.core import merkle
from publisher.draw.population import leaf_data

TASKS = ("T-JOINT", "T-REVEALED", "T-GROUP", "T-CROSS", "T-SECRET", "T-WAITING")


def node_run(site, task, quick=True):
    args = [need_node(), str(HERE / "run_verify.mjs"), str(site), task] + (["--quick"] if quick else [])
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    return rep, {s["n"]: s for s in rep["steps"]}


def decode(site, task):
    raw = gzip.decompress((site / "verify" / "data" / task / "pop" / "list.gz").read_bytes()).decode("utf-8")
    lines = raw.split("\n")
    assert lines[-1] == ""
    head = json.loads(lines[0])
    leaves, prev = [], ""
    for ln in lines[1:-1]:
        p, suffix, si, ri = ln.split("\t")
        units = prev.encode("utf-16-le")[: 2 * int(p)].decode("utf-16-le")
        prev = units + suffix
        leaves.append((prev, head["strata"][int(si)], head["regions"][int(ri)]))
    return head, leaves


def test_list_is_the_committed_population(vsite, vledger):
    """Python reads list.gz back: the leaves give exactly the committed count and root."""
    for task in TASKS:
        body = vledger.draws[task].commit.body
        head, leaves = decode(vsite, task)
        assert head["size"] == len(leaves) == body["population"]["count"], task
        root = merkle.MerkleTree([merkle.leaf_hash(leaf_data(i, s)) for i, s, _ in leaves]).root().hex()
        assert root == body["population"]["root"], task
        assert head["strata"] == [s["name"] for s in body["strata"]]


def test_quick_run_reaches_the_full_runs_statuses(vsite):
    want = {"T-JOINT": "quick", "T-REVEALED": "quick", "T-GROUP": "quick", "T-CROSS": "quick",
            "T-SECRET": "partial", "T-WAITING": "partial"}
    for task in TASKS:
        full, fsteps = node_run(vsite, task, quick=False)
        quick, qsteps = node_run(vsite, task)
        assert quick["mode"] == "quick" and full["mode"] == "full"
        assert quick["overall"] == want[task], (task, [(s["n"], s["status"]) for s in quick["steps"]])
        assert {n: s["status"] for n, s in qsteps.items()} == {n: s["status"] for n, s in fsteps.items()}, task
        for n in (5, 6, 8):  # seed, selection, batch order: line for line the same
            assert qsteps[n]["lines"] == fsteps[n]["lines"], (task, n)
        if fsteps[7]["status"] == "pass":
            q7 = " ".join(x["en"] for x in qsteps[7]["lines"])
            assert "downloaded the committed population list" in q7 and "checked by \"check everything\"" in q7
            assert "as committed" in q7
    # the superseded commitment's outcome (same population) is computed from the list as well
    _, qsteps = node_run(vsite, "T-CROSS")
    _, fsteps = node_run(vsite, "T-CROSS", quick=False)
    assert [x for x in qsteps[12]["lines"] if "would have selected" in x["en"]] == \
        [x for x in fsteps[12]["lines"] if "would have selected" in x["en"]] != []


def rewrite_list(site, task, edit):
    """Decode list.gz to [id, stratum index, region index] rows, edit them, re-encode (front-coded)."""
    p = site / "verify" / "data" / task / "pop" / "list.gz"
    lines = gzip.decompress(p.read_bytes()).decode("utf-8").split("\n")[:-1]
    rows, prev = [], ""
    for ln in lines[1:]:
        n, suffix, si, ri = ln.split("\t")
        prev = prev[:int(n)] + suffix  # USCC-like ids: ASCII, so code units = characters
        rows.append([prev, si, ri])
    edit(rows)
    out = [lines[0]] + ["\t".join(["0", i, si, ri]) for i, si, ri in rows]
    p.write_bytes(gzip.compress(("\n".join(out) + "\n").encode("utf-8")))


@pytest.mark.parametrize("attack", ["drop", "restratify", "unsorted"])
def test_a_list_that_is_not_the_committed_one_fails_step_7(vsite, tmp_path, attack):
    """The list file is only located by the build: dropping a leaf (a company kept out of the
    draw), moving one to another stratum or reordering leaves changes the root or breaks the
    order, so step 7 fails and the selection steps are skipped."""
    site = copy_site(vsite, tmp_path / attack)

    def edit(rows):
        if attack == "drop":
            del rows[5]
        elif attack == "restratify":
            rows[3][1] = "1" if rows[3][1] == "0" else "0"
        else:
            rows[3], rows[4] = rows[4], rows[3]

    rewrite_list(site, "T-JOINT", edit)
    rep, steps = node_run(site, "T-JOINT")
    assert rep["overall"] == "fail" and steps[7]["status"] == "fail", [(n, s["status"]) for n, s in steps.items()]
    reason = steps[7]["reason"]["en"]
    if attack == "unsorted":
        assert "not strictly ascending" in reason
    else:
        assert "recomputed" in reason and "the commitment says" in reason
    assert all(steps[n]["status"] == "skip" and steps[n]["cause"] == 7 for n in (6, 8, 9))
    assert all(steps[n]["status"] == "pass" for n in (1, 2, 3, 4, 5, 10))


def test_a_changed_snapshot_row_is_caught_by_the_full_run_only(vsite, tmp_path):
    site = copy_site(vsite, tmp_path / "snap")
    change_snapshot_row(site, "T-JOINT")
    quick, _ = node_run(site, "T-JOINT")
    full, fsteps = node_run(site, "T-JOINT", quick=False)
    assert quick["overall"] == "quick"  # the quick path never reads the snapshot …
    assert full["overall"] == "fail" and fsteps[7]["status"] == "fail"  # … "check everything" does


def _with_gz_lock(site, data_edit):
    """Point the T-JOINT lock's ref at a gzip copy (the build does this for entries > 32 KB)."""
    p = site / "verify" / "data" / "T-JOINT.json"
    data = json.loads(p.read_text("utf-8"))
    ref = data["entries"]["lock"]
    raw = (site / ref["url"]).read_bytes()
    rel = "verify/data/gz/test-lock.json.gz"
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_bytes(gzip.compress(data_edit(raw)))
    ref["gz"] = rel
    p.write_text(json.dumps(data), "utf-8")


def test_a_gzip_copy_of_an_entry_is_checked_like_the_entry(vsite, tmp_path):
    site = copy_site(vsite, tmp_path / "gz-honest")
    _with_gz_lock(site, lambda raw: raw)
    rep, _ = node_run(site, "T-JOINT")
    assert rep["overall"] == "quick"
    site = copy_site(vsite, tmp_path / "gz-changed")
    def one_more_batch(raw):
        changed = raw.replace(b'"batch": 1', b'"batch": 2', 1).replace(b'"batch":1', b'"batch":2', 1)
        assert changed != raw
        return changed

    _with_gz_lock(site, one_more_batch)
    rep, steps = node_run(site, "T-JOINT")
    assert rep["overall"] == "fail" and steps[1]["status"] == "fail"
    assert "the file was changed" in steps[1]["reason"]["en"]


def test_large_entries_get_a_gzip_copy(tmp_path):
    """The build's rule: entry files above GZ_MIN get verify/data/gz/<office>/<seq>.json.gz."""
    from publisher.site import verifier_assets

    out = tmp_path / "out"
    (out / "ledger/entries/o").mkdir(parents=True)
    big = b'{"x":"' + b"a" * (verifier_assets.GZ_MIN + 1) + b'"}'
    (out / "ledger/entries/o/00000001.json").write_bytes(big)
    w = verifier_assets._Writer.__new__(verifier_assets._Writer)
    w.out = out
    rel = w.gzipped("ledger/entries/o/00000001.json", "verify/data/gz/o/00000001.json.gz")
    assert gzip.decompress((out / rel).read_bytes()) == big
