"""Tidy pandas frames read from the store; corrections are counted once (the latest version), and
cases of persons who withdrew their consent to data processing are left out (as are their
shelter stays). Dates are ``datetime64``; a date not reached yet (a stay not ended) is ``NaT``.

Every frame has one row per thing named in its function's name; columns are listed in each
function's docstring. :func:`answer_frame` and :func:`domain_score_frame` read one instrument
(pass ``instrument_id``) so that "higher is worse" is never mixed with "higher is better".

Columns of :func:`domain_score_frame`:
``assessment_id, case_id, case_number, programme, worker, instrument_id, instrument_version,
assessed_on`` (datetime64), ``visit`` (1 = the case's first assessment of that instrument),
``domain, repeat, instance`` (1-based repeat instance, e.g. the child; 0 outside repeats),
``score`` (mean of answered scored items), ``n_items`` (answered scored items).
"""
from __future__ import annotations

import json

import pandas as pd

from ..store.people import EXCLUDED_CASES_SQL, withdrawn_person_ids

_LATEST = "not exists (select 1 from assessments s where s.supersedes = a.id)"

DOMAIN_SCORE_COLUMNS = ["assessment_id", "case_id", "case_number", "programme", "worker", "instrument_id",
                        "instrument_version", "assessed_on", "visit", "domain", "repeat", "instance",
                        "score", "n_items"]


