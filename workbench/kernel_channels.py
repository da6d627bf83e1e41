"""What passes between a page and its kernel on the websocket ``/api/kernels/<id>/channels`` (issue 16).

Whoever holds a page holds its websocket, and can send it anything. So the page may send only the message
types Voilà's widget manager sends (:data:`PAGE_MESSAGE_TYPES`); anything else, an ``execute_request``
above all, is dropped before it reaches the kernel. And the kernel's ``stream`` and ``error`` messages
never reach the page: what a kernel prints or a traceback names server paths, and belongs in the server's
log (the kernel writes its errors there itself, :mod:`workbench.apps.server_log`); a dropped one is logged.

Only the Voilà server imports this module (``serve.voila_config`` names :class:`PageChannels` by its path).
"""
from __future__ import annotations

import json
import re

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

# What the page sends, logged from every message while the browser tests drove the workspace (issue 16):
# comm_open, comm_msg and comm_close (the widgets, and the control comm that asks for their states), and
# kernel_info_request. comm_info_request is the widget manager's fallback when the control comm does not
# answer within 4 s (``_loadFromKernelModels`` in widgets-manager8), which a busy server can cause.
# Voilà's own list adds shutdown_request, which the page never sends (it ends its kernel by an HTTP POST).
PAGE_MESSAGE_TYPES = ("comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request")

# Kernel messages kept from the page: output streams (a print, a warning, a C library's stderr, which
# ipykernel forwards too) and tracebacks.
KEPT_FROM_PAGE = frozenset({"stream", "error"})


V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
# A surrogate written as a JSON escape (a lone one is how JSON.stringify writes half a character); a frame
# without one is passed on untouched, so only such a frame pays for decoding and encoding again.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPED_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _replaced(value):
    """``value`` (decoded JSON) with every lone surrogate in its strings (keys too) made U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)  # json.loads has joined the valid pairs: what is left is lone
    if isinstance(value, list):
        return [_replaced(v) for v in value]
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    return value


def without_lone_surrogates(ws_msg, v1: bool):
    """The websocket message ``ws_msg`` (JSON text, or the v1 protocol's binary frame) with each lone
    surrogate in its JSON parts replaced by U+FFFD; unchanged if it holds none, or is not JSON (then
    Jupyter Server refuses it as before). A v1 frame's buffers (binary data) are never touched.

    Why: a page's text field may hold a lone surrogate (a JavaScript string is UTF-16 and need not be
    whole); Python reads the escape into a ``str`` that cannot be encoded as UTF-8, so the server's or the
    kernel's next ``json_packer`` fails and the websocket is dropped. U+FFFD is what a broken character
    becomes everywhere else, and :mod:`workbench.text_rules` refuses it with a message saying where it is.
    """
    try:
        if not v1:
            if isinstance(ws_msg, str) and _ESCAPED_SURROGATE.search(ws_msg):
                return json.dumps(_replaced(json.loads(ws_msg)))
            return ws_msg
        channel, parts = deserialize_msg_from_ws_v1(ws_msg)
        if not any(_ESCAPED_SURROGATE_BYTES.search(part) for part in parts[:4]):
            return ws_msg
        parts = [json.dumps(_replaced(json.loads(part))).encode("ascii")
                 if n < 4 and _ESCAPED_SURROGATE_BYTES.search(part) else part for n, part in enumerate(parts)]
        return serialize_msg_to_ws_v1(parts, channel)
    except (ValueError, TypeError, IndexError, RecursionError):  # not JSON or a short frame: Jupyter Server's own handling
        return ws_msg


class PageChannels(ZMQChannelsWebsocketConnection):
    """Jupyter Server's websocket connection to a kernel, keeping :data:`KEPT_FROM_PAGE` from the page (and
    logging it), and telling the kernel limit (``kernel_limit.PageKernels``, if the kernel manager has one)
    that a page connected. The incoming filter is the kernel manager's ``allowed_message_types`` (``serve``)."""

    def connect(self):
        pages = getattr(self.multi_kernel_manager, "page_kernels", None)
        if pages is not None:
            pages.connected(self.kernel_id)
        return super().connect()

    def handle_incoming_message(self, incoming_msg) -> None:
        super().handle_incoming_message(without_lone_surrogates(incoming_msg, self.subprotocol == V1_PROTOCOL))

    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        if channel == "iopub":
            _, parts = self.session.feed_identities(outgoing_msg)
            header = self.session.unpack(parts[1])
            if header.get("msg_type") in KEPT_FROM_PAGE:
                content = self.session.unpack(parts[4])
                text = content.get("text") or "\n".join(content.get("traceback") or [])
                self.log.warning("Kept from the page of kernel %s (%s): %s", self.kernel_id,
                                 header["msg_type"], text[:4000])
                return
        super().handle_outgoing_message(stream, outgoing_msg)
