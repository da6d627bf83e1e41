"""Pre/post change and effect sizes, in the form a journal or a donor evaluation asks for.

Two designs are covered: the same people measured twice (:func:`paired_change`: first and latest
assessment of each client) and two independent groups (:func:`independent_groups`: e.g. a
programme against a comparison group). :func:`change_table` turns a long frame (client, time,
score, scale) into the table a paper prints, one row per scale.

Paired design (n pairs; xᵢ before, yᵢ after; Dᵢ = yᵢ − xᵢ, so a positive difference means the
score went up)::

    M_D = mean(D),  S_D = SD(D) (n − 1 in the denominator)
    CI of M_D:  M_D ± t(1 − α/2; n − 1) · S_D / √n
    paired t:   t = M_D / (S_D / √n),  df = n − 1                          (scipy.stats.ttest_rel)
    d_z  = M_D / S_D = t / √n                                          Lakens (2013), eq. 6–7
    d_rm = M_D / sqrt(S₁² + S₂² − 2·r·S₁·S₂) · sqrt(2·(1 − r))          Lakens (2013), eq. 9
         = d_z · sqrt(2·(1 − r))     (the square root is S_D, exactly, for sample statistics)
    d_av = M_D / ((S₁ + S₂) / 2)                                        Lakens (2013), eq. 10
    g_av = d_av · (1 − 3 / (4·(n₁ + n₂) − 9)),  n₁ = n₂ = n              Lakens (2013), eq. 4

where S₁, S₂ are the SDs before and after and r their Pearson correlation. The Hedges correction
of eq. 4 is applied to d_av with n₁ + n₂ = 2n, which gives the g_av = 1.08 reported for Lakens's
movie example (a correction on n − 1 degrees of freedom, as some texts use, would give 1.03).

Confidence intervals for the paired effect sizes:

- **d_z** — exact, by inverting the noncentral t distribution (Steiger & Fouladi, 1997; Cumming &
  Finch, 2001): find the noncentrality parameters λ_L and λ_U with P(T(n − 1, λ_L) ≤ t) = 1 − α/2
  and P(T(n − 1, λ_U) ≤ t) = α/2; the interval is [λ_L/√n, λ_U/√n].
- **d_rm, d_av** — approximate: the d_z interval rescaled by the ratio of standardisers
  (sqrt(2(1 − r)) for d_rm, S_D / ((S₁ + S₂)/2) for d_av), treating r and the SDs as known.
  This is the noncentral-t approach for standardised mean differences in dependent designs of
  Algina & Keselman (2003), as used in Cumming's ESCI (Cumming, 2012). Because the sampling error
  of r and of the SDs is ignored, coverage is only approximate, worst for small n and very
  unequal SDs; see Cousineau & Goulet-Pelletier (2021) for the alternatives.
- **g_av** — the d_av interval multiplied by the same Hedges factor.

Wilcoxon signed-rank test on D (scipy.stats.wilcoxon), with R's ``wilcox.test`` conventions:
zero differences are dropped before ranking (``zero_method="wilcox"``, Wilcoxon's original
handling) and their count is reported; tied |D| get mid-ranks. The two-sided p-value is exact
when fewer than 50 differences remain and there were neither zeros nor ties; otherwise it is the
normal approximation with the tie correction and a continuity correction. The statistic is
W⁺, the sum of the ranks of the positive differences (R's V); W⁻ = m(m + 1)/2 − W⁺ for the m
non-zero differences.

Independent groups a and b (nₐ, n_b; means Mₐ, M_b; SDs Sₐ, S_b)::

    S_pooled = sqrt(((nₐ − 1)·Sₐ² + (n_b − 1)·S_b²) / (nₐ + n_b − 2))
    Student t = (Mₐ − M_b) / (S_pooled·sqrt(1/nₐ + 1/n_b)),  df = nₐ + n_b − 2
    Welch t   = (Mₐ − M_b) / sqrt(Sₐ²/nₐ + S_b²/n_b), Welch–Satterthwaite df
    d_s = (Mₐ − M_b) / S_pooled                                          Lakens (2013), eq. 1
    g_s = d_s · (1 − 3 / (4·(nₐ + n_b) − 9))                              Lakens (2013), eq. 4

d_s has the exact noncentral-t interval (t = d_s·sqrt(nₐn_b/(nₐ + n_b)), df = nₐ + n_b − 2);
g_s's interval is d_s's multiplied by the Hedges factor (as in R's effectsize package).

**Small samples and missing values.** A statistic that cannot be computed honestly is ``None``,
with the reason beside it (an :class:`~workbench.i18n.Text`, readable in Ukrainian and English):
an SD needs at least 2 values; tests and confidence intervals need at least
:data:`MIN_PAIRS` complete pairs (paired) or 2 values per group (independent); d_z and the
paired t are undefined when every difference is the same (S_D = 0); d_rm needs r, undefined when
every score at one time is the same. Pairs with a missing value (None, NaN) are dropped and
counted (``n_dropped``). Anything else that is not a finite number (text, booleans, infinity)
is refused with :class:`~workbench.i18n.UserError`, as are sequences of different lengths.

Sources:

- Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a
  practical primer for t-tests and ANOVAs. Frontiers in Psychology, 4, 863.
  doi:10.3389/fpsyg.2013.00863
- Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for effect sizes.
  Educational and Psychological Measurement, 63(4), 537–553.
- Cumming, G. (2012). Understanding the New Statistics. Routledge (ch. 11 and ESCI).
- Cumming, G., & Finch, S. (2001). A primer on the understanding, use, and calculation of
  confidence intervals that are based on central and noncentral distributions. Educational and
  Psychological Measurement, 61(4), 532–574.
- Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and the evaluation
  of statistical models. In L. Harlow et al. (Eds.), What if there were no significance tests?
- Cousineau, D., & Goulet-Pelletier, J.-C. (2021). A study of confidence intervals for Cohen's
  d_p in within-subject designs with new proposals. The Quantitative Methods for Psychology,
  17(1), 51–75.
- Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin, 1(6),
  80–83.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .. import i18n
from ..analysis import axes
from ..i18n import Text, UserError
from .values import is_missing

MIN_FOR_SD = 2
MIN_PAIRS = 3
EXACT_WILCOXON_MAX = 50

i18n.add({
    "evaluation.series.before": {"uk": "до", "en": "before"},
    "evaluation.series.after": {"uk": "після", "en": "after"},
    "evaluation.series.group_a": {"uk": "перша група", "en": "group a"},
    "evaluation.series.group_b": {"uk": "друга група", "en": "group b"},
    "evaluation.series.score": {"uk": "бал", "en": "score"},
    "evaluation.not_numeric": {
        "uk": "Значення №{position} ({series}) «{value}» не є скінченним числом.",
        "en": "Value {position} ({series}) '{value}' is not a finite number.",
    },
    "evaluation.length_mismatch": {
        "uk": "Оцінок до — {before}, а після — {after}: кожна пара має бути однією людиною.",
        "en": "There are {before} scores before and {after} after: each pair must be one person.",
    },
    "evaluation.alpha": {
        "uk": "Рівень значущості α = {value} має бути більшим за 0 і меншим за 1.",
        "en": "The significance level α = {value} must be greater than 0 and less than 1.",
    },
    "evaluation.missing_column": {
        "uk": "У таблиці немає стовпця «{column}».",
        "en": "The table has no column '{column}'.",
    },
    "evaluation.fewer_than_two_times": {
        "uk": "Для оцінки зміни потрібні щонайменше два моменти вимірювання, а в даних їх {n}.",
        "en": "Change needs at least two time points; the data have {n}.",
    },
    "evaluation.duplicate_time": {
        "uk": "Клієнт «{client}» має кілька балів за шкалою «{scale}» в один момент «{time}».",
        "en": "Client '{client}' has more than one score on scale '{scale}' at time '{time}'.",
    },
    "evaluation.reason.too_few_for_sd": {
        "uk": "Стандартне відхилення потребує щонайменше {minimum} значень, а їх {n}.",
        "en": "A standard deviation needs at least {minimum} values; there are {n}.",
    },
    "evaluation.reason.too_few_pairs": {
        "uk": "Потрібно щонайменше {minimum} повних пар, а їх {n}.",
        "en": "This needs at least {minimum} complete pairs; there are {n}.",
    },
    "evaluation.reason.too_few_per_group": {
        "uk": "Кожна група потребує щонайменше {minimum} значень, а їх {n_a} і {n_b}.",
        "en": "Each group needs at least {minimum} values; there are {n_a} and {n_b}.",
    },
    "evaluation.reason.zero_variance_differences": {
        "uk": "Усі різниці однакові (їхня дисперсія нульова), тож t-критерій і d_z не визначені.",
        "en": "Every difference is the same (their variance is zero), so the t-test and d_z are undefined.",
    },
    "evaluation.reason.zero_variance": {
        "uk": "Бали не різняться між людьми (дисперсія нульова), тож стандартизована різниця не визначена.",
        "en": "The scores do not vary between people (zero variance), so a standardised difference is undefined.",
    },
    "evaluation.reason.correlation_undefined": {
        "uk": "Кореляція між вимірюваннями не визначена: в одному з них усі бали однакові.",
        "en": "The correlation between the measurements is undefined: at one of them every score is the same.",
    },
    "evaluation.reason.all_differences_zero": {
        "uk": "Усі різниці нульові: критерію Вілкоксона нічого ранжувати.",
        "en": "Every difference is zero: the Wilcoxon test has nothing to rank.",
    },
    "evaluation.note.dropped": {
        "uk": "Відкинуто пар із пропущеним значенням: {n}.",
        "en": "Pairs with a missing value dropped: {n}.",
    },
    "evaluation.note.single": {
        "uk": "Клієнтів лише з одним вимірюванням (не враховано): {n}.",
        "en": "Clients with a single measurement (left out): {n}.",
    },
    "evaluation.note.zeros": {
        "uk": "Нульових різниць, вилучених із критерію Вілкоксона: {n}.",
        "en": "Zero differences left out of the Wilcoxon test: {n}.",
    },
})


# --- checking input -------------------------------------------------------------------------

def check_alpha(alpha) -> float:
    """``alpha`` as a float if 0 < α < 1; otherwise :class:`UserError` (NaN and booleans too)."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not (0 < alpha < 1):
        raise UserError("evaluation.alpha", value=alpha)
    return float(alpha)


