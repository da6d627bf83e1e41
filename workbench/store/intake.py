"""Intake: register a person or a family with consent and open their case, in one transaction."""
from __future__ import annotations

from datetime import date

from .. import config
from ..i18n import UserError
from .cases import open_case
from .connection import write_transaction
from . import arguments
from .guard import allow, allow_person
from .inputs import Checker, InvalidInput
from .lifecycle import flag_urgent
from .people import (CONSENT_DATA_PROCESSING, _person, _withdrawn_person_ids, add_household_member, check_contacts,
                     check_person, create_household, record_contacts, record_idp_certificate, register_person)

PERSON_FIELDS = ("family_name", "given_name", "patronymic", "birth_date", "sex")
MEMBER_FIELDS = PERSON_FIELDS + ("relation", "consent_given_by", "person_id")
CERTIFICATE_FIELDS = ("number", "issued_on")


def intake(db, actor: str, *, programme, members: list[dict], category, consent_given_on,
           consent_purposes=(CONSENT_DATA_PROCESSING,), intake_channel="application", intake_on=None,
           referred_by=None, contacts: dict | None = None, idp_certificate: dict | None = None,
           worker: str | None = None, urgent_note: str | None = None, today: date | None = None) -> int:
    """Register the applicant (``members[0]``) and the family's other members, open the case; returns its id.

    Each member is a dict of ``family_name, given_name, patronymic, birth_date, sex,
    relation`` and ``consent_given_by`` (``self`` by default; a parent for a child), or
    ``{"person_id": id, "relation": ...}`` to link someone already registered (the
    worker chose the existing record after a duplicate warning). In a programme whose
    subject is a person there is one member and the case is theirs. ``contacts`` and
    ``idp_certificate`` (``number``, ``issued_on``) belong to the applicant;
    ``urgent_note`` flags a threat to life or health at intake. All or nothing. Linking an existing
    person needs the right to read their record (the duplicate warning shows the others only as
    "registered, held by ..."). ``worker`` (default: the actor) must be able to hold cases.
    """
    allow(db, actor, "case.open", target=worker or actor)
    check = Checker()
    programme = check.code("programme", programme, "programmes")
    channel = check.code("intake_channel", intake_channel, "intake_channels")
    intake_day = check.date("intake_on", intake_on or (today or date.today()), today=today)
    referred_by = check.text("referred_by", referred_by, required=False, limit=300, kind="name")
    if not members:
        check.problems["members"] = UserError("input.required")
    elif not isinstance(members, (list, tuple)) or not all(isinstance(m, dict) for m in members):
        raise UserError("input.invalid_choice")
    # Check the whole family, contacts and certificate first, so every problem shows at once.
    for n, member in enumerate(members or []):
        _unknown_fields(check, f"members[{n}]", member, MEMBER_FIELDS)
        if member.get("person_id") is None:
            person = check_person(**{k: member.get(k) for k in PERSON_FIELDS}, category=category,
                                  consent_given_on=consent_given_on, consent_purposes=consent_purposes,
                                  consent_given_by=member.get("consent_given_by") or "self", today=today)
            check.problems.update({f"members[{n}].{field}": p for field, p in person.problems.items()})
        if n > 0:
            check.code(f"members[{n}].relation", member.get("relation"), "relations")
    contacts = arguments.mapping(contacts, "contacts", optional=True)
    idp_certificate = arguments.mapping(idp_certificate, "idp_certificate", optional=True)
    _unknown_fields(check, "idp_certificate", idp_certificate or {}, CERTIFICATE_FIELDS)
    check.problems.update(check_contacts(contacts or {})[1])
    if idp_certificate and (idp_certificate.get("number") or idp_certificate.get("issued_on")):
        check.text("idp_certificate_number", idp_certificate.get("number"), limit=50, kind="name")
        check.date("idp_certificate_issued_on", idp_certificate.get("issued_on"), today=today)
    if urgent_note is not None:
        check.text("urgent_note", urgent_note, limit=1000, kind="free")
    check.raise_if_any()
    household = config.load_config()["programmes"][programme].get("subject") == "household"
    if not household and len(members) != 1:
        raise UserError("intake.one_person")
    with write_transaction(db):
        person_ids, relations = [], []
        for n, member in enumerate(members):
            relations.append(member.get("relation") if n else "applicant")
            if member.get("person_id") is not None:
                allow_person(db, actor, "case.read", member["person_id"])
                person_id = _person(db, member["person_id"])["id"]
                if person_id in _withdrawn_person_ids(db):
                    raise UserError("consent.withdrawn_person", id=person_id)
                person_ids.append(person_id)
            else:
                person_ids.append(register_person(
                    db, actor, **{k: member.get(k) for k in PERSON_FIELDS}, category=category,
                    consent_given_on=consent_given_on, consent_purposes=consent_purposes,
                    consent_given_by=member.get("consent_given_by") or "self", today=today))
        applicant = person_ids[0]
        if contacts:
            record_contacts(db, actor, applicant, **contacts)
        if idp_certificate and (idp_certificate.get("number") or idp_certificate.get("issued_on")):
            record_idp_certificate(db, actor, applicant, number=idp_certificate.get("number"),
                                   issued_on=idp_certificate.get("issued_on"), today=today)
        if household:
            family = _person(db, applicant)["family_name"]
            household_id = create_household(db, actor, label=family, members=[])
            for person_id, relation in zip(person_ids, relations):
                add_household_member(db, actor, household_id=household_id, person_id=person_id,
                                     relation=relation)
            case_id = open_case(db, actor, programme=programme, worker=worker or actor, household_id=household_id,
                                opened_on=intake_day, intake_channel=channel, referred_by=referred_by, today=today)
        else:
            case_id = open_case(db, actor, programme=programme, worker=worker or actor, person_id=applicant,
                                opened_on=intake_day, intake_channel=channel, referred_by=referred_by, today=today)
        if urgent_note:
            flag_urgent(db, actor, case_id, note=urgent_note, on=intake_day, today=today)
    return case_id


def _unknown_fields(check, where: str, given: dict, known: tuple) -> None:
    """Note each field of ``given`` not in ``known``: a misspelt one would be left out silently (as contacts do)."""
    for name in given:
        if name not in known:
            check.problems[f"{where}.{arguments.shown(name)}"] = UserError("input.invalid_choice")


def register_client(db, actor: str, *, family_name, given_name, birth_date, sex, category, consent_given_on,
                    programme, patronymic=None, worker: str | None = None, intake_on=None,
                    today: date | None = None) -> int:
    """The short intake of one person (the needs-assessment app's form); returns the case id."""
    member = {"family_name": family_name, "given_name": given_name, "patronymic": patronymic,
              "birth_date": birth_date, "sex": sex, "relation": "applicant"}
    try:
        return intake(db, actor, programme=programme, members=[member], category=category,
                      consent_given_on=consent_given_on, worker=worker, intake_on=intake_on, today=today)
    except InvalidInput as err:
        # One person: report the fields under their own names, as the short form shows them.
        raise InvalidInput({key.split(".", 1)[-1]: p for key, p in err.problems.items()}) from None
