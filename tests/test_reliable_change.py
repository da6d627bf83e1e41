"""Reliable change, clinical cut-offs and Cronbach's alpha against published worked examples.

Sources of the expected numbers (each test names its own):

- R package suddengains (Wiedemann et al.), reference page of ``define_crit1_cutoff`` (Jacobson &
  Truax's RCI), printed example output: sd = 10.5, reliability = 0.931 → standard error of
  measurement 2.758124, standard error of the difference 3.900577, reliable change value
  7.645131; sd = 6.396073, reliability = 0.931 → 1.680111, 2.376036, 4.65703.
- Tober, G. (PhD thesis, Leeds), ch. 9, p. 234: cut-off a for the Leeds Dependence Questionnaire
  (higher = more dependence, i.e. worse) from clinic means and SDs: alcohol group 18.2 (SD 7.8)
  → 2.6; whole study sample 20.2 (SD 7) → printed 6.1; heroin group 21.2 (SD 6.3) → printed 8.5.
- Jacobson & Truax (1991) hypothetical norms as used in the tests of the R package
  clinicalsignificance ("Example from Jacobson et al. (1991)": dysfunctional 40 (7.5), functional
  60 (7.5)); the cut-offs are worked out by hand below.
- Evans, Margison & Barkham (1998) norms as given in the example of the R package clinsig
  (clinical 1.81 (0.53), non-clinical 0.72 (0.57), α = 0.89); cut-off c and the reliable change
  criterion are worked out by hand below.
- Jacobson & Truax (1991), Table 2: the Dyadic Adjustment Scale of 30 couples before and after marital therapy
  (tests/data/jacobson_1989_das.csv, from the R package clinicalsignificance's ``jacobson_1989``), with
  Spanier's (1976) norms (dysfunctional 70.7 (23.8), functional 114.8 (17.8)) and test–retest reliability .96:
  15 recovered / 3 improved by J&T's definition, 13 / 5 when "recovered" must also start dysfunctional (the
  figures of issue 21); every other number there is worked out by hand below.
- pingouin (Vallat), ``cronbach_alpha`` docstring and tests: its data set ``cronbach_alpha``
  (15 respondents × 10 items, copied below from pingouin/datasets/cronbach_alpha.csv) gives
  α = 0.591719 with the 95% interval [0.195, 0.840] (Feldt), checked there against R's psych.
"""
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from workbench.charts.research import reliable_change_chart
from workbench.evaluation.reliable_change import (
    CATEGORIES, RULES, category_label, change_categories, check_reliability, classify_change, clinical_cutoffs,
    cronbach_alpha, reliable_change_criteria, reliable_change_index, rule_text,
)
from conftest import refused as _refused

matplotlib.use("Agg")

# pingouin/datasets/cronbach_alpha.csv, respondents 0–14 (rows) × items Q1–Q10 (columns).
PINGOUIN_ITEMS = pd.DataFrame({
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
})


# --- reliable change index ----------------------------------------------------------------

@pytest.mark.parametrize("sd, reliability, se, s_diff, value", [
    (10.5, 0.931, 2.758124, 3.900577, 7.645131),
    (6.396073, 0.931, 1.680111, 2.376036, 4.65703),
])
def test_reliable_change_criteria_against_suddengains(sd, reliability, se, s_diff, value):
    criteria = reliable_change_criteria(sd, reliability)
    assert criteria["se"] == pytest.approx(se, abs=5e-7)
    assert criteria["s_diff"] == pytest.approx(s_diff, abs=5e-7)
    assert criteria["threshold"] == pytest.approx(value, abs=5e-6)


