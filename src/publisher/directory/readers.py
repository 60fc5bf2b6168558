"""Read the two directories from CSV or XLSX files, as offices export them.

Why this module is defensive: the files come from spreadsheets edited by hand and from
provincial exports, and a hostile or broken file must never crash the publisher or slip a
bad record into a snapshot.  Every failure becomes a ``DirectoryError`` whose problems name
the file, the row (as a spreadsheet shows it: the header is row 1), the column (as written
in the file) and the rule.  Input is streamed row by row and capped at ``max_rows``.

Conventions:

* Row 1 is the header.  Headers are the record field names (case-insensitive) or one of the
  Chinese aliases in ``TARGET_HEADERS`` / ``INSPECTOR_HEADERS``.  Unknown headers are an
  error unless ``unknown_columns="ignore"``: a misspelt optional column would otherwise be
  dropped silently.
* CSV: UTF-8 with or without BOM, comma-separated, RFC 4180 quoting.
* XLSX: the first sheet, or ``sheet=`` by name; formulas are read as their cached values.
* List columns are separated by ';' (the full-width '；' is accepted too); lists are
  de-duplicated and sorted, because a record has one canonical spelling.
* Cells are stripped of surrounding whitespace; an empty cell means "no value".
* Numeric XLSX cells are accepted only below 10^15: Excel keeps 15 significant digits, so an
  18-digit USCC typed as a number has already lost its last digits.
* Known spellings of kinds, risk classes, flags and booleans (Chinese and English) are
  mapped to the canonical values; anything else is passed to the record rules, which name
  the allowed values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import itertools
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal

from .records import (
    TARGET_FLAGS,
    TARGET_KINDS,
    DirectoryError,
    Inspector,
    Problem,
    Target,
    inspector_problems,
    target_problems,
)

Source = str | os.PathLike[str] | IO[bytes] | IO[str]
Format = Literal["csv", "xlsx"]

DEFAULT_MAX_ROWS = 10_000_000
DEFAULT_MAX_PROBLEMS = 200
#: Refuse XLSX archives whose members unpack to more than this (zip bombs).
DEFAULT_MAX_UNPACKED = 2 * 1024**3
_EXACT_NUMBER_LIMIT = 10**15

# --- header aliases ---------------------------------------------------------------------

TARGET_HEADERS: dict[str, str] = {
    "统一社会信用代码": "id", "对象编号": "id", "对象标识": "id", "标识码": "id", "主体标识": "id",
    "名称": "name", "对象名称": "name", "企业名称": "name", "主体名称": "name",
    "类型": "kind", "对象类型": "kind", "主体类型": "kind",
    "区划": "region", "行政区划": "region", "区划代码": "region", "行政区划代码": "region",
    "行业": "industry", "行业代码": "industry", "国民经济行业分类": "industry",
    "信用风险分类": "risk", "风险分类": "risk", "信用风险等级": "risk",
    "标记": "flags", "标注": "flags",
    "投诉次数": "complaints", "投诉举报次数": "complaints",
    "监管部门": "office", "监管部门代码": "office", "监管单位": "office",
    "代码校验例外": "uscc_override", "代码校验例外原因": "uscc_override",
}
INSPECTOR_HEADERS: dict[str, str] = {
    "执法证号": "id", "执法证件号": "id", "执法证编号": "id", "证件号码": "id",
    "姓名": "name",
    "所属部门": "office", "部门": "office", "部门代码": "office",
    "单位": "unit", "所在单位": "unit", "执法单位": "unit", "工作单位": "unit",
    "单位区划": "unit_region", "所在区划": "unit_region", "单位所在区划": "unit_region",
    "业务专长": "expertise", "专长": "expertise", "执法领域": "expertise",
    "可检查事项": "items", "检查事项": "items", "抽查事项": "items",
    "编组": "group", "分组": "group",
    "在岗": "active", "是否在岗": "active", "状态": "active",
    "回避对象": "conflicts", "回避": "conflicts",
}

# --- value aliases ----------------------------------------------------------------------

KIND_VALUES: dict[str, str] = {
    "企业": "enterprise", "公司": "enterprise",
    "个体工商户": "individual", "个体户": "individual",
    "农民专业合作社": "cooperative", "合作社": "cooperative",
    "分支机构": "branch", "分公司": "branch",
    "外商投资企业": "foreign", "外资企业": "foreign", "外国企业": "foreign",
    "产品": "product", "项目": "project", "行为": "behaviour",
}
RISK_VALUES: dict[str, str] = {}
for _cls, _word in zip("ABCD", ("低", "一般", "较高", "高")):
    for _spelling in (_cls, _cls.lower(), f"{_cls}类", f"信用风险{_word}", _word,
                      f"信用风险{_word}({_cls}类)", f"信用风险{_word}（{_cls}类）"):
        RISK_VALUES[_spelling] = _cls
FLAG_VALUES: dict[str, str] = {
    "经营异常名录": "abnormal", "经营异常": "abnormal", "列入经营异常名录": "abnormal",
    "严重违法失信": "serious_illegal", "严重违法失信名单": "serious_illegal",
    "重点关注": "watch",
}
KIND_VALUES.update({k: k for k in TARGET_KINDS})
FLAG_VALUES.update({f: f for f in TARGET_FLAGS})
BOOL_VALUES: dict[str, bool] = {
    "true": True, "yes": True, "y": True, "1": True, "是": True, "在岗": True,
    "false": False, "no": False, "n": False, "0": False, "否": False,
    "不在岗": False, "离岗": False, "停用": False,
}

# --- field schemas ----------------------------------------------------------------------

_TARGET_REQUIRED = ("id", "name", "kind", "region", "office")
_INSPECTOR_REQUIRED = ("id", "name", "office", "unit", "unit_region")


def _canon(mapping: dict[str, Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        hit = mapping.get(text)
        if hit is None:
            hit = mapping.get(text.casefold())
        return text if hit is None else hit
    return convert


def _split(text: str | None) -> list[str]:
    if text is None:
        return []
    parts = text.replace("；", ";").split(";")
    return [p.strip() for p in parts if p.strip()]


def _as_list(mapping: dict[str, str] | None = None) -> Callable[[str | None], tuple[str, ...]]:
    def convert(text: str | None) -> tuple[str, ...]:
        items = _split(text)
        if mapping is not None:
            items = [mapping.get(x, mapping.get(x.casefold(), x)) for x in items]
        return tuple(sorted(set(items)))
    return convert


_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")


def _as_int(text: str) -> Any:
    """Whole numbers, optionally with thousands separators; anything else goes to the rules."""
    return int(text.replace(",", "")) if _COUNT.fullmatch(text) else text


_kind_exact = _canon(KIND_VALUES)
#: 登记类型 as printed by the registration system, by what they end with or contain (first match wins).
_KIND_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("分公司", "分支机构", "分店", "分厂", "办事处"), "branch"),
    (("个体",), "individual"),
    (("合作社",), "cooperative"),
    (("外商", "外国", "台港澳", "中外合资", "中外合作"), "foreign"),
    (("有限责任", "股份", "公司", "企业", "合伙", "独资", "厂"), "enterprise"),
)


def _kind_of(text: str) -> str:
    """A kind code from a code, an alias, or a registration type such as 有限责任公司（自然人独资）."""
    hit = _kind_exact(text)
    if hit in TARGET_KINDS:
        return hit
    for words, kind in _KIND_PATTERNS:
        if any(w in text for w in words):
            return kind
    return text


def office_aliases(names: dict[str, str]) -> dict[str, str]:
    """Chinese spellings → office code, from the registered offices (code → 中文名称).

    Accepts the full name, the name without the county prefix (清河县市场监督管理局 →
    市场监督管理局) and the usual contraction 监督管理 → 监管 (市场监管局); a spelling two
    offices share is dropped (the clerk must then write the code)."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for code, name in names.items():
        name = name.strip()
        forms = {name}
        m = re.match(r"^.{1,8}?[省市县区旗州盟]", name)
        if m and len(name) > len(m.group()) + 1:
            forms.add(name[len(m.group()):])
        forms |= {f.replace("监督管理", "监管") for f in forms}
        for f in forms:
            if f in out and out[f] != code:
                clash.add(f)
            out[f] = code
    return {k: v for k, v in out.items() if k not in clash}
