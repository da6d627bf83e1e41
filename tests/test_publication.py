"""Small-count suppression and the formatting of tables for a paper, in both languages.

Formatting conventions: APA Publication Manual (7th ed.) for English — "M (SD)", "[low, high]",
no leading zero for p, "< .001"; for Ukrainian the decimal comma, "; " between interval limits
and the leading zero kept. The Lakens (2013) movie values in the last test are the paper's
printed ones (see tests/test_evaluation_change.py for the source).
"""
import math

import pandas as pd
import pytest

from workbench.evaluation.change import change_table
from workbench.evaluation.publication import (
    format_ci, format_change_table, format_estimate_ci, format_mean_sd, format_number, format_p, format_t,
    is_hidden, shown_count, shown_share, suppress_small_counts, table_for_people, write_for_publication,
)
from conftest import refused as _refused


def counts():
    return pd.DataFrame({"district": ["A", "B", "C", "D", "E", "F"],
                         "clients": [0, 1, 4, 5, 12, None],
                         "mean_score": [math.nan, 2.0, 2.5, 3.1, 2.2, math.nan]})


# --- suppression ---------------------------------------------------------------------------

def test_counts_one_to_four_are_hidden_zero_and_five_are_kept():
    out = suppress_small_counts(counts(), "clients")
    assert out["clients"].tolist()[:5] == [0, "<5", "<5", 5, 12]
    assert out["clients"].isna().tolist()[5]  # a missing count stays missing
    assert out.attrs["n_suppressed"] == 2
    assert counts()["clients"].tolist()[1] == 1  # the input is not changed


def test_zero_can_be_hidden_and_the_threshold_and_marker_changed():
    out = suppress_small_counts(counts(), ["clients"], keep_zero=False)
    assert out["clients"].tolist()[:5] == ["<5", "<5", "<5", 5, 12]
    out = suppress_small_counts(counts(), ["clients"], threshold=10, marker="≤9")
    assert out["clients"].tolist()[:5] == [0, "≤9", "≤9", "≤9", 12]
    out = suppress_small_counts(counts(), ["clients"], threshold=1)
    assert out["clients"].tolist()[:5] == [0, 1, 4, 5, 12]  # threshold 1 hides nothing


def test_statistics_from_fewer_than_threshold_cases_are_hidden_when_asked():
    out = suppress_small_counts(counts(), "clients", statistic_columns=["mean_score"], n_column="clients")
    assert out["clients"].tolist()[1:3] == ["<5", "<5"]
    assert out["mean_score"].tolist()[1:5] == ["<5", "<5", 3.1, 2.2]
    assert math.isnan(out["mean_score"].tolist()[0])  # no cases: already empty, left alone
    out = suppress_small_counts(counts(), [], statistic_columns="mean_score", n_column="clients",
                                statistic_marker="—")
    assert out["clients"].tolist()[1] == 1 and out["mean_score"].tolist()[1:3] == ["—", "—"]


def test_one_rule_for_a_count_wherever_it_is_published():
    assert [shown_count(n) for n in (0, 1, 4, 5, 12, None)] == [0, "<5", "<5", 5, 12, None]
    assert shown_count(9, 10) == "<10" and shown_count(0, keep_zero=False) == "<5"
    assert shown_count(3, None) == 3 and not is_hidden(3, None) and is_hidden(3) and not is_hidden(0)
    assert suppress_small_counts(counts(), "clients", threshold=10)["clients"].tolist()[:5] == [0, "<10", "<10", "<10", 12]
    _refused(lambda: shown_count(2.5), "evaluation.not_a_count")
    _refused(lambda: shown_count(3, 0), "evaluation.threshold")


def test_a_share_is_hidden_with_its_count():
    assert shown_share(12, 40, lang="en") == "12 (30%)" and shown_share(1, 3, lang="uk", digits=1) == "<5"
    assert shown_share(12, 45, lang="uk", digits=1) == "12 (26,7%)"
    assert shown_share(3, 40) == "<5"  # 3 of 40 would be 8%: the share gives the count back
    assert shown_share(3, 40, None) == "3 (8%)" and shown_share(0, 0) == "0"


