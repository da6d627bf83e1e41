"""The axes' rules shared by the outcomes (live database) and the cohort (research export): axis scores and
each client's first and latest score."""
from __future__ import annotations

import math

import pandas as pd

from workbench.analysis.axes import axis_scores, first_and_latest

D = pd.Timestamp


def test_axis_scores_average_the_instances_and_leave_out_missing_scores_and_other_axes():
    rows = pd.DataFrame({
        "assessment": ["A-1", "A-1", "A-1", "A-1", "A-2", "A-2"],
        "worker": ["olena", "olena", "olena", "olena", None, None],  # a missing key is kept, not dropped
        "axis": ["child", "child", "child", "parenting", "child", "housing"],
        "score": [2.0, 1.0, math.nan, 3.0, math.nan, 1.0],
    })
    scores = axis_scores(rows, ["assessment", "worker"], ["child", "parenting"])
    found = {(a, x): s for a, x, s in zip(scores["assessment"], scores["axis"], scores["score"])}
    # A-1's two children (2 and 1; the third unanswered) average 1.5; A-2 has no child score and
    # "housing" is not an axis.
    assert found == {("A-1", "child"): 1.5, ("A-1", "parenting"): 3.0}
    assert list(scores.columns) == ["assessment", "worker", "axis", "score"]
    rows.loc[4, "score"] = 2.5
    assert axis_scores(rows, ["assessment", "worker"], ["child"])["score"].tolist() == [1.5, 2.5]


def test_first_and_latest_orders_by_day_then_by_the_order_column():
    scores = pd.DataFrame({
        "client": ["a", "a", "a", "b", "b", "c"],
        "axis": ["x"] * 6,
        "on": [D("2026-03-01"), D("2026-01-01"), D("2026-03-01"), D("2026-02-01"), D("2026-04-01"),
               D("2026-02-01")],
        "visit": [3, 1, 2, 1, 2, 1],  # a's two assessments of 01.03: visit 2 was made first
        "score": [1.0, 3.0, 2.0, math.nan, 2.0, 1.0],
        "programme": ["p"] * 6,
    })
    table = first_and_latest(scores, ["client", "axis"], time="on", order="visit", carry=["programme"])
    assert list(table.columns) == ["client", "axis", "programme", "first_on", "latest_on", "assessments", "first",
                                   "latest"]
    a, b, c = (row for _, row in table.iterrows())
    assert (a["first"], a["latest"], a["assessments"]) == (3.0, 1.0, 3)
    assert (a["first_on"], a["latest_on"]) == (D("2026-01-01"), D("2026-03-01"))
    assert math.isnan(b["first"]) and b["latest"] == 2.0  # a missing score stays missing
    assert (c["first"], c["latest"], c["assessments"]) == (1.0, 1.0, 1)  # one assessment: first is latest
    assert first_and_latest(scores.iloc[0:0], ["client", "axis"], time="on").empty
