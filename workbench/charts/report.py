"""The supervisors' charts: domain trends, caseload against the norm, period indicators, the needs heatmap,
change by domain and goal attainment by worker or programme."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, i18n
from .common import no_data, wrap

i18n.add({
    "chart.domain_trend.title": {
        "uk": "Середній бал потреб за доменами, від візиту до візиту",
        "en": "Mean need score by domain, visit by visit",
    },
    "chart.domain_trend.x": {"uk": "Оцінювання (1 = перше)", "en": "Assessment (1 = first)"},
    "chart.domain_trend.y_need": {"uk": "Середній бал (більше = більша потреба)", "en": "Mean score (higher = more need)"},
    "chart.domain_trend.y_functioning": {
        "uk": "Середній бал (більше = краще)", "en": "Mean score (higher = better)"},
    "chart.domain_trend.caption": {
        "uk": "Середнє з балів доменів останніх версій оцінювань; n — кількість оцінювань у першій точці.",
        "en": "Mean of domain scores of the latest versions of assessments; n is the number of assessments at the first point.",
    },
})


def domain_trend_figure(frame: pd.DataFrame, lang: str | None = None, domain_labels: dict | None = None,
                        score_direction: str = "need"):
    """Lines of the mean domain score per visit, one panel per domain, one line per programme.

    ``frame`` is :func:`workbench.analysis.frames.domain_score_frame`. Returns the figure;
    ``fig.caption`` holds a caption to paste under it in a report.
    """
    lang = i18n.normalise_language(lang)
    domains = list(dict.fromkeys(frame["domain"])) if not frame.empty else []
    fig, axes = plt.subplots(1, max(1, len(domains)), figsize=(4.2 * max(1, len(domains)), 3.6),
                             sharey=True, squeeze=False)
    fig.suptitle(i18n.t("chart.domain_trend.title", lang))
    if frame.empty:
        return no_data(fig, axes[0][0], lang)
    means = frame.groupby(["domain", "programme", "visit"])["score"].mean()
    counts = frame.groupby(["domain", "programme", "visit"])["assessment_id"].nunique()
    for ax, domain in zip(axes[0], domains):
        for programme in sorted(frame["programme"].unique()):
            if (domain, programme) not in means.index.droplevel("visit"):
                continue
            series = means.loc[(domain, programme)]
            n = counts.loc[(domain, programme)].iloc[0]
            ax.plot(series.index.astype(int), series.values, marker="o",
                    label=f"{config.label('programmes', programme, lang)} (n={n})")
        ax.set_title((domain_labels or {}).get(domain, domain))
        ax.set_xlabel(i18n.t("chart.domain_trend.x", lang))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(i18n.t(f"chart.domain_trend.y_{score_direction}", lang))
    axes[0][-1].legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.caption = i18n.t("chart.domain_trend.caption", lang)
    return fig


# --- The supervisor's caseload chart: open cases per worker against the norm ---

i18n.add({
    "chart.caseload.title": {"uk": "Навантаження фахівців: відкриті випадки", "en": "Caseload: open cases per worker"},
    "chart.caseload.x": {"uk": "Відкриті випадки", "en": "Open cases"},
    "chart.caseload.y": {"uk": "Фахівець", "en": "Worker"},
    "chart.caseload.norm": {"uk": "Норма: {norm}", "en": "Norm: {norm}"},
    "chart.caseload.over": {"uk": "Понад норму", "en": "Over the norm"},
    "chart.caseload.within": {"uk": "У межах норми", "en": "Within the norm"},
    "chart.caseload.nobody": {"uk": "нікого", "en": "no one"},
    "chart.caseload.caption": {
        "uk": "Кожна смуга — відкриті випадки фахівця за вибраний період; пунктирна лінія — норма "
              "({norm} випадків на фахівця). Понад норму (червоні заштриховані смуги): {over}.",
        "en": "Each bar is a worker's open cases in the chosen period; the dashed line is the norm "
              "({norm} cases per worker). Over the norm (red hatched bars): {over}.",
    },
})


def caseload_chart(frame: pd.DataFrame, lang: str | None = None, norm: float | None = None):
    """Horizontal bars of each worker's open cases, the norm as a dashed line, workers above it highlighted.

    ``frame`` is :func:`workbench.analysis.caseload.worker_caseload` (``worker``, ``open_cases``
    and, if present, ``name`` to label the bars, ``norm``). ``norm`` defaults to the frame's
    ``norm`` column, else ``caseload_norm.cases_per_worker``. The most loaded worker is at the
    top; a bar above the norm is red and hatched (gid ``over``), the others blue (gid
    ``within``); the norm line has the gid ``norm``. Returns the figure; ``fig.caption``
    names who is over the norm. An empty frame gives a "no data" figure.
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    lang = i18n.normalise_language(lang)
    if norm is None:
        norm = (frame["norm"].iloc[0] if "norm" in frame and not frame.empty
                else config.load_config()["caseload_norm"]["cases_per_worker"])
    rows = len(frame)
    fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.45 * rows + 1.8)))
    fig.suptitle(i18n.t("chart.caseload.title", lang))
    if frame.empty:
        return no_data(fig, ax, lang)

    # barh draws bottom-up: the most loaded on top, ties in the frame's order from the top down.
    data = frame.sort_values("open_cases", ascending=False, kind="stable").iloc[::-1]
    labels = [name or worker for name, worker in zip(data.get("name", data["worker"]), data["worker"])]
    over = (data["open_cases"] > norm).tolist()
    bars = ax.barh(range(rows), data["open_cases"], color=["#c62828" if o else "#1565c0" for o in over])
    for bar, is_over in zip(bars, over):
        bar.set_gid("over" if is_over else "within")
        if is_over:
            bar.set_hatch("//")  # a second cue besides colour
    ax.bar_label(bars, padding=3, fontsize=8)
    norm_line = ax.axvline(norm, color="0.2", linestyle="--", linewidth=1.5,
                           label=i18n.t("chart.caseload.norm", lang, norm=f"{norm:g}"))
    norm_line.set_gid("norm")
    ax.set_yticks(range(rows), labels)
    ax.set_ylim(-0.6, max(rows, 3) - 0.4)  # one or two workers: bars of the usual thickness
    ax.set_xlim(0, max(float(data["open_cases"].max()), float(norm)) * 1.15 + 1)
    ax.set_xlabel(i18n.t("chart.caseload.x", lang))
    ax.set_ylabel(i18n.t("chart.caseload.y", lang))
    ax.grid(axis="x", alpha=0.3)
    keys = [Patch(facecolor="#c62828", hatch="//", label=i18n.t("chart.caseload.over", lang)),
            Patch(facecolor="#1565c0", label=i18n.t("chart.caseload.within", lang))]
    ax.legend(handles=[norm_line, *keys], loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8,
              frameon=False)  # below the axis, clear of the bars
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    over_names = [label for label, is_over in zip(reversed(labels), reversed(over)) if is_over]
    fig.caption = i18n.t("chart.caseload.caption", lang, norm=f"{norm:g}",
                         over=", ".join(over_names) or i18n.t("chart.caseload.nobody", lang))
    return fig


