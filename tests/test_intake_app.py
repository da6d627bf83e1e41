"""The intake app: a family registered through its widgets, with the duplicate warning as one types."""
import pytest

from conftest import TODAY
from workbench.apps.intake import IntakeApp
from workbench.store.cases import get_case
from workbench.store.lifecycle import case_state
from workbench.store.people import household_members


@pytest.fixture
def app(db, household_case):
    return IntakeApp(db, "olena.demo", "uk", today=TODAY)


def fill_member(member, family, given, birth, sex, relation=None):
    member.inputs["family_name"].value = family
    member.inputs["given_name"].value = given
    member.inputs["birth_date"].value = birth
    member.inputs["sex"].value = sex
    if relation:
        member.inputs["relation"].value = relation


def fill_case(app, programme="family_support", category="family_difficult_circumstances"):
    app.inputs["programme"].value = programme
    app.inputs["category"].value = category
    app.inputs["intake_channel"].value = "application"
    app.consents["data_processing"].value = True


def test_register_a_family_with_two_members(app):
    fill_case(app)
    fill_member(app.members[0], "Житнюк", "Дарина", "05.05.1991", "female")
    app.add_member_button.click()
    fill_member(app.members[1], "Житнюк", "Матвій", "03.03.2019", "male", "child")
    app.members[1].inputs["consent_given_by"].value = "мати, Житнюк Дарина"
    app.inputs["phone"].value = "+380 50 111-22-33"
    case_id = app.register()
    assert case_id and "Зареєстровано" in app.result.value and f"?case={case_id}&amp;tab=assessments" in app.result.value
    case = get_case(app.db, "halyna.demo", case_id)
    assert [m["given_name"] for m in household_members(app.db, "halyna.demo", case["household_id"])] == ["Дарина", "Матвій"]
    assert app.register() == case_id  # a second click adds nothing
    assert app.db["cases"].count == 2


def test_every_problem_shows_at_once_beside_its_field(app):
    app.add_member_button.click()
    fill_member(app.members[1], "", "Матвій", "31.02.2019", "male", "child")
    app.inputs["phone"].value = "дзвоніть увечері"
    before = app.db["persons"].count
    assert app.register() is None
    assert app.db["persons"].count == before
    assert "Це поле обовʼязкове" in app.errors["programme"].value
    assert "Це поле обовʼязкове" in app.members[0].errors["family_name"].value
    assert "дд.мм.рррр" in app.members[1].errors["birth_date"].value
    assert "згоди" in app.errors["consent_given_on"].value
    assert "Номер телефону" in app.errors["phone"].value
    app.set_language("en")
    app.register()
    assert "Phone number" in app.errors["phone"].value and "Not saved" in app.result.value


def test_urgent_intake_needs_a_note_and_flags_the_case(app):
    fill_case(app)
    fill_member(app.members[0], "Терник", "Ілля", "01.01.2001", "male")
    app.inputs["urgent"].value = True
    assert app.rows["urgent_note"].layout.display is None
    assert app.register() is None and "Це поле обовʼязкове" in app.errors["urgent_note"].value
    app.inputs["urgent_note"].value = "Насильство в сімʼї"
    case_id = app.register()
    assert case_state(app.db, "halyna.demo", case_id)["urgent_on"] == TODAY.isoformat()


@pytest.mark.parametrize("family, given, birth", [
    ("Тихоліс", "Ганна", "02.04.1990"),       # the same spelling
    ("Tykholis", "Hanna", "02.04.1990"),      # Latin
    ("Тихолис", "Анна", "04.02.1990"),        # Russian forms, day and month swapped
    ("Ганна", "Тихоліс", "02.04.1990"),       # names swapped
])
def test_the_duplicate_warning_offers_the_existing_person(app, household_case, family, given, birth):
    member = app.members[0]
    member.inputs["family_name"].value = family
    member.inputs["given_name"].value = given
    member.inputs["birth_date"].value = birth
    rows = [c for c in member.duplicates.children if "wb-duplicate" in c._dom_classes]
    assert rows and "Тихоліс Ганна" in rows[0].children[0].value
    assert "2026-00001" in rows[0].children[2].value  # a link to her case
    rows[0].children[1].click()  # use the existing record
    assert member.person_id is not None and member.fields.layout.display == "none"
    fill_case(app)
    persons = app.db["persons"].count
    case_id = app.register()
    assert app.db["persons"].count == persons  # linked, not registered again
    assert household_members(app.db, "halyna.demo", get_case(app.db, "halyna.demo", case_id)["household_id"])[0]["given_name"] == "Ганна"


def test_different_people_raise_no_warning(app, household_case):
    member = app.members[0]
    for family, given, birth in (("Тихоліс", "Злата", "12.01.2012"), ("Тихоліс", "Олег", "02.04.1990"),
                                 ("Ковальчук", "Ганна", "02.04.1990")):
        member.inputs["family_name"].value = family
        member.inputs["given_name"].value = given
        member.inputs["birth_date"].value = birth
        assert not member.duplicates.children, (family, given, birth)


def test_removing_a_member_renumbers_the_rest_and_old_warnings_are_closed(app, household_case):
    app.add_member_button.click()
    app.add_member_button.click()
    second, third = app.members[1], app.members[2]
    app.remove_member(second)
    assert third.number == 1 and "wb-member-1" in third.widget._dom_classes
    assert "wb-member-2" not in third.widget._dom_classes
    member = app.members[0]
    member.inputs["family_name"].value = "Тихоліс"
    member.inputs["given_name"].value = "Ганна"
    old_rows = list(member.duplicates.children)
    assert old_rows
    member.inputs["birth_date"].value = "02.04.1990"
    assert all(row.comm is None for row in old_rows)  # closed, not left behind
