"""Pre/post change and effect sizes against published worked examples.

Sources of the expected numbers (each test names its own):

- Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a
  practical primer for t-tests and ANOVAs. Frontiers in Psychology, 4, 863 — the movie ratings
  example (Table 1). Its printed values as reproduced in the test suite of the R package `apa`
  (github.com/dgromer/apa, tests/testthat/test-cohens-d.R and test-t-apa.R, which cite the
  paper): M = 8.7 (SD = .82) and 7.7 (SD = .95); independent groups t(18) = 2.52, p = .022,
  d_s = 1.13, g_s = 1.08; paired t(9) = 4.74, p = .001, d_z = 1.50. g_av = 1.08 as asserted
  "from the paper" in a public Python re-implementation of the paper's formulas (its
  `d_s_rel_g`: the mean difference over the average SD, times 1 − 3/(4·20 − 9)). The paper's own
  text could not be read here, so d_av and d_rm are worked out by hand below from the printed
  SDs and from the data.
- R's t.test on the mtcars and sleep data sets (R Core Team, `datasets`; outputs printed in many
  public tutorials, e.g. `t = -4.1061, df = 30, p-value = 0.000285`), and R's wilcox.test on
  sleep (`V = 0, p-value = 0.009091`).
- R package effectsize: README `cohens_d(mpg ~ am, data = mtcars)` → −1.48 [−2.27, −0.67];
  tests/testthat/test-standardized_differences.R: `cohens_d(wt ~ am, data = mtcars)` → 1.892
  [1.030, 2.732], `hedges_g(wt ~ am, data = mtcars)` → 1.844 [1.004, 2.664] (noncentral t).
"""
import math

import pandas as pd
import pytest

from workbench.evaluation.change import (
    MIN_PAIRS, ROW_COLUMNS, change_table, first_and_latest, independent_groups, noncentral_t_interval,
    paired_change, paired_change_frame,
)
from conftest import refused as _refused

MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]

# mtcars (Henderson & Velleman 1981, R `datasets`), in R's row order: mpg, wt, am (1 = manual).
MPG = [21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7,
       32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26, 30.4, 15.8, 19.7, 15, 21.4]
WT = [2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19, 3.15, 3.44, 3.44, 4.07, 3.73, 3.78, 5.25, 5.424,
      5.345, 2.2, 1.615, 1.835, 2.465, 3.52, 3.435, 3.84, 3.845, 1.935, 2.14, 1.513, 3.17, 2.77, 3.57, 2.78]
AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]

# sleep (Cushny & Peebles 1905, R `datasets`): extra hours of sleep with drug 1 and drug 2, same 10 people.
DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def by_am(values, level):
    return [v for v, a in zip(values, AM) if a == level]


def r2(x):
    return round(x, 2)


# --- Lakens (2013), movie ratings ------------------------------------------------------------

def test_lakens_movies_paired():
    # Differences movie 1 − movie 2, so "before" is movie 2 and "after" movie 1.
    result = paired_change(MOVIE_2, MOVIE_1)
    assert result["n_pairs"] == 10 and result["n_dropped"] == 0
    # Printed descriptives: M = 8.7 (SD = .82) and 7.7 (SD = .95).
    assert round(result["after"]["mean"], 1) == 8.7 and r2(result["after"]["sd"]) == 0.82
    assert round(result["before"]["mean"], 1) == 7.7 and r2(result["before"]["sd"]) == 0.95
    # Printed: t(9) = 4.74, p = .001, d_z = 1.50.
    assert result["t_test"]["df"] == 9
    assert r2(result["t_test"]["t"]) == 4.74
    assert round(result["t_test"]["p"], 3) == 0.001
    effects = result["effect_sizes"]
    assert r2(effects["d_z"]["estimate"]) == 1.50
    # d_av by hand from the printed SDs: 1 / ((0.82 + 0.95)/2) = 1 / 0.885 = 1.130.
    assert r2(effects["d_av"]["estimate"]) == 1.13
    # g_av = 1.08 ("from the paper"): 1.1287 × (1 − 3/71) = 1.1287 × 0.95775 = 1.0810.
    assert r2(effects["g_av"]["estimate"]) == 1.08


