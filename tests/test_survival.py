"""Time-to-event estimators against published worked examples, with their printed numbers.

Sources of the printed numbers (each test says which it uses):

- [R-aml] R's own regression-test output for survival::aml: therneau/survival, file
  tests/doaml.Rout.save (``summary(survfit(Surv(aml$time, aml$status) ~ aml$x))``, the
  median table printed by ``print(fit)`` and ``survdiff``). Data: Miller (1981) p. 49,
  tests/data/aml.csv.
- [R-6MP] ``summary(survfit(Surv(t, status) ~ group))`` and ``survdiff`` of the Freireich et
  al. (1963) 6-MP/placebo remission data (Gehan 1965; MASS::gehan; KMsurv::drug6mp), as
  printed in public R course material: "Chisq= 16.8 on 1 degrees of freedom, p= 4e-05",
  Observed 9/21, Expected 19.3/10.7, (O-E)^2/E 5.46/9.77, (O-E)^2/V 16.8; and
  ``quantile(fit)``: median 6-MP 23 (16, NA), placebo 8 (4, 12). The survival column is
  Kleinbaum & Klein's (Survival Analysis, ch. 2) KM table: 0.857, 0.807, 0.753, 0.690, 0.627,
  0.538, 0.448. Data: tests/data/gehan_6mp.csv.
- [Stata] Rodríguez G., Kaplan–Meier survival, Princeton (data.princeton.edu/eco572/
  KaplanMeier.html): Stata ``sts list, by(group)`` of the same data, whose intervals are on
  the log(−log) scale: control at 1 week 0.9048 (0.6700, 0.9753), at 2 weeks 0.8095
  (0.5689, 0.9239).
- [Satagopan] Satagopan J. M. et al. (2004) A note on competing risks in survival data
  analysis. Br J Cancer 91:1229–1235, Table 2 (breast-cancer deaths with other deaths
  competing). Data: tests/data/satagopan_breast_subset.csv.
- No printed standard error of a cumulative incidence was found for this delta-method
  estimator; its variance is tested through two exact properties instead (see those tests),
  and the Scrucca et al. transplant data (tests/data/bmt_scrucca.csv) serve for the
  identities of competing outcomes.
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from workbench.charts.research import cumulative_incidence_chart, kaplan_meier_chart
from workbench.evaluation.survival import (
    cumulative_incidence, cumulative_incidence_by_cause, kaplan_meier, kaplan_meier_by_group, logrank_test,
    median_survival)
from workbench.i18n import UserError
from conftest import refused as _refused

DATA = Path(__file__).parent / "data"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, comment="#")


@pytest.fixture(scope="module")
def gehan():
    return read("gehan_6mp.csv")


@pytest.fixture(scope="module")
def aml():
    return read("aml.csv")


@pytest.fixture(scope="module")
def bmt():
    return read("bmt_scrucca.csv")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def printed(value: float, text: str) -> None:
    """``value`` agrees with a number printed as ``text`` to the digits printed (half a unit of the last)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(value - float(text)) <= 0.5 * 10 ** -decimals + 1e-12, (value, text)


def group(frame, column, label):
    return frame[frame[column] == label]


# --- Kaplan–Meier against R and Stata ---------------------------------------------------------

# [R-6MP] time n.risk n.event survival std.err lower 95% CI upper 95% CI, group 6-MP
R_6MP = """\
 6     21       3    0.857  0.0764        0.720        1.000
 7     17       1    0.807  0.0869        0.653        0.996
10     15       1    0.753  0.0963        0.586        0.968
13     12       1    0.690  0.1068        0.510        0.935
16     11       1    0.627  0.1141        0.439        0.896
22      7       1    0.538  0.1282        0.337        0.858
23      6       1    0.448  0.1346        0.249        0.807"""

