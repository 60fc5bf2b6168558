"""The verifier's checks of the files around the log — checkpoint notes, the trust file's log key,
stray and orphan entry files, blobs — each with its rule id, exact message, file and severity.

The orphan and blob checks run on small in-memory listings (fast, and every branch is named);
the checkpoint checks on the small ledger (tests/conftest.py: 11 entries, a checkpoint of
size 10)."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from ledgertools import ORIGIN, det_key
from publisher.core.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from publisher.core.note import NoteError, Signer
from publisher.core.note import Verifier as NoteVerifier
from publisher.core.rules.base import Problem
from publisher.core.verifier import Report, _check_blobs, _check_orphans, verify

UNLOGGED = "条目文件不在日志中 / entry file not in the log"
CRASHED = ("条目文件不在日志中（追加时中断；不属于账本，下次追加时替换）/ entry file not in the log (an "
           "interrupted append; it is not part of the ledger and the next append replaces it)")


# -- stray and orphan entry files ---------------------------------------------------------------


class Names:
    def __init__(self, *listing):
        self.listing = listing

    def entry_names(self):
        yield from self.listing


def orphans(heads, *listing):
    report = Report()
    _check_orphans(Names(*listing), heads, report)
    return [(p.rule, p.message, p.file, p.severity) for p in report.problems]


def f(n: int) -> str:
    return f"{n:08d}.json"


def test_an_office_holding_exactly_its_logged_files_is_fine():
    assert orphans({"a": (3, "id", "t")}, ("a", [f(3), f(1), f(2), ".gitkeep"])) == []
    assert orphans({}, ("a", [])) == [] and orphans({}, ("a", [".gitkeep"])) == []


def test_a_file_directly_under_entries_is_a_layout_error():
    assert orphans({}, ("", ["00000001.json"])) == [
        ("layout", "unexpected file in entries/", "ledger/entries/00000001.json", "error")]


def test_a_badly_named_file_is_a_layout_error_even_when_the_count_matches():
    got = orphans({"a": (2,)}, ("a", [f(1), "notes.txt"]))
    assert got == [("layout", "unexpected file in entries/", "ledger/entries/a/notes.txt", "error")]
    assert orphans({"a": (1,)}, ("a", ["000000001.json"])) == [  # 9 digits with a leading zero
        ("layout", "unexpected file in entries/", "ledger/entries/a/000000001.json", "error")]


def test_the_file_after_the_head_is_a_crashed_append_later_ones_are_planted():
    assert orphans({"a": (2,)}, ("a", [f(4), f(1), f(3), f(2)])) == [
        ("orphan", CRASHED, "ledger/entries/a/00000003.json", "warning"),
        ("orphan", UNLOGGED, "ledger/entries/a/00000004.json", "error")]


def test_every_file_is_judged_after_a_badly_named_one():
    assert orphans({"a": (2,)}, ("a", [f(3), "0.json", f(2), f(1)])) == [
        ("layout", "unexpected file in entries/", "ledger/entries/a/0.json", "error"),
        ("orphan", CRASHED, "ledger/entries/a/00000003.json", "warning")]


def test_seq_zero_is_planted_and_listed_files_are_not_orphans():
    assert orphans({"a": (1,)}, ("a", [f(0), f(1)])) == [("orphan", UNLOGGED, "ledger/entries/a/00000000.json", "error")]
    assert orphans({"a": (3,)}, ("a", [f(1), f(3)])) == []  # 2 is missing: the log check reports it, not this one


def test_an_office_the_log_never_named_may_hold_one_crashed_append():
    assert orphans({}, ("new", [f(1)])) == [("orphan", CRASHED, "ledger/entries/new/00000001.json", "warning")]
    assert orphans({}, ("new", [f(2)])) == [("orphan", UNLOGGED, "ledger/entries/new/00000002.json", "error")]


# -- blobs ---------------------------------------------------------------------------------------


class Blobs:
    def __init__(self, root):
        self.root = root

    def blob_files(self):
        return sorted(self.root.iterdir())

    def rel(self, p):
        return "ledger/blobs/" + p.name


def blob_problems(tmp_path, **files):
    d = tmp_path / f"blobs{len(list(tmp_path.iterdir()))}"
    d.mkdir()
    for name, data in files.items():
        (d / name).write_bytes(data)
    report = Report()
    _check_blobs(Blobs(d), report)
    return [(p.rule, p.message, p.file, p.severity) for p in report.problems]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_blob_larger_than_one_read_is_hashed_whole(tmp_path):
    big = bytes(range(256)) * (5 * 4096 + 7)  # 5 MiB + 1,792 bytes: several reads
    assert blob_problems(tmp_path, **{sha(big): big, ".gitkeep": b"anything"}) == []


def test_a_changed_blob_names_its_real_hash(tmp_path):
    big = b"x" * (3 << 20)
    name = sha(big)
    changed = big[:-1] + b"y"
    assert blob_problems(tmp_path, **{name: changed}) == [
        ("blob", f"content hashes to {sha(changed)[:16]}…, not its name: the blob was changed",
         "ledger/blobs/" + name, "error")]


def test_an_empty_blob_is_checked_too(tmp_path):
    assert blob_problems(tmp_path, **{sha(b""): b""}) == []
    assert blob_problems(tmp_path, **{sha(b"a"): b""}) == [
        ("blob", f"content hashes to {sha(b'')[:16]}…, not its name: the blob was changed",
         "ledger/blobs/" + sha(b"a"), "error")]


# -- checkpoints and the log key -------------------------------------------------------------------


def cp_problems(report):
    return [(p.rule, p.message, p.file, p.severity) for p in report.problems]


def test_an_unusable_log_key_is_a_trust_error_and_no_checkpoint_is_read(small_ledger):
    trust = dataclasses.replace(small_ledger.ledger.trust(), log_vkey="portal.test+0000+AAAA")
    with pytest.raises(NoteError) as why:
        NoteVerifier.from_vkey("portal.test+0000+AAAA")
    r = verify(small_ledger.ledger, trust)
    assert cp_problems(r) == [("trust", f"log_vkey unusable: {why.value}", "ledger/trust.json", "error")]
    assert r.checkpoints == [] and r.size == 11


def test_a_note_the_log_key_did_not_sign_is_named_with_the_reason(small_ledger):
    f = small_ledger
    r0 = f.verify()
    other = Signer(ORIGIN, det_key("not the log key"))
    text = sign_checkpoint(Checkpoint(ORIGIN, 11, r0.root, f.clock), other)
    path = f.ledger.write_checkpoint(11, text)
    with pytest.raises(NoteError) as why:
        open_checkpoint(text, NoteVerifier.from_vkey(f.log_signer.vkey))
    r = f.verify()
    assert cp_problems(r) == [("checkpoint", f"invalid checkpoint: {why.value}", f.ledger.rel(path), "error")]
    assert [c.size for c in r.checkpoints] == [10]
    good = sign_checkpoint(Checkpoint(ORIGIN, 11, r0.root, f.clock), f.log_signer)
    path.unlink()
    r = f.verify(extra_checkpoints=[("a/bad.txt", text), ("b/good.txt", good)])  # a note after a bad one is read
    assert [(p.rule, p.file) for p in r.problems] == [("checkpoint", "a/bad.txt")]
    assert [c.size for c in r.checkpoints] == [10, 11]


def test_a_checkpoint_of_another_origin_is_not_used(small_ledger):
    """trust.json names an origin its log key's name does not match: no checkpoint can be
    presented as this portal's."""
    f = small_ledger
    f.checkpoint()  # size 11: each note is refused, not only the first
    trust = dataclasses.replace(f.ledger.trust(), origin="elsewhere.test/county")
    r = verify(f.ledger, trust)
    assert cp_problems(r) == [("checkpoint", f"origin '{ORIGIN}' is not 'elsewhere.test/county'",
                               f"ledger/checkpoints/00000000{n}.note", "error") for n in (10, 11)]
    assert r.checkpoints == []


