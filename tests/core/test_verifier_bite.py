"""The verifier's time and log-line guards, each alone, at its exact margin (DESIGN §4).

Each test asserts the rule id and the message of the one guard it is about, so the removal of
that guard cannot hide behind another one that happens to fire on the same ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publisher.core.verifier import BACKDATE_TOLERANCE, FUTURE_TOLERANCE


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hits(report, rule):
    return [(p.message, p.file, p.severity) for p in report.problems if p.rule == rule]


def notice_at(f, office, t: int):
    return f.ledger.append(office, "notice", {"title": "t", "text": "x"}, f.keys[office], iso(t))


# --- future-dated: the checkpoint that first includes an entry bounds its time -----------------------


# Judged against a checkpoint signed later, a wrong time is a WARNING on that entry (its claimed
# time is not trusted), never a ledger error: the publishing gate refuses such entries before any
# checkpoint covers them (issue 12). The margin is still exact, and the warning names the entry.


@pytest.mark.parametrize("ahead,flagged", [(FUTURE_TOLERANCE, False), (FUTURE_TOLERANCE + 1, True)])
def test_future_dated_entry_margin(small_ledger, ahead, flagged):
    f = small_ledger
    f.clock += 3600
    e = notice_at(f, "wjj", f.clock + ahead)  # claims a time after the checkpoint below
    f.checkpoint(time=f.clock)
    r = f.verify()
    want = [(f"time {e.time} is after the checkpoint that first includes it (future-dated): its time is not "
             "trusted", "ledger/entries/wjj/00000004.json", "warning")] if flagged else []
    assert hits(r, "time") == want
    assert r.ok  # that entry's time is flagged; the ledger is not failed


def test_entry_not_yet_checkpointed_may_carry_any_later_time(small_ledger):
    f = small_ledger
    notice_at(f, "wjj", f.clock + 10 * 86400)
    assert f.verify().ok


# --- back-dated: a checkpoint signed before an entry bounds its time from below ------------------------


@pytest.mark.parametrize("behind,flagged", [(BACKDATE_TOLERANCE, False), (BACKDATE_TOLERANCE + 1, True)])
def test_back_dated_entry_margin(factory, behind, flagged):
    f = factory
    f.add_office("scjgj")
    f.add_office("wjj")
    f.clock += 3 * 86400
    f.checkpoint(time=f.clock)
    e = notice_at(f, "wjj", f.clock - behind)  # wjj's first entry: no office-order rule involved
    r = f.verify()
    want = [(f"time {e.time} is more than {BACKDATE_TOLERANCE}s before a checkpoint signed before this entry "
             "was accepted (back-dated): its time is not trusted", "ledger/entries/wjj/00000001.json",
             "warning")] if flagged else []
    assert hits(r, "time") == want
    assert r.ok


# --- an office's times never go backwards ---------------------------------------------------------------


def test_time_earlier_than_the_offices_previous_entry(small_ledger):
    f = small_ledger
    f.clock += 600
    first = notice_at(f, "wjj", f.clock)
    same = notice_at(f, "wjj", f.clock)  # equal times are allowed
    assert f.verify().ok
    early = notice_at(f, "wjj", f.clock - 1)
    r = f.verify()
    assert hits(r, "time") == [(f"time {early.time} is earlier than the office's previous entry ({same.time})",
                                "ledger/entries/wjj/00000006.json", "error")]
    assert first.time == same.time


def test_office_head_time_is_the_latest_so_far(small_ledger):
    """After a refused early entry the head keeps the later time: a second early entry is still early."""
    f = small_ledger
    f.clock += 600
    top = notice_at(f, "scjgj", f.clock)
    a = notice_at(f, "scjgj", f.clock - 5)
    b = notice_at(f, "scjgj", f.clock - 3)
    r = f.verify()
    assert [m for m, _, _ in hits(r, "time")] == [
        f"time {a.time} is earlier than the office's previous entry ({top.time})",
        f"time {b.time} is earlier than the office's previous entry ({top.time})"]


def test_other_offices_times_are_independent(small_ledger):
    f = small_ledger
    f.clock += 600
    notice_at(f, "scjgj", f.clock)
    notice_at(f, "wjj", f.clock - 30)  # earlier than scjgj's entry, later than wjj's own head
    assert f.verify().ok


# --- the log line itself ---------------------------------------------------------------------------------


def _log_with(f, line: str) -> None:
    with open(f.ledger.log_path, "a") as fh:
        fh.write(line + "\n")


@pytest.mark.parametrize("suffix", ["0 {id}", "01 {id}", "1 {id}x", "1 {id} ", "1 {ID}", "12345678901 {id}"])
def test_malformed_log_line_is_refused_by_the_log_rule(small_ledger, suffix):
    f = small_ledger
    eid = f.notice("wjj", "listed").id
    lines = f.ledger.log_path.read_text().splitlines()
    bad = "wjj/" + suffix.format(id=eid, ID=eid.upper())
    f.ledger.log_path.write_text("\n".join(lines[:-1] + [bad]) + "\n")
    r = f.verify()
    assert hits(r, "log") == [(f"line {len(lines)}: malformed log line {bad!r}", "ledger/log", "error")]
    assert r.size == len(lines) - 1  # the verifier stops at the corrupt line


def test_well_formed_log_lines_with_large_sequence_numbers(small_ledger):
    from publisher.core.verifier import LOG_LINE_RE

    assert LOG_LINE_RE.match("ab/9999999999 " + "0" * 64)
    assert LOG_LINE_RE.match("a" + "b" * 31 + "/1 " + "f" * 64)
    assert not LOG_LINE_RE.match("a" + "b" * 32 + "/1 " + "f" * 64)
    assert not LOG_LINE_RE.match("a/1 " + "f" * 64)
    assert small_ledger.verify().ok
