"""Driving the workspace (``workspace.ipynb``) in Chromium: its home, intake and the case record's tabs;
addresses, selectors, choices by their labels.

Waiting: each widget here is changed once before a button is clicked (one ``fill``,
one ``select_option``, one ``check``), so each sends one ``update`` message, which
ipywidgets sends at once; the kernel handles one page's messages in order, so a
click is handled after every value set before it. (A widget changed twice in a row
may hold its second update back until the first is answered; the tests never do
that before a click.) Elsewhere the tests wait on what the page shows or on SQLite.
A view or tab opened by an in-page link is waited for by what it shows (the tab
marked ``wb-here``, its section drawn), and the address by ``page.url``.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from workbench import config

from .conftest import Database, Server

APP = "workspace.ipynb"
# A page load takes the preheated kernel if one waits, else starts one: its load event waits until a
# new kernel has started and run the notebook (~10 s here, far more on a busy machine), so goto gets this too.
APP_READY_TIMEOUT_MS = 60_000
# The case record's tabs and the section each shows.
SECTIONS = {"overview": ".wb-case-overview", "people": ".wb-case-people", "services": ".wb-case-services",
            "shelter": ".wb-case-shelter", "assessments": ".wb-assessments", "plan": ".wb-plan",
            "documents": ".wb-documents"}


def open_workspace(page: Page, server: Server, query: str = "", ready: str = ".wb-nav"):
    """Load the workspace at ``?query`` and wait until ``ready`` shows (the frame's navigation by default)."""
    page.goto(server.url(APP) + (f"?{query}" if query else ""), timeout=APP_READY_TIMEOUT_MS)
    page.wait_for_selector(ready, timeout=APP_READY_TIMEOUT_MS)


def go(page: Page, query: str):
    """Follow an in-page link to ``?query``, as a link of any view does (the page tells its kernel; no load).
    The page can send any address this way: what the kernel then shows is checked by the store."""
    page.evaluate("""query => {
      const link = document.createElement('a');
      link.className = 'wb-go';
      link.href = '?' + query;
      document.querySelector('.wb-app').appendChild(link);
      link.click();
      link.remove();
    }""", query)


def address(page: Page) -> str:
    """The page's address query (no ``?``): what the workspace shows, kept in step by its address widget."""
    return urlsplit(page.url).query


# Ukrainian → Latin, the passport transliteration (Cabinet of Ministers resolution 55, 2010).
_KMU = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
        "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ʼ": "", "'": "", "’": ""}
_KMU_FIRST = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}  # at the start of a word


def latin(name: str) -> str:
    """``Ковилар`` → ``Kovylar``, ``Ясененко`` → ``Yasenenko``: a name as a Ukrainian passport spells it."""
    out = []
    for i, ch in enumerate(name):
        low = ch.lower()
        start = i == 0 or not name[i - 1].isalpha()
        text = (_KMU_FIRST.get(low) if start else None) or _KMU.get(low, low)
        if low == "г" and i > 0 and name[i - 1].lower() == "з":
            text = "gh"  # зг → zgh
        out.append(text.capitalize() if ch.isupper() else text)
    return "".join(out)


def ua(iso: str) -> str:
    """``1988-02-09`` → ``09.02.1988``."""
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def day_month_swapped(iso: str) -> str:
    """``1988-02-09`` → ``02.09.1988`` (day and month typed the wrong way round)."""
    d = date.fromisoformat(iso)
    return f"{d.month:02d}.{d.day:02d}.{d.year}"


def label(kind: str, code: str) -> str:
    """The Ukrainian label of a configured code: what a dropdown shows (the code never reaches the page)."""
    return config.label(kind, code, "uk")


def option_labels(page: Page, selector: str) -> list[str]:
    """The labels a ``<select>`` offers, non-breaking spaces (ipywidgets puts them in) made plain."""
    return [text.replace("\xa0", " ") for text in page.locator(f"{selector} option").all_inner_texts()]


def case_row(db: Database, case_id: int) -> dict:
    return db.rows("select * from cases where id = ?", [case_id])[0]


def case_events(db: Database, case_id: int) -> list[dict]:
    return db.rows("select * from case_events where case_id = ? order by id", [case_id])


