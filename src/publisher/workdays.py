"""Working-day arithmetic on the official Chinese calendar (with 调休 makeup workdays).

Why a wrapper around ``chinese_calendar``: publication deadlines (results within 20 working
days, plan revisions within 10) are shown as facts on the site, so (1) the counting rule must
be one documented rule, and (2) a date the calendar has no data for must never be guessed.
``chinese_calendar`` only knows the years for which the State Council notice was out when the
release was made (1.11.0: 2004-2026); we refuse anything outside that with ``CalendarUnknown``,
naming the year and the package version, and ``lateness`` reports status "unknown" instead.

Counting rule (the seeds never define it, REQUIREMENTS T1).  The day of the triggering event
is day 0 and is never counted, whether or not it is a working day; the deadline is the n-th
working day strictly after it.  This is the general rule of Chinese law for periods counted
in days (民法典 第二百零一条: 开始的当日不计入，自下一日开始计算).  ``workdays_between(a, b)``
counts working days in the half-open interval (a, b], so that
``workdays_between(e, add_workdays(e, n)) == n``.

Relation to ``chinese_calendar.find_workday(n, d)``: when ``d`` is a working day it returns the
same date as ``add_workdays(d, n)``; when ``d`` is a rest day it first moves to the next
working day and counts that as day 0, so it is one working day later than our rule.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from typing import Literal

import chinese_calendar
from chinese_calendar import constants as _cc_constants

_ONE_DAY = _dt.timedelta(days=1)


class CalendarUnknown(LookupError):
    """The calendar has no official data for a date (its year's notice is not in the package)."""

    def __init__(self, day: _dt.date):
        first, last = calendar_coverage()
        self.date = day
        self.year = day.year
        super().__init__(
            f"no official working-day calendar for {day.isoformat()} (year {day.year}): "
            f"chinese-calendar {chinese_calendar.__version__} covers {first.isoformat()} to "
            f"{last.isoformat()}; upgrade it once the State Council publishes that year's holidays"
        )


@functools.lru_cache(maxsize=1)
def calendar_coverage() -> tuple[_dt.date, _dt.date]:
    """(first, last) date the installed calendar data answers for.

    Read from the package's own holiday table: whole years from the first to the last year
    that has any entry, which is the range ``chinese_calendar`` itself accepts.  A year is
    only present once its State Council notice was, so its dates after the last listed
    holiday are ordinary days by that notice, not guesses.
    """
    years = [d.year for d in _cc_constants.holidays]
    return _dt.date(min(years), 1, 1), _dt.date(max(years), 12, 31)


def _as_date(day: _dt.date) -> _dt.date:
    if isinstance(day, _dt.datetime):
        return day.date()
    if not isinstance(day, _dt.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    return day


def is_workday(day: _dt.date) -> bool:
    """True on working days (Mon-Fri that are not holidays, plus makeup workdays)."""
    day = _as_date(day)
    first, last = calendar_coverage()
    if not first <= day <= last:
        raise CalendarUnknown(day)
    return bool(chinese_calendar.is_workday(day))


def add_workdays(start: _dt.date, n: int) -> _dt.date:
    """The n-th working day after ``start`` (``start`` is day 0 and never counted).

    ``n == 0`` returns ``start`` itself.  Raises ``CalendarUnknown`` if the walk leaves the
    calendar's data, ``ValueError`` for negative ``n``.
    """
    start = _as_date(start)
    if type(n) is not int or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    first, last = calendar_coverage()
    if not first <= start <= last:
        raise CalendarUnknown(start)
    day = start
    remaining = n
    while remaining:
        day += _ONE_DAY
        if day > last:
            raise CalendarUnknown(day)
        if chinese_calendar.is_workday(day):
            remaining -= 1
    return day


def workdays_between(a: _dt.date, b: _dt.date) -> int:
    """Working days in (a, b]; negative (minus the count in (b, a]) when b < a."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -workdays_between(b, a)
    first, last = calendar_coverage()
    for d in (a, b):
        if not first <= d <= last:
            raise CalendarUnknown(d)
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if chinese_calendar.is_workday(day):
            count += 1
    return count


LatenessStatus = Literal["on_time", "late", "unknown"]


@dataclass(frozen=True)
class Lateness:
    """Whether a publication met its working-day limit, with the numbers behind the verdict.

    ``deadline`` is ``add_workdays(event_date, limit_days)``; ``workdays_used`` counts working
    days in (event_date, published_date]; ``workdays_late`` counts working days in
    (deadline, published_date] (0 when on time).  A number is None when the calendar cannot
    give it; ``reason`` then says why.
    """

    status: LatenessStatus
    event_date: _dt.date
    published_date: _dt.date
    limit_days: int
    deadline: _dt.date | None
    workdays_used: int | None
    workdays_late: int | None
    reason: str | None = None


def lateness(event_date: _dt.date, published_date: _dt.date, limit_days: int) -> Lateness:
    """Judge a publication against a deadline of ``limit_days`` working days after the event.

    On time means ``published_date <= deadline``.  The status is decided whenever the calendar
    covers enough days to decide it, which can be without knowing every number: a publication
    inside the covered range with fewer working days used than the limit is on time even if
    the deadline itself lies beyond the data; a publication after a known deadline is late
    even if the count of late days is unknown.  Otherwise the status is "unknown" with the
    reason; never a guess.  Raises ``ValueError`` if the publication precedes the event.
    """
    event_date, published_date = _as_date(event_date), _as_date(published_date)
    if type(limit_days) is not int or limit_days < 0:
        raise ValueError(f"limit_days must be a non-negative integer, got {limit_days!r}")
    if published_date < event_date:
        raise ValueError(f"published {published_date.isoformat()} before the event "
                         f"{event_date.isoformat()}")
    first, last = calendar_coverage()

    def unknown(exc: CalendarUnknown, deadline: _dt.date | None = None) -> Lateness:
        return Lateness("unknown", event_date, published_date, limit_days, deadline, None, None, str(exc))

    if not first <= event_date <= last:
        return unknown(CalendarUnknown(event_date))
    try:
        deadline: _dt.date | None = add_workdays(event_date, limit_days)
    except CalendarUnknown as exc:
        deadline = None
        deadline_problem = exc
    if deadline is None:
        # The deadline is past the data; only a publication inside the data can be judged.
        if published_date > last:
            return unknown(deadline_problem)
        used = workdays_between(event_date, published_date)
        # Fewer than limit_days working days up to a covered date: the deadline is later.
        return Lateness("on_time", event_date, published_date, limit_days, None, used, 0,
                        f"deadline unknown ({deadline_problem}); on time because only {used} of "
                        f"{limit_days} working days had passed")
    if published_date <= deadline:
        return Lateness("on_time", event_date, published_date, limit_days, deadline,
                        workdays_between(event_date, published_date), 0)
    if published_date > last:
        return Lateness("late", event_date, published_date, limit_days, deadline, None, None,
                        str(CalendarUnknown(published_date)))
    return Lateness("late", event_date, published_date, limit_days, deadline,
                    workdays_between(event_date, published_date),
                    workdays_between(deadline, published_date))
