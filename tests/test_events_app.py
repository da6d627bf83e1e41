"""The events log app, driven through its widgets: record, refuse with messages under the fields, correct."""
import pytest

from conftest import TODAY
from workbench import config
from workbench.apps.events import EventsApp
from workbench.store.audit import audit_rows
from workbench.store.events import event_history, list_events, record_event

ACTOR = "olena.demo"


@pytest.fixture
def app(db):
    return EventsApp(db, ACTOR, "uk", today=TODAY)


def fill(app, **values):
    defaults = dict(held_on="10.06.2026", event_type="awareness_campaign", project="Безпечна громада",
                    place="Ірпінь, бібліотека", participants="40", children="12", idps="9",
                    staff=("olena.demo", "iryna.demo"), note="")
    for name, value in dict(defaults, **values).items():
        app.inputs[name].value = value


def counts(db):
    return db["events"].count, db["audit_log"].count


def error(app, field) -> str:
    return app.form.errors[field].value


def test_the_form_starts_empty_for_today_with_the_signed_in_worker(app):
    assert app.inputs["held_on"].value == "15.06.2026"
    assert app.inputs["event_type"].value == "" and app.inputs["participants"].value == ""
    assert app.inputs["children"].value == app.inputs["idps"].value == "0"
    assert app.inputs["staff"].value == (ACTOR,)
    assert [code for _, code in app.inputs["event_type"].options] == ["", *config.load_config()["event_types"]]
    assert app.form.rows["reason"].layout.display == "none"
    assert "Заходів ще не записано." in app.table.value
    assert "Журнал заходів" in app.heading.value and app.form.submit.description == "Зберегти захід"


def test_an_event_is_recorded_through_the_form_and_listed(app, db):
    fill(app, note="Роздано 200 листівок")
    app.form.submit.click()
    assert "Захід №1 збережено." in app.form.status.value
    [row] = db.query("select * from events")
    assert (row["held_on"], row["event_type"], row["project"], row["place"], row["participants"], row["children"],
            row["idps"], row["staff"], row["note"], row["recorded_by"]) == (
        "2026-06-10", "awareness_campaign", "Безпечна громада", "Ірпінь, бібліотека", 40, 12, 9,
        '["olena.demo", "iryna.demo"]', "Роздано 200 листівок", ACTOR)
    assert [a["action"] for a in audit_rows(db, "admin.demo", "events")] == ["record_event"]
    # The list shows it, with the staff's names; the form is ready for the next event.
    for text in ("10.06.2026", "Інформаційна кампанія", "Безпечна громада", "Ірпінь, бібліотека",
                 "Олена Тихоліс (демо), Ірина Колосаєнко (демо)"):
        assert text in app.table.value
    assert app.table.value.count('class="wb-event-row"') == 1
    assert app.inputs["project"].value == "" and app.inputs["event_type"].value == ""
    assert all(not error(app, name) for name in app.form.errors)


def test_the_staff_are_ticked_one_tap_each(app, db):
    """No Ctrl: each member of staff is a checkbox; the signed-in worker is ticked to start with."""
    boxes = {box.description: box for box in app.inputs["staff"].children}
    assert list(boxes) == list(app.staff_names.values())  # everyone, alphabetically
    assert [name for name, box in boxes.items() if box.value] == ["Олена Тихоліс (демо)"]
    fill(app, staff=())
    boxes["Ірина Колосаєнко (демо)"].value = True
    boxes["Андрій Вербанюк (демо)"].value = True
    boxes["Ірина Колосаєнко (демо)"].value = False  # ticked by mistake
    assert app.inputs["staff"].value == ("andrii.demo",)
    app.form.submit.click()
    assert [row["staff"] for row in db.query("select staff from events")] == ['["andrii.demo"]']
    assert [name for name, box in boxes.items() if box.value] == ["Олена Тихоліс (демо)"]  # the next event's


