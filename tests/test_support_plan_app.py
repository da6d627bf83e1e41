"""The support plan app: a wish becomes a goal, reviews show the T-score, a supervisor signs off."""
import pytest

from conftest import TODAY, inline_png
from workbench.apps.support_plan import LEVEL_FIELDS, SupportPlanApp
from workbench.i18n import UserError
from workbench.instruments.loader import load_builtin
from workbench.store.assessments import save_assessment
from workbench.store.intake import register_client
from workbench.store.plans import case_goals, signoffs

PROFILE = {"meeting_date": "2026-06-10", "filled_with": "together", "personal_strengths": "Наполегливий",
           "wish_1": "Хочу жити окремо", "wish_1_domain": "housing", "next_step": "Переглянути оголошення"}


@pytest.fixture
def young(db):
    case_id = register_client(db, "olena.demo", family_name="Ясенко", given_name="Назар", birth_date="01.03.2007",
                              sex="male", category="care_leaver", consent_given_on="01.06.2026",
                              programme="care_leavers", intake_on="01.06.2026", today=TODAY)
    profile = load_builtin("care_profile")
    answers = dict(PROFILE, **{item.name: "3" for item in profile.scored_items()})
    save_assessment(db, "olena.demo", case_id=case_id, instrument=profile, answers=answers, assessed_on="2026-06-10",
                    today=TODAY)
    return case_id


def add_goal_through_the_form(app, title="Орендувати кімнату", weight=""):
    app.wish_buttons.children[0].children[1].click()  # "make it a goal"
    form = app.forms["goal"]
    assert form.inputs["wish"].value == "Хочу жити окремо" and form.inputs["domain"].value == "housing"
    form.inputs["title"].value = title
    form.inputs["target_date"].value = "01.12.2026"
    for field in LEVEL_FIELDS:
        form.inputs[field].value = f"Опис рівня {field}"
    form.inputs["weight"].value = weight
    form.submit.click()
    return form


def test_profile_wish_goal_review_t_score(db, young):
    app = SupportPlanApp(db, "olena.demo", "uk", today=TODAY, case_id=young)
    assert "Хочу жити окремо" in app.wish_buttons.children[0].children[0].value
    form = add_goal_through_the_form(app)
    assert "Мету додано" in form.status.value
    [goal] = case_goals(db, "halyna.demo", young)
    assert goal["wish"] == "Хочу жити окремо" and goal["levels"][2] == "Опис рівня level_0"
    review = app.forms["review"]
    review.inputs["goal_id"].value = goal["id"]
    review.inputs["level"].value = 2
    review.submit.click()
    assert "70.0" in review.status.value and "70.0" in app.t_score.value  # one goal at +2 gives 70
    assert "+2" in app.goals.value
    assert app.chart.value == ""  # drawn only when asked for
    app.show_chart.value = True
    assert inline_png(app.chart.value).startswith(b"\x89PNG")
    app.show_case(young)  # asked for, it stays drawn for each case shown
    assert inline_png(app.chart.value).startswith(b"\x89PNG")
    app.show_chart.value = False
    assert app.chart.value == ""


def test_bad_goal_and_forged_review_write_nothing(db, young):
    app = SupportPlanApp(db, "olena.demo", "en", today=TODAY, case_id=young)
    form = add_goal_through_the_form(app, weight="-2")
    assert "positive number" in form.errors["weight"].value and not case_goals(db, "halyna.demo", young)
    form.inputs["weight"].value = ""
    form.inputs["target_date"].value = "01.01.2026"  # before the goal is set
    form.submit.click()
    assert "target date" in form.errors["target_date"].value.lower() and not case_goals(db, "halyna.demo", young)
    form.inputs["target_date"].value = "01.12.2026"
    form.submit.click()
    goal_id = case_goals(db, "halyna.demo", young)[0]["id"]
    before = db["goal_reviews"].count
    with pytest.raises(UserError):  # a level the dropdown does not offer, sent by a forged message
        app._review({"goal_id": str(goal_id), "level": "5", "reviewed_on": "15.06.2026", "note": ""})
    with pytest.raises(UserError):  # another case's goal
        app._review({"goal_id": "99999", "level": "1", "reviewed_on": "15.06.2026", "note": ""})
    assert db["goal_reviews"].count == before


def test_only_a_supervisor_signs_off_and_not_an_empty_plan(db, young):
    worker = SupportPlanApp(db, "olena.demo", "uk", today=TODAY, case_id=young)
    assert worker.forms["signoff"].widget.layout.display == "none"
    with pytest.raises(UserError):
        worker._sign_off({"kind": "plan", "assessment_id": "", "on": "15.06.2026", "note": ""})
    supervisor = SupportPlanApp(db, "mariia.demo", "uk", today=TODAY, case_id=young)
    form = supervisor.forms["signoff"]
    form.inputs["kind"].value = "plan"
    form.submit.click()
    assert "без жодної чинної мети" in form.status.value and not signoffs(db, "halyna.demo", young)
    add_goal_through_the_form(supervisor)
    form.submit.click()
    assert [s["kind"] for s in signoffs(db, "halyna.demo", young)] == ["plan"]
    assert "Марія Левадчук (демо)" in supervisor.signed.value and "mariia.demo" not in supervisor.signed.value
