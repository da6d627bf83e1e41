"""Outcomes for supervisors: change in an instrument's scores, the latest needs, and goal attainment.

The **axes** of an instrument are what its star chart shows (``scoring.profile_scores``): its
domains when it has three or more (the family needs assessment; a family's children's scores
averaged), else its scored items (the CARe profile's twelve life domains). The rules for axis
scores and for first and latest are :mod:`workbench.analysis.axes`, which the researchers'
cohort shares; this module reads the live database for them.

For a ``period`` (default: everything up to today), the **clients** are the cases of the programme
with an assessment of the instrument in the period; each client's *first* assessment is their
first ever and their *latest* is the last one on or before the period's end. A client is
*improved* or *worse* on an axis when the latest score differs from the first by at least
``min_change`` scale points in the better or worse direction (the instrument's
``score_direction``: lower is better for needs, higher for functioning), else *unchanged*;
clients with one assessment only have no change yet.
"""
from __future__ import annotations

import pandas as pd

from .. import config, gas, i18n
from ..i18n import UserError
from ..instruments.loader import builtin_names, load_builtin
from ..instruments.model import Instrument
from ..store.plans import case_goals
from ..store.users import staff_names
from . import axes
from .frames import answer_frame, domain_score_frame, goal_frame, goal_review_frame
from .periods import Period
from .presentation import headed
from .scoring import axes_are_items, profile_labels

i18n.add({
    "outcomes.unknown_instrument": {"uk": "Інструмента «{value}» немає. Є: {known}.",
                                    "en": "There is no instrument '{value}'. There are: {known}."},
    "outcomes.col.axis": {"uk": "Домен", "en": "Domain"},
    "outcomes.col.clients": {"uk": "Клієнтів (≥ 2 оцінювання)", "en": "Clients (≥ 2 assessments)"},
    "outcomes.col.mean_first": {"uk": "Середнє першого", "en": "Mean first"},
    "outcomes.col.mean_latest": {"uk": "Середнє останнього", "en": "Mean latest"},
    "outcomes.col.change": {"uk": "Зміна", "en": "Change"},
    "outcomes.col.improved": {"uk": "Покращення", "en": "Improved"},
    "outcomes.col.unchanged": {"uk": "Без змін", "en": "Unchanged"},
    "outcomes.col.worse": {"uk": "Погіршення", "en": "Worse"},
    "outcomes.col.group": {"uk": "Група", "en": "Group"},
    "outcomes.col.goals_set": {"uk": "Цілей поставлено", "en": "Goals set"},
    "outcomes.col.goals_reviewed": {"uk": "З них переглянуто", "en": "Of them reviewed"},
    "outcomes.col.goals_achieved": {"uk": "Досягнуто (GAS ≥ 0)", "en": "Achieved (GAS ≥ 0)"},
    "outcomes.col.share_achieved": {"uk": "Частка досягнутих", "en": "Share achieved"},
    "outcomes.col.cases": {"uk": "Випадків з оцінкою GAS", "en": "Cases with a GAS score"},
    "outcomes.col.mean_t": {"uk": "Середній T-бал", "en": "Mean T-score"},
    "outcomes.bad_grouping": {"uk": "Групувати можна за фахівцем («worker») або програмою («programme»), не «{value}».",
                              "en": "Group by worker ('worker') or programme ('programme'), not '{value}'."},
    "outcomes.bad_min_clients": {"uk": "Найменша група — ціле число від 1, не «{value}».",
                                 "en": "The smallest group is a whole number from 1, not '{value}'."},
})

AXIS_COLUMNS = ["case_id", "case_number", "programme", "worker", "assessment_id", "assessed_on", "axis", "score"]
CHANGE_COLUMNS = ["axis", "clients", "mean_first", "mean_latest", "change", "improved", "unchanged", "worse"]


def instrument_named(name: str) -> Instrument:
    """A built-in instrument by id; a clear ``UserError`` if there is none."""
    known = builtin_names()
    if not isinstance(name, str) or name not in known:
        raise UserError("outcomes.unknown_instrument", value=str(name)[:60], known=", ".join(sorted(known)))
    return load_builtin(name)


def axis_scores(db, actor: str, instrument: Instrument, *, programme: str | None = None) -> pd.DataFrame:
    """One row per assessment and axis (:func:`workbench.analysis.axes.axis_scores`): ``case_id, case_number,
    programme, worker, assessment_id, assessed_on, axis, score, worker_name`` (the worker's display name).
    Latest versions only; withdrawn consent left out."""
    programme = config.check_programme(programme)
    if axes_are_items(instrument):
        rows = answer_frame(db, actor, instrument.id).rename(columns={"item": "axis", "number": "score"})
    else:
        rows = domain_score_frame(db, actor, instrument.id).rename(columns={"domain": "axis"})
    if programme:
        rows = rows[rows["programme"] == programme]
    frame = axes.axis_scores(rows, AXIS_COLUMNS[:6], profile_labels(instrument))
    names = staff_names(db, actor)
    frame["worker_name"] = frame["worker"].map(lambda user: names.get(user, user))
    return frame[AXIS_COLUMNS + ["worker_name"]].sort_values(["case_id", "assessed_on", "assessment_id"]).reset_index(
        drop=True)