_risk_of = _canon(RISK_VALUES)
_bool_of = _canon(BOOL_VALUES)
_flags_of = _as_list(FLAG_VALUES)
_tags_of = _as_list()


def _target_from(values: dict[str, Any]) -> Target:
    return Target(
        id=values.get("id") or "",
        name=values.get("name") or "",
        kind=_kind_of(values["kind"]) if values.get("kind") else "",
        region=values.get("region") or "",
        industry=values.get("industry"),
        risk=_risk_of(values["risk"]) if values.get("risk") is not None else None,
        flags=_flags_of(values.get("flags")),
        complaints=_as_int(values["complaints"]) if values.get("complaints") is not None else 0,
        office=values.get("office") or "",
        uscc_override=values.get("uscc_override"),
    )


def _inspector_from(values: dict[str, Any]) -> Inspector:
    active_raw = values.get("active")
    if isinstance(active_raw, bool) or active_raw is None:
        active: Any = True if active_raw is None else active_raw
    else:
        active = _bool_of(active_raw)
    return Inspector(
        id=values.get("id") or "",
        name=values.get("name") or "",
        office=values.get("office") or "",
        unit=values.get("unit") or "",
        unit_region=values.get("unit_region") or "",
        expertise=_tags_of(values.get("expertise")),
        items=_tags_of(values.get("items")),
        group=values.get("group"),
        active=active,
        conflicts=_tags_of(values.get("conflicts")),
    )


