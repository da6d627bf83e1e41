"""A whole case in the workspace only, on a desktop and on a phone: intake with two children → needs assessment →
plan → goal → review → closure, all in one page; Back returns to the previous view and a reload keeps the case and
its tab. And every view at 390 px and 768 px: nothing past the screen's edge.

What the workspace wrote is read back from SQLite, not only from the page.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .case_cycle_pages import CasePage, IntakePage, address, case_events, go, label, open_workspace
from .conftest import USER
from .layout import overflowing
from .needs_assessment_page import AppPage, child_ratings, complete_answers, unique_name
from .plan_caseload_pages import domain_label, level_label

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LEVELS = ["Борг за житло росте", "Борг не зменшується", "Борг сплачено наполовину", "Борг сплачено",
          "Є заощадження на два місяці оренди"]


@pytest.fixture(params=sorted(SCREENS))
def screen_page(request, browser):
    """A fresh page the size of a desktop or of a phone (with touch, as a phone reports itself)."""
    phone = request.param == "phone"
    context = browser.new_context(locale="uk-UA", viewport=SCREENS[request.param], is_mobile=phone,
                                  has_touch=phone, device_scale_factor=2 if phone else 1)
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(90_000)
    try:
        yield request.param, context.new_page()
    finally:
        context.close()


def register_with_two_children(intake: IntakePage, family: str) -> None:
    intake.choose("programme", "programmes", "family_support")
    intake.choose("category", "categories", "family_difficult_circumstances")
    intake.choose("intake_channel", "intake_channels", "application")
    intake.type_member(0, family_name=family, given_name="Оксана", birth_date="14.03.1988")
    intake.choose_member(0, "sex", "sexes", "female")
    for number, (given, born, sex) in enumerate((("Мирослава", "02.02.2016", "female"),
                                                 ("Тарас", "11.09.2019", "male")), start=1):
        intake.add_member(number)
        intake.type_member(number, family_name=family, given_name=given, birth_date=born,
                           consent_given_by=f"мати, {family} Оксана")
        intake.choose_member(number, "sex", "sexes", sex)
        intake.choose_member(number, "relation", "relations", "child")
    intake.consent()
    intake.register()
    expect(intake.result).to_contain_text("Зареєстровано: випадок")


def move(record: CasePage, to: str, **extra) -> None:
    """Move the case on the overview tab, as a worker does, and wait for the confirmation."""
    record.tab("overview")
    record.select("move", "to_status", label("case_statuses", to))
    for field, text in extra.items():
        record.select("move", field, text)
    record.submit("move")
    expect(record.status("move")).to_contain_text("Стан змінено.")
    expect(record.page.locator(".wb-record-header")).to_contain_text(label("case_statuses", to))


def test_a_whole_case_in_the_workspace(screen_page, server, db):
    size, page = screen_page
    family = unique_name("Робочемісце")
    intake = IntakePage(page, server).open()
    register_with_two_children(intake, family)
    case = db.rows("select * from cases where case_number = ?",
                   [re.search(r"випадок (\S+?)\.", intake.result.inner_text()).group(1)])[0]
    people = db.rows("""select m.relation, p.given_name from household_members m join persons p on p.id = m.person_id
                        where m.household_id = ? order by m.id""", [case["household_id"]])
    assert case["worker"] == USER
    assert people == [{"relation": "applicant", "given_name": "Оксана"}, {"relation": "child", "given_name": "Мирослава"},
                      {"relation": "child", "given_name": "Тарас"}]

    # From the intake's result into the case record, in the same page: no load, the same kernel.
    record = CasePage(page, server, db, case["id"])
    page.click(".wb-intake-result a.wb-open-case")
    record.shows("overview")
    move(record, "assessment")

    # The needs assessment: both children are already in its child section, from the register.
    record.tab("assessments")
    app = AppPage(page, server, db)
    app.new_assessment()
    expect(page.locator(".wb-instance-child")).to_have_count(2)
    filled = dict(complete_answers(), child=[child_ratings("2"), child_ratings("3")])
    app.fill(filled)
    app.wait_for_draft(case["id"], {k: v for k, v in filled.items() if k != "child"})
    app.save()
    expect(page.locator(".wb-status")).to_contain_text("Збережено")
    [assessment] = db.rows("select * from assessments where case_id = ?", [case["id"]])
    children = db.rows("""select instance, item, value from answers where assessment_id = ? and repeat = 'child'
                          and item in ('child_name', 'health') order by instance, item""", [assessment["id"]])
    assert [(r["item"], r["value"]) for r in children] == [
        ("child_name", "Мирослава"), ("health", "2"), ("child_name", "Тарас"), ("health", "3")]

    # Its read-only record has an address of its own.
    page.locator(".wb-saved-row .wb-view-assessment").first.click()
    expect(page.locator(".wb-record")).to_contain_text("Оцінка домену")
    assert address(page) == f"case={case['id']}&tab=assessments&record={assessment['id']}"

    move(record, "plan")
    record.tab("plan")
    title = "Сплатити борг за оренду"
    record.type("goal", "wish", "Щоб нас не виселили")
    record.type("goal", "title", title)
    record.select("goal", "domain", domain_label("housing"))
    record.type("goal", "target_date", (date.today() + timedelta(days=90)).strftime("%d.%m.%Y"))
    for field, text in zip(("level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2"), LEVELS):
        record.type("goal", field, text)
    record.submit("goal")
    expect(record.status("goal")).to_contain_text("Мету додано.")
    [goal] = db.rows("select * from goals where case_id = ?", [case["id"]])
    record.select("review", "goal_id", f"№{goal['id']} {title}")
    record.select("review", "level", level_label(1))
    record.submit("review")
    expect(record.status("review")).to_contain_text("Перегляд записано.")
    assert [r["level"] for r in db.rows("select level from goal_reviews where goal_id = ?", [goal["id"]])] == [1]

    # Closing: a reason, and what became of the open goal.
    record.tab("overview")
    record.select("move", "to_status", label("case_statuses", "closed"))
    record.select("move", "reason", label("closure_reasons", "goals_achieved"))
    page.locator(f".wb-goal-outcome-{goal['id']} select").select_option(index=1)  # achieved
    record.submit("move")
    expect(record.status("move")).to_contain_text("Стан змінено.")
    expect(page.locator(".wb-record-header")).to_contain_text(label("case_statuses", "closed"))
    assert [(e["from_status"], e["to_status"]) for e in case_events(db, case["id"]) if e["kind"] == "move"] == [
        ("intake", "assessment"), ("assessment", "plan"), ("plan", "closed")]
    assert db.value("select kind from goal_closures where goal_id = ?", [goal["id"]]) == "achieved"

    # Back returns to the previous view (the plan tab, before the overview); Forward comes again.
    page.go_back()
    record.shows("plan")
    page.go_forward()
    record.shows("overview")
    # A reload lands on the same case and tab (a new page and kernel).
    record.tab("people")
    page.reload()
    expect(page.locator(".wb-record-header h3")).to_contain_text(case["case_number"])
    record.shows("people")
    expect(page.locator(".wb-case-people")).to_contain_text("Тарас")
    if size == "phone":
        assert overflowing(page) == []


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_no_view_reaches_past_the_screen(browser, server, db, screen):
    """Home, intake, the events log and every tab of a case with content in each: nothing overflows."""
    viewport = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024}}[screen]
    context = browser.new_context(locale="uk-UA", viewport=viewport, is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(90_000)
    page = context.new_page()
    try:
        case_id = db.value("""select c.id from cases c where c.worker = ? and c.id in (select case_id from assessments)
                              and c.id in (select case_id from goals) and c.id in (select case_id from services)
                              order by c.id limit 1""", [USER])
        assert case_id, "the demo gives the worker a case with an assessment, goals and services"
        open_workspace(page, server)
        expect(page.locator(".wb-caseload-open").first).to_be_visible()
        assert overflowing(page) == [], "home"
        for view in ("intake", "events"):
            page.click(f".wb-nav a.wb-nav-{view}")
            expect(page.locator(f".wb-nav a.wb-nav-{view}.wb-here")).to_be_visible()
            assert overflowing(page) == [], view
        record = CasePage(page, server, db, case_id)
        go(page, f"case={case_id}&tab=overview")  # a link to it, followed in the page
        record.shows("overview")
        for tab in ("overview", "people", "assessments", "plan", "services", "shelter"):
            record.tab(tab)
            assert overflowing(page) == [], tab
        record.tab("assessments")
        page.locator(".wb-saved-row .wb-view-assessment").first.click()
        expect(page.locator(".wb-record-chart img")).to_be_visible()
        assert overflowing(page) == [], "a saved assessment, read-only"
    finally:
        context.close()
