"""The events log: group and project work that belongs to no single case.

A group session, an awareness campaign, a training, a distribution of humanitarian
aid, a mobile team's trip: one row each, with the date, the type (a configured
list, ``event_types``), the project, the place, how many took part (of them, how
many children and how many internally displaced people) and which staff ran it.
The period indicators count these rows.

Rows are never changed (a trigger refuses UPDATE and DELETE): a correction is a new
version whose ``supersedes`` points at the version it replaces, with the reason; the
unique index on ``supersedes`` keeps each event's history a single line even under
two writers. Every check happens here, in Python, before anything is written; every
problem of a submission is reported at once as :class:`InvalidInput`.
"""
from __future__ import annotations

import json
from datetime import date

from .. import i18n
from ..i18n import UserError
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, record_id
from .inputs import Checker, whole_number

MAX_COUNT = 100_000
EARLIEST = date(2000, 1, 1)
TEXT_LIMIT = 200
NOTE_LIMIT = 2000
REASON_LIMIT = 500
MAX_STAFF = 100

i18n.add({
    "event.date_too_early": {
        "uk": "Дата заходу не може бути раніше 01.01.2000.",
        "en": "The event's date cannot be before 01.01.2000.",
    },
    "event.count": {
        "uk": "Введіть ціле число від 0 до 100000.",
        "en": "Enter a whole number from 0 to 100000.",
    },
    "event.children_over_participants": {
        "uk": "Дітей ({children}) не може бути більше, ніж учасників ({participants}).",
        "en": "There cannot be more children ({children}) than participants ({participants}).",
    },
    "event.idps_over_participants": {
        "uk": "ВПО ({idps}) не може бути більше, ніж учасників ({participants}).",
        "en": "There cannot be more IDPs ({idps}) than participants ({participants}).",
    },
    "event.staff_required": {
        "uk": "Виберіть хоча б одного працівника, який провів захід.",
        "en": "Choose at least one staff member who ran the event.",
    },
    "event.staff_not_list": {
        "uk": "Працівники мають бути списком імен користувачів.",
        "en": "The staff must be a list of usernames.",
    },
    "event.staff_too_many": {
        "uk": "Забагато працівників: найбільше {limit}.",
        "en": "Too many staff members: at most {limit}.",
    },
    "event.staff_repeated": {
        "uk": "Працівника вказано двічі: {names}.",
        "en": "A staff member is listed twice: {names}.",
    },
    "event.staff_unknown": {
        "uk": "Таких працівників немає в базі: {names}.",
        "en": "No such staff members in this database: {names}.",
    },
    "event.reason_required": {
        "uk": "Вкажіть причину виправлення.",
        "en": "Give the reason for the correction.",
    },
    "event.not_found": {"uk": "Захід №{id} не знайдено.", "en": "Event #{id} was not found."},
    "event.already_corrected": {
        "uk": "Захід №{id} уже виправлено: остання версія — №{newer}. Виправляйте останню версію.",
        "en": "Event #{id} has already been corrected: the latest version is #{newer}. Correct the latest version.",
    },
})


def record_event(db, actor: str, *, held_on, event_type, project, place, participants, children=0, idps=0,
                 staff=(), note=None, today: date | None = None) -> int:
    """Record one event of group or project work; returns its id.

    ``held_on`` is a date, ``yyyy-mm-dd`` or ``dd.mm.yyyy`` (not in the future, not before
    2000); ``event_type`` a code of the configured ``event_types``; ``participants``,
    ``children`` and ``idps`` whole numbers (an ``int`` or a string of digits), children and
    IDPs no more than the participants; ``staff`` a non-empty list of distinct usernames of
    this database. Every problem is raised at once as ``InvalidInput``; nothing is written then.
    """
    allow(db, actor, "events.write")
    values = _checked(db, held_on=held_on, event_type=event_type, project=project, place=place,
                      participants=participants, children=children, idps=idps, staff=staff, note=note,
                      today=today)
    with write_transaction(db):
        event_id = _insert(db, actor, values)
        _audit(db, actor=actor, action="record_event", entity="events", entity_id=event_id,
               details={"event_type": values["event_type"], "held_on": values["held_on"],
                        "participants": values["participants"]})
    return event_id