def test_rci_of_one_client():
    # With S_diff = 3.900577 (above), a fall from 30 to 20 is RCI = −10/3.900577 = −2.5637: reliable.
    assert reliable_change_index(30, 20, sd_pre=10.5, reliability=0.931) == pytest.approx(-2.5637, abs=1e-4)
    # A change of exactly 7.645131 points is |RCI| = 1.96, not more: not reliable (J&T: |RC| > 1.96).
    frame = classify_change([30, 30], [30 + 7.6451, 30 + 7.6452], reliability=0.931, sd_pre=10.5,
                            higher_is_better=True)
    assert frame["reliable"].tolist() == [False, True]


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5, float("nan"), float("inf"), None, "0.8", True])
def test_reliability_outside_zero_and_one_is_refused(bad):
    error = _refused(lambda: check_reliability(bad), "evaluation.reliability")
    assert "greater than 0 and less than 1" in error.message("en")
    assert "більшим за 0 і меншим за 1" in error.message("uk")
    _refused(lambda: reliable_change_criteria(10, bad), "evaluation.reliability")
    _refused(lambda: classify_change([1, 2], [2, 3], reliability=bad, higher_is_better=True),
             "evaluation.reliability")


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), None, "5"])
def test_a_standard_deviation_must_be_positive(bad):
    _refused(lambda: reliable_change_criteria(bad, 0.8), "evaluation.sd")


# --- clinical cut-offs ----------------------------------------------------------------------

def test_cutoff_a_for_a_scale_where_higher_is_worse_against_tober():
    # LDQ, alcohol group: 18.2 − 2 × 7.8 = 2.6 (printed 2.6).
    assert clinical_cutoffs(dysfunctional_mean=18.2, dysfunctional_sd=7.8,
                            higher_is_better=False)["a"] == pytest.approx(2.6)
    # Whole sample and heroin group: the printed 6.1 and 8.5 come from unrounded means and SDs; from the
    # printed (one-decimal) inputs a is 20.2 − 14 = 6.2 and 21.2 − 12.6 = 8.6. Rounding each input by up to
    # 0.05 moves a by up to 0.05 + 2 × 0.05 = 0.15, so the printed values are matched within that.
    assert clinical_cutoffs(dysfunctional_mean=20.2, dysfunctional_sd=7, higher_is_better=False)["a"] == \
        pytest.approx(6.1, abs=0.15)
    assert clinical_cutoffs(dysfunctional_mean=21.2, dysfunctional_sd=6.3, higher_is_better=False)["a"] == \
        pytest.approx(8.5, abs=0.15)


def test_cutoffs_with_equal_sds_jacobson_truax_norms():
    # Dysfunctional 40 (7.5), functional 60 (7.5), higher = better:
    # a = 40 + 2·7.5 = 55; b = 60 − 2·7.5 = 45; c = (7.5·40 + 7.5·60)/15 = 50 (midway when SDs are equal).
    cutoffs = clinical_cutoffs(dysfunctional_mean=40, dysfunctional_sd=7.5, functional_mean=60, functional_sd=7.5,
                               higher_is_better=True)
    assert cutoffs == {"a": 55.0, "b": 45.0, "c": 50.0}


def test_cutoffs_with_unequal_sds_evans_margison_barkham_norms():
    # Clinical 1.81 (0.53), non-clinical 0.72 (0.57), higher = worse (a symptom score):
    # a = 1.81 − 2·0.53 = 0.75; b = 0.72 + 2·0.57 = 1.86;
    # c = (0.57·1.81 + 0.53·0.72)/(0.57 + 0.53) = (1.0317 + 0.3816)/1.10 = 1.4133/1.10 = 1.2848.
    cutoffs = clinical_cutoffs(dysfunctional_mean=1.81, dysfunctional_sd=0.53, functional_mean=0.72,
                               functional_sd=0.57, higher_is_better=False)
    assert cutoffs["a"] == pytest.approx(0.75) and cutoffs["b"] == pytest.approx(1.86)
    assert cutoffs["c"] == pytest.approx(1.2848, abs=1e-4)
    # c sits nearer the mean of the narrower distribution: 1.2848 − 0.72 = 0.565 > 1.81 − 1.2848 = 0.525.
    # Reliable change criterion with α = 0.89: 1.96 · 0.53 · sqrt(2 · 0.11) = 1.96 · 0.53 · 0.46904 = 0.4872.
    assert reliable_change_criteria(0.53, 0.89)["threshold"] == pytest.approx(0.4872, abs=1e-4)


