"""Typed reading of one record (a YAML mapping or a spreadsheet row) into body fields.

Why a collector instead of exceptions: a clerk should see every problem of a file at once,
each naming its field path (``results[3].completed``) or row (``row 7, 完成日期``). Values
arrive as text (the YAML dialect and the XLSX reader both give text); each getter converts,
normalises (dates to ISO, percentages to decimal ratios, Chinese labels to codes) and records
a problem instead of raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InputProblem

# free text: no control characters except newline/tab in long text, no invisible spoofing marks
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:00:00(?::00)?)?\s*$")
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
OFFICE_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
TASK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TARGET_RE = re.compile(r"^(?:[0-9A-Z]{15,18}|[A-Z]{1,4}-[0-9A-Za-z-]{1,40})$")
INSPECTOR_RE = re.compile(r"^[0-9A-Za-z\u3400-\u9fff][0-9A-Za-z\u3400-\u9fff-]{0,39}$")
EID_RE = re.compile(r"^[0-9a-f]{64}$")
RATIO_RE = re.compile(r"^(?:0(?:\.[0-9]{1,9})?|1(?:\.0{1,9})?)$")
BOOLS = {"true": True, "yes": True, "y": True, "1": True, "是": True, "√": True,
         "false": False, "no": False, "n": False, "0": False, "否": False}
SEPARATORS = re.compile(r"[;；,，、\n]")


class Problems:
    """Where the problems of one file go."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[InputProblem] = []

    def add(self, where: str, message: str, rule: str = "input", article: str = "", severity: str = "error") -> None:
        """Record a problem; ``rule`` "input" means the file itself is malformed (no article)."""
        self.items.append(InputProblem(self.file, where, message, rule, article, severity))

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.items if p.severity == "error"]


