"""Time rules are judged at the gate, never later; a wrong clock never becomes an outage.

The attacks from issue 12: an entry dated 2036 and a draw commitment whose beacon round is
due in a minute pass `add`/`submit`/`check-push`, CI signs a checkpoint, and from then on the
whole ledger is invalid. Here they are refused by every command that could let them in, the
checkpoint signer refuses to sign what would invalidate anything, and a checkpoint signed with a
fast clock is recovered by the documented `checkpoint --after-fast-clock`.
"""

from __future__ import annotations

import time

import pytest
from gitops_helpers import det_key, iso, portal  # noqa: F401  (portal is a fixture)

from publisher.cli.main import main
from publisher.core.entry import sign_entry
from publisher.gitops.timegate import FUTURE_SKEW, MIN_ROUND_MARGIN, time_refusals
from publisher.storage.ledger_dir import LedgerDir

FUTURE = "2036-01-01T00:00:00Z"


@pytest.fixture
def work(portal):
    portal.clock = int(time.time()) - 3600
    path = portal.clone("work")
    return portal, path, portal.head(path)


def _keys(tmp):
    keys = tmp / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "log.pem").write_bytes(det_key("log").to_encrypted_pem(b"pw"))
    (keys / "scjgj.pem").write_bytes(det_key("office:scjgj").to_encrypted_pem(b"pw"))
    return {"PUBLISHER_KEYS": str(keys), "PUBLISHER_KEY_PASSPHRASE": "pw"}


def _append_at(path, office: str, when: str):
    return LedgerDir(path / "ledger").append(office, "notice", {"title": "通知", "text": "x"},
                                             det_key("office:" + office), when)


def test_future_entry_refused_by_check_push(work, capsys):
    portal, path, base = work
    _append_at(path, "scjgj", FUTURE)
    portal.commit_all(path, "from 2036")
    assert main(["check-push", base, "HEAD", "--repo", str(path)]) == 1
    err = capsys.readouterr().err
    assert "REFUSED ledger/entries/scjgj/00000002.json: future: time 2036-01-01T00:00:00Z is " in err
    assert "ahead of this machine's clock" in err and f"at most {FUTURE_SKEW} s is allowed" in err


def test_future_entry_refused_by_submit_and_nothing_is_committed(work):
    portal, path, base = work
    _append_at(path, "wjj", iso(int(time.time()) + 3 * 86400))  # a clerk PC 3 days fast
    r = portal.publisher(path, "submit")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "wjj/2: future: time " in r.stderr and "nothing was published" in r.stderr
    assert portal.head(path) == base, "no commit was made"
    assert portal.head() == base, "nothing was pushed"


def test_add_refuses_a_future_time_and_writes_nothing(work, tmp_path):
    portal, path, _ = work
    doc = tmp_path / "notice.yaml"
    doc.write_text("kind: item_list\noffice: scjgj\ntitle: 县市场监管局随机抽查事项清单\n"
                   "filed: {with: 县市场监督管理局, date: 2026-01-01}\nitems:\n"
                   "  - {code: SC-01, name: 食品生产经营检查, kind: 重点, basis: 《食品安全法》第八十七条,\n"
                   "     subject: 县市场监督管理局, content: 生产经营条件, method: 现场检查, joint: 是}\n", "utf-8")
    log = (path / "ledger" / "log").read_bytes()
    r = portal.publisher(path, "add", str(doc), "--ledger", str(path / "ledger"), "--time", FUTURE,
                         env=_keys(tmp_path))
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
    assert "future: time 2036-01-01T00:00:00Z is" in r.stderr, r.stderr
    assert (path / "ledger" / "log").read_bytes() == log
    assert not (path / "ledger" / "entries" / "scjgj" / "00000002.json").exists()


def test_round_margin_rule():
    from publisher.beacon import SimulatedBeacon

    now = 1_800_000_000
    chain = SimulatedBeacon(b"timegate-tests", now - 86400, 3).chain
    rnd_soon = chain.round_at(now + 60)
    rnd_ok = chain.round_at(now + 900)
    key = det_key("office:scjgj")

    def commit(rnd):
        return sign_entry(type="draw.commit", office="scjgj", seq=2, prev="00" * 32, time=iso(now),
                          body={"beacon": {"chain_hash": chain.chain_hash, "round": rnd}}, key=key)

    bad = time_refusals([commit(rnd_soon)], now, {chain.chain_hash: chain})
    assert [r.rule for r in bad] == ["round-margin"]
    assert f"less than {MIN_ROUND_MARGIN} s after this check" in bad[0].message
    assert time_refusals([commit(rnd_ok)], now, {chain.chain_hash: chain}) == []


def test_draw_commit_with_a_round_in_a_minute_is_refused_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from cli.test_draw_cmds import at, run, spec_file
    from cli.test_draw_cmds import env as _env

    wf, _, mp = _env.__wrapped__(tmp_path, monkeypatch)
    at(mp, wf, 60)
    log = (wf.ledger.root / "log").read_bytes()
    rc, _, err = run(wf, capsys, "draw", "commit", spec_file(wf), "--delay", "60")
    assert rc == 2 and "draw.commit refused, nothing written" in err
    assert ": round-margin: beacon round " in err and "less than 300 s after this check" in err
    assert (wf.ledger.root / "log").read_bytes() == log
    rc, _, err = run(wf, capsys, "draw", "commit", spec_file(wf))  # the default 900 s is fine
    assert rc == 0, err


