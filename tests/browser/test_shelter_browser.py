"""The case record's shelter tab end to end: Chromium → Voilà (workspace.ipynb?case=ID&tab=shelter) → kernel →
SQLite."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench.apps import case  # noqa: F401  (adds the case record's texts to i18n)

from .case_cycle_pages import CasePage
from .needs_assessment_page import FORGE_SCRIPT, unique_name

@pytest.fixture
def case_page(page, server, db) -> CasePage:
    return CasePage(page, server, db)


def stays(db, case_id) -> list[dict]:
    return db.rows("""select s.*, d.to_on from shelter_stays s left join shelter_departures d on d.stay_id = s.id
                      where s.person_id in (select m.person_id from household_members m join cases c
                                            on c.household_id = m.household_id where c.id = ?)
                      order by s.id""", [case_id])


def test_a_stay_is_recorded_and_ended_and_a_forged_person_refused(case_page, db):
    family = unique_name("Притулок")
    case_id = db.register(family, "Оксана")
    page = case_page.page
    page.add_init_script(FORGE_SCRIPT)
    case_page.open(case_id, "shelter")
    section = page.locator(".wb-shelter-stays")
    expect(section).to_contain_text("Перебувань у притулку не записано.")
    expect(case_page.form("shelter-stay")).to_be_visible()
    expect(case_page.form("shelter-end")).to_be_hidden()  # nothing open to end

    # A forged person: the user picks the one person (index 1), the kernel receives index 9 and refuses it.
    arrived = (date.today() - timedelta(days=3)).strftime("%d.%m.%Y")
    case_page.type("shelter-stay", "shelter", "Притулок «Надія» (браузерний тест)")
    case_page.type("shelter-stay", "from_on", arrived)
    page.evaluate("window.__forge = {key: 'index', from: 1, to: 9}")
    case_page.select("shelter-stay", "person_id", f"{family} Оксана")
    page.wait_for_function("window.__forged.length === 1")
    # The kernel echoes what it received before checking it: the page, which chose the person, shows no choice.
    expect(page.locator(".wb-shelter-stay-person_id select")).to_have_js_property("selectedIndex", -1)
    case_page.submit("shelter-stay")
    expect(case_page.error("shelter-stay", "person_id")).to_contain_text("Це поле обовʼязкове.")
    expect(case_page.status("shelter-stay")).to_contain_text("Не збережено")
    assert stays(db, case_id) == []

    # A real choice records the stay. One change only: ipywidgets holds a second change of the same select
    # back until the kernel has answered the first, and a click sent meanwhile would overtake it.
    case_page.select("shelter-stay", "person_id", f"{family} Оксана")
    case_page.submit("shelter-stay")
    expect(case_page.status("shelter-stay")).to_contain_text("Перебування записано.")
    [stay] = stays(db, case_id)
    assert (stay["shelter"], stay["case_id"], stay["to_on"]) == ("Притулок «Надія» (браузерний тест)", case_id, None)
    expect(section).to_contain_text(f"{family} Оксана")
    expect(section).to_contain_text("триває")

    # The saved form is emptied. A second stay while this one goes on is refused with the service's message.
    expect(page.locator(".wb-shelter-stay-shelter input")).to_have_value("")
    case_page.type("shelter-stay", "shelter", "Притулок «Надія» (браузерний тест)")
    case_page.type("shelter-stay", "from_on", arrived)
    case_page.select("shelter-stay", "person_id", f"{family} Оксана")
    case_page.submit("shelter-stay")
    expect(case_page.status("shelter-stay")).to_contain_text("ще перебуває в притулку")
    assert len(stays(db, case_id)) == 1

    # Ending it: a date before the arrival is refused, then a good one is recorded.
    expect(case_page.form("shelter-end")).to_be_visible()
    case_page.select("shelter-end", "stay_id", f"{family} Оксана — Притулок «Надія» (браузерний тест), {arrived}")
    case_page.type("shelter-end", "to_on", (date.today() - timedelta(days=4)).strftime("%d.%m.%Y"))
    case_page.submit("shelter-end")
    expect(case_page.status("shelter-end")).to_contain_text("раніше дати заселення")
    assert stays(db, case_id)[0]["to_on"] is None
    case_page.select("shelter-end", "stay_id", f"{family} Оксана — Притулок «Надія» (браузерний тест), {arrived}")
    case_page.type("shelter-end", "to_on", date.today().strftime("%d.%m.%Y"))
    case_page.submit("shelter-end")
    expect(case_page.status("shelter-end")).to_contain_text("Вибуття записано.")
    assert stays(db, case_id)[0]["to_on"] == date.today().isoformat()
    expect(section).not_to_contain_text("триває")
    expect(case_page.form("shelter-end")).to_be_hidden()
    assert page.evaluate("window.__binarySent") == 0
