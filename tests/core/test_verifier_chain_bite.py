"""Office chains, entry types and voiding in the verifier's stream, each guard in both directions
and with the complete list of problems, so one guard cannot hide behind another.

The small ledger (tests/conftest.py): log lines 1-4 operator, 5-10 scjgj/wjj notices 1-3 in turn,
a checkpoint of size 10, line 11 scjgj/4.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ledgertools import det_key
from publisher.core.entry import OPERATOR, EnvelopeError, from_bytes

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import cosigner  # noqa: E402

SC = "ledger/entries/scjgj/"
WJ = "ledger/entries/wjj/"
OP = "ledger/entries/operator/"


def problems(report):
    return [(p.rule, p.message, p.file, p.severity) for p in report.problems]


def log_lines(f) -> list[str]:
    return f.ledger.log_path.read_text().splitlines(keepends=True)


def test_after_a_missing_file_the_chain_goes_on_from_the_logged_line(small_ledger):
    f = small_ledger
    f.ledger.entry_path("scjgj", 2).unlink()
    assert problems(f.verify()) == [
        ("missing", "entry file listed in the log is missing (deleted?)", SC + "00000002.json", "error")]


def test_after_an_unreadable_file_the_chain_goes_on_and_its_reason_is_given(small_ledger):
    f = small_ledger
    f.ledger.entry_path("wjj", 1).write_bytes(b"[]")
    with pytest.raises(EnvelopeError) as why:
        from_bytes(b"[]")
    r = f.verify()
    assert problems(r) == [("envelope", str(why.value), WJ + "00000001.json", "error")]
    assert r.errors[0].entry_id == log_lines(f)[5].split()[1].strip()


def test_a_malformed_line_in_the_middle_stops_the_stream(small_ledger):
    f = small_ledger
    ls = log_lines(f)
    f.ledger.log_path.write_text("".join(ls[:6] + ["wjj/x\n"] + ls[6:]))
    r = f.verify()
    assert problems(r)[:2] == [
        ("log", "line 7: malformed log line 'wjj/x'", "ledger/log", "error"),
        ("checkpoint", "a checkpoint covers 10 entries but the log has only 6: entries were removed",
         "ledger/checkpoints/0000000010.note", "error")]
    # the files after the corrupt line are not part of the ledger it proves
    assert sorted((p.rule, p.file) for p in r.problems[2:]) == [
        ("orphan", SC + "00000002.json"), ("orphan", SC + "00000003.json"), ("orphan", SC + "00000004.json"),
        ("orphan", WJ + "00000002.json"), ("orphan", WJ + "00000003.json")]
    assert r.size == 6


def test_a_replayed_head_with_another_id_does_not_become_the_head(small_ledger):
    """scjgj/4 logged a second time with a foreign id: that line is refused, and scjgj/5 still
    links to the real scjgj/4."""
    f = small_ledger
    f.notice("scjgj", "five")
    ls = log_lines(f)
    foreign = ls[9].split()[1]  # wjj/3's id
    f.ledger.log_path.write_text("".join(ls[:11] + [f"scjgj/4 {foreign}\n"] + ls[11:]))
    sc4 = f.ledger.read_entry("scjgj", 4)
    r = f.verify()
    assert [(rule, where) for rule, _, where, _ in problems(r)] == [
        ("chain", SC + "00000004.json"), ("hash", SC + "00000004.json"), ("chain", SC + "00000004.json")]
    assert r.problems[0].message == "log line 12: scjgj/4 is duplicated or replayed; expected scjgj/5"
    assert r.problems[2].entry_id == sc4.id


@pytest.mark.parametrize("src,dst,says", [
    (("scjgj", 4), ("wjj", 4), "entry says scjgj/4 but is stored as wjj/4 (moved into another chain?)"),
    (("scjgj", 2), ("scjgj", 5), "entry says scjgj/2 but is stored as scjgj/5 (moved into another chain?)"),
])
def test_an_entry_stored_under_another_office_or_number(small_ledger, src, dst, says):
    """Either half of the place alone differs: the office (same number) or the number (same office)."""
    f = small_ledger
    data = f.ledger.entry_path(*src).read_bytes()
    f.ledger.entry_path(*dst).write_bytes(data)
    with open(f.ledger.log_path, "a") as log:
        log.write(f"{dst[0]}/{dst[1]} {from_bytes(data).id}\n")
    r = f.verify()
    where = f"ledger/entries/{dst[0]}/{dst[1]:08d}.json"
    assert ("chain", says, where, "error") in problems(r)


def test_the_operator_may_publish_a_calendar_and_not_a_notice(small_ledger):
    f = small_ledger
    f.ledger.append(OPERATOR, "calendar", {"year": 2027, "notice": "国办发明电〔2026〕1号", "holidays": ["2027-01-01"],
                                           "workdays": []}, f.root_key, f.tick())
    assert problems(f.verify()) == []
    f.ledger.append(OPERATOR, "notice", {"title": "通知", "text": "x"}, f.root_key, f.tick())
    assert problems(f.verify()) == [
        ("type", "type 'notice' may not be written by 'operator'", OP + "00000006.json", "error")]


@pytest.mark.parametrize("kind,body", [
    ("calendar", {"year": 2027, "notice": "n", "holidays": [], "workdays": []}),
    ("key.revoke", {"office": "wjj", "key_id": "0" * 16, "reason": "rotation"}),
])
def test_an_office_may_not_write_any_operator_type(small_ledger, kind, body):
    f = small_ledger
    f.ledger.append("wjj", kind, body, f.keys["wjj"], f.tick())
    r = f.verify()
    assert ("type", f"type '{kind}' may not be written by 'wjj'", WJ + "00000004.json", "error") in problems(r)


def test_a_badly_signed_witness_set_is_judged_by_its_signature_only(small_ledger):
    f = small_ledger
    body = {"quorum": 3, "witnesses": [{"vkey": cosigner("w.test/x").vkey}], "reason": "test"}  # bad policy
    f.ledger.append(OPERATOR, "witness.set", body, det_key("not a root"), f.tick())
    assert [(rule, where) for rule, _, where, _ in problems(f.verify())] == [("signature", OP + "00000005.json")]


def test_a_root_key_named_in_a_revocation_never_voids_operator_entries(small_ledger):
    """``compromised_since`` is read before the registry judges the revocation: one naming a root
    key (refused by the registry) must still not turn the operator's own entries void."""
    f = small_ledger
    since = f.tick()
    f.ledger.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": f.root_key.id, "reason": "compromise",
                                             "compromised_since": since}, f.root_key, f.tick())
    f.add_office("zjj")
    r = f.verify()
    assert [p.rule for p in r.problems] == ["registry"]
    assert r.problems[0].message == f"revokes unknown key {f.root_key.id} of 'scjgj'"


