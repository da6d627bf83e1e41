"""Persons, their consent, and households with their members."""
from __future__ import annotations

import re
from datetime import date

from .. import config, i18n
from ..i18n import UserError
from ..names import search_form
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .duplicates import _index_person
from .guard import WHOLE_RECORD, allow, allow_any, allow_person, cases_of_person, record_id
from .inputs import Checker, InvalidInput

i18n.add({
    "person.not_found": {"uk": "Особу №{id} не знайдено.", "en": "Person #{id} was not found."},
    "person.consent_missing": {
        "uk": "Без згоди на обробку персональних даних особу не можна зареєструвати. Вкажіть дату згоди.",
        "en": "A person cannot be registered without consent to the processing of personal data. Give the date of consent.",
    },
    "person.consent_before_birth": {
        "uk": "Дата згоди не може бути раніше дати народження.",
        "en": "The consent date cannot be before the date of birth.",
    },
    "person.consent_by_representative": {
        "uk": "Дитина молодша {age} років: згоду дає один із батьків або законний представник — вкажіть, хто саме.",
        "en": "The child is under {age}: a parent or legal representative gives the consent; say who.",
    },
    "consent.withdrawn_person": {
        "uk": "Особа №{id} відкликала згоду на обробку даних; спершу запишіть нову згоду.",
        "en": "Person #{id} withdrew consent to data processing; record a new consent first.",
    },
    "consent.none_active": {
        "uk": "Чинної згоди цієї особи на «{purpose}» немає.",
        "en": "This person has no consent in force for '{purpose}'.",
    },
    "consent.withdrawn_before_given": {
        "uk": "Згоду не можна відкликати раніше, ніж її надано ({given}).",
        "en": "Consent cannot be withdrawn before it was given ({given}).",
    },
    "contacts.bad_phone": {
        "uk": "Номер телефону: лише цифри, пробіли, +, - і дужки, від 7 до 20 знаків.",
        "en": "Phone number: digits, spaces, +, - and brackets only, 7 to 20 characters.",
    },
    "contacts.bad_email": {"uk": "Адреса електронної пошти має вигляд імʼя@домен.", "en": "An email address looks like name@domain."},
    "household.not_found": {"uk": "Домогосподарство №{id} не знайдено.", "en": "Household #{id} was not found."},
    "household.member_twice": {
        "uk": "Особа №{person_id} уже є членом цього домогосподарства.",
        "en": "Person #{person_id} is already a member of this household.",
    },
})

