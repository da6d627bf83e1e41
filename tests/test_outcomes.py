"""Outcomes: change by domain, the heatmap's matrix, goal attainment, and the notebook on the demo data."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from conftest import TODAY
from workbench.analysis import outcomes
from workbench.gas import gas_t_score
from workbench.i18n import UserError
from workbench.store.plans import add_goal, close_goal, review_goal

ROOT = Path(__file__).resolve().parents[1]
FAMILY = outcomes.instrument_named("family_needs_assessment")
CARE = outcomes.instrument_named("care_profile")
LEVELS = ["much worse", "worse", "as expected", "better", "much better"]


def _scores(rows):
    """An axis-score frame from (case, day, axis, score) rows."""
    frame = pd.DataFrame(rows, columns=["case_id", "assessed_on", "axis", "score"])
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"])
    frame["case_number"] = frame["case_id"].map(lambda c: f"2026-{c:05d}")
    frame["programme"], frame["worker"] = "family_support", "olena.demo"
    frame["assessment_id"] = frame.groupby(["case_id", "assessed_on"]).ngroup() + 1
    return frame[outcomes.AXIS_COLUMNS]


NEEDS = _scores([
    # case 1 improves by 1 point on every domain (needs fall), case 2 by 0.25 (unchanged at 0.5),
    # case 3 gets worse by 0.5; case 4 has one assessment only.
    (1, "2026-01-10", "child_development", 2.0), (1, "2026-03-10", "child_development", 1.5),
    (1, "2026-05-10", "child_development", 1.0),
    (2, "2026-01-12", "child_development", 2.0), (2, "2026-04-12", "child_development", 1.75),
    (3, "2026-02-01", "child_development", 1.0), (3, "2026-05-01", "child_development", 1.5),
    (4, "2026-05-01", "child_development", 3.0),
])


def test_change_by_domain_with_shares_improved_unchanged_worse():
    change = outcomes.domain_change(NEEDS, FAMILY).set_index("axis")
    row = change.loc["child_development"]
    assert row["clients"] == 3
    assert row["mean_first"] == pytest.approx((2.0 + 2.0 + 1.0) / 3)
    assert row["mean_latest"] == pytest.approx((1.0 + 1.75 + 1.5) / 3)
    assert row["change"] == pytest.approx((-1.0 - 0.25 + 0.5) / 3)
    assert (row["improved"], row["unchanged"], row["worse"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert change.loc["parenting_capacity", "clients"] == 0  # no scores: no invented numbers


def test_higher_is_better_on_a_functioning_scale():
    scores = NEEDS.assign(axis="housing")
    row = outcomes.domain_change(scores, CARE).set_index("axis").loc["housing"]
    # The same numbers on the CARe profile: case 1 got worse, case 3 better.
    assert (row["improved"], row["worse"]) == pytest.approx((1 / 3, 1 / 3))


def test_a_period_takes_the_latest_score_up_to_its_end():
    pairs = outcomes.first_and_latest(NEEDS, "2026-Q1").set_index("case_id")
    # Case 1's latest by 31.03 is March's 1.5; case 3 (assessed first in February) is in; case 4 is not.
    assert pairs.loc[1, "score_latest"] == 1.5 and pairs.loc[1, "assessments"] == 2
    assert set(pairs.index) == {1, 2, 3}
    assert list(outcomes.first_and_latest(NEEDS, "2026-Q2").index) != []
    with pytest.raises(UserError):
        outcomes.first_and_latest(NEEDS, "2026-Q5")


def _teams():
    """Six clients of Olena (latest needs 2, 2, 2, 1, 1, 1 on child development; 1 on parenting), three of
    Andrii (latest 3, 3, 3), and one more of Olena in another programme."""
    rows = [(case, "2026-02-01", "child_development", latest) for case, latest in
            zip(range(1, 10), [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 3.0, 3.0, 3.0])]
    rows += [(case, "2026-02-01", "parenting_capacity", 1.0) for case in range(1, 7)]
    rows += [(10, "2026-02-01", "child_development", 0.0)]
    scores = _scores(rows)
    scores.loc[scores["case_id"].between(7, 9), "worker"] = "andrii.demo"
    scores.loc[scores["case_id"] == 10, "programme"] = "idp_support"
    scores["worker_name"] = scores["worker"].map({"olena.demo": "Олена Тихоліс", "andrii.demo": "Андрій Вербанюк"})
    return scores


def test_the_heatmap_data_are_means_per_worker_and_domain_with_small_groups_hidden():
    needs = outcomes.latest_needs(_teams(), FAMILY, lang="en")
    assert list(needs.columns) == outcomes.NEEDS_COLUMNS
    rows = [tuple(row) for row in needs.itertuples(index=False)]
    # Olena: 7 clients on child development (mean of 2, 2, 2, 1, 1, 1, 0), 6 on parenting; Andrii's three
    # clients are too few for their mean (3.0, the worst) to be shown, so they come last, not first.
    assert rows[:2] == [("Олена Тихоліс", "Child's developmental needs", pytest.approx(9 / 7), 7),
                        ("Олена Тихоліс", "Parenting capacity", 1.0, 6)]
    assert rows[2][0] == "Андрій Вербанюк" and pd.isna(rows[2][2]) and rows[2][3] == 3
    assert needs.attrs == {"by": "worker", "min_clients": 5}
    shown = outcomes.latest_needs(_teams(), FAMILY, lang="en", min_clients=3)
    assert list(dict.fromkeys(shown["group"])) == ["Андрій Вербанюк", "Олена Тихоліс"]  # worst first
    assert outcomes.latest_needs(_teams().drop(columns="worker_name"), FAMILY)["group"].iloc[0] == "olena.demo"


def test_the_heatmap_data_by_programme_in_ukrainian_and_by_period():
    needs = outcomes.latest_needs(_teams(), FAMILY, lang="uk", by="programme", min_clients=1)
    assert list(dict.fromkeys(needs["group"])) == ["Супровід сімей з дітьми у складних життєвих обставинах",
                                                   "Підтримка внутрішньо переміщених сімей"]
    assert needs["axis"].iloc[0] == "Потреби розвитку дитини" and needs["clients"].iloc[0] == 9
    assert needs.attrs["by"] == "programme"
    assert outcomes.latest_needs(_teams(), FAMILY, "2025").empty  # no assessment up to the end of 2025
    for bad in (dict(by="case"), dict(min_clients=0), dict(min_clients="5")):
        with pytest.raises(UserError):
            outcomes.latest_needs(_teams(), FAMILY, **bad)


def test_an_unknown_instrument_or_programme_is_a_clear_message(db):
    with pytest.raises(UserError) as caught:
        outcomes.instrument_named("outcomes_star")
    assert "family_needs_assessment" in caught.value.message("en")
    with pytest.raises(UserError):
        outcomes.axis_scores(db, "halyna.demo", FAMILY, programme="nobody")
    assert outcomes.axis_scores(db, "halyna.demo", FAMILY).empty  # an empty database: an empty frame


def test_goal_attainment_per_worker(db, household_case):
    case = household_case

    def goal(title, weight=None):
        return add_goal(db, "olena.demo", case, wish="Хочу мати роботу", title=title, domain="work_education",
                        set_on="2026-02-01", target_date="2026-06-01", levels=LEVELS, weight=weight, today=TODAY)

    first, second, third, never = goal("Робота"), goal("Житло", weight=2), goal("Школа"), goal("Гурток")
    review_goal(db, "olena.demo", first, level=2, reviewed_on="2026-04-01", today=TODAY)
    review_goal(db, "olena.demo", second, level=-1, reviewed_on="2026-04-01", today=TODAY)
    review_goal(db, "olena.demo", second, level=0, reviewed_on="2026-05-01", today=TODAY)
    review_goal(db, "olena.demo", third, level=-2, reviewed_on="2026-04-01", today=TODAY)
    close_goal(db, "olena.demo", third, kind="abandoned", on="2026-05-02", reason="Переїзд школи", today=TODAY)
    row = outcomes.goal_attainment(db, "halyna.demo", by="worker").set_index("group").loc["olena.demo"]
    assert (row["goals_set"], row["goals_reviewed"], row["goals_achieved"]) == (4, 3, 2)
    assert row["share_achieved"] == pytest.approx(2 / 3)
    assert row["cases"] == 1 and row["name"] == "Олена Тихоліс (демо)"
    table = outcomes.goal_table(outcomes.goal_attainment(db, "halyna.demo", by="worker"), "worker", "uk")
    assert table.iloc[0]["Група"] == "Олена Тихоліс (демо)"  # the display name, not the login
    assert table.attrs["kinds"]["Частка досягнутих"] == "share" and table.iloc[0]["Частка досягнутих"] == 2 / 3
    # The abandoned goal keeps its last level, −2: +2 (weight 1), 0 (weight 2) and −2 (weight 1) at ρ = 0.3
    # give Σwx = 2 + 0 − 2 = 0, so T = 50 (leaving it out would have given 50 + 20/sqrt(6.2) = 58.03).
    assert row["mean_t"] == pytest.approx(gas_t_score([2, 0, -2], [1, 2, 1], 0.3))
    assert row["mean_t"] == pytest.approx(50.0)
    # As it stood on 15.04.2026: the second goal was at −1, the third not yet abandoned.
    earlier = outcomes.goal_attainment(db, "halyna.demo", by="programme", period=("2026-01-01", "2026-04-15")).iloc[0]
    assert earlier["goals_achieved"] == 1 and earlier["mean_t"] == pytest.approx(gas_t_score([2, -1, -2], [1, 2, 1]))
    assert never


# --- the notebook on the demo data finds the planted effects ---------------------------------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("outcomes") / "demo.db"
    build_demo(path, seed=2026)
    return path


def _run_outcomes(demo_db, programme: str, lang: str = "en") -> dict:
    """Run notebooks/outcomes.ipynb with its parameters set, then read its frames back as JSON."""
    notebook = nbformat.read(ROOT / "notebooks" / "outcomes.ipynb", as_version=4)
    index = next(n for n, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    everything = f"01.01.2000–{date.today():%d.%m.%Y}"  # the whole demo, not the default last full quarter
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(
        f"database = {str(demo_db)!r}\nprogramme = {programme!r}\nlang = {lang!r}\nperiod = {everything!r}"))
    notebook.cells.append(nbformat.v4.new_code_cell(  # each section keeps what its function returned
        "import json\nprint(json.dumps({'comparison': comparison.result.to_dict('records'), "
        "'goals': goals.result['programme'].to_dict('records'), 'change': change.result.to_dict('records'), "
        "'heatmap_rows': len(needs.result), 'caption': profile.figures[-1].caption}, default=float))"))
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text)


def test_the_outcomes_notebook_finds_the_planted_effects(demo_db):
    family = _run_outcomes(demo_db, "family_support")
    comparison = {row["programme"]: row for row in family["comparison"]}
    # Planted: family support's needs fall faster than IDP support's.
    assert comparison["family_support"]["mean_change"] < comparison["idp_support"]["mean_change"] < 0
    assert comparison["family_support"]["improved"] > comparison["idp_support"]["improved"]
    assert all(row["change"] < 0 for row in family["change"])  # needs fall in every domain
    assert 0 < family["heatmap_rows"] <= 3 * 6  # (workers) × (three domains), not one row per client
    goals = {row["group"]: row for row in family["goals"]}
    # Planted: care leavers' goals reach the expected level more often than family support's, then IDP's.
    assert goals["care_leavers"]["share_achieved"] > goals["family_support"]["share_achieved"] \
        > goals["idp_support"]["share_achieved"]
    assert goals["care_leavers"]["mean_t"] > goals["idp_support"]["mean_t"]


def test_the_outcomes_notebook_on_the_care_profile_shows_rising_quality_of_life(demo_db):
    care = _run_outcomes(demo_db, "care_leavers", lang="uk")
    assert len(care["change"]) == 12 and all(row["change"] > 0 for row in care["change"])
    assert care["comparison"][0]["programme"] == "care_leavers" and care["comparison"][0]["mean_change"] > 0.3
    # The last figure is the star chart of the mean first and latest profile, in Ukrainian, 1 to 5, higher better.
    assert care["caption"].startswith("Бали за сферами життя за шкалою від 1 до 5")
    assert "що далі від центру, то краще" in care["caption"]