def test_lakens_movies_d_rm_by_hand():
    # By hand from the data: differences 0,1,1,1,1,0,1,2,1,2 have mean 1 and SS = 4, so S_D = sqrt(4/9) = 2/3
    # (hence d_z = 1.5). SS of movie 1 around 8.7 = 6.1, of movie 2 around 7.7 = 8.1; var(D) = var1 + var2 − 2cov
    # gives cov = (14.2/9 − 4/9)/2 = 0.56667 and r = 0.56667 / sqrt(6.1/9 · 8.1/9) = 0.56667/0.78102 = 0.72555.
    # d_rm = d_z · sqrt(2(1 − r)) = 1.5 · sqrt(0.54890) = 1.5 · 0.74088 = 1.1113.
    result = paired_change(MOVIE_2, MOVIE_1)
    assert round(result["correlation"], 4) == 0.7255
    assert round(result["effect_sizes"]["d_rm"]["estimate"], 3) == 1.111


def test_lakens_movies_as_independent_groups():
    result = independent_groups(MOVIE_1, MOVIE_2)
    # Printed: t(18) = 2.52, p = .022, d_s = 1.13, g_s = 1.08.
    assert result["student"]["df"] == 18
    assert r2(result["student"]["t"]) == 2.52
    assert round(result["student"]["p"], 3) == 0.022
    assert r2(result["effect_sizes"]["d_s"]["estimate"]) == 1.13
    assert r2(result["effect_sizes"]["g_s"]["estimate"]) == 1.08


def test_direction_follows_before_and_after():
    forward, backward = paired_change(MOVIE_2, MOVIE_1), paired_change(MOVIE_1, MOVIE_2)
    assert forward["mean_difference"] == 1.0 and backward["mean_difference"] == -1.0
    for name in ("d_z", "d_rm", "d_av", "g_av"):
        f, b = forward["effect_sizes"][name], backward["effect_sizes"][name]
        assert f["estimate"] == pytest.approx(-b["estimate"])
        assert f["ci"][0] == pytest.approx(-b["ci"][1]) and f["ci"][1] == pytest.approx(-b["ci"][0])


# --- R: mtcars and sleep, effectsize --------------------------------------------------------

def test_mtcars_mpg_student_welch_and_d_s_against_r():
    automatic, manual = by_am(MPG, 0), by_am(MPG, 1)
    result = independent_groups(automatic, manual)
    assert round(result["a"]["mean"], 5) == 17.14737 and round(result["b"]["mean"], 5) == 24.39231
    # t.test(mpg ~ am, data = mtcars, var.equal = TRUE): t = -4.1061, df = 30, p-value = 0.000285,
    # 95 percent confidence interval: -10.84837 -3.64151.
    assert round(result["student"]["t"], 4) == -4.1061 and result["student"]["df"] == 30
    assert round(result["student"]["p"], 6) == 0.000285
    assert tuple(round(v, 5) for v in result["mean_difference_ci"]) == (-10.84837, -3.64151)
    # t.test(mpg ~ am, data = mtcars): t = -3.7671, df = 18.332, p-value = 0.001374, CI -11.280194 -3.209684.
    assert round(result["welch"]["t"], 4) == -3.7671 and round(result["welch"]["df"], 3) == 18.332
    assert round(result["welch"]["p"], 6) == 0.001374
    assert tuple(round(v, 6) for v in result["mean_difference_ci_welch"]) == (-11.280194, -3.209684)
    # effectsize README: cohens_d(mpg ~ am, data = mtcars) = -1.48, 95% CI [-2.27, -0.67].
    d = result["effect_sizes"]["d_s"]
    assert r2(d["estimate"]) == -1.48 and tuple(r2(v) for v in d["ci"]) == (-2.27, -0.67)


def test_mtcars_wt_d_s_and_g_s_intervals_against_effectsize():
    result = independent_groups(by_am(WT, 0), by_am(WT, 1))
    d, g = result["effect_sizes"]["d_s"], result["effect_sizes"]["g_s"]
    # effectsize tests: cohens_d(wt ~ am) 1.892 [1.030, 2.732]; hedges_g(wt ~ am) 1.844 [1.004, 2.664], checked
    # there with testthat's relative tolerance of 0.001, the tolerance used here (2.732 is printed to 3 decimals
    # of 2.7329 in that file; a relative 0.001 is ±0.0027 at 2.73).
    assert d["estimate"] == pytest.approx(1.892, rel=1e-3)
    assert d["ci"][0] == pytest.approx(1.030, rel=1e-3) and d["ci"][1] == pytest.approx(2.732, rel=1e-3)
    assert g["estimate"] == pytest.approx(1.844, rel=1e-3)
    assert g["ci"][0] == pytest.approx(1.004, rel=1e-3) and g["ci"][1] == pytest.approx(2.664, rel=1e-3)
    assert tuple(round(v, 2) for v in d["ci"]) == (1.03, 2.73) and tuple(round(v, 2) for v in g["ci"]) == (1.00, 2.66)


