"""Driving the intake and case Voilà apps in Chromium: addresses, selectors, choices by their labels.

Waiting: each widget here is changed once before a button is clicked (one ``fill``,
one ``select_option``, one ``check``), so each sends one ``update`` message, which
ipywidgets sends at once; the kernel handles one page's messages in order, so a
click is handled after every value set before it. (A widget changed twice in a row
may hold its second update back until the first is answered; the tests never do
that before a click.) Elsewhere the tests wait on what the page shows or on SQLite.
"""
from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from workbench import config

from .conftest import Database, Server

# Intake and case have no preheated kernel: the page's load event waits until a new kernel has
# started and run the notebook (~10 s here, far more on a busy machine), so goto gets this too.
APP_READY_TIMEOUT_MS = 60_000

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
    """The intake app (``intake.ipynb``)."""

    def __init__(self, page: Page, server: Server):
        self.page, self.server = page, server

    def open(self) -> "IntakePage":
        self.page.goto(self.server.url("intake.ipynb"), timeout=APP_READY_TIMEOUT_MS)
        self.page.wait_for_selector(".wb-intake-register", timeout=APP_READY_TIMEOUT_MS)
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
    """The case app opened on one case (``case.ipynb?case=ID``)."""

    def __init__(self, page: Page, server: Server, db: Database):
        self.page, self.server, self.db = page, server, db

    def open(self, case_id: int) -> "CasePage":
        self.case_id = case_id
        number = case_row(self.db, case_id)["case_number"]
        self.page.goto(self.server.url("case.ipynb") + f"?case={case_id}", timeout=APP_READY_TIMEOUT_MS)
        self.page.wait_for_selector(".wb-case-header", timeout=APP_READY_TIMEOUT_MS)
        expect(self.page.locator(".wb-case-header")).to_contain_text(number)
        return self

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