# --- supervisors' report charts: period indicators, needs heatmap, change by domain, goals ---------

i18n.add({
    "chart.indicators.title": {"uk": "Показники за {period} і той самий період роком раніше",
                               "en": "Indicators for {period} and the same period a year before"},
    "chart.indicators.caption": {
        "uk": "Кожна панель — один показник: темний стовпчик — звітний період, світлий — той самий період роком раніше. "
              "Визначення — у таблиці поруч.",
        "en": "Each panel is one indicator: the dark bar is the period reported, the light bar the same period a year "
              "before. Definitions are in the table beside it.",
    },
    "chart.heatmap.title.need": {"uk": "Потреби за останнім оцінюванням: середнє за доменами",
                                 "en": "Needs at the latest assessment: the mean by domain"},
    "chart.heatmap.title.functioning": {"uk": "Бали за останнім оцінюванням: середнє за сферами",
                                        "en": "Scores at the latest assessment: the mean by domain"},
    "chart.heatmap.x": {"uk": "Домен", "en": "Domain"},
    "chart.heatmap.y.worker": {"uk": "Фахівець", "en": "Worker"},
    "chart.heatmap.y.programme": {"uk": "Програма", "en": "Programme"},
    "chart.heatmap.need": {"uk": "Середній бал (більше = більша потреба)", "en": "Mean score (higher = more need)"},
    "chart.heatmap.functioning": {"uk": "Середній бал (більше = краще)", "en": "Mean score (higher = better)"},
    "chart.heatmap.small": {"uk": "n<{n}", "en": "n<{n}"},
    "chart.heatmap.caption": {
        "uk": "Кожна клітинка — середній бал останнього оцінювання до кінця періоду клієнтів рядка в домені "
              "стовпчика (темніший = гірше), n — кількість клієнтів. Рядки — від найгіршого середнього. "
              "Середнє менше ніж {n} клієнтів не показано (сіра заштрихована клітинка «n<{n}»).",
        "en": "Each cell is the mean latest score up to the period's end of the row's clients in the column's "
              "domain (darker = worse); n is the number of clients. Rows run from the worst mean down. A mean "
              "of fewer than {n} clients is not shown (a grey hatched cell 'n<{n}').",
    },
    "chart.change.title": {"uk": "Зміна між першим і останнім оцінюванням", "en": "Change between the first and latest assessment"},
    "chart.change.x": {"uk": "Частка клієнтів, %", "en": "Share of clients, %"},
    "chart.change.improved": {"uk": "покращення", "en": "improved"},
    "chart.change.unchanged": {"uk": "без змін", "en": "unchanged"},
    "chart.change.worse": {"uk": "погіршення", "en": "worse"},
    "chart.change.caption": {
        "uk": "Клієнти з двома й більше оцінюваннями; «без змін» — зміна менша за {threshold} бала.",
        "en": "Clients with two or more assessments; 'unchanged' is a change smaller than {threshold} points.",
    },
    "chart.goals_by.title": {"uk": "Досягнення цілей (GAS)", "en": "Goal attainment (GAS)"},
    "chart.goals_by.share": {"uk": "Частка цілей на рівні ≥ 0, %", "en": "Share of goals at level ≥ 0, %"},
    "chart.goals_by.t": {"uk": "Середній T-бал (50 = очікуваний результат)", "en": "Mean T-score (50 = expected outcome)"},
    "chart.goals_by.caption": {
        "uk": "Ліворуч — частка переглянутих цілей, що досягли очікуваного рівня (≥ 0); праворуч — середній T-бал "
              "Кірезука–Шермана випадків (лінія 50 — очікуваний результат).",
        "en": "Left: the share of reviewed goals at the expected level or above (≥ 0); right: the cases' mean "
              "Kiresuk–Sherman T-score (the line at 50 is the expected outcome).",
    },
})


