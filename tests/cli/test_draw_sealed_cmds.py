"""A draw in a portal whose risk classes are sealed, entirely through `publisher` (issue 10,
docs/spec/65-sealed.md): the office publishes its directory (the sealed copy, no class), commits
from its private classified CSV writing the openings outside the repository, locks with them,
and the public and the auditor verify. Every refusal says why in Chinese first and writes nothing."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clerk_helpers import snapshot

from publisher.cli.main import main

REPO = Path(__file__).resolve().parents[2]
STRATA = ["--stratum", "A=第一层", "--stratum", "B=第一层", "--stratum", "C=第二层", "--stratum", "D=第二层"]
SPEC = """task: QH-2026-001
population: {snapshot: latest, filter: {}}
strata:
  - {name: 第一层, match: {}, take: {count: 2}}
  - {name: 第二层, match: {}, take: {count: 1}}
offices:
  - {office: scjgj, members: 2}
  - {office: wjw, members: 1}
  - {office: nyj, members: 1}
teams: {inspectors: latest, mode: big}
batch_size: 5
"""


def unix(text: str) -> int:
    """'2026-12-02 10:00' Beijing → unix seconds."""
    return int((datetime.strptime(text, "%Y-%m-%d %H:%M") - timedelta(hours=8)).replace(tzinfo=UTC).timestamp())


def utc(text: str) -> str:
    return datetime.fromtimestamp(unix(text), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Portal:
    def __init__(self, root: Path, mp, capsys):
        self.root, self.mp, self.capsys = root, mp, capsys
        self.ledger = root / "ledger"
        self.private = root.parent / "office-private"  # the clerk's own machine, outside the repository
        self.private.mkdir()

    def pub(self, *argv: str, rc: int = 0, now: str | None = None) -> tuple[str, str]:
        if now:
            self.mp.setenv("PUBLISHER_NOW", str(unix(now)))
        code = main(list(argv))
        out = self.capsys.readouterr()
        assert "Traceback" not in out.err
        assert code == rc, f"publisher {' '.join(argv)}: exit {code}\n{out.out}\n{out.err}"
        return out.out, out.err

    def refused(self, *argv: str, now: str | None = None) -> str:
        """Exit 2, Chinese first, and not one byte changed in the repository or the office's files."""
        before = snapshot(self.root), snapshot(self.private)
        _, err = self.pub(*argv, rc=2, now=now)
        assert "未写入任何内容" in err and "nothing written" in err
        assert err.strip()[0] > "\u2e80", err  # the message opens in Chinese ("中文 / English")
        assert (snapshot(self.root), snapshot(self.private)) == before
        return err

    def commit(self, *extra: str, rc: int = 0):
        return self.pub("draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", *STRATA, *extra,
                        rc=rc, now="2026-12-02 10:00")


@pytest.fixture
def portal(tmp_path, monkeypatch, capsys):
    root = tmp_path / "portal"
    root.mkdir()
    shutil.copytree(REPO / "examples", root / "examples")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.delenv("PUBLISHER_OFFICE", raising=False)
    p = Portal(root, monkeypatch, capsys)
    for name in ("root", "log", "scjgj", "wjw", "nyj"):
        p.pub("keygen", name)
    p.pub("init", "--origin", "ssgk.qinghe.example/ledger", "--training", "--disclosure", "sealed",
          "--time", utc("2026-12-01 09:00"))
    for office, zh in (("scjgj", "青禾县市场监督管理局"), ("wjw", "青禾县卫生健康委员会"), ("nyj", "青禾县农业农村局")):
        p.pub("office-register", office, "--name-zh", zh, "--name-en", "Office", "--pubkey",
              str(tmp_path / "keys" / f"{office}.pub"), "--time", utc("2026-12-01 09:05"))
    for i, f in enumerate(("targets", "inspectors", "items-scjgj", "items-wjw", "items-nyj")):
        p.pub("add", f"examples/{f}.yaml", "--time", utc(f"2026-12-01 10:{i:02d}"))
    p.pub("add", "examples/plan.yaml", "--time", utc("2026-12-02 09:00"))
    p.pub("add", "examples/task.yaml", "--time", utc("2026-12-02 09:10"))
    (root / "draw.yaml").write_text(SPEC, "utf-8")
    shutil.copy(tmp_path / "keys" / "beacon-sim.seed", root / "beacon-sim.seed")
    return p


def committed(p: Portal) -> Path:
    openings = p.private / "openings.jsonl"
    out, _ = p.commit("--openings-out", str(openings))
    assert "committed QH-2026-001" in out and "mode 0600" in out
    p.mp.setenv("PUBLISHER_NOW", str(unix("2026-12-02 10:01")))
    for partner in ("wjw", "nyj"):
        p.pub("draw", "accept", "QH-2026-001", "--office", partner)
    p.pub("checkpoint", "--time", str(unix("2026-12-02 10:02")))
    return openings


