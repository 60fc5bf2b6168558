"""Fixtures for the browser verifier's tests: one real temp ledger with draws, one built site.

Built once per session (about 3 s). Helpers live in vjs_ledger.py (a uniquely named module;
conftest modules must not be imported by name, see tests/ledgertools.py).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from vjs_ledger import NOW, REPO, VLedger, build_vledger, need_node

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def vledger(tmp_path_factory) -> VLedger:
    return build_vledger(tmp_path_factory.mktemp("vjs") / "ledger")


@pytest.fixture(scope="session")
def vsite(vledger, tmp_path_factory) -> Path:
    need_node()
    from publisher.site.build import build

    out = tmp_path_factory.mktemp("vjs-site") / "out"
    build(vledger.root, out, settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW}, search=False)
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """serve(directory) -> base URL of a loopback HTTP server for it (stopped at session end)."""
    servers = []

    def start(directory: Path) -> str:
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
        th = threading.Thread(target=srv.serve_forever, daemon=True)
        th.start()
        servers.append((srv, th))
        return f"http://127.0.0.1:{srv.server_address[1]}/"

    yield start
    for srv, th in servers:
        srv.shutdown()
        th.join(5)


@pytest.fixture(scope="session")
def chromium(chromium_browser):
    return chromium_browser


@pytest.fixture(scope="session")
def shots() -> Path:
    d = REPO / "test-artifacts" / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d
