"""The access policy as a pure rule (workbench.policy): every role against every action, on a case of
theirs, of their team, of another team, shared with them; deactivated and unknown users; transfers,
shares and opening a case for someone else; whose caseloads each may see."""
from __future__ import annotations

import pytest

from workbench import policy
from workbench.policy import Actor, CaseFacts, decide

WORKER = Actor("olena", "case_manager", True, frozenset({"north"}))
COLLEAGUE = Actor("andrii", "case_manager", True, frozenset({"north"}))
OTHER_TEAM = Actor("iryna", "case_manager", True, frozenset({"south"}))
SUPERVISOR = Actor("mariia", "supervisor", True, frozenset({"north"}))
OTHER_SUPERVISOR = Actor("taras", "supervisor", True, frozenset({"south"}))
HEAD = Actor("halyna", "head_of_centre", True, frozenset())
ADMIN = Actor("admin", "administrator", True, frozenset())
RESEARCHER = Actor("oksana", "researcher", True, frozenset())
GONE = Actor("petro", "case_manager", False, frozenset({"north"}))
UNKNOWN = Actor("nobody", None, False, frozenset())
CASE = CaseFacts(7, "olena", frozenset({"north"}), frozenset())
SHARED = CaseFacts(8, "olena", frozenset({"north"}), frozenset({"iryna"}))


def allowed(actor, action, case=None, **kw) -> bool:
    return decide(actor, action, case, **kw).allowed


@pytest.mark.parametrize("actor, read, write", [
    (WORKER, True, True), (SUPERVISOR, True, True), (HEAD, True, False),
    (COLLEAGUE, False, False), (OTHER_TEAM, False, False), (OTHER_SUPERVISOR, False, False),
    (ADMIN, False, False), (RESEARCHER, False, False), (GONE, False, False), (UNKNOWN, False, False),
])
def test_who_reads_and_writes_a_case(actor, read, write):
    assert allowed(actor, "case.read", CASE) is read
    assert allowed(actor, "case.write", CASE) is write


def test_a_shared_case_is_read_and_written_by_the_colleague_but_not_shared_on_or_handed_over():
    assert allowed(OTHER_TEAM, "case.read", SHARED) and allowed(OTHER_TEAM, "case.write", SHARED)
    assert not allowed(OTHER_TEAM, "case.share", SHARED)
    assert not allowed(OTHER_TEAM, "case.transfer", SHARED)
    assert not allowed(OTHER_SUPERVISOR, "case.read", SHARED)  # shared with her worker, not her team


def test_sign_off_and_transfer_are_a_supervisors_of_the_workers_team():
    for action in ("case.sign_off", "case.transfer"):
        assert allowed(SUPERVISOR, action, CASE)
        assert not allowed(WORKER, action, CASE)
        assert not allowed(OTHER_SUPERVISOR, action, CASE)
        assert not allowed(HEAD, action, CASE)


def test_a_transfer_goes_only_to_an_active_case_holder_of_the_supervisors_team():
    assert allowed(SUPERVISOR, "case.transfer", CASE, target=COLLEAGUE)
    assert decide(SUPERVISOR, "case.transfer", CASE, target=OTHER_TEAM).reason.key == "policy.target_not_in_team"
    assert decide(SUPERVISOR, "case.transfer", CASE, target=GONE).reason.key == "policy.target_cannot_hold"
    assert decide(SUPERVISOR, "case.transfer", CASE, target=HEAD).reason.key == "policy.target_cannot_hold"


def test_sharing_by_the_worker_or_the_teams_supervisor_with_any_active_case_holder():
    assert allowed(WORKER, "case.share", CASE, target=OTHER_TEAM)
    assert allowed(SUPERVISOR, "case.share", CASE, target=OTHER_TEAM)
    assert not allowed(WORKER, "case.share", CASE, target=GONE)
    assert not allowed(WORKER, "case.share", CASE, target=RESEARCHER)
    assert not allowed(COLLEAGUE, "case.share", CASE, target=OTHER_TEAM)


