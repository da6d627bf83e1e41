"""Driving the workspace's needs assessments in Chromium: finding a case on the home page, the case record's
assessments tab, typing into its form, and waiting on the kernel.

Waiting: the page and the kernel talk asynchronously, and ipywidgets holds back a
model's second update while its first is in flight, so a click on Save could
overtake a value still on its way. Before every Save the tests wait until the
kernel has every typed value, read from the draft the app keeps in SQLite on each
change (``wait_for_draft``); elsewhere they wait on what the page shows. The kernel
handles one page's messages in order, so a value seen in the draft also tells that
everything the page sent before it was handled.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import date

from playwright.sync_api import Page, expect

from workbench import config
from workbench.instruments.loader import load_builtin

from .case_cycle_pages import SECTIONS
from .conftest import USER, Database, Server

INSTRUMENT = load_builtin("family_needs_assessment")
# A page load waits for a kernel: a preheated one, or a new one running the notebook when the pool is spent.
APP_READY_TIMEOUT_MS = 60_000
# The first opening of a case or a tab builds its view in the kernel (the plan's, with its chart, ~1 s on an
# idle machine): more than expect()'s 5 s on a busy one.
VIEW_BUILT_TIMEOUT_MS = 20_000
_LETTERS = "абвгдежзиклмнопр"  # one per hex digit: unique names that are still Ukrainian words


def unique_name(stem: str) -> str:
    """A family name no other test (and no demo family) uses, e.g. ``Перевірбдкаенко``."""
    return stem + "".join(_LETTERS[int(c, 16)] for c in uuid.uuid4().hex[:5]) + "енко"


def today_text() -> str:
    return date.today().strftime("%d.%m.%Y")


def complete_answers(household_size: str = "4", child_health: str | None = None) -> dict:
    """Every required answer of the family needs assessment, as the widgets hold it (text); with
    ``child_health``, one child (born seven years ago) not yet on the case, added to the child section."""
    answers = {"visit_date": today_text(), "urgent": "no", "household_size": household_size}
    for item in INSTRUMENT.scored_items("parenting_capacity"):
        answers[item.name] = "1"
    for item in INSTRUMENT.scored_items("family_environment"):
        answers[item.name] = "2"
    answers["in_difficult_circumstances"] = "yes"
    answers["case_complexity"] = "simple"  # relevant once the family is in difficult circumstances
    answers["conclusion_text"] = "Сімʼя потребує підтримки в догляді за дитиною (браузерний тест)."
    if child_health is not None:
        born = date.today().replace(year=date.today().year - 7, day=1)
        answers["child"] = [dict(child_ratings(child_health), child_name="Злата", child_birth_date=born.strftime("%d.%m.%Y"))]
    return answers


def child_ratings(health: str = "2") -> dict:
    """A child's developmental needs, rated (1, and ``health``)."""
    return dict({item.name: "1" for item in INSTRUMENT.scored_items("child_development")}, health=health)


