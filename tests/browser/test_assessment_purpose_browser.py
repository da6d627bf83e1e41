"""The assessment's purpose end to end, in the workspace's assessments tab: Chromium → Voilà → kernel → SQLite.

The worker picks the purpose in the form's dropdown and it is saved with the assessment;
a page that forges the dropdown into "no choice" (``index: null``, which ipywidgets
accepts) is refused by the service, the message shown under the dropdown, and nothing written.
"""
from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench import config

from .needs_assessment_page import FORGE_SCRIPT, AppPage, complete_answers, unique_name

PURPOSES = list(config.load_config()["assessment_purposes"])


@pytest.fixture
def app(page, server, db) -> AppPage:
    return AppPage(page, server, db)


def saved_purposes(db, case_id) -> list:
    return [r["purpose"] for r in db.rows("select purpose from assessments where case_id = ? order by id", [case_id])]


def test_the_chosen_purpose_is_saved_and_a_forged_one_refused(app, db):
    case_id = db.register(unique_name("Мета"), "Олеся")
    page = app.page
    page.add_init_script(FORGE_SCRIPT)
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    assert page.evaluate("window.__protocols") == [""], "the page must speak the JSON (legacy) protocol"
    purpose = page.locator(".wb-purpose select")
    # ipywidgets renders the labels' spaces as no-break spaces; the first (needs assessment) is chosen.
    labels = [o.replace("\xa0", " ").strip() for o in purpose.locator("option").all_inner_texts()]
    assert labels == [config.label("assessment_purposes", code, "uk") for code in PURPOSES]
    assert purpose.evaluate("s => s.selectedIndex") == PURPOSES.index("needs_assessment")

    # A real choice: determining a child's status (chosen by the option's value, the label with its
    # ordinary spaces; Playwright before 1.60 does not match the no-break spaces of its text to them).
    filled = complete_answers()
    app.fill(filled)
    purpose.select_option(value=config.label("assessment_purposes", "child_war_status", "uk"))
    app.wait_for_draft(case_id, filled, purpose="child_war_status")
    app.save()
    expect(app.status).to_contain_text("Збережено")
    assert saved_purposes(db, case_id) == ["child_war_status"]
    expect(page.locator(".wb-saved-list")).to_contain_text(config.label("assessment_purposes", "child_war_status", "uk"))

    # A forged "no choice": the user picks "review", the kernel receives index null.
    app.new_assessment()
    app.fill(filled)
    page.evaluate(f"window.__forge = {{key: 'index', from: {PURPOSES.index('review')}, to: null}}")
    purpose.select_option(value=config.label("assessment_purposes", "review", "uk"))
    page.wait_for_function("window.__forged.length === 1")
    assert page.evaluate("window.__forged")[-1]["state"] == {"index": None}
    app.wait_for_draft(case_id, filled, purpose=None)  # the kernel holds no purpose
    app.save()
    expect(page.locator(".wb-purpose-error")).to_contain_text("Це поле обовʼязкове.")
    expect(app.form_status).to_contain_text("Не збережено: виправте позначені поля (1).")
    assert saved_purposes(db, case_id) == ["child_war_status"], "nothing written"
    assert page.evaluate("window.__binarySent") == 0
