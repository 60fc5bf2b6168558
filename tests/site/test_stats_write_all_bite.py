"""``write_all`` on the hand-counted county (test_stats_exact.py has the count): the five published
CSV files byte for byte, and the statistics page's data and charts, without building the site.

The page goes to a recording writer (it stands in for Pelican's writer, which only renders the
template): what is checked is what write_all hands over — the same figures as the CSV files and
each chart drawn from exactly the hand-counted numbers, under its published title.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_stats_exact import county  # noqa: F401  (the module-scoped hand-counted ledger)

from publisher.site import stats
from publisher.site.charts import hbar, stacked
from publisher.site.render import Renderer

BOM = "\ufeff"
CAT3_ZH = "公示信息隐瞒真实情况弄虚作假"
CAT3_EN = "disclosed information concealed the facts or was falsified"
OFFICES = {"scjgj": {"name_zh": "县市场监管局", "name_en": "County AMR"}}
LATE_ZH = [("on_time", "按时公示"), ("late", "逾期公示"), ("unknown", "无法判断"), ("none", "无完成日期")]
LATE_EN = [("on_time", "on time"), ("late", "late"), ("unknown", "unknown"), ("none", "no completion date")]


class RecordingWriter:
    """Pelican's writer interface (write_file) reduced to remembering what it was given."""

    def __init__(self):
        self.calls = []

    def write_file(self, name, template, context, override_output=False, **kw):
        self.calls.append((name, template, dict(context), override_output, kw))


@pytest.fixture
def written(county, tmp_path):  # noqa: F811
    """Function-scoped on purpose (write_all is cheap; the county is built once): mutation
    testing attributes a function to the tests during which it runs, so each test that reads
    write_all's output must also run it."""
    loaded, _, _ = county
    out = tmp_path / "write_all"
    out.mkdir()
    writer = RecordingWriter()
    common = {lang: {"C": {"offices": OFFICES}, "lang": lang} for lang in ("zh", "en")}
    r = Renderer(writer, lambda name: f"<template {name}>", out, common, "https://portal.test/")
    stats.write_all(loaded, r)
    r.close()
    return loaded, out, writer


def text(out: Path, name: str) -> str:
    return (out / "stats" / name).read_bytes().decode("utf-8")


def test_the_five_csv_files_byte_for_byte(written):
    _, out, _ = written
    assert text(out, "categories.csv") == BOM + (
        "year,vocabulary,code,zh,en,count\r\n"
        "2026,004-20/v1,1,未发现问题,no problem found,2\r\n"
        f"2026,004-20/v1,3,{CAT3_ZH},{CAT3_EN},1\r\n")
    assert text(out, "timeliness.csv") == BOM + "year,on_time,late,unknown,none,total\r\n2026,2,1,0,0,3\r\n"
    assert text(out, "joint.csv") == BOM + "year,tasks,joint\r\n2026,3,2\r\n"
    assert text(out, "coverage.csv") == BOM + (
        "office,year,items,covered,missing,joint,percent\r\nscjgj,2026,3,3,,True,100.0\r\n")
    assert text(out, "office_quarter.csv") == BOM + (
        "office,year,quarter,tasks,results,late,corrections,withheld\r\n"
        "scjgj,2026,1,2,4,2,0,1\r\nscjgj,2026,2,0,1,0,1,0\r\nscjgj,2026,4,1,0,0,0,0\r\n")


def test_the_stats_page_gets_the_same_figures_in_both_languages(written):
    loaded, _, writer = written
    assert [(c[0], c[1]) for c in writer.calls] == [("stats/index.html", "<template stats>"),
                                                     ("en/stats/index.html", "<template stats>")]
    for _, _, _context, override, kw in writer.calls:
        assert override is False
        assert kw["cats"] == stats.category_counts(loaded)
        assert [(x["code"], x["count"]) for x in kw["cats"]] == [("1", 2), ("3", 1)]
        assert kw["timeliness"] == [{"year": 2026, "on_time": 2, "late": 1, "unknown": 0, "none": 0, "total": 3}]
        assert kw["joint"] == [{"year": 2026, "tasks": 3, "joint": 2}]
        assert kw["coverage"] == [{"office": "scjgj", "year": 2026, "items": 3, "covered": 3, "missing": "",
                                   "joint": True, "percent": 100.0}]
        assert [(x["quarter"], x["tasks"], x["results"]) for x in kw["office_quarter"]] == [(1, 2, 4), (2, 0, 1),
                                                                                            (4, 1, 0)]
        assert kw["lateness_keys"] == ("on_time", "late", "unknown", "none")


