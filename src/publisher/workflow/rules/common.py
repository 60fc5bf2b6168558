"""Small pure helpers shared by the workflow rules: dates, ratios, problem construction."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from functools import lru_cache
from typing import Any

from publisher.core.entry import Entry, parse_time
from publisher.core.rules.base import Problem

CST = timezone(timedelta(hours=8))  # China Standard Time, the calendar of every deadline


def parse_date(text: Any) -> date | None:
    """A real calendar date from ``YYYY-MM-DD`` (the schema checks only the shape), else None."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def entry_date(entry: Entry) -> date:
    """The publication date of an entry: its time in UTC+08:00 (the offices' calendar)."""
    return _cst_date(entry.time[:13])


@lru_cache(maxsize=1 << 12)
def _cst_date(hour: str) -> date:
    """``YYYY-MM-DDTHH`` of a UTC entry time → its date in UTC+08:00 (cached: one parse per hour)."""
    return parse_time(hour + ":00:00Z").astimezone(CST).date()


def unix_to_date(t: int) -> date:
    return datetime.fromtimestamp(t, CST).date()


def ratio(text: str) -> Fraction:
    """A decimal ratio string as an exact fraction (schemas guarantee the shape)."""
    return Fraction(text)


def pct_above(x: Fraction, cap: Fraction) -> tuple[str, str]:
    """``x`` and the ``cap`` it exceeds as percentages, with digits enough to tell them apart
    (four significant digits print 0.050000001 and a 5 % cap both as "5%")."""
    for digits in range(4, 16):
        a, b = f"{float(x) * 100:.{digits}g}%", f"{float(cap) * 100:.{digits}g}%"
        if a != b:
            return a, b
    return a, b


def zh_where(p: str) -> str:
    """The Chinese lead-in for a message about part of a body (``corrected.`` → 更正内容)."""
    return "更正内容中：" if p.startswith("corrected") else ""


def zh_list(xs) -> str:
    return "、".join(str(x) for x in xs)


class Emitter:
    """Collects problems about one entry under a fixed rule name and article."""

    def __init__(self) -> None:
        self.out: list[Problem] = []

    def error(self, rule: str, message: str, article: str = "") -> None:
        self.out.append(Problem(rule, message, article=article))

    def warning(self, rule: str, message: str, article: str = "") -> None:
        self.out.append(Problem(rule, message, article=article, severity="warning"))


def bad_dates(em: Emitter, rule: str, fields: dict[str, Any], article: str = "") -> dict[str, date]:
    """Parse the named date fields; report each impossible date; return the good ones."""
    good: dict[str, date] = {}
    for name, text in fields.items():
        if text is None:
            continue
        d = parse_date(text)
        if d is None:
            em.error(rule, f"日期“{text}”不存在（{name}），应为真实的 YYYY-MM-DD / {name} {text!r} is not a calendar date",
                     article)
        else:
            good[name] = d
    return good
