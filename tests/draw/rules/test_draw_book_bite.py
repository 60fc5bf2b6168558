"""Survivors of the draw rules' mutation run (session 6), answered at the behaviour level where a
ledger can show them and at the book where only the book can: a sealed draw's outcome comes only
from its openings; the process's lent outcome (draw/outcomes.py) is used exactly under its key; a
reveal that contradicts the lock's ``result_hash`` is named with its whole message and article."""

from __future__ import annotations

import pytest
from test_draw_embargo import setup

from ledgertools import english
from publisher.draw.errors import ART_LOCK, DrawError
from publisher.draw.outcomes import KnownOutcomes, outcome_key
from publisher.draw.rules.state import DrawBook, Private


def summary(commit_id: str, round: int):
    """A commitment's summary as the rule keeps it (for the checks tested on the book alone)."""
    from publisher.draw.rules.state import CommitSummary

    return CommitSummary(id=commit_id, task="T-2026-001", office="scjgj", time="2026-01-01T10:00:00+08:00",
                         index=3, file="ledger/entries/scjgj/00000003.json", chain_hash="ab" * 32, round=round,
                         round_time=None, embargo_until=None)


def test_a_sealed_draw_has_no_outcome_without_its_openings():
    book = DrawBook()
    body = {"population": {"sealed": {"root": "00" * 32}, "snapshot": "ab" * 32}}
    with pytest.raises(DrawError) as exc:
        book.recompute(None, "c1", body, b"\1" * 32)
    assert exc.value.message == ("封存分层的抽取没有开启数据就无法计算结果 / a sealed draw's outcome cannot be "
                                 "computed without its openings")
    book.private["c1"] = Private(body)
    with pytest.raises(DrawError):
        book.recompute(None, "c1", body, b"\1" * 32)  # committed, but never opened
    opened = object()
    book.private["c1"].sealed_result = opened
    assert book.recompute(None, "c1", body, b"\1" * 32) is opened


def test_the_lent_outcome_is_used_under_its_exact_key_and_only_there():
    book = DrawBook()
    book.known = KnownOutcomes()
    body = {"population": {"snapshot": "ab" * 32}, "embargo_until": "2026-01-05",
            "escrow": [{"commitment": "00" * 32}]}
    lent = object()
    secrets = [b"\2" * 32]
    book.known.remember(outcome_key("c1", body, b"\1" * 32, secrets), lent)
    assert book.recompute(None, "c1", body, b"\1" * 32, secrets) is lent
    # any other input misses the memo and computes (here: fails for want of a snapshot)
    for args in (("c2", body, b"\1" * 32, secrets), ("c1", body, b"\3" * 32, secrets),
                 ("c1", body, b"\1" * 32, [b"\4" * 32]), ("c1", dict(body, task="other"), b"\1" * 32, secrets)):
        with pytest.raises(Exception) as exc:
            book.recompute(None, *args)
        assert exc.type is not AssertionError


def test_a_reveal_against_a_false_result_hash_is_named_with_its_article(tmp_path):
    sc, c, lock = setup(tmp_path, forge_lock=lambda sc, c, b: b.update(result_hash="5e" * 32))
    sc.f.clock = 1767225600 + 10 * 86400
    sc.append("draw.reveal", sc.reveal_body(c))
    r = sc.verify()
    got = [(p.rule, p.message, p.article) for p in r.errors if p.rule == "draw.reveal"]
    assert got == [("draw.reveal", "重新计算的抽取结果与锁定时的结果摘要不符：抽取在锁定后被改动 / the recomputed result "
                    "does not match the result_hash fixed at lock; the draw was changed after it was locked", ART_LOCK)]
    assert english(got[0][1]).startswith("the recomputed result")


class _UnreadableBlobs:
    """An in-memory blob store holding every snapshot, none of which can be read."""

    def has_blob(self, digest):
        return True

    def open_blob(self, digest):
        raise DrawError("快照无法读取 / the snapshot cannot be read", "第十二条")


def test_a_sealed_lock_whose_snapshots_cannot_be_read_is_named_not_crashed():
    from types import SimpleNamespace

    from publisher.draw.rules.sealed import SealedCheck

    book = DrawBook()
    c = summary("c1", round=1)
    book.private["c1"] = Private({"population": {"snapshot": "ab" * 32, "sealed": {}},
                                  "teams": {"inspectors": "cd" * 32}}, randomness=b"\1" * 32)
    out = SealedCheck().on_lock(SimpleNamespace(body={}), c, SimpleNamespace(blobs=_UnreadableBlobs()), book)
    assert [(f.message, f.article, f.rule, f.severity) for f in out] == [
        ("封存分层的抽取无法核验 / the sealed draw cannot be checked: 快照无法读取 / the snapshot cannot be read",
         ART_LOCK, "draw.sealed", "error")]
    assert not c.lock_valid and book.private["c1"].sealed_result is None


