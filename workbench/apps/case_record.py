"""The case record: one case, its header, and tabs — overview, people, assessments, plan and goals, services
and referrals, shelter stays, documents — as Primero shows a case.

Each tab is a view built the first time it is opened and kept for the page's life: switching tabs or cases
re-reads only the tab shown, and only if anything was written since that tab last showed this case (a save
anywhere, by anyone). Whether the user may read the case is the store's to decide: a refused case shows the
refusal and nothing of the case.
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import config, i18n
from ..i18n import UserError
from ..store.audit import last_write
from ..store.cases import get_case
from ..store.lifecycle import case_state
from .address import TABS, Place, link
from .common import staff_names, status_html, subject_label

i18n.add({
    "record.header": {"uk": "Випадок {number} · {subject}", "en": "Case {number} · {subject}"},
    "record.facts": {"uk": "{programme} · {status} · фахівець: {worker}",
                     "en": "{programme} · {status} · worker: {worker}"},
    "record.urgent": {"uk": "ТЕРМІНОВО", "en": "URGENT"},
    "record.tab.overview": {"uk": "Огляд", "en": "Overview"},
    "record.tab.people": {"uk": "Особи і згоди", "en": "People and consents"},
    "record.tab.assessments": {"uk": "Оцінювання", "en": "Assessments"},
    "record.tab.plan": {"uk": "План і цілі", "en": "Plan and goals"},
    "record.tab.services": {"uk": "Послуги і перенаправлення", "en": "Services and referrals"},
    "record.tab.shelter": {"uk": "Притулок", "en": "Shelter"},
    "record.tab.documents": {"uk": "Документи", "en": "Documents"},
})


class CaseRecord:
    """The case record view; ``widget`` goes in the frame, :meth:`show` opens a case at a tab."""

    def __init__(self, db, user: str, lang: str, today=None):
        self.db, self.user, self.lang, self.today = db, user, lang, today
        self.case_id: int | None = None
        self.tab, self.record = "overview", None
        self.header, self.tabs, self.status = w.HTML(), w.HTML(), w.HTML()
        self.header.add_class("wb-record-header")
        self.tabs.add_class("wb-tabs")
        self.status.add_class("wb-record-status")
        self.content = w.VBox()
        self.content.add_class("wb-tab-content")
        self.parts: dict[str, object] = {}  # built on first use: "case", "assessments", "plan", "documents"
        self.shown: dict[str, tuple] = {}  # part → (case id, language, data version) it last showed
        self.relabel: set[str] = set()  # parts still in the previous language (relabelled when next shown)
        self.widget = w.VBox([self.header, self.tabs, self.status, self.content])
        self.widget.add_class("wb-case-record")
        self._names = None

    # Which part shows each tab: the case view holds four of them (it reads the case once for all four).
    PART_OF = {"overview": "case", "people": "case", "services": "case", "shelter": "case",
               "assessments": "assessments", "plan": "plan", "documents": "documents"}

    def show(self, case_id: int, tab: str, record: int | None = None) -> bool:
        """Open ``case_id`` at ``tab`` (on the assessments tab, with the saved assessment ``record`` shown);
        False (the refusal shown, nothing of the case) if the user may not."""
        tab = tab if tab in TABS else "overview"
        try:
            case = get_case(self.db, self.user, case_id)
        except UserError as err:
            self.case_id = None
            self.header.value = self.tabs.value = ""
            self.content.children = []
            self.status.value = status_html(err.message(self.lang), "error")
            return False
        self.status.value = ""
        self.case_id, self.tab, self.record = case["id"], tab, record
        state = case_state(self.db, self.user, self.case_id)
        self._show_header(case, state)
        name = self.PART_OF[tab]
        part = self._part(name)
        if name in self.relabel:
            self.relabel.discard(name)
            part.set_language(self.lang)
        seen = (self.case_id, self.lang, last_write(self.db, self.user))
        if self.shown.get(name) != seen:
            part.show_case(self.case_id)  # audits the opening, which last_write does not count
            self.shown[name] = seen
        if name == "assessments" and part.viewing != record:
            if record is None:
                part.close_view()
            else:
                part.view(record)
        # The case view's tabs are its sections; its notice (e.g. that the user only reads) goes above each.
        shown = (part.status, part.sections[tab]) if name == "case" else (part.widget,)
        if self.content.children != shown:
            self.content.children = list(shown)
        return True

    def set_language(self, lang: str):
        """Relabel; a part not shown now is re-read in ``lang`` when it is next shown."""
        self.lang = lang
        self.relabel = set(self.parts)
        if self.case_id:
            self.show(self.case_id, self.tab, self.record)

    def _part(self, name: str):
        if name not in self.parts:
            if name == "case":
                from .case import CaseApp
                self.parts[name] = CaseApp(self.db, self.user, self.lang, today=self.today)
            elif name == "assessments":
                from .needs_assessment import NeedsAssessmentApp
                self.parts[name] = NeedsAssessmentApp(self.db, self.user, self.lang, today=self.today)
            elif name == "documents":
                from .documents import DocumentsApp
                self.parts[name] = DocumentsApp(self.db, self.user, self.lang, today=self.today)
            else:
                from .support_plan import SupportPlanApp
                self.parts[name] = SupportPlanApp(self.db, self.user, self.lang, today=self.today)
            for form in getattr(self.parts[name], "forms", {}).values():  # a move changes the header's status
                form.after = self._after_save(name, form.after)
        return self.parts[name]

    def _after_save(self, name: str, refresh):
        def after():
            if refresh is not None:
                refresh()  # the part reads the case again itself: no second reading for what it wrote
            self.shown[name] = (self.case_id, self.lang, last_write(self.db, self.user))
            self._show_header(get_case(self.db, self.user, self.case_id),
                              case_state(self.db, self.user, self.case_id))
        return after

    def _show_header(self, case: dict, state: dict):
        lang = self.lang
        title = html.escape(i18n.t("record.header", lang, number=case["case_number"],
                                   subject=subject_label(case, lang)))
        facts = html.escape(i18n.t("record.facts", lang, programme=config.label("programmes", case["programme"], lang),
                                   status=config.label("case_statuses", state["status"], lang),
                                   worker=self.name(state["worker"])))
        urgent = (f' <span class="wb-record-urgent" style="color:#b00020;font-weight:bold">'
                  f'{html.escape(i18n.t("record.urgent", lang))}</span>'
                  if state["urgent_on"] and state["status"] != "closed" else "")
        self.header.value = f"<h3>{title}{urgent}</h3><div>{facts}</div>"
        self.tabs.value = "".join(
            link(Place("case", self.case_id, tab), html.escape(i18n.t(f"record.tab.{tab}", lang)),
                 f"wb-tab-{tab}" + (" wb-here" if tab == self.tab else ""))
            for tab in TABS)

    def name(self, username: str) -> str:
        """A worker's name as the staff list has it (read once per page)."""
        if self._names is None:
            self._names = staff_names(self.db, self.user)
        return self._names.get(username, username)
