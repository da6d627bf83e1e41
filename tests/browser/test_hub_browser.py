"""The centre's server end to end: a real JupyterHub (``HubServer``) on a small demo database, staff signing
in in Chromium, each role's door, and what a signed-in case manager cannot reach around the workspace.

One hub for the module and one signed-in browser context per user, kept across tests (a first spawn takes
~20 s here). The sign-out test ends olena's server, so it comes last among the tests that use her.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from workbench.demo import DEMO_PASSWORD
from workbench.hub.server import HubServer

from .test_access_browser import refused

WORKSPACE = "voila/render/workspace.ipynb"
SPAWN_TIMEOUT_MS = 180_000  # a first spawn on a busy 2-core machine: Voilà and its first kernel
FORGED = {"X-Forwarded-User": "olena.demo", "Remote-User": "olena.demo"}


# --- the hub, the database, who is signed in ---------------------------------------------------

@pytest.fixture(scope="module")
def hub(chromium, tmp_path_factory):
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("hub")
    build_demo(tmp / "workbench.db", seed=20260615, households=30, care_leavers=5)
    with HubServer(tmp / "workbench.db", tmp / "state") as server:
        yield server


@pytest.fixture(scope="module")
def cases(hub) -> dict:
    """An open family case of each case manager of the tests: ``{username: {id, case_number, label}}``."""
    return {name: open_case_of(hub.db_path, name) for name in ("olena.demo", "iryna.demo")}


def open_case_of(db_path: Path, worker: str) -> dict:
    """An open family case ``worker`` holds now, whose family name no other case has."""
    from workbench.store.caseload import cases_held
    from workbench.store.connection import open_db
    from workbench.store.lifecycle import case_state

    db = open_db(db_path)
    try:
        for case in cases_held(db, worker, worker):
            label = db.execute("""select h.label from cases c join households h on h.id = c.household_id
                                  where c.id = ? and (select count(*) from cases o join households g
                                  on g.id = o.household_id where g.label = h.label) = 1""", [case["id"]]).fetchone()
            if label and case_state(db, worker, case["id"])["status"] != "closed":
                return {"id": case["id"], "case_number": case["case_number"], "label": label[0]}
    finally:
        db.conn.close()
    raise AssertionError(f"the demo has no open family case of {worker}")


def new_page(browser, **options):
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 1000}, **options)
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(SPAWN_TIMEOUT_MS)
    return context.new_page()


def submit_sign_in(page, hub, username: str, password: str = DEMO_PASSWORD):
    """Fill the hub's sign-in page and press the button (what comes next is the caller's to wait for)."""
    page.goto(hub.url("hub/login"))
    page.fill("#username_input", username)
    page.fill("#password_input", password)
    page.click("#login_submit", no_wait_after=True)


@pytest.fixture(scope="module")
def signed_in(browser, hub):
    """``signed_in(*usernames, ready=".wb-app")`` → their pages, each signed in on its own context, once
    ``ready`` shows on each. The spawns of several users asked together run side by side; a user signed in
    before is reused."""
    pages = {}

    def get(*usernames, ready=".wb-app"):
        todo = [name for name in usernames if name not in pages]
        for name in todo:
            pages[name] = new_page(browser)
            submit_sign_in(pages[name], hub, name)
        for name in todo:
            pages[name].wait_for_selector(ready, timeout=SPAWN_TIMEOUT_MS)
        return [pages[name] for name in usernames]

    yield get
    for page in pages.values():
        page.context.close()


def environ(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes().replace(b"\0", b"\n").decode(errors="replace")
    except OSError:
        return ""


def user_processes(hub, username: str) -> dict[int, str]:
    """The hub's processes running for ``username``: their server, its proxy and kernels (the hub's spawner
    sets JUPYTERHUB_USER, and every process below inherits it)."""
    return {pid: cmd for pid, cmd in hub.processes().items()
            if f"\nJUPYTERHUB_USER={username}\n" in "\n" + environ(pid) + "\n"}


def kernels(hub, username: str) -> list[int]:
    return [pid for pid, cmd in user_processes(hub, username).items() if "ipykernel_launcher" in cmd]


# --- the tests ----------------------------------------------------------------------------------

def test_two_case_managers_each_see_only_their_own_caseload(signed_in, cases):
    olena, iryna = signed_in("olena.demo", "iryna.demo")
    for page in (olena, iryna):
        expect(page.locator(".wb-caseload-shown")).to_be_visible(timeout=60_000)
    expect(olena.locator(".wb-caseload-rows")).to_contain_text(cases["olena.demo"]["case_number"])
    expect(iryna.locator(".wb-caseload-rows")).to_contain_text(cases["iryna.demo"]["case_number"])
    assert cases["olena.demo"]["case_number"] not in iryna.inner_text(".wb-app")
    assert cases["iryna.demo"]["case_number"] not in olena.inner_text(".wb-app")


def test_another_workers_case_and_server_are_refused(signed_in, hub, cases):
    (iryna,) = signed_in("iryna.demo")
    theirs = cases["olena.demo"]
    iryna.goto(hub.url(f"user/iryna.demo/{WORKSPACE}?case={theirs['id']}&tab=overview"))
    iryna.wait_for_selector(".wb-case-record", timeout=60_000)
    refused(iryna, theirs)
    # Olena's own server, asked for by iryna's browser: the hub says no, before anything of olena's runs.
    response = iryna.goto(hub.url(f"user/olena.demo/{WORKSPACE}"))
    body = iryna.content()
    # 403 from olena's running server (the hub's OAuth), 404 from the hub when it is not running
    assert response.status in (403, 404) or "/user/olena.demo/" not in iryna.url, (response.status, iryna.url)
    assert iryna.locator(".wb-app").count() == 0
    assert theirs["case_number"] not in body and theirs["label"] not in body
    # said in both languages by the workbench's error page, not JupyterHub's English one
    assert ("Сторінки немає або вона не ваша" in body and "Not found, or not yours" in body) or (
        "Доступ заборонено" in body and "Access refused" in body), body[-2000:]


def test_forged_identity_headers_change_nothing(browser, signed_in, hub, cases):
    # Without a session: the sign-in page, whoever the headers name.
    stranger = new_page(browser, extra_http_headers=FORGED)
    try:
        stranger.goto(hub.url(f"user/olena.demo/{WORKSPACE}"))
        expect(stranger.locator("#username_input")).to_be_visible()
        assert stranger.locator(".wb-app").count() == 0
        assert "/hub/login" in stranger.url
    finally:
        stranger.context.close()
    # With iryna's session: still iryna, on the hub and on her workspace.
    (iryna,) = signed_in("iryna.demo")
    forged = iryna.context.new_page()
    try:
        forged.set_extra_http_headers(FORGED)
        whoami = forged.request.get(hub.url("hub/api/user"), headers=FORGED)
        assert whoami.status == 200, (whoami.status, whoami.text()[:300])
        assert whoami.json()["name"] == "iryna.demo"
        forged.goto(hub.url(f"user/iryna.demo/{WORKSPACE}"))
        expect(forged.locator(".wb-caseload-rows")).to_contain_text(cases["iryna.demo"]["case_number"], timeout=60_000)
        assert cases["olena.demo"]["case_number"] not in forged.inner_text(".wb-app")
    finally:
        forged.close()


# A second connection to the page's kernel, as a crafted page or script could open it: JSON messages of the
# kernel protocol (jupyter_server's legacy text frames, no subprotocol).
KERNEL_PROBE = """async ({base, marker}) => {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const ws = new WebSocket(`ws://${location.host}${base}api/kernels/${config.kernelId}/channels?session_id=probe`);
  await new Promise((opened, failed) => { ws.onopen = opened; ws.onerror = () => failed(new Error('refused')); });
  const replies = [];
  ws.onmessage = event => { if (typeof event.data === 'string') replies.push(JSON.parse(event.data)); };
  const send = (msg_type, content) => ws.send(JSON.stringify({
    header: {msg_id: msg_type + '-probe', msg_type, session: 'probe', username: '', date: new Date().toISOString(),
             version: '5.3'},
    parent_header: {}, metadata: {}, content, channel: 'shell', buffers: []}));
  const wait = ms => new Promise(done => setTimeout(done, ms));
  send('kernel_info_request', {});
  for (let i = 0; i < 100 && !replies.some(r => r.msg_type === 'kernel_info_reply'); i++) await wait(100);
  send('execute_request', {code: `open(${JSON.stringify(marker)}, 'w').close()`, silent: false,
                           store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true});
  await wait(5000);
  ws.close();
  return {kernel: config.kernelId, types: replies.map(r => r.msg_type)};
}"""


def test_code_sent_on_the_kernel_websocket_runs_nothing(signed_in, tmp_path):
    # Voilà (0.5) hands its kernel manager a list of the message types a page may send (comms, kernel
    # info, shutdown); with execute_request added to that list this test fails.
    (olena,) = signed_in("olena.demo")
    marker = tmp_path / "executed.marker"
    got = olena.evaluate(KERNEL_PROBE, {"base": "/user/olena.demo/", "marker": str(marker)})
    assert "kernel_info_reply" in got["types"], got  # the channel works: the page's own messages pass
    assert not marker.exists(), f"an execute_request ran code in olena's kernel {got['kernel']}: {got['types']}"
    assert "execute_reply" not in got["types"], got


@pytest.mark.parametrize("method, path", [
    ("GET", "lab"), ("GET", "tree"), ("GET", "api/contents"), ("GET", "api/contents/workspace.ipynb"),
    ("GET", "terminals/1"), ("POST", "api/terminals"), ("GET", "api/kernels"), ("POST", "api/kernels"),
])
def test_a_case_manager_gets_no_notebook_server_around_the_workspace(signed_in, hub, method, path):
    (olena,) = signed_in("olena.demo")
    # The page's own XSRF token goes with the POST, so a refusal is not just the missing token.
    xsrf = next((c["value"] for c in olena.context.cookies() if c["name"] == "_xsrf"), "")
    before = kernels(hub, "olena.demo")
    response = olena.context.request.fetch(hub.url(f"user/olena.demo/{path}"), method=method, max_redirects=0,
                                           headers={"X-XSRFToken": xsrf})
    text = response.text()
    assert response.status >= 400, (response.status, text[:300])
    assert '"type": "notebook"' not in text and '"execution_state"' not in text
    time.sleep(1)  # a kernel started by the request would show by now
    assert len(kernels(hub, "olena.demo")) <= len(before)


def test_repeated_wrong_passwords_lock_the_account(browser, hub):
    page = new_page(browser)
    try:
        for _ in range(5):
            submit_sign_in(page, hub, "petro.demo", "not-the-password")
            expect(page.locator("p.login_error")).to_be_visible()
        submit_sign_in(page, hub, "petro.demo")
        expect(page.locator("p.login_error")).to_contain_text("заблоковано")
        expect(page.locator("p.login_error")).to_contain_text("locked")
        assert "/hub/login" in page.url
        assert not user_processes(hub, "petro.demo")
    finally:
        page.context.close()


def test_a_researcher_signs_in_and_gets_no_server(browser, hub):
    page = new_page(browser)
    try:
        submit_sign_in(page, hub, "oksana.demo")
        expect(page.locator("body")).to_contain_text("Дослідники", timeout=60_000)
        expect(page.locator("body")).to_contain_text("Researchers")
        expect(page.locator("h1")).to_contain_text("Доступ заборонено · Access refused")
        assert "restarting your server" not in page.content()  # JupyterHub's advice: she has no server to restart
        assert not user_processes(hub, "oksana.demo")
    finally:
        page.context.close()


def test_a_supervisor_gets_jupyterlab_on_her_notebooks(signed_in, hub):
    (mariia,) = signed_in("mariia.demo", ready="#jp-main-dock-panel")
    expect(mariia.locator(".jp-DirListing-item", has_text="caseload.ipynb")).to_be_visible(timeout=60_000)
    expect(mariia.locator(".jp-BreadCrumbs")).to_contain_text("notebooks")
    assert any("jupyterhub.singleuser" in cmd for cmd in user_processes(hub, "mariia.demo").values())


def test_an_administrator_gets_the_workspace(signed_in, hub):
    # Only that the server starts and its page draws without a traceback: what the workspace offers an
    # administrator is another piece of work (on main it says the app cannot open for her role).
    (admin,) = signed_in("admin.demo", ready=".jp-OutputArea-output .jupyter-widgets")
    assert any("workbench.cli serve" in cmd for cmd in user_processes(hub, "admin.demo").values())
    assert "/user/admin.demo/voila/render/workspace.ipynb" in admin.url
    assert "Traceback" not in admin.inner_text("body")


def test_signing_out_ends_the_session_and_the_server(signed_in, hub):
    (olena,) = signed_in("olena.demo")
    assert user_processes(hub, "olena.demo")
    olena.goto(hub.url("hub/logout"))
    olena.goto(hub.url(f"user/olena.demo/{WORKSPACE}"))
    expect(olena.locator("#username_input")).to_be_visible()
    assert olena.locator(".wb-app").count() == 0
    deadline = time.monotonic() + 30  # the spawner's stop: SIGINT, then SIGTERM after its own wait
    while user_processes(hub, "olena.demo") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not user_processes(hub, "olena.demo"), user_processes(hub, "olena.demo")
