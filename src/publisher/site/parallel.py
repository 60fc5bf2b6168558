"""Render workers: a share of the pages written by a forked copy of the build process.

Why fork: the full build's cost is writing ~40,000 pages after the read-model is built; the
machine has two cores. A forked worker inherits the verified read-model, the templates and
every cache as they are, opens its own read-only connection to the on-disk index, and writes
its pages while the build process writes the others. Nothing it writes depends on the other
process: each page is a function of the read-model. What the build keeps *about* pages — the
sitemap lines, the list of searchable pages, the page count and the incremental manifest's
records — the worker hands back when it ends, and the build puts them in the serial order
(``Renderer.run_part`` gives the worker its own sitemap part between the build's parts), so a
parallel build's output is byte-identical to a serial one's.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class RenderWorkerError(RuntimeError):
    """A render worker failed; the message carries its traceback."""


@dataclass
class Child:
    pid: int
    result: Path
    name: str
    done: bool = False

    def finished(self) -> bool:
        """Whether the worker has exited (without reaping it: :func:`join_part` does)."""
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def wait_exit(self) -> None:
        """Block until the worker has exited, without reaping it (another thread may)."""
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass

    def kill(self) -> None:
        """Stop this worker if it is still running (a failed build) and reap it."""
        if self.done:
            return
        self.done = True
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.result.unlink(missing_ok=True)


_MANIFEST_SETS = ("seen",)
_MANIFEST_DICTS = ("new", "state")  # state: what a writer remembers for the next build (incremental.py)
_MANIFEST_COUNTS = ("rendered", "kept", "uncacheable")
_MANIFEST_FLAGS = ("search_changed",)


def _manifest_reset(m: Any) -> None:
    """In the worker: record only what this worker does, to hand back."""
    for a in _MANIFEST_SETS:
        setattr(m, a, set())
    for a in _MANIFEST_DICTS:
        setattr(m, a, {})
    for a in _MANIFEST_COUNTS:
        setattr(m, a, 0)
    for a in _MANIFEST_FLAGS:
        setattr(m, a, False)


def _manifest_delta(m: Any) -> dict[str, Any]:
    d = {a: getattr(m, a) for a in (*_MANIFEST_SETS, *_MANIFEST_DICTS, *_MANIFEST_COUNTS, *_MANIFEST_FLAGS)}
    d["new"] = m.pages_with_pairs(d["new"])  # fact numbers this worker gave are its own: hand back the pairs
    return d


def _manifest_merge(m: Any, d: dict[str, Any]) -> None:
    d["new"] = m.pages_with_numbers(d["new"])
    for a in _MANIFEST_SETS:
        getattr(m, a).update(d[a])
    for a in _MANIFEST_DICTS:
        getattr(m, a).update(d[a])
    for a in _MANIFEST_COUNTS:
        setattr(m, a, getattr(m, a) + d[a])
    for a in _MANIFEST_FLAGS:
        setattr(m, a, getattr(m, a) or d[a])


def fork_part(r: Any, fn: Callable[..., Any], args: tuple, part: tuple[Path, Path]) -> Child:
    """Start a worker running ``fn(*args)`` with ``r`` writing its sitemap/search lines to ``part``."""
    fd, name = tempfile.mkstemp(prefix="publisher-render-", suffix=".result")
    os.close(fd)
    result = Path(name)
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # the inherited objects stay out of the worker's collections (fewer copy-on-write pages)
    pid = os.fork()
    if pid:
        gc.unfreeze()
        return Child(pid, result, getattr(fn, "__name__", "part"))
    code, payload = 1, None
    started, wall = time.process_time(), time.perf_counter()
    try:  # the worker: never returns into the caller's stack
        for hook in r.forked:
            hook()
        r._children = []
        r.workers = 0  # a worker does not fork again
        r._sitemap = open(part[0], "w", encoding="utf-8")
        r._searchable = open(part[1], "w", encoding="utf-8")
        r.pages_written = 0
        if r.incremental is not None:
            _manifest_reset(r.incremental)
        fn(*args)
        r._sitemap.close()
        r._searchable.close()
        payload = {"pages": r.pages_written, "cpu": time.process_time() - started,
                   "wall": time.perf_counter() - wall,
                   "manifest": _manifest_delta(r.incremental) if r.incremental is not None else None}
        code = 0
    except BaseException:  # noqa: BLE001 - everything is reported to the build process
        payload = {"error": traceback.format_exc()}
    finally:
        try:
            with open(result, "wb") as f:
                pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(code)


def join_part(r: Any, child: Child) -> tuple[float, float]:
    """Wait for ``child``; merge its pages into ``r``; raise if it failed. Returns its CPU and
    wall seconds."""
    _, status = os.waitpid(child.pid, 0)
    child.done = True
    try:
        with open(child.result, "rb") as f:
            payload = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        payload = None
    finally:
        child.result.unlink(missing_ok=True)
    if payload is None or "error" in payload or os.waitstatus_to_exitcode(status) != 0:
        detail = payload.get("error") if isinstance(payload, dict) else f"exit status {status}"
        raise RenderWorkerError(f"render worker ({child.name}) failed:\n{detail}")
    r.pages_written += payload["pages"]
    if payload["manifest"] is not None:
        _manifest_merge(r.incremental, payload["manifest"])
    return payload["cpu"], payload["wall"]
