"""Every bomb from issue 12 is refused in < 30 s and < 500 MB peak, with a clear message and
nothing written. Each runs the real `publisher` command in its own process; CPU time
(user + system) and peak memory (``ru_utime``/``ru_stime``/``ru_maxrss`` from ``os.wait4``) are
measured for that process alone — CPU time, because this machine is shared and wall time says more
about the neighbours than about the bomb (wall time is bounded too, at 4 × the limit, as a hang
guard)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from ledgertools import LedgerFactory, det_key
from publisher.gitops.git import Git

LIMIT_S = 30
LIMIT_MB = 500


@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float  # CPU seconds (user + system) of the child
    peak_mb: float
    wall: float = 0.0


# The child is started by a small launcher process, never forked from pytest itself: Linux keeps a
# process's peak RSS across fork and exec (``ru_maxrss`` counts the forked copy of the parent), so a
# child forked from a 500 MB test worker would report that worker's size, not its own.
_LAUNCHER = """
import json, os, subprocess, sys, threading
report, limit, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
p = subprocess.Popen(cmd)
killer = threading.Timer(limit, p.kill)  # a hang fails the test instead of the suite
killer.start()
_, status, usage = os.wait4(p.pid, 0)
killer.cancel()
with open(report, "w") as f:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss}, f)
"""


def measured(*argv: str, cwd: Path, env: dict | None = None) -> Run:
    """Run ``publisher argv…`` and measure this one child's wall time and peak RSS."""
    return launched([sys.executable, "-m", "publisher.cli.main", *argv], cwd=cwd, env=env)


def launched(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run ``cmd`` from the launcher and measure this one child's CPU time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.json"
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), str(4 * LIMIT_S),
                        *cmd], cwd=cwd, stdout=out, stderr=err,
                       env={**os.environ, **(env or {})}, check=False)
        wall = time.monotonic() - start
        usage = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        return Run(usage["rc"], out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   usage["cpu"], usage["maxrss_kb"] / 1024, wall)


def bounded(r: Run) -> None:
    print(f"bomb refused: {r.seconds:.2f} s CPU, {r.wall:.2f} s wall, peak {r.peak_mb:.0f} MB")
    assert r.seconds < LIMIT_S and r.wall < 4 * LIMIT_S, f"took {r.seconds:.1f} s CPU, {r.wall:.1f} s wall"
    assert r.peak_mb < LIMIT_MB, f"peak {r.peak_mb:.0f} MB"
    assert "Traceback" not in r.err and "internal error" not in r.err and "内部错误" not in r.err, r.err


@pytest.fixture
def ledger(tmp_path) -> LedgerFactory:
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("scjgj", "市场监督管理局")
    f.notice("scjgj", "第一号")
    return f


def _keys(tmp: Path) -> dict:
    keys = tmp / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "scjgj.pem").write_bytes(det_key("office:scjgj").to_encrypted_pem(b"pw"))
    return {"PUBLISHER_KEYS": str(keys), "PUBLISHER_KEY_PASSPHRASE": "pw"}


def _laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _unchanged(f: LedgerFactory):
    before = (f.root / "log").read_bytes(), sorted(p.name for p in (f.root / "entries").rglob("*"))
    return lambda: ((f.root / "log").read_bytes(), sorted(p.name for p in (f.root / "entries").rglob("*"))) == before


def test_billion_laughs_draw_spec(ledger, tmp_path):
    spec = tmp_path / "draw.yaml"
    spec.write_text("task: T-1\noffices: [{office: scjgj, members: 1}]\n" + _laughs())
    same = _unchanged(ledger)
    r = measured("draw", "commit", str(spec), "--ledger", str(ledger.root), cwd=tmp_path, env=_keys(tmp_path))
    bounded(r)
    assert r.rc == 2 and f"错误：无法读取抽取说明（YAML 格式有误）：{spec} (line 4): aliases (*name) are not allowed" in r.err, r.err
    assert same()


def test_deep_yaml_draw_spec(ledger, tmp_path):
    spec = tmp_path / "draw.yaml"
    spec.write_text("task: " + "[" * 100_000)
    r = measured("draw", "commit", str(spec), "--ledger", str(ledger.root), cwd=tmp_path, env=_keys(tmp_path))
    bounded(r)
    assert r.rc == 2 and "nested more than 64 levels deep" in r.err, r.err


def test_billion_laughs_and_deep_yaml_for_add(ledger, tmp_path):
    same = _unchanged(ledger)
    for name, text, msg in (("laughs.yaml", "kind: plan\noffice: scjgj\n" + _laughs(), "aliases (*name) are not allowed"),
                            ("deep.yaml", "kind: plan\noffice: scjgj\nx: " + "[" * 100_000, "nested more than 64 levels deep")):
        doc = tmp_path / name
        doc.write_text(text)
        r = measured("add", str(doc), "--ledger", str(ledger.root), cwd=tmp_path, env=_keys(tmp_path))
        bounded(r)
        assert r.rc == 2 and name in r.err and msg in r.err, r.err
    assert same()


