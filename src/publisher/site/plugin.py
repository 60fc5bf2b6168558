"""Pelican plugin: a generator that writes the portal straight from the verified ledger.

Enable with ``PLUGINS = ["publisher.site.plugin"]``. ``generate_context`` verifies the ledger
(failing the build with the verifier's messages) while filling the on-disk read-model;
``generate_output`` renders every page from queries through Pelican's writer. No Markdown file
is made per record: Pelican itself only renders the hand-written pages in ``content/``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from .load import LedgerNotVerified, Loaded, load_verified

log = logging.getLogger(__name__)


class LedgerGenerator(Generator):
    """Adds every ledger page (both languages), downloads, feeds and the sitemap."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        harden_environment(self)  # ledger text is hostile: autoescape whatever the settings say
        self.loaded: Loaded | None = None
        self._work: Path | None = None

    def generate_context(self) -> None:
        s = self.settings
        ledger = Path(s.get("PUBLISHER_LEDGER", "ledger"))
        if not ledger.is_absolute():  # relative to the project (the parent of the content dir)
            ledger = Path(s.get("PUBLISHER_BASE") or Path(s["PATH"]).resolve().parent) / ledger
        self._work = Path(tempfile.mkdtemp(prefix="publisher-site-", dir=s.get("PUBLISHER_WORKDIR")))
        try:
            self.loaded = load_verified(ledger, self._work, s.get("PUBLISHER_ROOT_KEY_IDS") or [],
                                        now=int(s.get("PUBLISHER_NOW") or time.time()),
                                        workers=s.get("PUBLISHER_VERIFY_WORKERS"),
                                        full=bool(s.get("PUBLISHER_FULL_VERIFY")))
        except LedgerNotVerified:
            self._cleanup()
            raise
        from .pages import site_base
        from .render import Chrome, common_context

        self.base = site_base(self.loaded, s)
        self.common = {lang: common_context(lang, self.base) for lang in ("zh", "en")}
        from .draw_history import DrawHistory

        # one history for both languages (its answers are data, not text): a kept page's recorded
        # draw_history facts are then evaluated once, not once per language (site.incremental)
        history = DrawHistory(self.loaded.report, self.loaded.ledger, s.get("PUBLISHER_MANIFEST"))
        for ctx in self.common.values():
            ctx["chrome"] = Chrome(self.get_template, ctx)
            ctx["draw_history"] = history  # task/office draw partials
        # Pelican's own pages (about, how to verify, policy) share header and footer data.
        self.context["PUBLISHER"] = self.common
        log.info("ledger verified: %d entries in %.1fs", self.loaded.report.size, self.loaded.seconds)

    def generate_output(self, writer: Any) -> None:
        from . import feeds, lookup, pages, search, stats
        from .render import Renderer

        assert self.loaded is not None
        started = time.perf_counter()
        out = Path(self.output_path)
        r = Renderer(writer, self.get_template, out, self.common, self.base["public_url"])
        manifest = self.settings.get("PUBLISHER_MANIFEST")  # set by publisher build (site.incremental)
        r.incremental = manifest
        if manifest is not None:  # which record pages this push can have changed (site.dirty)
            from .dirty import compute

            r.dirty = compute(self.loaded.index, manifest, {"trust": self.loaded.trust.raw})
        r.workers = render_workers(self.settings)
        r.forked.append(self.loaded.index.reopen)
        timings: dict[str, float] = {}
        counts: dict[str, int] = {}

        def stage(name: str, fn: Any, *args: Any) -> None:
            t0, c0, n0 = time.perf_counter(), time.process_time(), r.pages_written
            fn(*args)
            timings[name], counts[name] = time.perf_counter() - t0, r.pages_written - n0
            timings[f"{name} cpu"] = time.process_time() - c0

        early = self.settings.get("PUBLISHER_EARLY_SEARCH")

        def searchable_written() -> None:
            # every searchable page is written or being written: index them meanwhile
            if early is not None and early.wanted(r.workers_running):
                early.thread = r.seal_search(early.start)

        try:
            stage("pages", pages.write_all, self.loaded, r, self.settings, searchable_written)
            stage("stats", stats.write_all, self.loaded, r)
            stage("downloads", r.run_part, write_data_files, self.loaded, r, self.settings)
            stage("feeds", feeds.write_all, self.loaded, r, self.base)
            stage("search", search.write_pages, r)
            stage("lookup", r.run_part, lookup.write_index, self.loaded.index, out, self._work, manifest)
            stage("join", r.join)  # waiting for the render workers
            for k, (cpu, wall) in r.worker_seconds.items():
                timings[f"worker {k}"], timings[f"worker {k} cpu"] = wall, cpu
            for p in self.context.get("pages", []):
                for page in [p, *getattr(p, "translations", [])]:
                    r.add_to_sitemap(page.url)
            hook = self.settings.get("PUBLISHER_AFTER_RENDER")
            if callable(hook):  # benchmarks and tests: see the model before it is removed
                hook(self.loaded, {"timings": timings, "counts": counts, "generator": self, "dirty": r.dirty})
            if manifest is not None:
                manifest.finish()
        finally:
            r.close()
            self.base["pages_written"] = r.pages_written
            self.base["render_seconds"] = time.perf_counter() - started
            self.timings = timings
            self._cleanup()
        log.info("site: %d pages in %.1fs (%s)", r.pages_written, time.perf_counter() - started,
                 ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))

    def _cleanup(self) -> None:
        """Close the read-model and let go of the verifier's state: Pelican keeps this generator
        (its ``get_template``, through the pages' context and a memo of its own) until the build
        returns, and a push's search index is built before that (site.build)."""
        if self.loaded is not None:
            self.loaded.index.close()
            self.loaded = None
        for ctx in getattr(self, "common", {}).values():
            history = ctx.get("draw_history")
            if history is not None:
                history.rule = history.ledger = history.memory = None  # (answers nothing now)
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None


