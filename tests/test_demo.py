"""The demo database: built by the same service code, deterministic, with the planted effects findable."""
import hashlib
import sqlite3
import statistics
from collections import Counter, defaultdict
from datetime import date

import pytest

from workbench import config
from workbench.analysis.frames import domain_score_frame
from workbench.analysis.outcomes import plan_t_scores
from workbench.demo import build_demo
from workbench.store.connection import open_db
from workbench.store.plans import case_goals, signoffs
from conftest import TODAY, copy_database, supervisor_of


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo(path, seed=11, households=120, care_leavers=20, today=TODAY)
    return path, summary


def test_the_demo_has_households_people_cases_and_assessments(demo):
    path, summary = demo
    db = open_db(path)
    assert summary.households == db["households"].count == 120
    assert summary.persons == db["persons"].count > 300
    assert db["cases"].count == 140
    assert db["assessments"].count == summary.assessments + summary.corrections
    assert summary.corrections > 0
    with_consent = db.execute("select count(distinct person_id) from consents where purpose = 'data_processing'")
    assert with_consent.fetchone()[0] == db["persons"].count
    assert {r["role"] for r in db.query("select role from users")} == {"case_manager", "supervisor", "researcher",
                                                                        "head_of_centre", "administrator"}
    teams = {r["teams"] for r in db.query("select teams from user_versions")}
    assert teams == {"[]", '["Північ"]', '["Південь"]'}  # two teams; the head, administrator and researcher in none
    programmes = {r["programme"] for r in db.query("select programme from cases")}
    assert programmes == {"family_support", "idp_support", "care_leavers"}


def test_the_same_seed_gives_the_same_data(tmp_path, demo):
    path, _ = demo
    again = tmp_path / "again.db"
    build_demo(again, seed=11, households=120, care_leavers=20, today=TODAY)

    def digest(p):
        db = open_db(p)
        rows = db.execute("select assessment_id, item, instance, value from answers order by 1, 2, 3").fetchall()
        rows += db.execute("select goal_id, reviewed_on, level from goal_reviews order by id").fetchall()
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    assert digest(path) == digest(again)


def test_the_planted_effects_are_there(demo):
    path, _ = demo
    db = open_db(path)
    frame = domain_score_frame(db, "halyna.demo", "family_needs_assessment")  # care leavers' profiles are scored the other way
    per_case = frame.groupby(["programme", "case_id", "visit"])["score"].mean().reset_index()
    first = per_case[per_case["visit"] == 1].set_index("case_id")["score"]
    last = per_case.sort_values("visit").groupby("case_id").last()
    change = (last["score"] - first.reindex(last.index)).where(last["visit"] > 1).dropna()
    by_programme = change.groupby(last.loc[change.index, "programme"]).mean()
    assert by_programme["family_support"] < by_programme["idp_support"] < 0
    assert (change > 0.25).sum() >= 5  # some clients get worse
    visits = per_case.groupby("case_id")["visit"].max()
    assert (visits <= 2).sum() >= 10  # dropouts and recent cases
    late = db.execute("""select count(*) from cases c join assessments a on a.case_id = c.id
                         where a.supersedes is null and julianday(a.assessed_on) - julianday(c.opened_on) > 7
                         and a.assessed_on = (select min(assessed_on) from assessments x where x.case_id = c.id)
                      """).fetchone()[0]
    assert late >= 10


def test_the_demo_walks_cases_through_the_whole_cycle(demo):
    from collections import Counter

    from workbench.store.deadlines import case_deadlines
    from workbench.store.lifecycle import case_state

    path, summary = demo
    db = open_db(path)
    states = [case_state(db, "halyna.demo", r[0]) for r in db.execute("select id from cases")]
    statuses = Counter(s["status"] for s in states)
    assert statuses["closed"] >= 10 and statuses["accompaniment"] >= 10
    reasons = Counter(s["closure_reason"] for s in states if s["closure_reason"])
    assert reasons["goals_achieved"] > reasons["refused"] and len(reasons) >= 3
    assert sum(1 for s in states if s["urgent_on"]) >= 2
    services = Counter(r[0] for r in db.execute("select service_type from services"))
    assert {"home_visit", "consultation", "humanitarian_aid", "referral"} <= set(services)
    assert summary.services == sum(services.values())
    kinds = Counter(r[0] for r in db.execute("select kind from case_events"))
    assert kinds["transfer"] >= 1 and kinds["extension"] >= 1
    first_deadline = Counter(case_deadlines(db, "halyna.demo", s["case_id"], today=TODAY, state=s)[0]["state"] for s in states)
    assert first_deadline["late"] >= 5 and first_deadline["done"] > first_deadline["late"]


def _care_leaver_cases(db) -> set[int]:
    return {r[0] for r in db.execute("select id from cases where programme = 'care_leavers'")}


