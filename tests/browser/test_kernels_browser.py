"""A page's kernel ends with the page (issue 15), in Chromium.

Leaving or closing a page makes Voilà's script send ``POST /voila/api/shutdown/<kernel id>`` with the
page's ``_xsrf`` token; until the page carried that token the request got 403 and every page left its
kernel (~100 MB) running until the culler's hour. These tests close pages as a user does (the tab closed,
which runs ``beforeunload``; a link followed to another page) and watch the kernel's process.

They run a server of their own, so that no kernel left by another test file (whose pages are closed
without ``beforeunload``) is counted.
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("playwright")

from workbench import paths
from workbench.serve import PREHEATED_APPS

from .conftest import SERVER_START_TIMEOUT_S, USER, Server, alive

# The workspace, the one app, which has a preheated pool (a load while the pool refills starts a kernel of its own).
APP = "workspace.ipynb"
LOADS = 6  # the 20 loads of the issue are benchmarks/kernels.py's; six show the bound holding, in less CI time
KERNEL_END_S = 10  # Jupyter asks a kernel to stop and kills it after 5 s; a busy machine adds some
READY_TIMEOUT_MS = 120_000  # a page's kernel started and the notebook run, on a shared machine
SHUTDOWN_REFUSED = "403 POST /voila/api/shutdown/"


@pytest.fixture(scope="module")
def server(chromium, tmp_path_factory) -> Server:
    """Voilà serving ``voila_apps/`` with the real pools, on a small demo database of its own."""
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("kernels")
    db_path = tmp / "workbench.db"
    build_demo(db_path, seed=20260615, households=10, care_leavers=2)
    with Server(db_path, USER, log_path=tmp / "server.log", timeout_s=SERVER_START_TIMEOUT_S) as srv:
        srv.wait_for_pools(timeout_s=SERVER_START_TIMEOUT_S)
        yield srv


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="uk-UA")
    context.set_default_timeout(READY_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def pool_size() -> int:
    """The preheated kernels the server keeps waiting (Voilà pools only the notebooks that exist)."""
    return sum(size for name, size in PREHEATED_APPS.items() if (paths.apps_dir() / name).exists())


def open_app(page, server: Server, app: str) -> tuple[str, int]:
    """Load ``app`` until its widgets show (Voilà's widget manager, which says goodbye on leaving, is then
    active); return the page's kernel id and process."""
    page.goto(server.url(app), wait_until="commit", timeout=READY_TIMEOUT_MS)
    page.wait_for_selector(".jupyter-widgets", timeout=READY_TIMEOUT_MS)
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    pids = server.kernel_pids(kernel_id)
    assert len(pids) == 1, f"the page's kernel {kernel_id} has no process of its own: {pids}"
    return kernel_id, pids[0]


def ended_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def kernels_within(server: Server, most: int, seconds: float) -> int:
    """The number of the server's kernels, once it is at most ``most`` or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while len(kernels := server.kernel_pids()) > most and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(kernels)


def assert_no_refused_shutdown(server: Server) -> None:
    refused = [line for line in server.log_text().splitlines() if SHUTDOWN_REFUSED in line]
    assert not refused, "Voilà refused a page's kernel shutdown:\n" + "\n".join(refused)


def test_closing_a_page_ends_its_kernel(context, server):
    app = APP
    page = context.new_page()
    kernel_id, pid = open_app(page, server, app)
    page.close(run_before_unload=True)  # as a user closes the tab: beforeunload runs
    assert ended_within(pid, KERNEL_END_S), f"the kernel of a closed {app} page still runs:\n{server.log_tail(20)}"
    assert f"Kernel shutdown: {kernel_id}" in server.log_text()
    assert_no_refused_shutdown(server)


def test_leaving_a_page_for_another_ends_its_kernel(context, server):
    app = APP
    page = context.new_page()
    kernel_id, pid = open_app(page, server, app)
    page.goto(server.url())  # the list of apps: a page of the same server with no kernel
    assert ended_within(pid, KERNEL_END_S), f"the kernel of a left {app} page still runs:\n{server.log_tail(20)}"
    assert_no_refused_shutdown(server)


def test_twenty_loads_and_closes_leave_the_pool_and_at_most_one_kernel(context, server):
    pool = pool_size()
    pids = []
    for load in range(1, LOADS + 1):
        page = context.new_page()
        pids.append(open_app(page, server, APP)[1])
        # Running now: the pool (refilled, or refilling), this page's kernel and perhaps the last one's, ending.
        running = kernels_within(server, pool + 2, KERNEL_END_S)
        assert running <= pool + 2, f"after {load} loads the server holds {running} kernels (pool {pool})"
        page.close(run_before_unload=True)
    running = kernels_within(server, pool + 1, KERNEL_END_S)
    assert running <= pool + 1, f"after {LOADS} loads and closes the server holds {running} kernels (pool {pool})"
    assert ended_within(pids[-1], KERNEL_END_S)
    assert not [pid for pid in pids if alive(pid)]
    assert_no_refused_shutdown(server)


def test_a_shutdown_without_the_pages_token_is_refused(context, server):
    """XSRF protection stays: another site's page can send the POST, but not the token in our cookie."""
    page = context.new_page()
    kernel_id, pid = open_app(page, server, APP)
    url = f"http://127.0.0.1:{server.port}/voila/api/shutdown/{kernel_id}"
    token = next(c["value"] for c in context.cookies() if c["name"] == "_xsrf")
    other_token = "2|00000000|" + "ab" * 16 + "|1700000000"
    for headers, body in [({}, b""),  # no cookie, no token
                          ({"Cookie": f"_xsrf={token}"}, b""),  # the cookie rides along, the token is not known
                          ({"Cookie": f"_xsrf={token}"}, f"_xsrf={other_token}".encode())]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403, (headers, body)
    assert alive(pid)
    page.close(run_before_unload=True)
    assert ended_within(pid, KERNEL_END_S)
