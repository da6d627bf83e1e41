"""Stays in a temporary shelter: recorded, ended once, never overlapping, each refusal writing nothing."""
import sqlite3

import pytest

from conftest import TODAY, row_counts
from workbench import i18n
from workbench.i18n import UserError
from workbench.store.audit import audit_rows
from workbench.store.cases import get_case
from workbench.store.inputs import InvalidInput
from workbench.store.intake import register_client
from workbench.store.people import household_members, register_person
from workbench.store.shelter import case_stays, end_stay, person_stays, record_stay

ACTOR = "olena.demo"


@pytest.fixture
def family(db, household_case):
    """``(mother_id, child_id)`` of the household case."""
    mother, child = household_members(db, "halyna.demo", get_case(db, "halyna.demo", household_case)["household_id"])
    return mother["id"], child["id"]


@pytest.fixture
def person_case(db):
    """A young person's own case (no household); returns ``(case_id, person_id)``."""
    case_id = register_client(db, ACTOR, family_name="Яворук", given_name="Остап", birth_date="01.03.2007",
                              sex="male", category="care_leaver", consent_given_on="01.06.2026",
                              programme="care_leavers", today=TODAY)
    return case_id, get_case(db, "halyna.demo", case_id)["person_id"]


def stay(db, person_id, **kw):
    args = dict(shelter="Притулок «Надія», Харків", from_on="2026-03-01", today=TODAY)
    args.update(kw)
    return record_stay(db, args.pop("actor", ACTOR), person_id, **args)


def test_a_stay_is_recorded_ended_and_read_back_with_its_audit(db, household_case, family):
    mother, child = family
    first = stay(db, child, from_on="01.03.2026", case_id=household_case)
    [row] = person_stays(db, "halyna.demo", child)
    assert (row["id"], row["person_id"], row["case_id"]) == (first, child, household_case)
    assert (row["shelter"], row["from_on"], row["to_on"]) == ("Притулок «Надія», Харків", "2026-03-01", None)
    assert row["recorded_by"] == ACTOR and row["given_name"] == "Злата"
    departure = end_stay(db, ACTOR, first, to_on="20.03.2026", today=TODAY)
    assert person_stays(db, "halyna.demo", child)[0]["to_on"] == "2026-03-20"
    assert db["shelter_departures"].get(departure)["stay_id"] == first
    assert person_stays(db, "halyna.demo", mother) == []
    audit = [a for a in audit_rows(db, "admin.demo", "persons", child) if "shelter" in a["action"]]
    assert [a["action"] for a in audit] == ["record_shelter_stay", "end_shelter_stay"]
    assert all(a["actor"] == ACTOR for a in audit)
    assert audit[0]["details"] == {"stay_id": first, "case_id": household_case, "shelter": "Притулок «Надія», Харків",
                                   "from_on": "2026-03-01"}
    assert audit[1]["details"] == {"stay_id": first, "to_on": "2026-03-20"}


def test_case_stays_are_the_stays_of_the_cases_persons(db, household_case, family, person_case):
    mother, child = family
    young_case, young = person_case
    mothers = stay(db, mother, from_on="2026-02-01")  # recorded without a case: still the family's person
    childs = stay(db, child, from_on="2026-02-03", case_id=household_case)
    youngs = stay(db, young, shelter="Соціальний гуртожиток", from_on="2026-06-02", case_id=young_case)
    assert [s["id"] for s in case_stays(db, "halyna.demo", household_case)] == [mothers, childs]
    assert [s["id"] for s in case_stays(db, "halyna.demo", young_case)] == [youngs]
    end_stay(db, ACTOR, youngs, to_on="2026-06-10", today=TODAY)
    assert [s["to_on"] for s in case_stays(db, "halyna.demo", young_case)] == ["2026-06-10"]
    with pytest.raises(UserError) as err:
        case_stays(db, "halyna.demo", 99999)
    assert err.value.key == "case.not_found"