def test_cutoff_checks():
    _refused(lambda: clinical_cutoffs(dysfunctional_mean=1, dysfunctional_sd=1, functional_mean=0,
                                      higher_is_better=True), "evaluation.functional_norms")
    _refused(lambda: clinical_cutoffs(dysfunctional_mean=1, dysfunctional_sd=1, higher_is_better="yes"),
             "evaluation.direction")
    _refused(lambda: clinical_cutoffs(dysfunctional_mean=float("nan"), dysfunctional_sd=1, higher_is_better=True),
             "evaluation.number")
    only_a = clinical_cutoffs(dysfunctional_mean=10, dysfunctional_sd=2, higher_is_better=True)
    assert only_a == {"a": 14.0, "b": None, "c": None}


# --- classification ----------------------------------------------------------------------------

def classified(higher_is_better=True, cutoff=22, **options):
    # S_diff = 5·sqrt(2·0.2) = 3.1623; threshold = 1.96·3.1623 = 6.198 points.
    pre = [10, 12, 20, 25, 8, 15, 30, None]
    post = [20, 13, 30, 10, 8, 28, 40, 15]
    return classify_change(pre, post, reliability=0.8, sd_pre=5, cutoff=cutoff,
                           higher_is_better=higher_is_better, clients=list("ABCDEFGH"), **options)


def test_jacobson_truax_categories_when_higher_is_better():
    frame = classified()
    # A +10 reliable, stays below 22 → improved; B +1 → unchanged; C 20→30 ends above 22 → recovered;
    # D −15 → deteriorated; E 0 → unchanged; F 15→28 → recovered; G 30→40, reliable and ends above 22 →
    # recovered (J&T's rule does not ask where it started); H has no score before: dropped and counted.
    assert dict(zip(frame["client"], frame["category"])) == {
        "A": "improved", "B": "unchanged", "C": "recovered", "D": "deteriorated", "E": "unchanged",
        "F": "recovered", "G": "recovered"}
    assert frame.attrs["n_dropped"] == 1 and frame.attrs["rule"] == "jacobson_truax"
    assert frame.attrs["threshold"] == pytest.approx(6.198, abs=1e-3)
    assert frame.loc[frame["client"] == "A", "rci"].item() == pytest.approx(10 / 3.16228, abs=1e-4)
    assert frame.loc[frame["client"] == "G", "started_functional"].item()
    assert frame["ends_functional"].tolist() == [False, False, True, False, False, True, True]


def test_the_crossed_rule_needs_a_start_on_the_dysfunctional_side():
    frame = classified(rule="crossed")
    # Only G changes: it started above 22 (functional), so it did not cross: improved, not recovered.
    categories = dict(zip(frame["client"], frame["category"]))
    assert categories == {**dict(zip(classified()["client"], classified()["category"])), "G": "improved"}
    assert frame.attrs["rule"] == "crossed"
    assert frame["crossed"].tolist() == [False, False, True, False, False, True, False]
    # Where higher is worse the same holds downward: D 25 → 10 starts above 22 (dysfunctional) and crosses.
    downward = classified(higher_is_better=False, rule="crossed")
    assert downward.loc[downward["client"] == "D", "category"].item() == "recovered"


@pytest.mark.parametrize("bad", ["JT", "", None, 1, "Crossed"])
def test_an_unknown_rule_is_refused_in_both_languages(bad):
    error = _refused(lambda: classified(rule=bad), "evaluation.rule")
    assert "jacobson_truax, crossed" in error.message("en") and "Можливі: jacobson_truax, crossed" in \
        error.message("uk")


