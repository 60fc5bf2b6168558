"""``draw.embargo`` at the end of the log: the 7-day grace for recording the reveal round (met at
its second and passed by one), the exact warnings with their file and entry, what the escrows
give once opened (the list, its size, the secrets and seed), and which draws are not opened."""

from __future__ import annotations

from test_draw_embargo import EMBARGO, open_round, setup
from test_draw_rule import Scenario

from publisher.beacon import Beacon
from publisher.draw.errors import ART_UNANNOUNCED
from publisher.embargo import reveal_round
from publisher.storage.beacons import record_beacon

WEEK = 7 * 86400


def found(report, rule="draw.embargo", severity="warning"):
    return [(p.message, p.article, p.file, p.entry_id) for p in report.problems
            if p.rule == rule and p.severity == severity]


def test_reveal_round_unrecorded_for_seven_days_and_a_second(tmp_path):
    sc, c, lock = setup(tmp_path)
    rr = reveal_round(sc.sim.chain, EMBARGO)
    due = sc.sim.chain.round_time(rr)
    assert found(sc.verify(now=due + WEEK)) == []
    r = sc.verify(now=due + WEEK + 1)
    file = r.rule("draw").commits[c.id].lock_file
    assert file and found(r) == [
        (f"任务 T-2026-001：暂不公开抽取的揭示轮次信标已到期 7 天以上仍未记录，请记录该信标以便打开托管的密钥 / task "
         f"T-2026-001: the embargo's reveal round {rr} was due more than 7 days ago but no beacon of it is recorded; "
         "record it (`publisher beacon record`) so the escrows open", ART_UNANNOUNCED, file, lock.id)]


def test_no_nagging_once_revealed_by_the_office(tmp_path):
    sc, c, _ = setup(tmp_path)
    sc.f.clock = 1767225600 + 10 * 86400
    sc.append("draw.reveal", sc.reveal_body(c))
    due = sc.sim.chain.round_time(reveal_round(sc.sim.chain, EMBARGO))
    r = sc.verify(now=due + 30 * 86400)
    assert r.ok and found(r) == [] and found(r, "draw.reveal") == []
    assert r.rule("draw").tasks["T-2026-001"].current.status == "revealed"


def test_a_forged_recorded_beacon_is_named_on_the_lock(tmp_path):
    sc, c, lock = setup(tmp_path)
    rr = reveal_round(sc.sim.chain, EMBARGO)
    record_beacon(sc.f.ledger.root, sc.sim.chain.chain_hash, Beacon(rr, sc.sim.beacon(rr + 1).signature))
    r = sc.verify()
    [(msg, art, file, entry)] = found(r)
    assert msg.startswith(f"任务 T-2026-001：账本记录的信标无法验证，已忽略 / task T-2026-001: the recorded beacon of "
                          f"round {rr} does not verify (") and msg.endswith("); it is ignored")
    assert (art, file, entry) == (ART_UNANNOUNCED, r.rule("draw").commits[c.id].lock_file, lock.id)
    assert not r.rule("draw").commits[c.id].opened


def test_opened_escrows_give_the_list_its_size_the_secrets_and_the_seed(tmp_path):
    sc, c, _ = setup(tmp_path)
    open_round(sc)
    r = sc.verify()
    cur = r.rule("draw").commits[c.id]
    want = sc.reveal_body(c)
    priv = r.rule("draw").book.private[c.id]
    assert cur.opened and cur.selected == len(want["selected"])
    assert priv.secrets == sc.secrets_of(c) and priv.seed.hex() == want["seed"]
    assert priv.opened.to_json()["teams"] == want["teams"]


def test_a_draw_without_a_valid_lock_is_not_opened(tmp_path):
    sc = Scenario(tmp_path)
    c = sc.commit(sc.spec(embargo_until=EMBARGO))
    sc.checkpoint()
    rt = sc.sim.chain.round_time(c.body["beacon"]["round"])
    from test_draw_rule import iso

    sc.append("draw.lock", sc.lock_body(c), time=iso(rt - 30))  # before the round: refused
    open_round(sc)
    r = sc.verify()
    cur = r.rule("draw").commits[c.id]
    assert not cur.lock_valid and not cur.opened and cur.selected is None
    assert [p for p in r.problems if p.rule == "draw.embargo"] == []


def test_a_false_result_hash_is_filed_under_the_lock(tmp_path):
    from test_draw_embargo import embargo_errors

    sc, c, lock = setup(tmp_path, forge_lock=lambda sc, c, b: b.update(result_hash="5e" * 32))
    open_round(sc)
    (p,) = embargo_errors(sc.verify())
    assert (p.rule, p.file, p.entry_id) == ("draw.embargo", f"ledger/entries/scjgj/{lock.seq:08d}.json", lock.id)


def test_an_announced_draw_committed_first_does_not_stop_the_embargoed_one_opening(tmp_path):
    from test_draw_rule import locked

    sc = Scenario(tmp_path)
    locked(sc, "T-2026-002")  # an announced draw, before the embargoed one in the book
    c = sc.commit(sc.spec(embargo_until=EMBARGO))
    sc.checkpoint()
    sc.lock(c)
    open_round(sc)
    r = sc.verify()
    assert r.ok and r.rule("draw").commits[c.id].opened


def test_an_embargo_not_yet_out_does_not_stop_a_later_one_opening(tmp_path):
    """Two embargoed draws, the first ending later: its reveal round is not recorded yet; the
    second's is, and it opens."""
    sc = Scenario(tmp_path)
    first = sc.commit(sc.spec("T-2026-001", embargo_until="2026-03-01"))
    second = sc.commit(sc.spec("T-2026-002", embargo_until=EMBARGO))
    sc.checkpoint()
    sc.lock(first)
    sc.lock(second)
    open_round(sc)  # EMBARGO's reveal round only
    r = sc.verify(now=sc.sim.chain.round_time(reveal_round(sc.sim.chain, EMBARGO)) + 60)
    assert r.ok, [p.line() for p in r.errors]
    assert not r.rule("draw").commits[first.id].opened and r.rule("draw").commits[second.id].opened
