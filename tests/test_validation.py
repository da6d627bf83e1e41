"""Checking submissions against the family needs assessment: coercion, relevance, required, constraints."""
from datetime import date

import pytest

from workbench.instruments.validation import answer_rows, answers_from_rows, check_submission

TODAY = date(2026, 6, 15)


def problems(instrument, answers):
    checked = check_submission(instrument, answers, today=TODAY)
    return {(p.item, p.instance): p for p in checked.problems}, checked


def test_a_complete_submission_passes_and_comes_back_typed(instrument, valid_answers):
    found, checked = problems(instrument, valid_answers)
    assert found == {}
    assert isinstance(checked.answers["household_size"], int)
    assert isinstance(checked.answers["visit_date"], date)
    assert checked.answers["child"][0]["child_name"] == "Злата"


def test_values_typed_as_text_in_widgets_are_accepted(instrument, valid_answers):
    answers = dict(valid_answers, household_size=" 4 ", income_per_person="2500,50", visit_date="01.02.2026",
                   income_sources="wages child_benefit")
    found, checked = problems(instrument, answers)
    assert found == {}
    assert checked.answers["household_size"] == 4
    assert checked.answers["income_per_person"] == 2500.5
    assert checked.answers["visit_date"] == date(2026, 2, 1)
    assert checked.answers["income_sources"] == ["wages", "child_benefit"]


@pytest.mark.parametrize("item, value, key_or_text", [
    ("household_size", "0", "Enter a number from 1 to 30."),
    ("household_size", "31", "Enter a number from 1 to 30."),
    ("household_size", "3.5", "validation.not_integer"),
    ("household_size", "три", "validation.not_integer"),
    ("household_size", True, "validation.not_integer"),
    ("household_size", 10**15, "validation.number_too_large"),
    ("income_per_person", "-1", "Enter an amount from 0 to 1,000,000 UAH."),
    ("income_per_person", "nan", "validation.not_decimal"),
    ("income_per_person", float("inf"), "validation.not_decimal"),
    ("visit_date", "31.02.2026", "validation.not_date"),
    ("visit_date", "2026-13-01", "validation.not_date"),
    ("visit_date", "01.01.1850", "validation.date_out_of_range"),
    ("visit_date", "16.06.2026", "The visit date cannot be later than today."),
    ("visit_date", 20260101, "validation.not_date"),
    ("urgent", "maybe", "validation.unknown_choice"),
    ("urgent", 1, "validation.unknown_choice"),
    ("basic_care", "4", "validation.unknown_choice"),
    ("basic_care", "-1", "validation.unknown_choice"),
    ("income_sources", ["wages", "lottery"], "validation.unknown_choice"),
    ("income_sources", ["wages", "wages"], "validation.duplicate_choice"),
    ("income_sources", ["none", "wages"], '"No income" cannot be combined with other options.'),
    ("conclusion_text", "bell\x07", "text.bad_character"),
    ("conclusion_text", "x" * 5001, "validation.text_too_long"),
    ("conclusion_text", ["a list"], "validation.not_text"),
    ("conclusion_text", "", "validation.required"),
    ("conclusion_text", "   ", "validation.required"),
    ("in_difficult_circumstances", None, "validation.required"),
])
def test_bad_values_get_a_message_in_both_languages(instrument, valid_answers, item, value, key_or_text):
    found, _ = problems(instrument, dict(valid_answers, **{item: value}))
    assert list(found) == [(item, 0)]
    problem = found[(item, 0)]
    english, ukrainian = problem.message("en"), problem.message("uk")
    assert problem.key == key_or_text or english == key_or_text
    assert english and ukrainian and english != ukrainian