class _Kind:
    """What differs between the two directories: headers, required fields, construction."""

    def __init__(self, what: str, fields: tuple[str, ...], headers: dict[str, str],
                 required: tuple[str, ...], build: Callable[[dict[str, Any]], Any],
                 rules: Callable[[Any], list[Problem]]):
        self.what = what
        self.fields = fields
        self.headers = headers
        self.required = required
        self.build = build
        self.rules = rules


_TARGETS = _Kind("target", Target.FIELDS, TARGET_HEADERS, _TARGET_REQUIRED, _target_from,
                 target_problems)
_INSPECTORS = _Kind("inspector", Inspector.FIELDS, INSPECTOR_HEADERS, _INSPECTOR_REQUIRED,
                    _inspector_from, inspector_problems)

# --- public API -------------------------------------------------------------------------


def read_targets(
    source: Source,
    *,
    format: Format | None = None,
    sheet: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unknown_columns: Literal["error", "ignore"] = "error",
    name: str | None = None,
    offices: dict[str, str] | None = None,
) -> list[Target]:
    """All targets of a CSV/XLSX file, or ``DirectoryError``; options as ``iter_targets``."""
    return list(iter_targets(source, format=format, sheet=sheet, max_rows=max_rows,
                             max_problems=max_problems, unknown_columns=unknown_columns, name=name,
                             offices=offices))


def read_inspectors(
    source: Source,
    *,
    format: Format | None = None,
    sheet: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unknown_columns: Literal["error", "ignore"] = "error",
    name: str | None = None,
    offices: dict[str, str] | None = None,
) -> list[Inspector]:
    """All inspectors of a CSV/XLSX file, or ``DirectoryError``; options as ``iter_targets``."""
    return list(iter_inspectors(source, format=format, sheet=sheet, max_rows=max_rows,
                                max_problems=max_problems, unknown_columns=unknown_columns, name=name,
                                offices=offices))


def iter_targets(
    source: Source,
    *,
    format: Format | None = None,
    sheet: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unknown_columns: Literal["error", "ignore"] = "error",
    name: str | None = None,
    offices: dict[str, str] | None = None,
) -> Iterator[Target]:
    """Stream the valid targets of a file; raise ``DirectoryError`` at the end if any row was bad.

    Problems are collected (up to ``max_problems``) so a clerk sees all of them at once; the
    records yielded before the error must then be discarded by the caller.  ``name`` is the
    file name used in messages (defaults to the path or the stream's ``name``); ``offices``
    maps Chinese office names to codes (see ``office_aliases``).
    """
    return _iter_records(_TARGETS, source, format, sheet, max_rows, max_problems,
                         unknown_columns, name, offices)


def iter_inspectors(
    source: Source,
    *,
    format: Format | None = None,
    sheet: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    unknown_columns: Literal["error", "ignore"] = "error",
    name: str | None = None,
    offices: dict[str, str] | None = None,
) -> Iterator[Inspector]:
    """Inspector counterpart of ``iter_targets``."""
    return _iter_records(_INSPECTORS, source, format, sheet, max_rows, max_problems,
                         unknown_columns, name, offices)


# --- record assembly --------------------------------------------------------------------


