"""The researchers' figures, drawn from what :mod:`workbench.evaluation` computes: reliable and clinically
significant change, Kaplan–Meier curves, the cumulative incidence of competing outcomes and the GAS T-scores
of each programme. Titles, labels and captions are in Ukrainian or English; an empty input draws "no data"."""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import config, i18n
from ..evaluation.publication import is_hidden, shown_count
from ..evaluation.reliable_change import CATEGORIES, category_label
from ..evaluation.survival import cumulative_incidence_by_cause, kaplan_meier_by_group, median_survival
from .common import no_data

i18n.add({
    "chart.reliable_change.undrawn": {
        "uk": "Точки клієнтів не показано: в одній із категорій менше {threshold} осіб, і точки дали б їхню кількість.",
        "en": "The clients' points are not drawn: a category has fewer than {threshold} people, and the points would "
              "count them."},
    "chart.reliable_change.title": {
        "uk": "Надійна та клінічно значуща зміна (Якобсон і Труакс)",
        "en": "Reliable and clinically significant change (Jacobson & Truax)",
    },
    "chart.reliable_change.x": {"uk": "Бал до", "en": "Score before"},
    "chart.reliable_change.y": {"uk": "Бал після", "en": "Score after"},
    "chart.reliable_change.no_change": {"uk": "Без змін", "en": "No change"},
    "chart.reliable_change.band": {
        "uk": "Межі надійної зміни (±{threshold})", "en": "Reliable change band (±{threshold})"},
    "chart.reliable_change.cutoff": {"uk": "Межа клінічної значущості ({cutoff})", "en": "Clinical cut-off ({cutoff})"},
    "chart.reliable_change.higher_better": {"uk": "більший бал — краще", "en": "higher scores are better"},
    "chart.reliable_change.higher_worse": {"uk": "більший бал — гірше", "en": "higher scores are worse"},
    "chart.reliable_change.caption": {
        "uk": "Кожна точка — одна людина: бал до (горизонтальна вісь) і після (вертикальна). Діагональ — "
              "без змін; сіра смуга — зміни не більші за {threshold} бала, які не виходять за похибку "
              "вимірювання (|RCI| ≤ 1,96; надійність {reliability}); {direction}. n = {n}.",
        "en": "Each point is one person: score before (horizontal axis) and after (vertical). The diagonal "
              "is no change; the grey band holds changes of at most {threshold} points, within measurement "
              "error (|RCI| ≤ 1.96; reliability {reliability}); {direction}. n = {n}.",
    },
    "chart.reliable_change.caption_cutoff": {
        "uk": "Пунктирні лінії — межа клінічної значущості {cutoff}.",
        "en": "The dashed lines are the clinical cut-off {cutoff}.",
    },
    "chart.km.transform.log": {"uk": "логарифмічне перетворення", "en": "log transform"},
    "chart.km.transform.log-log": {"uk": "перетворення log(−log)", "en": "log(−log) transform"},
    "chart.km.transform.plain": {"uk": "без перетворення", "en": "no transform"},
    "chart.survival.time": {"uk": "Час від початку спостереження", "en": "Time since the start of follow-up"},
    "chart.survival.all": {"uk": "Усі", "en": "All"},
    "chart.km.title": {
        "uk": "Частка без події з часом (Каплан–Маєр)",
        "en": "Share without the event over time (Kaplan–Meier)",
    },
    "chart.km.y": {"uk": "Частка без події", "en": "Share without the event"},
    "chart.km.legend": {
        "uk": "{group} (n = {n}, подій: {events})",
        "en": "{group} (n = {n}, events: {events})",
    },
    "chart.km.caption": {
        "uk": "Сходинки — оцінка Каплана–Маєра частки тих, у кого подія ще не настала; затінення — "
              "{level}% поточковий довірчий інтервал (Грінвуд, {transform}); вертикальні риски — "
              "спостереження, що закінчилися без події (цензуровані). Медіана: {medians}.",
        "en": "Steps: the Kaplan–Meier estimate of the share still without the event; shading: the "
              "{level}% pointwise confidence interval (Greenwood, {transform}); vertical ticks: follow-up "
              "that ended without the event (censored). Median: {medians}.",
    },
    "chart.km.median": {"uk": "{group} — {median}", "en": "{group} {median}"},
    "chart.km.median_not_reached": {"uk": "не досягнуто", "en": "not reached"},
    "chart.cif.title": {
        "uk": "Накопичена частота кожного результату (конкуруючі результати)",
        "en": "Cumulative incidence of each outcome (competing outcomes)",
    },
    "chart.cif.y": {"uk": "Накопичена частота", "en": "Cumulative incidence"},
    "chart.cif.legend": {"uk": "{cause} (подій: {events})", "en": "{cause} (events: {events})"},
    "chart.cif.caption": {
        "uk": "Кожна лінія — частка спостережень, що до моменту t завершилися саме цим результатом "
              "(оцінка Аалена–Йогансена, n = {n}). Інші результати — конкуруючі, а не цензурування: "
              "лінії разом із часткою тих, у кого ще нічого не сталося, дають 1. Затінення — {level}% "
              "поточковий довірчий інтервал (дельта-метод, перетворення log(−log)).",
        "en": "Each line is the share that had ended with that outcome by time t (Aalen–Johansen "
              "estimate, n = {n}). The other outcomes compete with it rather than censor it: the lines plus "
              "the share with no outcome yet add up to 1. Shading: the {level}% pointwise confidence "
              "interval (delta method, log(−log) transform).",
    },
    "chart.gas_by_programme.title": {"uk": "T-бали досягнення цілей (GAS) за програмами",
                                     "en": "Goal attainment T-scores (GAS) by programme"},
    "chart.gas_by_programme.x": {"uk": "T-бал Кірезука–Шермана (50 = очікуваний результат)",
                                 "en": "Kiresuk–Sherman T-score (50 = the expected outcome)"},
    "chart.gas_by_programme.caption": {
        "uk": "Кожна скринька — T-бали випадків програми (медіана, квартилі, розмах); пунктир — 50, очікуваний результат.",
        "en": "Each box is the programme's cases' T-scores (median, quartiles, range); the dashed line is 50, the expected outcome.",
    },
})


