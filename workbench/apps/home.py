"""The workspace's home page: what needs my action today, a search across every case I may see, and my
caseload (urgent and overdue first), each case a link into its case record."""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n
from ..store.agenda import kind_label, needs_action
from ..store.audit import last_write
from .address import Place, link
from .caseload import CaseloadList
from .common import subject_label
from .widgets import CaseSearch

i18n.add({
    "home.agenda": {"uk": "Потребує моєї дії", "en": "Needs my action"},
    "home.agenda_none": {"uk": "Сьогодні нічого не чекає на вас.", "en": "Nothing is waiting for you today."},
    "home.due": {"uk": "до {due}", "en": "by {due}"},
    "home.overdue": {"uk": "ПРОСТРОЧЕНО", "en": "OVERDUE"},
    "home.urgent": {"uk": "ТЕРМІНОВО", "en": "URGENT"},
})

# Which tab of the case record each kind of action is done in.
# (An assessment's conclusion is signed off on the plan tab, beside the plan; a case is handed over on its overview.)
TAB_OF = {"needs_assessment": "assessments", "goal_review": "plan", "plan_sign_off": "plan",
          "plan_awaiting_sign_off": "plan", "accompaniment_end": "overview", "shared": "overview",
          "eisss_entry": "documents", "conclusion_sign_off": "plan", "conclusion_awaiting_sign_off": "plan",
          "case_without_worker": "overview"}


class Home:
    """The home page of ``user``; ``on_open(case_id)`` opens a case picked in the search."""

    def __init__(self, db, user: str, lang: str, today=None, on_open=None):
        self.db, self.user, self.lang, self.today = db, user, lang, today
        self.agenda_title, self.agenda = w.HTML(), w.HTML()
        self.agenda.add_class("wb-agenda")
        self.search = CaseSearch(db, user, lang, on_open)
        self.caseload = CaseloadList(db, user, lang, today=today)
        self.widget = w.VBox([self.agenda_title, self.agenda, self.search.widget, self.caseload.widget])
        self.widget.add_class("wb-home")
        self._read_at = last_write(db, user)
        self.set_language(lang)

    def refresh(self):
        """Read the agenda and the caseload anew if anything was written since they were read."""
        if last_write(self.db, self.user) != self._read_at:
            self.caseload.refresh()
            self._show_agenda()
            self._read_at = last_write(self.db, self.user)

    def set_language(self, lang: str):
        self.lang = lang
        self.agenda_title.value = f"<h3>{html.escape(i18n.t('home.agenda', lang))}</h3>"
        self.search.set_language(lang)
        self.caseload.set_language(lang)
        self._show_agenda()

    def _show_agenda(self):
        items = needs_action(self.db, self.user, today=self.today)
        if not items:
            self.agenda.value = f"<p>{html.escape(i18n.t('home.agenda_none', self.lang))}</p>"
            return
        rows = []
        for item in items:
            flags = [i18n.t("home.urgent", self.lang)] if item["urgent"] else []
            if item["overdue"]:
                flags.append(i18n.t("home.overdue", self.lang))
            due = i18n.t("home.due", self.lang, due=item["due"].strftime("%d.%m.%Y")) if item["due"] else ""
            text = " · ".join(part for part in (
                item["case_number"], subject_label(item, self.lang), kind_label(item["kind"], self.lang), due,
                *flags) if part)
            style = ' style="color:#b00020;font-weight:bold"' if flags else ""
            place = Place("case", item["case_id"], TAB_OF[item["kind"]])
            rows.append(f'<li class="wb-agenda-{item["kind"]}"{style}>{link(place, html.escape(text))}</li>')
        self.agenda.value = f'<ul class="wb-list">{"".join(rows)}</ul>'
