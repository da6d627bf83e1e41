"""The repeated-measures model against lme4's published sleepstudy fits.

Data: lme4's ``sleepstudy`` (Belenky et al. 2003), tests/data/sleepstudy.csv: 18 subjects × 10
days, Reaction (ms) by Days of sleep deprivation.

Printed numbers:

- [JSS] Bates, Mächler, Bolker & Walker (2015), "Fitting linear mixed-effects models using
  lme4", Journal of Statistical Software 67(1), the model ``Reaction ~ Days + (Days | Subject)``
  fitted by REML; its ``summary()`` as reprinted e.g. in D. Barr's lecture slides
  (dalejbarr.github.io/stat-models-2023/slides/05_lmms_1): Random effects — Subject
  (Intercept) variance 612.10, SD 24.741; Days 35.07, 5.922, Corr 0.07; Residual 654.94,
  25.592. Fixed effects — (Intercept) 251.405 (SE 6.825), Days 10.467 (SE 1.546). Number of
  obs: 180, groups: Subject, 18.
- [VarCorr] lme4's ``VarCorr`` of ``lmer(Reaction ~ Days + (1|Subject), sleepstudy)`` as printed
  by B. Bolker (lme4 author) on Stack Overflow, "Extract random effect variances from lme4 mer
  model object": Subject (Intercept) variance 1378.18, SD 37.124; Residual 960.46, 30.991.
  The fixed effects of that model (251.405, SE 9.747; 10.467, SE 0.804) we did not find printed
  in the material we could search; they are derived by hand below from the printed variances.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.evaluation.mixed import MIN_CLIENTS, mixed_model
from workbench.i18n import UserError
from conftest import refused as _refused

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def sleep() -> pd.DataFrame:
    return pd.read_csv(DATA / "sleepstudy.csv", comment="#")


def printed(value: float, text: str) -> None:
    """``value`` agrees with a number printed as ``text`` to the digits printed (half a unit of the last)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(value - float(text)) <= 0.5 * 10 ** -decimals + 1e-12, (value, text)


def test_the_data_are_lme4s_sleepstudy(sleep):
    assert list(sleep.columns) == ["Reaction", "Days", "Subject"]
    assert len(sleep) == 180 and sleep["Subject"].nunique() == 18
    assert (sleep.groupby("Subject")["Days"].apply(sorted).map(tuple) == tuple(range(10))).all()
    # lme4's first rows (subject 308): 249.5600 258.7047 250.8006 …; the last (372, day 9): 364.1236.
    assert sleep["Reaction"].iloc[:3].tolist() == [249.56, 258.7047, 250.8006]
    assert sleep["Reaction"].iloc[-1] == 364.1236


@pytest.fixture(scope="module")
def random_slope(sleep):
    return mixed_model(sleep, score="Reaction", time="Days", client="Subject", random_slope=True)


@pytest.fixture(scope="module")
def random_intercept(sleep):
    return mixed_model(sleep, score="Reaction", time="Days", client="Subject")


def test_random_slope_fit_matches_lme4_jss(random_slope):
    # [JSS] fm1 <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy)
    fixed = random_slope.fixed.set_index("term")
    printed(fixed.loc["(Intercept)", "estimate"], "251.405")
    printed(fixed.loc["(Intercept)", "std_error"], "6.825")
    printed(fixed.loc["Days", "estimate"], "10.467")
    printed(fixed.loc["Days", "std_error"], "1.546")
    random = random_slope.random.set_index("component")
    printed(random.loc["intercept", "variance"], "612.10")
    printed(random.loc["intercept", "sd"], "24.741")
    printed(random.loc["slope", "variance"], "35.07")
    printed(random.loc["slope", "sd"], "5.922")
    printed(random.loc["slope", "correlation"], "0.07")
    printed(random.loc["residual", "variance"], "654.94")
    printed(random.loc["residual", "sd"], "25.592")
    assert (random_slope.n_observations, random_slope.n_clients) == (180, 18)
    assert random_slope.converged and random_slope.reml and random_slope.random_slope
    assert random_slope.formula == "Reaction ~ Days + (Days | Subject)"


