"""Statistics for quarterly and annual reporting (R75, R76, R79) with charts and CSV files.

Why aggregate in SQL: every figure is a GROUP BY over the on-disk model, so a province-sized
ledger is summarised without loading results; the workflow rule's own coverage verdicts (R22)
are used as they are, never recomputed.
"""

from __future__ import annotations

import csv
from typing import Any

import orjson

from .charts import hbar, stacked
from .i18n import LANG_INDEX, STRINGS, enum_label
from .load import Loaded
from .model import china_date
from .render import Renderer
from .views import VOCABULARIES

LATENESS = ("on_time", "late", "unknown", "none")


def category_counts(loaded: Loaded) -> list[dict[str, Any]]:
    """Current results per (year, vocabulary, code); one result may carry several codes."""
    counts = {(r[0], r[1], r[2]): r[3] for r in loaded.index.it(
        "SELECT r.year, r.vocabulary, c.value, count(*) FROM results r, json_each(coalesce(r.categories, '[]')) c "
        "WHERE r.status='current' AND r.kind IN ('result','correction') GROUP BY r.year, r.vocabulary, c.value")}
    out = []
    for (year, vocab, code), n in sorted(counts.items()):
        v = VOCABULARIES.get(vocab)
        out.append({"year": year, "vocabulary": vocab, "code": code, "count": n,
                    "zh": v.labels_zh.get(code, code) if v else code,
                    "en": v.labels_en.get(code, code) if v else code})
    return out


def timeliness(loaded: Loaded) -> list[dict[str, Any]]:
    rows = loaded.index.q("SELECT year, coalesce(lateness, CASE WHEN completed IS NULL THEN 'none' ELSE 'unknown' END) AS s, "
                          "count(*) AS n FROM results WHERE kind='result' GROUP BY year, s ORDER BY year")
    by: dict[int, dict[str, int]] = {}
    for r in rows:
        by.setdefault(r["year"], dict.fromkeys(LATENESS, 0))[r["s"]] = r["n"]
    return [{"year": y, **v, "total": sum(v.values())} for y, v in sorted(by.items())]


def joint_share(loaded: Loaded) -> list[dict[str, Any]]:
    return [dict(r) for r in loaded.index.q(
        "SELECT year, count(*) AS tasks, sum(joint) AS joint FROM tasks GROUP BY year ORDER BY year")]


def coverage(loaded: Loaded) -> list[dict[str, Any]]:
    """R22 per (office, year) as judged by the workflow rule, with the list size it used."""
    ix = loaded.index
    sizes: dict[str, int] = {}
    for d in ix.q("SELECT office, body FROM docs WHERE type='item.list' ORDER BY idx"):
        sizes[d["office"]] = len(orjson.loads(d["body"]).get("items", []))
    out = []
    for (office, year), c in sorted(loaded.coverage.items()):
        total = sizes.get(office, 0)
        missing = len(c.missing_items)
        out.append({"office": office, "year": year, "items": total, "covered": max(total - missing, 0),
                    "missing": ", ".join(c.missing_items), "joint": bool(c.joint),
                    "percent": 100.0 * (total - missing) / total if total else 0.0})
    return out


