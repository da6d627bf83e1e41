"""A client's charts: the star (radar) profile by life domain and goal attainment over time."""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from .. import i18n
from ..gas import GAS_LEVELS, check_level, gas_level_label, level_text
from .common import no_data

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
    # A circle at each whole score above the centre: at the centre (the scale's bottom) a circle is a
    # point and its number would sit on the spokes' hub. Leaving it out here, rather than counting on
    # matplotlib (only 3.11 and newer drop a radial tick at the origin), draws the same chart with each.
    ax.set_yticks([r for r in range(math.ceil(low), math.floor(high) + 1) if r > low])
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
    ax.set_yticklabels([i18n.t("chart.goals.tick", lang, level=level_text(level), label=gas_level_label(level, lang))
                        for level in GAS_LEVELS])
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
