"""``draw.history`` guard by guard, in both directions, with the whole message and article:
who may re-draw, what must be named, each reason code's condition, the superseded beacon, and
that a superseded draw's outcome is computed and kept."""

from __future__ import annotations

import pytest
from test_draw_rule import HEAD, Scenario, locked

from publisher.draw.errors import ART_DIRECTORY, ART_FAIR, ART_LOCK
from publisher.draw.lock import build_lock_body


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def found(report, rule="draw.history", severity="error"):
    return [(p.message, p.article) for p in report.problems if p.rule == rule and p.severity == severity]


def sb(sc, c, signature=None):
    return {"round": c.body["beacon"]["round"], "signature": signature or sc.beacon_of(c).signature.hex()}


def selected(sc, c):
    return [r["id"] for r in build_lock_body(c.id, c.body, sc.beacon_of(c), [], sc.targets, sc.inspectors)["selected"]]


def redraw(sc, old, code, *, task="T-2026-001", **over):
    extra = {"document": "某发〔2026〕1号"} if code == "superior_order" else {}
    return sc.spec(task, supersedes=old.id, reason="理由", reason_code=code, **{"approver": HEAD, **extra, **over})


def after_round(sc, old):
    sc.checkpoint()
    sc.after_round(old)


def test_first_commitment_naming_a_supersedes(sc):
    sc.commit(sc.spec(supersedes="ab" * 32, reason="更正", reason_code="correction", approver=HEAD))
    assert found(sc.verify()) == [
        (f"重新抽取所替代的不是本任务的抽取承诺 / supersedes {'ab' * 8}…, which is not a commitment of task T-2026-001",
         ART_LOCK)]


def test_second_commitment_without_supersedes(sc):
    old = sc.commit(sc.spec())
    sc.commit(sc.spec())
    r = sc.verify()
    assert found(r) == [
        (f"任务 T-2026-001 已有抽取承诺，新的承诺须注明替代哪一个及原因 / task T-2026-001 already has commitment "
         f"{old.id[:16]}…; a new one must name it in supersedes, with a reason code and the approver", ART_LOCK)]
    assert r.rule("draw").commits[old.id].superseded_by is None  # nothing was superseded


def test_redraw_by_another_office(sc):
    old = sc.commit(sc.spec())
    spec = redraw(sc, old, "correction")
    spec["offices"] = spec["offices"][::-1]
    sc.commit(spec, office="wjj", accept=False)
    r = sc.verify()
    assert found(r)[0] == ("任务 T-2026-001 的抽取由 scjgj 承诺，不能由 wjj 重新抽取 / task T-2026-001 was committed by "
                           "office scjgj, not wjj", ART_LOCK)


def test_honest_correction_supersedes_the_old_commitment(sc):
    old = sc.commit(sc.spec())
    new = sc.commit(redraw(sc, old, "correction"))
    r = sc.verify()
    assert r.ok and found(r) == [] and found(r, severity="warning") == []
    commits = r.rule("draw").tasks["T-2026-001"].commits
    assert [c.id for c in commits] == [old.id, new.id] and commits[0].superseded_by == new.id
    assert (commits[1].reason_code, commits[1].reason, commits[1].approver) == ("correction", "理由", HEAD)
    assert commits[0].outcome is None  # superseded before its round: there is nothing to compute


def test_approver_must_be_the_head(sc):
    old = sc.commit(sc.spec())
    sc.commit(redraw(sc, old, "correction", approver={"name": "钱某", "title": "分管负责人"}))
    assert found(sc.verify()) == [
        ("重新抽取须经单位主要负责人批准 / a re-draw is approved by the office's 主要负责人 (approver.title)", ART_LOCK)]


def test_a_locked_draw_cannot_be_redrawn_a_void_one_can(tmp_path):
    sc = Scenario(tmp_path / "a")
    c, lock = locked(sc)
    sc.commit(redraw(sc, c, "superior_order", superseded_beacon=sb(sc, c)))
    assert found(sc.verify()) == [
        (f"任务 T-2026-001 的抽取已锁定，锁定后不能重新抽取 / task T-2026-001's draw was locked by {lock.id[:16]}…; "
         "a locked draw cannot be drawn again", ART_LOCK)]
    v = Scenario(tmp_path / "v")  # no checkpoint before the round: the lock stands but the draw is void
    c = v.commit(v.spec())
    v.lock(c)
    v.checkpoint()
    v.commit(redraw(v, c, "void_draw", superseded_beacon=sb(v, c)))
    r = v.verify()
    assert found(r) == [] and r.ok
    assert r.rule("draw").tasks["T-2026-001"].current.status == "committed"


