"""Published statistics as exact numbers (R75, R76, R79): a small ledger counted by hand, and the
CSV files the site publishes compared figure by figure.

The hand count (scjgj, 2026; China time = UTC + 8):
  T-2026-001  task 2026-01-01, joint with wjj (Q1); draw of 4 targets A, B, C, D
  result A    completed 01-20, published 01-21  -> on time, category 1            (Q1)
  result B    completed 01-20, published 01-21  -> on time, categories 2, 3       (Q1)
  result C    completed 01-20, published 03-02  -> late (due 02-24), category 3   (Q1)
  withhold D  completed 01-20, published 03-02  -> late, no category              (Q1)
  T-2026-002  task 2026-03-15 (March is Q1, not Q2), not joint
  correction  of B, published 04-10 -> category 1                                 (Q2)
  T-2026-003  task 2026-10-15, joint (October is Q4: a quarter with a task and no result)
So: categories (current results and corrections): 1 ×2 (A, correction), 3 ×1 (C) — B is superseded;
timeliness (results only): on_time 2, late 1, total 3; joint 2 of 3 tasks;
office_quarter: Q1 tasks 2, results 4 (A, B, C, D), late 2 (C, D), withheld 1;
Q2 tasks 0, results 1 (the correction), corrections 1; Q4 tasks 1, nothing else.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))

from wf_scenario import Workflow  # noqa: E402

from publisher.site import stats  # noqa: E402
from publisher.site.load import load_verified  # noqa: E402
from publisher.site.render import Renderer  # noqa: E402


def correction(wf, lock, target, res, day, categories):
    return wf.append("result.correct", {
        "result": res.id, "corrected": wf.result_body(lock, target, categories=categories), "reason": "录入错误",
        "approver": {"name": "王", "title": "主要负责人"}, "date": day})


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stats")
    wf = Workflow(tmp)
    wf.basics()
    _, lock = wf.draw(count=4)
    a, b, c, d = wf.selected(lock)
    wf.at("2026-01-21")
    wf.append("result", wf.result_body(lock, a, categories=["1"]))
    rb = wf.append("result", wf.result_body(lock, b, categories=["2", "3"]))
    wf.at("2026-03-02")
    wf.append("result", wf.result_body(lock, c, categories=["3"]))
    wf.append("result.withhold", {"task": "T-2026-001", "target": d, "legal_basis": "《企业信息公示暂行条例》第十条",
                                  "decided": "2026-03-01", "completed": "2026-01-20"})
    wf.at("2026-03-15")
    wf.task("T-2026-002", plan_task_no="P-02", name="企业公示信息抽查", partners=[], items=["SC-02", "SC-03"],
            method="written", scope="全县企业")
    wf.at("2026-04-10")
    correction(wf, lock, b, rb, "2026-04-10", ["1"])
    wf.at("2026-10-15")
    wf.task("T-2026-003", window={"from": "2026-10-15", "to": "2026-12-31"})
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp)
    out = tmp / "out"
    out.mkdir()
    r = Renderer(None, None, out, {}, "https://portal.test/")
    yield loaded, r, out
    loaded.index.close()


def read_csv(out: Path, name: str) -> list[dict[str, str]]:
    text = (out / "stats" / name).read_text("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_category_counts_exact(county):
    loaded, r, out = county
    rows = stats.category_counts(loaded)
    assert [(x["year"], x["vocabulary"], x["code"], x["count"]) for x in rows] == [
        (2026, "004-20/v1", "1", 2), (2026, "004-20/v1", "3", 1)]
    assert rows[0]["zh"] == "未发现问题" and rows[0]["en"] == "no problem found"
    stats.write_csv(r, "stats/categories.csv", rows, ["year", "vocabulary", "code", "zh", "en", "count"])
    assert [(x["code"], x["count"]) for x in read_csv(out, "categories.csv")] == [("1", "2"), ("3", "1")]


def test_timeliness_exact(county):
    loaded, r, out = county
    rows = stats.timeliness(loaded)
    assert rows == [{"year": 2026, "on_time": 2, "late": 1, "unknown": 0, "none": 0, "total": 3}]
    stats.write_csv(r, "stats/timeliness.csv", rows, ["year", *stats.LATENESS, "total"])
    assert read_csv(out, "timeliness.csv") == [
        {"year": "2026", "on_time": "2", "late": "1", "unknown": "0", "none": "0", "total": "3"}]


def test_joint_share_exact(county):
    loaded, _, _ = county
    assert stats.joint_share(loaded) == [{"year": 2026, "tasks": 3, "joint": 2}]


def test_coverage_exact(county):
    loaded, _, _ = county
    assert stats.coverage(loaded) == [{"office": "scjgj", "year": 2026, "items": 3, "covered": 3, "missing": "",
                                       "joint": True, "percent": 100.0}]


def test_office_quarter_exact(county):
    loaded, r, out = county
    rows = stats.office_quarter(loaded)
    assert rows == [
        {"office": "scjgj", "year": 2026, "quarter": 1, "results": 4, "late": 2, "corrections": 0, "withheld": 1,
         "tasks": 2},
        {"office": "scjgj", "year": 2026, "quarter": 2, "results": 1, "late": 0, "corrections": 1, "withheld": 0,
         "tasks": 0},
        {"office": "scjgj", "year": 2026, "quarter": 4, "results": 0, "late": 0, "corrections": 0, "withheld": 0,
         "tasks": 1},
    ]
    fields = ["office", "year", "quarter", "tasks", "results", "late", "corrections", "withheld"]
    stats.write_csv(r, "stats/office_quarter.csv", rows, fields)
    assert [[x[k] for k in fields] for x in read_csv(out, "office_quarter.csv")] == [
        ["scjgj", "2026", "1", "2", "4", "2", "0", "1"], ["scjgj", "2026", "2", "0", "1", "0", "1", "0"],
        ["scjgj", "2026", "4", "1", "0", "0", "0", "0"]]


def test_coverage_with_missing_items(tmp_path):
    """The plan covers only SC-01 (and wjj's WJ-01): 1 of scjgj's 3 items, SC-02 and SC-03 missing."""
    wf = Workflow(tmp_path)
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan(tasks=[{"plan_task_no": "P-01", "name": "食品生产企业联合抽查", "items": ["SC-01", "WJ-01"],
                    "scope": "全县食品生产企业", "ratio": "0.05", "window": {"from": "2026-01-01", "to": "2026-06-30"},
                    "lead": "scjgj", "partners": ["wjj"], "method": "on_site", "directional": False}])
    wf.task()
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    try:
        rows = stats.coverage(loaded)
    finally:
        loaded.index.close()
    assert [{k: x[k] for k in ("office", "year", "items", "covered", "missing", "joint")} for x in rows] == [
        {"office": "scjgj", "year": 2026, "items": 3, "covered": 1, "missing": "SC-02, SC-03", "joint": True}]
    assert rows[0]["percent"] == pytest.approx(100 / 3)


def test_task_quarter_follows_the_china_calendar(tmp_path):
    """A task entered at 2026-03-31T17:00Z is dated 2026-04-01 in China: it belongs to Q2, as the
    results of the same office are counted by their China date. (Found by this test: office_quarter
    read the UTC month of the task's time; fixed in 26d8c24a.)"""
    wf = Workflow(tmp_path)
    wf.basics()
    wf.f.clock = 1774976400 - 60  # 2026-03-31T16:59:00Z
    wf.task("T-2026-002", plan_task_no="P-02", name="企业公示信息抽查", partners=[], items=["SC-02", "SC-03"],
            method="written", scope="全县企业")
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    try:
        got = {(x["year"], x["quarter"]): x["tasks"] for x in stats.office_quarter(loaded)}
    finally:
        loaded.index.close()
    assert got == {(2026, 1): 1, (2026, 2): 1}
