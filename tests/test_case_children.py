"""Nothing typed twice (issue 14): the assessment's child section starts from the children registered on the case;
a child added during the assessment is registered on the household on saving, with a parent's consent and the
register's duplicate check, in the same transaction or not at all."""
from __future__ import annotations

import random
from datetime import date

import pytest

from conftest import correct_first, TODAY, fill, refused, row_counts
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.demo import _answers
from workbench.i18n import UserError
from workbench.instruments.loader import InstrumentError, load_builtin_version, load_instrument
from workbench.store import assessments as assessments_module
from workbench.store.assessments import correct_assessment, get_assessment, save_assessment
from workbench.store.children import ChildDuplicates, case_children, case_parents, child_entries
from workbench.store.inputs import InvalidInput
from workbench.store.intake import intake
from workbench.store.people import add_household_member, register_person

WORKER, OUTSIDER = "olena.demo", "iryna.demo"  # the case's worker (team Північ); a worker of team Південь
MOTHER, ZLATA = 1, 2  # the household_case fixture's persons


def answers_for(instrument, children, visit=date(2026, 2, 1)) -> dict:
    """A complete submission (the demo's generator) with ``children`` as ``(person id, name, date of birth)``."""
    latent = {d.name: 1.5 for d in instrument.domains()}
    return _answers(random.Random(7), instrument, latent, children, visit, 0)


def with_new_child(instrument, name="Остап", born=date(2020, 4, 3)) -> dict:
    """Zlata (registered) and a child added during the assessment (no register number)."""
    answers = answers_for(instrument, [(ZLATA, "Злата", date(2018, 9, 30)), (None, name, born)])
    answers["child"][1].pop("child_person")
    return answers


NEW = {2: {"family_name": "Тихоліс", "sex": "male", "consent_by": MOTHER}}


def test_the_case_children_are_refused_to_an_outsider(db, household_case):
    before = row_counts(db)
    for actor in (OUTSIDER, "nobody", "oksana.demo"):  # another team's worker, an unknown name, the researcher
        error = refused(lambda a=actor: case_children(db, a, household_case, on=TODAY))
        assert error.key.startswith("policy.")
        refused(lambda a=actor: case_parents(db, a, household_case, on=TODAY))
    assert row_counts(db) == before


def test_the_children_are_the_members_under_18_on_the_day(db, household_case):
    # A son of 19 (relation child) is not rated as a child; a niece of 10 (another relative) is.
    for given, born, relation in (("Богдан", "2007-01-05", "child"), ("Ліна", "2016-02-02", "other_relative")):
        person = register_person(db, WORKER, family_name="Тихоліс", given_name=given, birth_date=born,
                                 sex="male", category="family_difficult_circumstances", consent_given_on="2026-01-10",
                                 consent_given_by="мати, Тихоліс Ганна", today=TODAY)
        add_household_member(db, WORKER, household_id=1, person_id=person, relation=relation)
    children = case_children(db, WORKER, household_case, on=TODAY)
    assert [(c["person_id"], c["given_name"], c["birth_date"]) for c in children] == [
        (ZLATA, "Злата", date(2018, 9, 30)), (4, "Ліна", date(2016, 2, 2))]
    assert child_entries(children)[0] == {"child_person": ZLATA, "child_name": "Злата",
                                          "child_birth_date": date(2018, 9, 30)}
    # On a day before Bohdan's 18th birthday he was still a child.
    assert [c["given_name"] for c in case_children(db, WORKER, household_case, on="2025-01-04")] == [
        "Злата", "Богдан", "Ліна"]
    assert [p["person_id"] for p in case_parents(db, WORKER, household_case, on=TODAY)] == [MOTHER]


def test_a_new_assessment_starts_with_the_case_children_linked_and_filled_in(db, household_case):
    app = NeedsAssessmentApp(db, WORKER, "uk", today=TODAY)
    app.show_case(household_case)
    app.new_button.click()
    [entry] = app.form.repeats["child"].instances
    fields = entry.fields
    assert (fields["child_person"].value(), fields["child_name"].value(), fields["child_birth_date"].value()) == (
        str(ZLATA), "Злата", "30.09.2018")
    assert fields["child_person"].input.disabled and fields["child_name"].input.disabled
    assert fields["child_birth_date"].input.disabled
    assert app.children_panel.blocks == {}  # nobody to register
    assert app.children_panel.widget.layout.display == "none"


