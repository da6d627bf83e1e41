"""A page's side of the kernel websocket, without a browser: what a page (or anyone holding its address) can
send on ``/api/kernels/<id>/channels``, and everything the server sends back. For the tests of issue 16.

No ``Origin`` header is sent: the server's guard lets a non-browser client through (no other site's page
can be one), which is exactly the client these tests play.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import uuid

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

READ_TIMEOUT_S = 120  # a page load starts a kernel and runs the notebook, on a shared machine


async def load_page(server, notebook: str = "workspace.ipynb"):
    """``(status, body, headers)`` of a page load, as a browser's first request makes it."""
    response = await AsyncHTTPClient().fetch(server.url(notebook), raise_error=False,
                                             request_timeout=READ_TIMEOUT_S, connect_timeout=30)
    return response.code, response.body.decode("utf-8", errors="replace"), response.headers


def kernel_id(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', page).group(1)


def message(msg_type: str, content: dict, channel: str = "shell") -> dict:
    """A Jupyter message as a page's script writes it on the legacy (JSON) protocol."""
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "date": "",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": channel, "content": content}


def widget_update(model_id: str, state: dict) -> dict:
    """A widget's ``update`` from the page: the values it says the user set."""
    return message("comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                              "buffer_paths": []}})


class KernelSocket:
    """One open websocket to a kernel's channels; :attr:`received` holds every frame the server sent, as
    text (a binary frame, which carries buffers, decoded with replacement)."""

    def __init__(self, connection):
        self.connection = connection
        self.frames: list[str | bytes] = []
        self.received: list[str] = []

    @classmethod
    async def open(cls, server, kernel: str) -> KernelSocket:
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels"
        return cls(await websocket_connect(HTTPRequest(url, connect_timeout=30, request_timeout=30)))

    def send(self, msg: dict) -> str:
        self.connection.write_message(json.dumps(msg))
        return msg["header"]["msg_id"]

    async def read_for(self, seconds: float, until=None) -> None:
        """Read for ``seconds``, or until ``until(text)`` is true of a frame read."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = await asyncio.wait_for(self.connection.read_message(), left)
            except asyncio.TimeoutError:
                return
            if frame is None:
                raise AssertionError("the server closed the websocket")
            text = frame if isinstance(frame, str) else frame.decode("utf-8", errors="replace")
            self.frames.append(frame)
            self.received.append(text)
            if until is not None and until(text):
                return

    async def reply(self, msg_id: str, seconds: float = 60) -> dict | None:
        """The reply to the message ``msg_id`` (read until it comes), or None after ``seconds``."""
        def is_reply(text: str) -> bool:
            return msg_id in text and _parent_id(text) == msg_id and _msg_type(text).endswith("_reply")

        await self.read_for(seconds, until=is_reply)
        replies = [json.loads(t) for t in self.received if t.startswith("{") and is_reply(t)]
        return replies[-1] if replies else None

    async def widget_models(self) -> dict[str, dict]:
        """The kernel's widgets, asked for as the page's widget manager does (the control comm's
        ``request_states``): model id → ``{"model_name": …, "state": {…}}``."""
        comm = uuid.uuid4().hex
        self.send(dict(message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}),
                       metadata={"version": "1.0.0"}))
        self.send(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
        await self.read_for(60, until=lambda text: "update_states" in text)
        states = next(m for m in map(decoded, reversed(self.frames)) if m.get("msg_type") == "comm_msg"
                      and m["content"].get("data", {}).get("method") == "update_states")
        self.send(message("comm_close", {"comm_id": comm, "data": {}}))
        return states["content"]["data"]["states"]

    def close(self) -> None:
        self.connection.close()


def decoded(frame: str | bytes) -> dict:
    """A frame as a message: JSON text, or a binary frame (a message with buffers, the buffers left out)."""
    if isinstance(frame, bytes):
        from jupyter_server.services.kernels.connection.base import deserialize_binary_message

        return deserialize_binary_message(frame)
    return json.loads(frame)


def _parent_id(text: str) -> str | None:
    try:
        return json.loads(text)["parent_header"].get("msg_id")
    except (ValueError, KeyError, AttributeError):
        return None


def _msg_type(text: str) -> str:
    try:
        return json.loads(text)["msg_type"]
    except (ValueError, KeyError):
        return ""
