"""What needs my action today (workbench.store.agenda): the home page's list.

As of TODAY, Monday 15.06.2026, unless a test says otherwise; a needs assessment is due 5 working days
after intake, 1 day after an urgent flag.
"""
from datetime import date

import pytest

from conftest import TODAY, advance, refused
from workbench.store import shares
from workbench.store.agenda import KINDS, kind_label, needs_action
from workbench.store.assessments import list_assessments
from workbench.store.eisss import case_acts, record_eisss_entry
from workbench.store.intake import register_client
from workbench.store.lifecycle import close_case, extend_accompaniment, flag_urgent, transfer_case
from workbench.store.plans import add_goal, case_goals, review_goal, sign_off

OLENA, ANDRII, IRYNA = "olena.demo", "andrii.demo", "iryna.demo"  # Олена and Андрій: team Північ; Ірина: Південь
MARIIA, TARAS, HALYNA = "mariia.demo", "taras.demo", "halyna.demo"  # supervisors of Північ, Південь; the head
KEYS = {"case_id", "case_number", "subject_label", "household_id", "kind", "due", "overdue", "urgent", "worker",
        "worker_name"}


def client(db, worker, family_name, on):
    """A young person's case held by ``worker``, opened on ``on``."""
    return register_client(db, worker, family_name=family_name, given_name="Ірина", birth_date="01.01.2000",
                           sex="female", category="idp", consent_given_on=on, programme="idp_support", intake_on=on,
                           today=TODAY)


def enter_acts(db, worker, case_id):
    """The case's acts of needs assessment entered into ЄІССС on their due day, as the worker does (tests/test_eisss.py
    holds the item they are until then)."""
    for act in case_acts(db, worker, case_id, today=TODAY):
        record_eisss_entry(db, worker, assessment_id=act["first_id"], entered_on=act["due_on"], today=TODAY)


def sign_conclusion(db, supervisor, case_id):
    """The supervisor signs off the conclusion of the case's latest needs assessment."""
    latest = list_assessments(db, supervisor, case_id)[0]
    sign_off(db, supervisor, case_id, kind="assessment", assessment_id=latest["id"], on=latest["assessed_on"],
             today=TODAY)


def kinds(items, case_id) -> list[str]:
    return [i["kind"] for i in items if i["case_id"] == case_id]


def test_a_workers_own_overdue_assessment_and_never_another_workers_case(db, household_case):
    andriis = client(db, ANDRII, "Терн", "2026-06-01")
    mine = needs_action(db, OLENA, TODAY)
    assert [(i["case_id"], i["kind"]) for i in mine] == [(household_case, "needs_assessment")]
    item = mine[0]
    assert set(item) == KEYS
    assert item["due"] == date(2026, 1, 16) and item["overdue"] and not item["urgent"]  # 10.01 + 5 working days
    assert item["subject_label"] == "Тихоліс" and item["household_id"] and item["case_number"]
    assert item["worker"] == OLENA and item["worker_name"] == "Олена Тихоліс (демо)"
    assert [i["case_id"] for i in needs_action(db, ANDRII, TODAY)] == [andriis]  # his own, not Олена's
    assert needs_action(db, IRYNA, TODAY) == []  # another team's worker: nothing of theirs
    assert needs_action(db, HALYNA, TODAY) == []  # the head of centre reads every case, but holds none


def test_an_assessment_due_later_than_the_window_or_done_needs_nothing_yet(db, household_case):
    advance(db, household_case, "assessment", "plan", on="2026-01-12")  # the needs assessment saved on 12.01
    assert "needs_assessment" not in kinds(needs_action(db, OLENA, TODAY), household_case)
    late = client(db, OLENA, "Ясен", "2026-06-15")  # due 22.06: within the 14 days
    assert kinds(needs_action(db, OLENA, TODAY), late) == ["needs_assessment"]
    assert kinds(needs_action(db, OLENA, date(2026, 5, 1)), late) == []  # not opened yet on 01.05


