"""XLSForm as KoBoToolbox and ODK users write it: each feature in a small form of our own, loaded, built in
the form view, filled, validated, saved through the store and read back."""
from datetime import date

import pytest
from conftest import TODAY

from workbench.forms.view import FormView
from workbench.instruments.loader import InstrumentError, load_instrument
from workbench.instruments.validation import check_submission
from workbench.store.assessments import get_assessment, save_assessment


def form(tmp_path, survey: list[str], choices: list[str] = (), settings: list[str] = (), name="form.md"):
    """A markdown XLSForm: ``survey`` and ``choices`` are table lines, the header first."""
    lines = ["| survey |", *survey]
    if choices:
        lines += ["| choices |", *choices]
    if settings:
        lines += ["| settings |", *settings]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_instrument(path)


def refusal(tmp_path, survey, choices=(), name="form.md") -> InstrumentError:
    with pytest.raises(InstrumentError) as err:
        form(tmp_path, survey, choices, name=name)
    return err.value


def save_and_read(db, case_id, instrument, view) -> dict:
    checked = view.check(today=TODAY)
    assert checked.ok, checked.messages("en")
    saved = save_assessment(db, "olena.demo", case_id=case_id, instrument=instrument, answers=view.values(),
                            assessed_on="2026-02-01", today=TODAY)
    return get_assessment(db, "olena.demo", saved, instrument)["answers"]


YES_NO = ["| | list_name | name | label |", "| | yn | yes | Yes |", "| | yn | no | No |"]


@pytest.mark.parametrize("header", ["label::en", "label:English", "label::English (en)", "LABEL::EN"])
def test_label_headers_in_every_spelling_show_their_text(tmp_path, header):
    instrument = form(tmp_path, [f"| | type | name | {header} | hint:English |",
                                 "| | text | who | Your name | As in the passport |"])
    for lang in ("uk", "en"):  # no Ukrainian label: the form's only language is shown
        view = FormView(instrument, lang)
        assert "Your name" in view.fields["who"].label.value
        assert "As in the passport" in view.fields["who"].hint.value


def test_a_language_we_do_not_translate_shows_its_labels_and_the_default_language_comes_first(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label::French (fr) | label::Swahili |",
                                 "| | integer | age | Âge | Umri |"],
                      settings=["| | default_language |", "| | Swahili |"])
    assert list(instrument.items["age"].labels) == ["swahili", "fr"]
    assert "Umri" in FormView(instrument, "uk").fields["age"].label.value
    assert instrument.items["age"].labels["fr"] == "Âge"  # kept, though the interface is in uk or en only


def test_legacy_select_syntax_and_or_other_add_the_other_choice_and_its_text(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label |",
                                 "| | select one from yn | ok | All well? |",
                                 "| | select all that apply from colour or specify other | colours | Colours |",
                                 "| | select_one colour or_other | favourite | Favourite |"],
                      ["| | list_name | name | label |", *YES_NO[1:], "| | colour | red | Red |",
                       "| | colour | blue | Blue |"])
    assert instrument.items["ok"].type == "select_one"
    assert instrument.items["colours"].choice_names() == ["red", "blue", "other"]
    other = instrument.items["favourite_other"]
    assert other.type == "text" and other.label("en") == "Specify other." and other.label("uk") == "Уточніть інше."
    view = FormView(instrument, "en")
    assert view.fields["favourite_other"].box.layout.display == "none"
    view.fields["ok"].input.value = "yes"
    view.fields["favourite"].input.value = "other"
    assert view.fields["favourite_other"].box.layout.display is None
    view.fields["favourite_other"].input.value = "teal"
    answers = save_and_read(db, household_case, instrument, view)
    assert answers["favourite"] == "other" and answers["favourite_other"] == "teal"


def test_metadata_rows_with_their_parameters_do_not_refuse_the_form(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label | parameters |",
                                 "| | start | start | | |",
                                 "| | audit | audit | | location-priority=balanced location-min-interval=60 "
                                 "location-max-age=120 |",
                                 "| | deviceid | deviceid | | |", "| | hidden | secret | | |",
                                 "| | text | note_text | Notes | |"])
    assert [n for n, i in instrument.items.items() if i.type != "metadata"] == ["note_text"]
    assert instrument.items["start"].recorded == "start" and instrument.items["deviceid"].recorded == "deviceid"
    assert "audit" not in instrument.items and "secret" not in instrument.items  # not recorded


