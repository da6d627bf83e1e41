"""The saved records read whole for the tidy frames (:mod:`workbench.analysis.frames`): cases, their
events and persons, assessments and answers (latest versions), goals and reviews, services, events of
group work, shelter stays. Each function returns a pandas frame, columns named as the query names them
(also when there are no rows), dates as saved (ISO text); the frames shape them. Leaving out the cases
of persons who withdrew consent is the frames' work too, except where the SQL does it (said so)."""
from __future__ import annotations

import pandas as pd

from . import arguments
from .guard import CURRENT_WORKER_SQL, WHOLE_RECORD, allow_any
from .people import EXCLUDED_CASES_SQL, SUBJECT_CATEGORY_SQL

_LATEST = "not exists (select 1 from assessments s where s.supersedes = a.id)"
_KEPT = f"a.case_id not in ({EXCLUDED_CASES_SQL})"


def _frame(db, sql: str, params=()) -> pd.DataFrame:
    """A query's rows as a frame, columns named as the query names them (also when there are no rows)."""
    cursor = db.execute(sql, params if isinstance(params, dict) else list(params))
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _assessments_where(instrument_id: str | None) -> tuple[str, list]:
    where, params = [_LATEST, _KEPT], []
    instrument_id = arguments.text(instrument_id, "instrument_id", optional=True)
    if instrument_id is not None:
        where.append("a.instrument_id = ?")
        params.append(instrument_id)
    return " and ".join(where), params