@pytest.mark.parametrize("change, key, fields", [
    (dict(person_id=99999), "person.not_found", None),
    (dict(person_id="1; drop table persons"), "guard.bad_id", None),
    (dict(person_id=None), "input.invalid", {"person_id"}),
    (dict(shelter=""), "input.invalid", {"shelter"}),
    (dict(shelter="   "), "input.invalid", {"shelter"}),
    (dict(shelter=None), "input.invalid", {"shelter"}),
    (dict(shelter=123), "input.invalid", {"shelter"}),
    (dict(shelter="Притулок\x07"), "input.invalid", {"shelter"}),
    (dict(shelter="\x1b[31mПритулок"), "input.invalid", {"shelter"}),
    (dict(shelter="При\x00тулок"), "input.invalid", {"shelter"}),
    (dict(shelter="П" * 201), "input.invalid", {"shelter"}),
    (dict(from_on="31.02.2026"), "input.invalid", {"from_on"}),
    (dict(from_on="2026-13-01"), "input.invalid", {"from_on"}),
    (dict(from_on="завтра"), "input.invalid", {"from_on"}),
    (dict(from_on=""), "input.invalid", {"from_on"}),
    (dict(from_on="16.06.2026"), "input.invalid", {"from_on"}),  # tomorrow
    (dict(shelter="", from_on="2030-01-01"), "input.invalid", {"shelter", "from_on"}),
    (dict(from_on="2018-09-29"), "shelter.before_birth", None),  # the child was born on 30.09.2018
    (dict(actor="intruder"), "policy.unknown_user", None),
    (dict(actor="oksana.demo"), "policy.role", None),
    (dict(case_id=99999), "case.not_found", None),
    (dict(case_id="other"), "shelter.case_other_person", None),
])
def test_a_bad_stay_is_refused_and_writes_nothing(db, household_case, family, person_case, change, key, fields):
    _, child = family
    if change.get("case_id") == "other":
        change["case_id"] = person_case[0]  # a real case, but not the child's
    before = row_counts(db)
    args = dict(person_id=child, shelter="Притулок «Надія»", from_on="2026-03-01", case_id=household_case,
                today=TODAY)
    actor = change.pop("actor", ACTOR)
    args.update(change)
    with pytest.raises(UserError) as err:
        record_stay(db, actor, args.pop("person_id"), **args)
    assert err.value.key == key
    if fields is not None:
        assert isinstance(err.value, InvalidInput) and set(err.value.problems) == fields
    assert err.value.message("uk") != err.value.message("en")
    assert row_counts(db) == before


def test_the_limits_themselves_are_accepted(db, family):
    _, child = family
    first = stay(db, child, shelter="П" * 200, from_on="2018-09-30")  # the day of birth, the longest name
    end_stay(db, ACTOR, first, to_on="2018-09-30", today=TODAY)  # left the same day
    second = stay(db, child, shelter="  Притулок  ", from_on=TODAY.isoformat())  # today, not the future
    assert [s["shelter"] for s in person_stays(db, "halyna.demo", child)] == ["П" * 200, "Притулок"]
    assert end_stay(db, ACTOR, second, to_on=TODAY, today=TODAY)


def test_a_stay_cannot_start_while_another_goes_on_nor_overlap_an_ended_one(db, family):
    mother, child = family
    first = stay(db, child, shelter="Притулок А", from_on="2026-03-01")
    stay(db, mother, shelter="Притулок А", from_on="2026-03-01")  # another person: no conflict
    before = row_counts(db)
    with pytest.raises(UserError) as err:
        stay(db, child, shelter="Притулок Б", from_on="2026-04-01")
    assert err.value.key == "shelter.open_stay"
    assert "Притулок А" in err.value.message("uk") and "01.03.2026" in err.value.message("en")
    assert row_counts(db) == before

    end_stay(db, ACTOR, first, to_on="2026-03-10", today=TODAY)
    for start in ("2026-03-09", "2026-03-01", "2026-02-01"):  # inside, at its start, before it
        before = row_counts(db)
        with pytest.raises(UserError) as err:
            stay(db, child, shelter="Притулок Б", from_on=start)
        assert err.value.key == "shelter.overlap", start
        assert "10.03.2026" in err.value.message("uk") and "10.03.2026" in err.value.message("en")
        assert row_counts(db) == before
    moved = stay(db, child, shelter="Притулок Б", from_on="2026-03-10")  # moved on the day of leaving
    assert [(s["shelter"], s["to_on"]) for s in person_stays(db, "halyna.demo", child)] == [
        ("Притулок А", "2026-03-10"), ("Притулок Б", None)]
    assert moved