def _iter_records(kind: _Kind, source: Source, format: Format | None, sheet: str | None,
                  max_rows: int, max_problems: int, unknown_columns: str,
                  name: str | None, offices: dict[str, str] | None = None) -> Iterator[Any]:
    fname = name or _source_name(source)
    fmt = format or _detect_format(source)
    if fmt not in ("csv", "xlsx"):
        raise DirectoryError([Problem("format", f"unknown format {fmt!r}; use csv or xlsx", file=fname)])
    if fmt == "xlsx":
        rows = _xlsx_rows(source, fname, sheet)
    else:
        if sheet is not None:
            raise DirectoryError([Problem("format", "sheet= only applies to XLSX files", file=fname)])
        rows = _csv_rows(source, fname)
    return _assemble(kind, rows, fname, max_rows, max_problems, unknown_columns, offices)


#: A column whose header is blank: values there are refused (they would be lost silently).
_BLANK = ("", "")
#: A column with an unknown header, ignored on request.
_IGNORED = ("", "ignored")


def _assemble(kind: _Kind, rows: Iterator[tuple[int, list[Any]]], fname: str, max_rows: int,
              max_problems: int, unknown_columns: str, offices: dict[str, str] | None = None) -> Iterator[Any]:
    problems: list[Problem] = []

    def report(p: Problem) -> None:
        problems.append(p)
        if len(problems) >= max_problems:
            raise DirectoryError(problems + [Problem(
                "too-many-problems", f"stopped after {max_problems} problems", file=fname)])

    try:
        first = next(rows, None)
        skipped = 0
        while first is not None and skipped < MAX_TITLE_ROWS and not _header_like(kind, first[1]) \
                and _title_like(first[1]):
            first = next(rows, None)  # a title such as “XX县市场主体名录” above the header
            skipped += 1
        if first is None:
            raise DirectoryError([Problem("empty-file", "文件中没有表头行 / the file has no header row", file=fname, row=1)])
        header_row = first[0]
        try:
            columns = _map_header(kind, first[1], fname, unknown_columns)
        except DirectoryError as exc:
            raise DirectoryError([Problem(p.rule, p.message, field=p.field, row=header_row, file=p.file,
                                          column=p.column) for p in exc.problems]) from None
        header_of = {field: header for field, header in columns if field}
        seen: dict[str, int] = {}
        data_rows = 0
        for rownum, cells in rows:
            data_rows += 1
            if data_rows > max_rows:
                raise DirectoryError(problems + [Problem(
                    "max-rows", f"more than {max_rows} data rows; raise max_rows if this is expected",
                    file=fname, row=rownum)])
            if all(_blank(c) for c in cells):
                continue
            before = len(problems)
            values = _row_values(columns, cells, rownum, fname, report)
            if offices and isinstance(values.get("office"), str):
                values["office"] = offices.get(values["office"], values["office"])
            rec = kind.build(values)
            for p in kind.rules(rec):
                report(Problem(p.rule, p.message, field=p.field, row=rownum, file=fname,
                               column=header_of.get(p.field or "", p.field)))
            if rec.id:
                firstrow = seen.setdefault(rec.id, rownum)
                if firstrow != rownum:
                    report(Problem("duplicate-id", f"id {rec.id!r} already used on row {firstrow}",
                                   field="id", row=rownum, file=fname, column=header_of.get("id")))
            if len(problems) == before:
                yield rec
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    if problems:
        raise DirectoryError(problems)


class Merged:
    """A cell inside a merged range that is not its top-left cell (XLSX)."""

    def __init__(self, ref: str):
        self.ref = ref

    def __repr__(self) -> str:
        return f"Merged({self.ref})"


def _blank(cell: Any) -> bool:
    return cell is None or isinstance(cell, Merged) or (isinstance(cell, str) and not cell.strip())


def _header_like(kind: _Kind, cells: list[Any]) -> bool:
    known = 0
    for c in cells:
        if isinstance(c, str) and c.strip():
            h = c.strip().lstrip("\ufeff").strip()
            known += h.casefold() in kind.fields or h in kind.headers
    return known >= 2


def _title_like(cells: list[Any]) -> bool:
    return sum(not _blank(c) for c in cells) <= 2


MAX_TITLE_ROWS = 10


