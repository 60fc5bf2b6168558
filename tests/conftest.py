"""Shared fixtures: real temp-dir ledgers with real keys (no mocks)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/ helper modules importable by plain name
# Commands keep a verification cache; in tests it lives in a fresh temp dir, never in ~/.cache.
os.environ.setdefault("PUBLISHER_CACHE_DIR", tempfile.mkdtemp(prefix="publisher-test-cache-"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # one cache per xdist worker: tests never resume another's state
    os.environ["PUBLISHER_CACHE_DIR"] = os.path.join(os.environ["PUBLISHER_CACHE_DIR"], os.environ["PYTEST_XDIST_WORKER"])

from ledgertools import LedgerFactory  # noqa: E402


@pytest.fixture
def factory(tmp_path) -> LedgerFactory:
    return LedgerFactory(tmp_path / "ledger").init()


@pytest.fixture
def small_ledger(factory) -> LedgerFactory:
    factory.add_office("scjgj", "市场监督管理局")
    factory.add_office("wjj", "卫生健康局")
    for i in range(3):
        factory.notice("scjgj", f"公告{i}")
        factory.notice("wjj", f"通知{i}")
    factory.checkpoint()
    factory.notice("scjgj", "after checkpoint")
    return factory


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Debian Chromium for every browser test (Playwright's sync API allows only
    one running instance per thread, so suites must share it). A missing browser fails the
    test run — `make test` installs it — rather than skipping."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed at /usr/bin/chromium: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# -- parallel runs (pytest-xdist, `make test` runs `-n 2 --dist loadgroup`) -------------------------
#
# Tests are scheduled in groups, each group on one worker, so a session or module fixture is
# built once: the tests that use the built county site of tests/site/conftest.py share a worker,
# as do those using the browser verifier's site (tests/verifier_js/conftest.py); every other file
# is its own group (module fixtures such as the demo county stay built once). The longest groups
# are scheduled first (the lookup test builds the whole SAMPLE county site, the longest setup in
# the suite): started last, they would run alone at the end.
SHARED = {"site": {"county", "site", "server", "sharded_site", "sharded_server"},
          "verifier_js": {"vledger", "vsite"}}
FIRST = ("site/test_site_lookup_browser.py", "site", "verifier_js")
TESTS = Path(__file__).resolve().parent


def xdist_group_of(item: pytest.Item) -> str:
    rel = Path(str(item.path)).resolve().relative_to(TESTS)
    if SHARED.get(rel.parts[0], set()) & set(getattr(item, "fixturenames", ())):
        return rel.parts[0]
    return rel.as_posix()


def _order(item: pytest.Item) -> int:
    group = xdist_group_of(item)
    return FIRST.index(group) if group in FIRST else len(FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") == "no":
        return  # a serial run keeps the collection order
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(xdist_group_of(item)))
    items.sort(key=_order)  # stable: the longest groups first
