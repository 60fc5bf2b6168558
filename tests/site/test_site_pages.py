"""Pages a citizen reads, checked from the built files: the overdue list, per-office statistics,
joint-task withholdings, downloads."""

from __future__ import annotations

import csv
import re

from site_ledger import NOW

from publisher.site.load import load_verified


def text(path) -> str:
    return re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))


def test_overdue_page_names_companies_and_tasks_with_days_overdue(site, county, tmp_path):
    loaded = load_verified(county.ledger, tmp_path, now=NOW)
    expected = sum(o.count for o in loaded.overdue)
    owed = {(o.task, o.office) for o in loaded.overdue}
    loaded.index.close()
    html = (site / "overdue" / "index.html").read_text(encoding="utf-8")
    body = text(site / "overdue" / "index.html")
    # one clear count with its definition and the as-of date (the build's "now", China date)
    assert f'<span class="num-inline">{expected}</span> 家次' in html
    assert "截至 2026-06-30" in body and "20 个工作日" in body
    rows = re.findall(r"<tr>\s*<td data-label=\"检查对象\">(.*?)</tr>", html, re.S)
    assert len(rows) == expected  # no embargoed overdue target in this ledger: one row each
    for row in rows:
        assert "/company/" in row and "/task/" in row
        assert re.search(r'data-label="已逾期（工作日）">\d+<', row), row
        assert re.search(r'data-label="公示期限" class="nowrap">2026-\d\d-\d\d<', row), row
    assert {("T-2026-001", "县市场监督管理局"), ("T-2026-001", "县卫生健康局")} <= {
        (re.search(r"T-2026-\d+", r).group(0), re.search(r'data-label="部门">(.*?)<', r).group(1)) for r in rows}
    assert len(owed) >= 2
    # the task's name, not only its id
    assert "食品生产企业联合抽查" in body or "联合抽查" in body


def test_a_withholding_does_not_strike_the_partner_offices_result(site, county):
    """Joint task: scjgj withholds its result for a target; wjj's own result for that target
    stays current — on the task page, the company page and in the CSV download."""
    target = county.withheld_target
    company = (site / "company" / target / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", company, re.S)
    wjj = [cls for cls, row in rows if "县卫生健康局" in row]
    assert wjj and all("struck" not in cls for cls in wjj), wjj
    assert "已更正" not in "".join(row for cls, row in rows if "县卫生健康局" in row)
    found = False
    for f in [*(site / "data").rglob("*.csv"), *(site / "task").rglob("results.csv")]:
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for rec in csv.reader(fh):
                if county.partner_result in rec:
                    found = True
                    assert "superseded" not in rec and "已被更正" not in rec, rec
    assert found