def _map_header(kind: _Kind, cells: list[Any], fname: str,
                unknown_columns: str) -> list[tuple[str, str]]:
    """Per column: (field, header as written), ``_BLANK`` or ``_IGNORED``."""
    out: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    problems: list[Problem] = []
    for idx, cell in enumerate(cells):
        if isinstance(cell, Merged):
            problems.append(Problem("merged-cells", f"表头第 {idx + 1} 列在合并单元格 {cell.ref} 中：表头每列须单独一格 / "
                                    f"header column {idx + 1} is inside merged cells {cell.ref}", row=1, file=fname))
            out.append(_BLANK)
            continue
        if _blank(cell):
            out.append(_BLANK)
            continue
        header = str(cell).strip().lstrip("\ufeff").strip()
        folded = header.casefold()
        field = folded if folded in kind.fields else kind.headers.get(header)
        if field is None:
            if unknown_columns != "ignore":
                examples = "、".join(list(dict.fromkeys(kind.headers))[:8])
                problems.append(Problem(
                    "unknown-column",
                    f"unknown {kind.what} column {header!r} (column {idx + 1}); use a field name "
                    f"({', '.join(kind.fields)}) or a Chinese header such as {examples}",
                    row=1, file=fname, column=header))
            out.append(_IGNORED)
            continue
        if field in used:
            problems.append(Problem("duplicate-column",
                                    f"{header!r} and {used[field]!r} both give the field {field}",
                                    field=field, row=1, file=fname, column=header))
        used[field] = header
        out.append((field, header))
    for field in kind.required:
        if field not in used:
            problems.append(Problem("missing-column", f"required column {field!r} is missing",
                                    field=field, row=1, file=fname))
    if problems:
        raise DirectoryError(problems)
    return out


def _row_values(columns: list[tuple[str, str]], cells: list[Any], rownum: int, fname: str,
                report: Callable[[Problem], None]) -> dict[str, Any]:
    """Field values of one row; type problems and stray cells are reported, not raised."""
    values: dict[str, Any] = {}
    for idx, cell in enumerate(cells):
        field, header = columns[idx] if idx < len(columns) else _BLANK
        if not field:
            if header != "ignored" and not _blank(cell):
                report(Problem("stray-cell", f"value in column {idx + 1}, which has no header",
                               row=rownum, file=fname))
            continue
        value, why = _cell_value(cell, field)
        if why is not None:
            report(Problem("cell-type", why, field=field, row=rownum, file=fname, column=header))
        values[field] = value
    return values


def _cell_value(cell: Any, field: str) -> tuple[Any, str | None]:
    """Cell → str/bool/None, or an explanation why the cell's type cannot be trusted."""
    if cell is None:
        return None, None
    if isinstance(cell, Merged):
        return None, (f"合并单元格 {cell.ref}：请在 Excel 中取消合并，让每个单元格填写自己的值 / "
                      f"merged cells {cell.ref}: unmerge them so every cell has its own value")
    if isinstance(cell, bool):
        if field == "active":
            return cell, None
        return str(cell), f"a true/false cell is not a valid {field}"
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not cell.is_integer():
            return repr(cell), f"{cell!r} is not a whole number"
        if abs(cell) >= _EXACT_NUMBER_LIMIT:
            return repr(cell), (f"number cell {cell!r} has too many digits to be exact (Excel keeps "
                                "15); format the column as text")
        return str(int(cell)), None
    if isinstance(cell, (_dt.date, _dt.time, _dt.timedelta)):
        return str(cell), f"date/time cell {cell} is not a valid {field}; format the column as text"
    if isinstance(cell, str):
        text = cell.strip()
        return (text or None), None
    return repr(cell), f"unsupported cell type {type(cell).__name__}"


# --- sources ----------------------------------------------------------------------------


def _source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    n = getattr(source, "name", None)
    return n if isinstance(n, str) else "<stream>"


def _detect_format(source: Source) -> Format:
    if isinstance(source, (str, os.PathLike)):
        suffix = os.path.splitext(os.fspath(source))[1].lower()
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        if suffix in (".csv", ".txt"):
            return "csv"
        try:
            with open(source, "rb") as f:
                magic = f.read(4)
        except OSError:
            return "csv"  # the CSV opener reports the OS error with the file name
        return "xlsx" if magic == b"PK\x03\x04" else "csv"
    if isinstance(source, io.TextIOBase):
        return "csv"
    try:
        if source.seekable():
            pos = source.tell()
            magic = source.read(4)
            source.seek(pos)
            return "xlsx" if magic == b"PK\x03\x04" else "csv"
    except (OSError, ValueError, AttributeError):
        pass
    return "csv"


#: Delimiters a spreadsheet export may use (Excel in many locales writes ';').
_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE = 1 << 16  # enough to tell UTF-8 from GB18030; reading stays lazy


