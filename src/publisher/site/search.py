"""Search: Pagefind indexes task and company pages (with their results); a small script queries it.

Why Pagefind: it runs after the build over the static files, needs no server, and its extended
build segments Chinese text. Only pages marked ``data-pagefind-body`` (tasks, companies) are
indexed, each language in its own index (from the page's ``lang``).

Why shards: Pagefind keeps the whole index in memory while it builds (about six times the HTML
it reads), so a province-sized site is indexed in shards of at most ``shard_pages`` pages and
``shard_mb`` MB of HTML, each in its own run and bundle; the search script merges the bundles
listed in search-shards.json. A county-sized site is one ordinary ``pagefind --site`` run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import PublisherError
from .render import SEARCH_PAGES, Renderer

MANIFEST = "search-shards.json"
INDEXED_DIRS = ("task", "company")  # the only templates carrying data-pagefind-body


class SearchIndexError(PublisherError, RuntimeError):
    pass


def write_pages(r: Renderer) -> None:
    r.page("search/", "search")


def indexed_pages(site: Path) -> Iterator[Path]:
    """Pages Pagefind indexes: those the build listed in .search-pages (tasks and inspected
    companies; never-inspected company pages are found through the name lookup instead), or,
    for a site without that list, every page of the indexed URL scheme."""
    listed = site / SEARCH_PAGES
    if listed.is_file():
        with open(listed, encoding="utf-8") as f:
            for line in f:
                p = site / line.strip()
                if line.strip() and p.is_file():
                    yield p
        return
    for lang in ("", "en/"):
        for d in INDEXED_DIRS:
            base = site / lang / d
            if base.is_dir():
                for entry in sorted(os.scandir(base), key=lambda e: e.name):
                    p = Path(entry.path) / "index.html"
                    if p.is_file():
                        yield p


def _pagefind(site: Path, output: Path, timeout: int) -> str:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def shards(pages: list[Path], shard_pages: int, shard_bytes: int) -> Iterator[list[Path]]:
    """Consecutive groups of pages, each within both limits (a single huge page is its own group)."""
    group: list[Path] = []
    size = 0
    for p in pages:
        n = p.stat().st_size
        if group and (len(group) >= shard_pages or size + n > shard_bytes):
            yield group
            group, size = [], 0
        group.append(p)
        size += n
    if group:
        yield group


def run_pagefind(site: Path, shard_pages: int = 10_000, shard_mb: int = 150, timeout: int = 6 * 3600) -> str:
    """Index ``site``; returns Pagefind's report. Writes pagefind/ (+ pagefind-shards/N/)."""
    site = Path(site)
    pages = list(indexed_pages(site))
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    shutil.rmtree(site / "pagefind-shards", ignore_errors=True)
    groups = list(shards(pages, shard_pages, shard_mb * 2**20))
    if not groups and (site / SEARCH_PAGES).is_file():
        # Nothing searchable yet (no task, no inspected company): Pagefind refuses an empty
        # site, so no index is written; the search page reports the index as unavailable.
        (site / MANIFEST).write_text(json.dumps({"shards": []}) + "\n", encoding="utf-8")
        return "no searchable pages: no search index written"
    if len(groups) <= 1 and not (site / SEARCH_PAGES).is_file():
        report = _pagefind(site, site / "pagefind", timeout)
        (site / MANIFEST).write_text(json.dumps({"shards": []}) + "\n", encoding="utf-8")
        return report
    reports, extra = [], []
    for n, group in enumerate(groups):
        with tempfile.TemporaryDirectory(prefix="pagefind-shard-") as tmp:
            for p in group:  # the shard as a site of hard links, same paths
                dst = Path(tmp) / p.relative_to(site)
                dst.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(p, dst)
                except OSError:
                    shutil.copyfile(p, dst)
            out = site / "pagefind" if n == 0 else site / "pagefind-shards" / str(n)
            reports.append(_pagefind(Path(tmp), out, timeout))
        if n:
            extra.append(f"pagefind-shards/{n}/")
    (site / MANIFEST).write_text(json.dumps({"shards": extra}) + "\n", encoding="utf-8")
    return "\n".join(reports)