def test_both_rules_are_named_in_both_languages():
    assert RULES == ("jacobson_truax", "crossed")
    assert "Jacobson & Truax, 1991" in rule_text("jacobson_truax", "en")
    assert "перетин межі" in rule_text("crossed", "uk") and "crossed the cut-off" in rule_text("crossed", "en")
    assert category_label("recovered", "crossed", "uk") == "відновлення (перетнули межу)"
    assert category_label("recovered", lang="en") == "recovered"
    assert category_label("improved", "crossed", "en") == "improved"
    table = change_categories(classified(rule="crossed"), "en")
    assert table["label"].tolist()[0] == "recovered (crossed the cut-off)" and table.attrs["rule"] == "crossed"
    assert table["n"].tolist() == [2, 2, 2, 1]


# --- Jacobson & Truax (1991), Table 2 -----------------------------------------------------------------

@pytest.fixture(scope="module")
def couples():
    return pd.read_csv(Path(__file__).parent / "data" / "jacobson_1989_das.csv", comment="#")


SPANIER = {"dysfunctional_mean": 70.7, "dysfunctional_sd": 23.8, "functional_mean": 114.8, "functional_sd": 17.8}


def _table_2(couples, rule):
    cutoff = clinical_cutoffs(higher_is_better=True, **SPANIER)["c"]
    return classify_change(couples["pre"], couples["post"], reliability=0.96, sd_pre=SPANIER["dysfunctional_sd"],
                           cutoff=cutoff, higher_is_better=True, clients=couples["subject"], rule=rule)


def test_jacobson_truax_table_2_by_the_papers_definition_and_the_stricter_one(couples):
    assert len(couples) == 30 and couples["subject"].tolist() == list(range(1, 31))
    # Cut-offs from Spanier's norms: a = 70.7 + 2·23.8 = 118.3; b = 114.8 − 2·17.8 = 79.2;
    # c = (17.8·70.7 + 23.8·114.8) / (17.8 + 23.8) = (1258.46 + 2732.24) / 41.6 = 3990.70 / 41.6 = 95.93.
    cutoffs = clinical_cutoffs(higher_is_better=True, **SPANIER)
    assert cutoffs["a"] == pytest.approx(118.3) and cutoffs["b"] == pytest.approx(79.2)
    assert cutoffs["c"] == pytest.approx(95.93, abs=0.005)
    # Reliable change: SE = 23.8·sqrt(1 − .96) = 4.76; S_diff = sqrt(2)·4.76 = 6.7317; 1.96·S_diff = 13.19 points.
    jt = _table_2(couples, "jacobson_truax")
    assert jt.attrs["s_diff"] == pytest.approx(6.7317, abs=1e-4)
    assert jt.attrs["threshold"] == pytest.approx(13.19, abs=0.005)
    assert change_categories(jt, "en")["n"].tolist() == [15, 3, 11, 1]
    crossed = _table_2(couples, "crossed")
    assert change_categories(crossed, "en")["n"].tolist() == [13, 5, 11, 1]
    # The two couples the rules disagree on started above c (19: 98.5 → 119; 21: 99.5 → 116): recovered by J&T's
    # definition, improved by the stricter one.
    differ = jt.loc[jt["category"] != crossed["category"], ["client", "pre", "post"]]
    assert differ.values.tolist() == [[19, 98.5, 119.0], [21, 99.5, 116.0]]
    assert (jt.loc[differ.index, "rci"] > 1.96).all() and jt.loc[differ.index, "started_functional"].all()
    # The improved ones ended at or below c (4: 73.5 → 88; 10: 68.5 → 82.5; 16: 60.5 → 79.5); the one
    # deterioration is couple 29, 80 → 60.5 (RCI = −19.5 / 6.7317 = −2.90).
    assert jt.loc[jt["category"] == "improved", "client"].tolist() == [4, 10, 16]
    assert jt.loc[jt["category"] == "deteriorated", "client"].tolist() == [29]
    assert jt.loc[jt["client"] == 29, "rci"].item() == pytest.approx(-2.8967, abs=1e-4)
    # Couple 18 (88 → 100.5, +12.5 points, RCI 1.86) ends beyond c but its change is within the error band.
    assert jt.loc[jt["client"] == 18, "category"].item() == "unchanged"


