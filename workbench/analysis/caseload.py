"""The supervisor's list: open cases with status, worker, urgency and deadlines, overdue first.

Columns of :func:`case_overview`: ``case_id, case_number, programme, worker, status, opened_on,
urgent`` (bool), ``urgent_on, assessment_due, assessment_state, accompaniment_due,
accompaniment_state, next_due, overdue`` (bool: any deadline overdue). Dates are ``datetime.date``.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import config, i18n
from ..store.deadlines import case_deadlines, next_deadline
from . import overview  # noqa: F401  (registers the shared column headers)
from ..store.lifecycle import case_state
from ..working_days import WorkCalendar

CURRENT_WORKER_SQL = """coalesce((select e.to_worker from case_events e where e.case_id = c.id
    and e.kind = 'transfer' order by e.id desc limit 1), c.worker)"""

COLUMNS = ["case_id", "case_number", "programme", "worker", "status", "opened_on", "urgent", "urgent_on",
           "assessment_due", "assessment_state", "accompaniment_due", "accompaniment_state", "next_due", "overdue"]

i18n.add({
    "overview.case_number": {"uk": "Випадок", "en": "Case"},
    "overview.worker": {"uk": "Фахівець", "en": "Worker"},
    "overview.status": {"uk": "Стан", "en": "Status"},
    "overview.urgent": {"uk": "Терміново", "en": "Urgent"},
    "overview.assessment_due": {"uk": "Оцінювання до", "en": "Assessment due"},
    "overview.accompaniment_due": {"uk": "Супровід до", "en": "Accompaniment due"},
    "overview.next_due": {"uk": "Найближчий термін", "en": "Next deadline"},
    "overview.overdue": {"uk": "Прострочено", "en": "Overdue"},
})


def case_overview(db, today: date | None = None, worker: str | None = None, include_closed: bool = False) -> pd.DataFrame:
    """One row per case (open ones unless ``include_closed``), urgent and overdue first."""
    today = today or date.today()
    calendar = WorkCalendar.from_config()
    rows = []
    sql, params = "select id, case_number, programme, opened_on from cases c", []
    if worker:  # the worker now: the latest transfer's, else the one the case was opened with
        sql += f" where ({CURRENT_WORKER_SQL}) = ?"
        params.append(worker)
    for case in db.query(sql + " order by id", params):
        state = case_state(db, case["id"])
        if (state["status"] == "closed" and not include_closed) or (worker and state["worker"] != worker):
            continue
        deadlines = {d["kind"]: d for d in case_deadlines(db, case["id"], today=today, calendar=calendar, state=state)}
        assessment, accompaniment = deadlines["needs_assessment"], deadlines.get("accompaniment_end")
        upcoming = next_deadline(list(deadlines.values()))
        rows.append({
            "case_id": case["id"], "case_number": case["case_number"], "programme": case["programme"],
            "worker": state["worker"], "status": state["status"], "opened_on": date.fromisoformat(case["opened_on"]),
            "urgent": bool(state["urgent_on"]) and state["status"] != "closed",
            "urgent_on": date.fromisoformat(state["urgent_on"]) if state["urgent_on"] else None,
            "assessment_due": assessment["due"], "assessment_state": assessment["state"],
            "accompaniment_due": accompaniment["due"] if accompaniment else None,
            "accompaniment_state": accompaniment["state"] if accompaniment else None,
            "next_due": upcoming["due"] if upcoming else None,
            "overdue": any(d["state"] == "overdue" for d in deadlines.values()),
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    return frame.sort_values(["urgent", "overdue", "next_due"], ascending=[False, False, True],
                             na_position="last").reset_index(drop=True)


def overview_table(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The overview for display: labels and headers in ``lang``, dates as dd.mm.yyyy."""
    lang = i18n.normalise_language(lang)
    yes = {"uk": "так", "en": "yes"}[lang]

    def day(value):
        return value.strftime("%d.%m.%Y") if isinstance(value, date) else ""

    table = pd.DataFrame({
        i18n.t("overview.case_number", lang): frame["case_number"],
        i18n.t("overview.programme", lang): frame["programme"].map(lambda c: config.label("programmes", c, lang)),
        i18n.t("overview.worker", lang): frame["worker"],
        i18n.t("overview.status", lang): frame["status"].map(lambda c: config.label("case_statuses", c, lang)),
        i18n.t("overview.urgent", lang): frame["urgent"].map(lambda u: yes if u else ""),
        i18n.t("overview.assessment_due", lang): frame["assessment_due"].map(day),
        i18n.t("overview.accompaniment_due", lang): frame["accompaniment_due"].map(day),
        i18n.t("overview.next_due", lang): frame["next_due"].map(day),
        i18n.t("overview.overdue", lang): frame["overdue"].map(lambda o: yes if o else ""),
    })
    return table
