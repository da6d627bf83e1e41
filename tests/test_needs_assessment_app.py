"""The needs-assessment app driven through its widgets in plain pytest (the browser tests do it in Chromium)."""
import pytest

from conftest import correct_first, saved_rows, TODAY, fill
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.i18n import UserError
from workbench.store.audit import audit_rows
from workbench.store.intake import register_client
from workbench.store.search import find_cases


@pytest.fixture
def app(db, household_case):
    return NeedsAssessmentApp(db, "olena.demo", "uk", today=TODAY)


def test_an_unknown_user_cannot_open_the_app(db):
    with pytest.raises(UserError):
        NeedsAssessmentApp(db, "stranger", "uk")


def test_register_then_assess_save_view_and_correct(app, instrument, valid_answers):
    case_id = register_client(app.db, "olena.demo", family_name="Дібровець", given_name="Ярослав",
                              birth_date="28.02.2005", sex="male", category="family_difficult_circumstances",
                              consent_given_on="12.06.2026", programme="family_support", today=TODAY)
    app.show_case(case_id)
    assert app.case_id == case_id and "Оцінювань ще немає" in app.saved_list.value
    app.new_button.click()
    assert app.form.repeats["child"].instances == []  # a new family with no child registered
    fill(app.form, {k: v for k, v in valid_answers.items() if k != "child"})
    app.save_button.click()
    app.save_button.click()  # a double click
    saved = list(app.db.query("select * from assessments where case_id = ?", [app.case_id]))
    assert len(saved) == 1 and "Збережено" in app.status.value
    assert app.db["drafts"].count == 0

    app.view(saved_rows(app)[0][0])  # View: read-only, with its domain scores
    assert "Оцінка домену" in app.record.value and app.form is None
    correct_first(app)  # Correct
    assert app.correct_button.layout.display == "none"  # not twice: a second click would start it over
    app.close_button.click()
    assert app.correct_button.layout.display is None  # closed: the assessment shown can be corrected
    app.correct_button.click()
    assert app.form.fields["household_size"].input.value == str(valid_answers["household_size"])
    app.form.fields["household_size"].input.value = "7"
    app.save_button.click()
    assert "причину" in app.form_status.value.lower()  # a correction needs its reason
    app.reason.value = "Помилка в кількості членів сімʼї"
    app.save_button.click()
    versions = list(app.db.query("select id, supersedes from assessments where case_id = ? order by id",
                                 [app.case_id]))
    assert [v["supersedes"] for v in versions] == [None, versions[0]["id"]]
    assert "№{}".format(versions[1]["id"]) in app.status.value
    assert "версія 2" in saved_rows(app)[0][1]


def test_an_invalid_form_writes_nothing_and_says_why_in_both_languages(app):
    app.show_case(1)
    app.new_button.click()
    app.form.fields["household_size"].input.value = "0"
    before = app.db["assessments"].count
    app.save_button.click()
    assert app.db["assessments"].count == before
    assert "не збережено" in app.form_status.value.lower()
    app.set_language("en")
    assert "not saved" in app.form_status.value.lower()
    assert "Enter a number from 1 to 30." in app.form.fields["household_size"].error.value


def test_the_form_in_progress_is_kept_as_a_draft_and_offered_back(db, app, valid_answers):
    app.show_case(1)
    app.new_button.click()
    app.form.fields["household_size"].input.value = "5"
    app.form.fields["conclusion_text"].input.value = "Чернетка висновку"
    # The kernel dies: a new app (a new page) on the same database.
    again = NeedsAssessmentApp(db, "olena.demo", "uk", today=TODAY)
    again.show_case(1)
    assert again.draft_box.children, "the draft is offered"
    again.draft_box.children[1].children[0].click()  # Continue the draft
    assert again.form.fields["household_size"].input.value == "5"
    assert again.form.fields["conclusion_text"].input.value == "Чернетка висновку"
    other_user = NeedsAssessmentApp(db, "andrii.demo", "uk", today=TODAY)
    other_user.show_case(1)
    assert not other_user.draft_box.children  # drafts are private to their author
    fill(again.form, {k: v for k, v in valid_answers.items() if k not in ("household_size", "conclusion_text")})
    again.save_button.click()
    assert db["drafts"].count == 0
    assert [a["action"] for a in audit_rows(db, "admin.demo", "drafts")] == ["start_draft", "draft_saved"]


def test_forged_widget_values_are_refused_by_the_service(app):
    app.show_case(1)
    app.new_button.click()
    # A page can send any value for a synced widget; the service checks it.
    app.form.fields["urgent"].input.set_trait("value", None)
    app.form.fields["household_size"].input.value = "999999999999999999"
    app.assessed_on.value = "32.13.2026"
    before = app.db["assessments"].count
    assert app.save() is None and app.db["assessments"].count == before


def test_names_come_in_ukrainian_alphabetical_order(db):

    for family in ("Яковенко", "Євтушенко", "Ґалаґан", "Іваненко", "Їжакевич", "Гнатюк", "Бойко", "Дʼяченко"):
        register_client(db, "olena.demo", family_name=family, given_name="Ірина", birth_date="01.01.1990",
                        sex="female", category="idp", consent_given_on="01.01.2026", programme="idp_support",
                        today=TODAY)
    rows, total = find_cases(db, "halyna.demo", "ірина")
    assert [r["subject_label"] for r in rows] == ["Бойко", "Гнатюк", "Ґалаґан", "Дʼяченко", "Євтушенко",
                                                  "Іваненко", "Їжакевич", "Яковенко"]
    assert total == 8
    for spelling in ("Дʼяченко", "Д'яченко", "Д’яченко", "д'ЯЧЕНКО"):
        assert [r["subject_label"] for r in find_cases(db, "halyna.demo", spelling)[0]] == ["Дʼяченко"], spelling


def test_opening_a_form_without_changing_it_leaves_no_draft(app, db, instrument, valid_answers):
    app.show_case(1)
    app.new_button.click()
    app.close_button.click()
    assert db["drafts"].count == 0 and not app.draft_box.children
    from workbench.store.assessments import save_assessment

    saved = save_assessment(db, "olena.demo", case_id=1, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    app.open_form(correcting=saved)  # reading a saved assessment
    app.close_form()
    assert db["drafts"].count == 0


def test_a_case_opens_with_its_programmes_instrument_and_another_can_be_chosen(db, app):

    young = register_client(db, "olena.demo", family_name="Яворук", given_name="Остап", birth_date="01.03.2007",
                            sex="male", category="care_leaver", consent_given_on="01.06.2026",
                            programme="care_leavers", today=TODAY)
    app.show_case(young)
    assert app.instrument.id == "care_profile" and app.instrument_choice.value == "care_profile"
    app.new_button.click()
    assert "housing" in app.form.fields and "wish_1" in app.form.fields
    app.instrument_choice.value = "family_needs_assessment"
    assert app.form is None and app.instrument.id == "family_needs_assessment"
    app.show_case(1)
    assert app.instrument.id == "family_needs_assessment"