def test_random_intercept_fit_matches_lme4(random_intercept):
    # [VarCorr] Subject (Intercept) 1378.18 (SD 37.124); Residual 960.46 (SD 30.991).
    random = random_intercept.random.set_index("component")
    assert list(random.index) == ["intercept", "residual"]
    printed(random.loc["intercept", "variance"], "1378.18")
    printed(random.loc["intercept", "sd"], "37.124")
    printed(random.loc["residual", "variance"], "960.46")
    printed(random.loc["residual", "sd"], "30.991")
    assert random["correlation"].isna().all()
    # Every subject has days 0..9, so with a random intercept the GLS estimates are the ordinary
    # least-squares ones and their variances have closed forms (t̄ = 4.5, Σ(t − t̄)² = 18 · 82.5 = 1485):
    #   Var(slope) = σ²/1485 = 960.46/1485 = 0.646774, SE 0.80422 → 0.804;
    #   Var(intercept) = (τ² + σ²/10)/18 + t̄²·Var(slope) = (1378.18 + 96.046)/18 + 20.25 · 0.646774
    #                  = 81.9015 + 13.0972 = 94.9987, SE 9.74673 → 9.747.
    fixed = random_intercept.fixed.set_index("term")
    printed(fixed.loc["(Intercept)", "estimate"], "251.405")
    printed(fixed.loc["(Intercept)", "std_error"], "9.747")
    printed(fixed.loc["Days", "estimate"], "10.467")
    printed(fixed.loc["Days", "std_error"], "0.804")
    assert random_intercept.formula == "Reaction ~ Days + (1 | Subject)"


def test_the_table_holds_intervals_and_p_values(random_intercept):
    fixed = random_intercept.fixed.set_index("term")
    assert list(random_intercept.fixed.columns) == ["term", "estimate", "std_error", "ci_lower", "ci_upper", "z", "p"]
    # 95% interval = estimate ± 1.959964 · SE: 10.467286 ± 1.959964 · 0.804222 = [8.891, 12.044].
    printed(fixed.loc["Days", "ci_lower"], "8.891")
    printed(fixed.loc["Days", "ci_upper"], "12.044")
    # z = 10.467286 / 0.804222 = 13.015 (lme4's t value 13.02); p is far below 0.001.
    printed(fixed.loc["Days", "z"], "13.015")
    assert fixed.loc["Days", "p"] < 1e-30


def test_how_long_the_fit_took_is_kept_and_printed(random_intercept):
    assert isinstance(random_intercept.fit_seconds, float) and 0 < random_intercept.fit_seconds < 60
    seconds = f"{random_intercept.fit_seconds:.2f}"
    assert f"The fit took {seconds} s." in random_intercept.summary("en")
    assert f"Підгонка тривала {seconds} с." in random_intercept.summary("uk")


def test_the_printed_summary_in_both_languages(random_slope):
    en, uk = random_slope.summary("en"), random_slope.summary("uk")
    assert "Linear mixed-effects model (REML): Reaction ~ Days + (Days | Subject)" in en
    assert "Clients: 18; observations: 180" in en and "Клієнтів: 18; вимірювань: 180" in uk
    assert "Days | 10.467 | 1.546 |" in en
    assert "client: slope over time | 35.07 | 5.922 | 0.07" in en
    assert "клієнт: нахил за часом | 35.07 | 5.922 | 0.07" in uk
    assert "The optimiser converged." in en and "Оптимізація збіглася." in uk
    assert str(random_slope) in (en, uk)


def test_ml_differs_from_reml(sleep, random_intercept):
    # ML divides by n rather than n − p, so its variances are smaller; in this balanced design the
    # fixed effects are the least-squares ones either way.
    ml = mixed_model(sleep, score="Reaction", time="Days", client="Subject", reml=False)
    assert not ml.reml and "(ML)" in ml.summary("en")
    assert ml.random["variance"].iloc[0] < random_intercept.random["variance"].iloc[0]
    assert np.allclose(ml.fixed["estimate"], random_intercept.fixed["estimate"])


