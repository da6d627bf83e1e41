"""Reads for the caseload views (:mod:`workbench.analysis.caseload`): the cases a worker holds, every
case's state on a day, the goals in force on a day, the cases whose worker was deactivated. Each read
covers the caseloads the actor may see (:func:`workbench.policy.caseload_scope`: a case manager their
own, a supervisor their teams', the head of centre all). Cases of persons who withdrew consent are
kept: they are still work the worker carries."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from .. import config, i18n, policy
from ..i18n import UserError
from . import arguments
from .guard import CURRENT_WORKER_SQL, actor_of, allow, current_version, display_name
from .people import SUBJECT_CATEGORY_SQL
from .records import _frame

i18n.add({
    "caseload.not_yours": {
        "uk": "Навантаження {worker} вам не доступне: ви бачите своє та (супервізор) своєї команди.",
        "en": "The caseload of {worker} is not yours to see: yours and (a supervisor) your team's.",
    },
})


def caseload_scope(db, actor: str) -> frozenset | None:
    """The workers whose caseloads ``actor`` may see (None: everyone's); refuses an actor who may see none."""
    allow(db, actor, "caseload.read")
    names = [r[0] for r in db.execute("select username from users")]
    return policy.caseload_scope(actor_of(db, actor), [actor_of(db, name) for name in names])


def cases_held(db, actor: str, worker: str | None = None) -> list[dict]:
    """``{id, case_number, programme, opened_on, worker}`` of every case ``actor``'s caseload views cover,
    by id; of ``worker``'s cases only (the worker now: the latest transfer's, else the one the case was
    opened with) when given, who must be within them."""
    scope = caseload_scope(db, actor)
    worker = arguments.text(worker, "worker", optional=True)
    if worker is not None and scope is not None and worker not in scope:
        raise UserError("caseload.not_yours", worker=display_name(db, worker)[:80])
    rows = db.query(f"select id, case_number, programme, opened_on, {CURRENT_WORKER_SQL} as worker from cases c "
                    "order by id")
    return [r for r in rows if (worker is None or r["worker"] == worker) and (scope is None or r["worker"] in scope)]


def cases_needing_a_worker(db, actor: str) -> list[dict]:
    """Open cases within ``actor``'s caseload views whose worker was deactivated, by id:
    ``{id, case_number, programme, opened_on, worker, worker_name}``."""
    from .lifecycle import _state

    out = []
    for case in cases_held(db, actor):
        user = current_version(db, case["worker"])
        if user is not None and not user["active"] and _state(db, case["id"])["status"] != "closed":
            out.append(dict(case, worker_name=user["display_name"]))
    return out


# The cases that may be held by one of :workers (a JSON list of usernames; null: every case): opened for one of
# them or handed to one of them at some time. Which of them holds each on a day is read after, from its events;
# this only spares the reads below every other case (one indexed lookup of cases.worker, one pass of the
# transfers).
MAYBE_HELD_SQL = """select c.id from cases c where :workers is null or c.worker in (select value from json_each(:workers))
    union select e.case_id from case_events e where e.kind = 'transfer'
    and e.to_worker in (select value from json_each(:workers))"""

# A case's worker on the as-of day (the latest transfer's by then, else the one it was opened with) and its
# status on a day (None: at intake, before any move), as SQL expressions on a case aliased ``c``.
WORKER_ON_SQL = """coalesce((select e.to_worker from case_events e where e.case_id = c.id and e.kind = 'transfer'
    and e.effective_on <= :as_of order by e.id desc limit 1), c.worker)"""
STATUS_ON_SQL = """(select e.to_status from case_events e where e.case_id = c.id and e.kind in ('move', 'reopen')
    and e.effective_on <= {day} order by e.id desc limit 1)"""
# Each case with its subject's category and, from its events, its state on the as-of day (as
# workbench.store.lifecycle.case_state reads it) and on the period's first day: one query, each
# sub-query an index lookup on case_events(case_id, id). A reopening starts a new cycle. Only the cases
# held by :workers on the as-of day are read beyond their worker.
CASE_STATE_SQL = f"""
with held as materialized (
    select c.id as case_id, c.programme, c.opened_on, {WORKER_ON_SQL} as worker
    from cases c
    where (:programme is null or c.programme = :programme) and c.id in ({MAYBE_HELD_SQL})
), base as materialized (
    select h.*,
        (select e.id from case_events e where e.case_id = h.case_id and e.kind = 'reopen' and e.effective_on <= :as_of
         order by e.id desc limit 1) as reopen_id
    from held h
    where :workers is null or h.worker in (select value from json_each(:workers))
), state as materialized (
    select b.*,
        {SUBJECT_CATEGORY_SQL} as category,
        {STATUS_ON_SQL.format(day=":start")} as status_at_start,
        {STATUS_ON_SQL.format(day=":as_of")} as status_at_as_of,
        exists (select 1 from case_events e where e.case_id = b.case_id and e.kind = 'reopen'
                and e.effective_on between :start and :end) as reopened_in_period,
        coalesce((select e.effective_on from case_events e where e.id = b.reopen_id), b.opened_on) as cycle_started_on,
        (select min(e.effective_on) from case_events e where e.case_id = b.case_id and e.kind = 'urgent'
         and e.effective_on <= :as_of and e.id > coalesce(b.reopen_id, 0)) as urgent_on,
        (select min(e.effective_on) from case_events e where e.case_id = b.case_id and e.kind = 'move'
         and e.to_status = 'accompaniment' and e.effective_on <= :as_of
         and e.id > coalesce(b.reopen_id, 0)) as accompaniment_started_on,
        (select coalesce(sum(e.months), 0) from case_events e where e.case_id = b.case_id and e.kind = 'extension'
         and e.effective_on <= :as_of and e.id > coalesce(b.reopen_id, 0)) as extension_months
    from base b join cases c on c.id = b.case_id
)
select s.case_id, s.programme, s.opened_on, s.category, s.worker, s.status_at_start, s.status_at_as_of,
    s.reopened_in_period, s.cycle_started_on, s.urgent_on, s.accompaniment_started_on, s.extension_months,
    (select min(a.assessed_on) from assessments a where a.case_id = s.case_id
     and a.assessed_on >= s.cycle_started_on and a.assessed_on <= :as_of) as assessed_on
from state s order by s.case_id
"""


def case_states(db, actor: str, programme: str | None, start: date, end: date, as_of: date,
                worker: str | None = None) -> pd.DataFrame:
    """Every case (of ``programme``, if given), by id: ``case_id, programme, opened_on, category`` (the
    subject person's, :data:`workbench.store.people.SUBJECT_PERSON_SQL`; None for a family with no
    member), ``worker`` (on ``as_of``), ``status_at_start`` (on ``start``), ``status_at_as_of,
    reopened_in_period`` (0/1: reopened within ``[start, end]``), ``cycle_started_on, urgent_on,
    accompaniment_started_on, extension_months`` (of the cycle in force on ``as_of``; the months the
    accompaniment was extended by, 0 if never), ``assessed_on`` (the cycle's first
    assessment by ``as_of``). Dates as ISO text; None where there is none. Only the cases whose worker on
    ``as_of`` is within ``actor``'s caseload views; ``worker``'s only when given, who must be within them."""
    workers = _workers(db, actor, worker)
    programme = arguments.text(None if programme == "" else programme, "programme", optional=True)
    start, end, as_of = (arguments.day(start, "start"), arguments.day(end, "end"), arguments.day(as_of, "as_of"))
    return _frame(db, CASE_STATE_SQL, {"programme": programme, "start": start.isoformat(), "end": end.isoformat(),
                                       "as_of": as_of.isoformat(), "workers": workers})


def case_statuses(db, actor: str, as_of: date, status: str | None = None) -> pd.DataFrame:
    """``case_id, worker, status`` on ``as_of`` (None: at intake, before any move) of every case whose worker on
    ``as_of`` is within ``actor``'s caseload views, by id; only the cases in ``status`` (a code of
    ``case_statuses``) when given. The columns of :func:`case_states` that say where each case stands, read
    alone: a fraction of the cost (and a case's worker only once its status is the one asked for)."""
    workers = _workers(db, actor, None)
    as_of = arguments.day(as_of, "as_of")
    status = arguments.code(status, "status", config.codes("case_statuses"), optional=True)
    return _frame(db, f"""
        with maybe as materialized (
            select c.id as case_id, {STATUS_ON_SQL.format(day=":as_of")} as status
            from cases c where c.id in ({MAYBE_HELD_SQL})
        ), held as materialized (
            select m.case_id, m.status, {WORKER_ON_SQL} as worker from maybe m join cases c on c.id = m.case_id
            where :status is null or coalesce(m.status, 'intake') = :status)
        select case_id, worker, status from held
        where :workers is null or worker in (select value from json_each(:workers)) order by case_id""",
                  {"as_of": as_of.isoformat(), "workers": workers, "status": status})


def _workers(db, actor: str, worker: str | None) -> str | None:
    """The workers whose cases ``actor`` reads, as a JSON list for :data:`MAYBE_HELD_SQL` (None: everyone's):
    ``worker`` alone when given (refused unless within ``actor``'s caseload views), else all of those."""
    scope = caseload_scope(db, actor)
    worker = arguments.text(worker, "worker", optional=True)
    if worker is not None:
        if scope is not None and worker not in scope:
            raise UserError("caseload.not_yours", worker=display_name(db, worker)[:80])
        return json.dumps([worker])
    return None if scope is None else json.dumps(sorted(scope))


def goals_in_force(db, actor: str, as_of: date, worker: str | None = None) -> pd.DataFrame:
    """Goals set by ``as_of`` and not closed by then, of the cases within ``actor``'s caseload views (the
    worker now; ``worker``'s cases only when given, who must be within them), by id: ``goal_id, case_id,
    set_on, reviewed_on`` (the latest review by ``as_of``, None if none)."""
    workers = _workers(db, actor, worker)
    as_of = arguments.day(as_of, "as_of")
    return _frame(db, f"""
        with held as materialized (
            select c.id as case_id, {CURRENT_WORKER_SQL} as worker from cases c where c.id in ({MAYBE_HELD_SQL}))
        select g.id as goal_id, g.case_id, g.set_on,
               (select max(r.reviewed_on) from goal_reviews r
                where r.goal_id = g.id and r.reviewed_on <= :as_of) as reviewed_on
        from held h join goals g on g.case_id = h.case_id left join goal_closures x on x.goal_id = g.id
        where (:workers is null or h.worker in (select value from json_each(:workers)))
        and g.set_on <= :as_of and (x.closed_on is null or x.closed_on > :as_of) order by g.id""",
                  {"as_of": as_of.isoformat(), "workers": workers})