def test_sleep_paired_t_and_wilcoxon_against_r():
    # t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833,
    # 95 percent confidence interval: -2.4598858 -0.7001142; mean of the differences -1.58.
    # R takes drug 1 − drug 2, so drug 2 is "before" here.
    result = paired_change(DRUG_2, DRUG_1)
    assert round(result["mean_difference"], 2) == -1.58
    assert round(result["t_test"]["t"], 4) == -4.0621 and result["t_test"]["df"] == 9
    assert round(result["t_test"]["p"], 6) == 0.002833
    assert tuple(round(v, 7) for v in result["mean_difference_ci"]) == (-2.4598858, -0.7001142)
    # wilcox.test(..., paired = TRUE): V = 0, p-value = 0.009091 (one zero dropped, ties: normal
    # approximation with continuity correction).
    wilcoxon = result["wilcoxon"]
    assert wilcoxon["statistic"] == 0 and wilcoxon["n_zero"] == 1 and wilcoxon["n_used"] == 9
    assert wilcoxon["method"] == "asymptotic" and wilcoxon["continuity_correction"]
    assert round(wilcoxon["p"], 6) == 0.009091
    assert any("Zero differences" in note.message("en") for note in result["notes"])


def test_exact_wilcoxon_without_ties_or_zeros():
    # Five positive differences 1, 2, 3, 4, 5 (no ties, no zeros): W+ = 15 is the largest of the 2^5 = 32
    # equally likely sign patterns, so the exact two-sided p = 2/32 = 0.0625.
    result = paired_change([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    assert result["wilcoxon"]["method"] == "exact"
    assert result["wilcoxon"]["statistic"] == 15 and result["wilcoxon"]["w_minus"] == 0
    assert result["wilcoxon"]["p"] == pytest.approx(0.0625)


# --- the confidence intervals ------------------------------------------------------------------

def test_d_z_interval_is_the_noncentral_t_inversion():
    # The defining property: at the lower bound the observed t is at the 97.5th percentile, at the upper
    # bound at the 2.5th (Steiger & Fouladi 1997).
    from scipy import stats
    t, df = 4.743416490252569, 9
    low, high = noncentral_t_interval(t, df, 0.05)
    assert stats.nct.cdf(t, df, low) == pytest.approx(0.975, abs=1e-9)
    assert stats.nct.cdf(t, df, high) == pytest.approx(0.025, abs=1e-9)
    result = paired_change(MOVIE_2, MOVIE_1)
    ci = result["effect_sizes"]["d_z"]["ci"]
    assert ci == pytest.approx((low / math.sqrt(10), high / math.sqrt(10)))
    assert ci[0] < 1.5 < ci[1]


def test_paired_intervals_are_rescaled_d_z_intervals():
    result = paired_change(MOVIE_2, MOVIE_1)
    e, r = result["effect_sizes"], result["correlation"]
    dz_low, dz_high = e["d_z"]["ci"]
    assert e["d_rm"]["ci"] == pytest.approx((dz_low * math.sqrt(2 * (1 - r)), dz_high * math.sqrt(2 * (1 - r))))
    s_av = (result["before"]["sd"] + result["after"]["sd"]) / 2
    ratio = result["sd_difference"] / s_av
    assert e["d_av"]["ci"] == pytest.approx((dz_low * ratio, dz_high * ratio))
    j = 1 - 3 / (4 * 20 - 9)
    assert e["g_av"]["ci"] == pytest.approx((e["d_av"]["ci"][0] * j, e["d_av"]["ci"][1] * j))
    for name in ("d_z", "d_rm", "d_av", "g_av"):
        assert e[name]["ci_method"]


def test_a_wider_interval_at_a_stricter_alpha():
    narrow = paired_change(MOVIE_2, MOVIE_1, alpha=0.10)["effect_sizes"]["d_z"]["ci"]
    wide = paired_change(MOVIE_2, MOVIE_1, alpha=0.01)["effect_sizes"]["d_z"]["ci"]
    assert wide[0] < narrow[0] and wide[1] > narrow[1]


# --- small samples, missing values, bad input --------------------------------------------------

def test_pairs_with_a_missing_value_are_dropped_and_counted():
    before = MOVIE_2 + [None, 5, float("nan")]
    after = MOVIE_1 + [7, None, 3]
    result = paired_change(before, after)
    assert result["n_pairs"] == 10 and result["n_dropped"] == 3
    assert r2(result["effect_sizes"]["d_z"]["estimate"]) == 1.50
    assert "Pairs with a missing value dropped: 3." in [n.message("en") for n in result["notes"]]
    assert "Відкинуто пар із пропущеним значенням: 3." in [n.message("uk") for n in result["notes"]]


@pytest.mark.parametrize("n", [0, 1, 2])
def test_too_few_pairs_give_reasons_not_numbers(n):
    before, after = [1.0, 2.5][:n], [2.0, 2.0][:n]
    result = paired_change(before, after)
    assert result["t_test"] is None and result["wilcoxon"] is None and result["mean_difference_ci"] is None
    for name in ("t_test", "wilcoxon", "mean_difference_ci"):
        assert result["reasons"][name].key in ("evaluation.reason.too_few_pairs",)
        assert str(MIN_PAIRS) in result["reasons"][name].message("en")
        assert result["reasons"][name].message("uk") != result["reasons"][name].message("en")
    assert result["effect_sizes"]["d_z"]["ci"] is None
    if n < 2:
        assert result["before"]["sd"] is None and result["reasons"]["before_sd"].key == "evaluation.reason.too_few_for_sd"
        assert result["effect_sizes"]["d_z"]["estimate"] is None
    else:
        # Two pairs: an SD exists (so a point estimate does), an interval or a test does not.
        assert result["effect_sizes"]["d_z"]["estimate"] is not None
        assert result["effect_sizes"]["d_z"]["reason"].key == "evaluation.reason.too_few_pairs"


def test_zero_variance_of_differences_gives_a_reason_for_t_and_d_z():
    result = paired_change([1, 2, 3, 4], [2, 3, 4, 5])  # every difference is +1
    assert result["mean_difference"] == 1.0
    assert result["t_test"] is None and result["effect_sizes"]["d_z"]["estimate"] is None
    assert result["reasons"]["t_test"].key == "evaluation.reason.zero_variance_differences"
    assert result["effect_sizes"]["d_z"]["reason"].key == "evaluation.reason.zero_variance_differences"
    # d_av still exists (the SDs at each time are not zero): 1 / 1.29099 = 0.7746; it just has no interval.
    assert round(result["effect_sizes"]["d_av"]["estimate"], 4) == 0.7746
    assert result["effect_sizes"]["d_av"]["ci"] is None


def test_all_differences_zero_and_constant_scores():
    result = paired_change([3, 3, 3], [3, 3, 3])
    assert result["wilcoxon"] is None and result["reasons"]["wilcoxon"].key == "evaluation.reason.all_differences_zero"
    assert result["correlation"] is None
    assert result["reasons"]["correlation"].key == "evaluation.reason.correlation_undefined"
    assert result["effect_sizes"]["d_av"]["reason"].key == "evaluation.reason.zero_variance"


def test_independent_groups_with_too_few_or_constant_values():
    small = independent_groups([1.0], [2.0, 3.0])
    assert small["student"] is None and small["effect_sizes"]["d_s"]["estimate"] is None
    assert small["reasons"]["student"].key == "evaluation.reason.too_few_per_group"
    assert "1 and 2" in small["reasons"]["student"].message("en")
    flat = independent_groups([2, 2, 2], [2, 2])
    assert flat["effect_sizes"]["d_s"]["reason"].key == "evaluation.reason.zero_variance"
    dropped = independent_groups([1, 2, None, 3], [2, 3, 4, float("nan")])
    assert dropped["n_dropped_a"] == 1 and dropped["n_dropped_b"] == 1 and dropped["a"]["n"] == 3


@pytest.mark.parametrize("bad", ["3", "abc", True, float("inf"), -float("inf"), [1]])
def test_non_numeric_scores_are_refused(bad):
    error = _refused(lambda: paired_change([1, 2, bad], [1, 2, 3]), "evaluation.not_numeric")
    assert error.params["position"] == 3
    assert "(before)" in error.message("en") and "(до)" in error.message("uk")


def test_text_instead_of_a_sequence_and_mismatched_lengths_are_refused():
    _refused(lambda: paired_change("123", [1, 2, 3]), "evaluation.not_numeric")
    error = _refused(lambda: paired_change([1, 2, 3], [1, 2]), "evaluation.length_mismatch")
    assert "3 scores before and 2 after" in error.message("en")
    _refused(lambda: independent_groups([1, 2, "x"], [1, 2]), "evaluation.not_numeric")


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, float("nan"), None, True, "0.05"])
def test_alpha_outside_zero_and_one_is_refused(alpha):
    _refused(lambda: paired_change(MOVIE_2, MOVIE_1, alpha=alpha), "evaluation.alpha")


