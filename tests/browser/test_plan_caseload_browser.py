"""A care leaver's profile becomes a plan, and a worker's caseload: Chromium → Voilà → kernel → SQLite.

The workspace (workspace.ipynb): the case record's assessments tab (the CARe personal profile) and
plan tab (``?case=ID&tab=plan``), and the home page's caseload. Each test works on clients of its
own (``db.register(...)``, olena's cases at intake), so the order of the tests does not matter; what
the workspace wrote is read back from SQLite, and what the caseload lists is compared with a set
computed from SQLite.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .case_cycle_pages import CasePage, address
from .conftest import USER
from .needs_assessment_page import AppPage, today_text, unique_name
from .plan_caseload_pages import (FORGE_V1_SCRIPT, PROFILE, V1_PROTOCOL, CaseloadPage, PlanPage,
                                  ProfileForm, complete_profile, domain_label, image_loaded, iso_today, level_label)

LEVELS = ["Не шукає роботи", "Склав резюме", "Пройшов співбесіду", "Вийшов на пробний тиждень",
          "Працює кухарем за договором"]
PLAN_LEVEL_ERROR = "Рівень досягнення — ціле число від −2 до +2."


def t_score_line(t: str, goals: int = 1) -> str:
    return f"T-бал GAS після перегляду {today_text()}: {t} (цілей: {goals})"


def reviews(db, goal_id) -> list[dict]:
    return db.rows("select * from goal_reviews where goal_id = ? order by id", [goal_id])


def writable(db):
    from workbench.store.connection import open_db

    return open_db(db.path)


def test_a_profile_wish_becomes_a_goal_whose_reviews_give_the_t_score(page, server, db):
    family_name = unique_name("Профіл")
    case_id = db.register(family_name, "Назар", birth_date="01.03.2007", sex="male",
                          category="care_leaver", programme="care_leavers")

    # The assessments tab opens a care leaver's case on the CARe personal profile.
    record = PlanPage(page, server, db).open(case_id, "assessments")
    app = AppPage(page, server, db)
    expect(page.locator(".wb-instrument select")).to_have_value(PROFILE.title("uk"))
    page.click(".wb-new")
    page.wait_for_selector(".wb-field-wish_1 textarea")
    expect(page.locator(".wb-field-household_size")).to_have_count(0)  # not the family needs assessment

    # Fill it completely, in the person's words, and save.
    wish = "Хочу працювати кухарем і жити окремо від гуртожитку"
    filled = complete_profile(wish, "work_education")
    assert sorted({filled[i.name] for i in PROFILE.scored_items()}) == ["1", "2", "3", "4", "5"]
    assert len(PROFILE.scored_items()) == 12
    ProfileForm(app).fill(filled)
    app.wait_for_draft(case_id, filled)
    app.save()
    expect(page.locator(".wb-status")).to_contain_text("Збережено: оцінювання №")
    saved = db.rows("select * from assessments where case_id = ?", [case_id])
    assert [(a["instrument_id"], a["created_by"], a["supersedes"], a["assessed_on"]) for a in saved] == [
        ("care_profile", USER, None, iso_today())]
    profile_id = saved[0]["id"]
    stored = {r["item"]: r["value"] for r in db.rows("select item, value from answers where assessment_id = ?",
                                                     [profile_id])}
    assert {name: stored.get(name) for name in filled if name != "meeting_date"} == {
        name: value for name, value in filled.items() if name != "meeting_date"}
    assert stored["meeting_date"] == iso_today()

    # The plan tab (in the same page) shows the wish; "make it a goal" fills the goal form with the wish and
    # its domain.
    plan = record.tab("plan")
    expect(page.locator(".wb-plan-wishes")).to_contain_text(f"№{profile_id}")
    expect(page.locator(".wb-use-wish")).to_have_count(1)
    expect(page.locator(".wb-app")).to_contain_text(f"«{wish}» · {domain_label('work_education')}")
    expect(plan.t_score).to_have_text("T-бал GAS зʼявиться після першого перегляду.")
    page.click(".wb-use-wish")
    expect(plan.input("goal", "wish")).to_have_value(wish)
    expect(plan.input("goal", "domain")).to_have_value(domain_label("work_education"))

    title = "Влаштуватися на роботу кухарем"
    target = date.today() + timedelta(days=120)
    plan.type("goal", "title", title)
    plan.type("goal", "target_date", target.strftime("%d.%m.%Y"))
    for field, text in zip(("level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2"), LEVELS):
        plan.type("goal", field, text)
    plan.submit("goal")
    expect(plan.status("goal")).to_contain_text("Мету додано.")
    goals = db.rows("select * from goals where case_id = ?", [case_id])
    assert [(g["wish"], g["title"], g["domain"], g["set_on"], g["target_date"], g["weight"], g["created_by"])
            for g in goals] == [(wish, title, "work_education", iso_today(), target.isoformat(), None, USER)]
    goal = goals[0]
    assert [goal[c] for c in ("level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")] == LEVELS
    expect(page.locator(".wb-plan-goals")).to_contain_text(f"№{goal['id']} «{title}»")

    # A review at +2: one goal at +2 gives T = 70.
    plan.select("review", "goal_id", f"№{goal['id']} {title}")
    plan.select("review", "level", level_label(2))
    plan.submit("review")
    expect(plan.t_score).to_have_text(t_score_line("70.0"))
    expect(plan.status("review")).to_contain_text("Перегляд записано.")
    expect(plan.status("review")).to_contain_text("70.0")
    assert [(r["level"], r["reviewed_on"], r["recorded_by"]) for r in reviews(db, goal["id"])] == [
        (2, iso_today(), USER)]

    # A second review of the same goal at 0 (the expected outcome): its latest level counts, T = 50.
    plan.select("review", "goal_id", f"№{goal['id']} {title}")
    plan.select("review", "level", level_label(0))
    plan.submit("review")
    expect(plan.t_score).to_have_text(t_score_line("50.0"))
    assert [r["level"] for r in reviews(db, goal["id"])] == [2, 0]
    expect(page.locator(".wb-plan-goals")).to_contain_text("+2 (значно вище за очікуване)")
    today = date.today().strftime("%d.%m.%Y")
    expect(page.locator(".wb-plan-goals")).to_contain_text(f"Перегляд {today}: 0 (очікуваний результат)")


def test_a_forged_review_level_is_refused_and_nothing_is_written(page, server, db):
    """The review form's level dropdown syncs only its ``index``; a forged one must not become a review.

    ``FORGE_V1_SCRIPT`` (plan_caseload_pages.py) is FORGE_SCRIPT's technique on the binary
    v1 protocol (a legacy-protocol page hangs Voilà once the goal chart is sent): it
    rewrites the next outgoing widget ``update`` whose ``state.index`` is ``from`` into ``to``.
    The kernel echoes each update back before checking it, so the page showing no choice
    after it had chosen one proves the forged message arrived.

    (a) "−2" (index 1) goes out as index 9 of 6 options: ipywidgets refuses it in the
        kernel, which still holds no level, so Save is refused by the service.
    (b) "−1" (index 2) goes out as index ``null``, which ipywidgets accepts (the value
        becomes None): the service refuses it.
    An honest "+1" then saves the only review.
    """
    from workbench.store.plans import add_goal

    case_id = db.register(unique_name("Рівень"), "Марта")
    title = "Знайти постійне житло"
    database = writable(db)
    try:
        goal_id = add_goal(database, USER, case_id, wish="Хочемо своє житло", title=title, domain="housing",
                           set_on=today_text(), target_date=(date.today() + timedelta(days=90)).strftime("%d.%m.%Y"),
                           levels=LEVELS)
    finally:
        database.conn.close()
    reviews_before = db.value("select count(*) from goal_reviews")

    page.add_init_script(FORGE_V1_SCRIPT)
    plan = PlanPage(page, server, db).open(case_id)
    assert page.evaluate("window.__protocols") == [V1_PROTOCOL]
    plan.select("review", "goal_id", f"№{goal_id} {title}")
    level = page.locator(".wb-review-level select")

    # (a) an index outside the list
    page.evaluate("window.__forge = {key: 'index', from: 1, to: 9}")
    plan.select("review", "level", level_label(-2))
    page.wait_for_function("window.__forged.length === 1")
    assert page.evaluate("window.__forged")[0]["state"] == {"index": 9}
    # The kernel echoes what it received before checking it: the page, which chose "−2", now shows no choice.
    expect(level).to_have_js_property("selectedIndex", -1)
    plan.submit("review")
    expect(plan.error("review", "level")).to_have_text(PLAN_LEVEL_ERROR)
    expect(plan.status("review")).to_contain_text("Не збережено")
    expect(plan.t_score).to_have_text("T-бал GAS зʼявиться після першого перегляду.")
    assert reviews(db, goal_id) == []

    # (b) no level at all (index null)
    page.evaluate("window.__forge = {key: 'index', from: 2, to: null}")
    plan.select("review", "level", level_label(-1))
    page.wait_for_function("window.__forged.length === 2")
    assert page.evaluate("window.__forged")[1]["state"] == {"index": None}
    expect(level).to_have_js_property("selectedIndex", -1)  # the kernel's echo of index null
    plan.submit("review")

    # An honest "+1" on the same page. The kernel handles the page's messages in order, so (b)'s
    # Save was handled before this one: if this is the only review, (b) wrote nothing.
    plan.select("review", "level", level_label(1))
    plan.submit("review")
    expect(plan.status("review")).to_contain_text("Перегляд записано.")
    expect(plan.error("review", "level")).to_have_text("")
    expect(plan.t_score).to_have_text(t_score_line("60.0"))
    assert [(r["level"], r["recorded_by"]) for r in reviews(db, goal_id)] == [(1, USER)]
    assert db.value("select count(*) from goal_reviews") == reviews_before + 1
    assert len(page.evaluate("window.__forged")) == 2


# Cases whose worker now is ? (the latest transfer's, else the one the case was opened with) and that are
# not closed now (their latest move or reopening is not a move to "closed").
CURRENT_CASES_SQL = """
select c.id, c.case_number from cases c
where coalesce((select e.to_worker from case_events e where e.case_id = c.id and e.kind = 'transfer'
                order by e.id desc limit 1), c.worker) = ?
  and coalesce((select e.kind = 'move' and e.to_status = 'closed' from case_events e
                 where e.case_id = c.id and e.kind in ('move', 'reopen') order by e.id desc limit 1), 0) = 0