def test_an_auditors_note_may_be_named_anything_and_is_checked_like_the_ledgers(small_ledger):
    f = small_ledger
    r0 = f.verify()
    good = sign_checkpoint(Checkpoint(ORIGIN, 11, r0.root, f.clock + 60), f.log_signer)
    r = f.verify(extra_checkpoints=[("auditor/latest.txt", good)])
    assert r.problems == [] and [c.size for c in r.checkpoints] == [10, 11]
    lying = sign_checkpoint(Checkpoint(ORIGIN, 11, b"\x01" * 32, f.clock + 60), f.log_signer)
    r = f.verify(extra_checkpoints=[("auditor/latest.txt", lying)])
    [(rule, msg, where, sev)] = cp_problems(r)
    assert (rule, where, sev) == ("checkpoint", "auditor/latest.txt", "error")
    assert msg == (f"root of the first 11 log entries is {r0.root.hex()[:16]}…, checkpoint says "
                   + "01" * 8 + "…: the log was rewritten or reordered")


def test_a_checkpoint_larger_than_the_log_names_itself(small_ledger):
    f = small_ledger
    far = sign_checkpoint(Checkpoint(ORIGIN, 50, b"\x02" * 32, f.clock + 60), f.log_signer)
    r = f.verify(extra_checkpoints=[("auditor/50.txt", far)])
    assert cp_problems(r) == [("checkpoint", "a checkpoint covers 50 entries but the log has only 11: entries "
                               "were removed", "auditor/50.txt", "error")]