def correct_event(db, actor: str, event_id, *, reason, held_on, event_type, project, place, participants,
                  children=0, idps=0, staff=(), note=None, today: date | None = None) -> int:
    """Save a correction of event ``event_id``: a new version that supersedes it; returns the new id.

    ``event_id`` must be the latest version of its event (else ``UserError`` naming the
    newer one); ``reason`` is required. The fields are given in full and checked as
    :func:`record_event` checks them.
    """
    allow(db, actor, "events.write")
    check = Checker()
    reason = check.text("reason", reason, limit=REASON_LIMIT, kind="free")
    if "reason" in check.problems and check.problems["reason"].key == "input.required":
        check.problems["reason"] = UserError("event.reason_required")
    values = _checked(db, check=check, held_on=held_on, event_type=event_type, project=project, place=place,
                      participants=participants, children=children, idps=idps, staff=staff, note=note,
                      today=today)
    old_id = _event_id(event_id)
    with write_transaction(db):
        # Read inside the write lock: a correction saved meanwhile by someone else is seen here.
        if db.execute("select 1 from events where id = ?", [old_id]).fetchone() is None:
            raise UserError("event.not_found", id=old_id)
        newer = _latest_id(db, old_id)
        if newer != old_id:
            raise UserError("event.already_corrected", id=old_id, newer=newer)
        new_id = _insert(db, actor, dict(values, supersedes=old_id, correction_reason=reason))
        _audit(db, actor=actor, action="correct_event", entity="events", entity_id=new_id,
               details={"supersedes": old_id, "reason": reason, "event_type": values["event_type"],
                        "held_on": values["held_on"], "participants": values["participants"]})
    return new_id


def get_event(db, actor: str, event_id) -> dict:
    """One version of an event (staff decoded, ``superseded_by`` the next version or None)."""
    allow(db, actor, "events.read")
    event_id = _event_id(event_id)
    row = next(db.query("select * from events where id = ?", [event_id]), None)
    if row is None:
        raise UserError("event.not_found", id=event_id)
    newer = db.execute("select id from events where supersedes = ?", [event_id]).fetchone()
    return dict(_decoded(row), superseded_by=newer[0] if newer else None)


def list_events(db, actor: str, *, start=None, end=None, latest_only: bool = True) -> list[dict]:
    """Events held from ``start`` to ``end`` (inclusive, either may be None), newest first.

    With ``latest_only`` (the default) each event appears once, as its latest version;
    otherwise every version is listed. Each row has ``staff`` as a list, ``version`` (1 for
    the first) and ``versions`` (how many its event has).
    """
    allow(db, actor, "events.read")
    check = Checker()
    first = check.date("start", start, required=False, not_future=False)
    last = check.date("end", end, required=False, not_future=False)
    check.raise_if_any()
    where, params = [], []
    if first:
        where.append("e.held_on >= ?")
        params.append(first.isoformat())
    if last:
        where.append("e.held_on <= ?")
        params.append(last.isoformat())
    if latest_only:
        where.append("not exists (select 1 from events n where n.supersedes = e.id)")
    sql = f"""
        with recursive picked as (select e.* from events e {"where " + " and ".join(where) if where else ""}),
        older(head, id, supersedes) as (
            select id, id, supersedes from picked
            union all
            select o.head, p.id, p.supersedes from older o join events p on p.id = o.supersedes),
        newer(head, id) as (
            select id, id from picked
            union all
            select n.head, e.id from newer n join events e on e.supersedes = n.id)
        select picked.*,
               (select count(*) from older o where o.head = picked.id) as version,
               (select count(*) from older o where o.head = picked.id)
                 + (select count(*) from newer n where n.head = picked.id) - 1 as versions
        from picked order by picked.held_on desc, picked.id desc"""
    return [_decoded(row) for row in db.query(sql, params)]


def event_history(db, actor: str, event_id) -> list[dict]:
    """Every version of the event that ``event_id`` belongs to, oldest first (staff decoded)."""
    allow(db, actor, "events.read")
    event_id = _event_id(event_id)
    if db.execute("select 1 from events where id = ?", [event_id]).fetchone() is None:
        raise UserError("event.not_found", id=event_id)
    rows = db.query("""
        with recursive older(id, supersedes) as (
            select id, supersedes from events where id = ?
            union all
            select p.id, p.supersedes from older o join events p on p.id = o.supersedes),
        newer(id) as (
            select id from events where id = ?
            union all
            select e.id from newer n join events e on e.supersedes = n.id)
        select * from events where id in (select id from older union select id from newer) order by id""",
                    [event_id, event_id])
    return [_decoded(row) for row in rows]