def as_scores(values, series: str = "score") -> list[float]:
    """``values`` as a list of floats, a missing value (None, NaN, pd.NA) as NaN.

    Anything else that is not a finite real number is refused, naming its position (from 1) and
    the series (``before``, ``after``, ``group_a``, ``group_b`` or ``score``): text (even "3"),
    booleans and infinities. A pandas Series is read by position, not by index.
    """
    if isinstance(values, (str, bytes)) or values is None:
        raise UserError("evaluation.not_numeric", position=1, series=Text(f"evaluation.series.{series}"),
                        value=values)
    values = list(values.tolist() if hasattr(values, "tolist") else values)
    out = []
    for position, value in enumerate(values, start=1):
        if is_missing(value):
            out.append(math.nan)
        elif isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) \
                or not math.isfinite(float(value)):
            raise UserError("evaluation.not_numeric", position=position,
                            series=Text(f"evaluation.series.{series}"), value=value)
        else:
            out.append(float(value))
    return out


# --- small helpers ------------------------------------------------------------------------

def _describe(values: np.ndarray) -> dict:
    n = int(values.size)
    mean = float(values.mean()) if n else None
    sd = float(values.std(ddof=1)) if n >= MIN_FOR_SD else None
    return {"n": n, "mean": mean, "sd": sd}


