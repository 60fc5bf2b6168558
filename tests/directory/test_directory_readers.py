"""CSV/XLSX readers: happy paths, every refusal rule, and fuzzing for "never crash"."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.directory.readers import (
    iter_targets,
    read_inspectors,
    read_targets,
)
from publisher.directory.records import DirectoryError, Inspector, Target

HEADER = "id,name,kind,region,industry,risk,flags,complaints,office,uscc_override"
ROW_A = "91110000101623741K,全聚德（示例）,enterprise,110000,H6210,A,watch;abnormal,2,scjgj,"
ROW_P = "P-330106-0001,某品牌电动自行车,product,330106,,,,,scjgj,"


def csv_bytes(*lines: str, bom: bool = False, eol: str = "\n") -> io.BytesIO:
    data = eol.join(lines) + eol
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))


def refusal(source: object, **kw: object) -> DirectoryError:
    with pytest.raises(DirectoryError) as exc:
        read_targets(source, **kw)  # type: ignore[arg-type]
    return exc.value


# --- CSV happy paths ----------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_csv_english_headers(bom: bool, eol: str) -> None:
    got = read_targets(csv_bytes(HEADER, ROW_A, ROW_P, bom=bom, eol=eol), format="csv")
    assert got == [
        Target("91110000101623741K", "全聚德（示例）", "enterprise", "110000", "H6210", "A",
               ("abnormal", "watch"), 2, "scjgj", None),
        Target("P-330106-0001", "某品牌电动自行车", "product", "330106", None, None, (), 0, "scjgj", None),
    ]


def test_csv_chinese_headers_and_value_aliases() -> None:
    src = csv_bytes(
        "统一社会信用代码,名称,类型,区划,行业,信用风险分类,标记,投诉次数,监管部门,代码校验例外原因",
        "92330106MA2H00014M,张记小吃,个体户,330106,H62,信用风险较高（C类）,重点关注；经营异常名录,\"1,024\",scjgj,",
        "93330106MA2H00022D,绿源农民专业合作社,农民专业合作社,330106001,A01,d,,0,nyncj,",
        "91350211M0000XUF46,码有误公司,企业,350211,,B类,,,scjgj,营业执照核实：登记机关赋码错误",
    )
    ids = {}
    try:
        got = read_targets(src)
    except DirectoryError as exc:  # pragma: no cover - show what went wrong
        raise AssertionError(str(exc)) from None
    for t in got:
        ids[t.id] = t
    a = ids["92330106MA2H00014M"]
    assert (a.kind, a.risk, a.flags, a.complaints) == ("individual", "C", ("abnormal", "watch"), 1024)
    b = ids["93330106MA2H00022D"]
    assert (b.kind, b.region, b.risk) == ("cooperative", "330106001", "D")
    c = ids["91350211M0000XUF46"]
    assert c.uscc_override == "营业执照核实：登记机关赋码错误" and c.risk == "B"


def test_csv_quoted_multiline_name_is_refused_by_rules_not_parser() -> None:
    err = refusal(csv_bytes(HEADER, '91110000101623741K,"two\nlines",enterprise,110000,,,,,scjgj,'))
    assert (err.rule, err.row, err.column) == ("text", 2, "name")


def test_csv_text_stream_and_path(tmp_path: Path) -> None:
    text = io.StringIO("\ufeff" + HEADER + "\n" + ROW_A + "\n")
    assert [t.id for t in read_targets(text)] == ["91110000101623741K"]
    p = tmp_path / "targets.csv"
    p.write_bytes(csv_bytes(HEADER, ROW_A).getvalue())
    assert len(read_targets(p)) == 1
    assert len(read_targets(str(p))) == 1
    err = refusal(tmp_path / "missing.csv")
    assert err.rule == "io" and "missing.csv" in str(err)


def test_blank_rows_are_skipped_and_header_only_is_empty() -> None:
    assert len(read_targets(csv_bytes(HEADER, ",,,,,,,,,", ROW_A, ""))) == 1
    assert read_targets(csv_bytes(HEADER)) == []


def test_unknown_columns_error_or_ignore() -> None:
    src = csv_bytes(HEADER + ",法定代表人", ROW_A + ",某人")
    err = refusal(src)
    assert (err.rule, err.row, err.column) == ("unknown-column", 1, "法定代表人")
    src.seek(0)
    assert len(read_targets(src, unknown_columns="ignore")) == 1


def test_header_problems() -> None:
    err = refusal(csv_bytes("id,name,kind,region"))
    assert err.rule == "missing-column" and "office" in str(err)
    err = refusal(csv_bytes("id,统一社会信用代码,name,kind,region,office"))
    assert err.rule == "duplicate-column"
    assert refusal(io.BytesIO(b"")).rule == "empty-file"


def test_stray_cells_and_short_rows() -> None:
    err = refusal(csv_bytes(HEADER, ROW_A + ",extra"))
    assert (err.rule, err.row) == ("stray-cell", 2)
    # fewer cells than headers: the missing optional cells are empty
    got = read_targets(csv_bytes("id,name,kind,region,office,risk", "91110000101623741K,x,enterprise,110000,scjgj"))
    assert got[0].risk is None


def test_duplicate_ids_name_both_rows() -> None:
    err = refusal(csv_bytes(HEADER, ROW_A, ROW_P, ROW_A))
    assert (err.rule, err.row, err.column) == ("duplicate-id", 4, "id")
    assert "row 2" in str(err)


def test_all_problems_are_collected() -> None:
    err = refusal(csv_bytes(HEADER, ROW_A.replace("741K", "741X"), ROW_P.replace("330106,", "33,"),
                            ROW_A.replace(",A,", ",Z,")))
    assert [(p.row, p.rule) for p in err.problems] == [(2, "uscc"), (3, "region"), (4, "risk")]


def test_encoding_and_syntax_errors_name_the_row() -> None:
    bad_utf8 = csv_bytes(HEADER, ROW_A).getvalue() + ROW_P.encode() + b"\xff\xfe\n"
    err = refusal(io.BytesIO(bad_utf8))
    assert err.rule == "encoding" and err.row == 3
    # csv in Python 3.11 passes NUL through; the text rule refuses it with row and column
    err = refusal(io.BytesIO((HEADER + "\n" + ROW_A + "\n").encode()
                             + ROW_P.replace("某品牌", "某\x00").encode() + b"\n"))
    assert (err.rule, err.row, err.column) == ("text", 3, "name")
    err = refusal(csv_bytes(HEADER, '"unterminated,x'))
    assert err.rule == "csv-syntax"
    err = refusal(csv_bytes(HEADER, 'a"b",x'))
    assert err.rule in ("csv-syntax", "id-pattern", "uscc", "kind")


def test_gbk_file_is_read_like_utf8() -> None:
    """Issue 14: Chinese Excel saves CSV as GBK/GB18030; it is read, not refused."""
    text = HEADER + "\n" + ROW_A + "\n"
    assert read_targets(io.BytesIO(text.encode("gb18030"))) == read_targets(io.BytesIO(text.encode()))


def test_max_rows_and_max_problems() -> None:
    rows = [HEADER] + [f"P-{n},x,product,330106,,,,,scjgj," for n in range(50)]
    assert len(read_targets(csv_bytes(*rows), max_rows=50)) == 50
    err = refusal(csv_bytes(*rows), max_rows=49)
    assert err.rule == "max-rows" and err.row == 51 and "49" in str(err)
    bad = [HEADER] + [f"P-{n},x,product,33,,,,,scjgj," for n in range(50)]
    err = refusal(csv_bytes(*bad), max_problems=10)
    assert len(err.problems) == 11 and err.problems[-1].rule == "too-many-problems"


def test_endless_line_is_refused() -> None:
    err = refusal(io.BytesIO(HEADER.encode() + b"\n" + b"x" * (3 << 20)))
    assert err.rule == "csv-syntax"


def test_streaming_reads_lazily() -> None:
    rows = [HEADER] + [f"P-{n:06d},x,product,330106,,,,,scjgj," for n in range(100_000)]
    src = csv_bytes(*rows)
    it = iter_targets(src)
    first = next(it)
    assert first.id == "P-000000"
    assert src.tell() < len(src.getvalue()) // 10
    assert sum(1 for _ in it) == 99_999


# --- inspectors ---------------------------------------------------------------------------


def test_inspectors_csv_chinese() -> None:
    src = csv_bytes(
        "执法证号,姓名,所属部门,单位,单位区划,业务专长,可检查事项,编组,在岗,回避对象",
        "豫A-0001,张三,scjgj,城关所,330106,食品;特种设备,SC-2;SC-1,第一组,是,91110000101623741K",
        "41000002,李四,scjgj,城关所,330106,,,,否,",
        "41000003,王五,scjgj,城关所,330106,,,,,",
    )
    got = read_inspectors(src)
    assert got[0] == Inspector("豫A-0001", "张三", "scjgj", "城关所", "330106", ("特种设备", "食品"),
                               ("SC-1", "SC-2"), "第一组", True, ("91110000101623741K",))
    assert [i.active for i in got] == [True, False, True]
    with pytest.raises(DirectoryError) as exc:
        read_inspectors(csv_bytes("id,name,office,unit,unit_region,active", "1,a,scjgj,u,330106,maybe"))
    assert exc.value.rule == "active"


# --- XLSX ---------------------------------------------------------------------------------


def xlsx(rows: list[list[object]], sheet: str = "名录", extra_sheet_first: bool = False) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    if extra_sheet_first:
        ws.title = "说明"
        ws["A1"] = "readme"
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


XHEAD = ["统一社会信用代码", "名称", "类型", "区划", "行业", "信用风险分类", "投诉次数", "监管部门"]


def test_xlsx_read_first_and_named_sheet(tmp_path: Path) -> None:
    rows = [XHEAD, ["91110000101623741K", "全聚德", "企业", 110000, "H6210", "A", 3, "scjgj"],
            [None] * 8, ["P-1", "产品一", "产品", "330106", None, None, None, "scjgj"]]
    got = read_targets(xlsx(rows))
    assert [(t.id, t.region, t.complaints) for t in got] == [("91110000101623741K", "110000", 3), ("P-1", "330106", 0)]
    got = read_targets(xlsx(rows, extra_sheet_first=True), format="xlsx", sheet="名录")
    assert len(got) == 2
    err = refusal(xlsx(rows), sheet="nope")
    assert err.rule == "xlsx-sheet" and "名录" in str(err)
    p = tmp_path / "d.xlsx"
    p.write_bytes(xlsx(rows).getvalue())
    assert len(read_targets(p)) == 2
    q = tmp_path / "d.bin"  # no helpful suffix: sniffed
    q.write_bytes(xlsx(rows).getvalue())
    assert len(read_targets(q)) == 2


def test_xlsx_numeric_uscc_is_refused() -> None:
    rows = [XHEAD, [911101066976941872, "长峰", "企业", 110106, None, "B", 0, "scjgj"]]
    err = refusal(xlsx(rows))
    assert err.rule == "cell-type" and err.row == 2 and err.column == "统一社会信用代码"
    assert "format the column as text" in str(err)


def test_xlsx_cell_types() -> None:
    import datetime

    rows = [XHEAD, ["P-1", "x", "产品", datetime.datetime(2026, 1, 1), None, None, 1.5, "scjgj"]]
    err = refusal(xlsx(rows))
    assert {(p.rule, p.column) for p in err.problems} >= {("cell-type", "区划"), ("cell-type", "投诉次数")}
    rows = [XHEAD, ["P-1", True, "产品", "330106", None, None, 0, "scjgj"]]
    assert refusal(xlsx(rows)).rule == "cell-type"


def test_xlsx_inspector_bool_cells() -> None:
    rows = [["id", "name", "office", "unit", "unit_region", "active"],
            ["41000001", "甲", "scjgj", "所", 330106, False]]
    assert read_inspectors(xlsx(rows))[0].active is False


def _corrupt_member(member: str, payload: bytes) -> io.BytesIO:
    src = xlsx([XHEAD, ["P-1", "x", "产品", "330106", None, None, 0, "scjgj"]])
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = payload if info.filename == member else zin.read(info.filename)
            zout.writestr(info.filename, data)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "source",
    [
        io.BytesIO(b""),
        io.BytesIO(b"PK\x03\x04junkjunkjunk"),
        io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        io.BytesIO(b"id,name\n"),
    ],
    ids=["empty", "zip-signature-junk", "old-xls", "csv-as-xlsx"],
)
def test_malformed_xlsx_bytes(source: io.BytesIO) -> None:
    err = refusal(source, format="xlsx")
    assert err.rule == "xlsx-unreadable"


def test_zip_with_junk_members() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    out.seek(0)
    assert refusal(out, format="xlsx").rule == "xlsx-unreadable"


@pytest.mark.parametrize(
    "member,payload",
    [
        ("xl/worksheets/sheet1.xml", b"<not xml"),
        ("xl/worksheets/sheet1.xml", b"<?xml version='1.0'?><worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99</v></c></row></sheetData></worksheet>"),
        ("xl/workbook.xml", b"\x00\x01garbage"),
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/_rels/workbook.xml.rels", b"<Relationships><Relationship Id='rId1' Target='/nowhere.xml' Type='x'/>"),
    ],
)
def test_xlsx_with_broken_parts(member: str, payload: bytes) -> None:
    err = refusal(_corrupt_member(member, payload))
    assert err.rule in ("xlsx-unreadable", "missing-column", "empty-file", "xlsx-sheet"), err


def test_truncated_xlsx() -> None:
    data = xlsx([XHEAD]).getvalue()
    for cut in (10, len(data) // 2, len(data) - 10):
        err = refusal(io.BytesIO(data[:cut]), format="xlsx")
        assert err.rule == "xlsx-unreadable"


def test_xlsx_text_stream_refused() -> None:
    assert refusal(io.StringIO("x"), format="xlsx").rule == "format"


def test_sheet_option_on_csv_refused() -> None:
    assert refusal(csv_bytes(HEADER), sheet="x").rule == "format"


# --- fuzzing ------------------------------------------------------------------------------

_CELL = st.one_of(
    st.sampled_from(["91110000101623741K", "P-1", "enterprise", "产品", "330106", "A", "scjgj",
                     "watch;abnormal", "", " ", '"', "\r\n", "1,000", "\x00", "é"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELL, max_size=12), max_size=8), st.booleans())
def test_fuzz_csv_text_never_crashes(rows: list[list[str]], with_header: bool) -> None:
    lines = ([HEADER] if with_header else []) + [",".join(r) for r in rows]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        for rec in read_targets(io.BytesIO(data), format="csv"):
            assert isinstance(rec, Target)
    except DirectoryError as exc:
        assert exc.problems and all(p.file for p in exc.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_csv_bytes_never_crash(data: bytes) -> None:
    try:
        read_targets(io.BytesIO(data), format="csv")
        read_inspectors(io.BytesIO(data), format="csv")
    except DirectoryError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_random_bytes_as_xlsx(data: bytes) -> None:
    with pytest.raises(DirectoryError):
        read_targets(io.BytesIO(b"PK\x03\x04" + data), format="xlsx")
    with pytest.raises(DirectoryError):
        read_targets(io.BytesIO(data), format="xlsx")


_VALID_XLSX = xlsx([XHEAD, ["P-1", "x", "产品", "330106", None, None, 0, "scjgj"]]).getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_fuzz_mutated_xlsx(mutations: list[tuple[int, int]]) -> None:
    data = bytearray(_VALID_XLSX)
    for pos, byte in mutations:
        data[pos] = byte
    try:
        read_targets(io.BytesIO(bytes(data)), format="xlsx")
    except DirectoryError:
        pass


def test_complaint_counts() -> None:
    head = "id,name,kind,region,office,complaints"
    got = read_targets(csv_bytes(head, "P-1,x,product,330106,scjgj,\"12,345\""))
    assert got[0].complaints == 12345
    for bad in ('"1,0"', "-1", "1.5", "三"):
        assert refusal(csv_bytes(head, f"P-1,x,product,330106,scjgj,{bad}")).rule == "complaints"


def test_xlsx_missing_path_and_unpacked_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert refusal(tmp_path / "nope.xlsx").rule == "io"
    import publisher.directory.readers as readers

    monkeypatch.setattr(readers, "DEFAULT_MAX_UNPACKED", 1000)
    err = refusal(xlsx([XHEAD]))
    assert err.rule == "xlsx-too-large"
