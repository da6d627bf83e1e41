"""Persons, their consent, and households with their members."""
from __future__ import annotations

from datetime import date

from .. import i18n
from ..access import require_user
from ..i18n import UserError
from ..names import search_form
from .audit import record
from .connection import now, write_transaction
from .inputs import Checker

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
    "household.not_found": {"uk": "Домогосподарство №{id} не знайдено.", "en": "Household #{id} was not found."},
    "household.member_twice": {
        "uk": "Особа №{person_id} уже є членом цього домогосподарства.",
        "en": "Person #{person_id} is already a member of this household.",
    },
})

CONSENT_DATA_PROCESSING = "data_processing"


def register_person(db, actor: str, *, family_name, given_name, birth_date, sex, category,
                    consent_given_on, patronymic=None, today: date | None = None) -> int:
    """Register a person with consent to data processing; returns the person's id.

    Raises ``InvalidInput`` naming every wrong field; nothing is written then.
    """
    check = Checker()
    clean = {
        "family_name": check.text("family_name", family_name, limit=100),
        "given_name": check.text("given_name", given_name, limit=100),
        "patronymic": check.text("patronymic", patronymic, required=False, limit=100),
        "birth_date": check.date("birth_date", birth_date, today=today),
        "sex": check.code("sex", sex, "sexes"),
        "category": check.code("category", category, "categories"),
    }
    if consent_given_on in (None, ""):
        check.problems["consent_given_on"] = UserError("person.consent_missing")
    consent_on = check.date("consent_given_on", consent_given_on, today=today) if consent_given_on else None
    if consent_on and clean["birth_date"] and consent_on < clean["birth_date"]:
        check.problems["consent_given_on"] = UserError("person.consent_before_birth")
    check.raise_if_any()
    require_user(db, actor)
    with write_transaction(db):
        search_text = search_form(" ".join(filter(None, (clean["family_name"], clean["given_name"],
                                                          clean["patronymic"]))))
        person_id = db["persons"].insert(dict(clean, birth_date=clean["birth_date"].isoformat(),
                                              search_text=search_text, created_at=now(),
                                              created_by=actor)).last_pk
        db["consents"].insert({"person_id": person_id, "purpose": CONSENT_DATA_PROCESSING,
                               "given_on": consent_on.isoformat(), "recorded_at": now(), "recorded_by": actor})
        record(db, actor=actor, action="register_person", entity="persons", entity_id=person_id,
               details={"category": clean["category"], "consent_given_on": consent_on.isoformat()})
    return person_id


def get_person(db, person_id: int) -> dict:
    """The person's row; raises ``UserError`` if there is none."""
    row = next(db.query("select * from persons where id = ?", [person_id]), None)
    if row is None:
        raise UserError("person.not_found", id=person_id)
    return row


def create_household(db, actor: str, *, label, members: list[tuple[int, str]]) -> int:
    """Create a household (a family) with its members as ``(person_id, relation)``; returns its id."""
    check = Checker()
    label = check.text("label", label, limit=200)
    relations = [check.code(f"members[{n}].relation", rel, "relations") for n, (_, rel) in enumerate(members)]
    check.raise_if_any()
    require_user(db, actor)
    with write_transaction(db):
        household_id = db["households"].insert({"label": label, "created_at": now(),
                                                "created_by": actor}).last_pk
        record(db, actor=actor, action="create_household", entity="households", entity_id=household_id,
               details={"label": label})
        for (person_id, _), relation in zip(members, relations):
            add_household_member(db, actor, household_id=household_id, person_id=person_id, relation=relation)
    return household_id


def add_household_member(db, actor: str, *, household_id: int, person_id: int, relation: str) -> int:
    """Link a person to a household with their relation; a second link of the same person is refused."""
    check = Checker()
    relation = check.code("relation", relation, "relations")
    check.raise_if_any()
    require_user(db, actor)
    with write_transaction(db):
        if not db.execute("select 1 from households where id = ?", [household_id]).fetchone():
            raise UserError("household.not_found", id=household_id)
        get_person(db, person_id)
        if db.execute("select 1 from household_members where household_id = ? and person_id = ?",
                      [household_id, person_id]).fetchone():
            raise UserError("household.member_twice", person_id=person_id)
        member_id = db["household_members"].insert({
            "household_id": household_id, "person_id": person_id, "relation": relation,
            "added_at": now(), "added_by": actor}).last_pk
        record(db, actor=actor, action="add_household_member", entity="households", entity_id=household_id,
               details={"person_id": person_id, "relation": relation})
    return member_id


def household_members(db, household_id: int) -> list[dict]:
    """Members of a household with their names and relation, in the order they were added."""
    return list(db.query(
        """select p.*, m.relation from household_members m join persons p on p.id = m.person_id
           where m.household_id = ? order by m.id""", [household_id]))
