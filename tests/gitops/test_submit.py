"""`publisher submit` against a real bare repository, with clerks racing each other."""

from __future__ import annotations

import stat

from gitops_helpers import OFFICES, Portal, det_key, portal  # noqa: F401  (portal is a fixture)

from publisher.storage.ledger_dir import LedgerDir


def _lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\n"), "the log must end with a newline"
    return data[:-1].split(b"\n")


def _assert_clean_union(portal: Portal, before: bytes, appended: dict[str, list]) -> None:
    """The server's log is the old log, then every clerk's lines exactly once, in per-office order."""
    after = portal.remote_log()
    assert after.startswith(before)
    new = _lines(after[len(before):])
    expected = [f"{e.office}/{e.seq} {e.id}".encode() for es in appended.values() for e in es]
    assert sorted(new) == sorted(expected), "a line was lost or duplicated by the merge"
    assert len(set(new)) == len(new)
    for office, entries in appended.items():  # each office's chain stays consecutive and ordered
        mine = [ln for ln in new if ln.startswith(office.encode() + b"/")]
        assert mine == [f"{e.office}/{e.seq} {e.id}".encode() for e in entries]
    report = portal.verify_remote()
    assert report.ok, [p.line() for p in report.errors]


def test_concurrent_submits_of_different_offices_all_land(portal):
    clones = {office: portal.clone(f"clerk-{office}") for office in OFFICES}
    appended = {office: [portal.append(path, office, f"{office} 并发 {i}") for i in range(2)]
                for office, path in clones.items()}
    before = portal.remote_log()
    procs = {office: portal.start(path, "submit") for office, path in clones.items()}  # started together
    for office, p in procs.items():
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, (office, out, err)
        assert out.strip().splitlines()[-1].startswith("已发布 / published "), out
        assert "Traceback" not in err
    _assert_clean_union(portal, before, appended)
    log = portal.git(portal.remote, "log", "--format=%s", "main")
    for office in OFFICES:
        assert f"ledger: {office}/2 notice, {office}/3 notice" in log
    # CI's gate accepts every pushed range of the merged history
    revs = portal.git(portal.remote, "rev-list", "--first-parent", "--reverse", "main").split()
    for base, head in zip(revs, revs[1:]):
        r = portal.publisher(portal.remote, "check-push", base, head)
        assert r.returncode == 0, r.stdout + r.stderr


def test_union_merge_keeps_every_line_once_with_final_newline(portal):
    a, b = portal.clone("a"), portal.clone("b")
    ea = [portal.append(a, "scjgj", "A")]
    eb = [portal.append(b, "wjj", "B1"), portal.append(b, "wjj", "B2")]
    before = portal.remote_log()
    assert portal.publisher(a, "submit").returncode == 0
    r = portal.publisher(b, "submit")  # must rebase over a's commit: a real union merge of ledger/log
    assert r.returncode == 0, r.stderr
    after = portal.remote_log()
    assert after == before + b"".join(f"{e.office}/{e.seq} {e.id}\n".encode() for e in ea + eb)
    # and the clerk's own clone holds exactly the published bytes, ready for the next append
    assert (b / "ledger" / "log").read_bytes() == after
    _assert_clean_union(portal, before, {"scjgj": ea, "wjj": eb})


def test_push_race_is_retried(portal):
    """Another clerk pushes between our rebase and our push: the push is rejected, we retry."""
    a, b = portal.clone("a"), portal.clone("b")
    ea = [portal.append(a, "sjj", "A")]
    portal.git(a, "add", "ledger")
    portal.git(a, "commit", "-q", "-m", "sjj/2 by hand")
    eb = [portal.append(b, "wjj", "B")]
    hook = b / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\n[ -e {b}/.git/raced ] && exit 0\ntouch {b}/.git/raced\n"
                    "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n"
                    f"git -C {a} push -q origin main\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    before = portal.remote_log()
    r = portal.publisher(b, "submit")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "retrying" in r.stderr
    _assert_clean_union(portal, before, {"sjj": ea, "wjj": eb})


