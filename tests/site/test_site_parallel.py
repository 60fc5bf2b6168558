"""A build whose pages are written by two processes writes exactly the serial build's site,
and keeps the same incremental manifest (so the next push is incremental either way)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from site_ledger import NOW

from publisher.site.build import build
from publisher.site.incremental import MAGIC, Manifest
from publisher.site.parallel import RenderWorkerError

REPO = Path(__file__).resolve().parents[2]


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(ledger: Path, out: Path, workers: int, **over):
    seen: dict = {}
    res = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
                overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": workers, "PUBLISHER_FULL_VERIFY": True,
                           "PUBLISHER_AFTER_RENDER": lambda loaded, info: seen.update(info["timings"]), **over})
    return res, seen


def test_parallel_build_is_byte_identical_to_serial(county, tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    serial, s_times = run(county.ledger, tmp_path / "serial", 0)
    parallel, p_times = run(county.ledger, tmp_path / "parallel", 2)
    # it did fork: the first part always does; a later one only if a worker has finished by then,
    # which on a loaded machine it may not have (this assertion failed once with a province
    # build beside the suite: write_data_files ran in the build process, the output the same)
    assert "worker write_companies" in p_times
    assert not [k for k in s_times if k.startswith("worker")]
    a, b = files(tmp_path / "serial"), files(tmp_path / "parallel")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    assert serial.pages == parallel.pages and serial.rendered == parallel.rendered
    assert b"company/" in b["sitemap.xml"] and b"company/" in b[".search-pages"]
    assert not [k for k in b if ".part" in k or k.endswith(".result")]  # no worker leftovers
    # the incremental manifests record the same pages (a worker's records were handed back)
    pages = {}
    for name in ("serial", "parallel"):
        m = Manifest(tmp_path / name, "")
        m.key = m_key = json.loads(m.path.read_bytes()[len(MAGIC) + 32:].partition(b"\n")[0])["key"]
        assert m.load() and m_key
        pages[name] = {k: json.loads(v)["key"] for k, v in m.old.items()}
    assert pages["serial"] == pages["parallel"] and any(k.startswith("company/") for k in pages["parallel"])


def test_parallel_incremental_build_keeps_the_workers_pages(county, tmp_path, monkeypatch):
    """The second build into the same output keeps every page, those written by the worker too."""
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    build(county.ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
          overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 2})
    before = files(out)
    again = build(county.ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
                  overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 2})
    serial = build(county.ledger, tmp_path / "serial", settings_file=REPO / "pelicanconf.py", search=False,
                   overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 0})
    again_serial = build(county.ledger, tmp_path / "serial", settings_file=REPO / "pelicanconf.py", search=False,
                         overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 0})
    assert again.incremental and again.kept > 0
    assert (again.rendered, again.kept) == (again_serial.rendered, again_serial.kept) != (serial.rendered, 0)
    assert files(out) == before


def test_a_failing_worker_fails_the_build(county, tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    import publisher.site.pages as pages

    def broken(loaded, r):
        raise ValueError("boom in the worker")

    monkeypatch.setattr(pages, "write_companies", broken)
    with pytest.raises(RenderWorkerError, match="boom in the worker"):
        run(county.ledger, tmp_path / "out", 2)


def test_search_index_built_beside_the_parallel_build_equals_the_serial_one(county, tmp_path, monkeypatch):
    """A full build starts Pagefind as soon as every searchable page is written (while the
    workers still write the rest): same list of indexed pages, same index, as the serial build."""
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    out = {}
    for workers in (0, 2):
        out[workers] = tmp_path / f"w{workers}"
        res = build(county.ledger, out[workers], settings_file=REPO / "pelicanconf.py", search=True,
                    overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": workers})
        assert res.pagefind_seconds > 0
    a, b = files(out[0]), files(out[2])
    assert sorted(a) == sorted(b)
    entry = "pagefind/pagefind-entry.json"  # Pagefind writes its languages in either order, run to run
    assert json.loads(a.pop(entry)) == json.loads(b.pop(entry))
    assert [k for k in a if a[k] != b[k]] == []
    assert any(k.startswith("pagefind/index/") for k in b)
    listed = a[".search-pages"].decode().split()
    assert any(p.startswith("company/") for p in listed) and any(p.startswith("en/task/") for p in listed)


def test_a_searchable_page_after_the_index_started_is_an_error(tmp_path):
    from publisher.site.render import Renderer

    r = Renderer(None, lambda name: None, tmp_path, {}, "https://x.example/")
    started = []
    r.seal_search(lambda: started.append(True)).join()
    assert started == [True] and (tmp_path / ".search-pages").read_text() == ""
    with pytest.raises(RuntimeError, match="searchable page written after the search index was started"):
        r.page("task/T1/", "task", searchable=True)
    r.close()


def test_parallel_push_equals_a_fresh_serial_build(county, tmp_path, monkeypatch):
    """Render workers in the previous build and in the push: every page a worker wrote is kept
    or rendered again by what it read (its facts are handed back by pair, not by the worker's own
    numbers), so the pushed site is a fresh serial build's, file for file."""
    from test_site_resume import cut

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    ledger, out = tmp_path / "ledger", tmp_path / "out"
    cut(county.ledger, ledger, sizes[-2])
    over = {"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 2}
    build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False, overrides=over)
    for src in sorted(county.ledger.rglob("*")):  # the push lands in the same directory, as `git pull` does
        dst = ledger / src.relative_to(county.ledger)
        if src.is_file() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
    inc = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False, overrides=over)
    assert inc.incremental and inc.kept > 0 and inc.rendered > 0
    fresh = build(ledger, tmp_path / "fresh", settings_file=REPO / "pelicanconf.py", search=False,
                  overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_RENDER_WORKERS": 0})
    assert not fresh.incremental and fresh.kept == 0
    a, b = files(out), files(tmp_path / "fresh")
    assert sorted(set(a) ^ set(b)) == []
    assert [k for k in a if a[k] != b[k]] == []
