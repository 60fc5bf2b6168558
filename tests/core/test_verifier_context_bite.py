"""What the verifier hands each rule, exactly: the entry's log index, file, "now", the
checkpoints' proof times, and which entries a rule is shown at all.

Domain rules (draw, workflow) judge deadlines and beacon rounds from this context; a verifier
that passed the wrong index or moved "now" on an untrusted entry would make every such rule
wrong at once while the kernel's own checks stay green. The small ledger (tests/conftest.py):
log lines 1-4 operator, 5-10 scjgj/wjj notices 1-3 in turn (one minute apart), a checkpoint
of size 10, line 11 scjgj/4.
"""

from __future__ import annotations

from ledgertools import det_key
from publisher.core.rules.base import Problem
from publisher.core.verifier import _unix

T0 = 1767225600  # the factory's clock start (2026-01-01T00:00:00Z); each tick is a minute


class Recorder:
    """Records what ``check`` is shown; returns the problems it is given for chosen entries."""

    name = "probe"
    sees_void = False

    def __init__(self, answer=None):
        self.seen: list[tuple] = []
        self.answer = answer or {}
        self.finished = None

    def check(self, entry, ctx):
        self.seen.append((ctx.index, ctx.file, ctx.last_time, entry.office, entry.seq, ctx.now,
                          tuple(ctx.checkpoints), ctx.accepted_at(ctx.index)))
        return self.answer.get((entry.office, entry.seq), [])

    def finish(self, ctx):
        self.finished = (ctx.last_time, ctx.index, ctx.file)
        return [Problem("probe", "finish says", "somewhere", severity="warning")]


def paths():
    ops = [("operator", n) for n in range(1, 5)]
    notes = [("scjgj", 1), ("wjj", 1), ("scjgj", 2), ("wjj", 2), ("scjgj", 3), ("wjj", 3), ("scjgj", 4)]
    return ops + notes


def test_each_entry_is_shown_once_with_its_index_file_and_now(small_ledger):
    rec = Recorder()
    r = small_ledger.verify(rules=[rec], now=T0 + 99999)
    cp_time = T0 + 540  # the checkpoint took the 9th tick
    times = [T0 + 60, T0 + 60, T0 + 120, T0 + 120] + [T0 + 60 * k for k in (3, 4, 5, 6, 7, 8, 10)]
    want = [(i, f"ledger/entries/{o}/{s:08d}.json", times[i], o, s, T0 + 99999, ((10, cp_time),),
             cp_time if i < 10 else None) for i, (o, s) in enumerate(paths())]
    assert rec.seen == want
    assert rec.finished == (T0 + 600, 10, "ledger/entries/scjgj/00000004.json")
    assert [(p.rule, p.message, p.file, p.severity) for p in r.problems] == [
        ("probe", "finish says", "somewhere", "warning")]
    assert r.rule("probe") is rec and r.size == 11 and sorted(r.offices) == ["scjgj", "wjj"]


def test_a_rules_problem_is_located_at_the_entry_unless_it_names_a_place(small_ledger):
    wjj2 = small_ledger.ledger.read_entry("wjj", 2)
    rec = Recorder({
        ("wjj", 2): [Problem("probe", "unlocated", article="001 第十二条", severity="warning"),
                     Problem("probe", "with id only", entry_id="abc")],
        ("scjgj", 3): [Problem("probe", "located", "ledger/elsewhere.json", "def")],
    })
    r = small_ledger.verify(rules=[rec])
    got = [p for p in r.problems if p.message != "finish says"]
    assert got == [
        Problem("probe", "unlocated", "ledger/entries/wjj/00000002.json", wjj2.id, "001 第十二条", "warning"),
        Problem("probe", "with id only", "ledger/entries/wjj/00000002.json", "abc"),
        Problem("probe", "located", "ledger/elsewhere.json", "def"),
    ]


def test_an_invalid_entry_is_not_shown_and_does_not_move_now(small_ledger):
    f = small_ledger
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "forged"}, det_key("intruder"), f.tick())  # wjj/4
    f.notice("scjgj", "valid")  # scjgj/5, a minute later
    rec = Recorder()
    r = f.verify(rules=[rec])
    assert [(p.rule, p.file) for p in r.errors] == [("signature", "ledger/entries/wjj/00000004.json")]
    shown = [(o, s, last) for _, _, last, o, s, *_ in rec.seen]
    assert ("wjj", 4) not in [(o, s) for o, s, _ in shown]
    assert shown[-2:] == [("scjgj", 4, T0 + 600), ("scjgj", 5, T0 + 720)]
    assert rec.finished[0] == T0 + 720


