"""A repeat inside a repeat (household members, each with several jobs): loaded, filled in the form view,
checked entry by entry, saved as long-form rows with the outer entry in the repeat path, and read back equal."""
from datetime import date

import pytest

from conftest import TODAY
from workbench.analysis.scoring import domain_scores
from workbench.apps.assessment_record import assessment_html
from workbench.forms.view import FormView
from workbench.instruments.loader import InstrumentError, load_instrument
from workbench.instruments.validation import answer_rows, answers_from_rows, check_submission, repeat_path
from workbench.store import records, research
from workbench.store.assessments import SubmissionInvalid, get_assessment, save_assessment

HEADER = ("| | type | name | label::Українська (uk) | label::English (en) | relevant | constraint | repeat_count "
          "| required |")
ROWS = [
    "| | integer | household_size | Розмір родини | Household size | | . > 0 | | |",
    "| | begin_repeat | member | Член родини | Member | | | | |",
    "| | text | member_name | Імʼя | Name | | | | |",
    "| | integer | age | Вік | Age | | . >= 0 | | |",
    "| | begin_repeat | job | Робота | Job | ${age} >= 14 | | | |",
    "| | text | employer | Роботодавець | Employer | | | | yes |",
    # a reference to the enclosing entry: hours are allowed only for an adult member's job
    "| | integer | hours | Годин (вік ${age}) | Hours (age ${age}) | | . <= 40 or ${age} >= 18 | | |",
    "| | begin_group | work | Умови праці | Working conditions | | | | |",
    "| | select_one lvl | strain | Навантаження | Strain | | | | |",
    "| | end_group | | | | | | | |",
    "| | end_repeat | | | | | | | |",
    "| | end_repeat | | | | | | | |",
]
CHOICES = ["| choices |", "| | list_name | name | label::Українська (uk) | label::English (en) |",
           "| | lvl | 0 | Немає | None |", "| | lvl | 1 | Трохи | Some |", "| | lvl | 2 | Багато | Much |"]


