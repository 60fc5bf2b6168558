"""Each verifier guard alone, with its rule id, exact message, file and severity.

The older verifier tests check that *some* problem of a rule fires; here the message pins which
guard fired, so removing one guard cannot hide behind another that fires on the same ledger.
The small ledger (tests/conftest.py): log lines 1-4 operator, 5-10 scjgj/wjj notices 1-3 in turn,
checkpoint of size 10, line 11 scjgj/4.
"""

from __future__ import annotations

from ledgertools import ORIGIN
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.entry import sign_entry

SC4 = "ledger/entries/scjgj/00000004.json"


def found(report, rule):
    return [(p.message, p.file, p.severity) for p in report.problems if p.rule == rule]


def log_lines(f) -> list[str]:
    return f.ledger.log_path.read_text().splitlines(keepends=True)


def test_clean_ledger_has_no_problem(small_ledger):
    assert small_ledger.verify().problems == []


def test_missing_entry_file(small_ledger):
    small_ledger.ledger.entry_path("scjgj", 4).unlink()
    assert found(small_ledger.verify(), "missing") == [
        ("entry file listed in the log is missing (deleted?)", SC4, "error")]


def test_entry_out_of_order_and_duplicated(small_ledger):
    f = small_ledger
    lines = log_lines(f)
    f.ledger.log_path.write_text("".join(lines + lines[10:]))  # scjgj/4 logged twice
    sc3, sc4 = lines[8].split()[1], lines[10].split()[1]
    assert found(f.verify(), "chain") == [
        ("log line 12: scjgj/4 is duplicated or replayed; expected scjgj/5", SC4, "error"),
        (f"prev is {sc3[:16]}…, previous entry of scjgj is {sc4[:16]}…", SC4, "error")]
    f.ledger.log_path.write_text("".join(lines[:8] + lines[9:]))  # scjgj/3 dropped
    msgs = [m for m, _, _ in found(f.verify(), "chain")]
    assert "log line 10: scjgj/4 is out of order (an earlier entry is missing); expected scjgj/3" in msgs


def test_reordered_log_names_the_root_mismatch(small_ledger):
    f = small_ledger
    lines = log_lines(f)
    lines[8], lines[9] = lines[9], lines[8]  # scjgj/3 and wjj/3: both chains intact
    f.ledger.log_path.write_text("".join(lines))
    [(msg, where, sev)] = found(f.verify(), "checkpoint")
    assert msg.startswith("root of the first 10 log entries is ")
    assert msg.endswith("checkpoint says " + f.verify().checkpoints[0].root.hex()[:16]
                        + "…: the log was rewritten or reordered")
    assert where.endswith("0000000010.note") and sev == "error"


def test_changed_file_content_names_both_hashes(small_ledger):
    f = small_ledger
    p = f.ledger.entry_path("scjgj", 4)
    logged = log_lines(f)[10].split()[1]
    other = sign_entry(type="notice", office="scjgj", seq=4, prev=log_lines(f)[8].split()[1],
                       time="2026-01-01T01:00:00Z",
                       body={"title": "通知", "text": "rewritten"}, key=f.keys["scjgj"])
    p.write_bytes(other.to_file_bytes())
    [(msg, where, sev)] = found(f.verify(), "hash")
    assert msg == f"file content hashes to {other.id[:16]}…, log says {logged[:16]}…: the file was changed"
    assert (where, sev) == (SC4, "error")


def test_prev_must_be_the_offices_previous_entry(small_ledger):
    f = small_ledger
    prev3 = log_lines(f)[8].split()[1]  # scjgj/3
    e = sign_entry(type="notice", office="scjgj", seq=5, prev="ab" * 32, time=f.tick(),
                   body={"title": "通知", "text": "x"}, key=f.keys["scjgj"])
    f.ledger.entry_path("scjgj", 5).write_bytes(e.to_file_bytes())
    with open(f.ledger.log_path, "a") as out:
        out.write(f"scjgj/5 {e.id}\n")
    sc4 = log_lines(f)[10].split()[1]
    assert prev3 != sc4
    assert found(f.verify(), "chain") == [
        (f"prev is {'ab' * 8}…, previous entry of scjgj is {sc4[:16]}…",
         "ledger/entries/scjgj/00000005.json", "error")]


def test_office_may_not_write_an_operator_type(small_ledger):
    f = small_ledger
    f.ledger.append("scjgj", "office.register", {"office": "x", "name_zh": "某局", "name_en": "X"},
                    f.keys["scjgj"], f.tick())
    assert ("type 'office.register' may not be written by 'scjgj'", "ledger/entries/scjgj/00000005.json",
            "error") in found(f.verify(), "type")


def test_interrupted_append_is_a_warning_not_part_of_the_ledger(small_ledger):
    f = small_ledger
    with open(f.ledger.log_path, "a") as out:
        out.write("scjgj/5 " + "ab" * 20)  # no newline: the writer died mid-line
    r = f.verify()
    assert found(r, "torn") == [("第 12 行不完整（追加时中断），不属于账本，下次追加时删除 / line 12 is incomplete (an interrupted append); it is not part of the ledger "
                                 "and the next append removes it", "ledger/log", "warning")]
    assert r.ok and r.size == 11


def test_checkpoint_file_name_must_match_its_size(small_ledger):
    f = small_ledger
    cp = f.ledger.checkpoint_files()[0]
    cp.rename(cp.with_name("0000000009.note"))
    msgs = [m for m, _, _ in found(f.verify(), "checkpoint")]
    assert msgs == ["file name says size 9, note says 10"]


def test_fork_message_names_both_roots(small_ledger):
    f = small_ledger
    real = f.verify().checkpoints[0]
    fake = sign_checkpoint(Checkpoint(ORIGIN, 10, b"\x11" * 32, f.clock), f.log_signer)
    r = f.verify(extra_checkpoints=[("held.note", fake)])
    [(msg, where, sev)] = found(r, "fork")
    assert msg.startswith(f"two checkpoints of size 10 with different roots ({real.root.hex()[:16]}… in ")
    assert msg.endswith(f", {'11' * 8}…): the log was forked")
    assert (where, sev) == ("held.note", "error")


def test_checkpoint_times_out_of_order_warn_equal_times_do_not(small_ledger):
    f = small_ledger
    t10 = f.verify().checkpoints[0].time
    f.checkpoint(time=t10)  # size 11 signed at the same second: fine
    assert found(f.verify(), "checkpoint") == []
    f.notice("wjj", "more")
    f.checkpoint(time=t10 - 1)  # size 12 signed a second before size 10
    [(msg, where, sev)] = found(f.verify(), "checkpoint")
    assert msg.startswith(f"signed at {t10 - 1}, earlier than a smaller checkpoint (")
    assert msg.endswith("): one of them was signed with a wrong clock; the earlier time is taken for both")
    assert where.endswith("0000000012.note") and sev == "warning"