def test_curly_quotes_in_expressions_are_read_as_plain_ones(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label | relevant |",
                                 "| | select_one yn | ok | All well? | |",
                                 "| | text | why | Why not? | ${ok} = ‘no’ |"], YES_NO)
    view = FormView(instrument, "en")
    view.fields["ok"].input.value = "no"
    assert view.fields["why"].box.layout.display is None


def test_a_label_shows_the_answers_it_refers_to_as_they_are_typed(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | hint |",
                                 "| | text | child | Child's name | |",
                                 "| | integer | age | How old is ${child}? | Age of ${child} in years |",
                                 "| | begin repeat | visit | Visits | |",
                                 "| | text | place | Where did you meet ${child}? | |",
                                 "| | end repeat | | | |"])
    view = FormView(instrument, "en")
    assert "How old is ?" in view.fields["age"].label.value
    view.fields["child"].input.value = "Zlata <b>"
    assert "How old is Zlata &lt;b&gt;?" in view.fields["age"].label.value  # escaped: typed text is not HTML
    assert "Age of Zlata" in view.fields["age"].hint.value
    view.repeats["visit"].add()
    assert "meet Zlata" in view.repeats["visit"].instances[0].fields["place"].label.value
    view.fields["age"].input.value = "7"
    assert save_and_read(db, household_case, instrument, view)["age"] == 7


def test_a_label_referring_to_no_question_is_refused_with_its_row_and_column(tmp_path):
    err = refusal(tmp_path, ["| | type | name | label::English (en) |", "| | text | a | Hello ${nobody} |"])
    assert "row 2, column 'label::en'" in err.message("en") and "${nobody}" in err.message("en")
    assert "рядок 2" in err.message("uk")


def test_default_answers_fill_a_new_form_and_an_expression_is_refused(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | default |",
                                 "| | decimal | weight | Weight | 18.31 |",
                                 "| | date | seen | Seen on | 2010-06-15 00:00:00 |",
                                 "| | select_multiple colour | colours | Colours | red blue |",
                                 "| | select_one yn | ok | All well? | no |"],
                      ["| | list_name | name | label |", *YES_NO[1:], "| | colour | red | Red |",
                       "| | colour | blue | Blue |"])
    view = FormView(instrument, "uk")
    assert view.values() == {"weight": "18.31", "seen": "2010-06-15", "colours": ["red", "blue"], "ok": "no"}
    answers = save_and_read(db, household_case, instrument, view)
    assert str(answers["seen"]) == "2010-06-15" and answers["weight"] == 18.31
    err = refusal(tmp_path, ["| | type | name | label | default |", "| | date | d | Day | today() |"])
    assert "column 'default'" in err.message("en") and "стовпці default" in err.message("uk")


