"""One rule for which goals count (workbench.gas): the support plan app, the outcomes notebook's functions and
the research cohort give the same GAS T-score for the same case, a case with an abandoned goal included."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from conftest import TODAY
from workbench.analysis import outcomes
from workbench.analysis.frames import case_frame, case_person_frame
from workbench.apps.support_plan import SupportPlanApp
from workbench.demo import build_demo
from workbench.evaluation import cohort
from workbench.gas import gas_t_score
from workbench.pseudonyms import Pseudonymiser
from workbench.research_export import export_research_dataset
from workbench.store.connection import open_db
from workbench.store.lifecycle import case_state
from workbench.store.plans import add_goal, case_goals, close_goal, review_goal
from workbench.store.research import consented_person_ids, withdrawn_case_ids

SECRET = "test-secret-for-one-gas-rule-0001"
LEVELS = ["Не ходить до школи", "Пропускає щотижня", "Ходить щодня", "Ходить і встигає", "Ходить і допомагає іншим"]


def _planted_case(db) -> int:
    """An open case whose people all consent to research: it gets a goal that goes badly and is abandoned."""
    consenting, withdrawn = consented_person_ids(db, "halyna.demo", "research"), withdrawn_case_ids(db, "halyna.demo")
    persons = case_person_frame(db, "halyna.demo")
    for case in case_frame(db, "halyna.demo").sort_values("case_id").itertuples():
        people = set(persons.loc[persons["case_id"] == case.case_id, "person_id"])
        if (case.case_id not in withdrawn and people <= consenting and case_state(db, "halyna.demo", case.case_id)["status"] != "closed"
                and case.opened_on <= pd.Timestamp("2026-03-01")):
            return int(case.case_id)
    raise AssertionError("the demo has no open case that consents to research")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo database, one of its cases given an abandoned goal, and its research export."""
    root = tmp_path_factory.mktemp("one_rule")
    build_demo(root / "demo.db", seed=11, households=30, care_leavers=8, today=TODAY)
    db = open_db(root / "demo.db")
    planted = _planted_case(db)
    worker = case_frame(db, "halyna.demo").set_index("case_id").loc[planted, "worker"]
    failing = add_goal(db, worker, planted, wish="Щоб дитина ходила до школи", title="Школа", domain="work_education",
                       set_on="2026-03-02", target_date="2026-08-01", levels=LEVELS, today=TODAY)
    review_goal(db, worker, failing, level=-1, reviewed_on="2026-04-01", today=TODAY)
    review_goal(db, worker, failing, level=-2, reviewed_on="2026-05-01", today=TODAY)
    close_goal(db, worker, failing, kind="abandoned", on="2026-05-02", reason="Сімʼя відмовилась", today=TODAY)
    kept = add_goal(db, worker, planted, wish="Мати роботу", title="Робота", domain="work_education",
                    set_on="2026-03-02", target_date="2026-08-01", levels=LEVELS, weight=2, today=TODAY)
    review_goal(db, worker, kept, level=1, reviewed_on="2026-06-01", today=TODAY)
    # Exact dates: the exported cases are matched to the database's by their opening day.
    export_research_dataset(db, root / "export", secret=SECRET, actor="halyna.demo", shift_dates=False)
    yield {"db": db, "planted": planted, "export": cohort.load_export(root / "export")}
    db.conn.close()


def _episodes(db, data) -> dict[tuple, int]:
    """``{(client, episode): case_id}`` for the exported cases, worked out as the export numbers episodes."""
    keys = Pseudonymiser(SECRET)
    cases = case_frame(db, "halyna.demo")
    cases["client"] = [keys.pseudonym("C", "client", s) for s in cases["subject_key"]]
    exported = data["clients"][["client", "episode", "opened_on"]]
    cases = cases.merge(exported[["client", "opened_on"]].drop_duplicates(), on=["client", "opened_on"])
    cases = cases.sort_values(["subject_key", "opened_on", "case_id"])
    cases["episode"] = cases.groupby("subject_key").cumcount() + 1
    check = cases.merge(exported, on=["client", "episode"], suffixes=("", "_export"))
    assert len(check) == len(exported) and (check["opened_on"] == check["opened_on_export"]).all()
    return {(c, int(e)): int(i) for c, e, i in zip(cases["client"], cases["episode"], cases["case_id"])}


