"""Gate rules in both directions, on plain data, with their whole refusal lines (spec §8.2).

``outside`` and ``checkpoint-order`` are also exercised through ``check-push`` on real repositories
(test_check_push.py, test_checkpoint_order.py); these pin each rule's own margins and texts so that
the mutation run of ``gitops/rules.py`` (which runs only ``tests/gitops/test_rules*``) sees them.
"""

from __future__ import annotations

import pytest

from publisher.gitops.rules import (
    OUTSIDE_MESSAGE,
    Change,
    LedgerPath,
    Refusal,
    check_changes,
    check_checkpoint_order,
    check_gitattributes,
    check_log_append,
    check_new_entries,
    check_outside,
    classify,
    is_zero_sha,
    ledger_rel,
)

ID = "ab" * 32
CHAIN = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
OUT = ("an office push may change only {p}/; code, CI files, site content and .gitattributes change through "
       "review by code owners (docs/OPERATIONS.md, \"The gate\")")


def lines(refusals):
    return [r.line() for r in refusals]


# --- outside -------------------------------------------------------------------------------------


def test_outside_refuses_every_change_outside_the_ledger_and_nothing_inside():
    changes = [Change("A", "ledger/entries/a1/00000001.json"), Change("M", "ledger/log"),
               Change("M", ".gitattributes"), Change("A", "src/x.py"), Change("D", "ledgerx/log"),
               Change("M", "ledger"), Change("T", ".github/workflows/ci.yml")]
    assert lines(check_outside(changes)) == [
        f"REFUSED .gitattributes: outside: {OUT.format(p='ledger')}",
        f"REFUSED src/x.py: outside: {OUT.format(p='ledger')}",
        f"REFUSED ledgerx/log: outside: {OUT.format(p='ledger')}",
        f"REFUSED ledger: outside: {OUT.format(p='ledger')}",
        f"REFUSED .github/workflows/ci.yml: outside: {OUT.format(p='ledger')}",
    ]
    assert check_outside([Change("A", "ledger/blobs/" + ID), Change("M", "ledger/log")]) == []
    assert check_outside([]) == []


def test_outside_names_the_configured_ledger_directory():
    assert OUTSIDE_MESSAGE.format(prefix="x") == OUT.format(p="x")
    assert lines(check_outside([Change("A", "ledger/log"), Change("A", "county/ledger/log")], "county/ledger/")) == [
        f"REFUSED ledger/log: outside: {OUT.format(p='county/ledger')}"]


# --- checkpoint-order ------------------------------------------------------------------------------


def _cp(n: int, prefix: str = "ledger") -> str:
    return f"{prefix}/checkpoints/{n:010d}.note"


def _order_line(n: int, newest: int) -> str:
    return (f"REFUSED {_cp(n)}: checkpoint-order: adds a checkpoint of size {n}, not larger than the newest "
            f"published checkpoint (size {newest}); checkpoints are only ever added for a larger log")


def test_checkpoint_order_margin():
    """Equal to the newest is refused (a second checkpoint of the same size is a fork or a replay);
    one larger is admitted."""
    base = [_cp(5), _cp(9), _cp(7)]
    assert lines(check_checkpoint_order([Change("A", _cp(9))], base)) == [_order_line(9, 9)]
    assert lines(check_checkpoint_order([Change("A", _cp(8))], base)) == [_order_line(8, 9)]
    assert check_checkpoint_order([Change("A", _cp(10))], base) == []


def test_checkpoint_order_first_checkpoint_and_size_zero():
    """With none published, any size is admitted, including 0 (the empty log)."""
    assert check_checkpoint_order([Change("A", _cp(0))], []) == []
    assert check_checkpoint_order([Change("A", _cp(1))], ["ledger/log", "ledger/checkpoints/.gitkeep"]) == []
    assert lines(check_checkpoint_order([Change("A", _cp(0))], [_cp(0)])) == [_order_line(0, 0)]


