"""The supervisors' report charts: titled and labelled in the chosen language, "no data" when empty."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis import outcomes
from workbench.analysis.scoring import profile_labels
from workbench.charts.report import change_chart, goal_attainment_chart, indicator_chart, needs_heatmap

INDICATORS = pd.DataFrame({"name": ["Надано послуг", "Виїзди мобільних бригад"], "value": [120, 7],
                           "previous": [100, 0]})


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [fig._suptitle.get_text()]


@pytest.mark.parametrize("lang, title", [("uk", "Показники за 2026 рік"), ("en", "Indicators for year 2026")])
def test_the_indicator_chart_has_a_panel_per_indicator_with_both_years(lang, title):
    fig = indicator_chart(INDICATORS, "2026 рік" if lang == "uk" else "year 2026",
                                 "2025 рік" if lang == "uk" else "year 2025", lang)
    assert fig._suptitle.get_text().startswith(title)
    assert len(fig.axes) == 2
    heights = [[bar.get_height() for bar in ax.patches] for ax in fig.axes]
    assert heights == [[100, 120], [0, 7]]  # the year before first, then the period
    assert [ax.get_title() for ax in fig.axes] == ["Надано послуг", "Виїзди мобільних бригад"]
    assert fig.caption and ("панель" in fig.caption if lang == "uk" else "panel" in fig.caption)


@pytest.mark.parametrize("frame", [INDICATORS.iloc[0:0], INDICATORS.assign(value=0, previous=0)])
def test_the_indicator_chart_says_no_data(frame):
    fig = indicator_chart(frame, "2026", "2025", "en")
    assert "No data" in _texts(fig) and fig.caption == "No data"


def test_the_needs_heatmap_has_a_row_per_worker_and_hides_small_groups():
    needs = pd.DataFrame({"group": ["Олена Тихоліс", "Олена Тихоліс", "Андрій Вербанюк"],
                          "axis": ["Здоровʼя", "Житло", "Здоровʼя"], "mean": [2.26, 1.0, None], "clients": [12, 7, 3]})
    needs.attrs = {"by": "worker", "min_clients": 5}
    fig = needs_heatmap(needs, "uk")
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Потреби за останнім оцінюванням: середнє за доменами"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Олена Тихоліс", "Андрій Вербанюк"]  # the frame's order
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Здоровʼя", "Житло"]
    assert ax.get_xlabel() == "Домен" and ax.get_ylabel() == "Фахівець"
    data = ax.images[0].get_array()
    assert data[0, 0] == 2.26 and data.mask[1, 0] and data.mask[1, 1]  # hidden, and not assessed
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["2,3\nn=12", "1,0\nn=7", "n<5"]  # no value in the small group's cell
    assert [p.get_gid() for p in ax.patches] == ["small"]
    assert "менше ніж 5 клієнтів" in fig.caption
    programme = needs.assign(group="Підтримка ВПО")
    programme.attrs = {"by": "programme", "min_clients": 5}
    assert needs_heatmap(programme.iloc[:1], "en").axes[0].get_ylabel() == "Programme"
    assert "No data" in _texts(needs_heatmap(pd.DataFrame(columns=outcomes.NEEDS_COLUMNS), "en"))


def test_the_change_chart_stacks_improved_unchanged_worse():
    care = outcomes.instrument_named("care_profile")
    change = pd.DataFrame({"axis": ["housing", "finances"], "clients": [4, 0], "improved": [0.5, None],
                           "unchanged": [0.25, None], "worse": [0.25, None]})
    fig = change_chart(change, profile_labels(care, "en"), "en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Housing"]  # a domain with no clients is left out
    assert [round(p.get_width()) for p in ax.patches] == [50, 25, 25]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["improved", "unchanged", "worse"]
    assert "No data" in _texts(change_chart(change.iloc[0:0], None, "en"))


def test_the_goal_chart_shows_share_and_mean_t_score():
    goals = pd.DataFrame({"group": ["care_leavers", "idp_support"], "share_achieved": [0.8, 0.5],
                          "mean_t": [57.0, 44.5]})
    fig = goal_attainment_chart(goals, {"care_leavers": "CARe", "idp_support": "IDP"}, "en")
    share, t = fig.axes
    assert [round(p.get_width()) for p in share.patches] == [80, 50]
    assert [p.get_width() for p in t.patches] == [57.0, 44.5]
    assert t.get_xlabel().startswith("Mean T-score")
    assert "Немає даних" in _texts(goal_attainment_chart(goals.iloc[0:0], None, "uk"))
