"""Figures carry the values they were given, with titles and labels in the chosen language."""
import pandas as pd

from workbench.analysis.overview import domain_summary
from workbench.charts import domain_trend_figure


def scores():
    rows = []
    for programme, values in (("family_support", [2.0, 1.5, 1.0]), ("idp_support", [2.0, 1.9])):
        for visit, score in enumerate(values, start=1):
            for case in (1, 2):
                rows.append({"assessment_id": hash((programme, visit, case)) % 10**6, "case_id": case,
                             "programme": programme, "visit": visit, "domain": "housing_d",
                             "score": score + (0.25 if case == 1 else -0.25)})
    return pd.DataFrame(rows)


def test_domain_trend_lines_carry_the_means():
    fig = domain_trend_figure(scores(), "en", {"housing_d": "Housing"})
    ax = fig.axes[0]
    lines = {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.get_lines()}
    assert lines["Support for families with children in difficult life circumstances (n=2)"] == ([1, 2, 3],
                                                                                                  [2.0, 1.5, 1.0])
    assert lines["Support for internally displaced families (n=2)"] == ([1, 2], [2.0, 1.9])
    assert ax.get_title() == "Housing" and ax.get_xlabel() == "Assessment (1 = first)"
    assert fig._suptitle.get_text() == "Mean need score by domain, visit by visit"
    assert "latest versions" in fig.caption


def test_domain_trend_in_ukrainian_and_with_no_data():
    fig = domain_trend_figure(scores(), "uk")
    assert fig._suptitle.get_text().startswith("Середній бал")
    empty = domain_trend_figure(scores().iloc[0:0], "en")
    assert empty.caption == "No data"


def test_domain_summary_headers_follow_the_language(instrument):
    table = domain_summary(scores(), instrument, "uk")
    assert list(table.columns) == ["Програма", "Домен", "Оцінювання №", "Середній бал", "Кількість оцінювань"]
    assert table["Середній бал"].tolist() == [2.0, 1.5, 1.0, 2.0, 1.9]
    assert domain_summary(scores().iloc[0:0], instrument, "en").columns[0] == "Programme"
