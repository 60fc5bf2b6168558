"""site.load on the sample county's own ledger: what the verifier's state keeps once the pages
only need to be rendered (release_verifier_state), and that the pages lose nothing by it."""

from __future__ import annotations

import pickle
from pathlib import Path

from publisher.core.verifier import verify
from publisher.ruleset import default_rules
from publisher.site.draw_history import DrawHistory
from publisher.site.load import load_verified
from publisher.storage.ledger_dir import LedgerDir

REPO = Path(__file__).resolve().parents[2]
NOW = 1785000000


def test_the_verifiers_state_is_released_and_every_task_history_is_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    led = LedgerDir(REPO / "ledger")
    whole = verify(led, led.trust(), default_rules(), now=NOW)  # the state as verification leaves it
    assert whole.ok
    draw = whole.rule("draw")
    tasks = sorted(draw.tasks)
    before = {t: DrawHistory(whole, led).task(t) for t in tasks}
    caps = sum(len(h["cap"]) for hist in before.values() for h in hist)
    assert caps > 1000  # the sample county's draws exclude companies at their yearly cap

    loaded = load_verified(REPO / "ledger", tmp_path, now=NOW, full=True)
    kept = loaded.report.rule("draw")
    assert {t: DrawHistory(loaded.report, loaded.ledger).task(t) for t in tasks} == before
    assert loaded.report.rule("workflow") is None and loaded.overdue == list(whole.rule("workflow").overdue)
    assert len(kept.book.parsed) == 0 < len(draw.book.parsed)
    size = lambda r: len(pickle.dumps([p.body for p in r.book.private.values()]))  # noqa: E731
    assert size(kept) < size(draw) / 3, (size(kept), size(draw))
    loaded.index.close()
