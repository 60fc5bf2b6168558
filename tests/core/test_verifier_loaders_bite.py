"""The verifier's own loader (``sequential_loader``) judges exactly as the parallel one.

A ``LedgerDir`` brings its own loader (storage/parallel.py), so the kernel's sequential loader —
the one any other ``LedgerSource`` gets — ran in no test and its mutants had no test to meet
(docs/QUALITY.md). Here the same tampered ledgers go through both, in this process (workers=1,
so a broken loader fails at once and the mutation tool sees which test ran it), and must give
the same problems; the branches only the sequential loader has (a start offset, an I/O error
without a reason) are pinned with their message.
"""

from __future__ import annotations

import os

import pytest

from publisher.core.verifier import Report, known_keys, sequential_loader, verify

SC4 = "ledger/entries/scjgj/00000004.json"


class Plain:
    """A LedgerSource without a parallel loader of its own (what a non-directory source is)."""

    def __init__(self, ledger, broken: tuple[str, int] | None = None):
        self._ledger, self._broken = ledger, broken

    def __getattr__(self, name):
        if name == "iter_loaded":
            raise AttributeError(name)
        return getattr(self._ledger, name)

    def read_entry_bytes(self, office: str, seq: int) -> bytes:
        if (office, seq) == self._broken:
            raise OSError(5, "Input/output error")  # an unreadable sector: no `why` of its own
        return self._ledger.read_entry_bytes(office, seq)


def both(f):
    """(problems via the verifier's sequential loader, via the ledger's loader in-process)."""
    seq = verify(Plain(f.ledger), f.ledger.trust())
    par = verify(f.ledger, f.ledger.trust(), workers=1)
    return list(seq.problems), list(par.problems)


def lines(f) -> list[str]:
    return f.ledger.log_path.read_text().splitlines(keepends=True)


def test_clean_ledger_same_report(small_ledger):
    seq = verify(Plain(small_ledger.ledger), small_ledger.ledger.trust())
    par = verify(small_ledger.ledger, small_ledger.ledger.trust(), workers=1)
    assert seq.problems == par.problems == []
    assert (seq.size, seq.root) == (par.size, par.root) and seq.size == 11


def test_missing_file_same_problem(small_ledger):
    small_ledger.ledger.entry_path("scjgj", 4).unlink()
    s, p = both(small_ledger)
    assert s == p == [p[0]]
    assert (s[0].rule, s[0].message, s[0].file, s[0].entry_id) == (
        "missing", "entry file listed in the log is missing (deleted?)", SC4, lines(small_ledger)[10].split()[1])


def test_office_directory_replaced_by_a_file(small_ledger):
    d = small_ledger.ledger.entries_dir / "wjj"
    for name in os.listdir(d):
        os.unlink(d / name)
    os.rmdir(d)
    d.write_bytes(b"not a directory")  # reading wjj/N.json raises NotADirectoryError: missing, not a crash
    s, p = both(small_ledger)
    assert s == p
    missing = [(x.rule, x.file) for x in s if x.rule == "missing"]
    assert missing == [("missing", f"ledger/entries/wjj/0000000{n}.json") for n in (1, 2, 3)]


def test_symlinked_entry_is_a_layout_error_with_its_reason(small_ledger):
    p = small_ledger.ledger.entry_path("wjj", 2)
    target = p.with_name("elsewhere")
    os.rename(p, target)
    os.symlink(target, p)
    s, par = both(small_ledger)
    assert s == par
    assert [(x.rule, x.message, x.file) for x in s if x.file.endswith("wjj/00000002.json")] == [
        ("layout", "a symlink; a ledger entry must be a regular file", "ledger/entries/wjj/00000002.json")]


def test_changed_and_unparsable_files_same_problems(small_ledger):
    led = small_ledger.ledger
    led.entry_path("wjj", 1).write_bytes(b"{not json")
    raw = led.entry_path("scjgj", 2).read_bytes()
    led.entry_path("scjgj", 2).write_bytes(raw.replace(b"\xe5\x85\xac\xe5\x91\x8a1", b"\xe5\x85\xac\xe5\x91\x8a9"))
    s, p = both(small_ledger)
    assert s == p
    assert {(x.rule, x.file) for x in s if x.severity == "error"} >= {
        ("envelope", "ledger/entries/wjj/00000001.json"), ("hash", "ledger/entries/scjgj/00000002.json")}


def test_malformed_log_line_stops_both_loaders(small_ledger):
    f = small_ledger
    ls = lines(f)
    f.ledger.log_path.write_text("".join(ls[:6] + ["wjj/0 " + "0" * 64 + "\n"] + ls[6:]))
    s, p = both(f)
    assert s == p
    assert [(x.rule, x.message) for x in s if x.rule == "log"] == [
        ("log", "line 7: malformed log line 'wjj/0 " + "0" * 64 + "'")]


def test_unknown_signer_key_same_verdict(small_ledger):
    """A key the loader does not know (sig_ok None) is judged later by the registry, identically."""
    from ledgertools import det_key

    small_ledger.notice("wjj", "forged", key=det_key("stranger"))
    s, p = both(small_ledger)
    assert s == p
    assert [(x.rule, x.file) for x in s] == [("signature", "ledger/entries/wjj/00000004.json")]


