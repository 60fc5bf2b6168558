"""A progress bar for steps that take more than about two seconds (rich, on stderr).

Why lazy: most commands finish in well under a second and should print nothing extra; a county
ledger replayed by `verify`, `add` or `status` can take tens of seconds, and a silent terminal
then looks hung. The bar appears only after ``delay`` seconds, only on a terminal (or when a
console is given, as in tests), and disappears when the step ends.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress(label: str, total: int | None, *, delay: float = 2.0, console=None) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n=1)``; draws a bar once ``delay`` seconds have passed."""
    if console is None and (os.environ.get("PUBLISHER_NO_PROGRESS") or not _tty()):
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    state = {"done": 0, "bar": None, "task": None}
    t0 = time.monotonic()

    def advance(n: int = 1) -> None:
        state["done"] += n
        if state["bar"] is None:
            if time.monotonic() - t0 < delay:
                return
            bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=console or Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(label, total=total, completed=state["done"])
        else:
            state["bar"].update(state["task"], completed=state["done"])

    try:
        yield advance
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


def _tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Counted:
    """A ledger whose entry loading advances a progress bar (everything else passes through)."""

    def __init__(self, ledger, advance: Callable[[int], None]):
        self._ledger, self._advance = ledger, advance

    def __getattr__(self, name):
        return getattr(self._ledger, name)

    def iter_loaded(self, keys, workers=None, start: int = 0):
        if start:  # resumed from the verification cache: the prefix is already done
            self._advance(start)
            items = self._ledger.iter_loaded(keys, workers, start=start)
        else:
            items = self._ledger.iter_loaded(keys, workers)
        for item in items:
            self._advance(1)
            yield item
