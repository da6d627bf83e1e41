"""The store: connection settings, append-only records, saving, correcting and reading assessments."""
import sqlite3
import threading
from datetime import date

import pytest
import sqlite_utils

from conftest import TODAY, refused, row_counts
from workbench.i18n import UserError
from workbench.store.assessments import (SubmissionInvalid, assessment_history, correct_assessment,
                                         get_assessment, list_assessments, save_assessment)
from workbench.store.audit import audit_rows
from workbench.store.cases import get_case, open_case
from workbench.store.connection import open_db, write_transaction
from workbench.store.inputs import InvalidInput
from workbench.store.people import add_household_member, household_members, register_person

ACTOR = "olena.demo"


def save(db, case_id, instrument, answers, **kw):
    return save_assessment(db, ACTOR, case_id=case_id, instrument=instrument, answers=answers,
                           assessed_on=kw.pop("assessed_on", "2026-02-01"), today=TODAY, **kw)


def test_every_connection_has_wal_foreign_keys_and_a_busy_timeout(db_path):
    db = open_db(db_path, migrate=True)
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 5000
    assert db["_sqlite_migrations"].count >= 1
    open_db(db_path, migrate=True)  # a second open applies nothing twice
    assert db["_sqlite_migrations"].count == len(list(db.query("select * from _sqlite_migrations")))


def test_a_page_never_creates_or_migrates_the_database(tmp_path):
    from workbench.store.connection import apply_migrations
    from workbench.store.schema import migrations

    missing = tmp_path / "missing.db"
    refused(lambda: open_db(missing), "db.missing")
    assert not missing.exists()
    behind = tmp_path / "behind.db"
    last = migrations._migrations[-1].name
    old = sqlite_utils.Database(behind)  # a database made by the previous version of the workbench
    migrations.apply(old, stop_before=last)
    old.conn.close()
    error = refused(lambda: open_db(behind), "db.schema_behind")
    assert last in error.message("en")
    assert apply_migrations(behind) == [last]  # what `workbench migrate` and the server do at start
    assert apply_migrations(behind) == []
    open_db(behind).conn.close()


