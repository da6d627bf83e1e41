"""An organisation's own XLSForm in the workspace, end to end: a case of the programme the configuration gives
that form (``OWN_PROGRAMME``, tests/data/community_visit.md) opens with it; the settlements follow the region,
a geopoint out of range is refused with its message, a time is typed, the label shows the carer's name and
the repeat has exactly as many entries as typed. What was saved is read back from SQLite. Then, at a phone's
width, a second form fits the screen."""
from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench.instruments.loader import load_instrument
from workbench.instruments.validation import check_submission

from .conftest import OWN_FORM, OWN_PROGRAMME
from .layout import overflowing
from .needs_assessment_page import AppPage, unique_name

FORM = load_instrument(OWN_FORM)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def own_case(server, db, monkeypatch):
    """A new family with an open case of the programme that uses the own form."""
    monkeypatch.setenv("WB_CONFIG", str(server.db_path.with_name("organisation.json")))  # the server's own
    return db.register(unique_name("Громад"), "Оксана", programme=OWN_PROGRAMME)


def choose(app: AppPage, name: str, label: str):
    app.field(name).get_by_label(label, exact=True).check()


def answers(db, case_id) -> dict:
    """``{(repeat, instance, item): value}`` of the case's one saved assessment."""
    rows = db.rows("""select a.repeat, a.instance, a.item, a.value from answers a join assessments s
                      on s.id = a.assessment_id where s.case_id = ? and s.instrument_id = 'community_visit'""",
                   [case_id])
    return {(r["repeat"], r["instance"], r["item"]): r["value"] for r in rows}


def test_a_case_is_assessed_with_the_organisations_own_form(page, server, db, own_case):
    app = AppPage(page, server, db)
    app.open_at(own_case)
    expect(page.locator(".wb-instrument select")).to_have_value(FORM.title("uk"))  # the programme's form
    page.click(".wb-new")
    page.wait_for_selector(".wb-field-region input")
    settlements = app.field("settlement").locator(".widget-radio-box label")
    expect(settlements).to_have_count(0)
    choose(app, "region", "Київська область")
    expect(settlements).to_have_text(["Буча", "Ірпінь"])
    choose(app, "region", "Львівська область")
    expect(settlements).to_have_text(["Стрий", "Самбір"])
    choose(app, "settlement", "Самбір")

    out_of_range = check_submission(FORM, {"home": "91 30"}).messages("uk")[("home", 0)][0]
    app.field("home").locator("input").fill("91 30")
    expect(app.field("home")).to_contain_text(out_of_range)
    app.field("home").locator("input").fill("49.52 23.19")
    expect(app.field("home")).not_to_contain_text(out_of_range)
    app.field("visit_time").locator("input").fill("9:05")
    app.field("carer").locator("textarea").fill("Оксана")
    expect(app.field("children")).to_contain_text("Скільки дітей доглядає Оксана?")

    entries = page.locator(".wb-instance-child")
    app.field("children").locator("input").fill("3")
    expect(entries).to_have_count(3)
    expect(page.locator(".wb-add-child")).to_be_hidden()  # the count decides, not a button
    children = ["Іра", "Петро", "Марко"]
    for number, name in enumerate(children):
        entries.nth(number).locator(".wb-field-child_name textarea").fill(name)
    typed = {"region": "lviv", "settlement": "sambir", "home": "49.52 23.19", "visit_time": "9:05",
             "carer": "Оксана", "children": "3", "child": [{"child_name": n} for n in children]}
    app.wait_for_draft(own_case, typed)
    app.save()
    expect(app.status).to_contain_text("Збережено")
    assert answers(db, own_case) == {
        ("", 0, "region"): "lviv", ("", 0, "settlement"): "sambir", ("", 0, "home"): "49.52 23.19 0 0",
        ("", 0, "visit_time"): "09:05", ("", 0, "carer"): "Оксана", ("", 0, "children"): "3",
        **{("child", number, "child_name"): name for number, name in enumerate(children, start=1)}}

    # On a phone (the same page made 390 px wide: no second kernel to wait for), a new form fits the
    # screen and its repeat follows the count down as well as up.
    page.set_viewport_size(PHONE)
    page.click(".wb-new")
    page.wait_for_selector(".wb-field-region input")
    expect(entries).to_have_count(0)
    choose(app, "region", "Київська область")
    choose(app, "settlement", "Ірпінь")
    app.field("children").locator("input").fill("2")
    expect(entries).to_have_count(2)
    app.field("children").locator("input").fill("1")
    expect(entries).to_have_count(1)
    assert overflowing(page) == []
