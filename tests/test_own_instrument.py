"""An organisation's own XLSForm in the workspace: named in the configuration's ``instruments``, given to a
programme, offered for that programme's cases, filled through the form view and saved; a misnamed form or
one that takes a shipped instrument's name is refused in both languages."""
import json
import shutil
from pathlib import Path

import pytest
from conftest import TODAY

from workbench import config
from workbench.instruments.loader import InstrumentError, builtin_names, load_builtin
from workbench.store.assessments import get_assessment

FORM = Path(__file__).resolve().parent / "data" / "community_visit.md"
PROGRAMME = {"uk": "Візити в громади", "en": "Community visits", "subject": "household", "instrument": "community_visit"}


def configure(monkeypatch, folder: Path, instruments: dict) -> None:
    """A WB_CONFIG in ``folder`` adding the programme ``community_visits`` and the ``instruments`` given."""
    programmes = dict(config.load_config()["programmes"], community_visits=PROGRAMME)
    path = folder / "organisation.json"
    path.write_text(json.dumps({"programmes": programmes, "instruments": instruments}), encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(path))


@pytest.fixture
def own_case(db, tmp_path, monkeypatch):
    """The form beside the configuration (a relative path), and an open case of its programme."""
    from workbench.store.cases import open_case
    from workbench.store.people import create_household, register_person

    shutil.copy(FORM, tmp_path / "visit.md")
    configure(monkeypatch, tmp_path, {"community_visit": "visit.md"})
    actor = "olena.demo"
    carer = register_person(db, actor, family_name="Гнатюк", given_name="Оксана", birth_date="1984-02-11",
                            sex="female", category="family_difficult_circumstances",
                            consent_given_on="2026-01-10", today=TODAY)
    household = create_household(db, actor, label="Гнатюк", members=[(carer, "applicant")])
    return open_case(db, actor, programme="community_visits", worker=actor, household_id=household,
                     opened_on="2026-01-10", today=TODAY)


def test_a_case_of_the_programme_opens_with_the_own_form_filled_and_saved_through_the_form_view(db, own_case):
    from workbench.apps.needs_assessment import NeedsAssessmentApp

    assert builtin_names() == ["care_profile", "family_needs_assessment", "community_visit"]
    app = NeedsAssessmentApp(db, "olena.demo", lang="en", today=TODAY)
    app.show_case(own_case)
    assert app.instrument.id == "community_visit" and app.instrument_choice.value == "community_visit"
    app.open_form()
    fields = app.form.fields
    fields["region"].input.value = "lviv"
    assert [v for _, v in fields["settlement"].input.options] == ["stryi", "sambir"]
    fields["settlement"].input.value = "sambir"
    fields["home"].input.value = "91 30"
    assert "latitude -90 to 90" in fields["home"].error.value
    fields["home"].input.value = "49.52 23.19"
    assert fields["home"].error.value == ""
    fields["visit_time"].input.value = "14:30"
    fields["carer"].input.value = "Oksana"
    assert "How many children does Oksana care for?" in fields["children"].label.value
    fields["children"].input.value = "2"
    entries = app.form.repeats["child"].instances
    assert len(entries) == 2
    for entry, name in zip(entries, ("Ira", "Petro")):
        entry.fields["child_name"].input.value = name
    saved = app.save()
    assert saved, app.form_error and app.form_error.message("en")
    assert get_assessment(db, "olena.demo", saved, load_builtin("community_visit"))["answers"] == {
        "region": "lviv", "settlement": "sambir", "home": "49.52 23.19 0 0", "visit_time": "14:30",
        "carer": "Oksana", "children": 2, "child": [{"child_name": "Ira"}, {"child_name": "Petro"}]}


def test_a_form_whose_form_id_is_not_its_configured_name_is_refused(tmp_path, monkeypatch):
    configure(monkeypatch, tmp_path, {"visits": str(FORM)})
    with pytest.raises(InstrumentError) as err:
        load_builtin("visits")
    assert err.value.message("en") == ("The form 'community_visit.md' has the form_id 'community_visit' but the "
                                       "configuration (instruments) names it 'visits'; they must match.")
    assert "form_id «community_visit»" in err.value.message("uk")


def test_an_own_form_may_not_take_a_shipped_instruments_name_nor_be_missing(tmp_path, monkeypatch):
    configure(monkeypatch, tmp_path, {"care_profile": str(FORM), "community_visit": "absent.md"})
    with pytest.raises(InstrumentError) as err:
        load_builtin("care_profile")
    assert "has a built-in one's name" in err.value.message("en") and "вбудованого" in err.value.message("uk")
    with pytest.raises(InstrumentError) as err:
        load_builtin("community_visit")
    assert "absent.md" in err.value.message("en") and "absent.md" in err.value.message("uk")
