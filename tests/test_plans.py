"""Support plans: goals with GAS levels, actions, reviews, T-scores and sign-offs."""
import pytest

from conftest import TODAY, row_counts
from workbench.analysis.outcomes import plan_t_scores
from workbench.gas import gas_t_score
from workbench.i18n import UserError
from workbench.store.assessments import save_assessment
from workbench.store.audit import audit_rows
from workbench.store.inputs import InvalidInput
from workbench.store.lifecycle import close_case
from workbench.store.plans import (add_action, add_goal, case_goals, close_goal, complete_action, review_goal,
                                   sign_off, signoffs)

ACTOR = "olena.demo"
LEVELS = ["Живе на вулиці", "Тимчасовий притулок", "Орендує кімнату разом з іншими",
          "Орендує власну кімнату", "Орендує квартиру сама"]


def goal(db, case_id, **kw):
    args = dict(wish="Хочу мати своє житло", title="Орендувати житло", domain="housing", set_on="2026-02-01",
                target_date="2026-08-01", levels=LEVELS, today=TODAY)
    args.update(kw)
    return add_goal(db, ACTOR, case_id, **args)


def test_a_goal_keeps_the_wish_the_levels_and_actions(db, household_case):
    goal_id = goal(db, household_case, weight="2")
    action = add_action(db, ACTOR, goal_id, what="Знайти оголошення", who="клієнтка", due_on="2026-02-15",
                        today=TODAY)
    complete_action(db, ACTOR, action, done_on="2026-02-14", today=TODAY)
    with pytest.raises(UserError) as err:
        complete_action(db, ACTOR, action, today=TODAY)
    assert err.value.key == "plan.action_done"
    [saved] = case_goals(db, "halyna.demo", household_case)
    assert saved["wish"] == "Хочу мати своє житло" and saved["levels"] == LEVELS and saved["weight"] == 2.0
    assert saved["status"] == "open" and saved["actions"][0]["done_on"] == "2026-02-14"
    assert any(a["action"] == "add_goal" for a in audit_rows(db, "admin.demo", "cases", household_case))


@pytest.mark.parametrize("change, field", [
    (dict(target_date="2026-01-31"), "target_date"),
    (dict(weight=0), "weight"),
    (dict(weight=-1.5), "weight"),
    (dict(weight="важлива"), "weight"),
    (dict(weight=float("inf")), "weight"),
    (dict(levels=LEVELS[:4]), "level_plus2"),
    (dict(levels=LEVELS[:2] + [""] + LEVELS[3:]), "level_0"),
    (dict(domain="astrology"), "domain"),
    (dict(wish=""), "wish"),
    (dict(set_on="2030-01-01"), "set_on"),
])
def test_bad_goals_are_refused_and_write_nothing(db, household_case, change, field):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as err:
        goal(db, household_case, **change)
    assert field in err.value.problems
    assert row_counts(db) == before


def test_reviews_give_the_kiresuk_sherman_t_score_after_each_review(db, household_case):
    first, second, third = (goal(db, household_case, title=t) for t in ("Житло", "Робота", "Документи"))
    for goal_id in (first, second, third):
        review_goal(db, ACTOR, goal_id, level=-1, reviewed_on="2026-03-01", today=TODAY)
    review_goal(db, ACTOR, first, level="+2", reviewed_on="2026-05-01", note="Орендує квартиру", today=TODAY)
    scores = plan_t_scores(db, "halyna.demo", household_case)
    # Three unweighted goals all at −1, ρ = 0.3: 50 − 30/√4.8 = 36.31 (Kiresuk & Sherman 1968).
    assert scores[0]["t_score"] == pytest.approx(36.31, abs=0.005) and scores[0]["goals"] == 3
    # Then +2, −1, −1: Σx = 0, so T = 50.
    assert scores[1]["t_score"] == pytest.approx(50.0)


def test_abandoned_goals_take_no_reviews_and_keep_their_last_level(db, household_case):
    kept, dropped = goal(db, household_case), goal(db, household_case, title="Навчання")
    review_goal(db, ACTOR, kept, level=0, reviewed_on="2026-03-01", today=TODAY)
    review_goal(db, ACTOR, dropped, level=-2, reviewed_on="2026-03-01", today=TODAY)
    with pytest.raises(InvalidInput):
        close_goal(db, ACTOR, dropped, kind="abandoned", on="2026-03-02", today=TODAY)  # no reason
    close_goal(db, ACTOR, dropped, kind="abandoned", on="2026-03-02", reason="Клієнт передумав", today=TODAY)
    before = row_counts(db)
    with pytest.raises(UserError) as err:
        review_goal(db, ACTOR, dropped, level=1, reviewed_on="2026-04-01", today=TODAY)
    assert err.value.key == "plan.goal_closed" and "abandoned" in err.value.message("en")
    assert row_counts(db) == before
    review_goal(db, ACTOR, kept, level=1, reviewed_on="2026-04-01", today=TODAY)
    scores = plan_t_scores(db, "halyna.demo", household_case)
    # The abandoned goal keeps its −2 after it was abandoned: two unweighted goals, ρ = 0.3,
    # denominator sqrt(0.7·2 + 0.3·4) = sqrt(2.6) = 1.6125.
    # 01.03: 0 and −2, T = 50 − 20/1.6125 = 37.60; 01.04: +1 and −2, T = 50 − 10/1.6125 = 43.80.
    # (Dropping it would have made 01.04 a lone +1 at 60: abandoning a failing goal must not pay.)
    assert [s["goals"] for s in scores] == [2, 2]
    assert [round(s["t_score"], 2) for s in scores] == [37.60, 43.80]
    assert scores[-1]["t_score"] == pytest.approx(gas_t_score([1, -2]))


