"""My caseload: the signed-in worker's open cases, sortable and searchable; one click opens a client's page.

The client's page shows the case's timeline and two charts: the star chart of domain
scores (the latest assessment over the first, any two selectable) and each goal's
progress. Only the signed-in worker's cases are listed, read from the server's environment.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..analysis.caseload import case_overview
from ..names import search_form, ukrainian_key
from ..store.caseload import cases_needing_a_worker
from ..store.search import case_summaries
from .client_page import case_assessments, client_page_parts, default_instrument, png_html
from .common import (LanguageSwitch, app_page, note_opening, programme_label, signed_in, start_app, status_html,
                     subject_label, ua_date)

i18n.add({
    "caseload.title": {"uk": "Мої випадки", "en": "My caseload"},
    "caseload.need_worker": {
        "uk": "Випадки без фахівця (обліковий запис деактивовано), чекають на передачу: {cases}.",
        "en": "Cases without a worker (the account was deactivated), waiting to be handed over: {cases}.",
    },
    "caseload.need_worker_item": {"uk": "{number} ({name})", "en": "{number} ({name})"},
    "caseload.count": {"uk": "Відкритих випадків: {n}; прострочено: {overdue}; термінових: {urgent}.",
                       "en": "Open cases: {n}; overdue: {overdue}; urgent: {urgent}."},
    "caseload.filter": {"uk": "Пошук серед моїх випадків", "en": "Search my cases"},
    "caseload.sort": {"uk": "Впорядкувати", "en": "Sort by"},
    "caseload.sort.next_due": {"uk": "найближчим терміном", "en": "next deadline"},
    "caseload.sort.case_number": {"uk": "номером випадку", "en": "case number"},
    "caseload.sort.subject": {"uk": "прізвищем", "en": "family name"},
    "caseload.sort.status": {"uk": "станом", "en": "status"},
    "caseload.row": {"uk": "{number} · {subject} · {status} · термін: {due}{flags}",
                     "en": "{number} · {subject} · {status} · due: {due}{flags}"},
    "caseload.overdue": {"uk": " · ПРОСТРОЧЕНО", "en": " · OVERDUE"},
    "caseload.urgent": {"uk": " · ТЕРМІНОВО", "en": " · URGENT"},
    "caseload.open": {"uk": "Відкрити", "en": "Open"},
    "caseload.shown": {"uk": "Показано {shown} з {total}.", "en": "Showing {shown} of {total}."},
    "caseload.none": {"uk": "Відкритих випадків немає.", "en": "No open cases."},
    "caseload.client": {"uk": "{number} · {subject} · {programme}", "en": "{number} · {subject} · {programme}"},
    "caseload.instrument": {"uk": "Інструмент", "en": "Instrument"},
    "caseload.current": {"uk": "Показати", "en": "Show"},
    "caseload.compare": {"uk": "Порівняти з", "en": "Compare with"},
    "caseload.nothing": {"uk": "— нічого —", "en": "— nothing —"},
})

SORTS = ("next_due", "case_number", "subject", "status")


class CaseloadApp:
    """The app's widgets; ``widget`` is what Voilà shows."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        self.user_row = signed_in(db, user, "caseload.read")
        self.case_id = None
        self.language = LanguageSwitch(self.lang, self.set_language)
        self.heading, self.signed_in, self.summary, self.orphans = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.orphans.add_class("wb-caseload-need-worker")
        self.summary.add_class("wb-caseload-summary")
        self.filter = w.Text(layout=w.Layout(width="30em"))
        self.filter.add_class("wb-caseload-filter")
        self.sort = w.Dropdown(options=[(s, s) for s in SORTS], value="next_due")
        self.sort.add_class("wb-caseload-sort")
        self.filter.observe(lambda _: self.show_list(), "value")
        self.sort.observe(lambda _: self.show_list(), "value")
        self.rows = w.VBox()
        self.rows.add_class("wb-caseload-rows")
        self.shown = w.HTML()
        self.shown.add_class("wb-caseload-shown")
        # The client's page
        self.client_header = w.HTML()
        self.client_header.add_class("wb-client-header")
        self.instrument = w.Dropdown(options=[("", "")])
        self.current = w.Dropdown(options=[("", "")])
        self.compare = w.Dropdown(options=[("", "")])
        for name, widget in (("instrument", self.instrument), ("current", self.current), ("compare", self.compare)):
            widget.add_class(f"wb-client-{name}")
            widget.style = {"description_width": "initial"}
        self.instrument.observe(lambda _: self._instrument_changed(), "value")
        self.current.observe(lambda _: self._charts_changed(), "value")
        self.compare.observe(lambda _: self._charts_changed(), "value")
        self.star, self.goals = w.HTML(), w.HTML()  # PNG inline: see client_page.png_html
        self.star.add_class("wb-client-star")
        self.goals.add_class("wb-client-goals")
        self.star_caption, self.goals_caption, self.timeline = w.HTML(), w.HTML(), w.HTML()
        self.timeline.add_class("wb-client-timeline")
        self.timeline.layout = w.Layout(max_height="22em", overflow="auto")  # a long case's timeline scrolls
        self.client = w.VBox([self.client_header, w.HBox([self.instrument, self.current, self.compare]),
                              w.HBox([w.VBox([self.star, self.star_caption]), w.VBox([self.goals, self.goals_caption])]),
                              self.timeline], layout=w.Layout(display="none", border="1px solid #999", padding="8px"))
        self.client.add_class("wb-client")
        self._quiet = False
        self.widget = app_page(self.heading, self.language, self.signed_in, self.summary, self.orphans,
                               w.HBox([self.filter, self.sort]), self.shown, self.rows, self.client)
        self.cases = self._load()
        # A supervisor's list (the head's too) shows the cases whose worker was deactivated.
        self.without_worker = cases_needing_a_worker(self.db, self.user)
        self.set_language(self.lang)

    @classmethod
    def for_current_user(cls):
        return start_app(lambda db, user, lang: cls(db, user, lang).widget)

    def _load(self) -> list[dict]:
        """The worker's open cases with their subject, people and deadlines (read once per page)."""
        overview = case_overview(self.db, self.user, today=self.today, worker=self.user)
        details = {r["id"]: r for r in case_summaries(self.db, self.user, [int(i) for i in overview["case_id"]])}
        cases = []
        for row in overview.to_dict("records"):
            detail = details[row["case_id"]]
            people = " ".join(f"{p['family_name']} {p['given_name']}" for p in detail["people"])
            cases.append(dict(row, detail=detail, search=search_form(f"{row['case_number']} {detail['subject_label']} {people}")))
        return cases

    def set_language(self, lang: str):
        self.lang = lang
        self.heading.value = f"<h2>{html.escape(i18n.t('caseload.title', lang))}</h2>"
        self.signed_in.value = f"<i>{html.escape(i18n.t('app.signed_in_as', lang, name=self.user_row['display_name']))}</i>"
        self.filter.placeholder = i18n.t("caseload.filter", lang)
        self._quiet = True
        try:
            value = self.sort.value
            self.sort.options = [(i18n.t("caseload.sort", lang) + ": " + i18n.t(f"caseload.sort.{s}", lang), s)
                                 for s in SORTS]
            self.sort.value = value
        finally:
            self._quiet = False
        self.summary.value = html.escape(i18n.t(
            "caseload.count", lang, n=len(self.cases), overdue=sum(c["overdue"] for c in self.cases),
            urgent=sum(c["urgent"] for c in self.cases)))
        self.orphans.value = status_html(i18n.t("caseload.need_worker", lang, cases=", ".join(
            i18n.t("caseload.need_worker_item", lang, number=c["case_number"], name=c["worker_name"])
            for c in self.without_worker)), "error") if self.without_worker else ""
        self.show_list()
        if self.case_id:
            self.open_client(self.case_id)

    def visible_cases(self) -> list[dict]:
        """The cases the search keeps, in the chosen order."""
        words = search_form(self.filter.value).split()
        cases = [c for c in self.cases if all(word in c["search"] for word in words)]
        sort = self.sort.value if self.sort.value in SORTS else "next_due"
        keys = {"next_due": lambda c: (not c["urgent"], not c["overdue"], c["next_due"] or date.max),
                "case_number": lambda c: c["case_number"],
                "subject": lambda c: ukrainian_key(c["detail"]["subject_label"]),
                "status": lambda c: (config.label("case_statuses", c["status"], self.lang), c["case_number"])}
        return sorted(cases, key=keys[sort])

    def show_list(self):
        if self._quiet:
            return
        rows, visible = [], self.visible_cases()
        self.shown.value = html.escape(i18n.t("caseload.shown", self.lang, shown=len(visible), total=len(self.cases)))
        for case in visible:
            flags = (i18n.t("caseload.urgent", self.lang) if case["urgent"] else "") + \
                    (i18n.t("caseload.overdue", self.lang) if case["overdue"] else "")
            due = case["next_due"].strftime("%d.%m.%Y") if case["next_due"] else "—"
            text = i18n.t("caseload.row", self.lang, number=case["case_number"],
                          subject=subject_label(case["detail"], self.lang),
                          status=config.label("case_statuses", case["status"], self.lang), due=due, flags=flags)
            style = "color:#b00020;font-weight:bold" if flags else ""
            button = w.Button(description=i18n.t("caseload.open", self.lang))
            button.add_class("wb-caseload-open")
            button.on_click(lambda _, case_id=case["case_id"]: self.open_client(case_id))
            row = w.HBox([button, w.HTML(f'<span style="{style}">{html.escape(text)}</span>')])
            row.add_class("wb-caseload-row")
            rows.append(row)
        self.rows.children = rows or [w.HTML(html.escape(i18n.t("caseload.none", self.lang)))]

    def open_client(self, case_id):
        """Show the client's page (only for a case in this worker's list)."""
        case = next((c for c in self.cases if c["case_id"] == case_id), None)
        if case is None:
            return  # not this worker's case: a forged click shows nothing
        self.case_id = case_id
        note_opening(self, case_id, "case", case_id)  # the client's page: timeline and charts
        detail = case["detail"]
        self.client_header.value = "<h3>{}</h3>".format(html.escape(i18n.t(
            "caseload.client", self.lang, number=case["case_number"], subject=subject_label(detail, self.lang),
            programme=programme_label(case["programme"], self.lang))))
        self._quiet = True
        try:
            from ..instruments.loader import builtin_names, load_builtin

            self.instrument.options = [(load_builtin(n).title(self.lang), n) for n in builtin_names()]
            self.instrument.value = default_instrument(self.db, self.user, case_id)
            self._fill_assessment_choices()
        finally:
            self._quiet = False
        self._charts_changed()
        self.client.layout.display = None

    def _fill_assessment_choices(self):
        saved = case_assessments(self.db, self.user, self.case_id, self.instrument.value)
        options = [(f"№{a['id']} · {ua_date(a['assessed_on'])}", str(a["id"])) for a in saved]
        nothing = [(i18n.t("caseload.nothing", self.lang), "")]
        self.current.options = options or nothing
        self.compare.options = nothing + options
        self.current.value = options[-1][1] if options else ""
        self.compare.value = options[0][1] if len(options) > 1 else ""
        self.current.description = i18n.t("caseload.current", self.lang)
        self.compare.description = i18n.t("caseload.compare", self.lang)
        self.instrument.description = i18n.t("caseload.instrument", self.lang)

    def _instrument_changed(self):
        if self._quiet or not self.case_id:
            return
        self._quiet = True
        try:
            self._fill_assessment_choices()
        finally:
            self._quiet = False
        self._charts_changed()

    def _charts_changed(self):
        if self._quiet or not self.case_id:
            return
        parts = client_page_parts(self.db, self.user, self.case_id, self.lang, instrument_id=self.instrument.value,
                                  current_id=_int(self.current.value), compare_id=_int(self.compare.value))
        self.star.value = png_html(parts["star"], parts["star_caption"])
        self.goals.value = png_html(parts["goals"], parts["goals_caption"])
        self.star_caption.value = f"<small>{html.escape(parts['star_caption'])}</small>"
        self.goals_caption.value = f"<small>{html.escape(parts['goals_caption'])}</small>"
        self.timeline.value = parts["timeline"]


def _int(value):
    return int(value) if isinstance(value, str) and value.isdigit() else None
