"""The push rules, each in both directions and with its whole refusal line (docs/spec/80-git.md §8.2).

A test that only checks "refused" lets one rule hide the removal of another: these compare the
exact ``Refusal.line()`` a clerk or CI reads.
"""

from __future__ import annotations

import hashlib

import pytest

from publisher.gitops.rules import (
    Change,
    NewLine,
    check_blob,
    check_changes,
    check_gitattributes,
    check_log_append,
    check_new_entries,
    classify,
    entry_rel,
    ledger_rel,
    scan_private_keys,
)

ID = "ab" * 32
ID2 = "cd" * 32
EXPECTED = "(expected '<office>/<seq> <entry id hex>')"


def lines(refusals):
    return [r.line() for r in refusals]


# --- immutable / layout -----------------------------------------------------------------------------


def test_log_may_only_be_modified_in_content():
    """``M`` of ledger/log is judged by the append rule; a type change (``T``, e.g. into a symlink)
    or a deletion of the log is refused like any other ledger file."""
    assert check_changes([Change("M", "ledger/log")]) == []
    assert lines(check_changes([Change("T", "ledger/log")])) == [
        "REFUSED ledger/log: immutable: modifies an existing ledger file; ledger files are only ever added, "
        "never edited"]
    assert lines(check_changes([Change("D", "ledger/log")])) == [
        "REFUSED ledger/log: immutable: deletes an existing ledger file; ledger files are only ever added"]


def test_every_change_kind_has_its_own_refusal_line():
    changes = [Change("M", "ledger/trust.json"), Change("T", "ledger/trust.json"),
               Change("M", "ledger/entries/a1/00000001.json"), Change("D", "ledger/entries/a1/00000001.json"),
               Change("A", "ledger/entries/a1/1.json"), Change("A", "ledger/entries/a1/00000002.json"),
               Change("A", "ledger/blobs/" + ID), Change("A", "ledger/checkpoints/0000000003.note"),
               Change("A", "ledger/blobs/.gitkeep"), Change("R", "ledger/blobs/" + ID),
               Change("X", "ledger/log"), Change("D", "elsewhere/log"), Change("M", "ledgerx/log")]
    assert lines(check_changes(changes)) == [
        "REFUSED ledger/trust.json: immutable: modifies an existing ledger file; trust anchors (trust.json) never change",
        "REFUSED ledger/trust.json: immutable: modifies an existing ledger file; trust anchors (trust.json) never change",
        "REFUSED ledger/entries/a1/00000001.json: immutable: modifies an existing ledger file; ledger files are only "
        "ever added, never edited",
        "REFUSED ledger/entries/a1/00000001.json: immutable: deletes an existing ledger file; ledger files are only "
        "ever added",
        "REFUSED ledger/entries/a1/1.json: layout: not a ledger file (allowed: trust.json, log, "
        "entries/<office>/<seq:08d>.json, blobs/<sha256>, checkpoints/<size:010d>.note, "
        "beacons/<chain hash>/<round>.json)",
        "REFUSED ledger/blobs/" + ID + ": immutable: unexpected change status 'R'",
        "REFUSED ledger/log: immutable: unexpected change status 'X'",
    ]


def test_prefix_is_honoured_with_or_without_slash():
    assert ledger_rel("county/ledger/log", "county/ledger") == "log"
    assert ledger_rel("county/ledger/log", "county/ledger/") == "log"
    assert ledger_rel("county/ledgerlog", "county/ledger") is None
    assert ledger_rel("ledger/log", "county/ledger") is None
    assert lines(check_changes([Change("D", "county/ledger/log"), Change("D", "ledger/log")], "county/ledger")) == [
        "REFUSED county/ledger/log: immutable: deletes an existing ledger file; ledger files are only ever added"]


@pytest.mark.parametrize("rel,kind,seq", [
    ("entries/a1/00000001.json", "entry", 1),
    ("entries/a1/99999999.json", "entry", 99999999),
    ("entries/a1/100000000.json", "entry", 100000000),
    ("entries/a1/0100000000.json", "other", 0),  # more than 8 digits only when it needs them
    ("entries/a/00000001.json", "other", 0),  # office names have at least 2 characters
    ("entries/a" + "b" * 31 + "/00000001.json", "entry", 1),
    ("entries/a" + "b" * 32 + "/00000001.json", "other", 0),
    ("entries/1a/00000001.json", "other", 0),
    ("entries/a1/00000001.json.bak", "other", 0),
    ("xentries/a1/00000001.json", "other", 0),
    ("checkpoints/0000000001.note", "checkpoint", 0),
    ("checkpoints/0000000001.notes", "other", 0),
    ("blobs/" + ID + "0", "other", 0),
    ("blobs/" + ID[:-1], "other", 0),
    ("checkpoints/.gitkeep", "keep", 0),
    ("trust.json.bak", "other", 0),
])
def test_classify_edges(rel, kind, seq):
    lp = classify(rel)
    assert (lp.kind, lp.seq) == (kind, seq)
    if kind == "entry":
        assert lp.office == rel.split("/")[1] and entry_rel(lp.office, lp.seq) == rel


