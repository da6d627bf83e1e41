"""The events log: group and project work recorded, checked, corrected as new versions, audited."""
import sqlite3
from datetime import date, timedelta

import pytest

from conftest import TODAY
from workbench.i18n import UserError
from workbench.store.audit import audit_rows
from workbench.store.events import (correct_event, event_history, get_event, list_events,
                                    record_event)
from workbench.store.inputs import InvalidInput

ACTOR = "olena.demo"
VALID = dict(held_on="05.06.2026", event_type="group_session", project="Батьківська школа",
             place="Бучанський ЦСС, зала 2", participants="18", children=6, idps="4",
             staff=["olena.demo", "andrii.demo"], note="Друге заняття циклу.")


def counts(db) -> tuple[int, int]:
    """Rows in events and audit_log (a refused write must change neither)."""
    return db["events"].count, db["audit_log"].count


def record(db, **change):
    return record_event(db, ACTOR, today=TODAY, **dict(VALID, **change))


def refused(db, key="input.invalid", *, write=record, **change) -> UserError:
    """Call ``write`` with ``change``; assert it is refused with ``key`` and writes nothing; return the error."""
    before = counts(db)
    with pytest.raises(UserError) as err:
        write(db, **change)
    assert err.value.key == key
    assert counts(db) == before
    return err.value


def test_an_event_is_recorded_with_every_field_and_an_audit_row(db):
    before = counts(db)
    event_id = record(db)
    assert counts(db) == (before[0] + 1, before[1] + 1)
    row = get_event(db, "halyna.demo", event_id)
    assert {k: row[k] for k in ("held_on", "event_type", "project", "place", "participants", "children", "idps",
                                "staff", "note", "supersedes", "correction_reason", "recorded_by")} == {
        "held_on": "2026-06-05", "event_type": "group_session", "project": "Батьківська школа",
        "place": "Бучанський ЦСС, зала 2", "participants": 18, "children": 6, "idps": 4,
        "staff": ["olena.demo", "andrii.demo"], "note": "Друге заняття циклу.", "supersedes": None,
        "correction_reason": None, "recorded_by": ACTOR}
    assert row["superseded_by"] is None
    # Stored as a JSON list of usernames.
    assert db.execute("select staff from events where id = ?", [event_id]).fetchone()[0] == \
        '["olena.demo", "andrii.demo"]'
    [audit] = audit_rows(db, "admin.demo", "events", event_id)
    assert (audit["actor"], audit["action"]) == (ACTOR, "record_event")
    assert audit["details"] == {"event_type": "group_session", "held_on": "2026-06-05", "participants": 18}


def test_defaults_dates_and_numbers_in_their_accepted_forms(db):
    first = record_event(db, ACTOR, held_on=date(2000, 1, 1), event_type="training", project="P", place="Q",
                         participants=0, staff=("mariia.demo",), today=TODAY)
    second = record(db, held_on=TODAY.isoformat(), participants=" 100000 ", children="007", idps=100000,
                    note="   ", project="  Проєкт  ")
    one, two = get_event(db, "halyna.demo", first), get_event(db, "halyna.demo", second)
    assert (one["held_on"], one["participants"], one["children"], one["idps"], one["staff"], one["note"]) == (
        "2000-01-01", 0, 0, 0, ["mariia.demo"], None)
    assert (two["held_on"], two["participants"], two["children"], two["idps"], two["note"], two["project"]) == (
        "2026-06-15", 100000, 7, 100000, None, "Проєкт")


