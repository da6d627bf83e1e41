"""The case lifecycle: valid moves only, closure with a reason, reopening, transfers, urgency, deadlines."""
from datetime import date

import pytest

from conftest import advance, row_counts
from workbench.i18n import UserError
from workbench.store.assessments import save_assessment
from workbench.store.audit import audit_rows
from workbench.store.deadlines import case_deadlines, next_deadline
from workbench.store.inputs import InvalidInput
from workbench.store.plans import case_goals
from workbench.store.lifecycle import (MOVES, allowed_moves, case_state, close_case, extend_accompaniment,
                                       flag_urgent, move_case, reopen_case, transfer_case)
from workbench.working_days import WorkCalendar

ACTOR = "olena.demo"
TODAY = date(2026, 6, 15)
CAL = WorkCalendar()


def walk(db, case_id, *statuses, on="2026-02-01"):
    """Through ``statuses``, each move's conditions recorded for real first (conftest's ``advance``)."""
    advance(db, case_id, *statuses, on=on, actor=ACTOR)


def test_a_case_starts_at_intake_and_follows_the_valid_moves(db, household_case):
    assert case_state(db, "halyna.demo", household_case)["status"] == "intake"
    assert allowed_moves(db, "halyna.demo", household_case) == ("assessment", "closed")
    walk(db, household_case, "assessment", "plan", "accompaniment", "review", "accompaniment", "review", "plan")
    assert case_state(db, "halyna.demo", household_case)["status"] == "plan"
    moves = [a for a in audit_rows(db, "admin.demo", "cases", household_case) if a["action"] == "case_move"]
    assert len(moves) == 7 and moves[0]["actor"] == ACTOR


@pytest.mark.parametrize("path, forbidden", [
    ((), "plan"), ((), "review"), (("assessment",), "accompaniment"), (("assessment",), "intake"),
    (("assessment", "plan"), "review"), ((), "no-such-status"), ((), ["plan"]),
])
def test_invalid_moves_are_refused_with_the_possible_ones_named(db, household_case, path, forbidden):
    walk(db, household_case, *path)
    before = row_counts(db)
    with pytest.raises(UserError) as err:
        move_case(db, ACTOR, household_case, forbidden, today=TODAY)
    assert err.value.key == "lifecycle.invalid_move"
    allowed = MOVES[case_state(db, "halyna.demo", household_case)["status"]]
    from workbench.config import label
    for status in allowed:
        assert label("case_statuses", status, "uk") in err.value.message("uk")
        assert label("case_statuses", status, "en") in err.value.message("en")
    assert row_counts(db) == before


def test_closure_needs_a_reason_and_other_needs_a_note(db, household_case):
    for reason, note, key in ((None, None, "lifecycle.closure_reason"), ("", None, "lifecycle.closure_reason"),
                              ("bored", None, "input.unknown_code"), ("other", "", "lifecycle.other_needs_note")):
        with pytest.raises(InvalidInput) as err:
            close_case(db, ACTOR, household_case, reason=reason, note=note, today=TODAY)
        assert key in {p.key for p in err.value.problems.values()}
    close_case(db, ACTOR, household_case, reason="moved_away", on="2026-03-01", today=TODAY)
    state = case_state(db, "halyna.demo", household_case)
    assert (state["status"], state["closed_on"], state["closure_reason"]) == ("closed", "2026-03-01", "moved_away")
    with pytest.raises(UserError, match="closed"):
        move_case(db, ACTOR, household_case, "assessment", today=TODAY)


def test_a_closed_case_can_be_reopened_and_starts_a_new_cycle(db, household_case):
    with pytest.raises(UserError, match="Only a closed case"):
        reopen_case(db, ACTOR, household_case, reason="returned", today=TODAY)
    close_case(db, ACTOR, household_case, reason="refused", on="2026-02-01", today=TODAY)
    with pytest.raises(InvalidInput):
        reopen_case(db, ACTOR, household_case, reason=" ", today=TODAY)
    reopen_case(db, ACTOR, household_case, reason="The family asked again", on="2026-05-04", today=TODAY)
    state = case_state(db, "halyna.demo", household_case)
    assert state["status"] == "intake" and state["cycle_started_on"] == "2026-05-04"
    due = case_deadlines(db, "halyna.demo", household_case, today=TODAY, calendar=CAL)[0]
    assert due["due"] == date(2026, 5, 11) and due["state"] == "overdue"


def test_a_date_before_the_previous_event_is_refused(db, household_case):
    walk(db, household_case, "assessment", on="2026-03-01")
    with pytest.raises(UserError) as err:
        move_case(db, ACTOR, household_case, "plan", on="2026-02-01", today=TODAY)
    assert err.value.key == "lifecycle.before_last_event"


