"""Search: Pagefind indexes search documents cut from task and company pages; a small script queries it.

Why Pagefind: it runs after the build over static files, needs no server, and its extended
build segments Chinese text. It reads search documents (search_docs.py): one per task and one
per published result or non-cooperation record, each linking to its place on the page and
carrying the log index it comes from; each language is its own index (from the page's ``lang``).
Companies are found by name through the lookup (lookup.py), and by their results' text here.

Why shards: Pagefind keeps the whole index in memory while it builds, and a push should
re-index what it added, not the site. Documents are grouped by their log index into stable
blocks (``layout``), each cut further into bundles of at most ``shard_pages`` documents and
``shard_mb`` MB, each bundle its own Pagefind run; the search script merges the bundles listed in
search-shards.json.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..core.errors import PublisherError
from . import search_docs
from .render import SEARCH_PAGES, Renderer
from .search_docs import Doc

MANIFEST = "search-shards.json"
MIN_WIDTH = 256  # log entries in the smallest stable shard (search.layout)
STATE_VERSION = 3  # the local index state's layout (pages cut into documents, keyed by stat and mark)
# Documents cut while listing are kept for indexing up to this many bytes; past it a page is cut
# again when its shard is indexed. A province's full build cut ≈ 900,000 pages and held every
# document at once (12.4 GB in the search process, BENCHMARKS session 13); the bytes are the same.
KEEP_CUT_BYTES = 256 * 2**20
INDEXED_DIRS = ("task", "company")  # the only templates carrying data-pagefind-body


class SearchIndexError(PublisherError, RuntimeError):
    pass


def write_pages(r: Renderer) -> None:
    r.page("search/", "search")


def indexed_pages(site: Path) -> Iterator[Path]:
    """Pages whose search documents Pagefind indexes: those the build listed in .search-pages
    (tasks and inspected companies; never-inspected company pages are found through the name
    lookup instead), or, for a site without that list, every page of the indexed URL scheme."""
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


def shards(docs: list[Doc], shard_pages: int, shard_bytes: int) -> Iterator[list[Doc]]:
    """Consecutive groups of documents, each within both limits (a single huge one is its own group)."""
    group: list[Doc] = []
    size = 0
    for p in docs:
        n = len(p.body)
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
    return [(Path(site) / rel, mark) for rel, mark, _, _ in _listed(site)]


def _listed(site: Path, known: Callable[[str], tuple[int, int] | None] | None = None
            ) -> list[tuple[str, int | None, int, int]]:
    """(site-relative name, first log index or None, size, mtime in ns) of every listed page
    that is a file. Plain strings and one ``stat`` per page (none where ``known`` answers): a
    province lists about a million pages, and building, resolving and relating a ``Path`` for
    each cost more than reading them; the two numbers, not the stat object (about 0.5 KB each,
    0.5 GB at a province)."""
    out = []
    root = os.fspath(site)
    with open(os.path.join(root, SEARCH_PAGES), encoding="utf-8") as f:
        for line in f:
            name, _, idx = line.rstrip("\n").partition("\t")
            if not name:
                continue
            got = known(name) if known is not None else None
            if got is not None:
                out.append((name, int(idx) if idx else None, got[0], got[1]))
                continue
            try:
                st = os.stat(os.path.join(root, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                out.append((name, int(idx) if idx else None, st.st_size, st.st_mtime_ns))
    return out


def layout(marks: list[int | None]) -> list[int]:
    """First log index of each stable shard: the aligned power-of-two blocks of ``MIN_WIDTH``-entry
    units that cover the full units below the newest mark (largest first, as the bits of their
    count), then one tail block. A push adds documents to the tail (or, when a unit fills, merges the
    small newest blocks into one), so it re-indexes the newest few thousand entries' documents;
    the large old blocks change only when one of their documents does. Same idea as a log-structured
    merge tree: each entry is re-indexed O(log n) times over the life of the log."""
    top = max((m for m in marks if m is not None), default=-1)
    units = (top + 1) // MIN_WIDTH
    starts, at = [], 0
    for bit in reversed(range(units.bit_length())):
        if units >> bit & 1:
            starts.append(at * MIN_WIDTH)
            at += 1 << bit
    starts.append(at * MIN_WIDTH)
    return starts


def shard_of(mark: int | None, starts: list[int]) -> int:
    """The shard a document belongs to: the start of its block (-1 for documents without a mark)."""
    return -1 if mark is None else starts[bisect.bisect_right(starts, mark) - 1]


def _documents(site: Path, listed: list[tuple[str, int | None, int, int]], cached: dict[str, Any]
               ) -> tuple[dict[str, Any], dict[str, list[Doc]]]:
    """Every page as [size, mtime, mark, [[file name, mark, digest], …]] (``cached`` reused for a
    page whose size, mtime and own mark are those recorded), and the documents cut now, by page,
    as far as KEEP_CUT_BYTES allows (the others are cut again by _group_docs)."""
    pages: dict[str, Any] = {}
    fresh: dict[str, list[Doc]] = {}
    kept = 0  # bytes of documents held in ``fresh`` (KEEP_CUT_BYTES)
    for rel, mark, st_size, st_mtime_ns in listed:
        old = cached.get(rel)
        if old and old[:3] == [st_size, st_mtime_ns, mark]:  # the page's mark names its `page` documents' shard
            pages[rel] = old
            continue
        docs = search_docs.cut(rel, (site / rel).read_text("utf-8"), mark)
        size = sum(len(d.body) for d in docs)
        if kept + size <= KEEP_CUT_BYTES:
            fresh[rel] = docs
            kept += size
        # kept small (a province lists a million pages): the file name beside the page, 128 bits of digest
        pages[rel] = [st_size, st_mtime_ns, mark, [[d.name.rsplit("/", 1)[-1], d.mark, d.digest[:32]] for d in docs]]
    return pages, fresh


def run_pagefind(site: Path, shard_pages: int = 10_000, shard_mb: int = 150, timeout: int = 6 * 3600,
                 state_path: Path | None = None, known: Callable[[str], tuple[int, int] | None] | None = None) -> str:
    """Index ``site``; returns Pagefind's report. Writes pagefind/ (+ pagefind-shards/<name>/).

    Pagefind reads search documents (search_docs), not the pages: each listed page is cut into
    its documents, each document belongs to the shard of its log index (``layout``), and a shard is
    indexed again only when the set or the bytes of its documents changed since the last run
    (``state_path``, kept by `publisher build` in the local cache next to the page manifest, holds
    each page's documents by digest and each shard's digest and bundles; a page whose size and
    mtime are unchanged is not read again; without a state every shard is indexed). The shard
    layout and the documents depend on the pages only, so an incremental index equals a full one
    byte for byte. The first shard's first bundle is ``pagefind/``, the search script merges the others.
    ``known``: a page's (size, mtime) as the build in this process just found it, or None (stat it)."""
    site = Path(site)
    if not (site / SEARCH_PAGES).is_file():  # a site from elsewhere: one ordinary run
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        shutil.rmtree(site / "pagefind-shards", ignore_errors=True)
        report = _pagefind(site, site / "pagefind", timeout)
        (site / MANIFEST).write_text(json.dumps({"shards": []}) + "\n", encoding="utf-8")
        return report
    try:
        # orjson: a province's state is a million pages' documents (json: 9 s to read, 6 to write)
        state = orjson.loads(state_path.read_bytes()) if state_path is not None else {}
    except (OSError, ValueError):
        state = {}
    if (state.get("v") != STATE_VERSION or state.get("site") != str(site)
            or state.get("limits") != [shard_pages, shard_mb] or not (site / "pagefind").is_dir()):
        state = {}
    listed = _listed(site, known)
    marks = {rel: m for rel, m, _, _ in listed}
    try:
        pages, fresh = _documents(site, listed, state.get("pages") or {})
    except ValueError as e:
        raise SearchIndexError(f"search documents: {e}") from None
    del listed
    starts = layout([mark for *_, docs in pages.values() for _, mark, _ in docs])
    groups: dict[int, list[tuple[str, str, str]]] = {}  # shard -> [(document, digest, page)]
    for rel, (_, _, _, docs) in pages.items():
        folder = rel[: rel.rfind("/") + 1]
        for name, mark, digest in docs:
            groups.setdefault(shard_of(mark, starts), []).append((folder + name, digest, rel))
    old: dict[str, Any] = state.get("groups") or {}
    if not old:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        shutil.rmtree(site / "pagefind-shards", ignore_errors=True)
    if state_path is not None:
        state_path.unlink(missing_ok=True)  # rewritten at the end: an interrupted run starts again
    new: dict[str, Any] = {}
    reports: list[str] = []
    first = min(groups, default=None)
    digests: dict[int, str] = {}
    for k in sorted(groups):
        groups[k].sort()  # name order: the digest and the temporary site's order
        names = [n for n, _, _ in groups[k]]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise SearchIndexError(f"two search documents named {dup}: a page marks one anchor twice")
        digests[k] = hashlib.sha256("".join(f"{n}\0{d}\n" for n, d, _ in groups[k]).encode()).hexdigest()
    # A shard is kept when its documents, its bundles and its place are unchanged (the first
    # shard's first bundle is pagefind/: a shard that gains or loses that place is indexed
    # again). Every other old bundle is removed before any is written, so a bundle name moving
    # from one shard to another is never removed after it was written.
    for key, prev in old.items():
        k = int(key)
        if (k in groups and prev["docs"] == digests[k]
                and (prev["bundles"][:1] == ["pagefind/"]) == (k == first)
                and all((site / b / "pagefind-entry.json").is_file() for b in prev["bundles"])):
            new[key] = prev
            continue
        for b in prev["bundles"]:
            shutil.rmtree(site / b, ignore_errors=True)
    for k in sorted(groups):
        if str(k) in new:
            continue
        bundles = []
        try:
            for n, part in enumerate(shards(_group_docs(site, groups[k], fresh, marks), shard_pages, shard_mb * 2**20)):
                b = "pagefind/" if (k == first and n == 0) else f"pagefind-shards/{k}-{n}/"
                reports.append(_index_part(part, site / b, timeout))
                bundles.append(b)
        except (OSError, ValueError) as e:  # a page changed or vanished while it was indexed
            raise SearchIndexError(f"search documents: {e}") from None
        new[str(k)] = {"docs": digests[k], "bundles": bundles}
    extra = [b for k in sorted(groups) for b in new[str(k)]["bundles"] if b != "pagefind/"]
    (site / MANIFEST).write_text(json.dumps({"shards": extra}) + "\n", encoding="utf-8")
    if not groups:
        # Nothing searchable yet (no task, no result): Pagefind refuses an empty site, so no
        # index is written; the search page reports the index as unavailable.
        return "no searchable pages: no search index written"
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_bytes(orjson.dumps({"v": STATE_VERSION, "limits": [shard_pages, shard_mb], "site": str(site),
                                             "groups": new, "pages": pages},
                                            option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE))
    return "\n".join(reports) or "search index unchanged"


