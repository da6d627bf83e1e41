"""Passwords and sign-in (workbench.store.credentials): hashed, never overwritten, every attempt recorded and
audited, the lock after repeated failures, an administrator's one-time reset; and the hub's authenticator and
doors over the same ``users``."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from conftest import refused, row_counts, run_async
from workbench.local_time import local_time
from workbench.store import credentials
from workbench.store.credentials import change_password, password_state, reset_password, set_password, sign_in
from workbench.store.integrity import check_database
from workbench.store.users import deactivate_user

ADMIN = "admin.demo"
GOOD = "весна у Черкасах 2026"


@pytest.fixture
def staff_db(db):
    set_password(db, ADMIN, "olena.demo", GOOD)
    return db


def test_a_password_is_kept_as_a_salted_scrypt_hash_never_as_typed(staff_db):
    rows = list(staff_db.query("select * from credentials where username = 'olena.demo'"))
    assert len(rows) == 1
    scheme, n, r, p, salt, digest = rows[0]["hash"].split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2 ** 15, 8, 1) and len(bytes.fromhex(salt)) == 16
    assert GOOD not in rows[0]["hash"] and GOOD.encode().hex() not in rows[0]["hash"]
    set_password(staff_db, ADMIN, "andrii.demo", GOOD)  # the same password, another salt, another hash
    other = staff_db.execute("select hash from credentials where username = 'andrii.demo'").fetchone()[0]
    assert other != rows[0]["hash"]


def test_the_right_password_signs_in_and_a_wrong_one_or_an_unknown_name_does_not(staff_db):
    assert sign_in(staff_db, "olena.demo", GOOD).ok
    assert sign_in(staff_db, " Olena.Demo ", GOOD).ok  # as the hub normalises a typed name
    for name, password in (("olena.demo", GOOD + " "), ("olena.demo", ""), ("nobody", GOOD), ("", ""),
                           ("andrii.demo", GOOD), (None, None), (["olena.demo"], GOOD), ("olena.demo", 12345)):
        result = sign_in(staff_db, name, password)
        assert not result.ok and result.refusal.key == "sign_in.refused", (name, password)


def test_every_attempt_is_a_row_and_an_audited_action(staff_db):
    sign_in(staff_db, "olena.demo", GOOD)
    sign_in(staff_db, "olena.demo", "wrong password")
    sign_in(staff_db, "x" * 500, "whatever")
    rows = list(staff_db.query("select username, ok, reason from sign_ins order by id"))
    assert rows == [{"username": "olena.demo", "ok": 1, "reason": None},
                    {"username": "olena.demo", "ok": 0, "reason": "wrong_password"},
                    {"username": "x" * 64, "ok": 0, "reason": "unknown_user"}]
    audit = list(staff_db.query("select actor, action, details from audit_log where entity = 'sign_ins' order by id"))
    assert [(a["actor"], a["action"]) for a in audit] == [
        ("olena.demo", "sign_in"), ("olena.demo", "sign_in_refused"), ("anonymous", "sign_in_refused")]
    assert all(GOOD not in a["details"] and "wrong password" not in a["details"] for a in audit)  # no password
    assert check_database(staff_db).problems == []  # `workbench check`: the attempts are sealed in the chain


def test_the_records_are_append_only(staff_db):
    sign_in(staff_db, "olena.demo", GOOD)
    for sql in ("update credentials set hash = 'x'", "delete from credentials", "update sign_ins set ok = 1",
                "delete from sign_ins"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            staff_db.execute(sql)


def test_repeated_failures_lock_the_account_even_for_the_right_password(staff_db, monkeypatch):
    for _ in range(4):
        assert sign_in(staff_db, "olena.demo", "guess").refusal.key == "sign_in.refused"
    fifth = sign_in(staff_db, "olena.demo", "guess")
    assert fifth.refusal.key == "sign_in.locked"  # the fifth failure says the account is now locked
    locked = sign_in(staff_db, "olena.demo", GOOD)
    assert not locked.ok and locked.refusal.key == "sign_in.locked"
    assert staff_db.execute("select reason from sign_ins order by id desc limit 1").fetchone()[0] == "locked"
    state = password_state(staff_db, ADMIN, "olena.demo")
    until = datetime.fromisoformat(state["locked_until"])
    assert timedelta(minutes=14) < until - datetime.now(timezone.utc) <= timedelta(minutes=15)
    assert local_time(until) in locked.refusal.message("uk")  # in the centre's time zone, as staff read times
    assert sign_in(staff_db, "andrii.demo", "guess").refusal.key == "sign_in.refused"  # others are not locked


def test_the_lock_ends_after_its_minutes_or_at_a_reset(staff_db, monkeypatch):
    for _ in range(5):
        sign_in(staff_db, "olena.demo", "guess")
    later = datetime.now(timezone.utc) + timedelta(minutes=16)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(credentials, "datetime", Later)
    assert sign_in(staff_db, "olena.demo", GOOD).ok
    monkeypatch.undo()
    for _ in range(5):
        sign_in(staff_db, "olena.demo", "guess")
    assert not sign_in(staff_db, "olena.demo", GOOD).ok
    one_time = reset_password(staff_db, ADMIN, "olena.demo")
    assert sign_in(staff_db, "olena.demo", one_time).ok  # the reset lifted the lock


def test_lock_minutes_zero_means_until_an_administrator_resets(staff_db, tmp_path, monkeypatch):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"sign_in": {"lock_after_failures": 3, "lock_minutes": 0}}))
    monkeypatch.setenv("WB_CONFIG", str(config))
    for _ in range(3):
        sign_in(staff_db, "olena.demo", "guess")
    assert sign_in(staff_db, "olena.demo", GOOD).refusal.key == "sign_in.locked_until_reset"
    assert password_state(staff_db, ADMIN, "olena.demo")["locked_until"] == "reset"


def test_a_reset_gives_a_one_time_password_its_owner_must_replace(staff_db):
    one_time = reset_password(staff_db, ADMIN, "olena.demo")
    assert len(one_time) == 19 and one_time.count("-") == 3
    assert not sign_in(staff_db, "olena.demo", GOOD).ok  # the old one no longer counts
    first = sign_in(staff_db, "olena.demo", one_time)
    assert first.ok and first.must_change
    assert password_state(staff_db, "olena.demo", "olena.demo")["temporary"]
    change_password(staff_db, "olena.demo", current=one_time, new="моє нове гасло", repeated="моє нове гасло")
    after = sign_in(staff_db, "olena.demo", "моє нове гасло")
    assert after.ok and not after.must_change
    actions = [r[0] for r in staff_db.execute("select action from audit_log where entity = 'credentials' order by id")]
    assert actions == ["set_password", "reset_password", "change_password"]
    assert one_time not in json.dumps([dict(r) for r in staff_db.query("select * from audit_log")])


def test_bad_passwords_are_refused_in_both_languages_and_write_nothing(staff_db):
    before = row_counts(staff_db)
    change = lambda current, new, repeated=None: change_password(  # noqa: E731
        staff_db, "olena.demo", current=current, new=new, repeated=new if repeated is None else repeated)
    refused(lambda: change("wrong current", "нове довге гасло"), "credentials.wrong_current")
    refused(lambda: change(GOOD, "нове довге гасло", "інше довге гасло"), "credentials.mismatch")
    refused(lambda: change(GOOD, "короткий"), "credentials.too_short")
    refused(lambda: change(GOOD, "x" * 201), "credentials.too_long")
    refused(lambda: change(GOOD, "olena.demo"), "credentials.is_username")
    refused(lambda: change(GOOD, "OLENA.DEMO "), "credentials.is_username")
    refused(lambda: set_password(staff_db, ADMIN, "andrii.demo.x", "довге гасло 1"), "users.not_found")
    refused(lambda: change(GOOD, "рядок\u2028другий рядок"), "credentials.bad_characters")
    refused(lambda: change(GOOD, "невидимий\u200bзнак тут"), "credentials.bad_characters")
    refused(lambda: change(GOOD, GOOD), "credentials.same_as_before")
    refused(lambda: change(GOOD, ["список"]), "credentials.mismatch")
    assert row_counts(staff_db) == before


def test_the_shortest_password_is_configuration(staff_db, tmp_path, monkeypatch):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"sign_in": {"min_password_length": 16}}))
    monkeypatch.setenv("WB_CONFIG", str(config))
    refused(lambda: change_password(staff_db, "olena.demo", current=GOOD, new="п'ятнадцять зн.",
                                    repeated="п'ятнадцять зн."), "credentials.too_short")


def test_a_deactivated_user_cannot_sign_in(staff_db):
    deactivate_user(staff_db, ADMIN, "olena.demo", reason="звільнилася")
    result = sign_in(staff_db, "olena.demo", GOOD)
    assert not result.ok and result.refusal.key == "sign_in.refused"
    assert staff_db.execute("select reason from sign_ins order by id desc").fetchone()[0] == "inactive"


# --- the hub's side: the authenticator and the doors read the same users -------------------------------

def test_the_authenticator_signs_in_against_the_workbench_users(staff_db, db_path):
    from workbench.hub.authenticator import WorkbenchAuthenticator, both_languages

    auth = WorkbenchAuthenticator(db_path=str(db_path))

    class Handler:
        pass

    assert run_async(auth.authenticate(Handler(), {"username": "Olena.Demo", "password": GOOD})) == {
        "name": "olena.demo", "auth_state": None}
    handler = Handler()
    assert run_async(auth.authenticate(handler, {"username": "olena.demo", "password": "nope"})) is None
    message = both_languages(handler._workbench_refusal)
    assert "Неправильне" in message and "Wrong username" in message
    assert auth.check_allowed("olena.demo") and not auth.check_allowed("nobody")
    deactivate_user(staff_db, ADMIN, "olena.demo", reason="звільнилася")

    class User:
        name = "olena.demo"

    assert not auth.check_allowed("olena.demo")
    assert run_async(auth.refresh_user(User())) is False  # signed in before: must sign in again, and cannot


def test_each_role_has_its_door_and_the_researcher_none(db):
    from workbench.hub.doors import door, refusal
    from workbench.store.guard import current_version

    doors = {name: door(current_version(db, name)) for name in
             ("olena.demo", "admin.demo", "mariia.demo", "halyna.demo", "oksana.demo")}
    assert doors == {"olena.demo": "workspace", "admin.demo": "workspace", "mariia.demo": "lab",
                     "halyna.demo": "lab", "oksana.demo": None}
    assert door(None) is None
    deactivate_user(db, ADMIN, "mariia.demo", reason="звільнилася")
    assert door(current_version(db, "mariia.demo")) is None
    said = refusal(current_version(db, "oksana.demo"), "oksana.demo")
    assert "Дослідники" in said and "Researchers" in said


def test_the_demo_users_sign_in_with_the_demo_password(db):
    from workbench.demo import DEMO_PASSWORD, USERS

    for username, *_ in USERS:
        set_password(db, ADMIN, username, DEMO_PASSWORD)
    assert all(sign_in(db, username, DEMO_PASSWORD).ok for username, *_ in USERS)