def test_a_phone_number_takes_digits_only(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label |", "| | phone number | phone | Phone |"])
    view = FormView(instrument, "en")
    view.fields["phone"].input.value = "+38 067"
    assert "Enter numbers only." in view.check(today=TODAY).messages("en")[("phone", 0)]
    view.fields["phone"].input.value = "0671234567"
    assert save_and_read(db, household_case, instrument, view)["phone"] == "0671234567"


@pytest.mark.parametrize(("row", "feature"), [
    ("| | geoshape | area | Area |", "geoshape"),
    ("| | select one from file towns.csv | town | Town |", "select one from file towns.csv"),
])
def test_unsupported_types_are_refused_naming_the_type_sheet_row_and_column(tmp_path, row, feature):
    err = refusal(tmp_path, ["| | type | name | label |", "| | text | a | A |", row])
    for lang, words in (("en", "sheet 'survey', row 3, column 'type'"), ("uk", "аркуш «survey», рядок 3")):
        assert words in err.message(lang) and f"'{feature}'" in err.message("en")


def test_a_csv_that_is_not_a_form_is_refused_without_python_text(tmp_path):
    path = tmp_path / "fruits.csv"
    path.write_text("name,colour\napple,red\npear,green\n", encoding="utf-8")
    with pytest.raises(InstrumentError) as err:
        load_instrument(path)
    assert "is not an XLSForm" in err.value.message("en") and "не є формою XLSForm" in err.value.message("uk")
    assert "__init__" not in err.value.message("en")


def test_a_loop_over_a_list_gives_one_group_per_choice_with_its_label(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label::English (en) |",
                                 "| | begin loop over room | rooms | Rooms |",
                                 "| | integer | beds | How many beds in the %(label)s? |",
                                 "| | end loop | | |"],
                      ["| | list_name | name | label::English (en) |", "| | room | kitchen | kitchen |",
                       "| | room | hall | hall |", "| | room | none | none |"])
    assert list(instrument.items) == ["kitchen_beds", "hall_beds"]  # "none" is left out, as pyxform does
    assert instrument.items["hall_beds"].parents == ("rooms", "hall")
    view = FormView(instrument, "uk")
    assert "How many beds in the kitchen?" in view.fields["kitchen_beds"].label.value
    view.fields["kitchen_beds"].input.value = "2"
    assert save_and_read(db, household_case, instrument, view) == {"kitchen_beds": 2}
    err = refusal(tmp_path, ["| | type | name | label |", "| | begin loop over nowhere | l | L |",
                             "| | integer | n | N |", "| | end loop | | |"], YES_NO)
    assert "row 2, column 'type'" in err.message("en") and "nowhere" in err.message("en")


CASCADE = ["| | list_name | name | label | region |", "| | region | north | North | |", "| | region | south | South | |",
           "| | town | a | Town A | north |", "| | town | b | Town B | north |", "| | town | c | Town C | south |"]


def test_a_cascading_select_offers_the_choices_its_filter_allows(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | choice_filter |",
                                 "| | select_one region | region | Region | |",
                                 "| | select_one town | town | Town | region=${region} |",
                                 "| | select_multiple town | visited | Visited | region = ${region} or name = 'c' |"],
                      CASCADE)
    view = FormView(instrument, "en")
    assert view.fields["town"].input.options == ()
    view.fields["region"].input.value = "north"
    assert [v for _, v in view.fields["town"].input.options] == ["a", "b"]
    visible = [c.description for c in view.fields["visited"].input.children if c.layout.display is None]
    assert visible == ["Town A", "Town B", "Town C"]
    view.fields["town"].input.value = "b"
    view.fields["visited"].input.children[0].value = True
    view.fields["region"].input.value = "south"
    assert [v for _, v in view.fields["town"].input.options] == ["c"] and view.fields["town"].value() is None
    assert view.fields["visited"].value() == []  # Town A is no longer offered: unticked and hidden
    view.fields["town"].input.value = "c"
    view.fields["visited"].input.children[2].value = True
    answers = save_and_read(db, household_case, instrument, view)
    assert answers == {"region": "south", "town": "c", "visited": ["c"]}


def test_a_forged_answer_outside_the_cascade_is_refused(tmp_path):
    from workbench.instruments.validation import check_submission

    instrument = form(tmp_path, ["| | type | name | label | choice_filter |",
                                 "| | select_one region | region | Region | |",
                                 "| | select_one town | town | Town | region=${region} |"], CASCADE)
    checked = check_submission(instrument, {"region": "south", "town": "a"}, today=TODAY)
    assert checked.messages("en")[("town", 0)] == ["'a' is not offered now (it depends on earlier answers)."]
    assert "не пропонується" in checked.messages("uk")[("town", 0)][0]


def test_a_macro_workbook_is_read_as_data(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["integer", "age", "Age"])
    book.save(tmp_path / "form.xlsm")
    assert list(load_instrument(tmp_path / "form.xlsm").items) == ["age"]