def test_direction_reverses_the_categories():
    frame = classified(higher_is_better=False, cutoff=22)
    # Now a rise is a worsening: A, C, F, G deteriorated; D 25→10 improves and crosses 22 downward.
    categories = dict(zip(frame["client"], frame["category"]))
    assert categories["A"] == categories["C"] == categories["F"] == categories["G"] == "deteriorated"
    assert categories["D"] == "recovered" and categories["B"] == "unchanged"


def test_without_a_cutoff_no_one_is_recovered():
    frame = classified(cutoff=None)
    assert "recovered" not in set(frame["category"])
    assert (frame["category"] == "improved").sum() == 4


def test_category_counts_and_shares_in_both_languages():
    table = change_categories(classified(), "en")
    assert table["category"].tolist() == list(CATEGORIES)
    assert table["n"].tolist() == [3, 1, 2, 1] and table.attrs["n_total"] == 7
    assert table["share"].tolist() == pytest.approx([3 / 7, 1 / 7, 2 / 7, 1 / 7])
    assert table["label"].tolist() == ["recovered", "improved", "unchanged", "deteriorated"]
    assert change_categories(classified(), "uk")["label"].tolist() == [
        "відновлення", "покращення", "без надійних змін", "погіршення"]
    empty = change_categories(classified().iloc[0:0], "en")
    assert empty["n"].tolist() == [0, 0, 0, 0] and all(math.isnan(s) for s in empty["share"])


def test_sd_before_defaults_to_the_sample_and_needs_two_pairs():
    frame = classify_change([10, 14], [12, 20], reliability=0.9, higher_is_better=True)
    # SD of 10 and 14 = 2.8284; S_diff = 2.8284·sqrt(2·0.1) = 1.2649; threshold = 2.4792.
    assert frame.attrs["sd_pre"] == pytest.approx(2.8284, abs=1e-4)
    assert frame.attrs["threshold"] == pytest.approx(2.4792, abs=1e-4)
    _refused(lambda: classify_change([10], [12], reliability=0.9, higher_is_better=True),
             "evaluation.sd_pre_from_sample")
    _refused(lambda: classify_change([10, "x"], [12, 13], reliability=0.9, higher_is_better=True),
             "evaluation.not_numeric")
    _refused(lambda: classify_change([10, 11], [12], reliability=0.9, higher_is_better=True),
             "evaluation.length_mismatch")


def test_reliability_from_item_scores():
    frame = classify_change([10, 14, 20], [12, 20, 25], reliability=PINGOUIN_ITEMS, higher_is_better=True)
    assert frame.attrs["reliability"] == pytest.approx(0.591719, abs=1e-6)
    constant = pd.DataFrame({"a": [1, 1, 1], "b": [2, 2, 2]})
    error = _refused(lambda: classify_change([1, 2], [2, 3], reliability=constant, higher_is_better=True),
                     "evaluation.reliability_from_items")
    assert "does not vary" in error.message("en") and "не різниться" in error.message("uk")


# --- Cronbach's alpha ------------------------------------------------------------------------

def test_cronbach_alpha_against_pingouin_and_psych():
    result = cronbach_alpha(PINGOUIN_ITEMS)
    assert round(result["alpha"], 6) == 0.591719
    assert tuple(round(v, 3) for v in result["ci"]) == (0.195, 0.840)
    assert result["n_respondents"] == 15 and result["n_items"] == 10 and result["n_dropped"] == 0
    assert result["deletion"] == "listwise"


def test_cronbach_alpha_by_hand_and_listwise_deletion():
    # Items (1, 2), (2, 3), (3, 3): item variances 1 and 1/3; totals 3, 5, 6 with variance 7/3.
    # α = 2/1 · (1 − (4/3)/(7/3)) = 2 · (1 − 4/7) = 6/7 = 0.857143.
    items = pd.DataFrame({"a": [1, 2, 3, None], "b": [2, 3, 3, 4]})
    result = cronbach_alpha(items)
    assert result["alpha"] == pytest.approx(6 / 7)
    assert result["n_respondents"] == 3 and result["n_dropped"] == 1
    with_gap = PINGOUIN_ITEMS.astype(float).copy()
    with_gap.loc[3, "Q5"] = np.nan
    assert cronbach_alpha(with_gap)["n_dropped"] == 1
    assert cronbach_alpha(with_gap)["alpha"] == pytest.approx(cronbach_alpha(PINGOUIN_ITEMS.drop(index=3))["alpha"])