def test_transfer_to_another_worker_is_recorded(db, household_case):
    with pytest.raises(UserError) as err:  # the worker does not hand her own case over: her supervisor does
        transfer_case(db, ACTOR, household_case, to_worker="andrii.demo", reason="x", today=TODAY)
    assert err.value.key == "policy.supervisor_of_team"
    transfer_case(db, "mariia.demo", household_case, to_worker="andrii.demo", reason="Olena goes on leave",
                  on="2026-02-01", today=TODAY)
    assert case_state(db, "halyna.demo", household_case)["worker"] == "andrii.demo"
    with pytest.raises(UserError) as err:
        move_case(db, ACTOR, household_case, "assessment", today=TODAY)  # Olena no longer has the case
    assert err.value.key == "policy.not_your_case"
    move_case(db, "andrii.demo", household_case, "assessment", today=TODAY)  # its worker now can
    advance(db, household_case, "plan", on=TODAY.isoformat(), actor="mariia.demo")  # and so can his supervisor
    for worker, key in (("andrii.demo", "lifecycle.same_worker"), ("oksana.demo", "policy.target_cannot_hold"),
                        ("ghost", "policy.target_cannot_hold"), ("iryna.demo", "policy.target_not_in_team")):
        with pytest.raises(UserError) as err:
            transfer_case(db, "mariia.demo", household_case, to_worker=worker, reason="x", today=TODAY)
        assert err.value.key == key
    with pytest.raises(UserError) as err:  # another team's supervisor does not even see the case
        transfer_case(db, "taras.demo", household_case, to_worker="iryna.demo", reason="x", today=TODAY)
    assert err.value.key == "policy.not_your_teams_case"
    assert [a["details"]["to_worker"] for a in audit_rows(db, "admin.demo", "cases", household_case)
            if a["action"] == "case_transfer"] == ["andrii.demo"]


def test_needs_assessment_deadline_is_five_working_days_after_intake(db, household_case):
    # The case came in on Saturday 10.01.2026: due Friday 16.01.2026.
    deadline = case_deadlines(db, "halyna.demo", household_case, today=date(2026, 1, 16), calendar=CAL)[0]
    assert (deadline["kind"], deadline["due"], deadline["state"]) == ("needs_assessment", date(2026, 1, 16), "open")
    assert case_deadlines(db, "halyna.demo", household_case, today=date(2026, 1, 19), calendar=CAL)[0]["state"] == "overdue"


def test_an_assessment_meets_the_deadline_or_is_late(db, household_case, instrument, valid_answers):
    save_assessment(db, ACTOR, case_id=household_case, instrument=instrument, answers=valid_answers,
                    assessed_on="2026-01-20", today=TODAY)
    deadline = case_deadlines(db, "halyna.demo", household_case, today=TODAY, calendar=CAL)[0]
    assert deadline["done_on"] == date(2026, 1, 20) and deadline["state"] == "late"


def test_urgent_flag_sets_a_short_deadline(db, household_case):
    flag_urgent(db, ACTOR, household_case, note="Дитину залишено без нагляду", on="2026-01-12", today=TODAY)
    deadline = case_deadlines(db, "halyna.demo", household_case, today=date(2026, 1, 12), calendar=CAL)[0]
    assert deadline["due"] == date(2026, 1, 13)
    assert case_state(db, "halyna.demo", household_case)["urgent_on"] == "2026-01-12"
    with pytest.raises(InvalidInput):
        flag_urgent(db, ACTOR, household_case, note="", today=TODAY)


def test_accompaniment_lasts_six_months_unless_extended(db, household_case):
    walk(db, household_case, "assessment", "plan", on="2026-01-15")
    walk(db, household_case, "accompaniment", on="2026-01-31")
    end = case_deadlines(db, "halyna.demo", household_case, today=date(2026, 8, 1), calendar=CAL)[1]
    assert (end["kind"], end["due"], end["state"]) == ("accompaniment_end", date(2026, 7, 31), "overdue")
    for months in (0, 7, "3", True):
        with pytest.raises(InvalidInput):
            extend_accompaniment(db, ACTOR, household_case, months=months, reason="complex case", today=TODAY)
    with pytest.raises(InvalidInput):
        extend_accompaniment(db, ACTOR, household_case, months=3, reason="", today=TODAY)
    extend_accompaniment(db, ACTOR, household_case, months=3, reason="Складний випадок", on="2026-06-01",
                         today=TODAY)
    end = case_deadlines(db, "halyna.demo", household_case, today=date(2026, 8, 1), calendar=CAL)[1]
    assert end["due"] == date(2026, 10, 31) and end["state"] == "open"
    # The needs assessment saved before planning met its deadline: the end of accompaniment is next.
    assert next_deadline(case_deadlines(db, "halyna.demo", household_case, today=date(2026, 8, 1), calendar=CAL))["kind"] \
        == "accompaniment_end"
    goals = {g["id"]: {"kind": "achieved"} for g in case_goals(db, ACTOR, household_case)}
    close_case(db, ACTOR, household_case, reason="goals_achieved", goals=goals, on="2026-06-10", today=TODAY)
    end = case_deadlines(db, "halyna.demo", household_case, today=date(2026, 8, 1), calendar=CAL)[1]
    assert end["state"] == "done" and end["done_on"] == date(2026, 6, 10)


def test_extension_only_during_accompaniment(db, household_case):
    with pytest.raises(UserError) as err:
        extend_accompaniment(db, ACTOR, household_case, months=2, reason="x", today=TODAY)
    assert err.value.key == "lifecycle.extension_state"
