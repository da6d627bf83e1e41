"""The case manager's workspace: one Voilà app for the whole case cycle.

Home (my caseload, what needs my action today, a search across what I may see), intake, the events log
and the case record with its tabs are views of one kernel: going from one to another changes what the
frame shows, with no page load. The address (``?case=ID&tab=NAME``, ``?view=intake``) follows the view,
so a link or a reload lands in the same place and the browser's Back button goes back (see
:mod:`workbench.apps.address`). Views are built the first time they are opened.

An administrator's workspace is the users-and-teams page alone (their home; no case, no search). A user who
signed in with an administrator's one-time password is held on the password view, whatever the address says,
until they have chosen their own.
"""
from __future__ import annotations

import os

from .. import i18n
from ..store.credentials import password_state
from ..store.guard import may
from .address import Place, parse_place
from .common import signed_in, start_app
from .frame import Frame


class Workspace:
    """The workspace of ``user``; ``widget`` is what the notebook shows, :meth:`go` opens a place."""

    def __init__(self, db, user: str, lang: str = "uk", today=None, query: str = ""):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        # Who may open the workspace at all, and which of its views: the policy's to say.
        self.user_row = signed_in(db, user, "workspace.open")
        cases = may(db, user, "cases.search")
        wanted = {"home": cases, "case": cases, "intake": may(db, user, "case.open"),
                  "events": may(db, user, "events.read"), "users": may(db, user, "users.manage"), "password": True}
        self.places = tuple(view for view, allowed in wanted.items() if allowed)
        # Home is the caseload; an administrator, who reads no case, starts at the users' page.
        self.home = Place() if cases else Place("users") if "users" in self.places else Place("password")
        self.frame = Frame(self.user_row, self.lang, self.set_language, self.places)
        self.widget = self.frame.widget
        self.views: dict[str, object] = {}
        self.place = Place()
        self._following = False  # the kernel is setting the address: not a navigation from the page
        # What the page's address says now. Left empty, a page opened at ``?case=12`` whose home link is
        # followed would send "" again, no change: the address would say home and the case stay shown.
        self.frame.address.query = (query or "").lstrip("?")
        self.frame.address.observe(self._address_changed, "query")
        self.frame.address.on_msg(self._link_to_here)
        self.go(parse_place(query), remember=False)

    @staticmethod
    def preload() -> None:
        """What does not depend on the user, done ahead of a request in a preheated kernel: every view's
        imports, the instruments, and a first chart (matplotlib's first figure costs most)."""
        from ..charts.case import star_chart
        from . import case, case_record, events, home, intake, password, support_plan, users  # noqa: F401
        from .client_page import png
        from .needs_assessment import NeedsAssessmentApp

        NeedsAssessmentApp.preload()
        png(star_chart({}))

    @classmethod
    def for_current_user(cls):
        """The workspace of the signed-in user at the page's address (what the Voilà notebook calls)."""
        query = os.environ.get("QUERY_STRING", "")

        def build(db, user, lang):
            workspace = cls(db, user, lang, query=query)
            workspace.frame.catch_errors()
            return workspace.widget

        return start_app(build)

    # --- going places ----------------------------------------------------------------------
    def go(self, place: Place, remember: bool = True):
        """Show ``place``; with ``remember`` the address follows (a new entry in the browser's history)."""
        held = self.held()
        if held:
            place = Place("password")  # the one-time password first, whatever the address
        elif place.view not in self.places:
            place = self.home  # not this user's (intake for the head of centre, a case for an administrator)
        self.frame.nav.layout.display = "none" if held else None
        leaving = self.views.get(self.place.view)
        if place.view != self.place.view and hasattr(leaving, "leave"):
            leaving.leave()  # e.g. a one-time password shown to an administrator goes with the view
        if place.view == "case":
            record = self._view("case")
            record.show(place.case_id, place.tab, place.record)
            self.frame.show(record.widget, "case")
        else:
            built = place.view in self.views
            view = self._view(place.view)
            if place.view == "home":
                view.refresh()
            elif place.view == "users" and built:
                view.show_list()  # users may have been changed meanwhile (another administrator, the command)
            elif place.view == "password" and built:
                view.show_notice()
            self.frame.show(view.widget, place.view)
        self.place = place
        if remember:
            self._following = True
            try:
                self.frame.address.query = place.as_query()
            finally:
                self._following = False

    def held(self) -> bool:
        """Whether the user must first replace an administrator's one-time password (read anew each time: a
        reset meanwhile holds them too)."""
        return password_state(self.db, self.user, self.user)["temporary"]

    def _password_changed(self):
        """The user chose their own password: the navigation is back (the confirmation stays in view)."""
        self.frame.nav.layout.display = None

    def open_case(self, case_id: int, tab: str = "overview"):
        self.go(Place("case", case_id, tab))

    def _address_changed(self, change):
        """The page's address changed (Back, Forward, a link of ours): show what it names."""
        if not self._following:
            self.go(parse_place(change["new"]), remember=False)

    def _link_to_here(self, _address, content, _buffers):
        """A link to where the address already is was followed: show that place again (only the signal is
        the page's; the place is the address's own)."""
        if isinstance(content, dict) and content.get("again") is True:
            self.go(parse_place(self.frame.address.query), remember=False)

    def _view(self, name: str):
        view = self.views.get(name)
        if name == "intake" and view is not None and view.registering.used:
            view = None  # a new intake after a registration: a blank form, never the last family's
        if view is None:
            view = self.views[name] = self._build(name)
        return view

    def _build(self, name: str):
        if name == "case":
            from .case_record import CaseRecord
            return CaseRecord(self.db, self.user, self.lang, today=self.today)
        if name == "intake":
            from .intake import IntakeApp
            return IntakeApp(self.db, self.user, self.lang, today=self.today)
        if name == "events":
            from .events import EventsApp
            return EventsApp(self.db, self.user, self.lang, today=self.today)
        if name == "users":
            from .users import UsersView
            return UsersView(self.db, self.user, self.lang)
        if name == "password":
            from .password import PasswordView
            return PasswordView(self.db, self.user, self.lang, on_changed=self._password_changed)
        from .home import Home
        return Home(self.db, self.user, self.lang, today=self.today, on_open=self.open_case)

    def set_language(self, lang: str):
        self.lang = lang
        for view in self.views.values():
            view.set_language(lang)