def test_time_datetime_and_geopoint_are_checked_and_kept_as_odk_writes_them(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | default | constraint |",
                                 "| | time | at | At | 09:30:00 | |",
                                 "| | dateTime | when | When | | |",
                                 "| | gps | where | Where | | |",
                                 "| | geopoint | home | Home | | |"])
    assert [i.type for i in instrument.items.values()] == ["time", "datetime", "geopoint", "geopoint"]
    view = FormView(instrument, "uk")
    assert view.fields["at"].input.placeholder == "гг:хх"
    for name, bad in (("at", "25:00"), ("when", "31.02.2026 10:00"), ("where", "91 30"), ("home", "50 30 1 -5")):
        view.fields[name].input.value = bad
    messages = view.check(today=TODAY).messages("en")
    assert messages[("at", 0)] == ["Enter a time as hh:mm, for example 09:30."]
    assert "dd.mm.yyyy hh:mm" in messages[("when", 0)][0] and "latitude -90 to 90" in messages[("where", 0)][0]
    assert "accuracy 0 or more" in messages[("home", 0)][0]
    view.fields["at"].input.value = "9:05"
    view.fields["when"].input.value = "05.03.2026 14:45"
    view.fields["where"].input.value = "50.4501 30.5234"
    view.fields["home"].input.value = "50.45, 30.52, 170, 4.5"
    answers = save_and_read(db, household_case, instrument, view)
    assert answers == {"at": "09:05", "when": "2026-03-05T14:45", "where": "50.4501 30.5234 0 0",
                       "home": "50.45 30.52 170 4.5"}


def test_repeat_count_gives_a_repeat_as_many_entries_as_it_says(tmp_path, db, household_case):
    from workbench.instruments.validation import check_submission

    instrument = form(tmp_path, ["| | type | name | label | repeat_count |",
                                 "| | integer | children | How many children? | |",
                                 "| | begin repeat | child | Child | ${children} |",
                                 "| | text | child_name | Name | |",
                                 "| | end repeat | | | |",
                                 "| | begin repeat | visit | Visit | 2 |",
                                 "| | date | visit_on | On | |",
                                 "| | end repeat | | | |"])
    view = FormView(instrument, "en")
    child, visit = view.repeats["child"], view.repeats["visit"]
    assert len(child.instances) == 0 and len(visit.instances) == 2
    assert child.add_button.layout.display == "none" and visit.instances[0].remove.layout.display == "none"
    view.fields["children"].input.value = "3"
    assert len(child.instances) == 3
    view.fields["children"].input.value = "1"
    assert len(child.instances) == 1
    child.instances[0].fields["child_name"].input.value = "Zlata"
    answers = save_and_read(db, household_case, instrument, view)
    assert answers == {"children": 1, "child": [{"child_name": "Zlata"}]}
    forged = check_submission(instrument, {"children": "2", "child": [{"child_name": "A"}]}, today=TODAY)
    assert forged.messages("en")[("child", 0)] == ["'child' must have exactly 2 entries (repeat_count)."]


def test_acknowledge_is_a_tick_kept_as_ok_and_a_note_may_have_no_name(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | required |",
                                 "| | note | | Read this first. | |",
                                 "| | acknowledge | read | I have read the rules | yes |"])
    assert "generated_note_name_2" in instrument.items  # pyxform's name for it
    view = FormView(instrument, "en")
    assert view.check(today=TODAY).messages("en")[("read", 0)] == ["This field is required."]
    view.fields["read"].input.value = True
    assert save_and_read(db, household_case, instrument, view) == {"read": "OK"}
    view.fields["read"].set_value("OK")
    assert view.fields["read"].input.value is True


def test_a_range_is_a_number_from_start_to_end_in_steps(tmp_path, db, household_case):
    instrument = form(tmp_path, ["| | type | name | label | parameters |",
                                 "| | range | pain | Pain | start=0 end=10 step=2 |",
                                 "| | range | dose | Dose | start=0.5 end=2 step=0.5 |",
                                 "| | range | plain | Plain | |"])
    assert [(i.type, i.steps) for i in instrument.items.values()] == [
        ("integer", (0, 10, 2)), ("decimal", (0.5, 2, 0.5)), ("integer", (1, 10, 1))]
    view = FormView(instrument, "en")
    view.fields["pain"].input.value = "3"
    view.fields["dose"].input.value = "2.5"
    messages = view.check(today=TODAY).messages("en")
    assert messages[("pain", 0)] == ["Enter a number from 0 to 10 in steps of 2."]
    assert messages[("dose", 0)] == ["Enter a number from 0.5 to 2 in steps of 0.5."]
    view.fields["pain"].input.value = "4"
    view.fields["dose"].input.value = "1,5"
    assert save_and_read(db, household_case, instrument, view) == {"pain": 4, "dose": 1.5}
    err = refusal(tmp_path, ["| | type | name | label | parameters |", "| | range | r | R | start=0 step=0 |"])
    assert "column 'parameters'" in err.message("en") and "step" in err.message("uk")