def indicator_chart(indicators: pd.DataFrame, period_label: str, previous_label: str, lang: str | None = None):
    """Small multiples, one panel per indicator, each with two bars: the period and a year before.

    ``indicators`` has ``name, value, previous`` (as ``indicators.indicator_values`` gives). Each panel
    has its own scale (participants run to thousands, shelter stays to tens). "No data" when empty
    or when every number is zero."""
    lang = i18n.normalise_language(lang)
    count = len(indicators)
    columns = 3
    rows = max(1, math.ceil(count / columns))
    fig = plt.figure(figsize=(11, 2.6 * rows + 0.8))
    fig.suptitle(i18n.t("chart.indicators.title", lang, period=period_label))
    if count == 0 or not (indicators["value"].abs().sum() + indicators["previous"].abs().sum()):
        return no_data(fig, fig.add_subplot(), lang)
    for n, row in enumerate(indicators.itertuples(index=False)):
        ax = fig.add_subplot(rows, columns, n + 1)
        bars = ax.bar([previous_label, period_label], [row.previous, row.value], color=["#9ecae1", "#08519c"])
        ax.bar_label(bars, fmt="%d", fontsize=8)
        ax.set_title(wrap(row.name, 38), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, max(row.value, row.previous, 1) * 1.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.caption = i18n.t("chart.indicators.caption", lang)
    return fig


def needs_heatmap(needs: pd.DataFrame, lang: str | None = None, score_direction: str = "need",
                  scale: tuple = (0, 3)):
    """A heatmap of the mean latest score per group (worker or programme) and domain, from
    :func:`workbench.analysis.outcomes.latest_needs` (``group, axis, mean, clients``), rows in its order
    (worst first). Each cell shows the mean (one decimal) and n; a cell whose mean the frame left out
    (fewer than ``attrs["min_clients"]`` clients) is grey and hatched, with "n<5" and no value."""
    from matplotlib.patches import Rectangle

    from ..analysis.presentation import formatted

    lang = i18n.normalise_language(lang)
    by, min_clients = needs.attrs.get("by", "worker"), needs.attrs.get("min_clients", 5)
    groups = list(dict.fromkeys(needs["group"])) if len(needs) else []
    domains = list(dict.fromkeys(needs["axis"])) if len(needs) else []
    fig = plt.figure(figsize=(max(6.4, 1.1 * len(domains) + 3.5), min(max(3.5, 0.5 * len(groups) + 2.4), 14)))
    fig.suptitle(i18n.t(f"chart.heatmap.title.{'need' if score_direction == 'need' else 'functioning'}", lang))
    if needs.empty:
        return no_data(fig, fig.add_subplot(), lang)
    means = needs.pivot(index="group", columns="axis", values="mean").reindex(index=groups, columns=domains)
    counts = needs.pivot(index="group", columns="axis", values="clients").reindex(index=groups, columns=domains)
    ax = fig.add_subplot()
    # Darker is worse on both kinds of scale: reversed colours when higher is better.
    cmap = plt.get_cmap("Reds" if score_direction == "need" else "Reds_r").with_extremes(bad="white")
    image = ax.imshow(means.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=scale[0], vmax=scale[1],
                      interpolation="nearest")
    middle = (scale[0] + scale[1]) / 2
    for row, group in enumerate(groups):
        for column, domain in enumerate(domains):
            n, mean = counts.loc[group, domain], means.loc[group, domain]
            if pd.isna(n):
                continue  # no client of the group was assessed on this domain
            if pd.isna(mean):
                cell = Rectangle((column - 0.5, row - 0.5), 1, 1, facecolor="0.85", hatch="//", edgecolor="0.6")
                cell.set_gid("small")
                ax.add_patch(cell)
                ax.text(column, row, i18n.t("chart.heatmap.small", lang, n=min_clients), ha="center", va="center",
                        fontsize=8, color="0.25")
                continue
            dark = (mean > middle) == (score_direction == "need")
            ax.text(column, row, f"{formatted(mean, 'mean', lang)}\nn={int(n)}", ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.set_xticks(range(len(domains)))
    ax.set_xticklabels([wrap(str(c), 18) for c in domains], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels([wrap(str(g), 34) for g in groups], fontsize=8)
    ax.set_xlabel(i18n.t("chart.heatmap.x", lang))
    ax.set_ylabel(i18n.t(f"chart.heatmap.y.{by}", lang))
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(i18n.t(f"chart.heatmap.{'need' if score_direction == 'need' else 'functioning'}", lang))
    fig.tight_layout()
    fig.caption = i18n.t("chart.heatmap.caption", lang, n=min_clients)
    return fig


def change_chart(change: pd.DataFrame, labels: dict | None = None, lang: str | None = None,
                 threshold: float = 0.5):
    """Stacked bars per domain: the shares of clients improved, unchanged and worse (``outcomes.domain_change``)."""
    lang = i18n.normalise_language(lang)
    shown = change[change["clients"] > 0] if len(change) else change
    fig = plt.figure(figsize=(8, 0.45 * max(len(shown), 3) + 1.6))
    fig.suptitle(i18n.t("chart.change.title", lang))
    if shown.empty:
        return no_data(fig, fig.add_subplot(), lang)
    ax = fig.add_subplot()
    names = [wrap((labels or {}).get(a, a), 34) for a in shown["axis"]]
    left = [0.0] * len(shown)
    for column, colour in (("improved", "#1a9850"), ("unchanged", "#bdbdbd"), ("worse", "#d73027")):
        values = (shown[column].astype(float) * 100).tolist()
        ax.barh(names, values, left=left, color=colour, label=i18n.t(f"chart.change.{column}", lang))
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(i18n.t("chart.change.x", lang))
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.caption = i18n.t("chart.change.caption", lang, threshold=f"{threshold:g}".replace(".", "," if lang == "uk" else "."))
    return fig


def goal_attainment_chart(goals: pd.DataFrame, labels: dict | None = None, lang: str | None = None):
    """Two panels per group (worker or programme): share of goals at ≥ 0 and mean T-score (``outcomes.goal_attainment``)."""
    lang = i18n.normalise_language(lang)
    fig = plt.figure(figsize=(10, 0.5 * max(len(goals), 3) + 1.6))
    fig.suptitle(i18n.t("chart.goals_by.title", lang))
    if goals.empty:
        return no_data(fig, fig.add_subplot(), lang)
    names = [wrap((labels or {}).get(g, g), 30) for g in goals["group"]]
    share_ax, t_ax = fig.subplots(1, 2, sharey=True)
    # A group with no reviewed goal has no share and no T-score: no bar, rather than a bar at 0.
    share_ax.barh(names, (goals["share_achieved"].astype(float) * 100), color="#08519c")
    share_ax.set_xlim(0, 100)
    share_ax.set_xlabel(i18n.t("chart.goals_by.share", lang))
    share_ax.invert_yaxis()
    t_ax.barh(names, goals["mean_t"].astype(float), color="#6baed6")
    t_ax.axvline(50, color="black", linewidth=1)
    t_ax.set_xlim(20, 80)
    t_ax.set_xlabel(i18n.t("chart.goals_by.t", lang))
    for ax in (share_ax, t_ax):
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.caption = i18n.t("chart.goals_by.caption", lang)
    return fig
