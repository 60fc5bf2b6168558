"""Read office workbooks: a ``meta`` sheet (key | value rows, declaring ``kind``) plus data.

Why so defensive: workbooks come from many hands; a hostile or broken file (not a zip, a zip
bomb, missing parts, odd cell types) must end as one clean :class:`InputError`, never as an
openpyxl or zipfile exception. Limits: ``MAX_BYTES`` on the file, ``MAX_UNPACKED`` on the
uncompressed archive, ``MAX_ROWS`` data rows.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from .errors import InputError

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 500 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_ROWS = 200_000
MAX_COLS = 100
META = "meta"


def cell_text(v: Any) -> str | None:
    """One cell as text (dates as ISO), the form every field reader takes."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    s = str(v)
    return s if s.strip() else None


def check_zip(data: bytes, file: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise InputError.one(file, "", "不是 Excel .xlsx 工作簿 / not an Excel .xlsx workbook (not a zip archive)") from None
    if len(infos) > MAX_MEMBERS:
        raise InputError.one(file, "", f"工作簿内部文件过多 / the workbook has {len(infos)} parts; refusing more than {MAX_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError.one(file, "", f"工作簿解压后过大 / the workbook unpacks to {total} bytes; refusing more than "
                             f"{MAX_UNPACKED} (zip bomb?)")
    from ..inputs.limits import LimitError, check_xlsx

    try:
        check_xlsx(io.BytesIO(data), file)  # real sizes of shared strings and sheets, before openpyxl
    except LimitError as exc:
        raise InputError.one(file, "", str(exc).removeprefix(f"{file}: ")) from None


class Workbook:
    """A loaded workbook: ``meta`` mapping and row access by sheet name."""

    def __init__(self, data: bytes, file: str):
        self.file = file
        if len(data) > MAX_BYTES:
            raise InputError.one(file, "", f"文件过大 / file is {len(data)} bytes; the limit is {MAX_BYTES}")
        check_zip(data, file)
        self.data = data
        try:
            import openpyxl

            with warnings.catch_warnings():  # openpyxl warns about odd parts; the clerk needs errors only
                warnings.simplefilter("ignore")
                self.wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self.sheetnames = list(self.wb.sheetnames)
        except InputError:
            raise
        except Exception as exc:  # openpyxl raises many types on broken parts
            raise InputError.one(file, "", f"无法读取的 .xlsx 工作簿 / not a readable .xlsx workbook ({type(exc).__name__}: "
                                 f"{str(exc)[:160]})") from None
        self.meta = self._meta()

    def _meta(self) -> dict[str, str]:
        if META not in self.sheetnames:
            raise InputError.one(self.file, "", f"工作簿缺少说明表（{META}），请用 publisher template 生成的模板 / no {META!r} sheet: the workbook must declare its kind "
                                 f"(a '{META}' sheet with a row 'kind | results', as `publisher template` makes)")
        out: dict[str, str] = {}
        for n, row in self.rows(META):
            if not row or row[0] is None:
                continue
            key = row[0].strip()
            if key in out:
                raise InputError.one(self.file, f"sheet {META!r}, row {n}", f"“{key}”出现了两次 / key {key!r} appears twice")
            if len(row) > 1 and row[1] is not None:
                out[key] = row[1].strip()
        return out

    def rows(self, sheet: str) -> Iterator[tuple[int, list[str | None]]]:
        """(1-based row number, cell texts) of a sheet, bounded in rows and columns."""
        try:
            ws = self.wb[sheet]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = list(_bounded(ws.iter_rows(values_only=True, max_col=MAX_COLS), MAX_ROWS + 2))
            for n, values in enumerate(rows, start=1):
                if n > MAX_ROWS + 1:
                    raise InputError.one(self.file, f"sheet {sheet!r}", f"行数超过 {MAX_ROWS} / more than {MAX_ROWS} rows")
                yield n, [cell_text(v) for v in values]
        except InputError:
            raise
        except Exception as exc:
            raise InputError.one(self.file, f"sheet {sheet!r}", f"无法读取工作表 / cannot read the sheet ({type(exc).__name__}: "
                                 f"{str(exc)[:160]})") from None

    def close(self) -> None:
        try:
            self.wb.close()
        except Exception:
            pass


def _bounded(it, limit: int):
    for n, x in enumerate(it):
        if n >= limit:
            return
        yield x
