"""Tables for people: numbers as a director reads them, in Ukrainian and English, long lists cut with a total."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.analysis import outcomes
from workbench.analysis.caseload import overview_table
from workbench.analysis.overview import domain_summary
from workbench.analysis.presentation import excel_format, formatted, headed, kinds_of, people
from workbench.i18n import UserError


@pytest.mark.parametrize("value, kind, uk, en", [
    (67.0, "count", "67", "67"),
    (1234567, "count", "1\u00a0234\u00a0567", "1,234,567"),
    (0.536913, "share", "54\u00a0%", "54%"),
    (1.0, "share", "100\u00a0%", "100%"),
    (1.84335, "mean", "1,8", "1.8"),
    (-0.5969, "mean_change", "−0,6", "−0.6"),
    (0.04, "mean_change", "0,0", "0.0"),  # no sign on a change that rounds to nothing
    (0.36, "mean_change", "+0,4", "+0.4"),
    (5, "change", "+5", "+5"),
    (-12, "change", "−12", "−12"),
    (date(2026, 7, 1), "date", "01.07.2026", "01.07.2026"),
    (pd.Timestamp("2026-07-01"), "date", "01.07.2026", "01.07.2026"),
    (float("nan"), "mean", "—", "—"),
    (pd.NA, "count", "—", "—"),
    (None, "text", "", ""),
    (True, "text", "так", "yes"),
    ("Житло", "text", "Житло", "Житло"),
])
def test_each_kind_reads_as_a_person_expects(value, kind, uk, en):
    assert formatted(value, kind, "uk") == uk and formatted(value, kind, "en") == en


def test_headed_renames_records_kinds_and_refuses_an_unknown_one():
    frame = pd.DataFrame({"who": ["a"], "n": [3.0], "share": [0.5]})
    table = headed(frame, {"who": "Хто", "n": "Скільки"}, {"n": "count", "share": "share"})
    assert list(table.columns) == ["Хто", "Скільки", "share"] and str(table["Скільки"].dtype) == "Int64"
    assert table.attrs == {"kinds": {"Скільки": "count", "share": "share"}, "total_row": False}
    assert kinds_of(table) == {"Хто": "text", "Скільки": "count", "share": "share"}
    with pytest.raises(ValueError):
        headed(frame, {}, {"n": "percent"})


def test_kinds_are_judged_when_not_recorded():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [1.5, 2.0], "c": [date(2026, 1, 1), None], "d": ["x", "y"],
                          "e": [True, False]})
    assert kinds_of(frame) == {"a": "count", "b": "mean", "c": "date", "d": "text", "e": "text"}


def _html(styler) -> str:
    return styler.to_html()


def test_people_shows_no_index_and_formats_each_column():
    change = pd.DataFrame({"axis": ["child_development"], "clients": [63], "mean_first": [1.843348],
                           "mean_latest": [1.24641], "change": [-0.596939], "improved": [0.603175],
                           "unchanged": [0.301587], "worse": [0.095238]})
    table = outcomes.change_table(change, outcomes.instrument_named("family_needs_assessment"), "uk")
    html = _html(people(table, "uk"))
    for shown in (">Потреби розвитку дитини<", ">63<", ">1,8<", ">1,2<", ">−0,6<", ">60\u00a0%<", ">30\u00a0%<",
                  ">10\u00a0%<"):
        assert shown in html, shown
    assert "row_heading" not in html and "0.603175" not in html and "1.843348" not in html
    assert "child_development" not in html  # the domain's name, not its code
    assert ">60%<" in _html(people(outcomes.change_table(change, outcomes.instrument_named("family_needs_assessment"),
                                                          "en"), "en"))


def test_a_long_list_is_cut_to_the_top_with_how_many_more():
    frame = pd.DataFrame({"Випадок": [f"2026-{n:05d}" for n in range(1, 112)], "Відкриттів": range(111, 0, -1)})
    html = _html(people(frame, "uk"))
    assert "2026-00015" in html and "2026-00016" not in html
    assert "… і ще 96; усього 111" in html
    assert "… and 106 more; 111 in all" in _html(people(frame, "en", top=5))
    assert "2026-00111" in _html(people(frame, "uk", top=None)) and "усього" not in _html(people(frame, "uk", top=None))
    for bad in (0, "15", True, 2.5):
        with pytest.raises(UserError) as refused:
            people(frame, "uk", top=bad)
        assert refused.value.key == "table.bad_top"


def test_a_cut_list_keeps_its_total_row():
    frame = pd.DataFrame({"Вид": [f"вид {n}" for n in range(20)] + ["Разом"], "Послуг": [1] * 20 + [20]})
    table = headed(frame, {}, {"Послуг": "count"}, total_row=True)
    html = _html(people(table, "uk", top=3))
    assert "вид 2" in html and "вид 3" not in html and "Разом" in html and "… і ще 17; усього 20" in html
    assert "font-weight: bold" in html


def test_the_overview_keeps_dates_and_shows_them_as_dd_mm_yyyy():
    frame = pd.DataFrame([{"case_id": 1, "case_number": "2026-00001", "programme": "idp_support",
                           "worker": "olena.demo", "worker_name": "Олена Тихоліс", "status": "assessment",
                           "urgent": True, "assessment_due": date(2026, 6, 16), "accompaniment_due": None,
                           "next_due": date(2026, 6, 16), "overdue": False}])
    table = overview_table(frame, "uk")
    assert table.iloc[0]["Оцінювання до"] == date(2026, 6, 16)
    html = _html(people(table, "uk"))
    assert ">16.06.2026<" in html and "Олена Тихоліс" in html and "olena.demo" not in html
    assert "idp_support" not in html and "Підтримка внутрішньо переміщених сімей" in html


def test_domain_summary_means_read_with_one_decimal(instrument):
    scores = pd.DataFrame({"assessment_id": [1, 2], "case_id": [1, 2], "programme": ["family_support"] * 2,
                           "visit": [1, 1], "domain": ["child_development"] * 2, "score": [1.0, 2.3333]})
    html = _html(people(domain_summary(scores, instrument, "en"), "en"))
    assert ">1.7<" in html and "1.666" not in html


def test_excel_formats_match_the_kinds():
    assert excel_format("share", "uk") == "0\\ %" and excel_format("share", "en") == "0%"
    assert excel_format("mean", "uk") == "0.0" and excel_format("date") == "DD.MM.YYYY"
    assert excel_format("text") is None


def test_halves_round_up_as_a_reader_rounds():
    from workbench.analysis.presentation import formatted
    assert formatted(1 / 8, "share", "en") == "13%" and formatted(1 / 8, "share", "uk") == "13\u00a0%"
    assert formatted(2.25, "mean", "en") == "2.3" and formatted(-2.25, "mean", "uk") == "−2,3"
    assert formatted(0.115, "share", "en") == "12%" and formatted(0.114, "share", "en") == "11%"
