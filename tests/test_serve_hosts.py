"""No DNS rebinding: `workbench serve` answers only to loopback and configured names, and refuses
websockets from other sites' pages (issue 13).

A page on evil.example.com whose name the attacker re-points at 127.0.0.1 reaches the server with
``Host: evil.example.com`` and, to the browser, the same origin; the server must refuse it on every
route, or the page reads every widget's state through the kernel's websocket. These tests run a real
server (``VoilaServer`` starts ``workbench.serve.serve``, the function behind `workbench serve`) and
send the headers such a page would.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import re
import uuid

import pytest
from conftest import refused, run_async
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from workbench import i18n
from workbench.serve import LOOPBACK_HOSTS, VoilaServer, allowed_hosts, origin_pattern

CONFIGURED = "workbench.centre.example"
APP = "/voila/render/workspace.ipynb"
EVIL = "evil.example.com"


def _message_lines(key: str, **params) -> list[str]:
    return [i18n.t(key, lang, **params) for lang in i18n.LANGUAGES]


# --- the allowed names and origins -------------------------------------------------------------

def _config(tmp_path, monkeypatch, serve_section) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"serve": serve_section}), encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(path))


def test_by_default_only_loopback_names_are_allowed(monkeypatch):
    monkeypatch.delenv("WB_CONFIG", raising=False)
    assert allowed_hosts() == ("localhost", "127.0.0.1", "[::1]") == LOOPBACK_HOSTS


def test_configured_names_are_allowed_besides_loopback(tmp_path, monkeypatch):
    _config(tmp_path, monkeypatch, {"hosts": [" Workbench.Centre.Example ", "10.0.0.5"]})
    assert allowed_hosts() == (*LOOPBACK_HOSTS, CONFIGURED, "10.0.0.5")


@pytest.mark.parametrize("section", [{"hosts": CONFIGURED}, {"hosts": [""]}, {"hosts": [None]},
                                     {"hosts": [CONFIGURED, 8866]}, [CONFIGURED]])
def test_a_configuration_that_is_not_a_list_of_names_is_refused(tmp_path, monkeypatch, section):
    _config(tmp_path, monkeypatch, section)
    refused(allowed_hosts, "serve.hosts_invalid")


def test_workbench_serve_says_so_and_starts_nothing(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    _config(tmp_path, monkeypatch, {"hosts": CONFIGURED})
    monkeypatch.setenv("WB_LANG", "en")
    assert main(["serve", "--db", str(tmp_path / "workbench.db")]) == 1
    assert i18n.t("serve.hosts_invalid", "en") in capsys.readouterr().err
    assert not (tmp_path / "workbench.db").exists()  # not even migrated


def test_the_origin_pattern_takes_our_names_at_any_port_and_nothing_else():
    pattern = origin_pattern([*LOOPBACK_HOSTS, CONFIGURED])
    for origin in ["http://localhost:8866", "http://127.0.0.1", "https://[::1]:8866", "HTTP://LocalHost:1",
                   f"https://{CONFIGURED}"]:
        assert pattern.fullmatch(origin), origin
    for origin in ["http://evil.example.com", "http://localhost.evil.example.com", "http://127.0.0.1.nip.io",
                   f"http://{CONFIGURED}.evil.example.com", "http://localhost:8866/x", "null", "file://", ""]:
        assert not pattern.fullmatch(origin), origin


# --- a real server -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`workbench serve` on a small demo database, configured to answer to CONFIGURED too (in mixed
    case, as an administrator may write it). No preheated pool: each page starts a kernel of its own."""
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("serve_hosts")
    build_demo(tmp / "workbench.db", seed=13, households=4, care_leavers=1)
    config = tmp / "config.json"
    config.write_text(json.dumps({"serve": {"hosts": ["Workbench.Centre.Example"]}}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WB_CONFIG", str(config))  # the server's environment is this process's
        with VoilaServer(tmp / "workbench.db", "olena.demo", pools={"workspace.ipynb": 0},
                         log_path=tmp / "server.log") as srv:
            yield srv


def request(server, path: str, host: str, method: str = "GET", headers: dict | None = None):
    """``(status, body)`` of a request to the server with the ``Host`` header ``host``."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=90)
    try:
        connection.request(method, path, body=b"" if method == "POST" else None,
                           headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def kernel_id(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)


@pytest.fixture(scope="module")
def kernel(server) -> str:
    """The kernel of a page rendered as the user's browser would ask for it: its widgets live there."""
    status, page = request(server, APP, f"127.0.0.1:{server.port}")
    assert status == 200, server.log_tail()
    return kernel_id(page)


def assert_refused_host(status, body, host):
    assert status == 403
    assert body.splitlines() == _message_lines("serve.host_refused", host=host)


@pytest.mark.parametrize("host", [EVIL, "{evil}:{port}", "localhost.{evil}:{port}", "127.0.0.2:{port}",
                                  "{configured}.{evil}:{port}"])
def test_a_page_asked_for_under_a_foreign_name_is_refused_with_no_widget_state(server, host):
    host = host.format(evil=EVIL, port=server.port, configured=CONFIGURED)
    kernels = server.kernel_pids()
    status, body = request(server, APP, host)
    assert_refused_host(status, body, host)
    assert "kernelId" not in body and "widget" not in body
    assert server.kernel_pids() == kernels  # the notebook did not even run


def test_every_route_refuses_a_foreign_name_and_serves_loopback(server, kernel):
    # The page, the tree, static files from Voilà and from its template, the kernels' REST API: Jupyter
    # Server's own host check would cover some of these at most, and Voilà turns it off. (The page itself
    # was served to loopback for the ``kernel`` fixture; rendering it again would only cost time.)
    paths = ["/", "/voila/static/voila.js", "/voila/templates/lab/static/index.css", f"/api/kernels/{kernel}"]
    for path in [APP, *paths]:
        assert_refused_host(*request(server, path, f"{EVIL}:{server.port}"), f"{EVIL}:{server.port}")
    for path in paths[1:]:
        assert request(server, path, f"127.0.0.1:{server.port}")[0] == 200, path
    assert request(server, "/", f"127.0.0.1:{server.port}")[0] == 302  # the root leads to the workspace


def test_a_foreign_name_cannot_shut_a_kernel_down(server, kernel):
    shutdown = f"/voila/api/shutdown/{kernel}"
    assert_refused_host(*request(server, shutdown, f"{EVIL}:{server.port}", "POST"), f"{EVIL}:{server.port}")
    assert request(server, f"/api/kernels/{kernel}", f"127.0.0.1:{server.port}")[0] == 200


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "localhost",
                                  "{configured}:{port}", "WORKBENCH.centre.example:{port}"])
