"""Shaping a research export for the statistics: flow, pre/post, GAS, times to goal and closure."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.gas import gas_t_score
from workbench.evaluation import cohort
from workbench.i18n import UserError

D = pd.Timestamp


def _data():
    """Two clients of family support (one with two cases) and one of IDP support, as an export holds them."""
    clients = pd.DataFrame({
        "client": ["C-a", "C-a", "C-b", "C-c"], "episode": [1, 2, 1, 1],
        "programme": ["family_support", "family_support", "family_support", "idp_support"],
        "opened_on": [D("2026-01-01"), D("2026-05-01"), D("2026-02-01"), D("2026-03-01")],
        "closed_on": [D("2026-04-01"), pd.NaT, D("2026-06-01"), pd.NaT],
        "closure_reason": ["moved_away", None, "goals_achieved", None],
    })
    assessments = pd.DataFrame({
        "client": ["C-a", "C-a", "C-a", "C-b", "C-b", "C-c"], "episode": [1, 1, 2, 1, 1, 1],
        "assessment": ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"],
        "instrument_id": ["family_needs_assessment"] * 6,
        "assessed_on": [D("2026-01-02"), D("2026-03-01"), D("2026-05-02"), D("2026-02-02"), D("2026-04-02"),
                        D("2026-03-02")],
        "days_since_intake": [1, 59, 1, 1, 60, 1], "visit": [1, 2, 1, 1, 2, 1],
    })
    rows = []
    for assessment, base in zip(assessments["assessment"], [2.0, 1.0, 3.0, 1.5, 1.5, 2.5]):
        for domain in ("child_development", "parenting_capacity", "family_environment"):
            rows.append({"assessment": assessment, "instrument_id": "family_needs_assessment", "domain": domain,
                         "score": base})
    # A second child in A-1 scores 1.0 lower on child development: children are averaged.
    rows.append({"assessment": "A-1", "instrument_id": "family_needs_assessment", "domain": "child_development",
                 "score": 1.0})
    goals = pd.DataFrame({
        "client": ["C-a", "C-a", "C-b", "C-c"], "episode": [1, 1, 1, 1], "goal": ["G-1", "G-2", "G-3", "G-4"],
        "weight": [1.0, 2.0, 1.0, 1.0], "status": ["open", "abandoned", "achieved", "open"],
        "set_on": [D("2026-01-10"), D("2026-01-10"), D("2026-02-10"), D("2026-03-10")],
        "closed_on": [pd.NaT, D("2026-02-01"), D("2026-05-01"), pd.NaT],
        "latest_level": [1.0, -2.0, 0.0, math.nan],
        "first_reached_on": [D("2026-03-10"), pd.NaT, D("2026-04-10"), pd.NaT],
    })
    # G-3 was reviewed twice on one day: the review recorded later (0) is its level, as in goals.latest_level.
    reviews = pd.DataFrame({
        "goal": ["G-1", "G-1", "G-2", "G-3", "G-3"],
        "reviewed_on": [D("2026-02-10"), D("2026-03-10"), D("2026-01-20"), D("2026-04-10"), D("2026-04-10")],
        "level": [-1, 1, -2, 1, 0],
    })
    return {"clients": clients, "assessments": assessments, "scores": pd.DataFrame(rows), "goals": goals,
            "goal_reviews": reviews,
            "items": pd.DataFrame(columns=["assessment", "instrument_id", "item", "instance", "value"]),
            "manifest": {"made_at": "2026-07-01T10:00:00+00:00"}}


FAMILY = "Support for families with children in difficult life circumstances"
CARE = "Young people leaving care (CARe)"


def _with_care_leaver(data, programme_instruments=None):
    """``data`` plus C-d, a young person leaving care with two CARe profiles (housing and finances scored), and the
    manifest's ``programme_instruments`` when given (an export made before them has none)."""
    data["clients"] = pd.concat([data["clients"], pd.DataFrame({
        "client": ["C-d"], "episode": [1], "programme": ["care_leavers"], "opened_on": [D("2026-02-01")],
        "closed_on": [pd.NaT], "closure_reason": [None]})], ignore_index=True)
    data["assessments"] = pd.concat([data["assessments"], pd.DataFrame({
        "client": ["C-d", "C-d"], "episode": [1, 1], "assessment": ["A-7", "A-8"],
        "instrument_id": ["care_profile"] * 2, "assessed_on": [D("2026-02-03"), D("2026-05-03")],
        "days_since_intake": [2, 91], "visit": [1, 2]})], ignore_index=True)
    data["items"] = pd.DataFrame({
        "assessment": ["A-7", "A-7", "A-8", "A-8"], "instrument_id": ["care_profile"] * 4,
        "item": ["housing", "finances", "housing", "finances"], "instance": [0] * 4, "value": [2.0, 4.0, 6.0, 8.0]})
    if programme_instruments is not None:
        data["manifest"]["programme_instruments"] = programme_instruments
    return data