@pytest.mark.parametrize("threshold", [0, -5, 2.5, "5", True, None])
def test_a_threshold_that_is_not_a_positive_whole_number_is_refused(threshold):
    _refused(lambda: suppress_small_counts(counts(), "clients", threshold=threshold), "evaluation.threshold")


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True])
def test_values_that_are_not_counts_are_refused(bad):
    table = counts()
    table["clients"] = table["clients"].astype(object)
    table.loc[2, "clients"] = bad
    error = _refused(lambda: suppress_small_counts(table, "clients"), "evaluation.not_a_count")
    assert "row 3" in error.message("en") and "рядок 3" in error.message("uk")


def test_missing_columns_and_statistics_without_a_count_column_are_refused():
    _refused(lambda: suppress_small_counts(counts(), "people"), "evaluation.missing_column")
    _refused(lambda: suppress_small_counts(counts(), "clients", statistic_columns=["mean_score"]),
             "evaluation.n_column_needed")


# --- formatting ------------------------------------------------------------------------------

@pytest.mark.parametrize("p, en, uk", [
    (0.00105, ".001", "0,001"),
    (0.021508, ".022", "0,022"),  # Lakens (2013): t(18) = 2.52, p = .022 (scipy: 0.021508)
    (0.000285, "< .001", "< 0,001"),
    (0.0009999, "< .001", "< 0,001"),
    (0.001, ".001", "0,001"),
    (0.5, ".500", "0,500"),
    (0.9996, "> .999", "> 0,999"),
    (None, "—", "—"),
    (math.nan, "—", "—"),
])
def test_p_values(p, en, uk):
    assert format_p(p, "en") == en
    assert format_p(p, "uk") == uk


def test_numbers_means_and_intervals_in_both_languages():
    assert format_number(1.5, 2, "en") == "1.50" and format_number(1.5, 2, "uk") == "1,50"
    assert format_number(-0.296, 2, "en") == "−0.30" and format_number(-0.001, 2, "en") == "0.00"
    assert format_number(None) == "—"
    assert format_mean_sd(8.7, 0.8233, 2, "en") == "8.70 (0.82)"
    assert format_mean_sd(8.7, 0.8233, 2, "uk") == "8,70 (0,82)"
    assert format_mean_sd(8.7, None, 2, "en") == "8.70 (—)" and format_mean_sd(None, 1, 2, "en") == "—"
    assert format_ci(0.5605, 2.4034, 2, "en") == "[0.56, 2.40]"
    assert format_ci(-0.7306, 3.064, 2, "uk") == "[−0,73; 3,06]"
    assert format_ci(None, 1, 2, "en") == "—"
    assert format_estimate_ci(1.5, 0.5605, 2.4034, 2, "en") == "1.50 [0.56, 2.40]"
    assert format_estimate_ci(1.5, None, None, 2, "en") == "1.50"
    assert format_t(4.7434, 9, 2, "en") == "4.74 (9)"
    assert format_t(-3.7671, 18.3323, 2, "uk") == "−3,77 (18,33)"


