"""Shared fixtures: real temp-dir ledgers with real keys (no mocks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/ helper modules importable by plain name

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