def test_the_app_the_outcomes_and_the_cohort_give_the_same_t_score(demo):
    db, data = demo["db"], demo["export"]
    by_case = outcomes.case_gas(db, "halyna.demo").set_index("case_id")
    episodes = _episodes(db, data)
    research = cohort.gas_per_episode(data)
    compared, with_abandoned = 0, 0
    for row in research.itertuples():
        case_id = episodes[(row.client, row.episode)]
        app = outcomes.plan_t_scores(db, "halyna.demo", case_id)[-1]
        assert app["t_score"] == pytest.approx(row.t_score, abs=1e-9) == by_case.loc[case_id, "t_score"]
        assert app["goals"] == row.goals == by_case.loc[case_id, "goals"]
        compared += 1
        with_abandoned += any(g["status"] == "abandoned" and g["reviews"] for g in case_goals(db, "halyna.demo", case_id))
    assert compared >= 20 and with_abandoned >= 1 and demo["planted"] in episodes.values()
    # Every case with a review has the same score in the app and the outcomes, exported or not.
    every = {case_id: outcomes.plan_t_scores(db, "halyna.demo", case_id)
             for (case_id,) in db.execute("select distinct g.case_id from goals g join goal_reviews r on r.goal_id = g.id")}
    assert set(by_case.index) <= set(every)
    for case_id, t in by_case["t_score"].items():
        assert every[case_id][-1]["t_score"] == pytest.approx(t, abs=1e-9)
    # The outcomes notebook's table: each programme's mean T-score is the mean of its cases' app T-scores.
    table = outcomes.goal_attainment(db, "halyna.demo", by="programme").set_index("group")
    for programme, mine in by_case.groupby("programme"):
        assert table.loc[programme, "mean_t"] == pytest.approx(mine["t_score"].mean())
        assert table.loc[programme, "cases"] == len(mine)


def test_an_abandoned_goal_keeps_its_last_level_everywhere(demo):
    """The planted case: goals from before, the abandoned goal at −2 (its last review) and a new goal at +1
    (weight 2). Dropping the abandoned goal would have raised the case's score."""
    db, data, case_id = demo["db"], demo["export"], demo["planted"]
    goals = [g for g in case_goals(db, "halyna.demo", case_id) if g["reviews"]]
    levels = [g["reviews"][-1]["level"] for g in goals]
    weights = [g["weight"] or 1 for g in goals]
    expected = gas_t_score(levels, weights)
    without = gas_t_score(*zip(*[(x, w) for x, w, g in zip(levels, weights, goals) if g["status"] != "abandoned"]))
    assert -2 in levels and without > expected
    assert outcomes.plan_t_scores(db, "halyna.demo", case_id)[-1]["t_score"] == pytest.approx(expected)
    assert outcomes.case_gas(db, "halyna.demo").set_index("case_id").loc[case_id, "t_score"] == pytest.approx(expected)
    client, episode = next(k for k, v in _episodes(db, data).items() if v == case_id)
    research = cohort.gas_per_episode(data).set_index(["client", "episode"])
    assert research.loc[(client, episode), "t_score"] == pytest.approx(expected)
    # What the support plan app shows, rounded as it prints it.
    app = SupportPlanApp(db, "halyna.demo", "en", today=TODAY, case_id=case_id)  # the head of centre reads it
    assert f"{expected:.1f}" in app.t_score.value and "01.06.2026" in app.t_score.value
    # Before the goal was abandoned, on the day of its −2: the same rule, the same score in both places.
    on = date(2026, 5, 1)
    history = {s["on"]: s["t_score"] for s in outcomes.plan_t_scores(db, "halyna.demo", case_id)}
    spring = outcomes.case_gas(db, "halyna.demo", period=("2020-01-01", on)).set_index("case_id")
    assert spring.loc[case_id, "t_score"] == pytest.approx(history[on])
