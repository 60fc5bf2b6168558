"""Schema refusals in a clerk's words (issue 14): no JSON-Schema or Python text reaches a clerk."""

from __future__ import annotations

from publisher.workflow.schema_words import schema_problems


def test_result_refusals_read_as_fields_and_chinese_labels():
    body = {"task": "T", "target": "x", "target_name": "", "completed": "2026-01-01", "inspectors": ["a", "b"],
            "method": "car", "categories": ["1"], "vocabulary": "v", "zzz": 1}
    lines = schema_problems("result", body)
    assert "（整条记录）：有不认识的字段：zzz / has a field that is not allowed" in lines
    (m,) = [x for x in lines if x.startswith("method：")]
    assert "实地检查" in m and "书面检查" in m and "on_site" not in m
    assert "target_name：不能为空 / must not be empty" in lines
    for x in lines:
        assert "is not of type" not in x and "^" not in x and "datetime" not in x


def test_missing_fields_listed_once():
    assert schema_problems("calendar", {"year": 2027}) == [
        "（整条记录）：缺少必填字段：notice、holidays、workdays / a required field is missing"]


def test_valid_body_has_no_problems():
    assert schema_problems("calendar", {"year": 2027, "notice": "x", "holidays": [], "workdays": []}) == []
