"""Needs assessments in the workspace end to end: Chromium → Voilà → kernel → SQLite.

Each test works on a client of its own (registered at intake in the first test, through
the service elsewhere), found on the home page and opened at the case record's
assessments tab, so the order of the tests does not matter.
What was written is read back from SQLite, not only from the page.
"""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench import config

from .conftest import alive
from .needs_assessment_page import (FORGE_SCRIPT, INSTRUMENT, AppPage, complete_answers,
                                    today_text, unique_name)


@pytest.fixture
def app(page, server, db) -> AppPage:
    return AppPage(page, server, db)


def assessments(db, case_id) -> list[dict]:
    return db.rows("select * from assessments where case_id = ? order by id", [case_id])


def answers(db, assessment_id) -> dict:
    """``{(repeat, instance, item): (value, number)}`` of one saved assessment."""
    return {(r["repeat"], r["instance"], r["item"]): (r["value"], r["number"])
            for r in db.rows("select * from answers where assessment_id = ?", [assessment_id])}


def test_find_register_at_intake_fill_save_and_correct(app, db):
    page = app.page
    app.open()

    # Search on the home page: part of a demo family's name finds it.
    from workbench.store.guard import CURRENT_WORKER_SQL

    family = db.value(f"""select h.label from households h join cases c on c.household_id = h.id
                          where {CURRENT_WORKER_SQL} = 'olena.demo' order by h.id limit 1""")  # hers to find
    app.search(family[:5].lower())
    expect(page.locator(".wb-match", has_text=family).first).to_be_visible()

    # Register a new person with consent in the family-support programme, at intake.
    family_name, given_name = unique_name("Реєстр"), "Ганна"
    page.click(".wb-nav a.wb-nav-intake")
    page.select_option(".wb-intake-programme select", value=config.label("programmes", "family_support", "uk"))
    page.select_option(".wb-intake-category select",
                       value=config.label("categories", "family_difficult_circumstances", "uk"))
    page.select_option(".wb-intake-intake_channel select", value=config.label("intake_channels", "application", "uk"))
    applicant = page.locator(".wb-member-0")
    applicant.locator(".wb-member-family_name input").fill(family_name)
    applicant.locator(".wb-member-given_name input").fill(given_name)
    applicant.locator(".wb-member-birth_date input").fill("14.03.1988")
    applicant.locator(".wb-member-sex select").select_option(value=config.label("sexes", "female", "uk"))
    page.check(".wb-consent-data_processing input")
    page.click(".wb-intake-register")
    expect(page.locator(".wb-intake-result")).to_contain_text("Зареєстровано: випадок")
    person = db.rows("select * from persons where family_name = ?", [family_name])
    assert [(p["given_name"], p["birth_date"], p["sex"]) for p in person] == [(given_name, "1988-03-14", "female")]
    assert db.value("select count(*) from consents where person_id = ?", [person[0]["id"]]) == 1
    case = db.rows("""select c.* from cases c join household_members m on m.household_id = c.household_id
                      where m.person_id = ?""", [person[0]["id"]])
    assert [c["programme"] for c in case] == ["family_support"]
    case_id = case[0]["id"]

    # From the intake's result straight to the new case's assessments, the address following.
    page.click(".wb-intake-result a.wb-to-assessment")
    app.wait_for_case(case_id, "assessments")
    expect(page.locator(".wb-record-header")).to_contain_text(family_name)
    assert page.url.endswith(f"?case={case_id}&tab=assessments")
    expect(page.locator(".wb-saved-list")).to_contain_text("Оцінювань ще немає.")

    # The new client is found on the home page, once, and opened from there.
    app.go_home()
    app.search(family_name[:8])
    expect(page.locator(".wb-match", has_text=family_name)).to_have_count(1)
    app.open_case(case_id)

    # Fill every required answer in Ukrainian, one child included, and save.
    app.new_assessment()
    filled = complete_answers(household_size="4", child_health="3")
    app.fill(filled)
    app.wait_for_draft(case_id, filled)
    app.save()
    expect(app.status).to_contain_text("Збережено")
    saved = assessments(db, case_id)
    assert len(saved) == 1 and saved[0]["supersedes"] is None and saved[0]["created_by"] == "olena.demo"
    first = saved[0]["id"]
    expect(page.locator(".wb-saved-list")).to_contain_text(f"№{first}")
    first_answers = answers(db, first)
    assert first_answers[("", 0, "household_size")] == ("4", 4.0)
    assert first_answers[("child", 1, "health")] == ("3", 3.0)
    assert first_answers[("child", 1, "child_name")][0] == "Злата"
    # The child added in the form is registered on the family's household, with the mother's consent.
    child = db.rows("""select p.* from persons p join household_members m on m.person_id = p.id
                       where m.household_id = ? and m.relation = 'child'""", [case[0]["household_id"]])
    assert [(c["family_name"], c["given_name"], c["sex"]) for c in child] == [(family_name, "Злата", "female")]
    assert first_answers[("child", 1, "child_person")][0] == str(child[0]["id"])
    assert db.value("select given_by from consents where person_id = ?", [child[0]["id"]]).endswith(
        f"{family_name} {given_name}, особа №{person[0]['id']}")
    assert first_answers[("", 0, "conclusion_text")][0] == filled["conclusion_text"]
    assert db.value("select count(*) from drafts where case_id = ?", [case_id]) == 0

    # View it (the address names it), correct it: change one answer, give the reason, save.
    app.view_saved(first)
    assert page.url.endswith(f"?case={case_id}&tab=assessments&record={first}")
    page.click(".wb-open")
    expect(app.field("household_size").locator("input")).to_have_value("4")
    expect(page.locator(".wb-reason input")).to_be_visible()
    app.type("household_size", "6")
    reason = "Помилка в кількості членів сімʼї"
    page.fill(".wb-reason input", reason)
    app.wait_for_draft(case_id, {"household_size": "6"}, reason=reason, supersedes=first)
    app.save()
    expect(app.status).to_contain_text("Збережено виправлення")
    saved = assessments(db, case_id)
    assert [(a["id"], a["supersedes"]) for a in saved] == [(first, None), (saved[1]["id"], first)]
    second = saved[1]["id"]
    assert saved[1]["correction_reason"] == reason
    assert answers(db, first) == first_answers, "the first version must stay as it was"
    assert answers(db, second)[("", 0, "household_size")] == ("6", 6.0)
    assert answers(db, second)[("child", 1, "health")] == ("3", 3.0)

    # The page lists the new version; viewed read-only, it shows the history of both, its answers in words
    # and its star chart; corrected again, the form starts from it.
    expect(page.locator(".wb-saved-list")).to_contain_text(f"№{second}")
    expect(page.locator(".wb-saved-list")).to_contain_text("версія 2")
    expect(page.locator(".wb-saved-row")).to_have_count(1)
    app.view_saved(second)
    record = page.locator(".wb-record")
    expect(record).to_contain_text("Історія версій")
    history = record.locator("li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(f"№{first}")
    expect(history.nth(1)).to_contain_text(f"№{second}")
    expect(history.nth(1)).to_contain_text(reason)
    expect(record).to_contain_text(filled["conclusion_text"])
    expect(page.locator(".wb-record-chart img")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    page.click(".wb-open")
    expect(page.locator(".wb-assessments")).to_contain_text(f"Виправлення оцінювання №{second}")
    expect(app.field("household_size").locator("input")).to_have_value("6")


def test_a_viewed_assessment_opens_again_from_its_link_after_another_is_saved(app, db):
    """A save closes the assessment shown while the address still names it: its View link, to where the
    address already is, must still show it."""
    case_id = db.register(unique_name("Знову"), "Леся")
    page = app.page
    app.open_at(case_id)
    app.new_assessment()
    filled = complete_answers()
    app.fill(filled)
    app.wait_for_draft(case_id, filled)
    app.save()
    expect(app.status).to_contain_text("Збережено")
    (first,) = [a["id"] for a in assessments(db, case_id)]
    app.view_saved(first)
    app.new_assessment()
    app.fill(filled)
    app.wait_for_draft(case_id, filled)
    app.save()
    expect(app.status).to_contain_text("Збережено")
    expect(page.locator(".wb-record")).to_have_text("")
    assert page.url.endswith(f"&record={first}")
    app.view_saved(first)
    assert page.url.endswith(f"&record={first}")


def test_language_switch_shows_english_labels_and_messages(app, db):
    case_id = db.register(unique_name("Мова"), "Остап", sex="male")
    page = app.page
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    expect(app.field("visit_date")).to_contain_text("Дата візиту")
    page.locator(".wb-language button", has_text="English").click()
    expect(app.field("visit_date")).to_contain_text("Date of visit")
    expect(app.field("visit_date")).not_to_contain_text("Дата візиту")
    expect(page.locator(".wb-new")).to_have_text("New assessment")
    expect(page.locator(".wb-tabs a.wb-tab-assessments")).to_have_text("Assessments")  # the record around it too
    app.type("household_size", "45")
    expect(app.field("household_size")).to_contain_text("Enter a number from 1 to 30.")
    expect(app.field("household_size")).not_to_contain_text("Вкажіть число")


def test_a_wrong_value_is_flagged_as_typed_and_an_incomplete_form_writes_nothing(app, db):
    case_id = db.register(unique_name("Помилк"), "Тарас", sex="male")
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    app.type("household_size", "0")
    expect(app.field("household_size")).to_contain_text("Вкажіть число від 1 до 30.")
    expect(app.form_status).to_have_text("")  # nothing is said about Save before it is clicked
    app.wait_for_draft(case_id, {"household_size": "0"})

    counts = {t: db.value(f"select count(*) from {t}") for t in ("assessments", "answers")}
    app.save()
    expect(app.form_status).to_contain_text("не збережено")
    expect(app.field("urgent")).to_contain_text("обовʼязкове")  # Save shows every missing answer
    assert {t: db.value(f"select count(*) from {t}") for t in counts} == counts
    assert assessments(db, case_id) == []


def test_a_double_click_on_save_saves_once(app, db):
    case_id = db.register(unique_name("Подвійн"), "Ірина")
    page = app.page
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    filled = complete_answers()
    app.fill(filled)
    app.wait_for_draft(case_id, filled)
    page.evaluate("""() => { window.__saveClicks = 0;
        document.querySelector('.wb-save').addEventListener('click', () => window.__saveClicks++); }""")
    # Two clicks in one browser task: both reach the kernel before it answers the first
    # (a real double click can lose its second click once the first has hidden the form).
    page.evaluate("() => { const save = document.querySelector('.wb-save'); save.click(); save.click(); }")
    expect(app.status).to_contain_text("Збережено")
    # Switched after the clicks, so handled after both (the kernel takes one page's messages in order).
    page.locator(".wb-language button", has_text="English").click()
    expect(page.locator(".wb-new")).to_have_text("New assessment")
    assert page.evaluate("window.__saveClicks") == 2
    assert len(assessments(db, case_id)) == 1
    assert db.value("select count(*) from drafts where case_id = ?", [case_id]) == 0
    expect(page.locator(".wb-saved-row")).to_have_count(1)


def test_forged_widget_values_are_refused_and_nothing_is_written(app, db):
    """A page can send any widget state; the kernel-side checks must refuse what the UI could not produce.

    How the forgery is done: ``FORGE_SCRIPT`` (see needs_assessment_page.py) is installed
    with ``page.add_init_script`` before the app loads. It replaces ``window.WebSocket`` by
    a subclass that offers no subprotocol, so Jupyter Server falls back to the legacy
    kernel protocol of JSON text frames (the test checks that the negotiated protocol is
    empty and that no binary frame was sent), and it rewrites the next outgoing
    ``comm_msg`` ``{method: "update", state}`` whose ``state[key] === from`` into ``to``,
    for the rule the test sets in ``window.__forge``. The kernel then echoes the forged
    state back (ipywidgets' echo_update), so the page ends up showing it too; each rewrite
    is recorded in ``window.__forged`` and the tests check it happened.

    (a) household size: the user types 9, the kernel receives "999"; every other answer
        is valid, Save is clicked anyway; the service refuses it.
    (b) a radio index outside the list (7 of 2 choices for "urgent"): ipywidgets itself
        rejects it in the kernel (``TraitError: Invalid selection: index out of bounds``)
        before the app's code sees it, so "urgent" stays unanswered (the workspace's frame
        says an action failed), Save refuses, nothing is written, and the same page still
        saves once a real choice is clicked.
    """
    case_id = db.register(unique_name("Підробк"), "Юлія")
    page = app.page
    page.add_init_script(FORGE_SCRIPT)
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    assert page.evaluate("window.__protocols") == [""], "the page must speak the JSON (legacy) protocol"

    # (a) an out-of-range household size that the page never typed.
    filled = complete_answers(household_size="9")
    page.evaluate("window.__forge = {key: 'value', from: '9', to: '999'}")
    app.fill(filled)
    page.wait_for_function("window.__forged.length === 1")
    assert [f["state"] for f in page.evaluate("window.__forged")] == [{"value": "999"}]
    app.wait_for_draft(case_id, dict(filled, household_size="999"))  # the kernel holds the forged value
    app.save()
    expect(app.form_status).to_contain_text("не збережено")
    expect(app.field("household_size")).to_contain_text("Вкажіть число від 1 до 30.")
    assert assessments(db, case_id) == []

    # (b) a choice that is not in the list: "urgent" gets index 7 instead of "Ні" (index 1).
    page.click(".wb-close")
    page.locator(".wb-draft-discard").click()
    expect(page.locator(".wb-draft-discard")).to_have_count(0)
    app.new_assessment()
    filled = {k: v for k, v in complete_answers().items() if k != "urgent"}
    app.fill({k: v for k, v in filled.items() if k != "household_size"})
    no_index = [c.name for c in INSTRUMENT.items["urgent"].choices].index("no")
    page.evaluate(f"window.__forge = {{key: 'index', from: {no_index}, to: 7}}")
    # A plain click: Playwright's check() would click again once the kernel's echo of
    # index 7 unticks the radio, and that second, unforged click would send "no".
    app.field("urgent").get_by_label("Ні", exact=True).click()
    page.wait_for_function("window.__forged.length === 2")
    assert page.evaluate("window.__forged")[-1]["state"] == {"index": 7}
    # Typed after the forged update, so handled after it (the kernel takes one page's messages in
    # order): once the draft holds it, the forged index has been handled, and refused.
    app.type("household_size", filled["household_size"])
    held = app.wait_for_draft(case_id, filled)
    assert held["values"]["urgent"] is None, "the kernel must not have taken the forged index"
    # The refusal reaches the page as the frame's message for a failed action, with no traceback in it.
    expect(page.locator(".wb-error")).to_contain_text("помилку програми")
    expect(page.locator(".wb-error")).not_to_contain_text("TraitError")
    app.save()
    expect(app.form_status).to_contain_text("не збережено")
    expect(app.field("urgent")).to_contain_text("обовʼязкове")
    assert assessments(db, case_id) == []
    assert page.evaluate("window.__binarySent") == 0

    # The app still works: a real choice on the same page saves.
    app.choose("urgent", "yes")
    app.choose("urgent", "no")
    app.wait_for_draft(case_id, {"urgent": "no"})
    app.save()
    expect(app.status).to_contain_text("Збережено")
    saved = assessments(db, case_id)
    assert len(saved) == 1
    assert answers(db, saved[0]["id"])[("", 0, "urgent")][0] == "no"


def test_a_draft_survives_a_killed_kernel(app, db, server):
    case_id = db.register(unique_name("Чернетк"), "Богдан", sex="male")
    page = app.page
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    typed = {"household_size": "5", "conclusion_text": "Чернетка висновку: сімʼя переїхала з Харкова.",
             "urgent": "no"}
    app.fill(typed)
    app.wait_for_draft(case_id, typed)

    # kill -9 the page's kernel (a child of the Voilà server running ipykernel).
    old_kernel = app.kernel_id
    pids = server.kernel_pids(old_kernel)
    assert len(pids) == 1, f"kernel {old_kernel}: processes {pids}"
    os.kill(pids[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(pids[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pids[0])

    # A reload gets a new kernel at the same place (the address kept the case and its tab); the draft
    # is offered back and restores the answers.
    page.reload()
    app.wait_ready()
    assert app.kernel_id != old_kernel
    app.wait_for_case(case_id, "assessments")
    page.locator(".wb-draft-resume").click()
    expect(app.field("household_size").locator("input")).to_have_value("5")
    expect(app.field("conclusion_text").locator("textarea")).to_have_value(typed["conclusion_text"])
    expect(app.field("urgent").get_by_label("Ні", exact=True)).to_be_checked()
    expect(page.locator(".wb-assessed-on input")).to_have_value(today_text())
