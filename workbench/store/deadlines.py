"""Deadlines of a case, derived from its events and the configured timelines (never stored).

- needs assessment: due 5 working days after intake (or after a reopening); a case
  flagged urgent before then is due 1 calendar day after the flag. Done by the
  case's first assessment of the cycle.
- social accompaniment: due 6 months after it started, plus any extensions. Done
  when the case closes.

Each deadline is ``open``, ``overdue`` (past due, not done), ``done`` or ``late``
(done after the due date).
"""
from __future__ import annotations

from datetime import date, timedelta

from ..config import load_config
from ..working_days import WorkCalendar, add_months
from .guard import allow
from .lifecycle import _state


def case_deadlines(db, actor: str, case_id, today: date | None = None, calendar: WorkCalendar | None = None,
                   state: dict | None = None) -> list[dict]:
    """The case's deadlines: kind, due, done_on, state (see the module docstring)."""
    allow(db, actor, "case.read", case_id)
    today = today or date.today()
    calendar = calendar or WorkCalendar.from_config()
    timelines = load_config()["deadlines"]
    state = state or _state(db, case_id)
    cycle_start = date.fromisoformat(state["cycle_started_on"])
    due = calendar.add_working_days(cycle_start, timelines["needs_assessment_working_days"])
    if state["urgent_on"] and date.fromisoformat(state["urgent_on"]) <= due:
        due = min(due, date.fromisoformat(state["urgent_on"]) + timedelta(days=timelines["urgent_assessment_days"]))
    first = db.execute("select min(assessed_on) from assessments where case_id = ? and assessed_on >= ?",
                       [case_id, cycle_start.isoformat()]).fetchone()[0]
    deadlines = [_deadline("needs_assessment", due, date.fromisoformat(first) if first else None, today,
                           closed=state["status"] == "closed")]
    if state["accompaniment_started_on"]:
        start = date.fromisoformat(state["accompaniment_started_on"])
        end_due = add_months(start, timelines["accompaniment_months"] + state["extension_months"])
        closed = date.fromisoformat(state["closed_on"]) if state["closed_on"] else None
        deadlines.append(_deadline("accompaniment_end", end_due, closed, today))
    return deadlines


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
