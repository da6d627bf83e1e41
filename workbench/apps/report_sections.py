"""The sections of a supervisors' notebook that follow its controls (:mod:`workbench.apps.report_controls`).

A :class:`Section` is an ``Output`` widget whose ``outputs`` are set from Python (so every front end shows
them: JupyterLab, Voilà, nbclient); what its function displays and prints is captured in order, and its
plain display carries the same drawing as text and HTML for papermill, nbconvert and notebook viewers.
"""
from __future__ import annotations

import html
import io
import sys
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.core.displaypub import DisplayPublisher
from IPython.display import Image, display

from ..i18n import UserError

if TYPE_CHECKING:
    from .report_controls import ReportControls


def show_figure(figure) -> None:
    """Show a chart in the section being drawn, as a PNG image (whatever matplotlib backend the kernel has:
    under ``MPLBACKEND=Agg`` a figure has no picture of its own), then its caption (if it has one). The
    figure is closed, so the notebook's inline backend does not show it a second time."""
    picture = io.BytesIO()
    figure.savefig(picture, format="png", bbox_inches="tight")
    display(Image(data=picture.getvalue(), format="png"))
    plt.close(figure)
    if _Capture.current is not None:
        _Capture.current.figures.append(figure)
    caption = getattr(figure, "caption", None)
    if caption:  # as text in the page's font that wraps between words (a printed line is monospace, cut anywhere)
        display({"text/html": f'<p class="wb-caption" style="margin:0.3em 0 1em">{html.escape(caption)}</p>',
                 "text/plain": caption}, raw=True)


class Section(w.Output):
    """One section of a notebook that follows the controls: ``outputs`` hold its latest drawing."""

    def __init__(self, controls: "ReportControls", render):
        super().__init__()
        self.controls, self.render = controls, render
        self.figures: list = []  # the charts of the latest drawing (for tests and for a report to reuse)
        self.result = None  # what the function returned at the latest drawing (None after a refusal)
        self.add_class("wb-controls-section")

    def draw(self) -> None:
        """Draw the section for the controls' current choice, replacing what it showed."""
        capture, self.result = _Capture(), None
        with capture:
            error = self.controls.error
            if error is None:
                try:
                    self.result = self.render(self.controls.choice)
                except UserError as err:
                    error = err
        # The controls' own refusal (a bad parameter or date) is said once, by the first section (and the
        # controls); a section's own refusal by that section.
        said = error is not None and error is self.controls.error and self.controls.sections[:1] != [self]
        if error is not None and not said:  # the message after what was drawn before the refusal
            text = error.message(self.controls.lang)
            capture.outputs.append({"output_type": "display_data", "metadata": {},
                                    "data": {"text/markdown": f"**{text}**", "text/plain": text}})
        self.figures = capture.figures
        self.outputs = tuple(capture.outputs)

    def text(self) -> str:
        """What the section shows, as text: printed lines, markdown, tables' cells (tab-separated, a row a
        line: a styled table's plain text is only its type), else each output's plain text; not the charts."""
        parts = []
        for output in self.outputs:
            if output["output_type"] == "stream":
                parts.append(output["text"])
                continue
            data = output["data"]
            if "text/markdown" in data:
                parts.append(data["text/markdown"])
            elif "<table" in data.get("text/html", ""):
                parts.append(_table_text(data["text/html"]))
            elif "image/png" not in data:  # a chart is told by its caption
                parts.append(data.get("text/plain", ""))
        return "\n".join(parts)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # Where no widget is drawn (a papermill run, nbconvert, a notebook viewer) the same drawing, static.
        bundle["text/plain"] = self.text()
        bundle["text/html"] = "\n".join(_html_of(output) for output in self.outputs)
        return bundle


class _TableText(HTMLParser):
    """The text of an HTML table: cells by tabs, rows by lines; a stylesheet left out."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        self._style = self._style or tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag == "tr":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data.strip())


def _table_text(markup: str) -> str:
    parser = _TableText()
    parser.feed(markup)
    return "".join(parser.parts).strip()


def _html_of(output: dict) -> str:
    if output["output_type"] == "stream":
        return f"<pre>{html.escape(output['text'])}</pre>"
    data = output["data"]
    if "text/html" in data:
        return data["text/html"]
    if "image/png" in data:
        return f'<img src="data:image/png;base64,{data["image/png"]}"/>'
    if "text/markdown" in data:
        return f"<p>{html.escape(data['text/markdown']).replace('**', '')}</p>"
    return f"<pre>{html.escape(data.get('text/plain', ''))}</pre>"


class _Capture(DisplayPublisher):
    """Everything a section's function displays and prints, in order, as notebook outputs; figures it
    leaves open are shown at the end (and closed)."""

    current: "_Capture | None" = None  # the drawing under way, where show_figure notes its figure

    def __init__(self):
        super().__init__()
        self.outputs: list[dict] = []
        self.figures: list = []

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.outputs.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def clear_output(self, wait=False):
        self.outputs.clear()

    def write(self, text: str) -> int:
        if self.outputs and self.outputs[-1]["output_type"] == "stream":
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": "stdout", "text": text})
        return len(text)

    def flush(self) -> None:
        pass

    def __enter__(self):
        from IPython import get_ipython

        self._shell, self._stdout = get_ipython(), sys.stdout
        self._figures = set(plt.get_fignums())
        if self._shell is not None:
            self._publisher, self._shell.display_pub = self._shell.display_pub, self
        sys.stdout, _Capture.current = self, self
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                for number in sorted(set(plt.get_fignums()) - self._figures):
                    show_figure(plt.figure(number))
        finally:
            sys.stdout, _Capture.current = self._stdout, None
            if self._shell is not None:
                self._shell.display_pub = self._publisher
        return False
