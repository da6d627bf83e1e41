"""The duplicate warning at intake: people already registered who may be the one being typed.

Candidates come from ``person_keys`` (blocking keys of :mod:`workbench.matching`, written
when a person is registered), so a warning costs a few index look-ups, not a comparison
with every person. The keys are derived data: if the key scheme changes, a migration
rebuilds the table.
"""
from __future__ import annotations

from datetime import date

from ..instruments.validation import parse_date
from ..matching import PersonName, blocking_keys, find_possible_duplicates
from .search import case_ids_of_persons, case_rows


def person_name(row: dict) -> PersonName:
    birth = row.get("birth_date")
    if isinstance(birth, str) and birth:
        birth = date.fromisoformat(birth)
    return PersonName(row.get("family_name") or "", row.get("given_name") or "", birth or None,
                      row.get("patronymic") or None)


def index_person(db, row: dict) -> None:
    """Write the blocking keys of a registered person (inside the registration's transaction)."""
    keys = blocking_keys(person_name(row))
    db.conn.executemany("insert or ignore into person_keys (person_id, key) values (?, ?)",
                        [(row["id"], key) for key in keys])


def possible_duplicates(db, *, family_name="", given_name="", birth_date=None, patronymic=None,
                        limit: int = 5) -> list[dict]:
    """Registered persons who may be the person typed so far, best first, with their cases.

    ``birth_date`` may be a date, ``dd.mm.yyyy``, ``yyyy-mm-dd`` or an incomplete text (ignored).
    Each row: the person's fields, ``score`` (0..1) and ``cases`` (case rows they belong to).
    """
    family_name = family_name.strip() if isinstance(family_name, str) else ""
    given_name = given_name.strip() if isinstance(given_name, str) else ""
    if len(family_name) + len(given_name) < 3:
        return []
    birth, problem = parse_date(birth_date) if birth_date else (None, None)
    new = PersonName(family_name, given_name, None if problem else birth,
                     patronymic.strip() if isinstance(patronymic, str) and patronymic.strip() else None)
    keys = sorted(blocking_keys(new))
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = {r["id"]: r for r in db.query(
        f"""select p.id, p.family_name, p.given_name, p.patronymic, p.birth_date from persons p
            where p.id in (select person_id from person_keys where key in ({marks}))""", keys)}
    found = find_possible_duplicates(new, ((pid, person_name(r)) for pid, r in rows.items()), limit=limit)
    out = []
    for person_id, score in found:
        case_ids = case_ids_of_persons(db, "select ? as id", [person_id])
        out.append(dict(rows[person_id], score=score, cases=case_rows(db, case_ids)))
    return out
