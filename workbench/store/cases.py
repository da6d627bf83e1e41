"""Cases: a household or a person, in a programme, with an assigned worker."""
from __future__ import annotations

from datetime import date

from .. import i18n
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, case_of, record_id
from .inputs import Checker

i18n.add({
    "case.not_found": {"uk": "Випадок №{id} не знайдено.", "en": "Case #{id} was not found."},
    "case.one_subject": {
        "uk": "Випадок відкривається або на сімʼю (домогосподарство), або на особу — вкажіть щось одне.",
        "en": "A case is opened for either a household (family) or a person: give exactly one.",
    },
    "intake.one_person": {
        "uk": "У цій програмі випадок відкривається на одну особу.",
        "en": "In this programme a case is opened for one person.",
    },
    "case.worker_unknown": {
        "uk": "Працівника «{worker}» немає серед фахівців цієї бази.",
        "en": "'{worker}' is not a case worker in this database.",
    },
})


def open_case(db, actor: str, *, programme, worker, household_id=None, person_id=None,
              opened_on=None, intake_channel="application", referred_by=None, today: date | None = None) -> int:
    """Open a case for a household or a person; returns its id. The case number is ``YYYY-NNNNN``.

    ``opened_on`` is the intake date (when the application, referral or notification came in).
    """
    allow(db, actor, "case.open", target=worker)
    worker = arguments.text(worker, "worker")  # None would pass the policy (no one else to open it for)
    check = Checker()
    programme = check.code("programme", programme, "programmes")
    opened = check.date("opened_on", opened_on or (today or date.today()), today=today)
    intake_channel = check.code("intake_channel", intake_channel, "intake_channels")
    referred_by = check.text("referred_by", referred_by, required=False, limit=300, kind="name")
    check.raise_if_any()
    if (household_id is None) == (person_id is None):
        raise UserError("case.one_subject")
    with write_transaction(db):
        if person_id is not None:
            if db.execute("select 1 from persons where id = ?", [record_id(person_id, "person")]).fetchone() is None:
                raise UserError("person.not_found", id=person_id)
        elif not db.execute("select 1 from households where id = ?", [record_id(household_id, "household")]).fetchone():
            raise UserError("household.not_found", id=household_id)
        year = opened.year
        # Numbering reads then writes: safe because write_transaction holds the write lock.
        last = db.execute("select max(case_number) from cases where case_number like ?", [f"{year}-%"]).fetchone()[0]
        number = f"{year}-{(int(last.split('-')[1]) if last else 0) + 1:05d}"
        case_id = db["cases"].insert({
            "case_number": number, "programme": programme, "household_id": household_id,
            "person_id": person_id, "worker": worker, "opened_on": opened.isoformat(),
            "intake_channel": intake_channel, "referred_by": referred_by,
            "created_at": now(), "created_by": actor}).last_pk
        _audit(db, actor=actor, action="open_case", entity="cases", entity_id=case_id,
               details={"case_number": number, "programme": programme, "worker": worker})
    return case_id


def get_case(db, actor: str, case_id) -> dict:
    """The case's row with a ``subject_label`` (family label or person's name); raises ``UserError`` if
    there is none or ``actor`` may not read it."""
    allow(db, actor, "case.read", case_of(db, "case", case_id))
    return _case_row(db, case_id)


def _case_row(db, case_id) -> dict:
    """:func:`get_case` without asking the policy: for the store's own functions, which have asked it."""
    row = next(db.query(
        """select c.*, coalesce(h.label, p.family_name || ' ' || p.given_name) as subject_label
           from cases c left join households h on h.id = c.household_id
           left join persons p on p.id = c.person_id where c.id = ?""", [case_id]), None)
    if row is None:
        raise UserError("case.not_found", id=case_id)
    return row