@pytest.mark.parametrize("damage", ["missing", "unparsable"])
def test_an_unreadable_entry_at_a_checkpoint_still_closes_it(small_ledger, damage):
    """wjj/3 is line 10, the last entry of the checkpoint of size 10: the checkpoint is still
    compared there, so nothing but the entry itself is reported."""
    f = small_ledger
    p = f.ledger.entry_path("wjj", 3)
    p.unlink() if damage == "missing" else p.write_bytes(b"{")
    r = f.verify()
    assert [(x.rule, x.file) for x in r.problems] == [
        ("missing" if damage == "missing" else "envelope", WJ + "00000003.json")]


def logged_ids(f) -> dict[str, str]:
    out = {}
    for _, text in f.ledger.iter_raw_log():
        place, eid = text.split()
        office, seq = place.split("/")
        out[f"ledger/entries/{office}/{int(seq):08d}.json"] = eid
    return out


def test_every_problem_names_its_entry(small_ledger):
    f = small_ledger
    f.ledger.append("wjj", "notice", {"title": "通知", "text": "x"}, det_key("intruder"), f.tick())  # wjj/4
    f.ledger.append(OPERATOR, "office.register", {"office": "wjj", "name_zh": "又", "name_en": "Again"},
                    f.root_key, f.tick())  # operator/5
    f.ledger.append("scjgj", "notice", {"title": "通知", "text": "early"}, f.keys["scjgj"],
                    "2026-01-01T00:00:01Z")  # scjgj/5, before scjgj/4
    f.ledger.append("scjgj", "calendar", {"year": 2027, "notice": "n", "holidays": [], "workdays": []},
                    f.keys["scjgj"], f.tick())  # scjgj/6
    data = f.ledger.entry_path("scjgj", 2).read_bytes()
    f.ledger.entry_path("wjj", 5).write_bytes(data)
    with open(f.ledger.log_path, "a") as log:
        log.write(f"wjj/5 {from_bytes(data).id}\n")  # moved into wjj's chain
    r = f.verify()
    ids = logged_ids(f)
    assert {(p.rule, p.file) for p in r.problems} == {
        ("signature", WJ + "00000004.json"), ("registry", OP + "00000005.json"), ("time", SC + "00000005.json"),
        ("signature", SC + "00000005.json"),  # also before its key's valid_from
        ("type", SC + "00000006.json"), ("chain", WJ + "00000005.json"), ("time", WJ + "00000005.json")}
    assert [(p.rule, p.file, p.entry_id) for p in r.problems] == [
        (p.rule, p.file, ids[p.file]) for p in r.problems]


def test_a_changed_file_is_named_by_its_logged_id_and_its_own(small_ledger):
    f = small_ledger
    p = f.ledger.entry_path("scjgj", 2)
    p.write_bytes(p.read_bytes().replace("公告1".encode(), "公告9".encode()))
    changed = from_bytes(p.read_bytes())
    r = f.verify()
    assert [(x.rule, x.entry_id) for x in r.problems] == [
        ("hash", logged_ids(f)[SC + "00000002.json"]), ("signature", changed.id)]