@pytest.mark.parametrize("change, key, fields", [
    (dict(stay_id=99999), "shelter.stay_not_found", None),
    (dict(stay_id="1 or 1=1"), "guard.bad_id", None),
    (dict(to_on="2026-02-28"), "shelter.ends_before_start", None),
    (dict(to_on="30.02.2026"), "input.invalid", {"to_on"}),
    (dict(to_on=None), "input.invalid", {"to_on"}),
    (dict(to_on="2026-06-16"), "input.invalid", {"to_on"}),  # tomorrow
    (dict(actor="intruder"), "policy.unknown_user", None),
    (dict(actor="oksana.demo"), "policy.role", None),
])
def test_a_bad_departure_is_refused_and_writes_nothing(db, family, change, key, fields):
    _, child = family
    stay_id = stay(db, child, from_on="2026-03-01")
    before = row_counts(db)
    args = dict(stay_id=stay_id, to_on="2026-03-20", today=TODAY)
    actor = change.pop("actor", ACTOR)
    args.update(change)
    with pytest.raises(UserError) as err:
        end_stay(db, actor, args.pop("stay_id"), **args)
    assert err.value.key == key
    if fields is not None:
        assert isinstance(err.value, InvalidInput) and set(err.value.problems) == fields
    assert err.value.message("uk") != err.value.message("en")
    assert row_counts(db) == before
    assert person_stays(db, "halyna.demo", child)[0]["to_on"] is None


def test_a_stay_ends_once(db, family):
    _, child = family
    stay_id = stay(db, child, from_on="2026-03-01")
    end_stay(db, ACTOR, stay_id, to_on="2026-03-20", today=TODAY)
    before = row_counts(db)
    for to_on in ("2026-03-20", "2026-03-25"):
        with pytest.raises(UserError) as err:
            end_stay(db, ACTOR, stay_id, to_on=to_on, today=TODAY)
        assert err.value.key == "shelter.already_ended"
        assert "20.03.2026" in err.value.message("uk") and "already ended" in err.value.message("en")
    assert row_counts(db) == before
    assert person_stays(db, "halyna.demo", child)[0]["to_on"] == "2026-03-20"


def test_stays_and_departures_are_append_only(db, family):
    _, child = family
    stay_id = stay(db, child)
    end_stay(db, ACTOR, stay_id, to_on="2026-03-05", today=TODAY)
    for sql in ("update shelter_stays set shelter = 'X'", "delete from shelter_stays",
                "update shelter_departures set to_on = '2026-04-01'", "delete from shelter_departures"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    assert [(s["shelter"], s["to_on"]) for s in person_stays(db, "halyna.demo", child)] == [("Притулок «Надія», Харків", "2026-03-05")]


def test_shelter_text_that_looks_like_sql_or_html_is_stored_exactly(db, family):
    _, child = family
    name = "O'Brien\"; DROP TABLE shelter_stays;-- <b>"
    stay(db, child, shelter=name)
    assert person_stays(db, "halyna.demo", child)[0]["shelter"] == name and "shelter_stays" in db.table_names()


def test_every_shelter_message_is_in_both_languages():
    texts = {k: v for k, v in i18n.catalogue().items() if k.startswith("shelter.")}
    assert len(texts) >= 6
    assert all(v["uk"] != v["en"] for v in texts.values())


def test_a_stay_for_a_person_registered_later_in_another_family(db, household_case):
    """A person who is not in the family cannot have a stay recorded under the family's case."""
    stranger = register_person(db, ACTOR, family_name="Чужий", given_name="Іван", birth_date="2000-01-01",
                               sex="male", category="idp", consent_given_on="2026-01-01", today=TODAY)
    before = row_counts(db)
    with pytest.raises(UserError) as err:
        stay(db, stranger, case_id=household_case)
    assert err.value.key == "shelter.case_other_person"
    assert row_counts(db) == before
    assert stay(db, stranger)  # with no case it is the person's own record
