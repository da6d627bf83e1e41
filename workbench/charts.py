"""Matplotlib figures, titled and labelled in the chosen language, with a caption for reports."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from . import config, i18n

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
