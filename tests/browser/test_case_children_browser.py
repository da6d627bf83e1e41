"""Nothing typed twice (issue 14): a child registered at intake appears in a new assessment's child section,
in Chromium → Voilà → kernel → SQLite."""
from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .conftest import USER
from .needs_assessment_page import AppPage, child_ratings, complete_answers, unique_name


def test_a_child_registered_at_intake_starts_the_child_section_with_the_name_filled_in(page, server, db):
    from workbench.store.connection import open_db
    from workbench.store.intake import intake

    family = unique_name("Діти")
    born = date.today().replace(year=date.today().year - 9, day=2)
    today = date.today().strftime("%d.%m.%Y")
    database = open_db(db.path)
    try:
        case_id = intake(database, USER, programme="family_support", category="family_difficult_circumstances",
                         consent_given_on=today, members=[
                             {"family_name": family, "given_name": "Оксана", "birth_date": "11.11.1985",
                              "sex": "female", "relation": "applicant"},
                             {"family_name": family, "given_name": "Мирослава", "birth_date": born.isoformat(),
                              "sex": "female", "relation": "child", "consent_given_by": f"мати, {family} Оксана"}])
    finally:
        database.conn.close()
    child_id = db.value("select id from persons where family_name = ? and given_name = 'Мирослава'", [family])
    persons = db.value("select count(*) from persons")

    app = AppPage(page, server, db)
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    entry = page.locator(".wb-instance-child")
    expect(entry).to_have_count(1)
    expect(entry.locator(".wb-field-child_name textarea")).to_have_value("Мирослава")
    expect(entry.locator(".wb-field-child_name textarea")).to_be_disabled()  # the register's, not typed again
    expect(entry.locator(".wb-field-child_birth_date input")).to_have_value(born.strftime("%d.%m.%Y"))
    expect(entry.locator(".wb-field-child_person input")).to_have_value(str(child_id))
    expect(page.locator(".wb-new-child")).to_have_count(0)  # nobody to register

    # The worker rates her and saves: the answers are linked to her record, and nobody new is registered.
    filled = dict(complete_answers(), child=[child_ratings("3")])
    app.fill(filled)
    app.wait_for_draft(case_id, filled)
    app.save()
    expect(app.status).to_contain_text("Збережено")
    saved = db.rows("select id from assessments where case_id = ?", [case_id])
    assert len(saved) == 1
    answers = {r["item"]: r["value"] for r in db.rows(
        "select item, value from answers where assessment_id = ? and repeat = 'child'", [saved[0]["id"]])}
    assert (answers["child_person"], answers["child_name"], answers["child_birth_date"], answers["health"]) == (
        str(child_id), "Мирослава", born.isoformat(), "3")
    assert answers["child_age"] == "9"
    assert db.value("select count(*) from persons") == persons
