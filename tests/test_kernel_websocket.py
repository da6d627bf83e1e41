"""A page's kernel websocket runs no code and carries no traceback (issue 16).

Each case manager's Voilà server will sit behind JupyterHub, and whoever holds a page holds its kernel's
websocket and can send anything on it. These tests run a real server (``VoilaServer`` starts
``workbench.serve.serve``) on a demo database and play such a page with a plain websocket client.
"""
from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

from conftest import run_async
from kernel_socket import KernelSocket, decoded, kernel_id, load_page, message, widget_update

from workbench import i18n
from workbench.apps import frame  # noqa: F401 - the frame's messages (frame.failed)
from workbench.apps.common import status_html
from workbench.kernel_channels import PAGE_MESSAGE_TYPES, without_lone_surrogates
from workbench.serve import VoilaServer

REPOSITORY = str(Path(__file__).resolve().parents[1])
# What would give a traceback or the server's files away, in any message the page receives.
GIVEAWAYS = ("Traceback", 'File "/', REPOSITORY, "site-packages", "TraitError", "workbench/")


# A notebook whose button leaks on every channel a kernel has to the page: sys.stderr and sys.stdout
# (ipykernel's streams), file descriptor 2 (which ipykernel forwards too) and an exception shown by the
# shell's showtraceback (an ``error`` message). Nothing of it may reach the page.
LEAKY_APP = """import os, sys
import ipywidgets as w
button = w.Button(description="leak")
def leak(_):
    print('Traceback: File "/srv/leak/stderr.py"', file=sys.stderr)
    print('File "/srv/leak/stdout.py"')
    os.write(2, b'Traceback: File "/srv/leak/fd2.py"\\n')
    raise RuntimeError('File "/srv/leak/raised.py"')
button.on_click(leak)
button"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server on a small demo database, serving the workspace and :data:`LEAKY_APP`; no preheated pool
    (each page load starts its kernel)."""
    import nbformat

    from workbench import paths
    from workbench.demo import build_demo

    tmp = tmp_path_factory.mktemp("kernel_websocket")
    build_demo(tmp / "workbench.db", seed=16, households=4, care_leavers=1)
    apps = tmp / "apps"
    apps.mkdir()
    (apps / "workspace.ipynb").write_bytes((paths.apps_dir() / "workspace.ipynb").read_bytes())
    leaky = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LEAKY_APP)])
    leaky.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(leaky, apps / "leaky.ipynb")
    with VoilaServer(tmp / "workbench.db", "olena.demo", apps_dir=apps, pools={"workspace.ipynb": 0},
                     log_path=tmp / "server.log") as srv:
        srv.marker = tmp / "code-ran"
        yield srv