# --- the table a paper prints ----------------------------------------------------------------

def long_frame():
    rows = []
    for client, (first, latest) in enumerate(zip(MOVIE_2, MOVIE_1), start=1):
        rows.append({"client": client, "time": "2025-01-10", "score": first, "scale": "housing"})
        rows.append({"client": client, "time": "2025-02-10", "score": (first + latest) / 2, "scale": "housing"})
        rows.append({"client": client, "time": "2025-06-10", "score": latest, "scale": "housing"})
    rows.append({"client": 99, "time": "2025-01-10", "score": 5, "scale": "housing"})  # measured once
    for client, (first, latest) in enumerate(zip(DRUG_2, DRUG_1), start=1):
        rows.append({"client": client, "time": "2025-01-10", "score": first, "scale": "sleep"})
        rows.append({"client": client, "time": "2025-06-10", "score": latest, "scale": "sleep"})
    return pd.DataFrame(rows)


def test_change_table_uses_first_and_latest_per_client_and_scale():
    table = change_table(long_frame(), lang="en")
    assert list(table.columns) == list(ROW_COLUMNS)
    assert list(table["scale"]) == ["housing", "sleep"]
    housing = table.set_index("scale").loc["housing"]
    # First (movie 2) against latest (movie 1): the Lakens values again; the middle visit is ignored.
    assert housing["n_pairs"] == 10 and housing["n_single"] == 1
    assert r2(housing["t"]) == 4.74 and r2(housing["d_z"]) == 1.50 and r2(housing["g_av"]) == 1.08
    assert "single measurement" in housing["notes"]
    sleep = table.set_index("scale").loc["sleep"]
    assert round(sleep["t"], 4) == -4.0621


