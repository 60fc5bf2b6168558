"""`publisher template results`: an Excel sheet pre-filled with a task's locked targets.

Rows carry the target id and name (from the draw's snapshot), the drawn team (after
replacements) and the task's method; the clerk fills the completion date and the result
categories, chosen from drop-downs (data validation lists on a hidden ``lists`` sheet), and
imports the file with `publisher add`. Targets the office has already published are left out
unless asked for.
"""

from __future__ import annotations

from pathlib import Path

from publisher.workflow.rules.vocab import DEFAULT_VOCABULARY, FOLLOW_UP, METHODS, VOCABULARIES

from ..storage.ledger_dir import LedgerDir
from .errors import InputError
from .ledger_state import LedgerState
from .sheet_layout import CATEGORY_COLUMNS, COLUMNS, LISTS_SHEET, RESULTS_SHEET, header

TEMPLATE_VERSION = "ssgk-results/v1"


def results_template(ledger: LedgerDir, task_id: str, out: Path, *, office: str | None = None,
                     own_offices: frozenset[str] = frozenset(),
                     include_done: bool = False, vocabulary: str = DEFAULT_VOCABULARY) -> int:
    """Write the workbook; returns the number of target rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    state = LedgerState(ledger).replay(watch_tasks=[task_id])
    task = state.task(task_id)
    if task is None:
        raise InputError.one(str(out), "", f"账本中没有编号为 {task_id} 的任务 / task {task_id!r} is not in the ledger")
    if office is None:  # the clerk's own office: the one participant whose key is on this machine
        mine = [o for o in task.offices if o in own_offices]
        office = mine[0] if len(mine) == 1 else task.lead
    if office not in task.items:
        raise InputError.one(str(out), "", f"单位 {office} 没有参与任务 {task_id} / {office} does not take part in task {task_id} "
                             f"(participants: {', '.join(task.offices)})")
    draw = state.draws.get(task_id)
    if draw is None or not draw.selected:
        raise InputError.one(str(out), "", f"任务 {task_id} 还没有公布锁定的抽中名单 / task {task_id} has no published locked list yet (draw not locked, "
                             "or an embargoed draw not revealed)")
    vocab = VOCABULARIES[vocabulary]
    names = state.target_names(task_id, draw.selected)
    rows = []
    for tid in draw.selected:
        i = task.selection.find(tid)
        if not include_done and i is not None and task.selection.get(office, i):
            continue
        rows.append(tid)

    wb = Workbook()
    ws = wb.active
    ws.title = RESULTS_SHEET
    ws.append([header(f, zh) for f, zh in COLUMNS])
    for c in ws[1]:
        c.font = Font(bold=True)
    col = {f: n + 1 for n, (f, _) in enumerate(COLUMNS)}
    method_label = METHODS.get(task.method, task.method)
    for tid in rows:
        team = draw.teams.get(tid, [])
        values = {"target": tid, "target_name": names.get(tid, ""), "inspectors": ";".join(team),
                  "method": method_label}
        ws.append([values.get(f) for f, _ in COLUMNS])
    for f, width in (("target", 22), ("target_name", 30), ("completed", 14), ("inspectors", 28),
                     ("findings", 40), ("remarks", 30)):
        ws.column_dimensions[ws.cell(1, col[f]).column_letter].width = width
    for r in range(2, len(rows) + 2):
        ws.cell(r, col["completed"]).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "C2"

    lists = wb.create_sheet(LISTS_SHEET)
    cats = [f"{c}-{label}" for c, label in vocab.labels_zh.items()]
    methods = list(METHODS.values())
    follows = list(FOLLOW_UP.values())
    for n, v in enumerate(cats, 1):
        lists.cell(n, 1, v)
    for n, v in enumerate(methods, 1):
        lists.cell(n, 2, v)
    for n, v in enumerate(follows, 1):
        lists.cell(n, 3, v)
    lists.sheet_state = "hidden"
    last = max(len(rows) + 1, 2) + 500  # room for rows a clerk adds
    for formula, fields, prompt in (
        (f"={LISTS_SHEET}!$A$1:$A${len(cats)}", CATEGORY_COLUMNS, "检查结果类别 (004 第二十条)"),
        (f"={LISTS_SHEET}!$B$1:$B${len(methods)}", ("method",), "检查方式"),
        (f"={LISTS_SHEET}!$C$1:$C${len(follows)}", ("follow_up",), "后续处理"),
    ):
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorTitle="无效值", error="请从下拉列表中选择", promptTitle=prompt,
                            prompt="从列表中选择")
        ws.add_data_validation(dv)
        for f in fields:
            letter = ws.cell(1, col[f]).column_letter
            dv.add(f"{letter}2:{letter}{last}")

    meta = wb.create_sheet("meta")
    for k, v in (("kind", "results"), ("office", office), ("task", task_id), ("vocabulary", vocabulary),
                 ("template", TEMPLATE_VERSION),
                 ("说明", "填写检查完成日期和检查结果后，用 `publisher add 本文件` 导入；未填写的行会被跳过。")):
        meta.append([k, v])
    meta.column_dimensions["B"].width = 60
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return len(rows)