def test_a_reference_to_a_metadata_row_not_recorded_is_refused_as_such(tmp_path):
    err = refusal(tmp_path, ["| | type | name | label | constraint |", "| | start-geopoint | where | | |",
                             "| | geopoint | seen | Seen at | . != ${where} |"])
    assert "row 3, column 'constraint'" in err.message("en") and "metadata row (start-geopoint)" in err.message("en")
    assert "рядка метаданих (start-geopoint)" in err.message("uk")


def test_a_constraint_reads_the_recorded_day(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label | constraint |", "| | today | today | | |",
                                 "| | date | seen | Seen on | . <= ${today} |"])
    recorded = {"today": date(2026, 3, 10)}
    assert check_submission(instrument, {"seen": "2026-03-10"}, recorded=recorded).ok
    assert not check_submission(instrument, {"seen": "2026-03-11"}, recorded=recorded).ok


def test_select_one_external_takes_its_list_from_the_external_choices_sheet(tmp_path):
    path = tmp_path / "external.md"
    path.write_text("\n".join([
        "| survey |", "| | type | name | label | choice_filter |", "| | select_one region | region | Region | |",
        "| | select_one_external town | town | Town | region=${region} |",
        "| choices |", *CASCADE[:3],
        "| external_choices |", "| | list_name | name | label | region |", "| | town | x | Town X | north |",
        "| | town | y | Town Y | south |"]) + "\n", encoding="utf-8")
    instrument = load_instrument(path)
    assert instrument.items["town"].type == "select_one" and instrument.items["town"].choice_names() == ["x", "y"]
    view = FormView(instrument, "en")
    view.fields["region"].input.value = "south"
    assert view.fields["town"].input.options == (("Town Y", "y"),)


def test_trigger_is_acknowledge_barcode_is_typed_and_a_filter_may_name_a_label_column(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label | choice_filter |",
                                 "| | trigger | seen | Seen | |", "| | barcode | code | Code | |",
                                 "| | select_one town | town | Town | label::English != '' |"],
                      ["| | list_name | name | label::English |", "| | town | a | Town A |", "| | town | b | |"])
    assert [i.type for i in instrument.items.values()] == ["acknowledge", "text", "select_one"]
    assert FormView(instrument, "en").fields["town"].input.options == (("Town A", "a"),)


def test_a_saved_form_read_back_into_the_view_keeps_its_counted_entries_and_not_the_defaults(tmp_path):
    instrument = form(tmp_path, ["| | type | name | label | repeat_count | default |",
                                 "| | begin repeat | child | Child | ${children} | |",
                                 "| | text | child_name | Name | | |",
                                 "| | end repeat | | | | |",
                                 "| | integer | children | How many children? | | |",
                                 "| | integer | rooms | Rooms | | 2 |"])
    view = FormView(instrument, "en")
    assert view.values() == {"children": "", "rooms": "2", "child": []}
    view.set_values({"child": [{"child_name": "A"}, {"child_name": "B"}], "children": 2})
    assert view.values() == {"children": "2", "rooms": "", "child": [{"child_name": "A"}, {"child_name": "B"}]}


def test_a_filter_comparing_with_a_bare_word_no_column_has_is_refused_saying_why(tmp_path):
    # ODK reads a bare name as the choice's column of that name: none is named 'north', so it offers nothing
    err = refusal(tmp_path, ["| | type | name | label | choice_filter |",
                             "| | select_one town | town | Town | region=north |"], CASCADE)
    assert "row 2, column 'choice_filter'" in err.message("en")
    assert "'north' is no column of the list town" in err.message("en") and "('north')" in err.message("en")
    assert "«north» не є стовпцем списку town" in err.message("uk")