def office_quarter(loaded: Loaded) -> list[dict[str, Any]]:
    ix = loaded.index
    rows: dict[tuple[str, int, int], dict[str, int]] = {}
    for r in ix.q("SELECT office, year, quarter, count(*) AS results, sum(lateness='late') AS late, "
                  "sum(kind='correction') AS corrections, sum(kind='withheld') AS withheld "
                  "FROM results GROUP BY office, year, quarter"):
        rows[(r["office"], r["year"], r["quarter"])] = {"results": r["results"], "late": r["late"] or 0,
                                                          "corrections": r["corrections"] or 0,
                                                          "withheld": r["withheld"] or 0, "tasks": 0}
    # Tasks are counted by their China date (UTC+08:00), as results are: a task entered at
    # 2026-03-31T17:00Z is dated 2026-04-01 and belongs to Q2.
    for r in ix.it("SELECT office, time FROM tasks"):
        d = china_date(r["time"])
        key = (r["office"], d.year, (d.month - 1) // 3 + 1)
        rows.setdefault(key, {"results": 0, "late": 0, "corrections": 0, "withheld": 0, "tasks": 0})
        rows[key]["tasks"] += 1
    return [{"office": o, "year": y, "quarter": q, **v} for (o, y, q), v in sorted(rows.items())]


def office_quarter_chart(chart_id: str, t: Any, oq: list[dict[str, Any]], oname: Any) -> Any:
    """Every office (none dropped): one bar per office for the latest year with results,
    split by quarter; the table under the chart has every year."""
    years = sorted({x["year"] for x in oq if x["results"]})
    if not years:
        return ""
    y = years[-1]
    by: dict[str, list[int]] = {}
    for x in oq:
        if x["year"] == y:
            by.setdefault(x["office"], [0, 0, 0, 0])[x["quarter"] - 1] += x["results"]
    rows = [(oname(o), [(f"q{i + 1}", t.fmt("quarter_n", n=i + 1), v) for i, v in enumerate(qs)])
            for o, qs in sorted(by.items(), key=lambda kv: -sum(kv[1]))]
    legend = [(f"q{i}", t.fmt("quarter_n", n=i)) for i in range(1, 5)]
    return stacked(chart_id, f"{t.by_office_quarter}（{y}，{t.unit_results_title}）", rows, legend,
                   absolute=True, unit=t.unit_results)


def office_figures(loaded: Loaded, office: str) -> list[dict[str, Any]]:
    """Per year for one office: tasks led and joined, draws and re-draws, results by category
    and timeliness, corrections and withholdings (the office page's statistics)."""
    ix = loaded.index
    years: dict[int, dict[str, Any]] = {}

    def y(year: int) -> dict[str, Any]:
        return years.setdefault(year, {"year": year, "tasks_led": 0, "tasks_joined": 0, "draws": 0, "redraws": 0,
                                        "results": 0, "on_time": 0, "late": 0, "unknown": 0, "corrections": 0,
                                        "withheld": 0, "categories": {}})
    for r in ix.q("SELECT year, count(*) AS n FROM tasks WHERE office=? GROUP BY year", office):
        y(r["year"])["tasks_led"] = r["n"]
    for r in ix.q("SELECT year, count(*) AS n FROM tasks WHERE partners LIKE ? GROUP BY year", f'%"{office}"%'):
        y(r["year"])["tasks_joined"] = r["n"]
    # draws and re-draws by the China year of their entries (UTC+08:00), as results and tasks
    for r in ix.q("SELECT substr(datetime(d.time, '+8 hours'),1,4) AS year, count(*) AS n FROM draws d "
                  "WHERE d.office=? AND d.kind='lock' GROUP BY year", office):
        y(int(r["year"]))["draws"] = r["n"]
    for r in ix.q("SELECT substr(datetime(time, '+8 hours'),1,4) AS year, count(*) AS n FROM commits "
                  "WHERE office=? AND supersedes IS NOT NULL GROUP BY year", office):
        y(int(r["year"]))["redraws"] = r["n"]
    for r in ix.q("SELECT year, sum(kind='result') AS results, sum(kind='result' AND lateness='on_time') AS on_time, "
                  "sum(kind='result' AND lateness='late') AS late, sum(kind='result' AND (lateness IS NULL OR "
                  "lateness='unknown')) AS unknown, sum(kind='correction') AS corrections, "
                  "sum(kind='withheld') AS withheld FROM results WHERE office=? GROUP BY year", office):
        y(r["year"]).update({k: r[k] or 0 for k in ("results", "on_time", "late", "unknown", "corrections", "withheld")})
    for r in ix.it("SELECT r.year, r.vocabulary, c.value AS code, count(*) AS n FROM results r, "
                   "json_each(coalesce(r.categories, '[]')) c WHERE r.office=? AND r.status='current' "
                   "AND r.kind IN ('result','correction') GROUP BY r.year, r.vocabulary, c.value", office):
        vocab, code = VOCABULARIES.get(r["vocabulary"]), r["code"]
        cats = y(r["year"])["categories"]
        label = (vocab.labels_zh.get(code, code), vocab.labels_en.get(code, code)) if vocab else (code, code)
        cats[label] = cats.get(label, 0) + r["n"]
    out = []
    for year in sorted(years, reverse=True):
        v = years[year]
        v["categories"] = [{"zh": k[0], "en": k[1], "n": n} for k, n in sorted(v["categories"].items(), key=lambda kv: -kv[1])]
        judged = v["on_time"] + v["late"]
        v["on_time_pct"] = f"{100.0 * v['on_time'] / judged:.1f}%" if judged else "—"
        out.append(v)
    return out


def write_csv(r: Renderer, path: str, rows: list[dict[str, Any]], fields: list[str]) -> None:
    with r.open(path) as f:
        f.write("\ufeff")  # so spreadsheet programs read the UTF-8 Chinese correctly
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        from .downloads import csv_safe

        w.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)


