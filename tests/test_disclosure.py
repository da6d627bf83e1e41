"""Disclosure control (workbench/disclosure.py): the bands, the quasi-identifier key, the unique share and the
level chosen from the ladder, on small frames worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import disclosure
from workbench.disclosure import LADDER, TARGET, Level, choose_level, keys, pinned, unique_share


def test_intake_periods_of_real_dates():
    dates = pd.Series(pd.to_datetime(["2026-01-01", "2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01",
                                      "2025-12-31", None]))
    assert disclosure.intake_period(dates, "day").tolist()[:2] == ["2026-01-01", "2026-03-31"]
    assert disclosure.intake_period(dates, "month").tolist()[:3] == ["2026-01", "2026-03", "2026-04"]
    assert disclosure.intake_period(dates, "quarter").tolist()[:6] == ["2026-Q1", "2026-Q1", "2026-Q2", "2026-Q2",
                                                                       "2026-Q3", "2025-Q4"]
    assert disclosure.intake_period(dates, "half-year").tolist()[:6] == ["2026-H1", "2026-H1", "2026-H1", "2026-H1",
                                                                         "2026-H2", "2025-H2"]
    assert disclosure.intake_period(dates, "year").tolist()[:6] == ["2026"] * 5 + ["2025"]
    assert all(pd.isna(disclosure.intake_period(dates, p).iloc[-1]) for p in disclosure.INTAKE_PERIODS)
    with pytest.raises(ValueError):
        disclosure.intake_period(dates, "week")


def test_age_and_household_bands_at_their_edges():
    years = pd.Series([0, 13, 14, 17, 18, 24, 25, 34, 35, 49, 50, 64, 65, 101, None])
    assert disclosure.age_band(years, "fine").tolist() == [
        "0-13", "0-13", "14-17", "14-17", "18-24", "18-24", "25-34", "25-34", "35-49", "35-49", "50-64", "50-64",
        "65+", "65+", None]
    assert disclosure.age_band(years, "broad").tolist() == [
        "0-17", "0-17", "0-17", "0-17", "18-34", "18-34", "18-34", "18-34", "35-64", "35-64", "35-64", "35-64",
        "65+", "65+", None]
    sizes = pd.Series([1, 2, 3, 4, 5, 11, None], dtype="Int64")
    assert disclosure.household_band(sizes, "exact").tolist() == ["1", "2", "3", "4", "5", "11", None]
    assert disclosure.household_band(sizes, "banded").tolist() == ["1", "2", "3-4", "3-4", "5+", "5+", None]


def test_the_ladder_only_ever_coarsens():
    order = {"intake": disclosure.INTAKE_PERIODS, "age": ("fine", "broad"), "household": ("exact", "banded")}
    for finer, coarser in zip(LADDER, LADDER[1:]):
        steps = [order[f].index(getattr(coarser, f)) - order[f].index(getattr(finer, f)) for f in order]
        assert min(steps) >= 0 and max(steps) > 0, (finer, coarser)
    assert LADDER[0] == disclosure.FULL_PRECISION == Level("day", "fine", "exact")
    with pytest.raises(ValueError):
        Level("week", "fine", "exact")
    assert pinned(intake="day")[-1] == Level("day", "broad", "banded")
    assert len(pinned(intake="day")) == 3  # the five intake periods fold into one
    assert {level.age for level in pinned(age="birth_year")} == {"birth_year"}


def _clients(rows):
    return pd.DataFrame(rows, columns=["client", "programme", "sex", "age", "household_size", "intake"]).assign(
        intake=lambda f: pd.to_datetime(f["intake"]))


def test_the_key_joins_the_five_quasi_identifiers_at_the_level():
    clients = _clients([("C-1", "family_support", "female", 36, 4, "2026-02-14"),
                        ("C-2", "idp_support", "male", None, 1, "2025-11-30")])
    assert keys(clients, Level("day", "fine", "exact")).tolist() == [
        "family_support|female|35-49|4|2026-02-14", "idp_support|male|?|1|2025-11-30"]
    assert keys(clients, Level("year", "broad", "banded")).tolist() == [
        "family_support|female|35-64|3-4|2026", "idp_support|male|?|1|2025"]
    years = clients.assign(birth_year=[1990, None])
    assert keys(years, Level("quarter", "birth_year", "exact")).tolist() == [
        "family_support|female|1990|4|2026-Q1", "idp_support|male|?|1|2025-Q4"]


def test_unique_share_counts_clients_not_rows():
    assert unique_share(pd.Series(["a", "a", "b", "c"])) == 0.5  # b and c are alone
    assert unique_share(pd.Series([], dtype=object)) == 0.0
    # One client's two cases with the same key do not make each other safe; a client counts as unique
    # when any of its cases is.
    assert unique_share(pd.Series(["a", "a", "b"]), owners=pd.Series(["X", "X", "Y"])) == 1.0
    assert unique_share(pd.Series(["a", "a", "a", "b"]), owners=pd.Series(["X", "X", "Y", "Y"])) == 0.5


def test_the_first_level_under_the_target_is_chosen():
    # 20 clients alike but for the day they came, each unique on it; two a month, but two in a month of
    # their own (October, December): 10% unique by month; by quarter nobody is unique.
    rows = []
    months = ["2026-01", "2026-01", "2026-02", "2026-02", "2026-03", "2026-03", "2026-04", "2026-04", "2026-05",
              "2026-05", "2026-06", "2026-06", "2026-07", "2026-07", "2026-08", "2026-08", "2026-09", "2026-09",
              "2026-10", "2026-12"]
    for n, month in enumerate(months):
        rows.append((f"C-{n}", "family_support", "female", 30, 3, f"{month}-{n + 1:02d}"))
    clients = _clients(rows)
    choice = choose_level(clients)
    assert unique_share(keys(clients, Level("day", "fine", "exact")), clients["client"]) == 1.0
    assert unique_share(keys(clients, Level("month", "fine", "exact")), clients["client"]) == 0.1  # Oct, Dec
    assert choice.level == Level("quarter", "fine", "exact") and choice.step == 3
    assert choice.unique_share == 0.0 and choice.meets_target and choice.target == TARGET
    # "Under" the target: 10% unique is not under 10%.
    assert choose_level(clients, target=0.1).level == Level("quarter", "fine", "exact")
    assert choose_level(clients, target=0.11).level == Level("month", "fine", "exact")


def test_when_no_level_reaches_the_target_the_coarsest_is_returned_flagged():
    clients = _clients([("C-1", "family_support", "female", 30, 3, "2026-01-05"),
                        ("C-2", "idp_support", "male", 70, 1, "2026-01-05"),
                        ("C-3", "idp_support", "male", 71, 1, "2026-01-05")])
    choice = choose_level(clients)
    assert choice.level == LADDER[-1] and not choice.meets_target and choice.step == len(LADDER)
    assert choice.unique_share == pytest.approx(1 / 3)  # C-1 alone in its programme
    # With exact dates the day is what the export shows: every level counts on it.
    spread = _clients([(f"C-{n}", "family_support", "female", 30, 3, f"2026-01-{n + 1:02d}") for n in range(5)])
    assert choose_level(spread).meets_target
    pinned_choice = choose_level(spread, ladder=pinned(intake="day"))
    assert not pinned_choice.meets_target and pinned_choice.unique_share == 1.0


def test_a_level_is_described_in_both_languages():
    level = Level("year", "broad", "banded")
    assert level.describe("en") == "intake period: year; age: 0-17, 18-34, 35-64, 65+; household: 1, 2, 3-4, 5+"
    assert level.describe("uk").startswith("період прийому — рік; вік — 0-17")
    assert "birth year" in Level("day", "birth_year", "exact").describe("en")
