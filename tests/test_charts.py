"""Figures carry the values they were given, with titles and labels in the chosen language."""
import pandas as pd

from workbench.analysis.overview import domain_summary
from workbench.charts.report import domain_trend_figure


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


def test_the_statistics_modules_draw_no_figures():
    """The analysis and evaluation modules return numbers; every figure is drawn in workbench/charts."""
    import ast
    from pathlib import Path

    import workbench

    root = Path(workbench.__file__).parent
    drawing = []
    for folder in ("analysis", "evaluation"):
        for path in sorted((root / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
                names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(name.split(".")[0] == "matplotlib" or "charts" in name.split(".") for name in names):
                    drawing.append(f"{folder}/{path.name}")
    assert drawing == []
    assert len(list((root / "evaluation").glob("*.py"))) > 5  # the scan did look