def _group_docs(site: Path, members: list[tuple[str, str, str]], fresh: dict[str, list[Doc]],
                marks: dict[str, int | None]) -> Iterator[Doc]:
    """The documents of one shard (``members``: name, digest, page, in name order), one by one:
    cut in this run, or cut again from their pages. A page's documents are held until its last
    member is given, so a shard holds the bundle being written, not all its documents — a full
    build's first shard is every document, and held whole it was 10 GB at a province
    (BENCHMARKS session 14). Documents taken from ``fresh`` leave it. A document cut again must
    have the digest the state records for it: the index never holds bytes other than those its
    shard's digest names."""
    left = Counter(rel for _, _, rel in members)
    held: dict[str, tuple[dict[str, Doc], bool]] = {}  # page -> its documents by name, cut again?
    for name, digest, rel in members:
        got = held.get(rel)
        if got is None:
            cut = fresh.pop(rel, None)
            if cut is None:
                cut = search_docs.cut(rel, (site / rel).read_text("utf-8"), marks[rel])
                got = held[rel] = ({d.name: d for d in cut}, True)
            else:
                got = held[rel] = ({d.name: d for d in cut}, False)
        docs, again = got
        doc = docs.get(name)
        if doc is None or (again and doc.digest[:32] != digest):
            raise ValueError(f"{rel}: the page changed while the search index was being built")
        left[rel] -= 1
        if not left[rel]:
            del held[rel], left[rel]
        yield doc


def _index_part(docs: list[Doc], out: Path, timeout: int) -> str:
    """Pagefind over ``docs`` alone: a temporary site holding just those documents."""
    with tempfile.TemporaryDirectory(prefix="pagefind-shard-") as tmp:
        for d in docs:
            dst = Path(tmp) / d.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(d.body)
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
