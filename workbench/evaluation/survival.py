"""Time to an event: Kaplan–Meier, its median, the log-rank test, and cumulative incidence with competing outcomes.

In case management the "event" is, for example, a goal reached or a case closed; the time is
days (or weeks) from intake. A case still open when the data were drawn is *censored*: we know
only that its event had not happened by then.

Kaplan–Meier (Kaplan & Meier 1958)
    At the distinct event times t₁ < t₂ < … let nⱼ be the number still at risk just before tⱼ
    and dⱼ the number of events at tⱼ. Then

        S(t) = ∏_{tⱼ ≤ t} (1 − dⱼ/nⱼ).

    Greenwood's formula (Greenwood 1926) gives the variance of log S:

        Var[log S(t)] = Σ_{tⱼ ≤ t} dⱼ / (nⱼ (nⱼ − dⱼ)),

    and, by the delta method, the standard error of S itself, se(S) = S · se(log S). The table
    has both: ``std_err`` is the standard error **of S** — the number R's
    ``summary(survfit(...))`` prints in its ``std.err`` column — and ``se_log_surv`` is the
    standard error of log S (the cumulative hazard), which the ``survfit`` object stores
    internally and from which every interval below is built. Where nⱼ = dⱼ (the last person
    at risk has the event) S drops to 0, se(log S) is infinite and ``std_err`` is NaN, as in R.

    Pointwise (1 − α) intervals, z = Φ⁻¹(1 − α/2), chosen with ``conf_type``:

    - ``"log"`` (R ``survfit``'s default):  exp(log S ± z·se(log S)), the upper end capped at 1;
    - ``"log-log"`` (R ``conf.type="log-log"``, Stata's default):  S^exp(± z·se(log S)/log S),
      i.e. log(−log S) ± z·se(log S)/|log S|, which always stays inside (0, 1);
    - ``"plain"``:  S ± z·S·se(log S), clipped to [0, 1].

    Where S = 0 the interval is undefined (NaN), as R prints NA.

Median (R ``quantile.survfit``, after Brookmeyer & Crowley 1982)
    The median is where a horizontal line at 0.5 meets the curve: the first time S(t) ≤ 0.5;
    if the curve is exactly 0.5 over a stretch, the midpoint of that stretch (R's rule). Its
    confidence interval is where the same line meets the interval's bands: the lower limit is
    the first time the *lower* band drops to ≤ 0.5, the upper limit the first time the *upper*
    band does. When a curve never gets down to 0.5, that value is NaN ("not reached") and the
    reason says which. (R reads a band that rises again, possible for the upper "log" band, by
    sorting it; we take the first crossing in time, which is the same for every monotone band.)

Log-rank test (Mantel 1966; Peto & Peto 1972), as R's ``survdiff`` with ρ = 0
    With K groups, at each distinct event time tⱼ (all groups pooled): n, d the totals at risk
    and with events, n_g, d_g those of group g. Observed O_g = Σ d_g, expected
    E_g = Σ d·n_g/n, and the variance of O − E

        V_gh = Σ d (n − d)/(n − 1) · (n_g/n) (δ_gh − n_h/n).

    The statistic (O − E)ᵀ V⁻¹ (O − E), over the first K − 1 groups, is χ² with K − 1 df.

Cumulative incidence with competing outcomes (Aalen & Johansen 1978; Kalbfleisch & Prentice 2002)
    A case can close in one of several ways ("goal reached", "moved away", "refused"); a
    closure for another reason is not censoring, it is a *competing outcome*: someone who
    moved away will never reach the goal with us. 1 − Kaplan–Meier that treats the other
    reasons as censored overstates the chance of the reason of interest. The cumulative
    incidence of cause k is

        F_k(t) = Σ_{tⱼ ≤ t} S(tⱼ₋₁) · d_kⱼ / nⱼ,

    with S the Kaplan–Meier curve of *any* event and d_kⱼ the events of cause k at tⱼ. The
    curves of all causes and S add up to 1 at every time.

    Its variance is the delta-method (Greenwood-type) estimator of Marubini & Valsecchi
    (1995, §10.4; Pintilie 2006, eq. 4.4; SAS PROC LIFETEST ``ERROR=DELTA``), with
    ΔFⱼ = F_k(t) − F_k(tⱼ):

        Var F_k(t) = Σ ΔFⱼ² dⱼ/(nⱼ(nⱼ − dⱼ)) + Σ S(tⱼ₋₁)² d_kⱼ (nⱼ − d_kⱼ)/nⱼ³
                     − 2 Σ ΔFⱼ S(tⱼ₋₁) d_kⱼ / nⱼ²,

    the first-order (delta-method) variance of F_k as a function of the cause-specific
    hazards d_kⱼ/nⱼ, multinomial at each time and independent across times. It is not the
    Aalen (1978) counting-process variance that R's ``cmprsk::cuminc`` prints, and we found
    no printed example of this estimator to check it against digit by digit; the tests check
    two exact properties instead: with a single cause it equals Greenwood's variance of
    1 − S, and without censoring it equals the binomial variance F(1 − F)/n of the observed
    proportion. The interval is on the log(−log) scale (Pintilie 2006, §4.2.2, as
    ``tidycmprsk`` does): F^exp(± z·se/(F·log F)); undefined (NaN) where F is 0 or 1.

:func:`kaplan_meier_by_group` and :func:`cumulative_incidence_by_cause` give the tables
:mod:`workbench.charts.research` draws; this module draws nothing. Bad input raises
:class:`~workbench.i18n.UserError` with a bilingual message (keys ``survival.*``).

Sources:

- Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations.
  JASA, 53(282), 457–481.
- Greenwood, M. (1926). The natural duration of cancer. Reports on Public Health and Medical
  Subjects, 33. HMSO.
- Brookmeyer, R., & Crowley, J. (1982). A confidence interval for the median survival time.
  Biometrics, 38(1), 29–41.
- Mantel, N. (1966). Evaluation of survival data and two new rank order statistics arising in
  its consideration. Cancer Chemotherapy Reports, 50(3), 163–170.
- Aalen, O. O., & Johansen, S. (1978). An empirical transition matrix for non-homogeneous
  Markov chains based on censored observations. Scand. J. Statist., 5(3), 141–150.
- Marubini, E., & Valsecchi, M. G. (1995). Analysing Survival Data from Clinical Trials and
  Observational Studies. Wiley, ch. 10.
- Pintilie, M. (2006). Competing Risks: A Practical Perspective. Wiley, ch. 4.
- Therneau, T. M. R package ``survival``: ``survfit``, ``summary.survfit``,
  ``quantile.survfit``, ``survdiff``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .. import i18n
from ..i18n import Text, UserError
from .values import is_missing, is_number

CONF_TYPES = ("log", "log-log", "plain")
TOLERANCE = math.sqrt(np.finfo(float).eps)  # R quantile.survfit's tolerance for "exactly 0.5"

i18n.add({
    "survival.empty": {
        "uk": "Немає жодного спостереження, з якого можна оцінювати час до події.",
        "en": "There are no observations to estimate a time to an event from.",
    },
    "survival.not_sequence": {
        "uk": "{what}: потрібен перелік значень (список, масив або стовпець таблиці), а отримано «{value}».",
        "en": "{what}: a list of values (a list, an array or a table column) is needed, not '{value}'.",
    },
    "survival.duration_not_number": {
        "uk": "Рядок {position}: тривалість «{value}» має бути скінченним числом.",
        "en": "Row {position}: the duration '{value}' must be a finite number.",
    },
    "survival.duration_negative": {
        "uk": "Рядок {position}: тривалість {value} відʼємна, а час до події не може бути меншим за нуль.",
        "en": "Row {position}: the duration {value} is negative; a time to an event cannot be below zero.",
    },
    "survival.event_not_binary": {
        "uk": "Рядок {position}: позначка події «{value}» має бути 1 (подія настала) або 0 (спостереження "
              "закінчилося без події).",
        "en": "Row {position}: the event flag '{value}' must be 1 (the event happened) or 0 (follow-up ended "
              "without the event).",
    },
    "survival.lengths": {
        "uk": "Тривалостей {durations}, а {what} — {other}: потрібно по одному значенню на кожне спостереження.",
        "en": "There are {durations} durations but {other} {what}: give one value per observation.",
    },
    "survival.what.events": {"uk": "позначок події", "en": "event flags"},
    "survival.what.groups": {"uk": "позначок групи", "en": "group labels"},
    "survival.what.causes": {"uk": "результатів (причин)", "en": "outcomes (causes)"},
    "survival.what.durations": {"uk": "Тривалості", "en": "Durations"},
    "survival.group_missing": {
        "uk": "Рядок {position}: не вказано групу.",
        "en": "Row {position}: the group is missing.",
    },
    "survival.group_empty": {
        "uk": "Група «{group}» не має жодного спостереження.",
        "en": "The group '{group}' has no observations.",
    },
    "survival.one_group": {
        "uk": "Для порівняння потрібні щонайменше дві групи, а в даних їх {count}.",
        "en": "A comparison needs at least two groups; the data have {count}.",
    },
    "survival.no_events": {
        "uk": "У жодній групі не сталося жодної події, тож порівнювати нічого.",
        "en": "No group has a single event, so there is nothing to compare.",
    },
    "survival.cause_missing": {
        "uk": "Рядок {position}: не вказано результат; для спостереження, що ще триває, вкажіть «{censored}».",
        "en": "Row {position}: the outcome is missing; for follow-up still going on, give '{censored}'.",
    },
    "survival.cause_unknown": {
        "uk": "Результату «{cause}» у даних немає; є такі: {causes}.",
        "en": "The outcome '{cause}' does not occur in the data; the outcomes are: {causes}.",
    },
    "survival.cause_is_censoring": {
        "uk": "«{cause}» позначає цензурування (спостереження без події), а не результат.",
        "en": "'{cause}' marks censoring (follow-up without an event), not an outcome.",
    },
    "survival.conf_type": {
        "uk": "Невідомий вид довірчого інтервалу «{value}»: оберіть log, log-log або plain.",
        "en": "Unknown kind of confidence interval '{value}': choose log, log-log or plain.",
    },
    "survival.alpha": {
        "uk": "Рівень значущості α = {value} має бути числом між 0 і 1.",
        "en": "The significance level α = {value} must be a number between 0 and 1.",
    },
    "survival.not_km": {
        "uk": "Медіану можна обчислити лише з таблиці, яку повертає kaplan_meier().",
        "en": "The median can only be read from the table kaplan_meier() returns.",
    },
    "survival.median.not_reached": {
        "uk": "не досягнуто: частка без події не опустилася до 0,5",
        "en": "not reached: the share without the event never fell to 0.5",
    },
    "survival.median.lower_not_reached": {
        "uk": "не досягнуто: нижня межа інтервалу не опустилася до 0,5",
        "en": "not reached: the lower band never fell to 0.5",
    },
    "survival.median.upper_not_reached": {
        "uk": "не досягнуто: верхня межа інтервалу не опустилася до 0,5",
        "en": "not reached: the upper band never fell to 0.5",
    },
})


# --- checking the input ---------------------------------------------------------------------

def _values(values, what: str) -> list:
    """``values`` as a list; a string, a mapping or a lone number is refused."""
    if values is None or isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise UserError("survival.not_sequence", what=Text(f"survival.what.{what}"), value=values)
    if isinstance(values, (pd.Series, pd.Index, np.ndarray, pd.Categorical)):
        return list(np.asarray(values, dtype=object))
    return list(values)


def _durations(durations) -> np.ndarray:
    values = _values(durations, "durations")
    if not values:
        raise UserError("survival.empty")
    out = np.empty(len(values), dtype=float)
    for position, value in enumerate(values, start=1):
        if not is_number(value) or not math.isfinite(float(value)):
            raise UserError("survival.duration_not_number", position=position, value=value)
        if value < 0:
            raise UserError("survival.duration_negative", position=position, value=value)
        out[position - 1] = float(value)
    return out


def _check_length(n: int, other: list, what: str) -> None:
    if len(other) != n:
        raise UserError("survival.lengths", durations=n, other=len(other), what=Text(f"survival.what.{what}"))


def _events(events, n: int) -> np.ndarray:
    values = _values(events, "events")
    _check_length(n, values, "events")
    out = np.empty(n, dtype=int)
    for position, value in enumerate(values, start=1):
        # True/False are accepted as 1/0; 1.0 and 0.0 too (a column read from a file).
        ok = isinstance(value, (bool, np.bool_)) or (is_number(value) and value in (0, 1))
        if not ok:
            raise UserError("survival.event_not_binary", position=position, value=value)
        out[position - 1] = int(value)
    return out


def _groups(groups, n: int) -> tuple[np.ndarray, list]:
    """Group labels as an array and the groups in order (a categorical's order, else sorted)."""
    categories = None
    if isinstance(groups, pd.Series) and isinstance(groups.dtype, pd.CategoricalDtype):
        categories = list(groups.cat.categories)
    elif isinstance(groups, pd.Categorical):
        categories = list(groups.categories)
    values = _values(groups, "groups")
    _check_length(n, values, "groups")
    for position, value in enumerate(values, start=1):
        if is_missing(value):
            raise UserError("survival.group_missing", position=position)
    labels = np.empty(n, dtype=object)
    labels[:] = values
    if categories is None:
        seen = list(dict.fromkeys(values))
        try:
            categories = sorted(seen)
        except TypeError:  # labels of mixed kinds: keep the order they first appear in
            categories = seen
    present = set(values)
    for category in categories:
        if category not in present:
            raise UserError("survival.group_empty", group=category)
    return labels, categories


def _check_options(conf_type: str, alpha) -> float:
    if conf_type not in CONF_TYPES:
        raise UserError("survival.conf_type", value=conf_type)
    if not is_number(alpha) or not 0 < alpha < 1:
        raise UserError("survival.alpha", value=alpha)
    return float(stats.norm.ppf(1 - alpha / 2))


# --- Kaplan–Meier ---------------------------------------------------------------------------

def _risk_table(t: np.ndarray, is_event: np.ndarray):
    """At each distinct time with an event: the time, number at risk, events, and censored until the next.

    ``n_censor`` counts those censored at or after this event time and before the next one, so
    that n_risk[j+1] = n_risk[j] − n_event[j] − n_censor[j] (Kleinbaum & Klein's q_j). Also
    returns the number censored before the first event time and the sorted censoring times.
    """
    order = np.argsort(t, kind="stable")
    t, is_event = t[order], is_event[order]
    times, first, counts = np.unique(t, return_index=True, return_counts=True)
    events_at = np.add.reduceat(is_event.astype(int), first) if len(t) else np.array([], dtype=int)
    censored_at = counts - events_at
    at_risk = len(t) - first
    has_event = events_at > 0
    event_times = times[has_event]
    slot = np.searchsorted(event_times, times, side="right") - 1  # the event row each time falls under
    after = slot >= 0
    n_censor = np.bincount(slot[after], weights=censored_at[after], minlength=len(event_times)).astype(int)
    before_first = int(censored_at[~after].sum())
    return (event_times, at_risk[has_event], events_at[has_event], n_censor, before_first,
            t[~is_event.astype(bool)])


def _bands(surv: np.ndarray, se_log: np.ndarray, z: float, conf_type: str):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        defined = (surv > 0) & np.isfinite(se_log)
        if conf_type == "log":
            lower = np.exp(np.log(surv) - z * se_log)
            upper = np.minimum(np.exp(np.log(surv) + z * se_log), 1.0)
        elif conf_type == "log-log":
            defined &= surv < 1
            shift = z * se_log / np.log(surv)  # negative: log S < 0
            a, b = surv ** np.exp(shift), surv ** np.exp(-shift)
            lower, upper = np.minimum(a, b), np.maximum(a, b)
        else:  # plain
            lower = np.maximum(surv - z * surv * se_log, 0.0)
            upper = np.minimum(surv + z * surv * se_log, 1.0)
    return np.where(defined, lower, np.nan), np.where(defined, upper, np.nan)


def kaplan_meier(durations: Sequence[float], events: Sequence[int], *, conf_type: str = "log",
                 alpha: float = 0.05) -> pd.DataFrame:
    """The Kaplan–Meier table: one row per distinct event time (see the module docstring).

    Columns: ``time``, ``n_risk`` (at risk just before), ``n_event``, ``n_censor`` (censored
    from this time until the next event time), ``survival``, ``std_err`` (Greenwood standard
    error **of S**, R's printed ``std.err``), ``se_log_surv`` (of log S), ``lower``, ``upper``.

    ``attrs``: ``conf_type``, ``conf_level``, ``transform`` (the interval's formula in words),
    ``std_err_of`` ("survival"), ``n``, ``n_events``, ``censored_before_first_event``,
    ``censor_times`` (every censored duration, sorted: for the chart's ticks) and
    ``last_time`` (the longest follow-up). With no event at all the table has no rows.
    """
    z = _check_options(conf_type, alpha)
    t = _durations(durations)
    e = _events(events, len(t))
    times, n_risk, n_event, n_censor, before_first, censor_times = _risk_table(t, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1 - n_event / n_risk)
        var_log = np.cumsum(n_event / (n_risk * (n_risk - n_event)))  # inf once n = d
        se_log = np.sqrt(var_log)
        std_err = surv * se_log  # 0 · inf = NaN where S = 0, as R prints
    lower, upper = _bands(surv, se_log, z, conf_type)
    table = pd.DataFrame({
        "time": times, "n_risk": n_risk.astype(int), "n_event": n_event.astype(int),
        "n_censor": n_censor.astype(int), "survival": surv, "std_err": std_err,
        "se_log_surv": se_log, "lower": lower, "upper": upper,
    })
    table.attrs.update({
        "estimator": "kaplan-meier",
        "conf_type": conf_type,
        "conf_level": 1 - alpha,
        "transform": {
            "log": "exp(log S ± z·se(log S)), upper end capped at 1",
            "log-log": "S^exp(± z·se(log S)/log S)",
            "plain": "S ± z·S·se(log S), clipped to [0, 1]",
        }[conf_type],
        "std_err_of": "survival",
        "n": len(t),
        "n_events": int(e.sum()),
        "censored_before_first_event": before_first,
        "censor_times": [float(x) for x in censor_times],
        "last_time": float(t.max()),
    })
    return table


def kaplan_meier_by_group(durations: Sequence[float], events: Sequence[int], groups: Sequence | None = None, *,
                          conf_type: str = "log", alpha: float = 0.05) -> dict:
    """:func:`kaplan_meier` of each group: ``{group: table}`` in the groups' order (a categorical's, else
    sorted); without ``groups``, one table under the key None. Bad data raise :class:`UserError`."""
    t = _durations(durations)
    e = _events(events, len(t))
    if groups is None:
        labels, order = np.full(len(t), None, dtype=object), [None]
    else:
        labels, order = _groups(groups, len(t))
    _check_options(conf_type, alpha)
    return {group: kaplan_meier(t[labels == group], e[labels == group], conf_type=conf_type, alpha=alpha)
            for group in order}


# --- the median -----------------------------------------------------------------------------

def _first_at_or_below(times: np.ndarray, curve: np.ndarray, last_time: float, p: float = 0.5) -> float:
    """Where a horizontal line at ``p`` meets a step curve that starts at 1 at time 0 (R's findq).

    The first time the curve is ≤ p; if it equals p (within tolerance) over a stretch, the
    midpoint of that stretch, and at the end of the curve the midpoint up to ``last_time``.
    Points where the curve is undefined (NaN) are skipped, as R's approx() drops them.
    """
    x = np.concatenate([[0.0], times])
    y = np.concatenate([[0.0], 1 - np.asarray(curve, dtype=float)])  # R works on 1 − S
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    reach = np.flatnonzero(y + TOLERANCE >= 1 - p)
    if not len(reach):
        return math.nan
    first = reach[0]
    past = np.flatnonzero(y - TOLERANCE >= 1 - p)
    if len(past):
        return float((x[first] + x[past[0]]) / 2)
    return float((x[first] + last_time) / 2)  # flat at exactly p to the end of follow-up


def median_survival(km: pd.DataFrame) -> dict:
    """The median time to the event and its confidence interval, from :func:`kaplan_meier`'s table.

    Returns ``{"median", "lower", "upper", "conf_level", "conf_type", "reasons"}``: a value
    never reached is NaN and ``reasons`` maps its name to a catalogue key that says why
    (``survival.median.not_reached``, ``…lower_not_reached``, ``…upper_not_reached``; render
    with :func:`workbench.i18n.t`). The interval is the band the table was made with.
    """
    if not isinstance(km, pd.DataFrame) or km.attrs.get("estimator") != "kaplan-meier":
        raise UserError("survival.not_km")
    times = km["time"].to_numpy(float)
    last = km.attrs["last_time"]
    result = {
        "median": _first_at_or_below(times, km["survival"].to_numpy(float), last),
        "lower": _first_at_or_below(times, km["lower"].to_numpy(float), last),
        "upper": _first_at_or_below(times, km["upper"].to_numpy(float), last),
        "conf_level": km.attrs["conf_level"],
        "conf_type": km.attrs["conf_type"],
    }
    keys = {"median": "survival.median.not_reached", "lower": "survival.median.lower_not_reached",
            "upper": "survival.median.upper_not_reached"}
    result["reasons"] = {name: key for name, key in keys.items() if math.isnan(result[name])}
    return result


# --- the log-rank test ----------------------------------------------------------------------

def logrank_test(durations: Sequence[float], events: Sequence[int], groups: Sequence) -> dict:
    """The log-rank (Mantel–Haenszel) test that the groups share one survival curve, as R's ``survdiff``.

    Returns ``{"chisq", "df", "p", "table"}``; ``table`` has one row per group (in the order of
    a categorical's categories, else sorted) with ``n``, ``observed``, ``expected``,
    ``oe2_e`` ((O − E)²/E) and ``oe2_v`` ((O − E)²/V, R's last column).
    """
    t = _durations(durations)
    e = _events(events, len(t))
    labels, order = _groups(groups, len(t))
    if len(order) < 2:
        raise UserError("survival.one_group", count=len(order))
    if not e.any():
        raise UserError("survival.no_events")
    event_times = np.unique(t[e == 1])
    k = len(order)
    at_risk = np.empty((k, len(event_times)))
    died = np.empty((k, len(event_times)))
    sizes = []
    for g, label in enumerate(order):
        mine = labels == label
        tg, eg = np.sort(t[mine]), t[mine & (e == 1)]
        sizes.append(int(mine.sum()))
        at_risk[g] = len(tg) - np.searchsorted(tg, event_times, side="left")
        died[g] = np.searchsorted(np.sort(eg), event_times, side="right") - np.searchsorted(
            np.sort(eg), event_times, side="left")
    n, d = at_risk.sum(axis=0), died.sum(axis=0)
    share = at_risk / n
    observed, expected = died.sum(axis=1), (d * share).sum(axis=1)
    factor = np.where(n > 1, d * (n - d) / np.where(n > 1, n - 1, 1), 0.0)
    variance = np.einsum("j,gj,hj->gh", factor, share, -share)
    variance[np.diag_indices(k)] += (factor * share).sum(axis=1)
    diff = observed - expected
    chisq = float(diff[:-1] @ np.linalg.solve(variance[:-1, :-1], diff[:-1]))
    df = k - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame({
            "n": sizes, "observed": observed, "expected": expected,
            "oe2_e": diff ** 2 / expected, "oe2_v": diff ** 2 / np.diag(variance),
        }, index=pd.Index(order, name="group"))
    return {"chisq": chisq, "df": df, "p": float(stats.chi2.sf(chisq, df)), "table": table}


# --- cumulative incidence with competing outcomes ------------------------------------------

def _causes(causes, n: int, censored) -> np.ndarray:
    values = _values(causes, "causes")
    _check_length(n, values, "causes")
    for position, value in enumerate(values, start=1):
        if is_missing(value):
            raise UserError("survival.cause_missing", position=position, censored=censored)
    out = np.empty(n, dtype=object)
    out[:] = values
    return out


def _cause_names(labels: np.ndarray, censored) -> list:
    seen = [c for c in dict.fromkeys(labels) if c != censored]
    try:
        return sorted(seen)
    except TypeError:
        return seen


def cumulative_incidence(durations: Sequence[float], causes: Sequence, *, cause_of_interest, censored=0,
                         alpha: float = 0.05) -> pd.DataFrame:
    """The Aalen–Johansen cumulative incidence of ``cause_of_interest``, other causes competing.

    ``causes`` holds, per observation, the outcome that ended follow-up, or ``censored``
    (default 0) if follow-up ended with none. One row per distinct time with an event of
    *any* cause: ``time``, ``n_risk``, ``n_event`` (all causes), ``n_event_cause`` (this
    cause), ``n_censor`` (censored until the next row), ``cif``, ``std_err`` (delta method),
    ``lower``, ``upper`` (log(−log) scale). ``attrs`` name the cause, all causes, the
    variance and the interval (see the module docstring).
    """
    z = _check_options("log-log", alpha)
    t = _durations(durations)
    labels = _causes(causes, len(t), censored)
    if is_missing(cause_of_interest) or cause_of_interest == censored:
        raise UserError("survival.cause_is_censoring", cause=cause_of_interest)
    names = _cause_names(labels, censored)
    if cause_of_interest not in names:
        raise UserError("survival.cause_unknown", cause=cause_of_interest,
                        causes=", ".join(str(c) for c in names) or "—")
    is_event = labels != censored
    times, n_risk, n_event, n_censor, before_first, _ = _risk_table(t, is_event)
    mine = np.sort(t[labels == cause_of_interest])
    d_k = (np.searchsorted(mine, times, side="right") - np.searchsorted(mine, times, side="left")).astype(float)
    n = n_risk.astype(float)
    d = n_event.astype(float)
    surv = np.cumprod(1 - d / n)
    surv_before = np.concatenate([[1.0], surv[:-1]])
    cif = np.cumsum(surv_before * d_k / n)
    variance = _cif_variance(cif, surv_before, n, d, d_k)
    se = np.sqrt(np.maximum(variance, 0.0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        shift = z * se / (cif * np.log(cif))
        a, b = cif ** np.exp(shift), cif ** np.exp(-shift)
    defined = (cif > 0) & (cif < 1) & np.isfinite(se)
    table = pd.DataFrame({
        "time": times, "n_risk": n_risk.astype(int), "n_event": n_event.astype(int),
        "n_event_cause": d_k.astype(int), "n_censor": n_censor.astype(int), "cif": cif, "std_err": se,
        "lower": np.where(defined, np.minimum(a, b), np.nan), "upper": np.where(defined, np.maximum(a, b), np.nan),
    })
    table.attrs.update({
        "estimator": "aalen-johansen",
        "cause": cause_of_interest,
        "causes": names,
        "censored": censored,
        "conf_type": "log-log",
        "conf_level": 1 - alpha,
        "variance": "delta method (Marubini & Valsecchi 1995; Pintilie 2006, eq. 4.4)",
        "transform": "F^exp(± z·se/(F·log F))",
        "n": len(t),
        "n_events_cause": int(d_k.sum()),
        "censored_before_first_event": before_first,
        "last_time": float(t.max()),
    })
    return table


def _cif_variance(cif, surv_before, n, d, d_k) -> np.ndarray:
    """The delta-method variance of the cumulative incidence at every row (module docstring).

    For the row at time t, ΔF_j = F(t) − F(t_j) over rows j ≤ t. Expanding the squares turns
    each sum into running sums, so the whole column costs O(rows):
    Σ (F(t) − F_j)² a_j = F(t)² Σa − 2F(t) Σ a F_j + Σ a F_j², likewise for the cross term.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.where(n > d, d / (n * (n - d)), np.inf)  # inf once everyone left has an event
    greenwood = np.where(d > 0, greenwood, 0.0)
    direct = np.cumsum(surv_before ** 2 * d_k * (n - d_k) / n ** 3)
    cross_weight = surv_before * d_k / n ** 2
    finite = np.isfinite(greenwood)
    g = np.where(finite, greenwood, 0.0)
    s0, s1, s2 = np.cumsum(g), np.cumsum(g * cif), np.cumsum(g * cif ** 2)
    c0, c1 = np.cumsum(cross_weight), np.cumsum(cross_weight * cif)
    first_term = cif ** 2 * s0 - 2 * cif * s1 + s2
    cross = cif * c0 - c1
    variance = first_term + direct - 2 * cross
    # A row where everyone at risk had an event ends the curve: F stops changing there and its
    # ΔF is 0 at that row, so the infinite Greenwood term contributes 0·∞ — taken as 0.
    return variance


def cumulative_incidence_by_cause(durations: Sequence[float], causes: Sequence, *, censored=0,
                                  alpha: float = 0.05) -> dict:
    """:func:`cumulative_incidence` of every cause (outcome) but ``censored``, sorted: ``{cause: table}``;
    empty when every observation is censored. Bad data raise :class:`UserError`."""
    t = _durations(durations)
    labels = _causes(causes, len(t), censored)
    return {cause: cumulative_incidence(t, labels, cause_of_interest=cause, censored=censored, alpha=alpha)
            for cause in _cause_names(labels, censored)}
