"""Reporting periods: a year, a quarter, a month or any two dates, and the same period a year before.

``Period.parse`` reads what a supervisor types in a notebook's parameters cell:
``"2026"``, ``"2026-Q3"``, ``"2026-07"`` or ``"01.01.2026–30.06.2026"`` (also ISO dates and ``..``).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .. import i18n
from ..i18n import UserError
from ..instruments.validation import parse_date

i18n.add({
    "period.bad": {
        "uk": "Період «{text}» не розпізнано. Приклади: 2026, 2026-Q3, 2026-07, 01.01.2026–30.06.2026.",
        "en": "The period '{text}' is not understood. Examples: 2026, 2026-Q3, 2026-07, 01.01.2026–30.06.2026.",
    },
    "period.reversed": {
        "uk": "Період закінчується ({end}) раніше, ніж починається ({start}).",
        "en": "The period ends ({end}) before it starts ({start}).",
    },
    "period.year": {"uk": "{year} рік", "en": "year {year}"},
    "period.quarter": {"uk": "{quarter} квартал {year} року", "en": "Q{quarter} {year}"},
    "period.month": {"uk": "{month}.{year}", "en": "{month}/{year}"},
    "period.span": {"uk": "{start}–{end}", "en": "{start}–{end}"},
})

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date
    kind: str = "span"  # year, quarter, month or span: how the label reads

    def __post_init__(self):
        if self.end < self.start:
            raise UserError("period.reversed", start=self.start.strftime("%d.%m.%Y"),
                            end=self.end.strftime("%d.%m.%Y"))

    @classmethod
    def parse(cls, value) -> "Period":
        """A period from a ``Period``, a ``(start, end)`` pair or text (see the module docstring)."""
        if isinstance(value, Period):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(_day(value[0], value), _day(value[1], value))
        if not isinstance(value, str):
            raise UserError("period.bad", text=str(value)[:40])
        text = value.strip()
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return cls(date(year, 1, 1), date(year, 12, 31), "year")
        if m := re.fullmatch(r"(\d{4})-?[QqКк]([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            first = 3 * quarter - 2
            return cls(date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1]), "quarter")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise UserError("period.bad", text=text[:40])
            return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")
        parts = [p for p in re.split(r"\s*(?:\.\.|–|—|\s-\s|\s+to\s+|\s+по\s+)\s*", text) if p]
        if len(parts) == 2:
            return cls(_day(parts[0], text), _day(parts[1], text))
        raise UserError("period.bad", text=text[:40])

    def previous_year(self) -> "Period":
        """The same days a year before (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end), self.kind)

    def label(self, lang: str | None = None) -> str:
        """How the period is named in a report's heading, in ``lang``."""
        if self.kind == "year":
            return i18n.t("period.year", lang, year=self.start.year)
        if self.kind == "quarter":
            quarter = (self.start.month + 2) // 3
            shown = _ROMAN[quarter] if i18n.normalise_language(lang) == "uk" else quarter
            return i18n.t("period.quarter", lang, quarter=shown, year=self.start.year)
        if self.kind == "month":
            return i18n.t("period.month", lang, month=f"{self.start.month:02d}", year=self.start.year)
        return i18n.t("period.span", lang, start=self.start.strftime("%d.%m.%Y"), end=self.end.strftime("%d.%m.%Y"))


def containing(kind: str, day: date) -> Period:
    """The period of ``kind`` (quarter, month, year) that ``day`` falls in."""
    if kind == "year":
        return Period.parse(str(day.year))
    if kind == "quarter":
        return Period.parse(f"{day.year}-Q{(day.month + 2) // 3}")
    return Period.parse(f"{day.year}-{day.month:02d}")


def last_full_quarter(today: date) -> Period:
    """The last quarter that ended before ``today``: the supervisors' notebooks' default period."""
    return containing("quarter", containing("quarter", today).start - timedelta(days=1))


def periods_of(kind: str, first_year: int, today: date) -> list[Period]:
    """Every period of ``kind`` (quarter, month, year) from ``first_year`` to the one ``today`` is in, newest first."""
    found, day = [], today
    while day.year >= first_year:
        found.append(containing(kind, day))
        day = found[-1].start - timedelta(days=1)
    return found


def _day(value, original) -> date:
    if isinstance(value, date):
        return value
    parsed, problem = parse_date(value)
    if problem or parsed is None:
        raise UserError("period.bad", text=str(original)[:40])
    return parsed


def _year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)
