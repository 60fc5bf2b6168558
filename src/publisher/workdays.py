"""Working-day arithmetic on the official Chinese calendar (with 调休 makeup workdays).

Why a wrapper around ``chinese_calendar``: publication deadlines (results within 20 working
days, plan revisions within 10) are shown as facts on the site, so (1) the counting rule must
be one documented rule, and (2) a date the calendar has no data for must never be guessed.
A :class:`Calendar` knows a set of whole years, each from one State Council notice (its
holidays and 调休 makeup workdays); any date in a year it does not know raises
``CalendarUnknown`` and ``lateness`` reports status "unknown" instead — never a guess.
Where the years come from (SPEC §7, "calendar"): the built-in years are those of the
``chinese_calendar`` package (1.11.0: 2004-2026, the notices out when it was released);
every later year only from a signed ``calendar`` entry the operator publishes in the ledger
(``publisher calendar add``), read by :func:`Calendar.with_entry`. The module-level functions
use the built-in calendar.

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

from .core.errors import PublisherError

_ONE_DAY = _dt.timedelta(days=1)


class CalendarUnknown(PublisherError, LookupError):
    """The calendar has no official data for a date (no notice for its year)."""

    def __init__(self, day: _dt.date, known: tuple[int, ...] = ()):
        self.date = day
        self.year = day.year
        span = f"{known[0]}–{known[-1]}" if known else "none"
        super().__init__(
            f"{day.year} 年的节假日安排未知（账本中没有该年的 calendar 记录；运营方发布国务院通知后用 publisher calendar add 添加）/ "
            f"no official working-day calendar for {day.isoformat()} (year {day.year}): known years {span} "
            f"(chinese-calendar {chinese_calendar.__version__} built in up to {BUILTIN_LAST_YEAR}; later years "
            f"come from the ledger's calendar entries once the State Council publishes them)"
        )


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: holidays (放假) and makeup workdays (调休上班)."""

    year: int
    holidays: frozenset[_dt.date]
    workdays: frozenset[_dt.date]
    notice: str
    example: bool = False  # clearly labelled example data (training portals), not an official notice

    def is_workday(self, day: _dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def problems(self) -> list[str]:
        """Why this arrangement cannot be a real one (empty when it can)."""
        out = []
        for d in sorted(self.holidays | self.workdays):
            if d.year != self.year:
                out.append(f"日期 {d.isoformat()} 不在 {self.year} 年 / date not in year {self.year}")
        for d in sorted(self.holidays & self.workdays):
            out.append(f"{d.isoformat()} 既是放假日又是上班日 / both a holiday and a workday")
        for d in sorted(self.workdays):
            if d.weekday() < 5:
                out.append(f"调休上班日 {d.isoformat()} 是工作日（周一至周五），调休上班日应为周六或周日 / "
                           "makeup workday is not a weekend day")
        return out


@functools.cache
def builtin_years() -> tuple[int, ...]:
    """The years the installed ``chinese_calendar`` knows (its data does not change while we
    run; every working-day question asked it again: 8 of 240 profiled seconds of a push)."""
    return tuple(sorted({d.year for d in _cc_constants.holidays}))


BUILTIN_LAST_YEAR = max(builtin_years())


@functools.cache
def builtin_year(year: int) -> YearArrangement:
    """The year as the ``chinese_calendar`` package has it (only days that differ from Mon-Fri)."""
    if year not in builtin_years():
        raise CalendarUnknown(_dt.date(year, 1, 1), builtin_years())
    hol = frozenset(d for d in _cc_constants.holidays if d.year == year and d.weekday() < 5)
    wd = frozenset(d for d in _cc_constants.workdays if d.year == year and d.weekday() >= 5)
    return YearArrangement(year, hol, wd, f"国务院办公厅关于{year}年部分节假日安排的通知")


def year_from_body(body: dict) -> YearArrangement:
    """A ``calendar`` entry body (schema-checked) as an arrangement."""
    return YearArrangement(int(body["year"]), frozenset(_dt.date.fromisoformat(d) for d in body["holidays"]),
                           frozenset(_dt.date.fromisoformat(d) for d in body["workdays"]),
                           body["notice"], bool(body.get("example", False)))


def body_for_year(arr: YearArrangement) -> dict:
    """The ``calendar`` entry body publishing an arrangement (dates sorted)."""
    body = {"year": arr.year, "notice": arr.notice, "holidays": sorted(d.isoformat() for d in arr.holidays),
            "workdays": sorted(d.isoformat() for d in arr.workdays)}
    if arr.example:
        body["example"] = True
    return body


class Calendar:
    """Working days over a set of known years; immutable (``with_year`` returns a new one)."""

    def __init__(self, years: dict[int, YearArrangement] | None = None, builtin: bool = True):
        self.builtin = builtin
        self.years: dict[int, YearArrangement] = dict(years or {})

    def known(self, year: int) -> bool:
        return year in self.years or (self.builtin and year in builtin_years())

    def year(self, year: int) -> YearArrangement | None:
        if year in self.years:
            return self.years[year]
        if self.builtin and year in builtin_years():
            return builtin_year(year)
        return None

    def known_years(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.years) | (set(builtin_years()) if self.builtin else set())))

    def with_year(self, arr: YearArrangement) -> Calendar:
        return Calendar({**self.years, arr.year: arr}, self.builtin)

    def is_workday(self, day: _dt.date) -> bool:
        day = _as_date(day)
        arr = self.year(day.year)
        if arr is None:
            raise CalendarUnknown(day, self.known_years())
        return arr.is_workday(day)

    def add_workdays(self, start: _dt.date, n: int) -> _dt.date:
        start = _as_date(start)
        if type(n) is not int or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        if not self.known(start.year):
            raise CalendarUnknown(start, self.known_years())
        day, remaining = start, n
        while remaining:
            day += _ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: _dt.date, b: _dt.date) -> int:
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        for d in (a, b):
            if not self.known(d.year):
                raise CalendarUnknown(d, self.known_years())
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def lateness(self, event_date: _dt.date, published_date: _dt.date, limit_days: int) -> Lateness:
        return _lateness(self, event_date, published_date, limit_days)


