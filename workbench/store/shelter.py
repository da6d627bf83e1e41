"""Stays in a temporary shelter: when a person came, where, and when they left.

A stay is recorded when it starts and ended by a row of its own (``shelter_departures``),
so nothing is ever updated. A person is in one shelter at a time: a stay cannot start
while another is not ended, nor overlap an ended one (moving on the day of leaving is fine).
"""
from __future__ import annotations

from datetime import date

from .. import i18n
from ..i18n import UserError
from .audit import _audit
from .cases import _case_row
from .connection import now, write_transaction
from .guard import allow, allow_person, record_id
from .inputs import Checker, ua_date
from .people import _person

i18n.add({
    "shelter.stay_not_found": {"uk": "Перебування №{id} не знайдено.", "en": "Stay #{id} was not found."},
    "shelter.open_stay": {
        "uk": "Особа ще перебуває в притулку «{shelter}» з {from_on}; спершу запишіть дату вибуття.",
        "en": "The person is still staying at '{shelter}' since {from_on}; record the departure first.",
    },
    "shelter.overlap": {
        "uk": "Перебування перетинається з уже записаним: «{shelter}» з {from_on} до {to_on}.",
        "en": "The stay overlaps one already recorded: '{shelter}' from {from_on} to {to_on}.",
    },
    "shelter.before_birth": {
        "uk": "Перебування не може початися раніше дати народження ({born}).",
        "en": "A stay cannot start before the date of birth ({born}).",
    },
    "shelter.already_ended": {
        "uk": "Перебування №{id} уже завершено {to_on}; вдруге його завершити не можна.",
        "en": "Stay #{id} already ended on {to_on}; it cannot end a second time.",
    },
    "shelter.ends_before_start": {
        "uk": "Дата вибуття не може бути раніше дати заселення ({from_on}).",
        "en": "The departure date cannot be before the arrival date ({from_on}).",
    },
    "shelter.case_other_person": {
        "uk": "Випадок №{case_id} не стосується особи №{person_id}.",
        "en": "Case #{case_id} is not a case of person #{person_id}.",
    },
})

_STAYS_SQL = """
    select s.*, d.to_on, d.id as departure_id, p.family_name, p.given_name
    from shelter_stays s join persons p on p.id = s.person_id
    left join shelter_departures d on d.stay_id = s.id"""


def record_stay(db, actor: str, person_id, *, shelter, from_on, case_id=None, today: date | None = None) -> int:
    """Record that a person came to stay at a temporary shelter on ``from_on``; returns the stay's id.

    ``case_id``, if given, must be a case of that person (theirs, or their household's), and the
    actor must be able to change it; without one, one of the person's cases.
    Raises ``InvalidInput`` or ``UserError``; nothing is written then.
    """
    check = Checker()
    if person_id is None or person_id == "":
        check.problems["person_id"] = UserError("input.required")
    shelter = check.text("shelter", shelter, limit=200, kind="name")
    start = check.date("from_on", from_on, today=today)
    check.raise_if_any()
    with write_transaction(db):
        person = _person(db, person_id)
        if case_id is not None:
            case = _case_row(db, record_id(case_id, "case"))
            if person["id"] not in _case_person_ids(db, case):
                raise UserError("shelter.case_other_person", case_id=case_id, person_id=person["id"])
        allow_person(db, actor, "case.write", person["id"], case_id)
        if start.isoformat() < person["birth_date"]:
            raise UserError("shelter.before_birth", born=ua_date(person["birth_date"]))
        for stay in _person_stays(db, person["id"]):
            if stay["to_on"] is None:
                raise UserError("shelter.open_stay", shelter=stay["shelter"], from_on=ua_date(stay["from_on"]))
            # The new stay is open from its start: any stay that ends after that day overlaps it.
            if stay["to_on"] > start.isoformat():
                raise UserError("shelter.overlap", shelter=stay["shelter"], from_on=ua_date(stay["from_on"]),
                                to_on=ua_date(stay["to_on"]))
        stay_id = db["shelter_stays"].insert({
            "person_id": person["id"], "case_id": case_id, "shelter": shelter, "from_on": start.isoformat(),
            "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="record_shelter_stay", entity="persons", entity_id=person["id"],
               details={"stay_id": stay_id, "case_id": case_id, "shelter": shelter, "from_on": start.isoformat()})
    return stay_id


def end_stay(db, actor: str, stay_id, *, to_on, case_id=None, today: date | None = None) -> int:
    """Record that the person left the shelter on ``to_on``; returns the departure's id. A stay ends once.
    ``case_id``, if given, must be a case of the stay's person (and the stay's own case, if it has one)."""
    check = Checker()
    end = check.date("to_on", to_on, today=today)
    check.raise_if_any()
    with write_transaction(db):
        stay = next(db.query(_STAYS_SQL + " where s.id = ?", [record_id(stay_id, "stay")]), None)
        if stay is None:
            raise UserError("shelter.stay_not_found", id=str(stay_id)[:40])
        if case_id is not None and stay["case_id"] is not None and record_id(case_id, "case") != stay["case_id"]:
            raise UserError("guard.case_mismatch", kind=i18n.Text("guard.kind.stay"), id=stay["id"], case_id=case_id)
        # The stay's own case if it was recorded with one, else the case given, else one of the person's.
        allow_person(db, actor, "case.write", stay["person_id"], stay["case_id"] or case_id)
        if stay["to_on"] is not None:
            raise UserError("shelter.already_ended", id=stay["id"], to_on=ua_date(stay["to_on"]))
        if end.isoformat() < stay["from_on"]:
            raise UserError("shelter.ends_before_start", from_on=ua_date(stay["from_on"]))
        departure_id = db["shelter_departures"].insert({
            "stay_id": stay["id"], "to_on": end.isoformat(), "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="end_shelter_stay", entity="persons", entity_id=stay["person_id"],
               details={"stay_id": stay["id"], "to_on": end.isoformat()})
    return departure_id


def person_stays(db, actor: str, person_id) -> list[dict]:
    """The person's stays, oldest first, each with ``to_on`` (None while the stay goes on)."""
    allow_person(db, actor, "case.read", person_id)
    return _person_stays(db, person_id)


def _person_stays(db, person_id) -> list[dict]:
    return list(db.query(_STAYS_SQL + " where s.person_id = ? order by s.from_on, s.id", [person_id]))


def case_stays(db, actor: str, case_id) -> list[dict]:
    """The stays of the case's persons (the person of a person's case, the members of a family's), oldest first."""
    allow(db, actor, "case.read", case_id)
    ids = _case_person_ids(db, _case_row(db, case_id))
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return list(db.query(_STAYS_SQL + f" where s.person_id in ({marks}) order by s.from_on, s.id", ids))


def _case_person_ids(db, case: dict) -> list[int]:
    if case["household_id"] is not None:
        return [r[0] for r in db.execute("select person_id from household_members where household_id = ? order by id",
                                         [case["household_id"]])]
    return [case["person_id"]]