CONSENT_DATA_PROCESSING = "data_processing"
SELF_CONSENT_AGE = 14  # younger children's consent is given by a parent or legal representative
_PHONE = re.compile(r"^[+\d][\d\s()\-]{6,19}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CheckedPerson:
    """The outcome of :func:`check_person`: clean fields, consent, and the problems found."""

    def __init__(self, clean: dict, consent: dict, problems: dict):
        self.clean, self.consent, self.problems = clean, consent, problems

    def result(self) -> tuple[dict, dict]:
        """``(clean fields, consent)``; raises ``InvalidInput`` if anything is wrong."""
        if self.problems:
            raise InvalidInput(dict(self.problems))
        return self.clean, self.consent


def check_person(*, family_name, given_name, birth_date, sex, category, consent_given_on, patronymic=None,
                 consent_given_by="self", consent_purposes=(CONSENT_DATA_PROCESSING,),
                 today: date | None = None) -> CheckedPerson:
    """Check a person's fields and consent without writing anything (intake checks a whole family first)."""
    check = Checker()
    clean = {
        "family_name": check.text("family_name", family_name, limit=100, kind="name"),
        "given_name": check.text("given_name", given_name, limit=100, kind="name"),
        "patronymic": check.text("patronymic", patronymic, required=False, limit=100, kind="name"),
        "birth_date": check.date("birth_date", birth_date, today=today),
        "sex": check.code("sex", sex, "sexes"),
        "category": check.code("category", category, "categories"),
    }
    consent_on = None
    if consent_given_on is None or (isinstance(consent_given_on, str) and not consent_given_on.strip()):
        check.problems["consent_given_on"] = UserError("person.consent_missing")
    else:  # anything else is checked as a date: 0 or a list is "not a date", never an AttributeError
        consent_on = check.date("consent_given_on", consent_given_on, today=today)
    if consent_on and clean["birth_date"] and consent_on < clean["birth_date"]:
        check.problems["consent_given_on"] = UserError("person.consent_before_birth")
    given_by = check.text("consent_given_by", consent_given_by, limit=200, kind="name")
    born, consented = clean["birth_date"], consent_on
    if given_by == "self" and born and consented and born <= consented and _age(born, consented) < SELF_CONSENT_AGE:
        # A child's consent comes from a parent or legal representative: say who.
        check.problems["consent_given_by"] = UserError("person.consent_by_representative", age=SELF_CONSENT_AGE)
    purposes = list(consent_purposes) if isinstance(consent_purposes, (list, tuple)) else [consent_purposes]
    for n, purpose in enumerate(purposes):
        check.code(f"consent_purposes[{n}]", purpose, "consent_purposes")
    if CONSENT_DATA_PROCESSING not in purposes:
        check.problems["consent_purposes"] = UserError("person.consent_missing")
    # Each purpose not a code is a problem noted above; the rest, once each (a list in the list is no key).
    consent = {"given_on": consent_on, "given_by": given_by,
               "purposes": list(dict.fromkeys(p for p in purposes if isinstance(p, str)))}
    return CheckedPerson(clean, consent, check.problems)


def register_person(db, actor: str, *, family_name, given_name, birth_date, sex, category,
                    consent_given_on, patronymic=None, consent_given_by="self",
                    consent_purposes=(CONSENT_DATA_PROCESSING,), today: date | None = None) -> int:
    """Register a person with consent to data processing; returns the person's id.

    ``consent_given_by`` is ``self`` or who consented for the person (a parent for a
    child); ``consent_purposes`` the purposes agreed (``data_processing`` is required).
    Raises ``InvalidInput`` naming every wrong field; nothing is written then.
    """
    allow(db, actor, "case.open")
    clean, consent = check_person(family_name=family_name, given_name=given_name, patronymic=patronymic,
                                  birth_date=birth_date, sex=sex, category=category,
                                  consent_given_on=consent_given_on, consent_given_by=consent_given_by,
                                  consent_purposes=consent_purposes, today=today).result()
    consent_on, given_by, purposes = consent["given_on"], consent["given_by"], consent["purposes"]
    with write_transaction(db):
        search_text = search_form(" ".join(filter(None, (clean["family_name"], clean["given_name"],
                                                          clean["patronymic"]))))
        person_id = db["persons"].insert(dict(clean, birth_date=clean["birth_date"].isoformat(),
                                              search_text=search_text, created_at=now(),
                                              created_by=actor)).last_pk
        _index_person(db, dict(clean, id=person_id, birth_date=clean["birth_date"].isoformat()))
        db["consents"].insert_all([{"person_id": person_id, "purpose": purpose, "given_on": consent_on.isoformat(),
                                    "given_by": given_by, "recorded_at": now(), "recorded_by": actor}
                                   for purpose in dict.fromkeys(purposes)])
        _audit(db, actor=actor, action="register_person", entity="persons", entity_id=person_id,
               details={"category": clean["category"], "consent_given_on": consent_on.isoformat(),
                        "consent_purposes": list(dict.fromkeys(purposes)), "consent_given_by": given_by})
    return person_id


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def get_person(db, actor: str, person_id) -> dict:
    """The person's row; raises ``UserError`` if there is none or ``actor`` may read none of their cases."""
    allow_person(db, actor, "case.read", person_id)
    return _person(db, person_id)


def _person(db, person_id) -> dict:
    row = next(db.query("select * from persons where id = ?", [record_id(person_id, "person")]), None)
    if row is None:
        raise UserError("person.not_found", id=person_id)
    return row


def create_household(db, actor: str, *, label, members: list[tuple[int, str]]) -> int:
    """Create a household (a family) with its members as ``(person_id, relation)``; returns its id."""
    allow(db, actor, "case.open")
    members = arguments.pairs(members, "members", "person_id, relation")
    check = Checker()
    label = check.text("label", label, limit=200, kind="name")
    relations = [check.code(f"members[{n}].relation", rel, "relations") for n, (_, rel) in enumerate(members)]
    check.raise_if_any()
    with write_transaction(db):
        household_id = db["households"].insert({"label": label, "created_at": now(),
                                                "created_by": actor}).last_pk
        _audit(db, actor=actor, action="create_household", entity="households", entity_id=household_id,
               details={"label": label})
        for (person_id, _), relation in zip(members, relations):
            add_household_member(db, actor, household_id=household_id, person_id=person_id, relation=relation)
    return household_id


def add_household_member(db, actor: str, *, household_id, person_id, relation: str) -> int:
    """Link a person to a household with their relation; a second link of the same person is refused.

    The actor must be able to change the household's case (at intake, before the case exists, to open
    cases) and to read the person's record if it is already on another case.
    """
    check = Checker()
    relation = check.code("relation", relation, "relations")
    check.raise_if_any()
    with write_transaction(db):
        _allow_household(db, actor, "case.write", household_id)
        if _person(db, person_id) and cases_of_person(db, person_id):
            allow_person(db, actor, "case.read", person_id)
        if db.execute("select 1 from household_members where household_id = ? and person_id = ?",
                      [household_id, person_id]).fetchone():
            raise UserError("household.member_twice", person_id=person_id)
        member_id = db["household_members"].insert({
            "household_id": household_id, "person_id": person_id, "relation": relation,
            "added_at": now(), "added_by": actor}).last_pk
        _audit(db, actor=actor, action="add_household_member", entity="households", entity_id=household_id,
               details={"person_id": person_id, "relation": relation})
    return member_id


def household_members(db, actor: str, household_id) -> list[dict]:
    """Members of a household with their names and relation, in the order they were added."""
    _allow_household(db, actor, "case.read", household_id)
    return _household_members(db, household_id)


def _household_members(db, household_id) -> list[dict]:
    return list(db.query(
        """select p.*, m.relation from household_members m join persons p on p.id = m.person_id
           where m.household_id = ? order by m.id""", [household_id]))


def withdraw_consent(db, actor: str, person_id, *, purpose=CONSENT_DATA_PROCESSING, withdrawn_on=None,
                     note=None, case_id=None, today: date | None = None) -> list[int]:
    """Record that the person withdrew their consent for ``purpose`` (never erased): every consent of
    that purpose in force is withdrawn, so a second one cannot keep the person in. Without consent to
    data processing the person leaves exports and analysis; without ``research`` consent, the research
    export. ``case_id`` (the case the worker has open) must be one of the person's cases. Returns the
    withdrawals' ids."""
    allow_person(db, actor, "case.write", person_id, case_id)
    check = Checker()
    purpose = check.code("purpose", purpose, "consent_purposes")
    when = check.date("withdrawn_on", withdrawn_on or (today or date.today()), today=today)
    note = check.text("note", note, required=False, limit=1000, kind="free")
    check.raise_if_any()
    with write_transaction(db):
        consents = list(db.query("""select c.* from consents c where c.person_id = ? and c.purpose = ?
                                    and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id)
                                    order by c.id""", [person_id, purpose]))
        if not consents:
            raise UserError("consent.none_active", purpose=config.Labels("consent_purposes", [purpose]))
        latest_given = max(c["given_on"] for c in consents)
        if when.isoformat() < latest_given:
            raise UserError("consent.withdrawn_before_given", given=latest_given)
        withdrawals = [db["consent_withdrawals"].insert({
            "consent_id": consent["id"], "withdrawn_on": when.isoformat(), "note": note,
            "recorded_at": now(), "recorded_by": actor}).last_pk for consent in consents]
        _audit(db, actor=actor, action="withdraw_consent", entity="persons", entity_id=person_id,
               details={"purpose": purpose, "withdrawn_on": when.isoformat(),
                        "consent_ids": [c["id"] for c in consents]})
    return withdrawals


def give_consent(db, actor: str, person_id, *, purpose, given_on, given_by="self", case_id=None,
                 today: date | None = None) -> int:
    """Record a (new) consent of a registered person, e.g. after an earlier withdrawal."""
    allow_person(db, actor, "case.write", person_id, case_id)
    check = Checker()
    purpose = check.code("purpose", purpose, "consent_purposes")
    given = check.date("given_on", given_on, today=today)
    given_by = check.text("given_by", given_by, limit=200, kind="name")
    check.raise_if_any()
    with write_transaction(db):
        consent_id = db["consents"].insert({"person_id": person_id, "purpose": purpose,
                                            "given_on": given.isoformat(), "given_by": given_by,
                                            "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="give_consent", entity="persons", entity_id=person_id,
               details={"purpose": purpose, "given_on": given.isoformat()})
    return consent_id


def person_consents(db, actor: str, person_id) -> list[dict]:
    """The person's consents, oldest first, each with ``withdrawn_on`` (None while in force)."""
    allow_person(db, actor, "case.read", person_id)
    return list(db.query("""select c.*, w.withdrawn_on, w.note as withdrawal_note from consents c
                            left join consent_withdrawals w on w.consent_id = c.id
                            where c.person_id = ? order by c.id""", [person_id]))


WITHDRAWN_SQL = """select p.id from persons p where not exists (
        select 1 from consents c where c.person_id = p.id and c.purpose = 'data_processing'
        and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id))"""


# Cases left out of analysis and exports: a withdrawn person is the subject or a household member
# (their answers sit inside the family's assessments, so the family's case goes with them).
EXCLUDED_CASES_SQL = f"""select c.id from cases c where c.person_id in ({WITHDRAWN_SQL})
    or c.household_id in (select m.household_id from household_members m where m.person_id in ({WITHDRAWN_SQL}))"""


def withdrawn_person_ids(db, actor: str) -> set[int]:
    """Persons with no consent to data processing in force: left out of exports and analysis."""
    allow_any(db, actor, WHOLE_RECORD)
    return _withdrawn_person_ids(db)


def _withdrawn_person_ids(db) -> set[int]:
    return {r[0] for r in db.execute(WITHDRAWN_SQL)}


def excluded_case_ids(db, actor: str) -> set[int]:
    """Cases left out of analysis and exports (:data:`EXCLUDED_CASES_SQL`)."""
    allow_any(db, actor, WHOLE_RECORD)
    return _excluded_case_ids(db)


def _excluded_case_ids(db) -> set[int]:
    return {r[0] for r in db.execute(EXCLUDED_CASES_SQL)}


# The subject person of a case, whose category, sex and birth date describe the case's subject: the
# client of a person case; for a family case the member added as ``applicant``, else the first member
# added (the lowest household_members row). A SQL expression on a case aliased ``c``; the one rule
# for the tidy frames, the supervisor's caseload and the research export.
SUBJECT_PERSON_SQL = """coalesce(c.person_id, (select m.person_id from household_members m
    where m.household_id = c.household_id order by m.relation != 'applicant', m.id limit 1))"""
SUBJECT_CATEGORY_SQL = f"(select sp.category from persons sp where sp.id = {SUBJECT_PERSON_SQL})"


def _subject_person_ids(db) -> dict[int, int]:
    """``{case id: id of its subject person}`` (:data:`SUBJECT_PERSON_SQL`) for every case with one (a
    family case with no member on record has none)."""
    rows = db.execute(f"select c.id, {SUBJECT_PERSON_SQL} from cases c").fetchall()
    return {case_id: person_id for case_id, person_id in rows if person_id is not None}


def record_contacts(db, actor: str, person_id, *, phone=None, email=None, registered_community=None,
                    registered_settlement=None, registered_address=None, actual_community=None,
                    actual_settlement=None, actual_address=None, case_id=None) -> int:
    """Record the person's contacts and addresses (a new row; the latest is in force)."""
    allow_person(db, actor, "case.write", person_id, case_id)
    clean, problems = check_contacts(dict(
        phone=phone, email=email, registered_community=registered_community,
        registered_settlement=registered_settlement, registered_address=registered_address,
        actual_community=actual_community, actual_settlement=actual_settlement, actual_address=actual_address))
    if problems:
        raise InvalidInput(problems)
    with write_transaction(db):
        contact_id = db["person_contacts"].insert(dict(clean, person_id=person_id, recorded_at=now(),
                                                       recorded_by=actor)).last_pk
        _audit(db, actor=actor, action="record_contacts", entity="persons", entity_id=person_id)
    return contact_id


CONTACT_FIELDS = ("phone", "email", "registered_community", "registered_settlement", "registered_address",
                  "actual_community", "actual_settlement", "actual_address")


def check_contacts(contacts: dict) -> tuple[dict, dict]:
    """``(clean contacts, problems)`` for the fields of :data:`CONTACT_FIELDS` (all optional)."""
    check = Checker()
    for name in contacts:
        if name not in CONTACT_FIELDS:
            check.problems[name] = UserError("input.invalid_choice")
    clean = {name: check.text(name, contacts.get(name), required=False, limit=300, kind="name") for name in CONTACT_FIELDS}
    if clean["phone"] and not _PHONE.match(clean["phone"]):
        check.problems["phone"] = UserError("contacts.bad_phone")
    if clean["email"] and not _EMAIL.match(clean["email"]):
        check.problems["email"] = UserError("contacts.bad_email")
    return clean, check.problems


def latest_contacts(db, actor: str, person_id) -> dict | None:
    """The person's contacts in force (the latest row), or None."""
    allow_person(db, actor, "case.read", person_id)
    return next(db.query("select * from person_contacts where person_id = ? order by id desc limit 1",
                         [person_id]), None)


def record_idp_certificate(db, actor: str, person_id, *, number, issued_on, case_id=None,
                           today: date | None = None) -> int:
    """Record an IDP certificate (довідка ВПО): its number and date of issue."""
    allow_person(db, actor, "case.write", person_id, case_id)
    check = Checker()
    number = check.text("idp_certificate_number", number, limit=50, kind="name")
    issued = check.date("idp_certificate_issued_on", issued_on, today=today)
    check.raise_if_any()
    with write_transaction(db):
        certificate_id = db["idp_certificates"].insert({
            "person_id": person_id, "number": number, "issued_on": issued.isoformat(), "recorded_at": now(),
            "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="record_idp_certificate", entity="persons", entity_id=person_id)
    return certificate_id


def _allow_household(db, actor: str, action: str, household_id) -> None:
    """Ask the policy about a household through its case(s): ``action`` on one of them; a household
    with no case yet (intake, before the case is opened) needs the right to open cases."""
    household_id = record_id(household_id, "household")
    if not db.execute("select 1 from households where id = ?", [household_id]).fetchone():
        raise UserError("household.not_found", id=household_id)
    cases = [r[0] for r in db.execute("select id from cases where household_id = ? order by id", [household_id])]
    if not cases:
        allow(db, actor, "case.open")
        return
    refusal = None
    for case in cases:
        try:
            allow(db, actor, action, case)
            return
        except UserError as error:
            refusal = refusal or error
    raise refusal