class AppPage:
    """One page of the workspace (``workspace.ipynb``), with the kernel it talks to."""

    def __init__(self, page: Page, server: Server, db: Database):
        self.page, self.server, self.db = page, server, db
        self.sockets: list[str] = []
        self.added_children = 0  # children added to the form (not on the case), whose registration is filled
        page.on("websocket", lambda ws: self.sockets.append(ws.url))

    # --- loading -------------------------------------------------------------------------------
    def open(self, query: str = "") -> "AppPage":
        """Load the workspace at ``query`` (``case=3&tab=plan``, ``view=intake``; none: the home page)."""
        self.page.goto(self.server.app_url + (f"?{query}" if query else ""), timeout=APP_READY_TIMEOUT_MS)
        self.wait_ready()
        return self

    def open_at(self, case_id: int, tab: str = "assessments") -> "AppPage":
        """Load the workspace at a case's tab by its address; waits for the case's header and the tab."""
        self.open(f"case={case_id}&tab={tab}")
        self.wait_for_case(case_id, tab)
        return self

    def wait_ready(self):
        """Wait until the kernel has drawn the workspace's frame (at whatever place the address names)."""
        self.page.wait_for_selector(".wb-nav a.wb-nav-home", timeout=APP_READY_TIMEOUT_MS)

    @property
    def kernel_id(self) -> str:
        """The id of the kernel the page's widgets talk to (from its websocket's URL)."""
        kernels = [url.split("/api/kernels/")[1].split("/")[0] for url in self.sockets if "/api/kernels/" in url]
        assert kernels, f"the page opened no kernel websocket: {self.sockets}"
        return kernels[-1]

    # --- finding a case ------------------------------------------------------------------------
    def go_home(self):
        """The navigation's home link (in the page, no page load); waits for the search box."""
        self.page.click(".wb-nav a.wb-nav-home")
        self.page.wait_for_selector(".wb-search input")

    def search(self, text: str):
        """Type ``text`` in the home page's search (the page must show home)."""
        self.page.fill(".wb-search input", text)

    def case_number(self, case_id: int) -> str:
        return self.db.value("select case_number from cases where id = ?", [case_id])

    def open_case(self, case_id: int, tab: str = "assessments"):
        """Find the case on the home page by its family name, open it, and go to ``tab``, as a user does
        (no page load); waits for the case's header and the tab."""
        case = self.db.rows("""select c.case_number, coalesce(h.label, p.family_name) as name from cases c
                               left join households h on h.id = c.household_id
                               left join persons p on p.id = c.person_id where c.id = ?""", [case_id])[0]
        if not self.page.locator(".wb-search input").is_visible():
            self.go_home()
        self.search(case["name"])
        self.page.locator(".wb-match", has_text=case["case_number"]).click()
        self.wait_for_case(case_id, "overview")  # a match opens the case record at its overview
        if tab != "overview":
            self.page.click(f".wb-tabs a.wb-tab-{tab}")
            self.wait_for_case(case_id, tab)

    def wait_for_case(self, case_id: int, tab: str):
        """Wait until the case record shows ``case_id`` at ``tab`` (the tab marked, its body drawn)."""
        expect(self.page.locator(".wb-record-header")).to_contain_text(self.case_number(case_id),
                                                                       timeout=VIEW_BUILT_TIMEOUT_MS)
        expect(self.page.locator(f".wb-tabs a.wb-tab-{tab}.wb-here")).to_have_count(1, timeout=VIEW_BUILT_TIMEOUT_MS)
        expect(self.page.locator(SECTIONS[tab])).to_be_visible(timeout=VIEW_BUILT_TIMEOUT_MS)

    # --- the assessments tab ----------------------------------------------------------------------
    @property
    def status(self):
        """What the assessments tab says of the case (saved, corrected, refused)."""
        return self.page.locator(".wb-assessments .wb-status")

    @property
    def form_status(self):
        """What the open form says (not saved, and why)."""
        return self.page.locator(".wb-assessments .wb-form-status")

    def view_saved(self, assessment_id: int):
        """Open a saved assessment read-only by its link in the case's list; waits for its record."""
        self.page.locator(f'.wb-saved-row[data-assessment="{assessment_id}"] a.wb-view-assessment').click()
        expect(self.page.locator(".wb-record h4").first).to_contain_text(f"Оцінювання №{assessment_id}")

    def new_assessment(self):
        self.page.click(".wb-new")
        self.page.wait_for_selector(".wb-field-household_size input")

    # --- the form ------------------------------------------------------------------------------
    def field(self, name: str, scope: str = ""):
        return self.page.locator(f"{scope} .wb-field-{name}".strip())

    def type(self, name: str, text: str, scope: str = ""):
        kind = "textarea" if INSTRUMENT.items[name].type == "text" else "input"
        self.field(name, scope).locator(kind).fill(text)

    def choose(self, name: str, value: str, scope: str = "", lang: str = "uk"):
        """Click the radio button of choice ``value`` by its label, as a user does."""
        choice = next(c for c in INSTRUMENT.items[name].choices if c.name == value)
        self.field(name, scope).get_by_label(choice.label(lang), exact=True).check()

    def fill(self, answers: dict):
        """Type/click ``answers`` (as :func:`complete_answers` gives) into the open form."""
        for name, value in answers.items():
            if name == "child":
                # The form starts with the children registered on the case (name and date of birth filled in
                # from the register): those are rated; the others are added and registered on saving.
                started = self.page.locator(".wb-instance-child").count()
                for number, child in enumerate(value, start=1):
                    scope = f".wb-instance-child >> nth={number - 1} >>"
                    if number > started:
                        self.page.click(".wb-add-child")
                    self.page.locator(".wb-instance-child").nth(number - 1).wait_for()
                    for item, text in child.items():
                        if number > started or item not in ("child_name", "child_birth_date"):
                            self._answer(item, text, scope)
                    if number > started:
                        self.register_added_child(self.added_children)
                        self.added_children += 1
            else:
                self._answer(name, value)

    def _answer(self, name: str, value: str, scope: str = ""):
        if INSTRUMENT.items[name].type == "select_one":
            self.choose(name, value, scope)
        else:
            self.type(name, value, scope)

    def register_added_child(self, index: int, sex: str = "female"):
        """Fill the registration of the ``index``-th added child: the sex, and the first parent as consenting."""
        block = self.page.locator(".wb-new-child").nth(index)
        block.wait_for()
        block.locator(".wb-new-child-sex select").select_option(value=config.label("sexes", sex, "uk"))
        block.locator(".wb-new-child-consent_by select").select_option(index=1)

    def save(self):
        self.page.click(".wb-save")
        self.added_children = 0  # the next form (a correction, another case) has its own

    # --- waiting on the kernel ------------------------------------------------------------------
    def wait_for_draft(self, case_id: int, values: dict, timeout: float = 20.0, **content) -> dict:
        """Wait until the kernel has ``values`` (and ``content`` keys): its draft in SQLite says so."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            row = self.db.rows("""select content from drafts where actor = ? and case_id = ?
                                  order by updated_at desc limit 1""", [USER, case_id])
            if row:
                last = json.loads(row[0]["content"])
                registered = [c for c in (last.get("new_children") or {}).values() if c.get("sex") and c.get("consent_by")]
                if (_matches(last.get("values") or {}, values) and all(last.get(k) == v for k, v in content.items())
                        and len(registered) >= self.added_children):
                    return last
            if time.monotonic() > deadline:
                raise AssertionError(f"the kernel never held {values} {content}; last draft: {last}")
            time.sleep(0.1)


def _matches(held: dict, expected: dict) -> bool:
    for name, value in expected.items():
        if isinstance(value, list):
            entries = held.get(name) or []
            if len(entries) != len(value) or not all(_matches(h, e) for h, e in zip(entries, value)):
                return False
        elif held.get(name) != value:
            return False
    return True


# The page's WebSocket, replaced before the app loads (Page.add_init_script) by one that
# (1) asks for no subprotocol, so Jupyter Server falls back to the legacy protocol of JSON
#     text frames instead of the binary v1.kernel.websocket.jupyter.org frames, and
# (2) rewrites the next outgoing widget update that matches the rule the test puts in
#     window.__forge = {key, from, to}: in a comm_msg {method: "update", state: {...}},
#     state[key] === from becomes state[key] = to; the rule is then used up. Each rewrite
#     is recorded in window.__forged, so a test can prove the forgery happened.
FORGE_SCRIPT = r"""
(() => {
  const Native = window.WebSocket;
  window.__forge = null;
  window.__forged = [];
  window.__protocols = [];
  window.__binarySent = 0;
  class LegacyJsonWebSocket extends Native {
    constructor(url, protocols) {
      super(url);  // no subprotocol offered: the server answers in JSON text frames
      this.addEventListener('open', () => window.__protocols.push(this.protocol));
    }
    send(data) {
      if (typeof data !== 'string') {
        window.__binarySent += 1;
        return super.send(data);
      }
      const rule = window.__forge;
      if (rule) {
        const msg = JSON.parse(data);
        const body = msg.content && msg.content.data;
        if (msg.header && msg.header.msg_type === 'comm_msg' && body && body.method === 'update'
            && body.state && Object.prototype.hasOwnProperty.call(body.state, rule.key)
            && body.state[rule.key] === rule.from) {
          body.state[rule.key] = rule.to;
          window.__forge = null;
          window.__forged.push({comm_id: msg.content.comm_id, state: body.state});
          data = JSON.stringify(msg);
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = LegacyJsonWebSocket;
})();
"""