def test_checkpoint_order_only_judges_added_checkpoints():
    base = [_cp(9)]
    changes = [Change("M", _cp(3)), Change("D", _cp(4)), Change("T", _cp(2)),
               Change("A", "ledger/entries/a1/00000001.json"), Change("A", "ledger/checkpoints/3.note"),
               Change("A", "other/checkpoints/0000000001.note")]
    assert check_checkpoint_order(changes, base) == []
    both = [Change("A", _cp(2)), Change("A", _cp(12)), Change("A", _cp(9))]
    assert lines(check_checkpoint_order(both, base)) == [_order_line(2, 9), _order_line(9, 9)]


def test_checkpoint_order_reads_base_names_under_the_prefix_only():
    """Base checkpoints outside the ledger directory, or not named like checkpoints, do not count."""
    base = ["other/checkpoints/0000000050.note", "ledger/checkpoints/50.note", _cp(4)]
    assert check_checkpoint_order([Change("A", _cp(5))], base) == []
    base = ["county/ledger/checkpoints/0000000050.note"]
    assert [r.message for r in check_checkpoint_order(
        [Change("A", "county/ledger/checkpoints/0000000050.note")], base, prefix="county/ledger")] == [
        "adds a checkpoint of size 50, not larger than the newest published checkpoint (size 50); checkpoints "
        "are only ever added for a larger log"]


# --- small pieces the gate relies on -------------------------------------------------------------


@pytest.mark.parametrize("rev,zero", [("0" * 7, True), ("0" * 6, False), ("0" * 40, True), ("0" * 64, True),
                                      ("0" * 65, False), ("0" * 39 + "a", False), ("a" + "0" * 39, False),
                                      ("", False)])
def test_zero_sha_edges(rev, zero):
    assert is_zero_sha(rev) is zero


@pytest.mark.parametrize("rel,kind", [
    (f"beacons/{CHAIN}/1.json", "beacon"),
    (f"beacons/{CHAIN}/9999999999999999.json", "beacon"),
    (f"beacons/{CHAIN}/10000000000000000.json", "other"),
    (f"beacons/{CHAIN}/0.json", "other"),
    (f"beacons/{CHAIN}/01.json", "other"),
    (f"beacons/{CHAIN[:-1]}/1.json", "other"),
    (f"beacons/{CHAIN}/1.json.bak", "other"),
    (f"xbeacons/{CHAIN}/1.json", "other"),
    ("entries/.gitkeep", "keep"),
    ("blobs/.gitkeep", "keep"),
    ("beacons/.gitkeep", "other"),
    ("checkpoints/00000000012.note", "other"),
    ("xcheckpoints/0000000012.note", "other"),
    ("xblobs/" + ID, "other"),
    ("xtrust.json", "other"),
    ("logx", "other"),
    ("entries/a1/00000000.json", "other"),
    ("entries/a1/0000000001.json", "other"),
    ("entries/a1/1000000000.json", "entry"),
    ("entries/a1/10000000000.json", "other"),
])
def test_classify_more_edges(rel, kind):
    assert classify(rel).kind == kind


def test_classify_fields():
    assert classify("entries/ab-9/00000012.json") == LedgerPath("entry", office="ab-9", seq=12, digest="")
    assert classify("blobs/" + ID) == LedgerPath("blob", office="", seq=0, digest=ID)
    assert classify(f"beacons/{CHAIN}/1.json") == LedgerPath("beacon")


def test_ledger_rel_requires_the_whole_directory_name():
    assert ledger_rel("ledger/log", "ledger") == "log"
    assert ledger_rel("ledger/log", "ledger//") == "log"
    assert ledger_rel("ledgerlog", "ledger") is None
    assert ledger_rel("xledger/log", "ledger") is None


def test_recorded_beacon_may_be_added_never_changed():
    path = f"ledger/beacons/{CHAIN}/7.json"
    assert check_changes([Change("A", path)]) == []
    assert lines(check_changes([Change("M", path)])) == [
        f"REFUSED {path}: immutable: modifies an existing ledger file; ledger files are only ever added, never edited"]


def test_keep_files_may_be_added():
    assert check_changes([Change("A", "ledger/entries/.gitkeep"), Change("A", "ledger/trust.json"),
                          Change("A", "ledger/log")]) == []


def test_refusal_line_format():
    assert Refusal("p", "r", "m").line() == "REFUSED p: r: m"


