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
    assert case_state(app.db, "halyna.demo", household_case)["status"] == "assessment"
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
    assert "стан випадку змінився: було «Прийом звернення», тепер «Оцінювання потреб»" in move.status.value
    assert options(move.inputs["to_status"]) == ["plan", "closed"]  # the page re-read the case
    app.set_language("en")
    assert "The case changed while the page was open" in move.status.value
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
    state = case_state(app.db, "halyna.demo", household_case)
    assert state["status"] == "closed" and state["closure_reason"] == "moved_away"
    assert app.forms["move"].widget.layout.display == "none"
    assert app.forms["reopen"].widget.layout.display is None


def test_services_and_consent(app, household_case):
    service = app.forms["service"]
    service.inputs["service_type"].value = "referral"
    assert service.rows["referral_to"].layout.display is None
    service.inputs["provided_on"].value = "01.01.2026"  # before intake
    service.inputs["referral_to"].value = "Центр зайнятості"
    service.submit.click()
    assert "раніше прийому" in service.status.value and app.db["services"].count == 0
    service.inputs["provided_on"].value = "15.01.2026"
    service.submit.click()
    assert app.db["services"].count == 1 and "Центр зайнятості" in app.timeline.value

    from workbench.store.people import give_consent

    consent = app.forms["consent"]
    mother = options(consent.inputs["person_id"])[0]
    give_consent(app.db, "olena.demo", mother, purpose="research", given_on="2026-01-10", today=TODAY)
    consent.inputs["person_id"].value = mother
    consent.submit.click()
    assert "Це поле обовʼязкове" in consent.errors["purpose"].value  # what is withdrawn is chosen, never guessed
    consent.inputs["purpose"].value = "research"  # research use alone: the person stays a client
    consent.submit.click()
    assert "дослідницьких" in consent.status.value and "згоду відкликано" not in app.members.value
    assert consent.inputs["person_id"].value is None  # the saved form is emptied: a new withdrawal is chosen anew
    consent.inputs["person_id"].value = mother
    consent.inputs["purpose"].value = "data_processing"
    consent.submit.click()
    assert "згоду відкликано" in app.members.value
    from workbench.i18n import UserError
    with pytest.raises(UserError):  # a person of another case, forged into the dropdown's value
        app._withdraw({"person_id": 999999, "purpose": "data_processing", "withdrawn_on": "01.02.2026", "note": ""})


def test_only_a_supervisor_of_the_team_hands_the_case_over(db, household_case):
    from conftest import row_counts
    from workbench.i18n import UserError

    olena = CaseApp(db, "olena.demo", "uk", today=TODAY, case_id=household_case)
    assert olena.forms["transfer"].widget.layout.display == "none"
    before = row_counts(db)
    with pytest.raises(UserError) as refused:  # a click on the hidden form still arrives: the store refuses it
        olena._transfer({"to_worker": "andrii.demo", "reason": "Відпустка", "on": "01.02.2026"})
    assert refused.value.key == "policy.supervisor_of_team" and row_counts(db) == before

    mariia = CaseApp(db, "mariia.demo", "uk", today=TODAY, case_id=household_case)
    transfer = mariia.forms["transfer"]
    assert transfer.widget.layout.display is None
    assert options(transfer.inputs["to_worker"]) == ["andrii.demo", "mariia.demo"]  # her team's (herself too)
    transfer.inputs["to_worker"].value = "andrii.demo"
    transfer.submit.click()
    assert "Вкажіть причину" in transfer.errors["reason"].value
    transfer.inputs["reason"].value = "Відпустка"
    transfer.submit.click()
    assert case_state(db, "halyna.demo", household_case)["worker"] == "andrii.demo"
    assert "Андрій Вербанюк" in mariia.facts.value  # people's names, not login names

    olena.show_case(household_case)  # no longer hers: nothing of it shows, only why
    assert olena.case_box.layout.display == "none" and "Андрій Вербанюк" in olena.status.value
    assert "andrii.demo" not in olena.status.value  # the refusal names the worker, not his login


def test_the_head_of_centre_reads_a_case_and_is_offered_no_change(db, household_case):
    head = CaseApp(db, "halyna.demo", "uk", today=TODAY, case_id=household_case)
    assert "Тихоліс" in head.members.value and head.case_box.layout.display is None
    assert all(form.widget.layout.display == "none" for form in head.forms.values())
    assert "переглядаєте" in head.status.value


def test_a_case_of_another_team_shows_nothing_of_it(db, household_case):
    other = CaseApp(db, "iryna.demo", "en", today=TODAY, case_id=household_case)
    assert other.case_box.layout.display == "none" and "Тихоліс" not in other.members.value + other.facts.value
    assert "not shared with you" in other.status.value
