"""A kernel's log goes to the Voilà server's log, never to the page (issue 16).

Inside ipykernel, ``sys.stderr`` publishes what is written to it as a ``stream`` message to the page, and
so does file descriptor 2 itself: ipykernel turns it into a pipe it forwards to the page as well as to the
process's original stderr (``IPKernelApp.capture_fd_output``), so even ``sys.__stderr__`` reaches the page.
The original stderr, which the server's log shows, survives only as the copy ipykernel keeps
(``OutStream._original_stdstream_copy``, which ipykernel's own log handlers write to as well).
"""
from __future__ import annotations

import logging
import os
import sys

HANDLER_NAME = "workbench-server-log"


def server_stream():
    """A text stream to the process's original stderr: ipykernel's copy of it in a kernel, else
    ``sys.__stderr__`` (plain Python, the tests)."""
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if fd is None:
        return sys.__stderr__
    # A copy of the copy, kept open: the log handler writes to it for good; line-buffered, so a record is
    # in the server's log at once.
    return open(os.dup(fd), "w", buffering=1, encoding="utf-8", errors="replace")


def log_to_server() -> None:
    """Send the root logger's records (ours, ipywidgets' and the comm's "Exception in comm_msg") and Python's
    warnings to :func:`server_stream`, once per process. Without a handler, logging's last resort would
    write them to ``sys.stderr``, i.e. to the page."""
    root = logging.getLogger()
    if any(handler.get_name() == HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(server_stream())
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter("[kernel %(process)d] %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)