def test_a_supervisor_sees_her_teams_plans_awaiting_her_sign_off_and_the_worker_sees_hers_waiting(db, household_case):
    advance(db, household_case, "assessment", "plan", on="2026-06-01")
    add_goal(db, OLENA, household_case, wish="Житло", title="Стабільне житло", domain="housing", set_on="2026-06-02",
             target_date="2026-12-31", levels=["-2", "-1", "0", "+1", "+2"], today=TODAY)
    southern = client(db, IRYNA, "Явор", "2026-06-01")
    advance(db, southern, "assessment", "plan", on="2026-06-02")
    add_goal(db, IRYNA, southern, wish="Робота", title="Робота", domain="housing", set_on="2026-06-03",
             target_date="2026-12-31", levels=["-2", "-1", "0", "+1", "+2"], today=TODAY)
    # The acts advance saved (01.06, 02.06) are not in ЄІССС yet: overdue on the supervisors' lists too; and
    # their conclusions await the same supervisors' sign-off.
    assert kinds(needs_action(db, MARIIA, TODAY), household_case) == ["eisss_entry", "plan_sign_off",
                                                                      "conclusion_sign_off"]
    assert kinds(needs_action(db, TARAS, TODAY), southern) == ["eisss_entry", "plan_sign_off", "conclusion_sign_off"]
    enter_acts(db, OLENA, household_case)
    enter_acts(db, IRYNA, southern)
    sign_conclusion(db, MARIIA, household_case)
    sign_conclusion(db, TARAS, southern)
    theirs = needs_action(db, MARIIA, TODAY)
    assert [(i["case_id"], i["kind"], i["due"], i["overdue"]) for i in theirs] == [
        (household_case, "plan_sign_off", None, False)]
    assert theirs[0]["worker_name"] == "Олена Тихоліс (демо)"  # whose plan it is
    assert kinds(needs_action(db, OLENA, TODAY), household_case) == ["plan_awaiting_sign_off"]
    assert [(i["case_id"], i["kind"]) for i in needs_action(db, TARAS, TODAY)] == [(southern, "plan_sign_off")]
    assert kinds(needs_action(db, ANDRII, TODAY), household_case) == []  # a colleague of the team: not his
    sign_off(db, MARIIA, household_case, kind="plan", on="2026-06-10", today=TODAY)
    assert needs_action(db, MARIIA, TODAY) == [] and kinds(needs_action(db, OLENA, TODAY), household_case) == []


def test_a_case_shared_recently_appears_until_the_share_is_revoked(db, household_case, monkeypatch):
    andriis = client(db, ANDRII, "Терн", "2026-06-01")
    monkeypatch.setattr(shares, "now", lambda: "2026-06-10T09:00:00.000+00:00")
    share = shares.share_case(db, ANDRII, andriis, with_user=OLENA, reason="відпустка")
    item = next(i for i in needs_action(db, OLENA, TODAY) if i["case_id"] == andriis)
    assert item["kind"] == "shared" and item["due"] is None and not item["overdue"]
    assert item["worker"] == ANDRII and item["worker_name"] == "Андрій Вербанюк (демо)"
    assert kinds(needs_action(db, OLENA, TODAY), andriis) == ["shared"]  # his deadlines stay his
    assert kinds(needs_action(db, OLENA, date(2026, 7, 1)), andriis) == []  # no longer news three weeks on
    shares.revoke_share(db, ANDRII, share)
    assert kinds(needs_action(db, OLENA, TODAY), andriis) == []


def test_overdue_first_then_urgent_then_by_due_day(db, household_case):
    urgent_overdue = client(db, OLENA, "Ожин", "2026-06-01")
    flag_urgent(db, OLENA, urgent_overdue, note="Загроза здоровʼю", on="2026-06-01", today=TODAY)  # due 02.06
    urgent = client(db, OLENA, "Калин", "2026-06-15")
    flag_urgent(db, OLENA, urgent, note="Загроза життю", on="2026-06-15", today=TODAY)  # due 16.06
    due_today = client(db, OLENA, "Сосн", "2026-06-08")  # due 15.06, not overdue yet
    later = client(db, OLENA, "Вишн", "2026-06-12")  # due 19.06
    items = needs_action(db, OLENA, TODAY)
    assert [i["case_id"] for i in items] == [urgent_overdue, household_case, urgent, due_today, later]
    assert [i["due"] for i in items] == [date(2026, 6, 2), date(2026, 1, 16), date(2026, 6, 16),
                                         date(2026, 6, 15), date(2026, 6, 19)]
    assert [(i["overdue"], i["urgent"]) for i in items] == [(True, True), (True, False), (False, True),
                                                            (False, False), (False, False)]