# --- append-only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    f"a1/0 {ID}",  # sequence numbers start at 1
    f"a1/01 {ID}",  # no leading zeros
    f"a1/12345678901 {ID}",  # at most 10 digits
    f"a1/1 {ID}x",  # nothing after the id
    f"a1/1 {ID} ",
    f"a1/1 {ID[:-1]}",
    f"a1/1 {ID.upper()}",
    f"A1/1 {ID}",
    f"a/1 {ID}",
    f"a1/1  {ID}",
    f" a1/1 {ID}",
    f"a1-1 {ID}",
])
def test_malformed_appended_line_is_refused_with_its_text(line):
    base = f"a1/1 {ID}\n".encode()
    refusals, new = check_log_append(base, base + line.encode() + b"\n")
    short = line if len(line) <= 40 else line[:36] + "…"
    assert lines(refusals) == [f"REFUSED ledger/log: append-only: appended line 2 is malformed: {short!r} {EXPECTED}"]
    assert new == []


@pytest.mark.parametrize("line,seq", [(f"a1/1 {ID}", 1), (f"a1/10 {ID}", 10), (f"a1/9999999999 {ID}", 9999999999),
                                      ("b" * 32 + f"/2 {ID}", 2)])
def test_well_formed_appended_line_is_accepted(line, seq):
    refusals, new = check_log_append(b"", line.encode() + b"\n")
    assert refusals == [] and new == [NewLine(line.split("/")[0], seq, ID, 1)]


def test_short_texts_are_not_cut():
    line = "x" * 40
    r, _ = check_log_append(b"", line.encode() + b"\n")
    assert lines(r) == [f"REFUSED ledger/log: append-only: appended line 1 is malformed: {line!r} {EXPECTED}"]
    line = "x" * 41
    r, _ = check_log_append(b"", line.encode() + b"\n")
    assert lines(r) == [f"REFUSED ledger/log: append-only: appended line 1 is malformed: {'x' * 36 + '…'!r} {EXPECTED}"]


def test_non_ascii_line_is_malformed_not_a_crash():
    r, new = check_log_append(b"", b"a1/1 " + "é".encode() * 3 + b"\n", path="p/log")
    assert lines(r) == [f"REFUSED p/log: append-only: appended line 1 is malformed: {'a1/1 ééé'!r} {EXPECTED}"]


def test_torn_tail_and_torn_base():
    base = f"a1/1 {ID}\n".encode()
    r, new = check_log_append(base, base + f"a1/2 {ID}".encode())
    assert lines(r) == ["REFUSED ledger/log: append-only: the last line has no newline (a torn write?)"]
    assert new == [NewLine("a1", 2, ID, 2)]
    # a torn last line of the base (never committed by LedgerDir) is not part of the base
    r, new = check_log_append(base + b"a1/2 ab", base + f"a1/2 {ID}\n".encode())
    assert r == [] and new == [NewLine("a1", 2, ID, 2)]
    assert check_log_append(b"", None) == ([], [])
    assert lines(check_log_append(base, None)[0]) == ["REFUSED ledger/log: append-only: the log was deleted"]


@pytest.mark.parametrize("head,message", [
    (f"b2/1 {ID2}\na1/1 {ID}\n",
     f"line 1 was reordered (was 'a1/1 {ID[:31]}…', now 'b2/1 {ID2[:31]}…'); the log may only grow by appending lines"),
    (f"a1/1 {ID}\n", "line 2 and after (1 line) were removed; the log may only grow by appending lines"),
    ("", "line 1 and after (2 lines) were removed; the log may only grow by appending lines"),
    (f"a1/1 {ID}\nb2/1 {ID}\n",
     f"line 2 was changed or removed (was 'b2/1 {ID2[:31]}…', now 'b2/1 {ID[:31]}…'); the log may only grow by "
     "appending lines"),
    (f"a1/1 {ID}\nb2/1 {ID2}", "the newline ending line 2 was removed; the log may only grow by appending lines"),
    (f"a1/1 {ID}\nc3/1 {ID}\nb2/1 {ID2}\n",
     f"line 2 was reordered (was 'b2/1 {ID2[:31]}…', now 'c3/1 {ID[:31]}…'); the log may only grow by appending lines"),
])
def test_rewrite_descriptions_are_exact(head, message):
    base = f"a1/1 {ID}\nb2/1 {ID2}\n".encode()
    assert lines(check_log_append(base, head.encode())[0]) == [f"REFUSED ledger/log: append-only: {message}"]


