"""Working-day deadlines through :mod:`publisher.workdays`, cached.

Why a cache: at province scale a verifier judges ~1M results a year, but there are only a few
thousand distinct (completion date, publication date) pairs, and each judgement walks the
calendar day by day. The counting rule is the calendar module's (event day is day 0). The
calendar is the ledger's (built-in years plus the ``calendar`` entries read so far in log
order), passed in; a calendar object is immutable, so it is a safe cache key.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from publisher.workdays import BUILTIN, Calendar, CalendarUnknown, Lateness


@lru_cache(maxsize=1 << 16)
def judge(event: date, published: date, days: int, cal: Calendar = BUILTIN) -> Lateness:
    """Lateness of a publication ``days`` working days after ``event`` (published >= event)."""
    return cal.lateness(event, published, days)


@lru_cache(maxsize=1 << 14)
def due_date(event: date, days: int, cal: Calendar = BUILTIN) -> date | None:
    """The deadline, or None when the calendar has no data that far (never a guess)."""
    try:
        return cal.add_workdays(event, days)
    except CalendarUnknown:
        return None


def unknown_reason(event: date, days: int, cal: Calendar = BUILTIN) -> str:
    try:
        cal.add_workdays(event, days)
    except CalendarUnknown as exc:
        return str(exc)
    return ""


def late_zh(j: Lateness) -> str:
    if j.workdays_late is not None:
        return f"超期 {j.workdays_late} 个工作日"
    return "超期（工作日数未知）"


def late_text(j: Lateness) -> str:
    if j.workdays_late is not None:
        return f"late by {j.workdays_late} working day{'s' if j.workdays_late != 1 else ''}"
    return "late (number of working days unknown)"