def _ncp_bound(t: float, df: float, q: float) -> float:
    """The noncentrality λ with P(T(df, λ) ≤ t) = q (the CDF falls as λ rises)."""
    def gap(ncp):
        return stats.nct.cdf(t, df, ncp) - q

    step = 1.0
    low = t - step
    while gap(low) < 0:
        step *= 2
        low = t - step
    step = 1.0
    high = t + step
    while gap(high) > 0:
        step *= 2
        high = t + step
    return float(optimize.brentq(gap, low, high, xtol=1e-12, rtol=1e-12))


def noncentral_t_interval(t: float, df: float, alpha: float = 0.05) -> tuple[float, float]:
    """The (1 − α) interval for the noncentrality parameter of an observed t with ``df``.

    Steiger & Fouladi (1997): λ_L solves P(T(df, λ_L) ≤ t) = 1 − α/2 and λ_U solves
    P(T(df, λ_U) ≤ t) = α/2. Divide by the t-to-d factor to get an interval for d.
    """
    return _ncp_bound(t, df, 1 - alpha / 2), _ncp_bound(t, df, alpha / 2)


def hedges_factor(n_total: int) -> float:
    """Hedges's small-sample correction 1 − 3/(4·N − 9), N = n₁ + n₂ (Lakens, 2013, eq. 4)."""
    return 1 - 3 / (4 * n_total - 9)