class Record:
    """One mapping with its location; getters return None (and record why) on bad values."""

    def __init__(self, data: Mapping[str, Any], where: str, problems: Problems,
                 labels: Mapping[str, str] | None = None):
        self.data = data
        self.where = where
        self.p = problems
        self.labels = labels or {}  # field -> column header, for spreadsheet rows
        self.used: set[str] = set()

    # -- plumbing --------------------------------------------------------------------------

    def loc(self, key: str) -> str:
        label = self.labels.get(key)
        if label is not None:
            return f"{self.where}, column {label!r}"
        return f"{self.where}.{key}" if self.where else key

    def bad(self, key: str, message: str) -> None:
        self.p.add(self.loc(key), message)

    def has(self, key: str) -> bool:
        v = self.data.get(key)
        return v is not None and not (isinstance(v, str) and not v.strip())

    def raw(self, key: str, required: bool) -> Any:
        self.used.add(key)
        if not self.has(key):
            if required:
                self.bad(key, "必须填写 / is required")
            return None
        return self.data[key]

    def check_unknown(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for k in self.data:
            if k not in allowed:
                self.p.add(f"{self.where}.{k}" if self.where else str(k),
                           f"不认识的字段（可用：{'、'.join(sorted(allowed))}）/ unknown field (allowed: {', '.join(sorted(allowed))})")

    # -- scalars -----------------------------------------------------------------------------

    def text(self, key: str, *, required: bool = True, max_len: int = 200, multiline: bool = False) -> str | None:
        v = self.raw(key, required)
        if v is None:
            return None
        if not isinstance(v, str):
            self.bad(key, "应为文字，不能是列表或子项 / must be text, not a list or mapping")
            return None
        v = v.strip() if not multiline else v.strip("\n\r ")
        if len(v) > max_len:
            self.bad(key, f"有 {len(v)} 个字，最多 {max_len} 个 / is {len(v)} characters long; the limit is {max_len}")
            return None
        m = (_BAD_TEXT if multiline else _BAD_LINE).search(v)
        if m:
            self.bad(key, f"含有看不见的控制字符 U+{ord(m.group()):04X}，请删除后重新输入 / contains the control or invisible character U+{ord(m.group()):04X}")
            return None
        return v

    def pattern(self, key: str, rx: re.Pattern, what: str, *, required: bool = True) -> str | None:
        v = self.text(key, required=required, max_len=100)
        if v is None:
            return None
        if not rx.match(v):
            self.bad(key, f"“{v}”格式不对 / {v!r} is not {what}")
            return None
        return v

    def date(self, key: str, *, required: bool = True) -> str | None:
        v = self.text(key, required=required, max_len=40)
        if v is None:
            return None
        d = parse_date_text(v)
        if d is None:
            self.bad(key, f"“{v}”不是日期（可写 2026-03-01、2026/3/1 或 2026年3月1日）/ {v!r} is not a date like 2026-03-01")
            return None
        return d.isoformat()

    def integer(self, key: str, *, required: bool = True, lo: int = 0, hi: int = 10**9) -> int | None:
        v = self.text(key, required=required, max_len=20)
        if v is None:
            return None
        t = v.replace(",", "")
        if t.endswith(".0"):
            t = t[:-2]
        if not (t.isascii() and t.isdigit()) or not lo <= int(t) <= hi:
            self.bad(key, f"“{v}”不是 {lo} 到 {hi} 之间的整数 / {v!r} is not a whole number from {lo} to {hi}")
            return None
        return int(t)

    def boolean(self, key: str, *, default: bool | None = None) -> bool | None:
        v = self.text(key, required=default is None, max_len=10)
        if v is None:
            return default
        b = BOOLS.get(v.casefold())
        if b is None:
            self.bad(key, f"“{v}”应写“是”或“否” / {v!r} is not true/false (是/否)")
        return b

    def choice(self, key: str, choices: Mapping[str, str], *, default: str | None = None,
               required: bool = True) -> str | None:
        """A code from ``choices`` (code or alias → code); unknown values name the codes."""
        v = self.text(key, required=required and default is None, max_len=100)
        if v is None:
            return default
        hit = choices.get(v) or choices.get(v.casefold())
        if hit is None:
            codes = sorted(set(choices.values()))
            labels = [k for k in choices if not k.isascii()] or codes
            self.bad(key, f"“{v}”不是可选的值（可选：{'、'.join(labels)}）/ {v!r} is not one of {', '.join(codes)}")
        return hit

    def ratio(self, key: str, *, required: bool = True) -> str | None:
        v = self.text(key, required=required, max_len=20)
        if v is None:
            return None
        r = parse_ratio_text(v)
        if r is None:
            self.bad(key, f"“{v}”不是比例（可写 5% 或 0.05）/ {v!r} is not a ratio like 0.05 or 5%")
        return r

    # -- lists and nesting ---------------------------------------------------------------------

    def strings(self, key: str, *, required: bool = True) -> list[str] | None:
        """A list given as a YAML list or as text separated by ; , 、 or newlines."""
        v = self.raw(key, required)
        if v is None:
            return None if required else []
        if isinstance(v, str):
            items = [x.strip() for x in SEPARATORS.split(v) if x.strip()]
        elif isinstance(v, list) and all(isinstance(x, str) or x is None for x in v):
            items = [x.strip() for x in v if x is not None and x.strip()]
        else:
            self.bad(key, "应为文字列表 / must be a list of text values")
            return None
        if required and not items:
            self.bad(key, "不能为空 / is empty")
            return None
        return items

    def codes(self, key: str, rx: re.Pattern = CODE_RE, what: str = "an item code", *,
              required: bool = True) -> list[str] | None:
        items = self.strings(key, required=required)
        if items is None:
            return None
        bad = [x for x in items if not rx.match(x)]
        if bad:
            self.bad(key, f"格式不对：{'、'.join(bad)} / {bad} {'is' if len(bad) == 1 else 'are'} not {what}")
            return None
        out: list[str] = []
        for x in items:
            if x in out:
                self.bad(key, f"“{x}”重复了 / {x!r} is listed twice")
                return None
            out.append(x)
        return out

    def record(self, key: str, *, required: bool = True) -> Record | None:
        v = self.raw(key, required)
        if v is None:
            return None
        if not isinstance(v, dict):
            self.bad(key, "应为“字段: 值”的若干行 / must be a mapping (key: value lines)")
            return None
        return Record(v, self.loc(key), self.p)

    def records(self, key: str, *, required: bool = True) -> list[Record]:
        v = self.raw(key, required)
        if v is None:
            return []
        if not isinstance(v, list):
            self.bad(key, "应为列表（每行以“- ”开头）/ must be a list (lines starting with '- ')")
            return []
        out = []
        for n, x in enumerate(v):
            if not isinstance(x, dict):
                self.p.add(f"{self.loc(key)}[{n}]", "应为“字段: 值”的若干行 / must be a mapping")
                continue
            out.append(Record(x, f"{self.loc(key)}[{n}]", self.p))
        return out


def parse_date_text(v: str) -> date | None:
    m = _DATE_RE.match(v)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_ratio_text(v: str) -> str | None:
    """"5%" → "0.05", "0.05" → "0.05"; exact (Decimal), at most 9 decimals, within [0, 1]."""
    t = v.strip()
    try:
        if t.endswith(("%", "％")):
            d = Decimal(t[:-1].strip()) / 100
        else:
            d = Decimal(t)
    except InvalidOperation:
        return None
    if not d.is_finite() or d < 0 or d > 1:
        return None
    s = format(d.normalize(), "f")
    if s in ("0", "1"):
        return s
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return s if RATIO_RE.fullmatch(s) else None
