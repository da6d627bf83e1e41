"""The star chart and the goal-progress chart carry the values they were given, in the chosen language."""
import math
from datetime import date

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest

from workbench.charts.case import goal_progress_chart, star_chart
from workbench.i18n import UserError

LATEST = {"housing": 3.5, "health": 4.0, "income": 2.0, "safety": 4.5, "family": 3.0}
FIRST = {"housing": 2.0, "health": 3.0, "income": 1.5, "safety": 3.0, "family": 2.5}
LABELS = {"housing": "Житло", "health": "Здоровʼя", "income": "Дохід", "safety": "Безпека", "family": "Сімʼя"}


@pytest.fixture
def figures():
    """Collects the figures a test makes and closes them afterwards."""
    made = []
    yield made.append
    for fig in made:
        plt.close(fig)


def _line(ax, gid):
    return next(line for line in ax.get_lines() if line.get_gid() == gid)


def test_star_polygons_carry_the_scores_in_order(figures):
    fig = star_chart(LATEST, FIRST, LABELS, "uk")
    figures(fig)
    ax = fig.axes[0]
    assert ax.name == "polar"
    scores, compare = _line(ax, "scores"), _line(ax, "compare")
    # Radii: the scores in the order given, the first repeated at the end to close the polygon.
    assert list(scores.get_ydata()) == [3.5, 4.0, 2.0, 4.5, 3.0, 3.5]
    assert list(compare.get_ydata()) == [2.0, 3.0, 1.5, 3.0, 2.5, 2.0]
    # Angles: five domains evenly spaced, 2π/5 apart, starting at 0 and closing on it.
    angles = list(scores.get_xdata())
    assert angles == pytest.approx([0, 2 * math.pi / 5, 4 * math.pi / 5, 6 * math.pi / 5, 8 * math.pi / 5, 0])
    assert list(compare.get_xdata()) == angles
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["Житло", "Здоровʼя", "Дохід", "Безпека", "Сімʼя"]
    assert list(ax.get_xticks()) == pytest.approx(angles[:-1])
    # Radial axis from the scale's bottom (the centre) to its top, a circle at each integer
    # (none at the centre itself, where a "circle" is a point: star_chart leaves it out).
    assert ax.get_ylim() == (1, 5)
    assert list(ax.get_yticks()) == [2, 3, 4, 5]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Останнє оцінювання", "Перше оцінювання"]
    assert fig._suptitle.get_text() == "Профіль за сферами життя"
    assert "суцільна лінія — Останнє оцінювання" in fig.caption and "пунктир — Перше оцінювання" in fig.caption
    assert "від 1 до 5" in fig.caption and "далі від центру, то краще" in fig.caption
    assert "розривом" not in fig.caption


def test_star_chart_in_english_with_labels_and_direction(figures):
    fig = star_chart(LATEST, lang="en", scale=(0, 3), title="Olena K., March 2026",
                     series_labels=("Review 3", "Intake"), higher_is_better=False)
    figures(fig)
    ax = fig.axes[0]
    assert [line.get_gid() for line in ax.get_lines()] == ["scores"]  # no comparison polygon
    assert [tick.get_text() for tick in ax.get_xticklabels()] == list(LATEST)  # keys when no labels
    assert ax.get_ylim() == (0, 3) and list(ax.get_yticks()) == [1, 2, 3]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Review 3"]
    assert fig._suptitle.get_text() == "Olena K., March 2026"
    assert fig.caption == ("Scores by life domain (Review 3, solid line) on a scale from 0 to 3; "
                           "the further from the centre, the greater the need (worse).")
    default = star_chart(LATEST, FIRST, lang="en")
    figures(default)
    assert default._suptitle.get_text() == "Profile by life domain"
    assert default.caption == ("Scores by life domain on a scale from 1 to 5: the solid line is Latest assessment, "
                               "the dashed line is First assessment; the further from the centre, the better.")


def test_star_chart_accepts_pairs_and_shows_missing_domains_as_gaps(figures):
    fig = star_chart([("a", 2), ("b", None), ("c", float("nan")), ("d", 5)], {"a": 1, "b": 2, "e": 3}, lang="en")
    figures(fig)
    ax = fig.axes[0]
    radii = list(_line(ax, "scores").get_ydata())
    assert radii[0] == 2 and math.isnan(radii[1]) and math.isnan(radii[2]) and radii[3] == 5
    assert math.isnan(radii[4]) and radii[5] == 2  # "e" is only in the comparison: added last, a gap here
    compare = list(_line(ax, "compare").get_ydata())
    assert compare[:2] == [1, 2] and all(math.isnan(r) for r in compare[2:4]) and compare[4:] == [3, 1]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["a", "b", "c", "d", "e"]
    assert len(_line(ax, "scores").get_xdata()) == 6
    assert "shown as a break in the line" in fig.caption


@pytest.mark.parametrize("scores", [{}, [], None, {"a": None, "b": float("nan")}])
def test_star_chart_with_no_data(figures, scores):
    fig = star_chart(scores, lang="en")
    figures(fig)
    assert fig.caption == "No data"
    assert fig._suptitle.get_text() == "Profile by life domain"
    assert [text.get_text() for text in fig.axes[0].texts] == ["No data"]
    uk = star_chart({}, lang="uk")
    figures(uk)
    assert uk.caption == "Немає даних"