def test_care_leavers_have_care_profiles_and_their_quality_of_life_rises(demo):
    path, _ = demo
    db = open_db(path)
    frame = domain_score_frame(db, "halyna.demo", "care_profile")
    assert set(frame["programme"]) == {"care_leavers"}
    assert set(frame["domain"]) == {"quality_of_life"} and frame["score"].between(1, 5).all()
    per_case = frame.groupby(["case_id", "visit"])["score"].mean().reset_index()
    visits = per_case.groupby("case_id")["visit"].max()
    assert set(visits.index) == _care_leaver_cases(db)  # every care leaver has a baseline profile
    assert (visits >= 3).sum() >= 5 and (visits == 1).sum() >= 1
    first = per_case[per_case["visit"] == 1].set_index("case_id")["score"]
    latest = per_case.sort_values("visit").groupby("case_id").last()
    followed = latest[latest["visit"] > 1]
    change = followed["score"] - first.reindex(followed.index)
    assert first.reindex(followed.index).mean() + 0.2 < followed["score"].mean()
    assert change.mean() > 0.2 and (change < 0).sum() >= 1  # better on average, some worse
    baselines = [r[0] for r in db.execute("""select id from assessments a where instrument_id = 'care_profile'
                 and assessed_on = (select min(assessed_on) from assessments x where x.case_id = a.case_id)""")]
    for assessment_id in baselines:
        answers = dict(db.execute("select item, value from answers where assessment_id = ?", [assessment_id]).fetchall())
        assert answers["wish_1"] and answers["personal_strengths"] and answers["next_step"]
        assert answers["wish_1_domain"] in config.load_config()["life_domains"]
    wishes = {r[0] for r in db.execute("select value from answers where item in ('wish_1', 'wish_2', 'wish_3')")}
    assert len(wishes) >= 10


def test_care_leaver_cases_move_through_the_lifecycle(demo):
    from workbench.store.deadlines import case_deadlines
    from workbench.store.lifecycle import case_state

    path, _ = demo
    db = open_db(path)
    states = [case_state(db, "halyna.demo", case_id) for case_id in _care_leaver_cases(db)]
    statuses = Counter(s["status"] for s in states)
    assert statuses["closed"] >= 2 and statuses["accompaniment"] + statuses["review"] >= 5
    assert statuses["intake"] == statuses["assessment"] == 0
    assert {"refused", "moved_away"} & {s["closure_reason"] for s in states}
    first_deadline = Counter(case_deadlines(db, "halyna.demo", s["case_id"], today=TODAY, state=s)[0]["state"] for s in states)
    assert first_deadline["overdue"] == 0 and first_deadline["done"] > first_deadline["late"]


def _goals_by_programme(db) -> dict[str, list[dict]]:
    goals = defaultdict(list)
    for case_id, programme in db.execute("select id, programme from cases").fetchall():
        goals[programme] += [dict(g, programme=programme) for g in case_goals(db, "halyna.demo", case_id)]
    return goals


def test_goals_are_reached_more_often_and_sooner_in_care_leavers_than_in_idp_support(demo):
    path, _ = demo
    db = open_db(path)
    goals = _goals_by_programme(db)
    assert set(goals) == {"family_support", "idp_support", "care_leavers"}
    reached, days = {}, {}
    for programme, its_goals in goals.items():
        reviewed = [g for g in its_goals if g["reviews"]]
        assert len(reviewed) >= 10
        reached[programme] = sum(g["reviews"][-1]["level"] >= 0 for g in reviewed) / len(reviewed)
        days[programme] = statistics.median(
            (date.fromisoformat(first["reviewed_on"]) - date.fromisoformat(g["set_on"])).days
            for g in reviewed if (first := next((r for r in g["reviews"] if r["level"] >= 0), None)))
    assert reached["care_leavers"] > reached["idp_support"] + 0.1
    assert days["care_leavers"] < days["idp_support"]


def test_plans_have_goals_actions_reviews_closures_and_sign_offs(demo):
    path, _ = demo
    db = open_db(path)
    life_domains = config.load_config()["life_domains"]
    all_goals = [g for its_goals in _goals_by_programme(db).values() for g in its_goals]
    per_case = Counter(g["case_id"] for g in all_goals)
    assert set(per_case.values()) <= {1, 2, 3} and len(per_case) >= 50
    for goal in all_goals:
        assert goal["domain"] in life_domains and all(goal["levels"]) and len(set(goal["levels"])) == 5
        set_on = date.fromisoformat(goal["set_on"])
        assert 90 <= (date.fromisoformat(goal["target_date"]) - set_on).days <= 180
        assert 1 <= len(goal["actions"]) <= 2
        for review in goal["reviews"]:
            assert set_on <= date.fromisoformat(review["reviewed_on"]) <= TODAY and -2 <= review["level"] <= 2
    assert {"parenting", "child_wellbeing", "housing"} <= {g["domain"] for g in all_goals}
    assert sum(g["weight"] is not None for g in all_goals) >= 10
    actions = [a for g in all_goals for a in g["actions"]]
    assert 0 < sum(a["done_on"] is not None for a in actions) < len(actions)
    status = Counter(g["status"] for g in all_goals)
    assert status["abandoned"] >= 3 and status["achieved"] >= 20 and status["open"] >= 20
    assert all(g["closed_reason"] for g in all_goals if g["status"] == "abandoned")
    assert all(g["reviews"] and g["reviews"][-1]["level"] >= 0 for g in all_goals if g["status"] == "achieved")
    plan_signed = sum(any(s["kind"] == "plan" and s["signed_by"] == supervisor_of(db, case_id)
                          for s in signoffs(db, "halyna.demo", case_id)) for case_id in per_case)
    assert plan_signed > 0.7 * len(per_case)
    assert db.execute("select count(*) from signoffs where kind = 'assessment'").fetchone()[0] > 0.7 * len(per_case)


