"""An instrument's axes across assessments: the rules shared by the supervisors' outcomes (read from the live
database, :mod:`workbench.analysis.outcomes`) and the researchers' cohort (read from a pseudonymised export,
:mod:`workbench.evaluation.cohort`), as pure functions of a frame.

The **axes** are what the instrument's star chart shows (:func:`workbench.analysis.scoring.profile_labels`):
its domains when it has three or more, else its scored items outside repeats.

- :func:`axis_scores`: one score per assessment and axis; a family's children's domain scores are averaged
  and a missing score is left out.
- :func:`first_and_latest`: per client and axis, the scores of the earliest and the latest assessment, in
  the order of the day and then of an order column (the order the assessments were made in), so two
  assessments on one day are never a guess.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def axis_scores(rows: pd.DataFrame, keys: list[str], axes: Iterable[str]) -> pd.DataFrame:
    """One row per ``keys`` (an assessment and what describes it) and axis in ``axes``: ``keys, axis, score``,
    the mean of the rows' scores.

    ``rows`` has ``keys``, ``axis`` and ``score``: the instrument's domain scores, one row per repeat
    instance (a family's children, averaged here), or its answers to scored items outside repeats (one
    row each). Rows without a score are left out; an axis with none has no row.
    """
    rows = rows[rows["axis"].isin(list(axes)) & rows["score"].notna()]
    return rows.groupby(keys + ["axis"], as_index=False, sort=False, dropna=False)["score"].mean()


def first_and_latest(scores: pd.DataFrame, by: list[str], *, time: str, order: str | None = None,
                     score: str = "score", carry: Iterable[str] = ()) -> pd.DataFrame:
    """Per group of ``by`` (a client and an axis), sorted by it: ``by``, the ``carry`` columns of the latest
    row, ``first_on, latest_on`` (the earliest and latest ``time``), ``assessments`` (rows) and ``first,
    latest``: the ``score`` of those two rows as it is (a missing score stays missing).

    Rows are ordered by ``time``, then by ``order`` (e.g. the assessment's id or its visit number), then
    as given; a client with one row has the same row as first and latest.
    """
    ordered = scores.sort_values([time] + ([order] if order else []), kind="mergesort").reset_index(drop=True)
    rows = pd.Series(range(len(ordered)), index=ordered.index)
    spans = rows.groupby([ordered[c] for c in by], sort=True, dropna=False).agg(["min", "max", "size"])
    first, latest = ordered.iloc[spans["min"].to_numpy()], ordered.iloc[spans["max"].to_numpy()]
    out = latest[by + list(carry)].reset_index(drop=True)
    out["first_on"] = first[time].to_numpy()
    out["latest_on"] = latest[time].to_numpy()
    out["assessments"] = spans["size"].to_numpy()
    out["first"] = first[score].to_numpy()
    out["latest"] = latest[score].to_numpy()
    return out