def test_group_by_time_interaction(sleep):
    # With a client-level group and the same days for every client, the GLS estimates equal least
    # squares of Reaction on 1, Days, group, group·Days — i.e. each group's own OLS line: the
    # interaction is the difference between the two groups' OLS slopes.
    data = sleep.assign(programme=np.where(sleep["Subject"] % 2 == 0, "even", "odd"))
    result = mixed_model(data, score="Reaction", time="Days", client="Subject", group="programme")
    fixed = result.fixed.set_index("term")
    assert list(fixed.index) == ["(Intercept)", "programme[odd]", "Days", "programme[odd] × Days"]
    assert result.reference_group == "even"
    slopes = {g: np.polyfit(part["Days"], part["Reaction"], 1) for g, part in data.groupby("programme")}
    assert fixed.loc["Days", "estimate"] == pytest.approx(slopes["even"][0], rel=1e-8)
    assert fixed.loc["programme[odd] × Days", "estimate"] == pytest.approx(slopes["odd"][0] - slopes["even"][0],
                                                                          rel=1e-8)
    assert fixed.loc["programme[odd]", "estimate"] == pytest.approx(slopes["odd"][1] - slopes["even"][1], rel=1e-8)
    assert result.formula == "Reaction ~ Days * programme + (1 | Subject)"


def test_a_categorical_group_sets_the_reference(sleep):
    data = sleep.assign(programme=pd.Categorical(np.where(sleep["Subject"] % 2 == 0, "even", "odd"),
                                                 categories=["odd", "even"]))
    result = mixed_model(data, score="Reaction", time="Days", client="Subject", group="programme")
    assert result.reference_group == "odd" and "programme[even] × Days" in result.fixed["term"].tolist()


def test_rows_with_missing_values_are_left_out_and_counted(sleep, random_intercept):
    data = sleep.copy()
    data["Reaction"] = data["Reaction"].astype(object)
    data.loc[[0, 5], "Reaction"] = None
    data.loc[7, "Days"] = np.nan
    result = mixed_model(data, score="Reaction", time="Days", client="Subject")
    assert result.n_dropped == 3 and result.n_observations == 177 and result.n_clients == 18
    assert "rows left out for missing values: 3" in result.summary("en")
    assert not np.allclose(result.fixed["estimate"], random_intercept.fixed["estimate"])


# --- bad input, in both languages -------------------------------------------------------------

def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["client", "time", "score"])


def clients(n, times=(0, 1, 2), group=None):
    """n clients measured at ``times``, scores rising by 1 a step plus the client's number."""
    rows = [(f"c{i}", t, float(i + t + (t * i) % 3)) for i in range(n) for t in times]
    data = frame(rows)
    if group is not None:
        data["programme"] = group
    return data


def test_a_missing_or_repeated_column_is_refused(sleep):
    error = _refused(lambda: mixed_model(sleep, score="Score", time="Days", client="Subject"))
    assert error.key == "mixed.column_missing" and "'Score'" in error.message("en") and "«Score»" in error.message("uk")
    assert _refused(lambda: mixed_model(sleep, score="Reaction", time="Days", client="Subject",
                                       group="Programme")).key == "mixed.column_missing"
    assert _refused(lambda: mixed_model(sleep, score="Days", time="Days", client="Subject")).key == "mixed.same_column"
    assert _refused(lambda: mixed_model(sleep.to_dict(), score="Reaction", time="Days",
                                       client="Subject")).key == "mixed.not_frame"


@pytest.mark.parametrize("bad", ["fast", True, math.inf])
def test_a_score_that_is_not_a_number_is_refused(bad):
    data = clients(6)
    data["score"] = data["score"].astype(object)
    data.loc[4, "score"] = bad
    error = _refused(lambda: mixed_model(data, score="score", time="time", client="client"))
    assert error.key == "mixed.not_numeric" and error.params["position"] == 5 and error.params["column"] == "score"
    assert "Row 5" in error.message("en") and "Рядок 5" in error.message("uk")


