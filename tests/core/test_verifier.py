"""Tampering of every kind is caught with a precise message (DESIGN §4)."""

from __future__ import annotations

import json
import shutil

from ledgertools import ORIGIN, det_key
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.entry import OPERATOR
from publisher.core.verifier import verify


def rules_hit(report) -> set[str]:
    return {p.rule for p in report.errors}


def test_valid_ledger_verifies(small_ledger):
    r = small_ledger.verify()
    assert r.ok, [p.line() for p in r.problems]
    assert r.size == 11 and len(r.checkpoints) == 1


def test_any_changed_byte_in_an_entry_is_caught(small_ledger):
    led = small_ledger.ledger
    for line in list(led.iter_log()):
        p = led.entry_path(line.office, line.seq)
        original = p.read_bytes()
        obj = json.loads(original)
        # change one character inside the body (still valid JSON and schema)
        obj["time"] = obj["time"].replace("2026", "2025")
        p.write_text(json.dumps(obj))
        r = small_ledger.verify()
        assert not r.ok and "hash" in rules_hit(r), line
        assert any(str(p.name) in e.file for e in r.errors)
        p.write_bytes(original)
    assert small_ledger.verify().ok


def test_flipped_signature_byte(small_ledger):
    led = small_ledger.ledger
    p = led.entry_path("wjj", 2)
    obj = json.loads(p.read_text())
    sig = obj["sig"]["ed25519"]
    obj["sig"]["ed25519"] = ("B" if sig[0] != "B" else "C") + sig[1:]
    p.write_text(json.dumps(obj))
    r = small_ledger.verify()
    assert "signature" in rules_hit(r)
    assert any(e.file.endswith("wjj/00000002.json") for e in r.errors)


def test_deleted_entry(small_ledger):
    led = small_ledger.ledger
    led.entry_path("scjgj", 2).unlink()
    r = small_ledger.verify()
    assert "missing" in rules_hit(r)


def test_deleted_log_line_breaks_chain_and_checkpoint(small_ledger):
    led = small_ledger.ledger
    lines = led.log_path.read_text().splitlines(keepends=True)
    del lines[5]
    led.log_path.write_text("".join(lines))
    r = small_ledger.verify()
    assert {"chain", "checkpoint"} <= rules_hit(r)


def test_reordered_log_is_caught_by_checkpoint(small_ledger):
    led = small_ledger.ledger
    lines = led.log_path.read_text().splitlines(keepends=True)
    # swap two entries of different offices: chains stay intact, only order changes
    i = next(k for k in range(len(lines) - 1) if lines[k].split("/")[0] != lines[k + 1].split("/")[0] and k > 4)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    led.log_path.write_text("".join(lines))
    r = small_ledger.verify()
    assert rules_hit(r) == {"checkpoint"}
    assert "rewritten or reordered" in r.errors[0].message


def test_duplicated_log_line(small_ledger):
    led = small_ledger.ledger
    lines = led.log_path.read_text().splitlines(keepends=True)
    led.log_path.write_text("".join(lines) + lines[-1])
    r = small_ledger.verify()
    assert any("duplicated or replayed" in e.message for e in r.errors)


def test_replayed_entry_into_another_office_chain(small_ledger):
    led = small_ledger.ledger
    # copy a scjgj entry file into wjj's next slot and log it there
    src = led.entry_path("scjgj", 3).read_bytes()
    dst = led.entry_path("wjj", 4)
    dst.write_bytes(src)
    json.loads(src)  # id unchanged since content unchanged
    from publisher.core.entry import from_bytes

    e = from_bytes(src)
    with open(led.log_path, "a") as f:
        f.write(f"wjj/4 {e.id}\n")
    r = small_ledger.verify()
    msgs = " ".join(p.message for p in r.errors)
    assert "moved into another chain" in msgs


def test_forged_signature_by_unregistered_key(small_ledger):
    led = small_ledger.ledger
    intruder = det_key("intruder")
    led.append("scjgj", "notice", {"title": "假", "text": "forged"}, intruder, small_ledger.tick())
    r = small_ledger.verify()
    assert any("unregistered key" in e.message for e in r.errors)


def test_operator_entry_needs_root_key(small_ledger):
    led = small_ledger.ledger
    fake_root = det_key("fake-root")
    k = det_key("evil")
    led.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": k.id, "public_key": k.public.b64,
                                          "valid_from": small_ledger.tick()}, fake_root, small_ledger.tick())
    r = small_ledger.verify()
    assert any("not a pinned root key" in e.message for e in r.errors)