# [R-6MP] group placebo (no censoring); at 23 weeks R prints NaN and NA.
R_PLACEBO = """\
 1     21       2   0.9048  0.0641      0.78754        1.000
 2     19       2   0.8095  0.0857      0.65785        0.996
 3     17       1   0.7619  0.0929      0.59988        0.968
 4     16       2   0.6667  0.1029      0.49268        0.902
 5     14       2   0.5714  0.1080      0.39455        0.828
 8     12       4   0.3810  0.1060      0.22085        0.657
11      8       2   0.2857  0.0986      0.14529        0.562
12      6       2   0.1905  0.0857      0.07887        0.460
15      4       1   0.1429  0.0764      0.05011        0.407
17      3       1   0.0952  0.0641      0.02549        0.356
22      2       1   0.0476  0.0465      0.00703        0.322
23      1       1   0.0000     NaN           NA           NA"""

# [R-aml] the two groups of survival::aml
R_MAINTAINED = """\
    9     11       1    0.909  0.0867       0.7541        1.000
   13     10       1    0.818  0.1163       0.6192        1.000
   18      8       1    0.716  0.1397       0.4884        1.000
   23      7       1    0.614  0.1526       0.3769        0.999
   31      5       1    0.491  0.1642       0.2549        0.946
   34      4       1    0.368  0.1627       0.1549        0.875
   48      2       1    0.184  0.1535       0.0359        0.944"""

R_NONMAINTAINED = """\
    5     12       2   0.8333  0.1076       0.6470        1.000
    8     10       2   0.6667  0.1361       0.4468        0.995
   12      8       1   0.5833  0.1423       0.3616        0.941
   23      6       1   0.4861  0.1481       0.2675        0.883
   27      5       1   0.3889  0.1470       0.1854        0.816
   30      4       1   0.2917  0.1387       0.1148        0.741
   33      3       1   0.1944  0.1219       0.0569        0.664
   43      2       1   0.0972  0.0919       0.0153        0.620
   45      1       1   0.0000     NaN           NA           NA"""


def check_against_r(table: pd.DataFrame, printout: str) -> None:
    rows = [line.split() for line in printout.splitlines()]
    assert len(table) == len(rows)
    for (_, ours), (time, n_risk, n_event, surv, std_err, lower, upper) in zip(table.iterrows(), rows):
        assert ours["time"] == float(time)
        assert ours["n_risk"] == int(n_risk) and ours["n_event"] == int(n_event)
        printed(ours["survival"], surv)
        for column, text in (("std_err", std_err), ("lower", lower), ("upper", upper)):
            if text in ("NaN", "NA"):
                assert math.isnan(ours[column]), (column, ours[column])
            else:
                printed(ours[column], text)


@pytest.mark.parametrize("label, printout", [("6-MP", R_6MP), ("placebo", R_PLACEBO)])
def test_6mp_and_placebo_match_r_summary_survfit(gehan, label, printout):
    mine = group(gehan, "group", label)
    check_against_r(kaplan_meier(mine["weeks"], mine["relapse"]), printout)


@pytest.mark.parametrize("label, printout", [("Maintained", R_MAINTAINED), ("Nonmaintained", R_NONMAINTAINED)])
def test_aml_matches_r_summary_survfit(aml, label, printout):
    mine = group(aml, "x", label)
    check_against_r(kaplan_meier(mine["time"], mine["status"]), printout)


def test_kleinbaum_survival_column_for_6mp(gehan):
    # [R-6MP] Kleinbaum & Klein's KM table for the 6-MP group, to three decimals.
    mine = group(gehan, "group", "6-MP")
    table = kaplan_meier(mine["weeks"], mine["relapse"])
    assert table["survival"].round(3).tolist() == [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448]


def test_std_err_is_of_s_and_se_log_surv_of_log_s(gehan):
    # Greenwood by hand at 6 weeks (6-MP): var(log S) = 3/(21·18) = 0.0079365, se = 0.089087;
    # S = 18/21 = 0.857143, so se(S) = 0.857143 · 0.089087 = 0.076360 (R prints 0.0764).
    mine = group(gehan, "group", "6-MP")
    table = kaplan_meier(mine["weeks"], mine["relapse"])
    assert table.attrs["std_err_of"] == "survival"
    assert table["se_log_surv"].iloc[0] == pytest.approx(0.089087, abs=1e-6)
    assert table["std_err"].iloc[0] == pytest.approx(0.076360, abs=1e-6)
    assert np.allclose(table["std_err"], table["survival"] * table["se_log_surv"])


def test_censoring_counts_follow_kleinbaum(gehan):
    # Kleinbaum & Klein's q_j: censored in [t_j, t_(j+1)). 6-MP: 6+ at 6; 9+ in [7, 10); 10+, 11+ in
    # [10, 13); none in [13, 16); 17+, 19+, 20+ in [16, 22); none in [22, 23); 25+, 32+, 32+, 34+, 35+ after 23.
    mine = group(gehan, "group", "6-MP")
    table = kaplan_meier(mine["weeks"], mine["relapse"])
    assert table["n_censor"].tolist() == [1, 1, 2, 0, 3, 0, 5]
    assert (table["n_risk"].iloc[1:].to_numpy()
            == (table["n_risk"] - table["n_event"] - table["n_censor"]).iloc[:-1].to_numpy()).all()
    assert table.attrs["censor_times"] == [6.0, 9.0, 10.0, 11.0, 17.0, 19.0, 20.0, 25.0, 32.0, 32.0, 34.0, 35.0]
    assert table.attrs["n"] == 21 and table.attrs["n_events"] == 9 and table.attrs["last_time"] == 35.0


def test_log_log_interval_matches_stata(gehan):
    # [Stata] control group, sts list: 1 week 0.9048 [0.6700, 0.9753]; 2 weeks 0.8095 [0.5689, 0.9239].
    mine = group(gehan, "group", "placebo")
    table = kaplan_meier(mine["weeks"], mine["relapse"], conf_type="log-log")
    assert table.attrs["conf_type"] == "log-log"
    assert "log S" in table.attrs["transform"]
    for row, (surv, lower, upper) in enumerate([("0.9048", "0.6700", "0.9753"), ("0.8095", "0.5689", "0.9239")]):
        printed(table["survival"].iloc[row], surv)
        printed(table["lower"].iloc[row], lower)
        printed(table["upper"].iloc[row], upper)


def test_plain_interval_by_hand(gehan):
    # 6-MP at 6 weeks: 0.857143 ± 1.959964 · 0.076360 = 0.857143 ± 0.149663 → [0.707480, 1.006806],
    # the upper end clipped to 1 (R's plain interval is clipped to [0, 1]).
    mine = group(gehan, "group", "6-MP")
    table = kaplan_meier(mine["weeks"], mine["relapse"], conf_type="plain")
    assert table["lower"].iloc[0] == pytest.approx(0.707480, abs=1e-5)
    assert table["upper"].iloc[0] == 1.0
    assert table.attrs["conf_type"] == "plain"


def test_the_interval_level_follows_alpha(gehan):
    # A 90% interval is narrower than the 95% one; at 6 weeks (log): exp(log 0.857143 − 1.644854 · 0.089087)
    # = 0.857143 · exp(−0.146536) = 0.857143 · 0.863695 = 0.740309.
    mine = group(gehan, "group", "6-MP")
    table = kaplan_meier(mine["weeks"], mine["relapse"], alpha=0.10)
    assert table.attrs["conf_level"] == pytest.approx(0.90)
    assert table["lower"].iloc[0] == pytest.approx(0.740309, abs=1e-5)


def test_no_event_at_all_gives_an_empty_table():
    table = kaplan_meier([3, 5, 8], [0, 0, 0])
    assert table.empty and table.attrs["n_events"] == 0 and table.attrs["censored_before_first_event"] == 3


def test_booleans_and_floats_are_event_flags():
    a = kaplan_meier([1, 2, 3], [True, False, True])
    b = kaplan_meier(np.array([1.0, 2.0, 3.0]), [1.0, 0.0, 1.0])
    assert a["survival"].tolist() == b["survival"].tolist() == pytest.approx([2 / 3, 0.0])


# --- the median -----------------------------------------------------------------------------

@pytest.mark.parametrize("label, expected", [("6-MP", (23, 16, None)), ("placebo", (8, 4, 12))])
def test_median_and_interval_match_r_quantile(gehan, label, expected):
    # [R-6MP] quantile(fit): 50% — 6-MP 23 (16, NA), placebo 8 (4, 12).
    mine = group(gehan, "group", label)
    result = median_survival(kaplan_meier(mine["weeks"], mine["relapse"]))
    for name, value in zip(("median", "lower", "upper"), expected):
        if value is None:
            assert math.isnan(result[name])
        else:
            assert result[name] == value


@pytest.mark.parametrize("label, expected", [("Maintained", (31, 18)), ("Nonmaintained", (23, 8))])
def test_aml_median_matches_r_print(aml, label, expected):
    # [R-aml] print(fit): median 0.95LCL 0.95UCL — Maintained 31 18 NA; Nonmaintained 23 8 NA.
    mine = group(aml, "x", label)
    result = median_survival(kaplan_meier(mine["time"], mine["status"]))
    assert (result["median"], result["lower"]) == expected
    assert math.isnan(result["upper"])
    assert result["reasons"] == {"upper": "survival.median.upper_not_reached"}


def test_a_median_on_a_flat_stretch_is_its_midpoint():
    # 1, 2, 3, 4 all events: S = 0.75, 0.5, 0.25, 0. S is exactly 0.5 on [2, 3): median (2 + 3)/2 = 2.5,
    # as R's quantile.survfit gives (the usual sample median of 1..4).
    assert median_survival(kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]))["median"] == 2.5
    # 1, 2 events, 3+ and 4+ censored: S = 0.75, 0.5 and flat at 0.5 to the end of follow-up (4):
    # R's rule for a flat at the end of the curve, (2 + 4)/2 = 3.
    assert median_survival(kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0]))["median"] == 3.0


def test_a_median_never_reached_says_why():
    result = median_survival(kaplan_meier([5, 6, 7, 8], [1, 0, 0, 0]))  # S = 0.75 and no lower
    assert math.isnan(result["median"]) and math.isnan(result["upper"])
    assert result["reasons"]["median"] == "survival.median.not_reached"
    none = median_survival(kaplan_meier([5, 6], [0, 0]))
    assert set(none["reasons"]) == {"median", "lower", "upper"}


def test_median_refuses_what_is_not_a_km_table():
    with pytest.raises(UserError) as caught:
        median_survival(pd.DataFrame({"time": [1], "survival": [0.4]}))
    assert caught.value.key == "survival.not_km"


# --- the log-rank test ----------------------------------------------------------------------

def test_logrank_6mp_versus_placebo_matches_survdiff(gehan):
    # [R-6MP] Observed 9, 21; Expected 19.3, 10.7; (O-E)^2/E 5.46, 9.77; (O-E)^2/V 16.8;
    # Chisq= 16.8 on 1 degrees of freedom, p= 4e-05 (4.17e-05 in an older R's print).
    result = logrank_test(gehan["weeks"], gehan["relapse"], gehan["group"])
    printed(result["chisq"], "16.8")
    assert result["df"] == 1
    assert f"{result['p']:.0e}" == "4e-05"
    printed(result["p"], "0.0000417")
    table = result["table"]
    assert table.index.tolist() == ["6-MP", "placebo"] and table["n"].tolist() == [21, 21]
    assert table["observed"].tolist() == [9, 21]
    printed(table.loc["6-MP", "expected"], "19.3")
    printed(table.loc["placebo", "expected"], "10.7")
    printed(table.loc["6-MP", "oe2_e"], "5.46")
    printed(table.loc["placebo", "oe2_e"], "9.77")
    printed(table.loc["6-MP", "oe2_v"], "16.8")


def test_logrank_aml_matches_survdiff(aml):
    # [R-aml] Observed 7, 11; Expected 10.69, 7.31; (O-E)^2/E 1.27, 1.86; (O-E)^2/V 3.40;
    # Chisq= 3.4 on 1 degrees of freedom, p= 0.0653.
    result = logrank_test(aml["time"], aml["status"], aml["x"])
    printed(result["chisq"], "3.4")
    printed(result["p"], "0.0653")
    table = result["table"]
    printed(table.loc["Maintained", "expected"], "10.69")
    printed(table.loc["Nonmaintained", "expected"], "7.31")
    printed(table.loc["Maintained", "oe2_e"], "1.27")
    printed(table.loc["Nonmaintained", "oe2_e"], "1.86")
    printed(table.loc["Maintained", "oe2_v"], "3.40")


