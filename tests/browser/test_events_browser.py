"""The events log: Chromium → Voilà (workspace.ipynb?view=events) → kernel → SQLite.

Each test records events of a project name of its own (``unique_name``), so the order of
the tests does not matter; what the view wrote is read back from SQLite.

Waiting (as in case_cycle_pages.py): each widget is changed once before Save is clicked
(one ``fill``, one ``select_option``), so each sends one ``update`` message at once; the
kernel handles one page's messages in order, so a click is handled after every value set
before it. Elsewhere the tests wait on what the page shows or on SQLite.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import Page, expect

from workbench import config
from workbench.demo import USERS

from .case_cycle_pages import address, open_workspace
from .conftest import USER
from .needs_assessment_page import FORGE_SCRIPT, unique_name

NAMES = {username: name for username, name, _, _ in USERS}


class EventsPage:
    """The workspace's events log (``?view=events``)."""

    def __init__(self, page: Page, server):
        self.page, self.server = page, server

    def open(self) -> "EventsPage":
        open_workspace(self.page, self.server, "view=events", ready=".wb-event-submit")
        return self

    def open_from_home(self) -> "EventsPage":
        """Load the home page and go to the events log by the navigation's link (in the page, no load)."""
        open_workspace(self.page, self.server, ready=".wb-caseload")
        self.page.click(".wb-nav a.wb-nav-events")
        self.page.wait_for_selector(".wb-event-submit")
        expect(self.page.locator(".wb-nav a.wb-here")).to_have_class(re.compile(r"\bwb-nav-events\b"))
        assert address(self.page) == "view=events"
        return self

    def type(self, field: str, text: str):
        kind = "textarea" if field == "note" else "input"
        self.page.fill(f".wb-event-{field} {kind}", text)

    def choose_type(self, code: str):
        """Pick the event type by its Ukrainian label (the code never reaches the page)."""
        # By value: ipywidgets sets an option's value to its label as given, while its text has the
        # label's spaces as no-break spaces, which Playwright before 1.60 does not match to spaces.
        self.page.select_option(".wb-event-event_type select", value=config.label("event_types", code, "uk"))

    def choose_staff(self, *usernames: str):
        """Tick exactly these staff (a tap on each box that changes; no Ctrl): the only place the tests touch
        the staff field."""
        wanted = {NAMES[u] for u in usernames}
        for box in self.page.locator(".wb-event-staff .widget-checkbox").all():
            box.locator("input").set_checked(box.inner_text().strip() in wanted)

    def fill(self, project: str, *, event_type: str | None = "training", participants="25", children="7",
             idps="11", staff=(USER, "andrii.demo")):
        """Every field but the date (today already) and the note; each widget changed once."""
        if event_type:
            self.choose_type(event_type)
        self.type("project", project)
        self.type("place", "Бучанський ЦСС, зала 1")
        self.type("participants", participants)
        self.type("children", children)
        self.type("idps", idps)
        self.choose_staff(*staff)

    def save(self):
        self.page.click(".wb-event-submit")

    @property
    def status(self):
        return self.page.locator(".wb-event-status")

    def error(self, field: str):
        return self.page.locator(f".wb-event-{field}-error")


@pytest.fixture
def events(page, server) -> EventsPage:
    return EventsPage(page, server)


def events_of(db, project: str) -> list[dict]:
    return db.rows("select * from events where project = ? order by id", [project])


def audit_of(db, event_id: int) -> list[dict]:
    return db.rows("select * from audit_log where entity = 'events' and entity_id = ?", [str(event_id)])


