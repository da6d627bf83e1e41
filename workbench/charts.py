"""Matplotlib figures, titled and labelled in the chosen language, with a caption for reports."""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from . import config, i18n
from .gas import GAS_LEVELS, check_level, gas_level_label

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
    "chart.no_data": {"uk": "Немає даних", "en": "No data"},
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
        axes[0][0].text(0.5, 0.5, i18n.t("chart.no_data", lang), ha="center", va="center")
        axes[0][0].set_axis_off()
        fig.caption = i18n.t("chart.no_data", lang)
        return fig
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


# --- Care-planning charts: a domain profile (star chart) and goal attainment over time ---

i18n.add({
    "chart.star.title": {"uk": "Профіль за сферами життя", "en": "Profile by life domain"},
    "chart.star.latest": {"uk": "Останнє оцінювання", "en": "Latest assessment"},
    "chart.star.first": {"uk": "Перше оцінювання", "en": "First assessment"},
    "chart.star.caption.one": {
        "uk": "Бали за сферами життя ({series}, суцільна лінія) за шкалою від {low} до {high}; {direction}.",
        "en": "Scores by life domain ({series}, solid line) on a scale from {low} to {high}; {direction}.",
    },
    "chart.star.caption.two": {
        "uk": "Бали за сферами життя за шкалою від {low} до {high}: суцільна лінія — {series}, "
              "пунктир — {compare}; {direction}.",
        "en": "Scores by life domain on a scale from {low} to {high}: the solid line is {series}, "
              "the dashed line is {compare}; {direction}.",
    },
    "chart.star.higher_better": {
        "uk": "що далі від центру, то краще", "en": "the further from the centre, the better"},
    "chart.star.higher_worse": {
        "uk": "що далі від центру, то більша потреба (гірше)",
        "en": "the further from the centre, the greater the need (worse)"},
    "chart.star.gaps": {
        "uk": "Сфери без балу показано розривом лінії.",
        "en": "Domains without a score are shown as a break in the line."},
    "chart.goals.title": {"uk": "Досягнення цілей з часом", "en": "Goal attainment over time"},
    "chart.goals.x": {"uk": "Дата перегляду", "en": "Review date"},
    "chart.goals.y": {"uk": "Рівень досягнення (GAS)", "en": "Attainment level (GAS)"},
    "chart.goals.tick": {"uk": "{level}: {label}", "en": "{level}: {label}"},
    "chart.goals.caption": {
        "uk": "Кожна лінія — одна ціль: її рівень досягнення на кожному перегляді, від −2 (значно нижче "
              "за очікуване) до +2 (значно вище); горизонтальна лінія 0 — очікуваний результат; "
              "вертикальний пунктир кольору цілі — її цільова дата.",
        "en": "Each line is one goal: its attainment level at each review, from −2 (much less than "
              "expected) to +2 (much more); the horizontal line at 0 is the expected outcome; "
              "the dashed vertical line in the goal's colour is its target date.",
    },
})