def test_a_double_click_saves_once_and_a_changed_form_saves_again(app, db):
    fill(app)
    app.form.submit.click()
    app.form.submit.click()
    assert db["events"].count == 1
    assert "Захід №1 збережено." in app.form.status.value
    fill(app, project="Друга зустріч")
    app.form.submit.click()
    assert db["events"].count == 2 and "Захід №2 збережено." in app.form.status.value


def test_every_problem_shows_under_its_field_and_nothing_is_written(app, db):
    before = counts(db)
    fill(app, held_on="31.02.2026", event_type="", project="", place="Буча\x07", participants="10",
         children="11", idps="-1", staff=())
    app.form.submit.click()
    assert counts(db) == before
    assert "Не збережено: виправте позначені поля (7)." in app.form.status.value
    assert "дд.мм.рррр" in error(app, "held_on")
    assert "Це поле обовʼязкове." in error(app, "event_type") and "Це поле обовʼязкове." in error(app, "project")
    assert "Недозволений символ (керувальний символ) U+0007 CONTROL CHARACTER у позиції 5." in error(app, "place")
    assert "Дітей (11) не може бути більше, ніж учасників (10)." in error(app, "children")
    assert "Введіть ціле число від 0 до 100000." in error(app, "idps")
    assert "хоча б одного працівника" in error(app, "staff")
    assert error(app, "participants") == "" and error(app, "note") == ""
    app.set_language("en")
    assert "Not saved: correct the marked fields (7)." in app.form.status.value
    assert "There cannot be more children (11) than participants (10)." in error(app, "children")
    # Putting it right saves, and the messages go.
    fill(app, participants="12", idps="1")
    app.form.submit.click()
    assert counts(db) == (before[0] + 1, before[1] + 1)
    assert "Event #1 saved." in app.form.status.value and error(app, "children") == ""


def test_forged_widget_values_are_refused_by_the_service(app, db, monkeypatch):
    """The page can send any value: a type not in the list, a float, a staff member who does not exist.

    A dropdown in the kernel refuses a value outside its options, so the forged values are
    handed to the form the way the kernel would hold them if it did not.
    """
    fill(app)
    forged = dict(app.form.values(), event_type="party", participants="12.5", children=True,
                  staff=("olena.demo", "ghost.user"))
    monkeypatch.setattr(app.form, "values", lambda: forged)
    before = counts(db)
    app.form.submit.click()
    assert counts(db) == before
    assert "Значення «party» немає в переліку." in error(app, "event_type")
    assert "Введіть ціле число" in error(app, "participants") and "Введіть ціле число" in error(app, "children")
    assert "Таких працівників немає в базі: ghost.user." in error(app, "staff")


def test_a_future_date_and_a_date_before_2000_are_refused(app, db):
    for typed, message in (("16.06.2026", "в майбутньому"), ("31.12.1999", "раніше 01.01.2000")):
        fill(app, held_on=typed)
        app.form.submit.click()
        assert message in error(app, "held_on")
    assert db["events"].count == 0


def test_an_event_is_corrected_as_a_new_version_with_a_reason(app, db):
    fill(app)
    app.form.submit.click()
    first = list_events(db, "halyna.demo")[0]["id"]
    app.pick.value = first
    assert app.load_for_correction(app.pick.value)
    assert app.inputs["project"].value == "Безпечна громада" and app.inputs["participants"].value == "40"
    assert app.inputs["held_on"].value == "10.06.2026" and app.inputs["staff"].value == ("olena.demo", "iryna.demo")
    assert app.form.rows["reason"].layout.display is None
    assert f"Ви виправляєте захід №{first} (версія 1)" in app.correcting_line.value
    assert app.form.submit.description == "Зберегти виправлення"

    app.inputs["participants"].value = "42"
    app.form.submit.click()
    assert "Вкажіть причину виправлення." in error(app, "reason") and db["events"].count == 1

    app.inputs["reason"].value = "Двоє прийшли пізніше"
    app.form.submit.click()
    app.form.submit.click()  # a double click
    history = event_history(db, "halyna.demo", first)
    assert [(e["participants"], e["supersedes"], e["correction_reason"]) for e in history] == [
        (40, None, None), (42, first, "Двоє прийшли пізніше")]
    second = history[1]["id"]
    assert f"Виправлення збережено: захід №{second} замінює №{first}." in app.form.status.value
    assert [a["action"] for a in audit_rows(db, "admin.demo", "events")] == ["record_event", "correct_event"]
    # Back to a new event; the list shows the latest version once, with its version count.
    assert app.correcting is None and app.form.rows["reason"].layout.display == "none"
    assert app.table.value.count('class="wb-event-row"') == 1
    assert f'data-event="{second}"' in app.table.value and "виправлено, версій: 2" in app.table.value
    app.set_language("en")
    assert "corrected, 2 versions" in app.table.value


