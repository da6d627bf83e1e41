"""Tidy pandas frames read from the store (:mod:`workbench.store.records`); corrections are counted once
(the latest version), and cases of persons who withdrew their consent to data processing are left out
(as are their shelter stays, and stays recorded with such a case). Dates are ``datetime64``; a date not
reached yet (a stay not ended) is ``NaT``.

The frames of cases read the ids of the cases left out (:func:`excluded_case_ids`) and the case events
(:func:`accompaniment_cycles`) themselves; a caller building several frames at once (a report) can read
them once and pass them in (``excluded=``, ``cycles=``).

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

from ..store import records
from ..store.lifecycle import apply_move
from ..store.people import excluded_case_ids, withdrawn_person_ids

DOMAIN_SCORE_COLUMNS = ["assessment_id", "case_id", "case_number", "programme", "worker", "instrument_id",
                        "instrument_version", "assessed_on", "visit", "domain", "repeat", "instance",
                        "score", "n_items"]


def domain_score_frame(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per domain score of every latest-version assessment (see the module docstring)."""
    scores = records.domain_scores(db, actor, instrument_id)  # scores first, narrow; the case's columns per assessment
    heads = records.assessment_heads(db, actor, instrument_id)[DOMAIN_SCORE_COLUMNS[:8]]
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

def _shaped(frame: pd.DataFrame, columns=None, dates=()) -> pd.DataFrame:
    """The store's frame with ``dates`` as datetime64 and only ``columns`` (in that order), if given."""
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame[columns] if columns else frame


def _kept(frame: pd.DataFrame, excluded: set[int] | None, db, actor: str) -> pd.DataFrame:
    """``frame`` without the rows of cases left out of analysis (read now unless ``excluded`` is given)."""
    excluded = excluded_case_ids(db, actor) if excluded is None else excluded
    return frame[~frame["case_id"].isin(excluded)]


CASE_COLUMNS = ["case_id", "case_number", "programme", "subject", "household_id", "person_id", "subject_key",
                "category", "intake_channel", "worker", "opened_on", "status", "closed_on", "closure_reason"]


