"""Repeated measures: a linear mixed-effects model of a score over time, clients as random effects.

A client assessed several times contributes several scores that are not independent: some
clients score high at every visit. The model (Laird & Ware 1982) for client i at time t_ij is

    y_ij = β₀ + β₁ t_ij + b₀ᵢ + b₁ᵢ t_ij + ε_ij,    (b₀ᵢ, b₁ᵢ) ~ N(0, G),  ε_ij ~ N(0, σ²),

with a random intercept b₀ᵢ always and a random slope b₁ᵢ only with ``random_slope=True``
(G is then 2 × 2: two variances and their correlation). With ``group`` (say the programme) the
fixed part becomes β₀ + β₁ t + γ_g + δ_g t: each group other than the reference (the first
in sorted order, or a categorical's first category) has its own difference in level γ_g and
in slope δ_g — the group × time interaction, the usual "did they improve faster" term.

The fit is statsmodels' ``MixedLM`` (Lindstrom & Bates 1988), by REML unless ``reml=False``.
For lme4's ``sleepstudy`` it reproduces the estimates, standard errors and variance
components lme4 prints (Bates, Mächler, Bolker & Walker 2015), as the tests show. The p-values
are Wald z tests (normal approximation), as statsmodels reports them; with few clients they
are too small, and lme4 prints none for this reason — read them with the number of clients.

What the table holds: each fixed effect's estimate, standard error, 95% interval (estimate ±
1.96·SE) and p; the variance components — the clients' intercept variance and SD, the slope's
and its correlation with the intercept when fitted, and the residual; the numbers of clients
and observations; whether the optimiser converged (and any warning it gave); and how long the
fit took, in seconds (``fit_seconds``, also in the printed summary).

Rows with a missing score, time, client (or group) are left out, as lme4's default
``na.action`` does, and counted in ``n_dropped``. The data are refused (a bilingual
:class:`~workbench.i18n.UserError`, keys ``mixed.*``) when:

- a named column is absent, or a score or time is not a number;
- every measurement is at one time point, or no client has two or more measurements
  (nothing to model "over time" or "repeated");
- fewer than :data:`MIN_CLIENTS` clients remain: a between-client variance from a handful of
  clients is not an estimate worth printing;
- with ``group``: only one group; a group measured at a single time point (its slope cannot
  be estimated); or **no overlap in time** between groups. The check: for every pair of
  groups, the periods [first time, last time] in which each was measured must overlap in
  more than a single point — the later of the two first times must come before the earlier
  of the two last times. Otherwise one group was measured only when the other never was,
  and the group × time difference would rest on extrapolating straight lines, not on data.

Sources:

- Laird, N. M., & Ware, J. H. (1982). Random-effects models for longitudinal data.
  Biometrics, 38(4), 963–974.
- Lindstrom, M. J., & Bates, D. M. (1988). Newton–Raphson and EM algorithms for linear
  mixed-effects models for repeated-measures data. JASA, 83(404), 1014–1022.
- Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
  models using lme4. Journal of Statistical Software, 67(1), 1–48.
- Belenky, G. et al. (2003). Patterns of performance degradation and restoration during
  sleep restriction and subsequent recovery. Journal of Sleep Research, 12(1), 1–12.
"""
from __future__ import annotations

import math
import time as clock
import warnings
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from .. import i18n
from .values import is_missing, is_number
from ..i18n import UserError

MIN_CLIENTS = 5
# A clients' variance component below this share of the residual variance is "at the boundary":
# zero for any practical reading (lme4 calls such a fit singular). Our own check, so the result says
# it whether or not the optimiser in use warns about it.
BOUNDARY_SHARE = 1e-4