def _effect(estimate, ci, method, reason=None) -> dict:
    return {"estimate": estimate, "ci": ci, "ci_method": method, "reason": reason}


CI_METHODS = {
    "d_z": "noncentral t (exact; Steiger & Fouladi 1997)",
    "d_rm": "noncentral t for d_z rescaled by sqrt(2(1 − r)), r treated as known "
            "(approximate; Algina & Keselman 2003, Cumming 2012)",
    "d_av": "noncentral t for d_z rescaled by S_D / ((S1 + S2)/2), SDs treated as known "
            "(approximate; Algina & Keselman 2003, Cumming 2012)",
    "g_av": "the d_av interval times the Hedges factor 1 − 3/(4·2n − 9)",
    "d_s": "noncentral t (exact; Steiger & Fouladi 1997)",
    "g_s": "the d_s interval times the Hedges factor 1 − 3/(4·(n_a + n_b) − 9)",
}


# --- paired design ------------------------------------------------------------------------

def paired_change(before, after, *, alpha: float = 0.05) -> dict:
    """Change from ``before`` to ``after`` for the same people (position i is one person).

    Returns a dict:

    - ``n_pairs`` (complete pairs used), ``n_dropped`` (pairs with a missing value), ``alpha``;
    - ``before`` / ``after``: ``{"n", "mean", "sd"}`` of the complete pairs;
    - ``mean_difference`` (after − before), ``mean_difference_ci`` (low, high), ``sd_difference``,
      ``correlation`` (Pearson r between before and after);
    - ``t_test``: ``{"t", "df", "p"}``; ``wilcoxon``: ``{"statistic" (W⁺), "w_minus", "p",
      "method" ("exact" or "asymptotic"), "continuity_correction", "zero_method", "n_used",
      "n_zero"}``;
    - ``effect_sizes``: ``{"d_z", "d_rm", "d_av", "g_av"}``, each ``{"estimate", "ci",
      "ci_method", "reason"}``;
    - ``reasons``: for every statistic that is ``None``, why (an :class:`~workbench.i18n.Text`),
      under its name (``before_sd``, ``after_sd``, ``mean_difference_ci``, ``t_test``,
      ``wilcoxon``, ``correlation``);
    - ``notes``: things a reader should know (pairs dropped, zero differences), as Texts.

    Formulas, CI methods and sources are in the module docstring.
    """
    alpha = check_alpha(alpha)
    x = as_scores(before, "before")
    y = as_scores(after, "after")
    if len(x) != len(y):
        raise UserError("evaluation.length_mismatch", before=len(x), after=len(y))
    x_arr, y_arr = np.array(x, dtype=float), np.array(y, dtype=float)
    complete = ~(np.isnan(x_arr) | np.isnan(y_arr))
    n_dropped = int((~complete).sum())
    x_arr, y_arr = x_arr[complete], y_arr[complete]
    n = int(x_arr.size)
    diff = y_arr - x_arr

    reasons: dict[str, Text] = {}
    notes: list[Text] = []
    if n_dropped:
        notes.append(Text("evaluation.note.dropped", n=n_dropped))

    before_stats, after_stats = _describe(x_arr), _describe(y_arr)
    for name, summary in (("before_sd", before_stats), ("after_sd", after_stats)):
        if summary["sd"] is None:
            reasons[name] = Text("evaluation.reason.too_few_for_sd", minimum=MIN_FOR_SD, n=n)

    mean_diff = float(diff.mean()) if n else None
    sd_diff = float(diff.std(ddof=1)) if n >= MIN_FOR_SD else None
    too_few = Text("evaluation.reason.too_few_pairs", minimum=MIN_PAIRS, n=n)
    zero_diff_variance = sd_diff is not None and sd_diff == 0

    # Correlation between the two measurements (needed for d_rm).
    correlation = None
    if n < MIN_FOR_SD:
        reasons["correlation"] = Text("evaluation.reason.too_few_for_sd", minimum=MIN_FOR_SD, n=n)
    elif before_stats["sd"] == 0 or after_stats["sd"] == 0:
        reasons["correlation"] = Text("evaluation.reason.correlation_undefined")
    else:
        correlation = float(np.corrcoef(x_arr, y_arr)[0, 1])

    # Mean difference CI and paired t-test.
    mean_diff_ci, t_test = None, None
    if n < MIN_PAIRS:
        reasons["mean_difference_ci"] = reasons["t_test"] = too_few
    elif zero_diff_variance:
        reasons["mean_difference_ci"] = reasons["t_test"] = Text("evaluation.reason.zero_variance_differences")
    else:
        result = stats.ttest_rel(y_arr, x_arr)
        ci = result.confidence_interval(confidence_level=1 - alpha)
        mean_diff_ci = (float(ci.low), float(ci.high))
        t_test = {"t": float(result.statistic), "df": int(result.df), "p": float(result.pvalue)}

    wilcoxon = _wilcoxon(diff, n, reasons, notes)

    effect_sizes = _paired_effect_sizes(n, mean_diff, sd_diff, before_stats["sd"], after_stats["sd"],
                                        correlation, alpha, reasons)
    return {
        "n_pairs": n, "n_dropped": n_dropped, "alpha": alpha,
        "before": before_stats, "after": after_stats,
        "mean_difference": mean_diff, "mean_difference_ci": mean_diff_ci, "sd_difference": sd_diff,
        "correlation": correlation, "t_test": t_test, "wilcoxon": wilcoxon,
        "effect_sizes": effect_sizes, "reasons": reasons, "notes": notes,
    }


