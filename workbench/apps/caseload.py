"""My caseload: the signed-in worker's open cases, sortable and searchable; one click opens the case record.

Only the signed-in worker's cases are listed (the user is the server's, never the page's).
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
from .address import Place, link
from .common import status_html, subject_label

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
    "caseload.shown": {"uk": "Показано {shown} з {total}.", "en": "Showing {shown} of {total}."},
    "caseload.none": {"uk": "Відкритих випадків немає.", "en": "No open cases."},
})

SORTS = ("next_due", "case_number", "subject", "status")


class CaseloadList:
    """The signed-in worker's open cases (a supervisor's list also names the cases left without a worker);
    ``widget`` is shown on the workspace's home page, each case a link into its case record."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        self.summary, self.orphans, self.title = w.HTML(), w.HTML(), w.HTML()
        self.orphans.add_class("wb-caseload-need-worker")
        self.summary.add_class("wb-caseload-summary")
        self.filter = w.Text(layout=w.Layout(width="30em", max_width="100%"))
        self.filter.add_class("wb-caseload-filter")
        self.sort = w.Dropdown(options=[(s, s) for s in SORTS], value="next_due", layout=w.Layout(max_width="100%"))
        self.sort.add_class("wb-caseload-sort")
        self.filter.observe(lambda _: self.show_list(), "value")
        self.sort.observe(lambda _: self.show_list(), "value")
        self.rows = w.HTML()  # one widget of links: 60 cases draw at once, not as 120 widgets
        self.rows.add_class("wb-caseload-rows")
        self.shown = w.HTML()
        self.shown.add_class("wb-caseload-shown")
        self._quiet = False
        controls = w.HBox([self.filter, self.sort], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([self.title, self.summary, self.orphans, controls, self.shown, self.rows])
        self.widget.add_class("wb-caseload")
        self.refresh()

    def refresh(self):
        """Read the list anew (a save may have changed a deadline or a status)."""
        self.cases = self._load()
        # A supervisor's list (the head's too) shows the cases whose worker was deactivated.
        self.without_worker = cases_needing_a_worker(self.db, self.user)
        self.set_language(self.lang)

    def _load(self) -> list[dict]:
        """The worker's open cases with their subject, people and deadlines."""
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
        self.title.value = f"<h3>{html.escape(i18n.t('caseload.title', lang))}</h3>"
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

    def visible_cases(self) -> list[dict]:
        """The cases the search keeps, in the chosen order (urgent and overdue first by default)."""
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
            style = ' style="color:#b00020;font-weight:bold"' if flags else ""
            rows.append(f'<li class="wb-caseload-row"{style}>'
                        f'{link(Place("case", case["case_id"]), html.escape(text), "wb-caseload-open")}</li>')
        self.rows.value = (f'<ul class="wb-list">{"".join(rows)}</ul>' if rows
                           else f"<p>{html.escape(i18n.t('caseload.none', self.lang))}</p>")
