"""Working days across month and year ends, with an explicit calendar."""
from datetime import date

import pytest

from workbench.working_days import WorkCalendar, add_months

# A calendar written for the test: New Year and Christmas (25 Dec) off, and a Saturday worked.
CALENDAR = WorkCalendar(holidays=frozenset({date(2025, 12, 25), date(2026, 1, 1), date(2026, 1, 2)}),
                        working_weekends=frozenset({date(2026, 1, 10)}))


@pytest.mark.parametrize("start, days, expected", [
    (date(2026, 3, 2), 5, date(2026, 3, 9)),      # Monday + 5 = next Monday
    (date(2026, 3, 6), 5, date(2026, 3, 13)),     # Friday + 5 = next Friday
    (date(2026, 3, 7), 5, date(2026, 3, 13)),     # Saturday intake: counting starts Monday
    (date(2026, 1, 30), 5, date(2026, 2, 6)),     # across a month end
    (date(2025, 12, 22), 5, date(2025, 12, 30)),  # 25 Dec off
    (date(2025, 12, 29), 5, date(2026, 1, 7)),    # across the year end; 1 and 2 Jan off
    (date(2026, 1, 5), 5, date(2026, 1, 10)),     # the worked Saturday counts
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
])
def test_add_working_days(start, days, expected):
    assert CALENDAR.add_working_days(start, days) == expected


def test_working_days_between_is_the_inverse():
    start = date(2025, 12, 22)
    for days in range(0, 25):
        assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, days)) == days


def test_an_empty_calendar_counts_weekdays_only():
    plain = WorkCalendar()
    assert plain.add_working_days(date(2025, 12, 29), 5) == date(2026, 1, 5)
    assert not plain.is_working_day(date(2026, 1, 10))


def test_the_configured_calendar_is_read(tmp_path, monkeypatch):
    import json

    from workbench.config import _load

    path = tmp_path / "config.json"
    path.write_text(json.dumps({"holidays": ["2026-03-09"], "working_weekends": []}))
    monkeypatch.setenv("WB_CONFIG", str(path))
    _load.cache_clear()
    try:
        assert WorkCalendar.from_config().add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 10)
    finally:
        monkeypatch.delenv("WB_CONFIG")
        _load.cache_clear()


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2026, 10, 31), 6, date(2027, 4, 30)),
    (date(2026, 7, 1), 6, date(2027, 1, 1)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected
