"""Safe storage: atomic appends, crash safety under SIGKILL, no interleaving writers."""

from __future__ import annotations

import os
import random
import signal
import time

from publisher.core.entry import from_bytes


def _append_forever(factory, office: str, limit: int = 10_000, real_time: bool = False) -> None:
    key = factory.keys[office]
    for i in range(limit):
        t = None if real_time else factory.tick(1)  # None: the writer stamps the current time under the lock
        factory.ledger.append(office, "notice", {"title": "t", "text": f"{office} {i} " + "x" * 200}, key, t)


def test_sigkill_during_appends_never_leaves_invalid_ledger(factory):
    factory.add_office("scjgj")
    factory.add_office("wjj")
    rng = random.Random(20261122)
    kills = 0
    for round_ in range(200):
        office = "scjgj" if round_ % 2 else "wjj"
        pid = os.fork()
        if pid == 0:  # child: append until killed
            try:
                _append_forever(factory, office)
            finally:
                os._exit(0)
        # wait until the child is really appending (the log grew), then kill at a random moment
        size0 = factory.ledger.log_path.stat().st_size
        deadline = time.monotonic() + 5
        while factory.ledger.log_path.stat().st_size == size0 and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.uniform(0.0, 0.01))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        kills += os.WIFSIGNALED(status)
        report = factory.verify()
        assert report.ok, (round_, [p.line() for p in report.problems])
        # keep the parent's clock ahead of anything a child wrote
        factory.clock += 10_000
    assert kills >= 150  # most children really died mid-loop
    assert factory.verify().size > 200  # at least one append happened in every round


def test_two_writers_cannot_interleave(factory):
    factory.add_office("scjgj")
    pids = []
    for _w in range(2):
        pid = os.fork()
        if pid == 0:
            try:
                _append_forever(factory, "scjgj", limit=60, real_time=True)
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
    report = factory.verify()
    assert report.ok, [p.line() for p in report.problems]
    assert report.size == 2 + 120


def test_orphan_from_crash_is_a_warning_and_next_append_replaces_it(factory):
    key = factory.add_office("scjgj")
    factory.notice("scjgj")
    # simulate a crash after the entry file was written but before the log line
    e = factory.ledger.append("scjgj", "notice", {"title": "t", "text": "x"}, key, factory.tick())
    lines = factory.ledger.log_path.read_text().splitlines(keepends=True)
    factory.ledger.log_path.write_text("".join(lines[:-1]))
    r = factory.verify()
    assert r.ok and any(p.rule == "orphan" and p.severity == "warning" for p in r.problems)
    assert [p.message for p in r.problems if p.rule == "orphan"] == [
        "条目文件不在日志中（追加时中断；不属于账本，下次追加时替换）/ entry file not in the log (an interrupted "
        "append; it is not part of the ledger and the next append replaces it)"]
    e2 = factory.notice("scjgj", "replacement")
    assert e2.seq == e.seq and factory.verify().ok
    assert from_bytes(factory.ledger.entry_path("scjgj", e.seq).read_bytes()).id == e2.id


def test_torn_log_line_is_repaired_on_next_append(factory):
    factory.add_office("scjgj")
    factory.notice("scjgj")
    with open(factory.ledger.log_path, "a") as f:
        f.write("scjgj/2 abc")  # torn write
    r = factory.verify()
    assert r.ok and r.size == 3  # the torn line is not part of the ledger…
    assert any(p.rule == "torn" and p.severity == "warning" for p in r.problems)  # …but it is reported
    factory.notice("scjgj", "next")
    assert factory.verify().ok


def test_blobs_are_content_addressed_and_idempotent(factory):
    d1 = factory.ledger.put_blob(b"hello")
    d2 = factory.ledger.put_blob(b"hello")
    assert d1 == d2 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    with factory.ledger.open_blob(d1) as f:
        assert f.read() == b"hello"


def test_refused_check_writes_nothing(factory):
    key = factory.add_office("scjgj")
    before = factory.ledger.log_path.read_bytes()

    def refuse(entry):
        raise ValueError("no")

    try:
        factory.ledger.append("scjgj", "notice", {"title": "t", "text": "x"}, key, factory.tick(), check=refuse)
    except ValueError:
        pass
    assert factory.ledger.log_path.read_bytes() == before
    assert not factory.ledger.entry_path("scjgj", 1).exists()
