"""Small counts in the research charts and sentences: shown as "<5" by the one rule of
workbench.evaluation.publication.shown_count when a threshold is given, as they are without one."""
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from workbench.charts.research import cumulative_incidence_chart, gas_chart, kaplan_meier_chart, reliable_change_chart
from workbench.evaluation import summaries
from workbench.evaluation.change import independent_groups
from workbench.evaluation.reliable_change import classify_change


def texts(figure) -> list[str]:
    out = [t.get_text() for t in figure.findobj(Text)] + [getattr(figure, "caption", "")]
    plt.close(figure)
    return out


def test_kaplan_meier_legend():
    days, events = [5, 8, 12, 20, 30, 31, 40, 41, 50, 60], [1, 1, 0, 1, 1, 1, 0, 1, 1, 0]
    groups = ["a"] * 3 + ["b"] * 7
    figure = kaplan_meier_chart(days, events, groups, lang="uk", suppress_below=5)
    drawn = {line.get_gid(): len(line.get_xdata()) for line in figure.axes[0].get_lines()}
    shown = texts(figure)
    assert "a (n = <5, подій: <5)" in shown and "b (n = 7, подій: 5)" in shown
    assert drawn["km:0"] == drawn["censor:0"] == 0 and drawn["km:1"] > 5  # each step of a's would be one person
    assert [t for t in shown if "(n = " in t] == ["a (n = <5, подій: <5)", "b (n = 7, подій: 5)"]  # the legend
    assert any("a — —; b — 41" in text for text in shown)  # and so would its median
    assert "a (n = 3, подій: 2)" in texts(kaplan_meier_chart(days, events, groups, lang="uk"))


def test_cumulative_incidence_legend_and_caption():
    days = [5, 8, 12, 20, 30, 31, 40, 41, 50, 60]
    causes = ["moved"] * 4 + ["achieved"] * 5 + [0]
    figure = cumulative_incidence_chart(days, causes, lang="en", suppress_below=5)
    drawn = {line.get_gid(): len(line.get_xdata()) for line in figure.axes[0].get_lines()}
    shown = texts(figure)
    assert drawn["cif:0"] > 0 and drawn["cif:1"] == drawn["band:1"] == 0  # "moved" (sorted second): legend only
    assert "moved (events: <5)" in shown and "achieved (events: 5)" in shown
    assert any("n = 10" in text for text in shown)
    assert any("n = <20" in text for text in texts(cumulative_incidence_chart(days, causes, suppress_below=20)))


def test_reliable_change_legend_and_caption():
    pre = [30, 32, 28, 35, 31, 29, 33, 30]
    post = [20, 31, 18, 45, 22, 30, 21, 24]
    classified = classify_change(pre, post, reliability=0.9, higher_is_better=False)
    shown = texts(reliable_change_chart(classified, "en", suppress_below=5))
    counts = classified["category"].value_counts()
    assert counts["deteriorated"] == 1 and "deteriorated (n=<5)" in shown
    assert any("n = 8" in text for text in shown)
    assert "deteriorated (n=1)" in texts(reliable_change_chart(classified, "en"))
    # A point is a client and the lines tell its category: with a category hidden no point is drawn.
    hidden = reliable_change_chart(classified, "en", suppress_below=5)
    assert sum(len(c.get_offsets()) for c in hidden.axes[0].collections if str(c.get_gid()).startswith("category_")) == 0
    assert "points are not drawn" in hidden.caption
    drawn = reliable_change_chart(classified, "en")
    assert sum(len(c.get_offsets()) for c in drawn.axes[0].collections if str(c.get_gid()).startswith("category_")) == 8


