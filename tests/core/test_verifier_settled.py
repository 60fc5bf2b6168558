"""Points SPEC §1 settles that the verifier once left to chance (spec introduction, "Settled points").

Each test is the attack or the edge case, with the rule id it must get."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledgertools import LedgerFactory, det_key  # noqa: E402
from publisher.core.verifier import Report, _check_orphans  # noqa: E402


class LastTime:
    """Records the verifier's "now" (the last entry's time) at the end of the pass."""

    name = "probe.last-time"

    def __init__(self):
        self.seen = None

    def check(self, entry, ctx):
        return []

    def finish(self, ctx):
        self.seen = ctx.last_time
        return []


def test_an_invalid_entry_does_not_move_now(tmp_path):
    """A pusher without keys writes an entry dated 2030: deadlines must not be judged at 2030."""
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    good = f.notice("aoffice")
    f.ledger.append("aoffice", "notice", {"title": "通知", "text": "x"}, det_key("intruder"), "2030-01-01T00:00:00Z")
    probe = LastTime()
    report = f.verify(rules=[probe])
    assert [p.rule for p in report.errors] == ["signature"]
    from publisher.core.verifier import _unix
    assert probe.seen == _unix(good.time)


def test_a_valid_entry_moves_now(tmp_path):
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    last = f.notice("aoffice")
    probe = LastTime()
    assert f.verify(rules=[probe]).ok
    from publisher.core.verifier import _unix
    assert probe.seen == _unix(last.time)


def test_a_checkpoint_file_not_named_by_its_size_is_an_error(tmp_path):
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    p = f.checkpoint()
    p.rename(p.with_name("latest.note"))
    report = f.verify()
    bad = [(p.rule, p.file) for p in report.errors]
    assert bad == [("checkpoint", "ledger/checkpoints/latest.note")]
    assert "file name is not <size:010d>.note" in report.errors[0].message
    assert report.checkpoints == []  # not read


def test_a_checkpoint_named_with_another_size_is_an_error(tmp_path):
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    p = f.checkpoint()
    p.rename(p.with_name("0000000001.note"))
    report = f.verify()
    assert [(p.rule, p.file) for p in report.errors] == [("checkpoint", "ledger/checkpoints/0000000001.note")]
    assert "file name says size 1, note says 2" in report.errors[0].message


def test_gitkeep_files_are_not_blobs_or_entries(tmp_path):
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    for d in ("blobs", "entries", "entries/operator", "checkpoints"):
        (tmp_path / "ledger" / d / ".gitkeep").write_bytes(b"")
    assert f.verify().problems == []
    (tmp_path / "ledger" / "blobs" / "gitkeep").write_bytes(b"")  # only the exact name is exempt
    assert [p.rule for p in f.verify().errors] == ["blob"]


def test_one_orphan_per_office_is_a_warning(tmp_path):
    """Each office's chain has its own head, so each may carry one crashed append (head + 1)."""
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    f.add_office("boffice")
    f.notice("aoffice")
    for office in ("aoffice", "boffice"):
        d = tmp_path / "ledger" / "entries" / office
        d.mkdir(exist_ok=True)
        head = max((int(p.stem) for p in d.glob("*.json")), default=0)
        (d / f"{head + 1:08d}.json").write_bytes(b"{}")
    (tmp_path / "ledger" / "entries" / "aoffice" / "00000009.json").write_bytes(b"{}")
    got = sorted((p.rule, p.severity, p.file) for p in f.verify().problems)
    assert got == [("orphan", "error", "ledger/entries/aoffice/00000009.json"),
                   ("orphan", "warning", "ledger/entries/aoffice/00000002.json"),
                   ("orphan", "warning", "ledger/entries/boffice/00000001.json")]


class _Names:
    def __init__(self, names):
        self.names = names

    def entry_names(self):
        yield from self.names


def test_entry_names_beyond_eight_digits():
    """seq:08d pads to at least 8 digits: seq 123456789 is 123456789.json, not a stray file."""
    report = Report()
    _check_orphans(_Names([("a", ["123456789.json", "123456790.json", "0123456791.json"])]),
                   {"a": (123456789,)}, report)
    got = sorted((p.rule, p.severity, p.file) for p in report.problems)
    assert got == [("layout", "error", "ledger/entries/a/0123456791.json"),
                   ("orphan", "warning", "ledger/entries/a/123456790.json")]


def test_a_replayed_log_line_does_not_move_the_head_back(tmp_path):
    """Replaying office/1 after office/2: chain errors on the replayed line, and office/2's file
    (listed in the log) is not mistaken for an orphan of a head moved back to 1."""
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    first = f.notice("aoffice")
    f.notice("aoffice")
    with open(tmp_path / "ledger" / "log", "a", encoding="utf-8") as log:
        log.write(f"aoffice/1 {first.id}\n")
    got = sorted((p.rule, p.severity, p.file) for p in f.verify().problems)
    assert got == [("chain", "error", "ledger/entries/aoffice/00000001.json")] * 2 + [
        ("time", "error", "ledger/entries/aoffice/00000001.json")]


def test_numbers_are_integers_only(tmp_path):
    """`"v": 1.0` has the same JCS bytes as `"v": 1` (same id, same signature), but the browser
    refuses it: both verifiers must, or they disagree on one file (settled point 20)."""
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("aoffice")
    e = f.notice("aoffice")
    p = tmp_path / "ledger" / "entries" / "aoffice" / "00000001.json"
    for spelled, why in (('"v": 1.0', "is not an integer"), ('"v": 1e0', "is not an integer"),
                         ('"v": 9007199254740993', "beyond 2^53-1")):
        p.write_text(e.to_file_bytes().decode().replace('"v": 1', spelled), "utf-8")
        bad = f.verify().errors
        assert [(x.rule, x.file) for x in bad] == [("envelope", "ledger/entries/aoffice/00000001.json")], spelled
        assert why in bad[0].message
