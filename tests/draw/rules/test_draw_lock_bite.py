"""``draw.lock`` / ``draw.reveal`` gates with whole messages and articles: which commitment a lock
may name, by whom, the embargo's shape of the lock, and what a valid lock records."""

from __future__ import annotations

import pytest
from test_draw_rule import HEAD, Scenario, locked

from publisher.draw.errors import ART_FAIR, ART_LOCK, ART_UNANNOUNCED


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def found(report, rule="draw.lock"):
    return [(p.message, p.article) for p in report.problems if p.rule == rule and p.severity == "error"]


def test_lock_or_reveal_of_an_unknown_commitment(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    body = sc.lock_body(c)
    sc.lock(c, {**body, "commit": "ab" * 32})
    sc.append("draw.reveal", {"task": body["task"], "commit": "cd" * 32, "secrets": ["ab" * 32, "cd" * 32],
                              **{k: v for k, v in body.items() if k not in ("task", "commit", "beacon")}})
    r = sc.verify()
    assert found(r) == [("引用的抽取承诺不存在或在其之后 / draw.lock references abababababababab…, which is not an earlier "
                         "draw.commit", ART_LOCK)]
    assert found(r, "draw.reveal") == [("引用的抽取承诺不存在或在其之后 / draw.reveal references cdcdcdcdcdcdcdcd…, which "
                                        "is not an earlier draw.commit", ART_LOCK)]


def test_lock_by_another_office_and_for_another_task(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    body = sc.lock_body(c)
    sc.after_round(c)
    sc.append("draw.lock", {**body, "task": "T-2026-999"}, office="wjj")
    assert found(sc.verify()) == [
        (f"该抽取承诺属于任务 T-2026-001，不是 T-2026-999；承诺不能挪用于其他任务 / commitment {c.id[:16]}… belongs to task "
         "T-2026-001, not T-2026-999; a commitment cannot be reused for another task", ART_LOCK),
        ("单位 wjj 不是提交该抽取承诺的单位（scjgj） / draw.lock by wjj, but the commitment is office scjgj's", ART_LOCK)]


def test_lock_of_an_invalid_or_superseded_commitment(sc):
    bad = sc.commit(sc.spec(), forge=lambda b: b["strata"][1].update(k=b["strata"][1]["k"] + 1))
    sc.checkpoint()
    sc.lock(bad)
    r = sc.verify()
    assert found(r) == [(f"该抽取承诺未通过核验，其抽取结果不能采用 / commitment {bad.id[:16]}… failed verification; its "
                         "draw cannot be accepted", ART_LOCK)]
    assert r.rule("draw").commits[bad.id].lock_valid is False
    old = sc.commit(sc.spec("T-2"))
    sc.commit(sc.spec("T-2", supersedes=old.id, reason="填错", reason_code="correction", approver=HEAD))
    sc.checkpoint()
    sc.lock(old)
    assert found(sc.verify())[1:] == [(f"该抽取承诺已被替代（放弃），不能锁定或揭示 / commitment {old.id[:16]}… was superseded "
                                       "(abandoned); it cannot be locked or revealed", ART_LOCK)]


def test_second_lock(sc):
    c, first = locked(sc)
    sc.append("draw.lock", sc.lock_body(c))
    r = sc.verify()
    assert found(r) == [(f"同一抽取承诺第二次锁定；锁定的抽取不能更改 / a second lock for commitment {c.id[:16]}… (first "
                         f"lock {first.id[:16]}…); a locked draw never changes", ART_LOCK)]
    assert r.rule("draw").commits[c.id].lock == first.id


def test_embargoed_commitment_locked_with_the_list_and_announced_one_with_a_hash(tmp_path):
    sc = Scenario(tmp_path / "e")
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    sc.lock(c, {k: v for k, v in sc.reveal_body(c).items() if k != "secrets"} | {"beacon": sc.lock_body(c)["beacon"]})
    r = sc.verify()
    assert ("承诺设定了暂不公开，锁定时只能公布结果摘要 / the commitment sets an embargo, so the lock must carry only "
            "result_hash", ART_UNANNOUNCED) in found(r)
    assert r.rule("draw").commits[c.id].lock_valid is False
    a = Scenario(tmp_path / "a")
    c = a.commit(a.spec())
    a.checkpoint()
    body = a.lock_body(c)
    a.lock(c, {k: body[k] for k in ("task", "commit", "beacon")} | {"result_hash": "ab" * 32})
    r = a.verify()
    assert ("承诺没有设定暂不公开，锁定时必须公布抽取结果 / the commitment sets no embargo, so the lock must publish the "
            "result", ART_UNANNOUNCED) in found(r)
    assert r.rule("draw").commits[c.id].lock_valid is False


def test_a_valid_lock_records_its_beacon_time_and_file(sc):
    c, lock = locked(sc)
    r = sc.verify()
    cur = r.rule("draw").commits[c.id]
    rnd = c.body["beacon"]["round"]
    book = r.rule("draw").book
    assert (cur.lock, cur.lock_time, cur.lock_valid, cur.void) == (lock.id, lock.time, True, None)
    assert cur.lock_file and cur.lock_file.endswith(".json")
    assert book.beacons[(sc.sim.chain.chain_hash, rnd)] == sc.beacon_of(c).randomness
    assert book.signed[(sc.sim.chain.chain_hash, rnd)].round == rnd
    assert cur.selected == len(lock.body["selected"]) and book.private[c.id].seed.hex() == lock.body["seed"]


def test_a_lock_of_a_commitment_whose_chain_is_not_pinned(sc):
    c = sc.commit(sc.spec(beacon={"chain_hash": "ee" * 32, "round": 10 ** 6}))
    sc.checkpoint()
    sc.f.clock += 3600
    body = sc.lock_body(c, beacon=sc.sim.beacon(10 ** 6))
    sc.append("draw.lock", body)
    assert found(sc.verify())[-1:] == [
        (f"该随机信标链没有在 trust.json 中固定 / beacon chain {'ee' * 8}… is not pinned in trust.json", ART_FAIR)]