def test_goal_reviews_and_an_accompaniment_past_its_end(db, household_case):
    advance(db, household_case, "assessment", "plan", "accompaniment", on="2026-02-02")  # the goal set 02.02
    enter_acts(db, OLENA, household_case)
    goal = next(g for g in case_goals(db, OLENA, household_case) if g["status"] == "open")
    review = next(i for i in needs_action(db, OLENA, TODAY) if i["case_id"] == household_case)
    assert (review["kind"], review["due"], review["overdue"]) == ("goal_review", date(2026, 5, 2), True)
    review_goal(db, OLENA, goal["id"], level=0, reviewed_on="2026-06-01", today=TODAY)  # next due 01.09
    assert kinds(needs_action(db, OLENA, TODAY), household_case) == []
    # on 20.08 the review falls due within 14 days; the accompaniment started 02.02 ended on 02.08 (6 months)
    later = [i for i in needs_action(db, OLENA, date(2026, 8, 20)) if i["case_id"] == household_case]
    assert [(i["kind"], i["due"], i["overdue"]) for i in later] == [
        ("accompaniment_end", date(2026, 8, 2), True), ("goal_review", date(2026, 9, 1), False)]
    extend_accompaniment(db, OLENA, household_case, months=3, reason="складний випадок", on="2026-06-01", today=TODAY)
    assert kinds(needs_action(db, OLENA, date(2026, 8, 20)), household_case) == ["goal_review"]


def test_a_closed_case_needs_nothing(db, household_case):
    close_case(db, OLENA, household_case, reason="refused", on="2026-06-01", today=TODAY)
    assert needs_action(db, OLENA, TODAY) == []


@pytest.mark.parametrize("actor", ["oksana.demo", "admin.demo", "nobody"])
def test_a_researcher_an_administrator_and_an_unknown_name_are_refused(db, household_case, actor):
    error = refused(lambda: needs_action(db, actor, TODAY))
    assert error.key.startswith("policy.")


def test_every_kind_is_worded_in_both_languages():
    for kind in KINDS:
        uk, en = kind_label(kind, "uk"), kind_label(kind, "en")
        assert uk and en and uk != en
    with pytest.raises(ValueError):
        kind_label("unknown", "uk")


def test_a_case_handed_over_is_the_new_workers(db, household_case):
    transfer_case(db, MARIIA, household_case, to_worker=ANDRII, reason="відпустка", on="2026-06-01", today=TODAY)
    assert needs_action(db, OLENA, TODAY) == []
    assert [(i["case_id"], i["worker_name"]) for i in needs_action(db, ANDRII, TODAY)] == [
        (household_case, "Андрій Вербанюк (демо)")]


# --- the supervisor's queue (whole_team=True): the team's cases besides the actor's own ---

def test_a_deactivated_workers_case_is_in_her_teams_supervisors_queue_and_no_other_teams(db, household_case,
                                                                                           monkeypatch):
    import workbench.store.users as users

    monkeypatch.setattr(users, "now", lambda: "2026-06-01T07:30:00.000+00:00")  # 10:30 in Kyiv, 01.06
    users.deactivate_user(db, "admin.demo", OLENA, reason="звільнилася")
    queue = needs_action(db, MARIIA, TODAY, whole_team=True)
    item = next(i for i in queue if i["kind"] == "case_without_worker")
    assert (item["case_id"], item["due"], item["overdue"]) == (household_case, date(2026, 6, 1), True)
    assert item["worker"] == OLENA and item["worker_name"] == "Олена Тихоліс (демо)"  # who held it
    assert "case_without_worker" in kinds(needs_action(db, HALYNA, TODAY, whole_team=True), household_case)
    assert needs_action(db, TARAS, TODAY, whole_team=True) == []  # another team's supervisor: nothing of Олена's
    assert "case_without_worker" not in kinds(needs_action(db, MARIIA, TODAY), household_case)  # not on her home
    transfer_case(db, MARIIA, household_case, to_worker=ANDRII, reason="звільнення", on="2026-06-02", today=TODAY)
    assert "case_without_worker" not in kinds(needs_action(db, MARIIA, TODAY, whole_team=True), household_case)