def goals():
    return [
        {"title": "Child attends school every day", "set_on": date(2026, 1, 10), "target_date": date(2026, 4, 30),
         # Reviews deliberately out of order: the line must follow the dates.
         "reviews": [(date(2026, 3, 20), 0), (date(2026, 1, 10), -1), (date(2026, 2, 15), -1), (date(2026, 5, 2), 1)]},
        {"title": "Rent paid on time", "set_on": date(2026, 1, 10), "target_date": "2026-03-31",
         "reviews": [(date(2026, 1, 10), -2), ("2026-02-15", -1), (date(2026, 4, 1), 0)]},
    ]


def test_goal_lines_carry_the_review_dates_and_levels(figures):
    fig = goal_progress_chart(goals(), "en")
    figures(fig)
    ax = fig.axes[0]
    school, rent = _line(ax, "goal:0"), _line(ax, "goal:1")
    assert list(school.get_xdata()) == [mdates.date2num(date(2026, 1, 10)), mdates.date2num(date(2026, 2, 15)),
                                        mdates.date2num(date(2026, 3, 20)), mdates.date2num(date(2026, 5, 2))]
    assert list(school.get_ydata()) == [-1, -1, 0, 1]
    assert list(rent.get_xdata()) == [mdates.date2num(date(2026, 1, 10)), mdates.date2num(date(2026, 2, 15)),
                                      mdates.date2num(date(2026, 4, 1))]
    assert list(rent.get_ydata()) == [-2, -1, 0]
    # Target dates: a dashed vertical line at the date, in the goal's colour.
    for n, target, line in ((0, date(2026, 4, 30), school), (1, date(2026, 3, 31), rent)):
        marker = _line(ax, f"target:{n}")
        assert list(marker.get_xdata()) == [mdates.date2num(target)] * 2
        assert marker.get_linestyle() == "--" and marker.get_color() == line.get_color()
    assert school.get_color() != rent.get_color()
    assert list(_line(ax, "expected").get_ydata()) == [0, 0]  # the expected outcome
    assert list(ax.get_yticks()) == [-2, -1, 0, 1, 2]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [
        "−2: much less than expected", "−1: somewhat less than expected", "0: expected outcome",
        "+1: somewhat more than expected", "+2: much more than expected"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Child attends school every day",
                                                                         "Rent paid on time"]
    assert fig._suptitle.get_text() == "Goal attainment over time"
    assert ax.get_xlabel() == "Review date" and ax.get_ylabel() == "Attainment level (GAS)"
    assert "expected outcome" in fig.caption and "target date" in fig.caption
    # Every date drawn, target lines included, lies inside the x range.
    low, high = ax.get_xlim()
    assert low < mdates.date2num(date(2026, 1, 10)) and high > mdates.date2num(date(2026, 5, 2))


def test_goal_chart_in_ukrainian(figures):
    fig = goal_progress_chart(goals(), "uk")
    figures(fig)
    ax = fig.axes[0]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [
        "−2: значно нижче за очікуване", "−1: дещо нижче за очікуване", "0: очікуваний результат",
        "+1: дещо вище за очікуване", "+2: значно вище за очікуване"]
    assert fig._suptitle.get_text() == "Досягнення цілей з часом"
    assert ax.get_xlabel() == "Дата перегляду" and ax.get_ylabel() == "Рівень досягнення (GAS)"
    assert fig.caption.startswith("Кожна лінія — одна ціль")


def test_a_goal_without_reviews_keeps_its_target_and_legend_entry(figures):
    plan = goals() + [{"title": "Debt plan agreed", "set_on": date(2026, 3, 1), "target_date": date(2026, 6, 30),
                       "reviews": []}]
    fig = goal_progress_chart(plan, "en")
    figures(fig)
    ax = fig.axes[0]
    assert list(_line(ax, "goal:2").get_xdata()) == []
    assert list(_line(ax, "target:2").get_xdata()) == [mdates.date2num(date(2026, 6, 30))] * 2
    assert ax.get_xlim()[1] > mdates.date2num(date(2026, 6, 30))
    assert ax.get_legend().get_texts()[2].get_text() == "Debt plan agreed"


@pytest.mark.parametrize("plan", [[], None, [{"title": "x", "set_on": date(2026, 1, 1),
                                              "target_date": date(2026, 2, 1), "reviews": []}]])
def test_goal_chart_with_no_data(figures, plan):
    fig = goal_progress_chart(plan, "en")
    figures(fig)
    assert fig.caption == "No data"
    assert fig._suptitle.get_text() == "Goal attainment over time"
    assert [text.get_text() for text in fig.axes[0].texts] == ["No data"]


def test_a_review_level_outside_the_scale_is_refused(figures):
    plan = goals()
    plan[0]["reviews"].append((date(2026, 6, 1), 3))
    open_before = plt.get_fignums()
    with pytest.raises(UserError) as caught:
        figures(goal_progress_chart(plan, "en"))
    assert caught.value.key == "gas.level"
    assert plt.get_fignums() == open_before  # refused before any figure was made
