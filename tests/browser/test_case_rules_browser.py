"""The case cycle's rules through the browser: Chromium → Voilà (workspace.ipynb, the case record) → kernel →
store → SQLite.

Planning is refused before a needs assessment is saved, with the next step named, and allowed after;
closing asks what became of each open goal and writes nothing until every one is answered.
What a test needs beforehand (an assessment, goals) is written through the store on a connection of
the test's own, as another page would; what the page wrote is read back from SQLite.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .case_cycle_pages import CasePage, case_events, label, option_labels
from .conftest import USER
from .needs_assessment_page import unique_name

SUPERVISOR = "mariia.demo"  # the supervisor of olena.demo's team


@pytest.fixture
def case_page(page, server, db) -> CasePage:
    return CasePage(page, server, db)


def write(db, call):
    """Run ``call(database)`` on a writable connection of the test's own."""
    from workbench.store.connection import open_db

    database = open_db(db.path)
    try:
        return call(database)
    finally:
        database.conn.close()


def save_needs_assessment(database, case_id):
    from workbench.demo import _answers
    from workbench.instruments.loader import load_builtin
    from workbench.store.assessments import save_assessment
    from workbench.store.children import case_children

    instrument = load_builtin("family_needs_assessment")
    children = [(c["person_id"], c["given_name"], c["birth_date"]) for c in case_children(database, USER, case_id)]
    answers = _answers(random.Random(3), instrument, {d.name: 1.5 for d in instrument.domains()}, children,
                       date.today(), 0)
    return save_assessment(database, USER, case_id=case_id, instrument=instrument, answers=answers)


def test_planning_is_refused_before_the_assessment_and_allowed_after(case_page, db):
    from workbench.store.lifecycle import move_case

    case_id = db.register(unique_name("Правило"), "Мирослава")
    write(db, lambda d: move_case(d, USER, case_id, "assessment"))
    case_page.open(case_id)
    page = case_page.page
    next_step = page.locator(".wb-next-step")
    expect(next_step).to_contain_text("Збережіть оцінювання потреб (Оцінювання потреб сімʼї); тоді — перехід до "
                                      "стану «Планування»")
    lacking = option_labels(page, ".wb-move-to_status")[1]
    assert lacking.startswith(label("case_statuses", "plan") + " — бракує: збережене оцінювання потреб")
    case_page.select("move", "to_status", lacking)
    case_page.submit("move")
    expect(case_page.status("move")).to_contain_text("Перейти до стану «Планування» ще не можна")
    assert [e["to_status"] for e in case_events(db, case_id)] == ["assessment"], "nothing written"

    # The next step links to the tab where the assessment is made, in the same page.
    page.click(".wb-next-step a.wb-next-assessments")
    case_page.shows("assessments")
    write(db, lambda d: save_needs_assessment(d, case_id))  # saved on another page meanwhile
    case_page.tab("overview")  # written since the overview was read: it is read anew, with no reload
    expect(next_step).to_contain_text("Перевести випадок до стану «Планування»")
    expect(next_step.locator("a.wb-next-assessments")).to_have_count(0)
    expect(page.locator(".wb-case-deadlines .wb-deadline-done")).to_contain_text("виконано")
    assert option_labels(page, ".wb-move-to_status")[1] == label("case_statuses", "plan")
    case_page.select("move", "to_status", label("case_statuses", "plan"))
    case_page.submit("move")
    expect(case_page.status("move")).to_contain_text("Стан змінено.")
    assert [e["to_status"] for e in case_events(db, case_id)] == ["assessment", "plan"]
    expect(next_step).to_contain_text("Додайте до плану хоча б одну мету")
    page.click(".wb-next-step a.wb-next-plan")
    case_page.shows("plan")


def test_closing_asks_what_became_of_two_open_goals(case_page, db):
    from workbench.store.lifecycle import move_case, override_condition
    from workbench.store.plans import add_goal

    case_id = db.register(unique_name("Закриття"), "Тереза")
    today = date.today()

    def two_goals(database):
        move_case(database, USER, case_id, "assessment")
        override_condition(database, SUPERVISOR, case_id, to_status="plan", condition="needs_assessment",
                           reason="Акт оцінювання отримано від іншої служби")
        move_case(database, USER, case_id, "plan")
        return [add_goal(database, USER, case_id, wish=wish, title=title, domain="housing", set_on=today,
                         target_date=today + timedelta(days=120), levels=["-2", "-1", "0", "+1", "+2"])
                for wish, title in (("Хочу жити окремо", "Окреме житло"), ("Хочу мати роботу", "Постійна робота"))]

    home, work = write(db, two_goals)
    case_page.open(case_id)
    page = case_page.page
    expect(page.locator(".wb-case-timeline")).to_contain_text("Супервізор дозволив перехід до «Планування»")
    case_page.select("move", "to_status", label("case_statuses", "closed"))
    expect(page.locator(".wb-move-goals")).to_be_visible()
    expect(page.locator(".wb-move-goals")).to_contain_text("Окреме житло")
    expect(page.locator(".wb-move-goals")).to_contain_text("Постійна робота")
    case_page.select("move", "reason", label("closure_reasons", "moved_away"))
    case_page.submit("move")
    expect(page.locator(".wb-move-goals")).to_contain_text("Мета «Окреме житло» ще відкрита")
    expect(page.locator(".wb-move-goals")).to_contain_text("Мета «Постійна робота» ще відкрита")
    assert [e["to_status"] for e in case_events(db, case_id) if e["kind"] == "move"] == ["assessment", "plan"]

    page.select_option(f".wb-goal-outcome-{home} select", value="досягнуто")
    page.select_option(f".wb-goal-outcome-{work} select", value="скасовано")
    page.fill(f".wb-goal-reason-{work} input", "Переїзд до іншого міста")
    case_page.submit("move")
    expect(case_page.status("move")).to_contain_text("Стан змінено.")
    assert [e["to_status"] for e in case_events(db, case_id)][-1] == "closed"
    closures = db.rows("select goal_id, kind, reason from goal_closures where goal_id in (?, ?) order by goal_id",
                       [home, work])
    assert closures == [{"goal_id": home, "kind": "achieved", "reason": None},
                        {"goal_id": work, "kind": "abandoned", "reason": "Переїзд до іншого міста"}]