def test_saving_with_an_added_child_registers_them_on_the_household_with_consent(db, household_case, instrument):
    before = row_counts(db)
    assessment_id = save_assessment(db, WORKER, case_id=household_case, instrument=instrument,
                                    answers=with_new_child(instrument), new_children=NEW, assessed_on="2026-02-01",
                                    submission_key="k-1", today=TODAY)
    after = row_counts(db)
    assert after["persons"] == before["persons"] + 1 and after["household_members"] == before["household_members"] + 1
    assert after["assessments"] == before["assessments"] + 1
    child = db.execute("select id, family_name, given_name, birth_date, sex, category from persons order by id desc"
                       ).fetchone()
    assert child[1:] == ("Тихоліс", "Остап", "2020-04-03", "male", "family_difficult_circumstances")
    assert db.execute("select relation from household_members where person_id = ?", [child[0]]).fetchone() == (
        "child",)
    consent = db.execute("select purpose, given_on, given_by from consents where person_id = ?", [child[0]]).fetchall()
    assert consent == [("data_processing", "2026-02-01", "законний представник: Тихоліс Ганна, особа №1")]
    saved = get_assessment(db, WORKER, assessment_id, instrument)
    assert [(c["child_person"], c["child_name"], c["child_age"]) for c in saved["answers"]["child"]] == [
        (ZLATA, "Злата", 7), (child[0], "Остап", 5)]
    # The registration and the assessment were audited by the same save; a second click saves nothing more.
    assert save_assessment(db, WORKER, case_id=household_case, instrument=instrument,
                           answers=with_new_child(instrument), new_children=NEW, assessed_on="2026-02-01",
                           submission_key="k-1", today=TODAY) == assessment_id
    assert row_counts(db) == after


def test_the_registration_and_the_assessment_are_one_transaction(db, household_case, instrument, monkeypatch):
    def broken(*args, **kwargs):
        raise UserError("assessment.key_reused")  # anything failing after the child was registered

    monkeypatch.setattr(assessments_module, "_register_instrument", broken)
    before = row_counts(db)
    with pytest.raises(UserError):
        save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=with_new_child(instrument),
                        new_children=NEW, assessed_on="2026-02-01", today=TODAY)
    assert row_counts(db) == before  # the child registered inside the save is gone with it


@pytest.mark.parametrize("new_children, key", [
    (None, "child[2]"),  # added, but nothing said of registering them
    ({2: {"family_name": "Тихоліс", "consent_by": MOTHER}}, "child[2].sex"),
    ({2: {"family_name": "Тихоліс", "sex": "male"}}, "child[2].consent_by"),  # no parent consents
    ({2: {"family_name": "Тихоліс", "sex": "male", "consent_by": ZLATA}}, "child[2].consent_by"),  # a child can't
    ({2: {"family_name": "", "sex": "male", "consent_by": MOTHER}}, "child[2].family_name"),
])
def test_a_refused_registration_writes_nothing(db, household_case, instrument, new_children, key):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as caught:
        save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=with_new_child(instrument),
                        new_children=new_children, assessed_on="2026-02-01", today=TODAY)
    assert key in caught.value.problems
    problem = caught.value.problems[key]
    assert problem.message("uk") != problem.message("en")
    assert row_counts(db) == before


def test_forged_links_and_outsiders_are_refused_and_write_nothing(db, household_case, instrument):
    other_case = intake(db, WORKER, programme="family_support", category="family_difficult_circumstances",
                        consent_given_on="2026-01-12", today=TODAY, members=[
                            {"family_name": "Гайова", "given_name": "Ірина", "birth_date": "1989-03-03",
                             "sex": "female", "relation": "applicant"},
                            {"family_name": "Гайова", "given_name": "Устим", "birth_date": "2017-07-07",
                             "sex": "male", "relation": "child", "consent_given_by": "мати"}])
    stranger = db.execute("select id from persons where given_name = 'Устим'").fetchone()[0]
    before = row_counts(db)
    forged = answers_for(instrument, [(stranger, "Устим", date(2017, 7, 7))])  # not on this case's household
    refused(lambda: save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=forged,
                                    today=TODAY), "children.not_on_case")
    twice = answers_for(instrument, [(ZLATA, "Злата", date(2018, 9, 30))] * 2)
    refused(lambda: save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=twice,
                                    today=TODAY), "children.twice")
    refused(lambda: save_assessment(db, OUTSIDER, case_id=household_case, instrument=instrument,
                                    answers=with_new_child(instrument), new_children=NEW, today=TODAY))
    assert row_counts(db) == before
    assert other_case != household_case


