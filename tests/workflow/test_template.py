"""`publisher template results` → fill in Excel → `publisher add`: the round trip, with real
workbooks written and read by openpyxl."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from wf_scenario import drawn, iso, wf  # noqa: F401

from publisher.workflow.author import add_file
from publisher.workflow.errors import InputError
from publisher.workflow.template import results_template


def fill(path, rows: dict[int, dict[str, object]]) -> None:
    """Fill cells by header field name, as a clerk would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["results"]
    col = {c.value.split("(")[-1].rstrip(")"): c.column for c in ws[1]}
    for r, values in rows.items():
        for field, v in values.items():
            ws.cell(r, col[field], v)
    wb.save(path)


def add(wf, path, office="scjgj"):
    wf.f.tick()
    return add_file(wf.ledger, path, office=None, key=wf.f.keys[office], time=iso(wf.f.clock))


def test_template_prefills_locked_targets_with_dropdowns(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    assert results_template(wf.ledger, "T-2026-001", out) == 3
    wb = openpyxl.load_workbook(out)
    ws = wb["results"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == wf.selected(lock)  # batch order
    assert rows[0][1] == wf.name(rows[0][0]) and rows[0][3] == ";".join(wf.team(lock, rows[0][0]))
    assert rows[0][4] == "实地检查"
    formulas = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert formulas == ["=lists!$A$1:$A$8", "=lists!$B$1:$B$5", "=lists!$C$1:$C$4"]
    assert wb["lists"].sheet_state == "hidden" and wb["lists"]["A1"].value == "1-未发现问题"
    meta = {r[0]: r[1] for r in wb["meta"].iter_rows(values_only=True)}
    assert meta["kind"] == "results" and meta["task"] == "T-2026-001" and meta["office"] == "scjgj"


def test_round_trip_skips_unfilled_rows_and_verifies(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": date(2026, 1, 20), "category1": "1-未发现问题"},
               3: {"completed": "2026-01-19", "category1": "5-发现问题已责令改正", "category2": "8-发现问题待后续处理",
                   "findings": "SC-01: 进货查验记录不全", "follow_up": "行政处罚", "follow_up_detail": "立案调查"}})
    res = add(wf, out)
    assert len(res.entries) == 2 and res.skipped_rows == 1
    b = res.entries[1].body
    assert b["categories"] == ["5", "8"] and b["follow_up"] == [{"kind": "penalty", "detail": "立案调查"}]
    assert b["findings"] == [{"item": "SC-01", "finding": "进货查验记录不全"}] and b["completed"] == "2026-01-19"
    assert wf.verify().ok
    # the next template leaves out what scjgj already published
    assert results_template(wf.ledger, "T-2026-001", tmp_path / "again.xlsx") == 1
    assert results_template(wf.ledger, "T-2026-001", tmp_path / "all.xlsx", include_done=True) == 3
    # the partner office gets its own template with all three targets
    assert results_template(wf.ledger, "T-2026-001", tmp_path / "wjj.xlsx", office="wjj") == 3


def test_bad_cells_name_row_and_column(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": "2026-13-01", "category1": "1-未发现问题"},
               3: {"completed": "2026-01-20", "category1": "9-别的"},
               4: {"completed": "2026-01-20", "category1": "1-未发现问题", "inspectors": "scjgj-001"}})
    before = wf.ledger.log_path.read_bytes()
    with pytest.raises(InputError) as exc:
        add(wf, out)
    lines = [str(p) for p in exc.value.problems]
    assert any("sheet 'results', row 2, column '检查完成日期 (completed)': “2026-13-01”不是日期" in x
               for x in lines), lines
    assert any("row 3, column '检查结果1 (category1)': “9-别的”不是检查结果类别" in x for x in lines)
    assert wf.ledger.log_path.read_bytes() == before


def test_rule_problems_in_a_sheet_name_the_row(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": "2026-01-20", "category1": "1-未发现问题", "inspectors": "scjgj-001"}})
    with pytest.raises(InputError) as exc:
        add(wf, out)
    (line,) = [str(p) for p in exc.value.problems]  # issue 14: a stranger is refused before the rules run
    assert "row 2, column '检查人员 (inspectors)': scjgj-001 不是该检查对象抽取的检查组成员" in line
    member = wf.team(lock, wf.selected(lock)[0])[0]
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": "2026-01-20", "category1": "1-未发现问题", "inspectors": member}})
    with pytest.raises(InputError) as exc:
        add(wf, out)
    (line,) = [str(p) for p in exc.value.problems]
    assert "r.xlsx: row 2: 检查人员只有 1 人，每次检查至少两人 / inspectors lists 1" in line and line.endswith("(004 第十四条)")


def test_template_needs_a_public_locked_list(wf, tmp_path):
    wf.basics()
    with pytest.raises(InputError, match="has no published locked list"):
        results_template(wf.ledger, "T-2026-001", tmp_path / "r.xlsx")
    with pytest.raises(InputError, match="not in the ledger"):
        results_template(wf.ledger, "T-9", tmp_path / "r.xlsx")


def test_directory_workbook(wf, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "targets"
    ws.append(["id", "name", "kind", "region", "industry", "risk", "flags", "complaints", "office"])
    for t in wf.targets[:5]:
        ws.append([t.id, t.name, t.kind, t.region, t.industry, t.risk, ";".join(t.flags), t.complaints, t.office])
    meta = wb.create_sheet("meta")
    for row in (["kind", "targets"], ["office", "scjgj"], ["confirmed_by", "张科长"],
                ["confirmed_at", date(2026, 1, 2)]):
        meta.append(row)
    path = tmp_path / "dir.xlsx"
    wb.save(path)
    wf.at("2026-01-03")
    res = add(wf, path)
    assert res.entries[0].body["count"] == 5 and res.entries[0].body["confirmed_at"] == "2026-01-02"
    assert wf.verify().ok
