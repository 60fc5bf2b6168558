"""Stable search shards: Pagefind reads search documents cut from the pages (one per task, one per
result), a document's shard is a pure function of its log index, and a new index run re-indexes
only the shards whose documents changed — not those of every page a push rewrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from publisher.site import search
from publisher.site.render import SEARCH_PAGES
from publisher.site.search_docs import cut


def bundles(site: Path) -> dict[str, int]:
    """bundle -> mtime of its pagefind-entry.json."""
    out = {"pagefind/": (site / "pagefind/pagefind-entry.json").stat().st_mtime_ns}
    for b in json.loads((site / search.MANIFEST).read_text())["shards"]:
        out[b] = (site / b / "pagefind-entry.json").stat().st_mtime_ns
    return out


def documents(site: Path) -> list[tuple[Path, str, int | None]]:
    """(page, document name, mark) of every search document of the site."""
    return [(p, d.name, d.mark) for p, m in search.listed_pages(site)
            for d in cut(p.relative_to(site).as_posix(), p.read_text("utf-8"), m)]


def test_layout_blocks_are_aligned_and_only_the_newest_move(monkeypatch):
    monkeypatch.setattr(search, "MIN_WIDTH", 4)
    assert search.layout([]) == [0]
    assert search.layout([2]) == [0]  # no full unit yet: one tail
    assert search.layout([0, 18]) == [0, 16]  # 19 entries: 4 full units = one block of 16, tail from 16
    assert search.layout([19]) == [0, 16, 20]  # 20 entries: 5 units = 4 + 1, tail from 20
    starts = search.layout([75])  # 76 entries: 19 units = 16 + 2 + 1
    assert starts == [0, 64, 72, 76]
    assert [search.shard_of(m, starts) for m in (None, 0, 63, 64, 71, 72, 75, 76, 999)] == [-1, 0, 0, 64, 64, 72, 72, 76, 76]

    def blocks(units: int) -> set[tuple[int, int | None]]:
        st = search.layout([units * 4 - 1]) if units else search.layout([])
        return set(zip(st, st[1:])) | {(st[-1], None)}

    # a log growing one unit at a time: each step changes a suffix of the shards (the newest
    # blocks merge, the old ones stay), and every entry is re-indexed O(log n) times in all
    total = 0
    for units in range(1, 1025):
        new = blocks(units) - blocks(units - 1)
        unchanged = blocks(units) & blocks(units - 1)
        assert all(lo < min(lo for lo, _ in new) for lo, _ in unchanged)
        total += sum(((hi if hi is not None else units * 4) - lo) for lo, hi in new)
    assert total <= 4 * 1024 * 12, total
    assert len(search.layout([10**6 - 1])) <= 21  # O(log n) shards


def test_pages_are_cut_into_result_and_task_documents(site):
    docs = documents(site)
    names = [n for _, n, _ in docs]
    assert len(names) == len(set(names))
    assert any(n.startswith("company/") and n.split("/")[-1].startswith("r-") for n in names)
    assert any(n.startswith("en/company/") for n in names)
    assert any(n.startswith("task/") and n.endswith("/index.html") for n in names)
    assert all(m is not None for _, _, m in docs)  # every document carries the log index it comes from
    # a company document is one result: the row's log index, the page's heading, no row number
    page, name, mark = next(x for x in docs if "/r-" in x[1])
    body = next(d for d in cut(page.relative_to(site).as_posix(), page.read_text("utf-8"), None) if d.name == name).body.decode()
    assert name.endswith(f"/r-{mark}.html") and f'url:{name.rsplit("/", 1)[0]}/#r-{mark}"' in body
    assert "<h1>" in body and "<!--search:" not in body and 'data-label="序号"' not in body
    # tagged as a result (the page heading's tag says company record; the later meta wins in Pagefind)
    assert body.index('data-pagefind-meta="type">检查对象记录') < body.index('data-pagefind-meta="type:检查结果"')


def test_what_a_result_push_changes_is_in_no_document(site):
    """The templates leave out of the documents what changes when results arrive: a task's
    status and its selected targets' result column and results table, a result's row number and
    its struck / corrected marks. With any of them in, a push would re-index old shards."""
    bodies = {}
    for p, m in search.listed_pages(site):
        for d in cut(p.relative_to(site).as_posix(), p.read_text("utf-8"), m):
            bodies[d.name] = d.body.decode()
    tasks = {n: b for n, b in bodies.items() if n.startswith("task/")}
    assert tasks
    for name, body in tasks.items():
        lead = body[body.index('<p class="lead">'):body.index("</p>", body.index('<p class="lead">'))]
        assert 'class="status"' not in lead, name
        assert 'data-label="结果"' not in body and "已公示" not in body and "尚未公示" not in body, name
        assert 'id="tres-h"' not in body, name
    struck = [p for p, _ in search.listed_pages(site) if 'class="struck' in p.read_text("utf-8")]
    assert struck, "the test ledger has a corrected result"
    for p in struck:
        for d in cut(p.relative_to(site).as_posix(), p.read_text("utf-8"), None):
            body = d.body.decode()
            assert "<del>" not in body and "已更正" not in body and 'data-label="序号"' not in body, d.name


def test_only_the_shards_whose_documents_changed_are_indexed_again(site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MIN_WIDTH", 4)  # the test ledger is small: several shards
    out, state = tmp_path / "out", tmp_path / "cache" / "search.json"
    shutil.copytree(site, out)
    docs = documents(out)
    starts = search.layout([m for _, _, m in docs])
    shards = sorted({search.shard_of(m, starts) for _, _, m in docs})
    assert len(shards) >= 3, shards
    search.run_pagefind(out, state_path=state)
    first = bundles(out)
    assert len(first) >= len(shards)

    # nothing changed: nothing is indexed again
    assert search.run_pagefind(out, state_path=state) == "search index unchanged"
    assert bundles(out) == first

    # a page rewritten outside its documents (what a push does to a company's page when it adds a
    # result elsewhere, or a task's results table): no shard is indexed again
    page = next(p for p, n, _ in docs if "/company/" in n)
    page.write_text(page.read_text("utf-8").replace("</main>", "<p>新增的检查结果</p></main>"), "utf-8")
    assert search.run_pagefind(out, state_path=state) == "search index unchanged"
    assert bundles(out) == first

    # one result's document changed: its shard alone is indexed again
    page, name, mark = next(x for x in docs if "/r-" in x[1])
    k = search.shard_of(mark, starts)
    html = page.read_text("utf-8")
    at = html.index(f"<!--search:doc {mark} r-{mark}-->")
    page.write_text(html[:at] + html[at:].replace("</td>", "<b>更正后的结果</b></td>", 1), "utf-8")
    search.run_pagefind(out, state_path=state)
    again = bundles(out)
    changed = {b for b in again if again[b] != first.get(b)}
    mine = {b for b in first if (b == "pagefind/" and k == shards[0]) or b.startswith(f"pagefind-shards/{k}-")}
    assert changed and changed <= mine and len(first) > len(mine), (changed, mine)
    assert set(again) == set(first)

    # a shard whose pages are gone (a page no longer searchable) loses its bundles: none is stale
    gone_pages = {p.relative_to(out).as_posix() for p, _, m in docs if search.shard_of(m, starts) == shards[-1]}
    keep = [line for line in (out / SEARCH_PAGES).read_text("utf-8").splitlines() if line.split("\t")[0] not in gone_pages]
    (out / SEARCH_PAGES).write_text("".join(x + "\n" for x in keep), "utf-8")
    search.run_pagefind(out, state_path=state)
    manifest = json.loads((out / search.MANIFEST).read_text())["shards"]
    gone = [b for b in first if b.startswith(f"pagefind-shards/{shards[-1]}-")]
    assert gone and not any((out / b).exists() for b in gone)
    assert not [b for b in manifest if b in gone]


def test_a_full_index_equals_the_incremental_one(site, tmp_path, monkeypatch):
    """The shard layout and the documents depend on the pages only: indexing from scratch gives
    the same bundles, byte for byte, as the incremental runs."""
    monkeypatch.setattr(search, "MIN_WIDTH", 16)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(site, a)
    search.run_pagefind(a, state_path=tmp_path / "sa.json")
    page = next(p for p, _ in search.listed_pages(a) if "/task/" in p.as_posix())
    page.write_text(page.read_text("utf-8").replace("<!--/search:doc-->", "<p>更新</p><!--/search:doc-->"), "utf-8")
    search.run_pagefind(a, state_path=tmp_path / "sa.json")
    assert_same_as_from_scratch(a, b)


def assert_same_as_from_scratch(a: Path, b: Path) -> None:
    """Index a copy of ``a``'s pages into ``b`` with no state: the same bundles, byte for byte,
    and no bundle directory the manifest does not list."""
    shutil.rmtree(b, ignore_errors=True)
    shutil.copytree(a, b, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards"))
    search.run_pagefind(b)  # no state: everything indexed
    assert (a / search.MANIFEST).read_text() == (b / search.MANIFEST).read_text()
    listed = ["pagefind/"] + json.loads((a / search.MANIFEST).read_text())["shards"]
    on_disk = ["pagefind/"] + sorted(f"pagefind-shards/{d.name}/" for d in (a / "pagefind-shards").iterdir()) \
        if (a / "pagefind-shards").is_dir() else ["pagefind/"]
    assert sorted(on_disk) == sorted(listed)
    for bundle in listed:
        fa, fb = ({str(p.relative_to(x / bundle)): p.read_bytes() for p in (x / bundle).rglob("*") if p.is_file()}
                  for x in (a, b))
        assert fa and sorted(fa) == sorted(fb) and [k for k in fa if fa[k] != fb[k]] == [], bundle


def test_the_first_shard_changing_place_keeps_the_index_whole(site, tmp_path, monkeypatch):
    """pagefind/ belongs to the first shard: when a shard without a log index appears before the
    others (and goes again), the shard that held pagefind/ is indexed again under its own
    name and nothing written in the run is removed by it."""
    monkeypatch.setattr(search, "MIN_WIDTH", 4)
    a, state = tmp_path / "a", tmp_path / "sa.json"
    shutil.copytree(site, a)
    search.run_pagefind(a, state_path=state)
    lines = (a / SEARCH_PAGES).read_text("utf-8").splitlines()
    task = next(x.split("\t")[0] for x in lines if x.startswith("task/"))
    (a / "task/ZZ-NEW").mkdir()  # a new page whose data's log index is unknown: a shard before all others
    shutil.copyfile(a / task, a / "task/ZZ-NEW/index.html")
    (a / SEARCH_PAGES).write_text("".join(x + "\n" for x in lines + ["task/ZZ-NEW/index.html"]), "utf-8")
    search.run_pagefind(a, state_path=state)
    assert_same_as_from_scratch(a, tmp_path / "b")
    (a / SEARCH_PAGES).write_text("".join(x + "\n" for x in lines), "utf-8")
    search.run_pagefind(a, state_path=state)
    assert_same_as_from_scratch(a, tmp_path / "c")
    # the same page, its mark gone from the list (its file unchanged): its documents change shard
    (a / SEARCH_PAGES).write_text("".join((x.split("\t")[0] if x.split("\t")[0] == task else x) + "\n" for x in lines),
                                  "utf-8")
    search.run_pagefind(a, state_path=state)
    assert_same_as_from_scratch(a, tmp_path / "d")


def test_documents_past_the_memory_bound_are_cut_again_with_the_same_bytes(site, tmp_path, monkeypatch):
    """The first pass keeps cut documents only up to KEEP_CUT_BYTES (a province's would not fit
    in memory); the pages past it are cut again when their shard is indexed, and the index is the
    same, byte for byte, as with every document kept."""
    monkeypatch.setattr(search, "MIN_WIDTH", 16)
    listed = search._listed(site)
    _, every = search._documents(site, listed, {})
    total = sum(len(d.body) for docs in every.values() for d in docs)
    monkeypatch.setattr(search, "KEEP_CUT_BYTES", total // 3)
    _, some = search._documents(site, listed, {})
    held = sum(len(d.body) for docs in some.values() for d in docs)
    assert 0 < held <= total // 3 and len(some) < len(every)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(site, a, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards"))
    search.run_pagefind(a)  # a third of the documents held, the rest cut again
    monkeypatch.setattr(search, "KEEP_CUT_BYTES", 2 * total)
    assert_same_as_from_scratch(a, b)  # every document held


def test_a_page_changed_before_it_is_cut_again_is_a_clear_error(site, tmp_path, monkeypatch):
    """A page cut again for its shard (past KEEP_CUT_BYTES) must give the documents its first cut
    recorded; a page edited in between stops the index with a message naming it (no bundle of
    bytes its shard's digest does not name)."""
    import pytest

    monkeypatch.setattr(search, "MIN_WIDTH", 16)
    monkeypatch.setattr(search, "KEEP_CUT_BYTES", 0)  # every page cut again
    a = tmp_path / "a"
    shutil.copytree(site, a, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards"))
    page = next(p for p, _ in search.listed_pages(a) if "/task/" in p.as_posix())
    rel = page.relative_to(a).as_posix()
    real_cut = search.search_docs.cut
    seen: set[str] = set()

    def cut_then_edit(r, text, mark):  # the first cut of that page, then an edit before the second
        docs = real_cut(r, text, mark)
        if r == rel and r not in seen:
            seen.add(r)
            page.write_text(text.replace("<!--/search:doc-->", "<p>改过</p><!--/search:doc-->"), "utf-8")
        return docs

    monkeypatch.setattr(search.search_docs, "cut", cut_then_edit)
    with pytest.raises(search.SearchIndexError, match="changed while the search index"):
        search.run_pagefind(a)


def test_a_shard_is_indexed_holding_a_bundle_of_documents_not_the_shard(site, tmp_path, monkeypatch):
    """A full build's first shard is every document of the site; _group_docs gives them one by
    one, so indexing holds the bundle being written (and the page being read), not the shard:
    held whole, a province's was 10 GB (BENCHMARKS session 14)."""
    import weakref

    monkeypatch.setattr(search, "KEEP_CUT_BYTES", 0)  # every page cut again when its shard is indexed
    a = tmp_path / "a"
    shutil.copytree(site, a, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards"))
    per_page: dict = {}
    for p, _, _ in documents(a):
        per_page[p] = per_page.get(p, 0) + 1
    alive: weakref.WeakSet = weakref.WeakSet()
    real_cut = search.search_docs.cut

    def tracked(r, text, mark):
        docs = real_cut(r, text, mark)
        alive.update(docs)
        return docs

    held: list[int] = []

    def index(docs, out, timeout):
        held.append(len(alive))
        return ""

    monkeypatch.setattr(search.search_docs, "cut", tracked)
    monkeypatch.setattr(search, "_index_part", index)
    search.run_pagefind(a, shard_pages=1)  # (the fixture's site has a few dozen documents)
    total, page_max = sum(per_page.values()), max(per_page.values())
    assert len(held) == total and total > 5 * (1 + page_max)
    assert max(held) <= 1 + page_max


def test_a_page_the_build_just_stat_ed_is_not_stat_ed_again(site, tmp_path):
    """``known`` answers for the pages the build kept (their size and mtime as it found them): those
    are listed with its answer, not stat'ed; pages it does not answer for are stat'ed."""
    import os

    a = tmp_path / "a"
    shutil.copytree(site, a)
    names = [str(p.relative_to(a)) for p, _ in search.listed_pages(a)]
    vouched = set(names[::2])
    listed = search._listed(a, lambda name: (7, 11) if name in vouched else None)
    assert [x[0] for x in listed] == names
    for name, _, size, mtime in listed:
        st = os.stat(a / name)
        assert (size, mtime) == ((7, 11) if name in vouched else (st.st_size, st.st_mtime_ns))
