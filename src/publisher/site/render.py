"""Write pages in both languages through Pelican's writer, and keep the sitemap as we go.

Why a thin wrapper: every ledger page exists in Chinese at ``/<path>`` and English at
``/en/<path>``; the wrapper renders one template twice with the language's labels and the
relative root, and streams each written URL into sitemap.xml so nothing is held in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup, escape

from . import urls
from .i18n import HTML_LANG, STRINGS, enum_label

CST = timezone(timedelta(hours=8))
SEARCH_PAGES = ".search-pages"  # output files Pagefind indexes, one per line (see search.py)
# which navigation entry a page belongs to (first path segment -> nav href)
SECTIONS = {"": "", "task": "tasks/", "company": "results/", "office": "offices/", "overdue": ""}


@lru_cache(maxsize=1 << 16)
def cst(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An entry time (UTC, Z) or unix seconds shown in China Standard Time (cached: the same
    few thousand timestamps appear on many pages)."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            dt = datetime.fromtimestamp(value, UTC)
        else:
            v = str(value)
            if len(v) != 20 or v[10] != "T" or v[19] != "Z":
                raise ValueError(v)
            dt = datetime(int(v[0:4]), int(v[5:7]), int(v[8:10]), int(v[11:13]), int(v[14:16]),
                          int(v[17:19]), tzinfo=UTC)
    except ValueError:
        return str(value)
    return dt.astimezone(CST).strftime(fmt)


def cst_date(value: Any) -> str:
    return cst(value, "%Y-%m-%d")


def short(value: Any, n: int = 16) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= n + 1 else text[:n] + "…"


def pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def loads(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, (bytes, str)):
        return json.loads(value)
    return value


def _percent(value: Any) -> str:
    from .codes import percent

    return percent(value)


FILTERS: dict[str, Callable] = {"cst": cst, "cst_date": cst_date, "short": short, "pretty": pretty,
                                "loads": loads, "percent": _percent}


class Renderer:
    """Renders ``template`` for each language and records the page in the sitemap."""

    def __init__(self, writer: Any, get_template: Callable[[str], Any], output_path: Path,
                 common: dict[str, dict[str, Any]], public_url: str):
        self.writer = writer
        self.get_template = get_template
        self.output = Path(output_path)
        self.common = common
        self.public_url = public_url.rstrip("/") + "/"
        self.pages_written = 0
        self._parts: list[tuple[Path, Path]] = []  # sitemap and searchable-list parts, in page order
        self._open_part()
        self._skeletons: dict[Any, list[str]] = {}
        self.incremental: Any = None  # a site.incremental.Manifest: pages whose inputs did not change are kept
        self.dirty: Any = None  # a site.dirty.Dirty: record pages outside it may be kept unqueried (see keep)
        self._skeleton_same: dict[Any, bool] = {}
        self.workers = 0  # forked render workers running at once (see run_part); 0 = none
        self.forked: list[Callable[[], None]] = []  # run in a worker right after fork (reopen the index)
        self._children: list[Any] = []
        self.worker_seconds: dict[str, tuple[float, float]] = {}  # part -> (CPU s, wall s)
        self._sealed: int | None = None  # parts before this one hold every searchable page

    def page(self, path: str, template: str, langs: tuple[str, ...] = urls.LANGS, searchable: bool | int = False,
             **ctx: Any) -> None:
        """Write ``path`` ('task/T1/') as /path and /en/path with the same data; ``searchable``
        pages are listed for Pagefind (the others are not read by it at all), an int being the
        log index the page's data starts at (its search shard, see search.py)."""
        if searchable and self._sealed is not None:
            raise RuntimeError(f"{path}: a searchable page written after the search index was started")
        tmpl = self.get_template(template)
        section = SECTIONS.get(path.split("/", 1)[0], path.split("/", 1)[0] + "/")
        data: Any = ctx
        if self.incremental is not None and len(langs) > 1:
            data = _data_digest(ctx)  # the page data digested once for both languages
        for lang in langs:
            name = urls.page_file(path, lang)
            root = urls.root_of(name)
            other = "en" if lang == "zh" else "zh"
            job = (self.incremental.begin(name, lang, template, data, searchable, self.common[lang])
                   if self.incremental is not None else None)
            if job is None or not job.fresh():
                self.writer.write_file(
                    name, tmpl, job.context(self.common[lang]) if job else self.common[lang], override_output=False,
                    root=root, lroot=root + urls.lang_prefix(lang), path=path, section=section,
                    alt=root + urls.lang_prefix(other) + path, alt_lang=other, **ctx)
                if job is not None:
                    job.done()
            self._sitemap.write(f"{self.public_url}{urls.lang_prefix(lang)}{path}\n")
            if searchable:
                self._searchable.write(name + ("\n" if searchable is True else f"\t{int(searchable)}\n"))
            self.pages_written += 1

    @property
    def workers_running(self) -> bool:
        """Whether a forked render worker may still be writing pages (see run_part)."""
        return bool(self._children)

    def keep(self, *paths: str, langs: tuple[str, ...] = urls.LANGS) -> bool:
        """Keep every page of ``paths`` in every language as the previous build wrote it,
        without its data: for records the dirty set (site.dirty) says no new entry touched.
        Checked still: each file is the one written then, and the site-wide facts it read are
        unchanged; if any is not, nothing is kept and the caller computes the pages (False)."""
        m = self.incremental
        if m is None or self.dirty is None:
            return False
        todo = []
        for path in paths:
            for lang in langs:
                name = urls.page_file(path, lang)
                old = m.keepable(name, lang, self.common[lang])
                if old is None:
                    return False
                todo.append((path, lang, name, old))
        if self._sealed is not None and any(old.get("mark") for *_, old in todo):
            raise RuntimeError(f"{paths[0]}: a searchable page kept after the search index was started")
        for path, lang, name, old in todo:
            m.kept_page(name, old)
            self._sitemap.write(f"{self.public_url}{urls.lang_prefix(lang)}{path}\n")
            mark = old.get("mark")
            if mark:
                self._searchable.write(name + ("\n" if mark is True else f"\t{int(mark)}\n"))
            self.pages_written += 1
        return True

    def stamped(self, path: str, template: str, shape: Any, values: dict[str, str], clean: bool = False,
                **ctx: Any) -> None:
        """Like :meth:`page` for the many pages that differ only in a few text fields (the
        never-inspected companies): the template is rendered once per (template, shape,
        language) with placeholders, and each page is that text with the escaped values put
        in. ``ctx`` may hold "{field}" placeholders (see :meth:`slot`); ``shape`` must capture
        everything else that changes the output. ``clean``: the dirty set says the values did not
        change, so the page is kept (unjoined, unhashed) when its skeleton is the previous
        build's and the file is the one it wrote."""
        section = SECTIONS.get(path.split("/", 1)[0], path.split("/", 1)[0] + "/")
        slots = {k: self.slot(k) for k in values}
        for lang in urls.LANGS:
            name = urls.page_file(path, lang)
            root = urls.root_of(name)
            key = (template, shape, lang, root)
            parts = self._skeletons.get(key)
            if parts is None:
                other = "en" if lang == "zh" else "zh"
                text = self.get_template(template).render({
                    **self.common[lang], "root": root, "lroot": root + urls.lang_prefix(lang),
                    "path": slots.get("path", path), "section": section,
                    "alt": root + urls.lang_prefix(other) + slots.get("path", path), "alt_lang": other, **ctx})
                parts = self._skeletons[key] = _split_slots(text, slots)
                if self.incremental is not None:
                    self._skeleton_same[key] = self._same_skeleton(key, parts)
            if clean and self._skeleton_same.get(key):
                old = self.incremental.keepable(name, lang, self.common[lang])
                if old is not None:
                    self.incremental.kept_page(name, old)
                    self._sitemap.write(f"{self.public_url}{urls.lang_prefix(lang)}{path}\n")
                    self.pages_written += 1
                    continue
            out = "".join(p if i % 2 == 0 else str(escape(values[p])) for i, p in enumerate(parts))
            job = self.incremental.begin(name, lang, "=", {"text": out}) if self.incremental is not None else None
            if job is None or not job.fresh():  # the whole text is the key: kept only if identical
                full = self.output / name
                full.parent.mkdir(parents=True, exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(out)
                if job is not None:
                    job.done()
            self._sitemap.write(f"{self.public_url}{urls.lang_prefix(lang)}{path}\n")
            self.pages_written += 1

    def keep_stamped(self, path: str, template: str, shape: Any) -> bool:
        """Keep a stamped page in every language without its values (the dirty set says they did
        not change): only once this build has rendered the skeleton of ``shape`` and found it
        the previous build's, and the files are the ones written (Manifest.keepable). False
        leaves the page to :meth:`stamped`. Why: a province has half a million never-inspected
        companies; computing each one's labels only to keep its page was most of a push."""
        m = self.incremental
        if m is None or self.dirty is None:
            return False
        todo = []
        for lang in urls.LANGS:
            name = urls.page_file(path, lang)
            if not self._skeleton_same.get((template, shape, lang, urls.root_of(name))):
                return False
            old = m.keepable(name, lang, self.common[lang])
            if old is None:
                return False
            todo.append((lang, name, old))
        for lang, name, old in todo:
            m.kept_page(name, old)
            self._sitemap.write(f"{self.public_url}{urls.lang_prefix(lang)}{path}\n")
            self.pages_written += 1
        return True

    def _same_skeleton(self, key: Any, parts: list[str]) -> bool:
        """Whether a stamped page skeleton is the previous build's (remembered by its digest)."""
        import hashlib

        m = self.incremental
        h = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        k = json.dumps(key, default=repr)
        mine = m.state.setdefault("skeletons", {})
        mine[k] = h
        return self.dirty is not None and (m.recall("skeletons") or {}).get(k) == h

    @staticmethod
    def slot(name: str) -> str:
        """A placeholder that autoescaping leaves alone and no template text contains."""
        return f"\u2063SLOT{name}\u2063"

    def add_to_sitemap(self, url_path: str) -> None:
        self._sitemap.write(f"{self.public_url}{url_path}\n")

    def open(self, path: str, mode: str = "w") -> IO:
        """Open an output file (CSV, JSON) for streaming writes."""
        full = self.output / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if "b" in mode:
            return open(full, mode)
        return open(full, mode, encoding="utf-8", newline="")

    def write_text(self, path: str, text: str) -> None:
        with self.open(path) as f:
            f.write(text)

    # -- parallel parts ---------------------------------------------------------------------

    def _open_part(self) -> None:
        n = len(self._parts)
        sitemap, search = self.output / f".sitemap.part{n}", self.output / f".search.part{n}"
        self._parts.append((sitemap, search))
        self._sitemap = open(sitemap, "w", encoding="utf-8")
        self._searchable = open(search, "w", encoding="utf-8")

    def _close_part(self) -> None:
        self._sitemap.close()
        self._searchable.close()

    def run_part(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)``, which writes pages as if at this point of the build, in a forked
        worker process when fewer than ``workers`` are running, else here.

        Why fork: the read-model is built once, then a worker inherits it (with a connection of
        its own) and renders its share while this process goes on. Its sitemap and searchable
        lines go to their own part, placed between this process's parts, so sitemap.xml and
        the page list are the serial build's, byte for byte; see :meth:`join`."""
        from .parallel import fork_part, join_part

        for child in [c for c in self._children if c.finished()]:  # a worker that is done frees its slot
            self._children.remove(child)
            self.worker_seconds[child.name] = join_part(self, child)
        if len(self._children) >= self.workers or not hasattr(os, "fork"):
            fn(*args)
            return
        self._close_part()
        self._open_part()  # the worker's part (it reopens these files)
        self._close_part()
        self._children.append(fork_part(self, fn, args, self._parts[-1]))
        self._open_part()  # this process goes on after the worker's part

    def join(self) -> dict[str, tuple[float, float]]:
        """Wait for every worker; add its pages and manifest records to this build's. Returns
        each worker's (CPU, wall) seconds by the function it ran (for the stage timings)."""
        from .parallel import join_part

        children, self._children = self._children, []
        try:
            for child in children:
                self.worker_seconds[child.name] = join_part(self, child)
        finally:
            for child in children:
                child.kill()
        return self.worker_seconds

    def seal_search(self, start: Callable[[], None]) -> threading.Thread:
        """Every searchable page has been written here or is being written by a running worker:
        write the list of searchable pages as soon as those workers end, then call ``start``
        (Pagefind, see build.EarlySearch) in a thread, while the build writes everything else.
        A searchable page written after this is an error, not a page missing from the index."""
        self._close_part()
        self._open_part()
        self._sealed = len(self._parts) - 1
        parts, children = self._parts[:self._sealed], list(self._children)

        def run() -> None:
            for child in children:
                child.wait_exit()
            _write_search_list(self.output / SEARCH_PAGES, [search for _, search in parts])
            start()

        thread = threading.Thread(target=run, name="search-index", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Turn the collected URL list into sitemap.xml (streamed, one line at a time), and the
        searchable parts into the list Pagefind reads (unless seal_search wrote it already)."""
        for child in self._children:  # a failed build: stop the workers it started
            child.kill()
        self._children = []
        self._close_part()
        with open(self.output / "sitemap.xml", "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
            for sitemap, _ in self._parts:
                with open(sitemap, encoding="utf-8") as src:
                    for line in src:
                        out.write(f"<url><loc>{xml_escape(line.strip())}</loc></url>\n")
            out.write("</urlset>\n")
        if self._sealed is None:
            _write_search_list(self.output / SEARCH_PAGES, [search for _, search in self._parts])
        for sitemap, search in self._parts:
            os.unlink(sitemap)
            os.unlink(search)


class Chrome:
    """Navigation and footer, rendered once per (depth, section) and reused on every page.

    Why: they are a third of a record page's markup and identical across a language's pages
    at one depth; rendering them once keeps the per-page cost to the page's own content.
    The cached strings come from autoescaped templates, so they are safe to insert as Markup.
    """

    def __init__(self, get_template: Callable[[str], Any], ctx: dict[str, Any]):
        self._get, self.ctx = get_template, ctx
        self._cache: dict[tuple[str, str, str], Markup] = {}

    def _render(self, name: str, root: str, lroot: str, section: str = "") -> Markup:
        key = (name, lroot, section)
        out = self._cache.get(key)
        if out is None:
            out = Markup(self._get(name).render({**self.ctx, "root": root, "lroot": lroot, "section": section}))
            self._cache[key] = out
        return out

    def footer(self, root: str, lroot: str) -> Markup:
        return self._render("footer", root, lroot)

    def nav(self, lroot: str, section: str) -> Markup:
        return self._render("nav", lroot, lroot, section)


def _write_search_list(path: Path, parts: list[Path]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for part in parts:
            with open(part, encoding="utf-8") as src:
                shutil.copyfileobj(src, out)


def _data_digest(ctx: dict[str, Any]) -> Any:
    """What the manifest keys a page's data by: the digest of ``ctx``, computed once per page
    rather than once per language (it was a fifth of the full build's CPU); ``ctx`` itself when
    it has no digest, so the manifest still sees it as uncacheable."""
    from .incremental import Uncacheable, digest

    try:
        return {"data-digest": digest(ctx)}
    except Uncacheable:
        return ctx


def _split_slots(text: str, slots: dict[str, str]) -> list[str]:
    """Text with placeholders -> [text, field, text, field, ..., text]."""
    import re

    by = {v: k for k, v in slots.items()}
    pieces = re.split("(" + "|".join(re.escape(v) for v in slots.values()) + ")", text) if slots else [text]
    return [by.get(p, p) if i % 2 else p for i, p in enumerate(pieces)]


def common_context(lang: str, base: dict[str, Any]) -> dict[str, Any]:
    """The small per-language context every page gets (kept small: Pelican copies it per page).

    ``C`` holds the site-wide facts (names, trust anchors, checkpoint); ``t`` the labels.
    """
    t = STRINGS[lang]
    offices = base.get("offices", {})

    def oname(code: Any) -> str:
        row = offices.get(code)
        if row is None:
            return str(code or "")
        return (row["name_en"] if lang == "en" else row["name_zh"]) or row["name_zh"] or code

    c = {**base, "SITENAME": base["site_names"][lang], "SITESUBTITLE": base["site_subtitles"][lang]}

    def etype(code: Any) -> str:
        return enum_label("entry_type", code, lang)

    def elabel(kind: str, code: Any) -> str:
        return enum_label(kind, code, lang)

    def rname(code: Any) -> str:
        from .views import value_label

        return value_label("regions", code)[lang]

    def proved(idx: Any) -> bool:
        """Whether log index ``idx`` is in the latest checkpoint (its inclusion proof is published)."""
        cp = base.get("checkpoint")
        return bool(cp) and idx is not None and idx < cp["size"]

    return {"C": c, "t": t, "lang": lang, "html_lang": HTML_LANG[lang], "oname": oname, "etype": etype, "elabel": elabel,
            "rname": rname, "proved": proved,
            "L": 0 if lang == "zh" else 1}
