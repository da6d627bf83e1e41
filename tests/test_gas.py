"""GAS T-scores against numbers worked out by hand from the Kiresuk & Sherman formula, and the rule
for which goals count on a day.

Formula (Kiresuk & Sherman 1968; Turner-Stokes 2009 with its erratum):
    T = 50 + 10·Σ(wᵢxᵢ) / sqrt((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)
No printed worked example was at hand to copy figures from, so every expected number below
is computed by hand in the comment beside it; none comes from running the code.
"""
import math
from datetime import date

import pytest

from workbench.gas import (GAS_LEVELS, Review, case_t_score, case_t_scores, check_level, check_weight,
                           counted_goals, gas_level_label, gas_t_score)
from workbench.i18n import UserError
from conftest import refused as _refused


def t2(value):
    """To 2 decimals, as a T-score is reported."""
    return round(value, 2)


def test_the_five_levels():
    assert GAS_LEVELS == (-2, -1, 0, 1, 2)


@pytest.mark.parametrize("rho", [0, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("weight", [None, [1], [2.5]])
def test_one_goal_at_the_extremes_gives_70_and_30_for_any_rho_and_weight(rho, weight):
    # One goal of weight w: denominator sqrt((1 − ρ)·w² + ρ·w²) = w·sqrt(1) = w,
    # so T = 50 + 10·w·x / w = 50 + 10x: +2 → 70, −2 → 30 (Kiresuk & Sherman 1968: SD of 10 per level).
    assert gas_t_score([2], weight, rho) == pytest.approx(70.0)
    assert gas_t_score([-2], weight, rho) == pytest.approx(30.0)
    assert gas_t_score([1], weight, rho) == pytest.approx(60.0)


@pytest.mark.parametrize("rho", [0, 0.3, 0.5, 0.99])
@pytest.mark.parametrize("weights", [None, [1, 1, 1], [1, 2, 3], [0.5, 7, 2]])
def test_every_goal_met_exactly_gives_50(rho, weights):
    # Σwᵢxᵢ = 0 whatever the weights, so T = 50 + 0 (the expected outcome, by construction).
    assert gas_t_score([0, 0, 0], weights, rho) == 50.0


def test_three_unweighted_goals_at_minus_one():
    # Σx = −3; Σw² = 3; (Σw)² = 9.
    # Denominator: sqrt(0.7·3 + 0.3·9) = sqrt(2.1 + 2.7) = sqrt(4.8) = 2.1909.
    # T = 50 + 10·(−3)/2.1909 = 50 − 13.693 = 36.307 → 36.31.
    assert t2(gas_t_score([-1, -1, -1])) == 36.31
    assert t2(gas_t_score([-1, -1, -1], rho=0.3)) == 36.31


def test_weighted_goals():
    # Weights 1, 2, 3; levels +1, 0, −1; ρ = 0.3.
    # Σwx = 1·1 + 2·0 + 3·(−1) = −2; Σw² = 1 + 4 + 9 = 14; Σw = 6, (Σw)² = 36.
    # Denominator: sqrt(0.7·14 + 0.3·36) = sqrt(9.8 + 10.8) = sqrt(20.6) = 4.5387.
    # T = 50 − 20/4.5387 = 50 − 4.4065 = 45.593 → 45.59.
    assert t2(gas_t_score([1, 0, -1], [1, 2, 3])) == 45.59
    # Weights 2, 1; levels +2, +1; ρ = 0.3.
    # Σwx = 4 + 1 = 5; Σw² = 4 + 1 = 5; (Σw)² = 9.
    # Denominator: sqrt(0.7·5 + 0.3·9) = sqrt(3.5 + 2.7) = sqrt(6.2) = 2.4900.
    # T = 50 + 50/2.4900 = 50 + 20.080 = 70.080 → 70.08.
    assert t2(gas_t_score([2, 1], [2, 1])) == 70.08


def test_weighting_the_harder_goal_moves_the_score_towards_it():
    # Same levels as above but unweighted: Σx = 0 → 50; weighting the missed goal (3) pulls T below 50.
    assert gas_t_score([1, 0, -1]) == 50.0
    assert gas_t_score([1, 0, -1], [1, 2, 3]) < 50


def test_other_values_of_rho():
    # Four unweighted goals at +1, 0, +2, −1: Σx = 2; Σw² = 4; (Σw)² = 16.
    # ρ = 0:   sqrt(1·4 + 0·16) = sqrt(4) = 2;                  T = 50 + 20/2      = 60.00.
    # ρ = 0.3: sqrt(0.7·4 + 0.3·16) = sqrt(2.8 + 4.8) = sqrt(7.6) = 2.7568; T = 50 + 7.2548 = 57.25.
    # ρ = 0.5: sqrt(0.5·4 + 0.5·16) = sqrt(2 + 8) = sqrt(10) = 3.1623;   T = 50 + 6.3246 = 56.32.
    levels = [1, 0, 2, -1]
    assert t2(gas_t_score(levels, rho=0)) == 60.00
    assert t2(gas_t_score(levels, rho=0.3)) == 57.25
    assert t2(gas_t_score(levels)) == 57.25
    assert t2(gas_t_score(levels, rho=0.5)) == 56.32
    # The three goals at −1 from above with ρ = 0: 50 − 30/sqrt(3) = 50 − 17.3205 = 32.68;
    # ρ = 0.5: sqrt(0.5·3 + 0.5·9) = sqrt(6) = 2.4495, 50 − 30/2.4495 = 50 − 12.2474 = 37.75.
    assert t2(gas_t_score([-1, -1, -1], rho=0)) == 32.68
    assert t2(gas_t_score([-1, -1, -1], rho=0.5)) == 37.75


def test_defining_properties():
    # Scaling every weight by the same factor changes nothing (numerator and denominator both scale by it).
    assert gas_t_score([2, -1, 1], [2, 2, 2]) == pytest.approx(gas_t_score([2, -1, 1]))
    assert gas_t_score([2, -1, 1], [3, 1, 2]) == pytest.approx(gas_t_score([2, -1, 1], [6, 2, 4]))
    # Mirroring every level mirrors T about 50.
    assert gas_t_score([2, -1, 1], [3, 1, 2]) - 50 == pytest.approx(50 - gas_t_score([-2, 1, -1], [3, 1, 2]))
    # The order of the goals does not matter.
    assert gas_t_score([2, -1, 1], [3, 1, 2]) == pytest.approx(gas_t_score([1, 2, -1], [2, 3, 1]))
    # Numbers from numpy and tuples are accepted like Python ints and lists.
    np = pytest.importorskip("numpy")
    assert gas_t_score(np.array([-1, -1, -1]), (1.0, 1.0, 1.0)) == pytest.approx(gas_t_score([-1, -1, -1]))


def test_level_labels_in_both_languages():
    assert [gas_level_label(level, "en") for level in GAS_LEVELS] == [
        "much less than expected", "somewhat less than expected", "expected outcome",
        "somewhat more than expected", "much more than expected"]
    assert gas_level_label(0, "uk") == "очікуваний результат"
    assert gas_level_label(-2, "uk") == "значно нижче за очікуване"
    assert gas_level_label(2, "uk") == "значно вище за очікуване"


@pytest.mark.parametrize("levels", [[3], [-3], [1, 1.0], [True], [0, False], ["1"], [None], [1, math.nan]])
def test_a_level_outside_the_five_is_refused(levels):
    error = _refused(lambda: gas_t_score(levels))
    assert error.key == "gas.goal" and error.params["problem"].key == "gas.level"
    assert error.params["position"] == len(levels)
    assert f"Goal {len(levels)}:" in error.message("en") and f"Ціль №{len(levels)}:" in error.message("uk")


def test_no_goals_is_refused():
    assert _refused(lambda: gas_t_score([])).key == "gas.empty"


@pytest.mark.parametrize("weights", [[1, 1], [1, 1, 1, 1], []])
def test_weights_of_another_length_are_refused(weights):
    assert _refused(lambda: gas_t_score([0, 1, -1], weights)).key == "gas.weights_length"


@pytest.mark.parametrize("weight", [0, -1, math.nan, math.inf, -math.inf, None, "2", True])
def test_a_weight_not_positive_and_finite_is_refused(weight):
    error = _refused(lambda: gas_t_score([0, 1], [1, weight]))
    assert error.key == "gas.goal" and error.params["problem"].key == "gas.weight"


@pytest.mark.parametrize("rho", [-0.1, 1, 1.5, math.nan, math.inf, None, "0.3", True])
def test_rho_outside_zero_to_one_is_refused(rho):
    assert _refused(lambda: gas_t_score([0, 1], rho=rho)).key == "gas.rho"


def test_rho_zero_is_allowed_and_one_is_not():
    # Two goals at +1, ρ = 0: 50 + 20/sqrt(2) = 50 + 14.142 = 64.14.
    assert t2(gas_t_score([1, 1], rho=0)) == 64.14
    _refused(lambda: gas_t_score([1, 1], rho=1.0))


@pytest.mark.parametrize("level", [3, -3, 0.0, True, None])
def test_a_label_for_no_level_is_refused(level):
    assert _refused(lambda: gas_level_label(level, "en")).key == "gas.level"
    with pytest.raises(UserError):
        check_level(level)


@pytest.mark.parametrize("weight", [0, -1, math.nan, math.inf, None, "2", True])
def test_check_weight_refuses_what_gas_t_score_refuses(weight):
    assert _refused(lambda: check_weight(weight)).key == "gas.weight"
    assert check_weight(2) == 2.0 and check_weight(0.5) == 0.5


# --- which goals count on a day ---------------------------------------------------------------------

# Goal 1 (weight 2): −1 on 01.03, +1 on 01.04. Goal 2: −2 on 01.03, then abandoned (no more reviews).
# Goal 3: reviewed twice on 01.05, +2 then 0 (the later one counts). Given out of date order on purpose.
REVIEWS = [Review(3, "2026-05-01", 2), Review(1, "2026-04-01", 1, 2.0), Review(1, "2026-03-01", -1, 2.0),
           Review(2, date(2026, 3, 1), -2), Review(3, "2026-05-01", 0)]


def test_each_goal_counts_with_its_latest_level_up_to_the_day():
    assert counted_goals(REVIEWS, "2026-02-28") == []
    assert {g.goal: g.level for g in counted_goals(REVIEWS, "2026-03-31")} == {1: -1, 2: -2}
    # Goal 2 keeps its −2 after its last review; goal 3 counts from its first review on.
    assert {g.goal: g.level for g in counted_goals(REVIEWS, "2026-04-01")} == {1: 1, 2: -2}
    assert {g.goal: g.level for g in counted_goals(REVIEWS)} == {1: 1, 2: -2, 3: 0}
    pd = pytest.importorskip("pandas")  # a frame's Timestamps are days like any other
    assert counted_goals(REVIEWS, pd.Timestamp("2026-04-01")) == counted_goals(REVIEWS, date(2026, 4, 1))


def test_the_case_t_score_weights_the_goals_that_count():
    assert case_t_score(REVIEWS, "2026-02-01") is None  # nothing reviewed yet
    # 01.04: +1 (weight 2) and −2 (weight 1): Σwx = 0, so T = 50.
    assert case_t_score(REVIEWS, "2026-04-15") == {"t_score": 50.0, "goals": 2}
    # After every review: +1 (weight 2), −2, 0: Σwx = 0 again; three goals.
    assert case_t_score(REVIEWS) == {"t_score": 50.0, "goals": 3}
    # 01.03: −1 (weight 2) and −2: Σwx = −4, Σw² = 5, (Σw)² = 9; T = 50 − 40/sqrt(6.2) = 50 − 16.064 = 33.94.
    assert round(case_t_score(REVIEWS, "2026-03-01", rho=0.3)["t_score"], 2) == 33.94


def test_the_t_score_after_each_review_day():
    scores = case_t_scores(REVIEWS)
    assert [s["on"] for s in scores] == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert [s["goals"] for s in scores] == [2, 2, 3]
    assert [round(s["t_score"], 2) for s in scores] == [33.94, 50.0, 50.0]
    assert case_t_scores([]) == []


def test_a_bad_level_or_weight_in_a_review_is_refused():
    _refused(lambda: case_t_score([Review(1, "2026-03-01", 3)]))
    _refused(lambda: case_t_score([Review(1, "2026-03-01", 1, 0)]))
