"""The needs assessment and the events log on a phone (390×844) and a tablet (768×1024).

Nothing may reach past the screen's right edge (a wide table scrolls in its own box) or be
cut off by the box it is in, each 0–3 rating option is a touch target at least 40 px high,
the level chosen can be read whole, and the staff who ran an event are ticked without Ctrl.
The checks are in ``layout.py``; a failure lists the elements at fault.
"""
from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .conftest import USER
from .layout import clipped, overflowing, small_targets, unreadable
from .needs_assessment_page import INSTRUMENT, AppPage, unique_name
from .test_events_browser import EventsPage

SCREENS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024}}
TOUCH_PX = 40
RATING = INSTRUMENT.scored_items("parenting_capacity")[0].name  # a 0–3 rating with long option labels


@pytest.fixture(params=sorted(SCREENS))
def small_page(request, browser):
    """A fresh page the size of a phone or a tablet, with touch, as such a device reports itself."""
    context = browser.new_context(locale="uk-UA", viewport=SCREENS[request.param], is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_needs_assessment_form_fits_and_its_ratings_can_be_touched_and_read(small_page, server, db):
    app = AppPage(small_page, server, db)
    case_id = db.register(unique_name("Телефон"), "Дарина")
    app.open()
    app.open_case(case_id)
    app.new_assessment()
    app.choose(RATING, "3")  # the longest label, the last row
    options = f".wb-field-{RATING} .widget-radio-box label"
    expect(small_page.locator(f"{options} input:checked")).to_have_count(1)

    assert overflowing(small_page) == []
    assert clipped(small_page) == []
    assert small_targets(small_page, ".wb-app .widget-radio-box label", TOUCH_PX) == []
    assert small_targets(small_page, ".wb-app button, .wb-app select, .wb-app .widget-checkbox label", TOUCH_PX) == []
    assert unreadable(small_page, options) == []
    chosen = small_page.locator(options).filter(has=small_page.locator("input:checked"))
    expect(chosen).to_contain_text("3 — критичний стан")


def test_the_events_log_fits_and_its_staff_are_chosen_without_ctrl(small_page, server):
    events = EventsPage(small_page, server).open()
    assert overflowing(small_page) == []  # the list of events scrolls sideways in its own box
    assert clipped(small_page) == []
    assert small_targets(small_page, ".wb-event-staff label", TOUCH_PX) == []
    assert small_targets(small_page, ".wb-app button, .wb-app select, .wb-app input[type=text]", TOUCH_PX) == []
    events.choose_staff(USER, "andrii.demo")  # the signed-in worker is ticked already; one tap adds Andrii
    expect(small_page.locator(".wb-event-staff input:checked")).to_have_count(2)