def test_a_team_cases_overdue_assessment_and_review_are_in_the_supervisors_queue_not_the_due_soon(db, household_case):
    soon = client(db, OLENA, "Ясен", "2026-06-15")  # her needs assessment due 22.06: not overdue
    assert kinds(needs_action(db, MARIIA, TODAY, whole_team=True), household_case) == ["needs_assessment"]
    assert kinds(needs_action(db, MARIIA, TODAY, whole_team=True), soon) == []
    assert kinds(needs_action(db, OLENA, TODAY), soon) == ["needs_assessment"]  # the worker's own list has it
    assert needs_action(db, MARIIA, TODAY) == []  # her home page: her own cases and sign-offs only
    advance(db, household_case, "assessment", "plan", "accompaniment", on="2026-02-02")
    enter_acts(db, OLENA, household_case)
    sign_conclusion(db, MARIIA, household_case)
    queue = [i for i in needs_action(db, MARIIA, TODAY, whole_team=True) if i["case_id"] == household_case]
    assert [(i["kind"], i["due"], i["overdue"], i["worker_name"]) for i in queue] == [
        ("goal_review", date(2026, 5, 2), True, "Олена Тихоліс (демо)")]
    assert needs_action(db, ANDRII, TODAY, whole_team=True) == []  # a case manager's queue: still his own cases
    assert needs_action(db, TARAS, TODAY, whole_team=True) == []
    later = needs_action(db, MARIIA, date(2026, 8, 20), whole_team=True)  # the accompaniment ended on 02.08
    assert ("accompaniment_end", date(2026, 8, 2), True) in [(i["kind"], i["due"], i["overdue"]) for i in later]


def test_conclusions_await_the_teams_supervisor_and_the_head_of_centre_sees_them_waiting(db, household_case):
    advance(db, household_case, "assessment", "plan", on="2026-06-01")
    enter_acts(db, OLENA, household_case)
    assert kinds(needs_action(db, MARIIA, TODAY), household_case) == ["conclusion_sign_off"]
    assert kinds(needs_action(db, HALYNA, TODAY, whole_team=True), household_case) == ["conclusion_awaiting_sign_off"]
    assert kinds(needs_action(db, OLENA, TODAY), household_case) == []  # the worker's home list: as it was
    assert kinds(needs_action(db, TARAS, TODAY, whole_team=True), household_case) == []
    sign_conclusion(db, MARIIA, household_case)
    assert needs_action(db, MARIIA, TODAY, whole_team=True) == []
    assert needs_action(db, HALYNA, TODAY, whole_team=True) == []


def test_the_head_of_centres_queue_covers_every_team_and_her_home_page_nothing(db, household_case):
    southern = client(db, IRYNA, "Явор", "2026-06-01")  # due 08.06: overdue on 15.06
    advance(db, southern, "assessment", "plan", on="2026-06-02")
    add_goal(db, IRYNA, southern, wish="Робота", title="Робота", domain="housing", set_on="2026-06-03",
             target_date="2026-12-31", levels=["-2", "-1", "0", "+1", "+2"], today=TODAY)
    queue = needs_action(db, HALYNA, TODAY, whole_team=True)
    assert kinds(queue, household_case) == ["needs_assessment"]
    assert kinds(queue, southern) == ["eisss_entry", "plan_awaiting_sign_off", "conclusion_awaiting_sign_off"]
    assert {i["worker"] for i in queue} == {OLENA, IRYNA}
    assert needs_action(db, HALYNA, TODAY) == []
    assert [i["case_id"] for i in needs_action(db, MARIIA, TODAY, whole_team=True)] == [household_case]


def test_a_case_managers_home_list_is_the_same_with_the_queues_kinds_about(db, household_case, monkeypatch):
    import workbench.store.users as users

    andriis = client(db, ANDRII, "Терн", "2026-06-01")  # his needs assessment overdue since 08.06
    monkeypatch.setattr(users, "now", lambda: "2026-06-01T07:30:00.000+00:00")
    users.deactivate_user(db, "admin.demo", ANDRII, reason="звільнився")
    assert [(i["case_id"], i["kind"]) for i in needs_action(db, OLENA, TODAY)] == [(household_case, "needs_assessment")]
    assert kinds(needs_action(db, OLENA, TODAY, whole_team=True), andriis) == []  # not hers to see
    assert kinds(needs_action(db, MARIIA, TODAY, whole_team=True), andriis) == ["case_without_worker",
                                                                                "needs_assessment"]


def test_whole_team_must_be_a_yes_or_a_no(db):
    refused(lambda: needs_action(db, MARIIA, TODAY, whole_team="yes"), "argument.not_flag")