def write_all(loaded: Loaded, r: Renderer) -> None:
    cats, tl, joint, cov, oq = (category_counts(loaded), timeliness(loaded), joint_share(loaded),
                                coverage(loaded), office_quarter(loaded))
    write_csv(r, "stats/categories.csv", cats, ["year", "vocabulary", "code", "zh", "en", "count"])
    write_csv(r, "stats/timeliness.csv", tl, ["year", *LATENESS, "total"])
    write_csv(r, "stats/joint.csv", joint, ["year", "tasks", "joint"])
    write_csv(r, "stats/coverage.csv", cov, ["office", "year", "items", "covered", "missing", "joint", "percent"])
    write_csv(r, "stats/office_quarter.csv", oq, ["office", "year", "quarter", "tasks", "results", "late",
                                                   "corrections", "withheld"])
    offices = r.common["zh"]["C"]["offices"]
    charts: dict[str, dict[str, Any]] = {}
    for lang in ("zh", "en"):
        t, i = STRINGS[lang], LANG_INDEX[lang]

        def oname(code: str, i: int = i) -> str:
            o = offices.get(code)
            return (o["name_en"] if i else o["name_zh"]) if o else code

        totals: dict[str, int] = {}
        for c in cats:
            totals[c[lang]] = totals.get(c[lang], 0) + c["count"]
        charts[lang] = {
            "categories": hbar(f"chart-cat-{lang}", t.by_category, sorted(totals.items(), key=lambda x: -x[1]),
                               unit=t.unit_results),
            "timeliness": stacked(f"chart-tl-{lang}", t.by_timeliness,
                                  [(str(x["year"]), [(k, enum_label("lateness", k, lang), x[k]) for k in LATENESS])
                                   for x in tl], [(k, enum_label("lateness", k, lang)) for k in LATENESS]),
            "joint": hbar(f"chart-joint-{lang}", t.joint_share,
                          [(str(x["year"]), 100.0 * (x["joint"] or 0) / x["tasks"]) for x in joint if x["tasks"]],
                          percent=True, color="#1f5fa8"),
            "coverage": hbar(f"chart-cov-{lang}", t.coverage,
                             [(f"{oname(x['office'])} {x['year']}", x["percent"]) for x in cov],
                             percent=True, color="#2a9d6f"),
            "office_quarter": office_quarter_chart(f"chart-oq-{lang}", t, oq, oname),
        }
    r.page("stats/", "stats", cats=cats, timeliness=tl, joint=joint, coverage=cov, office_quarter=oq,
           charts=charts, lateness_keys=LATENESS)
