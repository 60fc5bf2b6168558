"""The draw rule's margins, each met at its exact second (or day) and one step past it, in both
directions: a partner's acceptance, a lock, a checkpoint before the round, the removal window
(001 第八条), a correction before the round, the 7-day abandonment and embargo grace periods,
the twin window, the replacement approval date (001 第十三条) and the embargo's end.

Every assertion names the rule id, the whole message and the article, so a mutant that moves a
margin by one, flips a comparison or drops a check fails here (docs/QUALITY.md, issue 17).
"""

from __future__ import annotations

import pytest
from test_draw_rule import HEAD, Scenario, iso, locked

from publisher.draw.commitment import build_commit_body
from publisher.draw.errors import ART_DIRECTORY, ART_FAIR, ART_LOCK, ART_REPLACE, ART_UNANNOUNCED
from publisher.draw.lock import build_lock_body
from publisher.draw.timeutil import china_date, day_start

DAY = 86400
WEEK = 7 * DAY


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def found(report, rule, severity="error"):
    """(message, article) of every problem of one rule id and severity, whole messages."""
    return [(p.message, p.article) for p in report.problems if p.rule == rule and p.severity == severity]


def draw_rules(report):
    return sorted({p.rule for p in report.problems if p.rule.startswith("draw")})


def rt_of(sc, c):
    return sc.sim.chain.round_time(c.body["beacon"]["round"])


def accept(sc, c, t):
    return sc.append("draw.accept", {"task": c.body["task"], "commit": c.id}, office="wjj", time=iso(t))


# --- draw.accept: before the round, not at it --------------------------------------------------


def test_acceptance_at_the_second_the_round_is_due_is_refused(sc):
    c = sc.commit(sc.spec(), accept=False)
    rt, rnd = rt_of(sc, c), c.body["beacon"]["round"]
    a = accept(sc, c, rt)
    r = sc.verify()
    assert found(r, "draw.accept") == [
        (f"参与单位在随机信标产生之后才确认，确认须在信标产生之前 / accepted at {a.time}, after beacon round {rnd} "
         "was due; a partner accepts before the randomness exists", ART_FAIR)]
    assert r.rule("draw").commits[c.id].accepted == {}


def test_acceptance_one_second_before_the_round_is_recorded(sc):
    c = sc.commit(sc.spec(), accept=False)
    a = accept(sc, c, rt_of(sc, c) - 1)
    r = sc.verify()
    assert found(r, "draw.accept") == [] and r.ok
    assert r.rule("draw").commits[c.id].accepted == {"wjj": a.id}


def test_acceptance_by_the_lead_or_twice_is_refused(sc):
    c = sc.commit(sc.spec())  # wjj accepts once (Scenario.commit)
    sc.append("draw.accept", {"task": c.body["task"], "commit": c.id}, office="wjj")
    sc.append("draw.accept", {"task": c.body["task"], "commit": c.id}, office="scjgj")
    sc.append("draw.accept", {"task": "T-OTHER", "commit": c.id}, office="wjj")
    r = sc.verify()
    assert found(r, "draw.accept") == [
        ("单位 wjj 已经确认过该抽取承诺 / office wjj already accepted this commitment", ART_LOCK),
        ("单位 scjgj 不是该联合抽取的参与单位 / office scjgj is not a partner of this commitment (['wjj'])", ART_LOCK),
        (f"参与单位确认的不是任务 T-OTHER 的抽取承诺 / draw.accept references {c.id[:16]}…, which is not a "
         "commitment of task T-OTHER", ART_LOCK)]


# --- draw.lock: at the round or after it, and each acceptance public before the round ----------


