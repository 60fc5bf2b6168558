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
from typing import Any

from ..core.errors import PublisherError
from .render import SEARCH_PAGES, Renderer

MANIFEST = "search-shards.json"
MIN_WIDTH = 256  # log entries per stable shard, at least
MAX_GROUPS = 16  # stable shards, at most (the width doubles as the log grows)
INDEXED_DIRS = ("task", "company")  # the only templates carrying data-pagefind-body


class SearchIndexError(PublisherError, RuntimeError):
    pass


def write_pages(r: Renderer) -> None:
    r.page("search/", "search")


def indexed_pages(site: Path) -> Iterator[Path]:
    """Pages Pagefind indexes: those the build listed in .search-pages (tasks and inspected
    companies; never-inspected company pages are found through the name lookup instead), or,
    for a site without that list, every page of the indexed URL scheme."""
    if (site / SEARCH_PAGES).is_file():
        for p, _ in listed_pages(site):
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


def since(idxs: list[Any]) -> bool | int:
    """A searchable page's shard mark: the first log index its data comes from (True if none)."""
    known = [i for i in idxs if isinstance(i, int)]
    return min(known) if known else True


def listed_pages(site: Path) -> list[tuple[Path, int | None]]:
    """(page, first log index or None) for every line of .search-pages whose file exists."""
    out = []
    with open(site / SEARCH_PAGES, encoding="utf-8") as f:
        for line in f:
            name, _, idx = line.rstrip("\n").partition("\t")
            p = site / name
            if name and p.is_file():
                out.append((p, int(idx) if idx else None))
    return out


def width(marks: list[int | None]) -> int:
    """Log entries per stable shard: the smallest power of two (at least MIN_WIDTH) giving at
    most MAX_GROUPS shards; it changes only when the log has grown past a power of two."""
    top = max([m for m in marks if m is not None], default=0)
    w = MIN_WIDTH
    while top // w >= MAX_GROUPS:
        w *= 2
    return w


def _member_digest(pages: list[Path]) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in pages:
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def run_pagefind(site: Path, shard_pages: int = 10_000, shard_mb: int = 150, timeout: int = 6 * 3600,
                 state_path: Path | None = None) -> str:
    """Index ``site``; returns Pagefind's report. Writes pagefind/ (+ pagefind-shards/<name>/).

    Stable shards: a searchable page belongs to group ``first log index // width`` (a pure
    function of the page's data: tasks and companies appear in the log once and only gain
    entries later, mostly in the newest groups). Each group is indexed on its own (cut further
    by the page and size limits), and a group is indexed again only when one of its pages was
    written or removed since the last run (``state_path``, kept by `publisher build` in the
    local cache next to the page manifest, records each group's pages with size and mtime;
    without it every group is indexed); so a push re-indexes the groups its pages are in, not the site. The
    first group's first bundle is ``pagefind/``, the search script merges the others."""
    site = Path(site)
    if not (site / SEARCH_PAGES).is_file():  # a site from elsewhere: one ordinary run
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        shutil.rmtree(site / "pagefind-shards", ignore_errors=True)
        report = _pagefind(site, site / "pagefind", timeout)
        (site / MANIFEST).write_text(json.dumps({"shards": []}) + "\n", encoding="utf-8")
        return report
    listed = listed_pages(site)
    w = width([m for _, m in listed])
    groups: dict[int, list[Path]] = {}
    for p, m in listed:
        groups.setdefault(-1 if m is None else m // w, []).append(p)
    try:
        state = json.loads(state_path.read_text("utf-8")) if state_path is not None else {}
    except (OSError, ValueError):
        state = {}
    if state.get("site") != str(site) or state.get("width") != w or state.get("limits") != [shard_pages, shard_mb] or not (site / "pagefind").is_dir():
        state = {}
    old: dict[str, Any] = state.get("groups") or {}
    if not old:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        shutil.rmtree(site / "pagefind-shards", ignore_errors=True)
    if state_path is not None:
        state_path.unlink(missing_ok=True)  # rewritten at the end: an interrupted run starts again
    new: dict[str, Any] = {}
    reports: list[str] = []
    first = min(groups, default=None)
    for key in sorted(set(old) - {str(k) for k in groups}):  # groups that are gone
        for b in old[key]["bundles"]:
            shutil.rmtree(site / b, ignore_errors=True)
    for k in sorted(groups):
        pages = groups[k]
        digest = _member_digest(pages)
        prev = old.get(str(k))
        if prev and prev["pages"] == digest and all((site / b / "pagefind-entry.json").is_file() for b in prev["bundles"]):
            new[str(k)] = prev
            continue
        for b in (prev or {}).get("bundles", []):
            shutil.rmtree(site / b, ignore_errors=True)
        bundles = []
        for n, part in enumerate(shards(pages, shard_pages, shard_mb * 2**20)):
            b = "pagefind/" if (k == first and n == 0) else f"pagefind-shards/{k}-{n}/"
            reports.append(_index_part(site, part, site / b, timeout))
            bundles.append(b)
        new[str(k)] = {"pages": digest, "bundles": bundles}
    extra = [b for k in sorted(groups) for b in new[str(k)]["bundles"] if b != "pagefind/"]
    (site / MANIFEST).write_text(json.dumps({"shards": extra}) + "\n", encoding="utf-8")
    if not groups:
        # Nothing searchable yet (no task, no inspected company): Pagefind refuses an empty
        # site, so no index is written; the search page reports the index as unavailable.
        return "no searchable pages: no search index written"
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps({"width": w, "limits": [shard_pages, shard_mb], "site": str(site),
                                          "groups": new}, sort_keys=True) + "\n", encoding="utf-8")
    return "\n".join(reports) or "search index unchanged"


def _index_part(site: Path, group: list[Path], out: Path, timeout: int) -> str:
    """Pagefind over ``group`` alone: a temporary site of hard links at the same paths."""
    with tempfile.TemporaryDirectory(prefix="pagefind-shard-") as tmp:
        for p in group:
            dst = Path(tmp) / p.relative_to(site)
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(p, dst)
            except OSError:
                shutil.copyfile(p, dst)
        report = _pagefind(Path(tmp), out, timeout)
    _normalise_entry(out)
    return report


def _normalise_entry(bundle: Path) -> None:
    """Pagefind writes the languages of ``pagefind-entry.json`` in no fixed order (measured: the
    only file of 68,136 differing between two builds of the same pages); the search script
    reads it as JSON, so the keys are sorted and the same pages give the same bytes."""
    entry = bundle / "pagefind-entry.json"
    if entry.is_file():
        entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True,
                                    separators=(",", ":")), "utf-8")
