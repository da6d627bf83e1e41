"""Loading XLSForm instruments: the built-in one, forms from elsewhere, and refusals that name sheet, row, column."""
import pytest
from openpyxl import Workbook

from workbench.instruments.loader import InstrumentError, builtin_names, load_builtin, load_instrument

HEADER = "| | type | name | label::Українська (uk) | label::English (en) | relevant | constraint |"


def md_form(tmp_path, rows: list[str], extra_header: str = "", settings: str | None = None, name="form.md"):
    """Write a markdown XLSForm whose survey rows are given as '| | type | name | uk | en | relevant | constraint |'."""
    lines = ["| survey |", HEADER + extra_header, *rows,
             "| choices |", "| | list_name | name | label::Українська (uk) | label::English (en) |",
             "| | yn | yes | Так | Yes |", "| | yn | no | Ні | No |",
             "| | lvl | 0 | Немає | None |", "| | lvl | 1 | Трохи | Some |", "| | lvl | 2 | Багато | Much |"]
    if settings:
        lines += ["| settings |", settings]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refusal(path) -> InstrumentError:
    with pytest.raises(InstrumentError) as err:
        load_instrument(path)
    return err.value


def test_builtin_family_needs_assessment_follows_the_triangle(instrument):
    assert "family_needs_assessment" in builtin_names()
    assert instrument.id == "family_needs_assessment" and instrument.version
    assert instrument.score_direction == "need"
    assert [d.name for d in instrument.domains()] == ["child_development", "parenting_capacity", "family_environment"]
    assert list(instrument.repeats) == ["child"]
    child_items = {i.name for i in instrument.scored_items("child_development")}
    assert child_items == {"health", "education", "emotional_behavioural", "identity",
                           "family_social_relationships", "social_presentation", "self_care"}
    assert len(instrument.scored_items("parenting_capacity")) == 6
    assert len(instrument.scored_items("family_environment")) == 7
    for name in ("urgent", "problem_duration", "readiness", "awareness", "in_difficult_circumstances",
                 "case_complexity", "conclusion_text"):
        assert name in instrument.items
    assert all(i.repeat == "child" for i in instrument.scored_items("child_development"))
    assert not instrument.items["readiness"].scored  # word choice names: not scored


def test_every_builtin_text_is_in_both_languages(instrument):
    for item in instrument.items.values():
        assert item.labels.get("uk") and item.labels.get("en"), item.name
        assert item.labels["uk"] != item.labels["en"], item.name
        for choice in item.choices:
            assert choice.labels.get("uk") and choice.labels.get("en"), (item.name, choice.name)
        if item.constraint is not None:
            assert item.constraint_messages.get("uk") and item.constraint_messages.get("en"), item.name
    assert instrument.title("uk") != instrument.title("en")


def test_builtin_loads_once_per_content():
    assert load_builtin("family_needs_assessment") is load_builtin("family_needs_assessment")


def test_a_minimal_form_with_every_supported_type_loads(tmp_path):
    path = md_form(tmp_path, [
        "| | begin_group | g | Група | Group | | |",
        "| | text | t | Текст | Text | | |",
        "| | integer | n | Число | Number | | . >= 0 |",
        "| | decimal | d | Дріб | Decimal | | |",
        "| | date | dt | Дата | Date | | . <= today() |",
        "| | select_one lvl | s1 | Рівень | Level | ${n} > 0 | |",
        "| | select_multiple yn | sm | Кілька | Several | | |",
        "| | note | nt | Примітка | Note | | |",
        "| | end_group | | | | | |",
        "| | begin_repeat | r | Повтор | Repeat | | |",
        "| | select_one lvl | s2 | Рівень 2 | Level 2 | ${n} > 1 | |",
        "| | end_repeat | | | | | |",
    ], settings="| | form_id | version | score_direction |\n| | mini | 3 | need |")
    form = load_instrument(path)
    assert (form.id, form.version, form.score_direction) == ("mini", "3", "need")
    assert [i.type for i in form.items.values()] == ["text", "integer", "decimal", "date", "select_one",
                                                      "select_multiple", "note", "select_one"]
    assert form.items["s2"].repeat == "r" and form.items["s1"].group == "g"
    assert [d.name for d in form.domains()] == ["g"]  # the repeat's item has no group: it scores no domain
    assert form.items["s1"].relevant.references == frozenset({"n"})


@pytest.mark.parametrize("row, column, words", [
    ("| | geotrace | route | Маршрут | Route | | |", "type", ["geotrace", "not supported"]),
    ("| | integer | a | А | A | | pulldata('x', 'y') |", "constraint", ["pulldata"]),
    ("| | integer | a | А | A | ${nowhere} > 1 | |", "relevant", ["${nowhere}"]),
    ("| | integer | a | А | A | /data/b > 1 | |", "relevant", []),
    ("| | integer | a | А | A | . > 1 | |", "relevant", ["'.'"]),
    ("| | integer | a | А | A | | 1 + |", "constraint", []),
])
def test_unsupported_things_are_refused_naming_sheet_row_and_column(tmp_path, row, column, words):
    path = md_form(tmp_path, ["| | text | first | Перше | First | | |", row])
    err = refusal(path)
    english, ukrainian = err.message("en"), err.message("uk")
    assert f"form.md, sheet 'survey', row 3, column '{column}'" in english
    assert f"form.md, аркуш «survey», рядок 3, стовпець «{column}»" in ukrainian
    for word in words:
        assert word in english


def test_reference_into_a_repeat_from_outside_is_refused(tmp_path):
    path = md_form(tmp_path, [
        "| | begin_repeat | r | Повтор | Repeat | | |",
        "| | integer | inner | В | In | | |",
        "| | end_repeat | | | | | |",
        "| | integer | outer | З | Out | ${inner} > 1 | |",
    ])
    err = refusal(path)
    assert "row 5, column 'relevant'" in err.message("en") and "repeat 'r'" in err.message("en")


def test_a_column_that_changes_behaviour_is_refused(tmp_path):
    path = md_form(tmp_path, ["| | integer | a | А | A | | | ${a} > 1 |"], extra_header=" trigger |")
    err = refusal(path)
    assert "column 'trigger'" in err.message("en") and "row 2" in err.message("en")


def test_bad_score_direction_is_refused(tmp_path):
    path = md_form(tmp_path, ["| | integer | a | А | A | | |"],
                   settings="| | form_id | score_direction |\n| | x | sideways |")
    assert "sheet 'settings', row 2, column 'score_direction'" in refusal(path).message("en")


@pytest.mark.parametrize("content, name", [
    (b"PK\x03\x04 this is not really a zip file", "broken.xlsx"),
    (b"\x00\x01\x02garbage", "garbage.xls"),
    ("| survey |\n| | type | name | label |\n| | select_one nolist | a | A |\n".encode(), "missing_list.md"),
    ("| survey |\n| | type | name | label |\n| | begin_group | g | G |\n".encode(), "unclosed.md"),
    ("| survey |\n| | type | name | label |\n| | text | a | A |\n| | text | a | A again |\n".encode(), "dup.md"),
    (b"", "empty.md"),
])
def test_broken_or_hostile_files_are_refused_with_one_message(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    err = refusal(path)
    assert name in err.message("en") and name in err.message("uk")
    assert "Traceback" not in err.message("en")


def test_wrong_file_type_and_huge_files_are_refused(tmp_path):
    other = tmp_path / "form.json"
    other.write_text("{}")
    assert ".xlsx" in refusal(other).message("en")
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"a" * (6 * 1024 * 1024))
    assert "too large" in refusal(huge).message("en")


def kobo_xlsx(path, extra_rows=()):
    """A form as KoBoToolbox writes it: metadata rows, one language, 'select_one' lists."""
    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "required", "relevant", "appearance"])
    for row in [("start", "start"), ("end", "end"), ("today", "today"), ("deviceid", "deviceid"),
                ("integer", "age", "Age of the respondent", "true", "", ""),
                ("select_one yes_no", "displaced", "Are you displaced?", "true", "", "minimal"),
                ("text", "where_from", "Where from?", "", "${displaced} = 'yes'", ""),
                ("calculate", "older", "", "", "", ""), *extra_rows]:
        survey.append(list(row))
    survey["G1"] = "calculation"
    survey["G9"] = "${age} + 1"
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["yes_no", "yes", "Yes"])
    choices.append(["yes_no", "no", "No"])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Rapid needs check", "rapid_check"])
    wb.save(path)
    return path


def test_a_kobo_form_loads_skipping_metadata_with_one_language_for_both(tmp_path):
    form = load_instrument(kobo_xlsx(tmp_path / "kobo.xlsx"))
    assert [n for n, i in form.items.items() if i.type != "metadata"] == ["age", "displaced", "where_from", "older"]
    assert form.items["age"].label("uk") == form.items["age"].label("en") == "Age of the respondent"
    assert form.items["age"].required is True
    assert form.items["older"].type == "calculate"
    assert form.version.startswith("sha-")  # no version in settings: the content decides


def test_a_kobo_form_with_an_unsupported_row_names_its_row(tmp_path):
    err = refusal(kobo_xlsx(tmp_path / "kobo.xlsx", extra_rows=[("geotrace", "route", "Route")]))
    assert "kobo.xlsx, sheet 'survey', row 10, column 'type': the type 'geotrace' is not supported" in err.message("en")