def test_unreadable_entry_is_a_located_layout_error(small_ledger):
    """An OSError without a reason of its own is reported with the system's text, and the rest
    of the log is still checked (a later missing file is found too)."""
    f = small_ledger
    f.ledger.entry_path("scjgj", 4).unlink()
    r = verify(Plain(f.ledger, broken=("wjj", 2)), f.ledger.trust())
    assert [(p.rule, p.message, p.file, p.severity) for p in r.problems if p.file.startswith("ledger/entries")] == [
        ("layout", "not a regular file (Input/output error)", "ledger/entries/wjj/00000002.json", "error"),
        ("missing", "entry file listed in the log is missing (deleted?)", SC4, "error")]


@pytest.mark.parametrize("start", [0, 1, 4, 10, 11])
def test_sequential_loader_starts_at_the_given_index(small_ledger, start):
    led = small_ledger.ledger
    keys = known_keys(led, led.trust())
    got = list(sequential_loader(led, keys, start))
    raw = list(led.iter_raw_log())
    assert [(x.lineno, x.text) for x in got] == raw[start:]
    assert all(x.entry is not None and x.sig_ok is True and not x.missing and x.error is None for x in got)
    assert [x.entry.id for x in got] == [t.split()[1] for _, t in raw[start:]]


def test_loaded_records_say_what_is_wrong(small_ledger):
    led = small_ledger.ledger
    led.entry_path("wjj", 1).write_bytes(b"[]")
    led.entry_path("wjj", 2).unlink()
    keys = known_keys(led, led.trust())
    every = list(sequential_loader(led, keys))  # from the first line unless told otherwise
    assert [x.lineno for x in every] == list(range(1, 12))
    got = {x.text.split()[0]: x for x in every}
    bad, gone, ok = got["wjj/1"], got["wjj/2"], got["wjj/3"]
    assert (bad.missing, bad.entry, bad.error_rule) == (False, None, "envelope") and bad.error
    assert (gone.missing, gone.entry, gone.error) == (True, None, None)
    assert (ok.missing, ok.error, ok.sig_ok, ok.schema_errors) == (False, None, True, ())
    assert (bad.lineno, gone.lineno, ok.lineno) == (6, 8, 10) and ok.text.startswith("wjj/3 ")
    assert (bad.text, gone.text) == tuple(t for n, t in led.iter_raw_log() if n in (6, 8))


def test_report_rule_finds_a_rule_by_name():
    class R:
        def __init__(self, name):
            self.name = name

    a, b = R("draw"), R("workflow")
    rep = Report(rules=[a, b])
    assert rep.rule("workflow") is b and rep.rule("draw") is a and rep.rule("site") is None


def test_both_loaders_give_equal_records_line_by_line(small_ledger):
    """Record for record, not only in the verdict: a malformed line is "not loaded" (missing,
    no error) in both, whatever the verifier then does with it."""
    f = small_ledger
    led = f.ledger
    led.entry_path("wjj", 1).write_bytes(b"{not json")
    led.entry_path("wjj", 2).unlink()
    p = led.entry_path("scjgj", 3)
    os.rename(p, p.with_name("moved"))
    os.symlink(p.with_name("moved"), p)
    ls = lines(f)
    led.log_path.write_text("".join(ls[:3] + ["operator/x " + "0" * 64 + "\n"] + ls[3:]))
    keys = known_keys(led, led.trust())
    seq = list(sequential_loader(led, keys))
    assert seq == list(led.iter_loaded(keys, 1)) and len(seq) == 12
    bad = seq[3]
    assert (bad.lineno, bad.missing, bad.error, bad.entry) == (4, True, None, None)


class Minimal:
    """Exactly the reads of the LedgerSource protocol, nothing a LedgerDir adds (no parallel
    loader, no blob listing, no layout check, no recorded beacons)."""

    def __init__(self, ledger):
        self._l = ledger

    def iter_raw_log(self):
        return self._l.iter_raw_log()

    def read_entry_bytes(self, office, seq):
        return self._l.read_entry_bytes(office, seq)

    def entry_path(self, office, seq):
        return self._l.entry_path(office, seq)

    def rel(self, path):
        return self._l.rel(path)

    def checkpoint_files(self):
        return self._l.checkpoint_files()

    def entry_names(self):
        return self._l.entry_names()

    def open_blob(self, digest):
        return self._l.open_blob(digest)

    def has_blob(self, digest):
        return self._l.has_blob(digest)


def test_a_source_with_only_the_protocols_reads_verifies(small_ledger):
    class Beacon:
        name = "beacon-probe"

        def check(self, entry, ctx):
            self.source = ctx.beacon_source
            return []

        def finish(self, ctx):
            return []

    f = small_ledger
    (f.ledger.root / "checkpoints" / "stray").symlink_to(f.ledger.root / "log")  # LedgerDir-only check
    f.ledger.put_blob(b"a blob")
    probe = Beacon()
    r = verify(Minimal(f.ledger), f.ledger.trust(), [probe])
    assert r.problems == [] and r.size == 11
    assert probe.source is None
    assert [p.rule for p in verify(f.ledger, f.ledger.trust()).problems] == ["layout"]