def test_checkpoint_refuses_a_slow_clock_and_writes_nothing(work, tmp_path):
    portal, path, _ = work
    env = _keys(tmp_path)
    portal.append(path, "scjgj", "一小时前")
    slow = portal.clock - 2 * 86400  # the newest entry is at portal.clock; the signer is 2 days slow
    r = portal.publisher(path, "checkpoint", "--ledger", str(path / "ledger"), "--time", str(slow), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "refusing to sign a checkpoint at " in r.stderr and "nothing was written" in r.stderr
    assert "WARNING ledger/entries/" in r.stderr and "future-dated" in r.stderr
    assert "this machine's clock is probably slow" in r.stderr
    assert not list((path / "ledger" / "checkpoints").glob("*.note"))
    r = portal.publisher(path, "checkpoint", "--ledger", str(path / "ledger"), env=env)
    assert r.returncode == 0, r.stderr


def test_an_entry_that_became_late_is_flagged_not_a_ledger_failure(work, tmp_path):
    """An old ledger where a 2036 entry slipped in and a checkpoint covers it: the entry is
    flagged, the ledger verifies, and honest pushes keep flowing."""
    portal, path, base = work
    _append_at(path, "sjj", FUTURE)
    f = portal.factory.__class__(path / "ledger")  # a signer that skips the pre-sign check
    f.checkpoint(time=int(time.time()))
    portal.commit_all(path, "a bad old state")
    ledger = LedgerDir(path / "ledger")
    from publisher.core.verifier import verify

    report = verify(ledger, ledger.trust())
    assert report.ok
    flagged = [p for p in report.problems if p.rule == "time"]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert flagged[0].file == "ledger/entries/sjj/00000002.json" and "future-dated" in flagged[0].message
    # the deadline clock is not dragged to 2036 by the untrusted time
    portal.append(path, "scjgj", "诚实的下一条")
    head = portal.commit_all(path, "honest")
    assert main(["check-push", f"{head}~1", head, "--repo", str(path)]) == 0


def test_recovery_from_a_checkpoint_signed_with_a_fast_clock(work, tmp_path):
    portal, path, _ = work
    env = _keys(tmp_path)
    now = int(time.time())
    fast = now + 3 * 86400
    r = portal.publisher(path, "checkpoint", "--ledger", str(path / "ledger"), "--time", str(fast), env=env)
    assert r.returncode == 0, r.stderr  # nothing can tell a fast clock from a quiet ledger
    base = portal.commit_all(path, "[skip ci] checkpoint (fast clock)")
    # honest clerks are not locked out: the gate does not trust a checkpoint time ahead of its clock
    portal.clock = now - 60
    portal.append(path, "scjgj", "时钟修好后的第一条")
    head = portal.commit_all(path, "honest")
    assert main(["check-push", base, head, "--repo", str(path)]) == 0
    ledger = LedgerDir(path / "ledger")
    from publisher.core.verifier import verify

    report = verify(ledger, ledger.trust())
    assert report.ok and any("back-dated" in p.message for p in report.problems)
    # with the clock fixed, a plain checkpoint is refused with the way out named ...
    r = portal.publisher(path, "checkpoint", "--ledger", str(path / "ledger"), env=env)
    assert r.returncode == 2 and "publisher checkpoint --after-fast-clock" in r.stderr
    assert len(list((path / "ledger" / "checkpoints").glob("*.note"))) == 1
    # ... and the recovery signs one; the fast checkpoint's time is superseded, nothing is flagged
    r = portal.publisher(path, "checkpoint", "--ledger", str(path / "ledger"), "--after-fast-clock", env=env)
    assert r.returncode == 0, r.stderr
    report = verify(ledger, ledger.trust())
    assert report.ok and [c.size for c in report.checkpoints] == [9, 10]
    assert not any(p.rule == "time" for p in report.problems)
    warn = [p for p in report.problems if p.rule == "checkpoint"]
    assert len(warn) == 1 and warn[0].severity == "warning" and "wrong clock" in warn[0].message


def test_near_round_commitment_refused_by_check_push(tmp_path, monkeypatch, capsys):
    """A draw.commit pushed when its beacon round is (nearly) due: refused at the gate, by the same
    rule `draw commit` applies, judged with the checking machine's clock."""
    from gitops_helpers import git_env

    from cli.test_draw_cmds import at, run, spec_file
    from cli.test_draw_cmds import env as _env
    from publisher.gitops.checkpush import check_push
    from publisher.gitops.git import Git

    wf, _, mp = _env.__wrapped__(tmp_path, monkeypatch)
    repo = wf.ledger.root.parent
    git = Git(repo, git_env(tmp_path / "home"))
    git.run("init", "-q", "-b", "main")
    git.run("add", "-A", "ledger")
    git.run("commit", "-q", "-m", "base")
    base = git.rev("HEAD")
    at(mp, wf, 60)
    rc, _, err = run(wf, capsys, "draw", "commit", spec_file(wf))  # 900 s ahead: fine when made
    assert rc == 0, err
    git.run("add", "-A", "ledger")
    git.run("commit", "-q", "-m", "commit")
    made = wf.f.clock
    ok = check_push(git, base, "HEAD", now=made + 60)  # CI ran a minute later
    assert ok.ok, [r.line() for r in ok.refusals]
    late = check_push(git, base, "HEAD", now=made + 700)  # CI queued for 11 minutes
    lines = [r.line() for r in late.refusals]
    assert len(lines) == 1 and lines[0].startswith("REFUSED ledger/entries/scjgj/")
    assert ": round-margin: beacon round " in lines[0] and "less than 300 s after this check" in lines[0]
    # and with today's real clock the 2026-01 round is long past: the CLI refuses it too
    assert main(["check-push", base, "HEAD", "--repo", str(repo)]) == 1
    assert ": round-margin: " in capsys.readouterr().err
