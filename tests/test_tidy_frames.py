"""The tidy frames: documented columns, one row per thing, corrections once, withdrawn consent left out."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import TODAY
from workbench.analysis import frames
from workbench.cli import main
from workbench.store.lifecycle import close_case, reopen_case
from workbench.store.people import withdraw_consent


def test_every_frame_has_its_documented_columns_even_when_empty(db):
    for function, columns in [(frames.case_frame, frames.CASE_COLUMNS),
                              (frames.accompaniment_cycles, frames.CYCLE_COLUMNS),
                              (frames.case_person_frame, frames.CASE_PERSON_COLUMNS),
                              (frames.assessment_frame, frames.ASSESSMENT_COLUMNS),
                              (frames.answer_frame, frames.ANSWER_COLUMNS),
                              (frames.goal_review_frame, frames.GOAL_REVIEW_COLUMNS),
                              (frames.goal_frame, frames.GOAL_COLUMNS),
                              (frames.service_frame, frames.SERVICE_COLUMNS),
                              (frames.event_frame, frames.EVENT_COLUMNS),
                              (frames.shelter_frame, frames.SHELTER_COLUMNS)]:
        frame = function(db, "halyna.demo")
        assert list(frame.columns) == columns and frame.empty, function.__name__
        # Every column is named in the docstring (between double backticks; the docstring may also name
        # parameters, such as ``as_of``).
        named = {word for quoted in function.__doc__.split("``")[1::2] for word in quoted.replace(",", " ").split()}
        assert sorted(set(columns) - named) == [], function.__name__


def test_cases_with_their_subject_category_and_status(db, world):
    cases = frames.case_frame(db, "halyna.demo").set_index("case_id")
    a, b, d = cases.loc[world["a"]], cases.loc[world["b"]], cases.loc[world["d"]]
    assert (a["category"], a["subject"], a["status"]) == ("family_difficult_circumstances", "household", "accompaniment")
    assert b["category"] == "idp" and b["subject_key"] == f"h{b['household_id']}"
    assert (d["status"], d["closure_reason"], d["closed_on"]) == ("closed", "goals_achieved", pd.Timestamp("2025-09-30"))
    assert pd.isna(a["closed_on"])


def test_a_reopened_case_has_two_cycles(db, world):
    reopen_case(db, "olena.demo", world["d"], reason="Нове звернення", on="2026-03-01", today=TODAY)
    close_case(db, "olena.demo", world["d"], reason="moved_away", on="2026-04-01", today=TODAY)
    cycles = frames.accompaniment_cycles(db, "halyna.demo")
    mine = cycles[cycles["case_id"] == world["d"]]
    assert mine["cycle"].tolist() == [1, 2]
    assert mine["closure_reason"].tolist() == ["goals_achieved", "moved_away"]
    assert mine["accompaniment_started_on"].iloc[0] == pd.Timestamp("2025-03-01")
    assert pd.isna(mine["accompaniment_started_on"].iloc[1])


def test_a_corrected_assessment_is_one_row_with_its_answers_once(db, world):
    assessments = frames.assessment_frame(db, "halyna.demo")
    mine = assessments[assessments["case_id"] == world["a"]]
    assert mine["versions"].tolist() == [2, 1]
    assert mine["purpose"].tolist() == ["needs_assessment", "child_war_status"]
    answers = frames.answer_frame(db, "halyna.demo", "family_needs_assessment")
    assert set(answers["assessment_id"]) == set(assessments["assessment_id"])
    latest = int(mine["assessment_id"].iloc[0])
    saved = db.execute("select count(*) from answers where assessment_id = ?", [latest]).fetchone()[0]
    assert (answers["assessment_id"] == latest).sum() == saved
    scored = answers[answers["scored"]]
    assert scored["number"].notna().all() and scored["domain"].notna().all()


def test_events_are_counted_in_their_latest_version(db, world):
    events = frames.event_frame(db, "halyna.demo")
    campaign = events[events["event_type"] == "awareness_campaign"].iloc[0]
    assert (campaign["participants"], campaign["versions"]) == (25, 2)
    assert len(events) == 6 and events["staff"].map(lambda s: s == ["olena.demo"]).all()


def test_persons_of_cases_and_shelter_stays(db, world):
    people = frames.case_person_frame(db, "halyna.demo")
    assert people[people["case_id"] == world["a"]]["relation"].tolist() == ["applicant", "child", "child"]
    assert people[people["case_id"] == world["c"]]["relation"].tolist() == ["client"]
    stays = frames.shelter_frame(db, "halyna.demo")
    assert stays["to_on"].isna().tolist() == [False, True] and set(stays["category"]) == {"idp"}


def test_withdrawn_consent_leaves_every_frame(db, world):
    services_before = len(frames.service_frame(db, "halyna.demo"))
    withdraw_consent(db, "olena.demo", world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    for function in (frames.case_frame, frames.case_person_frame, frames.service_frame, frames.accompaniment_cycles):
        assert world["c"] not in set(function(db, "halyna.demo")["case_id"]), function.__name__
    assert len(frames.service_frame(db, "halyna.demo")) == services_before - 1
    mother_of_b = frames.shelter_frame(db, "halyna.demo")["person_id"].iloc[0]
    withdraw_consent(db, "olena.demo", int(mother_of_b), withdrawn_on="2026-04-01", today=TODAY)
    # Her stay leaves; her son's stay is his own record (his consent stands) and stays; their family's case goes.
    stays = frames.shelter_frame(db, "halyna.demo")["person_id"]
    assert stays.tolist() != [] and mother_of_b not in set(stays)
    assert world["b"] not in set(frames.assessment_frame(db, "halyna.demo")["case_id"])


def test_goal_frame_as_it_stood_on_a_day(db, household_case):
    from workbench.store.plans import add_goal, close_goal, review_goal

    levels = ["a", "b", "c", "d", "e"]
    goal = add_goal(db, "olena.demo", household_case, wish="Житло", title="Житло", domain="housing",
                    set_on="2026-02-01", target_date="2026-06-01", levels=levels, today=TODAY)
    review_goal(db, "olena.demo", goal, level=-1, reviewed_on="2026-03-01", today=TODAY)
    review_goal(db, "olena.demo", goal, level=1, reviewed_on="2026-04-01", today=TODAY)
    close_goal(db, "olena.demo", goal, kind="achieved", on="2026-05-01", today=TODAY)
    now = frames.goal_frame(db, "halyna.demo").iloc[0]
    assert (now["status"], now["reviews"], now["latest_level"], now["achieved"]) == ("achieved", 2, 1.0, True)
    assert now["first_reached_on"] == pd.Timestamp("2026-04-01")
    then = frames.goal_frame(db, "halyna.demo", as_of="2026-03-15").iloc[0]
    assert (then["status"], then["reviews"], then["latest_level"], then["achieved"]) == ("open", 1, -1.0, False)
    assert frames.goal_frame(db, "halyna.demo", as_of="2026-01-15").empty
    assert frames.goal_review_frame(db, "halyna.demo")["level"].tolist() == [-1, 1]


@pytest.mark.timeout(300)
def test_workbench_report_runs_the_period_report_unattended(db, db_path, world, tmp_path, monkeypatch):
    monkeypatch.setenv("WB_USER", "mariia.demo")
    monkeypatch.chdir(tmp_path)
    db.conn.close()
    excel, out = tmp_path / "report.xlsx", tmp_path / "ran.ipynb"
    code = main(["report", "period_report", "--db", str(db_path), "--period", "2026", "--lang", "en",
                 "--excel", str(excel), "--out", str(out)])
    assert code == 0 and excel.exists() and out.exists()
    from openpyxl import load_workbook

    assert load_workbook(excel).sheetnames[0] == "Indicators"
    assert main(["report", "no_such_notebook"]) == 1


def test_a_stay_recorded_with_a_case_left_out_of_analysis_leaves_with_it(db, world):
    """A stay recorded with a family's case goes when another member withdraws consent (the case is left
    out); a stay recorded without a case stays while the person's own consent stands."""
    from workbench.store.people import household_members
    from workbench.store.shelter import record_stay

    mother, daughter, son = [m["id"] for m in household_members(db, "halyna.demo", db["cases"].get(world["a"])["household_id"])]
    with_case = record_stay(db, "olena.demo", daughter, shelter="Гуртожиток на Лісовій", from_on="2026-03-01",
                            case_id=world["a"], today=TODAY)
    without_case = record_stay(db, "olena.demo", son, shelter="Гуртожиток на Лісовій", from_on="2026-03-01",
                               today=TODAY)
    assert {with_case, without_case} <= set(frames.shelter_frame(db, "halyna.demo")["stay_id"])
    withdraw_consent(db, "olena.demo", mother, withdrawn_on="2026-04-01", today=TODAY)
    stays = frames.shelter_frame(db, "halyna.demo")
    assert with_case not in set(stays["stay_id"]) and without_case in set(stays["stay_id"])
    assert world["a"] not in set(stays["case_id"].dropna()) and world["a"] not in set(frames.case_frame(db, "halyna.demo")["case_id"])
    assert frames.shelter_frame(db, "halyna.demo", excluded=frames.excluded_case_ids(db, "halyna.demo")).equals(stays)