def test_lock_at_the_second_the_round_is_due_verifies(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    sc.append("draw.lock", sc.lock_body(c), time=iso(rt_of(sc, c)))
    r = sc.verify()
    assert r.ok and draw_rules(r) == []
    assert r.rule("draw").tasks["T-2026-001"].status == "locked"


def test_lock_one_second_before_the_round_is_refused(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    rt = rt_of(sc, c)
    lock = sc.append("draw.lock", sc.lock_body(c), time=iso(rt - 1))
    r = sc.verify()
    assert found(r, "draw.lock") == [
        (f"锁定时间早于承诺的信标产生时间 / locked at {lock.time}, before beacon round {c.body['beacon']['round']} "
         f"was due ({rt})", ART_FAIR)]
    assert r.rule("draw").tasks["T-2026-001"].current.lock_valid is False


def _accepted_then_checkpoint_at(sc, offset):
    c = sc.commit(sc.spec(), accept=False)
    sc.checkpoint()  # the commitment is public well before its round
    rt = rt_of(sc, c)
    accept(sc, c, rt - 120)
    sc.f.checkpoint(time=rt + offset)  # the acceptance's first checkpoint
    sc.lock(c)
    return c, rt, sc.verify()


def test_acceptance_first_checkpointed_when_the_round_is_due_voids_the_draw(sc):
    c, rt, r = _accepted_then_checkpoint_at(sc, 0)
    rnd = c.body["beacon"]["round"]
    assert r.ok and found(r, "draw.lock") == []
    assert found(r, "draw.lock", "warning") == [
        (f"抽取作废：参与单位 wjj 的确认未能证明在信标产生之前已公开 / draw void: the first checkpoint covering the "
         f"acceptance of wjj was signed at {rt}, not before beacon round {rnd} (due {rt})", ART_FAIR)]
    assert r.rule("draw").tasks["T-2026-001"].status == "void"


def test_acceptance_checkpointed_one_second_before_the_round_is_enough(sc):
    _, _, r = _accepted_then_checkpoint_at(sc, -1)
    assert r.ok and draw_rules(r) == []
    assert r.rule("draw").tasks["T-2026-001"].status == "locked"


def test_commitment_checkpointed_at_the_round_is_void_on_the_commit_only(sc):
    """The commitment's own late checkpoint voids the draw once (draw.commit); the lock does not
    repeat it, nor does a partner's acceptance covered by the same late checkpoint."""
    c = sc.commit(sc.spec())
    rt, rnd = rt_of(sc, c), c.body["beacon"]["round"]
    sc.f.checkpoint(time=rt)
    sc.lock(c)
    r = sc.verify()
    assert r.ok and found(r, "draw.lock", "warning") == []
    assert found(r, "draw.commit", "warning") == [
        (f"抽取作废：没有检查点证明抽取承诺在随机信标产生之前已公开，该次抽取不计入 / draw void: the first checkpoint "
         f"covering the commitment was signed at {rt}, not before beacon round {rnd} (due {rt}); the draw of this "
         "commitment cannot count", ART_FAIR)]


# --- draw.population: removals 14 days or less before the commitment -----------------------------


def _removed_then_commit_after(sc, seconds, drop=1):
    gone = [t.id for t in sc.targets[3:3 + drop]]
    sc.targets = [t for t in sc.targets if t.id not in gone]
    blob = sc.confirm(sc.targets, "targets")
    snap_time = sc.f.clock
    sc.f.clock = snap_time + seconds - 60  # Scenario.commit ticks 60 s
    c = sc.commit(sc.spec(population={"snapshot": blob}))
    return c, sorted(gone), iso(snap_time), sc.verify()


def test_removal_exactly_14_days_before_the_commitment_is_flagged(sc):
    c, gone, snap_time, r = _removed_then_commit_after(sc, 14 * DAY)
    assert r.ok
    assert found(r, "draw.population", "warning") == [
        (f"抽取前 14 天内有 1 户从 scjgj 的检查对象名录中删除 / 1 company was removed from scjgj's target directory "
         f"on {snap_time[:10]}, 14 days or less before this draw: {gone[0]}", ART_DIRECTORY)]
    s = r.rule("draw").commits[c.id]
    assert (s.removed_before, s.removed_count) == (gone, 1)


def test_removal_14_days_and_a_second_before_is_not_flagged(sc):
    c, _, _, r = _removed_then_commit_after(sc, 14 * DAY + 1)
    assert r.ok and found(r, "draw.population", "warning") == []
    s = r.rule("draw").commits[c.id]
    assert (s.removed_before, s.removed_count) == ([], 0)


def test_many_removals_show_five_in_the_message_and_twenty_on_the_page(sc):
    c, gone, snap_time, r = _removed_then_commit_after(sc, DAY, drop=21)
    assert found(r, "draw.population", "warning") == [
        (f"抽取前 14 天内有 21 户从 scjgj 的检查对象名录中删除 / 21 companies were removed from scjgj's target "
         f"directory on {snap_time[:10]}, 14 days or less before this draw: {', '.join(gone[:5])}…", ART_DIRECTORY)]
    s = r.rule("draw").commits[c.id]
    assert (s.removed_before, s.removed_count) == (gone[:20], 21)


def test_five_removals_are_all_named_without_an_ellipsis(sc):
    _, gone, snap_time, r = _removed_then_commit_after(sc, DAY, drop=5)
    assert found(r, "draw.population", "warning") == [
        (f"抽取前 14 天内有 5 户从 scjgj 的检查对象名录中删除 / 5 companies were removed from scjgj's target "
         f"directory on {snap_time[:10]}, 14 days or less before this draw: {', '.join(gone)}", ART_DIRECTORY)]


def test_six_removals_name_five_and_an_ellipsis(sc):
    _, gone, snap_time, r = _removed_then_commit_after(sc, DAY, drop=6)
    assert found(r, "draw.population", "warning") == [
        (f"抽取前 14 天内有 6 户从 scjgj 的检查对象名录中删除 / 6 companies were removed from scjgj's target "
         f"directory on {snap_time[:10]}, 14 days or less before this draw: {', '.join(gone[:5])}…", ART_DIRECTORY)]


def test_a_later_snapshot_is_not_the_one_compared(sc):
    """Removals are counted against the office's previous snapshot, never a later one."""
    gone = sc.targets[3].id
    sc.targets = [t for t in sc.targets if t.id != gone]
    used = sc.confirm(sc.targets, "targets")
    sc.confirm(sc.targets[:-4], "targets")  # a later snapshot with four fewer
    c = sc.commit(sc.spec(population={"snapshot": used}))
    r = sc.verify()
    s = r.rule("draw").commits[c.id]
    assert (s.removed_before, s.removed_count) == ([gone], 1)


def test_population_source_naming_the_lead_itself_is_refused(sc):
    sc.commit(sc.spec(population={"source": {"office": "scjgj", "reason": "本局名录"}}))
    assert found(sc.verify(), "draw.population") == [
        ("抽取范围的名录来源写的是牵头单位自己，应删去 / population.source names the lead office itself; omit it",
         ART_DIRECTORY)]


def test_unconfirmed_snapshot_messages_for_the_lead_and_for_a_source(sc):
    blob = sc.f.ledger.put_blob(__import__("publisher.directory.snapshot", fromlist=["x"]).snapshot_bytes(
        sc.targets[:-1]))
    sc.targets = sc.targets[:-1]
    sc.commit(sc.spec(population={"snapshot": blob}))
    sc.commit(sc.spec("T-2", population={"snapshot": blob, "source": {"office": "wjj", "reason": "卫健局名录"}}))
    assert found(sc.verify(), "draw.population") == [
        (f"抽取所用的检查对象名录快照没有经牵头单位确认 / target snapshot {blob[:16]}… was not confirmed by the lead "
         "office in a directory.snapshot entry before this commitment; a draw uses only a directory its office "
         "confirmed (another office's needs population.source with a reason)", ART_DIRECTORY),
        (f"抽取所用的检查对象名录快照没有经wjj确认 / target snapshot {blob[:16]}… was not confirmed by office wjj "
         "(population.source) in a directory.snapshot entry before this commitment; a draw uses only a directory "
         "its office confirmed", ART_DIRECTORY)]


def test_an_inspector_snapshot_with_the_same_blob_does_not_confirm_targets(sc):
    """Only a ``targets`` snapshot confirms a population: the same bytes confirmed as inspectors
    do not count."""
    from publisher.directory.snapshot import snapshot_bytes

    blob = sc.f.ledger.put_blob(snapshot_bytes(sc.targets[:-1]))
    t = sc.f.tick()
    sc.f.ledger.append("scjgj", "directory.snapshot", {"kind": "inspectors", "blob": blob, "count": 119,
                                                       "confirmed_by": "张某", "confirmed_at": t[:10]},
                       sc.f.keys["scjgj"], t)
    sc.targets = sc.targets[:-1]
    sc.commit(sc.spec(population={"snapshot": blob}))
    assert [m for m, _ in found(sc.verify(), "draw.population")] == [
        f"抽取所用的检查对象名录快照没有经牵头单位确认 / target snapshot {blob[:16]}… was not confirmed by the lead "
        "office in a directory.snapshot entry before this commitment; a draw uses only a directory its office "
        "confirmed (another office's needs population.source with a reason)"]


# --- draw.history: a correction before the round, not at it ----------------------------------------


def _correction_at(sc, when, checkpoint_at=None):
    first = sc.commit(sc.spec(), delay=900)
    sc.checkpoint()
    rt = rt_of(sc, first)
    spec = sc.spec(supersedes=first.id, reason="填错", reason_code="correction", approver=HEAD)
    spec["beacon"] = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(rt + 3600)}
    t = iso(rt + when)
    body = build_commit_body(spec, sc.targets, sc.inspectors, time=t, cap=sc.cap())
    e = sc.f.ledger.append("scjgj", "draw.commit", body, sc.f.keys["scjgj"], t)
    sc.append("draw.accept", {"task": body["task"], "commit": e.id}, office="wjj", time=t)
    if checkpoint_at is not None:
        sc.f.clock = max(sc.f.clock, rt + checkpoint_at)
        sc.f.checkpoint(time=rt + checkpoint_at)
    return first, rt, sc.verify()


def test_correction_at_the_second_the_round_is_due_is_refused(sc):
    first, rt, r = _correction_at(sc, 0)
    rnd = first.body["beacon"]["round"]
    assert found(r, "draw.history") == [
        (f"以“更正”为由重新抽取只能在原承诺的信标产生之前 / reason correction is only allowed before the superseded "
         f"commitment's beacon round (due {rt}); after it the outcome is known — use one of beacon_unavailable, "
         "population_error, superior_order, void_draw", ART_LOCK),
        (f"原承诺的信标产生之后重新抽取，须附上该轮信标（第 {rnd} 轮） / superseding after beacon round {rnd} needs "
         "superseded_beacon (that round's signature), so everyone sees what the superseded draw selected", ART_FAIR)]


def test_correction_one_second_before_the_round_is_allowed(sc):
    _, _, r = _correction_at(sc, -1, checkpoint_at=-1)
    assert r.ok and draw_rules(r) == []
    old, new = r.rule("draw").tasks["T-2026-001"].commits
    assert (old.status, new.status, new.void) == ("abandoned (superseded)", "committed", None)


def test_correction_first_checkpointed_when_the_round_is_due_is_void(sc):
    _, rt, r = _correction_at(sc, -120, checkpoint_at=0)
    assert r.ok
    assert found(r, "draw.history", "warning") == [
        (f"抽取作废：重新抽取的承诺未能证明在信标产生之前已公开 / draw void: the correction's first checkpoint was "
         f"signed at {rt}, not before the superseded commitment's beacon round (due {rt})", ART_FAIR)]
    assert r.rule("draw").tasks["T-2026-001"].current.status == "void"


def test_correction_checkpointed_one_second_before_the_round_is_not_void(sc):
    _, _, r = _correction_at(sc, -120, checkpoint_at=-1)
    assert r.ok and found(r, "draw.history", "warning") == []
    assert r.rule("draw").tasks["T-2026-001"].current.status == "committed"


# --- draw.history: abandoned after 7 days, outcome once the round is due ---------------------------


def test_abandoned_warning_starts_one_second_after_seven_days(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    rt, rnd = rt_of(sc, c), c.body["beacon"]["round"]
    assert found(sc.verify(now=rt + WEEK), "draw.history", "warning") == []
    r = sc.verify(now=rt + WEEK + 1)
    assert found(r, "draw.history", "warning") == [
        (f"被放弃的抽取承诺：任务 T-2026-001 的信标早已产生，却既未锁定也未被替代 / abandoned commitment: task "
         f"T-2026-001's beacon round {rnd} was due more than 7 days ago and the draw was never locked; its beacon "
         "round is not recorded in the ledger yet", ART_FAIR)]
    p = next(p for p in r.problems if p.rule == "draw.history")
    assert (p.file, p.entry_id) == (r.rule("draw").commits[c.id].file, c.id) and p.file


def _abandoned_with_published_round(sc, **spec):
    first = sc.commit(sc.spec(**spec), delay=3600)
    other = sc.commit(sc.spec("T-OTHER", beacon=first.body["beacon"]))  # same round, locked
    sc.checkpoint()
    sc.lock(other)
    sel = [row["id"] for row in build_lock_body(first.id, first.body, sc.beacon_of(first), [], sc.targets,
                                                 sc.inspectors)["selected"]]
    return first, sel


def test_abandoned_warning_names_what_the_draw_would_have_selected(sc):
    first, sel = _abandoned_with_published_round(sc)
    rt, rnd = rt_of(sc, first), first.body["beacon"]["round"]
    r = sc.verify(now=rt + WEEK + 1)
    assert len(sel) > 5
    assert found(r, "draw.history", "warning")[:1] == [
        (f"被放弃的抽取承诺：任务 T-2026-001 的信标早已产生，却既未锁定也未被替代 / abandoned commitment: task "
         f"T-2026-001's beacon round {rnd} was due more than 7 days ago and the draw was never locked; it would "
         f"have selected {len(sel)}: {', '.join(sel[:5])}…", ART_FAIR)]
    assert r.rule("draw").commits[first.id].outcome == sel


def test_outcome_is_computed_at_the_second_the_round_is_due_not_before(sc):
    first, sel = _abandoned_with_published_round(sc)
    rt = rt_of(sc, first)
    assert sc.verify(now=rt - 1).rule("draw").commits[first.id].outcome is None
    r = sc.verify(now=rt)
    assert r.rule("draw").commits[first.id].outcome == sel
    assert r.rule("draw").commits[first.id].status == "abandoned"


# --- draw.history: twin commitments within two days of each other ------------------------------


def _twins(sc, apart):
    a = sc.commit(sc.spec("T-A"))
    rb = a.body["beacon"]["round"] + apart // sc.sim.chain.period
    sc.commit(sc.spec("T-B", beacon={"chain_hash": sc.sim.chain.chain_hash, "round": rb}))
    sc.checkpoint()
    sc.lock(a)
    return sc.verify()


def test_twins_two_days_apart_are_flagged(sc):
    r = _twins(sc, 2 * DAY)
    assert found(r, "draw.history", "warning") == [
        ("疑似重复抽取：scjgj 提交了 2 个相似的抽取承诺（同一名录、条件重叠、信标轮次相近），只锁定了 1 个 / twin "
         "commitments: office scjgj committed 2 look-alike draws (same snapshot, overlapping filters, beacon rounds "
         "within 2 days) and locked only 1: locked ['T-A'], tasks ['T-A', 'T-B']", ART_FAIR)]
    assert r.rule("draw").twins == {"scjgj": [{"tasks": ["T-A", "T-B"], "commitments": 2, "locked": 1,
                                               "unlocked": 1, "locked_tasks": ["T-A"]}]}


def test_twins_more_than_two_days_apart_are_not_flagged(sc):
    r = _twins(sc, 2 * DAY + sc.sim.chain.period)
    assert found(r, "draw.history", "warning") == [] and r.rule("draw").twins == {}


def test_both_twins_locked_are_not_flagged(sc):
    a = sc.commit(sc.spec("T-A"))
    b = sc.commit(sc.spec("T-B", beacon=a.body["beacon"]))
    sc.checkpoint()
    sc.lock(a)
    sc.lock(b)
    r = sc.verify()
    assert r.ok and r.rule("draw").twins == {}


def test_twins_with_disjoint_filters_are_not_flagged(sc):
    a = sc.commit(sc.spec("T-A", population={"filter": {"risks": ["A", "B"]}}))
    sc.commit(sc.spec("T-B", beacon=a.body["beacon"], population={"filter": {"risks": ["C", "D"]}},
                      strata=[{"name": "高风险", "match": {}, "take": {"count": 6}}]))
    sc.checkpoint()
    sc.lock(a)
    assert sc.verify().rule("draw").twins == {}


# --- draw.replace: the approval date lies between the lock and the entry (Beijing dates) --------


def test_approval_dated_the_entrys_own_beijing_day_is_allowed_the_next_day_is_not(sc):
    from test_draw_rule_bite import _drawn

    c, lock = locked(sc)
    team = lock.body["teams"][0]
    out = team["members"][0]
    spare = _drawn(sc, c, lock, team["target"], out)
    t = sc.f.clock + 3600
    today = china_date(iso(t))
    body = {"task": c.body["task"], "commit": c.id, "target": team["target"], "out": out, "in": spare,
            "reason": "health", "approver": {"name": "王某", "title": "分管副局长"}}
    tomorrow = today.fromordinal(today.toordinal() + 1).isoformat()
    sc.append("team.replace", {**body, "date": tomorrow}, time=iso(t))
    assert found(sc.verify(), "draw.replace") == [
        (f"批准日期 {tomorrow} 不在锁定日期与检查结束之间 / approval date {tomorrow} is not between the lock "
         f"({china_date(lock.time)}) and this entry (Beijing dates)", ART_REPLACE)]
    sc.append("team.replace", {**body, "date": today.isoformat()}, time=iso(t + 60))
    r = sc.verify()
    assert len(found(r, "draw.replace")) == 1  # the second, dated today, passed
    assert r.rule("draw").tasks["T-2026-001"].current.replacements == 1


# --- draw.reveal: on the embargo's last day (Beijing), not the day before ----------------------------


def _embargoed_reveal_at(sc, t):
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    sc.lock(c)
    sc.f.clock = max(sc.f.clock, t - 60)
    return c, sc.append("draw.reveal", sc.reveal_body(c), time=iso(t))


def test_reveal_at_midnight_beijing_of_the_embargo_day_verifies(sc):
    c, _ = _embargoed_reveal_at(sc, day_start("2026-01-05"))
    r = sc.verify()
    assert r.ok and draw_rules(r) == []
    assert r.rule("draw").tasks["T-2026-001"].current.status == "revealed"


def test_reveal_a_second_before_midnight_beijing_is_refused(sc):
    _, rev = _embargoed_reveal_at(sc, day_start("2026-01-05") - 1)
    r = sc.verify()
    assert found(r, "draw.reveal") == [
        ("揭示日期 2026-01-04（北京时间）早于暂不公开期限 2026-01-05 / revealed on 2026-01-04 (Beijing time), before "
         "the embargo ends (2026-01-05)", ART_UNANNOUNCED)]
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert cur.selected is None and r.rule("draw").book.private[cur.id].secrets is None  # nothing taken from it


def test_reveal_of_a_lock_that_failed_is_refused(sc):
    """An embargoed lock made before its round is refused (lock_valid false): its reveal is not
    checked as if the lock stood."""
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    rt = rt_of(sc, c)
    sc.append("draw.lock", sc.lock_body(c), time=iso(rt - 30))
    sc.f.clock = day_start("2026-01-06")
    sc.append("draw.reveal", sc.reveal_body(c))
    r = sc.verify()
    assert found(r, "draw.reveal") == [("只有已有效锁定的暂不公开抽取才能揭示 / only an embargoed draw with a valid lock "
                                        "is revealed", ART_LOCK)]
    assert r.rule("draw").tasks["T-2026-001"].current.reveal is None


# --- draw.reveal (finish): unrevealed 7 days after the embargo's end -----------------------------


def test_unrevealed_warning_starts_one_second_after_seven_days(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    lock = sc.lock(c)
    end = day_start("2026-01-05") + WEEK
    assert found(sc.verify(now=end), "draw.reveal", "warning") == []
    r = sc.verify(now=end + 1)
    assert found(r, "draw.reveal", "warning") == [
        ("抽取未揭示：任务 T-2026-001 的暂不公开期限已于 2026-01-05 结束，抽取结果仍未揭示 / unrevealed draw: task "
         "T-2026-001's embargo ended on 2026-01-05 and the draw has not been revealed", ART_UNANNOUNCED)]
    p = next(p for p in r.problems if p.rule == "draw.reveal")
    assert (p.file, p.entry_id) == (r.rule("draw").commits[c.id].file, c.id) and p.file and lock.id


# --- an unreadable snapshot is named once, and the commitment is still recorded ---------------------


def test_a_malformed_target_snapshot_is_named_once_and_the_commitment_recorded(sc):
    """Found by mutation testing: the removal comparison (and the sealed-form check) read the
    snapshot outside any guard, so a malformed one aborted the whole commitment — it was never
    recorded, and the partner's acceptance was then refused as naming no commitment."""
    blob = sc.f.ledger.put_blob(b"not a snapshot\n")
    t = sc.f.tick()
    sc.f.ledger.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": blob, "count": 1,
                                                       "confirmed_by": "张某", "confirmed_at": t[:10]},
                       sc.f.keys["scjgj"], t)
    c = sc.commit(sc.spec(), forge=lambda b: b["population"].update(snapshot=blob))
    r = sc.verify()
    assert [(p.rule, p.message, p.article) for p in r.problems if p.rule.startswith("draw")] == [
        ("draw.commit", f"名录快照不符合格式 / snapshot refused: blobs/{blob[:16]}…:1: not a JSON value without floats: "
         "Expecting value: line 1 column 1 (char 0) [json]", "")]
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert (cur.id, cur.valid, cur.accepted) == (c.id, False, {"wjj": cur.accepted.get("wjj")}) and cur.accepted


def test_a_redraw_of_the_same_task_is_not_a_twin(sc):
    old = sc.commit(sc.spec())
    new = sc.commit(sc.spec(supersedes=old.id, reason="填错", reason_code="correction", approver=HEAD,
                            beacon=old.body["beacon"]))
    sc.checkpoint()
    sc.lock(new)
    r = sc.verify()
    assert r.ok and r.rule("draw").twins == {} and found(r, "draw.history", "warning") == []


def test_an_invalid_look_alike_is_not_a_twin(sc):
    a = sc.commit(sc.spec("T-A"))
    sc.commit(sc.spec("T-B", beacon=a.body["beacon"]),
              forge=lambda b: b["strata"][1].update(k=b["strata"][1]["k"] + 1))
    sc.checkpoint()
    sc.lock(a)
    assert sc.verify().rule("draw").twins == {}


def test_three_twins_one_locked_are_one_group(sc):
    a = sc.commit(sc.spec("T-A"))
    for t in ("T-C", "T-B"):
        sc.commit(sc.spec(t, beacon=a.body["beacon"]))
    sc.checkpoint()
    sc.lock(a)
    r = sc.verify()
    assert r.rule("draw").twins == {"scjgj": [{"tasks": ["T-A", "T-B", "T-C"], "commitments": 3, "locked": 1,
                                               "unlocked": 2, "locked_tasks": ["T-A"]}]}
    assert len(found(r, "draw.history", "warning")) == 1


def test_no_outcome_is_computed_for_an_embargoed_or_invalid_commitment(sc):
    """An embargoed draw's list needs its secrets; an invalid commitment has no draw: once their
    round is published by another task's lock, neither gets an outcome."""
    emb = sc.commit(sc.spec(embargo_until="2026-01-20"), delay=3600)
    bad = sc.commit(sc.spec("T-BAD", beacon=emb.body["beacon"]),
                    forge=lambda b: b["strata"][1].update(k=b["strata"][1]["k"] + 1))
    other = sc.commit(sc.spec("T-OTHER", beacon=emb.body["beacon"]))
    sc.checkpoint()
    sc.lock(other)
    r = sc.verify(now=rt_of(sc, emb) + DAY)
    commits = r.rule("draw").commits
    assert commits[emb.id].outcome is None and commits[bad.id].outcome is None
    assert commits[emb.id].status == "committed" and commits[bad.id].status == "invalid"


@pytest.mark.parametrize("k,tail", [(5, ""), (6, "…")])
def test_abandoned_warning_lists_five_and_an_ellipsis_only_past_five(sc, k, tail):
    first, sel = _abandoned_with_published_round(sc, strata=[{"name": "全部", "match": {}, "take": {"count": k}}])
    assert len(sel) == k
    r = sc.verify(now=rt_of(sc, first) + WEEK + 1)
    assert found(r, "draw.history", "warning")[:1] == [
        (f"被放弃的抽取承诺：任务 T-2026-001 的信标早已产生，却既未锁定也未被替代 / abandoned commitment: task "
         f"T-2026-001's beacon round {first.body['beacon']['round']} was due more than 7 days ago and the draw was "
         f"never locked; it would have selected {k}: {', '.join(sel[:5])}{tail}", ART_FAIR)]
