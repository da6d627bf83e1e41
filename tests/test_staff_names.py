"""Staff are shown by their names, never by their logins: in refusals, in the case's timeline, in the apps'
lists of who did what (a deactivated colleague's too) and in the supervisor's overview."""
from conftest import saved_rows, TODAY, advance, refused
from workbench.analysis.caseload import case_overview, overview_table
from workbench.apps.case import CaseApp
from workbench.apps.events import EventsApp
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.apps.timeline import case_timeline
from workbench.demo import ADMINISTRATOR, USERS
from workbench.store.caseload import cases_held
from workbench.store.cases import get_case
from workbench.store.events import record_event
from workbench.store.intake import register_client
from workbench.store.lifecycle import transfer_case
from workbench.store.plans import sign_off
from workbench.store.shares import share_case
from workbench.store.users import deactivate_user

NAME = {username: name for username, name, _, _ in USERS}
OLENA, ANDRII, IRYNA, MARIIA, HALYNA = "olena.demo", "andrii.demo", "iryna.demo", "mariia.demo", "halyna.demo"


def names_not_logins(error, *usernames) -> None:
    """The refusal names each of ``usernames`` by display name, in both languages, and shows no login."""
    for lang in ("uk", "en"):
        text = error.message(lang)
        for username in usernames:
            assert NAME[username] in text and username not in text, text


def test_refusals_name_the_worker_and_the_colleague(db, household_case):
    names_not_logins(refused(lambda: get_case(db, IRYNA, household_case), "policy.not_your_case"), OLENA)
    names_not_logins(refused(lambda: sign_off(db, OLENA, household_case, kind="plan", today=TODAY),
                             "policy.supervisor_of_team"), OLENA)
    names_not_logins(refused(lambda: transfer_case(db, MARIIA, household_case, to_worker=IRYNA, reason="відпустка",
                                                   today=TODAY), "policy.target_not_in_team"), IRYNA)
    names_not_logins(refused(lambda: transfer_case(db, MARIIA, household_case, to_worker=OLENA, reason="відпустка",
                                                   today=TODAY), "lifecycle.same_worker"), OLENA)
    names_not_logins(refused(lambda: share_case(db, OLENA, household_case, with_user="oksana.demo"),
                             "policy.target_cannot_hold"), "oksana.demo")
    names_not_logins(refused(lambda: share_case(db, MARIIA, household_case, with_user=OLENA), "share.own_worker"),
                     OLENA)
    share_case(db, OLENA, household_case, with_user=ANDRII)
    names_not_logins(refused(lambda: share_case(db, OLENA, household_case, with_user=ANDRII), "share.already"),
                     ANDRII)
    names_not_logins(refused(lambda: register_client(
        db, OLENA, family_name="Ясен", given_name="Юрій", birth_date="01.01.2000", sex="male", category="care_leaver",
        consent_given_on="10.06.2026", programme="care_leavers", worker=ANDRII, today=TODAY), "policy.open_for_team"),
        ANDRII)
    names_not_logins(refused(lambda: cases_held(db, MARIIA, IRYNA), "caseload.not_yours"), IRYNA)


def test_the_timeline_names_who_recorded_each_entry_and_whom_a_case_was_handed_to(db, household_case):
    advance(db, household_case, "assessment", on="2026-02-01")
    transfer_case(db, MARIIA, household_case, to_worker=ANDRII, reason="відпустка", on="2026-03-01", today=TODAY)
    deactivate_user(db, ADMINISTRATOR, OLENA, reason="звільнилася")  # who left is still named
    timeline = case_timeline(db, HALYNA, household_case, "uk")
    assert {who for _, _, who in timeline} == {NAME[OLENA], NAME[MARIIA]}
    assert any(NAME[ANDRII] in text for _, text, _ in timeline)
    assert not any(login in text for _, text, _ in timeline for login in NAME)


def test_the_assessment_app_names_who_filled_each_assessment(db, household_case):
    advance(db, household_case, "assessment", "plan", on="2026-02-01")  # a needs assessment saved as Олена
    app = NeedsAssessmentApp(db, MARIIA, "uk", today=TODAY)
    app.show_case(household_case)
    [(assessment, row)] = saved_rows(app)
    assert NAME[OLENA] in row and OLENA not in row
    app.view(assessment)  # read-only: its versions, each with who filled it
    assert NAME[OLENA] in app.record.value and OLENA not in app.record.value


def test_a_deactivated_worker_is_named_on_the_case_and_in_the_events_log(db, household_case):
    record_event(db, OLENA, held_on="2026-06-01", event_type="group_session", project="Група", place="Буча",
                 participants=5, staff=[OLENA], today=TODAY)
    deactivate_user(db, ADMINISTRATOR, OLENA, reason="звільнилася")
    case = CaseApp(db, MARIIA, "uk", today=TODAY, case_id=household_case)
    assert NAME[OLENA] in case.facts.value and OLENA not in case.facts.value
    events = EventsApp(db, MARIIA, "uk", today=TODAY)
    assert NAME[OLENA] in events.table.value and OLENA not in events.table.value


def test_the_supervisors_overview_names_the_worker(db, household_case):
    frame = case_overview(db, MARIIA, today=TODAY)
    assert list(frame["worker_name"]) == [NAME[OLENA]]
    assert list(overview_table(frame, "en")["Worker"]) == [NAME[OLENA]]
