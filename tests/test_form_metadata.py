"""Metadata rows (start, end, today, username, deviceid...): recorded by the workbench as answers of the
assessment at save time, never typed nor taken from the page, shown in labels and in the saved record."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from conftest import row_counts, worker_of
from workbench.apps.assessment_record import assessment_html
from workbench.forms.view import FormView
from workbench.i18n import UserError
from workbench.instruments.loader import load_instrument
from workbench.instruments.recorded import local_time
from workbench.store.assessments import get_assessment, save_assessment

TODAY = date(2026, 3, 10)


@pytest.fixture
def instrument(tmp_path):
    path = tmp_path / "meta.md"
    path.write_text(
        "| survey |\n| | type | name | label::Українська (uk) | label::English (en) | calculation |\n"
        "| | start | start | | | |\n| | end | end | | | |\n| | today | today | | | |\n"
        "| | username | username | | | |\n| | deviceid | deviceid | | | |\n| | audit | audit | | | |\n"
        "| | text | visit | Візит з ${start}, ${username} | Visit since ${start}, ${username} | |\n"
        "| | calculate | who | | | concat(${username}, ' ', ${today}) |\n"
        "| settings |\n| | form_id | version |\n| | meta_test | 1 |\n", encoding="utf-8")
    return load_instrument(path)


def test_metadata_rows_are_items_no_one_sees_or_scores(instrument):
    recorded = {n: i.recorded for n, i in instrument.items.items() if i.type == "metadata"}
    assert recorded == {"start": "start", "end": "end", "today": "today", "username": "username",
                        "deviceid": "deviceid"}  # an audit log is not kept: no item
    assert "audit" not in instrument.items and not instrument.scored_items()
    view = FormView(instrument, "en", username="olena")
    assert set(view.fields) == {"visit", "who"}
    assert view.fields["visit"].label.value == f"<b>Visit since {local_time(view.opened)}, olena</b>"


def test_recorded_values_are_saved_read_back_and_a_page_cannot_set_them(db, household_case, instrument):
    worker = worker_of(db, household_case)
    view = FormView(instrument, "uk", username=worker)
    view.fields["visit"].input.value = "вдома"
    forged = dict(view.values(), username="someone_else", start="2020-01-01T00:00", end="x", deviceid="phone-1")
    assessment_id = save_assessment(db, worker, case_id=household_case, instrument=instrument, answers=forged,
                                    today=TODAY, started_at=view.opened, submission_key="meta-1")
    answers = get_assessment(db, worker, assessment_id, instrument)["answers"]
    assert answers["username"] == worker and answers["today"] == TODAY and "deviceid" not in answers
    assert answers["start"] == local_time(view.opened)
    assert datetime.fromisoformat(answers["start"]) <= datetime.fromisoformat(answers["end"]) <= \
        datetime.now().astimezone()
    assert answers["who"] == f"{worker} 2026-03-10"  # a calculation reads them
    before = row_counts(db)  # the same form saved again (a second click) is the same assessment
    assert save_assessment(db, worker, case_id=household_case, instrument=instrument, answers=forged,
                           today=TODAY, started_at=view.opened, submission_key="meta-1") == assessment_id
    assert row_counts(db) == before
    for lang, heading in (("uk", "Записано формою"), ("en", "Recorded by the form")):
        shown = assessment_html(instrument, answers, lang)
        assert heading in shown and f"<td>{worker}</td>" in shown and "username" in shown


def test_a_start_after_saving_is_refused_and_nothing_written(db, household_case, instrument):
    worker = worker_of(db, household_case)
    before = row_counts(db)
    for started in (datetime.now().astimezone() + timedelta(hours=1), "2026-03-10T09:00"):
        with pytest.raises(UserError) as caught:
            save_assessment(db, worker, case_id=household_case, instrument=instrument, answers={"visit": "x"},
                            started_at=started)
        assert caught.value.key == "assessment.bad_start"
    assert row_counts(db) == before
