"""Fixtures for the end-to-end browser tests: a Voilà server on a demo database, Chromium through Playwright.

Every test in this folder is marked ``browser``. The tests need Debian's Chromium at
``/usr/bin/chromium`` (Playwright cannot download its own browser here). Without it
they are skipped with a banner at the end of the run, or, when ``WB_REQUIRE_BROWSER=1``
is set (CI that must run them), they fail.

``WB_CHROMIUM`` names another Chromium binary (used to check the skip and fail paths).

This folder is a package (``__init__.py``) on purpose: the unit tests do
``from conftest import TODAY``, and a second, non-package ``conftest.py`` here would
replace ``tests/conftest.py`` in ``sys.modules`` during collection.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from workbench.serve import VoilaServer

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("WB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER = "olena.demo"  # a case manager in the demo data
APP_PATH = "/voila/render/workspace.ipynb"
SERVER_START_TIMEOUT_S = 60
# A programme whose cases are assessed with an organisation's own form (tests/data/community_visit.md),
# configured as an organisation does it (WB_CONFIG's ``instruments``) on the shared server.
OWN_PROGRAMME = "community_visits"
OWN_FORM = HERE.parent / "data" / "community_visit.md"
MISSING = (f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}; "
           "install it with `apt-get install -y chromium`")


def _chromium_missing() -> bool:
    return not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK))


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


# --- marking, skipping, the banner ---------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if _in_this_folder(item)]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    if mine and _chromium_missing() and os.environ.get("WB_REQUIRE_BROWSER") != "1":
        for item in mine:
            item.add_marker(pytest.mark.skip(reason=MISSING))
        config.stash[_skipped_key] = len(mine)


_skipped_key = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = config.stash.get(_skipped_key, 0)
    if skipped:
        terminalreporter.write_sep("!", f"{MISSING} ({skipped} tests)", red=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, attach the tail of its server's log (Voilà's or the hub's) to its report."""
    report = yield
    if report.failed and _in_this_folder(item):
        funcargs = getattr(item, "funcargs", {})
        for name, title in (("server", "Voilà server log (tail)"), ("hub", "hub log (tail)")):
            if funcargs.get(name) is not None:
                report.sections.append((title, funcargs[name].log_tail()))
    return report


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary; fails the tests when it is missing and WB_REQUIRE_BROWSER=1."""
    if _chromium_missing():
        message = (f"Chromium not found at {CHROMIUM} and WB_REQUIRE_BROWSER=1 requires the browser tests; "
                   "install it with `apt-get install -y chromium`")
        pytest.fail(message, pytrace=False)
    return CHROMIUM


# --- the server ------------------------------------------------------------------------------

class Server(VoilaServer):
    """The project's Voilà launcher (``workbench.serve``), with the app under test's address."""

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{APP_PATH}"


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory) -> Server:
    """Voilà serving ``voila_apps/`` on a free loopback port, on a small demo database of its own."""
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("browser")
    db_path = tmp / "workbench.db"
    build_demo(db_path, seed=20260615, households=30, care_leavers=5)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("WB_CONFIG", str(own_form_config(tmp)))  # the server's environment is this process's
            srv = Server(db_path, USER, log_path=tmp / "server.log", timeout_s=SERVER_START_TIMEOUT_S).__enter__()
    except RuntimeError as err:
        print(f"\n--- Voilà server did not start ---\n{err}", file=sys.stderr)
        raise
    try:
        srv.wait_for_pools(timeout_s=SERVER_START_TIMEOUT_S)  # the first page should not race the pool's start
        yield srv
    finally:
        srv.__exit__(None, None, None)


def own_form_config(folder: Path) -> Path:
    """A WB_CONFIG in ``folder``: the built-in programmes and ``OWN_PROGRAMME`` with the form ``OWN_FORM``."""
    from workbench import config

    programmes = dict(config.load_config()["programmes"], **{OWN_PROGRAMME: {
        "uk": "Візити в громади", "en": "Community visits", "subject": "household", "instrument": "community_visit"}})
    path = folder / "organisation.json"
    path.write_text(json.dumps({"programmes": programmes, "instruments": {"community_visit": str(OWN_FORM)}}),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def staff_server(server):
    """``staff_server(user)``: a server of the same database signed in as ``user`` (a supervisor, the head of
    centre), started on first use and stopped at the end of the session. No preheated pool: these pages
    start a kernel each, which is enough for the few tests that use them."""
    running = {}

    def get(user: str) -> Server:
        if user not in running:
            srv = Server(server.db_path, user, pools={"workspace.ipynb": 0},
                         log_path=server.db_path.with_name(f"server-{user}.log"), timeout_s=SERVER_START_TIMEOUT_S)
            with pytest.MonkeyPatch.context() as patch:  # the same configuration as the shared server's
                patch.setenv("WB_CONFIG", str(server.db_path.with_name("organisation.json")))
                running[user] = srv.__enter__()
        return running[user]

    try:
        yield get
    finally:
        for srv in running.values():
            srv.__exit__(None, None, None)


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh page (in a fresh context) per test."""
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)  # a page load starts or takes over a kernel
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def db(server):
    """Read and write the server's database from the test (the same file the kernels use)."""
    return Database(server.db_path)


class Database:
    """Small SQLite helpers: reads through a fresh read-only connection, so every read sees the latest commit."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, sql: str, params=()) -> list[dict]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def value(self, sql: str, params=()):
        rows = self.rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def register(self, family_name: str, given_name: str, *, birth_date="12.05.1987", sex="female",
                 category="family_difficult_circumstances", programme="family_support") -> int:
        """A new client with consent and an open case, written as the app does it; returns the case id."""
        from datetime import date

        from workbench.store.connection import open_db
        from workbench.store.intake import register_client

        database = open_db(self.path)
        try:
            return register_client(database, USER, family_name=family_name, given_name=given_name,
                                   birth_date=birth_date, sex=sex, category=category, programme=programme,
                                   consent_given_on=date.today().strftime("%d.%m.%Y"))
        finally:
            database.conn.close()
