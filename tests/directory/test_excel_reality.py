"""Issue 14, Chinese Excel reality: GBK CSVs, semicolons, title rows above the header, merged
cells (filled down or refused with the word 合并单元格), and Chinese labels for enumerated fields."""

from __future__ import annotations

import io

import openpyxl
import pytest

from publisher.directory.readers import detect_encoding, office_aliases, read_inspectors, read_targets
from publisher.directory.records import DirectoryError

HEAD_ZH = "统一社会信用代码,名称,类型,区划,监管部门"
ROWS_ZH = ["91110000101623741K,全聚德（示例）,有限责任公司（自然人投资或控股）,110000,市场监管局",
           "92330106MA2H00014M,张记小吃,个体工商户,330106,市场监管局",
           "P-330106-0001,某品牌电动自行车,product,330106,卫健委"]
OFFICES = office_aliases({"scjgj": "清河县市场监督管理局", "wjw": "清河县卫健委"})


def targets(data: bytes, **kw):
    return read_targets(io.BytesIO(data), offices=OFFICES, **kw)


def test_office_aliases():
    assert OFFICES["清河县市场监督管理局"] == OFFICES["市场监督管理局"] == OFFICES["市场监管局"] == "scjgj"
    assert OFFICES["卫健委"] == "wjw"
    # a short form two offices share is not guessed
    both = office_aliases({"a": "甲县市场监督管理局", "b": "乙县市场监督管理局"})
    assert "市场监督管理局" not in both and both["甲县市场监管局"] == "a"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_delimiters_title_rows_and_labels(encoding, delimiter):
    lines = ["清河县市场主体名录（2026年12月）", "", HEAD_ZH, *ROWS_ZH]
    data = "\r\n".join(line.replace(",", delimiter) for line in lines).encode(encoding)
    got = targets(data)
    assert [(t.id, t.kind, t.office) for t in got] == [
        ("91110000101623741K", "enterprise", "scjgj"), ("92330106MA2H00014M", "individual", "scjgj"),
        ("P-330106-0001", "product", "wjw")]


def test_encoding_names():
    assert detect_encoding("名称".encode("gbk"), complete=True)[1].startswith("GB18030/GBK")
    assert detect_encoding(b"\xef\xbb\xbfid", complete=True)[1] == "UTF-8（带 BOM）"
    with pytest.raises(DirectoryError, match="UTF-16"):
        detect_encoding("名称".encode("utf-16"))


def test_a_bad_byte_names_the_row_and_the_encoding():
    data = ("\n".join([HEAD_ZH, *ROWS_ZH[:2]]) + "\n").encode("utf-8") + b"P-1,\xff\xfe,product,330106,scjgj\n"
    with pytest.raises(DirectoryError) as exc:
        targets(data)
    (p,) = exc.value.problems
    assert p.rule == "encoding" and p.row == 4 and "不是有效的 UTF-8" in p.message


def test_unknown_office_name_is_left_to_the_rules():
    data = ("\n".join([HEAD_ZH, ROWS_ZH[0].replace("市场监管局", "税务局")]) + "\n").encode()
    with pytest.raises(DirectoryError) as exc:
        targets(data)
    assert any(p.field == "office" and "税务局" in p.message for p in exc.value.problems)


def xlsx(rows, merges=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_title_merged_across_and_office_merged_down_are_read():
    rows = [["清河县市场主体名录", None, None, None, None],
            HEAD_ZH.split(","),
            ROWS_ZH[0].split(","),
            ROWS_ZH[1].split(",")[:4] + [None],  # merged with the cell above
            ROWS_ZH[2].split(",")]
    got = targets(xlsx(rows, merges=["A1:E1", "E3:E4"]))
    assert [t.office for t in got] == ["scjgj", "scjgj", "wjw"]


def test_xlsx_merged_across_data_columns_is_refused_with_the_word():
    rows = [HEAD_ZH.split(","), ROWS_ZH[0].split(","), ["92330106MA2H00014M", "张记小吃", None, "330106", "市场监管局"]]
    with pytest.raises(DirectoryError) as exc:
        targets(xlsx(rows, merges=["B3:C3"]))
    (p,) = [p for p in exc.value.problems if p.rule == "cell-type"]
    assert p.row == 3 and "合并单元格 B3:C3" in p.message


def test_xlsx_merged_header_is_refused():
    rows = [["统一社会信用代码", "名称", None, "区划", "监管部门"], ROWS_ZH[0].split(",")]
    with pytest.raises(DirectoryError) as exc:
        targets(xlsx(rows, merges=["B1:C1"]))
    assert any(p.rule == "merged-cells" and "合并单元格 B1:C1" in p.message for p in exc.value.problems)


def test_inspector_office_by_chinese_name():
    data = ("执法证号,姓名,所属部门,单位,单位区划\n豫A-0001,张三,市场监管局,城关所,330106\n").encode("gbk")
    (i,) = read_inspectors(io.BytesIO(data), offices=OFFICES)
    assert i.office == "scjgj"