BUILTIN = Calendar()


@functools.lru_cache(maxsize=1)
def calendar_coverage() -> tuple[_dt.date, _dt.date]:
    """(first, last) date of the built-in calendar data (whole years)."""
    years = builtin_years()
    return _dt.date(min(years), 1, 1), _dt.date(max(years), 12, 31)


def _as_date(day: _dt.date) -> _dt.date:
    if isinstance(day, _dt.datetime):
        return day.date()
    if not isinstance(day, _dt.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    return day


def is_workday(day: _dt.date) -> bool:
    """True on working days (Mon-Fri that are not holidays, plus makeup workdays)."""
    return BUILTIN.is_workday(day)


def add_workdays(start: _dt.date, n: int) -> _dt.date:
    """The n-th working day after ``start`` (``start`` is day 0 and never counted).

    ``n == 0`` returns ``start`` itself.  Raises ``CalendarUnknown`` if the walk leaves the
    calendar's data, ``ValueError`` for negative ``n``.
    """
    return BUILTIN.add_workdays(start, n)


@functools.lru_cache(maxsize=4096)
def workdays_between(a: _dt.date, b: _dt.date) -> int:
    """Working days in (a, b]; negative (minus the count in (b, a]) when b < a. Memoised: the
    site's overdue list asks it for every (task, office) still owing a result, with a few
    hundred distinct due dates and one "today" (each call walks the days in between)."""
    return BUILTIN.workdays_between(a, b)


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
    inside known years with fewer working days used than the limit is on time even if the
    deadline itself lies beyond the data; a publication after a known deadline is late even if
    the count of late days is unknown.  Otherwise the status is "unknown" with the reason;
    never a guess.  Raises ``ValueError`` if the publication precedes the event.
    """
    return _lateness(BUILTIN, event_date, published_date, limit_days)


def _known_through(cal: Calendar, a: _dt.date, b: _dt.date) -> bool:
    return all(cal.known(y) for y in range(a.year, b.year + 1))


def _lateness(cal: Calendar, event_date: _dt.date, published_date: _dt.date, limit_days: int) -> Lateness:
    event_date, published_date = _as_date(event_date), _as_date(published_date)
    if type(limit_days) is not int or limit_days < 0:
        raise ValueError(f"limit_days must be a non-negative integer, got {limit_days!r}")
    if published_date < event_date:
        raise ValueError(f"published {published_date.isoformat()} before the event "
                         f"{event_date.isoformat()}")

    def unknown(exc: CalendarUnknown, deadline: _dt.date | None = None) -> Lateness:
        return Lateness("unknown", event_date, published_date, limit_days, deadline, None, None, str(exc))

    if not cal.known(event_date.year):
        return unknown(CalendarUnknown(event_date, cal.known_years()))
    try:
        deadline: _dt.date | None = cal.add_workdays(event_date, limit_days)
    except CalendarUnknown as exc:
        deadline = None
        deadline_problem = exc
    if deadline is None:
        # The deadline is past the data; only a publication inside the data can be judged.
        if not _known_through(cal, event_date, published_date):
            return unknown(deadline_problem)
        used = cal.workdays_between(event_date, published_date)
        # Fewer than limit_days working days up to a covered date: the deadline is later.
        return Lateness("on_time", event_date, published_date, limit_days, None, used, 0,
                        f"deadline unknown ({deadline_problem}); on time because only {used} of "
                        f"{limit_days} working days had passed")
    if published_date <= deadline:
        return Lateness("on_time", event_date, published_date, limit_days, deadline,
                        cal.workdays_between(event_date, published_date), 0)
    if not _known_through(cal, event_date, published_date):
        return Lateness("late", event_date, published_date, limit_days, deadline, None, None,
                        str(CalendarUnknown(published_date, cal.known_years())))
    return Lateness("late", event_date, published_date, limit_days, deadline,
                    cal.workdays_between(event_date, published_date),
                    cal.workdays_between(deadline, published_date))
