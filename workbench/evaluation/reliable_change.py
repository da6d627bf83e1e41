"""Reliable and clinically significant change for each client (Jacobson & Truax, 1991).

**Reliable change.** Is a client's change larger than the instrument's measurement error alone
would produce? With s₁ the SD of the scores before (of the clinical sample, or of norms) and
r_xx the instrument's reliability::

    SE     = s₁ · sqrt(1 − r_xx)          standard error of measurement
    S_diff = sqrt(2 · SE²)                standard error of the difference of two scores
    RCI    = (x₂ − x₁) / S_diff           x₁ before, x₂ after

A change is reliable when |RCI| > 1.96 (p < .05, two-sided, if nothing but measurement error
changed), i.e. when |x₂ − x₁| > 1.96 · S_diff, the "reliable change criterion". The √2 comes from
Christensen & Mendoza (1986), who corrected Jacobson, Follette & Revenstorf (1984).

J&T take r_xx as test–retest reliability; internal consistency (Cronbach's α) is a common
stand-in (Martinovich, Saunders & Howard, 1996; Evans, Margison & Barkham, 1998), computed here
by :func:`cronbach_alpha` from item scores::

    α = k/(k − 1) · (1 − Σ sᵢ² / s_X²)

with k items, sᵢ² each item's variance and s_X² the variance of the total score (all n − 1
denominators). Respondents with any missing item are left out (listwise deletion) and counted.
Its confidence interval is Feldt's: with n respondents, F the F distribution with n − 1 and
(n − 1)(k − 1) degrees of freedom, [1 − (1 − α)·F(1 − γ/2), 1 − (1 − α)·F(γ/2)] for a
(1 − γ) interval (Feldt, Woodruff & Salih, 1987).

**Clinically significant change.** From norms the user gives — mean and SD of a dysfunctional
(clinical) population M_d, SD_d and of a functional (non-clinical) one M_f, SD_f — three cut-offs
(J&T 1991, p. 13), written here for a scale where a higher score is better (for one where higher
is worse, every ± flips)::

    a = M_d + 2·SD_d          two SDs beyond the dysfunctional mean, towards functioning
    b = M_f − 2·SD_f          within two SDs of the functional mean
    c = (SD_f·M_d + SD_d·M_f) / (SD_f + SD_d)
                               where the two distributions meet: equally likely to belong to either

J&T recommend c when both norms are available and overlap, b when they do not overlap, and a when
there are no functional norms. Each client is then one of four categories, by one of two rules
(``rule`` of :func:`classify_change`):

- ``rule="jacobson_truax"`` (the default), J&T's own definition: **recovered** — passed both
  criteria, a reliable improvement (RCI > z in the improving direction) *and* a score after that is
  beyond the cut-off on the functional side;
- ``rule="crossed"``, the stricter reading: **recovered** — a reliable improvement *and* moved
  across the cut-off: the score before was on the dysfunctional side (or on the cut-off) and the score
  after is beyond it. This is the R package clinicalsignificance's "recovered" for its Jacobson–Truax
  method (Claus, Wager & Bonnet, 2024; checked in its source, ``R/calc_recovered.R``:
  ``recovered = clinical_pre & functional_post & improved``; its Hageman–Arrindell variant drops
  ``clinical_pre``). A client who started beyond the cut-off and improved reliably is "improved" here,
  "recovered" by J&T's rule.

and under both:

- **improved** — a reliable improvement that is not "recovered" (everyone with a reliable
  improvement when no cut-off is given);
- **unchanged** — no reliable change, in either direction;
- **deteriorated** — reliable worsening.

On the 30 couples of J&T's Table 2 (Dyadic Adjustment Scale; Spanier's norms, s₁ = the dysfunctional SD
23.8, r_xx = .96, cut-off c = 95.9, a reliable change above 13.2 points) the default rule gives 15 recovered
and 3 improved, the stricter one 13 and 5 (tests/test_reliable_change.py).

Sources:

- Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining
  meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology,
  59(1), 12–19. doi:10.1037/0022-006X.59.1.12
- Claus, B. B., Wager, J., & Bonnet, U. (2024). clinicalsignificance: Clinical significance analyses
  of intervention studies in R. Journal of Statistical Software, 111(1), 1–39. doi:10.18637/jss.v111.i01
- Christensen, L., & Mendoza, J. L. (1986). A method of assessing change in a single subject: an
  alteration of the RC index. Behavior Therapy, 17, 305–308.
- Evans, C., Margison, F., & Barkham, M. (1998). The contribution of reliable and clinically
  significant change methods to evidence-based mental health. Evidence-Based Mental Health,
  1(3), 70–72.
- Martinovich, Z., Saunders, S., & Howard, K. (1996). Some comments on "Assessing clinical
  significance". Psychotherapy Research, 6(2), 124–132.
- Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
  Psychometrika, 16(3), 297–334.
- Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
  alpha. Applied Psychological Measurement, 11(1), 93–103.
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd
from scipy import stats

from .. import i18n
from ..i18n import Text, UserError
from .change import MIN_FOR_SD, as_scores, check_alpha

Z_95 = 1.96
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated")
RULES = ("jacobson_truax", "crossed")  # what "recovered" needs, see the module docstring

i18n.add({
    "evaluation.reliability": {
        "uk": "Надійність {value} має бути числом, більшим за 0 і меншим за 1.",
        "en": "The reliability {value} must be a number greater than 0 and less than 1.",
    },
    "evaluation.alpha_unusable": {
        "uk": "Альфа Кронбаха первинних пунктів дорівнює {value}: пункти не узгоджуються між собою, тож надійну "
              "зміну за нею не обчислити. Вкажіть опубліковану надійність шкали в параметрі reliability.",
        "en": "Cronbach's alpha of the baseline items is {value}: the items do not hang together, so no reliable "
              "change can be computed from it. Give the scale's published reliability in the reliability parameter.",
    },
    "evaluation.reliability_from_items": {
        "uk": "Надійність не вдалося обчислити з балів пунктів: {reason}",
        "en": "The reliability could not be computed from the item scores: {reason}",
    },
    "evaluation.sd": {
        "uk": "Стандартне відхилення {value} має бути додатним скінченним числом.",
        "en": "The standard deviation {value} must be a positive, finite number.",
    },
    "evaluation.number": {
        "uk": "Значення {value} має бути скінченним числом.",
        "en": "The value {value} must be a finite number.",
    },
    "evaluation.direction": {
        "uk": "Вкажіть, чи більший бал означає краще: так (True) чи ні (False).",
        "en": "Say whether a higher score is better: True or False.",
    },
    "evaluation.functional_norms": {
        "uk": "Для меж b і c потрібні і середнє, і стандартне відхилення функціональної групи.",
        "en": "Cut-offs b and c need both the mean and the standard deviation of the functional population.",
    },
    "evaluation.sd_pre_from_sample": {
        "uk": "Щоб оцінити стандартне відхилення балів до, потрібно щонайменше {minimum} повних пар, а їх {n}; "
              "або вкажіть його з норм.",
        "en": "Estimating the SD of the scores before needs at least {minimum} complete pairs; there are {n}. "
              "Or give it from norms.",
    },
    "evaluation.items_too_few": {
        "uk": "Для альфи Кронбаха потрібні щонайменше два пункти, а їх {k}.",
        "en": "Cronbach's alpha needs at least two items; there are {k}.",
    },
    "evaluation.items_table": {
        "uk": "Бали пунктів мають бути таблицею: рядки — респонденти, стовпці — пункти.",
        "en": "Item scores must be a table: rows are respondents, columns are items.",
    },
    "evaluation.item_not_numeric": {
        "uk": "Пункт «{item}», рядок {row}: «{value}» не є скінченним числом.",
        "en": "Item '{item}', row {row}: '{value}' is not a finite number.",
    },
    "evaluation.reason.too_few_respondents": {
        "uk": "Для альфи Кронбаха потрібні щонайменше {minimum} респонденти з усіма відповідями, а їх {n}.",
        "en": "Cronbach's alpha needs at least {minimum} respondents with every item answered; there are {n}.",
    },
    "evaluation.reason.zero_total_variance": {
        "uk": "Загальний бал не різниться між респондентами, тож альфа не визначена.",
        "en": "The total score does not vary between respondents, so alpha is undefined.",
    },
    "evaluation.rule": {
        "uk": "Невідоме правило «{value}» для категорії «відновлення». Можливі: {known}.",
        "en": "Unknown rule '{value}' for the category 'recovered'. Possible: {known}.",
    },
    "evaluation.rule.jacobson_truax": {
        "uk": "відновлення — надійне покращення й бал після за межею на боці норми (Jacobson & Truax, 1991)",
        "en": "recovered: a reliable improvement and a score after beyond the cut-off on the functional side "
              "(Jacobson & Truax, 1991)",
    },
    "evaluation.rule.crossed": {
        "uk": "відновлення — надійне покращення й перетин межі: бал до на боці дисфункції, бал після — на боці норми",
        "en": "recovered: a reliable improvement that crossed the cut-off, from the dysfunctional side before to the "
              "functional side after",
    },
    "evaluation.category.recovered": {"uk": "відновлення", "en": "recovered"},
    "evaluation.category.crossed.recovered": {"uk": "відновлення (перетнули межу)",
                                              "en": "recovered (crossed the cut-off)"},
    "evaluation.category.improved": {"uk": "покращення", "en": "improved"},
    "evaluation.category.unchanged": {"uk": "без надійних змін", "en": "unchanged"},
    "evaluation.category.deteriorated": {"uk": "погіршення", "en": "deteriorated"},
})


# --- checks ---------------------------------------------------------------------------------

def check_reliability(value) -> float:
    """A reliability as a float if 0 < r < 1; otherwise :class:`UserError`.

    0 would mean the scores are pure error (no change could ever be reliable) and 1 that they have
    none (S_diff = 0, every change "reliable"); neither is a property of a real instrument.
    NaN, infinities, booleans and text are refused too.
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not (0 < value < 1):
        raise UserError("evaluation.reliability", value=value)
    return float(value)