@pytest.mark.parametrize("field, value, uk", [
    ("held_on", "31.02.2026", "Введіть справжню дату у форматі дд.мм.рррр."),
    ("held_on", "завтра", "Введіть справжню дату у форматі дд.мм.рррр."),
    ("held_on", (TODAY + timedelta(days=1)).isoformat(), "Дата не може бути в майбутньому."),
    ("held_on", "31.12.1999", "Дата заходу не може бути раніше 01.01.2000."),
    ("held_on", "", "Це поле обовʼязкове."),
    ("event_type", "", "Це поле обовʼязкове."),
    ("event_type", "party", "Значення «party» немає в переліку."),
    ("event_type", "Group_Session", "Значення «Group_Session» немає в переліку."),
    ("project", "   ", "Це поле обовʼязкове."),
    ("project", "x" * 201, "Задовго: найбільше 200 символів."),
    ("project", "Проєкт\x00", "Недозволений символ (керувальний символ) U+0000 NULL у позиції 7."),
    ("place", None, "Це поле обовʼязкове."),
    ("place", "Буча\nІрпінь", "Недозволений символ (керувальний символ) U+000A LINE FEED у позиції 5."),
    ("place", "Буча\x1b[31m", "Недозволений символ (керувальний символ) U+001B ESCAPE у позиції 5."),
    ("participants", "", "Це поле обовʼязкове."),
    ("participants", "-3", "Введіть ціле число від 0 до 100000."),
    ("participants", -3, "Введіть ціле число від 0 до 100000."),
    ("participants", 100001, "Введіть ціле число від 0 до 100000."),
    ("participants", "1e3", "Введіть ціле число від 0 до 100000."),
    ("participants", "٣٠", "Введіть ціле число від 0 до 100000."),  # Arabic-Indic digits: not ours
    ("children", "два", "Введіть ціле число від 0 до 100000."),
    ("children", 19, "Дітей (19) не може бути більше, ніж учасників (18)."),
    ("idps", 25, "ВПО (25) не може бути більше, ніж учасників (18)."),
    ("staff", [], "Виберіть хоча б одного працівника, який провів захід."),
    ("staff", None, "Виберіть хоча б одного працівника, який провів захід."),
    ("staff", ["olena.demo", "olena.demo"], "Працівника вказано двічі: olena.demo."),
    ("staff", ["olena.demo", "ghost.user", "nobody"], "Таких працівників немає в базі: ghost.user, nobody."),
    ("staff", ["olena.demo"] * 101, "Забагато працівників: найбільше 100."),
    ("note", "н" * 2001, "Задовго: найбільше 2000 символів."),
])
def test_each_bad_value_gives_its_message_and_writes_nothing(db, field, value, uk):
    err = refused(db, **{field: value})
    assert isinstance(err, InvalidInput) and list(err.problems) == [field]
    assert err.problems[field].message("uk") == uk
    assert err.problems[field].message("en") != uk  # and an English one


@pytest.mark.parametrize("field, value", [
    ("participants", True), ("participants", 12.0), ("participants", 12.5), ("children", False),
    ("idps", 1.0), ("participants", [12]), ("participants", {"n": 12}), ("children", b"3"),
    ("staff", "olena.demo"), ("staff", {"olena.demo": 1}), ("staff", [1, 2]), ("staff", ["olena.demo", None]),
    ("staff", {"olena.demo"}), ("event_type", 1), ("event_type", ["training"]), ("event_type", True),
    ("project", 42), ("place", ["Буча"]), ("held_on", 20260605), ("held_on", True), ("note", 3.5),
])
def test_forged_values_are_refused(db, field, value):
    err = refused(db, **{field: value})
    assert list(err.problems) == [field]


def test_every_problem_is_reported_at_once(db):
    err = refused(db, held_on="2026-13-01", event_type="tea_party", project="", place="",
                  participants="many", children=-1, idps=1.5, staff=["nobody"], note="x" * 3000)
    assert set(err.problems) == {"held_on", "event_type", "project", "place", "participants", "children",
                                 "idps", "staff", "note"}
    assert "Not saved" in err.message("en") and "Не збережено" in err.message("uk")


def test_the_counts_are_compared_with_the_participants_they_belong_to(db):
    # Only one message per field: the comparison is skipped when the participants themselves are wrong.
    err = refused(db, participants="x", children=50, idps=50)
    assert list(err.problems) == ["participants"]
    record(db, participants=5, children=5, idps=5)  # equal is allowed


def test_the_actor_must_be_a_known_writer(db):
    refused(db, "policy.unknown_user", write=lambda db, **c: record_event(db, "mallory", today=TODAY, **VALID))
    refused(db, "policy.role", write=lambda db, **c: record_event(db, "oksana.demo", today=TODAY, **VALID))


