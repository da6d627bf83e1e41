"""Intake of a family or a person: members, contacts, IDP certificate, consent and its withdrawal."""
import pytest

from conftest import TODAY, row_counts
from workbench.analysis.frames import domain_score_frame
from workbench.i18n import UserError
from workbench.store.assessments import save_assessment
from workbench.store.cases import get_case
from workbench.store.inputs import InvalidInput
from workbench.store.intake import intake
from workbench.store.lifecycle import case_state
from workbench.store.people import (give_consent, household_members, latest_contacts, person_consents,
                                    withdraw_consent, withdrawn_person_ids)

ACTOR = "olena.demo"
MOTHER = {"family_name": "Левадчук", "given_name": "Оксана", "birth_date": "12.03.1988", "sex": "female"}
SON = {"family_name": "Левадчук", "given_name": "Назар", "birth_date": "01.09.2015", "sex": "male",
       "relation": "child", "consent_given_by": "мати, Левадчук Оксана"}


def family_intake(db, **kw):
    args = dict(programme="idp_support", members=[MOTHER, SON], category="idp", consent_given_on="10.01.2026",
                consent_purposes=["data_processing", "data_sharing"], intake_channel="referral",
                intake_on="09.01.2026", referred_by="Служба у справах дітей",
                contacts={"phone": "+380 67 123-45-67", "actual_community": "Київська міська",
                          "actual_settlement": "Київ", "registered_settlement": "Маріуполь"},
                idp_certificate={"number": "1234-5678901234", "issued_on": "20.03.2022"}, today=TODAY)
    args.update(kw)
    return intake(db, ACTOR, **args)


def test_a_family_intake_writes_everything_in_one_go(db):
    case_id = family_intake(db)
    case = get_case(db, "halyna.demo", case_id)
    assert (case["programme"], case["intake_channel"], case["referred_by"], case["opened_on"]) == \
        ("idp_support", "referral", "Служба у справах дітей", "2026-01-09")
    members = household_members(db, "halyna.demo", case["household_id"])
    assert [(m["given_name"], m["relation"]) for m in members] == [("Оксана", "applicant"), ("Назар", "child")]
    mother, son = members
    assert latest_contacts(db, "halyna.demo", mother["id"])["registered_settlement"] == "Маріуполь"
    assert db["idp_certificates"].count == 1
    consents = person_consents(db, "halyna.demo", son["id"])
    assert {c["purpose"] for c in consents} == {"data_processing", "data_sharing"}
    assert consents[0]["given_by"] == "мати, Левадчук Оксана"


def test_urgent_intake_flags_the_case(db):
    case_id = family_intake(db, urgent_note="Загроза життю дитини")
    assert case_state(db, "halyna.demo", case_id)["urgent_on"] == "2026-01-09"


@pytest.mark.parametrize("change, field", [
    (dict(members=[MOTHER, dict(SON, birth_date="31.02.2015")]), "members[1].birth_date"),
    (dict(members=[dict(MOTHER, given_name="")]), "members[0].given_name"),
    (dict(consent_given_on=None), "members[0].consent_given_on"),
    (dict(consent_purposes=["data_sharing"]), "members[0].consent_purposes"),
    (dict(contacts={"phone": "call me"}), "phone"),
    (dict(contacts={"email": "not-an-email"}), "email"),
    (dict(idp_certificate={"number": "1", "issued_on": "2030-01-01"}), "idp_certificate_issued_on"),
    (dict(intake_channel="pigeon"), "intake_channel"),
    (dict(members=[]), "members"),
])
def test_bad_intake_is_refused_whole(db, change, field):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as err:
        family_intake(db, **change)
    assert field in err.value.problems
    assert row_counts(db) == before


def test_a_person_programme_takes_one_person(db):
    with pytest.raises(UserError) as err:
        family_intake(db, programme="care_leavers")
    assert err.value.key == "intake.one_person"
    case_id = family_intake(db, programme="care_leavers", members=[MOTHER])
    assert get_case(db, "halyna.demo", case_id)["person_id"] is not None


def test_an_existing_person_is_linked_not_registered_again(db):
    first = family_intake(db)
    son_id = household_members(db, "halyna.demo", get_case(db, "halyna.demo", first)["household_id"])[1]["id"]
    persons = db["persons"].count
    second = family_intake(db, programme="family_support",
                           members=[dict(MOTHER, given_name="Ірина"), {"person_id": son_id, "relation": "child"}])
    assert db["persons"].count == persons + 1
    assert household_members(db, "halyna.demo", get_case(db, "halyna.demo", second)["household_id"])[1]["id"] == son_id
    before = row_counts(db)
    with pytest.raises(UserError) as err:
        family_intake(db, members=[dict(MOTHER, given_name="Віра"), {"person_id": son_id, "relation": "child"},
                                   {"person_id": son_id, "relation": "child"}])
    assert err.value.key == "household.member_twice"
    assert row_counts(db) == before


def test_withdrawn_consent_is_kept_and_leaves_the_person_out_of_analysis(db, household_case, instrument,
                                                                          valid_answers):
    save_assessment(db, ACTOR, case_id=household_case, instrument=instrument, answers=valid_answers,
                    assessed_on="2026-02-01", today=TODAY)
    assert not domain_score_frame(db, "halyna.demo").empty
    mother = household_members(db, "halyna.demo", get_case(db, "halyna.demo", household_case)["household_id"])[0]["id"]
    with pytest.raises(UserError) as err:
        withdraw_consent(db, ACTOR, mother, withdrawn_on="2025-01-01", today=TODAY)
    assert err.value.key == "consent.withdrawn_before_given"
    withdraw_consent(db, ACTOR, mother, withdrawn_on="2026-03-01", note="Письмова заява", today=TODAY)
    assert withdrawn_person_ids(db, "halyna.demo") == {mother}
    assert person_consents(db, "halyna.demo", mother)[0]["withdrawn_on"] == "2026-03-01"  # recorded, not erased
    assert domain_score_frame(db, "halyna.demo").empty  # the family's case leaves the analysis
    with pytest.raises(UserError) as err:
        withdraw_consent(db, ACTOR, mother, today=TODAY)
    assert err.value.key == "consent.none_active"
    give_consent(db, ACTOR, mother, purpose="data_processing", given_on="2026-04-01", today=TODAY)
    assert withdrawn_person_ids(db, "halyna.demo") == set() and not domain_score_frame(db, "halyna.demo").empty


def test_a_young_childs_consent_must_name_who_gave_it(db):
    with pytest.raises(InvalidInput) as err:
        family_intake(db, members=[MOTHER, dict(SON, consent_given_by="")])
    assert "members[1].consent_given_by" in err.value.problems
    assert "законний представник" in err.value.problems["members[1].consent_given_by"].message("uk")


def test_a_person_who_withdrew_consent_cannot_be_linked_to_a_new_case(db):
    first = family_intake(db)
    son_id = household_members(db, "halyna.demo", get_case(db, "halyna.demo", first)["household_id"])[1]["id"]
    withdraw_consent(db, ACTOR, son_id, today=TODAY)
    with pytest.raises(UserError) as err:
        family_intake(db, members=[dict(MOTHER, given_name="Віра"), {"person_id": son_id, "relation": "child"}])
    assert err.value.key == "consent.withdrawn_person"