def get(server, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def execute_request(code: str) -> dict:
    return message("execute_request", {"code": code, "silent": False, "store_history": False,
                                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})


# --- 1. no message that runs code, or ends the kernel --------------------------------------------

def test_the_page_may_send_only_what_voilas_widgets_send():
    assert set(PAGE_MESSAGE_TYPES) == {"comm_open", "comm_msg", "comm_close", "comm_info_request",
                                       "kernel_info_request"}


def test_code_sent_on_the_websocket_is_not_run_and_the_kernel_still_answers(server):
    async def scenario():
        status, page, _ = await load_page(server)
        assert status == 200, server.log_tail()
        kernel = kernel_id(page)
        socket = await KernelSocket.open(server, kernel)
        try:
            code = f"open({str(server.marker)!r}, 'w').write('ran')"
            socket.send(execute_request(code))
            socket.send(dict(execute_request(code), channel="control"))
            socket.send(message("shutdown_request", {"restart": False}, channel="control"))
            socket.send(message("shutdown_request", {"restart": False}))
            info = await socket.reply(socket.send(message("kernel_info_request", {})))
            # Messages from one client are handled in order: the kernel answered what came after the code.
            await socket.read_for(2)
        finally:
            socket.close()
        return kernel, info, socket.received

    kernel, info, received = run_async(scenario())
    assert info is not None and info["content"]["status"] == "ok", server.log_tail()
    assert not server.marker.exists(), "a page's execute_request ran code in the kernel"
    assert not any('"execute_reply"' in text or '"execute_input"' in text for text in received)
    assert server.kernel_pids(kernel), "a page's shutdown_request ended the kernel"
    assert get(server, f"/api/kernels/{kernel}") == 200
    log = server.log_text()
    for msg_type in ("execute_request", "shutdown_request"):
        assert f'Received message of type "{msg_type}", which is not allowed' in log


def test_no_route_lists_or_starts_kernels_or_reads_files(server):
    kernels = server.kernel_pids()
    for path in ["/api/kernels", "/api/sessions", "/api/kernelspecs", "/api/contents", "/api/contents/workspace.ipynb",
                 "/voila/files/workspace.ipynb", "/voila/files/../README.md", "/files/workspace.ipynb",
                 "/api/terminals", "/lab", "/tree"]:
        assert get(server, path) in (403, 404, 405), path
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:  # no route starts a kernel (a POST would first need the _xsrf token; it finds no route either way)
        connection.request("POST", "/api/kernels", body=b"{}")
        assert connection.getresponse().status in (403, 404, 405)
    finally:
        connection.close()
    # The tree's listing names the apps and nothing else, and never gives a notebook's content.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", "/voila/api/contents/workspace.ipynb?content=1")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["content"] is None
    finally:
        connection.close()
    assert server.kernel_pids() == kernels


# --- 2. no traceback to the page -------------------------------------------------------------------

def _model(models: dict, name: str, test=lambda state: True) -> str:
    return next(model_id for model_id, model in models.items()
                if model["model_name"] == name and test(model["state"]))


def test_a_forged_bad_value_shows_the_frames_message_and_its_traceback_goes_only_to_the_server_log(server):
    async def scenario():
        status, page, _ = await load_page(server)
        assert status == 200, server.log_tail()
        socket = await KernelSocket.open(server, kernel_id(page))
        try:
            models = await socket.widget_models()
            error_line = _model(models, "HTMLModel", lambda state: "wb-error" in state.get("_dom_classes", []))
            dropdown = _model(models, "DropdownModel")
            text = _model(models, "TextModel")
            socket.frames.clear()
            socket.received.clear()
            socket.send(widget_update(dropdown, {"index": 999}))  # ipywidgets refuses it: TraitError
            socket.send(widget_update(text, {"value": ["not", "a", "string"]}))  # TraitError too
            socket.send(message("comm_msg", {"comm_id": text, "data": {"state": {}}}))  # no method: KeyError
            socket.send(message("comm_open", {"comm_id": "forged-comm", "target_name": "jupyter.widget",
                                              "data": {"state": {"_model_name": "NoSuchModel"}}}))
            info = await socket.reply(socket.send(message("kernel_info_request", {})))
            await socket.read_for(3)  # anything the errors still send
        finally:
            socket.close()
        return error_line, info, socket

    error_line, info, socket = run_async(scenario())
    assert info is not None, server.log_tail()
    for text in socket.received:
        for giveaway in GIVEAWAYS:
            assert giveaway not in text, f"the page received {giveaway!r}:\n{text[:3000]}"
    updates = [m["content"]["data"]["state"] for m in map(decoded, socket.frames)
               if m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") == error_line
               and m["content"]["data"].get("method") == "update"]
    shown = [state["value"] for state in updates if "value" in state]
    assert status_html(i18n.t("frame.failed", "uk"), "error") in shown, socket.received
    log = server.log_text()
    assert log.count("A handler of the workspace failed") >= 3, server.log_tail()
    assert "Traceback" in log and "TraitError" in log and "KeyError: 'method'" in log
    assert "Exception opening comm with target: jupyter.widget" in log  # the forged comm, via the kernel's logger


def test_nothing_a_kernel_prints_or_raises_reaches_the_page_but_the_server_log_has_it(server):
    async def scenario():
        status, page, _ = await load_page(server, "leaky.ipynb")
        assert status == 200, server.log_tail()
        socket = await KernelSocket.open(server, kernel_id(page))
        try:
            models = await socket.widget_models()
            button = _model(models, "ButtonModel")
            socket.send(message("comm_msg", {"comm_id": button, "data": {"method": "custom",
                                                                         "content": {"event": "click"}}}))
            await socket.reply(socket.send(message("kernel_info_request", {})))
            await socket.read_for(3)  # fd 2 is read by a thread of its own
        finally:
            socket.close()
        return socket.received

    received = run_async(scenario())
    assert not [text for text in received if "/srv/leak" in text]
    log = server.log_text()
    for leak in ("stderr.py", "stdout.py", "fd2.py", "raised.py"):
        assert f"/srv/leak/{leak}" in log, server.log_tail()
    assert "Kept from the page of kernel" in log


# --- 3. a broken character from the page (issue 17) -------------------------------------------------

def test_a_lone_surrogate_from_the_page_reaches_the_kernel_as_u_fffd_and_the_socket_stays_open(server):
    """A browser's string may hold a lone surrogate, which JSON.stringify writes as ``\\ud800``: Python reads it
    into a str that cannot be encoded as UTF-8. :class:`PageChannels` makes it U+FFFD before the kernel sees it,
    so the kernel's echo does not fail and the name check can refuse it as a broken character."""
    async def scenario():
        status, page, _ = await load_page(server)
        assert status == 200, server.log_tail()
        socket = await KernelSocket.open(server, kernel_id(page))
        try:
            text = _model(await socket.widget_models(), "TextModel")
            # A lone high and a lone low surrogate, and a pair a client escaped (an emoji), which stays whole.
            socket.send(widget_update(text, {"value": "Ab\ud800c\udfffd\ud83d\ude00"}))
            info = await socket.reply(socket.send(message("kernel_info_request", {})))
            value = (await socket.widget_models())[text]["state"]["value"]
        finally:
            socket.close()
        return info, value

    info, value = run_async(scenario())
    assert info is not None and info["content"]["status"] == "ok", server.log_tail()
    assert value == "Ab\ufffdc\ufffdd\U0001F600"
    assert "UnicodeEncodeError" not in server.log_text()


def test_a_v1_frame_has_its_lone_surrogates_replaced_and_its_buffers_left_alone():
    parts = [b'{"msg_type": "comm_msg"}', b"{}", b"{}", b'{"data": {"state": {"value": "A\\ud800b"}}}',
             b"\\ud800 raw buffer"]
    sent = serialize_msg_to_ws_v1(parts, "shell")
    channel, cleaned = deserialize_msg_from_ws_v1(without_lone_surrogates(sent, v1=True))
    assert channel == "shell" and cleaned[4] == parts[4] and cleaned[:3] == parts[:3]
    assert json.loads(cleaned[3])["data"]["state"]["value"] == "A\ufffdb"
    plain = serialize_msg_to_ws_v1([b'{"a": "\\u0439"}', b"{}", b"{}", b"{}"], "shell")
    assert without_lone_surrogates(plain, v1=True) is plain
    assert without_lone_surrogates('{"a": "\\udfff"}', v1=False) == '{"a": "\\ufffd"}'
    assert without_lone_surrogates("not json \\ud800", v1=False) == "not json \\ud800"