def test_saved_records_cannot_be_updated_or_deleted(db, household_case, instrument, valid_answers):
    assessment_id = save(db, household_case, instrument, valid_answers)
    for sql in ("update assessments set assessed_on = '2000-01-01'", "delete from answers",
                "delete from audit_log", "update persons set given_name = 'X'", "delete from cases"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    assert get_assessment(db, "halyna.demo", assessment_id)["assessed_on"] == "2026-02-01"


def test_save_read_back_and_audit(db, household_case, instrument, valid_answers):
    assessment_id = save(db, household_case, instrument, valid_answers)
    saved = get_assessment(db, "halyna.demo", assessment_id, instrument)
    assert saved["case_id"] == household_case and saved["created_by"] == ACTOR
    assert (saved["instrument_id"], saved["instrument_version"]) == (instrument.id, instrument.version)
    assert saved["answers"]["household_size"] == valid_answers["household_size"]
    assert saved["answers"]["child"][0]["health"] == valid_answers["child"][0]["health"]
    assert saved["superseded_by"] is None
    audit = audit_rows(db, "admin.demo", "assessments", assessment_id)
    assert [a["action"] for a in audit] == ["save_assessment"] and audit[0]["actor"] == ACTOR


def test_a_correction_is_a_new_version_and_the_old_one_stays(db, household_case, instrument, valid_answers):
    first = save(db, household_case, instrument, valid_answers)
    new_housing = "3" if valid_answers["housing"] != "3" else "0"
    corrected = dict(valid_answers, housing=new_housing, conclusion_text="Уточнено після візиту")
    second = correct_assessment(db, ACTOR, assessment_id=first, instrument=instrument, answers=corrected,
                                reason="Помилка в оцінці житла", today=TODAY)
    assert second != first
    assert get_assessment(db, "halyna.demo", first, instrument)["answers"]["housing"] == valid_answers["housing"]
    assert get_assessment(db, "halyna.demo", first)["superseded_by"] == second
    assert get_assessment(db, "halyna.demo", second, instrument)["answers"]["housing"] == new_housing
    assert [a["id"] for a in assessment_history(db, "halyna.demo", first)] == [first, second]
    assert [a["id"] for a in assessment_history(db, "halyna.demo", second)] == [first, second]
    assert [a["id"] for a in list_assessments(db, "halyna.demo", household_case)] == [second]
    assert len(list_assessments(db, "halyna.demo", household_case, latest_only=False)) == 2
    assert audit_rows(db, "admin.demo", "assessments", second)[0]["details"]["supersedes"] == first
    with pytest.raises(UserError) as err:
        correct_assessment(db, ACTOR, assessment_id=first, instrument=instrument, answers=corrected,
                           reason="again", today=TODAY)
    assert err.value.key == "assessment.already_corrected"
    with pytest.raises(InvalidInput):
        correct_assessment(db, ACTOR, assessment_id=second, instrument=instrument, answers=corrected,
                           reason="  ", today=TODAY)


def test_saving_the_same_submission_twice_creates_one_assessment(db, household_case, instrument, valid_answers):
    first = save(db, household_case, instrument, valid_answers, submission_key="form-123")
    again = save(db, household_case, instrument, valid_answers, submission_key="form-123")
    no_key_1 = save(db, household_case, instrument, valid_answers, assessed_on="2026-03-01")
    no_key_2 = save(db, household_case, instrument, valid_answers, assessed_on="2026-03-01")
    assert first == again and no_key_1 == no_key_2
    assert db["assessments"].count == 2
    with pytest.raises(UserError) as err:
        save(db, household_case, instrument, dict(valid_answers, conclusion_text="інше"), submission_key="form-123")
    assert err.value.key == "assessment.key_reused"


@pytest.mark.parametrize("change, expected", [
    (dict(case_id=99999), "case.not_found"),
    (dict(case_id="1; drop table answers"), "guard.bad_id"),
    (dict(assessed_on="2026-02-30"), "input.invalid"),
    (dict(assessed_on="2027-01-01"), "input.invalid"),
    (dict(assessed_on="2025-12-31"), "assessment.before_case"),
    (dict(actor="intruder"), "policy.unknown_user"),
    (dict(actor="oksana.demo"), "policy.role"),
    (dict(answers={"household_size": "abc"}), "assessment.invalid"),
])
def test_refused_saves_write_nothing(db, household_case, instrument, valid_answers, change, expected):
    before = row_counts(db)
    kwargs = dict(case_id=household_case, instrument=instrument, answers=valid_answers,
                  assessed_on="2026-02-01", today=TODAY)
    actor = change.pop("actor", ACTOR)
    kwargs.update(change)
    with pytest.raises(UserError) as err:
        save_assessment(db, actor, **kwargs)
    assert err.value.key == expected
    assert err.value.message("uk") != err.value.message("en")
    assert row_counts(db) == before


def test_submission_invalid_carries_every_problem(db, household_case, instrument, valid_answers):
    with pytest.raises(SubmissionInvalid) as err:
        save(db, household_case, instrument, dict(valid_answers, household_size="0", urgent="maybe"))
    assert {p.item for p in err.value.checked.problems} == {"household_size", "urgent"}
    assert "2" in err.value.message("en")


def test_a_second_writer_waits_for_the_first_instead_of_failing(db_path, db, household_case, instrument,
                                                              valid_answers):
    # Events, not sleeps: the holder keeps the write lock until told to let go; the save must neither
    # fail ("database is locked") nor finish before then. Order is recorded where each thing happens.
    holder = open_db(db_path)
    locked, release, saved = threading.Event(), threading.Event(), threading.Event()
    order, failures, result = [], [], {}

    def hold_the_write_lock():
        with write_transaction(holder):
            holder.execute("insert into audit_log (at, actor, action, entity, entity_id, details) "
                           "values ('t', 'olena.demo', 'test', 'test', '1', '{}')")
            locked.set()
            release.wait(timeout=30)
            order.append("holder commits")

    def save_behind_it():
        try:
            result["id"] = save(db, household_case, instrument, valid_answers)  # reads first, then writes
            order.append("save returns")
        except Exception as error:  # noqa: BLE001  (any failure is the test's finding)
            failures.append(error)
        saved.set()

    first = threading.Thread(target=hold_the_write_lock)
    first.start()
    assert locked.wait(timeout=30)
    second = threading.Thread(target=save_behind_it)
    second.start()
    # A save that did not wait would return (or fail) at once; one that waits is still blocked.
    assert not saved.wait(timeout=0.5)
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert failures == []
    assert order == ["holder commits", "save returns"] and result["id"]


def test_people_households_and_cases(db, household_case):
    case = get_case(db, "halyna.demo", household_case)
    assert case["case_number"] == "2026-00001" and case["subject_label"] == "Тихоліс"
    members = household_members(db, "halyna.demo", case["household_id"])
    assert [(m["given_name"], m["relation"]) for m in members] == [("Ганна", "applicant"), ("Злата", "child")]
    with pytest.raises(UserError) as err:
        add_household_member(db, ACTOR, household_id=case["household_id"], person_id=members[0]["id"],
                             relation="child")
    assert err.value.key == "household.member_twice"
    second = open_case(db, "mariia.demo", programme="idp_support", worker="andrii.demo",  # his supervisor
                       household_id=case["household_id"], opened_on="2026-03-01", today=TODAY)
    assert get_case(db, "halyna.demo", second)["case_number"] == "2026-00002"


@pytest.mark.parametrize("change, fields", [
    (dict(family_name=" "), {"family_name"}),
    (dict(given_name="Ан\x00на"), {"given_name"}),
    (dict(birth_date="30.02.2001"), {"birth_date"}),
    (dict(birth_date="2030-01-01"), {"birth_date"}),
    (dict(sex="unknown"), {"sex"}),
    (dict(category="<script>"), {"category"}),
    (dict(consent_given_on=None), {"consent_given_on"}),
    (dict(consent_given_on="1999-01-01"), {"consent_given_on"}),
    (dict(family_name="", sex=""), {"family_name", "sex"}),
])
def test_register_person_refuses_bad_input_and_writes_nothing(db, change, fields):
    before = row_counts(db)
    person = dict(family_name="Ясногірко", given_name="Остап", birth_date="2001-05-05", sex="male",
                  category="care_leaver", consent_given_on="2026-01-01")
    person.update(change)
    with pytest.raises(InvalidInput) as err:
        register_person(db, ACTOR, today=TODAY, **person)
    assert set(err.value.problems) == fields
    assert err.value.message("uk").startswith("Не збережено")
    assert row_counts(db) == before


def test_text_that_looks_like_sql_or_html_is_stored_exactly(db):
    name = "O'Brien\"; DROP TABLE persons;-- <b>"
    person_id = register_person(db, ACTOR, family_name=name, given_name="Ів<script>", birth_date="01.02.2003",
                                sex="male", category="other", consent_given_on=date(2026, 1, 1), today=TODAY)
    row = db["persons"].get(person_id)
    assert row["family_name"] == name and row["given_name"] == "Ів<script>"
    assert db["consents"].count == 1 and "persons" in db.table_names()


def test_a_case_needs_exactly_one_subject_and_a_known_worker(db, household_case):
    case = get_case(db, "halyna.demo", household_case)
    with pytest.raises(UserError, match="exactly one"):
        open_case(db, ACTOR, programme="family_support", worker=ACTOR, today=TODAY)
    with pytest.raises(UserError, match="exactly one"):
        open_case(db, ACTOR, programme="family_support", worker=ACTOR, household_id=case["household_id"],
                  person_id=1, today=TODAY)
    with pytest.raises(UserError) as err:
        open_case(db, "mariia.demo", programme="family_support", worker="oksana.demo",
                  household_id=case["household_id"], today=TODAY)
    assert err.value.key == "policy.target_cannot_hold"
    with pytest.raises(UserError) as err:
        open_case(db, ACTOR, programme="family_support", worker="andrii.demo", household_id=case["household_id"],
                  today=TODAY)
    assert err.value.key == "policy.open_for_team"  # a case manager opens cases for herself
    with pytest.raises(InvalidInput):
        open_case(db, ACTOR, programme="astrology", worker=ACTOR, household_id=case["household_id"], today=TODAY)