def detect_encoding(sample: bytes, complete: bool = False) -> tuple[str, str]:
    """(codec, name shown to clerks) of a CSV from its first bytes: UTF-8 with or without BOM,
    else GB18030 (a superset of GBK/GB2312, the default of Chinese Excel); UTF-16 is refused."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", "UTF-8（带 BOM）"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DirectoryError([Problem("encoding", "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请在 Excel 中另存为"
                                      "“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）” / UTF-16 text: save as CSV instead")])
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8", "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=complete)
        return "gb18030", "GB18030/GBK（中文 Excel 默认）"
    except UnicodeDecodeError:
        # neither: read as UTF-8 so the refusal names the first row with a bad byte
        return "utf-8", "UTF-8（也不是 GB18030/GBK）"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter of the header region: the candidate occurring most often in one line."""
    best, count = ",", 0
    for d in _DELIMITERS:
        n = max((line.count(d) for line in lines), default=0)
        if n > count:
            best, count = d, n
    return best


_DELIM_NAMES = {",": "逗号", ";": "分号", "\t": "制表符", "|": "竖线"}


class _Prefixed:
    """A binary stream with bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head, self._rest = head, rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            out, self._head = (self._head, b"") if n < 0 or n >= len(self._head) else (self._head[:n], self._head[n:])
            return out
        return self._rest.read(n)


def _csv_rows(source: Source, fname: str) -> Iterator[tuple[int, list[Any]]]:
    """Yield (row number, cells) with row 1 = the file's first line; the encoding (UTF-8 with or
    without BOM, GB18030/GBK) and the delimiter (, ; tab |) are detected; strict quoting."""
    opened: IO[Any] | None = None
    try:
        if isinstance(source, (str, os.PathLike)):
            try:
                opened = open(source, "rb")
            except OSError as exc:
                raise DirectoryError([Problem("io", f"无法打开 / cannot open: {exc.strerror or exc}", file=fname)]) from None
            raw: IO[Any] = opened
        else:
            raw = source
        encoding = "utf-8"
        if isinstance(raw, io.TextIOBase):
            text: Iterator[str] = iter(raw)
            label = "text"
        else:
            head = raw.read(_SAMPLE)
            if not isinstance(head, (bytes, bytearray)):
                raise DirectoryError([Problem("io", "the stream must be opened in binary mode", file=fname)])
            try:
                encoding, label = detect_encoding(bytes(head), complete=len(head) < _SAMPLE)
            except DirectoryError as exc:
                raise DirectoryError([Problem(p.rule, p.message, file=fname, row=1) for p in exc.problems]) from None
            text = iter(_Utf8Lines(_Prefixed(bytes(head), raw), encoding=encoding))
        first: list[str] = []
        try:
            for _ in range(8):
                first.append(next(text))
        except StopIteration:
            pass
        except UnicodeDecodeError as exc:
            raise DirectoryError([Problem("encoding", f"第 {len(first) + 1} 行不是有效的 {label} 编码 / not valid "
                                          f"{encoding} ({exc.reason})", row=len(first) + 1, file=fname)]) from None
        except csv.Error as exc:
            raise DirectoryError([Problem("csv-syntax", str(exc), row=len(first) + 1, file=fname)]) from None
        delimiter = sniff_delimiter(first)
        reader = csv.reader(itertools.chain(first, text), delimiter=delimiter, strict=True)
        rownum = 0
        while True:
            rownum += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise DirectoryError([Problem("encoding", f"本行不是有效的 {label} 编码（文件按 {label} 读取）/ not valid "
                                              f"{encoding} ({exc.reason})", row=rownum, file=fname)]) from None
            except csv.Error as exc:
                raise DirectoryError([Problem("csv-syntax", f"CSV 格式错误（分隔符：{_DELIM_NAMES[delimiter]}，编码：{label}）/ "
                                              f"{exc}", row=rownum, file=fname)]) from None
            except OSError as exc:
                raise DirectoryError([Problem("io", f"read error: {exc}", row=rownum, file=fname)]) from None
            if rownum == 1 and cells and cells[0].startswith("\ufeff"):
                cells[0] = cells[0][1:]
            yield rownum, list(cells)
    finally:
        if opened is not None:
            opened.close()


class _Utf8Lines:
    """Lines of a binary stream, split as ``newline=''`` would and decoded as strict UTF-8.

    Why not ``io.TextIOWrapper``: it decodes whole chunks, so a bad byte is reported without
    its row, it needs a full ``io`` interface, and it closes the caller's stream when
    garbage-collected.  Splitting bytes before decoding is safe because UTF-8 never uses the
    bytes 0x0A/0x0D inside a multi-byte sequence.  Lines end at '\\r\\n', '\\r' or '\\n' only
    (never at U+2028 and friends, which csv treats as ordinary characters); a leading BOM is
    dropped; a line longer than ``max_line`` bytes is refused so one endless line cannot
    exhaust memory.
    """

    _LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)")

    def __init__(self, raw: IO[bytes], chunk: int = 1 << 16, max_line: int = 1 << 20, encoding: str = "utf-8"):
        self._encoding = encoding  # UTF-8 or GB18030: neither uses 0x0A/0x0D inside a character
        self._raw = raw
        self._chunk = chunk
        self._max_line = max_line
        self._buf = b""
        self._lines: deque[bytes] = deque()
        self._eof = False
        self._first = True

    def __iter__(self) -> _Utf8Lines:
        return self

    def __next__(self) -> str:
        while not self._lines:
            if self._eof:
                if not self._buf:
                    raise StopIteration
                self._lines.append(self._buf)
                self._buf = b""
                break
            self._fill()
        line = self._lines.popleft()
        if self._first:
            self._first = False
            if line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
        return line.decode(self._encoding)

    def _fill(self) -> None:
        data = self._raw.read(self._chunk)
        if not isinstance(data, (bytes, bytearray)):
            raise OSError("the stream must be opened in binary mode")
        if not data:
            self._eof = True
        buf = self._buf + bytes(data)
        # A '\\r' at the very end may be the first half of '\\r\\n': keep it for the next chunk.
        limit = len(buf) - 1 if (not self._eof and buf.endswith(b"\r")) else len(buf)
        # Scan only up to the last line break: the regex then never fails, so this stays
        # linear even when one line spans many chunks.
        end = max(buf.rfind(b"\n", 0, limit), buf.rfind(b"\r", 0, limit)) + 1
        pos = 0
        for m in self._LINE.finditer(buf, 0, end):
            self._lines.append(m.group())
            pos = m.end()
        self._buf = buf[pos:]
        if len(self._buf) > self._max_line:
            raise csv.Error(f"a line is longer than {self._max_line} bytes")


def _xlsx_rows(source: Source, fname: str, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    """Yield (row number, cells) from an XLSX sheet in openpyxl's streaming (read-only) mode."""
    import openpyxl  # imported here: only XLSX users pay for it

    if isinstance(source, io.TextIOBase):
        raise DirectoryError([Problem("format", "an XLSX file must be opened in binary mode", file=fname)])
    opened: IO[bytes] | None = None
    wb = None
    try:
        if isinstance(source, (str, os.PathLike)):
            try:
                opened = open(source, "rb")
            except OSError as exc:
                raise DirectoryError([Problem("io", f"cannot open: {exc.strerror or exc}", file=fname)]) from None
            stream: IO[bytes] = opened
        else:
            stream = source  # type: ignore[assignment]
        _check_zip(stream, fname)
        try:
            wb = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            if sheet is None:
                if not wb.worksheets:
                    raise DirectoryError([Problem("xlsx-sheet", "the workbook has no sheet", file=fname)])
                ws = wb.worksheets[0]
            elif sheet in wb.sheetnames:
                ws = wb[sheet]
            else:
                raise DirectoryError([Problem(
                    "xlsx-sheet", f"no sheet named {sheet!r}; sheets: {', '.join(wb.sheetnames)}",
                    file=fname)])
            if not hasattr(ws, "iter_rows"):
                raise DirectoryError([Problem("xlsx-sheet", "the chosen sheet is a chart, not a table",
                                              file=fname)])
        except DirectoryError:
            raise
        except Exception as exc:  # hostile input: openpyxl/zip/XML raise many exception types
            raise DirectoryError([Problem("xlsx-unreadable", f"not a readable XLSX workbook: "
                                          f"{type(exc).__name__}: {exc}"[:300], file=fname)]) from None
        merged = _merged_ranges(stream, getattr(ws, "_worksheet_path", None), fname)
        tops: dict[tuple[int, int], Any] = {}
        rownum = 0
        rows = ws.iter_rows(values_only=True)
        while True:
            rownum += 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # broken sheet XML surfaces only while streaming
                raise DirectoryError([Problem("xlsx-unreadable", f"sheet unreadable at this row: "
                                              f"{type(exc).__name__}: {exc}"[:300],
                                              row=rownum, file=fname)]) from None
            cells = list(cells)
            for (c1, r1, c2, _r2, ref) in merged.get(rownum, ()):
                while len(cells) < c2:
                    cells.append(None)
                if c1 == c2:  # merged down one column: every row gets the top cell's value
                    if rownum == r1:
                        tops[(c1, r1)] = cells[c1 - 1]
                    else:
                        cells[c1 - 1] = tops.get((c1, r1))
                    continue
                for c in range(c1, c2 + 1):
                    if (c, rownum) != (c1, r1):
                        cells[c - 1] = Merged(ref)
            yield rownum, cells
    finally:
        if wb is not None:
            try:
                wb.close()
            except Exception:  # closing a broken archive must not mask the real error
                pass
        if opened is not None:
            opened.close()


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}):([A-Z]{1,3}[0-9]{1,7})"')
MAX_MERGED_ROWS = 1_000_000