def test_revoked_key_cannot_sign_even_backdated(small_ledger):
    f = small_ledger
    old = f.keys["scjgj"]
    f.ledger.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": old.id, "reason": "compromise"}, f.root_key, f.tick())
    # back-date the forged entry before the revocation: order in the log still wins
    f.ledger.append("scjgj", "notice", {"title": "t", "text": "x"}, old, "2026-01-01T00:00:30Z")
    r = f.verify()
    assert any("revoked" in e.message for e in r.errors)


def test_key_rotation_keeps_history_valid(small_ledger):
    f = small_ledger
    old = f.keys["scjgj"]
    new = det_key("scjgj-2")
    t = f.tick()
    f.ledger.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": new.id, "public_key": new.public.b64, "valid_from": t}, f.root_key, t)
    f.ledger.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": old.id, "reason": "rotation"}, f.root_key, f.tick())
    f.notice("scjgj", "signed with the new key", key=new)
    assert f.verify().ok


def test_key_not_yet_valid(small_ledger):
    f = small_ledger
    k = det_key("future")
    f.ledger.append(OPERATOR, "key.register", {"office": "wjj", "key_id": k.id, "public_key": k.public.b64,
                                               "valid_from": "2030-01-01T00:00:00Z"}, f.root_key, f.tick())
    f.notice("wjj", "too early", key=k)
    r = f.verify()
    assert any("not valid before" in e.message for e in r.errors)


def test_unknown_type_and_unknown_field_refused(small_ledger):
    f = small_ledger
    f.ledger.append("scjgj", "mystery", {"a": 1}, f.keys["scjgj"], f.tick())
    f.ledger.append("wjj", "notice", {"title": "t", "text": "x", "extra": 1}, f.keys["wjj"], f.tick())
    r = f.verify()
    msgs = [e.message for e in r.errors if e.rule == "schema"]
    assert any("unknown entry type 'mystery'" in m for m in msgs)
    assert any("extra" in m for m in msgs)


def test_backdated_entry_after_checkpoint(small_ledger):
    f = small_ledger
    f.clock += 3 * 86400
    f.checkpoint()
    f.ledger.append("wjj", "notice", {"title": "t", "text": "x"}, f.keys["wjj"], "2026-01-01T03:00:00Z")
    # office time order is also violated, but the back-dating rule must fire on its own message
    r = f.verify()
    assert any("back-dated" in e.message for e in r.problems if e.severity == "warning")


def test_fork_two_checkpoints_same_size_different_roots(small_ledger, tmp_path):
    f = small_ledger
    r = f.verify()
    size = r.checkpoints[0].size
    fake = sign_checkpoint(Checkpoint(ORIGIN, size, b"\x11" * 32, f.clock), f.log_signer)
    held = tmp_path / "held.note"
    held.write_text(fake)
    r2 = verify(f.ledger, f.ledger.trust(), extra_checkpoints=[(str(held), fake)])
    assert "fork" in rules_hit(r2)


def test_auditor_checkpoint_consistent(small_ledger):
    f = small_ledger
    note = f.ledger.checkpoint_files()[0].read_text()
    f.notice("wjj", "more")
    f.checkpoint()
    r = verify(f.ledger, f.ledger.trust(), extra_checkpoints=[("kept", note)])
    assert r.ok and len(r.checkpoints) == 2


def test_checkpoint_signed_by_other_key_rejected(small_ledger):
    f = small_ledger
    from publisher.core.note import Signer

    bad = sign_checkpoint(Checkpoint(ORIGIN, 3, b"\0" * 32, f.clock), Signer(ORIGIN, det_key("not-log")))
    (f.ledger.checkpoints_dir / "0000000003.note").write_text(bad)
    r = f.verify()
    assert any(e.rule == "checkpoint" and "invalid checkpoint" in e.message for e in r.errors)


def test_truncated_log_caught_by_checkpoint(small_ledger):
    f = small_ledger
    lines = f.ledger.log_path.read_text().splitlines(keepends=True)
    f.ledger.log_path.write_text("".join(lines[:4]))
    r = f.verify()
    assert any("entries were removed" in e.message for e in r.errors)


def test_planted_file_not_in_log(small_ledger):
    f = small_ledger
    shutil.copy(f.ledger.entry_path("wjj", 1), f.ledger.entries_dir / "wjj" / "00000009.json")
    r = f.verify()
    assert [e.message for e in r.errors if e.rule == "orphan"] == ["条目文件不在日志中 / entry file not in the log"]


def test_changed_blob_byte_is_caught(small_ledger):
    f = small_ledger
    digest = f.ledger.put_blob(b"snapshot bytes\n")
    assert f.verify().ok
    (f.ledger.blobs_dir / digest).write_bytes(b"snapshot bytez\n")
    r = f.verify()
    assert any(e.rule == "blob" and "the blob was changed" in e.message for e in r.errors)
