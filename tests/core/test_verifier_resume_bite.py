"""When the verifier saves its state for a later run to resume from, and what a resumed run checks.

tests/storage/test_verify_cache.py proves resumed reports equal full ones on the suite's ledgers;
these tests pin the verifier's side of it (core/verifier.py), each with the exact point resumed
from: only the newest checkpoint is saved, only a prefix without errors, never when a later
revocation changes how the prefix is judged, and a resumed run still checks every checkpoint
after the point it resumed from. The small ledger (tests/conftest.py): 11 entries, a checkpoint
of size 10.
"""

from __future__ import annotations

from publisher.core.verifier import verify
from publisher.storage.verify_cache import VerifyCache


def run(f, cache):
    return verify(f.ledger, f.ledger.trust(), [], cache=cache, workers=1)


def same(a, b):
    assert a.problems == b.problems
    assert (a.size, a.root, a.checkpoints, a.offices) == (b.size, b.root, b.checkpoints, b.offices)


def test_resumes_from_the_newest_checkpoint_and_checks_the_later_ones(small_ledger, tmp_path):
    f = small_ledger
    cache = VerifyCache(tmp_path / "cache")
    first = run(f, cache)
    assert first.ok and first.resumed == 0
    second = run(f, cache)
    assert second.resumed == 10
    same(first, second)
    f.notice("wjj", "four")
    f.checkpoint()  # size 12
    f.notice("wjj", "five")
    third = run(f, cache)
    assert third.resumed == 10 and third.ok, [p.line() for p in third.problems]
    assert [c.size for c in third.checkpoints] == [10, 12]
    assert run(f, cache).resumed == 12  # the newest checkpoint, not the first
    same(third, run(f, None))


def test_two_checkpoints_only_the_newest_is_saved(small_ledger, tmp_path):
    f = small_ledger
    f.checkpoint()  # size 11 next to size 10
    cache = VerifyCache(tmp_path / "cache")
    assert run(f, cache).resumed == 0
    assert run(f, cache).resumed == 11


def test_a_resumed_run_still_finds_a_rewritten_later_checkpoint(small_ledger, tmp_path):
    f = small_ledger
    cache = VerifyCache(tmp_path / "cache")
    run(f, cache)
    f.notice("wjj", "four")
    note = f.checkpoint()  # size 12
    f.ledger.log_path.write_text("".join(f.ledger.log_path.read_text().splitlines(keepends=True)[:11]))
    f.ledger.entry_path("wjj", 4).unlink()
    r = run(f, cache)
    assert r.resumed == 10
    assert [(p.rule, p.message, p.file) for p in r.errors] == [
        ("checkpoint", "a checkpoint covers 12 entries but the log has only 11: entries were removed",
         f.ledger.rel(note))]


def test_a_prefix_with_an_error_is_never_saved(small_ledger, tmp_path):
    f = small_ledger
    f.ledger.entry_path("wjj", 2).unlink()  # an error inside the checkpointed prefix
    cache = VerifyCache(tmp_path / "cache")
    first = run(f, cache)
    assert [x.rule for x in first.errors] == ["missing"]
    second = run(f, cache)
    assert second.resumed == 0
    same(first, second)


def test_a_prefix_with_only_a_warning_is_saved_and_the_warning_kept(small_ledger, tmp_path):
    from datetime import UTC, datetime

    f = small_ledger
    ahead = datetime.fromtimestamp(f.clock + 10_000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "ahead"}, f.keys["wjj"], ahead)  # future-dated
    f.checkpoint(time=f.clock + 60)  # size 12
    cache = VerifyCache(tmp_path / "cache")
    first = run(f, cache)
    assert first.ok and [(p.rule, p.severity) for p in first.problems] == [("time", "warning")]
    second = run(f, cache)
    assert second.resumed == 12
    same(first, second)


def test_a_later_revocation_of_a_prefix_key_is_never_resumed_past(small_ledger, tmp_path):
    """A key declared compromised since before a checkpointed entry voids that entry: the saved
    state (which judged it valid) must not be used."""
    f = small_ledger
    cache = VerifyCache(tmp_path / "cache")
    assert run(f, cache).resumed == 0
    assert run(f, cache).resumed == 10
    wjj3 = f.ledger.read_entry("wjj", 3)
    key = f.keys["wjj"]
    f.ledger.append("operator", "key.revoke", {"office": "wjj", "key_id": key.id, "reason": "compromise",
                                               "compromised_since": wjj3.time}, f.root_key, f.tick())
    r = run(f, cache)
    assert r.resumed == 0
    assert [(p.rule, p.entry_id) for p in r.problems] == [("compromised", wjj3.id)]
    same(r, run(f, None))


class Now:
    """Records, for each entry a run checks, the context's "now" and checkpoint list."""

    name = "probe.now"

    def __init__(self):
        self.seen: list = []

    def check(self, entry, ctx):
        self.seen.append((entry.office, entry.seq, ctx.now, tuple(ctx.checkpoints), ctx.last_time))
        return []

    def finish(self, ctx):
        return []


def test_a_resumed_run_gives_rules_this_runs_now_and_checkpoints(small_ledger, tmp_path):
    f = small_ledger
    cache = VerifyCache(tmp_path / "cache")
    verify(f.ledger, f.ledger.trust(), [Now()], cache=cache, now=111, workers=1)
    f.notice("wjj", "four")
    f.checkpoint()  # size 12
    probe = Now()
    r = verify(f.ledger, f.ledger.trust(), [probe], cache=cache, now=222, workers=1)
    assert r.resumed == 10
    cps = tuple((c.size, c.time) for c in r.checkpoints)
    last = [x for x in probe.seen if (x[0], x[1]) == ("wjj", 4)]
    assert [x[2:4] for x in last] == [(222, cps)] and len(cps) == 2
    assert last[0][4] == f.clock - 60  # "now" of the saved prefix carried on: the new entry's own time


def test_problems_found_before_the_log_are_not_saved_with_the_prefix(small_ledger, tmp_path):
    """A checkpoint-clock warning is found on every run before the log is read: a resumed run
    must report it once, as a full run does."""
    f = small_ledger
    t10 = f.verify().checkpoints[0].time
    f.checkpoint(time=t10 - 1)  # size 11, signed a second before size 10: a warning
    cache = VerifyCache(tmp_path / "cache")
    first = run(f, cache)
    assert [(p.rule, p.severity) for p in first.problems] == [("checkpoint", "warning")]
    second = run(f, cache)
    assert second.resumed == 11
    same(first, second)


def test_a_state_saved_under_one_trust_file_is_not_resumed_under_another(small_ledger, tmp_path):
    """Another trust.json (here: one more root key) may judge the prefix differently."""
    from ledgertools import det_key
    from publisher.core.trust import Trust

    f = small_ledger
    cache = VerifyCache(tmp_path / "cache")
    trust = f.ledger.trust()
    verify(f.ledger, trust, [], cache=cache, workers=1)
    assert verify(f.ledger, trust, [], cache=cache, workers=1).resumed == 10
    extra = det_key("second root")
    raw = dict(trust.raw, root_keys=[*trust.raw["root_keys"],
                                     {"key_id": extra.id, "public_key": extra.public.b64}])
    other = Trust.from_json(raw)
    r = verify(f.ledger, other, [], cache=cache, workers=1)
    assert r.resumed == 0 and r.ok