def _merged_ranges(stream: IO[bytes], part: str | None, fname: str) -> dict[int, list[tuple]]:
    """row -> merged ranges (min_col, min_row, max_col, max_row, ref) covering it, read from the
    sheet's XML with a streaming scan (openpyxl's read-only mode does not report them)."""
    from openpyxl.utils.cell import range_boundaries

    if not part:
        return {}
    out: dict[int, list[tuple]] = {}
    covered = 0
    pos = stream.tell()
    try:
        with zipfile.ZipFile(stream) as zf:
            name = part.lstrip("/")
            if name not in zf.namelist():
                return {}
            tail = b""
            with zf.open(name) as f:
                while True:
                    chunk = f.read(1 << 20)
                    buf = tail + chunk
                    last = 0
                    for m in _MERGE.finditer(buf):
                        ref = f"{m.group(1).decode()}:{m.group(2).decode()}"
                        c1, r1, c2, r2 = range_boundaries(ref)
                        covered += r2 - r1 + 1
                        if covered > MAX_MERGED_ROWS:
                            raise DirectoryError([Problem("merged-cells", "合并单元格过多，请取消合并后再导入 / "
                                                          "too many merged cells", file=fname)])
                        for r in range(r1, r2 + 1):
                            out.setdefault(r, []).append((c1, r1, c2, r2, ref))
                        last = m.end()
                    if not chunk:
                        break
                    tail = buf[max(last, len(buf) - 200):]
    except DirectoryError:
        raise
    except Exception as exc:
        raise DirectoryError([Problem("xlsx-unreadable", f"cannot read merged cells: {exc}"[:300], file=fname)]) from None
    finally:
        stream.seek(pos)
    return out