@pytest.mark.parametrize("level", [3, -3, 1.5, "2.0", "x", "+-1", "", None, True])
def test_levels_outside_minus_two_to_two_are_refused(db, household_case, level):
    goal_id = goal(db, household_case)
    with pytest.raises(InvalidInput) as err:
        review_goal(db, ACTOR, goal_id, level=level, reviewed_on="2026-03-01", today=TODAY)
    assert "level" in err.value.problems and "−2" in err.value.problems["level"].message("uk")


def test_a_forms_text_is_read_before_the_gas_checks(db, household_case):
    goal_id = goal(db, household_case, weight=" 1,5 ")
    review_goal(db, ACTOR, goal_id, level=" -1 ", reviewed_on="2026-03-01", today=TODAY)
    review_goal(db, ACTOR, goal_id, level="+1", reviewed_on="2026-04-01", today=TODAY)
    [saved] = case_goals(db, "halyna.demo", household_case)
    assert saved["weight"] == 1.5 and [r["level"] for r in saved["reviews"]] == [-1, 1]


def test_no_review_before_the_goal_or_on_a_closed_case(db, household_case):
    goal_id = goal(db, household_case)
    with pytest.raises(UserError) as err:
        review_goal(db, ACTOR, goal_id, level=0, reviewed_on="2026-01-15", today=TODAY)
    assert err.value.key == "plan.review_before_set"
    close_case(db, ACTOR, household_case, reason="moved_away", on="2026-04-01", today=TODAY,
               goals={goal_id: {"kind": "abandoned", "reason": "Сімʼя переїхала"}})
    with pytest.raises(UserError) as err:  # the goal closed with the case
        review_goal(db, ACTOR, goal_id, level=0, reviewed_on="2026-04-02", today=TODAY)
    assert err.value.key == "plan.goal_closed"
    with pytest.raises(UserError):
        goal(db, household_case)


def test_sign_off_by_a_supervisor_of_a_plan_with_goals_and_of_an_assessment(db, household_case, instrument,
                                                                            valid_answers):
    with pytest.raises(UserError) as err:
        sign_off(db, "mariia.demo", household_case, kind="plan", today=TODAY)
    assert err.value.key == "plan.no_goals"
    goal_id = goal(db, household_case)
    with pytest.raises(UserError) as err:
        sign_off(db, ACTOR, household_case, kind="plan", today=TODAY)
    assert err.value.key == "policy.supervisor_of_team"
    sign_off(db, "mariia.demo", household_case, kind="plan", on="2026-02-03", note="Погоджено", today=TODAY)
    assessment = save_assessment(db, ACTOR, case_id=household_case, instrument=instrument, answers=valid_answers,
                                 assessed_on="2026-02-01", today=TODAY)
    with pytest.raises(UserError) as err:  # no assessment chosen: said in words, not as "assessment #None"
        sign_off(db, "mariia.demo", household_case, kind="assessment", today=TODAY)
    assert "Choose the assessment" in str(err.value.problems["assessment_id"].message("en"))
    with pytest.raises(UserError) as err:
        sign_off(db, "mariia.demo", household_case, kind="assessment", assessment_id=99999, today=TODAY)
    assert err.value.key in ("assessment.not_found", "plan.assessment_other_case")
    sign_off(db, "mariia.demo", household_case, kind="assessment", assessment_id=assessment, today=TODAY)
    recorded = signoffs(db, "halyna.demo", household_case)
    assert [(s["kind"], s["signed_by"]) for s in recorded] == [("plan", "mariia.demo"), ("assessment", "mariia.demo")]
    assert recorded[0]["goal_ids"] == [goal_id] and recorded[0]["signed_on"] == "2026-02-03"


def test_actions_and_closures_cannot_predate_the_goal_or_its_reviews(db, household_case):
    goal_id = goal(db, household_case)
    action = add_action(db, ACTOR, goal_id, what="Дзвінок", who="фахівець", due_on="2026-02-10", today=TODAY)
    with pytest.raises(UserError) as err:
        complete_action(db, ACTOR, action, done_on="2026-01-20", today=TODAY)
    assert err.value.key == "plan.before_goal"
    review_goal(db, ACTOR, goal_id, level=1, reviewed_on="2026-04-01", today=TODAY)
    with pytest.raises(UserError) as err:
        close_goal(db, ACTOR, goal_id, kind="achieved", on="2026-03-01", today=TODAY)
    assert err.value.key == "plan.before_goal" and "01.04.2026" in err.value.message("uk")
    close_goal(db, ACTOR, goal_id, kind="achieved", on="2026-04-01", today=TODAY)


def test_the_plans_life_domains_read_as_the_profile_names_them():
    from workbench.config import load_config
    from workbench.instruments.loader import load_builtin

    profile = load_builtin("care_profile")
    configured = load_config()["life_domains"]
    for choice in profile.items["wish_1_domain"].choices:
        assert configured[choice.name] == {"uk": choice.labels["uk"], "en": choice.labels["en"]}, choice.name


def test_levels_print_with_a_true_minus_and_no_plus_zero():
    from workbench.gas import level_text

    assert [level_text(x) for x in (-2, -1, 0, 1, 2)] == ["−2", "−1", "0", "+1", "+2"]