def test_the_flow_counts_episodes_at_each_stage():
    flow = cohort.flow_table(_data(), "family_needs_assessment", "en")
    assert flow.columns.names == ["Programme", "Instrument"]
    assert flow.columns.get_level_values(1).tolist() == ["Family needs assessment"] * 2
    flow = flow.droplevel(1, axis=1)
    family = flow[FAMILY]
    assert family["Enrolled (cases)"] == 3 and family["Assessed at baseline"] == 3
    assert family["Followed up (≥ 2 assessments)"] == 2 and family["Still open"] == 1
    assert family["Closed: Moved away"] == 1 and family["Closed: Goals achieved"] == 1
    assert flow["Support for internally displaced families"]["Followed up (≥ 2 assessments)"] == 0


def test_each_programme_is_counted_by_its_own_instrument():
    configured = {"family_support": "family_needs_assessment", "idp_support": "family_needs_assessment",
                  "care_leavers": "care_profile"}
    data = _with_care_leaver(_data(), configured)
    flow = cohort.flow_table(data, lang="en")
    assert flow.columns.tolist() == [(CARE, "Personal profile (CARe)"), (FAMILY, "Family needs assessment"),
                                     ("Support for internally displaced families", "Family needs assessment")]
    care = flow[(CARE, "Personal profile (CARe)")]
    assert care["Enrolled (cases)"] == 1 and care["Assessed at baseline"] == 1
    assert care["Followed up (≥ 2 assessments)"] == 1
    assert flow[(FAMILY, "Family needs assessment")]["Followed up (≥ 2 assessments)"] == 2  # as before
    # One instrument for every programme, as the table used to count: the CARe programme shows no assessment.
    same = cohort.flow_table(data, "family_needs_assessment", "en")
    assert same[(CARE, "Family needs assessment")]["Assessed at baseline"] == 0
    uk = cohort.flow_table(data, lang="uk")
    assert uk.columns.names == ["Програма", "Інструмент"]
    assert uk.columns[0] == ("Молодь, що виходить з інтернатного догляду (CARe)", "Особистий профіль (CARe)")


def test_a_programmes_instrument_comes_from_the_export_then_the_configuration_then_its_assessments():
    # The manifest says, whatever the configuration in force says.
    data = _with_care_leaver(_data(), {"care_leavers": "care_profile", "idp_support": "care_profile"})
    assert cohort.programme_instrument(data, "idp_support") == "care_profile"
    assert cohort.programme_instrument(data, "care_leavers") == "care_profile"
    # family_support is not in that manifest: the instrument its assessments use.
    assert cohort.programme_instrument(data, "family_support") == "family_needs_assessment"
    # An export made before the manifest said: the configuration.
    older = _with_care_leaver(_data())
    assert "programme_instruments" not in older["manifest"]
    assert cohort.programme_instrument(older, "idp_support") == "family_needs_assessment"
    assert cohort.programme_instrument(older, "care_leavers") == "care_profile"
    assert cohort.flow_table(older, lang="en")[(CARE, "Personal profile (CARe)")]["Assessed at baseline"] == 1
    # A programme nothing names and with no assessment: none.
    assert cohort.programme_instrument(older, "pilot") == ""


def test_a_programmes_scale_and_scores_are_its_own_instruments():
    data = _with_care_leaver(_data())
    scale, scores = cohort.programme_scores(data, "care_leavers")
    assert scale.instrument_id == "care_profile" and scale.higher_is_better and scale.by_items
    assert set(scores["programme"]) == {"care_leavers"} and set(scores["assessment"]) == {"A-7", "A-8"}
    pairs = cohort.pre_post(scores).set_index("axis")
    assert pairs.loc["housing", ["first", "latest"]].tolist() == [2.0, 6.0]
    assert pairs.loc[cohort.TOTAL, ["first", "latest"]].tolist() == [3.0, 7.0]  # the mean of the two scored domains
    family_scale, family = cohort.programme_scores(data, "family_support")
    assert family_scale.instrument_id == "family_needs_assessment" and set(family["programme"]) == {"family_support"}
    assert cohort.programme_scale(data, "idp_support") == family_scale
    assert cohort.shared_scale(data, ["family_support", "idp_support"]) == family_scale
    assert cohort.shared_scale(data, ["family_support", "care_leavers"]) is None
    with pytest.raises(UserError) as caught:
        cohort.programme_scale(data, None)
    assert caught.value.key == "cohort.programme_needed" and "own assessment instrument" in caught.value.message("en")
    assert "свій" in caught.value.message("uk")
    with pytest.raises(UserError) as caught:
        cohort.programme_scale(_data(), "care_leavers")  # configured, but not in that export
    assert caught.value.key == "programme.unknown"


