"""Statistics count by the China calendar (UTC+08:00), as every deadline and quarter does: an
entry made in the first hours of 1 January, China time, is still 31 December in UTC."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))

from wf_scenario import Workflow, unix  # noqa: E402

from publisher.site import stats  # noqa: E402
from publisher.site.load import load_verified  # noqa: E402


def test_a_draw_locked_on_new_years_morning_counts_in_the_new_year(tmp_path):
    """A task of 2026 drawn and locked at about 00:40 on 2027-01-01 China time (16:40 UTC on
    2026-12-31): the office page counts that draw in 2027, the year it happened in China. (Found
    by this test: draws and re-draws were counted by the UTC year of the entry time.)"""
    wf = Workflow(tmp_path)
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-12-01", "to": "2026-12-31"})
    wf.f.clock = max(wf.f.clock, unix("2026-12-31", 16) + 30 * 60)  # 2026-12-31T16:30:00Z
    _, lock = wf.draw("T-2026-002")
    assert lock.time.startswith("2026-12-31T16:")
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    try:
        figures = {f["year"]: (f["tasks_led"], f["draws"]) for f in stats.office_figures(loaded, "scjgj")}
    finally:
        loaded.index.close()
    assert figures == {2026: (2, 0), 2027: (0, 1)}


def test_redraws_are_counted_in_the_china_year_of_the_new_commitment(tmp_path):
    """A commitment replaced before its beacon round (a re-draw, with supersedes, reason and the
    head's approval) counts once as a re-draw, in the China year of the replacing entry: here
    00:50 on 2027-01-01 China time (16:50 UTC on 2026-12-31)."""
    from publisher.draw.commitment import build_commit_body
    from publisher.draw.seed import secret_commitment

    wf = Workflow(tmp_path)
    wf.basics()
    wf.task("T-2026-002", window={"from": "2026-12-01", "to": "2026-12-31"})
    wf.f.clock = max(wf.f.clock, unix("2026-12-31", 16) + 30 * 60)
    old = wf.commit("T-2026-002")
    # the replacing commitment, built as wf.commit builds one, naming the one it replaces
    secrets = [bytes([99, i]) * 16 for i in range(2)]
    wf.secrets["T-2026-002"] = secrets
    spec = {"task": "T-2026-002", "population": {"snapshot": wf.tblob, "filter": {}},
            "strata": [{"name": "全部", "match": {}, "take": {"count": 3}}],
            "offices": [{"office": o, "members": 1, "commitment": secret_commitment("T-2026-002", o, s)}
                        for o, s in zip(("scjgj", "wjj"), secrets)],
            "teams": {"inspectors": wf.iblob, "mode": "big"}, "batch_size": 5,
            "supersedes": old.id, "reason": "信标轮次前发现批次大小填错", "reason_code": "correction",
            "approver": {"name": "赵某", "title": "主要负责人"}}
    t = wf.f.tick()
    spec["beacon"] = {"chain_hash": wf.sim.chain.chain_hash, "round": wf.sim.chain.round_at(wf.f.clock + 600)}
    new = wf.ledger.append("scjgj", "draw.commit", build_commit_body(spec, wf.targets, wf.inspectors, time=t),
                           wf.f.keys["scjgj"], t)
    wf.append("draw.accept", {"task": "T-2026-002", "commit": new.id}, "wjj")
    assert old.time.startswith("2026-12-31T16:") and new.time.startswith("2026-12-31T16:")
    wf.lock(new)
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    try:
        figures = {f["year"]: (f["draws"], f["redraws"]) for f in stats.office_figures(loaded, "scjgj")}
    finally:
        loaded.index.close()
    assert figures == {2026: (0, 0), 2027: (1, 1)}