def domain_scores(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per domain score of every latest-version assessment of a case kept for analysis (the SQL
    leaves the others out): ``assessment_id, domain, repeat, instance, score`` (mean of the answered
    scored items), ``n_items``."""
    allow_any(db, actor, WHOLE_RECORD)
    where, params = _assessments_where(instrument_id)
    # Scores first, narrow: the GROUP BY sorts one small record per scored answer (millions of them), so
    # the case's columns join afterwards, per assessment. CROSS JOIN keeps assessments as the outer loop,
    # so the latest-version and consent checks run once per assessment, not once per answer.
    return _frame(db, f"""
        select a.id as assessment_id, i.domain, x.repeat, x.instance, avg(x.number) as score,
               count(x.number) as n_items
        from assessments a
        cross join answers x on x.assessment_id = a.id
        join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where i.scored = 1 and {where}
        group by a.id, i.domain, x.repeat, x.instance""", params)


def assessment_heads(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per latest-version assessment of a case kept for analysis (the SQL leaves the others
    out): ``assessment_id, case_id, case_number, programme, worker`` (the case's, as opened),
    ``instrument_id, instrument_version, assessed_on``."""
    allow_any(db, actor, WHOLE_RECORD)
    where, params = _assessments_where(instrument_id)
    return _frame(db, f"""
        select a.id as assessment_id, a.case_id, c.case_number, c.programme, c.worker, a.instrument_id,
               a.instrument_version, a.assessed_on
        from assessments a join cases c on c.id = a.case_id
        where {where}""", params)


def cases(db, actor: str) -> pd.DataFrame:
    """One row per case, by id: ``case_id, case_number, programme, household_id, person_id, category``
    (the subject person's, :data:`workbench.store.people.SUBJECT_PERSON_SQL`), ``intake_channel, worker``
    (now), ``opened_on``."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, f"""
        select c.id as case_id, c.case_number, c.programme, c.household_id, c.person_id,
               {SUBJECT_CATEGORY_SQL} as category, c.intake_channel, {CURRENT_WORKER_SQL} as worker, c.opened_on
        from cases c order by c.id""")


def case_openings(db, actor: str) -> dict[int, str]:
    """``{case id: the day it was opened}`` for every case."""
    allow_any(db, actor, WHOLE_RECORD)
    return dict(db.execute("select id, opened_on from cases").fetchall())


def case_event_rows(db, actor: str) -> list[tuple]:
    """Every case event as ``(case_id, kind, to_status, reason, effective_on)``, by case, oldest first."""
    allow_any(db, actor, WHOLE_RECORD)
    return db.execute(
        "select case_id, kind, to_status, reason, effective_on from case_events order by case_id, id").fetchall()


def case_persons(db, actor: str) -> pd.DataFrame:
    """One row per person of a case, by case and person: ``case_id, person_id, relation`` ("client" for a
    person case), ``category, sex, birth_date``."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, """
        select c.id as case_id, p.id as person_id, 'client' as relation, p.category, p.sex, p.birth_date
        from cases c join persons p on p.id = c.person_id
        union all
        select c.id, p.id, m.relation, p.category, p.sex, p.birth_date
        from cases c join household_members m on m.household_id = c.household_id
        join persons p on p.id = m.person_id
        order by 1, 2""")


def _version_numbers(table: str) -> str:
    """A ``chain(id, n)`` CTE: each row of ``table`` (a record kept in versions: assessments, events)
    with its version number along its ``supersedes`` line (1 for the first). ``table`` is ours, never
    user text."""
    return f"""with recursive chain(id, n) as (
            select t.id, 1 from {table} t where t.supersedes is null
            union all
            select t.id, chain.n + 1 from {table} t join chain on t.supersedes = chain.id)"""


def assessments(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per assessment, its latest version (of every case), by case, day and id: ``assessment_id,
    case_id, case_number, programme, instrument_id, instrument_version, purpose`` (needs_assessment when
    none was saved), ``assessed_on, versions``."""
    allow_any(db, actor, WHOLE_RECORD)
    params, extra = [], ""
    if arguments.text(instrument_id, "instrument_id", optional=True) is not None:
        extra, params = " and a.instrument_id = ?", [instrument_id]
    return _frame(db, f"""
        {_version_numbers("assessments")}
        select a.id as assessment_id, a.case_id, c.case_number, c.programme, a.instrument_id,
               a.instrument_version, coalesce(a.purpose, 'needs_assessment') as purpose, a.assessed_on,
               chain.n as versions
        from assessments a join cases c on c.id = a.case_id join chain on chain.id = a.id
        where {_LATEST}{extra}
        order by a.case_id, a.assessed_on, a.id""", params)


def answers(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per answer of every latest-version assessment of a case kept for analysis (the SQL leaves
    the others out): ``assessment_id, case_id, case_number, programme, worker`` (the case's, as opened),
    ``instrument_id, instrument_version, assessed_on, purpose, repeat, instance, item, domain, scored``
    (0/1), ``value, number``."""
    allow_any(db, actor, WHOLE_RECORD)
    where, params = _assessments_where(instrument_id)
    return _frame(db, f"""
        select a.id as assessment_id, a.case_id, c.case_number, c.programme, c.worker, a.instrument_id,
               a.instrument_version, a.assessed_on, coalesce(a.purpose, 'needs_assessment') as purpose,
               x.repeat, x.instance, x.item, i.domain, coalesce(i.scored, 0) as scored, x.value, x.number
        from assessments a join cases c on c.id = a.case_id
        join answers x on x.assessment_id = a.id
        left join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where {where}
        order by a.case_id, a.assessed_on, a.id, x.repeat, x.instance, i.position""", params)


def goal_reviews(db, actor: str) -> pd.DataFrame:
    """One row per goal review, by case, goal and day: ``review_id, goal_id, case_id, case_number,
    programme, worker`` (the case's now), ``domain, weight`` (1 if none), ``set_on, target_date,
    reviewed_on, level``."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, f"""
        select r.id as review_id, g.id as goal_id, g.case_id, c.case_number, c.programme,
               {CURRENT_WORKER_SQL} as worker, g.domain, coalesce(g.weight, 1.0) as weight,
               g.set_on, g.target_date, r.reviewed_on, r.level
        from goal_reviews r join goals g on g.id = r.goal_id join cases c on c.id = g.case_id
        order by g.case_id, g.id, r.reviewed_on, r.id""")


def goals(db, actor: str) -> pd.DataFrame:
    """One row per goal, by id: ``goal_id, case_id, case_number, programme, worker`` (the case's now),
    ``domain, weight`` (1 if none), ``set_on, target_date, status`` (the closure's kind, None while
    open), ``closed_on``."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, f"""
        select g.id as goal_id, g.case_id, c.case_number, c.programme, {CURRENT_WORKER_SQL} as worker,
               g.domain, coalesce(g.weight, 1.0) as weight, g.set_on, g.target_date,
               x.kind as status, x.closed_on
        from goals g join cases c on c.id = g.case_id left join goal_closures x on x.goal_id = g.id
        order by g.id""")


def services(db, actor: str, with_subject: bool = True) -> pd.DataFrame:
    """One row per service, by day and id: ``service_id, case_id, case_number, programme``, with
    ``with_subject`` also ``subject_key`` ("h12"/"p34") and ``category`` (the subject person's), then
    ``service_type, provided_on, duration_minutes, provided_by, referral_outcome`` (the latest
    outcome recorded, else the one saved with the service)."""
    allow_any(db, actor, WHOLE_RECORD)
    subject = f"""case when c.household_id is not null then 'h' || c.household_id else 'p' || c.person_id end
                   as subject_key,
               {SUBJECT_CATEGORY_SQL} as category, """ if with_subject else ""
    return _frame(db, f"""
        select s.id as service_id, s.case_id, c.case_number, c.programme,
               {subject}s.service_type, s.provided_on, s.duration_minutes, s.provided_by,
               coalesce((select o.outcome from referral_outcomes o where o.service_id = s.id
                         order by o.id desc limit 1), s.referral_outcome) as referral_outcome
        from services s join cases c on c.id = s.case_id order by s.provided_on, s.id""")


def events(db, actor: str) -> pd.DataFrame:
    """One row per event of group or project work, its latest version, by day and id: ``event_id,
    held_on, event_type, project, place, participants, children, idps, staff`` (JSON text),
    ``versions``."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, f"""
        {_version_numbers("events")}
        select e.id as event_id, e.held_on, e.event_type, e.project, e.place, e.participants, e.children,
               e.idps, e.staff, chain.n as versions
        from events e join chain on chain.id = e.id
        where not exists (select 1 from events s where s.supersedes = e.id)
        order by e.held_on, e.id""")


def shelter_stays(db, actor: str) -> pd.DataFrame:
    """One row per stay in a temporary shelter, by day and id: ``stay_id, person_id, category`` (the
    person's), ``case_id`` (None if recorded without one), ``shelter, from_on, to_on`` (None while the
    stay goes on)."""
    allow_any(db, actor, WHOLE_RECORD)
    return _frame(db, """
        select s.id as stay_id, s.person_id, p.category, s.case_id, s.shelter, s.from_on, d.to_on
        from shelter_stays s join persons p on p.id = s.person_id
        left join shelter_departures d on d.stay_id = s.id order by s.from_on, s.id""")
