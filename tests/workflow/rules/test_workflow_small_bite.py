"""Small workflow helpers whose text or date reaches a clerk: exact values."""

from __future__ import annotations

from datetime import date

from publisher.draw.timeutil import china_date, china_year, day_start, unix
from publisher.workdays import Lateness
from publisher.workflow.rules.calendar import late_text
from publisher.workflow.rules.vocab import V004_20


def _late(n):
    return Lateness("late", date(2026, 1, 20), date(2026, 3, 2), 20, date(2026, 2, 24), 25, n)


def test_late_text_singular_plural_and_unknown():
    assert late_text(_late(1)) == "late by 1 working day"
    assert late_text(_late(2)) == "late by 2 working days"
    assert late_text(_late(0)) == "late by 0 working days"
    assert late_text(_late(None)) == "late (number of working days unknown)"


def test_vocabulary_label_falls_back_to_the_code():
    assert V004_20.label("1") == "未发现问题"
    assert V004_20.label("no-such-code") == "no-such-code"


def test_china_dates_and_day_start():
    assert day_start("2026-01-02") == unix("2026-01-01T16:00:00Z") == 1767283200
    assert day_start(date(2026, 1, 2)) == 1767283200
    assert china_date("2025-12-31T16:00:00Z") == date(2026, 1, 1)
    assert china_date("2025-12-31T15:59:59Z") == date(2025, 12, 31)
    assert china_year("2025-12-31T16:00:00Z") == 2026