def test_a_lock_without_the_partners_acceptance_names_it_whole(tmp_path):
    from test_draw_rule import Scenario

    from publisher.draw.errors import ART_FAIR

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec(), accept=False)
    sc.checkpoint()
    sc.lock(c)
    got = [(p.message, p.article) for p in sc.verify().errors if p.rule == "draw.lock"]
    assert ("参与单位 wjj 没有在信标产生之前确认该联合抽取承诺 / partner office wjj has not accepted this commitment "
            "(draw.accept) before the beacon round; a joint draw needs every partner's acceptance", ART_FAIR) in got


def _never_locked(body):

    book = DrawBook()
    c = summary("c1" * 16, round=7)
    book.private[c.id] = Private(body)
    book.beacons[(c.chain_hash, c.round)] = b"\1" * 32
    return book, c


def test_the_outcome_of_a_never_locked_draw_that_cannot_be_computed_is_named():
    from types import SimpleNamespace

    from publisher.draw.rules.history import outcome_findings

    book, c = _never_locked({"population": {"snapshot": "ab" * 32}, "teams": {"inspectors": "cd" * 32}})
    out = outcome_findings(SimpleNamespace(blobs=_UnreadableBlobs()), book, c)
    assert [(f.message, f.article, f.severity, f.rule) for f in out] == [
        (f"无法计算该抽取承诺的结果 / the outcome of commitment {c.id[:16]}… cannot be computed: "
         "快照无法读取 / the snapshot cannot be read", ART_LOCK, "error", "")]
    assert c.outcome is None


def test_a_never_locked_sealed_draw_has_no_public_outcome_and_no_finding():
    from types import SimpleNamespace

    from publisher.draw.rules.history import outcome_findings

    book, c = _never_locked({"population": {"snapshot": "ab" * 32, "sealed": {}}, "teams": {"inspectors": "cd" * 32}})
    assert outcome_findings(SimpleNamespace(blobs=_UnreadableBlobs()), book, c) == []
    assert c.outcome is None


def test_the_commitment_summary_the_portal_shows_is_the_entrys(tmp_path):
    from test_draw_rule import Scenario

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    book = sc.verify().rule("draw").book
    got = book.commits[c.id]
    assert (got.id, got.task, got.office, got.time, got.round) == (c.id, "T-2026-001", "scjgj", c.time,
                                                                    c.body["beacon"]["round"])
    assert got.file == "ledger/entries/scjgj/" + f"{c.seq:08d}.json"
    state = book.tasks["T-2026-001"]
    assert state.task == "T-2026-001" and state.commits == [got]


def test_a_beacon_published_in_another_draws_lock_opens_the_escrows(tmp_path):
    """The reveal round's beacon need not be recorded under ledger/beacons/ when a verified lock
    of another draw already carries it: the rule remembers every beacon it verified."""
    from test_draw_embargo import EMBARGO

    from publisher.embargo import reveal_round

    sc, a, _ = setup(tmp_path)
    rr = reveal_round(sc.sim.chain, EMBARGO)
    b = sc.commit(sc.spec("T-2026-002", beacon={"chain_hash": sc.sim.chain.chain_hash, "round": rr}))
    sc.checkpoint()
    sc.lock(b)
    assert not (sc.f.ledger.root / "beacons").exists() or not any((sc.f.ledger.root / "beacons").rglob("*.json"))
    r = sc.verify()
    assert r.ok, [p.line() for p in r.errors]
    assert r.rule("draw").commits[a.id].opened and r.rule("draw").commits[b.id].lock_valid
    assert [p.line() for p in r.problems if p.rule == "draw.embargo"] == []


def test_without_a_beacon_source_the_reveal_round_is_simply_unknown():
    from types import SimpleNamespace

    from publisher.draw.rules.embargo import EmbargoCheck

    assert EmbargoCheck._beacon(SimpleNamespace(beacon_source=None), DrawBook(), "ab" * 32, 5, None) == (None, "")


def test_a_recorded_reveal_beacon_opens_without_a_word(tmp_path):
    from test_draw_embargo import open_round

    sc, a, _ = setup(tmp_path)
    open_round(sc)
    r = sc.verify()
    assert r.rule("draw").commits[a.id].opened
    assert [p.line() for p in r.problems if p.rule.startswith("draw")] == []


def _confirmed_then(sc, blob_bytes):
    blob = sc.f.ledger.put_blob(blob_bytes)
    t = sc.f.tick()
    sc.f.ledger.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": blob, "count": 1,
                                                        "confirmed_by": "张某", "confirmed_at": t[:10]},
                       sc.f.keys["scjgj"], t)
    return blob


def test_a_commitment_on_an_unreadable_snapshot_names_the_line_and_the_form(tmp_path):
    from test_draw_rule import Scenario

    sc = Scenario(tmp_path)
    bad = _confirmed_then(sc, b'{"kind": "targets"}\nnot json\n')
    sc.commit(sc.spec(), forge=lambda b: b["population"].update(snapshot=bad))
    assert [(p.rule, p.message, p.article) for p in sc.verify().errors] == [
        ("draw.commit", f"名录快照不符合格式 / snapshot refused: blobs/{bad[:16]}…:1: line is not in canonical form "
         "(RFC 8785, no whitespace, sorted keys) [canonical]", "")]


