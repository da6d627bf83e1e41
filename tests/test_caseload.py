"""The supervisor's list of open cases: urgent and overdue first."""
from datetime import date

import pytest

from conftest import TODAY
from workbench.analysis.caseload import COLUMNS, case_overview, overview_table
from workbench.i18n import UserError
from workbench.store.intake import register_client
from workbench.store.lifecycle import close_case, flag_urgent


def test_urgent_and_overdue_cases_come_first_and_closed_ones_are_left_out(db, household_case):
    quiet = register_client(db, "andrii.demo", family_name="Ясен", given_name="Юрій", birth_date="01.01.2000",
                            sex="male", category="care_leaver", consent_given_on="10.06.2026",
                            programme="care_leavers", today=TODAY)
    urgent = register_client(db, "andrii.demo", family_name="Терн", given_name="Інна", birth_date="01.01.1999",
                             sex="female", category="idp", consent_given_on="12.06.2026",
                             programme="idp_support", today=TODAY)
    flag_urgent(db, "andrii.demo", urgent, note="Загроза життю", on="2026-06-15", today=TODAY)
    closed = register_client(db, "andrii.demo", family_name="Ромаш", given_name="Ірина", birth_date="01.01.1998",
                             sex="female", category="idp", consent_given_on="12.06.2026",
                             programme="idp_support", today=TODAY)
    close_case(db, "andrii.demo", closed, reason="refused", on="2026-06-15", today=TODAY)
    frame = case_overview(db, "halyna.demo", today=date(2026, 6, 17))
    assert list(frame.columns) == COLUMNS
    assert list(frame["case_id"]) == [urgent, household_case, quiet]
    assert frame.iloc[0]["urgent"] and frame.iloc[0]["assessment_due"] == date(2026, 6, 16)
    assert frame.iloc[0]["overdue"] and frame.iloc[1]["overdue"] and not frame.iloc[2]["overdue"]
    assert list(case_overview(db, "halyna.demo", today=date(2026, 6, 17), worker="olena.demo")["case_id"]) == [household_case]
    table = overview_table(frame, "en")
    assert table.columns[0] == "Case" and table.iloc[0]["Urgent"] == "yes" and table.iloc[0]["Overdue"] == "yes"
    assert overview_table(frame, "uk").iloc[0]["Терміново"] == "так"


def test_an_empty_database_gives_an_empty_list(db):
    assert case_overview(db, "halyna.demo").empty


def test_the_statuses_read_alone_agree_with_the_states_and_one_workers_cases_with_all(db, household_case):
    """case_statuses (and its one-status filter) and case_states narrowed to a worker, held against the whole read."""
    from conftest import advance
    from workbench.store.caseload import case_states, case_statuses

    def rows(frame):  # pandas gives None or NaN for a missing value, as a column's other values go
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    def young(worker, name):
        return register_client(db, worker, family_name=name, given_name="Юрій", birth_date="01.01.2000", sex="male",
                               category="care_leaver", consent_given_on="01.06.2026", programme="care_leavers",
                               intake_on="01.06.2026", today=TODAY)

    advance(db, household_case, "assessment", "plan", on="2026-02-01")
    planned = young("andrii.demo", "Ясен")
    advance(db, planned, "assessment", "plan", on="2026-06-02")
    young("andrii.demo", "Терн")  # at intake
    close_case(db, "olena.demo", young("olena.demo", "Ромаш"), reason="refused", on="2026-06-03", today=TODAY)
    young("iryna.demo", "Явор")  # another team's
    for actor in ("mariia.demo", "olena.demo", "halyna.demo"):
        states = case_states(db, actor, None, TODAY, TODAY, TODAY)
        statuses = case_statuses(db, actor, TODAY)
        assert rows(statuses) == [{"case_id": r["case_id"], "worker": r["worker"], "status": r["status_at_as_of"]}
                                  for r in rows(states)]
        for status in ("intake", "plan", "closed", "accompaniment"):
            wanted = [c for c, s in zip(states["case_id"], states["status_at_as_of"])
                      if (s if isinstance(s, str) else "intake") == status]
            assert list(case_statuses(db, actor, TODAY, status)["case_id"]) == wanted, (actor, status)
        for worker in set(states["worker"]):
            assert rows(case_states(db, actor, None, TODAY, TODAY, TODAY, worker=worker)) == [
                r for r in rows(states) if r["worker"] == worker]
    assert len(case_states(db, "mariia.demo", None, TODAY, TODAY, TODAY)) == 4  # her team's, not Ірина's
    assert list(case_statuses(db, "mariia.demo", TODAY, "plan")["case_id"]) == [household_case, planned]
    refused = pytest.raises(UserError, case_states, db, "mariia.demo", None, TODAY, TODAY, TODAY, worker="iryna.demo")
    assert refused.value.key == "caseload.not_yours"