def test_change_table_for_a_paper_in_both_languages():
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    rows = [{"client": i, "time": t, "score": s, "scale": "movies"}
            for i, (b, a) in enumerate(zip(movie_2, movie_1)) for t, s in ((1, b), (2, a))]
    rows += [{"client": 100 + i, "time": t, "score": s, "scale": "tiny"}
             for i, (b, a) in enumerate([(1, 2), (2, 4), (3, 3)]) for t, s in ((1, b), (2, a))]
    table = change_table(pd.DataFrame(rows), lang="en")
    en = format_change_table(table, "en")
    assert list(en.columns) == ["Scale", "n", "Before, M (SD)", "After, M (SD)", "Mean difference [95% CI]",
                                "t (df)", "p", "Wilcoxon W+, p", "d_z [95% CI]", "d_rm [95% CI]",
                                "d_av [95% CI]", "g_av [95% CI]", "Notes"]
    movies = en.iloc[0]
    # Lakens (2013): M = 7.7 (0.95) and 8.7 (0.82), t(9) = 4.74, p = .001, d_z = 1.50, d_av = 1.13, g_av = 1.08.
    assert movies["Before, M (SD)"] == "7.70 (0.95)" and movies["After, M (SD)"] == "8.70 (0.82)"
    assert movies["t (df)"] == "4.74 (9)" and movies["p"] == ".001"
    assert movies["d_z [95% CI]"].startswith("1.50 [") and movies["d_av [95% CI]"].startswith("1.13 [")
    assert movies["g_av [95% CI]"].startswith("1.08 [")
    uk = format_change_table(table, "uk")
    assert list(uk.columns)[:5] == ["Шкала", "n", "До: середнє (СВ)", "Після: середнє (СВ)", "Різниця [95% ДІ]"]
    assert uk.iloc[0]["До: середнє (СВ)"] == "7,70 (0,95)" and uk.iloc[0]["p"] == "0,001"
    assert uk.columns[8] == "Ефект d_z [95% ДІ]"
    # With a minimum of 5 pairs, the 3-pair scale shows "<5" and no statistics.
    hidden = format_change_table(table, "en", min_n=5)
    tiny = hidden.iloc[1]
    assert tiny["n"] == "<5" and tiny["Before, M (SD)"] == "—" and tiny["d_z [95% CI]"] == "—"
    assert hidden.iloc[0]["n"] == 10 and hidden.iloc[0]["t (df)"] == "4.74 (9)"
    assert format_change_table(table, "en", level=90).columns[4] == "Mean difference [90% CI]"


def test_the_counts_in_the_notes_of_a_change_table_are_hidden_too():
    rows = [{"client": i, "time": t, "score": s, "scale": "movies"}
            for i, (b, a) in enumerate(zip([9, 6, 7, 8, 7, 9, 8, 8, 8, 7], [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]))
            for t, s in ((1, b), (2, a))]
    rows += [{"client": 50 + i, "time": 1, "score": 5, "scale": "movies"} for i in range(2)]  # measured once
    for lang, note in (("en", "Clients with a single measurement (left out): {n}."),
                       ("uk", "Клієнтів лише з одним вимірюванням (не враховано): {n}.")):
        table = change_table(pd.DataFrame(rows), lang=lang)
        notes = format_change_table(table, lang).iloc[0].iloc[-1]
        assert note.format(n=2) in notes and "(9, 9)" not in notes
        shown = format_change_table(table, lang, min_n=5).iloc[0].iloc[-1]
        assert note.format(n="<5") in shown and note.format(n=2) not in shown


def test_a_table_for_people_has_no_index_and_numbers_in_the_readers_convention(tmp_path):
    table = suppress_small_counts(counts(), "clients", statistic_columns=["mean_score"], n_column="clients")
    html = table_for_people(table, "uk").to_html()
    assert "row_heading" not in html  # no index column
    assert ">3,10<" in html and ">2,20<" in html and "&lt;5" in html and ">—<" in html and ">12<" in html
    assert ">3.10<" in table_for_people(table, "en", digits=2).to_html()
    assert ">3.1<" in table_for_people(table, "en", digits=1).to_html()


def test_files_for_publication_are_written_private(tmp_path):
    import matplotlib.pyplot as plt
    import stat

    figure, _ = plt.subplots()
    figure.caption = "A caption, n = <5."
    table = suppress_small_counts(counts(), "clients")
    written = write_for_publication(tmp_path / "paper", {"districts": table}, {"chart": figure}, ["One.", "Two."])
    plt.close(figure)
    assert sorted(p.name for p in written) == ["chart.png", "chart.txt", "conclusions.md", "districts.csv"]
    assert (tmp_path / "paper" / "districts.csv").read_text(encoding="utf-8").splitlines()[2] == "B,<5,2.0"
    assert (tmp_path / "paper" / "chart.txt").read_text(encoding="utf-8") == "A caption, n = <5.\n"
    assert (tmp_path / "paper" / "conclusions.md").read_text(encoding="utf-8") == "One.\n\nTwo.\n"
    assert all(not stat.S_IMODE(p.stat().st_mode) & stat.S_IRWXO for p in written)