def test_pre_post_keys_on_client_and_episode_and_averages_children():
    data = _data()
    scores = cohort.with_total(cohort.axis_scores(data, cohort.scale_of(data, "family_needs_assessment")))
    pairs = cohort.pre_post(scores).set_index(["client", "episode", "axis"])
    # C-a's first case: child development (2.0 and 1.0 for two children) = 1.5 first, 1.0 latest.
    assert pairs.loc[("C-a", 1, "child_development"), ["first", "latest"]].tolist() == [1.5, 1.0]
    assert pairs.loc[("C-a", 1, "total"), "first"] == pytest.approx((1.5 + 2.0 + 2.0) / 3)
    assert ("C-a", 2, "total") not in pairs.index  # the second case has one assessment
    assert pairs.loc[("C-b", 1, "total"), ["first", "latest"]].tolist() == [1.5, 1.5]


def test_gas_per_episode_keeps_abandoned_goals_and_leaves_out_unreviewed_ones():
    gas = cohort.gas_per_episode(_data(), rho=0.3).set_index(["client", "episode"])
    # C-a: G-1 at +1 (weight 1) and G-2, abandoned, at its last level −2 (weight 2):
    # Σwx = 1 − 4 = −3, Σw² = 5, (Σw)² = 9; T = 50 − 30/sqrt(0.7·5 + 0.3·9) = 50 − 30/2.4900 = 37.95.
    assert gas.loc[("C-a", 1), "goals"] == 2 and round(gas.loc[("C-a", 1), "t_score"], 2) == 37.95
    assert gas.loc[("C-a", 1), "t_score"] == pytest.approx(gas_t_score([1, -2], [1, 2]))
    assert gas.loc[("C-b", 1), "t_score"] == 50.0  # G-3's later review of the day, 0
    assert ("C-c", 1) not in gas.index  # G-4 was never reviewed


def test_time_to_goal_censors_at_closure_or_the_export_day():
    times = cohort.time_to_goal(_data()).set_index("goal")
    assert times.loc["G-1", ["days", "event"]].tolist() == [59, 1]  # 10.01 → 10.03
    assert times.loc["G-2", ["days", "event"]].tolist() == [22, 0]  # abandoned 01.02
    assert times.loc["G-4", ["days", "event"]].tolist() == [113, 0]  # open: 10.03 → export day 01.07


def test_time_to_closure_with_reasons_as_causes():
    times = cohort.time_to_closure(_data())
    assert times["days"].tolist() == [90, 61, 120, 122]
    assert [c if isinstance(c, str) else None for c in times["cause"]] == ["moved_away", None, "goals_achieved", None]


def test_open_goals_and_cases_are_censored_on_each_clients_followed_until():
    """An export's ``followed_until`` (the export day, shifted with the client's dates) is used where given;
    where missing, the export day is."""
    data = _data()
    data["clients"]["followed_until"] = [pd.NaT, pd.NaT, pd.NaT, D("2026-06-01")]  # C-c's only
    closure = cohort.time_to_closure(data)
    assert closure["days"].tolist() == [90, 61, 120, 92]  # C-c: 01.03 → 01.06; C-a's second case: export day
    goals = cohort.time_to_goal(data).set_index("goal")
    assert goals.loc["G-4", ["days", "event"]].tolist() == [83, 0]  # open: 10.03 → 01.06
    assert goals.loc["G-2", ["days", "event"]].tolist() == [22, 0]  # closed goals are censored at their closure


def test_long_scores_give_months_since_intake():
    data = _data()
    long = cohort.long_scores(data, cohort.scale_of(data, "family_needs_assessment"))
    first = long[(long["client"] == "C-b")]
    assert first["months"].round(3).tolist() == [round(1 / 30.4375, 3), round(60 / 30.4375, 3)]


def test_an_instrument_or_programme_not_in_the_export_is_a_clear_message(tmp_path):
    with pytest.raises(UserError) as caught:
        cohort.scale_of(_data(), "care_profile")
    assert "family_needs_assessment" in caught.value.message("en")
    with pytest.raises(UserError) as caught:
        cohort.check_programme(_data(), "care_leavers")  # configured, but not in this export
    assert "care_leavers" in caught.value.message("uk")
    assert caught.value.message("en").endswith("Possible: Support for families with children in difficult life "
                                               "circumstances, Support for internally displaced families.")
    assert cohort.check_programme(_data(), "idp_support") == "idp_support"
    assert cohort.check_programme(_data(), "") is None
    with pytest.raises(UserError) as caught:
        cohort.load_export(tmp_path)
    assert str(tmp_path) in caught.value.message("en")


def test_words_for_the_mixed_models_table():
    data = _with_care_leaver(_data())
    labels = cohort.model_labels(data, "en")
    assert labels["names"] == {"months": "months since intake", "programme": "Programme"}
    assert labels["levels"]["care_leavers"] == CARE and labels["levels"]["family_support"] == FAMILY
    assert cohort.model_labels(data, "uk")["names"]["months"] == "місяці від прийому"
