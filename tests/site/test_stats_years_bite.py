"""Published statistics over two years, with a result whose timeliness cannot be judged (the
2027 holiday arrangement is not known), counted by hand:

  T-2026-001  task (joint with wjj), drawn 2026-01-01: targets A, B, C
  result A    completed 2026-01-20, published 2026-01-21 -> on time      (2026 Q1)
  result B    completed 2026-01-20, published 2026-03-02 -> late         (2026 Q1)
  result C    completed 2026-12-20, published 2027-01-20 -> unknown      (2027 Q1)
So timeliness: 2026 on_time 1, late 1; 2027 unknown 1 (years in order, each with its total);
the office page: 2027 first, its on-time share "—" (nothing judged), 2026 "50.0%".
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "workflow"))

from wf_scenario import Workflow  # noqa: E402

from publisher.site import stats  # noqa: E402
from publisher.site.load import load_verified  # noqa: E402


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("years")
    wf = Workflow(tmp)
    wf.basics()
    _, lock = wf.draw()
    a, b, c = wf.selected(lock)
    wf.at("2026-01-21")
    wf.append("result", wf.result_body(lock, a))
    wf.at("2026-03-02")
    wf.append("result", wf.result_body(lock, b))
    wf.at("2027-01-20")
    wf.append("result", wf.result_body(lock, c, completed="2026-12-20"))
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp)
    yield loaded
    loaded.index.close()


def test_timeliness_per_year_with_unknown(two_years):
    assert stats.timeliness(two_years) == [
        {"year": 2026, "on_time": 1, "late": 1, "unknown": 0, "none": 0, "total": 2},
        {"year": 2027, "on_time": 0, "late": 0, "unknown": 1, "none": 0, "total": 1}]


def test_office_quarter_per_year(two_years):
    assert stats.office_quarter(two_years) == [
        {"office": "scjgj", "year": 2026, "quarter": 1, "results": 2, "late": 1, "corrections": 0, "withheld": 0,
         "tasks": 1},
        {"office": "scjgj", "year": 2027, "quarter": 1, "results": 1, "late": 0, "corrections": 0, "withheld": 0,
         "tasks": 0}]


def test_office_figures_newest_year_first_and_the_on_time_share(two_years):
    figs = stats.office_figures(two_years, "scjgj")
    assert [(f["year"], f["results"], f["on_time"], f["late"], f["unknown"], f["on_time_pct"]) for f in figs] == [
        (2027, 1, 0, 0, 1, "—"), (2026, 2, 1, 1, 0, "50.0%")]
    assert [(f["tasks_led"], f["draws"], f["categories"]) for f in figs] == [
        (0, 0, [{"zh": "未发现问题", "en": "no problem found", "n": 1}]),
        (1, 1, [{"zh": "未发现问题", "en": "no problem found", "n": 2}])]


def test_category_counts_per_year(two_years):
    assert [(x["year"], x["code"], x["count"]) for x in stats.category_counts(two_years)] == [
        (2026, "1", 2), (2027, "1", 1)]


def test_coverage_of_an_office_without_an_item_list(tmp_path):
    """wjj plans a joint task but has published no item list: 0 items, 0 covered, 0.0 % — not a
    division by zero, not 100 %."""
    wf = Workflow(tmp_path)
    wf.item_list("scjgj")
    wf.plan(office="wjj", tasks=[{"plan_task_no": "W-01", "name": "x", "items": ["SC-01"], "scope": "全县",
                                  "ratio": "0.05", "window": {"from": "2026-01-01", "to": "2026-06-30"},
                                  "lead": "wjj", "partners": ["scjgj"], "method": "on_site", "directional": False}])
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    try:
        rows = stats.coverage(loaded)
    finally:
        loaded.index.close()
    assert rows == [{"office": "wjj", "year": 2026, "items": 0, "covered": 0, "missing": "", "joint": True,
                     "percent": 0.0}]


class _Writer:
    def __init__(self):
        self.calls = []

    def write_file(self, name, template, context, override_output=False, **kw):
        self.calls.append(kw)


def _charts(loaded, out, offices):
    from publisher.site.render import Renderer

    w = _Writer()
    r = Renderer(w, lambda name: name, out, {lang: {"C": {"offices": offices}} for lang in ("zh", "en")},
                 "https://portal.test/")
    stats.write_all(loaded, r)
    r.close()
    return w.calls[0]["charts"]


def test_category_chart_adds_up_a_category_over_the_years(two_years, tmp_path):
    from publisher.site.charts import hbar

    charts = _charts(two_years, tmp_path, {})
    assert str(charts["zh"]["categories"]) == str(hbar("chart-cat-zh", "按结果类别", [("未发现问题", 3)], unit=" 条"))
    assert str(charts["en"]["categories"]) == str(hbar("chart-cat-en", "Results by category",
                                                       [("no problem found", 3)], unit=""))


def test_joint_share_per_year_and_office_codes_without_a_name(tmp_path):
    """2026: one task, not joint (0 %); 2027: one joint task (100 %) — each year its own bar in the
    published colour; an office the site has no name for is shown by its code."""
    from publisher.site.charts import hbar

    wf = Workflow(tmp_path)
    wf.item_list("scjgj")
    wf.item_list("wjj")
    wf.plan()
    wf.plan(year=2027)
    wf.task("T-2026-002", plan_task_no="P-02", items=["SC-02"], partners=[], method="written", scope="全县企业")
    wf.task("T-2027-001", window={"from": "2027-01-01", "to": "2027-03-31"})
    wf.f.checkpoint()
    loaded = load_verified(wf.ledger.root, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    try:
        assert stats.joint_share(loaded) == [{"year": 2026, "tasks": 1, "joint": 0},
                                             {"year": 2027, "tasks": 1, "joint": 1}]
        charts = _charts(loaded, out, {})
        cov = stats.coverage(loaded)
    finally:
        loaded.index.close()
    assert str(charts["zh"]["joint"]) == str(hbar("chart-joint-zh", "部门联合抽查占比", [("2026", 0.0), ("2027", 100.0)],
                                                  percent=True, color="#1f5fa8"))
    assert str(charts["en"]["coverage"]) == str(hbar(
        "chart-cov-en", "Coverage of the item list",
        [(f"{x['office']} {x['year']}", x["percent"]) for x in cov], percent=True, color="#2a9d6f"))
    assert [f"{x['office']} {x['year']}" for x in cov] == ["scjgj 2026", "scjgj 2027"]

