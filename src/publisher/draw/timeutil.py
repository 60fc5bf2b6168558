"""Calendar dates of entries in China Standard Time (UTC+08:00, no daylight saving).

The yearly cap and embargo dates are Chinese calendar facts: an entry signed at
2025-12-31T20:00:00Z belongs to 2026 in the county that wrote it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..core.entry import parse_time

CST = timezone(timedelta(hours=8))


def unix(time: str) -> int:
    """Unix seconds of an entry time ``YYYY-MM-DDTHH:MM:SSZ``."""
    return int(parse_time(time).timestamp())


def china_date(time: str) -> date:
    """The date in UTC+08:00 of an entry time."""
    return parse_time(time).astimezone(CST).date()


def china_year(time: str) -> int:
    return china_date(time).year


def day_start(d: str | date) -> int:
    """Unix seconds of 00:00 UTC+08:00 on date ``d`` (``YYYY-MM-DD``)."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return int(datetime(d.year, d.month, d.day, tzinfo=CST).timestamp())
