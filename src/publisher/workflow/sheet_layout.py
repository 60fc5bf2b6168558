"""The results sheet layout, shared by the template writer and the reader.

Headers are "中文 (field)"; the reader accepts the full header, the Chinese part, or the
field name, so a clerk may rename a column to plain Chinese without breaking the import.
"""

from __future__ import annotations

import re

RESULTS_SHEET = "results"
LISTS_SHEET = "lists"
CATEGORY_COLUMNS = ("category1", "category2", "category3")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("target", "检查对象编号"),
    ("target_name", "检查对象名称"),
    ("completed", "检查完成日期"),
    ("inspectors", "检查人员"),
    ("method", "检查方式"),
    ("category1", "检查结果1"),
    ("category2", "检查结果2"),
    ("category3", "检查结果3"),
    ("items", "检查事项"),
    ("findings", "发现问题"),
    ("remarks", "备注"),
    ("follow_up", "后续处理"),
    ("follow_up_detail", "后续处理说明"),
)
EXTRA_ALIASES = {"统一社会信用代码": "target", "对象编号": "target", "名称": "target_name",
                 "完成日期": "completed", "检查结果": "category1", "categories": "category1"}

_PAREN = re.compile(r"^(.*?)\s*[(（]\s*([A-Za-z0-9_]+)\s*[)）]\s*$")


def header(field: str, zh: str) -> str:
    return f"{zh} ({field})"


def field_of(text: str) -> str | None:
    """The field a header names, or None."""
    t = text.strip()
    fields = {f for f, _ in COLUMNS}
    by_zh = {zh: f for f, zh in COLUMNS} | EXTRA_ALIASES
    m = _PAREN.match(t)
    if m and m.group(2) in fields:
        return m.group(2)
    if m and m.group(1) in by_zh:
        return by_zh[m.group(1)]
    if t in fields:
        return t
    return by_zh.get(t)
