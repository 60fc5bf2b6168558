"""Spreadsheet downloads: the same records as the JSON files, in columns a clerk can read.

Why a second shape: JSON keeps the ledger's field names and codes for programs; CSV and XLSX
are opened in Excel/WPS by people, so they get Chinese headers, office names beside codes,
Beijing times, words for statuses, and (in XLSX) USCCs stored as text so an all-digit code is
never turned into 9.14E+17. The column list below is also the data dictionary page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .i18n import enum_label
from .render import cst


@dataclass(frozen=True)
class Column:
    key: str  # field name in the JSON file
    zh: str  # header in CSV/XLSX
    en: str  # English description (data dictionary)
    meaning: str  # Chinese description (data dictionary)
    get: Callable[[dict[str, Any], Callable[[str], str]], Any]
    text: bool = False  # keep as text in XLSX (ids)


def _k(key: str) -> Callable[[dict[str, Any], Callable[[str], str]], Any]:
    return lambda rec, oname: rec.get(key)


def _join(value: Any) -> str:
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return "" if value is None else str(value)


STATUS = {"current": "现行有效", "superseded": "已被更正或替代"}
KIND = {"result": "检查结果", "correction": "更正后的结果", "withheld": "依法不予公示说明"}

RESULT_COLUMNS = [
    Column("target", "统一社会信用代码（对象编号）", "Target id (USCC for companies)", "检查对象的统一社会信用代码或名录库编号", _k("target"), True),
    Column("target_name", "检查对象名称", "Target name", "检查对象名称（以名录库或结果记录为准）", _k("target_name")),
    Column("task", "抽查任务编号", "Task id", "抽查任务编号", _k("task"), True),
    Column("office", "检查部门", "Inspecting office (name)", "公示该结果的部门", lambda r, o: o(r.get("office"))),
    Column("office_code", "部门代码", "Office code", "部门在账本中的代码", _k("office"), True),
    Column("kind", "记录类别", "Kind", "检查结果、更正后的结果或依法不予公示说明", lambda r, o: KIND.get(r.get("kind"), r.get("kind"))),
    Column("status", "状态", "Status", "现行有效，或已被同一部门的更正/不予公示说明替代", lambda r, o: STATUS.get(r.get("status"), r.get("status"))),
    Column("categories_zh", "检查结果", "Result categories (Chinese)", "结果类别（按规定的结果用语）", lambda r, o: _join(r.get("categories_zh"))),
    Column("categories", "结果类别代码", "Result category codes", "结果类别代码", lambda r, o: _join(r.get("categories")), True),
    Column("remarks", "备注", "Remarks", "检查部门填写的备注", _k("remarks")),
    Column("completed", "检查完成日期", "Inspection completed (date)", "检查完成之日", _k("completed")),
    Column("published", "公示时间（北京时间）", "Published (Beijing time)", "该记录写入账本的时间，北京时间", lambda r, o: cst(r.get("published"))),
    Column("deadline", "公示期限", "Publication deadline", "检查完成之日起 20 个工作日", _k("deadline")),
    Column("lateness", "公示及时性", "Timeliness", "按时公示、逾期公示或无法判断",
           lambda r, o: enum_label("lateness", r.get("lateness"), "zh")),
    Column("late_days", "逾期工作日", "Working days late", "逾期公示时超过期限的工作日数", _k("late_days")),
    Column("legal_basis", "不予公示的法律依据", "Legal basis for withholding", "依法不予公示时引用的依据", _k("legal_basis")),
    Column("corrects", "被更正的记录编号", "Corrected entry id", "更正记录所更正的原记录编号", _k("corrects"), True),
    Column("entry_id", "记录编号", "Entry id", "账本记录编号（可用于核验）", _k("entry_id"), True),
]

TASK_COLUMNS = [
    Column("task", "抽查任务编号", "Task id", "抽查任务编号", _k("task"), True),
    Column("name", "任务名称", "Task name", "抽查任务名称", _k("name")),
    Column("lead", "发起部门", "Lead office (name)", "发起（牵头）部门", lambda r, o: o(r.get("lead"))),
    Column("partners", "联合部门", "Partner offices (names)", "参与联合抽查的部门", lambda r, o: "；".join(o(p) for p in r.get("partners") or [])),
    Column("year", "年度", "Year", "任务所属年度", _k("year")),
    Column("window_from", "检查开始日期", "Window from", "检查期开始", _k("window_from")),
    Column("window_to", "检查结束日期", "Window to", "检查期结束", _k("window_to")),
    Column("directional", "抽查类型", "Directional", "定向抽查或不定向抽查",
           lambda r, o: "定向抽查" if r.get("directional") else "不定向抽查"),
    Column("items", "抽查事项代码", "Item codes", "抽查事项清单中的事项代码", lambda r, o: _join(r.get("items")), True),
    Column("draw_status", "抽取状态", "Draw status", "是否已随机抽取、名单是否公开",
           lambda r, o: enum_label("draw_status", r.get("draw_status") or "none", "zh")),
    Column("selected", "抽中对象数", "Targets selected", "随机抽中的检查对象数量", _k("selected")),
    Column("results", "已公示结果数", "Results published", "已公示的检查结果数量", _k("results")),
    Column("entry_id", "记录编号", "Entry id", "账本记录编号", _k("entry_id"), True),
]


def rows(columns: list[Column], records: Iterable[dict[str, Any]], oname: Callable[[str], str]) -> Iterable[list[Any]]:
    for rec in records:
        yield [c.get(rec, oname) for c in columns]


class XlsxTable:
    """A write-only workbook with one sheet: Chinese header, id columns stored as text."""

    def __init__(self, path: Any, columns: list[Column], title: str):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._cell = WriteOnlyCell
        self.path, self.columns = path, columns
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(title[:31])
        self.ws.freeze_panes = "A2"
        header = []
        for c in columns:
            cell = WriteOnlyCell(self.ws, value=c.zh)
            cell.font = Font(bold=True)
            header.append(cell)
        self.ws.append(header)

    def add(self, values: list[Any]) -> None:
        out = []
        for c, v in zip(self.columns, values):
            if v is None:
                out.append(None)
            elif isinstance(v, str) and not c.text and not v.startswith("="):
                out.append(v)  # plain text (a cell object only where it must be forced to text)
            elif c.text or isinstance(v, str):
                cell = self._cell(self.ws, value=str(v))
                cell.number_format = "@"  # text: never a number, never a formula
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(v)
        self.ws.append(out)

    def close(self) -> None:
        self.wb.save(self.path)
        reproducible_zip(self.path)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(path: Any) -> None:
    """The same rows give the same bytes: openpyxl stamps the save time into docProps/core.xml
    and every zip member, so an incremental build could never match a full one. Times are set
    to the zip epoch (1980-01-01); nothing in the workbook depends on them."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    tmp = f"{path}.tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            z.writestr(fixed, data)
    os.replace(tmp, path)
