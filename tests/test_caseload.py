"""The supervisor's list of open cases: urgent and overdue first."""
from datetime import date

from conftest import TODAY
from workbench.analysis.caseload import COLUMNS, case_overview, overview_table
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
