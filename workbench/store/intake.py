"""Intake: register a client with consent and open their case, in one transaction."""
from __future__ import annotations

from datetime import date

from .. import config
from .cases import open_case
from .connection import write_transaction
from .inputs import Checker
from .people import create_household, register_person


def register_client(db, actor: str, *, family_name, given_name, birth_date, sex, category, consent_given_on,
                    programme, patronymic=None, worker: str | None = None, today: date | None = None) -> int:
    """Register a person and open a case for them; returns the case id.

    In a programme whose subject is a household the person becomes the applicant of
    a new household (family) and the case is the household's. Either all of it is
    written or, on any error, nothing.
    """
    check = Checker()
    programme = check.code("programme", programme, "programmes")
    check.raise_if_any()
    with write_transaction(db):
        person_id = register_person(db, actor, family_name=family_name, given_name=given_name,
                                    birth_date=birth_date, sex=sex, category=category,
                                    consent_given_on=consent_given_on, patronymic=patronymic, today=today)
        if config.load_config()["programmes"][programme].get("subject") == "household":
            family = db["persons"].get(person_id)["family_name"]
            household_id = create_household(db, actor, label=family, members=[(person_id, "applicant")])
            return open_case(db, actor, programme=programme, worker=worker or actor,
                             household_id=household_id, today=today)
        return open_case(db, actor, programme=programme, worker=worker or actor, person_id=person_id, today=today)