def test_a_time_that_is_not_a_number_is_refused():
    data = clients(6)
    data["time"] = data["time"].astype(object)
    data.loc[2, "time"] = "week 2"
    assert _refused(lambda: mixed_model(data, score="score", time="time", client="client")).params["column"] == "time"


def test_one_time_point_is_refused():
    data = clients(6, times=(3,))
    error = _refused(lambda: mixed_model(data, score="score", time="time", client="client"))
    assert error.key == "mixed.one_time_point" and "(3)" in error.message("en")


def test_no_client_with_two_measurements_is_refused():
    data = frame([(f"c{i}", i % 3, float(i)) for i in range(12)])  # 12 clients, one visit each
    assert _refused(lambda: mixed_model(data, score="score", time="time", client="client")).key == "mixed.no_repeated"


def test_too_few_clients_are_refused():
    error = _refused(lambda: mixed_model(clients(MIN_CLIENTS - 1), score="score", time="time", client="client"))
    assert error.key == "mixed.too_few_clients"
    assert error.params == {"count": MIN_CLIENTS - 1, "minimum": MIN_CLIENTS}
    mixed_model(clients(MIN_CLIENTS), score="score", time="time", client="client")  # the minimum is enough


def test_all_rows_missing_is_refused():
    data = clients(6)
    data["score"] = np.nan
    assert _refused(lambda: mixed_model(data, score="score", time="time", client="client")).key == "mixed.empty"


def test_group_checks():
    one = clients(6, group="A")
    assert _refused(lambda: mixed_model(one, score="score", time="time", client="client",
                                       group="programme")).key == "mixed.one_group"
    # Group B measured only at time 5: its slope cannot be estimated.
    single = pd.concat([clients(6, group="A"), clients(6, times=(5,), group="B").assign(
        client=lambda d: "b" + d["client"])], ignore_index=True)
    error = _refused(lambda: mixed_model(single, score="score", time="time", client="client", group="programme"))
    assert error.key == "mixed.group_one_time" and error.params["group"] == "B"


def test_groups_with_no_overlap_in_time_are_refused():
    # A measured at months 0–2, B at months 3–5: the latest first time (3) is not before the earliest
    # last time (2), so the periods do not overlap.
    data = pd.concat([clients(6, times=(0, 1, 2), group="A"),
                      clients(6, times=(3, 4, 5), group="B").assign(client=lambda d: "b" + d["client"])],
                     ignore_index=True)
    error = _refused(lambda: mixed_model(data, score="score", time="time", client="client", group="programme"))
    assert error.key == "mixed.no_time_overlap"
    assert "'A' from 0 to 2, 'B' from 3 to 5" in error.message("en")
    assert "«A» — від 0 до 2, «B» — від 3 до 5" in error.message("uk")
    # Touching at a single point (A 0–3, B 3–5) is still no overlap; sharing a stretch (A 0–3, B 2–5) is.
    touching = pd.concat([clients(6, times=(0, 1, 3), group="A"),
                          clients(6, times=(3, 4, 5), group="B").assign(client=lambda d: "b" + d["client"])],
                         ignore_index=True)
    assert _refused(lambda: mixed_model(touching, score="score", time="time", client="client",
                                       group="programme")).key == "mixed.no_time_overlap"
    sharing = pd.concat([clients(6, times=(0, 1, 3), group="A"),
                         clients(6, times=(2, 4, 5), group="B").assign(client=lambda d: "b" + d["client"])],
                        ignore_index=True)
    result = mixed_model(sharing, score="score", time="time", client="client", group="programme")
    assert result.n_clients == 12