order by c.case_number"""


def test_the_caseload_lists_exactly_the_workers_open_cases_filters_and_opens_a_client(page, server, db):
    from workbench.store.lifecycle import close_case, transfer_case

    # Four clients of olena's sharing a made-up stem: two stay hers, one is handed to andrii, one is closed.
    stem = unique_name("Вибір")[:-4]
    names = {kind: stem + ending for kind, ending in
             (("mine", "ко"), ("also_mine", "чук"), ("handed", "енко"), ("closed", "ич"))}
    ids = {kind: db.register(name, "Ірина") for kind, name in names.items()}
    database = writable(db)
    try:
        transfer_case(database, "mariia.demo", ids["handed"], to_worker="andrii.demo",  # her supervisor
                      reason="Відпустка (браузерний тест)")
        close_case(database, USER, ids["closed"], reason="refused")
    finally:
        database.conn.close()
    numbers = {kind: db.value("select case_number from cases where id = ?", [case_id]) for kind, case_id in ids.items()}

    expected = [r["case_number"] for r in db.rows(CURRENT_CASES_SQL, [USER])]
    theirs = [r["case_number"] for r in db.rows(CURRENT_CASES_SQL, ["andrii.demo"])]
    assert numbers["mine"] in expected and numbers["also_mine"] in expected
    assert numbers["handed"] in theirs and numbers["closed"] not in expected
    demo_theirs = [n for n in theirs if n != numbers["handed"]]
    assert demo_theirs, "the demo data should give andrii.demo cases of his own"

    caseload = CaseloadPage(page, server).open()
    n = len(expected)
    expect(caseload.shown).to_have_text(f"Показано {n} з {n}.")
    expect(page.locator(".wb-caseload-summary")).to_contain_text(f"Відкритих випадків: {n};")
    expect(caseload.rows).to_have_count(n)  # every row's view has rendered
    listed = caseload.case_numbers()
    assert len(listed) == len(set(listed)) == n
    assert sorted(listed) == expected
    assert demo_theirs[0] not in listed and numbers["handed"] not in listed and numbers["closed"] not in listed

    # Part of the shared family name (lower case, without its first letter) narrows the list to olena's two.
    caseload.filter(stem[1:].lower())
    expect(caseload.shown).to_have_text(f"Показано 2 з {n}.")
    expect(caseload.rows).to_have_count(2)
    assert sorted(caseload.case_numbers()) == sorted([numbers["mine"], numbers["also_mine"]])

    # A demo case of hers with a needs assessment and reviewed goals: find it by its number and open its record.
    client = db.rows(f"""
        select c.id, c.case_number,
               (select max(a.id) from assessments a where a.case_id = c.id
                  and a.instrument_id = 'family_needs_assessment') as last_assessment,
               (select g.title from goals g where g.case_id = c.id order by g.id desc limit 1) as goal
        from cases c where c.case_number in ({",".join("?" * n)}) and c.programme = 'family_support'
          and exists (select 1 from goals g join goal_reviews r on r.goal_id = g.id where g.case_id = c.id)
          and exists (select 1 from assessments a where a.case_id = c.id and a.instrument_id = 'family_needs_assessment')
        order by c.case_number limit 1""", expected)
    assert client, "the demo data should give olena a case with a needs assessment and a reviewed goal"
    client = client[0]
    caseload.filter(client["case_number"])
    expect(caseload.shown).to_have_text(f"Показано 1 з {n}.")
    expect(caseload.rows).to_have_count(1)
    expect(caseload.rows).to_contain_text(client["case_number"])
    expect(page.locator(".wb-case-record")).to_have_count(0)
    page.click(".wb-caseload-open")
    record = CasePage(page, server, db, client["id"])
    record.shows("overview")
    timeline = page.locator(".wb-case-timeline")
    expect(timeline).to_contain_text("Хронологія")
    expect(timeline).to_contain_text(f"№{client['last_assessment']}")
    expect(timeline).to_contain_text(f"Мета: {client['goal']}")

    # Its charts: the star chart of a saved assessment (assessments tab), the goals chart (plan tab).
    record.tab("assessments")
    page.click(f'.wb-saved-row[data-assessment="{client["last_assessment"]}"] a.wb-view-assessment')
    expect(page.locator(".wb-record")).to_contain_text(f"№{client['last_assessment']}")
    assert_png(page, ".wb-record-chart img")
    assert address(page) == f"case={client['id']}&tab=assessments&record={client['last_assessment']}"
    record.tab("plan")
    expect(page.locator(".wb-plan-goals")).to_contain_text(client["goal"])
    page.click(".wb-plan-show-chart")  # drawn when asked for
    assert_png(page, ".wb-plan-chart img")


def assert_png(page, chart: str):
    """The chart at ``chart`` is a PNG image of some size, loaded in the page."""
    loaded = image_loaded(page, chart)
    assert loaded["width"] > 100 and loaded["height"] > 100, (chart, loaded)
    signature = page.locator(chart).evaluate(
        "async img => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()).slice(0, 8))")
    assert bytes(signature) == b"\x89PNG\r\n\x1a\n", (chart, loaded["src"])
