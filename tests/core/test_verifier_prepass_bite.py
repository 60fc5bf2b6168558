"""The verifier's passes over the operator's entries before the main stream (keys for the early
signature check, witness-set changes, compromised keys) and the operator checks of the stream
(registry, witness set), each with what exactly they return or report.

A later operator entry changes how earlier entries are judged (a revocation with
``compromised_since`` voids earlier entries; a witness set applies to checkpoints by size), so
these passes read the whole log first. Only root-signed entries whose bytes match their log
line count; anything unreadable is skipped here and reported by the main stream.
The small ledger (tests/conftest.py): operator/1-4 register scjgj and wjj with their keys.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ledgertools import det_key
from publisher.core.entry import OPERATOR
from publisher.core.verifier import _operator_entries, compromised_keys, known_keys, witness_changes

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import cosigner  # noqa: E402

SC = "ledger/entries/scjgj/"
OP = "ledger/entries/operator/"


def found(report, rule):
    return [(p.message, p.file, p.severity) for p in report.problems if p.rule == rule]


def op_lines(f):
    return [t for _, t in f.ledger.iter_raw_log() if t.startswith("operator/")]


# -- keys known before the stream -------------------------------------------------------------------


def test_known_keys_are_the_roots_and_every_registered_key(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    keys = known_keys(f.ledger, trust)
    assert set(keys) == {f.root_key.id, f.keys["scjgj"].id, f.keys["wjj"].id}
    assert keys[f.keys["wjj"].id].b64 == f.keys["wjj"].public.b64
    f.add_office("zjj")  # registered after office entries: the whole log is read, not its head
    assert set(known_keys(f.ledger, trust)) == {f.root_key.id, f.keys["scjgj"].id, f.keys["wjj"].id, f.keys["zjj"].id}


def test_known_keys_skip_an_unreadable_operator_entry_and_stop_at_a_malformed_line(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    both = {f.root_key.id, f.keys["wjj"].id}
    f.ledger.entry_path(OPERATOR, 2).unlink()  # scjgj's key.register: missing
    assert set(known_keys(f.ledger, trust)) == both
    f.ledger.entry_path(OPERATOR, 2).write_bytes(b"{broken")  # unparsable
    assert set(known_keys(f.ledger, trust)) == both
    f.ledger.entry_path(OPERATOR, 2).write_bytes(b"[]")  # parsable JSON, not an entry
    assert set(known_keys(f.ledger, trust)) == both
    lines = f.ledger.log_path.read_text().splitlines(keepends=True)
    f.ledger.log_path.write_text("".join(lines[:2] + ["operator/x\n"] + lines[2:]))  # before wjj's key
    assert set(known_keys(f.ledger, trust)) == {f.root_key.id}


# -- operator entries that count -------------------------------------------------------------------------


def test_operator_entries_are_the_logged_readable_ones_with_their_index(small_ledger):
    f = small_ledger
    got = list(_operator_entries(f.ledger))
    assert [(i, e.seq) for i, e in got] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    f.ledger.entry_path(OPERATOR, 2).unlink()
    p3 = f.ledger.entry_path(OPERATOR, 3)
    p3.write_bytes(p3.read_bytes().replace(b"Test bureau", b"Test bureaX"))  # no longer hashes to its line
    assert [(i, e.seq) for i, e in _operator_entries(f.ledger)] == [(0, 1), (3, 4)]


def test_operator_entries_stop_at_a_malformed_operator_line(small_ledger):
    f = small_ledger
    lines = f.ledger.log_path.read_text().splitlines(keepends=True)
    f.ledger.log_path.write_text("".join(lines[:1] + ["operator/02 " + "0" * 64 + "\n"] + lines[1:]))
    assert [(i, e.seq) for i, e in _operator_entries(f.ledger)] == [(0, 1)]


# -- compromised keys ----------------------------------------------------------------------------------


def revoke(f, office, since=None, key=None, reason="compromise"):
    body = {"office": office, "key_id": f.keys[office].id, "reason": reason}
    if since is not None:
        body["compromised_since"] = since
    return f.ledger.append(OPERATOR, "key.revoke", body, key or f.root_key, f.tick())


def test_compromised_keys_come_from_root_signed_valid_revocations_only(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    since = f.ledger.read_entry("scjgj", 2).time
    revoke(f, "wjj", since, key=det_key("not a root"))  # not root-signed: ignored
    revoke(f, "wjj", reason="rotation")  # no compromised_since: ignored
    r = revoke(f, "scjgj", since)
    assert compromised_keys(f.ledger, trust) == {f.keys["scjgj"].id: (since, r.id)}


def test_the_first_revocation_of_a_key_decides_its_compromise_time(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    first_since = f.ledger.read_entry("wjj", 3).time
    first = revoke(f, "wjj", first_since)
    revoke(f, "wjj", f.ledger.read_entry("wjj", 1).time)  # a second, earlier claim: "revoked twice"
    assert compromised_keys(f.ledger, trust) == {f.keys["wjj"].id: (first_since, first.id)}
    r = f.verify()
    assert found(r, "registry") == [(f"key {f.keys['wjj'].id} revoked twice", OP + "00000006.json", "error")]


def test_an_invalid_revocation_body_voids_nothing(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    body = {"office": "wjj", "key_id": f.keys["wjj"].id, "reason": "compromise",
            "compromised_since": "not a time"}
    f.ledger.append(OPERATOR, "key.revoke", body, f.root_key, f.tick())
    assert compromised_keys(f.ledger, trust) == {}


# -- witness-set changes -------------------------------------------------------------------------------


def witness_set(f, names, quorum, key=None):
    body = {"quorum": quorum, "witnesses": [{"vkey": cosigner(n).vkey} for n in names], "reason": "test"}
    return f.ledger.append(OPERATOR, "witness.set", body, key or f.root_key, f.tick())


def test_witness_changes_are_root_signed_parsable_sets_with_their_log_index(small_ledger):
    f = small_ledger
    trust = f.ledger.trust()
    witness_set(f, ["w.test/a", "w.test/b"], 2)  # line 12, index 11
    witness_set(f, ["w.test/c"], 1, key=det_key("not a root"))  # line 13: not root-signed
    witness_set(f, ["w.test/d"], 2)  # line 14: quorum larger than the set, unparsable
    witness_set(f, ["w.test/e"], 1)  # line 15, index 14
    got = witness_changes(f.ledger, trust)
    assert [(i, p.quorum, sorted(w.name for w in p.witnesses)) for i, p in got] == [
        (11, 2, ["w.test/a", "w.test/b"]), (14, 1, ["w.test/e"])]
    r = f.verify()
    assert [(m, w) for m, w, _ in found(r, "witness")] == [
        ("witnesses: quorum must be between 1 and the number of witnesses (1)", OP + "00000007.json")]
    assert [w for _, w, _ in found(r, "signature")] == [OP + "00000006.json"]


# -- operator checks in the stream --------------------------------------------------------------------


def test_registry_refusals_are_located_with_their_reason(small_ledger):
    f = small_ledger
    f.ledger.append(OPERATOR, "office.register", {"office": "wjj", "name_zh": "又一个", "name_en": "Again"},
                    f.root_key, f.tick())  # operator/5
    k = det_key("orphan key")
    f.ledger.append(OPERATOR, "key.register", {"office": "nowhere", "key_id": k.id, "public_key": k.public.b64,
                                               "valid_from": f.tick()}, f.root_key, f.tick())  # operator/6
    r = f.verify()
    assert found(r, "registry") == [("office 'wjj' registered twice", OP + "00000005.json", "error"),
                                    ("key registered for unknown office 'nowhere'", OP + "00000006.json", "error")]


def test_a_refused_operator_entry_changes_nothing(small_ledger):
    """An operator entry with a bad signature is not applied: the key it registers signs nothing."""
    f = small_ledger
    k = det_key("smuggled")
    f.ledger.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                               "valid_from": f.tick()}, det_key("fake root"), f.tick())
    f.ledger.append("scjgj", "notice", {"title": "通知", "text": "x"}, k, f.tick())
    r = f.verify()
    assert [(p.rule, p.file) for p in r.errors] == [("signature", OP + "00000005.json"),
                                                    ("signature", SC + "00000005.json")]
    assert found(r, "signature")[1][0] == f"signed by unregistered key {k.id}"


def test_an_entry_stored_in_another_chain_names_both_places(small_ledger):
    f = small_ledger
    src = f.ledger.entry_path("scjgj", 3).read_bytes()
    f.ledger.entry_path("wjj", 4).write_bytes(src)
    from publisher.core.entry import from_bytes

    e = from_bytes(src)
    with open(f.ledger.log_path, "a") as log:
        log.write(f"wjj/4 {e.id}\n")
    r = f.verify()
    msgs = [m for m, w, _ in found(r, "chain") if w == "ledger/entries/wjj/00000004.json"]
    assert "entry says scjgj/3 but is stored as wjj/4 (moved into another chain?)" in msgs


def test_schema_problems_are_located_at_the_entry(small_ledger):
    f = small_ledger
    e = f.ledger.append("wjj", "notice", {"title": "t", "text": "x", "extra": 1}, f.keys["wjj"], f.tick())
    r = f.verify()
    got = [(p.file, p.entry_id) for p in r.errors if p.rule == "schema"]
    assert got and set(got) == {("ledger/entries/wjj/00000004.json", e.id)}


def test_layout_problems_of_the_source_are_reported(small_ledger):
    f = small_ledger
    (f.ledger.root / "checkpoints" / "stray").symlink_to(f.ledger.root / "log")
    r = f.verify()
    assert [(p.rule, p.file, p.severity) for p in r.problems] == [("layout", "ledger/checkpoints/stray", "error")]
    assert r.problems[0].message == dict(f.ledger.layout_problems())["ledger/checkpoints/stray"]