def test_void_draw_reason_needs_a_void_or_invalid_draw(tmp_path):
    sc = Scenario(tmp_path / "a")
    old = sc.commit(sc.spec())
    after_round(sc, old)
    sc.commit(redraw(sc, old, "void_draw", superseded_beacon=sb(sc, old)))
    assert found(sc.verify()) == [("以“抽取作废”为由重新抽取，但原抽取并未作废 / reason void_draw, but the superseded "
                                   "draw is not void", ART_LOCK)]
    bad = Scenario(tmp_path / "b")
    old = bad.commit(bad.spec(), forge=lambda b: b["strata"][1].update(k=b["strata"][1]["k"] + 1))
    after_round(bad, old)
    bad.commit(redraw(bad, old, "void_draw", superseded_beacon=sb(bad, old)))
    assert found(bad.verify()) == []


def test_superior_order_needs_the_document_number(sc):
    old = sc.commit(sc.spec())
    after_round(sc, old)
    spec = redraw(sc, old, "superior_order", superseded_beacon=sb(sc, old))
    del spec["document"]
    sc.commit(spec)
    assert found(sc.verify()) == [("以“上级要求”为由重新抽取须写明文件文号 / reason superior_order needs document "
                                   "(the order's number, 文号)", ART_LOCK)]


def test_beacon_unavailable_when_the_round_is_published(sc):
    old = sc.commit(sc.spec(), delay=3600)
    other = sc.commit(sc.spec("T-OTHER", beacon=old.body["beacon"]))
    sc.checkpoint()
    sc.lock(other)
    sc.commit(redraw(sc, old, "beacon_unavailable"))
    rnd = old.body["beacon"]["round"]
    assert found(sc.verify()) == [
        (f"以“信标不可用”为由重新抽取，但第 {rnd} 轮信标已记录在账本中 / reason beacon_unavailable, but beacon round "
         f"{rnd} is published in this ledger", ART_FAIR)]


def test_beacon_unavailable_after_the_round_needs_no_superseded_beacon(sc):
    old = sc.commit(sc.spec())
    after_round(sc, old)
    sc.commit(redraw(sc, old, "beacon_unavailable"))
    r = sc.verify()
    assert found(r) == [] and r.ok


def _snapshot_entry_id(sc):
    """The id of the last directory.snapshot entry the lead office appended."""
    r = sc.verify()
    snaps = r.rule("draw").book.snapshots["scjgj"]
    return snaps[-1].entry_id, snaps


def test_population_error_with_a_later_targets_snapshot(sc):
    old = sc.commit(sc.spec())
    after_round(sc, old)
    sc.targets = sc.targets[:-1]
    blob = sc.confirm(sc.targets, "targets")
    evidence, _ = _snapshot_entry_id(sc)
    sc.commit(redraw(sc, old, "population_error", evidence=evidence, population={"snapshot": blob},
                     superseded_beacon=sb(sc, old)))
    r = sc.verify()
    assert found(r) == [] and r.ok


@pytest.mark.parametrize("how", ["missing", "inspectors", "before", "other_blob"])
def test_population_error_evidence_refusals(sc, how):
    if how == "before":
        early, _ = _snapshot_entry_id(sc)  # the targets snapshot confirmed before the commitment
    old = sc.commit(sc.spec())
    after_round(sc, old)
    if how == "inspectors":
        sc.confirm(sc.inspectors[:-1], "inspectors")
        evidence, _ = _snapshot_entry_id(sc)
    targets = sc.targets[:-1]
    blob = sc.confirm(targets, "targets")
    if how == "other_blob":
        sc.confirm(sc.targets[:-2], "targets")
        evidence, snaps = _snapshot_entry_id(sc)
    elif how == "missing":
        evidence = "00" * 32
    elif how == "before":
        evidence = early
    elif how != "inspectors":
        evidence, _ = _snapshot_entry_id(sc)
    sc.targets = targets
    sc.commit(redraw(sc, old, "population_error", evidence=evidence, population={"snapshot": blob},
                     superseded_beacon=sb(sc, old)))
    want = ([("重新抽取须使用证据所确认的名录快照 / the re-draw must use the snapshot its evidence confirms", ART_DIRECTORY)]
            if how == "other_blob" else
            [("以“名录有误”为由重新抽取须提供更正后确认的名录快照记录 / reason population_error needs evidence: the id of a "
              "directory.snapshot (targets) entry confirmed after the superseded commitment", ART_DIRECTORY)])
    assert found(sc.verify()) == want


