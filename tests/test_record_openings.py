"""Reads audited: opening a client's record, an assessment or a plan writes one audit row per opening (not
per refresh or language switch), and a supervisor sees who opened a client of her team and when."""
import pytest

from conftest import TODAY
from workbench.apps.case import CaseApp
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.apps.support_plan import SupportPlanApp
from workbench.store.audit import case_readings


def openings(db, case_id) -> list[tuple]:
    return [(r["actor"], r["entity"], r["entity_id"]) for r in db.query(
        "select actor, entity, entity_id from audit_log where action = 'open_record' "
        "and json_extract(details, '$.case_id') = ? order by id", [case_id])]


def test_a_case_manager_opening_a_client_writes_exactly_one_read_row(db, household_case):
    assert openings(db, household_case) == []
    app = CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)
    assert openings(db, household_case) == [("olena.demo", "cases", str(household_case))]
    app._refresh()  # what every action does after it saves
    app.set_language("en")
    app.show_case(household_case)
    assert len(openings(db, household_case)) == 1


def test_each_opening_is_a_row_and_a_refused_one_writes_none(db, household_case):
    CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)
    CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)  # the page opened again
    outsider = CaseApp(db, "iryna.demo", "uk", today=TODAY, case_id=household_case)  # another team's worker
    assert outsider.case_id is None
    assert [who for who, _, _ in openings(db, household_case)] == ["olena.demo", "olena.demo"]


def test_a_plan_and_an_assessment_are_openings_of_their_own(db, household_case, instrument, valid_answers):
    from workbench.store.assessments import save_assessment

    saved = save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    plan = SupportPlanApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)
    plan.set_language("en")
    needs = NeedsAssessmentApp(db, "olena.demo", "uk", today=TODAY)
    needs.show_case(household_case)
    needs.open_form(correcting=saved)
    needs.close_form()
    needs.show_case(household_case, keep_status=True)
    assert openings(db, household_case) == [
        ("olena.demo", "support_plans", str(household_case)), ("olena.demo", "cases", str(household_case)),
        ("olena.demo", "assessments", str(saved))]


def test_the_supervisor_sees_who_opened_a_client_and_when(db, household_case):
    from workbench.i18n import UserError

    CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)
    CaseApp(db, "halyna.demo", "uk", today=TODAY, case_id=household_case)  # the head of centre reads it
    seen = case_readings(db, "mariia.demo", household_case)  # the supervisor of the worker's team
    assert [(r["actor"], r["opened"], r["record"]) for r in seen] == [
        ("halyna.demo", "case", household_case), ("olena.demo", "case", household_case)]
    assert all(r["display_name"] != r["actor"] and r["at"] for r in seen)
    for refused in ("olena.demo", "taras.demo"):  # the worker herself; another team's supervisor
        with pytest.raises(UserError):
            case_readings(db, refused, household_case)
