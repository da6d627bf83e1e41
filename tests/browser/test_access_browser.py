"""Who may see and change what, in the browser: a case manager of one team cannot reach another team's case
by its address, by search or by a forged widget message; a click on a hidden button is refused by the
store; a supervisor sees her team's cases and not another team's; the head of centre reads and cannot
write. Each refusal leaves the database as it was.

The session's server runs as the case manager ``olena.demo`` (team Північ); this module starts one
more server per other role on the same database.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workbench.apps.address import TABS

from .case_cycle_pages import CasePage, address, go, open_workspace
from .needs_assessment_page import FORGE_SCRIPT

CASE_READY_MS = 60_000
TEAM_NORTH, TEAM_SOUTH = ("olena.demo", "andrii.demo"), ("iryna.demo", "petro.demo")


def case_of(db, workers) -> dict:
    """A family case held now by one of ``workers`` (the latest transfer's worker, else the first)."""
    marks = ",".join("?" * len(workers))
    rows = db.rows(f"""select c.id, c.case_number, h.label from cases c join households h on h.id = c.household_id
                       where coalesce((select e.to_worker from case_events e where e.case_id = c.id
                                       and e.kind = 'transfer' order by e.id desc limit 1), c.worker) in ({marks})
                       and not exists (select 1 from cases o join households g on g.id = o.household_id
                                       where g.label = h.label and o.id != c.id)
                       order by c.id limit 1""", list(workers))
    assert rows, f"the demo has no family case of {workers}"
    return rows[0]


def counts(db) -> dict:
    """Rows of every table the case apps write (to show a refusal wrote nothing)."""
    tables = ("case_events", "services", "consent_withdrawals", "shelter_stays", "case_shares", "assessments",
              "goals", "signoffs", "drafts")
    return {t: db.value(f"select count(*) from {t}") for t in tables}


@pytest.fixture
def servers(staff_server):
    """Servers of the same database for a supervisor of each team and the head of centre."""
    return {user: staff_server(user) for user in ("mariia.demo", "taras.demo", "halyna.demo")}


def open_case(page, srv, case_id, tab="overview"):
    """Load the workspace at the case's address (what it shows is the test's to check: the case or a refusal)."""
    open_workspace(page, srv, f"case={case_id}&tab={tab}", ready=".wb-case-record")


def refused(page, case):
    """The case record shows the refusal and nothing of ``case``: not its number, not its family's name."""
    expect(page.locator(".wb-record-status")).to_contain_text("не поділений з вами", timeout=20_000)
    expect(page.locator(".wb-record-header")).to_have_text("")
    expect(page.locator(".wb-tabs a")).to_have_count(0)
    assert case["case_number"] not in page.inner_text(".wb-app")
    assert case["label"] not in page.inner_text(".wb-app")


def test_a_case_manager_cannot_open_another_teams_case_by_its_address(page, server, db):
    theirs = case_of(db, TEAM_SOUTH)
    before = counts(db)
    open_case(page, server, theirs["id"])
    refused(page, theirs)
    # Every tab's address, as a link in the page sends it (no page load): home in between, so each is a new view.
    for tab in TABS:
        go(page, "")
        expect(page.locator(".wb-home")).to_be_visible()
        go(page, f"case={theirs['id']}&tab={tab}")
        expect(page.locator(".wb-case-record")).to_be_visible()
        refused(page, theirs)
        assert address(page) == f"case={theirs['id']}&tab={tab}"
    # An old app's address leads into the workspace, to the same refusal.
    page.goto(server.url(f"support_plan.ipynb?case={theirs['id']}"), timeout=CASE_READY_MS)
    page.wait_for_selector(".wb-case-record", timeout=CASE_READY_MS)
    assert address(page) == f"case={theirs['id']}&tab=plan"
    refused(page, theirs)
    assert counts(db) == before


def test_a_case_manager_finds_only_her_cases_and_a_forged_search_finds_no_more(page, server, db):
    theirs, mine = case_of(db, TEAM_SOUTH), case_of(db, ("olena.demo",))
    open_workspace(page, server, ready=".wb-search input")
    page.fill(".wb-search input", theirs["label"])
    expect(page.locator(".wb-matches")).to_contain_text("Нікого не знайдено")
    page.fill(".wb-search input", theirs["case_number"])
    expect(page.locator(".wb-matches")).to_contain_text("Нікого не знайдено")
    # Her own case is found, and a match opens its record.
    page.fill(".wb-search input", mine["label"])
    page.locator(".wb-match", has_text=mine["case_number"]).click()
    expect(page.locator(".wb-record-header")).to_contain_text(mine["case_number"])
    assert address(page) == f"case={mine['id']}&tab=overview"
    # A forged widget message: what the page sends for the search box is rewritten to the other case's number.
    page.add_init_script(FORGE_SCRIPT)
    open_workspace(page, server, ready=".wb-search input")
    page.evaluate(f"window.__forge = {{key: 'value', from: 'zz', to: '{theirs['case_number']}'}}")
    page.fill(".wb-search input", "zz")
    page.wait_for_function("window.__forged.length === 1")
    expect(page.locator(".wb-matches")).to_contain_text("Нікого не знайдено")
    assert theirs["label"] not in page.inner_text(".wb-app")


def test_a_click_on_a_hidden_button_is_refused_by_the_store(page, server, db):
    mine = case_of(db, ("olena.demo",))
    open_case(page, server, mine["id"])
    expect(page.locator(".wb-record-header")).to_contain_text(mine["case_number"])
    expect(page.locator(".wb-case-overview")).to_be_visible()
    transfer = page.locator(".wb-transfer")
    expect(transfer).to_have_count(1)
    expect(transfer).to_be_hidden()  # a case manager does not hand her case over: her supervisor does
    before = counts(db)
    page.evaluate("document.querySelector('.wb-transfer-submit').click()")  # what a crafted page can send
    expect(page.locator(".wb-transfer-status")).to_contain_text("супервізор команди", timeout=20_000)
    assert counts(db) == before


def test_a_supervisor_sees_her_teams_cases_and_not_another_teams(page, servers, db):
    mariia = servers["mariia.demo"]
    ours, theirs = case_of(db, TEAM_NORTH), case_of(db, TEAM_SOUTH)
    open_case(page, mariia, ours["id"])
    expect(page.locator(".wb-record-header")).to_contain_text(ours["case_number"])
    expect(page.locator(".wb-transfer")).to_be_visible()  # she may hand it over, inside her team
    page.click(".wb-nav a.wb-nav-home")  # the search is on the home page
    page.fill(".wb-search input", ours["label"])
    expect(page.locator(".wb-match").first).to_contain_text(ours["case_number"])
    page.fill(".wb-search input", theirs["label"])
    expect(page.locator(".wb-matches")).to_contain_text("Нікого не знайдено")
    before = counts(db)
    open_case(page, mariia, theirs["id"])
    refused(page, theirs)
    # The other team's supervisor sees that case, and not hers.
    open_case(page, servers["taras.demo"], theirs["id"])
    expect(page.locator(".wb-record-header")).to_contain_text(theirs["case_number"])
    open_case(page, servers["taras.demo"], ours["id"])
    refused(page, ours)
    assert counts(db) == before


def test_the_head_of_centre_reads_every_case_and_cannot_write(page, servers, db):
    head = servers["halyna.demo"]
    case = case_of(db, TEAM_SOUTH)
    open_case(page, head, case["id"])
    expect(page.locator(".wb-record-header")).to_contain_text(case["case_number"])
    expect(page.locator(".wb-nav a.wb-nav-events")).to_have_count(1)
    expect(page.locator(".wb-nav a.wb-nav-intake")).to_have_count(0)  # she registers no one
    record = CasePage(page, head, db, case["id"])
    # Each tab: its section shows, with the notice that she reads, and none of its forms.
    for tab, forms in (("overview", (".wb-move", ".wb-transfer", ".wb-urgent")),
                       ("people", (".wb-consent", ".wb-share")),
                       ("plan", (".wb-goal", ".wb-review", ".wb-signoff")),
                       ("services", (".wb-service",))):
        record.tab(tab)
        if tab != "plan":
            expect(page.locator(".wb-tab-content")).to_contain_text("переглядаєте цей випадок")
        for form in forms:
            expect(page.locator(form)).to_have_count(1)
            expect(page.locator(form)).to_be_hidden()
    before = counts(db)
    page.evaluate("document.querySelector('.wb-service-submit').click()")  # a forged click on a hidden form
    expect(page.locator(".wb-service-status")).to_contain_text("не змінює", timeout=20_000)
    assert counts(db) == before