def first_and_latest(scores: pd.DataFrame, period=None) -> pd.DataFrame:
    """Per client (case) and axis: ``score_first, score_latest, first_on, latest_on, assessments``
    (see the module docstring for who the clients are; :func:`workbench.analysis.axes.first_and_latest`)."""
    columns = ["case_id", "case_number", "programme", "worker", "axis", "first_on", "latest_on", "assessments",
               "score_first", "score_latest"]
    if period is not None:
        period = Period.parse(period)
        scores = scores[scores["assessed_on"] <= pd.Timestamp(period.end)]
        in_period = scores["assessed_on"] >= pd.Timestamp(period.start)
        scores = scores[scores["case_id"].isin(scores.loc[in_period, "case_id"])]
    carry = ["case_number", "programme", "worker"] + (["worker_name"] if "worker_name" in scores else [])
    pairs = axes.first_and_latest(scores, ["case_id", "axis"], time="assessed_on", order="assessment_id", carry=carry)
    columns += carry[3:]
    return pairs.rename(columns={"first": "score_first", "latest": "score_latest"})[columns]


def domain_change(scores: pd.DataFrame, instrument: Instrument, period=None, min_change: float = 0.5) -> pd.DataFrame:
    """One row per axis: ``axis, clients`` (with two or more assessments), ``mean_first, mean_latest,
    change`` (mean of each client's latest − first), ``improved, unchanged, worse`` (shares, 0–1)."""
    pairs = first_and_latest(scores, period)
    pairs = pairs[pairs["assessments"] >= 2]
    rows = []
    better = -1 if instrument.score_direction == "need" else 1
    order = list(profile_labels(instrument))
    for axis in order:
        mine = pairs[pairs["axis"] == axis]
        if mine.empty:
            rows.append({"axis": axis, "clients": 0})
            continue
        delta = (mine["score_latest"] - mine["score_first"]) * better  # > 0 is better on every scale
        rows.append({"axis": axis, "clients": len(mine), "mean_first": mine["score_first"].mean(),
                     "mean_latest": mine["score_latest"].mean(),
                     "change": (mine["score_latest"] - mine["score_first"]).mean(),
                     "improved": (delta >= min_change).mean(), "worse": (delta <= -min_change).mean(),
                     "unchanged": (delta.abs() < min_change).mean()})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


_CHANGE_KINDS = {"axis": "text", "clients": "count", "mean_first": "mean", "mean_latest": "mean",
                 "change": "mean_change", "improved": "share", "unchanged": "share", "worse": "share"}


def change_table(change: pd.DataFrame, instrument: Instrument, lang: str | None = None) -> pd.DataFrame:
    """:func:`domain_change` for people (:func:`workbench.analysis.presentation.people`): axis labels and
    headers in ``lang``, in the instrument's order; numbers kept as numbers, their kinds recorded."""
    labels = profile_labels(instrument, lang)
    table = change.copy()
    table["axis"] = table["axis"].map(lambda a: labels.get(a, a))
    return headed(table, {c: i18n.t(f"outcomes.col.{c}", lang) for c in CHANGE_COLUMNS}, _CHANGE_KINDS)


NEEDS_COLUMNS = ["group", "axis", "mean", "clients"]
MIN_GROUP = 5  # fewer clients than this: the mean is not shown (one family's scores would be read off it)