def no_data(fig, ax, lang):
    """Turn ``ax`` into a "no data" notice (the figure keeps its title); every chart module uses it."""
    ax.text(0.5, 0.5, i18n.t("chart.no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    fig.caption = i18n.t("chart.no_data", lang)
    return fig


def _domain_items(scores) -> list[tuple]:
    """(domain, value) pairs in order, from a dict, a pandas Series or a sequence of pairs."""
    if scores is None:
        return []
    return list(scores.items()) if hasattr(scores, "items") else [tuple(pair) for pair in scores]


def _score(value) -> float:
    """A score as a float; None and NaN become NaN (a gap)."""
    return math.nan if value is None or pd.isna(value) else float(value)


def star_chart(scores: dict[str, float] | Sequence, compare: dict[str, float] | None = None,
               labels: dict[str, str] | None = None, lang: str | None = None, scale: tuple = (1, 5),
               title: str | None = None, series_labels: tuple[str, str] | None = None,
               higher_is_better: bool = True):
    """A star (radar) chart of domain scores: one closed polygon for ``scores``, one for ``compare``.

    ``scores`` and ``compare`` map domain → score (a dict, a pandas Series or a sequence of
    ``(domain, score)`` pairs). Domains go clockwise from the top in the order of ``scores``;
    a domain only in ``compare`` is added after them. The radial axis runs from ``scale[0]``
    (the centre) to ``scale[1]`` with a gridline at each integer.

    A missing score (absent, None or NaN) is a break in that polygon, not a point at the
    centre: the centre is the scale's lowest score and would read as a real (extreme) value.

    ``labels`` maps domain → label shown around the chart; ``series_labels`` overrides the
    legend's "latest"/"first assessment"; ``higher_is_better`` words the caption (False for
    need scores). Returns the figure; ``fig.caption`` describes it. When ``scores`` is empty
    or holds no score at all, the figure says "no data".
    """
    lang = i18n.normalise_language(lang)
    low, high = scale
    if not low < high:
        raise ValueError(f"scale must run from low to high, got {scale!r}")
    main = {domain: _score(value) for domain, value in _domain_items(scores)}
    other = {domain: _score(value) for domain, value in _domain_items(compare)} if compare is not None else None
    domains = list(main) + [d for d in (other or {}) if d not in main]
    series_labels = series_labels or (i18n.t("chart.star.latest", lang), i18n.t("chart.star.first", lang))

    fig = plt.figure(figsize=(6.4, 6.4))
    fig.suptitle(title or i18n.t("chart.star.title", lang))
    if not domains or all(math.isnan(v) for v in main.values()):
        return no_data(fig, fig.add_subplot(), lang)

    ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")  # first domain at the top, then clockwise, as a clock is read
    ax.set_theta_direction(-1)
    angles = [2 * math.pi * i / len(domains) for i in range(len(domains))]
    closed_angles = angles + angles[:1]  # repeat the first vertex to close the polygon

    def draw(values, label, style, gid):
        radii = [values.get(d, math.nan) for d in domains]
        radii.append(radii[0])
        # A NaN breaks the line, so a missing domain shows as a gap on both sides of it.
        line, = ax.plot(closed_angles, radii, style["line"], marker=style["marker"], color=style["color"],
                        linewidth=2, label=label)
        line.set_gid(gid)
        if not any(math.isnan(r) for r in radii):  # a fill across a gap would invent a shape
            ax.fill(closed_angles, radii, color=style["color"], alpha=0.12)
        return line

    gaps = any(math.isnan(main.get(d, math.nan)) for d in domains)
    handles = []
    if other is not None:
        handles.append(draw(other, series_labels[1], {"line": "--", "marker": "s", "color": "C1"}, "compare"))
        gaps = gaps or any(math.isnan(other.get(d, math.nan)) for d in domains)
    handles.insert(0, draw(main, series_labels[0], {"line": "-", "marker": "o", "color": "C0"}, "scores"))

    ax.set_xticks(angles)
    ax.set_xticklabels([(labels or {}).get(d, d) for d in domains])
    ax.set_ylim(low, high)
    ax.set_yticks(range(math.ceil(low), math.floor(high) + 1))
    ax.set_rlabel_position(180 / len(domains))  # radial numbers between the first two spokes
    # Below the chart, latest first (though drawn last, to lie on top), clear of the domain labels.
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()

    direction = i18n.t("chart.star.higher_better" if higher_is_better else "chart.star.higher_worse", lang)
    if other is None:
        caption = i18n.t("chart.star.caption.one", lang, series=series_labels[0], low=low, high=high,
                         direction=direction)
    else:
        caption = i18n.t("chart.star.caption.two", lang, series=series_labels[0], compare=series_labels[1],
                         low=low, high=high, direction=direction)
    fig.caption = caption + (" " + i18n.t("chart.star.gaps", lang) if gaps else "")
    return fig


def _as_date(value) -> date:
    """A date from a date, a datetime or an ISO string (as the store keeps them)."""
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def goal_progress_chart(goals: list[dict] | None, lang: str | None = None):
    """Each goal's GAS level (−2…+2) at its reviews over time, with its target date marked.

    Each goal is a dict with ``title``, ``set_on`` and ``target_date`` (dates) and ``reviews``,
    a list of ``(date, level)``. Lines are drawn through the reviews in date order; the x axis
    spans from the earliest date set to the latest target. Returns the figure; ``fig.caption``
    describes it. Lines carry matplotlib date numbers; each goal's artists have the gids
    ``goal:<n>`` (line) and ``target:<n>`` (target date), ``n`` counting from 0. Dates may
    also be ISO strings. With no goals, or no review in any goal, the figure says "no data";
    a level outside −2…+2 raises :class:`~workbench.i18n.UserError` before anything is drawn.
    """
    lang = i18n.normalise_language(lang)
    # Read and check every goal before drawing, so a refused level leaves no half-made figure behind.
    plan = [{"title": goal["title"], "target": _as_date(goal["target_date"]),
             "set_on": _as_date(goal["set_on"]) if goal.get("set_on") else None,
             "reviews": sorted((_as_date(day), check_level(level)) for day, level in goal.get("reviews") or [])}
            for goal in goals or []]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    fig.suptitle(i18n.t("chart.goals.title", lang))
    if not any(goal["reviews"] for goal in plan):
        return no_data(fig, ax, lang)

    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    markers = "osD^v"  # a second cue besides colour, for readers who cannot tell the colours apart
    ax.axhline(0, color="0.3", linewidth=1).set_gid("expected")
    span = []
    for n, goal in enumerate(plan):
        colour, marker = colours[n % len(colours)], markers[n % len(markers)]
        days = [day for day, _ in goal["reviews"]]
        line, = ax.plot([mdates.date2num(day) for day in days], [level for _, level in goal["reviews"]],
                        color=colour, marker=marker, linewidth=2, label=goal["title"])
        line.set_gid(f"goal:{n}")
        target = ax.axvline(mdates.date2num(goal["target"]), color=colour, linestyle="--", linewidth=1.2)
        target.set_gid(f"target:{n}")
        span += days + [goal["target"]] + ([goal["set_on"]] if goal["set_on"] else [])

    first, last = min(span), max(span)
    pad = max(3, (last - first).days * 0.03)  # keep end points and target lines off the frame
    ax.set_xlim(mdates.date2num(first) - pad, mdates.date2num(last) + pad)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%Y"))  # the project's date format in both languages
    ax.set_ylim(-2.4, 2.4)
    ax.set_yticks(GAS_LEVELS)
    ax.set_yticklabels([i18n.t("chart.goals.tick", lang, level=f"{level:+d}".replace("-", "−") if level else "0",
                               label=gas_level_label(level, lang)) for level in GAS_LEVELS])
    ax.set_xlabel(i18n.t("chart.goals.x", lang))
    ax.set_ylabel(i18n.t("chart.goals.y", lang))
    ax.grid(alpha=0.3)
    # A fixed corner: loc="best" searches every data point and costs more than the rest of the chart.
    ax.legend(fontsize=8, loc="upper left")
    fig.autofmt_xdate()
    # Fixed margins fit the longest level label in either language; tight_layout would draw the figure once more.
    fig.subplots_adjust(left=0.4, right=0.98, top=0.9, bottom=0.2)
    fig.caption = i18n.t("chart.goals.caption", lang)
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
    "chart.heatmap.title": {"uk": "Потреби за останнім оцінюванням: клієнти × домени",
                            "en": "Needs at the latest assessment: clients × domains"},
    "chart.heatmap.x": {"uk": "Домен", "en": "Domain"},
    "chart.heatmap.y": {"uk": "Випадок", "en": "Case"},
    "chart.heatmap.need": {"uk": "Бал (більше = більша потреба)", "en": "Score (higher = more need)"},
    "chart.heatmap.functioning": {"uk": "Бал (більше = краще)", "en": "Score (higher = better)"},
    "chart.heatmap.caption": {
        "uk": "Кожен рядок — випадок, кожен стовпчик — домен; колір — бал останнього оцінювання до кінця періоду "
              "(темніший = гірше). Порожня клітинка — домен не оцінено.",
        "en": "Each row is a case, each column a domain; the colour is the latest score up to the period's end "
              "(darker = worse). An empty cell is a domain not assessed.",
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
        ax.set_title(_wrap(row.name, 38), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, max(row.value, row.previous, 1) * 1.25)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.caption = i18n.t("chart.indicators.caption", lang)
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:3])


def needs_heatmap(matrix: pd.DataFrame, lang: str | None = None, score_direction: str = "need",
                  scale: tuple = (0, 3)):
    """A heatmap of the latest scores, one row per client, one column per domain (``outcomes.latest_needs``)."""
    lang = i18n.normalise_language(lang)
    height = min(max(3.5, 0.18 * len(matrix) + 2), 18)
    fig = plt.figure(figsize=(max(6.4, 0.55 * len(matrix.columns) + 3), height))
    fig.suptitle(i18n.t("chart.heatmap.title", lang))
    if matrix.empty or matrix.isna().all().all():
        return no_data(fig, fig.add_subplot(), lang)
    ax = fig.add_subplot()
    # Darker is worse on both kinds of scale: reversed colours when higher is better.
    cmap = "Reds" if score_direction == "need" else "Reds_r"
    image = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=scale[0], vmax=scale[1],
                      interpolation="nearest")
    ax.set_xticks(range(len(matrix.columns)))
    ax.set_xticklabels([_wrap(str(c), 18) for c in matrix.columns], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(matrix.index)))
    ax.set_yticklabels(matrix.index, fontsize=6 if len(matrix) > 40 else 8)
    ax.set_xlabel(i18n.t("chart.heatmap.x", lang))
    ax.set_ylabel(i18n.t("chart.heatmap.y", lang))
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(i18n.t(f"chart.heatmap.{'need' if score_direction == 'need' else 'functioning'}", lang))
    fig.tight_layout()
    fig.caption = i18n.t("chart.heatmap.caption", lang)
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
    names = [_wrap((labels or {}).get(a, a), 34) for a in shown["axis"]]
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
    fig.caption = i18n.t("chart.change.caption", lang, threshold=threshold)
    return fig


def goal_attainment_chart(goals: pd.DataFrame, labels: dict | None = None, lang: str | None = None):
    """Two panels per group (worker or programme): share of goals at ≥ 0 and mean T-score (``outcomes.goal_attainment``)."""
    lang = i18n.normalise_language(lang)
    fig = plt.figure(figsize=(10, 0.5 * max(len(goals), 3) + 1.6))
    fig.suptitle(i18n.t("chart.goals_by.title", lang))
    if goals.empty:
        return no_data(fig, fig.add_subplot(), lang)
    names = [_wrap((labels or {}).get(g, g), 30) for g in goals["group"]]
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