def test_other_snapshots_only_for_population_error(sc):
    old = sc.commit(sc.spec())
    after_round(sc, old)
    sc.inspectors = sc.inspectors[:-1]
    iblob = sc.confirm(sc.inspectors, "inspectors")
    spec = redraw(sc, old, "superior_order", superseded_beacon=sb(sc, old))
    spec["teams"]["inspectors"] = iblob
    sc.commit(spec)
    assert found(sc.verify()) == [("只有因名录有误而重新抽取时才能使用其他名录快照 / only a re-draw for population_error may "
                                   "use other snapshots", ART_LOCK)]


def test_a_redraw_that_changes_the_draw_names_what_changed(sc):
    old = sc.commit(sc.spec())
    sc.commit(redraw(sc, old, "correction", batch_size=6))
    assert found(sc.verify()) == [("重新抽取须以相同方式抽取相同范围，不能更改抽取条件 / a re-draw must draw the same "
                                   "population the same way; changed: batch_size", ART_LOCK)]


def test_a_redraw_that_changes_two_things_names_both(sc):
    old = sc.commit(sc.spec())
    spec = redraw(sc, old, "correction", batch_size=6)
    spec["teams"]["load_cap"] = 5
    sc.commit(spec)
    [(msg, art)] = found(sc.verify())
    assert msg.startswith("重新抽取须以相同方式抽取相同范围，不能更改抽取条件 / a re-draw must draw the same population "
                          "the same way; changed: ") and art == ART_LOCK
    assert sorted(msg.rsplit("changed: ", 1)[1].split(", ")) == ["batch_size", "teams"], msg


def test_superseded_beacon_of_another_round_or_forged(tmp_path):
    for case in ("round", "forged", "good"):
        sc = Scenario(tmp_path / case)
        old = sc.commit(sc.spec())
        after_round(sc, old)
        rnd = old.body["beacon"]["round"]
        beacon = {"round": {"round": rnd + 1, "signature": sc.sim.beacon(rnd + 1).signature.hex()},
                  "forged": sb(sc, old, signature=sc.sim.beacon(rnd + 1).signature.hex()),
                  "good": sb(sc, old)}[case]
        sc.commit(redraw(sc, old, "superior_order", superseded_beacon=beacon))
        r = sc.verify()
        got = found(r)
        if case == "round":
            assert got == [(f"所附信标须为原承诺的第 {rnd} 轮 / superseded_beacon must be round {rnd} of the superseded "
                            "commitment's chain", ART_FAIR)]
        elif case == "forged":
            assert len(got) == 1 and got[0][0].startswith(
                "所附的原承诺信标验证不通过 / superseded_beacon does not verify: ") and got[0][1] == ART_FAIR
        else:
            assert got == [] and r.rule("draw").commits[old.id].outcome == selected(sc, old)
            assert r.rule("draw").commits[old.id].status == "abandoned (superseded)"
        if case != "good":
            assert r.rule("draw").commits[old.id].outcome is None


def test_another_reason_is_fine_when_the_round_is_published(sc):
    old = sc.commit(sc.spec(), delay=3600)
    other = sc.commit(sc.spec("T-OTHER", beacon=old.body["beacon"]))
    sc.checkpoint()
    sc.lock(other)
    sc.commit(redraw(sc, old, "superior_order", superseded_beacon=sb(sc, old)))
    r = sc.verify()
    assert found(r) == [] and r.ok
    assert r.rule("draw").commits[old.id].outcome == selected(sc, old)