def test_gas_t_scores_of_a_case_with_reviews(demo):
    path, _ = demo
    db = open_db(path)
    case_id = db.execute("""select g.case_id from goals g join goal_reviews r on r.goal_id = g.id
                            group by g.case_id having count(distinct g.id) >= 2 order by g.case_id""").fetchone()[0]
    scores = plan_t_scores(db, "halyna.demo", case_id)
    review_days = {r["reviewed_on"] for g in case_goals(db, "halyna.demo", case_id) for r in g["reviews"]}
    assert [s["on"].isoformat() for s in scores] == sorted(review_days)
    assert all(20 < s["t_score"] < 80 and s["goals"] >= 1 for s in scores)
    every = [s["t_score"] for (c,) in db.execute("select distinct case_id from goals").fetchall()
             for s in plan_t_scores(db, "halyna.demo", c)]
    assert all(20 < t < 80 for t in every) and min(every) < 45 < 55 < max(every)


def test_the_demo_gives_every_period_indicator_data_in_both_years(demo):
    from workbench.analysis.indicators import IndicatorData, indicator_values

    path, summary = demo
    db = open_db(path)
    assert summary.events == db["events"].count > 100 and summary.shelter_stays == db["shelter_stays"].count > 10
    purposes = Counter(r[0] for r in db.execute("select purpose from assessments"))
    assert set(purposes) == {"needs_assessment", "review", "child_war_status"}
    assert db.execute("select count(*) from events where supersedes is not null").fetchone()[0] > 0
    # A year's window ending on the demo's today, and the year before it.
    values = indicator_values(IndicatorData(db, "halyna.demo"), ("2025-06-16", "2026-06-15")).set_index("indicator")
    assert (values["value"] > 0).all(), values[values["value"] == 0].index.tolist()
    # The demo's cases start ~15 months back: the year before has fewer, and no closures or status checks yet.
    assert (values.drop(index=["cases_closed_goals_achieved", "child_war_status_assessments"])["previous"] > 0).all()


def test_the_demo_breaks_no_rule_and_the_check_finds_a_move_that_does(demo, tmp_path):
    from workbench.store.cycle import moves_against_rules

    from workbench.store.integrity import check_database

    db = open_db(demo[0])
    moves = db.execute("select count(*) from case_events where kind = 'move'").fetchone()[0]
    assert moves > 100 and moves_against_rules(db, "halyna.demo") == []
    report = check_database(db)  # `workbench check` replays the moves too
    assert not report.problems and not [w for w in report.warnings if w.key.startswith("check.move")]
    db.conn.close()
    # The check is no empty promise: a move written past the store (a plain sqlite3 client) is found.
    copy = copy_database(demo[0], tmp_path / "copy.db")
    raw = sqlite3.connect(copy)
    # a move to planning dated the day before the case came in: no needs assessment can be in its cycle
    case_id, recorded_by, before_intake = raw.execute(
        "select id, worker, date(opened_on, '-1 day') from cases order by id limit 1").fetchone()
    raw.execute("""insert into case_events (case_id, kind, from_status, to_status, effective_on, recorded_at, recorded_by)
                   values (?, 'move', 'assessment', 'plan', ?, '2026-01-01T00:00:00', ?)""",
                [case_id, before_intake, recorded_by])
    raw.commit()
    raw.close()
    copied = open_db(copy)
    found = moves_against_rules(copied, "halyna.demo")
    assert [(f["case_id"], f["to_status"], f["missing"]) for f in found] == [(case_id, "plan", ["needs_assessment"])]
    number = copied.execute("select case_number from cases where id = ?", [case_id]).fetchone()[0]
    warned = [w.message("uk") for w in check_database(copied).warnings if w.key == "check.move_against_rules"]
    assert len(warned) == 1 and number in warned[0] and "«Планування»" in warned[0]


def test_families_in_accompaniment_receive_the_service_so_the_report_finds_no_gap(demo):
    from workbench.analysis.report import period_report

    db = open_db(demo[0])
    for period in ("2026-Q1", "2025-Q4"):  # the demo's last full quarters (its today is 15.06.2026)
        report = period_report(db, "halyna.demo", period, lang="en")
        assert report.quality.empty, report.quality_line()
        families = report.indicators.set_index("indicator").loc["families_accompaniment", "value"]
        served = report.table("services").set_index("Service type").loc["Social accompaniment"]
        assert families > 10 and served["Families or persons"] >= families and served["Services"] > families