def test_a_likely_duplicate_is_shown_and_the_worker_links_them_or_confirms_a_new_child(db, household_case, instrument):
    # Ostap was registered before, on his grandmother's case, as "Остап Тихоліс" born the same day.
    intake(db, WORKER, programme="family_support", category="family_difficult_circumstances",
           consent_given_on="2026-01-12", today=TODAY, members=[
               {"family_name": "Тихоліс", "given_name": "Віра", "birth_date": "1960-01-01", "sex": "female",
                "relation": "applicant"},
               {"family_name": "Тихоліс", "given_name": "Остап", "birth_date": "2020-04-03", "sex": "male",
                "relation": "child", "consent_given_by": "баба, Тихоліс Віра"}])
    ostap = db.execute("select id from persons where given_name = 'Остап'").fetchone()[0]
    before = row_counts(db)
    with pytest.raises(ChildDuplicates) as caught:
        save_assessment(db, WORKER, case_id=household_case, instrument=instrument,
                        answers=with_new_child(instrument, "Остап"), new_children=NEW, today=TODAY)
    assert [p["id"] for p in caught.value.candidates[2]] == [ostap]
    assert "інша дитина" in caught.value.message("uk") and "another child" in caught.value.message("en")
    assert row_counts(db) == before

    # The app shows him; the worker says it is the same child: his record is linked, nobody new registered.
    app = NeedsAssessmentApp(db, WORKER, "uk", today=TODAY)
    app.show_case(household_case)
    app.new_button.click()
    fill(app.form, with_new_child(instrument, "Остап"))
    block = next(iter(app.children_panel.blocks.values()))
    block.inputs["sex"].value, block.inputs["consent_by"].value = "male", MOTHER
    app.save_button.click()
    assert "можливо, додану дитину вже зареєстровано" in app.form_status.value.lower()
    assert {t: db[t].count for t in ("persons", "household_members", "assessments", "answers")} == {
        t: before[t] for t in ("persons", "household_members", "assessments", "answers")}
    use = [b for b in _buttons(block.duplicates) if "wb-child-use-existing" in b._dom_classes]
    assert len(use) == 1
    use[0].click()
    app.save_button.click()
    assert "Збережено" in app.status.value
    assert db["persons"].count == before["persons"]
    assert db.execute("select count(*) from household_members where person_id = ? and household_id = 1",
                      [ostap]).fetchone() == (1,)
    saved = db.execute("select max(id) from assessments").fetchone()[0]
    assert db.execute("select value from answers where assessment_id = ? and item = 'child_person' and instance = 2",
                      [saved]).fetchone() == (str(ostap),)


def test_a_confirmed_new_child_is_registered_despite_a_likely_duplicate(db, household_case, instrument):
    before = row_counts(db)
    # A cousin of the same name, born the same day, joins the family: the register says it may be Zlata herself.
    with pytest.raises(ChildDuplicates):
        save_assessment(db, WORKER, case_id=household_case, instrument=instrument,
                        answers=with_new_child(instrument, "Злата", date(2018, 9, 30)),
                        new_children={2: dict(NEW[2], sex="female")}, today=TODAY)
    assert row_counts(db) == before
    save_assessment(db, WORKER, case_id=household_case, instrument=instrument,
                    answers=with_new_child(instrument, "Злата", date(2018, 9, 30)),
                    new_children={2: dict(NEW[2], sex="female", confirmed_new=True)}, today=TODAY)
    assert db["persons"].count == before["persons"] + 1


def _buttons(box):
    for child in getattr(box, "children", ()):
        if hasattr(child, "on_click"):
            yield child
        yield from _buttons(child)


def test_an_assessment_saved_with_child_age_only_still_opens_shows_and_is_corrected(db, household_case):
    old = load_builtin_version("family_needs_assessment", "2026.1")
    assert old.version == "2026.1" and old.items["child_age"].type == "integer"
    latent = {d.name: 1.5 for d in old.domains()}
    answers = _answers(random.Random(7), old, latent, [], date(2026, 2, 1), 0)
    answers["child"] = [dict({i.name: "1" for i in old.scored_items("child_development")}, child_name="Злата",
                             child_age=7)]
    first = save_assessment(db, WORKER, case_id=household_case, instrument=old, answers=answers, today=TODAY)

    app = NeedsAssessmentApp(db, WORKER, "uk", today=TODAY)
    app.show_case(household_case)
    correct_first(app)  # Correct
    assert app.form_instrument.version == "2026.1" and app.children_panel is None
    fields = app.form.repeats["child"].instances[0].fields
    assert (fields["child_name"].value(), fields["child_age"].value()) == ("Злата", "7")
    fields["child_age"].input.value = "8"
    app.reason.value = "Вік уточнено"
    app.save_button.click()
    assert "Збережено виправлення" in app.status.value
    newer = db.execute("select id, instrument_version, supersedes from assessments order by id desc").fetchone()
    assert newer[1:] == ("2026.1", first)
    assert get_assessment(db, WORKER, newer[0], old)["answers"]["child"][0]["child_age"] == 8
    # Read with today's instrument, the old answers still show (the age as saved).
    current = app.instrument
    assert get_assessment(db, WORKER, first, current)["answers"]["child"][0]["child_age"] == 7
    with pytest.raises(UserError):  # a correction keeps its version
        correct_assessment(db, WORKER, assessment_id=newer[0], instrument=current, answers={}, reason="x",
                           today=TODAY)


def test_the_loader_takes_read_only_as_yes_or_no_only(tmp_path):
    head = "| survey |\n|  | type | name | label | read_only |\n"
    good = tmp_path / "good.md"
    good.write_text(head + "|  | integer | n | N | yes |\n|  | text | t | T | no |\n", encoding="utf-8")
    loaded = load_instrument(good)
    assert loaded.items["n"].read_only and not loaded.items["t"].read_only
    bad = tmp_path / "bad.md"
    bad.write_text(head + "|  | integer | n | N | ${t} = '' |\n|  | text | t | T |  |\n", encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(bad)
    assert "read_only" in caught.value.message("en") and "yes" in caught.value.message("uk")
