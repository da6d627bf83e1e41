"""Finding a client's case by part of a name, a date of birth or a case number."""
from __future__ import annotations

import re

from ..instruments.validation import parse_date
from ..text_rules import searchable
from ..names import search_form, ukrainian_key
from . import arguments
from .guard import allow, readable_case_ids

_CASE_NUMBER = re.compile(r"^\d{4}-\d*$")
_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
MIN_QUERY = 2


def find_cases(db, actor: str, query: str, *, limit: int = 20) -> tuple[list[dict], int]:
    """Cases ``actor`` may read whose subject or a household member matches ``query``; returns
    ``(rows, total)``.

    ``query``: part of a name (every word must match, any case, any apostrophe),
    a date of birth ``dd.mm.yyyy``, or a case number (``2026-00012`` or its
    start). Rows are in Ukrainian alphabetical order of the subject, at most ``limit``.
    User text only ever travels as a bound parameter.
    """
    allow(db, actor, "cases.search")
    limit = arguments.whole(limit, "limit", low=0, high=arguments.MAX_ROWS)
    text = (query or "").strip() if isinstance(query, str) else ""
    text = searchable(text)  # as names are stored (NFC); a broken or invisible character is a space
    if len(text) < MIN_QUERY:
        return [], 0
    if _CASE_NUMBER.match(text):
        case_ids = [r[0] for r in db.execute(
            "select id from cases where substr(case_number, 1, ?) = ?", [len(text), text])]
    else:
        if _DATE.match(text):
            born, problem = parse_date(text)
            if problem:
                return [], 0
            person_sql, params = "select id from persons where birth_date = ?", [born.isoformat()]
        else:
            words = search_form(text).split()[:5]
            person_sql = "select id from persons where " + " and ".join(["instr(search_text, ?) > 0"] * len(words))
            params = words
        case_ids = _case_ids_of_persons(db, person_sql, params)
    rows = _case_rows(db, readable_case_ids(db, actor, case_ids))
    rows.sort(key=lambda r: (ukrainian_key(r["subject_label"]), r["case_number"]))
    return rows[:limit], len(rows)


def case_summaries(db, actor: str, case_ids) -> list[dict]:
    """The rows :func:`find_cases` gives (subject label, people) for those of ``case_ids`` ``actor`` may read."""
    allow(db, actor, "cases.search")
    return _case_rows(db, readable_case_ids(db, actor, case_ids))


def _case_ids_of_persons(db, person_sql: str, params: list) -> list[int]:
    """Cases of the persons ``person_sql`` selects (``select id from persons ...``): their own and their households'."""
    return [r[0] for r in db.execute(f"""
        with matched as ({person_sql})
        select c.id from cases c where c.person_id in (select id from matched)
        union
        select c.id from cases c join household_members m on m.household_id = c.household_id
        where m.person_id in (select id from matched)""", params)]


def _case_rows(db, case_ids: list[int]) -> list[dict]:
    """Cases with a subject label and the people in them (name and date of birth)."""
    if not case_ids:
        return []
    marks = ",".join("?" * len(case_ids))
    rows = {r["id"]: dict(r, people=[]) for r in db.query(f"""
        select c.id, c.case_number, c.programme, c.worker, c.opened_on, c.household_id, c.person_id,
               coalesce(h.label, p.family_name || ' ' || p.given_name) as subject_label
        from cases c left join households h on h.id = c.household_id left join persons p on p.id = c.person_id
        where c.id in ({marks})""", case_ids)}
    for r in db.query(f"""
        select c.id as case_id, p.family_name, p.given_name, p.birth_date
        from cases c join persons p on p.id = c.person_id where c.id in ({marks})
        union all
        select c.id, p.family_name, p.given_name, p.birth_date
        from cases c join household_members m on m.household_id = c.household_id
        join persons p on p.id = m.person_id where c.id in ({marks})""", case_ids * 2):
        rows[r["case_id"]]["people"].append(r)
    return list(rows.values())