def test_same_office_race_second_clerk_gets_clear_conflict(portal):
    a, b = portal.clone("a"), portal.clone("b")
    ea = portal.append(a, "scjgj", "clerk A")
    portal.clock -= 60  # clerk B signs at the same moment, same seq, different text
    eb = portal.append(b, "scjgj", "clerk B")
    assert (ea.office, ea.seq) == (eb.office, eb.seq) and ea.id != eb.id
    before = portal.remote_log()
    pa, pb = portal.start(a, "submit"), portal.start(b, "submit")
    results = [(p.wait(timeout=60), *p.communicate()) for p in (pa, pb)]
    ok = [r for r in results if r[0] == 0]
    bad = [r for r in results if r[0] != 0]
    assert len(ok) == 1 and len(bad) == 1, results
    rc, out, err = bad[0]
    assert rc == 2
    assert "same office" in err and "同一单位" in err and "scjgj/2" in err
    assert "re-create your entry" in err and "Traceback" not in err
    winner = ea if "clerk A" in portal.git(portal.remote, "show", "main:ledger/entries/scjgj/00000002.json") else eb
    _assert_clean_union(portal, before, {"scjgj": [winner]})
    # the loser's clone is left as it was (no half-finished rebase), and the advice works
    loser = b if winner is ea else a
    assert not (loser / ".git" / "rebase-merge").exists()
    portal.git(loser, "fetch", "-q", "origin", "main")
    portal.git(loser, "reset", "-q", "--hard", "FETCH_HEAD")
    redo = portal.append(loser, "scjgj", "re-created on the latest ledger")
    assert redo.seq == 3
    r = portal.publisher(loser, "submit")
    assert r.returncode == 0, r.stderr
    _assert_clean_union(portal, before, {"scjgj": [winner, redo]})


def test_submit_refuses_edits_and_skips_orphans(portal):
    c = portal.clone("c")
    path = c / "ledger" / "entries" / "wjj" / "00000001.json"
    original = path.read_bytes()
    path.write_bytes(original.replace("第一号".encode(), "第二号".encode()))
    r = portal.publisher(c, "submit")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "does not verify" in r.stderr and "ledger/entries/wjj/00000001.json" in r.stderr
    path.write_bytes(original)
    # an interrupted append leaves an entry file the log does not list: not published
    e = portal.append(c, "wjj", "kept")
    orphan = LedgerDir(c / "ledger").entry_path("wjj", 3)
    orphan.write_bytes(LedgerDir(c / "ledger").read_entry_bytes("wjj", 2))
    r = portal.publisher(c, "submit")
    assert r.returncode == 0, r.stderr
    assert "skipped ledger/entries/wjj/00000003.json" in r.stderr
    shown = portal.git(portal.remote, "ls-tree", "-r", "--name-only", "main", "ledger/entries/wjj")
    assert "00000002.json" in shown and "00000003.json" not in shown
    assert portal.remote_log().endswith(f"wjj/2 {e.id}\n".encode())
    r = portal.publisher(c, "submit")
    assert r.returncode == 0 and "up to date" in r.stderr


def test_ci_checkpoint_then_clerk_submit(portal, tmp_path):
    """What the workflows do on main: sign a checkpoint, publish it with [skip ci]."""
    keys = tmp_path / "ci-keys"
    keys.mkdir()
    (keys / "log.pem").write_bytes(det_key("log").to_encrypted_pem(b"ci secret"))
    env = {"PUBLISHER_KEYS": str(keys), "PUBLISHER_KEY_PASSPHRASE": "ci secret"}
    clerk = portal.clone("clerk")  # cloned before the checkpoint exists
    ci = portal.clone("ci")
    r = portal.publisher(ci, "checkpoint", "--log-key", "log", "--time", str(portal.clock + 30), env=env)
    assert r.returncode == 0, r.stderr
    r = portal.publisher(ci, "submit", "--message", "[skip ci] checkpoint")
    assert r.returncode == 0, r.stderr
    assert portal.git(portal.remote, "log", "-1", "--format=%s", "main").strip() == "[skip ci] checkpoint"
    assert "checkpoint 9" in portal.git(portal.remote, "log", "-1", "--format=%b", "main")
    e = portal.append(clerk, "sjj", "after the checkpoint")
    r = portal.publisher(clerk, "submit")
    assert r.returncode == 0, r.stderr
    report = portal.verify_remote()
    assert report.ok and len(report.checkpoints) == 1 and report.checkpoints[0].size == 9
    assert report.size == 10 and portal.remote_log().endswith(f"{e.id}\n".encode())
    assert not list(portal.remote.rglob("*.pem"))
