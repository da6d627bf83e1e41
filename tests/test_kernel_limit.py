"""At most ``serve.max_kernels`` kernels per user's server, the preheated pool's counted (issue 16).

A page load beyond the limit first ends the kernels of pages no longer connected (the least recently active
first), then, if every kernel still has its page, is refused with HTTP 429 and a short page in both
languages. The rule is tested on a stand-in kernel manager, then on a real server whose "pages" are plain
page loads and websockets (an open websocket is a connected page).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from conftest import refused, run_async
from kernel_socket import KernelSocket, kernel_id, load_page
from tornado.httpclient import AsyncHTTPClient

from workbench import i18n, kernel_limit
from workbench.kernel_limit import PageKernels, max_kernels, refusal_page
from workbench.serve import VoilaServer


def _config(tmp_path, monkeypatch, serve_section) -> None:
    path = tmp_path / f"config-{len(list(tmp_path.iterdir()))}.json"  # a new name: the configuration is cached by it
    path.write_text(json.dumps({"serve": serve_section}), encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(path))


# --- the configuration and the refusal ------------------------------------------------------------

def test_the_default_is_four_and_a_centre_may_set_its_own(tmp_path, monkeypatch):
    monkeypatch.delenv("WB_CONFIG", raising=False)
    assert max_kernels(pool=1) == 4
    _config(tmp_path, monkeypatch, {"hosts": []})  # a serve section without it: the default
    assert max_kernels(pool=1) == 4
    _config(tmp_path, monkeypatch, {"hosts": [], "max_kernels": 8})
    assert max_kernels(pool=1) == 8


@pytest.mark.parametrize("value", [1, 0, -3, "4", 4.0, True, None])
def test_a_limit_that_leaves_no_page_a_kernel_or_is_no_whole_number_is_refused(tmp_path, monkeypatch, value):
    _config(tmp_path, monkeypatch, {"hosts": [], "max_kernels": value})
    refused(lambda: max_kernels(pool=1), "serve.max_kernels_invalid")


def test_workbench_serve_says_so_and_starts_nothing(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    _config(tmp_path, monkeypatch, {"hosts": [], "max_kernels": 1})
    monkeypatch.setenv("WB_LANG", "en")
    assert main(["serve", "--db", str(tmp_path / "workbench.db")]) == 1
    assert i18n.t("serve.max_kernels_invalid", "en", pool=1) in capsys.readouterr().err
    assert not (tmp_path / "workbench.db").exists()


def test_the_refusal_says_how_many_pages_are_open_in_both_languages():
    page = refusal_page(3)
    for lang in i18n.LANGUAGES:
        assert i18n.t("serve.too_many_pages", lang, count=3) in page
    assert '<meta charset="utf-8">' in page


# --- the rule, on a stand-in kernel manager --------------------------------------------------------

class KernelManager:
    """What :class:`PageKernels` uses of Voilà's kernel manager: starting (a page's kernel) and taking a
    pooled kernel, the kernels' models and activity, shutting one down, the pools."""

    log = logging.getLogger("stand-in kernel manager")

    def __init__(self, pool: int = 1):
        self.kernels: dict[str, dict] = {}
        self._pools = {"workspace.ipynb": ["pooled"] * pool}
        self.ended: list[str] = []

    def __contains__(self, kernel_id):
        return kernel_id in self.kernels

    async def start_kernel(self, **kwargs):
        kernel_id = f"k{len(self.kernels) + len(self.ended) + 1}"
        self.kernels[kernel_id] = {"connections": 0, "execution_state": "idle",
                                   "last_activity": datetime.now(timezone.utc)}
        return kernel_id

    async def get_rendered_notebook(self, **kwargs):  # the pool's kernel, and the pool refills at once
        return "task", [], await KernelManager.start_kernel(self)  # through the class, as Voilà's pool does

    def kernel_model(self, kernel_id):
        return self.kernels[kernel_id]

    def get_kernel(self, kernel_id):
        return type("Kernel", (), {"last_activity": self.kernels[kernel_id]["last_activity"]})

    async def shutdown_kernel(self, kernel_id):
        self.ended.append(kernel_id)
        del self.kernels[kernel_id]


async def page_load(pages: PageKernels, km: KernelManager, pooled: bool = True):
    """What the page handler does: admit, then get a kernel; the kernel id, or the refusal's page count."""
    refused_with = await pages.admit()
    if refused_with is not None:
        return refused_with
    try:
        return (await km.get_rendered_notebook())[2] if pooled else await km.start_kernel()
    finally:
        pages.done()


