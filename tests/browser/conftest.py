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

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHROMIUM = os.environ.get("WB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER = "olena.demo"  # a case manager in the demo data
APP_PATH = "/voila/render/needs_assessment.ipynb"
SERVER_START_TIMEOUT_S = 60
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
    """When a browser test fails, attach the tail of the server's log to its report."""
    report = yield
    if report.failed and _in_this_folder(item):
        server = getattr(item, "funcargs", {}).get("server")
        if server is not None:
            report.sections.append(("Voilà server log (tail)", server.log_tail()))
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

@dataclass
class Server:
    port: int
    db_path: Path
    process: subprocess.Popen
    log_path: Path
    tmp: Path

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{APP_PATH}"

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as err:
            return f"(no log: {err})"
        return "\n".join(text.splitlines()[-lines:])

    def kernel_pids(self, kernel_id: str | None = None) -> list[int]:
        """The server's kernel processes (all, or the one whose connection file names ``kernel_id``)."""
        out = []
        for pid in descendants(self.process.pid):
            cmdline = _cmdline(pid)
            if "ipykernel" in cmdline and (kernel_id is None or f"kernel-{kernel_id}.json" in cmdline):
                out.append(pid)
        return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (psutil when installed, else /proc/<pid>/task/*/children)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            return [p.pid for p in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(x) for x in children.read_text().split()]
            except OSError:
                continue
            for kid in kids:
                if kid not in found:
                    found.append(kid)
                    todo.append(kid)
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _wait_until_up(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the Voilà server exited with code {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, OSError) as err:
            last = err
        time.sleep(0.25)
    raise RuntimeError(f"the Voilà server did not answer within {timeout:.0f} s (last error: {last})")


def _stop(server: Server) -> None:
    """Terminate the server, then kill it if it lingers, then kill any kernel it left behind."""
    process = server.process
    kernels = [pid for pid in descendants(process.pid) if "ipykernel" in _cmdline(pid)]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for pid in kernels:
        # Orphaned kernels now belong to init; check it is still a kernel (not a reused pid).
        if alive(pid) and "ipykernel" in _cmdline(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory) -> Server:
    """Voilà serving ``voila_apps/`` on a free loopback port, on a small demo database of its own."""
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("browser")
    db_path = tmp / "workbench.db"
    build_demo(db_path, seed=20260615, households=30, care_leavers=5)
    port = _free_port()
    log_path = tmp / "server.log"
    env = dict(os.environ, WB_DB=str(db_path), WB_USER=USER, MPLBACKEND="Agg")
    env.pop("JUPYTERHUB_USER", None)  # it would take precedence over WB_USER
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve", "--port", str(port)],
                                   cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    srv = Server(port=port, db_path=db_path, process=process, log_path=log_path, tmp=tmp)
    try:
        try:
            _wait_until_up(srv, SERVER_START_TIMEOUT_S)
        except Exception:
            print(f"\n--- Voilà server log ({log_path}) ---\n{srv.log_tail(200)}", file=sys.stderr)
            raise
        yield srv
    finally:
        _stop(srv)


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
