"""An unexpected error in the workspace reaches the server's log and never the page (issue 16).

In a kernel, ipywidgets hands a handler's exception to the shell's ``showtraceback``, which would publish the
traceback to the page; ``Frame.catch_errors`` routes it to ``Frame.failed`` instead, which logs it and shows
the bilingual message. The kernel's ``sys.stderr`` and even its file descriptor 2 are forwarded to the page
by ipykernel, so the log goes to ipykernel's copy of the original stderr (``workbench.apps.server_log``).
Here a stand-in shell plays the kernel's; ``test_kernel_websocket.py`` runs the real one.
"""
from __future__ import annotations

import logging
import os
import sys

import ipywidgets as w
import pytest
from conftest import TODAY

from workbench import i18n
from workbench.apps import frame, server_log
from workbench.apps.common import status_html
from workbench.apps.workspace import Workspace

SECRET = "/srv/secret/handler.py"


class Shell:
    """What ``catch_errors`` and ipywidgets need of IPython's shell: ``showtraceback``, which a real one would
    send to the page."""

    def __init__(self):
        self.shown = []
        self.showtraceback = lambda *args, **kwargs: self.shown.append(sys.exc_info())


@pytest.fixture
def workspace(db, monkeypatch):
    """The workspace in a stand-in kernel: ``catch_errors`` done with a shell present."""
    import IPython
    import ipywidgets.widgets.widget as widget_module

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(widget_module, "get_ipython", lambda: shell)
    monkeypatch.setattr(frame, "log_to_server", lambda: None)  # the test process's logging stays as it is
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    ws.frame.catch_errors()
    yield ws
    assert shell.shown == [], "the shell's own showtraceback was called: the traceback would reach the page"


def from_page(widget, **state):
    """Apply ``state`` to ``widget`` as a message from the page does (what ipywidgets' comm calls)."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


def assert_failed_quietly(ws, caplog, capsys, *in_log):
    assert ws.frame.error.value == status_html(i18n.t("frame.failed", "uk"), "error")
    assert "Traceback" in caplog.text and all(text in caplog.text for text in in_log), caplog.text
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == ["workbench.apps.frame"]
    assert capsys.readouterr() == ("", "")  # nothing printed: in a kernel it would be sent to the page


def test_an_exception_in_a_click_handler(workspace, caplog, capsys):
    button = w.Button()

    def handler(_):
        raise RuntimeError(f"{SECRET} exploded")

    button.on_click(handler)
    button.click()
    assert_failed_quietly(workspace, caplog, capsys, SECRET)


def test_an_exception_in_an_observer_of_a_value_from_the_page(workspace, caplog, capsys):
    text = w.Text()
    text.observe(lambda change: 1 / 0, "value")
    from_page(text, value="typed")
    assert_failed_quietly(workspace, caplog, capsys, "ZeroDivisionError")


@pytest.mark.parametrize("make, state", [(lambda: w.Dropdown(options=["a", "b"]), {"index": 999}),
                                         (w.Text, {"value": ["a", "list"]})])
def test_a_forged_value_the_widget_refuses(workspace, caplog, capsys, make, state):
    widget = make()
    before = widget.get_state()
    from_page(widget, **state)
    assert_failed_quietly(workspace, caplog, capsys, "TraitError")
    assert {k: widget.get_state()[k] for k in state} == {k: before[k] for k in state}


def test_the_message_follows_the_language_and_goes_with_the_next_view(workspace, caplog):
    button = w.Button()
    button.on_click(lambda _: 1 / 0)
    button.click()
    workspace.frame.language.widget.value = "en"
    assert workspace.frame.error.value == status_html(i18n.t("frame.failed", "en"), "error")


# --- where the log goes ----------------------------------------------------------------------------

class KernelStderr:
    """ipykernel's ``sys.stderr`` as far as :mod:`server_log` reads it: the copy of the original fd 2."""

    def __init__(self, fd):
        self._original_stdstream_copy = fd


def test_in_a_kernel_the_log_goes_to_the_original_stderr_and_not_to_sys_stderr(monkeypatch):
    read, write = os.pipe()
    monkeypatch.setattr(sys, "stderr", KernelStderr(write))
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        server_log.log_to_server()
        server_log.log_to_server()  # once per process
        added = [h for h in root.handlers if h not in handlers]
        assert [h.get_name() for h in added] == [server_log.HANDLER_NAME]
        logging.getLogger("Comm").error("Exception in comm_msg for %s", "x1")
        added[0].flush()
        os.close(write)  # the handler holds its own copy of the fd
        added[0].stream.close()
        assert "ERROR Comm: Exception in comm_msg for x1" in os.read(read, 10_000).decode()
    finally:
        root.handlers[:] = handlers
        logging.captureWarnings(False)
        os.close(read)


def test_outside_a_kernel_the_log_goes_to_the_process_stderr(monkeypatch):
    monkeypatch.setattr(sys, "stderr", object())  # no copy of fd 2: not ipykernel's stream
    assert server_log.server_stream() is sys.__stderr__