def write_form(tmp_path, rows, name="nested.md"):
    path = tmp_path / name
    path.write_text("\n".join(["| survey |", HEADER, *rows, *CHOICES]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nested(tmp_path_factory):
    return load_instrument(write_form(tmp_path_factory.mktemp("nested"), ROWS))


ANSWERS = {"household_size": 2, "member": [
    {"member_name": "Ганна", "age": 40, "job": [{"employer": "Школа", "hours": 20, "strain": "2"}]},
    {"member_name": "Петро", "age": 16, "job": [{"employer": "Кафе", "hours": 10, "strain": "1"},
                                                {"employer": "Пекарня", "hours": 45}]},
]}


def test_a_repeat_inside_a_repeat_loads(nested):
    assert nested.items["hours"].repeat == "job" and nested.sections["job"].repeat == "member"
    assert nested.items["hours"].parents == ("member", "job")


def test_a_reference_into_an_inner_repeat_from_its_outer_entry_is_refused(tmp_path):
    rows = ROWS[:4] + ["| | integer | total | Разом | Total | ${hours} > 0 | | | |"] + ROWS[4:]
    with pytest.raises(InstrumentError) as err:
        load_instrument(write_form(tmp_path, rows))
    assert "repeat 'job'" in err.value.message("en")


def test_a_failing_constraint_in_an_inner_entry_names_that_entry(nested):
    checked = check_submission(nested, ANSWERS, today=TODAY)
    assert [(p.item, p.instance, p.key) for p in checked.problems] == [("hours", (2, 2), "validation.constraint")]
    message = checked.problems[0].message("en")
    assert message.startswith("Member #2 › Job #2: ")
    assert checked.problems[0].message("uk").startswith("Член родини №2 › Робота №2: ")
    adult = dict(ANSWERS["member"][1], age=18)
    assert check_submission(nested, {**ANSWERS, "member": [ANSWERS["member"][0], adult]}, today=TODAY).ok
    no_employer = dict(adult, job=[{"hours": 5}])
    checked = check_submission(nested, {"member": [ANSWERS["member"][0], no_employer]}, today=TODAY)
    assert [(p.item, p.instance, p.key) for p in checked.problems] == [("employer", (2, 1), "validation.required")]
    assert checked.problems[0].message("en") == "Member #2 › Job #1: This field is required."


def test_relevance_and_counts_apply_per_outer_entry(tmp_path):
    rows = list(ROWS)
    rows[4] = "| | begin_repeat | job | Робота | Job | ${age} >= 14 | | 1 | |"
    counted = load_instrument(write_form(tmp_path, rows))
    young = {"member": [{"age": 10, "job": [{"employer": "X"}]}, {"age": 30}]}
    checked = check_submission(counted, young, today=TODAY)
    # the child's jobs are not relevant (dropped); the adult's one job is missing
    assert [(p.item, p.instance, p.key) for p in checked.problems] == [("job", 2, "validation.repeat_count")]
    assert checked.answers["member"] == [{"age": 10}, {"age": 30}]


def test_an_inner_count_reads_its_outer_entry_in_checks_and_in_the_form(tmp_path):
    rows = ROWS[:4] + ["| | integer | n_jobs | Скільки робіт | How many jobs | | | | |"] + ROWS[4:]
    rows[5] = "| | begin_repeat | job | Робота | Job | | | ${n_jobs} | |"
    counted = load_instrument(write_form(tmp_path, rows))
    checked = check_submission(counted, {"member": [{"n_jobs": 2, "job": [{"employer": "X"}] * 2},
                                                    {"n_jobs": 1, "job": [{"employer": "X"}] * 2}]}, today=TODAY)
    assert [(p.item, p.instance, p.key) for p in checked.problems] == [("job", 2, "validation.repeat_count")]
    view = FormView(counted, lang="en")
    view.set_values({"member": [{"n_jobs": 2}, {"n_jobs": 0}]})
    members = view.repeats["member"].instances
    assert [len(m.repeats["job"].instances) for m in members] == [2, 0]
    members[1].fields["n_jobs"].set_value("3")
    assert [len(m.repeats["job"].instances) for m in members] == [2, 3]
    assert members[1].repeats["job"].add_button.layout.display == "none"


def test_entries_in_all_repeats_together_are_limited(nested):
    member = {"age": 30, "job": [{"employer": "X"}] * 50}
    assert check_submission(nested, {"member": [member] * 9}, today=TODAY).ok  # 9 + 450 entries
    checked = check_submission(nested, {"member": [member] * 10}, today=TODAY)  # the 10th member's jobs: 510
    assert [(p.item, p.instance, p.key) for p in checked.problems] == [("job", 10, "validation.too_many_entries")]


def test_an_inner_repeat_at_the_top_of_the_form_is_refused(nested):
    checked = check_submission(nested, {"job": [{"employer": "X"}]}, today=TODAY)
    assert [(p.item, p.key) for p in checked.problems] == [("job", "validation.unknown_item")]


def test_rows_keep_the_outer_entry_in_the_repeat_path_and_read_back_equal(nested):
    answers = {**ANSWERS, "member": [ANSWERS["member"][0], dict(ANSWERS["member"][1], age=18)]}
    checked = check_submission(nested, answers, today=TODAY)
    rows = answer_rows(nested, checked.answers)
    assert {(r["repeat"], r["instance"], r["item"], r["value"]) for r in rows if r["item"] == "employer"} == {
        ("member[1]/job", 1, "employer", "Школа"), ("member[2]/job", 1, "employer", "Кафе"),
        ("member[2]/job", 2, "employer", "Пекарня")}
    assert ("member", 2, "age", "18") in {(r["repeat"], r["instance"], r["item"], r["value"]) for r in rows}
    assert answers_from_rows(nested, list(reversed(rows))) == checked.answers == answers
    assert repeat_path("member[12]/job") == [("member", 12)] and repeat_path("child") == []
    with pytest.raises(ValueError):
        repeat_path("member/job")


def test_the_form_view_adds_and_removes_inner_entries_in_each_outer_entry(nested):
    view = FormView(nested, lang="en")
    view.set_values(ANSWERS)
    members = view.repeats["member"].instances
    assert [len(m.repeats["job"].instances) for m in members] == [1, 2]
    assert view.values() == {"household_size": "2", "member": [
        {"member_name": "Ганна", "age": "40", "job": [{"employer": "Школа", "hours": "20", "strain": "2"}]},
        {"member_name": "Петро", "age": "16", "job": [{"employer": "Кафе", "hours": "10", "strain": "1"},
                                                      {"employer": "Пекарня", "hours": "45", "strain": None}]}]}
    checked = view.check()
    hours = members[1].repeats["job"].instances[1].fields["hours"]
    assert hours.instance == (2, 2) and "Member #2 › Job #2" in hours.error.value
    assert "Hours (age 16)" in hours.label.value  # the enclosing entry's answer in a label
    members[0].repeats["job"].add()
    members[1].repeats["job"].remove(members[1].repeats["job"].instances[0])
    assert members[1].repeats["job"].instances[0].fields["hours"].instance == (2, 1)
    assert [len(m["job"]) for m in view.values()["member"]] == [2, 1]
    view.repeats["member"].remove(members[0])
    assert view.repeats["member"].instances[0].repeats["job"].instances[0].fields["hours"].instance == (1, 1)
    assert checked.problems and view.check().problems[0].instance == (1, 1)
    members = view.repeats["member"].instances
    members[0].fields["age"].set_value("9")  # a child: the jobs are hidden
    assert members[0].repeats["job"].instances[0].fields["employer"].box.layout.display == "none"


def test_save_and_read_back_equal_and_shown_in_the_record(db, household_case, nested):
    with pytest.raises(SubmissionInvalid):
        save_assessment(db, "olena.demo", case_id=household_case, instrument=nested, answers=ANSWERS,
                        assessed_on="2026-02-01", today=TODAY)
    answers = {**ANSWERS, "member": [ANSWERS["member"][0], dict(ANSWERS["member"][1], age=18)]}
    assessment_id = save_assessment(db, "olena.demo", case_id=household_case, instrument=nested, answers=answers,
                                    assessed_on="2026-02-01", today=TODAY)
    saved = get_assessment(db, "olena.demo", assessment_id, nested)
    assert saved["answers"] == answers and saved["assessed_on"] == date(2026, 2, 1).isoformat()
    shown = assessment_html(nested, saved["answers"], "en")
    assert shown.count("Job — #") == 3 and shown.index("Школа") < shown.index("Пекарня")
    assert shown.count("Domain score: 2.0 of 2") == 1 and shown.count("Domain score: 1.0 of 2") == 1
    # a domain inside the inner repeat: one score per job, the same in SQL as in Python
    in_sql = records.domain_scores(db, "halyna.demo", nested.id)
    assert sorted(in_sql[["repeat", "instance", "score"]].itertuples(index=False, name=None)) == [
        ("member[1]/job", 1, 2.0), ("member[2]/job", 1, 1.0)]
    in_python = [(r["repeat"], r["instance"], r["score"]) for r in domain_scores(nested, saved["answers"])]
    assert sorted(in_python) == [("member[1]/job", 1, 2.0), ("member[2]/job", 1, 1.0), ("member[2]/job", 2, None)]
    exported = research.scored_answers(db, "halyna.demo")  # the outer entry stays in the research export too
    assert sorted(exported[exported.instrument_id == nested.id][["repeat", "instance", "value"]].itertuples(
        index=False, name=None)) == [("member[1]/job", 1, 2.0), ("member[2]/job", 1, 1.0)]
