"""Search: Pagefind indexes task, company and result pages; a small script queries it.

Why Pagefind: it runs after the build over the static files, needs no server, and its extended
build segments Chinese text. Only pages marked ``data-pagefind-body`` (tasks, companies) are
indexed; each language gets its own index from the page's ``lang`` attribute.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .render import Renderer


class SearchIndexError(RuntimeError):
    pass


def write_pages(r: Renderer) -> None:
    r.page("search/", "search")


def run_pagefind(site: Path, timeout: int = 3600) -> str:
    """Index ``site`` with the Pagefind binary shipped by the ``pagefind[extended]`` wheel."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout
