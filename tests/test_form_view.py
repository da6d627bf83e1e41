"""The form view built from an instrument, driven as a user would: set values, read messages."""
from conftest import TODAY, fill
from workbench.forms.view import FormView


def test_every_item_gets_a_field_and_groups_become_sections(instrument):
    view = FormView(instrument, "uk")
    top_level = [i for i in instrument.items.values() if i.repeat is None]
    assert set(view.fields) == {i.name for i in top_level}
    assert set(view.repeats) == {"child"}
    assert view.fields["urgent"].input.options[0][0] == "Так"
    assert "Дата візиту" in view.fields["visit_date"].label.value


def test_relevant_hides_and_shows_a_field(instrument):
    view = FormView(instrument, "uk")
    details = view.fields["urgent_details"]
    assert details.box.layout.display == "none"
    view.fields["urgent"].input.value = "yes"
    assert details.box.layout.display is None
    view.fields["urgent"].input.value = "no"
    assert details.box.layout.display == "none"


def test_messages_appear_as_the_user_types_only_on_touched_fields(instrument):
    view = FormView(instrument, "en")
    assert view.fields["conclusion_text"].error.value == ""
    view.fields["household_size"].input.value = "45"
    assert "Enter a number from 1 to 30." in view.fields["household_size"].error.value
    assert view.fields["conclusion_text"].error.value == ""  # untouched: no message yet
    view.fields["household_size"].input.value = "4"
    assert view.fields["household_size"].error.value == ""


def test_on_submit_every_problem_shows_under_its_field(instrument):
    view = FormView(instrument, "uk")
    checked = view.check(show_all=True, today=TODAY)
    assert not checked.ok
    assert "Це поле обовʼязкове." in view.fields["conclusion_text"].error.value
    view.set_language("en")
    assert "This field is required." in view.fields["conclusion_text"].error.value


def test_repeats_are_addable_and_removable_and_checked_per_child(instrument):
    view = FormView(instrument, "uk")
    block = view.repeats["child"]
    block.add()
    block.add()
    view.fields["visit_date"].input.value = "01.02.2026"
    block.instances[0].fields["child_birth_date"].input.value = "01.01.2006"
    assert "до 18 років" in block.instances[0].fields["child_birth_date"].error.value
    assert block.instances[0].fields["child_person"].input.disabled  # read-only: from the register
    assert block.instances[0].fields["child_age"].input is None  # computed, not typed
    block.remove(block.instances[0])
    assert len(block.instances) == 1 and block.instances[0].fields["child_birth_date"].instance == 1
    assert len(view.values()["child"]) == 1


def test_a_filled_form_gives_the_same_clean_answers_as_the_typed_submission(instrument, valid_answers):
    view = FormView(instrument, "uk")
    fill(view, valid_answers)
    checked = view.check(today=TODAY)
    assert checked.ok, checked.messages("en")
    assert checked.answers["child"][0]["health"] == valid_answers["child"][0]["health"]
    assert checked.answers["household_size"] == valid_answers["household_size"]
    again = FormView(instrument, "en")
    again.set_values(checked.answers)
    assert again.check(today=TODAY).answers == checked.answers


def test_instrument_text_is_escaped_in_html(tmp_path):
    from workbench.instruments.loader import load_instrument

    path = tmp_path / "x.md"
    path.write_text("| survey |\n| | type | name | label |\n| | text | a | <img src=x onerror=alert(1)> |\n",
                    encoding="utf-8")
    view = FormView(load_instrument(path), "uk")
    assert "<img" not in view.fields["a"].label.value and "&lt;img" in view.fields["a"].label.value