def _wilcoxon(diff: np.ndarray, n: int, reasons: dict, notes: list) -> dict | None:
    if n < MIN_PAIRS:
        reasons["wilcoxon"] = Text("evaluation.reason.too_few_pairs", minimum=MIN_PAIRS, n=n)
        return None
    nonzero = diff[diff != 0]
    n_zero = int(n - nonzero.size)
    if nonzero.size == 0:
        reasons["wilcoxon"] = Text("evaluation.reason.all_differences_zero")
        return None
    if n_zero:
        notes.append(Text("evaluation.note.zeros", n=n_zero))
    magnitudes = np.abs(nonzero)
    ties = np.unique(magnitudes).size < magnitudes.size
    exact = nonzero.size < EXACT_WILCOXON_MAX and not ties and n_zero == 0
    method = "exact" if exact else "asymptotic"
    result = stats.wilcoxon(nonzero, zero_method="wilcox", correction=not exact, method=method)
    ranks = stats.rankdata(magnitudes)
    w_plus = float(ranks[nonzero > 0].sum())
    return {"statistic": w_plus, "w_minus": float(ranks.sum() - w_plus), "p": float(result.pvalue),
            "method": method, "continuity_correction": not exact, "zero_method": "wilcox",
            "n_used": int(nonzero.size), "n_zero": n_zero}