def domain_score_frame(db, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per domain score of every latest-version assessment (see the module docstring)."""
    where, params = [_LATEST, f"a.case_id not in ({EXCLUDED_CASES_SQL})"], []
    if instrument_id is not None:
        where.append("a.instrument_id = ?")
        params.append(instrument_id)
    where = " and ".join(where)
    # Scores first, narrow: the GROUP BY sorts one small record per scored answer (millions of them), so
    # the case's columns join afterwards, per assessment. CROSS JOIN keeps assessments as the outer loop,
    # so the latest-version and consent checks run once per assessment, not once per answer.
    scores = pd.DataFrame.from_records(db.execute(f"""
        select a.id, i.domain, x.repeat, x.instance, avg(x.number), count(x.number)
        from assessments a
        cross join answers x on x.assessment_id = a.id
        join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where i.scored = 1 and {where}
        group by a.id, i.domain, x.repeat, x.instance""", params).fetchall(),
        columns=["assessment_id", "domain", "repeat", "instance", "score", "n_items"])
    heads = pd.DataFrame.from_records(db.execute(f"""
        select a.id, a.case_id, c.case_number, c.programme, c.worker, a.instrument_id, a.instrument_version,
               a.assessed_on
        from assessments a join cases c on c.id = a.case_id
        where {where}""", params).fetchall(), columns=DOMAIN_SCORE_COLUMNS[:8])
    frame = heads.merge(scores, on="assessment_id").sort_values(
        ["case_id", "assessed_on", "assessment_id", "domain", "instance"], kind="stable", ignore_index=True)
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"])
    visits = (frame[["case_id", "instrument_id", "assessed_on", "assessment_id"]].drop_duplicates("assessment_id")
              .sort_values(["assessed_on", "assessment_id"]))
    visits["visit"] = visits.groupby(["case_id", "instrument_id"]).cumcount() + 1
    frame = frame.merge(visits[["assessment_id", "visit"]], on="assessment_id", how="left")
    frame["visit"] = frame["visit"].astype("Int64")
    return frame[DOMAIN_SCORE_COLUMNS]


# --- the rest of the tidy frames: cases, persons, answers, goals, services, events, stays ----------

def _frame(db, sql: str, params=(), columns=None, dates=()) -> pd.DataFrame:
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    frame = pd.DataFrame(cursor.fetchall(), columns=names)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame[columns] if columns else frame


def _excluded_case_ids(db) -> set[int]:
    return {r[0] for r in db.execute(EXCLUDED_CASES_SQL)}


# The subject's category: the person of a person case; for a family case the applicant's
# (the member added as applicant; else the first member).
_SUBJECT_CATEGORY_SQL = """coalesce(
    (select p.category from persons p where p.id = c.person_id),
    (select p.category from household_members m join persons p on p.id = m.person_id
     where m.household_id = c.household_id order by m.relation != 'applicant', m.id limit 1))"""
_CURRENT_WORKER_SQL = """coalesce((select e.to_worker from case_events e where e.case_id = c.id
    and e.kind = 'transfer' order by e.id desc limit 1), c.worker)"""

CASE_COLUMNS = ["case_id", "case_number", "programme", "subject", "household_id", "person_id", "subject_key",
                "category", "intake_channel", "worker", "opened_on", "status", "closed_on", "closure_reason"]


def case_frame(db) -> pd.DataFrame:
    """One row per case: ``case_id, case_number, programme, subject`` (household/person),
    ``household_id, person_id, subject_key`` ("h12" or "p34": one family or person, for counting),
    ``category`` (the subject's), ``intake_channel, worker`` (now), ``opened_on``, ``status`` (now),
    ``closed_on, closure_reason`` (of the latest closure if closed now)."""
    cases = _frame(db, f"""select c.id as case_id, c.case_number, c.programme, c.household_id, c.person_id,
            {_SUBJECT_CATEGORY_SQL} as category, c.intake_channel, {_CURRENT_WORKER_SQL} as worker, c.opened_on
        from cases c order by c.id""", dates=["opened_on"])
    cases = cases[~cases["case_id"].isin(_excluded_case_ids(db))]
    cycles = accompaniment_cycles(db)
    last = cycles.sort_values(["case_id", "cycle"]).groupby("case_id").tail(1).set_index("case_id")
    cases = cases.join(last[["status", "closed_on", "closure_reason"]], on="case_id")
    cases["status"] = cases["status"].fillna("intake")
    cases["subject"] = cases["household_id"].notna().map({True: "household", False: "person"})
    cases["subject_key"] = [f"h{int(h)}" if pd.notna(h) else f"p{int(p)}"
                            for h, p in zip(cases["household_id"], cases["person_id"])]
    for column in ("household_id", "person_id"):
        cases[column] = cases[column].astype("Int64")
    return cases[CASE_COLUMNS].reset_index(drop=True)


CYCLE_COLUMNS = ["case_id", "cycle", "started_on", "status", "accompaniment_started_on", "closed_on",
                 "closure_reason"]


def accompaniment_cycles(db) -> pd.DataFrame:
    """One row per cycle of a case (a reopening starts a new one), read from the case events in one
    pass: ``case_id, cycle`` (1, 2, …), ``started_on, status`` (at the cycle's end or now),
    ``accompaniment_started_on`` (the first move to accompaniment in the cycle, else NaT),
    ``closed_on, closure_reason`` (NaT/None while the cycle is open). Withdrawn-consent cases left out."""
    rows, current = [], None
    opened = dict(db.execute("select id, opened_on from cases").fetchall())
    seen = set()
    for case_id, kind, to_status, reason, on in db.execute(
            "select case_id, kind, to_status, reason, effective_on from case_events order by case_id, id"):
        if current is None or current["case_id"] != case_id:
            current = {"case_id": case_id, "cycle": 1, "started_on": opened[case_id], "status": "intake",
                       "accompaniment_started_on": None, "closed_on": None, "closure_reason": None}
            rows.append(current)
            seen.add(case_id)
        if kind == "move":
            current["status"] = to_status
            if to_status == "accompaniment" and not current["accompaniment_started_on"]:
                current["accompaniment_started_on"] = on
            if to_status == "closed":
                current["closed_on"], current["closure_reason"] = on, reason
        elif kind == "reopen":
            current = {"case_id": case_id, "cycle": current["cycle"] + 1, "started_on": on, "status": "intake",
                       "accompaniment_started_on": None, "closed_on": None, "closure_reason": None}
            rows.append(current)
    for case_id, on in opened.items():  # cases with no event yet: one cycle at intake
        if case_id not in seen:
            rows.append({"case_id": case_id, "cycle": 1, "started_on": on, "status": "intake",
                         "accompaniment_started_on": None, "closed_on": None, "closure_reason": None})
    frame = pd.DataFrame(rows, columns=CYCLE_COLUMNS)
    frame = frame[~frame["case_id"].isin(_excluded_case_ids(db))]
    for column in ("started_on", "accompaniment_started_on", "closed_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values(["case_id", "cycle"]).reset_index(drop=True)


CASE_PERSON_COLUMNS = ["case_id", "person_id", "relation", "category", "sex", "birth_date"]


def case_person_frame(db) -> pd.DataFrame:
    """One row per person of a case: the client of a person case (``relation`` "client") or each
    member of a family case's household: ``case_id, person_id, relation, category, sex, birth_date``."""
    frame = _frame(db, """
        select c.id as case_id, p.id as person_id, 'client' as relation, p.category, p.sex, p.birth_date
        from cases c join persons p on p.id = c.person_id
        union all
        select c.id, p.id, m.relation, p.category, p.sex, p.birth_date
        from cases c join household_members m on m.household_id = c.household_id
        join persons p on p.id = m.person_id
        order by 1, 2""", columns=CASE_PERSON_COLUMNS, dates=["birth_date"])
    return frame[~frame["case_id"].isin(_excluded_case_ids(db))].reset_index(drop=True)


ASSESSMENT_COLUMNS = ["assessment_id", "case_id", "case_number", "programme", "instrument_id", "instrument_version",
                      "purpose", "assessed_on", "versions"]


def assessment_frame(db, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per assessment, its latest version only: ``assessment_id`` (the latest version's id),
    ``case_id, case_number, programme, instrument_id, instrument_version, purpose`` (old rows without
    one read as needs_assessment), ``assessed_on``, ``versions`` (1 if never corrected)."""
    params, extra = [], ""
    if instrument_id is not None:
        extra, params = " and a.instrument_id = ?", [instrument_id]
    frame = _frame(db, f"""
        with recursive chain(id, n) as (
            select a.id, 1 from assessments a where a.supersedes is null
            union all
            select a.id, chain.n + 1 from assessments a join chain on a.supersedes = chain.id)
        select a.id as assessment_id, a.case_id, c.case_number, c.programme, a.instrument_id,
               a.instrument_version, coalesce(a.purpose, 'needs_assessment') as purpose, a.assessed_on,
               chain.n as versions
        from assessments a join cases c on c.id = a.case_id join chain on chain.id = a.id
        where {_LATEST}{extra}
        order by a.case_id, a.assessed_on, a.id""", params, columns=ASSESSMENT_COLUMNS, dates=["assessed_on"])
    return frame[~frame["case_id"].isin(_excluded_case_ids(db))].reset_index(drop=True)


ANSWER_COLUMNS = ["assessment_id", "case_id", "programme", "instrument_id", "instrument_version", "assessed_on",
                  "purpose", "repeat", "instance", "item", "domain", "scored", "value", "number"]


def answer_frame(db, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per answer of every latest-version assessment: ``assessment_id, case_id, programme,
    instrument_id, instrument_version, assessed_on, purpose, repeat, instance`` (0 outside repeats),
    ``item, domain`` (the item's group if it is scored), ``scored`` (bool), ``value`` (as saved,
    text), ``number`` (for numeric and scored items, else NaN)."""
    where, params = [_LATEST, f"a.case_id not in ({EXCLUDED_CASES_SQL})"], []
    if instrument_id is not None:
        where.append("a.instrument_id = ?")
        params.append(instrument_id)
    frame = _frame(db, f"""
        select a.id as assessment_id, a.case_id, c.programme, a.instrument_id, a.instrument_version,
               a.assessed_on, coalesce(a.purpose, 'needs_assessment') as purpose, x.repeat, x.instance,
               x.item, i.domain, coalesce(i.scored, 0) as scored, x.value, x.number
        from assessments a join cases c on c.id = a.case_id
        join answers x on x.assessment_id = a.id
        left join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where {' and '.join(where)}
        order by a.case_id, a.assessed_on, a.id, x.repeat, x.instance, i.position""",
                   params, columns=ANSWER_COLUMNS, dates=["assessed_on"])
    frame["scored"] = frame["scored"].astype(bool)
    frame["number"] = frame["number"].astype(float)
    return frame


GOAL_REVIEW_COLUMNS = ["review_id", "goal_id", "case_id", "case_number", "programme", "worker", "domain", "weight",
                       "set_on", "target_date", "reviewed_on", "level"]


def goal_review_frame(db) -> pd.DataFrame:
    """One row per goal review: ``review_id, goal_id, case_id, case_number, programme, worker`` (the
    case's now), ``domain`` (life domain), ``weight`` (1 if none), ``set_on, target_date, reviewed_on,
    level`` (GAS −2…+2)."""
    frame = _frame(db, f"""
        select r.id as review_id, g.id as goal_id, g.case_id, c.case_number, c.programme,
               {_CURRENT_WORKER_SQL} as worker, g.domain, coalesce(g.weight, 1.0) as weight,
               g.set_on, g.target_date, r.reviewed_on, r.level
        from goal_reviews r join goals g on g.id = r.goal_id join cases c on c.id = g.case_id
        order by g.case_id, g.id, r.reviewed_on, r.id""",
                   columns=GOAL_REVIEW_COLUMNS, dates=["set_on", "target_date", "reviewed_on"])
    return frame[~frame["case_id"].isin(_excluded_case_ids(db))].reset_index(drop=True)


GOAL_COLUMNS = ["goal_id", "case_id", "case_number", "programme", "worker", "domain", "weight", "set_on",
                "target_date", "status", "closed_on", "reviews", "latest_level", "first_reached_on", "achieved"]


def goal_frame(db, as_of=None) -> pd.DataFrame:
    """One row per goal, as it stood on ``as_of`` (default: now): ``goal_id, case_id, case_number,
    programme, worker, domain, weight, set_on, target_date, status`` (open/achieved/abandoned),
    ``closed_on, reviews`` (how many), ``latest_level`` (NaN if never reviewed), ``first_reached_on``
    (the first review at level ≥ 0), ``achieved`` (latest level ≥ 0, or closed as achieved).
    Goals set after ``as_of`` are left out."""
    goals = _frame(db, f"""
        select g.id as goal_id, g.case_id, c.case_number, c.programme, {_CURRENT_WORKER_SQL} as worker,
               g.domain, coalesce(g.weight, 1.0) as weight, g.set_on, g.target_date,
               x.kind as status, x.closed_on
        from goals g join cases c on c.id = g.case_id left join goal_closures x on x.goal_id = g.id
        order by g.id""", dates=["set_on", "target_date", "closed_on"])
    goals = goals[~goals["case_id"].isin(_excluded_case_ids(db))]
    reviews = goal_review_frame(db)
    if as_of is not None:
        as_of = pd.Timestamp(as_of)
        goals = goals[goals["set_on"] <= as_of].copy()
        reviews = reviews[reviews["reviewed_on"] <= as_of]
        later = goals["closed_on"] > as_of
        goals.loc[later, ["status", "closed_on"]] = [None, pd.NaT]
    goals["status"] = goals["status"].fillna("open")
    grouped = reviews.groupby("goal_id")
    summary = pd.DataFrame({
        "reviews": grouped.size(),
        "latest_level": grouped["level"].last(),
        "first_reached_on": reviews[reviews["level"] >= 0].groupby("goal_id")["reviewed_on"].min(),
    })
    goals = goals.join(summary, on="goal_id")
    goals["reviews"] = goals["reviews"].fillna(0).astype(int)
    goals["latest_level"] = goals["latest_level"].astype(float)
    goals["achieved"] = (goals["latest_level"] >= 0) | (goals["status"] == "achieved")
    return goals[GOAL_COLUMNS].reset_index(drop=True)


SERVICE_COLUMNS = ["service_id", "case_id", "case_number", "programme", "subject_key", "category", "service_type",
                   "provided_on", "duration_minutes", "provided_by", "referral_outcome"]


def service_frame(db) -> pd.DataFrame:
    """One row per service: ``service_id, case_id, case_number, programme, subject_key, category``
    (the case's subject's), ``service_type, provided_on, duration_minutes, provided_by,
    referral_outcome`` (a referral's latest outcome, else None)."""
    frame = _frame(db, f"""
        select s.id as service_id, s.case_id, c.case_number, c.programme,
               case when c.household_id is not null then 'h' || c.household_id else 'p' || c.person_id end
                   as subject_key,
               {_SUBJECT_CATEGORY_SQL} as category, s.service_type, s.provided_on, s.duration_minutes,
               s.provided_by,
               coalesce((select o.outcome from referral_outcomes o where o.service_id = s.id
                         order by o.id desc limit 1), s.referral_outcome) as referral_outcome
        from services s join cases c on c.id = s.case_id order by s.provided_on, s.id""",
                   columns=SERVICE_COLUMNS, dates=["provided_on"])
    return frame[~frame["case_id"].isin(_excluded_case_ids(db))].reset_index(drop=True)


EVENT_COLUMNS = ["event_id", "held_on", "event_type", "project", "place", "participants", "children", "idps",
                 "staff", "versions"]


def event_frame(db) -> pd.DataFrame:
    """One row per event of group or project work, its latest version only: ``event_id`` (the latest
    version's id), ``held_on, event_type, project, place, participants, children, idps, staff``
    (a list of usernames), ``versions`` (1 if never corrected). Events hold counts, not persons."""
    frame = _frame(db, """
        with recursive chain(id, n) as (
            select e.id, 1 from events e where e.supersedes is null
            union all
            select e.id, chain.n + 1 from events e join chain on e.supersedes = chain.id)
        select e.id as event_id, e.held_on, e.event_type, e.project, e.place, e.participants, e.children,
               e.idps, e.staff, chain.n as versions
        from events e join chain on chain.id = e.id
        where not exists (select 1 from events s where s.supersedes = e.id)
        order by e.held_on, e.id""", columns=EVENT_COLUMNS, dates=["held_on"])
    frame["staff"] = frame["staff"].map(json.loads)
    return frame


SHELTER_COLUMNS = ["stay_id", "person_id", "category", "case_id", "shelter", "from_on", "to_on"]


def shelter_frame(db) -> pd.DataFrame:
    """One row per stay in a temporary shelter: ``stay_id, person_id, category`` (the person's),
    ``case_id`` (if recorded with one), ``shelter, from_on, to_on`` (NaT while the stay goes on).
    Persons who withdrew their consent are left out."""
    frame = _frame(db, """
        select s.id as stay_id, s.person_id, p.category, s.case_id, s.shelter, s.from_on, d.to_on
        from shelter_stays s join persons p on p.id = s.person_id
        left join shelter_departures d on d.stay_id = s.id order by s.from_on, s.id""",
                   columns=SHELTER_COLUMNS, dates=["from_on", "to_on"])
    frame["case_id"] = frame["case_id"].astype("Int64")
    return frame[~frame["person_id"].isin(withdrawn_person_ids(db))].reset_index(drop=True)
