"""The case app driven through its widgets: only valid moves offered, refusals shown, actions recorded."""
import pytest
from traitlets import TraitError

from conftest import TODAY
from workbench.apps.case import CaseApp
from workbench.store.lifecycle import case_state


@pytest.fixture
def app(db, household_case):
    return CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)


def options(dropdown):
    return [value for _, value in dropdown.options if value]


def test_only_valid_moves_are_offered_and_a_move_is_recorded(app, household_case):
    move = app.forms["move"]
    assert options(move.inputs["to_status"]) == ["assessment", "closed"]
    move.inputs["to_status"].value = "assessment"
    move.inputs["on"].value = "12.01.2026"
    move.submit.click()
    assert case_state(app.db, household_case)["status"] == "assessment"
    assert "Стан змінено" in move.status.value
    assert options(move.inputs["to_status"]) == ["plan", "closed"]
    assert "Прийом звернення → Оцінювання потреб" in app.timeline.value


def test_a_stale_or_forged_move_is_refused_and_nothing_is_written(app, household_case):
    from workbench.i18n import UserError
    from workbench.store.lifecycle import move_case

    move = app.forms["move"]
    with pytest.raises(TraitError):
        move.inputs["to_status"].value = "review"  # not among the options: the widget refuses it
    # The offered moves go stale when someone else moves the case meanwhile: the service decides.
    move.inputs["to_status"].value = "assessment"
    move_case(app.db, "mariia.demo", household_case, "assessment", on="2026-01-12", today=TODAY)
    before = app.db["case_events"].count
    move.submit.click()
    assert app.db["case_events"].count == before
    assert "неможливий" in move.status.value
    assert options(move.inputs["to_status"]) == ["plan", "closed"]  # the page re-read the case
    app.set_language("en")
    assert "cannot move" in move.status.value
    # A forged value reaching the handler directly meets the same check.
    with pytest.raises(UserError):
        app._move({"to_status": "review", "on": "12.01.2026", "reason": "", "note": ""})
    assert app.db["case_events"].count == before


def test_closure_asks_for_a_reason_then_closes(app, household_case):
    move = app.forms["move"]
    move.inputs["to_status"].value = "closed"
    assert move.rows["reason"].layout.display is None
    move.submit.click()
    assert "причину закриття" in move.errors["reason"].value
    move.inputs["reason"].value = "moved_away"
    move.submit.click()
    state = case_state(app.db, household_case)
    assert state["status"] == "closed" and state["closure_reason"] == "moved_away"
    assert app.forms["move"].widget.layout.display == "none"
    assert app.forms["reopen"].widget.layout.display is None


def test_transfer_and_services_and_consent(app, household_case):
    transfer = app.forms["transfer"]
    assert "olena.demo" not in options(transfer.inputs["to_worker"])
    transfer.inputs["to_worker"].value = "andrii.demo"
    transfer.submit.click()
    assert "Вкажіть причину" in transfer.errors["reason"].value
    transfer.inputs["reason"].value = "Відпустка"
    transfer.submit.click()
    assert case_state(app.db, household_case)["worker"] == "andrii.demo"
    assert "andrii.demo" in app.facts.value
    assert app.forms["move"].widget.layout.display == "none"  # no longer Olena's to steer

    service = app.forms["service"]
    service.inputs["service_type"].value = "referral"
    assert service.rows["referral_to"].layout.display is None
    service.inputs["provided_on"].value = "01.01.2026"  # before intake
    service.inputs["referral_to"].value = "Центр зайнятості"
    service.submit.click()
    assert "раніше прийому" in service.status.value and app.db["services"].count == 0
    # Olena handed the case over, but she may still record what she did before (her own service).
    service.inputs["provided_on"].value = "15.01.2026"
    service.submit.click()
    assert app.db["services"].count == 1 and "Центр зайнятості" in app.timeline.value

    consent = app.forms["consent"]
    mother = options(consent.inputs["person_id"])[0]
    consent.inputs["person_id"].value = mother
    consent.submit.click()
    assert "згоду відкликано" in app.members.value
    from workbench.i18n import UserError
    with pytest.raises(UserError):  # a person of another case, forged into the dropdown's value
        app._withdraw({"person_id": "999999", "withdrawn_on": "01.02.2026", "note": ""})


def find(widget, css):
    """The first widget in the tree carrying the CSS class ``css``."""
    if css in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find(child, css)
        if found is not None:
            return found
    return None


def test_open_case_from_the_page_address(db_path, db, household_case, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"case={household_case}")
    monkeypatch.setenv("WB_USER", "olena.demo")
    monkeypatch.setenv("WB_DB", str(db_path))
    widget = CaseApp.for_current_user()
    assert "2026-00001" in find(widget, "wb-case-header").value
    monkeypatch.setenv("WB_USER", "stranger")
    assert "stranger" in CaseApp.for_current_user().value  # an error box, not a traceback