def _paired_effect_sizes(n, mean_diff, sd_diff, sd1, sd2, r, alpha, reasons) -> dict:
    too_few_sd = Text("evaluation.reason.too_few_for_sd", minimum=MIN_FOR_SD, n=n)
    too_few = Text("evaluation.reason.too_few_pairs", minimum=MIN_PAIRS, n=n)

    # d_z and its exact interval.
    dz, dz_ci, dz_reason = None, None, None
    if sd_diff is None:
        dz_reason = too_few_sd
    elif sd_diff == 0:
        dz_reason = Text("evaluation.reason.zero_variance_differences")
    else:
        dz = mean_diff / sd_diff
        if n >= MIN_PAIRS:
            low, high = noncentral_t_interval(dz * math.sqrt(n), n - 1, alpha)
            dz_ci = (low / math.sqrt(n), high / math.sqrt(n))
        else:
            dz_reason = too_few
    out = {"d_z": _effect(dz, dz_ci, CI_METHODS["d_z"], dz_reason)}

    # d_rm = d_z · sqrt(2(1 − r)).
    if dz is None:
        out["d_rm"] = _effect(None, None, CI_METHODS["d_rm"], dz_reason)
    elif r is None:
        out["d_rm"] = _effect(None, None, CI_METHODS["d_rm"], reasons.get("correlation"))
    else:
        scale = math.sqrt(2 * (1 - r))
        out["d_rm"] = _effect(dz * scale, None if dz_ci is None else (dz_ci[0] * scale, dz_ci[1] * scale),
                              CI_METHODS["d_rm"], dz_reason)

    # d_av = M_D / ((S1 + S2)/2) and g_av.
    if sd1 is None or sd2 is None:
        out["d_av"] = _effect(None, None, CI_METHODS["d_av"], too_few_sd)
        out["g_av"] = _effect(None, None, CI_METHODS["g_av"], too_few_sd)
        return out
    s_av = (sd1 + sd2) / 2
    if s_av == 0:
        zero = Text("evaluation.reason.zero_variance")
        out["d_av"] = _effect(None, None, CI_METHODS["d_av"], zero)
        out["g_av"] = _effect(None, None, CI_METHODS["g_av"], zero)
        return out
    d_av = mean_diff / s_av
    d_av_ci, ci_reason = None, (too_few if n < MIN_PAIRS else None)
    if dz_ci is not None:
        ratio = sd_diff / s_av
        d_av_ci = (dz_ci[0] * ratio, dz_ci[1] * ratio)
    elif n >= MIN_PAIRS:
        ci_reason = dz_reason  # zero variance of the differences: no interval to rescale
    j = hedges_factor(2 * n)
    out["d_av"] = _effect(d_av, d_av_ci, CI_METHODS["d_av"], ci_reason)
    out["g_av"] = _effect(d_av * j, None if d_av_ci is None else (d_av_ci[0] * j, d_av_ci[1] * j),
                          CI_METHODS["g_av"], ci_reason)
    return out


# --- independent groups -------------------------------------------------------------------

