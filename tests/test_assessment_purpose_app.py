"""The purpose dropdown of the needs-assessment app, driven through its widgets in plain pytest."""
import html

import pytest

from conftest import correct_first, saved_rows, TODAY, fill, row_counts
from workbench import config
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.store.assessments import assessment_history, save_assessment
from workbench.store.drafts import find_draft

LABEL_UK = {code: labels["uk"] for code, labels in config.load_config()["assessment_purposes"].items()}
LABEL_EN = {code: labels["en"] for code, labels in config.load_config()["assessment_purposes"].items()}


@pytest.fixture
def app(db, household_case):
    return NeedsAssessmentApp(db, "olena.demo", "uk", today=TODAY)


def test_the_dropdown_offers_the_configured_purposes_in_the_chosen_language(app, household_case):
    app.show_case(household_case)
    app.new_button.click()
    assert app.purpose.options == tuple((LABEL_UK[c], c) for c in LABEL_UK)
    assert app.purpose.value == "needs_assessment"
    assert "Мета оцінювання" in app.purpose_label.value
    app.purpose.value = "child_war_status"
    app.set_language("en")
    assert app.purpose.options == tuple((LABEL_EN[c], c) for c in LABEL_EN)
    assert app.purpose.value == "child_war_status"  # relabelled, the choice kept
    assert "Purpose of the assessment" in app.purpose_label.value


def test_the_chosen_purpose_is_saved_shown_and_kept_or_changed_by_a_correction(app, household_case, valid_answers):
    app.show_case(household_case)
    app.new_button.click()
    fill(app.form, valid_answers)
    app.purpose.value = "child_war_status"
    app.save_button.click()
    [first] = list(app.db.query("select * from assessments where case_id = ?", [household_case]))
    assert first["purpose"] == "child_war_status"
    assert LABEL_UK["child_war_status"] in saved_rows(app)[0][1]

    correct_first(app)  # Correct: a correction keeps the saved purpose
    assert app.purpose.value == "child_war_status"
    assert LABEL_UK["child_war_status"] in app.history.value
    app.reason.value = "Уточнення"
    app.save_button.click()
    second = assessment_history(app.db, "halyna.demo", first["id"])[-1]
    assert second["id"] != first["id"] and second["purpose"] == "child_war_status"

    correct_first(app)  # Correct
    app.purpose.value = "review"
    app.reason.value = "Це був перегляд"
    app.save_button.click()
    history = assessment_history(app.db, "halyna.demo", first["id"])
    assert [v["purpose"] for v in history] == ["child_war_status", "child_war_status", "review"]
    app.set_language("en")
    assert LABEL_EN["review"] in saved_rows(app)[0][1]
    correct_first(app)  # Correct
    assert html.escape(LABEL_EN["child_war_status"]) in app.history.value and LABEL_EN["review"] in app.history.value


def test_a_new_form_starts_as_a_needs_assessment(app, household_case, instrument, valid_answers):
    saved = save_assessment(app.db, "olena.demo", case_id=household_case, instrument=instrument,
                            answers=valid_answers, assessed_on="2026-02-01", purpose="review", today=TODAY)
    app.show_case(household_case)
    app.open_form(correcting=saved)
    assert app.purpose.value == "review"
    app.close_form()
    app.new_button.click()
    assert app.purpose.value == "needs_assessment"


def test_the_draft_keeps_the_purpose(db, app, household_case):
    app.show_case(household_case)
    app.new_button.click()
    app.purpose.value = "child_war_status"
    assert find_draft(db, "olena.demo", household_case, app.instrument.id)["content"]["purpose"] == "child_war_status"
    again = NeedsAssessmentApp(db, "olena.demo", "en", today=TODAY)  # a new page after the kernel died
    again.show_case(household_case)
    again.draft_box.children[1].children[0].click()  # Continue the draft
    assert again.purpose.value == "child_war_status"
    assert again.purpose.options == tuple((LABEL_EN[c], c) for c in LABEL_EN)


def test_a_draft_with_an_unconfigured_purpose_opens_as_a_needs_assessment(db, app, household_case):
    from workbench.store.drafts import save_draft

    save_draft(db, "olena.demo", draft_key="old-draft", case_id=household_case, instrument_id=app.instrument.id,
               content={"values": {}, "assessed_on": "01.02.2026", "reason": "", "purpose": "astrology",
                        "submission_key": "k", "supersedes": None})
    app.show_case(household_case)
    app.draft_box.children[1].children[0].click()
    assert app.purpose.value == "needs_assessment"


def test_a_cleared_purpose_from_the_page_is_refused_by_the_service(app, household_case, valid_answers):
    app.show_case(household_case)
    app.new_button.click()
    fill(app.form, valid_answers)
    app.purpose.index = None  # what a page can send for a dropdown: no choice at all
    assert app.purpose.value is None
    before = row_counts(app.db)
    assert app.save() is None
    assert row_counts(app.db) == before
    assert "Це поле обовʼязкове." in app.purpose_error.value
    assert "Не збережено: виправте позначені поля (1)." in app.form_status.value
    app.set_language("en")
    assert "This field is required." in app.purpose_error.value
    assert "Not saved: correct the marked fields (1)." in app.form_status.value
    app.set_language("uk")
    app.assessed_on.value = "32.13.2026"
    app.purpose.index = None
    assert app.save() is None
    assert "обовʼязкове" in app.purpose_error.value  # beside the dropdown; the date's problem in the status
    assert "assessed_on: Введіть справжню дату" in app.form_status.value and "purpose" not in app.form_status.value


def test_a_forged_purpose_is_refused_by_the_service_with_its_message(app, household_case, valid_answers):
    app.show_case(household_case)
    app.new_button.click()
    fill(app.form, valid_answers)
    # Whatever the widget ends up holding, the service decides: a code the configuration does not know.
    app.purpose.options = [("Підроблена мета", "astrology")]
    assert app.purpose.value == "astrology"
    before = row_counts(app.db)
    app.save_button.click()
    assert row_counts(app.db) == before
    assert "«astrology» немає в переліку" in app.purpose_error.value
    app.purpose.options = [("Підроблена мета", "astrology"), *config.choices("assessment_purposes", "uk")]
    app.purpose.value = "review"
    app.save_button.click()
    assert "Збережено" in app.status.value and app.form is None
    assert app.purpose_error.value == "" and app.form_status.value == ""  # no stale message left behind
    assert [r["purpose"] for r in app.db.query("select purpose from assessments")] == ["review"]
