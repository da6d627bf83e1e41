"""GAS T-scores against numbers worked out by hand from the Kiresuk & Sherman formula.

Formula (Kiresuk & Sherman 1968; Turner-Stokes 2009 with its erratum):
    T = 50 + 10·Σ(wᵢxᵢ) / sqrt((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)
No printed worked example was at hand to copy figures from, so every expected number below
is computed by hand in the comment beside it; none comes from running the code.
"""
import math

import pytest

from workbench.gas import GAS_LEVELS, check_level, gas_level_label, gas_t_score
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