# --- log append: numbering and both directions --------------------------------------------------


def test_appended_line_numbers_count_from_the_base():
    base = f"a1/1 {ID}\na1/2 {ID}\n".encode()
    refusals, new = check_log_append(base, base + f"a1/3 {ID}\nbad\na1/4 {ID}\n".encode())
    assert [(n.seq, n.lineno) for n in new] == [(3, 3), (4, 5)]
    assert lines(refusals) == ["REFUSED ledger/log: append-only: appended line 4 is malformed: 'bad' "
                               "(expected '<office>/<seq> <entry id hex>')"]


def test_torn_tail_without_newline_is_still_parsed_line_by_line():
    refusals, new = check_log_append(b"", f"a1/1 {ID}\nzz".encode())
    assert lines(refusals) == [
        "REFUSED ledger/log: append-only: the last line has no newline (a torn write?)",
        "REFUSED ledger/log: append-only: appended line 2 is malformed: 'zz' (expected '<office>/<seq> <entry id hex>')"]
    assert [(n.office, n.seq, n.lineno) for n in new] == [("a1", 1, 1)]


def test_base_without_any_newline_is_empty():
    """A base that is one torn line (no newline at all) counts as empty: the whole head is the tail."""
    refusals, new = check_log_append(b"a1/1 ab", f"a1/1 {ID}\n".encode())
    assert refusals == [] and [(n.seq, n.lineno) for n in new] == [(1, 1)]


def test_unlisted_both_directions_with_the_default_prefix():
    _, new = check_log_append(b"", f"a1/2 {ID}\n".encode())
    assert check_new_entries([Change("A", "ledger/entries/a1/00000002.json")], new) == []
    assert lines(check_new_entries([Change("A", "ledger/entries/a1/00000003.json")], new)) == [
        "REFUSED ledger/entries/a1/00000003.json: unlisted: entry file added but no line 'a1/3 …' is appended to "
        "the log in this push",
        "REFUSED ledger/log: unlisted: appended line 1 names a1/2, but ledger/entries/a1/00000002.json is not "
        "added in this push"]


# --- gitattributes ---------------------------------------------------------------------------------


def test_gitattributes_leading_slash_and_no_text():
    assert check_gitattributes(b"/ledger/log merge=union\n") == []
    assert check_gitattributes(b"  ledger/log   merge=union  \n\n# c\n") == []
    missing = ("REFUSED .gitattributes: gitattributes: must keep the line 'ledger/log merge=union' (concurrent "
               "appends of different offices rely on it)")
    assert lines(check_gitattributes(None)) == [missing]
    assert lines(check_gitattributes(b"")) == [missing]
    assert lines(check_gitattributes(b"ledger/log merge=ours\n")) == [missing]


@pytest.mark.parametrize("attr", ["text", "text=auto", "eol=lf", "filter=lfs", "working-tree-encoding=UTF-16",
                                  "ident", "crlf"])
def test_each_rewriting_attribute_is_refused(attr):
    assert lines(check_gitattributes(f"ledger/log merge=union\n*.json {attr}\n".encode())) == [
        f"REFUSED .gitattributes: gitattributes: line 2 sets {attr}: attributes that rewrite bytes on checkout are "
        "not allowed (ledger files are hashed as stored)"]


@pytest.mark.parametrize("attr", ["-text", "!eol", "binary", "-crlf", "diff", "merge=union", "linguist-generated"])
def test_harmless_attributes_pass(attr):
    assert check_gitattributes(f"ledger/log merge=union\n*.json {attr}\n".encode()) == []


def test_ledger_directory_name_may_end_in_any_letter():
    """``rstrip`` removes only slashes: a directory named ``dataX`` keeps its last letter."""
    assert ledger_rel("dataX/log", "dataX") == "log"
    assert ledger_rel("dataX/log", "dataX/") == "log"
    assert ledger_rel("data/log", "dataX") is None