def _expected_charts(lang):
    zh = lang == "zh"
    unit = " 条" if zh else ""
    late = LATE_ZH if zh else LATE_EN
    name = "县市场监管局" if zh else "County AMR"
    q = [(f"q{i}", f"第{i}季度" if zh else f"Q{i}") for i in range(1, 5)]
    return {
        "categories": hbar(f"chart-cat-{lang}", "按结果类别" if zh else "Results by category",
                           [("未发现问题" if zh else "no problem found", 2), (CAT3_ZH if zh else CAT3_EN, 1)],
                           unit=unit),
        "timeliness": stacked(f"chart-tl-{lang}", "公示及时性" if zh else "Timeliness of publication",
                              [("2026", [(k, label, n) for (k, label), n in zip(late, (2, 1, 0, 0), strict=True)])],
                              late),
        "joint": hbar(f"chart-joint-{lang}", "部门联合抽查占比" if zh else "Share of joint tasks",
                      [("2026", 200.0 / 3)], percent=True, color="#1f5fa8"),
        "coverage": hbar(f"chart-cov-{lang}", "抽查事项覆盖率" if zh else "Coverage of the item list",
                         [(f"{name} 2026", 100.0)], percent=True, color="#2a9d6f"),
        "office_quarter": stacked(
            f"chart-oq-{lang}",
            "按部门和季度（2026，检查结果条数）" if zh else "By office and quarter（2026，number of results）",
            [(name, [(k, label, n) for (k, label), n in zip(q, (4, 1, 0, 0), strict=True)])], q,
            absolute=True, unit=unit),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_chart_is_drawn_from_the_hand_counted_figures(written, lang):
    _, _, writer = written
    charts = writer.calls[0][4]["charts"]
    assert writer.calls[1][4]["charts"] is charts  # one dict, both languages' pages
    assert set(charts) == {"zh", "en"}
    expected = _expected_charts(lang)
    for key in expected:
        assert str(charts[lang][key]) == str(expected[key]), key
    assert set(charts[lang]) == set(expected)


def _oq(office, year, quarter, results):
    return {"office": office, "year": year, "quarter": quarter, "results": results, "tasks": 0}


def test_office_quarter_chart_latest_year_every_office_largest_first():
    """The chart shows the latest year *with results* (a later year with only tasks is left out),
    one bar per office, the office with most results first; an office with results only in
    earlier years keeps an empty bar in no chart (it is not in the latest year)."""
    from publisher.site.i18n import STRINGS

    t = STRINGS["en"]
    oq = [_oq("a1", 2025, 1, 9), _oq("a1", 2026, 1, 1), _oq("a1", 2026, 4, 1), _oq("b2", 2026, 2, 5),
          _oq("c3", 2026, 3, 0), _oq("a1", 2027, 1, 0), _oq("d4", 2025, 2, 7)]
    q = [(f"q{i}", f"Q{i}") for i in range(1, 5)]
    got = stats.office_quarter_chart("x", t, oq, lambda code: code.upper())
    want = stacked("x", "By office and quarter（2026，number of results）",
                   [("B2", [("q1", "Q1", 0), ("q2", "Q2", 5), ("q3", "Q3", 0), ("q4", "Q4", 0)]),
                    ("A1", [("q1", "Q1", 1), ("q2", "Q2", 0), ("q3", "Q3", 0), ("q4", "Q4", 1)]),
                    ("C3", [("q1", "Q1", 0), ("q2", "Q2", 0), ("q3", "Q3", 0), ("q4", "Q4", 0)])],
                   q, absolute=True, unit="")
    assert str(got) == str(want)


def test_office_quarter_chart_without_results_is_empty():
    from publisher.site.i18n import STRINGS

    assert stats.office_quarter_chart("x", STRINGS["zh"], [], str) == ""
    assert stats.office_quarter_chart("x", STRINGS["zh"], [_oq("a1", 2026, 1, 0)], str) == ""


def test_csv_cells_are_defused_and_lists_joined(tmp_path):
    r = Renderer(None, None, tmp_path, {}, "https://portal.test/")
    stats.write_csv(r, "stats/t.csv", [{"a": "=1+1", "b": ["x", "y"], "c": None, "d": "ok"}], ["a", "b", "c"])
    r.close()
    assert (tmp_path / "stats" / "t.csv").read_bytes().decode("utf-8") == BOM + "a,b,c\r\n'=1+1,x;y,\r\n"
