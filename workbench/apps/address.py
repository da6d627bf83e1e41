"""The workspace's address: which view the page shows, kept in the browser's address bar and history.

A place is the view and, for a case, its id and tab: ``?case=12&tab=plan``, ``?view=intake``, ``?view=users``
(the administrators' page), ``?view=password`` (my own password), or no query for the home page;
``?case=12&tab=assessments&record=40`` shows a saved assessment of the case.
:class:`Address` is a small anywidget that keeps the page's address and the browser's history in step
with the view, both ways:

- the kernel sets ``query`` when the user goes somewhere: the page pushes a history entry;
- the browser's Back and Forward (``popstate``) send the address's query to the kernel;
- a click on an ``<a class="wb-go" href="?case=12&tab=plan">`` in any view's HTML is kept in the page:
  the entry is pushed and the kernel told, with no page load (a new tab or a reload loads it anew);
- a click on a link to where the address already is sends ``{"again": true}`` (the same query would be no
  change): the view may have moved on without the address (a save closes the assessment shown), and the
  link must still show what it names.

What the page sends is only a query string: :func:`parse_place` reads it with the same rules as a
typed address, and whoever opens a case is still checked by the store.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import anywidget
import traitlets

VIEWS = ("home", "intake", "events", "users", "password", "case")
TABS = ("overview", "people", "assessments", "plan", "services", "shelter", "documents")


@dataclass(frozen=True)
class Place:
    """Where the workspace is: ``view`` (one of :data:`VIEWS`), and for a case its ``case_id`` and ``tab``
    (and on the assessments tab, the saved assessment shown: ``record``)."""
    view: str = "home"
    case_id: int | None = None
    tab: str = "overview"
    record: int | None = None

    def as_query(self) -> str:
        """The address's query for this place (no leading ``?``)."""
        if self.view == "case":
            fields = {"case": self.case_id, "tab": self.tab}
            if self.record is not None and self.tab == "assessments":
                fields["record"] = self.record
            return urlencode(fields)
        return "" if self.view == "home" else urlencode({"view": self.view})


def parse_place(query: str | None) -> Place:
    """The place an address's query names; anything unknown or malformed is the home page.

    ``case`` must be ASCII digits (``str.isdigit`` takes "²" too); a case the user may not read is
    refused later, by the store, like any other."""
    fields = parse_qs((query or "").lstrip("?"))
    first = {name: values[0] for name, values in fields.items() if values}
    case = first.get("case", "")
    if re.fullmatch(r"[0-9]{1,18}", case):
        tab = first.get("tab", "overview")
        tab = tab if tab in TABS else "overview"
        record = first.get("record", "")
        record = int(record) if tab == "assessments" and re.fullmatch(r"[0-9]{1,18}", record) else None
        return Place("case", int(case), tab, record)
    view = first.get("view", "home")
    return Place(view if view in VIEWS and view != "case" else "home")


class Address(anywidget.AnyWidget):
    """The page's address query (``query``, no leading ``?``), synced with the browser (see the module)."""

    _esm = r"""
    function render({ model, el }) {
      el.style.display = "none";
      const current = () => window.location.search.replace(/^\?/, "");
      // The kernel went somewhere: a new history entry (not when the address already says so).
      const follow = () => {
        const query = model.get("query");
        if (query !== current()) {
          history.pushState(null, "", window.location.pathname + (query ? "?" + query : ""));
        }
      };
      const tell = () => { model.set("query", current()); model.save_changes(); };
      // A link of ours: stay in the page (a modified click opens a new tab or window as usual).
      const click = (event) => {
        const link = event.target.closest && event.target.closest("a.wb-go");
        if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
          return;
        }
        event.preventDefault();
        const url = new URL(link.href, window.location.href);
        if (url.search.replace(/^\?/, "") === current()) {
          model.send({ again: true });  // the same query is no change to sync: say so (see the module)
          return;
        }
        history.pushState(null, "", window.location.pathname + url.search);
        tell();
      };
      model.on("change:query", follow);
      window.addEventListener("popstate", tell);
      document.addEventListener("click", click);
      return () => {
        model.off("change:query", follow);
        window.removeEventListener("popstate", tell);
        document.removeEventListener("click", click);
      };
    }
    export default { render };
    """
    query = traitlets.Unicode("").tag(sync=True)


def link(place: Place, text_html: str, css: str = "") -> str:
    """An in-page link to ``place`` (``text_html`` already escaped): see :class:`Address`."""
    classes = f"wb-go {css}".strip()
    return f'<a class="{classes}" href="?{html.escape(place.as_query())}">{text_html}</a>'