def test_rewrite_of_a_log_with_bytes_that_are_not_utf8_is_described_not_a_crash():
    base = b"a1/1 \xff\xfe\n" + f"b2/1 {ID}\n".encode()
    head = f"b2/1 {ID}\n".encode()
    assert lines(check_log_append(base, head)[0]) == [
        "REFUSED ledger/log: append-only: line 1 was reordered (was 'a1/1 \ufffd\ufffd', now "
        f"'b2/1 {ID[:31]}…'); the log may only grow by appending lines"]
    # and in the new log
    assert lines(check_log_append(f"a1/1 {ID}\n".encode(), b"a1/1 \xc3\n")[0]) == [
        f"REFUSED ledger/log: append-only: line 1 was changed or removed (was 'a1/1 {ID[:31]}…', now "
        "'a1/1 \ufffd'); the log may only grow by appending lines"]


def test_gitattributes_comments_and_blank_lines_are_skipped_not_the_end():
    """A comment or blank line before the union line does not stop the reading; a comment that
    mentions a rewriting attribute is not a setting."""
    assert check_gitattributes(b"# ledger/log text eol=crlf\n\n   \nledger/log merge=union\n") == []
    assert lines(check_gitattributes(b"# header\nledger/log merge=union\n*.txt text\n")) == [
        "REFUSED .gitattributes: gitattributes: line 3 sets text: attributes that rewrite bytes on checkout are "
        "not allowed (ledger files are hashed as stored)"]


def test_gitattributes_attribute_value_containing_equals_is_read_by_its_name():
    assert lines(check_gitattributes(b"ledger/log merge=union\n*.bin filter=a=b\n")) == [
        "REFUSED .gitattributes: gitattributes: line 2 sets filter=a=b: attributes that rewrite bytes on checkout "
        "are not allowed (ledger files are hashed as stored)"]


@pytest.mark.parametrize("base,head,message", [
    # a line that moved up from later in the old log: reordered, even if the old line is gone
    (f"a1/1 {ID}\nb2/1 {ID}\n", f"b2/1 {ID}\nc3/1 {ID}\n",
     f"line 1 was reordered (was 'a1/1 {ID[:31]}…', now 'b2/1 {ID[:31]}…')"),
    # an empty line where an old line was is not "reordered" just because the old log had one
    (f"a1/1 {ID}\n\nb2/1 {ID}\n", f"\nc3/1 {ID}\n",
     f"line 1 was changed or removed (was 'a1/1 {ID[:31]}…', now '')"),
    # the newline of line 2 and the whole line 3 removed
    (f"a1/1 {ID}\nb2/1 {ID}\nc3/1 {ID}\n", f"a1/1 {ID}\nb2/1 {ID}",
     "line 3 and after (1 line) were removed"),
])
def test_rewrite_descriptions_more(base, head, message):
    assert lines(check_log_append(base.encode(), head.encode())[0]) == [
        f"REFUSED ledger/log: append-only: {message}; the log may only grow by appending lines"]


def test_torn_base_keeps_every_complete_line():
    """Only the torn tail of the old log is dropped, not everything after its first line; the
    appended lines are numbered after all complete old lines."""
    base = f"a1/1 {ID}\na1/2 {ID}\na1/3 ab".encode()
    refusals, new = check_log_append(base, f"a1/1 {ID}\na1/2 {ID}\na1/3 {ID}\n".encode())
    assert refusals == [] and [(n.seq, n.lineno) for n in new] == [(3, 3)]
    # a torn line after a complete line that happens to end in the same letters
    base = f"a1/1 {ID}\nXX\nXX".encode()
    refusals, new = check_log_append(base, f"a1/1 {ID}\nXX\na1/2 {ID}\n".encode())
    assert refusals == [] and [(n.seq, n.lineno) for n in new] == [(2, 3)]


def test_appended_line_that_is_not_utf8_is_shown_with_replacement_characters():
    r, new = check_log_append(b"", b"a1/1 \xff\xfe\n")
    assert lines(r) == ["REFUSED ledger/log: append-only: appended line 1 is malformed: 'a1/1 \ufffd\ufffd' "
                        "(expected '<office>/<seq> <entry id hex>')"] and new == []


def test_outside_names_a_ledger_directory_ending_in_a_letter():
    assert lines(check_outside([Change("A", "src/x.py")], "dataX")) == [
        f"REFUSED src/x.py: outside: {OUT.format(p='dataX')}"]
