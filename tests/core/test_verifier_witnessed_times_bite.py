"""With witnesses, the verifier bounds entry times by *witnessed* checkpoint times; a checkpoint
below the quorum proves no time, and must not erase the bound an earlier one set.

(tests/core/test_witnessing.py covers the quorum itself; here only how its times reach the
back-dating check.)"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import WitnessedLedger  # noqa: E402

from publisher.core.verifier import BACKDATE_TOLERANCE  # noqa: E402

NAMES = ["w.test/a", "w.test/b", "w.test/c"]


def stamp(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def wl(tmp_path) -> WitnessedLedger:
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2).init()
    f.add_office("scjgj")
    f.add_office("wjj")
    return f


def test_a_checkpoint_below_quorum_keeps_the_earlier_witnessed_bound(wl):
    f = wl
    f.clock += 3 * 86400
    w = f.clock  # witnessed time of the first checkpoint (size 4)
    f.checkpoint(witness_times={"w.test/a": w, "w.test/b": w})
    f.notice("scjgj", "after")  # size 5, now
    f.checkpoint(witness_times={})  # size 5: no cosignature, no proof time
    e = f.ledger.append("wjj", "notice", {"title": "通知", "text": "old"}, f.keys["wjj"],
                        stamp(w - BACKDATE_TOLERANCE - 1))  # wjj's first: no office-order rule involved
    r = f.verify()
    assert [(p.rule, p.severity) for p in r.problems if p.rule == "witness"] == [("witness", "error")]
    assert [(p.message, p.file, p.severity) for p in r.problems if p.rule == "time"] == [
        (f"time {e.time} is more than {BACKDATE_TOLERANCE}s before a checkpoint signed before this entry was "
         "accepted (back-dated): its time is not trusted", "ledger/entries/wjj/00000001.json", "warning")]
