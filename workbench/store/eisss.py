"""The act of needs assessment's entry into ЄІССС (Єдина інформаційна система соціальної сфери, the Unified
Information System of the Social Sphere).

An act is a saved assessment of an instrument the configuration names (``documents.act_instruments``; the family
needs assessment by default: :func:`workbench.store.documents.act_instruments`, the act that prints). The
worker enters it into ЄІССС, which the workbench cannot reach, and records here the day they did. The entry
belongs to the act's first version: a correction is the same act and needs no new entry. The act is due in
ЄІССС ``deadlines.eisss_entry_working_days`` working days (the next working day, by the configured holiday
calendar) after the act's date, the day it was made as saved with it (its first version's ``assessed_on``: the
date the act bears; a record saved days later is already that late). An act is entered once: a second entry is
refused (it would make an entry made in time look late).
"""
from __future__ import annotations

from datetime import date

from .. import config, i18n
from ..i18n import UserError
from ..working_days import WorkCalendar
from .audit import _audit
from .connection import now, write_transaction
from .documents import act_instruments
from .guard import allow, allow_case
from .inputs import Checker, ua_date

STATES = ("entered", "due", "overdue")

i18n.add({
    "eisss.not_an_act": {
        "uk": "Оцінювання №{id} не є актом оцінки потреб: до ЄІССС вносять лише акти.",
        "en": "Assessment #{id} is not an act of needs assessment: only acts are entered into ЄІССС.",
    },
    "eisss.already_entered": {
        "uk": "Цей акт уже внесено до ЄІССС {on}: повторне внесення не записується.",
        "en": "This act was already entered into ЄІССС on {on}: a second entry is not recorded.",
    },
    "eisss.before_act": {
        "uk": "Акт складено {made}: внести його до ЄІССС раніше не можна.",
        "en": "The act was made on {made}: it cannot have been entered into ЄІССС before that.",
    },
})


def entry_due(made_on: date, calendar: WorkCalendar, timelines: dict) -> date:
    """The day an act made on ``made_on`` is due in ЄІССС: ``eisss_entry_working_days`` working days later
    (``timelines``: the configuration's ``deadlines``)."""
    return calendar.add_working_days(made_on, timelines.get("eisss_entry_working_days", 1))


def record_eisss_entry(db, actor: str, *, assessment_id, entered_on, note=None, today: date | None = None) -> int:
    """Record that the act ``assessment_id`` (any of its versions) was entered into ЄІССС on ``entered_on`` (a date,
    or ``dd.mm.yyyy`` as typed); returns the entry's id. A write of the act's case (``case.write``). Raises
    ``InvalidInput`` (``entered_on``: not a date, in the future, before the act was made; ``note``) and
    ``UserError`` for an assessment that is not an act or an act already entered; nothing is written then."""
    case_id = allow_case(db, actor, "case.write", "assessment", assessment_id)
    check = Checker()
    entered = check.date("entered_on", entered_on, today=today)
    note = check.text("note", note, required=False, limit=2000, kind="free")
    first = _first_version(db, assessment_id)
    if first["instrument_id"] not in act_instruments():
        raise UserError("eisss.not_an_act", id=assessment_id)
    if entered and entered.isoformat() < first["assessed_on"]:
        check.problems["entered_on"] = UserError("eisss.before_act", made=ua_date(first["assessed_on"]))
    check.raise_if_any()
    with write_transaction(db):  # the check inside the write: two pages recording the same act, one entry
        earlier = db.execute("select entered_on from eisss_entries where assessment_id = ? order by id limit 1",
                             [first["id"]]).fetchone()
        if earlier:
            raise UserError("eisss.already_entered", on=ua_date(earlier[0]))
        entry_id = db["eisss_entries"].insert({"assessment_id": first["id"], "entered_on": entered.isoformat(),
                                               "note": note, "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="record_eisss_entry", entity="cases", entity_id=case_id,
               details={"entry_id": entry_id, "assessment_id": first["id"], "entered_on": entered.isoformat()})
    return entry_id


def _first_version(db, assessment_id: int) -> dict:
    """The first version of the assessment's correction chain: ``id, instrument_id, assessed_on``."""
    row = db.execute("select id, instrument_id, assessed_on, supersedes from assessments where id = ?",
                     [assessment_id]).fetchone()
    while row[3] is not None:
        row = db.execute("select id, instrument_id, assessed_on, supersedes from assessments where id = ?",
                         [row[3]]).fetchone()
    return {"id": row[0], "instrument_id": row[1], "assessed_on": row[2]}


def case_acts(db, actor: str, case_id, today: date | None = None) -> list[dict]:
    """The case's acts, oldest first: ``first_id`` and ``latest_id`` (its first and latest versions), ``made_on``
    (the act's date, its first version's), ``due_on`` (by :func:`entry_due`), ``entered_on`` (the latest entry
    recorded, a date) or None, and ``state``: ``entered``, ``due`` (not entered, ``today`` not after ``due_on``) or
    ``overdue``. A read of the case (``case.read``)."""
    allow(db, actor, "case.read", case_id)
    return _acts(db, [case_id], today or date.today())


def _acts(db, case_ids: list[int] | None, today: date) -> list[dict]:
    """The acts of ``case_ids`` (None: every case), as :func:`case_acts` gives them, each with its ``case_id``.
    For the functions that asked the policy (and the agenda, which asked it of the actor's caseload)."""
    instruments = act_instruments()
    marks = ",".join("?" * len(instruments))
    sql = f"""select id, case_id, assessed_on, supersedes from assessments where instrument_id in ({marks})"""
    params: list = list(instruments)
    if case_ids is not None:
        sql += f" and case_id in ({','.join('?' * len(case_ids))})"
        params += case_ids
    rows = db.execute(sql + " order by id", params).fetchall()
    newer = {supersedes: row_id for row_id, _, _, supersedes in rows if supersedes is not None}
    entered = dict(db.execute("""select assessment_id, entered_on from eisss_entries e
                                 where id = (select max(id) from eisss_entries x where x.assessment_id = e.assessment_id)"""))
    calendar, timelines = WorkCalendar.from_config(), config.load_config()["deadlines"]
    acts = []
    for row_id, case_id, assessed_on, supersedes in rows:
        if supersedes is not None:
            continue  # a correction: its act is its first version's
        latest = row_id
        while latest in newer:
            latest = newer[latest]
        made = date.fromisoformat(assessed_on)
        due = entry_due(made, calendar, timelines)
        on = entered.get(row_id)
        acts.append({"case_id": case_id, "first_id": row_id, "latest_id": latest, "made_on": made, "due_on": due,
                     "entered_on": date.fromisoformat(on) if on else None,
                     "state": "entered" if on else "overdue" if today > due else "due"})
    return sorted(acts, key=lambda act: (act["made_on"], act["first_id"]))
