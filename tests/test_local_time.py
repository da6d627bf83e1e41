"""Every recorded time is shown in the configured time zone (Europe/Kyiv) as dd.mm.yyyy HH:MM: the one helper, the
draft offered back in the needs-assessment app, who opened a client's record, the period report's heading."""
from datetime import datetime, timezone

from conftest import TODAY
from workbench.analysis.readings import cases_table, readings_table
from workbench.apps import common
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.local_time import local_time
from workbench.store import audit, drafts


def test_a_utc_instant_is_shown_in_kyiv_time_summer_and_winter():
    assert local_time("2026-06-15T06:30:00.000+00:00") == "15.06.2026 09:30"  # summer: UTC+3
    assert local_time("2026-01-10T22:30:00+00:00") == "11.01.2026 00:30"  # winter: UTC+2, the next day already
    assert local_time(datetime(2026, 6, 15, 6, 30, tzinfo=timezone.utc)) == "15.06.2026 09:30"
    assert local_time(datetime(2026, 6, 15, 6, 30)) == "15.06.2026 09:30"  # no offset: UTC, as the store's times
    assert local_time("2026-06-15T06:30:00") == "15.06.2026 09:30"
    assert local_time(None) == "" and local_time("") == ""
    assert common.local_time is local_time  # the apps show times through the same helper


def test_the_draft_offered_back_shows_when_it_was_saved_in_local_time(db, household_case, monkeypatch):
    monkeypatch.setattr(drafts, "now", lambda: "2026-06-15T21:05:00.000+00:00")  # 16.06, 00:05 in Kyiv
    app = NeedsAssessmentApp(db, "olena.demo", "uk", today=TODAY)
    app.show_case(household_case)
    app.new_button.click()
    app.form.fields["household_size"].input.value = "5"  # kept as a draft
    again = NeedsAssessmentApp(db, "olena.demo", "en", today=TODAY)
    again.show_case(household_case)
    offer = again.draft_box.children[0].value
    assert "16.06.2026 00:05" in offer and "2026-06-15" not in offer


def test_who_opened_a_record_is_shown_with_the_local_time(db, household_case, monkeypatch):
    monkeypatch.setattr(audit, "now", lambda: "2026-03-01T10:15:00.000+00:00")  # 12:15 in Kyiv (winter time)
    audit.record_opening(db, "olena.demo", opened="case", record=household_case)
    table = readings_table(db, "mariia.demo", household_case, "en")
    assert list(table["When"]) == ["01.03.2026 12:15"] and list(table["Who"]) == ["Олена Тихоліс (демо)"]
    assert list(cases_table(db, "mariia.demo", "en")["Last"]) == ["01.03.2026 12:15"]