def test_an_event_recorded_on_the_page_is_in_the_database_once(events, db):
    project = unique_name("Проєкт")
    page = events.page
    events.open_from_home()
    expect(page.locator(".wb-event-held_on input")).to_have_value(date.today().strftime("%d.%m.%Y"))
    events.fill(project)
    page.fill(".wb-event-note textarea", "Тренінг з позитивного батьківства")
    # Two clicks in one browser task: both reach the kernel before it answers the first.
    page.evaluate("() => { const b = document.querySelector('.wb-event-submit'); b.click(); b.click(); }")
    expect(events.status).to_contain_text("збережено")
    found = re.search(r"Захід №(\d+) збережено\.", events.status.inner_text())
    assert found, events.status.inner_text()
    # The language switch is handled after the second click: once the page is in English, both clicks were.
    page.locator(".wb-language button", has_text="English").click()
    expect(page.locator(".wb-event-submit")).to_have_text("Save the event")

    [row] = events_of(db, project)
    assert row["id"] == int(found.group(1))
    assert (row["held_on"], row["event_type"], row["place"], row["participants"], row["children"], row["idps"],
            sorted(json.loads(row["staff"])), row["note"], row["supersedes"], row["recorded_by"]) == (
        date.today().isoformat(), "training", "Бучанський ЦСС, зала 1", 25, 7, 11, ["andrii.demo", "olena.demo"],
        "Тренінг з позитивного батьківства", None, USER)
    assert [a["action"] for a in audit_of(db, row["id"])] == ["record_event"]
    listed = page.locator(f'.wb-events-list tr[data-event="{row["id"]}"]')
    expect(listed).to_contain_text(project)
    for username in json.loads(row["staff"]):
        expect(listed).to_contain_text(NAMES[username])
    expect(listed).to_contain_text("Training")


def test_a_forged_event_type_is_refused_with_its_message_and_nothing_is_written(events, db):
    """The type dropdown syncs only its ``index``; a forged one must not become an event.

    ``FORGE_SCRIPT`` (needs_assessment_page.py), installed before the app loads, makes the
    page speak the legacy JSON protocol and rewrites the next outgoing widget ``update``
    whose ``state.index`` is ``from`` into ``to``. The user picks "Тренінг"; the kernel
    receives index 99 of six options. ipywidgets refuses it in the kernel (``TraitError:
    Invalid selection: index out of bounds``), so the kernel holds no type; Save is refused
    by ``record_event`` with the message under the type field, and nothing is written. The
    same page then saves an honest choice, so the forged index was the only thing wrong.
    """
    project = unique_name("Підробк")
    page = events.page
    page.add_init_script(FORGE_SCRIPT)
    events.open()
    assert page.evaluate("window.__protocols") == [""], "the page must speak the JSON (legacy) protocol"
    training = ["", *config.load_config()["event_types"]].index("training")  # "— виберіть —" comes first
    before = {t: db.value(f"select count(*) from {t}") for t in ("events", "audit_log")}

    page.evaluate(f"window.__forge = {{key: 'index', from: {training}, to: 99}}")
    events.fill(project, event_type="training")
    page.wait_for_function("window.__forged.length === 1")
    assert [f["state"] for f in page.evaluate("window.__forged")] == [{"index": 99}]
    # The kernel echoes what it received before checking it: the page, which chose "Тренінг", shows no choice.
    expect(page.locator(".wb-event-event_type select")).to_have_js_property("selectedIndex", -1)
    events.save()
    expect(events.error("event_type")).to_have_text("Це поле обовʼязкове.")
    expect(events.status).to_contain_text("Не збережено: виправте позначені поля (1).")
    assert events_of(db, project) == []
    assert {t: db.value(f"select count(*) from {t}") for t in before} == before

    # An honest choice on the same page saves the only event.
    events.choose_type("mobile_team_trip")
    events.save()
    expect(events.status).to_contain_text("збережено")
    expect(events.error("event_type")).to_have_text("")
    assert [(r["event_type"], r["participants"]) for r in events_of(db, project)] == [("mobile_team_trip", 25)]
    assert db.value("select count(*) from events") == before["events"] + 1
    assert page.evaluate("window.__binarySent") == 0 and len(page.evaluate("window.__forged")) == 1