def test_change_table_in_ukrainian_and_with_a_too_small_scale():
    frame = pd.DataFrame({"client": [1, 1, 2, 2], "time": [1, 2, 1, 2], "score": [2.0, 3.0, 1.0, 2.5],
                          "scale": ["x"] * 4})
    table = change_table(frame, lang="uk")
    row = table.iloc[0]
    assert row["n_pairs"] == 2 and math.isnan(row["t"]) and math.isnan(row["d_z_low"])
    assert "щонайменше 3" in row["notes"]


def test_fewer_than_two_time_points_missing_columns_and_duplicates_are_refused():
    one_time = pd.DataFrame({"client": [1, 2], "time": [1, 1], "score": [1, 2], "scale": ["a", "a"]})
    _refused(lambda: change_table(one_time), "evaluation.fewer_than_two_times")
    _refused(lambda: change_table(one_time.drop(columns="score")), "evaluation.missing_column")
    twice = pd.DataFrame({"client": [1, 1, 1], "time": [1, 1, 2], "score": [1, 2, 3], "scale": ["a"] * 3})
    _refused(lambda: change_table(twice), "evaluation.duplicate_time")
    text = pd.DataFrame({"client": [1, 1, 2, 2], "time": [1, 2, 1, 2], "score": [1, "a", 2, 3], "scale": ["a"] * 4})
    _refused(lambda: change_table(text), "evaluation.not_numeric")


def test_first_and_latest_without_a_scale_column():
    frame = pd.DataFrame({"client": ["a", "a", "b"], "time": [2, 1, 1], "score": [5.0, 3.0, 4.0]})
    pairs, singles = first_and_latest(frame, scale=None)
    assert pairs.to_dict("records") == [{"scale": "", "client": "a", "before": 3.0, "after": 5.0}]
    assert singles["client"].tolist() == ["b"]


def test_one_row_frame_helper():
    frame = paired_change_frame(MOVIE_2, MOVIE_1, scale="movies", lang="en")
    assert frame.shape == (1, len(ROW_COLUMNS)) and frame.loc[0, "scale"] == "movies"
    assert r2(frame.loc[0, "d_av"]) == 1.13 and frame.loc[0, "df"] == 9
