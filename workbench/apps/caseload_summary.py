"""The supervisors' caseload notebook (``notebooks/caseload.ipynb``): filters that re-draw a table and a chart.

Each worker's open cases by category, assessments and goal reviews due and overdue,
accompaniments past their term, and the load against the configured norm
(:func:`workbench.analysis.caseload.worker_caseload`), filtered by worker, programme
and period. The filters start from the notebook's parameters; a bad value (an unknown
programme, a period that ends before it starts) shows its message, never a traceback.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from .. import config, i18n, policy
from ..analysis.caseload import caseload_columns, caseload_table, worker_caseload
from ..charts.report import caseload_chart
from ..i18n import UserError
from ..instruments.validation import parse_date
from ..store.caseload import caseload_scope
from ..store.users import staff
from .common import LanguageSwitch, status_html
from .style import stylesheet

i18n.add({
    "caseload_summary.title": {"uk": "Навантаження фахівців", "en": "Caseload per worker"},
    "caseload_summary.all_workers": {"uk": "усі фахівці", "en": "all workers"},
    "caseload_summary.all_programmes": {"uk": "усі програми", "en": "all programmes"},
    "caseload_summary.programme": {"uk": "Програма", "en": "Programme"},
    "caseload_summary.period_from": {"uk": "Період від", "en": "Period from"},
    "caseload_summary.period_to": {"uk": "до", "en": "to"},
    "caseload_summary.date_placeholder": {"uk": "дд.мм.рррр", "en": "dd.mm.yyyy"},
    "caseload_summary.summary": {
        "uk": "Випадки, відкриті в період {start} – {end}; терміни станом на {as_of}. "
              "Фахівців понад норму ({norm} випадків): {over} з {workers}.",
        "en": "Cases open in the period {start} – {end}; deadlines as of {as_of}. "
              "Workers over the norm ({norm} cases): {over} of {workers}.",
    },
})


def _day(value) -> date | None:
    """The day a filter names, or None (a bad value is reported by the summary itself)."""
    if value is None or not str(value).strip():
        return None
    parsed, _ = parse_date(value)
    return parsed


def _date_text(value) -> str:
    """A period parameter as it is typed here, ``dd.mm.yyyy`` (what is not a date stays as given, to be reported)."""
    day = _day(value)
    return day.strftime("%d.%m.%Y") if day else ("" if value is None else str(value))


def _date_field(value, which: str) -> w.Text:
    """A day of the period, typed as dd.mm.yyyy as everywhere here (a browser's date picker follows the browser's
    locale: mm/dd/yyyy in an English one). It is read on Enter or on leaving the field, not at every keystroke
    of a half-typed date; :func:`worker_caseload` refuses what is not a date, with a message naming the field."""
    field = w.Text(value=_date_text(value), continuous_update=False, style={"description_width": "initial"},
                   layout=w.Layout(width="15em"))
    field.add_class(f"wb-caseload-summary-{which}")
    return field


class CaseloadSummary:
    """Filters (worker, programme, period), a summary line, the table and the chart; ``widget`` shows them.

    After every change ``frame`` (:func:`worker_caseload`), ``table`` (:func:`caseload_table`),
    ``figure`` (:func:`~workbench.charts.report.caseload_chart`) and ``error`` (the ``UserError``
    refused, or None) hold what is shown.
    """

    def __init__(self, db, actor: str, *, start=None, end=None, programme=None, worker=None, lang: str | None = None,
                 organisation: str | None = None, today: date | None = None):
        self.db, self.actor, self.today = db, actor, today or date.today()
        self.lang = i18n.normalise_language(lang)
        self.organisation = organisation
        self.frame = self.table = self.figure = self.error = None
        self._summary, self._quiet = "", False
        scope = caseload_scope(db, actor)  # a supervisor's team, the head of centre's everyone
        workers = sorted((r for r in staff(db, actor, roles=policy.CASE_HOLDERS) if scope is None or r["username"] in scope),
                         key=lambda r: (r["role"], r["display_name"]))
        self._workers = [(f"{r['display_name']} ({r['username']})", r["username"]) for r in workers]
        self.language = LanguageSwitch(self.lang, self.set_language)
        self.heading, self.message = w.HTML(), w.HTML()
        self.message.add_class("wb-caseload-summary-message")
        self.worker = w.Dropdown(style={"description_width": "initial"})
        self.programme = w.Dropdown(style={"description_width": "initial"})
        self.start, self.end = _date_field(start, "start"), _date_field(end, "end")
        self._set_options(worker or None, programme or None)
        self.table_out, self.chart_out = w.Output(), w.Output()
        for widget in (self.worker, self.programme, self.start, self.end):
            widget.observe(lambda _: None if self._quiet else self.refresh(), "value")
        self.widget = w.VBox([
            stylesheet(), w.HBox([self.heading, self.language.widget], layout=w.Layout(justify_content="space-between")),
            w.HBox([self.worker, self.programme]), w.HBox([self.start, self.end]),
            self.message, self.table_out, self.chart_out])
        self.widget.add_class("wb-caseload-summary")
        self.widget.add_class("wb-app")  # the stylesheet's scope: it fits a tablet too
        # The first drawing uses the parameters as given, so a bad one is reported rather than dropped.
        self.refresh(dict(start=start, end=end, programme=programme, worker=worker))

    def filters(self) -> dict:
        """The filters as the widgets hold them now."""
        return {"start": self.start.value, "end": self.end.value, "programme": self.programme.value,
                "worker": self.worker.value}

    def refresh(self, filters: dict | None = None) -> None:
        """Read the caseload for ``filters`` (default: the widgets') and re-draw the summary, table and chart."""
        filters = self.filters() if filters is None else filters
        self.error = None
        try:
            self.frame = worker_caseload(self.db, self.actor, today=self.today, **filters)
        except UserError as err:
            self.error = err
            self.frame = pd.DataFrame(columns=caseload_columns())
        self._draw(filters)

    def set_language(self, lang: str) -> None:
        self.lang = i18n.normalise_language(lang)
        self._set_options(self.worker.value, self.programme.value)
        self.refresh()

    def summary_text(self) -> str:
        """The line above the table: the period, the as-of day and who is over the norm, or what was refused."""
        return self._summary

    def _summary_text(self, filters: dict) -> str:
        if self.error is not None:
            return self.error.message(self.lang)
        end = _day(filters.get("end")) or self.today
        start = _day(filters.get("start")) or end
        return i18n.t("caseload_summary.summary", self.lang, start=start.strftime("%d.%m.%Y"),
                      end=end.strftime("%d.%m.%Y"), as_of=min(end, self.today).strftime("%d.%m.%Y"),
                      norm=config.load_config()["caseload_norm"]["cases_per_worker"],
                      over=int(self.frame["over_norm"].sum()), workers=len(self.frame))

    def _set_options(self, worker, programme) -> None:
        lang = self.lang
        workers = [(i18n.t("caseload_summary.all_workers", lang), None)] + self._workers
        programmes = [(i18n.t("caseload_summary.all_programmes", lang), None)] + [
            (label, code) for label, code in config.choices("programmes", lang) if not code.startswith("_")]
        self._quiet = True  # new labels for the same choices: one re-drawing afterwards, not one per widget
        try:
            for widget, options, value in ((self.worker, workers, worker), (self.programme, programmes, programme)):
                widget.options = options
                widget.value = value if value in [code for _, code in options] else None
        finally:
            self._quiet = False
        self.worker.description = i18n.t("caseload_summary.worker", lang)
        self.programme.description = i18n.t("caseload_summary.programme", lang)
        self.start.description = i18n.t("caseload_summary.period_from", lang)
        self.end.description = i18n.t("caseload_summary.period_to", lang)
        self.start.placeholder = self.end.placeholder = i18n.t("caseload_summary.date_placeholder", lang)

    def _draw(self, filters: dict) -> None:
        lang = self.lang
        organisation = self.organisation or config.load_config().get("organisation", {}).get(lang, "")
        self.heading.value = (f"<h3>{html.escape(i18n.t('caseload_summary.title', lang))}"
                              f"{' · ' + html.escape(organisation) if organisation else ''}</h3>")
        self._summary = self._summary_text(filters)
        self.message.value = status_html(self._summary, "error" if self.error is not None else "info")
        self.table = caseload_table(self.frame, lang)
        if self.figure is not None:
            plt.close(self.figure)
        self.figure = caseload_chart(self.frame, lang)
        plt.close(self.figure)  # shown once, in the output below, not again by the inline backend
        with self.table_out:
            self.table_out.clear_output(wait=True)
            display(self.table)
        with self.chart_out:
            self.chart_out.clear_output(wait=True)
            display(self.figure)
            print(self.figure.caption)