def test_a_sealed_draw_end_to_end(portal, capsys):
    p = portal
    # the published snapshot is the sealed copy: no class, though the clerk's CSV has them
    blobs = [json.loads(line) for f in (p.ledger / "blobs").iterdir() if f.is_file() and f.name != ".gitkeep"
             for line in f.read_text("utf-8").splitlines() if line.startswith("{") and '"kind"' in line]
    assert len(blobs) == 5 and all("risk" not in b for b in blobs)
    openings = committed(p)
    assert stat.S_IMODE(openings.stat().st_mode) == 0o600
    lines = [json.loads(x) for x in openings.read_text().splitlines()]
    assert len(lines) == 5 and {x["stratum"] for x in lines} == {"第一层", "第二层"}
    commit = next(json.loads(f.read_text()) for f in sorted((p.ledger / "entries" / "scjgj").glob("*.json"))
                  if json.loads(f.read_text())["type"] == "draw.commit")["body"]
    assert commit["population"]["root"] == lines[0]["root"]
    assert [(s["name"], s["n"], s["k"]) for s in commit["strata"]] == [("第一层", 4, 2), ("第二层", 1, 1)]
    out, _ = p.pub("draw", "lock", "QH-2026-001", "--sim-beacon-seed", "beacon-sim.seed", "--openings", str(openings),
                   now="2026-12-02 10:40")
    assert "QH-2026-001 locked (sealed strata)" in out and "3 targets" in out
    out, _ = p.pub("verify")
    assert "VALID" in out and "Risk classes are sealed: 1 draw(s) got the public checks only" in out
    out, _ = p.pub("verify", "--openings", str(openings))
    assert "VALID" in out and "1 sealed draw(s) re-checked in full with the openings" in out
    for f in p.ledger.rglob("*"):  # nothing in the repository names a class or an opening
        if f.is_file() and f.name != "trust.json":
            text = f.read_bytes().decode("utf-8", "replace")
            assert '"risk"' not in text and "信用风险" not in text and lines[0]["salt"] not in text, f


def test_commit_without_openings_out_is_refused(portal):
    err = portal.refused("draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", *STRATA,
                         now="2026-12-02 10:00")
    assert "承诺抽取时必须用 --openings-out FILE" in err and "draw commit needs --openings-out FILE" in err


@pytest.mark.parametrize("where", ["ledger/openings.jsonl", "openings.jsonl"])
def test_openings_inside_the_ledger_or_repository_are_refused(portal, where):
    err = portal.refused("draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", *STRATA,
                         "--openings-out", where, now="2026-12-02 10:00")
    assert "位于账本或仓库目录" in err and "where it would be published" in err
    assert not (portal.root / where).exists()


def test_an_existing_openings_file_is_never_overwritten(portal):
    f = portal.private / "openings.jsonl"
    f.write_text("earlier draw\n")
    err = portal.refused("draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", *STRATA,
                         "--openings-out", str(f), now="2026-12-02 10:00")
    assert "已经存在，不会覆盖" in err and f.read_text() == "earlier draw\n"


def test_a_class_without_a_stratum_and_an_embargo_are_refused(portal):
    argv = ["draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", "--stratum", "B=第一层",
            "--openings-out", str(portal.private / "o.jsonl")]
    err = portal.refused(*argv, now="2026-12-02 10:00")
    assert "的风险分类 C 没有用 --stratum 指定分层" in err and "class C has no --stratum" in err
    (portal.root / "draw.yaml").write_text(SPEC + "embargo_until: 2026-12-20\n", "utf-8")
    err = portal.refused(*argv, *STRATA, now="2026-12-02 10:00")
    assert "封存门户的抽取不能暂不公开" in err and "cannot be embargoed" in err


def test_a_classified_file_that_is_not_the_published_directory_is_refused(portal):
    other = portal.private / "targets.csv"
    text = (portal.root / "examples" / "targets-gbk.csv").read_bytes().decode("gbk").replace("示例商贸", "另一商贸")
    other.write_bytes(text.encode("gbk"))
    err = portal.refused("draw", "commit", "draw.yaml", "--classified", str(other), *STRATA,
                         "--openings-out", str(portal.private / "o.jsonl"), now="2026-12-02 10:00")
    assert "去掉风险分类后与已发布的名录快照" in err and "publish the directory first" in err


def test_lock_refuses_a_missing_or_wrong_openings_file(portal):
    p = portal
    openings = committed(p)
    lock = ["draw", "lock", "QH-2026-001", "--sim-beacon-seed", "beacon-sim.seed"]
    err = p.refused(*lock, now="2026-12-02 10:40")
    assert "锁定抽取时必须用 --openings FILE" in err
    # another commitment's openings (a different root)
    lines = [json.loads(x) for x in openings.read_text().splitlines()]
    other = p.private / "other.jsonl"
    other.write_text("".join(json.dumps({**o, "root": "ab" * 32}) + "\n" for o in lines))
    err = p.refused(*lock, "--openings", str(other))
    assert "中没有本次抽取承诺" in err and "wrong openings file?" in err
    # the right root, but a stratum the leaves do not commit to: a lock from it would bind nothing
    forged = p.private / "forged.jsonl"
    o = lines[0]
    o2 = {**o, "stratum": "第二层" if o["stratum"] == "第一层" else "第一层"}
    forged.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [o2, *lines[1:]]))
    err = p.refused(*lock, "--openings", str(forged))
    assert "与本次承诺的封存叶子不符" in err and f"the opening of {o['id']}" in err and "does not match its sealed leaf" in err


def test_a_commitment_the_verifier_refuses_leaves_no_leaves_blob_and_no_openings(portal):
    """Refused at the last step (the clock is before the task's own entry): the leaves blob put for
    the check is removed again and the openings file is never written."""
    out = portal.private / "o.jsonl"
    err = portal.refused("draw", "commit", "draw.yaml", "--classified", "examples/targets-gbk.csv", *STRATA,
                         "--openings-out", str(out), now="2026-12-02 09:05")
    assert "draw.commit refused, nothing written" in err
    assert not out.exists()