def _check_sd(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise UserError("evaluation.sd", value=value)
    return float(value)


def _check_number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise UserError("evaluation.number", value=value)
    return float(value)


def _check_direction(value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise UserError("evaluation.direction")
    return bool(value)


# --- Cronbach's alpha -------------------------------------------------------------------------

def cronbach_alpha(items: pd.DataFrame, *, alpha: float = 0.05) -> dict:
    """Cronbach's α from item scores (rows = respondents, columns = items), with Feldt's CI.

    The keyword ``alpha`` is the significance level of the interval (0.05: a 95% interval), not
    the coefficient.

    Returns ``{"alpha", "ci", "n_respondents", "n_dropped", "n_items", "deletion": "listwise",
    "reason"}``: respondents with any missing item are left out and counted in ``n_dropped``.
    With fewer than 2 complete respondents, or a total score that does not vary, ``alpha`` and
    ``ci`` are ``None`` and ``reason`` (a :class:`~workbench.i18n.Text`) says why. Fewer than two
    items, or a value that is not a finite number, is refused.
    """
    level = check_alpha(alpha)
    if not isinstance(items, pd.DataFrame):
        raise UserError("evaluation.items_table")
    k = items.shape[1]
    if k < 2:
        raise UserError("evaluation.items_too_few", k=k)
    columns = {}
    for item in items.columns:
        try:
            columns[item] = as_scores(items[item].tolist(), "score")
        except UserError as problem:
            raise UserError("evaluation.item_not_numeric", item=item, row=problem.params["position"],
                            value=problem.params["value"]) from None
    data = pd.DataFrame(columns, index=items.index)
    complete = data.dropna(axis=0, how="any")
    n, dropped = len(complete), len(data) - len(complete)
    result = {"alpha": None, "ci": None, "n_respondents": n, "n_dropped": dropped, "n_items": k,
              "deletion": "listwise", "reason": None}
    if n < MIN_FOR_SD:
        result["reason"] = Text("evaluation.reason.too_few_respondents", minimum=MIN_FOR_SD, n=n)
        return result
    item_variances = complete.var(ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        result["reason"] = Text("evaluation.reason.zero_total_variance")
        return result
    value = k / (k - 1) * (1 - item_variances / total_variance)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - value) * stats.f.ppf(1 - level / 2, df1, df2)
    high = 1 - (1 - value) * stats.f.ppf(level / 2, df1, df2)
    result.update(alpha=float(value), ci=(float(low), float(high)))
    return result


# --- reliable change ----------------------------------------------------------------------

def reliable_change_criteria(sd_pre, reliability, *, z: float = Z_95) -> dict:
    """``{"sd_pre", "reliability", "se", "s_diff", "threshold", "z"}`` (see the module docstring).

    ``threshold`` = z · S_diff is the smallest change in raw points that counts as reliable
    (strictly larger changes do).
    """
    sd_pre = _check_sd(sd_pre)
    reliability = check_reliability(reliability)
    z = _check_sd(z)
    se = sd_pre * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se ** 2)
    return {"sd_pre": sd_pre, "reliability": reliability, "se": se, "s_diff": s_diff,
            "threshold": z * s_diff, "z": z}


def reliable_change_index(pre, post, *, sd_pre, reliability) -> float:
    """J&T's RCI = (post − pre) / S_diff for one person."""
    pre, post = _check_number(pre), _check_number(post)
    return (post - pre) / reliable_change_criteria(sd_pre, reliability)["s_diff"]


def clinical_cutoffs(*, dysfunctional_mean, dysfunctional_sd, functional_mean=None, functional_sd=None,
                     higher_is_better: bool) -> dict:
    """J&T's cut-offs ``{"a", "b", "c"}`` from norms; ``b`` and ``c`` are None without functional norms.

    ``higher_is_better`` says which way the scale runs (True for functioning or quality-of-life
    scores, False for need or symptom scores); a and b move two SDs towards functioning.
    """
    better = _check_direction(higher_is_better)
    m_d, sd_d = _check_number(dysfunctional_mean), _check_sd(dysfunctional_sd)
    sign = 1 if better else -1
    cutoffs = {"a": m_d + sign * 2 * sd_d, "b": None, "c": None}
    if functional_mean is None and functional_sd is None:
        return cutoffs
    if functional_mean is None or functional_sd is None:
        raise UserError("evaluation.functional_norms")
    m_f, sd_f = _check_number(functional_mean), _check_sd(functional_sd)
    cutoffs["b"] = m_f - sign * 2 * sd_f
    cutoffs["c"] = (sd_f * m_d + sd_d * m_f) / (sd_f + sd_d)
    return cutoffs


def check_rule(rule) -> str:
    """``rule`` if it is one of :data:`RULES`; otherwise :class:`UserError` (``evaluation.rule``)."""
    if not isinstance(rule, str) or rule not in RULES:
        raise UserError("evaluation.rule", value=str(rule)[:40], known=", ".join(RULES))
    return rule


def classify_change(pre, post, *, reliability, higher_is_better: bool, sd_pre=None, cutoff=None,
                    clients=None, z: float = Z_95, rule: str = "jacobson_truax") -> pd.DataFrame:
    """Each client's RCI and J&T category, one row per complete pair.

    ``reliability`` is a number in (0, 1) or a table of item scores (then Cronbach's α of it,
    listwise). ``sd_pre`` defaults to the SD of the complete pairs' scores before (J&T's s₁);
    give it from norms when the sample is small. ``cutoff`` is one of :func:`clinical_cutoffs`'
    values (None: no one can be classed recovered). ``clients`` labels the rows (default 1…n).
    ``rule`` says what "recovered" needs beyond a reliable improvement: ``"jacobson_truax"`` (default)
    a score after beyond the cut-off; ``"crossed"`` also a score before on the dysfunctional side (see
    the module docstring for the references); anything else is refused (``evaluation.rule``).

    Columns: client, pre, post, change, rci, reliable, started_functional, ends_functional, crossed,
    category. ``attrs`` holds ``reliability``, ``sd_pre``, ``s_diff``, ``threshold``, ``cutoff``,
    ``higher_is_better``, ``z``, ``rule``, ``n_dropped`` (pairs with a missing score).
    """
    better = _check_direction(higher_is_better)
    rule = check_rule(rule)
    if isinstance(reliability, pd.DataFrame):
        computed = cronbach_alpha(reliability)
        if computed["alpha"] is None:
            raise UserError("evaluation.reliability_from_items", reason=computed["reason"])
        if not 0 < computed["alpha"] < 1:  # items that do not hang together: alpha says nothing of the scale
            raise UserError("evaluation.alpha_unusable", value=f"{computed['alpha']:.2f}".replace("-", "−"))
        reliability = computed["alpha"]
    reliability = check_reliability(reliability)
    x, y = as_scores(pre, "before"), as_scores(post, "after")
    if len(x) != len(y):
        raise UserError("evaluation.length_mismatch", before=len(x), after=len(y))
    labels = list(range(1, len(x) + 1)) if clients is None else list(clients)
    if len(labels) != len(x):
        raise UserError("evaluation.length_mismatch", before=len(x), after=len(labels))
    frame = pd.DataFrame({"client": labels, "pre": x, "post": y})
    n_all = len(frame)
    frame = frame.dropna(subset=["pre", "post"]).reset_index(drop=True)
    if sd_pre is None:
        if len(frame) < MIN_FOR_SD:
            raise UserError("evaluation.sd_pre_from_sample", minimum=MIN_FOR_SD, n=len(frame))
        sd_pre = float(frame["pre"].std(ddof=1))
    criteria = reliable_change_criteria(sd_pre, reliability, z=z)
    if cutoff is not None:
        cutoff = _check_number(cutoff)

    frame["change"] = frame["post"] - frame["pre"]
    frame["rci"] = frame["change"] / criteria["s_diff"]
    frame["reliable"] = frame["rci"].abs() > criteria["z"]
    toward_better = frame["rci"] if better else -frame["rci"]
    if cutoff is None:
        frame["started_functional"] = False
        frame["ends_functional"] = False
        frame["crossed"] = False
    else:
        started = frame["pre"] > cutoff if better else frame["pre"] < cutoff
        ends = frame["post"] > cutoff if better else frame["post"] < cutoff
        frame["started_functional"] = started
        frame["ends_functional"] = ends
        frame["crossed"] = ~started & ends
    recovered = frame["ends_functional"] if rule == "jacobson_truax" else frame["crossed"]
    category = np.where(~frame["reliable"], "unchanged",
                        np.where(toward_better < 0, "deteriorated",
                                 np.where(recovered, "recovered", "improved")))
    frame["category"] = pd.Categorical(category, categories=list(CATEGORIES))
    frame.attrs.update(reliability=reliability, sd_pre=criteria["sd_pre"], s_diff=criteria["s_diff"],
                       threshold=criteria["threshold"], cutoff=cutoff, higher_is_better=better,
                       z=criteria["z"], rule=rule, n_dropped=n_all - len(frame))
    return frame


def category_label(category: str, rule: str = "jacobson_truax", lang: str | None = None) -> str:
    """A category's name in ``lang``; under the ``"crossed"`` rule "recovered" says so."""
    rule = check_rule(rule)
    if category == "recovered" and rule == "crossed":
        return i18n.t("evaluation.category.crossed.recovered", lang)
    return i18n.t(f"evaluation.category.{category}", lang)


def rule_text(rule: str = "jacobson_truax", lang: str | None = None) -> str:
    """What "recovered" means under ``rule``, in ``lang``, with its reference: for a caption or a note."""
    return i18n.t(f"evaluation.rule.{check_rule(rule)}", lang)


def change_categories(classified: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Counts and shares of the four J&T categories, in their fixed order (zeros included).

    Columns: category, label (in ``lang``, by the rule the classification used: :func:`category_label`),
    n, share (n / total; NaN when there is no one). ``attrs``: n_total, cutoff, rule.
    """
    rule = classified.attrs.get("rule", "jacobson_truax")
    counts = classified["category"].value_counts() if len(classified) else pd.Series(dtype=int)
    total = int(len(classified))
    rows = []
    for name in CATEGORIES:
        n = int(counts.get(name, 0))
        rows.append({"category": name, "label": category_label(name, rule, lang), "n": n,
                     "share": n / total if total else math.nan})
    table = pd.DataFrame(rows)
    table.attrs.update(n_total=total, cutoff=classified.attrs.get("cutoff"), rule=rule)
    return table