def test_a_warning_alone_still_shows_the_entry_to_rules(factory):
    """A back-dated entry is flagged (a warning) but valid: rules see it and it moves "now"."""
    f = factory
    f.add_office("scjgj")
    f.add_office("wjj")
    f.clock += 3 * 86400
    f.checkpoint(time=f.clock)
    t = f.clock - 86401
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "old"}, f.keys["wjj"], stamp(t))  # wjj's first
    rec = Recorder()
    r = f.verify(rules=[rec])
    assert r.ok and [(p.rule, p.severity) for p in r.problems if p.rule == "time"] == [("time", "warning")]
    assert rec.seen[-1][3:5] == ("wjj", 1) and rec.seen[-1][2] == t
    assert rec.finished[0] == t


def test_a_future_dated_entry_does_not_move_now(small_ledger):
    """An entry dated after the checkpoint that first includes it is flagged and its time is not trusted."""
    f = small_ledger
    ahead = f.clock + 10_000
    from datetime import UTC, datetime
    stamp = datetime.fromtimestamp(ahead, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    e = f.ledger.append("wjj", "notice", {"title": "通知", "text": "ahead"}, f.keys["wjj"], stamp)  # wjj/4, line 12
    f.checkpoint(time=f.clock + 60)  # size 12, signed long before the entry's claimed time
    rec = Recorder()
    r = f.verify(rules=[rec])
    assert [(p.rule, p.severity, p.file, p.entry_id) for p in r.problems if p.rule == "time"] == [
        ("time", "warning", "ledger/entries/wjj/00000004.json", e.id)]
    assert rec.seen[-1][3:5] == ("wjj", 4) and rec.seen[-1][2] == T0 + 600  # shown, but now stays
    assert rec.seen[-1][7] == f.clock + 60 and _unix(stamp) == ahead


def stamp(t: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_void_from_compromised_since_on_shown_only_to_rules_that_ask(small_ledger):
    """Signed one second before ``compromised_since``: valid; signed at it: void (a warning), shown
    only to a rule with ``sees_void`` (the site's index), and "now" does not move."""
    f = small_ledger
    key = f.keys["wjj"]
    since = T0 + 700
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "before"}, key, stamp(since - 1))  # wjj/4
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "at"}, key, stamp(since))  # wjj/5
    at = f.ledger.read_entry("wjj", 5)
    rev = f.ledger.append("operator", "key.revoke", {"office": "wjj", "key_id": key.id, "reason": "compromise",
                                                     "compromised_since": stamp(since)}, f.root_key, stamp(T0 + 800))
    blind, seeing = Recorder(), Recorder()
    seeing.name, seeing.sees_void = "index", True
    r = f.verify(rules=[blind, seeing])
    assert r.ok
    assert [(p.message, p.file, p.entry_id, p.severity) for p in r.problems if p.rule == "compromised"] == [
        (f"作废：签名时该密钥已被运营方宣布泄露 / void: signed by key {key.id} at {at.time}, after {at.time}, when the "
         f"operator says the key was compromised (revocation {rev.id[:16]}…)",
         "ledger/entries/wjj/00000005.json", at.id, "warning")]
    assert [x[3:5] for x in blind.seen][-3:] == [("scjgj", 4), ("wjj", 4), ("operator", 5)]
    assert [x[3:5] for x in seeing.seen][-4:] == [("scjgj", 4), ("wjj", 4), ("wjj", 5), ("operator", 5)]
    assert [x[2] for x in seeing.seen][-4:] == [T0 + 600, since - 1, since - 1, T0 + 800]


def test_rules_see_the_trust_the_blobs_and_the_recorded_beacons_of_the_source(small_ledger):
    class Where:
        name = "where"

        def check(self, entry, ctx):
            self.got = (ctx.trust, ctx.blobs, ctx.beacon_source)
            return []

        def finish(self, ctx):
            return []

    probe = Where()
    trust = small_ledger.ledger.trust()
    from publisher.core.verifier import verify

    verify(small_ledger.ledger, trust, [probe])
    assert probe.got[0] is trust and probe.got[1] is small_ledger.ledger
    assert probe.got[2] == small_ledger.ledger.recorded_beacon
