"""The case app's temporary-shelter section, driven through its widgets in plain pytest."""
import pytest

from conftest import TODAY, row_counts
from workbench.apps.case import CaseApp
from workbench.store.inputs import InvalidInput
from workbench.store.intake import register_client
from workbench.store.people import household_members
from workbench.store.shelter import case_stays, person_stays, record_stay


@pytest.fixture
def app(db, household_case):
    return CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)


@pytest.fixture
def stranger_case(db):
    """Another client's own case; returns ``(case_id, person_id)``."""
    case_id = register_client(db, "olena.demo", family_name="Чужинець", given_name="Іван", birth_date="01.01.2000",
                              sex="male", category="idp", consent_given_on="01.02.2026", programme="idp_support",
                              today=TODAY)
    [person] = household_members(db, "halyna.demo", db["cases"].get(case_id)["household_id"])
    return case_id, person["id"]


def options(dropdown):
    return [value for _, value in dropdown.options if value]


def test_a_stay_is_recorded_shown_and_ended(app, household_case):
    form, end = app.forms["shelter"], app.forms["shelter_end"]
    assert "Тимчасовий притулок" in app.stays.value and "не записано" in app.stays.value
    assert form.widget.layout.display is None and end.widget.layout.display == "none"  # nothing open to end
    child = options(form.inputs["person_id"])[1]
    assert len(options(form.inputs["person_id"])) == 2  # the family's two members
    form.inputs["person_id"].value = child
    form.inputs["shelter"].value = "Притулок «Надія» <b>Харків</b>"
    form.inputs["from_on"].value = "01.03.2026"
    form.submit.click()
    assert "Перебування записано" in form.status.value
    [stay] = case_stays(app.db, "halyna.demo", household_case)
    assert (stay["person_id"], stay["case_id"], stay["from_on"]) == (child, household_case, "2026-03-01")
    assert "Тихоліс Злата" in app.stays.value and "01.03.2026" in app.stays.value and "триває" in app.stays.value
    assert "&lt;b&gt;Харків&lt;/b&gt;" in app.stays.value and "<b>Харків" not in app.stays.value

    assert end.widget.layout.display is None
    assert options(end.inputs["stay_id"]) == [stay["id"]]
    end.inputs["stay_id"].value = stay["id"]
    end.inputs["to_on"].value = "20.03.2026"
    end.submit.click()
    assert "Вибуття записано" in end.status.value
    assert person_stays(app.db, "halyna.demo", child)[0]["to_on"] == "2026-03-20"
    assert "20.03.2026" in app.stays.value and "триває" not in app.stays.value
    assert end.widget.layout.display == "none"
    app.set_language("en")
    assert "Temporary shelter" in app.stays.value and "Shelter" in app.stays.value
    assert "Stay recorded" in form.status.value


def test_messages_appear_under_their_fields_in_both_languages_and_nothing_is_written(app):
    form = app.forms["shelter"]
    form.inputs["from_on"].value = "16.06.2026"  # tomorrow
    before = row_counts(app.db)
    form.submit.click()
    assert row_counts(app.db) == before
    assert "обовʼязкове" in form.errors["person_id"].value
    assert "обовʼязкове" in form.errors["shelter"].value
    assert "майбутньому" in form.errors["from_on"].value
    assert "Не збережено" in form.status.value
    app.set_language("en")
    assert "required" in form.errors["shelter"].value and "future" in form.errors["from_on"].value
    form.inputs["shelter"].value = "Притулок\x07"
    form.inputs["from_on"].value = "31.02.2026"
    form.submit.click()
    assert "(a control character), U+0007 CONTROL CHARACTER, at position 9" in form.errors["shelter"].value
    assert "real date" in form.errors["from_on"].value
    assert row_counts(app.db) == before


def test_a_forged_person_is_refused_by_the_service_and_the_message_shown(app, household_case, stranger_case):
    _, stranger = stranger_case
    form = app.forms["shelter"]
    # A page can send any value: here the dropdown is made to hold a person of another case.
    form.inputs["person_id"].options = [("Підставлена особа", stranger), ("Нікого", 999999)]
    form.inputs["person_id"].value = stranger
    form.inputs["shelter"].value = "Притулок"
    form.inputs["from_on"].value = "01.03.2026"
    before = row_counts(app.db)
    form.submit.click()
    assert row_counts(app.db) == before
    assert f"не стосується особи №{stranger}" in form.errors["person_id"].value
    app.set_language("en")
    assert f"is not a case of person #{stranger}" in form.errors["person_id"].value
    form.inputs["person_id"].options = [("Нікого", 999999)]
    form.inputs["person_id"].value = 999999
    form.submit.click()
    assert "#999999 was not found" in form.errors["person_id"].value
    assert row_counts(app.db) == before
    for forged in (999999, stranger, str(stranger), "1 or 1=1", "<script>", [stranger], 2**70):
        with pytest.raises(InvalidInput) as err:
            app._record_stay({"person_id": forged, "shelter": "Притулок", "from_on": "01.03.2026"})
        assert set(err.value.problems) == {"person_id"}
    assert row_counts(app.db) == before


def test_a_second_stay_while_one_goes_on_is_refused_with_its_message(app, household_case):
    form = app.forms["shelter"]
    mother = options(form.inputs["person_id"])[0]
    record_stay(app.db, "olena.demo", mother, shelter="Притулок А", from_on="2026-03-01", today=TODAY)
    app.show_case(household_case)
    form.inputs["person_id"].value = mother
    form.inputs["shelter"].value = "Притулок Б"
    form.inputs["from_on"].value = "01.04.2026"
    before = row_counts(app.db)
    form.submit.click()
    assert row_counts(app.db) == before
    assert "ще перебуває" in form.status.value and "Притулок А" in form.status.value


def test_ending_a_stay_is_checked(app, household_case, stranger_case):
    stranger_case_id, stranger = stranger_case
    mother = options(app.forms["shelter"].inputs["person_id"])[0]
    mine = record_stay(app.db, "olena.demo", mother, shelter="Притулок", from_on="2026-03-01", today=TODAY)
    theirs = record_stay(app.db, "olena.demo", stranger, shelter="Інший", from_on="2026-03-01",
                         case_id=stranger_case_id, today=TODAY)
    app.show_case(household_case)
    end = app.forms["shelter_end"]
    assert options(end.inputs["stay_id"]) == [mine]  # only the stays of this case's persons
    before = row_counts(app.db)
    end.submit.click()  # nothing chosen
    assert "обовʼязкове" in end.errors["stay_id"].value
    end.inputs["stay_id"].value = mine
    end.inputs["to_on"].value = "28.02.2026"
    end.submit.click()
    assert "раніше дати заселення (01.03.2026)" in end.status.value
    end.inputs["stay_id"].options = [("Чуже перебування", theirs)]  # forged: another case's stay
    end.inputs["to_on"].value = "10.03.2026"
    end.submit.click()
    assert f"№{theirs} не належить до випадку №{household_case}" in end.errors["stay_id"].value
    assert row_counts(app.db) == before
    assert person_stays(app.db, "halyna.demo", stranger)[0]["to_on"] is None
    # A stale page: the stay was ended elsewhere meanwhile; the service says so.
    app.show_case(household_case)
    end.inputs["stay_id"].value = mine
    from workbench.store.shelter import end_stay

    end_stay(app.db, "mariia.demo", mine, to_on="2026-03-05", today=TODAY)
    before = row_counts(app.db)
    end.submit.click()
    assert "уже завершено 05.03.2026" in end.status.value
    assert row_counts(app.db) == before
    assert end.widget.layout.display == "none"  # the page re-read the case: nothing left to end