# --- reliable and clinically significant change -----------------------------------------------------

_STYLE = {
    "recovered": ("#1b7837", "o"),
    "improved": ("#7fbf7b", "^"),
    "unchanged": ("#878787", "s"),
    "deteriorated": ("#c51b7d", "v"),
}


def _fmt(value: float, lang: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "uk" else text


def reliable_change_chart(classified: pd.DataFrame, lang: str | None = None, title: str | None = None, *,
                          suppress_below: int | None = None):
    """The classic J&T plot: score before (x) against after (y), one point per client.

    Drawn: the no-change diagonal (gid ``no_change``), the band of changes within measurement
    error, post = pre ± threshold (gid ``reliable_band``), the cut-off as a vertical and a
    horizontal dashed line (gid ``cutoff``) when one was given, and the clients coloured by
    category (one scatter per category, gid ``category_<name>``). Returns the figure;
    ``fig.caption`` describes it in ``lang``. With no clients the figure says "No data". Counts in the legend
    and the caption under ``suppress_below`` show as "<5" (:func:`~workbench.evaluation.publication.shown_count`).
    """
    lang = i18n.normalise_language(lang)
    fig, ax = plt.subplots(figsize=(8.4, 5.6))
    fig.suptitle(title or i18n.t("chart.reliable_change.title", lang))
    if classified is None or len(classified) == 0:
        return no_data(fig, ax, lang)
    attrs = classified.attrs
    threshold, cutoff = attrs["threshold"], attrs.get("cutoff")
    values = pd.concat([classified["pre"], classified["post"]])
    low, high = float(values.min()), float(values.max())
    if cutoff is not None:
        low, high = min(low, cutoff), max(high, cutoff)
    pad = max((high - low) * 0.08, threshold * 0.5, 0.5)
    low, high = low - pad, high + pad
    line = np.array([low, high])
    ax.fill_between(line, line - threshold, line + threshold, color="#d9d9d9", alpha=0.6, linewidth=0,
                    label=i18n.t("chart.reliable_change.band", lang, threshold=_fmt(threshold, lang)),
                    gid="reliable_band")
    ax.plot(line, line, color="black", linewidth=1, label=i18n.t("chart.reliable_change.no_change", lang),
            gid="no_change")
    if cutoff is not None:
        label = i18n.t("chart.reliable_change.cutoff", lang, cutoff=_fmt(cutoff, lang))
        ax.axvline(cutoff, color="#2166ac", linestyle="--", linewidth=1, label=label, gid="cutoff")
        ax.axhline(cutoff, color="#2166ac", linestyle="--", linewidth=1, gid="cutoff")
    # A client is a point, and the lines tell each point's category: with a category under suppress_below the
    # points would count it, so none is drawn (the legend still names each category, its count hidden).
    sizes = classified["category"].value_counts()
    undrawn = any(is_hidden(int(sizes.get(name, 0)), suppress_below) for name in CATEGORIES)
    for name in CATEGORIES:
        subset = classified[classified["category"] == name]
        if subset.empty:
            continue
        colour, marker = _STYLE[name]
        points = subset.iloc[0:0] if undrawn else subset
        ax.scatter(points["pre"], points["post"], color=colour, marker=marker, s=36, zorder=3,
                   label=f"{category_label(name, attrs.get('rule', 'jacobson_truax'), lang)} "
                         f"(n={shown_count(len(subset), suppress_below)})",
                   gid=f"category_{name}")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(i18n.t("chart.reliable_change.x", lang))
    ax.set_ylabel(i18n.t("chart.reliable_change.y", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
    fig.tight_layout()
    direction = i18n.t("chart.reliable_change.higher_better" if attrs["higher_is_better"]
                       else "chart.reliable_change.higher_worse", lang)
    caption = i18n.t("chart.reliable_change.caption", lang, threshold=_fmt(threshold, lang),
                     reliability=_fmt(attrs["reliability"], lang), direction=direction,
                     n=shown_count(len(classified), suppress_below))
    if cutoff is not None:
        caption += " " + i18n.t("chart.reliable_change.caption_cutoff", lang, cutoff=_fmt(cutoff, lang))
    if undrawn:
        caption += " " + i18n.t("chart.reliable_change.undrawn", lang, threshold=suppress_below)
    fig.caption = caption
    return fig


# --- time to an event: Kaplan–Meier and cumulative incidence ----------------------------------------

def _is_empty(values) -> bool:
    return values is not None and hasattr(values, "__len__") and not isinstance(values, (str, bytes)) \
        and len(values) == 0


def _level(alpha: float) -> str:
    return f"{(1 - alpha) * 100:g}"


def kaplan_meier_chart(durations: Sequence[float], events: Sequence[int], groups: Sequence | None = None, *,
                       lang: str | None = None, conf_type: str = "log", alpha: float = 0.05,
                       group_labels: dict | None = None, time_label: str | None = None,
                       suppress_below: int | None = None):
    """Kaplan–Meier curves (:func:`~workbench.evaluation.survival.kaplan_meier_by_group`), one per group, with
    confidence bands and censoring ticks.

    ``groups`` is optional (one curve, "All"); ``group_labels`` maps a group to the label
    shown; ``time_label`` replaces the x-axis label (say "Days since intake"). Each group's
    artists have gids ``km:<n>`` (the curve), ``band:<n>`` and ``censor:<n>``, n counting
    groups from 0. Returns the figure; ``fig.caption`` gives the interval and each median.
    Empty data give a "no data" figure; bad data raise :class:`UserError` before drawing. Counts in the
    legend under ``suppress_below`` show as "<5" (:func:`~workbench.evaluation.publication.shown_count`), and
    a group with so few people or events keeps its legend entry but no curve, band, ticks nor median.
    """
    lang = i18n.normalise_language(lang)
    curves = {} if _is_empty(durations) else kaplan_meier_by_group(durations, events, groups, conf_type=conf_type,
                                                                    alpha=alpha)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    fig.suptitle(i18n.t("chart.km.title", lang))
    if not curves:
        return no_data(fig, ax, lang)
    medians = []
    for number, (group, km) in enumerate(curves.items()):
        name = i18n.t("chart.survival.all", lang) if groups is None else str((group_labels or {}).get(group, group))
        last = km.attrs["last_time"]
        x = np.concatenate([[0.0], km["time"], [last]])
        y = np.concatenate([[1.0], km["survival"], [km["survival"].iloc[-1] if len(km) else 1.0]])
        low = np.concatenate([[1.0], km["lower"], [km["lower"].iloc[-1] if len(km) else 1.0]])
        high = np.concatenate([[1.0], km["upper"], [km["upper"].iloc[-1] if len(km) else 1.0]])
        colour = f"C{number % 10}"
        label = i18n.t("chart.km.legend", lang, group=name, n=shown_count(km.attrs["n"], suppress_below),
                       events=shown_count(km.attrs["n_events"], suppress_below))
        if is_hidden(km.attrs["n"], suppress_below) or is_hidden(km.attrs["n_events"], suppress_below):
            # Each step of a small group's curve is one person: only its legend entry is drawn (empty gids).
            for gid in ("km", "band", "censor"):
                ax.plot([], [], color=colour, linewidth=2, label=label if gid == "km" else "_nolegend_",
                        gid=f"{gid}:{number}")
            medians.append(i18n.t("chart.km.median", lang, group=name, median="—"))
            continue
        line, = ax.step(x, y, where="post", color=colour, linewidth=2, label=label)
        line.set_gid(f"km:{number}")
        band = ax.fill_between(x, low, high, step="post", color=colour, alpha=0.15, linewidth=0)
        band.set_gid(f"band:{number}")
        censored = np.asarray(km.attrs["censor_times"], dtype=float)
        at = np.searchsorted(km["time"].to_numpy(float), censored, side="right") - 1
        heights = np.where(at >= 0, km["survival"].to_numpy(float)[np.maximum(at, 0)] if len(km) else 1.0, 1.0)
        ticks, = ax.plot(censored, heights, linestyle="none", marker="|", markersize=9, color=colour)
        ticks.set_gid(f"censor:{number}")
        median = median_survival(km)["median"] if len(km) else np.nan
        text = i18n.t("chart.km.median_not_reached", lang) if np.isnan(median) else f"{median:g}"
        medians.append(i18n.t("chart.km.median", lang, group=name, median=text))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_xlabel(time_label or i18n.t("chart.survival.time", lang))
    ax.set_ylabel(i18n.t("chart.km.y", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.caption = i18n.t("chart.km.caption", lang, level=_level(alpha),
                         transform=i18n.t(f"chart.km.transform.{conf_type}", lang), medians="; ".join(medians))
    return fig


def cumulative_incidence_chart(durations: Sequence[float], causes: Sequence, *, censored=0,
                               cause_labels: dict | None = None, lang: str | None = None,
                               alpha: float = 0.05, time_label: str | None = None,
                               suppress_below: int | None = None):
    """The cumulative incidence of every cause (outcome;
    :func:`~workbench.evaluation.survival.cumulative_incidence_by_cause`), each a step line with its band.

    ``causes`` as in :func:`~workbench.evaluation.survival.cumulative_incidence`; ``cause_labels`` maps a
    cause to the label shown. Each cause's line has the gid ``cif:<n>`` and its band ``band:<n>``, n
    counting the causes (sorted) from 0. Returns the figure; ``fig.caption`` explains competing outcomes.
    Empty data, or no outcome at all, give a "no data" figure; bad data raise :class:`UserError`. Counts in
    the legend and caption under ``suppress_below`` show as "<5" (:func:`~workbench.evaluation.publication.shown_count`),
    and a cause with so few events keeps its legend entry but no curve nor band.
    """
    lang = i18n.normalise_language(lang)
    curves = {} if _is_empty(durations) else cumulative_incidence_by_cause(durations, causes, censored=censored,
                                                                           alpha=alpha)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    fig.suptitle(i18n.t("chart.cif.title", lang))
    if not curves:
        return no_data(fig, ax, lang)
    for number, (cause, table) in enumerate(curves.items()):
        last = table.attrs["last_time"]
        x = np.concatenate([[0.0], table["time"], [last]])
        y = np.concatenate([[0.0], table["cif"], [table["cif"].iloc[-1]]])
        low = np.concatenate([[0.0], table["lower"], [table["lower"].iloc[-1]]])
        high = np.concatenate([[0.0], table["upper"], [table["upper"].iloc[-1]]])
        colour = f"C{number % 10}"
        label = i18n.t("chart.cif.legend", lang, cause=str((cause_labels or {}).get(cause, cause)),
                       events=shown_count(table.attrs["n_events_cause"], suppress_below))
        if is_hidden(table.attrs["n_events_cause"], suppress_below):
            # The curve's height is the cause's count over n: only its legend entry is drawn (empty gids).
            ax.plot([], [], color=colour, linewidth=2, label=label, gid=f"cif:{number}")
            ax.plot([], [], color=colour, label="_nolegend_", gid=f"band:{number}")
            continue
        line, = ax.step(x, y, where="post", color=colour, linewidth=2, label=label)
        line.set_gid(f"cif:{number}")
        band = ax.fill_between(x, low, high, step="post", color=colour, alpha=0.15, linewidth=0)
        band.set_gid(f"band:{number}")
    ax.set_ylim(0, 1)
    ax.set_xlim(left=0)
    ax.set_xlabel(time_label or i18n.t("chart.survival.time", lang))
    ax.set_ylabel(i18n.t("chart.cif.y", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.caption = i18n.t("chart.cif.caption", lang, n=shown_count(len(durations), suppress_below),
                         level=_level(alpha))
    return fig


# --- goal attainment ------------------------------------------------------------------------------------

def gas_chart(gas: pd.DataFrame, lang: str | None = None, *, suppress_below: int | None = None):
    """Box plots of episodes' GAS T-scores by programme (:func:`~workbench.evaluation.cohort.gas_per_episode`),
    the expected outcome (50) marked. A programme with fewer than ``suppress_below`` cases keeps its row,
    labelled "(n=<5)", but no box (its box would show their scores)."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    fig.suptitle(i18n.t("chart.gas_by_programme.title", lang))
    if gas.empty:
        return no_data(fig, ax, lang)
    groups = list(gas.groupby("programme"))
    shown = [(place, g["t_score"]) for place, (_, g) in enumerate(groups, 1) if not is_hidden(len(g), suppress_below)]
    if shown:
        ax.boxplot([scores for _, scores in shown], positions=[place for place, _ in shown],
                   orientation="horizontal")
    ax.set_yticks(range(1, len(groups) + 1))
    ax.set_ylim(0.5, len(groups) + 0.5)
    ax.set_yticklabels([f"{config.label('programmes', p, lang)[:40]} (n={shown_count(len(g), suppress_below)})"
                        for p, g in groups], fontsize=8)
    ax.axvline(50, color="black", linewidth=1, linestyle="--")
    ax.set_xlabel(i18n.t("chart.gas_by_programme.x", lang))
    fig.tight_layout()
    fig.caption = i18n.t("chart.gas_by_programme.caption", lang)
    return fig
