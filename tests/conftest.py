"""Shared fixtures. Databases are built by code (the demo's own functions), never checked in."""
from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

TODAY = date(2026, 6, 15)
FIGURES: list[str] = []  # figures a test measures (e.g. precision and recall), shown at the end of the run


@pytest.fixture
def report_figure():
    """``report_figure(text)``: show ``text`` in the summary at the end of the test run."""
    return FIGURES.append


def refused(call, key: str | None = None):
    """Call ``call``, expecting a ``UserError`` (with ``key`` if given) whose message reads in both
    languages, differently, with every placeholder filled; returns the error."""
    from workbench.i18n import UserError

    with pytest.raises(UserError) as caught:
        call()
    if key is not None:
        assert caught.value.key == key
    uk, en = caught.value.message("uk"), caught.value.message("en")
    assert uk.strip() and en.strip() and uk != en
    assert "{" not in uk and "{" not in en
    return caught.value


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "figures measured by the tests")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workbench.db"


@pytest.fixture
def db(db_path):
    """A fresh database with the demo's staff."""
    from workbench.access import add_user
    from workbench.demo import USERS
    from workbench.store.connection import open_db

    database = open_db(db_path)
    for username, name, role in USERS:
        add_user(database, username, name, role)
    yield database
    database.conn.close()


@pytest.fixture(scope="session")
def instrument():
    from workbench.instruments.loader import load_builtin

    return load_builtin("family_needs_assessment")


@pytest.fixture
def household_case(db):
    """A family of two (mother and a child) with an open family-support case; returns the case id."""
    from workbench.store.cases import open_case
    from workbench.store.people import create_household, register_person

    actor = "olena.demo"
    mother = register_person(db, actor, family_name="Тихоліс", given_name="Ганна", birth_date="1990-04-02",
                             sex="female", category="family_difficult_circumstances",
                             consent_given_on="2026-01-10", today=TODAY)
    child = register_person(db, actor, family_name="Тихоліс", given_name="Злата", birth_date="2018-09-30",
                            sex="female", category="family_difficult_circumstances",
                            consent_given_on="2026-01-10", consent_given_by="мати, Тихоліс Ганна", today=TODAY)
    household = create_household(db, actor, label="Тихоліс", members=[(mother, "applicant"), (child, "child")])
    return open_case(db, actor, programme="family_support", worker=actor, household_id=household,
                     opened_on="2026-01-10", today=TODAY)


@pytest.fixture
def valid_answers(instrument):
    """A complete, valid submission made by the demo's own generator."""
    from workbench.demo import _answers

    latent = {d.name: 1.5 for d in instrument.domains()}
    return _answers(random.Random(7), instrument, latent, [("Злата", 7)], date(2026, 2, 1), 0)


def row_counts(db) -> dict:
    """How many rows each table holds (to show that a refused write wrote nothing)."""
    return {t: db[t].count for t in db.table_names()}
