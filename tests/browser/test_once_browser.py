"""Every action once (issue 14), in Chromium: a real double click on an action form's button writes one row,
in the workspace's case record (the plan tab's goal review, the services tab's service).

A double click sends two click messages at once; the kernel handles them one after the other.
Each test counts the clicks the page saw (two), switches the language afterwards (handled after
the second click: once the page shows English, both clicks were handled), then counts the rows
in SQLite: one, and the form still says what the first click did.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect

from .case_cycle_pages import CasePage, label
from .conftest import USER
from .needs_assessment_page import AppPage, today_text, unique_name
from .plan_caseload_pages import PlanPage, level_label

COUNT_CLICKS = """sel => { window.__clicks = 0;
    document.querySelector(sel).addEventListener('click', () => window.__clicks++); }"""


def double_click(page: Page, selector: str):
    page.evaluate(COUNT_CLICKS, selector)
    page.dblclick(selector)
    page.wait_for_function("window.__clicks === 2")


def to_english(page: Page):
    page.locator(".wb-language button", has_text="English").click()


def test_a_double_click_on_a_goal_review_saves_one_review(page, server, db):
    from workbench.store.connection import open_db
    from workbench.store.plans import add_goal

    case_id = db.register(unique_name("Двічі"), "Марта")
    title = "Знайти постійне житло"
    database = open_db(db.path)
    try:
        goal_id = add_goal(database, USER, case_id, wish="Хочемо своє житло", title=title, domain="housing",
                           set_on=today_text(), target_date=(date.today() + timedelta(days=90)).strftime("%d.%m.%Y"),
                           levels=["−2", "−1", "0", "+1", "+2"])
    finally:
        database.conn.close()

    AppPage(page, server, db).open_at(case_id, "plan")
    plan = PlanPage(page, server, db)
    plan.select("review", "goal_id", f"№{goal_id} {title}")
    plan.select("review", "level", level_label(1))
    double_click(page, ".wb-review-submit")
    expect(plan.status("review")).to_contain_text("Перегляд записано.")
    to_english(page)
    expect(page.locator(".wb-review-submit")).to_have_text("Save")
    expect(plan.status("review")).to_contain_text("Review recorded.")  # the first click's message, once
    assert db.rows("select level, recorded_by from goal_reviews where goal_id = ?", [goal_id]) == [
        {"level": 1, "recorded_by": USER}]
    # The saved form is emptied: no goal and no level chosen, nothing inviting a second save.
    expect(plan.input("review", "level")).to_have_js_property("selectedIndex", -1)


def test_a_double_click_on_apply_records_one_service(page, server, db):
    case_id = db.register(unique_name("Послуг"), "Ірина")
    AppPage(page, server, db).open_at(case_id, "services")
    case = CasePage(page, server, db)
    case.select("service", "service_type", label("service_types", "consultation"))
    case.type("service", "duration_minutes", "45")
    double_click(page, ".wb-service-submit")
    expect(case.status("service")).to_contain_text("Послугу записано.")
    to_english(page)
    expect(page.locator(".wb-service-submit")).to_have_text("Apply")
    expect(case.status("service")).to_contain_text("Service recorded.")
    assert db.rows("select service_type, duration_minutes from services where case_id = ?", [case_id]) == [
        {"service_type": "consultation", "duration_minutes": 45}]
    expect(page.locator(".wb-service-duration_minutes input")).to_have_value("")