def independent_groups(a, b, *, alpha: float = 0.05) -> dict:
    """Compare two independent groups ``a`` and ``b`` (differences are a − b).

    Missing values (None, NaN) are dropped from their own group and counted (``n_dropped_a``,
    ``n_dropped_b``). Returns a dict: ``a`` / ``b`` (``{"n", "mean", "sd"}``),
    ``mean_difference`` with ``mean_difference_ci`` (Student, pooled SD) and
    ``mean_difference_ci_welch``; ``student`` and ``welch`` (``{"t", "df", "p"}``);
    ``effect_sizes`` ``{"d_s", "g_s"}`` as in :func:`paired_change`; ``reasons``; ``notes``.
    """
    alpha = check_alpha(alpha)
    xa = np.array(as_scores(a, "group_a"), dtype=float)
    xb = np.array(as_scores(b, "group_b"), dtype=float)
    dropped_a, dropped_b = int(np.isnan(xa).sum()), int(np.isnan(xb).sum())
    xa, xb = xa[~np.isnan(xa)], xb[~np.isnan(xb)]
    na, nb = int(xa.size), int(xb.size)
    sa, sb = _describe(xa), _describe(xb)
    reasons: dict[str, Text] = {}
    notes: list[Text] = []
    if dropped_a or dropped_b:
        notes.append(Text("evaluation.note.dropped", n=dropped_a + dropped_b))
    for name, summary in (("a_sd", sa), ("b_sd", sb)):
        if summary["sd"] is None:
            reasons[name] = Text("evaluation.reason.too_few_for_sd", minimum=MIN_FOR_SD, n=summary["n"])

    mean_diff = sa["mean"] - sb["mean"] if na and nb else None
    result = {"a": sa, "b": sb, "n_dropped_a": dropped_a, "n_dropped_b": dropped_b, "alpha": alpha,
              "mean_difference": mean_diff, "mean_difference_ci": None, "mean_difference_ci_welch": None,
              "pooled_sd": None, "student": None, "welch": None, "reasons": reasons, "notes": notes}
    d_s = _effect(None, None, CI_METHODS["d_s"], None)
    g_s = _effect(None, None, CI_METHODS["g_s"], None)
    result["effect_sizes"] = {"d_s": d_s, "g_s": g_s}

    if na < MIN_FOR_SD or nb < MIN_FOR_SD:
        why = Text("evaluation.reason.too_few_per_group", minimum=MIN_FOR_SD, n_a=na, n_b=nb)
        for name in ("student", "welch", "mean_difference_ci"):
            reasons[name] = why
        d_s["reason"] = g_s["reason"] = why
        return result
    pooled = math.sqrt(((na - 1) * sa["sd"] ** 2 + (nb - 1) * sb["sd"] ** 2) / (na + nb - 2))
    result["pooled_sd"] = pooled
    if pooled == 0:
        zero = Text("evaluation.reason.zero_variance")
        for name in ("student", "welch", "mean_difference_ci"):
            reasons[name] = zero
        d_s["reason"] = g_s["reason"] = zero
        return result

    student = stats.ttest_ind(xa, xb, equal_var=True)
    ci = student.confidence_interval(confidence_level=1 - alpha)
    result["student"] = {"t": float(student.statistic), "df": float(student.df), "p": float(student.pvalue)}
    result["mean_difference_ci"] = (float(ci.low), float(ci.high))
    if sa["sd"] == 0 and sb["sd"] == 0:  # unreachable (pooled would be 0), kept for clarity
        reasons["welch"] = Text("evaluation.reason.zero_variance")
    else:
        welch = stats.ttest_ind(xa, xb, equal_var=False)
        wci = welch.confidence_interval(confidence_level=1 - alpha)
        result["welch"] = {"t": float(welch.statistic), "df": float(welch.df), "p": float(welch.pvalue)}
        result["mean_difference_ci_welch"] = (float(wci.low), float(wci.high))

    d = mean_diff / pooled
    factor = math.sqrt(na * nb / (na + nb))
    low, high = noncentral_t_interval(d * factor, na + nb - 2, alpha)
    d_ci = (low / factor, high / factor)
    j = hedges_factor(na + nb)
    result["effect_sizes"] = {
        "d_s": _effect(d, d_ci, CI_METHODS["d_s"]),
        "g_s": _effect(d * j, (d_ci[0] * j, d_ci[1] * j), CI_METHODS["g_s"]),
    }
    return result


# --- one row per scale ----------------------------------------------------------------------

EFFECTS = ("d_z", "d_rm", "d_av", "g_av")
ROW_COLUMNS = (
    ["scale", "n_pairs", "n_dropped", "n_single", "before_mean", "before_sd", "after_mean", "after_sd",
     "mean_difference", "mean_difference_low", "mean_difference_high", "t", "df", "p",
     "wilcoxon_statistic", "wilcoxon_p"]
    + [f"{name}{suffix}" for name in EFFECTS for suffix in ("", "_low", "_high")]
    + ["notes"]
)


def _notes_text(result: dict, lang: str | None) -> str:
    lang = i18n.normalise_language(lang)
    parts = [note.message(lang) for note in result.get("notes", [])]
    seen = set()
    for name, reason in result.get("reasons", {}).items():
        text = reason.message(lang)
        if text not in seen:
            seen.add(text)
            parts.append(f"{name}: {text}")
    return " ".join(parts)


def change_row(result: dict, *, scale=None, n_single: int = 0, lang: str | None = None) -> dict:
    """One flat row (a dict with :data:`ROW_COLUMNS`) from a :func:`paired_change` result.

    Statistics that could not be computed are NaN; ``notes`` says why, in ``lang``.
    """
    def num(value):
        return math.nan if value is None else value

    ci = result["mean_difference_ci"] or (None, None)
    t_test = result["t_test"] or {}
    wilcoxon = result["wilcoxon"] or {}
    row = {
        "scale": scale, "n_pairs": result["n_pairs"], "n_dropped": result["n_dropped"], "n_single": n_single,
        "before_mean": num(result["before"]["mean"]), "before_sd": num(result["before"]["sd"]),
        "after_mean": num(result["after"]["mean"]), "after_sd": num(result["after"]["sd"]),
        "mean_difference": num(result["mean_difference"]),
        "mean_difference_low": num(ci[0]), "mean_difference_high": num(ci[1]),
        "t": num(t_test.get("t")), "df": num(t_test.get("df")), "p": num(t_test.get("p")),
        "wilcoxon_statistic": num(wilcoxon.get("statistic")), "wilcoxon_p": num(wilcoxon.get("p")),
    }
    for name in EFFECTS:
        effect = result["effect_sizes"][name]
        low, high = effect["ci"] or (None, None)
        row[name], row[f"{name}_low"], row[f"{name}_high"] = num(effect["estimate"]), num(low), num(high)
    notes = _notes_text(result, lang)
    if n_single:
        notes = (Text("evaluation.note.single", n=n_single).message(lang) + " " + notes).strip()
    row["notes"] = notes
    return row