def test_one_more_count_is_hidden_when_one_would_come_back_by_subtraction():
    from workbench.evaluation.publication import suppress_small_counts
    flow = pd.DataFrame({"stage": ["enrolled", "open", "moved", "achieved", "other"],
                         "A": [48, 34, 2, 12, 0], "B": [60, 20, 15, 25, 0]})
    shown = suppress_small_counts(flow, ["A", "B"], parts=[1, 2, 3, 4])
    assert shown["A"].tolist() == [48, 34, "<5", "x", 0]  # 48 − 34 − 0 no longer gives the 2
    assert shown["B"].tolist() == [60, 20, 15, 25, 0] and shown.attrs["n_complemented"] == 1
    categories = pd.DataFrame({"label": ["improved", "unchanged", "deteriorated"], "n": [22, 39, 4],
                               "share": ["34%", "60%", "6%"]})
    shown = suppress_small_counts(categories, ["n"], statistic_columns=["share"], n_column="n",
                                  statistic_marker="—", parts=range(3))
    assert shown["n"].tolist() == ["x", 39, "<5"] and shown["share"].tolist() == ["—", "60%", "—"]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_reliable_change_table_in_whole_percentages_and_no_recovered_without_a_cutoff(lang):
    classified = classify_change([30, 32, 28, 35, 31, 29, 33, 30], [20, 31, 18, 45, 22, 30, 21, 24], reliability=0.9,
                                 higher_is_better=False)
    from workbench.evaluation.reliable_change import change_categories
    table = summaries.category_table(change_categories(classified, lang), lang)
    assert len(table) == 3 and table.iloc[:, 2].str.endswith("%").all()  # improved, unchanged, deteriorated
    assert table.iloc[2, 1] == 1 and table.iloc[2, 2] == "13%"  # 1 of 8 is 12.5%: halves up
    assert all(share == f"{int(100 * n / 8 + 0.5)}%" for n, share in zip(table.iloc[:, 1], table.iloc[:, 2]))
    with_cutoff = classify_change([30, 32, 28, 35, 31, 29, 33, 30], [20, 31, 18, 45, 22, 30, 21, 24], reliability=0.9,
                                  higher_is_better=False, cutoff=25)
    assert len(summaries.category_table(change_categories(with_cutoff, lang), lang)) == 4


def test_gas_chart_leaves_out_the_box_of_a_small_programme():
    gas = pd.DataFrame({"programme": ["family_support"] * 6 + ["idp_support"] * 2,
                        "t_score": [45, 50, 55, 60, 48, 52, 30, 70]})
    figure = gas_chart(gas, "en", suppress_below=5)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    boxes = [line for line in figure.axes[0].get_lines() if len(line.get_xdata())]
    whiskers_reach = max(max(line.get_xdata()) for line in boxes)
    plt.close(figure)
    assert labels[0].endswith("(n=6)") and labels[1].endswith("(n=<5)")
    assert whiskers_reach < 70  # the small programme's scores (30, 70) are drawn nowhere


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_comparison_sentence_hides_a_small_group_and_its_mean(lang):
    result = independent_groups([1.0, 2.0, 1.5], [0.5, 0.7, 0.2, 0.9, 0.4, 0.6])
    text = summaries.comparison_text(result, ["A", "B"], lang, suppress_below=5)
    assert "A: n = <5, M = —; B: n = 6, M = " in text
    assert "A: n = 3, M = 1" in summaries.comparison_text(result, ["A", "B"], lang, suppress_below=None)


def test_row_counts_of_an_export():
    assert summaries.row_counts_text({"clients": 215, "services": 3}, 5, "en") == \
        "Rows in the files: clients: 215, services: <5"


def test_the_number_at_risk_under_a_curve():
    goals = pd.DataFrame({"programme": ["family_support"] * 6 + ["idp_support"] * 2,
                          "days": [0, 30, 100, 200, 400, 500, 95, 370], "event": [1, 1, 1, 0, 1, 0, 1, 1]})
    table = summaries.at_risk_table(goals, ["family_support", "idp_support", "care_leavers"], lang="en")
    assert list(table.columns) == ["Programme", "At risk on day 0", "At risk on day 90", "At risk on day 180",
                                   "At risk on day 365"]
    assert table.iloc[:, 1:].values.tolist() == [[6, 4, 3, 2], [2, 2, 1, 1]]  # no row for a programme with no goals
