"""A year's holiday arrangement as the operator types it (YAML) → a ``calendar`` entry body.

Why a separate reader: the State Council notice lists ranges ("2月15日至23日放假调休") and
the Saturdays/Sundays that become workdays; the operator copies them as written. Ranges
(``2027-02-05 至 2027-02-11`` or ``~``), Chinese dates (``2027年2月5日``) and YAML dates are
accepted; holidays on a weekend are dropped (they are rest days anyway), so the body lists
only the days that differ from Monday-Friday.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from ..workdays import YearArrangement, body_for_year
from .errors import InputError, InputProblem
from .fields import parse_date_text
from .yaml_input import load_yaml

_RANGE = re.compile(r"^(.+?)\s*(?:至|到|~|～|—|--)\s*(.+)$")
FIELDS = {"year", "notice", "holidays", "workdays", "example"}


def _days(value: Any, where: str, file: str, problems: list[InputProblem]) -> list[date]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(InputProblem(file, where, "应为日期列表（每行一个“- 日期”或“- 日期 至 日期”）/ "
                                     "expected a list of dates or ranges"))
        return []
    out: list[date] = []
    for i, item in enumerate(value):
        text = str(item).strip()
        m = _RANGE.match(text)
        a_text, b_text = (m.group(1), m.group(2)) if m else (text, text)
        a, b = parse_date_text(a_text), parse_date_text(b_text)
        if a is None or b is None or b < a or (b - a).days > 40:
            problems.append(InputProblem(file, f"{where}[{i + 1}]", f"“{text}”不是日期或日期范围（例如 2027-02-05 或 "
                                         "2027-02-05 至 2027-02-11）/ not a date or a date range"))
            continue
        while a <= b:
            out.append(a)
            a += timedelta(days=1)
    return out


def read_calendar(data: bytes, file: str, year: int) -> dict:
    """The ``calendar`` body for ``year`` from a YAML file; InputError (Chinese first) on any problem."""
    doc = load_yaml(data, file)
    problems: list[InputProblem] = []
    extra = sorted(set(doc) - FIELDS - {"kind"})
    if extra:
        problems.append(InputProblem(file, ", ".join(extra), f"未知字段，允许的字段：{', '.join(sorted(FIELDS))} / unknown field"))
    if str(doc.get("year", "")).strip() != str(year):
        problems.append(InputProblem(file, "year", f"文件中的年份“{doc.get('year', '')}”与命令中的 {year} 不一致 / "
                                     f"the file's year does not match {year}"))
    notice = str(doc.get("notice") or "").strip()
    if not notice:
        problems.append(InputProblem(file, "notice", "请填写国务院办公厅通知的名称和文号 / the State Council notice (title and number) is required"))
    example = str(doc.get("example", "")).strip().lower() in ("true", "yes", "是", "1")
    holidays = [d for d in _days(doc.get("holidays"), "holidays", file, problems) if d.weekday() < 5]
    workdays = _days(doc.get("workdays"), "workdays", file, problems)
    arr = YearArrangement(year, frozenset(holidays), frozenset(workdays), notice, example)
    problems += [InputProblem(file, "", p) for p in arr.problems()]
    if problems:
        raise InputError(problems)
    return body_for_year(arr)