def test_logrank_with_three_groups_does_not_depend_on_which_group_is_left_out(bmt):
    # (O − E)ᵀ V⁻(O − E) is the same whichever K − 1 groups carry it; reordering the categories
    # changes the group left out of the solve, so a slip in the variance would show here.
    labels = bmt["dis"].astype(str) + "-" + (bmt["ftime"] > 10).astype(str)  # 4 groups
    events = (bmt["status"] > 0).astype(int)
    first = logrank_test(bmt["ftime"], events, pd.Categorical(labels))
    order = sorted(labels.unique(), reverse=True)
    second = logrank_test(bmt["ftime"], events, pd.Categorical(labels, categories=order))
    assert first["df"] == second["df"] == 3
    assert first["chisq"] == pytest.approx(second["chisq"], rel=1e-10)
    assert first["table"]["observed"].sum() == events.sum()
    assert first["table"]["expected"].sum() == pytest.approx(events.sum())


# --- cumulative incidence with competing outcomes -------------------------------------------

def satagopan_cohort() -> pd.DataFrame:
    """Table 2's nine patients and the other 296 of the 305, all followed beyond 27 months."""
    nine = read("satagopan_breast_subset.csv")
    rest = pd.DataFrame({"patient": range(10, 306), "months": 60, "status": "alive"})
    return pd.concat([nine, rest], ignore_index=True)


def test_cumulative_incidence_reproduces_satagopan_table_2():
    # [Satagopan] Table 2(b). Step 1 (all deaths): at risk 304, 302, 301, 300, 298, 297 at months
    # 10, 16, 18, 23, 26, 27; overall survival 99.7, 99.3, 99.0, 98.7, 98.3, 98.0 %.
    # Step 2 (breast-cancer deaths): at 10, 16, 23, 27 survival up to t(j−1) 100, 99.7, 99.0, 98.3 %,
    # incidence h1·S 0.3 % each, cumulative incidence 0.3, 0.6, 0.9, 1.2 %.
    cohort = satagopan_cohort()
    cif = cumulative_incidence(cohort["months"], cohort["status"], cause_of_interest="dead_bc", censored="alive")
    assert cif["time"].tolist() == [10, 16, 18, 23, 26, 27]
    assert cif["n_risk"].tolist() == [304, 302, 301, 300, 298, 297]
    km = kaplan_meier(cohort["months"], (cohort["status"] != "alive").astype(int))
    for ours, text in zip(km["survival"] * 100, ["99.7", "99.3", "99.0", "98.7", "98.3", "98.0"]):
        printed(ours, text)
    bc = cif[cif["n_event_cause"] > 0]
    increments = bc["cif"].diff().fillna(bc["cif"].iloc[0]) * 100
    for ours, text in zip(increments, ["0.3", "0.3", "0.3", "0.3"]):
        printed(ours, text)
    before = np.concatenate([[1.0], km["survival"].to_numpy()[:-1]])[cif["n_event_cause"].to_numpy() > 0] * 100
    for ours, text in zip(before, ["100", "99.7", "99.0", "98.3"]):
        printed(ours, text)
    # The printed cumulative column adds the rounded increments (0.3 + 0.3 = 0.6 …); the exact
    # sums are 0.329, 0.659, 0.989, 1.320 %, which round to 0.3, 0.7, 1.0, 1.3.
    assert (bc["cif"] * 100).round(1).tolist() == [0.3, 0.7, 1.0, 1.3]
    assert (increments.round(1).cumsum().round(1)).tolist() == [0.3, 0.6, 0.9, 1.2]


def test_all_outcomes_and_the_share_still_open_add_up_to_one(bmt):
    # F_1(t) + F_2(t) + S(t) = 1 at every time, S the Kaplan–Meier curve of any outcome.
    km = kaplan_meier(bmt["ftime"], (bmt["status"] > 0).astype(int))
    total = sum(cumulative_incidence(bmt["ftime"], bmt["status"], cause_of_interest=k)["cif"].to_numpy()
                for k in (1, 2))
    assert np.allclose(total + km["survival"].to_numpy(), 1.0, atol=1e-12)


def test_with_one_cause_the_cumulative_incidence_is_one_minus_kaplan_meier(aml):
    # A single outcome: F = 1 − S, and the delta-method variance reduces to Greenwood's (of S).
    cif = cumulative_incidence(aml["time"], aml["status"], cause_of_interest=1)
    km = kaplan_meier(aml["time"], aml["status"])
    assert np.allclose(cif["cif"], 1 - km["survival"], atol=1e-12)
    finite = np.isfinite(km["std_err"])
    assert np.allclose(cif["std_err"][finite], km["std_err"][finite], atol=1e-12)


