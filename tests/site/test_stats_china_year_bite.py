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
