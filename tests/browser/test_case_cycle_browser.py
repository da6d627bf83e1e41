"""Intake, then the case: Chromium → Voilà (workspace.ipynb: intake, the case record) → kernel → SQLite.

Each test works on a family of its own: a new one registered through the intake
view, or ``db.register(...)`` (olena's case, at intake), so the tests run in any
order. What the workspace wrote is read back from SQLite, not only from the page.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench import i18n
from workbench.apps import case as _case_app  # noqa: F401  (adds the case app's texts to i18n)

from .case_cycle_pages import (CasePage, IntakePage, address, case_events, day_month_swapped, label, latin,
                               option_labels, ua)
from .conftest import USER
from .needs_assessment_page import FORGE_SCRIPT, AppPage, complete_answers, unique_name

CHOOSE = i18n.t("case.choose", "uk")  # "— виберіть —", the empty first option of every case-record dropdown


@pytest.fixture
def intake(page, server) -> IntakePage:
    return IntakePage(page, server)


@pytest.fixture
def case_page(page, server, db) -> CasePage:
    return CasePage(page, server, db)


def registered_case(db, intake: IntakePage) -> dict:
    """The case the intake view says it registered ("Зареєстровано: випадок 2026-00031.")."""
    text = intake.result.inner_text()
    found = re.search(r"випадок (\S+?)\.", text)
    assert found, f"no case number in the result: {text!r}"
    rows = db.rows("select * from cases where case_number = ?", [found.group(1)])
    assert len(rows) == 1, f"case {found.group(1)} is not in the database"
    return rows[0]


def members(db, household_id: int) -> list[dict]:
    return db.rows("""select m.relation, p.* from household_members m join persons p on p.id = m.person_id
                      where m.household_id = ? order by m.id""", [household_id])


def audit_moves(db, case_id: int) -> int:
    return db.value("select count(*) from audit_log where entity = 'cases' and entity_id = ? and action = 'case_move'",
                    [str(case_id)])


def test_intake_warns_of_a_duplicate_and_links_the_existing_person(intake, db):
    # A demo applicant whose day and month of birth, swapped, still make a valid, different date.
    # She is on a case of the worker's team, which their supervisor shares with the worker (a person on a
    # case she may not see shows only as "registered, held by …": test_access_browser.py); the demo's
    # people have the lowest ids, the tests' come after.
    from workbench.store.connection import open_db
    from workbench.store.guard import CURRENT_WORKER_SQL
    from workbench.store.shares import share_case

    person = db.rows(f"""select p.*, c.id as case_id, {CURRENT_WORKER_SQL} as worker from persons p
                         join household_members m on m.person_id = p.id join cases c on c.household_id = m.household_id
                         where m.relation = 'applicant' and {CURRENT_WORKER_SQL} = 'andrii.demo'
                           and cast(substr(p.birth_date, 9, 2) as integer) <= 12
                           and substr(p.birth_date, 9, 2) != substr(p.birth_date, 6, 2)
                         order by p.id limit 1""")[0]
    writable = open_db(db.path)
    try:
        share_case(writable, "mariia.demo", person["case_id"], with_user=USER, reason="Спільна сімʼя")
    finally:
        writable.conn.close()
    their_cases = db.rows("""select c.id, c.case_number from cases c join household_members m
                             on m.household_id = c.household_id where m.person_id = ?""", [person["id"]])
    assert their_cases, "the demo applicant must have a case"
    persons_before = db.value("select count(*) from persons")
    last_person = db.value("select max(id) from persons")
    consents_before = db.value("select count(*) from consents where person_id = ?", [person["id"]])

    intake.open()
    page = intake.page
    intake.choose("programme", "programmes", "family_support")
    intake.choose("category", "categories", "family_difficult_circumstances")
    intake.choose("intake_channel", "intake_channels", "application")
    # The same person, typed as her passport spells her (Latin) and with day and month swapped.
    # The birth date goes first, so the warning first appears on the last keystroke (the given name).
    intake.type_member(0, birth_date=day_month_swapped(person["birth_date"]))
    intake.type_member(0, family_name=latin(person["family_name"]))
    intake.type_member(0, given_name=latin(person["given_name"]))
    warning = intake.member(0).locator(".wb-duplicates")
    row = warning.locator(".wb-duplicate", has_text=f"{person['family_name']} {person['given_name']}")
    expect(row).to_be_visible()
    expect(warning).to_contain_text("Можливо, ця особа вже є в базі")
    expect(row).to_contain_text(ua(person["birth_date"]))  # the date as registered, not as typed
    for case in their_cases:
        link = row.locator(f'a[href="?case={case["id"]}"]')  # the workspace's case record, in a new tab
        expect(link).to_have_text(f"Відкрити випадок {case['case_number']}")

    row.locator(".wb-use-existing").click()
    expect(intake.member(0)).to_contain_text(f"Наявний запис №{person['id']}")
    expect(warning.locator(".wb-duplicate")).to_have_count(0)
    expect(intake.member(0).locator(".wb-member-family_name input")).to_be_hidden()

    # Her child, not registered before.
    intake.add_member(1)
    intake.type_member(1, family_name=person["family_name"], given_name="Мирослав", birth_date="03.03.2019",
                       consent_given_by=f"мати, {person['family_name']} {person['given_name']}")
    intake.choose_member(1, "sex", "sexes", "male")
    intake.choose_member(1, "relation", "relations", "child")
    intake.consent("data_processing")
    intake.register()
    expect(intake.result).to_contain_text("Зареєстровано: випадок")
    expect(page.locator(".wb-intake-register")).to_be_disabled()

    case = registered_case(db, intake)
    assert (case["programme"], case["worker"], case["intake_channel"]) == ("family_support", USER, "application")
    expect(page.locator(".wb-intake-result a.wb-open-case")).to_have_attribute(
        "href", f"?case={case['id']}&tab=overview")
    family = members(db, case["household_id"])
    assert [(m["relation"], m["id"]) for m in family][0] == ("applicant", person["id"]), "the existing record"
    assert db.value("select count(*) from persons") == persons_before + 1, "only the child is a new person"
    child = family[1]
    assert len(family) == 2 and child["id"] > last_person
    assert (child["relation"], child["family_name"], child["given_name"], child["birth_date"], child["sex"]) == (
        "child", person["family_name"], "Мирослав", "2019-03-03", "male")
    consents = db.rows("select * from consents where person_id = ?", [child["id"]])
    assert [(c["purpose"], c["given_on"], c["given_by"]) for c in consents] == [
        ("data_processing", date.today().isoformat(), f"мати, {person['family_name']} {person['given_name']}")]
    assert db.value("select count(*) from consents where person_id = ?", [person["id"]]) == consents_before


def test_a_family_registered_at_intake_is_assessed(intake, page, server, db):
    family_name, given_name = unique_name("Прийом"), "Мирослава"
    intake.open()
    intake.register_family(family_name, given_name, "21.06.1990")
    case = registered_case(db, intake)
    [applicant] = members(db, case["household_id"])
    assert (applicant["family_name"], applicant["given_name"], applicant["birth_date"]) == (
        family_name, given_name, "1990-06-21")

    # The result's link opens the case record at its assessments, in the same page and kernel.
    record = CasePage(page, server, db, case["id"])
    page.locator(".wb-intake-result a.wb-to-assessment", has_text="Перейти до оцінювання потреб").click()
    record.shows("assessments")
    expect(page.locator(".wb-record-header")).to_contain_text(family_name)

    app = AppPage(page, server, db)
    app.new_assessment()
    filled = complete_answers()
    app.fill(filled)
    app.wait_for_draft(case["id"], filled)
    app.save()
    expect(page.locator(".wb-status")).to_contain_text("Збережено")
    saved = db.rows("select * from assessments where case_id = ?", [case["id"]])
    assert [(a["instrument_id"], a["created_by"], a["supersedes"]) for a in saved] == [
        ("family_needs_assessment", USER, None)]
    household_size = db.value("select value from answers where assessment_id = ? and item = 'household_size'",
                              [saved[0]["id"]])
    assert household_size == filled["household_size"]

    # Back returns to intake: a blank form for the next family, never this one's.
    page.go_back()
    expect(page.locator(".wb-intake-register")).to_be_enabled()
    assert address(page) == "view=intake"
    expect(page.locator(".wb-intake-result")).not_to_contain_text(case["case_number"])
    expect(intake.member(0).locator(".wb-member-family_name input")).to_have_value("")

    # Later, from the home page: part of the family name finds the case, and a match opens its record.
    page.click(".wb-nav a.wb-nav-home")
    page.fill(".wb-search input", family_name[:9])
    page.locator(".wb-match", has_text=case["case_number"]).click()
    record.shows("overview")
    expect(page.locator(".wb-case-timeline")).to_contain_text(f"№{saved[0]['id']}")


def test_only_valid_moves_are_offered_and_forged_or_stale_moves_are_refused(case_page, server, db):
    """The move dropdown offers only the valid next statuses; a forged index and a stale option are refused.

    What the page can send: a Dropdown syncs only ``index`` (and its labels); the status
    codes stay in the kernel. ``FORGE_SCRIPT`` (needs_assessment_page.py), installed with
    ``page.add_init_script`` before the app loads, makes the page speak the legacy JSON
    protocol and rewrites the next outgoing ``comm_msg`` ``update`` whose ``state.index``
    is ``from`` into ``to`` (recorded in ``window.__forged``).

    (a) Forged index: the user picks "Оцінювання потреб" (index 1), the kernel receives
        index 9 of 3 options. ipywidgets refuses it in the kernel (``TraitError: Invalid
        selection: index out of bounds``), so the kernel still holds no status; Apply says
        the status is required, under its field, and nothing is written.
    (b) Stale option: with the page open, the case is moved to assessment behind its back
        (``move_case`` on a connection of the test's own). The page still offers
        "Оцінювання потреб"; choosing it and applying is refused by the service, which
        reads the case's status in its write transaction and finds it is no longer the one the
        page showed, and no ``case_events`` row is added.
    """
    from workbench.store.connection import open_db
    from workbench.store.lifecycle import move_case

    case_id = db.register(unique_name("Перехід"), "Леся")
    page = case_page.page
    page.add_init_script(FORGE_SCRIPT)
    case_page.open(case_id)
    assert page.evaluate("window.__protocols") == [""], "the page must speak the JSON (legacy) protocol"
    expect(case_page.facts).to_contain_text("Стан: Прийом звернення")
    assert option_labels(page, ".wb-move-to_status") == [
        CHOOSE, label("case_statuses", "assessment"), label("case_statuses", "closed")]

    # (a) a forged index
    page.evaluate("window.__forge = {key: 'index', from: 1, to: 9}")
    case_page.select("move", "to_status", label("case_statuses", "assessment"))
    page.wait_for_function("window.__forged.length === 1")
    assert [f["state"] for f in page.evaluate("window.__forged")] == [{"index": 9}]
    case_page.submit("move")
    expect(case_page.error("move", "to_status")).to_contain_text("Це поле обовʼязкове")  # no status reached it
    assert case_events(db, case_id) == [] and audit_moves(db, case_id) == 0

    # (b) a stale option
    writable = open_db(server.db_path)
    try:
        move_case(writable, USER, case_id, "assessment")
    finally:
        writable.conn.close()
    assert [e["to_status"] for e in case_events(db, case_id)] == ["assessment"]
    assert option_labels(page, ".wb-move-to_status")[1] == label("case_statuses", "assessment")  # still offered
    case_page.select("move", "to_status", label("case_statuses", "assessment"))  # a real choice this time
    case_page.submit("move")
    expect(case_page.status("move")).to_contain_text(
        "Поки сторінка була відкрита, стан випадку змінився: було «Прийом звернення», тепер «Оцінювання потреб»")
    assert [e["to_status"] for e in case_events(db, case_id)] == ["assessment"], "no new case_events row"
    assert audit_moves(db, case_id) == 1
    assert page.evaluate("window.__binarySent") == 0 and len(page.evaluate("window.__forged")) == 1


def test_a_transfer_needs_a_reason_then_hands_the_case_over(page, staff_server, db):
    # The worker does not hand her case over (the form is not shown to her: test_access_browser.py);
    # a supervisor of her team does, to a worker of that team.
    case_id = db.register(unique_name("Передач"), "Роман", sex="male")
    case_page = CasePage(page, staff_server("mariia.demo"), db)
    case_page.open(case_id)
    expect(case_page.facts).to_contain_text("Фахівець: Олена Тихоліс (демо).")
    workers = option_labels(page, ".wb-transfer-to_worker")
    assert workers[0] == CHOOSE and "Андрій Вербанюк (демо)" in workers
    assert "Олена Тихоліс (демо)" not in workers  # the worker now
    assert not [w for w in workers if "Ірина" in w or "Петро" in w]  # another team's workers
    assert not [w for w in workers if "дослідниця" in w]  # a researcher cannot take a case

    case_page.select("transfer", "to_worker", "Андрій Вербанюк (демо)")
    case_page.submit("transfer")
    expect(case_page.error("transfer", "reason")).to_contain_text("Вкажіть причину.")
    expect(case_page.status("transfer")).to_contain_text("Не збережено")
    assert case_events(db, case_id) == []
    expect(case_page.facts).to_contain_text("Фахівець: Олена Тихоліс (демо).")

    reason = "Фахівчиня йде у відпустку (браузерний тест)"
    case_page.type("transfer", "reason", reason)
    case_page.submit("transfer")
    expect(case_page.facts).to_contain_text("Фахівець: Андрій Вербанюк (демо).")
    expect(case_page.status("transfer")).to_contain_text("Випадок передано.")
    expect(case_page.error("transfer", "reason")).to_have_text("")
    expect(page.locator(".wb-case-timeline")).to_contain_text(f"Передано фахівцю Андрій Вербанюк (демо): {reason}")
    events = case_events(db, case_id)
    assert [(e["kind"], e["to_worker"], e["reason"], e["recorded_by"], e["note"], e["effective_on"])
            for e in events] == [("transfer", "andrii.demo", reason, "mariia.demo", f"from {USER}",
                                  date.today().isoformat())]
    assert db.value("select worker from cases where id = ?", [case_id]) == USER  # cases rows are never changed


def test_closing_needs_a_reason_then_closes_and_offers_reopening(case_page, db):
    case_id = db.register(unique_name("Закритт"), "Віра")
    page = case_page.page
    case_page.open(case_id)
    expect(page.locator(".wb-move-reason select")).to_be_hidden()
    expect(case_page.form("reopen")).to_be_hidden()

    case_page.select("move", "to_status", label("case_statuses", "closed"))
    expect(page.locator(".wb-move-reason select")).to_be_visible()
    assert option_labels(page, ".wb-move-reason")[0] == CHOOSE
    assert label("closure_reasons", "moved_away") in option_labels(page, ".wb-move-reason")
    case_page.submit("move")
    expect(case_page.error("move", "reason")).to_contain_text("Вкажіть причину закриття.")
    expect(case_page.status("move")).to_contain_text("Не збережено")
    assert case_events(db, case_id) == [] and audit_moves(db, case_id) == 0

    case_page.select("move", "reason", label("closure_reasons", "moved_away"))
    case_page.submit("move")
    expect(case_page.facts).to_contain_text("Стан: Закрито.")
    expect(case_page.form("move")).to_be_hidden()
    expect(case_page.form("transfer")).to_be_hidden()
    expect(case_page.form("reopen")).to_be_visible()
    expect(page.locator(".wb-case-timeline")).to_contain_text("Прийом звернення → Закрито (Переїзд)")
    events = case_events(db, case_id)
    assert [(e["kind"], e["from_status"], e["to_status"], e["reason"], e["recorded_by"]) for e in events] == [
        ("move", "intake", "closed", "moved_away", USER)]