def test_rewrite_of_a_repeated_line_is_changed():
    base = f"a1/1 {ID}\na1/1 {ID}\n".encode()
    assert lines(check_log_append(base, f"a1/1 {ID}\nc3/1 {ID2}\n".encode())[0]) == [
        f"REFUSED ledger/log: append-only: line 2 was changed (was 'a1/1 {ID[:31]}…', now 'c3/1 {ID2[:31]}…'); "
        "the log may only grow by appending lines"]
    assert lines(check_log_append(base, b"")[0]) == [
        "REFUSED ledger/log: append-only: line 1 and after (2 lines) were removed; the log may only grow by "
        "appending lines"]


# --- unlisted ----------------------------------------------------------------------------------------


def test_entries_and_lines_match_both_ways():
    _, new = check_log_append(b"", f"a1/1 {ID}\nb2/1 {ID2}\n".encode())
    ok = [Change("A", "ledger/entries/a1/00000001.json"), Change("A", "ledger/entries/b2/00000001.json")]
    assert check_new_entries(ok, new) == []
    # a modified (not added) entry file or a non-entry addition does not count as listed
    changes = [Change("M", "ledger/entries/a1/00000001.json"), Change("A", "ledger/blobs/" + ID),
               Change("A", "ledger/entries/b2/00000001.json"), Change("A", "ledger/entries/c3/00000007.json"),
               Change("A", "other/entries/d4/00000001.json")]
    assert lines(check_new_entries(changes, new)) == [
        "REFUSED ledger/entries/c3/00000007.json: unlisted: entry file added but no line 'c3/7 …' is appended "
        "to the log in this push",
        "REFUSED ledger/log: unlisted: appended line 1 names a1/1, but ledger/entries/a1/00000001.json is not "
        "added in this push",
    ]
    assert lines(check_new_entries([], new[:1], prefix="county/ledger/")) == [
        "REFUSED county/ledger/log: unlisted: appended line 1 names a1/1, but "
        "county/ledger/entries/a1/00000001.json is not added in this push"]


# --- blobs, keys, gitattributes -------------------------------------------------------------------------


def test_blob_name_line():
    data = b"snapshot"
    actual = hashlib.sha256(data).hexdigest()
    assert check_blob("ledger/blobs/" + actual, data) == []
    assert lines(check_blob("ledger/blobs/" + ID, data)) == [
        f"REFUSED ledger/blobs/{ID}: blob-name: content hashes to {actual[:16]}…; a blob's name must be the "
        "SHA-256 of its bytes"]


def test_private_key_lines():
    assert lines(scan_private_keys("ops/id.p12", b"")) == [
        "REFUSED ops/id.p12: private-key: key files never go into the repository (keep them in $PUBLISHER_KEYS "
        "outside it; CI gets them from secrets)"]
    for suffix in (".pem", ".key", ".pfx", ".PEM"):
        assert [r.rule for r in scan_private_keys("a" + suffix, b"")] == ["private-key"]
    assert scan_private_keys("a.pub", b"") == []
    block = (b"-----" + b"BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY" + b"-----")
    fp = hashlib.sha256(block).hexdigest()
    assert lines(scan_private_keys("notes.txt", b"x\n" + block + b"\n" + block + b"\n")) == [
        f"REFUSED notes.txt: private-key: contains a PEM private key block (fingerprint {fp[:16]}…)"]
    assert scan_private_keys("notes.txt", block, allowed=[fp]) == []
    header = b"-----" + b"BEGIN PRIVATE KEY-----"
    fp = hashlib.sha256(header).hexdigest()
    assert lines(scan_private_keys("n", header + b"\nMIIE")) == [
        f"REFUSED n: private-key: contains a PEM private key block (fingerprint {fp[:16]}…)"]
    go = ("PRIVATE" + "+KEY+example.com+0a1b2c3d+AY" + "A" * 42).encode()
    fp = hashlib.sha256(go).hexdigest()
    assert lines(scan_private_keys("R", go + b" " + go)) == [
        f"REFUSED R: private-key: contains a signed-note private key string (fingerprint {fp[:16]}…)"]
    # PUBLIC keys and too-short strings are not secrets
    assert scan_private_keys("R", b"-----" + b"BEGIN PUBLIC KEY-----") == []
    assert scan_private_keys("R", ("PRIVATE" + "+KEY+example.com+0a1b2c3d+AYAA").encode()) == []