def test_an_empty_log_is_checked_against_a_checkpoint_of_size_zero(tmp_path):
    """A checkpoint of size 0 is checked before the first entry (a log emptied after a checkpoint
    of size 1 is caught there, not only at the end)."""
    from ledgertools import LedgerFactory
    from publisher.core import merkle

    f = LedgerFactory(tmp_path / "ledger").init()
    zero = sign_checkpoint(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT, f.clock), f.log_signer)
    assert f.verify(extra_checkpoints=[("a/0.txt", zero)]).problems == []
    f.add_office("scjgj")
    assert f.verify(extra_checkpoints=[("a/0.txt", zero)]).problems == []
    assert [c.size for c in f.verify(extra_checkpoints=[("a/0.txt", zero)]).checkpoints] == [0]


def test_a_checkpoint_of_size_zero_bounds_the_first_entries_times(tmp_path):
    """Signed before the first entry, it proves every entry came later: one claiming a time
    more than a day before it is back-dated."""
    from ledgertools import LedgerFactory
    from publisher.core import merkle

    f = LedgerFactory(tmp_path / "ledger").init()
    zero = sign_checkpoint(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT, f.clock + 86400 + 61), f.log_signer)
    f.add_office("scjgj")  # two entries at f.clock + 60: 86,401 s before the checkpoint
    r = f.verify(extra_checkpoints=[("a/0.txt", zero)])
    assert [(p.rule, p.file, p.severity) for p in r.problems] == [
        ("time", f"ledger/entries/operator/0000000{n}.json", "warning") for n in (1, 2)]


def test_a_checkpoint_signed_at_time_zero_is_not_out_of_order(tmp_path):
    from ledgertools import LedgerFactory

    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("scjgj")
    r0 = f.verify()
    first = sign_checkpoint(Checkpoint(ORIGIN, 2, r0.root, 0), f.log_signer)
    r = f.verify(extra_checkpoints=[("a/2.txt", first)])
    assert [c.time for c in r.checkpoints] == [0]
    assert [p.rule for p in r.problems if p.rule == "checkpoint"] == []


def test_problems_of_the_report_are_errors_unless_warnings():
    r = Report(problems=[Problem("a", "x", severity="warning")])
    assert r.ok and r.errors == []
    bad = Problem("b", "y")
    r.problems.append(bad)
    assert not r.ok and r.errors == [bad]


def test_a_note_that_is_not_utf8_is_an_invalid_checkpoint_not_a_crash(small_ledger):
    f = small_ledger
    path = f.ledger.write_checkpoint(11, "x")
    path.write_bytes(b"portal.test/county\n11\n\xff\xfe\n")
    r = f.verify()
    [(rule, msg, where, sev)] = cp_problems(r)
    assert (rule, where, sev) == ("checkpoint", "ledger/checkpoints/0000000011.note", "error")
    assert msg.startswith("invalid checkpoint: ")


def test_a_ledger_note_not_named_by_its_size_is_not_read(small_ledger):
    f = small_ledger
    cp = f.ledger.checkpoint_files()[0]
    cp.rename(cp.with_name("10.note"))
    r = f.verify()
    assert cp_problems(r) == [("checkpoint", "file name is not <size:010d>.note; the checkpoint is not read",
                               "ledger/checkpoints/10.note", "error")]
    assert r.checkpoints == []


def test_after_a_repeated_checkpoint_the_next_notes_are_still_read(small_ledger):
    f = small_ledger
    r0 = f.verify()
    again = f.ledger.checkpoint_files()[0].read_text()  # the same size-10 note, held by an auditor
    fork = sign_checkpoint(Checkpoint(ORIGIN, 10, b"\x04" * 32, f.clock), f.log_signer)
    later = sign_checkpoint(Checkpoint(ORIGIN, 11, r0.root, f.clock + 60), f.log_signer)
    r = f.verify(extra_checkpoints=[("a/10.txt", again), ("b/10.txt", fork), ("c/11.txt", later)])
    assert [(p.rule, p.file) for p in r.problems] == [("fork", "b/10.txt")]
    assert [c.size for c in r.checkpoints] == [10, 11]