def test_without_censoring_the_variance_is_binomial():
    # No one censored: F_k(t) is the observed proportion with outcome k by t, whose variance is
    # F(1 − F)/n exactly; the delta-method estimator gives that too.
    durations = [1, 1, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 12]
    causes = ["a", "b", "a", "a", "b", "c", "b", "a", "a", "c", "b", "a", "b", "a", "c", "b"]
    for cause in "abc":
        cif = cumulative_incidence(durations, causes, cause_of_interest=cause, censored="open")
        counts = [sum(1 for d, c in zip(durations, causes) if d <= t and c == cause) for t in cif["time"]]
        assert np.allclose(cif["cif"], np.array(counts) / 16)
        assert np.allclose(cif["std_err"] ** 2, cif["cif"] * (1 - cif["cif"]) / 16, atol=1e-15)


def test_one_minus_km_overstates_an_outcome_when_others_compete(bmt):
    # Relapse (2) with transplant deaths (1) treated as censored: 1 − KM ≥ the cumulative incidence,
    # strictly once a competing death has happened before a relapse.
    relapse = cumulative_incidence(bmt["ftime"], bmt["status"], cause_of_interest=2)
    naive = kaplan_meier(bmt["ftime"], (bmt["status"] == 2).astype(int))
    naive_at = 1 - naive.set_index("time")["survival"].reindex(relapse["time"], method="ffill").fillna(1.0)
    assert (naive_at.to_numpy() >= relapse["cif"].to_numpy() - 1e-12).all()
    assert naive_at.iloc[-1] > relapse["cif"].iloc[-1] + 0.05


def test_cumulative_incidence_interval_and_attributes(bmt):
    cif = cumulative_incidence(bmt["ftime"], bmt["status"], cause_of_interest=2)
    inside = cif["lower"].notna()
    assert ((cif["lower"] <= cif["cif"]) & (cif["cif"] <= cif["upper"]))[inside].all()
    assert cif.attrs["cause"] == 2 and cif.attrs["causes"] == [1, 2]
    assert cif.attrs["conf_type"] == "log-log" and "delta" in cif.attrs["variance"]
    assert cif.attrs["n_events_cause"] == 15 and cif.attrs["n"] == 35
    # Ties at time 0 (one relapse, one transplant death): both enter the first row.
    assert cif["time"].iloc[0] == 0 and cif["n_event"].iloc[0] == 2 and cif["n_event_cause"].iloc[0] == 1
    # The interval on the log(−log) scale by hand at the first row: F = 1/35 = 0.028571; se² from the
    # delta method: ΔF = 0 there, so se² = S(0−)²·d(n − d)/n³ = 34/35³ = 0.00079300, se = 0.028160;
    # ln F = −3.555348, so the shift is 1.959964·0.028160/(0.028571·(−3.555348)) = −0.543340 and
    # F^exp(±0.543340): exp(−3.555348·1.721747) = exp(−6.121446) = 0.002195 and
    # exp(−3.555348·0.580805) = exp(−2.064964) = 0.126823.
    assert cif["std_err"].iloc[0] == pytest.approx(0.028160, abs=1e-6)
    assert cif["lower"].iloc[0] == pytest.approx(0.002195, abs=1e-6)
    assert cif["upper"].iloc[0] == pytest.approx(0.126823, abs=1e-6)


# --- bad input, in both languages ------------------------------------------------------------

@pytest.mark.parametrize("durations, key", [
    ([3, -1, 4], "survival.duration_negative"),
    ([3, "4", 5], "survival.duration_not_number"),
    ([3, None, 5], "survival.duration_not_number"),
    ([3, math.nan, 5], "survival.duration_not_number"),
    ([3, math.inf, 5], "survival.duration_not_number"),
    ([3, True, 5], "survival.duration_not_number"),
    ([], "survival.empty"),
    ("3, 4, 5", "survival.not_sequence"),
    (7, "survival.not_sequence"),
])
def test_bad_durations_are_refused(durations, key):
    events = [1] * (len(durations) if isinstance(durations, list) else 3)
    error = _refused(lambda: kaplan_meier(durations, events))
    assert error.key == key
    if key in ("survival.duration_negative", "survival.duration_not_number"):
        assert error.params["position"] == 2
        assert "Рядок 2" in error.message("uk") and "Row 2" in error.message("en")