def test_a_version_corrected_elsewhere_cannot_be_corrected_again(app, db):
    from workbench.store.events import correct_event

    fields = dict(held_on="2026-06-01", event_type="training", project="Тренінг для батьків", place="Буча",
                  participants=10, staff=["andrii.demo"], today=TODAY)
    first = record_event(db, "andrii.demo", **fields)
    app.show_list()
    # Someone corrects it on another page while this list still offers the first version.
    second = correct_event(db, "andrii.demo", first, reason="інше місце", **dict(fields, place="Ірпінь"))
    app.pick.value = first
    app.load_button.click()
    assert app.correcting is None
    assert f"Захід №{first} уже виправлено: остання версія — №{second}." in app.status.value
    assert f'data-event="{second}"' in app.table.value and f'data-event="{first}"' not in app.table.value

    # The latest version loads; corrected elsewhere again before this page saves, the save is refused.
    assert app.load_for_correction(second) and app.correcting["id"] == second
    assert app.status.value == ""
    third = correct_event(db, "andrii.demo", second, reason="ще одна правка", **dict(fields, place="Гостомель"))
    app.inputs["reason"].value = "моя правка"
    app.form.submit.click()
    assert f"Захід №{second} уже виправлено: остання версія — №{third}." in app.form.status.value
    assert db["events"].count == 3 and [a["action"] for a in audit_rows(db, "admin.demo", "events")].count("correct_event") == 2
    assert f'data-event="{third}"' in app.table.value  # the list was read again
    app.cancel.click()
    assert app.correcting is None and app.inputs["project"].value == "" and app.form.status.value == ""


def test_a_picked_event_must_exist(app, db):
    # The picker offers listed events only (a page can send only an index of its options); what reaches
    # the service otherwise is refused there.
    assert not app.load_for_correction(None) and app.status.value == ""
    assert not app.load_for_correction("999")
    assert "«999» не є номером запису (захід)." in app.status.value
    app.set_language("en")
    assert "&#x27;999&#x27; is not the number of a record (event)." in app.status.value  # escaped HTML
    assert not app.load_for_correction(999)
    assert "Event #999 was not found." in app.status.value
    assert app.correcting is None


def test_the_list_shows_the_newest_events_first_up_to_its_limit(db):
    for day in range(1, 6):
        record_event(db, ACTOR, held_on=f"2026-06-0{day}", event_type="group_session", project=f"Група {day}",
                     place="Буча", participants=5, staff=[ACTOR], today=TODAY)
    app = EventsApp(db, ACTOR, "en", today=TODAY, limit=3)
    assert "Showing 3 of 5." in app.shown.value
    table = app.table.value
    assert table.index("Група 5") < table.index("Група 4") < table.index("Група 3") and "Група 2" not in table
    assert [label for label, _ in app.pick.options][1].startswith("#5 · 05.06.2026 · Group session · Група 5")


def test_the_app_refuses_an_unknown_user(db):
    from workbench.i18n import UserError

    with pytest.raises(UserError):
        EventsApp(db, "mallory", "uk", today=TODAY)
