"""The administrators' users page and a user's own password: Chromium → Voilà (workspace.ipynb) → kernel → SQLite,
on a desktop (1280 px) and a phone (390 px).

The administrator (``admin.demo``, a server of their own) lands on ``?view=users``, adds a user and resets their
password; the one-time password is read off the page, as the administrator would read it out. The new user's
workspace (another server) holds them on the password view until they have chosen their own. Nothing may reach
past the screen's right edge on either page. Waiting as in case_cycle_pages.py: each widget is changed once
before its button is clicked; the tests wait on what the page shows and on SQLite.
"""
from __future__ import annotations

import re
import uuid

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench import i18n
from workbench.store.connection import open_db
from workbench.store.credentials import sign_in

from .case_cycle_pages import address, open_workspace
from .layout import overflowing

SCREENS = {"desktop": {"width": 1280, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SCREENS))
def screen_page(request, browser):
    """A fresh page the size of a desktop screen or a phone (with touch, as a phone reports itself)."""
    phone = request.param == "phone"
    context = browser.new_context(locale="uk-UA", viewport=SCREENS[request.param], is_mobile=phone,
                                  has_touch=phone)
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_an_administrator_adds_a_user_and_resets_their_password_and_the_user_chooses_their_own(
        screen_page, staff_server, db):
    page = screen_page
    username = f"test.{uuid.uuid4().hex[:8]}"
    name = "Тестова Користувачка"

    # The administrator: the users page is their home.
    open_workspace(page, staff_server("admin.demo"), ready=".wb-user-add-submit")
    expect(page.locator(".wb-nav a.wb-here")).to_have_class(re.compile(r"\bwb-nav-users\b"))
    expect(page.locator(".wb-nav a.wb-nav-home")).to_have_count(0)
    expect(page.locator(".wb-sign-out")).to_have_count(0)  # no hub here: nothing to sign out of
    page.fill(".wb-user-add-username input", username)
    page.fill(".wb-user-add-display_name input", name)
    page.select_option(".wb-user-add-role select", value=i18n.t("policy.role.case_manager", "uk"))
    page.fill(".wb-user-add-teams input", "Північ")
    page.click(".wb-user-add-submit")
    expect(page.locator(".wb-user-add-status")).to_contain_text(f"Користувача {username} додано")
    expect(page.locator(f'.wb-users-list tr[data-user="{username}"]')).to_contain_text("не встановлено")
    [row] = db.rows("select role, teams, active, recorded_by from user_versions where username = ?", [username])
    assert row == {"role": "case_manager", "teams": '["Північ"]', "active": 1, "recorded_by": "admin.demo"}

    page.select_option(".wb-user-reset-username select", value=f"{name} ({username})")
    page.click(".wb-user-reset-submit")
    expect(page.locator(".wb-user-reset-status")).to_contain_text("скинуто")
    one_time = page.locator(".wb-one-time-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", one_time), one_time
    expect(page.locator(".wb-one-time")).to_contain_text("має обрати власний пароль")
    expect(page.locator(f'.wb-users-list tr[data-user="{username}"]')).to_contain_text("тимчасовий")
    assert db.value("select temporary from credentials where username = ? order by id desc", [username]) == 1
    assert overflowing(page) == []
    page.click(".wb-password-link")  # the administrator leaves the page: the one-time password goes with it
    expect(page.locator(".wb-password-current input")).to_be_visible()
    assert address(page) == "view=password"
    expect(page.locator(".wb-one-time-password")).to_have_count(0)

    # The new user, signed in with the one-time password: held on the password view, whatever the address.
    open_workspace(page, staff_server(username), "view=events", ready=".wb-password-submit")
    expect(page.locator(".wb-password-notice")).to_contain_text("Ви увійшли з тимчасовим паролем")
    expect(page.locator(".wb-nav")).to_be_hidden()
    expect(page.locator(".wb-event-submit")).to_have_count(0)
    assert overflowing(page) == []
    page.fill(".wb-password-current input", one_time)
    page.fill(".wb-password-new input", "моя-нова-фраза")
    page.fill(".wb-password-repeated input", "моя-нова-фраза!")
    page.click(".wb-password-submit")
    expect(page.locator(".wb-password-status")).to_contain_text("не збігаються")
    for field in ("current", "new", "repeated"):  # nothing typed stays in the page
        expect(page.locator(f".wb-password-{field} input")).to_have_value("")
    page.fill(".wb-password-current input", one_time)
    page.fill(".wb-password-new input", "моя-нова-фраза")
    page.fill(".wb-password-repeated input", "моя-нова-фраза")
    page.click(".wb-password-submit")
    expect(page.locator(".wb-password-status")).to_contain_text("Пароль змінено")
    expect(page.locator(".wb-nav")).to_be_visible()
    expect(page.locator(".wb-password-new input")).to_have_value("")
    assert overflowing(page) == []
    page.click(".wb-nav a.wb-nav-events")
    page.wait_for_selector(".wb-event-submit")

    database = open_db(db.path)
    try:
        assert not sign_in(database, username, one_time).ok
        result = sign_in(database, username, "моя-нова-фраза")
        assert result.ok and not result.must_change
    finally:
        database.conn.close()