def test_opening_a_case_for_another_worker_is_for_their_teams_supervisor():
    assert allowed(WORKER, "case.open") and allowed(WORKER, "case.open", target=WORKER)
    assert decide(WORKER, "case.open", target=COLLEAGUE).reason.key == "policy.open_for_team"
    assert allowed(SUPERVISOR, "case.open", target=COLLEAGUE)
    assert not allowed(SUPERVISOR, "case.open", target=OTHER_TEAM)
    assert not allowed(HEAD, "case.open")


@pytest.mark.parametrize("action, roles", sorted(policy.GENERAL_ACTIONS.items()))
def test_general_actions_by_role(action, roles):
    for actor in (WORKER, SUPERVISOR, HEAD, ADMIN, RESEARCHER):
        assert allowed(actor, action) is (actor.role in roles), (actor.role, action)
    assert not allowed(GONE, action) and not allowed(UNKNOWN, action)


def test_the_researcher_never_touches_the_live_database():
    assert not any(allowed(RESEARCHER, action, CASE) for action in policy.ACTIONS)


def test_the_administrator_reads_no_case_content():
    for action in ("case.read", "cases.search", "aggregate.read", "caseload.read"):
        assert not allowed(ADMIN, action, CASE if action.startswith("case.") else None)


def test_refusals_say_why_in_both_languages():
    reasons = [decide(OTHER_TEAM, "case.read", CASE).reason, decide(GONE, "case.read", CASE).reason,
               decide(UNKNOWN, "events.read").reason, decide(HEAD, "case.write", CASE).reason,
               decide(RESEARCHER, "aggregate.read").reason, decide(WORKER, "case.transfer", CASE).reason]
    assert [r.key for r in reasons] == ["policy.not_your_case", "policy.inactive", "policy.unknown_user",
                                        "policy.head_reads_only", "policy.role", "policy.supervisor_of_team"]
    for reason in reasons:
        uk, en = reason.message("uk"), reason.message("en")
        assert uk and en and uk != en and "{" not in uk + en


def test_a_name_in_a_refusal_is_cut_and_printable():
    hostile = Actor("x" * 500 + "\u202e\n", None)
    text = decide(hostile, "case.read", CASE).reason.message("en")
    assert "\n" not in text and "x" * 81 not in text


def test_a_mistake_of_ours_is_not_a_refusal():
    with pytest.raises(ValueError):
        decide(WORKER, "case.delete", CASE)
    with pytest.raises(ValueError):
        decide(WORKER, "case.read")  # a case action without the case's facts


def test_whose_caseloads_each_may_see():
    staff = [WORKER, COLLEAGUE, OTHER_TEAM, SUPERVISOR, OTHER_SUPERVISOR, HEAD, GONE]
    assert policy.caseload_scope(WORKER, staff) == {"olena"}
    assert policy.caseload_scope(SUPERVISOR, staff) == {"mariia", "olena", "andrii", "petro"}
    assert policy.caseload_scope(HEAD, staff) is None
    assert policy.caseload_scope(ADMIN, staff) == frozenset()
    assert policy.caseload_scope(GONE, staff) == frozenset()


def test_who_opened_a_case_is_for_its_teams_supervisor_and_the_head():
    assert allowed(SUPERVISOR, "case.readings", CASE) and allowed(HEAD, "case.readings", CASE)
    for actor in (WORKER, COLLEAGUE, OTHER_TEAM, OTHER_SUPERVISOR, ADMIN, RESEARCHER, GONE, UNKNOWN):
        assert not allowed(actor, "case.readings", CASE), actor
    refusal = decide(OTHER_SUPERVISOR, "case.readings", CASE).reason
    assert "supervisor of its worker's team (olena)" in refusal.message("en") and "керівник центру" in refusal.message("uk")


def test_a_case_manager_is_told_the_case_is_not_shared_and_a_supervisor_that_it_is_not_her_teams():
    # A colleague of the same team is refused too: a team is what a supervisor sees, not a case manager.
    colleague = decide(COLLEAGUE, "case.read", CASE).reason
    assert colleague.key == "policy.not_your_case"
    assert colleague.message("en").endswith("it is not shared with you.") and "team" not in colleague.message("en")
    assert "команди" not in colleague.message("uk")
    other = decide(OTHER_SUPERVISOR, "case.read", CASE).reason
    assert other.key == "policy.not_your_teams_case" and "not in your team" in other.message("en")
