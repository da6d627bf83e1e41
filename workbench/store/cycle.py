"""What a case has in its current cycle on a day: the facts the move rules of
:mod:`workbench.case_cycle` ask about, read from the tables (never stored), and a replay of every
recorded move against those rules (what ``workbench check``-style proofs over a database use).
"""
from __future__ import annotations

import json

from .. import case_cycle, config
from .cases import _case_row
from .guard import MAX_ID, allow

# Each query reads the records dated by the move's day (:on) and, replaying a past move, recorded by the
# time the move was (:until; the end of time for a move being made now: every record present counts).
_NEEDS_ASSESSMENT = """select 1 from assessments where case_id = :case and instrument_id = :instrument
    and coalesce(purpose, 'needs_assessment') = 'needs_assessment' and assessed_on between :start and :on
    and created_at <= :until limit 1"""
_GOALS_IN_FORCE = """select g.id from goals g where g.case_id = :case and g.set_on <= :on and g.created_at <= :until
    and not exists (select 1 from goal_closures x where x.goal_id = g.id and x.closed_on <= :on
                    and x.recorded_at <= :until)"""
_LATEST_PLAN_SIGNOFF = """select goal_ids from signoffs where case_id = :case and kind = 'plan'
    and signed_on between :start and :on and signed_at <= :until order by signed_on desc, id desc limit 1"""
_REVIEW_SINCE = """select 1 from goal_reviews r join goals g on g.id = r.goal_id
    where g.case_id = :case and r.reviewed_on between :plan_start and :on and r.recorded_at <= :until limit 1"""
_END_OF_TIME = "9999"


def cycle_facts(db, case_id: int, on: str, before_event: int | None = None) -> case_cycle.CycleFacts:
    """The case's :class:`~workbench.case_cycle.CycleFacts` on day ``on`` (ISO text): its status and
    cycle from its events, the conditions met by records dated by ``on``, and the overrides in force.
    Replaying a past move (``before_event``, its event id), only the events before it and the records
    recorded by its time count: a goal closed later the same day was in force when the move was made.
    The caller has asked the policy."""
    case = _case_row(db, case_id)
    instrument = config.programme_instrument(case["programme"])
    status, cycle_start, plan_start = "intake", case["opened_on"], None
    moved_into: dict[str, int] = {}  # to_status: the id of the case's last move into it, this cycle
    overrides: list[tuple[int, str, str]] = []
    for event_id, kind, to_status, condition, effective in db.execute(
            """select id, kind, to_status, note, effective_on from case_events where case_id = ? and id < ?
               order by id""", [case["id"], before_event or MAX_ID]):
        if kind == "move":
            status, moved_into[to_status] = to_status, event_id
            if to_status == "plan":
                plan_start = effective
        elif kind == "reopen":
            status, cycle_start, plan_start, moved_into, overrides = "intake", effective, None, {}, []
        elif kind == "override":
            overrides.append((event_id, to_status, condition))
    # An override lets the next such move through: once the case has made it, it is spent.
    overridden = frozenset((to, c) for event_id, to, c in overrides if event_id > moved_into.get(to, 0))
    until = _END_OF_TIME if before_event is None else db.execute(
        "select recorded_at from case_events where id = ?", [before_event]).fetchone()[0]
    facts = {"case": case["id"], "instrument": instrument, "start": cycle_start, "plan_start": plan_start or cycle_start,
             "on": on, "until": until}
    met = set()
    if instrument and db.execute(_NEEDS_ASSESSMENT, facts).fetchone():
        met.add("needs_assessment")
    in_force = {row[0] for row in db.execute(_GOALS_IN_FORCE, facts)}
    if in_force:
        met.add("plan_goal")
        signed = db.execute(_LATEST_PLAN_SIGNOFF, facts).fetchone()
        if signed and signed[0] and in_force <= set(json.loads(signed[0])):
            met.add("plan_signed_off")
    if db.execute(_REVIEW_SINCE, facts).fetchone():
        met.add("goal_review")
    return case_cycle.CycleFacts(status, frozenset(met), overridden, instrument)


def moves_against_rules(db, actor: str) -> list[dict]:
    """Every recorded move that the configured rules would refuse on its day (none overridden), and
    every closed case left with a goal in force, oldest first: ``case_id, case_number, programme,
    event_id, to_status, on, missing`` (conditions, or ``["open_goals"]`` for a closing). A proof over a
    whole database, for supervisors and the head of centre (``aggregate.read``); ``workbench check``
    warns of each."""
    allow(db, actor, "aggregate.read")
    return _moves_against_rules(db)


def _moves_against_rules(db) -> list[dict]:
    """:func:`moves_against_rules` without asking the policy: for ``workbench check``, an operator's act."""
    found = []
    for event_id, case_id, number, programme, to_status, on, at in db.execute(
            """select e.id, e.case_id, c.case_number, c.programme, e.to_status, e.effective_on, e.recorded_at
               from case_events e join cases c on c.id = e.case_id where e.kind = 'move' order by e.id""").fetchall():
        if to_status == "closed":  # the goals closed with the case are recorded just before its move
            open_goals = db.execute(_GOALS_IN_FORCE, {"case": case_id, "on": on, "until": at}).fetchone()
            lacking = ["open_goals"] if open_goals else []
        else:
            lacking = list(case_cycle.missing(cycle_facts(db, case_id, on, before_event=event_id), to_status))
        if lacking:
            found.append({"case_id": case_id, "case_number": number, "programme": programme, "event_id": event_id,
                          "to_status": to_status, "on": on, "missing": lacking})
    return found