def test_gitattributes_line():
    assert check_gitattributes(b"county/ledger/log merge=union\n", prefix="county/ledger/") == []
    # attributes that rewrite bytes on checkout are refused (ledger files are hashed as stored),
    # on the union line itself and on any other line; unsetting them is harmless and allowed
    assert lines(check_gitattributes(b"ledger/log text merge=union\n")) == [
        "REFUSED .gitattributes: gitattributes: line 1 sets text: attributes that rewrite bytes on checkout are "
        "not allowed (ledger files are hashed as stored)"]
    assert lines(check_gitattributes(b"ledger/log merge=union\nledger/** text eol=crlf filter=lfs\n")) == [
        "REFUSED .gitattributes: gitattributes: line 2 sets text eol=crlf filter=lfs: attributes that rewrite "
        "bytes on checkout are not allowed (ledger files are hashed as stored)"]
    assert check_gitattributes(b"ledger/log -text merge=union\nledger/blobs/* binary !eol\n") == []
    assert lines(check_gitattributes(b"ledger/logs merge=union\nledger/log\n# ledger/log merge=union\n")) == [
        "REFUSED .gitattributes: gitattributes: must keep the line 'ledger/log merge=union' (concurrent appends "
        "of different offices rely on it)"]
    assert check_gitattributes(b"merge=union ledger/log\n")[0].rule == "gitattributes"


# --- properties over random logs -------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_office = st.from_regex(r"[a-z][a-z0-9-]{1,31}", fullmatch=True)
_good = st.builds(lambda o, s, h: f"{o}/{s} {h}", _office, st.integers(1, 9_999_999_999),
                  st.from_regex(r"[0-9a-f]{64}", fullmatch=True))
_any = st.one_of(_good, st.text(alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=80))


@settings(max_examples=300, deadline=None)
@given(st.lists(_good, max_size=5), st.lists(_any, max_size=8))
def test_append_is_judged_line_by_line(base_lines, tail_lines):
    """Every appended line is either returned, parsed back to exactly its text, or refused once with
    its own line number; nothing else is refused, and the base is never re-judged."""
    base = "".join(line + "\n" for line in base_lines).encode()
    tail = "".join(line + "\n" for line in tail_lines).encode()
    refusals, new = check_log_append(base, base + tail)
    first = len(base_lines) + 1
    parsed = {n.lineno: f"{n.office}/{n.seq} {n.entry_id}" for n in new}
    refused = [int(r.message.split()[2]) for r in refusals]
    assert all(r.rule == "append-only" and r.path == "ledger/log" for r in refusals)
    assert len(refused) == len(set(refused))  # each malformed line refused once
    assert set(parsed) | set(refused) == set(range(first, first + len(tail_lines)))
    assert not set(parsed) & set(refused)
    for i, line in enumerate(tail_lines):
        if first + i in parsed:
            assert parsed[first + i] == line
    # removing any one base line is always refused as a rewrite, never as a malformed append
    cut = "".join(line + "\n" for line in base_lines[1:]).encode()
    if base_lines and not (cut + tail).startswith(base):
        r, n = check_log_append(base, cut + tail)
        assert n == [] and len(r) == 1 and r[0].rule == "append-only" and "appended line" not in r[0].message


def test_prefix_ending_in_any_character_and_bare_blob_names():
    """The ledger directory may be named anything (``rstrip`` removes only slashes); a blob path may
    be given without a directory; a .gitattributes that is not valid UTF-8 is still read."""
    _, new = check_log_append(b"", f"a1/1 {ID}\n".encode())
    assert lines(check_new_entries([], new, prefix="dataX/")) == [
        "REFUSED dataX/log: unlisted: appended line 1 names a1/1, but dataX/entries/a1/00000001.json is not "
        "added in this push"]
    assert check_gitattributes(b"dataX/log merge=union\n", prefix="dataX") == []
    data = b"snapshot"
    assert check_blob(hashlib.sha256(data).hexdigest(), data) == []
    assert check_gitattributes(b"\xff\xfe junk\nledger/log merge=union\n") == []
    assert check_gitattributes(b"\xff\nledger/log -merge\n")[0].rule == "gitattributes"
