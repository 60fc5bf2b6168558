"""Stable search shards: a page's shard is a pure function of its data (the first log index it
shows), and a new index run re-indexes only the shards with a page written or removed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from publisher.site import search
from publisher.site.render import SEARCH_PAGES


def bundles(site: Path) -> dict[str, int]:
    """bundle -> mtime of its pagefind-entry.json."""
    out = {"pagefind/": (site / "pagefind/pagefind-entry.json").stat().st_mtime_ns}
    for b in json.loads((site / search.MANIFEST).read_text())["shards"]:
        out[b] = (site / b / "pagefind-entry.json").stat().st_mtime_ns
    return out


def test_only_the_shards_a_change_reaches_are_indexed_again(site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MIN_WIDTH", 16)  # the test ledger is small: several shards of 16 entries
    out, state = tmp_path / "out", tmp_path / "cache" / "search.json"
    shutil.copytree(site, out)
    listed = search.listed_pages(out)
    assert listed and all(m is not None for _, m in listed)  # every searchable page carries its mark
    w = search.width([m for _, m in listed])
    groups = sorted({m // w for _, m in listed})
    assert len(groups) >= 3, groups
    search.run_pagefind(out, state_path=state)
    first = bundles(out)
    assert len(first) >= len(groups)

    # nothing changed: nothing is indexed again
    assert search.run_pagefind(out, state_path=state) == "search index unchanged"
    assert bundles(out) == first

    # one page of the second shard rewritten (as a build does when its data changed)
    page, mark = next((p, m) for p, m in listed if m // w == groups[1] and "/company/" in p.as_posix())
    page.write_text(page.read_text("utf-8").replace("</main>", "<p>新增的检查结果</p></main>"), "utf-8")
    search.run_pagefind(out, state_path=state)
    again = bundles(out)
    changed = {b for b in again if again[b] != first.get(b)}
    assert changed and all(b.startswith(f"pagefind-shards/{groups[1]}-") for b in changed), changed
    assert set(again) == set(first)

    # a shard whose pages are gone (a page no longer searchable) loses its bundles: none is stale
    keep = [line for line in (out / SEARCH_PAGES).read_text("utf-8").splitlines()
            if int(line.split("\t")[1]) // w != groups[-1]]
    (out / SEARCH_PAGES).write_text("".join(x + "\n" for x in keep), "utf-8")
    search.run_pagefind(out, state_path=state)
    manifest = json.loads((out / search.MANIFEST).read_text())["shards"]
    assert not [b for b in manifest if b.startswith(f"pagefind-shards/{groups[-1]}-")]
    gone = [b for b in first if b.startswith(f"pagefind-shards/{groups[-1]}-")]
    assert gone and not any((out / b).exists() for b in gone)
    assert bundles(out) == {b: t for b, t in again.items() if b not in gone}


def test_a_full_index_equals_the_incremental_one(site, tmp_path, monkeypatch):
    """The shard layout depends on the pages only: indexing from scratch gives the same bundles
    (names and page sets) as the incremental runs."""
    monkeypatch.setattr(search, "MIN_WIDTH", 16)
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(site, a)
    search.run_pagefind(a, state_path=tmp_path / "sa.json")
    page = next(p for p, _ in search.listed_pages(a) if "/task/" in p.as_posix())
    page.write_text(page.read_text("utf-8").replace("</main>", "<p>更新</p></main>"), "utf-8")
    search.run_pagefind(a, state_path=tmp_path / "sa.json")
    shutil.copytree(a, b, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards"))
    search.run_pagefind(b)  # no state: everything indexed
    assert (a / search.MANIFEST).read_text() == (b / search.MANIFEST).read_text()
    for bundle in ["pagefind/"] + json.loads((a / search.MANIFEST).read_text())["shards"]:
        fa, fb = ({str(p.relative_to(x / bundle)): p.read_bytes() for p in (x / bundle).rglob("*") if p.is_file()}
                  for x in (a, b))
        assert sorted(fa) == sorted(fb) and [k for k in fa if fa[k] != fb[k]] == [], bundle