def test_the_database_refuses_changing_or_deleting_an_event(db):
    event_id = record(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("update events set participants = 99 where id = ?", [event_id])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("delete from events where id = ?", [event_id])
    assert get_event(db, "halyna.demo", event_id)["participants"] == 18


def test_a_correction_is_a_new_version_in_one_line_of_history(db):
    first = record(db)
    second = correct_event(db, "andrii.demo", first, reason="Учасників було 20", today=TODAY,
                           **dict(VALID, participants=20))
    third = correct_event(db, ACTOR, second, reason="  Додано місце  ", today=TODAY,
                          **dict(VALID, participants=20, place="Бучанський ЦСС, зала 3"))
    assert [e["id"] for e in event_history(db, "halyna.demo", first)] == [first, second, third]
    assert event_history(db, "halyna.demo", third) == event_history(db, "halyna.demo", second) == event_history(db, "halyna.demo", first)
    chain = event_history(db, "halyna.demo", second)
    assert [(e["supersedes"], e["correction_reason"], e["participants"], e["recorded_by"]) for e in chain] == [
        (None, None, 18, ACTOR), (first, "Учасників було 20", 20, "andrii.demo"),
        (second, "Додано місце", 20, ACTOR)]
    assert get_event(db, "halyna.demo", first)["superseded_by"] == second
    assert get_event(db, "halyna.demo", third)["superseded_by"] is None
    # The list shows the event once, as its latest version, with how many versions it has.
    [listed] = list_events(db, "halyna.demo")
    assert (listed["id"], listed["place"], listed["version"], listed["versions"]) == (
        third, "Бучанський ЦСС, зала 3", 3, 3)
    everything = list_events(db, "halyna.demo", latest_only=False)
    assert [(e["id"], e["version"], e["versions"]) for e in everything] == [
        (third, 3, 3), (second, 2, 3), (first, 1, 3)]
    audit = audit_rows(db, "admin.demo", "events")
    assert [(a["action"], a["entity_id"], a["actor"]) for a in audit] == [
        ("record_event", str(first), ACTOR), ("correct_event", str(second), "andrii.demo"),
        ("correct_event", str(third), ACTOR)]
    assert audit[1]["details"]["supersedes"] == first and audit[1]["details"]["reason"] == "Учасників було 20"


def correct(db, event_id, **change):
    fields = dict(VALID, reason="Виправлення")
    fields.update(change)
    return correct_event(db, ACTOR, event_id, today=TODAY, **fields)


def test_only_the_latest_version_can_be_corrected_and_the_message_names_it(db):
    first = record(db)
    second = correct(db, first)
    third = correct(db, second)
    err = refused(db, "event.already_corrected", write=lambda db, **c: correct(db, first))
    assert err.message("uk") == (f"Захід №{first} уже виправлено: остання версія — №{third}. "
                                 "Виправляйте останню версію.")
    assert f"#{third}" in err.message("en")
    refused(db, "event.already_corrected", write=lambda db, **c: correct(db, second))


def test_a_correction_needs_a_reason_and_valid_fields_and_an_existing_event(db):
    first = record(db)
    err = refused(db, write=lambda db, **c: correct(db, first, reason="  "))
    assert err.problems["reason"].message("uk") == "Вкажіть причину виправлення."
    err = refused(db, write=lambda db, **c: correct(db, first, reason=None, participants=-1, staff=["nobody"]))
    assert set(err.problems) == {"reason", "participants", "staff"}
    refused(db, write=lambda db, **c: correct(db, first, reason="р" * 501))
    refused(db, "event.not_found", write=lambda db, **c: correct(db, 9999))
    for wrong in ("9999", True, 1.0, None, "1; drop table events", [first], 2**70):
        refused(db, "guard.bad_id", write=lambda db, wrong=wrong, **c: correct(db, wrong))
    assert event_history(db, "halyna.demo", first)[-1]["id"] == first


def test_lists_by_period_newest_first(db):
    may = record(db, held_on="2026-05-20")
    june_a = record(db, held_on="2026-06-01")
    june_b = record(db, held_on="2026-06-01", event_type="training")
    old = record(db, held_on="2025-12-31")
    assert [e["id"] for e in list_events(db, "halyna.demo")] == [june_b, june_a, may, old]
    assert [e["id"] for e in list_events(db, "halyna.demo", start="2026-06-01")] == [june_b, june_a]
    assert [e["id"] for e in list_events(db, "halyna.demo", start="01.01.2026", end=date(2026, 5, 31))] == [may]
    assert [e["id"] for e in list_events(db, "halyna.demo", end="2025-12-31")] == [old]
    assert all(e["staff"] == ["olena.demo", "andrii.demo"] for e in list_events(db, "halyna.demo"))
    with pytest.raises(InvalidInput) as err:
        list_events(db, "halyna.demo", start="32.01.2026")
    assert list(err.value.problems) == ["start"]


def test_reading_an_unknown_event_is_a_clear_error(db):
    with pytest.raises(UserError) as err:
        event_history(db, "halyna.demo", 42)
    assert err.value.message("en") == "Event #42 was not found."
    with pytest.raises(UserError):
        get_event(db, "halyna.demo", "abc")
