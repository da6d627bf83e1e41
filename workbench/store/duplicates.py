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
from . import arguments
from .guard import CURRENT_WORKER_SQL, allow, current_version, readable_case_ids
from ..text_rules import searchable
from .search import _case_ids_of_persons, _case_rows


def _person_name(row: dict) -> PersonName:
    birth = row.get("birth_date")
    if isinstance(birth, str) and birth:
        birth = date.fromisoformat(birth)
    return PersonName(row.get("family_name") or "", row.get("given_name") or "", birth or None,
                      row.get("patronymic") or None)


def _index_person(db, row: dict) -> None:
    """Write the blocking keys of a registered person (inside the registration's transaction)."""
    keys = blocking_keys(_person_name(row))
    db.conn.executemany("insert or ignore into person_keys (person_id, key) values (?, ?)",
                        [(row["id"], key) for key in keys])


def possible_duplicates(db, actor: str, *, family_name="", given_name="", birth_date=None, patronymic=None,
                        limit: int = 5) -> list[dict]:
    """Registered persons who may be the person typed so far, best first, across the whole register (a
    family must not be registered twice), within what ``actor`` may see.

    ``birth_date`` may be a date, ``dd.mm.yyyy``, ``yyyy-mm-dd`` or an incomplete text (ignored). Each
    row has ``score`` (0..1), ``cases`` (the rows of the person's cases ``actor`` may read) and
    ``held_by`` (the display names of the workers holding the person's other cases). A person on no
    case ``actor`` may read is ``restricted``: the row then holds no name, date of birth or id, only
    that the record exists and whose caseload holds it, so the worker can ask that colleague.
    """
    allow(db, actor, "register.check")
    limit = arguments.whole(limit, "limit", low=0, high=arguments.MAX_ROWS)
    family_name = family_name.strip() if isinstance(family_name, str) else ""
    given_name = given_name.strip() if isinstance(given_name, str) else ""
    # As the names are stored (NFC) and searched: a broken or invisible character is a space, never an error.
    family_name, given_name = searchable(family_name), searchable(given_name)
    patronymic = searchable(patronymic) if isinstance(patronymic, str) else None
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
    found = find_possible_duplicates(new, ((pid, _person_name(r)) for pid, r in rows.items()), limit=limit)
    out = []
    for person_id, score in found:
        case_ids = _case_ids_of_persons(db, "select ? as id", [person_id])
        readable = readable_case_ids(db, actor, case_ids)
        others = [c for c in case_ids if c not in readable]
        entry = {"score": score, "cases": _case_rows(db, readable), "held_by": _holders(db, others),
                 "restricted": not readable}
        out.append(entry if not readable else dict(rows[person_id], **entry))
    return out


def _holders(db, case_ids: list[int]) -> list[str]:
    """The display names of the workers holding ``case_ids`` now, each once, in order."""
    if not case_ids:
        return []
    marks = ",".join("?" * len(case_ids))
    names = []
    for (worker,) in db.execute(f"select {CURRENT_WORKER_SQL} from cases c where c.id in ({marks}) order by c.id",
                                case_ids):
        user = current_version(db, worker)
        name = user["display_name"] if user else worker
        if name not in names:
            names.append(name)
    return names
