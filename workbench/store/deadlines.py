"""Deadlines of a case, derived from its events and the configured timelines (never stored).

- needs assessment: due 5 working days after intake (or after a reopening); a case
  flagged urgent before then is due 1 calendar day after the flag. Done by the
  case's first assessment of the cycle.
- social accompaniment: due 6 months after it started, plus any extensions. Done
  when the case closes.
- goal review: due 3 months after the goal was set or last reviewed.

Each deadline is ``open``, ``overdue`` (past due, not done), ``done`` or ``late``
(done after the due date). The rules on dates (:func:`needs_assessment_due`,
:func:`accompaniment_end`, :func:`goal_review_due`, :func:`due_state`) are the one reckoning
of these deadlines: this module's per-case read, the caseload counts
(:mod:`workbench.analysis.caseload`) and the agenda (:mod:`workbench.store.agenda`) all use them.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..config import load_config
from ..working_days import WorkCalendar, add_months
from .guard import allow
from .lifecycle import _state

DUE_WINDOW_DAYS = 14  # "due soon": falls due within this many days of the day deadlines are judged


def needs_assessment_due(cycle_started_on: date, urgent_on: date | None, calendar: WorkCalendar,
                         timelines: dict) -> date:
    """The day a cycle's needs assessment is due: ``needs_assessment_working_days`` working days after the
    cycle started; for a case flagged urgent by then, ``urgent_assessment_days`` calendar days after the
    flag if that is sooner. ``timelines``: the configuration's ``deadlines``."""
    due = calendar.add_working_days(cycle_started_on, timelines["needs_assessment_working_days"])
    if urgent_on and urgent_on <= due:
        due = min(due, urgent_on + timedelta(days=timelines["urgent_assessment_days"]))
    return due


def accompaniment_end(started_on: date, extension_months: int, timelines: dict) -> date:
    """The day a social accompaniment that started on ``started_on`` is due to end:
    ``accompaniment_months`` later, plus ``extension_months``."""
    return add_months(started_on, timelines["accompaniment_months"] + extension_months)


def goal_review_due(last: date, timelines: dict) -> date:
    """The day a goal's review is due: ``goal_review_months`` after it was last reviewed (or set, if never)."""
    return add_months(last, timelines["goal_review_months"])


def due_state(due: date, today: date) -> str | None:
    """A deadline not yet met, judged on ``today``: ``overdue`` (``today`` is after ``due``), ``due`` (falling
    due within :data:`DUE_WINDOW_DAYS` days, ``today`` included) or None (later)."""
    if today > due:
        return "overdue"
    return "due" if due <= today + timedelta(days=DUE_WINDOW_DAYS) else None


def case_deadlines(db, actor: str, case_id, today: date | None = None, calendar: WorkCalendar | None = None,
                   state: dict | None = None) -> list[dict]:
    """The case's deadlines: kind, due, done_on, state (see the module docstring)."""
    allow(db, actor, "case.read", case_id)
    today = today or date.today()
    calendar = calendar or WorkCalendar.from_config()
    timelines = load_config()["deadlines"]
    state = state or _state(db, case_id)
    cycle_start = date.fromisoformat(state["cycle_started_on"])
    due = needs_assessment_due(cycle_start, _day(state["urgent_on"]), calendar, timelines)
    first = db.execute("select min(assessed_on) from assessments where case_id = ? and assessed_on >= ?",
                       [case_id, cycle_start.isoformat()]).fetchone()[0]
    deadlines = [_deadline("needs_assessment", due, _day(first), today, closed=state["status"] == "closed")]
    if state["accompaniment_started_on"]:
        end_due = accompaniment_end(date.fromisoformat(state["accompaniment_started_on"]), state["extension_months"],
                                    timelines)
        deadlines.append(_deadline("accompaniment_end", end_due, _day(state["closed_on"]), today))
    return deadlines


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _deadline(kind: str, due: date, done_on: date | None, today: date, closed: bool = False) -> dict:
    if done_on:
        status = "late" if done_on > due else "done"
    elif closed:
        status = "done"  # closed before it was needed (e.g. refused at intake)
    else:
        status = "overdue" if today > due else "open"
    return {"kind": kind, "due": due, "done_on": done_on, "state": status}


def next_deadline(deadlines: list[dict]) -> dict | None:
    """The earliest deadline not yet done (overdue ones first), or None."""
    pending = [d for d in deadlines if d["state"] in ("open", "overdue")]
    return min(pending, key=lambda d: d["due"]) if pending else None