def test_a_commitment_on_a_snapshot_gone_from_the_ledger_says_so_plainly(tmp_path):
    from test_draw_rule import Scenario

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    (sc.f.ledger.root / "blobs" / c.body["population"]["snapshot"]).unlink()
    got = [(p.message, p.article) for p in sc.verify().errors if p.rule == "draw.commit"]
    assert (f"账本中没有这份名录快照文件 / snapshot blob {c.body['population']['snapshot'][:16]}… is not in the ledger "
            "(ledger/blobs)", "") in got, got


def test_the_rule_consults_the_outcome_its_process_lent_it(tmp_path):
    """``DrawRule(known=…)`` (what ``draw lock`` passes to its append check) takes the lent outcome as
    the recomputation: lent a different draw's outcome under this draw's key, the lock no longer
    matches. Which is why the memo lives only in the process that computed it."""
    from test_draw_rule import Scenario

    from publisher.draw.lock import compute_result
    from publisher.draw.rules.rule import DrawRule

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    sc.checkpoint()
    sc.lock(c)
    assert sc.verify().ok
    randomness = sc.beacon_of(c).randomness
    other = compute_result(c.id, c.body, b"\7" * 32, [], sc.targets, sc.inspectors)
    known = KnownOutcomes()
    known.remember(outcome_key(c.id, c.body, randomness, []), other)
    r = sc.f.verify(rules=[DrawRule(known=known)])
    assert any(p.rule == "draw.lock" for p in r.errors), [p.line() for p in r.problems]


def test_the_rule_shares_the_parsed_snapshots_it_is_given(tmp_path):
    """``default_rules`` gives the draw and workflow rules one parsed-snapshot memo, so a province's
    regional snapshot is parsed once for both."""
    from test_draw_rule import Scenario

    from publisher.directory.parsed import ParsedSnapshots
    from publisher.directory.records import Target
    from publisher.draw.rules.rule import DrawRule

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    shared = ParsedSnapshots()
    rule = DrawRule(parsed=shared)
    assert rule.book.parsed is shared
    sc.f.verify(rules=[rule])
    assert shared.get(c.body["population"]["snapshot"], Target) is not None


class _Raising:
    """A check that fails the way a snapshot read fails inside it (the dispatcher's last guard)."""

    rule = "draw.x"

    def __init__(self, exc):
        self.exc = exc

    def on_lock(self, entry, ctx, book):
        raise self.exc

    on_replace = on_lock


def _directory_error():
    import io

    from publisher.directory.records import DirectoryError
    from publisher.directory.snapshot import iter_snapshot

    try:
        list(iter_snapshot(io.BytesIO(b"not json\n")))
    except DirectoryError as exc:
        return exc
    raise AssertionError("a line that is not JSON must be refused")


def test_the_dispatcher_names_a_failure_that_escapes_a_check():
    from types import SimpleNamespace

    from publisher.draw.rules.rule import DrawRule

    rule = DrawRule()
    rule.lock = _Raising(DrawError("lock cannot be read", "001 第十二条"))
    rule.replace = _Raising(_directory_error())
    got = rule.check(SimpleNamespace(type="draw.lock", body={}), SimpleNamespace())
    assert [(p.rule, p.message, p.file, p.entry_id, p.article) for p in got] == [
        ("draw.lock", "抽取结果与重新计算不符 / lock cannot be read", "", "", "001 第十二条")]
    got = rule.check(SimpleNamespace(type="team.replace", body={}), SimpleNamespace())
    assert [(p.rule, p.file, p.entry_id, p.article) for p in got] == [("draw", "", "", "")]
    assert got[0].message == f"名录快照不符合格式 / snapshot refused: {_directory_error()}"


def test_a_draw_problem_on_an_entry_is_filed_under_that_entry(tmp_path):
    from test_draw_rule import GENESIS, Scenario

    from publisher.beacon import SimulatedBeacon

    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec())
    sc.checkpoint()
    lock = sc.lock(c, beacon=SimulatedBeacon(b"attacker", GENESIS, 3).beacon(c.body["beacon"]["round"]))
    got = {(p.file, p.entry_id) for p in sc.verify().errors if p.rule == "draw.lock"}
    assert got == {(f"ledger/entries/scjgj/{lock.seq:08d}.json", lock.id)}


def test_a_sealed_lock_on_a_malformed_commitment_names_the_missing_field():
    from types import SimpleNamespace

    from publisher.draw.rules.sealed import SealedCheck

    book = DrawBook()
    c = summary("c1", round=1)
    book.private["c1"] = Private({"population": {"snapshot": "ab" * 32, "sealed": {}}}, randomness=b"\1" * 32)
    out = SealedCheck().on_lock(SimpleNamespace(body={}), c, SimpleNamespace(blobs=_UnreadableBlobs()), book)
    assert [(f.message, f.article, f.rule) for f in out] == [
        ("封存分层的抽取无法核验 / the sealed draw cannot be checked: 'teams'", ART_LOCK, "draw.sealed")]