class IntakePage:
    """The workspace's intake view (``?view=intake``)."""

    def __init__(self, page: Page, server: Server):
        self.page, self.server = page, server

    def open(self) -> "IntakePage":
        open_workspace(self.page, self.server, "view=intake", ready=".wb-intake-register")
        return self

    def choose(self, field: str, kind: str, code: str):
        """Pick ``code`` in the request's dropdown ``field`` (programme, category, intake_channel) by its label."""
        # By value: ipywidgets sets an option's value to its label as given, while its text has the
        # label's spaces as no-break spaces, which Playwright before 1.60 does not match to spaces.
        self.page.select_option(f".wb-intake-{field} select", value=label(kind, code))

    def member(self, number: int):
        return self.page.locator(f".wb-member-{number}")

    def type_member(self, number: int, **fields):
        """Type a member's text fields (family_name, given_name, patronymic, birth_date, consent_given_by)."""
        for name, text in fields.items():
            self.member(number).locator(f".wb-member-{name} input").fill(text)

    def choose_member(self, number: int, field: str, kind: str, code: str):
        """Pick a member's sex or relation by its label."""
        self.member(number).locator(f".wb-member-{field} select").select_option(value=label(kind, code))

    def add_member(self, number: int):
        """Click "add a family member" and wait for block ``number`` (the applicant is 0)."""
        self.page.click(".wb-add-member")
        self.member(number).wait_for()

    def consent(self, purpose: str = "data_processing"):
        self.page.check(f".wb-consent-{purpose} input")

    def register(self):
        self.page.click(".wb-intake-register")

    @property
    def result(self):
        return self.page.locator(".wb-intake-result")

    def register_family(self, family_name: str, given_name: str, birth_date: str, sex: str = "female",
                        programme: str = "family_support", category: str = "family_difficult_circumstances"):
        """Fill a one-person family with consent and register it; waits for the result."""
        self.choose("programme", "programmes", programme)
        self.choose("category", "categories", category)
        self.choose("intake_channel", "intake_channels", "application")
        self.type_member(0, family_name=family_name, given_name=given_name, birth_date=birth_date)
        self.choose_member(0, "sex", "sexes", sex)
        self.consent()
        self.register()
        expect(self.result).to_contain_text("Зареєстровано: випадок")


class CasePage:
    """The workspace's case record opened on one case (``?case=ID&tab=TAB``); ``case_id`` is the case the page
    is expected to show when it got there by a link (:meth:`open` sets it)."""

    def __init__(self, page: Page, server: Server, db: Database, case_id: int | None = None):
        self.page, self.server, self.db, self.case_id = page, server, db, case_id

    def open(self, case_id: int, tab: str = "overview") -> "CasePage":
        """Load the page at the case's address and wait until the tab shows the case."""
        self.case_id = case_id
        open_workspace(self.page, self.server, f"case={case_id}&tab={tab}", ready=".wb-record-header h3")
        self.shows(tab)
        return self

    def tab(self, name: str) -> "CasePage":
        """Go to another tab by its link (in the page, no load) and wait until it shows the case."""
        self.page.click(f".wb-tabs a.wb-tab-{name}")
        self.shows(name)
        return self

    def shows(self, tab: str):
        """Wait until the record shows this case at ``tab``: header, the tab marked, its section, the address."""
        number = case_row(self.db, self.case_id)["case_number"]
        expect(self.page.locator(".wb-record-header")).to_contain_text(number)
        expect(self.page.locator(".wb-tabs a.wb-here")).to_have_class(re.compile(rf"\bwb-tab-{tab}\b"))
        expect(self.page.locator(SECTIONS[tab])).to_be_visible()
        assert address(self.page) == f"case={self.case_id}&tab={tab}"

    @property
    def facts(self):
        return self.page.locator(".wb-case-facts")

    def form(self, name: str):
        """An action form (move, transfer, reopen, …) as a whole."""
        return self.page.locator(f".wb-{name}")

    def status(self, form: str):
        return self.page.locator(f".wb-{form}-status")

    def error(self, form: str, field: str):
        return self.page.locator(f".wb-{form}-{field}-error")

    def select(self, form: str, field: str, text: str):
        # By value: ipywidgets sets an option's value to its label as given, while its text has the
        # label's spaces as no-break spaces, which Playwright before 1.60 does not match to spaces.
        self.page.select_option(f".wb-{form}-{field} select", value=text)

    def type(self, form: str, field: str, text: str):
        self.page.fill(f".wb-{form}-{field} input", text)

    def submit(self, form: str):
        self.page.click(f".wb-{form}-submit")