def paired_change_frame(before, after, *, alpha: float = 0.05, scale=None, lang: str | None = None) -> pd.DataFrame:
    """:func:`paired_change` as a one-row frame with :data:`ROW_COLUMNS`."""
    return pd.DataFrame([change_row(paired_change(before, after, alpha=alpha), scale=scale, lang=lang)],
                        columns=list(ROW_COLUMNS))


def first_and_latest(frame: pd.DataFrame, *, client: str = "client", time: str = "time",
                     score: str = "score", scale: str | None = "scale") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each client's first and latest score per scale, from a long frame.

    Returns ``(pairs, singles)``: ``pairs`` has columns scale, client, before, after (the rows with
    the earliest and the latest ``time``, whatever their scores — a missing score stays missing
    and :func:`paired_change` drops and counts that pair; the rule of
    :func:`workbench.analysis.axes.first_and_latest`); ``singles`` lists the clients measured
    only once on a scale (scale, client), who cannot show change. Two rows for one client, scale
    and time are refused: a long frame has no order column to say which one counts, and it is not
    ours to guess.
    """
    needed = [client, time, score] + ([scale] if scale is not None else [])
    for column in needed:
        if column not in frame.columns:
            raise UserError("evaluation.missing_column", column=column)
    data = frame[needed].copy()
    if scale is None:
        scale = "__scale__"
        data[scale] = ""
    times = data[time].dropna().unique()
    if len(times) < 2:
        raise UserError("evaluation.fewer_than_two_times", n=len(times))
    duplicated = data.duplicated([scale, client, time], keep=False) & data[time].notna()
    if duplicated.any():
        first = data[duplicated].iloc[0]
        raise UserError("evaluation.duplicate_time", client=first[client], scale=first[scale], time=first[time])
    table = axes.first_and_latest(data[data[time].notna()], [scale, client], time=time, score=score)
    table = table.rename(columns={scale: "scale", client: "client", "first": "before", "latest": "after"})
    pairs = table.loc[table["assessments"] >= 2, ["scale", "client", "before", "after"]]
    singles = table.loc[table["assessments"] < 2, ["scale", "client"]]
    return pairs.reset_index(drop=True), singles.reset_index(drop=True)


def change_table(frame: pd.DataFrame, *, client: str = "client", time: str = "time", score: str = "score",
                 scale: str | None = "scale", alpha: float = 0.05, lang: str | None = None) -> pd.DataFrame:
    """One row per scale: first against latest score of each client (see :func:`first_and_latest`).

    The columns are :data:`ROW_COLUMNS` (differences are latest − first); what could not be
    computed is NaN and ``notes`` (in ``lang``) says why and how many pairs were dropped or
    clients measured once. Pass the result to
    :func:`workbench.evaluation.publication.format_change_table` for a paper.
    """
    alpha = check_alpha(alpha)
    pairs, singles = first_and_latest(frame, client=client, time=time, score=score, scale=scale)
    scales = list(dict.fromkeys(list(pairs["scale"]) + list(singles["scale"])))
    rows = []
    for name in sorted(scales, key=str):
        subset = pairs[pairs["scale"] == name]
        n_single = int((singles["scale"] == name).sum())
        result = paired_change(subset["before"].tolist(), subset["after"].tolist(), alpha=alpha)
        rows.append(change_row(result, scale=name if scale is not None else None, n_single=n_single, lang=lang))
    return pd.DataFrame(rows, columns=list(ROW_COLUMNS))
