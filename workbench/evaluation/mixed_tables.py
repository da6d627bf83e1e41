"""The mixed model's results as tables for people: terms named in the reader's language, numbers rounded.

:func:`fixed_effects_table` gives one row per fixed effect — the term, its estimate, the 95% interval and p
(:mod:`workbench.evaluation.publication`'s formatting: a decimal comma and "[low; high]" in Ukrainian, APA's
".022" and "< .001" in English); :func:`variance_table` the variance components (how much clients differ,
and what is left); :func:`model_caption` the numbers of clients and observations, the method and whatever
the reader must be warned of (no convergence, a variance at the boundary). The plain-text
:meth:`~workbench.evaluation.mixed.MixedModelResult.summary` stays as it was.

Terms: the intercept is the expected score at time 0 in the reference group; the time term the change per
unit of time (in that group, when there are groups); a group's term its difference from the reference group at
time 0; a group × time term its difference in the change per unit of time, the "did they improve faster" term.
"""
from __future__ import annotations

import math
from numbers import Integral

import pandas as pd

from .. import i18n
from ..i18n import UserError
from .publication import format_ci, format_number, format_p, shown_count

i18n.add({
    "mixed.col.term": {"uk": "Член моделі", "en": "Term"},
    "mixed.col.estimate": {"uk": "Оцінка", "en": "Estimate"},
    "mixed.col.ci": {"uk": "95% ДІ", "en": "95% CI"},
    "mixed.col.p": {"uk": "p", "en": "p"},
    "mixed.col.component": {"uk": "Компонент", "en": "Component"},
    "mixed.col.variance": {"uk": "Дисперсія", "en": "Variance"},
    "mixed.col.sd": {"uk": "СВ", "en": "SD"},
    "mixed.col.correlation": {"uk": "Кореляція з рівнем", "en": "Correlation with the intercept"},
    "mixed.term.intercept": {"uk": "Вільний член (рівень на початку)", "en": "Intercept (level at the start)"},
    "mixed.term.time": {"uk": "Зміна за одиницю часу ({time})", "en": "Change per unit of time ({time})"},
    "mixed.term.group": {"uk": "{group}: {level} порівняно з {reference}",
                         "en": "{group}: {level} compared with {reference}"},
    "mixed.term.interaction": {
        "uk": "{group}: різниця у зміні за одиницю часу ({time}), {level} порівняно з {reference}",
        "en": "{group}: difference in the change per unit of time ({time}), {level} compared with {reference}",
    },
    "mixed.caption.counts": {"uk": "Клієнтів: {clients}; вимірювань: {observations}.",
                             "en": "Clients: {clients}; observations: {observations}."},
    "mixed.caption.dropped": {"uk": "Рядків без бала, часу чи клієнта вилучено: {dropped}.",
                              "en": "Rows left out for a missing score, time or client: {dropped}."},
    "mixed.caption.model": {
        "uk": "Лінійна модель зі змішаними ефектами ({method}), випадковий рівень{slope} для кожного клієнта; "
              "p — тест Вальда (z), за малої кількості клієнтів занижений.",
        "en": "Linear mixed-effects model ({method}) with a random intercept{slope} per client; p from Wald z "
              "tests, too small when there are few clients.",
    },
    "mixed.caption.slope": {"uk": " і нахил", "en": " and slope"},
    "mixed.suppress_below": {
        "uk": "Поріг приховування {value} має бути цілим числом, не меншим за 1, або None.",
        "en": "The suppression threshold {value} must be a whole number of at least 1, or None.",
    },
})


def _named(names: dict | None, column) -> str:
    return str((names or {}).get(column, column))


def term_name(result, index: int, lang: str | None = None, *, names: dict | None = None,
              levels: dict | None = None) -> str:
    """The ``index``-th fixed effect of ``result`` named in ``lang``: ``names`` maps the time and group
    columns to words (e.g. ``{"months": "months since intake", "programme": "Programme"}``), ``levels`` the
    group's levels (e.g. programme codes to their labels); anything not mapped is shown as it is."""
    kind, level = result.term_kinds[index] if result.term_kinds else ("other", None)
    time, group = _named(names, result.time), _named(names, result.group)
    if kind == "intercept":
        return i18n.t("mixed.term.intercept", lang)
    if kind == "time":
        return i18n.t("mixed.term.time", lang, time=time)
    if kind in ("group", "interaction"):
        return i18n.t(f"mixed.term.{kind}", lang, group=group, level=_named(levels, level),
                      reference=_named(levels, result.reference_group), time=time)
    return str(result.fixed["term"].iloc[index])


def fixed_effects_table(result, lang: str | None = None, *, digits: int = 2, names: dict | None = None,
                        levels: dict | None = None) -> pd.DataFrame:
    """One row per fixed effect, headers in ``lang``: term (:func:`term_name`), estimate (``digits``
    decimals), 95% CI, p. ``attrs["caption"]`` is :func:`model_caption`; show it under the table."""
    lang = i18n.normalise_language(lang)
    rows = []
    for index, row in enumerate(result.fixed.itertuples()):
        rows.append({i18n.t("mixed.col.term", lang): term_name(result, index, lang, names=names, levels=levels),
                     i18n.t("mixed.col.estimate", lang): format_number(row.estimate, digits, lang),
                     i18n.t("mixed.col.ci", lang): format_ci(row.ci_lower, row.ci_upper, digits, lang),
                     i18n.t("mixed.col.p", lang): format_p(row.p, lang)})
    table = pd.DataFrame(rows)
    table.attrs["caption"] = model_caption(result, lang)
    return table


def variance_table(result, lang: str | None = None, *, digits: int = 2) -> pd.DataFrame:
    """The variance components, headers in ``lang``: component, variance, SD, and the slope's correlation
    with the intercept ("—" where there is none), each to ``digits`` decimals."""
    lang = i18n.normalise_language(lang)
    rows = []
    for row in result.random.itertuples():
        rows.append({i18n.t("mixed.col.component", lang): i18n.t(f"mixed.component.{row.component}", lang),
                     i18n.t("mixed.col.variance", lang): format_number(row.variance, digits, lang),
                     i18n.t("mixed.col.sd", lang): format_number(row.sd, digits, lang),
                     i18n.t("mixed.col.correlation", lang): format_number(
                         None if math.isnan(row.correlation) else row.correlation, digits, lang)})
    return pd.DataFrame(rows)


def model_caption(result, lang: str | None = None, *, suppress_below: int | None = 5) -> str:
    """The model, the numbers of clients and observations, rows left out (a count under ``suppress_below``
    shown as "<5"; None: as it is), and the warnings of :meth:`~workbench.evaluation.mixed.MixedModelResult.summary`
    (no convergence, a variance at the boundary, the optimiser's own), in ``lang``."""
    if suppress_below is not None and (isinstance(suppress_below, bool) or not isinstance(suppress_below, Integral)
                                       or suppress_below < 1):
        raise UserError("mixed.suppress_below", value=str(suppress_below)[:20])
    lang = i18n.normalise_language(lang)
    slope = i18n.t("mixed.caption.slope", lang) if result.random_slope else ""
    parts = [i18n.t("mixed.caption.model", lang, method="REML" if result.reml else "ML", slope=slope),
             i18n.t("mixed.caption.counts", lang, clients=result.n_clients, observations=result.n_observations)]
    if result.n_dropped:
        parts.append(i18n.t("mixed.caption.dropped", lang, dropped=shown_count(result.n_dropped, suppress_below)))
    if not result.converged:
        parts.append(i18n.t("mixed.summary.not_converged", lang))
    return " ".join(parts + result.warning_lines(lang))