def test_pages_fill_the_limit_with_the_pool_then_loads_are_refused():
    async def scenario():
        km = KernelManager(pool=1)
        pages = PageKernels(km, limit=3)
        first, second = await page_load(pages, km), await page_load(pages, km, pooled=False)
        assert (first, second) == ("k1", "k2") and pages.pages() == ["k1", "k2"]
        for kernel in (first, second):
            km.kernels[kernel]["connections"] = 1
            pages.connected(kernel)
        assert await page_load(pages, km) == 2  # two pages open: refused
        assert km.ended == [] and pages.loading == set()

    run_async(scenario())


def test_abandoned_kernels_end_the_least_recently_active_first_and_never_a_connected_busy_or_new_one():
    async def scenario():
        km = KernelManager(pool=1)
        pages = PageKernels(km, limit=5)
        kernels = [await page_load(pages, km) for _ in range(4)]  # k1…k4, with the pool: 5
        now = datetime.now(timezone.utc)
        for kernel, minutes_ago in zip(kernels, (5, 30, 20, 10)):
            km.kernels[kernel]["last_activity"] = now - timedelta(minutes=minutes_ago)
        pages.connected("k1")
        pages.connected("k2")
        pages.connected("k3")  # k1: connected now; k2, k3: left; k4: never connected, served just now
        km.kernels["k1"]["connections"] = 1
        assert pages.abandoned() == ["k2", "k3"]
        km.kernels["k2"]["execution_state"] = "busy"  # busy in a handler: not abandoned
        assert await page_load(pages, km) == "k5"
        assert km.ended == ["k3"]
        assert await page_load(pages, km) == 4  # k1 connected, k2 busy, k4 and k5 just served
        pages.served["k4"] -= kernel_limit.CONNECT_GRACE_S  # served that long ago
        assert await page_load(pages, km) == "k6"  # k4's page never connected within the grace: ended
        assert km.ended == ["k3", "k4"]

    run_async(scenario())


def test_a_kernel_ended_otherwise_frees_its_place():
    async def scenario():
        km = KernelManager(pool=1)
        pages = PageKernels(km, limit=2)
        kernel = await page_load(pages, km)
        pages.connected(kernel)
        km.kernels[kernel]["connections"] = 1
        assert await page_load(pages, km) == 1
        await km.shutdown_kernel(kernel)  # the page said goodbye, or the culler
        assert await page_load(pages, km) == "k2"

    run_async(scenario())


# --- a real server ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server allowed three kernels, one of them the preheated pool's: two pages."""
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("kernel_limit")
    build_demo(tmp / "workbench.db", seed=16, households=4, care_leavers=1)
    config = tmp / "config.json"
    config.write_text(json.dumps({"serve": {"hosts": [], "max_kernels": 3}}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WB_CONFIG", str(config))  # the server's environment is this process's
        with VoilaServer(tmp / "workbench.db", "olena.demo", pools={"workspace.ipynb": 1},
                         log_path=tmp / "server.log") as srv:
            srv.wait_for_pools()
            yield srv


async def kernel_model(server, kernel: str) -> dict | None:
    response = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{server.port}/api/kernels/{kernel}",
                                             raise_error=False, request_timeout=30)
    return json.loads(response.body) if response.code == 200 else None


async def until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "waited in vain"
        await asyncio.sleep(0.25)


def test_a_load_beyond_the_limit_ends_a_left_pages_kernel_or_is_refused(server):
    async def scenario():
        status, page, _ = await load_page(server)
        assert status == 200, server.log_tail()
        connected = kernel_id(page)
        socket = await KernelSocket.open(server, connected)  # a page with its websocket open
        status, page, _ = await load_page(server)  # a page whose websocket has not connected (yet)
        assert status == 200, server.log_tail()
        loading = kernel_id(page)

        status, page, headers = await load_page(server)  # a third page: no room
        assert status == 429, server.log_tail()
        for lang in i18n.LANGUAGES:
            assert i18n.t("serve.too_many_pages", lang, count=2) in page
        assert "_xsrf=" in headers.get("Set-Cookie", "")  # the page handler sets it, refused or not
        assert "kernelId" not in page

        socket.close()  # the first page is gone without a goodbye (the browser killed, the laptop shut)
        await until(lambda: _connections_are(server, connected, 0))
        status, page, _ = await load_page(server)
        assert status == 200, server.log_tail()
        assert await kernel_model(server, connected) is None  # its kernel was ended to make room
        assert await kernel_model(server, loading) is not None  # the page still loading kept its kernel
        return kernel_id(page), loading

    newest, loading = run_async(scenario())
    assert "Ending kernel" in server.log_text()
    deadline = time.monotonic() + 60
    while len(server.kernel_pids()) > 3 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert len(server.kernel_pids()) == 3  # the two pages' kernels and the pool's
    assert server.kernel_pids(newest) and server.kernel_pids(loading)


async def _connections_are(server, kernel: str, count: int) -> bool:
    model = await kernel_model(server, kernel)
    return model is not None and model["connections"] == count
