"""Users and teams without SQL: the store's functions and `workbench users`, audited, append-only; the
first administrator; a deactivated user who can do nothing and whose open cases wait for a worker."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import TODAY, refused, row_counts
from workbench.cli import main
from workbench.store.audit import audit_rows
from workbench.store.connection import open_db
from workbench.store.users import (add_user, administrators_exist, deactivate_user, list_users, set_role, set_teams,
                                   staff)

ADMIN = "admin.demo"


def test_a_new_database_starts_with_an_administrator_who_adds_themselves(db_path):
    db = open_db(db_path, migrate=True)
    assert not administrators_exist(db)
    refused(lambda: add_user(db, "someone", username="boss", display_name="Бос", role="administrator"),
            "policy.unknown_user")  # only the new administrator themselves
    refused(lambda: add_user(db, "olena", username="olena", display_name="Олена", role="case_manager"),
            "policy.unknown_user")  # the first user is an administrator
    add_user(db, "boss", username="boss", display_name="Бос", role="administrator")
    assert administrators_exist(db)
    refused(lambda: add_user(db, "second", username="second", display_name="Другий", role="administrator"),
            "policy.unknown_user")  # once one exists, only an administrator adds users
    add_user(db, "boss", username="olena", display_name="Олена", role="case_manager", teams=["Північ"])
    assert [u["username"] for u in list_users(db, "boss")] == ["boss", "olena"]


def test_changes_are_new_versions_the_latest_wins_and_each_is_audited(db):
    set_teams(db, ADMIN, "olena.demo", ["Північ", "Південь"], reason="допомога сусідній команді")
    set_role(db, ADMIN, "olena.demo", "supervisor")
    deactivate_user(db, ADMIN, "olena.demo", reason="звільнилася")
    olena = next(u for u in list_users(db, ADMIN) if u["username"] == "olena.demo")
    assert (olena["role"], olena["active"], olena["teams"]) == ("supervisor", False, ["Південь", "Північ"])
    assert "olena.demo" not in [u["username"] for u in staff(db, ADMIN)]
    actions = [r["action"] for r in audit_rows(db, ADMIN, "users", "olena.demo")]
    assert actions == ["add_user", "set_teams", "set_role", "deactivate_user"]
    assert db["user_versions"].count == len(list_users(db, ADMIN)) + 3


def test_the_users_and_shares_tables_are_append_only(db, household_case):
    from workbench.store.shares import revoke_share, share_case

    revoke_share(db, "olena.demo", share_case(db, "olena.demo", household_case, with_user="andrii.demo"))
    for sql in ("update users set role = 'administrator'", "delete from users",
                "update user_versions set active = 1", "delete from user_versions",
                "delete from case_shares", "delete from case_share_revocations"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)


def test_bad_input_is_refused_in_both_languages_and_writes_nothing(db):
    before = row_counts(db)
    refused(lambda: add_user(db, ADMIN, username="Олена Т", display_name="x", role="case_manager"), "users.bad_username")
    refused(lambda: add_user(db, ADMIN, username="new.one", display_name="x", role="king"), "users.bad_role")
    refused(lambda: add_user(db, ADMIN, username="new.one", display_name="x", role="case_manager",
                             teams=["a\nb"]), "users.bad_team")
    refused(lambda: add_user(db, ADMIN, username="olena.demo", display_name="x", role="case_manager"), "users.exists")
    refused(lambda: set_role(db, ADMIN, "nobody", "supervisor"), "users.not_found")
    refused(lambda: set_role(db, ADMIN, "olena.demo", "case_manager"), "users.nothing_changes")
    refused(lambda: deactivate_user(db, ADMIN, ADMIN, reason="я"), "users.last_administrator")
    refused(lambda: set_teams(db, "mariia.demo", "olena.demo", ["Південь"]), "policy.role")
    assert row_counts(db) == before


def test_a_deactivated_user_can_do_nothing_and_their_open_cases_need_a_worker(db, household_case):
    from workbench.store.caseload import cases_needing_a_worker
    from workbench.store.cases import get_case
    from workbench.store.services import record_service

    deactivate_user(db, ADMIN, "olena.demo", reason="декретна відпустка")
    refused(lambda: get_case(db, "olena.demo", household_case), "policy.inactive")
    refused(lambda: record_service(db, "olena.demo", household_case, service_type="consultation",
                                   provided_on="2026-02-01", today=TODAY), "policy.inactive")
    waiting = cases_needing_a_worker(db, "mariia.demo")  # her supervisor's list
    assert [c["id"] for c in waiting] == [household_case] and waiting[0]["worker_name"].startswith("Олена")
    assert cases_needing_a_worker(db, "taras.demo") == []  # another team's supervisor


def test_the_command_adds_the_first_administrator_then_acts_as_the_signed_in_user(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "centre.db")
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("WB_USER", raising=False)
    assert main(["users", "--db", path, "add", "boss", "--name", "Бос", "--role", "administrator"]) == 0
    assert "User boss added" in capsys.readouterr().out
    assert main(["users", "--db", path, "add", "olena", "--name", "Олена", "--role", "case_manager"]) == 1
    assert "WB_USER" in capsys.readouterr().err  # no signed-in user any more: who acts must be known
    monkeypatch.setenv("WB_USER", "boss")
    assert main(["users", "--db", path, "add", "olena", "--name", "Олена", "--role", "case_manager",
                 "--team", "Північ"]) == 0
    assert main(["users", "--db", path, "role", "olena", "supervisor", "--reason", "підвищення"]) == 0
    assert main(["users", "--db", path, "team", "olena", "Північ", "Південь"]) == 0
    assert main(["users", "--db", path, "deactivate", "olena", "--reason", "звільнилася"]) == 0
    capsys.readouterr()
    assert main(["users", "--db", path, "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split("\t") == ["olena", "Олена", "supervisor", "deactivated", "Південь, Північ"]
    monkeypatch.setenv("WB_USER", "olena")
    assert main(["users", "--db", path, "list"]) == 1
    assert "deactivated" in capsys.readouterr().err