def test_frames_built_from_pieces_read_once_equal_the_frames_read_whole(db, world):
    withdraw_consent(db, "olena.demo", world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    excluded = frames.excluded_case_ids(db, "halyna.demo")
    cycles = frames.accompaniment_cycles(db, "halyna.demo", excluded=excluded)
    assert cycles.equals(frames.accompaniment_cycles(db, "halyna.demo"))
    assert frames.case_frame(db, "halyna.demo", cycles=cycles, excluded=excluded).equals(frames.case_frame(db, "halyna.demo"))
    for function in (frames.case_person_frame, frames.assessment_frame, frames.goal_review_frame,
                     frames.goal_frame, frames.service_frame, frames.shelter_frame):
        assert function(db, "halyna.demo", excluded=excluded).equals(function(db, "halyna.demo")), function.__name__
    lean = frames.service_frame(db, "halyna.demo", excluded=excluded, with_subject=False)
    assert lean.equals(frames.service_frame(db, "halyna.demo").drop(columns=["subject_key", "category"]))


def test_a_family_is_described_by_one_subject_person_everywhere(db):
    """Category (case frame, caseload) and sex and age (research export) come from the same member: the
    applicant, else the first member added (here a younger woman added before an older man)."""
    from workbench.analysis.caseload import worker_caseload
    from workbench.research_export import build_research_tables
    from workbench.store.cases import open_case
    from workbench.store.people import create_household, register_person
    from workbench.store.research import subject_person_ids

    def person(given, born, sex, category):
        return register_person(db, "olena.demo", family_name="Стебленко", given_name=given, birth_date=born,
                               sex=sex, category=category, consent_given_on="2026-01-10",
                               consent_purposes=("data_processing", "research"), today=TODAY)

    grandfather = person("Богдан", "1950-03-03", "male", "idp")  # registered first: the lower person id
    mother = person("Олена", "1990-05-05", "female", "family_difficult_circumstances")
    household = create_household(db, "olena.demo", label="Стебленко",
                                 members=[(mother, "spouse"), (grandfather, "grandparent")])
    case = open_case(db, "olena.demo", programme="family_support", worker="olena.demo", household_id=household,
                     opened_on="2026-02-01", today=TODAY)
    assert subject_person_ids(db, "halyna.demo") == {case: mother}
    assert frames.case_frame(db, "halyna.demo").set_index("case_id").loc[case, "category"] == "family_difficult_circumstances"
    load = worker_caseload(db, "halyna.demo", today=TODAY, worker="olena.demo").iloc[0]
    assert (load["category_family_difficult_circumstances"], load["category_idp"]) == (1, 0)
    tables, _ = build_research_tables(db, "halyna.demo", "a secret of at least some length, for the test")
    client = tables["clients"].iloc[0]
    # One client is unique at every level: the export uses the coarsest age bands (the grandfather is 65+).
    assert (client["category"], client["sex"], client["age_band"]) == ("family_difficult_circumstances", "female",
                                                                        "35-64")
