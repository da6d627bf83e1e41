"""What every chart shares: the "no data" figure and labels wrapped to fit."""
from __future__ import annotations

import textwrap

from .. import i18n

i18n.add({
    "chart.no_data": {"uk": "Немає даних", "en": "No data"},
})


def no_data(fig, ax, lang):
    """Turn ``ax`` into a "no data" notice (the figure keeps its title); every chart uses it."""
    ax.text(0.5, 0.5, i18n.t("chart.no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    fig.caption = i18n.t("chart.no_data", lang)
    return fig


def wrap(text: str, width: int) -> str:
    """``text`` on at most three lines of ``width`` characters (a long label under a bar or a panel)."""
    return "\n".join(textwrap.wrap(text, width)[:3])
