"""`publisher calendar add`: a year's holiday arrangement as a signed ledger entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clerk_helpers import snapshot

from publisher.cli.main import main
from publisher.workflow.rules.calendar_entry import CalendarCheck
from publisher.workflow.rules.state import WorkflowState

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def portal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "a.test/b", "--training", "--disclosure", "public"]) == 0
    capsys.readouterr()
    return tmp_path


def operator_bodies(root: Path, type_: str) -> list[dict]:
    out = []
    for p in sorted((root / "ledger/entries/operator").glob("*.json")):
        e = json.loads(p.read_text("utf-8"))
        if e["type"] == type_:
            out.append(e["body"])
    return out


def test_init_seeds_the_last_builtin_years(portal):
    years = [b["year"] for b in operator_bodies(portal, "calendar")]
    assert years == [2024, 2025, 2026]
    b2026 = operator_bodies(portal, "calendar")[-1]
    assert "2026-02-16" in b2026["holidays"] and "2026-02-14" in b2026["workdays"]  # 春节, 调休 Saturday
    assert main(["verify"]) == 0


def test_add_the_2027_example(portal, capsys):
    assert main(["calendar", "add", "2027", str(EXAMPLES / "calendar-2027.yaml")]) == 0
    out = capsys.readouterr().out
    assert "示例数据，不是国务院正式通知" in out and "已发布 2027 年节假日安排" in out
    (b,) = [b for b in operator_bodies(portal, "calendar") if b["year"] == 2027]
    assert b["example"] is True and "2027-02-05" in b["holidays"] and "2027-02-06" not in b["holidays"]  # a Saturday
    assert main(["verify"]) == 0
    assert "示例数据" in capsys.readouterr().out  # verify keeps saying it is an example
    # the same year twice is refused
    before = snapshot(portal / "ledger")
    assert main(["calendar", "add", "2027", str(EXAMPLES / "calendar-2027.yaml")]) == 2
    assert "2027 年的安排已经发布过" in capsys.readouterr().err
    assert snapshot(portal / "ledger") == before


@pytest.mark.parametrize("text, year, words", [
    ("year: 2028\nnotice: x\nholidays: []\nworkdays: []\n", "2027", "与命令中的 2027 不一致"),
    ("year: 2027\nnotice: x\nholidays: [2027-02-30]\nworkdays: []\n", "2027", "不是日期或日期范围"),
    ("year: 2027\nnotice: x\nholidays: []\nworkdays: [2027-03-01]\n", "2027", "调休上班日应为周六或周日"),
    ("year: 2027\nnotice: ''\nholidays: []\nworkdays: []\n", "2027", "请填写国务院办公厅通知"),
    ("year: 2027\nnotice: x\nholidays: [2028-01-03]\nworkdays: []\n", "2027", "不在 2027 年"),
    ("year: 2026\nnotice: x\nholidays: [2026-03-02]\nworkdays: []\n", "2026", "已经发布过"),
])
def test_refusals_write_nothing(portal, capsys, text, year, words):
    f = portal / "cal.yaml"
    f.write_text(text, "utf-8")
    before = snapshot(portal / "ledger")
    assert main(["calendar", "add", year, str(f)]) == 2
    err = capsys.readouterr().err
    assert words in err and "未写入任何内容" in err and "Traceback" not in err
    assert snapshot(portal / "ledger") == before


def test_builtin_year_must_match_the_package(tmp_path, monkeypatch, capsys):
    """A built-in year not yet in the ledger may be published, but only as the package has it."""
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        main(["keygen", name])
    main(["init", "--origin", "a.test/b", "--training", "--disclosure", "public"])
    f = tmp_path / "c.yaml"
    f.write_text("year: 2023\nnotice: x\nholidays: [2023-01-02]\nworkdays: []\n", "utf-8")
    capsys.readouterr()
    assert main(["calendar", "add", "2023", str(f)]) == 2
    assert "与内置日历（chinese-calendar）不一致" in capsys.readouterr().err


def test_rule_refuses_a_calendar_from_an_office():
    from publisher.core.entry import sign_entry
    from publisher.core.keys import SigningKey

    e = sign_entry(type="calendar", office="scjgj", seq=1, prev=None, time="2026-12-01T00:00:00Z",
                   body={"year": 2027, "notice": "x", "holidays": [], "workdays": []}, key=SigningKey.from_seed(bytes(32)))
    (p,) = CalendarCheck().check(e, None, WorkflowState())
    assert p.rule == "workflow.calendar" and "只有运营方可以发布节假日安排" in p.message


def test_deadlines_in_2027_become_known_after_the_entry():
    from datetime import date

    from publisher.core.entry import sign_entry
    from publisher.core.keys import SigningKey
    from publisher.workflow.calendar_file import read_calendar
    from publisher.workflow.rules.calendar import judge

    state = WorkflowState()
    assert judge(date(2027, 1, 25), date(2027, 3, 1), 20, state.calendar).status == "unknown"
    body = read_calendar((EXAMPLES / "calendar-2027.yaml").read_bytes(), "calendar-2027.yaml", 2027)
    e = sign_entry(type="calendar", office="operator", seq=1, prev=None, time="2026-12-01T00:00:00Z",
                   body=body, key=SigningKey.from_seed(bytes(32)))
    CalendarCheck().check(e, None, state)
    j = judge(date(2027, 1, 25), date(2027, 3, 1), 20, state.calendar)
    # 5 weekdays of 春节 (example) minus one 调休 Saturday: Feb 22 becomes Feb 26
    assert j.status == "late" and j.deadline == date(2027, 2, 26) and j.workdays_late == 1