i18n.add({
    "mixed.not_frame": {
        "uk": "Потрібна таблиця (pandas DataFrame) з балами, часом і клієнтами.",
        "en": "A table (pandas DataFrame) of scores, times and clients is needed.",
    },
    "mixed.column_missing": {
        "uk": "У таблиці немає стовпця «{column}».",
        "en": "The table has no column '{column}'.",
    },
    "mixed.same_column": {
        "uk": "Стовпець «{column}» вказано для двох різних ролей (бал, час, клієнт, група).",
        "en": "The column '{column}' is named for two different roles (score, time, client, group).",
    },
    "mixed.empty": {
        "uk": "Немає жодного вимірювання з балом, часом і клієнтом.",
        "en": "There is no measurement with a score, a time and a client.",
    },
    "mixed.not_numeric": {
        "uk": "Рядок {position}: значення «{value}» у стовпці «{column}» має бути числом.",
        "en": "Row {position}: the value '{value}' in the column '{column}' must be a number.",
    },
    "mixed.one_time_point": {
        "uk": "Усі вимірювання зроблено в один момент часу ({time}); щоб бачити зміну з часом, потрібні "
              "щонайменше два.",
        "en": "Every measurement was taken at one time point ({time}); change over time needs at least two.",
    },
    "mixed.no_repeated": {
        "uk": "Жоден клієнт не має двох чи більше вимірювань, тож повторних вимірювань немає.",
        "en": "No client has two or more measurements, so there are no repeated measures to model.",
    },
    "mixed.no_variation": {
        "uk": "Усі бали однакові ({value}): моделі нема чого пояснювати.",
        "en": "Every score is the same ({value}): there is nothing for a model to explain.",
    },
    "mixed.fit_failed": {
        "uk": "Модель не вдалося підігнати ({detail}). Перевірте дані: можливо, час або групи повторюють одне одного.",
        "en": "The model could not be fitted ({detail}). Check the data: time or groups may repeat each other.",
    },
    "mixed.too_few_clients": {
        "uk": "Вимірювання є лише для {count} клієнтів; щоб оцінити розкид між клієнтами, потрібно "
              "щонайменше {minimum}.",
        "en": "There are measurements for only {count} clients; estimating how clients differ needs at "
              "least {minimum}.",
    },
    "mixed.one_group": {
        "uk": "У стовпці «{column}» лише одна група ({group}); для порівняння груп потрібні щонайменше дві.",
        "en": "The column '{column}' holds a single group ({group}); comparing groups needs at least two.",
    },
    "mixed.group_one_time": {
        "uk": "Групу «{group}» виміряно лише в один момент часу ({time}), тож її зміну з часом оцінити "
              "неможливо.",
        "en": "The group '{group}' was measured at a single time point ({time}), so its change over time "
              "cannot be estimated.",
    },
    "mixed.no_time_overlap": {
        "uk": "Періоди вимірювань груп не перетинаються: «{group_a}» — від {a_first} до {a_last}, "
              "«{group_b}» — від {b_first} до {b_last}. Різниця між ними в зміні з часом спиралася б "
              "не на дані, а на продовження прямих.",
        "en": "The groups were measured in periods that do not overlap: '{group_a}' from {a_first} to "
              "{a_last}, '{group_b}' from {b_first} to {b_last}. Their difference in change over time "
              "would rest on extending straight lines, not on data.",
    },
    "mixed.summary.title": {
        "uk": "Лінійна модель зі змішаними ефектами ({method}): {formula}",
        "en": "Linear mixed-effects model ({method}): {formula}",
    },
    "mixed.summary.counts": {
        "uk": "Клієнтів: {clients}; вимірювань: {observations}; вилучено рядків із пропусками: {dropped}.",
        "en": "Clients: {clients}; observations: {observations}; rows left out for missing values: {dropped}.",
    },
    "mixed.summary.fixed": {"uk": "Фіксовані ефекти", "en": "Fixed effects"},
    "mixed.summary.fixed_header": {
        "uk": "член моделі | оцінка | SE | 95% ДІ | p",
        "en": "term | estimate | SE | 95% CI | p",
    },
    "mixed.summary.random": {"uk": "Компоненти дисперсії", "en": "Variance components"},
    "mixed.summary.random_header": {
        "uk": "компонент | дисперсія | SD | кореляція",
        "en": "component | variance | SD | correlation",
    },
    "mixed.summary.converged": {"uk": "Оптимізація збіглася.", "en": "The optimiser converged."},
    "mixed.summary.not_converged": {
        "uk": "Оптимізація НЕ збіглася: оцінкам довіряти не можна.",
        "en": "The optimiser did NOT converge: do not trust these estimates.",
    },
    "mixed.summary.warning": {"uk": "Попередження: {text}", "en": "Warning: {text}"},
    "mixed.max_iterations": {
        "uk": "Найбільша кількість ітерацій має бути цілим числом від 0; отримано «{value}».",
        "en": "The maximum number of iterations must be a whole number from 0; got '{value}'.",
    },
    "mixed.summary.boundary": {
        "uk": "Оцінка дисперсії «{component}» на межі (майже нуль): відмінностей між клієнтами дані не показують; "
              "модель зводиться до простішої, а стандартні похибки можуть бути неточними.",
        "en": "The variance of '{component}' is estimated at the boundary (nearly zero): the data show no "
              "difference between clients there; the model reduces to a simpler one and its standard errors "
              "may be off.",
    },
    "mixed.summary.time": {"uk": "Підгонка тривала {seconds} с.", "en": "The fit took {seconds} s."},
    "mixed.component.intercept": {"uk": "клієнт: рівень (intercept)", "en": "client: intercept"},
    "mixed.component.slope": {"uk": "клієнт: нахил за часом", "en": "client: slope over time"},
    "mixed.component.residual": {"uk": "залишок", "en": "residual"},
})


