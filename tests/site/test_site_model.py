"""The streaming read-model: what it stores, what it tolerates, and that it does not grow."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from site_ledger import NOW

from publisher.core.entry import Entry
from publisher.site.load import load_verified
from publisher.site.model import SiteIndex


def _entry(type: str, office: str, seq: int, body: dict, time: str = "2026-03-01T02:00:00Z") -> Entry:
    e = Entry(type=type, office=office, seq=seq, prev=None, time=time, body=body, key="0" * 16, signature=b"\0" * 64)
    object.__setattr__(e, "id", f"{seq:064x}")
    return e


def _result(i: int) -> dict:
    return {"task": f"T{i % 50}", "target": f"91110000{i:010d}", "target_name": f"企业{i}" * 3,
            "completed": "2026-02-20", "inspectors": ["A-1", "A-2"], "method": "on_site", "categories": ["1"],
            "vocabulary": "004-20/v1", "remarks": "检查中未发现问题" * 4}


def test_loaded_model_matches_the_ledger(county, tmp_path):
    loaded = load_verified(county.ledger, tmp_path, now=NOW)
    ix = loaded.index
    assert ix.scalar("SELECT count(*) FROM entries") == loaded.report.size
    assert ix.scalar("SELECT count(*) FROM tasks") == 4
    assert ix.scalar("SELECT count(*) FROM selected WHERE task_id=?", county.embargoed_task) == 0
    assert ix.scalar("SELECT count(*) FROM selected WHERE task_id=?", county.joint_task) == len(county.selected[county.joint_task])
    orig = ix.one("SELECT status, superseded_by FROM results WHERE entry_id=?", county.corrected_result)
    assert orig["status"] == "superseded" and orig["superseded_by"] is not None
    # deadline verdicts come from the workflow rule (sink), not from the site
    assert ix.scalar("SELECT count(*) FROM facts") == ix.scalar("SELECT count(*) FROM results")
    assert ix.scalar("SELECT count(*) FROM results WHERE lateness='late' AND late_days=14") == 1
    # names come from the committed directory snapshot
    uscc, name = county.chinese_company
    assert ix.scalar("SELECT name FROM targets WHERE id=?", uscc) == name
    statuses = {r["task_id"]: r["status"] for r in ix.q("SELECT task_id, status FROM commits")}
    assert statuses == {county.joint_task: "locked", county.embargoed_task: "embargoed",
                        county.revealed_task: "revealed", county.waiting_task: "committed"}
    assert loaded.overdue and loaded.coverage
    assert loaded.latest is not None and loaded.latest.size < loaded.report.size
    ix.close()


def test_unknown_types_and_odd_bodies_are_tolerated(tmp_path):
    ix = SiteIndex(tmp_path / "m.sqlite")
    ix.add(0, _entry("inspection.photo", "scjgj", 1, {"whatever": [1, 2]}))  # a type from the future
    ix.add(1, _entry("result", "scjgj", 2, {"task": "T1"}))  # a body missing fields the site wants
    ix.add(2, _entry("notice", "scjgj", 3, {"title": "t", "text": "x"}))
    ix.finish()
    assert ix.scalar("SELECT count(*) FROM entries") == 3
    assert ix.scalar("SELECT count(*) FROM docs WHERE type='notice'") == 1
    warnings = [r["message"] for r in ix.q("SELECT message FROM warnings")]
    assert len(warnings) == 1 and "result entry scjgj/2" in warnings[0]


def _peak(n: int, path: Path) -> int:
    ix = SiteIndex(path)
    tracemalloc.start()
    for i in range(n):
        ix.add(i, _entry("result", "scjgj", i + 1, _result(i)))
    ix.finish()
    for _ in ix.it("SELECT * FROM results ORDER BY idx"):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ix.close()
    return peak


def test_memory_does_not_grow_with_the_number_of_results(tmp_path):
    small, big = _peak(2_000, tmp_path / "a.sqlite"), _peak(20_000, tmp_path / "b.sqlite")
    assert big < small * 2 + 2_000_000, (small, big)  # 10x the results, not 10x the memory


def test_correction_chain_supersedes_only_the_named_result(tmp_path):
    ix = SiteIndex(tmp_path / "c.sqlite")
    a = _entry("result", "scjgj", 1, _result(1))
    b = _entry("result", "scjgj", 2, _result(2))
    ix.add(0, a)
    ix.add(1, b)
    fixed = dict(_result(1), categories=["5"])
    ix.add(2, _entry("result.correct", "scjgj", 3, {"result": a.id, "corrected": fixed, "reason": "r",
                                                      "approver": {"name": "n", "title": "主要负责人"},
                                                      "date": "2026-03-01"}))
    ix.finish()
    rows = {r["entry_id"]: r["status"] for r in ix.q("SELECT entry_id, status FROM results")}
    assert rows[a.id] == "superseded" and rows[b.id] == "current" and list(rows.values()).count("current") == 2
    assert json.loads(ix.scalar("SELECT categories FROM results WHERE status='current' AND task_id='T1'")) == ["5"]


def _snapshots(tmp_path: Path) -> tuple[object, dict[str, str]]:
    """Two target snapshots of one office in a ledger directory's blob store."""
    import hashlib

    from publisher.storage.ledger_dir import LedgerDir

    (tmp_path / "ledger" / "blobs").mkdir(parents=True)
    digests = {}
    for label, names in {"old": ["甲", "乙", "丙"], "new": ["甲", "丁"]}.items():
        data = "".join(json.dumps({"id": f"9137{n.encode().hex()}", "name": f"{label}{n}有限公司"},
                                  ensure_ascii=False) + "\n" for n in names).encode()
        digests[label] = hashlib.sha256(data).hexdigest()
        (tmp_path / "ledger" / "blobs" / digests[label]).write_bytes(data)
    return LedgerDir(tmp_path / "ledger"), digests


def test_target_names_come_from_the_latest_snapshot_and_older_ones_only_for_drawn_companies(tmp_path):
    """Kept at indexing (resumed builds) or read at finish: the same names. The latest snapshot
    names all its companies; an older one only the companies drawn or inspected (丙 was drawn)."""
    from publisher.site.model import SnapshotReader

    ledger, digests = _snapshots(tmp_path)
    seen = []
    for keep in (True, False):
        ix = SiteIndex(tmp_path / f"m{keep}.sqlite")
        if keep:
            ix.snapshot_source = SnapshotReader(ledger)
        for i, label in enumerate(("old", "new")):
            ix.add(i, _entry("directory.snapshot", "scjgj", i + 1, {"kind": "targets", "blob": digests[label]}))
        ix.db.execute("INSERT INTO selected(task_id, position, target_id) VALUES ('T1', 1, ?)", (f"9137{'丙'.encode().hex()}",))
        ix.flush()
        assert ix.scalar("SELECT count(*) FROM snap") == (5 if keep else 0)
        ix.finish(SnapshotReader(ledger))
        seen.append(sorted(tuple(r) for r in ix.q("SELECT id, name, listed FROM targets")))
        ix.close()
    assert seen[0] == seen[1]
    names = {name for _, name, _ in seen[0]}
    assert names == {"new甲有限公司", "new丁有限公司", "old丙有限公司"}
