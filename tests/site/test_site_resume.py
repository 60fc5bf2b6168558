"""`publisher build` resumes verification from this machine's saved state (with the site's
read-model as it stood at that checkpoint) and writes exactly the site a full build writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from site_ledger import NOW

from publisher.core.verifier import LOG_LINE_RE
from publisher.site.build import build

REPO = Path(__file__).resolve().parents[2]


def cut(src: Path, dst: Path, size: int) -> Path:
    """``src`` as it was when its log had ``size`` lines (before the latest pushes)."""
    shutil.copytree(src, dst)
    lines = (dst / "log").read_text("utf-8").splitlines(keepends=True)
    (dst / "log").write_text("".join(lines[:size]), "utf-8")
    for line in lines[size:]:
        m = LOG_LINE_RE.match(line.rstrip("\n"))
        (dst / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").unlink()
    for p in (dst / "checkpoints").glob("*.note"):
        if int(p.stem) > size:
            p.unlink()
    return dst


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(ledger: Path, out: Path, **over) -> int:
    seen = {}
    build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
          overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_AFTER_RENDER": lambda loaded, info: seen.update(
              resumed=loaded.report.resumed), **over})
    return seen["resumed"]


def test_resumed_build_writes_the_full_builds_site(county, tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    ledger = tmp_path / "ledger"
    assert run(cut(county.ledger, ledger, sizes[-2]), tmp_path / "before") == 0  # the previous push
    shutil.rmtree(ledger)
    shutil.copytree(county.ledger, ledger)  # the new push on top of it
    assert run(ledger, tmp_path / "resumed") == sizes[-2], "the build did not resume from the saved state"
    assert run(ledger, tmp_path / "full", PUBLISHER_FULL_VERIFY=True) == 0
    full, resumed = files(tmp_path / "full"), files(tmp_path / "resumed")
    assert sorted(full) == sorted(resumed)
    assert [k for k in full if full[k] != resumed[k]] == []
    assert run(ledger, tmp_path / "again") == sizes[-1]  # the next build resumes at the newest checkpoint
    again = files(tmp_path / "again")
    assert [k for k in full if full[k] != again.get(k)] == []


@pytest.mark.parametrize("beside", [True, False], ids=["index-beside", "index-after"])
def test_incremental_build_equals_a_fresh_full_build(county, tmp_path, monkeypatch, beside):
    """Build, push the next entries, build again into the same output: only pages whose data
    changed are rendered, and every file equals a fresh full build's (no stale page left),
    the search index's shards included — whether the push indexes beside its build (the
    default) or after it, in the build process."""
    from collections import Counter

    from publisher.core.verifier import LOG_LINE_RE
    from publisher.site import search

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(search, "MIN_WIDTH", 16)  # several search shards on this small ledger
    lines = (county.ledger / "log").read_text("utf-8").splitlines()
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    ledger, out = tmp_path / "ledger", tmp_path / "out"
    cut(county.ledger, ledger, sizes[-2])
    over = {"PUBLISHER_NOW": NOW, **({} if beside else {"PUBLISHER_SEARCH_BESIDE_PUSH": False})}  # beside: the default
    first = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=True, overrides=over)
    assert not first.incremental and first.kept == 0
    before, stamps = files(out), mtimes(out)
    for src in sorted(county.ledger.rglob("*")):  # the push lands in the same directory, as `git pull` does
        dst = ledger / src.relative_to(county.ledger)
        if src.is_file() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
    pushed = Counter(county_type(county.ledger, LOG_LINE_RE.match(x)) for x in lines[sizes[-2]:])
    assert pushed, "nothing pushed"
    inc = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=True, overrides=over)
    assert inc.incremental and inc.kept > 0 and inc.rendered > 0, (inc, pushed)
    assert (inc.pagefind_overlap > 0) == beside, ("the push's search index ran", inc.pagefind_overlap, beside)
    fresh = build(ledger, tmp_path / "fresh", settings_file=REPO / "pelicanconf.py", search=True, overrides=over)
    assert not fresh.incremental and fresh.kept == 0
    a, b = files(out), files(tmp_path / "fresh")
    assert sorted(set(a) ^ set(b)) == []
    assert [k for k in a if a[k] != b[k]] == []
    print("pushed", dict(pushed), "incremental: rendered", inc.rendered, "kept", inc.kept, "full:", fresh.rendered)
    assert inc.rendered < fresh.rendered / 2, (inc.rendered, inc.kept, fresh.rendered)
    check_push_reaches_its_files(county, before, stamps, a, mtimes(out), sizes)

    # the ledger rolled back to the previous push (a revert): not incremental, and no file
    # derived from the entries that are gone survives
    shutil.rmtree(ledger)
    cut(county.ledger, ledger, sizes[-2])
    back = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=True, overrides={"PUBLISHER_NOW": NOW})
    assert not back.incremental
    again = files(out)
    assert sorted(set(again) ^ set(before)) == []
    assert [k for k in again if again[k] != before[k]] == []


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def check_push_reaches_its_files(county, before: dict, stamps: dict, after: dict, stamps_after: dict,
                                 sizes: list[int]) -> None:
    """The push (lock + reveal of the revealed task, a new task and commitment, a checkpoint)
    changed exactly the files it should — the revealed task's page, data, verifier data and the
    year's task downloads, the drawn companies' pages, new proofs — and the files it does not
    reach were not even rewritten: the proofs of entries already covered, the other tasks'
    verifier populations, the result downloads, the lookup index."""
    import json

    t = county.revealed_task
    for name in (f"task/{t}/index.html", f"en/task/{t}/index.html", f"task/{t}/task.json",
                 f"verify/data/{t}.json", "data/2026/tasks.json", "data/2026/tasks.csv", "data/2026/tasks.xlsx"):
        assert before[name] != after[name], f"{name} was not updated by the push"
    for cid in county.selected[t]:
        assert before[f"company/{cid}/index.html"] != after[f"company/{cid}/index.html"]
        assert f"company/{cid}/index.html" in after[".search-pages"].decode()
    old_proofs = [k for k in before if k.startswith("proofs/") and "/consistency/" not in k]
    new_proofs = [k for k in after if k.startswith("proofs/") and "/consistency/" not in k]
    assert len(old_proofs) == sizes[-2] and len(new_proofs) == sizes[-1] > sizes[-2]
    for k in old_proofs:  # an entry's proof never changes: not rewritten
        assert after[k] == before[k] and stamps_after[k] == stamps[k], k
    for k in set(new_proofs) - set(old_proofs):
        assert json.loads(after[k])["tree_size"] == sizes[-1]
    for k in after:
        if k.startswith("proofs/consistency/"):
            assert json.loads(after[k])["to"]["tree_size"] == sizes[-1], k
    docs_before, docs_after = shard_documents(before), shard_documents(after)
    first = min(docs_after)
    bundle = lambda k: "pagefind/" if k == first else f"pagefind-shards/{k}-0/"  # noqa: E731
    task_doc = f"task/{t}/index.html"
    shard = next(k for k, docs in docs_after.items() if task_doc in docs)
    assert docs_before[shard][task_doc] != docs_after[shard][task_doc]  # the revealed task's document changed…
    assert stamps_after[bundle(shard) + "pagefind-entry.json"] != stamps[bundle(shard) + "pagefind-entry.json"]
    unchanged = [k for k in docs_after if docs_before.get(k) == docs_after[k]]
    assert unchanged, "the push reached every search shard: the test shows nothing"
    for k in unchanged:  # …and shards whose documents are the same were not indexed again, although
        b = bundle(k)   # the push rewrote the drawn companies' pages
        assert stamps_after[b + "pagefind-entry.json"] == stamps[b + "pagefind-entry.json"], b
    untouched = [k for k in before if k.startswith(("lookup/", "data/2026/results", f"verify/data/{county.joint_task}/pop/"))]
    assert untouched
    for k in untouched:
        assert after[k] == before[k] and stamps_after[k] == stamps[k], f"{k} rewritten although nothing it holds changed"


def shard_documents(files: dict) -> dict[int, dict[str, str]]:
    """shard -> {search document: digest} of a built site (its files by name)."""
    from publisher.site import search
    from publisher.site.search_docs import cut

    marks = [line.partition("\t")[::2] for line in files[".search-pages"].decode().splitlines()]
    docs = [d for name, m in marks for d in cut(name, files[name].decode(), int(m) if m else None)]
    starts = search.layout([d.mark for d in docs])
    out: dict[int, dict[str, str]] = {}
    for d in docs:
        out.setdefault(search.shard_of(d.mark, starts), {})[d.name] = d.digest
    return out


def county_type(root: Path, m) -> str:
    import json

    return json.loads((root / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_text("utf-8"))["type"]


def test_a_file_changed_in_the_output_is_written_again(county, tmp_path, monkeypatch):
    """Kept files are trusted only while they are the ones the last build wrote: a download
    edited by hand, a deleted proof, a deleted population index are all written again by the
    next incremental build, which then equals the previous one file for file."""
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    ledger, out = cut(county.ledger, tmp_path / "ledger", sizes[-2]), tmp_path / "out"
    build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False, overrides={"PUBLISHER_NOW": NOW})
    want = files(out)
    t = county.joint_task
    (out / f"task/{t}/results.csv").write_text("\ufeff伪造的结果\n", "utf-8")  # a forged download
    (out / "data/2026/results.json").write_text("[]\n", "utf-8")
    (out / "filter/results/2026/scjgj.json").write_text("[]", "utf-8")  # a result filter shard emptied
    listed = sorted(p for p in (out / "company").glob("*/index.html") if 'id="never-inspected"' in p.read_text("utf-8"))
    assert len(listed) > 3
    for p in listed[::2]:  # never-inspected companies' pages (kept without their labels when clean)
        p.write_text(p.read_text("utf-8").replace("<h1>", "<h1>假"), "utf-8")
    proof = sorted((out / "proofs").glob("*.json"))[3]
    proof.unlink()
    (out / f"verify/data/{t}/pop/index.json").unlink()
    other = county.revealed_task  # a data file pointing elsewhere (another task: its pop/ is intact)
    forged = json.loads((out / f"verify/data/{other}.json").read_text("utf-8"))
    forged["checkpoint"]["consistency"] = "proofs/consistency/0000000001.json"
    (out / f"verify/data/{other}.json").write_text(json.dumps(forged, ensure_ascii=False, indent=1) + "\n", "utf-8")
    again = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False, overrides={"PUBLISHER_NOW": NOW})
    assert again.incremental
    got = files(out)
    assert sorted(set(got) ^ set(want)) == []
    assert [k for k in want if got[k] != want[k]] == []


@pytest.mark.parametrize("kind", ["result", "result.correct"])
def test_a_result_push_rewrites_its_month_of_results_only(county, tmp_path, monkeypatch, kind):
    """Result downloads are one group of files per month of publication: a push holding a
    result rewrites that month's files and the year's joined CSV/JSON, and no other month's
    (their files keep their mtimes); the output is a fresh full build's, byte for byte."""
    import json as _json

    from publisher.core.verifier import LOG_LINE_RE
    from publisher.site.render import cst_date

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    lines = (county.ledger / "log").read_text("utf-8").splitlines()
    types = [county_type(county.ledger, LOG_LINE_RE.match(x)) for x in lines]
    last = max(i for i, t in enumerate(types) if t == kind)
    ledger, out = tmp_path / "ledger", tmp_path / "out"
    cut(county.ledger, ledger, last)
    run(ledger, out, PUBLISHER_PAGE_SIZE=1)  # a page per row: many pages of results and office entries
    stamps = mtimes(out)
    shutil.rmtree(ledger)
    shutil.copytree(county.ledger, ledger)
    run(ledger, out, PUBLISHER_PAGE_SIZE=1)
    m = LOG_LINE_RE.match(lines[last])
    entry = _json.loads((county.ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_text("utf-8"))
    month = f"data/2026/results-{cst_date(entry['time'])[5:7]}."
    after = mtimes(out)
    months = sorted(k for k in after if k.startswith("data/2026/results-"))
    assert all(after[k] != stamps.get(k) for k in months if k.startswith(month))
    assert after["data/2026/results.csv"] != stamps["data/2026/results.csv"]
    if kind == "result":  # (a correction also rewrites the month of the result it replaces)
        others = [k for k in months if not k.startswith(month)]
        assert others and len(months) > len(others), (month, months)
        assert all(after[k] == stamps[k] for k in others), "a month the push did not reach was rewritten"
        shards = [k for k in after if k.startswith("filter/results/2026/")]
        assert len(shards) > 1 and any(after[k] == stamps[k] for k in shards), "every office's filter shard rewritten"
    listing = sorted(k for k in after if k.startswith(("results/2026/", "office/scjgj/entries/")))
    kept = [k for k in listing if after[k] == stamps.get(k)]
    assert len(listing) >= 10 and kept and len(kept) < len(listing) - 2, (listing, kept)  # pages before the push kept
    assert "results/2026/index.html" not in kept  # the first page shows the total
    run(ledger, tmp_path / "fresh", PUBLISHER_FULL_VERIFY=True, PUBLISHER_PAGE_SIZE=1)
    a, b = files(out), files(tmp_path / "fresh")
    assert sorted(set(a) ^ set(b)) == [] and [k for k in a if a[k] != b[k]] == []


def test_a_pushs_search_step_runs_without_the_verifiers_state(county, tmp_path, monkeypatch):
    """A push builds its search index in the build's own process, after the pages. By then
    nothing may hold the verifier's report or the read-model: at a province they are gigabytes,
    and the index's state comes on top (docs/BENCHMARKS.md, session 16)."""
    import gc
    import weakref

    from publisher.site import build as build_module

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    ledger, out = cut(county.ledger, tmp_path / "ledger", sizes[-2]), tmp_path / "out"
    run(ledger, out)
    shutil.rmtree(ledger)
    shutil.copytree(county.ledger, ledger)  # the push arrives
    alive: dict[str, weakref.ref] = {}

    def after(loaded, info):
        alive.update(report=weakref.ref(loaded.report), draw=weakref.ref(loaded.report.rule("draw")),
                     index=weakref.ref(loaded.index))

    seen = []

    def search_step(site, **kw):
        gc.collect()
        seen.append({name: ref() is not None for name, ref in alive.items()})
        return "not indexed (test)"

    monkeypatch.setattr(build_module, "run_pagefind", search_step)
    res = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=True,  # indexed after the build, here
                overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_AFTER_RENDER": after, "PUBLISHER_SEARCH_BESIDE_PUSH": False})
    assert res.incremental and res.kept > 0
    assert seen == [{"report": False, "draw": False, "index": False}], seen