def _xlsx_bomb(path: Path, mb: int) -> None:
    """A workbook whose shared strings unpack to ``mb`` MB of padding (a few hundred KB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet><sheetData/></worksheet>')
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><sst><si><t>')
            block = b"A" * (1 << 20)
            for _ in range(mb):
                f.write(block)
            f.write(b"</t></si></sst>")


def test_xlsx_shared_strings_bomb(ledger, tmp_path):
    book = tmp_path / "results.xlsx"
    _xlsx_bomb(book, 400)  # under the old 500 MB total cap: the ratio is what refuses it
    assert book.stat().st_size < 5 * 1024 * 1024
    same = _unchanged(ledger)
    r = measured("add", str(book), "--ledger", str(ledger.root), cwd=tmp_path, env=_keys(tmp_path))
    bounded(r)
    assert r.rc == 2 and "xl/sharedStrings.xml would unpack to " in r.err and "padding or a zip bomb" in r.err, r.err
    assert same()


def test_xlsx_bomb_in_the_directory_reader(tmp_path):
    book = tmp_path / "targets.xlsx"
    _xlsx_bomb(book, 400)  # under the old 500 MB total cap: the ratio is what refuses it
    code = ("import sys\nfrom publisher.directory import readers\nfrom publisher.directory.records import DirectoryError\n"
            "try:\n    list(readers._xlsx_rows(open(sys.argv[1], 'rb'), sys.argv[1], None))\n"
            "except DirectoryError as e:\n    print(e.problems[0].rule, e.problems[0].message); sys.exit(2)\n")
    r = launched([sys.executable, "-c", code, str(book)])
    bounded(Run(0, r.out, "", r.seconds, r.peak_mb, r.wall))
    out, err = r.out, r.err
    assert r.rc == 2, out + err
    assert out.startswith("xlsx-too-large xl/sharedStrings.xml would unpack to "), out + err


def _pad(f: LedgerFactory, office: str, seq: int, extra: int) -> Path:
    p = f.root / "entries" / office / f"{seq:08d}.json"
    data = p.read_bytes()
    with open(p, "wb") as out:
        out.write(data.rstrip(b"\n"))
        block = b" " * (1 << 20)
        for _ in range(extra >> 20):
            out.write(block)
        out.write(b" " * (extra & ((1 << 20) - 1)) + b"\n")
    return p


def test_padded_entries_are_refused_by_verify(ledger, tmp_path):
    _pad(ledger, "scjgj", 1, 300 << 20)
    r = measured("verify", "--ledger", str(ledger.root), cwd=tmp_path)
    bounded(r)
    assert r.rc == 1
    assert "ERROR ledger/entries/scjgj/00000001.json" in r.err
    assert "envelope: entry file is larger than 4194304 bytes (the limit)" in r.err, r.err
    # a small padding, within the size cap, is still refused by the padding factor
    ledger.notice("scjgj", "第二号")
    _pad(ledger, "scjgj", 2, 200_000)
    r = measured("verify", "--ledger", str(ledger.root), cwd=tmp_path)
    assert r.rc == 1 and "padded" in r.err and "ledger/entries/scjgj/00000002.json" in r.err, r.err


def test_deep_and_duplicate_json_entries_name_the_file(ledger, tmp_path):
    ledger.notice("scjgj", "第二号")
    p2 = ledger.root / "entries" / "scjgj" / "00000002.json"
    p2.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    ledger.notice("scjgj", "第三号")  # still chained by the log line, so verification goes on
    p3 = ledger.root / "entries" / "scjgj" / "00000003.json"
    text = p3.read_text("utf-8")
    p3.write_text(text.replace('"title":', '"title": "第零号",\n  "title":', 1), "utf-8")
    r = measured("verify", "--ledger", str(ledger.root), cwd=tmp_path)
    bounded(r)
    assert r.rc == 1
    assert "ERROR ledger/entries/scjgj/00000002.json" in r.err and "envelope: JSON nested more than 64 levels deep" in r.err, r.err
    assert "ERROR ledger/entries/scjgj/00000003.json" in r.err and 'envelope: duplicate member "title"' in r.err, r.err


def test_padded_entry_push_is_refused_by_check_push(tmp_path):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    repo = tmp_path / "repo"
    repo.mkdir()
    git = Git(repo, env)
    git.run("init", "-q", "-b", "main")
    f = LedgerFactory(repo / "ledger").init()
    f.add_office("scjgj", "市场监督管理局")
    git.run("add", "-A")
    git.run("commit", "-q", "-m", "init")
    f.notice("scjgj", "第一号")
    _pad(f, "scjgj", 1, 300 << 20)
    git.run("add", "-A")
    git.run("commit", "-q", "-m", "padded")
    r = measured("check-push", "HEAD~1", "HEAD", "--repo", str(repo), cwd=repo, env=env)
    bounded(r)
    assert r.rc == 1
    assert "REFUSED ledger/entries/scjgj/00000001.json: size: " in r.err and "the limit for this file is 4194304" in r.err, r.err
