"""Working days, from a holiday calendar kept in configuration.

Deadlines such as "needs assessment within 5 working days" count Monday to Friday,
less the configured ``holidays`` (days off), plus the configured ``working_weekends``
(a Saturday made a working day when a day off is moved). Ukraine's public holidays
have been working days under martial law since 2022, so the built-in list is empty;
an organisation fills it in when the law changes (the ``holidays`` package can seed
it, but it lists no Ukrainian days off from 2023 on).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .config import load_config


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    working_weekends: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def from_config(cls, config: dict | None = None) -> "WorkCalendar":
        config = config or load_config()
        return cls(frozenset(date.fromisoformat(d) for d in config.get("holidays", [])),
                   frozenset(date.fromisoformat(d) for d in config.get("working_weekends", [])))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)
        return count


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