def test_loopback_and_configured_names_are_served(server, host):
    status, listing = request(server, "/voila/api/contents", host.format(port=server.port, configured=CONFIGURED))
    assert status == 200, listing
    assert "workspace.ipynb" in [item["name"] for item in json.loads(listing)["content"]]  # the apps


def test_the_app_renders_under_a_configured_name(server):
    status, page = request(server, APP, f"{CONFIGURED}:{server.port}")
    assert status == 200, server.log_tail()
    assert kernel_id(page) and "application/vnd.jupyter.widget-view+json" in page


# --- websockets: the kernel's channels carry every widget's state --------------------------------

async def _widget_comms(url: str, headers: dict) -> int:
    """Open a websocket to the kernel's channels and ask for its widgets: how many it has."""
    connection = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=30, request_timeout=30))
    try:
        msg_id = uuid.uuid4().hex
        connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "comm_info_request", "username": "", "date": "",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
            "content": {"target_name": "jupyter.widget"}}))
        while True:
            message = await asyncio.wait_for(connection.read_message(), 60)
            assert message is not None, "the server closed the websocket"
            if isinstance(message, str):
                reply = json.loads(message)
                if reply["parent_header"].get("msg_id") == msg_id and reply["msg_type"] == "comm_info_reply":
                    return len(reply["content"]["comms"])
    finally:
        connection.close()


def widget_comms(server, kernel, host: str, origin: str | None, path: str = "/api/kernels/{kernel}/channels") -> int:
    headers = {"Host": host, **({"Origin": origin} if origin is not None else {})}
    url = f"ws://127.0.0.1:{server.port}" + path.format(kernel=kernel)
    return run_async(_widget_comms(url, headers))


def refused_websocket(server, kernel, host: str, origin: str, path: str = "/api/kernels/{kernel}/channels") -> str:
    with pytest.raises(HTTPClientError) as caught:
        widget_comms(server, kernel, host, origin, path)
    assert caught.value.code == 403
    return caught.value.response.body.decode("utf-8")


def test_a_same_origin_websocket_reaches_the_widgets(server, kernel):
    port = server.port
    assert widget_comms(server, kernel, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") > 0
    assert widget_comms(server, kernel, f"localhost:{port}", f"http://localhost:{port}") > 0
    assert widget_comms(server, kernel, f"{CONFIGURED}:{port}", f"https://{CONFIGURED}:{port}") > 0


@pytest.mark.parametrize("origin", [f"http://{EVIL}", "null", f"http://localhost.{EVIL}:8866"])
def test_a_websocket_from_another_sites_page_is_refused(server, kernel, origin):
    body = refused_websocket(server, kernel, f"127.0.0.1:{server.port}", origin)
    assert body.splitlines() == _message_lines("serve.origin_refused", origin=origin)


@pytest.mark.parametrize("path", ["/api/kernels/{kernel}/channels", "/voila/query/{kernel}"])
def test_a_rebound_websocket_is_refused(server, kernel, path):
    # What the rebound page sends: its own name as Host and as Origin, same-origin to the browser.
    host = f"{EVIL}:{server.port}"
    body = refused_websocket(server, kernel, host, f"http://{host}", path)
    assert body.splitlines() == _message_lines("serve.host_refused", host=host)