def test_cronbach_alpha_small_samples_and_bad_input():
    one = cronbach_alpha(pd.DataFrame({"a": [1, None], "b": [2, 3]}))
    assert one["alpha"] is None and one["reason"].key == "evaluation.reason.too_few_respondents"
    assert one["reason"].message("uk") != one["reason"].message("en")
    flat = cronbach_alpha(pd.DataFrame({"a": [1, 1], "b": [2, 2]}))
    assert flat["alpha"] is None and flat["reason"].key == "evaluation.reason.zero_total_variance"
    _refused(lambda: cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})), "evaluation.items_too_few")
    error = _refused(lambda: cronbach_alpha(pd.DataFrame({"a": [1, "two"], "b": [1, 2]})),
                     "evaluation.item_not_numeric")
    assert "Item 'a', row 2" in error.message("en")
    _refused(lambda: cronbach_alpha([[1, 2], [3, 4]]), "evaluation.items_table")


# --- chart ----------------------------------------------------------------------------------------

def test_chart_draws_diagonal_band_cutoff_and_points_in_both_languages():
    frame = classified()
    fig = reliable_change_chart(frame, "en")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Reliable and clinically significant change (Jacobson & Truax)"
    assert ax.get_xlabel() == "Score before" and ax.get_ylabel() == "Score after"
    gids = {artist.get_gid() for artist in ax.get_children()}
    assert {"no_change", "reliable_band", "cutoff", "category_recovered", "category_deteriorated"} <= gids
    diagonal = next(line for line in ax.get_lines() if line.get_gid() == "no_change")
    assert list(diagonal.get_xdata()) == list(diagonal.get_ydata())
    recovered = next(c for c in ax.collections if c.get_gid() == "category_recovered")
    assert sorted(map(tuple, recovered.get_offsets().tolist())) == [(15.0, 28.0), (20.0, 30.0), (30.0, 40.0)]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "recovered (n=3)" in labels and "Reliable change band (±6.2)" in labels
    assert "6.2 points" in fig.caption and "cut-off 22" in fig.caption and "n = 7" in fig.caption
    uk = reliable_change_chart(frame, "uk")
    assert uk._suptitle.get_text().startswith("Надійна та клінічно значуща зміна")
    assert uk.axes[0].get_xlabel() == "Бал до" and "6,2 бала" in uk.caption
    assert "відновлення (n=3)" in [t.get_text() for t in uk.axes[0].get_legend().get_texts()]


def test_chart_without_a_cutoff_and_with_no_data():
    fig = reliable_change_chart(classified(cutoff=None), "en")
    assert "cutoff" not in {artist.get_gid() for artist in fig.axes[0].get_children()}
    assert "cut-off" not in fig.caption
    empty = reliable_change_chart(classified().iloc[0:0], "en")
    assert empty.caption == "No data"
    assert reliable_change_chart(classified().iloc[0:0], "uk").caption == "Немає даних"


def test_chart_legend_names_the_rule_it_was_classified_by():
    crossed = [t.get_text() for t in reliable_change_chart(classified(rule="crossed"), "en").axes[0].get_legend().get_texts()]
    assert "recovered (crossed the cut-off) (n=2)" in crossed
    uk = [t.get_text() for t in reliable_change_chart(classified(rule="crossed"), "uk").axes[0].get_legend().get_texts()]
    assert "відновлення (перетнули межу) (n=2)" in uk
    default = [t.get_text() for t in reliable_change_chart(classified(), "en").axes[0].get_legend().get_texts()]
    assert "recovered (n=3)" in default