def test_a_fit_at_the_boundary_is_reported_whatever_the_optimiser_says():
    # Every client has the same four residuals around the same line (in another order), so the clients'
    # means are equal: the between-client variance's estimate is 0 for any optimiser, at the boundary of
    # the parameter space. Our own check says so, in both languages, whether or not statsmodels warns.
    residuals = [0.5, -1.0, 1.0, -0.5]
    data = frame([(f"c{i}", t, 2 * t + residuals[(t + i) % 4]) for i in range(8) for t in range(4)])
    result = mixed_model(data, score="score", time="time", client="client")
    assert result.at_boundary == ["intercept"]
    assert result.random.set_index("component").loc["intercept", "variance"] < 1e-4 * result.random["variance"].iloc[-1]
    assert "'client: intercept' is estimated at the boundary" in result.summary("en")
    assert "«клієнт: рівень (intercept)» на межі" in result.summary("uk")
    # With a real client effect the same check stays quiet.
    rng = np.random.default_rng(11)
    varied = frame([(f"c{i}", t, 5 * i + 2 * t + rng.normal()) for i in range(8) for t in range(4)])
    assert mixed_model(varied, score="score", time="time", client="client").at_boundary == []


def test_a_fit_that_did_not_converge_is_reported():
    # No optimiser converges in zero iterations: the result and both summaries say so.
    rng = np.random.default_rng(3)
    data = frame([(f"c{i}", t, i + t + rng.normal()) for i in range(8) for t in range(4)])
    stopped = mixed_model(data, score="score", time="time", client="client", max_iterations=0)
    assert not stopped.converged
    assert "did NOT converge" in stopped.summary("en") and "НЕ збіглася" in stopped.summary("uk")
    for bad in (-1, 1.5, True, "10"):
        assert _refused(lambda bad=bad: mixed_model(data, score="score", time="time", client="client",
                                                    max_iterations=bad)).key == "mixed.max_iterations"


def test_small_effects_keep_their_digits_in_the_summary():
    # A slope per day of 0.05 with an SE near 0.001 must not print as 0.000.
    rng = np.random.default_rng(7)
    data = frame([(f"c{i}", 30.0 * t, 50 + 0.05 * 30 * t + i % 4 + rng.normal(0, 1))
                  for i in range(40) for t in range(6)])
    result = mixed_model(data, score="score", time="time", client="client")
    se = result.fixed.set_index("term").loc["time", "std_error"]
    assert 0 < se < 0.01
    assert f"| {se:.3g} |" in result.summary("en")


def test_scores_that_never_vary_are_a_message_not_a_failed_fit():
    frame = pd.DataFrame([(c, t, 5.0) for c in range(8) for t in range(3)], columns=["c", "t", "s"])
    with pytest.raises(UserError) as caught:
        mixed_model(frame, score="s", time="t", client="c")
    assert caught.value.key == "mixed.no_variation"
    assert "5" in caught.value.message("uk") and "nothing for a model to explain" in caught.value.message("en")


# --- tables for people ------------------------------------------------------------------------------------

def test_the_fixed_effects_as_a_table_for_people_in_both_languages(random_intercept):
    # Printed above: (Intercept) 251.405 (SE 9.747) → 95% CI 251.405 ± 1.959964 · 9.74673 = [232.30, 270.51];
    # Days 10.467, [8.891, 12.044]; both p far below .001.
    en = random_intercept.table("en", names={"Days": "days without sleep"})
    assert en.columns.tolist() == ["Term", "Estimate", "95% CI", "p"]
    assert en.values.tolist() == [
        ["Intercept (level at the start)", "251.41", "[232.30, 270.51]", "< .001"],
        ["Change per unit of time (days without sleep)", "10.47", "[8.89, 12.04]", "< .001"]]
    uk = random_intercept.table("uk")
    assert uk.columns.tolist() == ["Член моделі", "Оцінка", "95% ДІ", "p"]
    assert uk.values.tolist() == [
        ["Вільний член (рівень на початку)", "251,41", "[232,30; 270,51]", "< 0,001"],
        ["Зміна за одиницю часу (Days)", "10,47", "[8,89; 12,04]", "< 0,001"]]
    assert random_intercept.table("en", digits=3).iloc[1, 1] == "10.467"
    assert en.attrs["caption"] == random_intercept.caption("en")
    # The plain-text summary is what it was.
    assert "Days | 10.467 | 0.804 |" in random_intercept.summary("en")


