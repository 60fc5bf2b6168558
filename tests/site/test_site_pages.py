"""Pages a citizen reads, checked from the built files: the overdue list, per-office statistics,
joint-task withholdings, downloads."""

from __future__ import annotations

import csv
import json
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
    rows = re.findall(r"<tr class=\"([^\"]*)\"[^>]*>(.*?)</tr>", company, re.S)
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


def test_xlsx_downloads_open_with_chinese_headers_names_beijing_times_and_text_ids(site, county):
    from datetime import datetime, timedelta

    from openpyxl import load_workbook

    published = [datetime.strptime(x["published"], "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=8)
                 for x in json.loads((site / "data/2026/results.json").read_text(encoding="utf-8"))]
    months = sorted((site / "data/2026").glob("results-*.xlsx"))  # one file per month of publication
    assert [p.stem for p in months] == sorted({f"results-{t.month:02d}" for t in published}) and len(months) > 1
    assert published == sorted(published, key=lambda t: t.month)  # the year's JSON: the months joined
    sheets = [list(load_workbook(p, read_only=True).worksheets[0].iter_rows(values_only=True)) for p in months]
    rows = [sheets[0][0]] + [r for sheet in sheets for r in sheet[1:]]
    assert all(sheet[0] == rows[0] for sheet in sheets)  # every month's file has the header
    header = rows[0]
    assert header[0] == "统一社会信用代码（对象编号）" and "检查部门" in header and "公示时间（北京时间）" in header
    assert all(not str(h).isascii() for h in header)  # every header in Chinese
    col = {h: i for i, h in enumerate(header)}
    body = rows[1:]
    uscc = county.chinese_company[0]
    mine = [r for r in body if r[col["统一社会信用代码（对象编号）"]] == uscc]
    assert mine and all(isinstance(r[0], str) for r in body)  # ids are text, never numbers
    assert {r[col["检查部门"]] for r in mine} <= {"县市场监督管理局", "县卫生健康局"}
    # Beijing time: the JSON's UTC time + 8 hours
    results = json.loads((site / "data/2026/results.json").read_text(encoding="utf-8"))
    first = results[0]
    shown = body[0][col["公示时间（北京时间）"]]
    utc = datetime.strptime(first["published"], "%Y-%m-%dT%H:%M:%SZ")
    assert shown == (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    # a hostile remark that starts like a formula stays text
    cell_types = {type(r[col["备注"]]) for r in body if r[col["备注"]] is not None}
    assert cell_types <= {str}
    statuses = {r[col["状态"]] for r in body}
    assert statuses <= {"现行有效", "已被更正或替代"} and "已被更正或替代" in statuses
    tasks = load_workbook(site / "data/2026/tasks.xlsx", read_only=True).worksheets[0]
    theader = next(tasks.iter_rows(values_only=True))
    assert theader[:3] == ("抽查任务编号", "任务名称", "发起部门")
    # the CSV has the same Chinese header, and the downloads page says when each dataset changed
    with open(site / "data/2026/results.csv", encoding="utf-8-sig", newline="") as f:
        assert tuple(next(csv.reader(f))) == header
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "results-02.xlsx" in page and "2月" in page and "最后更新（北京时间）" in page and "数据使用许可" in page
    assert (site / "downloads" / "dictionary" / "index.html").is_file()


def test_site_identity_in_footer_and_about(site):
    for rel in ("index.html", "about/index.html", "stats/index.html"):
        html = (site / rel).read_text(encoding="utf-8")
        assert "主办单位" in html and "异议和申请更正" in html
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'id="contact"' in about and "联系电话" in about and "书面异议" in about


def test_identity_settings_override_the_defaults():
    from publisher.site.identity import identity

    out = identity({"PUBLISHER_SPONSOR": ("某市场监管局", "Some AMR"), "PUBLISHER_ICP": "鲁ICP备00000000号"})
    assert out["sponsor"] == {"zh": "某市场监管局", "en": "Some AMR"}
    assert out["icp"] == {"zh": "鲁ICP备00000000号", "en": "鲁ICP备00000000号"}
    assert out["objection"]["zh"]  # a default is always there


def test_office_page_has_statistics(site):
    html = (site / "office" / "scjgj" / "index.html").read_text(encoding="utf-8")
    body = text(site / "office" / "scjgj" / "index.html")
    assert "本部门工作统计" in html and "牵头" in body and "按时率" in body and "更正" in body
    assert "draw.commit" not in body and "抽取承诺" in body  # entry types in words
