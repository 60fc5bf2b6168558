"""Witness quorum and witnessed time in the verifier: the attacks of issue 11, each as a test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import WitnessedLedger, cosigner  # noqa: E402

from publisher.core.entry import OPERATOR  # noqa: E402

NAMES = ["w.test/a", "w.test/b", "w.test/c"]


@pytest.fixture
def wl(tmp_path) -> WitnessedLedger:
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2).init()
    f.add_office("scjgj")
    f.notice("scjgj")
    return f


T = 1767225600 + 3600  # an hour after the factory clock starts: later than every entry


def witness_errors(report):
    return [p for p in report.problems if p.rule == "witness" and p.severity == "error"]


def test_quorum_cosigned_checkpoint_verifies_with_witnessed_time(wl):
    wl.checkpoint(witness_times={"w.test/a": T + 500, "w.test/b": T + 300, "w.test/c": T + 900})
    r = wl.verify()
    assert r.ok, [p.line() for p in r.problems]
    (w,) = r.witnessed
    assert w.times == {"w.test/a": T + 500, "w.test/b": T + 300, "w.test/c": T + 900} and w.time == T + 500


def test_checkpoint_below_quorum_is_an_error(wl):
    p = wl.checkpoint(witness_times={"w.test/a": T + 500})
    r = wl.verify()
    (e,) = witness_errors(r)
    assert e.file == "ledger/checkpoints/" + p.name
    assert "cosigned by 1 of the 3 named witnesses (w.test/a); the quorum is 2" in e.message


def test_forged_cosignature_rejects_the_checkpoint(wl):
    p = wl.checkpoint(witness_times={"w.test/a": T + 500, "w.test/b": T + 600})
    import base64

    lines = p.read_text().split("\n")
    i = next(n for n, l in enumerate(lines) if l.startswith("— w.test/b "))
    raw = bytearray(base64.b64decode(lines[i].split(" ")[2]))
    raw[-1] ^= 1  # one bit of the Ed25519 signature
    lines[i] = "— w.test/b " + base64.b64encode(bytes(raw)).decode()
    p.write_text("\n".join(lines))
    (e,) = witness_errors(wl.verify())
    assert "refused: invalid cosignature by witness w.test/b" in e.message


def test_unknown_cosigners_do_not_count(wl):
    p = wl.checkpoint(witness_times={"w.test/a": T + 500})
    from publisher.core.note import parse_note

    text, _ = parse_note(p.read_text())
    p.write_text(p.read_text() + cosigner("w.test/impostor").cosign(text, T + 501).line())
    assert "cosigned by 1 of the 3" in witness_errors(wl.verify())[0].message


def test_inserted_smaller_checkpoint_is_refused(wl):
    """Attack (b): the operator later inserts a smaller, back-dated checkpoint between two old ones.
    Honest witnesses refuse it (409), so it lacks the quorum; if two colluding witnesses cosign it,
    their cosignatures are later than the larger checkpoint's, which no honest witness produces."""
    wl.notice("scjgj", "2")
    wl.checkpoint(witness_times=dict.fromkeys(NAMES, T + 1000))
    big = wl.verify().size
    # insert a checkpoint of a smaller size, after the fact
    from publisher.core import merkle
    from publisher.core.checkpoint import Checkpoint, sign_checkpoint

    ids = [l.entry_id for l in wl.ledger.iter_log()]
    size = big - 1
    root = merkle.root([merkle.leaf_hash(bytes.fromhex(i)) for i in ids[:size]])
    note = sign_checkpoint(Checkpoint("portal.test/county", size, root, 10), wl.log_signer)
    path = wl.ledger.write_checkpoint(size, note)
    (e,) = witness_errors(wl.verify())
    assert "is cosigned by 0 of the 3 named witnesses" in e.message and e.file.endswith(path.name)
    path.write_text(wl.cosign_note(note, {"w.test/a": T + 2000, "w.test/b": T + 2000}))
    errs = witness_errors(wl.verify())
    assert errs and all(f"size {size} at {T + 2000}, after it cosigned the larger size {big} at {T + 1000}" in e.message
                        for e in errs)


def test_witness_set_needs_the_old_quorum_on_the_first_checkpoint(wl):
    new = [cosigner("w.test/x"), cosigner("w.test/y")]
    t = wl.tick()
    wl.ledger.append(OPERATOR, "witness.set", {"quorum": 2, "witnesses": [{"vkey": c.vkey} for c in new],
                                               "reason": "test"}, wl.root_key, t)
    # the first checkpoint containing the change, cosigned only by the NEW witnesses: refused
    p = wl.checkpoint(witness_times={})
    from publisher.core.note import parse_note

    text, _ = parse_note(p.read_text())
    p.write_text(p.read_text() + "".join(c.cosign(text, T + 700).line() for c in new))
    (e,) = witness_errors(wl.verify())
    assert "cosigned by 0 of the 3 named witnesses" in e.message
    # the old quorum cosigns it: valid; the next checkpoint is judged by the new set
    p.write_text(wl.cosign_note(p.read_text(), {"w.test/a": T + 700, "w.test/b": T + 700}))
    assert wl.verify().ok
    wl.notice("scjgj", "after the change")
    q = wl.checkpoint(witness_times={"w.test/a": T + 800, "w.test/b": T + 800, "w.test/c": T + 800})
    (e,) = witness_errors(wl.verify())
    assert e.file.endswith(q.name) and "cosigned by 0 of the 2 named witnesses" in e.message
    text, _ = parse_note(q.read_text())
    q.write_text(q.read_text() + "".join(c.cosign(text, T + 800).line() for c in new))
    r = wl.verify()
    assert r.ok, [p.line() for p in r.problems]


def test_witness_set_with_bad_policy_is_refused(wl):
    wl.ledger.append(OPERATOR, "witness.set", {"quorum": 3, "witnesses": [{"vkey": cosigner("w.test/x").vkey}],
                                               "reason": "test"}, wl.root_key, wl.tick())
    errs = witness_errors(wl.verify())
    assert errs and "quorum must be between 1 and the number of witnesses (1)" in errs[0].message