def test_variance_components_and_the_caption_in_both_languages(random_intercept, random_slope):
    # [VarCorr] Subject (Intercept) 1378.18 (SD 37.124); Residual 960.46 (SD 30.991).
    assert random_intercept.variance_table("en").values.tolist() == [
        ["client: intercept", "1378.18", "37.12", "—"], ["residual", "960.46", "30.99", "—"]]
    uk = random_intercept.variance_table("uk")
    assert uk.columns.tolist() == ["Компонент", "Дисперсія", "СВ", "Кореляція з рівнем"]
    assert uk.values.tolist()[0] == ["клієнт: рівень (intercept)", "1378,18", "37,12", "—"]
    # [JSS] the slope's correlation with the intercept, 0.07.
    assert random_slope.variance_table("en").values.tolist()[1][3] == "0.07"
    assert random_intercept.caption("en") == (
        "Linear mixed-effects model (REML) with a random intercept per client; p from Wald z tests, too small when "
        "there are few clients. Clients: 18; observations: 180.")
    assert "випадковий рівень і нахил" in random_slope.caption("uk")
    assert "Клієнтів: 18; вимірювань: 180." in random_slope.caption("uk")


def test_group_terms_are_named_with_their_levels_and_the_reference(sleep):
    data = sleep.assign(programme=np.where(sleep["Subject"] % 2 == 0, "even", "odd"))
    result = mixed_model(data, score="Reaction", time="Days", client="Subject", group="programme")
    assert result.term_kinds == [("intercept", None), ("group", "odd"), ("time", None), ("interaction", "odd")]
    names = {"Days": "days", "programme": "Programme"}
    en = result.table("en", names=names, levels={"even": "Even subjects", "odd": "Odd subjects"})
    assert en["Term"].tolist()[1] == "Programme: Odd subjects compared with Even subjects"
    assert en["Term"].tolist()[3] == ("Programme: difference in the change per unit of time (days), Odd subjects "
                                      "compared with Even subjects")
    uk = result.table("uk", names={"Days": "дні", "programme": "Програма"}, levels={"even": "парні", "odd": "непарні"})
    assert uk["Член моделі"].tolist()[3] == "Програма: різниця у зміні за одиницю часу (дні), непарні порівняно з парні"
    # Without names the columns and levels show as they are; the estimates are the fixed table's, rounded.
    plain = result.table("en")
    assert plain["Term"].tolist()[1] == "programme: odd compared with even"
    assert plain["Estimate"].tolist() == [f"{v:.2f}".replace("-", "−") for v in result.fixed["estimate"]]


def test_rows_left_out_are_counted_in_the_caption_small_counts_suppressed(sleep):
    data = sleep.copy()
    data["Reaction"] = data["Reaction"].astype(object)
    data.loc[[0, 5, 9], "Reaction"] = None
    result = mixed_model(data, score="Reaction", time="Days", client="Subject")
    assert "Rows left out for a missing score, time or client: <5." in result.caption("en")
    assert "вилучено: <5." in result.caption("uk")
    assert "Rows left out for a missing score, time or client: 3." in result.caption("en", suppress_below=None)
    assert "<3" not in result.caption("en", suppress_below=3) and ": 3." in result.caption("en", suppress_below=3)
    for bad in (0, 2.5, True, "5"):
        assert _refused(lambda bad=bad: result.caption("en", suppress_below=bad)).key == "mixed.suppress_below"


def test_a_fit_that_did_not_converge_says_so_under_its_table():
    rng = np.random.default_rng(3)
    data = frame([(f"c{i}", t, i + t + rng.normal()) for i in range(8) for t in range(4)])
    stopped = mixed_model(data, score="score", time="time", client="client", max_iterations=0)
    assert "did NOT converge" in stopped.table("en").attrs["caption"]
    assert "НЕ збіглася" in stopped.caption("uk")
