"""Session fixtures for the site tests: one real ledger, one built site, one loopback server.

Built once per session (the build verifies the whole ledger, renders both languages and runs
Pagefind), then shared by the model, plugin, XSS and browser tests.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_ledger import NOW, Facts, build_site_ledger

from publisher.site.build import build

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> Facts:
    return build_site_ledger(tmp_path_factory.mktemp("county") / "ledger")


@pytest.fixture(scope="session")
def site(county, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    build(county.ledger, out, settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW})
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def server(site) -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    th.join(5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture(scope="session")
def screenshots() -> Path:
    d = ARTIFACTS / "screenshots"
    d.mkdir(parents=True, exist_ok=True)  # shared with tests/verifier_js (another xdist worker): never wiped here
    return d


@pytest.fixture(scope="session")
def sharded_site(site, tmp_path_factory) -> Path:
    """The same site, its search index rebuilt in shards of 8 pages (how a province is indexed)."""
    from publisher.site.search import run_pagefind

    out = tmp_path_factory.mktemp("sharded") / "out"
    shutil.copytree(site, out)
    run_pagefind(out, shard_pages=8)
    return out


@pytest.fixture(scope="session")
def sharded_server(sharded_site) -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(sharded_site)))
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    th.join(5)
