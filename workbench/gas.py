"""Goal Attainment Scaling (GAS): the levels, their checks, the T-score and which goals count.

Each goal is scored on five levels, 0 being the outcome expected when the goal was set::

    −2 much less than expected   −1 somewhat less   0 expected   +1 somewhat more   +2 much more

The goals are combined into the Kiresuk & Sherman (1968) T-score::

    T = 50 + 10 · Σ(wᵢ·xᵢ) / sqrt((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

where xᵢ is goal i's level, wᵢ its weight (1 when unweighted) and ρ the assumed correlation
between the goals' scores (0.3 by convention). If each xᵢ had mean 0 and standard deviation 1,
T would have mean 50 and standard deviation 10: every goal met exactly gives 50, and one goal
alone at +2 gives 70 whatever ρ is, because the denominator is then w·sqrt((1 − ρ) + ρ) = w.

Turner-Stokes (2009) is a practical guide to the method; the formula there was misprinted and
corrected by the journal's erratum, and the corrected form is the one above. This module imposes
no convention for scoring the baseline; it scores the levels it is given.

**Which goals count** in a case's T-score on a day (:func:`counted_goals`) is decided here and
nowhere else, so the support plan app, the supervisors' outcomes and the researchers' cohort give
the same T-score for the same case:

- every goal set by then counts with its latest level reviewed up to that day (of two reviews on
  one day, the one recorded later);
- a goal never reviewed by then is left out: its level is not known;
- a goal closed since keeps its last reviewed level, an **abandoned** goal too: were it dropped,
  abandoning a goal that is going badly would raise the case's score;
- each goal's weight applies, 1 if it has none.

The module needs only the standard library, so the store, the analysis and the research
evaluation can all use it.

Sources:

- Kiresuk, T. J., & Sherman, R. E. (1968). Goal attainment scaling: A general method for
  evaluating comprehensive community mental health programs. Community Mental Health
  Journal, 4(6), 443–453.
- Turner-Stokes, L. (2009). Goal attainment scaling (GAS) in rehabilitation: a practical
  guide. Clinical Rehabilitation, 23(4), 362–370.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime
from numbers import Integral, Real
from typing import NamedTuple

from . import i18n
from .i18n import UserError

GAS_LEVELS = (-2, -1, 0, 1, 2)
DEFAULT_RHO = 0.3

i18n.add({
    "gas.empty": {
        "uk": "Немає жодної цілі, з якої можна обчислити T-бал GAS.",
        "en": "There are no goals to compute a GAS T-score from.",
    },
    "gas.goal": {"uk": "Ціль №{position}: {problem}", "en": "Goal {position}: {problem}"},
    "gas.level": {
        "uk": "рівень досягнення «{value}» має бути цілим числом від −2 до +2.",
        "en": "the attainment level '{value}' must be a whole number from −2 to +2.",
    },
    "gas.weight": {
        "uk": "вага «{value}» має бути додатним скінченним числом.",
        "en": "the weight '{value}' must be a positive, finite number.",
    },
    "gas.weights_length": {
        "uk": "Кількість ваг ({weights}) не дорівнює кількості цілей ({goals}): потрібна одна вага на кожну ціль.",
        "en": "There are {weights} weights for {goals} goals: give one weight per goal.",
    },
    "gas.rho": {
        "uk": "Припущена кореляція між цілями ρ = {value} має бути не менша за 0 і менша за 1.",
        "en": "The assumed correlation between goals ρ = {value} must be at least 0 and less than 1.",
    },
    "gas.label.-2": {"uk": "значно нижче за очікуване", "en": "much less than expected"},
    "gas.label.-1": {"uk": "дещо нижче за очікуване", "en": "somewhat less than expected"},
    "gas.label.0": {"uk": "очікуваний результат", "en": "expected outcome"},
    "gas.label.1": {"uk": "дещо вище за очікуване", "en": "somewhat more than expected"},
    "gas.label.2": {"uk": "значно вище за очікуване", "en": "much more than expected"},
})


def check_level(level) -> int:
    """``level`` as an int if it is one of :data:`GAS_LEVELS`; otherwise :class:`UserError`.

    Booleans are refused although Python counts them as ints: ``True`` is not a level.
    Floats are refused too, even 1.0: a level is a choice among five, not a measurement.
    """
    if isinstance(level, bool) or not isinstance(level, Integral) or int(level) not in GAS_LEVELS:
        raise UserError("gas.level", value=level)
    return int(level)


def check_weight(weight) -> float:
    """``weight`` as a float if it is a positive, finite number; otherwise :class:`UserError`."""
    try:  # an int too large for a float (10**400) is refused, not an OverflowError
        finite = not isinstance(weight, bool) and isinstance(weight, Real) and math.isfinite(weight)
    except OverflowError:
        finite = False
    if not finite or weight <= 0:
        raise UserError("gas.weight", value=str(weight)[:40])
    return float(weight)


def gas_t_score(levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO) -> float:
    """The Kiresuk & Sherman T-score of goals scored −2…+2 (see the module docstring).

    ``weights`` default to 1 per goal; ``rho`` is the assumed correlation between goals, in [0, 1).
    The result is not rounded.
    """
    levels = list(levels)
    if not levels:
        raise UserError("gas.empty")
    xs = []
    for position, level in enumerate(levels, start=1):
        try:
            xs.append(check_level(level))
        except UserError as problem:
            raise UserError("gas.goal", position=position, problem=problem) from None
    if weights is None:
        ws = [1.0] * len(xs)
    else:
        weights = list(weights)
        if len(weights) != len(xs):
            raise UserError("gas.weights_length", weights=len(weights), goals=len(xs))
        ws = []
        for position, weight in enumerate(weights, start=1):
            try:
                ws.append(check_weight(weight))
            except UserError as problem:
                raise UserError("gas.goal", position=position, problem=problem) from None
    # ρ = 1 would make the denominator sqrt((Σw)²) and claim the goals are one goal counted
    # n times; the formula is meant for ρ < 1. `not (0 <= rho < 1)` also refuses NaN.
    if isinstance(rho, bool) or not isinstance(rho, Real) or not (0 <= rho < 1):
        raise UserError("gas.rho", value=rho)
    weighted_sum = sum(w * x for w, x in zip(ws, xs))
    denominator = math.sqrt((1 - rho) * sum(w * w for w in ws) + rho * sum(ws) ** 2)
    return 50 + 10 * weighted_sum / denominator


def gas_level_label(level: int, lang: str | None = None) -> str:
    """A short label for a GAS level in ``lang``: e.g. −1 → "somewhat less than expected"."""
    return i18n.t(f"gas.label.{check_level(level)}", lang)


def level_text(level: int) -> str:
    """A level as printed: "+2", "+1", "0", "−1", "−2" (with a true minus sign)."""
    return "0" if level == 0 else f"{level:+d}".replace("-", "−")


class Review(NamedTuple):
    """One review of a goal, as :func:`counted_goals` reads it."""

    goal: Hashable  # the goal's id, or its pseudonym in a research export
    reviewed_on: date | str  # a date, a datetime (a pandas Timestamp) or an ISO string as the store keeps it
    level: int  # −2 … +2
    weight: float | None = None  # the goal's weight; None counts as 1


def _day(value) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def counted_goals(reviews: Iterable[Review], on=None) -> list[Review]:
    """The goals that count on the day ``on`` (default: after the last review), each as its latest review.

    ``reviews`` are one case's goal reviews in the order they were recorded. See the module docstring
    for the rule; a review is never dated before its goal was set, so a goal reviewed by ``on`` was set
    by then. Whether a goal was closed since, achieved or abandoned, does not matter: it keeps its level.
    """
    day = None if on is None else _day(on)
    latest: dict = {}
    # A stable sort: of two reviews on one day, the one recorded later comes later and wins.
    for review in sorted(reviews, key=lambda r: _day(r.reviewed_on)):
        if day is None or _day(review.reviewed_on) <= day:
            latest[review.goal] = review
    return list(latest.values())


def case_t_score(reviews: Iterable[Review], on=None, rho: float = DEFAULT_RHO) -> dict | None:
    """``{"t_score": T, "goals": n}``: the case's T-score over the goals that count on ``on`` (default:
    after the last review; :func:`counted_goals`), or None when none counts yet."""
    goals = counted_goals(reviews, on)
    if not goals:
        return None
    weights = [1.0 if g.weight is None else g.weight for g in goals]
    return {"t_score": gas_t_score([g.level for g in goals], weights, rho), "goals": len(goals)}


def case_t_scores(reviews: Iterable[Review], rho: float = DEFAULT_RHO) -> list[dict]:
    """The case's T-score after each day with a review, oldest first: ``{"on": date, "t_score": T, "goals": n}``."""
    reviews = list(reviews)
    days = sorted({_day(r.reviewed_on) for r in reviews})
    return [dict(on=day, **case_t_score(reviews, day, rho)) for day in days]
