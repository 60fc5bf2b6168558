"""Workbooks → drafts: the results sheet made by `publisher template`, and directory sheets.

A results row the clerk has not filled yet (no completion date and no category) is skipped,
so one template can be imported in several rounds as inspections finish.
"""

from __future__ import annotations

import io
from typing import Any

from .drafts import Draft
from .errors import InputError
from .fields import Problems, Record
from .form_directory import snapshot_draft
from .form_results import FIELDS, fill_names, result_body
from .sheet_layout import CATEGORY_COLUMNS, RESULTS_SHEET, field_of
from .xlsx_input import META, Workbook


def results_from_sheet(wb: Workbook, office: str, state, problems: Problems) -> tuple[list[Draft], int]:
    """(drafts, number of rows skipped as not yet filled)."""
    meta = wb.meta
    defaults = {k: meta[k] for k in ("task", "method", "vocabulary") if meta.get(k)}
    sheet = RESULTS_SHEET if RESULTS_SHEET in wb.sheetnames else None
    if sheet is None:
        raise InputError.one(wb.file, "", f"工作簿中没有结果表（{RESULTS_SHEET}）/ no {RESULTS_SHEET!r} sheet")
    rows = wb.rows(sheet)
    head = next(rows, None)
    if head is None:
        raise InputError.one(wb.file, f"sheet {sheet!r}", "工作表是空的（没有表头行）/ empty sheet (no header row)")
    columns: list[tuple[int, str, str]] = []
    seen: dict[str, str] = {}
    for i, h in enumerate(head[1]):
        if h is None:
            continue
        f = field_of(h)
        if f is None:
            problems.add(f"sheet {sheet!r}, row 1", f"无法识别的列“{h}” / unknown column {h!r}")
            continue
        if f in seen:
            problems.add(f"sheet {sheet!r}, row 1", f"列“{seen[f]}”和“{h}”是同一个字段 / columns {seen[f]!r} and {h!r} are the same field")
            continue
        seen[f] = h
        columns.append((i, f, h))
    if "target" not in seen:
        problems.add(f"sheet {sheet!r}, row 1", "没有检查对象编号列 / no target column (检查对象编号)")
    if "task" not in defaults:
        problems.add(f"sheet {META!r}", "没有任务编号（task）行：工作簿须写明所属任务 / no 'task' row: the workbook must name its task")
    if problems.errors:
        raise InputError(problems.items)
    drafts, records, skipped = [], [], 0
    for n, cells in rows:
        data: dict[str, Any] = {}
        for i, f, _ in columns:
            if i < len(cells) and cells[i] is not None:
                data[f] = cells[i]
        if not data:
            continue
        cats = [data.pop(c) for c in CATEGORY_COLUMNS if c in data]
        if "completed" not in data and not cats:
            skipped += 1
            continue
        if _already_published(data, defaults, office, state):
            state.skipped_published = getattr(state, "skipped_published", 0) + 1
            continue
        if cats:
            data["categories"] = cats
        if "follow_up" in data:
            data["follow_up"] = [{"kind": data.pop("follow_up"), "detail": data.pop("follow_up_detail", "")}]
        else:
            data.pop("follow_up_detail", None)
        labels = {f: h for _, f, h in columns}
        labels["categories"] = labels.get("category1", "categories")
        r = Record(data, f"sheet {sheet!r}, row {n}", problems, labels)
        r.check_unknown(FIELDS)
        drafts.append(Draft("result", result_body(r, defaults, state), f"row {n}"))
        records.append(r)
    fill_names(drafts, state, records)
    return drafts, skipped


def _already_published(data: dict, defaults: dict, office: str, state) -> bool:
    """A row of a re-imported workbook whose target this office already published: skipped
    (the clerk imports the same template again as more inspections finish)."""
    task, target = data.get("task") or defaults.get("task"), data.get("target")
    if not isinstance(task, str) or not isinstance(target, str) or not hasattr(state, "published"):
        return False
    return state.published(task.strip(), office, target.strip())


def directory_from_sheet(wb: Workbook, kind: str, problems: Problems, state=None) -> list[Draft]:
    meta = wb.meta
    data_sheets = [s for s in wb.sheetnames if s != META]
    sheet = kind if kind in data_sheets else (data_sheets[0] if data_sheets else None)
    if sheet is None:
        raise InputError.one(wb.file, "", f"工作簿中没有{kind}所在的工作表 / no sheet with the {kind}")
    m = Record(meta, f"sheet {META!r}", problems)
    by = m.text("confirmed_by", max_len=100)
    at = m.date("confirmed_at")
    note = m.text("note", required=False, max_len=2000, multiline=True)
    from .form_directory import office_names, portal_sealed

    d = snapshot_draft(kind, io.BytesIO(wb.data), wb.file, sheet, by, at, note, f"sheet {sheet!r}", problems,
                       office_names(state), portal_sealed(state))
    return [d] if d else []