def write_data_files(loaded: Loaded, r: Any, settings: dict[str, Any]) -> None:
    """Downloads, then the browser verifier's data (/verify/): one part, in this order, because
    the verifier data reuses ledger files the downloads copy into the output."""
    from . import downloads, verifier_assets

    downloads.write_all(loaded, r, settings)
    verifier_assets.write_all(loaded, r, settings)


def render_workers(settings: dict[str, Any]) -> int:
    """Forked render workers running beside the build process: PUBLISHER_RENDER_WORKERS, else
    none. Why not by default: on the quiet 2-core project machine the sample county built in
    53.6 s serially and 57.4 s with two workers (92.7 vs 67.1 CPU-s: the workers repeat part of
    the build process's work), docs/BENCHMARKS.md; one worker was faster at the county (session
    17), not at 1/20 of a province, where it took 11 % more memory. The output is the same
    either way."""
    n = settings.get("PUBLISHER_RENDER_WORKERS")
    return max(0, int(n or 0))


def get_generators(pelican: Any) -> type[Generator]:
    return LedgerGenerator


def harden_environment(generator: Any) -> None:
    """Every generator (Pelican's page generator too) gets autoescape and our filters."""
    from .render import FILTERS

    env = getattr(generator, "env", None)
    if env is not None:
        env.autoescape = True
        env.filters.update(FILTERS)
        if env.bytecode_cache is None:
            env.bytecode_cache = template_cache()


def template_cache() -> Any:
    """Compiled templates kept in this machine's private cache (keyed by each template's source
    checksum and the Jinja and Python versions): every build compiled the theme's templates
    again in each of Pelican's generators, about a second of CPU per build."""
    from jinja2 import FileSystemBytecodeCache

    from ..storage.verify_cache import cache_root

    d = cache_root() / "site" / "templates"
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(d))


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(harden_environment)