def latest_needs(scores: pd.DataFrame, instrument: Instrument, period=None, lang: str | None = None, *,
                 by: str = "worker", min_clients: int = MIN_GROUP) -> pd.DataFrame:
    """The needs heatmap's data: the clients' latest score on each axis on or before the period's end
    (:func:`first_and_latest`), averaged per ``by`` (``worker``, as the worker's display name when the
    scores carry it, or ``programme``, by its label in ``lang``) and axis (labelled in ``lang``).

    One row per group and axis: ``group, axis, mean, clients`` (how many clients the mean is of); the
    ``mean`` is left empty (NaN) where fewer than ``min_clients`` clients are behind it. Groups come
    worst first (the highest mean need, or the lowest mean functioning, over their shown axes; groups
    with nothing shown last), axes in the instrument's order."""
    if by not in ("worker", "programme"):
        raise UserError("outcomes.bad_grouping", value=str(by)[:40])
    if not isinstance(min_clients, int) or isinstance(min_clients, bool) or min_clients < 1:
        raise UserError("outcomes.bad_min_clients", value=str(min_clients)[:40])
    pairs = first_and_latest(scores, period)
    if pairs.empty:
        empty = pd.DataFrame(columns=NEEDS_COLUMNS)
        empty.attrs = {"by": by, "min_clients": min_clients}
        return empty
    labels = profile_labels(instrument, lang)
    if by == "programme":
        pairs["group"] = pairs["programme"].map(lambda code: config.label("programmes", code, lang))
    else:
        named = pairs["worker_name"] if "worker_name" in pairs else pairs["worker"]
        pairs["group"] = named.fillna(pairs["worker"])
    table = (pairs.groupby(["group", "axis"])
             .agg(mean=("score_latest", "mean"), clients=("case_id", "nunique")).reset_index())
    # Masked before ranking: a group's place in the order must not tell what its hidden means are.
    table["mean"] = table["mean"].where(table["clients"] >= min_clients)
    worst_first = table.groupby("group")["mean"].mean().sort_values(
        ascending=instrument.score_direction != "need", kind="stable", na_position="last")
    order = {axis: n for n, axis in enumerate(labels)}
    table["group_rank"] = table["group"].map({g: n for n, g in enumerate(worst_first.index)})
    table["axis_rank"] = table["axis"].map(lambda a: order.get(a, len(order)))
    table = table.sort_values(["group_rank", "axis_rank"]).reset_index(drop=True)
    table["axis"] = table["axis"].map(lambda a: labels.get(a, a))
    table = table[NEEDS_COLUMNS]
    table.attrs = {"by": by, "min_clients": min_clients}  # for the chart's labels and caption
    return table


def mean_profiles(scores: pd.DataFrame, period=None) -> tuple[pd.Series, pd.Series]:
    """The programme's mean first and mean latest profile by axis (clients with ≥ 2 assessments)."""
    pairs = first_and_latest(scores, period)
    pairs = pairs[pairs["assessments"] >= 2]
    return pairs.groupby("axis")["score_first"].mean(), pairs.groupby("axis")["score_latest"].mean()


def _reviews(frame: pd.DataFrame, goal: str) -> list[gas.Review]:
    """A review frame's rows (in their order, the order recorded) as :class:`workbench.gas.Review`."""
    columns = [goal, "reviewed_on", "level", "weight"]
    return [gas.Review(*row) for row in frame[columns].itertuples(index=False, name=None)]


def plan_t_scores(db, actor: str, case_id, rho: float | None = None) -> list[dict]:
    """The case's GAS T-score after each review day, as the support plan shows it: ``{"on": date,
    "t_score": float, "goals": n}``, oldest first (:func:`workbench.gas.case_t_scores`)."""
    rho = config.load_config()["gas"]["rho"] if rho is None else rho
    reviews = [gas.Review(g["id"], r["reviewed_on"], r["level"], g["weight"])
               for g in case_goals(db, actor, case_id) for r in g["reviews"]]
    return gas.case_t_scores(reviews, rho)


CASE_GAS_COLUMNS = ["case_id", "case_number", "programme", "worker", "goals", "t_score"]


