"""The pure push rules, on plain data (no git)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from publisher.core.keys import SigningKey
from publisher.gitops.rules import (
    Change,
    LedgerPath,
    check_blob,
    check_changes,
    check_gitattributes,
    check_log_append,
    check_new_entries,
    classify,
    is_zero_sha,
    scan_private_keys,
)

REPO = Path(__file__).resolve().parents[2]
ID = "ab" * 32
ID2 = "cd" * 32


@pytest.mark.parametrize("rel,expected", [
    ("trust.json", LedgerPath("trust")),
    ("log", LedgerPath("log")),
    ("entries/.gitkeep", LedgerPath("keep")),
    ("entries/scjgj/00000001.json", LedgerPath("entry", "scjgj", 1)),
    ("entries/scjgj/123456789.json", LedgerPath("entry", "scjgj", 123456789)),
    ("entries/scjgj/0000001.json", LedgerPath("other")),  # not zero-padded to 8
    ("entries/scjgj/000000001.json", LedgerPath("other")),  # padded beyond 8
    ("entries/scjgj/00000000.json", LedgerPath("other")),  # seq starts at 1
    ("entries/SCJGJ/00000001.json", LedgerPath("other")),
    ("blobs/" + ID, LedgerPath("blob", digest=ID)),
    ("blobs/" + ID.upper(), LedgerPath("other")),
    ("checkpoints/0000000012.note", LedgerPath("checkpoint")),
    ("checkpoints/12.note", LedgerPath("other")),
    (".lock", LedgerPath("other")),
])
def test_classify(rel, expected):
    assert classify(rel) == expected


def test_zero_sha():
    assert is_zero_sha("0" * 40) and is_zero_sha("0" * 64)
    assert not is_zero_sha("0" * 39 + "1")


def test_check_changes():
    changes = [Change("M", "ledger/entries/a1/00000001.json"), Change("D", "ledger/blobs/" + ID),
               Change("M", "ledger/trust.json"), Change("M", "ledger/log"), Change("D", "ledger/log"),
               Change("A", "ledger/entries/a1/00000002.json"), Change("A", "ledger/x.txt"),
               Change("M", "src/anything.py"), Change("D", "docs/old.md"), Change("T", "ledger/checkpoints/0000000001.note")]
    got = [(r.path, r.rule) for r in check_changes(changes)]
    assert got == [("ledger/entries/a1/00000001.json", "immutable"), ("ledger/blobs/" + ID, "immutable"),
                   ("ledger/trust.json", "immutable"), ("ledger/log", "immutable"),
                   ("ledger/x.txt", "layout"), ("ledger/checkpoints/0000000001.note", "immutable")]


def test_log_append_ok():
    base = f"a1/1 {ID}\n".encode()
    head = base + f"b2/1 {ID2}\na1/2 {ID}\n".encode()
    refusals, new = check_log_append(base, head)
    assert refusals == []
    assert [(n.office, n.seq, n.lineno) for n in new] == [("b2", 1, 2), ("a1", 2, 3)]
    assert check_log_append(None, base)[1][0].lineno == 1  # first push of a log
    assert check_log_append(base, base) == ([], [])


@pytest.mark.parametrize("head,fragment", [
    (f"b2/1 {ID2}\na1/1 {ID}\n", "line 1 was reordered"),
    (f"a1/1 {ID}\n", "line 2 and after (1 line) were removed"),
    ("", "line 1 and after (2 lines) were removed"),
    (f"a1/1 {ID}\nb2/1 {ID}\n", "line 2 was changed or removed"),
    (f"a1/1 {ID}\nb2/1 {ID2}", "the newline ending line 2 was removed"),
])
def test_log_rewrites(head, fragment):
    base = f"a1/1 {ID}\nb2/1 {ID2}\n".encode()
    refusals, new = check_log_append(base, head.encode())
    assert len(refusals) == 1 and refusals[0].rule == "append-only" and new == []
    assert fragment in refusals[0].message, refusals[0].message


def test_log_appended_junk():
    base = f"a1/1 {ID}\n".encode()
    r, new = check_log_append(base, base + b"hello\n" + f"a1/2 {ID}".encode())
    msgs = [x.message for x in r]
    assert any("no newline" in m for m in msgs) and any("appended line 2 is malformed" in m for m in msgs)
    assert [n.seq for n in new] == [2]
    r, _ = check_log_append(base, None)
    assert r[0].message == "the log was deleted"


def test_new_entries_match_new_lines():
    _, new = check_log_append(b"", f"a1/1 {ID}\nb2/1 {ID2}\n".encode())
    changes = [Change("A", "ledger/entries/a1/00000001.json"), Change("A", "ledger/entries/c3/00000001.json")]
    got = sorted((r.path, r.message.split(",")[0]) for r in check_new_entries(changes, new))
    assert got == [("ledger/entries/c3/00000001.json", "entry file added but no line 'c3/1 …' is appended to the log in this push"),
                   ("ledger/log", "appended line 2 names b2/1")]


def test_blob_name():
    data = b"snapshot"
    good = "ledger/blobs/" + hashlib.sha256(data).hexdigest()
    assert check_blob(good, data) == []
    assert check_blob("ledger/blobs/" + ID, data)[0].rule == "blob-name"


def test_private_key_material():
    key = SigningKey.generate()
    pem = key.to_encrypted_pem(b"pw")
    assert scan_private_keys("x/backup.txt", b"see:\n" + pem)[0].rule == "private-key"
    assert scan_private_keys("a.KEY", b"")[0].rule == "private-key"
    assert scan_private_keys("certs/ca.pem", b"public stuff")[0].rule == "private-key"
    rsa_header = b"-----" + b"BEGIN RSA PRIVATE KEY" + b"-----\nMIIE\n"  # header without END
    assert scan_private_keys("notes", rsa_header)
    go = ("PRIVATE" + "+KEY+example.com+0a1b2c3d+AY" + "A" * 42).encode()
    r = scan_private_keys("README", b"key = " + go + b"\n")
    assert r and "signed-note private key" in r[0].message
    fp = hashlib.sha256(go).hexdigest()
    assert r[0].message.endswith(f"(fingerprint {fp[:16]}…)")
    assert scan_private_keys("README", go, allowed=[fp]) == []
    # prose that names the formats is fine
    assert scan_private_keys("docs/ops.md", b"never commit a PRIVATE KEY or PRIVATE+KEY+<name> string") == []


def test_published_go_test_key_in_vectors_is_allowed():
    data = (REPO / "tests" / "vectors" / "signed-note-and-checkpoints.json").read_bytes()
    assert b"+KEY+PeterNeumann+" in data
    assert scan_private_keys("tests/vectors/signed-note-and-checkpoints.json", data) == []


def test_gitops_sources_and_docs_do_not_trip_their_own_scanner():
    mine = list((REPO / "src" / "publisher" / "gitops").glob("*.py")) + \
        list((REPO / "tests" / "gitops").glob("*.py")) + \
        [REPO / p for p in ("docs/spec/80-git.md", "docs/OPERATIONS.md", ".github/workflows/portal.yml",
                            ".gitlab-ci.yml", "src/publisher/cli/git_cmds.py")]
    for p in mine:
        if p.exists():
            assert scan_private_keys(str(p.relative_to(REPO)), p.read_bytes()) == [], p


def test_gitattributes_keep_union_merge():
    assert check_gitattributes(b"*.png binary\nledger/log merge=union\n") == []
    assert check_gitattributes(b"/ledger/log   merge=union -text\n") == []
    assert check_gitattributes(b"ledger/log -merge\n")[0].rule == "gitattributes"
    assert check_gitattributes(None)[0].path == ".gitattributes"


def test_recorded_beacons_may_be_added_never_changed():
    """ledger/beacons/<chain>/<round>.json (spec §5A.4) is part of the layout: added, never edited."""
    ok = f"ledger/beacons/{ID}/12040883.json"
    changes = [Change("A", ok), Change("A", f"ledger/beacons/{ID}/0.json"), Change("A", "ledger/beacons/x/1.json"),
               Change("M", ok), Change("D", ok)]
    got = [(r.path, r.rule) for r in check_changes(changes)]
    assert got == [(f"ledger/beacons/{ID}/0.json", "layout"), ("ledger/beacons/x/1.json", "layout"),
                   (ok, "immutable"), (ok, "immutable")]