@pytest.mark.parametrize("events", [[1, 2, 0], [1, 0.5, 0], [1, "yes", 0], [1, None, 0], [1, math.nan, 0]])
def test_event_flags_other_than_zero_and_one_are_refused(events):
    error = _refused(lambda: kaplan_meier([1, 2, 3], events))
    assert error.key == "survival.event_not_binary" and error.params["position"] == 2


def test_mismatched_lengths_are_refused():
    error = _refused(lambda: kaplan_meier([1, 2, 3], [1, 0]))
    assert error.key == "survival.lengths"
    assert "event flags" in error.message("en") and "позначок події" in error.message("uk")
    assert _refused(lambda: logrank_test([1, 2, 3], [1, 0, 1], ["a", "b"])).key == "survival.lengths"
    assert _refused(lambda: cumulative_incidence([1, 2], [1], cause_of_interest=1)).key == "survival.lengths"


def test_a_group_with_no_observations_is_refused():
    groups = pd.Categorical(["a", "a", "b", "b"], categories=["a", "b", "c"])
    error = _refused(lambda: logrank_test([1, 2, 3, 4], [1, 1, 1, 0], groups))
    assert error.key == "survival.group_empty" and error.params["group"] == "c"
    assert "«c»" in error.message("uk") and "'c'" in error.message("en")
    assert _refused(lambda: kaplan_meier_chart([1, 2, 3, 4], [1, 1, 1, 0], groups)).key == "survival.group_empty"


def test_other_bad_group_data_are_refused():
    assert _refused(lambda: logrank_test([1, 2, 3], [1, 1, 0], ["a", None, "b"])).key == "survival.group_missing"
    assert _refused(lambda: logrank_test([1, 2, 3], [1, 1, 0], ["a", "a", "a"])).key == "survival.one_group"
    assert _refused(lambda: logrank_test([1, 2, 3], [0, 0, 0], ["a", "b", "a"])).key == "survival.no_events"


def test_bad_causes_are_refused(bmt):
    t, s = bmt["ftime"], bmt["status"]
    assert _refused(lambda: cumulative_incidence(t, s, cause_of_interest=3)).key == "survival.cause_unknown"
    assert _refused(lambda: cumulative_incidence(t, s, cause_of_interest=0)).key == "survival.cause_is_censoring"
    error = _refused(lambda: cumulative_incidence([1, 2], ["moved", None], cause_of_interest="moved",
                                                  censored="open"))
    assert error.key == "survival.cause_missing" and "'open'" in error.message("en")


def test_bad_options_are_refused():
    assert _refused(lambda: kaplan_meier([1, 2], [1, 1], conf_type="logit")).key == "survival.conf_type"
    for alpha in (0, 1, 1.5, -0.1, "0.05", math.nan):
        assert _refused(lambda alpha=alpha: kaplan_meier([1, 2], [1, 1], alpha=alpha)).key == "survival.alpha"


def test_the_tables_the_charts_draw_are_the_estimators_own(gehan, bmt):
    curves = kaplan_meier_by_group(gehan["weeks"], gehan["relapse"], gehan["group"], conf_type="log-log")
    assert list(curves) == ["6-MP", "placebo"]
    mine = gehan["group"] == "placebo"
    expected = kaplan_meier(gehan.loc[mine, "weeks"], gehan.loc[mine, "relapse"], conf_type="log-log")
    pd.testing.assert_frame_equal(curves["placebo"], expected)
    [(group, everyone)] = kaplan_meier_by_group(gehan["weeks"], gehan["relapse"]).items()
    assert group is None and everyone.attrs["n"] == 42
    causes = cumulative_incidence_by_cause(bmt["ftime"], bmt["status"])
    assert list(causes) == [1, 2]
    pd.testing.assert_frame_equal(causes[2], cumulative_incidence(bmt["ftime"], bmt["status"], cause_of_interest=2))
    assert cumulative_incidence_by_cause([1, 2], [0, 0]) == {}
    assert _refused(lambda: kaplan_meier_by_group([1, 2], [1, 1], conf_type="logit")).key == "survival.conf_type"


