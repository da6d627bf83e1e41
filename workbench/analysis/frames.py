"""Tidy pandas frames read from the store; corrections are counted once (the latest version), and
cases of persons who withdrew their consent to data processing are left out.

Columns of :func:`domain_score_frame`:
``assessment_id, case_id, case_number, programme, worker, instrument_id, instrument_version,
assessed_on`` (datetime64), ``visit`` (1 = the case's first assessment of that instrument),
``domain, repeat, instance`` (1-based repeat instance, e.g. the child; 0 outside repeats),
``score`` (mean of answered scored items), ``n_items`` (answered scored items).
"""
from __future__ import annotations

import pandas as pd

from ..store.people import EXCLUDED_CASES_SQL

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
    sql = f"""
        select a.id as assessment_id, a.case_id, c.case_number, c.programme, c.worker,
               a.instrument_id, a.instrument_version, a.assessed_on,
               i.domain, x.repeat, x.instance, avg(x.number) as score, count(x.number) as n_items
        from assessments a
        join cases c on c.id = a.case_id
        join answers x on x.assessment_id = a.id
        join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where i.scored = 1 and {' and '.join(where)}
        group by a.id, i.domain, x.repeat, x.instance
        order by a.case_id, a.assessed_on, a.id, i.domain, x.instance
    """
    frame = pd.DataFrame(list(db.query(sql, params)), columns=[c for c in DOMAIN_SCORE_COLUMNS if c != "visit"])
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"])
    visits = (frame[["case_id", "instrument_id", "assessed_on", "assessment_id"]].drop_duplicates()
              .sort_values(["assessed_on", "assessment_id"]))
    visits["visit"] = visits.groupby(["case_id", "instrument_id"]).cumcount() + 1
    frame = frame.merge(visits[["assessment_id", "visit"]], on="assessment_id", how="left")
    frame["visit"] = frame["visit"].astype("Int64")
    return frame[DOMAIN_SCORE_COLUMNS]
