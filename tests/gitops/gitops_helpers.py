"""Real git portals for the gitops tests: a bare "server" repo and clerk clones (no mocks).

A plain module, not a conftest.py: tests import ``det_key``/``LedgerFactory`` via
``from ledgertools import …``, and a second conftest module would shadow the root one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledgertools import ORIGIN, LedgerFactory, det_key  # tests/conftest.py
from publisher.core.verifier import verify
from publisher.gitops.git import Git
from publisher.storage.ledger_dir import LedgerDir

OFFICES = {"scjgj": "市场监督管理局", "wjj": "卫生健康局", "sjj": "税务局"}


def git_env(home: Path, name: str = "Test Clerk") -> dict[str, str]:
    """Isolated git: no user/system config, identity from the environment."""
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "gitconfig"
    if not cfg.exists():
        cfg.write_text("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n"
                       "[advice]\n\tdetachedHead = false\n")
    return {**os.environ, "GIT_CONFIG_GLOBAL": str(cfg), "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(home),
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
            "PUBLISHER_DEBUG": "", "LC_ALL": "C.UTF-8"}


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Portal:
    """A bare server repository holding a valid ledger, and helpers to clone and publish."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = git_env(tmp / "home")
        self.remote = tmp / "remote.git"
        self.git(tmp, "init", "-q", "--bare", "-b", "main", str(self.remote))
        self.admin = self.clone("admin")
        (self.admin / ".gitattributes").write_text("ledger/log merge=union\n")
        (self.admin / ".gitignore").write_text("ledger/.lock\nledger/.tmp*\n*.key\n")
        self.factory = LedgerFactory(self.admin / "ledger").init()
        for office, name in OFFICES.items():
            self.factory.add_office(office, name)
        for office in OFFICES:
            self.factory.notice(office, f"{office} 第一号公告")
        self.clock = self.factory.clock
        self.git(self.admin, "add", ".")
        self.git(self.admin, "commit", "-q", "-m", "init ledger")
        self.git(self.admin, "push", "-q", "origin", "main")

    # -- git ------------------------------------------------------------------------------------

    def git(self, cwd: Path, *args: str, check: bool = True) -> str:
        p = subprocess.run(["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {p.stderr}")
        return p.stdout

    def clone(self, name: str) -> Path:
        path = self.tmp / name
        self.git(self.tmp, "clone", "-q", str(self.remote), str(path))
        return path

    def head(self, cwd: Path | None = None) -> str:
        return self.git(cwd or self.remote, "rev-parse", "main" if cwd is None else "HEAD").strip()

    def commit_all(self, cwd: Path, msg: str) -> str:
        self.git(cwd, "add", "-A")
        self.git(cwd, "commit", "-q", "-m", msg)
        return self.head(cwd)

    # -- ledger ---------------------------------------------------------------------------------

    def append(self, clone: Path, office: str, text: str, key=None):
        """Sign and append a notice in ``clone`` (a clerk's local action)."""
        self.clock += 60
        return LedgerDir(clone / "ledger").append(
            office, "notice", {"title": "通知", "text": text}, key or det_key("office:" + office), iso(self.clock))

    def remote_log(self, rev: str = "main") -> bytes:
        return Git(self.remote, self.env).read_file(rev, "ledger/log") or b""

    def verify_remote(self, rev: str = "main"):
        """Verify the server's ledger from git objects (what CI sees)."""
        with tempfile.TemporaryDirectory() as d:
            Git(self.remote, self.env).export_tree(rev, "ledger", Path(d))
            ledger = LedgerDir(Path(d) / "ledger")
            return verify(ledger, ledger.trust())

    # -- the CLI as clerks and CI run it ----------------------------------------------------------

    def cli_args(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "publisher.cli.main", *args]

    def publisher(self, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(self.cli_args(*args), cwd=cwd, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=60)

    def start(self, cwd: Path, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.cli_args(*args), cwd=cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def portal(tmp_path) -> Portal:
    return Portal(tmp_path)


__all__ = ["ORIGIN", "OFFICES", "Portal", "portal", "det_key", "iso", "git_env"]