def _check_zip(stream: IO[bytes], fname: str) -> None:
    """Refuse non-zip input with a useful message, and zip bombs before openpyxl unpacks them."""
    try:
        pos = stream.tell()
        magic = stream.read(8)
        stream.seek(pos)
    except (OSError, ValueError, AttributeError) as exc:
        raise DirectoryError([Problem("xlsx-unreadable", f"XLSX input must be a seekable binary file ({exc})",
                                      file=fname)]) from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DirectoryError([Problem("xlsx-unreadable", "this is an old binary .xls file; save it as .xlsx or CSV",
                                      file=fname)])
    if not magic.startswith(b"PK"):
        raise DirectoryError([Problem("xlsx-unreadable", "not an XLSX file (no zip signature)", file=fname)])
    try:
        with zipfile.ZipFile(stream) as zf:
            total = sum(max(i.file_size, 0) for i in zf.infolist())
    except Exception as exc:
        raise DirectoryError([Problem("xlsx-unreadable", f"broken zip archive: {exc}"[:300], file=fname)]) from None
    finally:
        try:
            stream.seek(pos)
        except (OSError, ValueError):
            pass
    if total > DEFAULT_MAX_UNPACKED:
        raise DirectoryError([Problem("xlsx-too-large", f"the archive unpacks to {total} bytes, over the "
                                      f"{DEFAULT_MAX_UNPACKED}-byte limit", file=fname)])
    from ..inputs.limits import LimitError, check_xlsx

    try:
        check_xlsx(stream, fname)  # real sizes of shared strings and sheets, before openpyxl
    except LimitError as exc:
        raise DirectoryError([Problem("xlsx-too-large", str(exc).removeprefix(f"{fname}: "), file=fname)]) from None
