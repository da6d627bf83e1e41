"""Shared fixtures. Databases are built by code (the demo's own functions), never checked in."""
from __future__ import annotations

import re

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


def pytest_sessionfinish(session):
    """In a pytest-xdist worker: hand the figures to the controller, which prints the summary."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["figures"] = list(FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """In the controller: gather each worker's figures as it finishes."""
    FIGURES.extend(getattr(node, "workeroutput", {}).get("figures", []))


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
    """A fresh database with the demo's staff (two teams, every role; the administrator adds them)."""
    from workbench.demo import ADMINISTRATOR, USERS
    from workbench.store.connection import open_db
    from workbench.store.users import add_user

    database = open_db(db_path, migrate=True)
    for username, name, role, teams in USERS:
        add_user(database, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
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
    return _answers(random.Random(7), instrument, latent, [(2, "Злата", date(2018, 9, 30))], date(2026, 2, 1), 0)


def worker_of(db, case_id) -> str:
    """The case's worker now (read as the demo's head of centre, who may read every case)."""
    from workbench.store.lifecycle import case_state

    return case_state(db, "halyna.demo", case_id)["worker"]


def supervisor_of(db, case_id) -> str:
    """The demo supervisor of the team of the case's worker now."""
    from workbench.demo import SUPERVISOR_OF

    return SUPERVISOR_OF[worker_of(db, case_id)]


def advance(db, case_id, *statuses, on="2026-02-01", actor=None, override=False, today=TODAY) -> None:
    """Move a case through ``statuses`` on day ``on`` the way the rules allow: before each move, what it
    lacks is recorded for real (a needs assessment, a goal, the supervisor's sign-off, a goal review), or,
    with ``override``, let through by the team's supervisor with a reason (records the counts do not see)."""
    from workbench.case_cycle import missing
    from workbench.demo import _answers
    from workbench.instruments.loader import load_builtin
    from workbench.store.assessments import save_assessment
    from workbench.store.children import case_children
    from workbench.store.lifecycle import move_case, move_readiness, override_condition
    from workbench.store.plans import add_goal, case_goals, review_goal, sign_off

    day = date.fromisoformat(on) if isinstance(on, str) else on
    for status in statuses:
        worker, supervisor = actor or worker_of(db, case_id), supervisor_of(db, case_id)
        for condition in missing(move_readiness(db, supervisor, case_id, on=day), status) if status != "closed" else ():
            if override or (condition == "needs_assessment" and
                            move_readiness(db, supervisor, case_id, on=day).instrument != "family_needs_assessment"):
                override_condition(db, supervisor, case_id, to_status=status, condition=condition,
                                   reason="Рішення супервізора (тест)", on=day, today=today)
            elif condition == "needs_assessment":
                instrument = load_builtin("family_needs_assessment")
                children = [(c["person_id"], c["given_name"], c["birth_date"])
                            for c in case_children(db, supervisor, case_id, on=day)]  # the case's own, linked
                answers = _answers(random.Random(7), instrument, {d.name: 1.5 for d in instrument.domains()},
                                   children, day, 0)
                save_assessment(db, worker, case_id=case_id, instrument=instrument, answers=answers,
                                assessed_on=day, today=today)
            elif condition == "plan_goal":
                add_goal(db, worker, case_id, wish="Хочу, щоб діти ходили до школи", title="Діти відвідують школу",
                         domain="child_wellbeing", set_on=day, target_date=day.replace(year=day.year + 1),
                         levels=["гірше", "як є", "очікувано", "краще", "набагато краще"], today=today)
            elif condition == "plan_signed_off":
                sign_off(db, supervisor, case_id, kind="plan", on=day, today=today)
            elif condition == "goal_review":
                goal = next(g for g in case_goals(db, supervisor, case_id) if g["status"] == "open")
                review_goal(db, worker, goal["id"], level=0, reviewed_on=day, today=today)
        move_case(db, actor or worker_of(db, case_id), case_id, status, on=day, today=today)


# --- helpers the widget tests share ---------------------------------------------------------------

def fill(view, answers):
    """Type a submission into the widgets as text, the way the browser sends it."""
    for name, value in answers.items():
        if name in view.repeats:
            block = view.repeats[name]
            for number, entry in enumerate(value):
                if number >= len(block.instances):  # entries the form started with (a case's children) are rated
                    block.add()
                fields = block.instances[number].fields
                for item, v in entry.items():
                    fields[item].set_value(v)
        elif name in view.fields:
            view.fields[name].set_value(value)


def find(widget, css):
    """The first widget in the tree carrying the CSS class ``css``."""
    if css in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find(child, css)
        if found is not None:
            return found
    return None


def inline_png(html_text: str) -> bytes:
    """The PNG an ``<img src="data:image/png;base64,...">`` carries."""
    import base64
    import re

    return base64.b64decode(re.search(r"base64,([^\"]+)", html_text).group(1))


def copy_database(source, target) -> Path:
    """Copy a database with the files that belong with it (its audit key and the chain's head), as a
    backup must; returns ``target``."""
    import shutil

    from workbench.store import chain

    shutil.copy(source, target)
    for belonging, copied in zip(chain.files(source), chain.files(target)):
        if belonging.exists():
            shutil.copy(belonging, copied)
    return Path(target)


def row_counts(db) -> dict:
    """How many rows each table holds (to show that a refused write wrote nothing)."""
    return {t: db[t].count for t in db.table_names()}


# --- what an outsider may know of a research export's clients (test_research_export, test_research_notebook) ---
# Worked out from the database by SQL and plain Python, without the export's or workbench.disclosure's code.

FINE_AGES = [(0, 13, "0-13"), (14, 17, "14-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"),
             (50, 64, "50-64"), (65, 999, "65+")]
BROAD_AGES = [(0, 17, "0-17"), (18, 34, "18-34"), (35, 64, "35-64"), (65, 999, "65+")]
HOUSEHOLD_BANDS = [(1, 1, "1"), (2, 2, "2"), (3, 4, "3-4"), (5, 999, "5+")]


def case_facts(db) -> list[dict]:
    """Per case: ``case_id, subject`` (``h12``/``p34``), ``episode`` (the subject's cases by opening day),
    ``programme, sex, birth_date, opened_on`` (real, ISO) and ``household_size`` (persons of the case)."""
    rows = db.execute("""select c.id, c.household_id, c.person_id, c.programme, c.opened_on, p.sex, p.birth_date,
        case when c.person_id is not null then 1
             else (select count(*) from household_members m where m.household_id = c.household_id) end
        from cases c left join persons p on p.id = coalesce(c.person_id, (select m.person_id from household_members m
            where m.household_id = c.household_id order by m.relation != 'applicant', m.id limit 1))
        order by coalesce('h' || c.household_id, 'p' || c.person_id), c.opened_on, c.id""").fetchall()
    facts, seen = [], {}
    for case_id, household, person, programme, opened_on, sex, born, size in rows:
        subject = f"h{household}" if household is not None else f"p{person}"
        seen[subject] = seen.get(subject, 0) + 1
        facts.append({"case_id": case_id, "subject": subject, "episode": seen[subject], "programme": programme,
                      "sex": sex, "birth_date": born, "opened_on": opened_on, "household_size": size})
    return facts


def whole_years(born: str | None, on: str) -> int | None:
    if not born:
        return None
    b, o = date.fromisoformat(born), date.fromisoformat(on)
    return o.year - b.year - ((o.month, o.day) < (b.month, b.day))


def band_of(value, bands) -> str | None:
    if value is None:
        return None
    return next(label for low, high, label in bands if low <= value <= high)


def period_of(day: str, period: str) -> str:
    """``2026-03-14`` → day ``2026-03-14``, month ``2026-03``, quarter ``2026-Q1``, half-year ``2026-H1``,
    year ``2026``."""
    year, month = day[:4], int(day[5:7])
    return {"day": day, "month": day[:7], "quarter": f"{year}-Q{(month - 1) // 3 + 1}",
            "half-year": f"{year}-H{(month - 1) // 6 + 1}", "year": year}[period]


def share_of_unique(keys_by_client: list[tuple[str, tuple]]) -> float:
    """``[(client, key), ...]``: the share of clients with a key (of any of their cases) no other client has."""
    holders: dict[tuple, set] = {}
    for client, key in keys_by_client:
        holders.setdefault(key, set()).add(client)
    clients = {client for client, _ in keys_by_client}
    unique = {client for client, key in keys_by_client if holders[key] == {client}}
    return len(unique) / len(clients) if clients else 0.0


# --- the world of the period indicators (test_indicators, test_period_report, test_tidy_frames) ---

WORLD_ACTOR = "olena.demo"


def _world_member(given, born, sex="female", relation="applicant", family="Тихоліс"):
    member = {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relation": relation}
    if relation == "child":
        member["consent_given_by"] = "мати"
    return member


def _world_moves(db, case_id, *steps):
    """The world's moves, let through by the supervisor where a condition is lacking: the world's counts
    are known in advance, so it adds no assessment, goal or review of its own."""
    for status, on in steps:
        advance(db, case_id, status, on=on, actor=WORLD_ACTOR, override=True)


@pytest.fixture
def world(db, instrument, valid_answers):
    """A small database whose period indicators are known in advance (:data:`WORLD_INDICATORS`).

    The world (TODAY is 15.06.2026; the periods are 2026 and 2025):

    - family A (family in difficult circumstances: mother and two children), family support, opened
      01.11.2025, in accompaniment from 15.11.2025 and still open — its accompaniment is cut in two by
      the new year; a needs assessment of 03.11.2025 corrected once; an assessment to determine a
      child's status as affected by war on 10.02.2026; a consultation on 01.12.2025 and humanitarian
      aid twice in 2026 (the family counts once);
    - family B (IDPs: mother and son), IDP support, opened 15.01.2026, a needs assessment on 22.01.2026,
      a mobile team visit and humanitarian aid on 20.01.2026; the mother stayed in a temporary shelter
      20.12.2025–31.01.2026 and the son from 05.01.2026 on;
    - family D (in difficult circumstances), accompanied 01.03.2025–30.09.2025, closed with its goals
      achieved;
    - young person C (care leaver) opened 01.02.2026 with a consultation, then withdrew consent: C
      counts nowhere;
    - events: group session 05.03.2026 (12 people, 5 children, 3 IDPs), training 01.04.2026 (8),
      awareness campaign 01.05.2026 (20, corrected to 25), humanitarian aid distribution 14.02.2026 (40),
      mobile team trip 25.01.2026 (6), group session 01.06.2025 (10).
    """
    from workbench.store.assessments import correct_assessment, save_assessment
    from workbench.store.events import correct_event, record_event
    from workbench.store.intake import intake, register_client
    from workbench.store.lifecycle import close_case
    from workbench.store.people import household_members
    from workbench.store.services import record_service
    from workbench.store.shelter import end_stay, record_stay

    a = intake(db, WORLD_ACTOR, programme="family_support", category="family_difficult_circumstances",
               members=[_world_member("Ганна", "1990-04-02"), _world_member("Злата", "2018-09-30", relation="child"),
                        _world_member("Остап", "2016-02-11", sex="male", relation="child")],
               consent_given_on="2025-11-01", intake_on="2025-11-01", today=TODAY)
    _world_moves(db, a, ("assessment", "2025-11-03"), ("plan", "2025-11-10"), ("accompaniment", "2025-11-15"))
    first = save_assessment(db, WORLD_ACTOR, case_id=a, instrument=instrument, answers=valid_answers,
                            assessed_on="2025-11-03", today=TODAY)
    correct_assessment(db, WORLD_ACTOR, assessment_id=first, instrument=instrument, answers=valid_answers,
                       reason="Виправлено дату народження дитини", today=TODAY)
    save_assessment(db, WORLD_ACTOR, case_id=a, instrument=instrument, answers=valid_answers, assessed_on="2026-02-10",
                    purpose="child_war_status", today=TODAY)
    record_service(db, WORLD_ACTOR, a, service_type="consultation", provided_on="2025-12-01", today=TODAY)
    for day in ("2026-02-01", "2026-03-01"):
        record_service(db, WORLD_ACTOR, a, service_type="humanitarian_aid", provided_on=day, today=TODAY)

    b = intake(db, WORLD_ACTOR, programme="idp_support", category="idp",
               members=[_world_member("Оксана", "1988-07-07", family="Левадчук"),
                        _world_member("Назар", "2012-03-03", sex="male", relation="child", family="Левадчук")],
               consent_given_on="2026-01-15", intake_on="2026-01-15", today=TODAY)
    nazar = db.execute("select id from persons where given_name = 'Назар'").fetchone()[0]
    nazar_rated = dict(valid_answers["child"][0], child_person=nazar, child_name="Назар", child_birth_date=date(2012, 3, 3))
    save_assessment(db, WORLD_ACTOR, case_id=b, instrument=instrument, answers=dict(valid_answers, child=[nazar_rated]),
                    assessed_on="2026-01-22", today=TODAY)
    for kind in ("mobile_team_visit", "humanitarian_aid"):
        record_service(db, WORLD_ACTOR, b, service_type=kind, provided_on="2026-01-20", today=TODAY)
    mother, son = [m["id"] for m in household_members(db, "halyna.demo", db["cases"].get(b)["household_id"])]
    stay = record_stay(db, WORLD_ACTOR, mother, shelter="Гуртожиток на Лісовій", from_on="2025-12-20", today=TODAY)
    end_stay(db, WORLD_ACTOR, stay, to_on="2026-01-31", today=TODAY)
    record_stay(db, WORLD_ACTOR, son, shelter="Гуртожиток на Лісовій", from_on="2026-01-05", today=TODAY)

    d = intake(db, WORLD_ACTOR, programme="family_support", category="family_difficult_circumstances",
               members=[_world_member("Ірина", "1985-05-05", family="Колосаєнко")],
               consent_given_on="2025-02-20", intake_on="2025-02-20", today=TODAY)
    _world_moves(db, d, ("assessment", "2025-02-22"), ("plan", "2025-02-25"), ("accompaniment", "2025-03-01"))
    close_case(db, WORLD_ACTOR, d, reason="goals_achieved", on="2025-09-30", today=TODAY)

    c = register_client(db, WORLD_ACTOR, family_name="Ясногірко", given_name="Петро", birth_date="2007-01-01", sex="male",
                        category="care_leaver", consent_given_on="2026-02-01", programme="care_leavers",
                        intake_on="2026-02-01", today=TODAY)
    record_service(db, WORLD_ACTOR, c, service_type="consultation", provided_on="2026-03-01", today=TODAY)

    def event(day, kind, n, children=0, idps=0):
        return record_event(db, WORLD_ACTOR, held_on=day, event_type=kind, project="Разом", place="Бібліотека",
                            participants=n, children=children, idps=idps, staff=[WORLD_ACTOR], today=TODAY)

    event("2026-03-05", "group_session", 12, 5, 3)
    event("2026-04-01", "training", 8)
    campaign = event("2026-05-01", "awareness_campaign", 20)
    correct_event(db, WORLD_ACTOR, campaign, reason="Дорахували учасників", held_on="2026-05-01",
                  event_type="awareness_campaign", project="Разом", place="Бібліотека", participants=25,
                  staff=[WORLD_ACTOR], today=TODAY)
    event("2026-02-14", "humanitarian_aid_distribution", 40)
    event("2026-01-25", "mobile_team_trip", 6)
    event("2025-06-01", "group_session", 10)
    return {"a": a, "b": b, "c": c, "d": d, "c_person": db["cases"].get(c)["person_id"]}


WORLD_INDICATORS = {  # indicator: (2026, 2025)
    "persons_reached_group_work": (12 + 8 + 25, 10),
    "services_provided": (4, 1),
    "subjects_served": (2, 1),
    "needs_assessments": (1, 1),
    "humanitarian_aid_persons": (3 + 2 + 40, 0),
    "families_accompaniment": (1, 2),
    "child_war_status_assessments": (1, 0),
    "idps_in_shelter": (2, 1),
    "mobile_team_visits": (2, 0),
    "cases_opened": (1, 2),
    "cases_closed_goals_achieved": (0, 1),
}


def saved_rows(app) -> list[tuple[int, str]]:
    """The assessment view's saved list: (assessment id, the row's text), newest first."""
    return [(int(i), text) for i, text in
            re.findall(r'<li class="wb-saved-row" data-assessment="(\d+)">(.*?)</li>', app.saved_list.value)]


def correct_first(app) -> None:
    """View the first saved assessment and click Correct, as a worker does."""
    app.view(saved_rows(app)[0][0])
    app.correct_button.click()


def run_async(coroutine):
    """Run ``coroutine`` to its end in a thread of its own. ``asyncio.run()`` refuses to start in a thread where
    an event loop is running, as Playwright's sync API leaves one in an xdist worker after a browser test file."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
