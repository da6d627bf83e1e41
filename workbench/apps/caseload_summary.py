"""The supervisors' caseload notebook (``notebooks/caseload.ipynb``): one drawing for the controls' choice.

Each worker's open cases by category, assessments and goal reviews due and overdue, accompaniments past
their term, and the load against the configured norm (:func:`workbench.analysis.caseload.worker_caseload`),
for the programme, period and worker or team the notebook's :class:`~workbench.apps.report_controls.ReportControls`
hold.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, i18n
from ..analysis.caseload import caseload_table, worker_caseload
from ..charts.report import caseload_chart
from .report_controls import Choice

i18n.add({
    "caseload_summary.title": {"uk": "Навантаження фахівців", "en": "Caseload per worker"},
    "caseload_summary.summary": {
        "uk": "Випадки, відкриті в період {start} – {end}; терміни станом на {as_of}. "
              "Фахівців понад норму ({norm} випадків): {over} з {workers}.",
        "en": "Cases open in the period {start} – {end}; deadlines as of {as_of}. "
              "Workers over the norm ({norm} cases): {over} of {workers}.",
    },
})


@dataclass
class CaseloadReport:
    """What the caseload notebook shows: ``heading`` (title · organisation), ``summary`` (the period, the
    as-of day, who is over the norm), ``frame`` (:func:`worker_caseload`), ``table``
    (:func:`caseload_table`) and ``figure`` (:func:`~workbench.charts.report.caseload_chart`, closed)."""

    heading: str
    summary: str
    frame: pd.DataFrame
    table: pd.DataFrame
    figure: object


def caseload_report(db, actor: str, choice: Choice, *, organisation: str | None = None,
                    today: date | None = None) -> CaseloadReport:
    """The caseload of ``choice`` (programme, period, worker or team, language) as ``actor`` may see it.

    A team keeps its members' rows. Raises what :func:`worker_caseload` refuses (``UserError``).
    """
    today = today or date.today()
    lang = choice.lang
    frame = worker_caseload(db, actor, today=today, start=choice.period.start, end=choice.period.end,
                            programme=choice.programme, worker=choice.worker)
    frame = choice.keep(frame).reset_index(drop=True)
    organisation = organisation or config.load_config().get("organisation", {}).get(lang, "")
    heading = i18n.t("caseload_summary.title", lang) + (f" · {organisation}" if organisation else "")
    summary = i18n.t("caseload_summary.summary", lang, start=choice.period.start.strftime("%d.%m.%Y"),
                     end=choice.period.end.strftime("%d.%m.%Y"),
                     as_of=min(choice.period.end, today).strftime("%d.%m.%Y"),
                     norm=config.load_config()["caseload_norm"]["cases_per_worker"],
                     over=int(frame["over_norm"].sum()), workers=len(frame))
    figure = caseload_chart(frame, lang)
    plt.close(figure)  # shown where the notebook shows it, not again by the inline backend
    return CaseloadReport(heading, summary, frame, caseload_table(frame, lang), figure)