def test_each_child_is_checked_on_its_own(instrument, valid_answers):
    second = dict(valid_answers["child"][0], child_name="Остап", child_birth_date="01.01.2008")  # 18 on the visit
    third = dict(valid_answers["child"][0], child_name="", health="7")
    found, checked = problems(instrument, dict(valid_answers, child=[valid_answers["child"][0], second, third]))
    assert set(found) == {("child_birth_date", 2), ("child_name", 3), ("health", 3)}
    assert found[("child_birth_date", 2)].message("uk") == (
        "Дата народження не може бути пізнішою за дату візиту, а дитині на день візиту має бути до 18 років.")
    # The age is computed from the date of birth on the visit day (completed years), never typed.
    assert [c.get("child_age") for c in checked.answers["child"]] == [7, 18, 7]


def test_the_childs_age_is_whole_years_on_the_visit_day(instrument, valid_answers):
    for born, visit, age in (("2019-02-02", "2026-02-01", 6), ("2019-02-01", "2026-02-01", 7),
                             ("2024-02-29", "2025-02-28", 0), ("2024-02-29", "2025-03-01", 1)):
        child = dict(valid_answers["child"][0], child_birth_date=born)
        _, checked = problems(instrument, dict(valid_answers, visit_date=visit, child=[child]))
        assert checked.answers["child"][0]["child_age"] == age, (born, visit)
    forged = dict(valid_answers["child"][0], child_age="3")
    found, _ = problems(instrument, dict(valid_answers, child=[forged]))
    assert found[("child_age", 1)].key == "validation.not_input"


def test_answers_to_hidden_items_are_dropped(instrument, valid_answers):
    answers = dict(valid_answers, urgent="no", urgent_details="typed before switching to no",
                   in_difficult_circumstances="no", case_complexity="complex")
    found, checked = problems(instrument, answers)
    assert found == {}
    assert "urgent_details" not in checked.answers and "case_complexity" not in checked.answers
    assert ("urgent_details", 0) in checked.hidden


def test_a_relevant_required_item_must_be_answered(instrument, valid_answers):
    answers = dict(valid_answers, urgent="yes")
    answers.pop("urgent_details", None)
    found, _ = problems(instrument, answers)
    assert list(found) == [("urgent_details", 0)]


@pytest.mark.parametrize("forged", [
    {"no_such_item": "x"},
    {"child": "not a list"},
    {"child": [{"not_in_child": 1}]},
    {"child": [{"household_size": 3}]},   # a top-level item inside the repeat
    {"health": "1"},                      # a repeat item at the top level
    {"scale_note": "a note takes no answer"},
    {"child": [{}] * 51},
])
def test_forged_shapes_are_refused(instrument, valid_answers, forged):
    found, _ = problems(instrument, dict(valid_answers, **forged))
    assert found
    for problem in found.values():
        assert problem.message("en") and problem.message("uk")


def test_a_submission_that_is_not_a_dict_is_refused(instrument):
    checked = check_submission(instrument, ["not", "a", "form"], today=TODAY)
    assert not checked.ok and checked.problems[0].key == "validation.not_a_form"


def test_text_that_looks_like_sql_or_html_is_kept_exactly(instrument, valid_answers):
    hostile = "Robert'); DROP TABLE answers;-- <script>alert('x')</script>\tтаб\nрядок"
    found, checked = problems(instrument, dict(valid_answers, conclusion_text=hostile))
    assert found == {} and checked.answers["conclusion_text"] == hostile


def test_long_form_rows_round_trip(instrument, valid_answers):
    _, checked = problems(instrument, valid_answers)
    rows = answer_rows(instrument, checked.answers)
    by_item = {(r["item"], r["instance"]): r for r in rows}
    assert by_item[("health", 1)]["repeat"] == "child"
    assert by_item[("household_size", 0)]["number"] == float(checked.answers["household_size"])
    assert by_item[("basic_care", 0)]["number"] == float(checked.answers["basic_care"])
    assert by_item[("readiness", 0)]["number"] is None  # not scored: word choices
    assert answers_from_rows(instrument, rows) == checked.answers