@dataclass
class MixedModelResult:
    """What :func:`mixed_model` returns: the tables a paper prints, and how the fit went.

    ``fixed``: one row per fixed effect — ``term``, ``estimate``, ``std_error``,
    ``ci_lower``, ``ci_upper`` (95%), ``z``, ``p``. ``random``: one row per variance
    component — ``component`` (``intercept``, ``slope``, ``residual``), ``variance``, ``sd``,
    ``correlation`` (slope with intercept; NaN otherwise). ``at_boundary``: the clients' variance
    components estimated at (nearly) zero, by our own check (:data:`BOUNDARY_SHARE`), whatever the
    optimiser said; ``warnings``: the optimiser's own. ``fit_seconds`` is the wall time of building
    and fitting the model. ``model`` is statsmodels' result, for anything more.
    """

    fixed: pd.DataFrame
    random: pd.DataFrame
    n_clients: int
    n_observations: int
    n_dropped: int
    converged: bool
    warnings: list[str]
    fit_seconds: float
    reml: bool
    random_slope: bool
    formula: str
    reference_group: object | None = None
    at_boundary: list[str] = field(default_factory=list)
    model: object = field(default=None, repr=False)
    time: str = "time"
    group: str | None = None
    # Per row of ``fixed``: ("intercept" | "time" | "group" | "interaction", the group's level or None), so a
    # table for people can name each term in their language (:mod:`workbench.evaluation.mixed_tables`).
    term_kinds: list[tuple[str, object]] = field(default_factory=list)

    def summary(self, lang: str | None = None) -> str:
        """A plain-text table in ``lang`` (Ukrainian or English), with the fit's duration."""
        lang = i18n.normalise_language(lang)
        lines = [i18n.t("mixed.summary.title", lang, method="REML" if self.reml else "ML", formula=self.formula),
                 i18n.t("mixed.summary.counts", lang, clients=self.n_clients, observations=self.n_observations,
                        dropped=self.n_dropped),
                 "", i18n.t("mixed.summary.fixed", lang), i18n.t("mixed.summary.fixed_header", lang)]
        for row in self.fixed.itertuples():
            lines.append(f"{row.term} | {_number(row.estimate)} | {_number(row.std_error)} | "
                         f"[{_number(row.ci_lower)}; {_number(row.ci_upper)}] | {_p_text(row.p)}")
        lines += ["", i18n.t("mixed.summary.random", lang), i18n.t("mixed.summary.random_header", lang)]
        for row in self.random.itertuples():
            corr = "" if math.isnan(row.correlation) else f"{row.correlation:.2f}"
            lines.append(f"{i18n.t(f'mixed.component.{row.component}', lang)} | {row.variance:.2f} | "
                         f"{row.sd:.3f} | {corr}")
        lines.append("")
        lines.append(i18n.t("mixed.summary.converged" if self.converged else "mixed.summary.not_converged", lang))
        lines += self.warning_lines(lang)
        lines.append(i18n.t("mixed.summary.time", lang, seconds=f"{self.fit_seconds:.2f}"))
        return "\n".join(lines)

    def warning_lines(self, lang: str | None = None) -> list[str]:
        """A variance component at its boundary and the optimiser's own warnings, a line each, in ``lang``."""
        return [i18n.t("mixed.summary.boundary", lang, component=i18n.t(f"mixed.component.{name}", lang))
                for name in self.at_boundary] + [i18n.t("mixed.summary.warning", lang, text=text)
                                                 for text in self.warnings]

    def __str__(self) -> str:
        return self.summary()

    def table(self, lang: str | None = None, *, digits: int = 2, names: dict | None = None,
              levels: dict | None = None) -> pd.DataFrame:
        """The fixed effects for people: :func:`workbench.evaluation.mixed_tables.fixed_effects_table`."""
        from .mixed_tables import fixed_effects_table

        return fixed_effects_table(self, lang, digits=digits, names=names, levels=levels)

    def variance_table(self, lang: str | None = None, *, digits: int = 2) -> pd.DataFrame:
        """The variance components for people: :func:`workbench.evaluation.mixed_tables.variance_table`."""
        from .mixed_tables import variance_table

        return variance_table(self, lang, digits=digits)

    def caption(self, lang: str | None = None, *, suppress_below: int | None = 5) -> str:
        """What a reader needs under the tables: :func:`workbench.evaluation.mixed_tables.model_caption`."""
        from .mixed_tables import model_caption

        return model_caption(self, lang, suppress_below=suppress_below)


