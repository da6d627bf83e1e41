"""The act of needs assessment's entry into ЄІССС (workbench.store.eisss): due the next working day after the act,
recorded against its first version, overdue on the worker's and the supervisor's lists."""
from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import TODAY, refused, row_counts
from workbench import config
from workbench.i18n import UserError
from workbench.store.agenda import kind_label, needs_action
from workbench.store.assessments import correct_assessment, save_assessment
from workbench.store.eisss import case_acts, record_eisss_entry
from workbench.store.inputs import InvalidInput

WORKER, SUPERVISOR, HEAD, OTHER_SUPERVISOR = "olena.demo", "mariia.demo", "halyna.demo", "taras.demo"
FRIDAY = date(2026, 2, 6)


@pytest.fixture
def act(db, household_case, instrument, valid_answers):
    """An act of needs assessment made on a Friday."""
    return save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                           assessed_on=FRIDAY, today=TODAY)


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """``configured(**keys)``: the configuration with those top-level keys replaced, for the test."""
    def use(**keys):
        path = tmp_path / "config.json"
        path.write_text(json.dumps(keys))
        monkeypatch.setenv("WB_CONFIG", str(path))
        config._load.cache_clear()
    yield use
    monkeypatch.delenv("WB_CONFIG", raising=False)
    config._load.cache_clear()


def test_an_act_is_due_the_next_working_day_and_overdue_after(db, household_case, act):
    [found] = case_acts(db, HEAD, household_case, today=date(2026, 2, 9))
    assert found == {"case_id": household_case, "first_id": act, "latest_id": act, "made_on": FRIDAY,
                     "due_on": date(2026, 2, 9), "entered_on": None, "state": "due"}
    assert case_acts(db, HEAD, household_case, today=date(2026, 2, 10))[0]["state"] == "overdue"


def test_a_configured_holiday_moves_the_due_day(db, household_case, act, configured):
    configured(holidays=["2026-02-09"])
    assert case_acts(db, WORKER, household_case, today=date(2026, 2, 10))[0]["due_on"] == date(2026, 2, 10)


def test_the_entry_is_recorded_against_the_first_version_and_a_correction_needs_none(db, household_case, act,
                                                                                      instrument, valid_answers):
    record_eisss_entry(db, WORKER, assessment_id=act, entered_on="09.02.2026", today=TODAY)
    newer = correct_assessment(db, WORKER, assessment_id=act, instrument=instrument, answers=valid_answers,
                               reason="описка", today=TODAY)
    [found] = case_acts(db, WORKER, household_case, today=TODAY)
    assert (found["first_id"], found["latest_id"]) == (act, newer)
    assert (found["entered_on"], found["state"]) == (date(2026, 2, 9), "entered")
    # An act is entered once: a second entry, through any version, is refused and writes nothing (it would make
    # the entry made in time look late).
    before = row_counts(db)
    with pytest.raises(UserError) as caught:
        record_eisss_entry(db, WORKER, assessment_id=newer, entered_on=date(2026, 2, 12), today=TODAY)
    assert caught.value.key == "eisss.already_entered" and "09.02.2026" in caught.value.message("uk")
    assert row_counts(db) == before
    assert case_acts(db, WORKER, household_case, today=TODAY)[0]["entered_on"] == date(2026, 2, 9)
    assert db.execute("select distinct assessment_id from eisss_entries").fetchall() == [(act,)]


@pytest.mark.parametrize("entered_on, key", [
    ("05.02.2026", "eisss.before_act"),
    ("16.06.2026", "input.future_date"),
    ("31.02.2026", "input.bad_date"),
    ("", "input.required"),
])
def test_an_entry_before_the_act_or_in_the_future_is_refused_under_the_date(db, act, entered_on, key):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as caught:
        record_eisss_entry(db, WORKER, assessment_id=act, entered_on=entered_on, today=TODAY)
    assert caught.value.problems["entered_on"].key == key
    assert "{" not in caught.value.message("uk") + caught.value.message("en")
    assert row_counts(db) == before


def test_only_an_act_is_entered_and_only_by_who_may_write_the_case(db, act, configured):
    before = row_counts(db)
    refused(lambda: record_eisss_entry(db, HEAD, assessment_id=act, entered_on="09.02.2026", today=TODAY))
    refused(lambda: record_eisss_entry(db, OTHER_SUPERVISOR, assessment_id=act, entered_on="09.02.2026", today=TODAY))
    configured(documents={"act_instruments": ["care_profile"]})
    refused(lambda: record_eisss_entry(db, WORKER, assessment_id=act, entered_on="09.02.2026", today=TODAY),
            "eisss.not_an_act")
    assert row_counts(db) == before


def _eisss_items(db, actor, today):
    return [item for item in needs_action(db, actor, today) if item["kind"] == "eisss_entry"]


def test_the_worker_sees_the_act_to_enter_at_once_and_the_supervisor_once_overdue(db, household_case, act):
    [item] = _eisss_items(db, WORKER, date(2026, 2, 9))
    assert (item["case_id"], item["due"], item["overdue"]) == (household_case, date(2026, 2, 9), False)
    assert _eisss_items(db, SUPERVISOR, date(2026, 2, 9)) == []
    [item] = _eisss_items(db, SUPERVISOR, date(2026, 2, 10))
    assert item["overdue"] and item["worker"] == WORKER
    assert _eisss_items(db, OTHER_SUPERVISOR, date(2026, 2, 10)) == [] and _eisss_items(db, HEAD, date(2026, 2, 10)) == []
    assert kind_label("eisss_entry", "uk") == "Внести акт оцінки потреб до ЄІССС"
    record_eisss_entry(db, WORKER, assessment_id=act, entered_on="10.02.2026", today=TODAY)
    assert _eisss_items(db, WORKER, date(2026, 2, 10)) == [] and _eisss_items(db, SUPERVISOR, date(2026, 2, 10)) == []
