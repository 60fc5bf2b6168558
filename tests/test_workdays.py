"""Working-day calendar against the facts checked in REQUIREMENTS §4.1."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.workdays import (
    CalendarUnknown,
    add_workdays,
    calendar_coverage,
    is_workday,
    lateness,
    workdays_between,
)

D = date


def test_coverage_is_read_from_the_package() -> None:
    assert chinese_calendar.__version__ == "1.11.0"
    assert calendar_coverage() == (D(2004, 1, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    "day,expected",
    [
        (D(2026, 9, 19), False),  # Sat
        (D(2026, 9, 20), True),  # Sun, makeup day for National Day
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 9), True),
        (D(2026, 10, 10), True),  # Sat, makeup day
        (D(2026, 10, 11), False),
        (D(2026, 1, 4), True),  # Sun, makeup for 元旦
        (D(2026, 2, 14), True),
        (D(2026, 2, 28), True),
        (D(2026, 5, 9), True),
        (D(2026, 2, 16), False),  # 春节
        (D(2025, 1, 26), True),
        (D(2025, 2, 8), True),
        (D(2025, 9, 28), True),
        (D(2025, 10, 11), True),
        (D(2025, 10, 6), False),
        (D(2025, 10, 8), False),
    ],
)
def test_is_workday_facts(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


def test_datetime_is_accepted() -> None:
    assert is_workday(datetime(2026, 9, 20, 23, 59)) is True


def test_twenty_working_days_from_2026_09_15() -> None:
    assert add_workdays(D(2026, 9, 15), 20) == D(2026, 10, 19)
    # chinese_calendar's own convention gives the same date for a working-day start ...
    assert chinese_calendar.find_workday(20, D(2026, 9, 15)) == D(2026, 10, 19)
    assert workdays_between(D(2026, 9, 15), D(2026, 10, 19)) == 20


def test_our_convention_versus_find_workday_on_a_rest_day() -> None:
    """Day 0 is the event day even when it is a rest day; find_workday moves it to the next
    working day first, so it lands one working day later."""
    sat = D(2026, 9, 19)
    assert not is_workday(sat)
    ours = add_workdays(sat, 20)
    theirs = chinese_calendar.find_workday(20, sat)
    assert ours == D(2026, 10, 22) and theirs == D(2026, 10, 23)
    assert workdays_between(ours, theirs) == 1
    # 9/20 (Sun) is a makeup working day and so counts as working day 1 after Saturday
    assert add_workdays(sat, 1) == D(2026, 9, 20)


@settings(max_examples=200, deadline=None)
@given(st.dates(D(2004, 1, 1), D(2026, 9, 1)), st.integers(0, 40))
def test_relation_to_find_workday(start: date, n: int) -> None:
    ours = add_workdays(start, n)
    theirs = chinese_calendar.find_workday(n, start)
    if is_workday(start):
        assert ours == theirs
    else:
        assert n == 0 or workdays_between(ours, theirs) == 1
    assert workdays_between(start, ours) == n
    assert ours == start or is_workday(ours)


def test_get_workdays_fact() -> None:
    days = [D(2026, 9, 28) + timedelta(d) for d in range(15)]
    assert [d for d in days if is_workday(d)] == [
        D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9),
        D(2026, 10, 10), D(2026, 10, 12)]
    assert workdays_between(D(2026, 9, 27), D(2026, 10, 12)) == 7


def test_add_zero_and_bad_n() -> None:
    assert add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 1)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 1, 5), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        is_workday("2026-01-05")  # type: ignore[arg-type]


def test_workdays_between_is_antisymmetric() -> None:
    assert workdays_between(D(2026, 10, 19), D(2026, 9, 15)) == -20
    assert workdays_between(D(2026, 9, 15), D(2026, 9, 15)) == 0


@pytest.mark.parametrize("day", [D(2027, 1, 4), D(2003, 12, 31)])
def test_unknown_years_fail_closed(day: date) -> None:
    with pytest.raises(CalendarUnknown) as exc:
        is_workday(day)
    msg = str(exc.value)
    assert str(day.year) in msg and "chinese-calendar 1.11.0" in msg
    assert exc.value.year == day.year


def test_deadline_running_into_2027_is_unknown() -> None:
    with pytest.raises(CalendarUnknown) as exc:
        add_workdays(D(2026, 12, 20), 20)
    assert exc.value.year == 2027
    with pytest.raises(CalendarUnknown):
        workdays_between(D(2026, 12, 20), D(2027, 1, 4))


def test_lateness_on_time_and_late() -> None:
    ok = lateness(D(2026, 9, 15), D(2026, 10, 19), 20)
    assert (ok.status, ok.deadline, ok.workdays_used, ok.workdays_late) == ("on_time", D(2026, 10, 19), 20, 0)
    # 10/19 is a Monday; Tuesday 10/20 is one working day late
    late = lateness(D(2026, 9, 15), D(2026, 10, 20), 20)
    assert (late.status, late.workdays_used, late.workdays_late) == ("late", 21, 1)
    # the deadline is a date: publishing on a rest day after it is late, with 0 working days late
    fri = lateness(D(2026, 9, 14), D(2026, 10, 18), 20)  # deadline Fri 10/16, published Sun
    assert fri.deadline == D(2026, 10, 16)
    assert (fri.status, fri.workdays_late) == ("late", 0)
    same_day = lateness(D(2026, 3, 2), D(2026, 3, 2), 20)
    assert (same_day.status, same_day.workdays_used) == ("on_time", 0)


def test_lateness_plan_revision_ten_days() -> None:
    # 9/29, 9/30, 10/8, 10/9, 10/10 (Sat, makeup), 10/12 ... 10/16 = 10 working days
    res = lateness(D(2026, 9, 28), D(2026, 10, 13), 10)
    assert (res.deadline, res.status, res.workdays_used) == (D(2026, 10, 16), "on_time", 7)
    assert lateness(D(2026, 9, 28), D(2026, 10, 19), 10).workdays_late == 1


def test_lateness_unknown_cases_are_explicit() -> None:
    # event in 2027: nothing can be said
    r = lateness(D(2027, 1, 5), D(2027, 1, 6), 20)
    assert r.status == "unknown" and r.deadline is None and "2027" in (r.reason or "")
    # deadline in 2027 and published in 2027: unknown
    r = lateness(D(2026, 12, 20), D(2027, 1, 25), 20)
    assert r.status == "unknown" and "chinese-calendar" in (r.reason or "")
    # deadline in 2027 but published while the data still covers: on time, deadline unknown
    r = lateness(D(2026, 12, 20), D(2026, 12, 25), 20)
    assert (r.status, r.deadline, r.workdays_used) == ("on_time", None, 5)
    # known deadline, published in an unknown year: late, but the count is unknown
    r = lateness(D(2026, 11, 2), D(2027, 1, 5), 20)
    assert (r.status, r.deadline, r.workdays_late) == ("late", D(2026, 11, 30), None)


def test_lateness_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        lateness(D(2026, 3, 2), D(2026, 3, 1), 20)
    with pytest.raises(ValueError):
        lateness(D(2026, 3, 2), D(2026, 3, 3), -1)


# --- the calendar as ledger data (issue 14) ------------------------------------------------

def test_builtin_years_match_chinese_calendar_day_for_day():
    """The arrangement published as calendar entries says exactly what the package says."""
    from publisher.workdays import builtin_year, builtin_years

    for y in builtin_years():
        arr = builtin_year(y)
        d = D(y, 1, 1)
        while d.year == y:
            assert arr.is_workday(d) == chinese_calendar.is_workday(d), d
            d += timedelta(days=1)
        assert not arr.problems()


def test_a_year_without_an_entry_is_unknown_never_guessed():
    from publisher.workdays import BUILTIN, CalendarUnknown, YearArrangement

    with pytest.raises(CalendarUnknown, match="2027 年的节假日安排未知"):
        BUILTIN.is_workday(D(2027, 3, 1))
    cal = BUILTIN.with_year(YearArrangement(2027, frozenset({D(2027, 3, 1)}), frozenset({D(2027, 3, 6)}), "x"))
    assert cal.is_workday(D(2027, 3, 1)) is False and cal.is_workday(D(2027, 3, 6)) is True
    assert cal.is_workday(D(2027, 3, 2)) is True and cal.is_workday(D(2027, 3, 7)) is False
    assert BUILTIN.lateness(D(2026, 12, 20), D(2027, 1, 20), 20).status == "unknown"
    j = cal.lateness(D(2026, 12, 20), D(2027, 1, 20), 20)
    assert j.status in ("on_time", "late") and j.deadline is not None
    with pytest.raises(CalendarUnknown):
        cal.is_workday(D(2028, 1, 3))