def _number(value: float) -> str:
    """Three decimals, or three significant digits for a number too small to show in three decimals."""
    return f"{value:.3g}" if value != 0 and abs(value) < 0.01 else f"{value:.3f}"


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as floats, missing values as NaN; a value that is not a finite number is refused."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
    else:
        for position, value in enumerate(values, start=1):
            if not is_missing(value) and not is_number(value):
                raise UserError("mixed.not_numeric", position=position, value=value, column=column)
        numbers = pd.Series([math.nan if is_missing(v) else float(v) for v in values], index=values.index)
    infinite = np.isinf(numbers.to_numpy())
    if infinite.any():
        position = int(np.flatnonzero(infinite)[0]) + 1
        raise UserError("mixed.not_numeric", position=position, value=values.iloc[position - 1], column=column)
    return numbers


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _check_groups(data: pd.DataFrame, group: str, levels: list) -> None:
    if len(levels) < 2:
        raise UserError("mixed.one_group", column=group, group=levels[0] if levels else "—")
    spans = {}
    for level in levels:
        times = data.loc[data["grp"] == level, "time"]
        if times.nunique() < 2:
            raise UserError("mixed.group_one_time", group=level, time=_text(float(times.iloc[0])))
        spans[level] = (float(times.min()), float(times.max()))
    for a, b in combinations(levels, 2):
        (a_first, a_last), (b_first, b_last) = spans[a], spans[b]
        if not max(a_first, b_first) < min(a_last, b_last):
            raise UserError("mixed.no_time_overlap", group_a=a, group_b=b, a_first=_text(a_first),
                            a_last=_text(a_last), b_first=_text(b_first), b_last=_text(b_last))


def _term_kind(name: str, levels: list) -> tuple[str, object]:
    """statsmodels' parameter name → (kind, the group's level or None)."""
    if name == "Intercept":
        return ("intercept", None)
    if name == "time":
        return ("time", None)
    parts = name.split(":")
    for part in parts:
        if part.startswith("C(grp)[T.") and part.endswith("]"):
            text = part[len("C(grp)[T."):-1]
            level = next((lv for lv in levels if str(lv) == text), text)  # the level itself, not its text
            return ("interaction" if "time" in parts else "group", level)
    return ("other", name)


def _term_label(kind: str, level, name: str, time: str, group: str | None) -> str:
    """The term's name in our table, in the caller's column names: lme4's way of writing it."""
    return {"intercept": "(Intercept)", "time": time, "group": f"{group}[{level}]",
            "interaction": f"{group}[{level}] × {time}"}.get(kind, name)


