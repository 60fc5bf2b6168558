"""``draw.cap`` on a ledger (001 第七条): a drawn target counts once its result is published, once
per draw, in the Beijing year of the lock; a result for an undrawn target or for another task
counts nothing."""

from __future__ import annotations

import pytest
from test_draw_rule import Scenario, locked

from publisher.draw.timeutil import day_start


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def result(sc, task, target, members):
    sc.append("result", {"task": task, "target": target, "target_name": "某公司", "completed": sc.f.tick()[:10],
                         "inspectors": members, "method": "on_site", "categories": ["1"],
                         "vocabulary": "004-20/v1"})


def test_counts_once_per_draw_and_only_drawn_targets_of_that_task(sc):
    c, lock = locked(sc)
    other, other_lock = locked(sc, "T-OTHER")
    row = lock.body["selected"][0]["id"]
    team = lock.body["teams"][0]
    assert team["target"] == lock.body["selected"][0]["id"]
    outsider = next(t.id for t in sc.targets if t.id not in {r["id"] for r in lock.body["selected"]})
    result(sc, "T-2026-001", row, team["members"])
    result(sc, "T-2026-001", row, team["members"])  # a second result of the same inspection
    result(sc, "T-2026-001", outsider, team["members"])
    result(sc, "T-OTHER", row, team["members"])  # not drawn there (or drawn: then it is that draw's)
    cap = sc.verify().rule("draw").cap
    assert cap.draws(2026, row) == [c.id] + ([other.id] if row in {r["id"] for r in other_lock.body["selected"]}
                                             else [])
    assert cap.count(2026, outsider) == 0
    assert all(cap.count(2026, r["id"]) == 0 for r in lock.body["selected"][1:]
               if r["id"] not in {x["id"] for x in other_lock.body["selected"]})


def test_the_year_is_the_beijing_year_of_the_lock(sc):
    """A lock at 2026-12-31T16:30Z is on 1 January 2027 in Beijing: its inspections count for 2027."""
    sc.f.clock = day_start("2027-01-01") - 1800 - 3600
    c = sc.commit(sc.spec())
    sc.checkpoint()
    sc.f.clock = max(sc.f.clock, day_start("2027-01-01") - 60)
    lock = sc.lock(c)
    assert lock.time >= "2026-12-31T16:00:00Z"
    sc.results(lock)
    cap = sc.verify().rule("draw").cap
    ids = [r["id"] for r in lock.body["selected"]]
    assert all(cap.draws(2027, i) == [c.id] for i in ids) and all(cap.count(2026, i) == 0 for i in ids)


def test_a_revealed_draw_counts_in_the_beijing_year_of_its_lock(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    sc.lock(c)
    sc.f.clock = day_start("2026-01-06")
    rev = sc.append("draw.reveal", sc.reveal_body(c))
    sc.results(rev)
    cap = sc.verify().rule("draw").cap
    assert all(cap.draws(2026, r["id"]) == [c.id] for r in rev.body["selected"])
