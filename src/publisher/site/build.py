"""`publisher build`: run Pelican with the portal settings, then index the site for search.

Why programmatic: CI and clerks run one command; it reads the repository's pelicanconf.py when
there is one (so `pelican` and `publisher build` agree) and falls back to the same settings
built in here when run elsewhere, with the theme and pages shipped next to the package.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import PublisherError
from .incremental import Manifest, build_key
from .load import LedgerNotVerified  # noqa: F401  (re-exported for callers)
from .search import SearchIndexError, run_pagefind

MARKER = ".publisher-site"
REPO = Path(__file__).resolve().parents[3]  # src/publisher/site/build.py -> repository root


class BuildError(PublisherError):
    """The site cannot be built here (bad output directory, missing theme, ...)."""


@dataclass
class BuildResult:
    output: Path
    seconds: float
    pelican_seconds: float
    pagefind_seconds: float
    pages: int
    entries: int
    rendered: int = 0  # pages rendered by this build
    kept: int = 0  # pages an incremental build left as they were
    incremental: bool = False
    pagefind_overlap: float = 0.0  # seconds Pagefind ran while pages were still being written


class EarlySearch:
    """Pagefind, started by the plugin as soon as every searchable page is written (tasks and
    inspected companies), in a process of its own, while the rest of a full build
    (never-inspected company pages, listings, downloads, verifier data, lookup index) is still
    being written. A push does this too unless PUBLISHER_SEARCH_BESIDE_PUSH is False: once the
    index ran in a forked process (not a thread of the build) a push on the project's 2 vCPUs
    took 0.71x the wall time with its index beside it at 1/20 of a province (docs/BENCHMARKS.md,
    session 17; session 10's thread made it slower)."""

    def __init__(self, output: Path, shard_pages: int, shard_mb: int, state_path: Path | None = None,
                 unchanged: Callable[[], bool] | None = None):
        self.output, self.shard_pages, self.shard_mb = output, shard_pages, shard_mb
        self.state_path = state_path
        self.unchanged = unchanged  # an incremental build: whether the index can stay as it is
        self.started = False
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.thread: Any = None
        self.pid: int | None = None  # the waiting search process (prestart)
        self.go = self.result = -1  # its pipes: told to go / its failure message

    def wanted(self, workers_running: bool) -> bool:
        """Asked by the plugin at the seal, in the build's thread: index now, unless this is a
        push that wrote no searchable page and lost none (``unchanged``, see
        Manifest.search_unchanged), and no render worker still holds pages the manifest has not
        heard of, and the previous index is there."""
        if self.unchanged is None or workers_running or not (self.output / "pagefind").is_dir():
            return True
        return not self.unchanged()

    def prestart(self) -> None:
        """Fork the search process now, at the start of the build, and let it wait for
        :meth:`start`. Why so early: a process forked at the seal inherits the build's whole
        heap (4.5 GB at a province, BENCHMARKS session 14) and copies it page by page as either
        process writes to it: the province's first forked index grew to 4.2 GB of private
        memory in five minutes. Forked before the ledger is read, it holds only what it makes.
        Without fork (or without a process to spare) :meth:`start` runs the index itself."""
        if not hasattr(os, "fork"):
            return
        try:
            go_r, go_w = os.pipe()
            res_r, res_w = os.pipe()
            pid = os.fork()
        except OSError:
            return  # start() tries again and reports a failure clearly
        if pid == 0:  # the waiting search process: index when told, report, exit at once
            code = 0
            try:
                os.close(go_w)
                os.close(res_r)
                with os.fdopen(go_r, "rb") as go:
                    told = go.read(1)
                if told == b"1":
                    code = self._index_reporting(res_w)
            finally:
                os._exit(code)
        os.close(go_r)
        os.close(res_w)
        self.pid, self.go, self.result = pid, go_w, res_r

    def start(self) -> None:
        """Called in the plugin's search thread: index the site now."""
        self.started = True
        self.t0 = time.perf_counter()
        try:
            self._run_apart()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the build's own thread by wait()
            self.error = exc
        finally:
            self.t1 = time.perf_counter()
            self.seconds = self.t1 - self.t0

    def _index_reporting(self, wfd: int) -> int:
        """In the search process: run the index; a failure's message goes to ``wfd``."""
        try:
            run_pagefind(self.output, shard_pages=self.shard_pages, shard_mb=self.shard_mb,
                         state_path=self.state_path)
            return 0
        except SearchIndexError as exc:
            os.write(wfd, str(exc).encode("utf-8", "replace"))
            return 2
        except BaseException as exc:  # noqa: BLE001 - reported to the build process
            os.write(wfd, f"{type(exc).__name__}: {exc}".encode("utf-8", "replace"))
            return 3

    def _run_apart(self) -> None:
        """run_pagefind in its own process: the one :meth:`prestart` forked, told to go now, or
        else one forked here. Why not in this thread: its own Python work (listing and
        stat-ing the searchable pages, cutting documents, writing the temporary sites) then
        shares the interpreter lock with the build, and each of its many system calls waits for
        the lock again behind the busy build thread — at a tenth of a province the push's index
        took 47.6 s beside the build against 18.7 s after it (docs/BENCHMARKS.md). The child
        exits with os._exit: it never flushes or closes the build's inherited files."""
        if self.pid is not None:
            pid, rfd = self.pid, self.result
            self.pid = None
            os.write(self.go, b"1")
            os.close(self.go)
        elif not hasattr(os, "fork"):
            run_pagefind(self.output, shard_pages=self.shard_pages, shard_mb=self.shard_mb, state_path=self.state_path)
            return
        else:
            try:
                rfd, wfd = os.pipe()
                pid = os.fork()
            except OSError as exc:  # no process to spare: a clear error, not a traceback
                raise SearchIndexError(f"cannot start the search index process: {exc}") from None
            if pid == 0:  # the child: index, report a failure through the pipe, exit at once
                code = 0
                try:
                    os.close(rfd)
                    code = self._index_reporting(wfd)
                finally:
                    os._exit(code)
            os.close(wfd)
        with os.fdopen(rfd, "rb") as f:
            message = f.read().decode("utf-8", "replace")
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code != 0:
            raise SearchIndexError(message or f"the search index process ended with {code}")

    def release(self) -> None:
        """The build is over and did not start the index (a push with nothing to index, or a
        failed build): the waiting process exits without indexing."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            os.write(self.go, b"0")  # said, not left to end of file: a forked render worker may hold the pipe too
            os.close(self.go)
            os.close(self.result)
            os.waitpid(pid, 0)

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error


def search_beside(settings: dict[str, Any], incremental: bool) -> bool:
    """Whether the search index runs beside the build (EarlySearch) rather than after it: always
    for a full build; for a push unless PUBLISHER_SEARCH_BESIDE_PUSH is False (a settings file
    written before it existed gets the default, beside: EarlySearch says why)."""
    return not incremental or bool(settings.get("PUBLISHER_SEARCH_BESIDE_PUSH", True))


def find_settings(start: Path | None = None) -> Path | None:
    for base in [start or Path.cwd(), REPO]:
        p = base / "pelicanconf.py"
        if p.is_file():
            return p
    return None


def settings_for(ledger: Path, output: Path, settings_file: Path | None = None,
                 overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pelican settings: the given file, ./pelicanconf.py, or the repository's own."""
    from pelican.settings import read_settings

    conf = settings_file or find_settings()
    if conf is None:
        raise BuildError("no pelicanconf.py found (give --settings FILE)")
    over: dict[str, Any] = {"OUTPUT_PATH": str(output), "PUBLISHER_LEDGER": str(ledger)}
    over.update(overrides or {})
    return read_settings(str(conf), override=over)


def check_output(output: Path) -> None:
    """Refuse to wipe a directory that is not a previous build (Pelican deletes the output)."""
    if output.exists():
        if not output.is_dir():
            raise BuildError(f"{output}: exists and is not a directory")
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise BuildError(f"{output}: not empty and not an earlier site build; refusing to delete it "
                             f"(remove it yourself or choose another --output)")


def count_pages(output: Path) -> int:
    """HTML pages written: the sitemap lists each one (a walk of the output's ~80,000
    directories cost 18-88 s of IO wait on a loaded machine in the issue 13 profile)."""
    sitemap = output / "sitemap.xml"
    if sitemap.is_file():
        return sitemap.read_bytes().count(b"<loc>")
    return sum(sum(1 for n in names if n.endswith(".html")) for _, _, names in os.walk(output))


def build(ledger_dir: Path | str, output_dir: Path | str, *, settings_file: Path | str | None = None,
          overrides: dict[str, Any] | None = None, search: bool = True) -> BuildResult:
    """Verify ``ledger_dir`` and write the site to ``output_dir``; raises LedgerNotVerified."""
    from pelican import Pelican

    started = time.perf_counter()
    ledger, output = Path(ledger_dir).resolve(), Path(output_dir).resolve()
    if not ledger.is_dir():
        raise BuildError(f"{ledger}: no such ledger directory")
    check_output(output)
    settings = settings_for(ledger, output, Path(settings_file) if settings_file else None, overrides)
    if "publisher.site.plugin" not in settings.get("PLUGINS", []):
        settings["PLUGINS"] = list(settings.get("PLUGINS") or []) + ["publisher.site.plugin"]
    manifest = Manifest(output, build_key(settings, Path(settings["THEME"]) if settings.get("THEME") else None),
                        ledger=ledger)
    incremental = not settings.get("PUBLISHER_FULL_VERIFY") and (output / MARKER).is_file() and manifest.load()
    if incremental:  # pages whose inputs did not change stay as the previous build wrote them
        settings["DELETE_OUTPUT_DIRECTORY"] = False
    settings["PUBLISHER_MANIFEST"] = manifest
    shard_pages = int(settings.get("PUBLISHER_SEARCH_SHARD_PAGES") or 10_000)
    shard_mb = int(settings.get("PUBLISHER_SEARCH_SHARD_MB") or 150)
    search_state = manifest.path.with_suffix(".search.json") if manifest.mac_key else None  # shards indexed (search.py)
    beside = search_beside(settings, incremental)
    early = (EarlySearch(output, shard_pages, shard_mb, search_state, manifest.search_unchanged if incremental else None)
             if search and beside else None)
    settings["PUBLISHER_EARLY_SEARCH"] = early
    logging.getLogger("pelican").setLevel(logging.WARNING)
    if early is not None:
        early.prestart()  # forked while the build's heap is still small
    try:
        pelican = Pelican(settings)
        pelican.run()
    finally:
        pelican_done = time.perf_counter()
        if early is not None and early.thread is not None:
            early.thread.join()
        if early is not None:
            early.release()
    pel = pelican_done - started
    overlap = max(0.0, min(early.t1, pelican_done) - early.t0) if early is not None and early.started else 0.0
    (output / MARKER).write_text("built by publisher build\n", encoding="utf-8")
    t0 = time.perf_counter()
    if early is not None and early.started:
        early.wait()  # Pagefind ran beside the build (already joined above)
        search = False
    if search and incremental and manifest.search_unchanged() and (output / "pagefind").is_dir():
        search = False  # no searchable page was written, removed or unlisted: the index is the previous one
    if search:
        run_pagefind(output, shard_pages=shard_pages, shard_mb=shard_mb, state_path=search_state,
                     known=manifest.file_of if incremental else None)
    pf = time.perf_counter() - t0 + (early.seconds if early is not None else 0.0)
    pages = count_pages(output)
    entries = sum(1 for _ in (ledger / "log").open()) if (ledger / "log").is_file() else 0
    return BuildResult(output, time.perf_counter() - started, pel, pf, pages, entries,
                       manifest.rendered, manifest.kept, incremental, overlap)
