"""What passes between a page and its kernel on the websocket ``/api/kernels/<id>/channels`` (issue 16).

Whoever holds a page holds its websocket, and can send it anything. So the page may send only the message
types Voilà's widget manager sends (:data:`PAGE_MESSAGE_TYPES`); anything else, an ``execute_request``
above all, is dropped before it reaches the kernel. And the kernel's ``stream`` and ``error`` messages
never reach the page: what a kernel prints or a traceback names server paths, and belongs in the server's
log (the kernel writes its errors there itself, :mod:`workbench.apps.server_log`); a dropped one is logged.

Only the Voilà server imports this module (``serve.voila_config`` names :class:`PageChannels` by its path).
"""
from __future__ import annotations

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


class PageChannels(ZMQChannelsWebsocketConnection):
    """Jupyter Server's websocket connection to a kernel, keeping :data:`KEPT_FROM_PAGE` from the page (and
    logging it), and telling the kernel limit (``kernel_limit.PageKernels``, if the kernel manager has one)
    that a page connected. The incoming filter is the kernel manager's ``allowed_message_types`` (``serve``)."""

    def connect(self):
        pages = getattr(self.multi_kernel_manager, "page_kernels", None)
        if pages is not None:
            pages.connected(self.kernel_id)
        return super().connect()

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