# --- charts -----------------------------------------------------------------------------------

def test_kaplan_meier_chart_by_group(gehan):
    fig = kaplan_meier_chart(gehan["weeks"], gehan["relapse"], gehan["group"], lang="en",
                             group_labels={"6-MP": "6-MP", "placebo": "Placebo"}, time_label="Weeks")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Share without the event over time (Kaplan–Meier)"
    assert ax.get_xlabel() == "Weeks" and ax.get_ylabel() == "Share without the event"
    gids = {artist.get_gid() for artist in ax.get_children()}
    assert {"km:0", "km:1", "band:0", "band:1", "censor:0", "censor:1"} <= gids
    ticks = {line.get_gid(): line for line in ax.get_lines()}
    # 12 censored in the 6-MP group, none on placebo; a tick sits on the curve: 9+ after 7 weeks is at 0.807.
    assert len(ticks["censor:0"].get_xdata()) == 12 and len(ticks["censor:1"].get_xdata()) == 0
    assert ticks["censor:0"].get_ydata()[1] == pytest.approx(0.8067, abs=1e-4)
    curve = ticks["km:1"]
    assert curve.get_xdata()[-1] == 23 and curve.get_ydata()[-1] == 0
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["6-MP (n = 21, events: 9)", "Placebo (n = 21, events: 21)"]
    assert "95%" in fig.caption and "6-MP 23" in fig.caption and "Placebo 8" in fig.caption
    assert "log transform" in fig.caption


def test_kaplan_meier_chart_in_ukrainian_and_without_groups(aml):
    fig = kaplan_meier_chart(aml["time"], aml["status"], lang="uk", conf_type="log-log")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Частка без події з часом (Каплан–Маєр)"
    assert ax.get_xlabel() == "Час від початку спостереження" and ax.get_ylabel() == "Частка без події"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Усі (n = 23, подій: 18)"]
    assert "log(−log)" in fig.caption and "Медіана: Усі — 27" in fig.caption


def test_kaplan_meier_chart_says_no_data():
    for lang, text in (("uk", "Немає даних"), ("en", "No data")):
        fig = kaplan_meier_chart([], [], lang=lang)
        assert fig.caption == text
        assert fig._suptitle.get_text()


def test_charts_refuse_bad_data_before_drawing():
    open_figures = plt.get_fignums()
    assert _refused(lambda: kaplan_meier_chart([1, -2], [1, 1])).key == "survival.duration_negative"
    assert _refused(lambda: cumulative_incidence_chart([1, 2], [1])).key == "survival.lengths"
    assert plt.get_fignums() == open_figures  # no half-made figure left behind


def test_cumulative_incidence_chart_by_cause(bmt):
    fig = cumulative_incidence_chart(bmt["ftime"], bmt["status"], lang="en",
                                     cause_labels={1: "Transplant-related death", 2: "Relapse"}, time_label="Months")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Cumulative incidence of each outcome (competing outcomes)"
    assert ax.get_xlabel() == "Months" and ax.get_ylabel() == "Cumulative incidence"
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert {"cif:0", "cif:1"} <= set(lines)
    relapse = cumulative_incidence(bmt["ftime"], bmt["status"], cause_of_interest=2)
    assert lines["cif:1"].get_ydata()[-1] == pytest.approx(relapse["cif"].iloc[-1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Transplant-related death (events: 9)", "Relapse (events: 15)"]
    assert "compete" in fig.caption and "n = 35" in fig.caption
    uk = cumulative_incidence_chart(bmt["ftime"], bmt["status"], lang="uk")
    assert uk._suptitle.get_text() == "Накопичена частота кожного результату (конкуруючі результати)"
    assert "конкуруючі" in uk.caption


def test_cumulative_incidence_chart_says_no_data():
    assert cumulative_incidence_chart([], [], lang="en").caption == "No data"
    assert cumulative_incidence_chart([1, 2], [0, 0], lang="uk").caption == "Немає даних"