def case_frame(db, actor: str, cycles: pd.DataFrame | None = None, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per case: ``case_id, case_number, programme, subject`` (household/person),
    ``household_id, person_id, subject_key`` ("h12" or "p34": one family or person, for counting),
    ``category`` (the subject person's: :data:`workbench.store.people.SUBJECT_PERSON_SQL`),
    ``intake_channel, worker`` (now), ``opened_on``, ``status`` (now), ``closed_on, closure_reason``
    (of the latest closure if closed now). ``cycles`` (:func:`accompaniment_cycles`) and ``excluded``
    (:func:`excluded_case_ids`) are read here unless given."""
    excluded = excluded_case_ids(db, actor) if excluded is None else excluded
    cases = _kept(_shaped(records.cases(db, actor), dates=["opened_on"]), excluded, db, actor)
    cycles = accompaniment_cycles(db, actor, excluded=excluded) if cycles is None else cycles
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


def accompaniment_cycles(db, actor: str, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per cycle of a case (a reopening starts a new one), read from the case events in one
    pass: ``case_id, cycle`` (1, 2, …), ``started_on, status`` (at the cycle's end or now),
    ``accompaniment_started_on`` (the first move to accompaniment in the cycle, else NaT),
    ``closed_on, closure_reason`` (NaT/None while the cycle is open). Withdrawn-consent cases left out
    (``excluded``, read here unless given)."""
    def cycle(case_id, number, started_on):
        return {"case_id": case_id, "cycle": number, "started_on": started_on, "status": "intake",
                "accompaniment_started_on": None, "closed_on": None, "closure_reason": None}

    current = {case_id: cycle(case_id, 1, on) for case_id, on in records.case_openings(db, actor).items()}
    rows = list(current.values())
    for case_id, kind, to_status, reason, on in records.case_event_rows(db, actor):
        if kind == "move":
            apply_move(current[case_id], to_status, on, reason)
        elif kind == "reopen":
            current[case_id] = cycle(case_id, current[case_id]["cycle"] + 1, on)
            rows.append(current[case_id])
    frame = _kept(pd.DataFrame(rows, columns=CYCLE_COLUMNS), excluded, db, actor)
    for column in ("started_on", "accompaniment_started_on", "closed_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values(["case_id", "cycle"]).reset_index(drop=True)


CASE_PERSON_COLUMNS = ["case_id", "person_id", "relation", "category", "sex", "birth_date"]


def case_person_frame(db, actor: str, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per person of a case: the client of a person case (``relation`` "client") or each
    member of a family case's household: ``case_id, person_id, relation, category, sex, birth_date``."""
    frame = _shaped(records.case_persons(db, actor), CASE_PERSON_COLUMNS, dates=["birth_date"])
    return _kept(frame, excluded, db, actor).reset_index(drop=True)


ASSESSMENT_COLUMNS = ["assessment_id", "case_id", "case_number", "programme", "instrument_id", "instrument_version",
                      "purpose", "assessed_on", "versions"]


def assessment_frame(db, actor: str, instrument_id: str | None = None, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per assessment, its latest version only: ``assessment_id`` (the latest version's id),
    ``case_id, case_number, programme, instrument_id, instrument_version, purpose`` (old rows without
    one read as needs_assessment), ``assessed_on``, ``versions`` (1 if never corrected)."""
    frame = _shaped(records.assessments(db, actor, instrument_id), ASSESSMENT_COLUMNS, dates=["assessed_on"])
    return _kept(frame, excluded, db, actor).reset_index(drop=True)


ANSWER_COLUMNS = ["assessment_id", "case_id", "case_number", "programme", "worker", "instrument_id",
                  "instrument_version", "assessed_on", "purpose", "repeat", "instance", "item", "domain", "scored",
                  "value", "number"]


def answer_frame(db, actor: str, instrument_id: str | None = None) -> pd.DataFrame:
    """One row per answer of every latest-version assessment: ``assessment_id, case_id, case_number,
    programme, worker`` (the case's, as in :func:`domain_score_frame`), ``instrument_id,
    instrument_version, assessed_on, purpose, repeat, instance`` (0 outside repeats), ``item, domain``
    (the item's group if it is scored), ``scored`` (bool), ``value`` (as saved, text), ``number`` (for
    numeric and scored items, else NaN)."""
    frame = _shaped(records.answers(db, actor, instrument_id), ANSWER_COLUMNS, dates=["assessed_on"])
    frame["scored"] = frame["scored"].astype(bool)
    frame["number"] = frame["number"].astype(float)
    return frame


GOAL_REVIEW_COLUMNS = ["review_id", "goal_id", "case_id", "case_number", "programme", "worker", "domain", "weight",
                       "set_on", "target_date", "reviewed_on", "level"]


def goal_review_frame(db, actor: str, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per goal review: ``review_id, goal_id, case_id, case_number, programme, worker`` (the
    case's now), ``domain`` (life domain), ``weight`` (1 if none), ``set_on, target_date, reviewed_on,
    level`` (GAS −2…+2)."""
    frame = _shaped(records.goal_reviews(db, actor), GOAL_REVIEW_COLUMNS, dates=["set_on", "target_date", "reviewed_on"])
    return _kept(frame, excluded, db, actor).reset_index(drop=True)


GOAL_COLUMNS = ["goal_id", "case_id", "case_number", "programme", "worker", "domain", "weight", "set_on",
                "target_date", "status", "closed_on", "reviews", "latest_level", "first_reached_on", "achieved"]


def goal_frame(db, actor: str, as_of=None, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per goal, as it stood on ``as_of`` (default: now): ``goal_id, case_id, case_number,
    programme, worker, domain, weight, set_on, target_date, status`` (open/achieved/abandoned),
    ``closed_on, reviews`` (how many), ``latest_level`` (NaN if never reviewed), ``first_reached_on``
    (the first review at level ≥ 0), ``achieved`` (latest level ≥ 0, or closed as achieved).
    Goals set after ``as_of`` are left out."""
    excluded = excluded_case_ids(db, actor) if excluded is None else excluded
    goals = _kept(_shaped(records.goals(db, actor), dates=["set_on", "target_date", "closed_on"]), excluded, db, actor)
    reviews = goal_review_frame(db, actor, excluded=excluded)
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


def service_frame(db, actor: str, excluded: set[int] | None = None, with_subject: bool = True) -> pd.DataFrame:
    """One row per service: ``service_id, case_id, case_number, programme, subject_key, category``
    (the case's subject person's), ``service_type, provided_on, duration_minutes, provided_by,
    referral_outcome`` (a referral's latest outcome, else None). ``with_subject=False`` leaves
    ``subject_key`` and ``category`` out (a caller joining :func:`case_frame` has them)."""
    columns = [c for c in SERVICE_COLUMNS if with_subject or c not in ("subject_key", "category")]
    frame = _shaped(records.services(db, actor, with_subject), columns, dates=["provided_on"])
    return _kept(frame, excluded, db, actor).reset_index(drop=True)


EVENT_COLUMNS = ["event_id", "held_on", "event_type", "project", "place", "participants", "children", "idps",
                 "staff", "versions"]


def event_frame(db, actor: str) -> pd.DataFrame:
    """One row per event of group or project work, its latest version only: ``event_id`` (the latest
    version's id), ``held_on, event_type, project, place, participants, children, idps, staff``
    (a list of usernames), ``versions`` (1 if never corrected). Events hold counts, not persons."""
    frame = _shaped(records.events(db, actor), EVENT_COLUMNS, dates=["held_on"])
    frame["staff"] = frame["staff"].map(json.loads)
    return frame


SHELTER_COLUMNS = ["stay_id", "person_id", "category", "case_id", "shelter", "from_on", "to_on"]


def shelter_frame(db, actor: str, excluded: set[int] | None = None) -> pd.DataFrame:
    """One row per stay in a temporary shelter: ``stay_id, person_id, category`` (the person's),
    ``case_id`` (if recorded with one), ``shelter, from_on, to_on`` (NaT while the stay goes on).
    Persons who withdrew their consent are left out, and so are stays recorded with a case left out
    of analysis (another member of the family withdrew); a stay recorded without a case stays while
    the person's own consent stands."""
    frame = _shaped(records.shelter_stays(db, actor), SHELTER_COLUMNS, dates=["from_on", "to_on"])
    frame["case_id"] = frame["case_id"].astype("Int64")
    frame = frame[~frame["person_id"].isin(withdrawn_person_ids(db, actor))]
    return _kept(frame, excluded, db, actor).reset_index(drop=True)