def case_gas(db, actor: str, *, programme: str | None = None, period=None, rho: float | None = None) -> pd.DataFrame:
    """One row per case with a goal set in the period (default: all) and reviewed by its end: ``case_id,
    case_number, programme, worker, goals`` (how many count) and ``t_score``, the Kiresuk–Sherman
    T-score of those goals on the period's end by the one rule of :mod:`workbench.gas` (latest level up
    to that day, abandoned goals at their last level, goals never reviewed left out, weights applied)."""
    programme = config.check_programme(programme)
    rho = config.load_config()["gas"]["rho"] if rho is None else rho
    period = Period.parse(period) if period is not None else None
    reviews = goal_review_frame(db, actor)
    if period is not None:
        reviews = reviews[reviews["set_on"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
    if programme:
        reviews = reviews[reviews["programme"] == programme]
    rows = []
    for case_id, mine in reviews.groupby("case_id", sort=True):
        score = gas.case_t_score(_reviews(mine, "goal_id"), period.end if period else None, rho)
        if score is not None:
            first = mine.iloc[0]
            rows.append({"case_id": case_id, "case_number": first["case_number"], "programme": first["programme"],
                         "worker": first["worker"], **score})
    return pd.DataFrame(rows, columns=CASE_GAS_COLUMNS)


GOAL_COLUMNS = ["group", "goals_set", "goals_reviewed", "goals_achieved", "share_achieved", "cases", "mean_t"]


def goal_attainment(db, actor: str, *, by: str = "worker", programme: str | None = None, period=None,
                    rho: float | None = None) -> pd.DataFrame:
    """Goals set in the period (default: all) per ``by`` (``worker`` or ``programme``): ``goals_set,
    goals_reviewed, goals_achieved`` (latest level ≥ 0 by the period's end, or closed as achieved),
    ``share_achieved`` (of those reviewed or closed as achieved, 0–1), ``cases`` with a GAS score and
    ``mean_t``: the mean over those cases of :func:`case_gas`'s T-score; ``name``: the worker's display name
    (by ``worker``; ``None`` by programme)."""
    if by not in ("worker", "programme"):
        raise ValueError("by must be 'worker' or 'programme'")
    programme = config.check_programme(programme)
    period = Period.parse(period) if period is not None else None
    goals = goal_frame(db, actor, as_of=period.end if period else None)
    if period is not None:
        goals = goals[goals["set_on"] >= pd.Timestamp(period.start)]
    if programme:
        goals = goals[goals["programme"] == programme]
    t_scores = case_gas(db, actor, programme=programme, period=period, rho=rho)
    names = staff_names(db, actor) if by == "worker" else {}
    rows = []
    for group, mine in goals.groupby(by):
        scored = t_scores.loc[t_scores[by] == group, "t_score"]
        reviewed = int((mine["reviews"] > 0).sum())
        achieved = int(mine["achieved"].sum())
        judged = int(((mine["reviews"] > 0) | (mine["status"] == "achieved")).sum())
        rows.append({"group": group, "goals_set": len(mine), "goals_reviewed": reviewed, "goals_achieved": achieved,
                     "share_achieved": achieved / judged if judged else float("nan"),
                     "cases": len(scored), "mean_t": scored.mean() if len(scored) else float("nan"),
                     "name": names.get(group)})
    return pd.DataFrame(rows, columns=[*GOAL_COLUMNS, "name"])


def goal_table(goals: pd.DataFrame, by: str = "worker", lang: str | None = None) -> pd.DataFrame:
    """:func:`goal_attainment` for people: workers by their display names, programmes by their labels in
    ``lang``, the most goals set first; numbers kept as numbers, their kinds recorded."""
    table = goals.copy()
    if by == "programme":
        table["group"] = table["group"].map(lambda code: config.label("programmes", code, lang))
    elif "name" in table:
        table["group"] = [name or user for name, user in zip(table["name"], table["group"])]
    table = table.sort_values(["goals_set", "group"], ascending=[False, True], kind="stable")[GOAL_COLUMNS]
    kinds = {"group": "text", "goals_set": "count", "goals_reviewed": "count", "goals_achieved": "count",
             "share_achieved": "share", "cases": "count", "mean_t": "mean"}
    return headed(table, {c: i18n.t(f"outcomes.col.{c}", lang) for c in GOAL_COLUMNS}, kinds)


COMPARISON_COLUMNS = ["programme", "clients", "mean_change", "improved", "unchanged", "worse"]


def programme_comparison(db, actor: str, instrument: Instrument, period=None, min_change: float = 0.5) -> pd.DataFrame:
    """Every programme that uses ``instrument``, side by side: ``clients`` (with ≥ 2 assessments),
    ``mean_change`` (the mean over clients of their mean change across the axes, in scale points),
    ``improved, unchanged, worse`` (shares of client × axis pairs, 0–1, as in :func:`domain_change`)."""
    scores = axis_scores(db, actor, instrument)
    rows = []
    better = -1 if instrument.score_direction == "need" else 1
    for programme in config.codes_in_order("programmes"):
        pairs = first_and_latest(scores[scores["programme"] == programme], period)
        pairs = pairs[pairs["assessments"] >= 2]
        if pairs.empty:
            continue
        delta = pairs["score_latest"] - pairs["score_first"]
        judged = delta * better
        per_client = delta.groupby(pairs["case_id"]).mean()
        rows.append({"programme": programme, "clients": int(pairs["case_id"].nunique()),
                     "mean_change": per_client.mean(), "improved": (judged >= min_change).mean(),
                     "unchanged": (judged.abs() < min_change).mean(), "worse": (judged <= -min_change).mean()})
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def comparison_table(comparison: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`programme_comparison` for people: programmes by their labels in ``lang``; numbers kept as
    numbers, their kinds recorded."""
    table = comparison.copy()
    table["programme"] = table["programme"].map(lambda code: config.label("programmes", code, lang))
    headers = {"programme": i18n.t("outcomes.col.group", lang), "clients": i18n.t("outcomes.col.clients", lang),
               "mean_change": i18n.t("outcomes.col.change", lang)}
    headers.update({c: i18n.t(f"outcomes.col.{c}", lang) for c in ("improved", "unchanged", "worse")})
    kinds = {"programme": "text", "clients": "count", "mean_change": "mean_change", "improved": "share",
             "unchanged": "share", "worse": "share"}
    return headed(table, headers, kinds)