def mixed_model(frame: pd.DataFrame, *, score: str, time: str, client: str, group: str | None = None,
                random_slope: bool = False, reml: bool = True, max_iterations: int | None = None) -> MixedModelResult:
    """Fit ``score ~ time [* group]`` with a random intercept (and optionally slope) per client.

    ``max_iterations`` caps each optimiser's iterations (statsmodels' ``maxiter``; None: its default),
    e.g. to bound the time of a fit on a large export: a fit stopped short reports ``converged`` False.
    See the module docstring for the model, the checks on the data and what the result holds.
    """
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    if not isinstance(frame, pd.DataFrame):
        raise UserError("mixed.not_frame")
    if max_iterations is not None and (isinstance(max_iterations, bool) or not isinstance(max_iterations, int)
                                       or max_iterations < 0):
        raise UserError("mixed.max_iterations", value=str(max_iterations)[:40])
    roles = [score, time, client] + ([group] if group is not None else [])
    for column in roles:
        if column not in frame.columns:
            raise UserError("mixed.column_missing", column=column)
    for column in roles:
        if roles.count(column) > 1:
            raise UserError("mixed.same_column", column=column)
    data = pd.DataFrame({
        "score": _numeric(frame, score).to_numpy(),
        "time": _numeric(frame, time).to_numpy(),
        "client": frame[client].to_numpy(dtype=object),
    })
    if group is not None:
        data["grp"] = frame[group].to_numpy(dtype=object)
    keep = data["score"].notna() & data["time"].notna() & ~data["client"].map(is_missing)
    if group is not None:
        keep &= ~data["grp"].map(is_missing)
    n_dropped = int((~keep).sum())
    data = data[keep].reset_index(drop=True)
    if data.empty:
        raise UserError("mixed.empty")
    if data["time"].nunique() < 2:
        raise UserError("mixed.one_time_point", time=_text(float(data["time"].iloc[0])))
    per_client = data.groupby("client", sort=False).size()
    if per_client.max() < 2:
        raise UserError("mixed.no_repeated")
    if len(per_client) < MIN_CLIENTS:
        raise UserError("mixed.too_few_clients", count=len(per_client), minimum=MIN_CLIENTS)
    if data["score"].nunique() < 2:  # nothing varies: no variance to split between clients and visits
        raise UserError("mixed.no_variation", value=_text(float(data["score"].iloc[0])))

    reference = None
    formula_inner = "score ~ time"
    formula_shown = f"{score} ~ {time}"
    if group is not None:
        column = frame[group]
        if isinstance(column.dtype, pd.CategoricalDtype):
            levels = [c for c in column.cat.categories if (data["grp"] == c).any()]
        else:
            present = list(dict.fromkeys(data["grp"]))
            try:
                levels = sorted(present)
            except TypeError:
                levels = present
        _check_groups(data, group, levels)
        reference = levels[0]
        data["grp"] = pd.Categorical(data["grp"], categories=levels)
        formula_inner = "score ~ time * C(grp)"
        formula_shown = f"{score} ~ {time} * {group}"
    formula_shown += f" + ({time} | {client})" if random_slope else f" + (1 | {client})"

    caught: list[str] = []
    started = clock.perf_counter()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model = smf.mixedlm(formula_inner, data, groups=data["client"], re_formula="~time" if random_slope else None)
        try:
            fitted = model.fit(reml=reml, **({} if max_iterations is None else {"maxiter": max_iterations}))
        except (np.linalg.LinAlgError, ValueError) as error:  # e.g. a singular design: a message, not a traceback
            raise UserError("mixed.fit_failed", detail=str(error)[:200]) from None
    fit_seconds = clock.perf_counter() - started
    for item in record:
        if issubclass(item.category, (ConvergenceWarning, UserWarning, RuntimeWarning)):
            text = str(item.message)
            if text not in caught:
                caught.append(text)

    names = list(fitted.fe_params.index)
    kinds = [_term_kind(name, levels if group is not None else []) for name in names]
    interval = fitted.conf_int(alpha=0.05).loc[names]
    fixed = pd.DataFrame({
        "term": [_term_label(*kinds[i], name, time, group) for i, name in enumerate(names)],
        "estimate": fitted.fe_params.to_numpy(),
        "std_error": fitted.bse_fe.to_numpy(),
        "ci_lower": interval.iloc[:, 0].to_numpy(),
        "ci_upper": interval.iloc[:, 1].to_numpy(),
        "z": fitted.tvalues.loc[names].to_numpy(),
        "p": fitted.pvalues.loc[names].to_numpy(),
    })
    cov = np.asarray(fitted.cov_re, dtype=float)
    rows = [{"component": "intercept", "variance": cov[0, 0], "sd": math.sqrt(max(cov[0, 0], 0.0)),
             "correlation": math.nan}]
    if random_slope:
        denominator = math.sqrt(max(cov[0, 0], 0.0) * max(cov[1, 1], 0.0))
        rows.append({"component": "slope", "variance": cov[1, 1], "sd": math.sqrt(max(cov[1, 1], 0.0)),
                     "correlation": cov[0, 1] / denominator if denominator > 0 else math.nan})
    rows.append({"component": "residual", "variance": float(fitted.scale), "sd": math.sqrt(float(fitted.scale)),
                 "correlation": math.nan})
    at_boundary = [row["component"] for row in rows[:-1] if row["variance"] < BOUNDARY_SHARE * float(fitted.scale)]
    return MixedModelResult(
        fixed=fixed, random=pd.DataFrame(rows), n_clients=int(data["client"].nunique()),
        n_observations=len(data), n_dropped=n_dropped, converged=bool(fitted.converged), warnings=caught,
        fit_seconds=fit_seconds, reml=reml, random_slope=random_slope, formula=formula_shown,
        reference_group=reference, at_boundary=at_boundary, model=fitted, time=time, group=group, term_kinds=kinds,
    )
