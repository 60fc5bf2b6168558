"""Symlinks, FIFOs, devices and directories where ledger files belong: refused by `verify` (rule
`layout`) without being followed or read — no hang on a FIFO, no endless read of /dev/zero —
and never copied into the built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledgertools import LedgerFactory
from publisher.core.verifier import verify
from publisher.storage.ledger_dir import LedgerDir, LedgerIOError, NotRegularFile, read_regular


@pytest.fixture
def f(tmp_path) -> LedgerFactory:
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("scjgj", "市场监督管理局")
    f.notice("scjgj", "第一号")
    f.notice("scjgj", "第二号")
    f.checkpoint()
    return f


def _verify_cli(root: Path) -> subprocess.CompletedProcess:
    """In a child process with a timeout: a FIFO that blocked the reader must fail, not hang."""
    return subprocess.run([sys.executable, "-m", "publisher.cli.main", "verify", "--ledger", str(root)],
                          capture_output=True, text=True, timeout=60)


def _entry(f, seq=2) -> Path:
    return f.root / "entries" / "scjgj" / f"{seq:08d}.json"


@pytest.mark.parametrize("make, kind", [
    (lambda p: p.symlink_to("/dev/zero"), "a symlink"),
    (lambda p: os.mkfifo(p), "a FIFO"),
    (lambda p: p.mkdir(), "a directory"),
])
def test_entry_that_is_not_a_regular_file(f, make, kind):
    p = _entry(f)
    p.unlink()
    make(p)
    r = _verify_cli(f.root)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert (f"ERROR ledger/entries/scjgj/00000002.json [{f.verify().problems[0].entry_id[:16]}]: layout: "
            f"{kind}; a ledger entry must be a regular file") in r.stderr, r.stderr


def test_read_regular_never_follows_or_blocks(tmp_path):
    (tmp_path / "link").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile, match="a symlink"):
        read_regular(tmp_path / "link", 10)
    with pytest.raises(NotRegularFile, match="a FIFO"):
        read_regular(tmp_path / "fifo", 10)
    with pytest.raises(NotRegularFile, match="a directory"):
        read_regular(tmp_path, 10)
    assert isinstance(NotRegularFile("x", "y"), LedgerIOError)


def test_symlinked_checkpoint_blob_and_office_directory(f, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("operator's notes")
    (f.root / "checkpoints" / "0000000099.note").symlink_to(secret)
    (f.root / "blobs" / ("ab" * 32)).symlink_to(secret)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (f.root / "entries" / "evil").symlink_to(elsewhere)
    ledger = LedgerDir(f.root)
    report = verify(ledger, ledger.trust())
    layout = {(p.file, p.message) for p in report.errors if p.rule == "layout"}
    assert ("ledger/checkpoints/0000000099.note", "is a symlink; ledger files must be regular files") in layout
    assert (f"ledger/blobs/{'ab' * 32}", "is a symlink; ledger files must be regular files") in layout
    assert ("ledger/entries/evil", "is a symlink; office directories must be real directories") in layout
    assert [p.name for p in ledger.checkpoint_files()] == ["0000000004.note"]
    assert [p.name for p in ledger.blob_files()] == [".gitkeep"]  # as before: the verifier skips it


def test_log_and_trust_that_are_not_files(f):
    log = f.root / "log"
    log.unlink()
    os.mkfifo(log)
    r = _verify_cli(f.root)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "log: a FIFO; a log must be a regular file" in r.stderr, r.stderr
    log.unlink()
    trust = f.root / "trust.json"
    trust.rename(f.root.parent / "trust.json")
    trust.symlink_to(f.root.parent / "trust.json")
    r = _verify_cli(f.root)
    assert r.returncode == 2 and "trust.json: a symlink; a trust.json must be a regular file" in r.stderr, r.stderr


def test_site_copies_only_layout_files(f, tmp_path):
    from types import SimpleNamespace

    from publisher.site.downloads import copy_ledger

    secret = tmp_path / "secret.txt"
    secret.write_text("log key passphrase")
    (f.root / "checkpoints" / "0000000099.note").symlink_to(secret)
    (f.root / "notes.md").write_text("stray")
    (f.root / "entries" / "scjgj" / "README").write_text("stray")
    os.mkfifo(f.root / "blobs" / ("cd" * 32))
    dest = tmp_path / "site-ledger"
    info = copy_ledger(SimpleNamespace(ledger=LedgerDir(f.root)), dest)
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if not p.is_dir()
                    and p.name != "checkpoints.txt")  # the monitors' index, written by the build (§3.10)
    want = sorted(str(p.relative_to(f.root)) for p in f.root.rglob("*")
                  if p.is_file() and not p.is_symlink() and p.name != ".gitkeep"
                  and p.name not in ("notes.md", "README", ".lock"))
    assert copied == want and "checkpoints/0000000004.note" in copied and "log" in copied
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    assert "log key passphrase" not in "".join(p.read_text("utf-8", "replace") for p in dest.rglob("*") if p.is_file())
    assert info["checkpoints"] == ["0000000004.note"]


def test_site_copy_again_keeps_links_relinks_what_changed_and_never_a_stray_file(f, tmp_path):
    """The next build's copy finds the previous links by their listings: they stay, a file the
    output holds as a copy (not a link) is linked again, and a stray file linked into the output
    by hand is still not counted as ledger data."""
    from types import SimpleNamespace

    from publisher.site.downloads import copy_ledger

    dest = tmp_path / "site-ledger"
    first = copy_ledger(SimpleNamespace(ledger=LedgerDir(f.root)), dest)
    entry = next((f.root / "entries" / "scjgj").glob("*.json"))
    out_entry = dest / entry.relative_to(f.root)
    out_entry.unlink()
    out_entry.write_bytes(entry.read_bytes())  # same bytes, not a link any more
    (f.root / "entries" / "scjgj" / "README").write_text("stray")
    os.link(f.root / "entries" / "scjgj" / "README", dest / "entries" / "scjgj" / "README")
    again = copy_ledger(SimpleNamespace(ledger=LedgerDir(f.root)), dest)
    assert again == first
    for p in f.root.rglob("*.json"):
        q = dest / p.relative_to(f.root)
        assert q.stat().st_ino == p.stat().st_ino, q


def test_the_copys_fast_entry_name_check_accepts_only_names_the_layout_accepts():
    """copy_ledger tells a linked entry file's name by one match (a province copies a million);
    every name it accepts must be an entry name to gitops.rules.classify, in any office directory."""
    import random

    from publisher.gitops.rules import ENTRY_NAME_8 as _ENTRY_NAME
    from publisher.gitops.rules import classify

    rnd = random.Random(7)
    names = ["00000000.json", "00000001.json", "99999999.json", "0000001.json", "000000001.json",
             "00000001.jsonx", "0000000a.json", "00000001.JSON", "٠٠٠٠٠٠٠١.json", "00000001.json\n"]
    names += ["".join(rnd.choice("0123456789a.") for _ in range(rnd.randint(6, 11))) + ".json" for _ in range(3000)]
    names += [f"{rnd.randint(0, 10**8 - 1):08d}.json" for _ in range(3000)]
    accepted = [n for n in names if _ENTRY_NAME.fullmatch(n)]
    assert "00000001.json" in accepted and "00000000.json" not in accepted and len(accepted) > 3000
    for office in ("scjgj", "o01", "a-b"):
        bad = [n for n in accepted if classify(f"entries/{office}/{n}").kind != "entry"]
        assert bad == []
