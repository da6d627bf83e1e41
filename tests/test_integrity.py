"""The record as the workbench wrote it: a plain sqlite3 client tampers in every way the issue names, and
``workbench check`` catches each one, naming the first broken row in both languages."""
from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from conftest import copy_database, worker_of
from workbench.cli import main
from workbench.store import chain


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """A small demo database (a few families, every kind of record) with its key and head."""
    from workbench.demo import build_demo

    from workbench.store.connection import open_db
    from workbench.store.people import withdraw_consent

    path = tmp_path_factory.mktemp("integrity") / "demo.db"
    build_demo(path, seed=11, households=8, care_leavers=3)
    db = open_db(path)
    person, purpose, case = db.execute(
        "select m.person_id, k.purpose, c.id from cases c join household_members m on m.household_id = c.household_id "
        "join consents k on k.person_id = m.person_id order by c.id limit 1").fetchone()
    withdraw_consent(db, worker_of(db, case), person, purpose=purpose, case_id=case)
    db.conn.close()
    return path


@pytest.fixture
def copy(demo_file, tmp_path):
    return copy_database(demo_file, tmp_path / "copy.db")


def check(path, capsys) -> tuple[int, str]:
    code = main(["check", "--db", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def tamper(path, *statements, drop=()):
    """Run ``statements`` in a plain sqlite3 session, first dropping the triggers ``drop`` as an attacker would."""
    conn = sqlite3.connect(path, isolation_level=None)
    for trigger in drop:
        conn.execute(f"drop trigger {trigger}")
    for statement in statements:
        conn.execute(*statement) if isinstance(statement, tuple) else conn.execute(statement)
    conn.close()


def audit_ids(path, where="1") -> list[int]:
    conn = sqlite3.connect(path)
    ids = [row[0] for row in conn.execute(f"select id from audit_log where {where} order by id")]
    conn.close()
    return ids


def test_an_untouched_database_passes(copy, capsys):
    code, shown = check(copy, capsys)
    assert code == 0, shown
    assert "the log is whole" in shown and "журнал цілий" in shown


def test_deleting_audit_rows_is_caught_at_the_first_missing_row(copy, capsys):
    ids = audit_ids(copy)
    middle = ids[len(ids) // 2]
    tamper(copy, f"delete from audit_log where id between {middle} and {middle + 9}", drop=["audit_log_no_delete"])
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"Audit row #{middle - 1} is followed by #{middle + 10}: the rows between them were deleted." in shown
    assert f"Після рядка аудиту №{middle - 1} іде №{middle + 10}" in shown
    assert "The trigger audit_log_no_delete is missing" in shown


def test_editing_an_audit_row_breaks_its_seal(copy, capsys):
    first = audit_ids(copy)[0]
    tamper(copy, f"update audit_log set actor = 'someone.else' where id = {first}", drop=["audit_log_no_update"])
    code, shown = check(copy, capsys)
    assert code == 1
    problems = [line for line in shown.splitlines() if "does not match its seal" in line]
    assert problems[0].startswith(f"Audit row #{first} (start_audit_chain) does not match its seal")


def test_inserting_an_audit_row_is_caught(copy, capsys):
    ids = audit_ids(copy)
    forged = {"id": ids[-1] + 1, "at": "2026-06-01T10:00:00.000+00:00", "actor": "olena.demo", "action": "save_service",
              "entity": "services", "entity_id": "1", "details": "{}", "rows": "{}",
              "rows_sha256": chain.rows_sha256({}), "seal": "0" * 64}
    tamper(copy, (f"insert into audit_log ({', '.join(forged)}) values ({', '.join('?' * len(forged))})",
                  list(forged.values())))
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"Audit row #{ids[-1] + 1} (save_service) does not match its seal" in shown


def test_an_unsealed_audit_row_is_caught(copy, capsys):
    last = audit_ids(copy)[-1]
    tamper(copy, "insert into audit_log (at, actor, action, entity, entity_id, details) "
                 "values ('2026-06-01', 'x', 'save_service', 'services', '1', '{}')")
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"Audit row #{last + 1} has no seal though it comes after the chain began" in shown


def test_reordering_audit_rows_is_caught(copy, capsys):
    ids = audit_ids(copy)
    a, b = ids[5], ids[6]
    big = ids[-1] + 100
    tamper(copy, f"update audit_log set id = {big} where id = {a}", f"update audit_log set id = {a} where id = {b}",
           f"update audit_log set id = {b} where id = {big}", drop=["audit_log_no_update"])
    code, shown = check(copy, capsys)
    assert code == 1
    first = next(line for line in shown.splitlines() if "does not match its seal" in line)
    assert first.startswith(f"Audit row #{a} ")


def test_deleting_the_tail_is_caught_by_the_head(copy, capsys):
    ids = audit_ids(copy)
    tamper(copy, f"delete from audit_log where id > {ids[-4]}", drop=["audit_log_no_delete"])
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"The chain's head names audit row #{ids[-1]}, but the last in the database is #{ids[-4]}" in shown
    assert f"Голова ланцюжка називає рядок аудиту №{ids[-1]}" in shown


def test_a_missing_head_is_a_problem(copy, capsys):
    chain.head_path(copy).unlink()
    code, shown = check(copy, capsys)
    assert code == 1 and "head file" in shown and "is missing" in shown


def test_dropping_a_trigger_is_caught(copy, capsys):
    tamper(copy, drop=["persons_no_update"])
    code, shown = check(copy, capsys)
    assert code == 1
    assert "The trigger persons_no_update is missing" in shown and "Тригера persons_no_update немає" in shown


def _audit_row_of(path, table, rowid) -> tuple[int, str]:
    conn = sqlite3.connect(path)
    for audit_id, action, rows in conn.execute("select id, action, rows from audit_log where rows is not null"):
        span = json.loads(rows).get(table)
        if span and span[0] <= rowid <= span[1]:
            conn.close()
            return audit_id, action
    raise AssertionError(f"no audit row names {table} #{rowid}")


def test_editing_a_persons_name_is_caught(copy, capsys):
    tamper(copy, "update persons set family_name = 'Підмінений' where id = 3", drop=["persons_no_update"])
    audit_id, action = _audit_row_of(copy, "persons", 3)
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"The records written by the action of audit row #{audit_id} ({action}) were changed: persons." in shown


def test_editing_an_answer_is_caught_twice(copy, capsys):
    conn = sqlite3.connect(copy)
    assessment_id, item = conn.execute("select assessment_id, item from answers where number is not null "
                                       "order by assessment_id limit 1").fetchone()
    conn.close()
    tamper(copy, ("update answers set value = '0', number = 0 where assessment_id = ? and item = ?",
                  [assessment_id, item]), drop=["answers_no_update"])
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"The answers of assessment #{assessment_id} do not match its content hash" in shown
    assert "were changed: assessments." in shown


def test_moving_a_consent_withdrawal_onto_another_consent_is_caught(copy, capsys):
    conn = sqlite3.connect(copy)
    withdrawal, consent = conn.execute("select id, consent_id from consent_withdrawals limit 1").fetchone()
    other = conn.execute("select id from consents where id not in (select consent_id from consent_withdrawals) "
                         "limit 1").fetchone()[0]
    conn.close()
    tamper(copy, f"update consent_withdrawals set consent_id = {other} where id = {withdrawal}",
           drop=["consent_withdrawals_no_update"])
    audit_id, action = _audit_row_of(copy, "consent_withdrawals", withdrawal)
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"audit row #{audit_id} ({action}) were changed: consent_withdrawals." in shown


def test_a_record_inserted_outside_the_workbench_is_caught(copy, capsys):
    conn = sqlite3.connect(copy)
    top = conn.execute("select max(id) from persons").fetchone()[0]
    conn.close()
    tamper(copy, "insert into persons (family_name, given_name, sex, category, search_text, created_at, created_by) "
                 "select 'Нова', 'Особа', sex, category, 'нова особа', created_at, created_by from persons limit 1")
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"The table persons holds records no audit row wrote (inserted outside the workbench): #{top + 1}." in shown


def test_insert_or_replace_is_refused_by_the_triggers(copy):
    conn = sqlite3.connect(copy)
    for statement in [
        "insert or replace into audit_log select * from audit_log where id = 1",
        "insert or replace into persons select * from persons where id = 1",
        "insert or ignore into persons select * from persons where id = 1",
        "insert or replace into consent_withdrawals select * from consent_withdrawals limit 1",
    ]:
        with pytest.raises(sqlite3.IntegrityError, match="already exists"):
            conn.execute(statement)
    conn.close()


def test_insert_or_replace_past_a_dropped_trigger_is_caught(copy, capsys):
    first = audit_ids(copy)[0]
    conn = sqlite3.connect(copy)
    row = list(conn.execute(f"select * from audit_log where id = {first}").fetchone())
    conn.close()
    columns = [c[1] for c in sqlite3.connect(copy).execute("pragma table_info(audit_log)")]
    row[columns.index("actor")] = "someone.else"
    tamper(copy, (f"insert or replace into audit_log values ({', '.join('?' * len(row))})", row),
           "insert or replace into persons select id, 'Інша', given_name, patronymic, birth_date, sex, category, "
           "search_text, created_at, created_by from persons where id = 2",
           drop=["audit_log_no_replace", "persons_no_replace"])
    code, shown = check(copy, capsys)
    assert code == 1
    assert f"Audit row #{first} (start_audit_chain) does not match its seal" in shown
    assert "were changed: persons." in shown
    assert "The trigger audit_log_no_replace is missing" in shown


def test_the_first_broken_link_is_named_first(copy, capsys):
    ids = audit_ids(copy)
    early, late = ids[3], ids[-3]
    tamper(copy, f"update audit_log set details = '{{}}' where id in ({late}, {early})", drop=["audit_log_no_update"])
    code, shown = check(copy, capsys)
    seals = [line for line in shown.splitlines() if "does not match its seal" in line]
    assert code == 1 and seals[0].startswith(f"Audit row #{early} ") and seals[1].startswith(f"Audit row #{late} ")


def test_a_missing_key_is_a_message_in_both_languages(copy, capsys):
    chain.key_path(copy).unlink()
    code, shown = check(copy, capsys)
    assert code == 2
    assert f"The audit key {chain.key_path(copy)} is missing" in shown and "Ключа журналу аудиту" in shown


def test_files_are_private_and_wider_permissions_are_warned(copy, capsys):
    for path in [copy, *chain.files(copy)]:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    os.chmod(copy, 0o644)
    code, shown = check(copy, capsys)
    assert code == 0  # a warning, not a broken record
    assert f"Others on this machine can read {copy} (mode 644); it should be 600." in shown
    assert "інші користувачі" in shown