# --- the checks ------------------------------------------------------------------------------

def _checked(db, *, held_on, event_type, project, place, participants, children, idps, staff, note,
             today: date | None, check: Checker | None = None) -> dict:
    """Every field checked; raises ``InvalidInput`` with all the problems (``check``'s too)."""
    check = check or Checker()
    held = check.date("held_on", held_on, today=today)
    if held is not None and held < EARLIEST:
        check.problems["held_on"] = UserError("event.date_too_early")
        held = None
    event_type = check.code("event_type", event_type, "event_types")
    project = _one_line(check, "project", project)
    place = _one_line(check, "place", place, kind="name")
    participants = _count(check, "participants", participants)
    children = _count(check, "children", children)
    idps = _count(check, "idps", idps)
    if participants is not None:
        if children is not None and children > participants:
            check.problems["children"] = UserError("event.children_over_participants", children=children,
                                                   participants=participants)
        if idps is not None and idps > participants:
            check.problems["idps"] = UserError("event.idps_over_participants", idps=idps, participants=participants)
    staff = _staff(db, check, staff)
    note = check.text("note", note, required=False, limit=NOTE_LIMIT, kind="free")
    check.raise_if_any()
    return {"held_on": held.isoformat(), "event_type": event_type, "project": project, "place": place,
            "participants": participants, "children": children, "idps": idps, "staff": staff, "note": note}


def _one_line(check: Checker, field: str, value, kind: str = "line"):
    """Required text of one line (a new line or tab is refused by the ``line`` and ``name`` rules)."""
    return check.text(field, value, limit=TEXT_LIMIT, kind=kind)


def _count(check: Checker, field: str, value):
    """A whole number 0…100000 from an ``int`` or a string of digits (never a bool or a float)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        check.problems[field] = UserError("input.required")
        return None
    value = whole_number(value)
    if value is None or not 0 <= value <= MAX_COUNT:
        check.problems[field] = UserError("event.count")
        return None
    return value


def _staff(db, check: Checker, staff) -> list[str] | None:
    """Distinct usernames of this database, in the order given."""
    if staff is None or isinstance(staff, (str, bytes, dict)) or not isinstance(staff, (list, tuple)):
        check.problems["staff"] = UserError("event.staff_required" if not staff else "event.staff_not_list")
        return None
    if not staff:
        check.problems["staff"] = UserError("event.staff_required")
        return None
    if not all(isinstance(name, str) and name.strip() for name in staff):
        check.problems["staff"] = UserError("event.staff_not_list")
        return None
    if len(staff) > MAX_STAFF:
        check.problems["staff"] = UserError("event.staff_too_many", limit=MAX_STAFF)
        return None
    names = [name.strip() for name in staff]
    known = {row[0] for row in db.execute(
        f"select username from users where username in ({', '.join('?' * len(set(names)))})", sorted(set(names)))}
    unknown = list(dict.fromkeys(name for name in names if name not in known))
    if unknown:
        check.problems["staff"] = UserError("event.staff_unknown", names=_shown(unknown))
        return None
    repeated = list(dict.fromkeys(name for name in names if names.count(name) > 1))
    if repeated:
        check.problems["staff"] = UserError("event.staff_repeated", names=_shown(repeated))
        return None
    return names


def _shown(names: list[str]) -> str:
    """Names for a message: each cut to 80 characters, at most five, control characters dropped."""
    cut = ["".join(ch for ch in name if ch.isprintable())[:80] for name in names[:5]]
    return ", ".join(cut) + (" …" if len(names) > 5 else "")


def _event_id(value) -> int:
    """An event's id: an ``int`` (``guard.bad_id`` otherwise)."""
    return record_id(value, "event")


# --- reading and writing ---------------------------------------------------------------------

def _latest_id(db, event_id: int) -> int:
    """The latest version in ``event_id``'s line (itself when it was never corrected)."""
    while True:
        newer = db.execute("select id from events where supersedes = ?", [event_id]).fetchone()
        if newer is None:
            return event_id
        event_id = newer[0]


def _insert(db, actor: str, values: dict) -> int:
    return db["events"].insert(dict(values, staff=json.dumps(values["staff"], ensure_ascii=False),
                                    recorded_at=now(), recorded_by=actor)).last_pk


def _decoded(row: dict) -> dict:
    return dict(row, staff=json.loads(row["staff"]))
