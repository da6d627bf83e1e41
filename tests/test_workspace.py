"""The case manager's workspace in plain pytest: places and addresses, the views it opens in one kernel, the
case record's tabs, the home page, the frame's language and its message for a failing handler."""
import pytest

from conftest import TODAY, fill
from workbench.apps.address import Place, link, parse_place
from workbench.apps.assessment_record import assessment_html
from workbench.apps.home import Home
from workbench.apps.workspace import Workspace
from workbench.analysis.scoring import domain_scores
from workbench.serve import workspace_address
from workbench.store.assessments import save_assessment


@pytest.mark.parametrize("query, place", [
    ("", Place()), ("?", Place()), ("view=intake", Place("intake")), ("view=events", Place("events")),
    ("case=12", Place("case", 12, "overview")), ("case=12&tab=plan", Place("case", 12, "plan")),
    ("?case=7&tab=shelter", Place("case", 7, "shelter")),
    ("case=12&tab=<script>", Place("case", 12, "overview")),  # an unknown tab: the overview
    ("case=²", Place()), ("case=-1", Place()), ("case=1;drop", Place()), ("case=" + "9" * 40, Place()),
    ("view=case", Place()), ("view=admin", Place()), ("view=intake&view=events", Place("intake")),
    ("case=3&tab=assessments&record=9", Place("case", 3, "assessments", 9)),
    ("case=3&tab=plan&record=9", Place("case", 3, "plan")),  # a record belongs to the assessments tab only
    ("case=3&tab=assessments&record=x9", Place("case", 3, "assessments")),
])
def test_an_address_names_one_place_and_anything_else_is_home(query, place):
    assert parse_place(query) == place
    assert parse_place(place.as_query()) == place  # and back


def test_a_link_stays_in_the_page_and_escapes_its_address():
    html = link(Place("case", 3, "plan"), "План", "wb-x")
    assert html == '<a class="wb-go wb-x" href="?case=3&amp;tab=plan">План</a>'


@pytest.mark.parametrize("old, query, new", [
    ("case", "case=12", "case=12&tab=overview"), ("support_plan", "case=5", "case=5&tab=plan"),
    ("needs_assessment", "", ""), ("needs_assessment", "case=4", "case=4&tab=assessments"),
    ("intake", "", "view=intake"), ("events", "x=1", "view=events"), ("caseload", "", ""),
    ("case", "case=<b>", ""),
])
def test_the_old_apps_addresses_lead_into_the_workspace(old, query, new):
    assert workspace_address(old, query) == new


def test_going_places_in_one_kernel_keeps_the_address_in_step(db, household_case):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    assert ws.place == Place() and ws.frame.address.query == "" and set(ws.views) == {"home"}
    ws.open_case(household_case, "plan")
    assert ws.frame.address.query == f"case={household_case}&tab=plan"
    record = ws.views["case"]
    assert "Тихоліс" in record.header.value and "Олена" in record.header.value  # the worker by name
    assert ws.frame.body.children == (record.widget,) and record.content.children == (record.parts["plan"].widget,)
    assert 'class="wb-go wb-tab-plan wb-here"' in record.tabs.value and record.tabs.value.count("wb-here") == 1
    # The browser's Back: the page sends the previous address; the workspace shows it and pushes nothing.
    ws.frame.address.query = ""
    assert ws.place == Place() and ws.frame.body.children == (ws.views["home"].widget,)
    ws.frame.address.query = f"case={household_case}&tab=people"
    assert ws.place == Place("case", household_case, "people")
    assert record.content.children == (record.parts["case"].status, record.parts["case"].sections["people"])
    assert "Злата" in record.parts["case"].members.value


def test_a_page_opened_at_a_case_goes_home_by_its_home_link(db, household_case):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY, query=f"?case={household_case}&tab=people")
    assert ws.frame.address.query == f"case={household_case}&tab=people"  # as the page's address says
    ws.frame.address.query = ""  # the page followed the home link
    assert ws.place == Place() and ws.frame.body.children == (ws.views["home"].widget,)


def test_a_case_the_user_may_not_read_shows_only_the_refusal(db, household_case):
    ws = Workspace(db, "iryna.demo", "en", today=TODAY)
    ws.open_case(household_case, "assessments")
    record = ws.views["case"]
    assert "not shared with you" in record.status.value
    assert record.header.value == "" and record.content.children == () and "Тихоліс" not in record.tabs.value
    assert not record.parts  # nothing of the case was even built


def test_the_head_of_centre_has_no_intake_and_its_address_leads_home(db, household_case):
    ws = Workspace(db, "halyna.demo", "uk", today=TODAY, query="view=intake")
    assert ws.place == Place() and "view=intake" not in ws.frame.nav.value and "view=events" in ws.frame.nav.value
    ws.open_case(household_case)
    record = ws.views["case"]
    assert "переглядаєте" in record.parts["case"].status.value  # she reads, changes nothing, and is told so
    assert record.content.children[0] is record.parts["case"].status


def test_a_researcher_gets_no_workspace(db):
    from workbench.i18n import UserError

    with pytest.raises(UserError):
        Workspace(db, "oksana.demo", "uk")


def test_a_tab_is_read_again_only_when_something_was_written(db, household_case, instrument, valid_answers):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    ws.open_case(household_case, "overview")
    case_view = ws.views["case"].parts["case"]
    before = case_view.timeline.value
    assert "№" not in before  # no assessment in the timeline yet
    ws.open_case(household_case, "assessments")
    assessments = ws.views["case"].parts["assessments"]
    assessments.new_button.click()
    fill(assessments.form, valid_answers)
    assessments.save_button.click()
    assert "Збережено" in assessments.status.value
    ws.open_case(household_case, "overview")  # a save since: the overview is read anew
    assert case_view.timeline.value != before
    audited = db["audit_log"].count
    shown = ws.views["case"].shown["case"]
    ws.open_case(household_case, "people")  # nothing written since: the same reading, not read again
    assert ws.views["case"].shown["case"] == shown and db["audit_log"].count == audited


def test_a_link_to_where_the_address_already_is_shows_that_place_again(db, household_case, instrument,
                                                                      valid_answers):
    shown = save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    ws.go(Place("case", household_case, "assessments", shown))
    assessments = ws.views["case"].parts["assessments"]
    assert assessments.viewing == shown
    assessments.new_button.click()
    fill(assessments.form, valid_answers)
    assessments.save_button.click()  # the save closes the assessment shown; the address still names it
    assert assessments.viewing is None and ws.frame.address.query.endswith(f"record={shown}")
    ws.frame.address._handle_custom_msg({"again": True}, [])  # its View link followed: no change to the query
    assert assessments.viewing == shown and f"№{shown}" in assessments.record.value
    ws.go(Place())
    ws.frame.address._handle_custom_msg({"again": "case=1&tab=plan"}, [])  # nothing but the signal is taken
    assert ws.place == Place()


def test_a_new_intake_after_a_registration_is_a_blank_form(db):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    ws.go(Place("intake"))
    first = ws.views["intake"]
    ws.go(Place())
    ws.go(Place("intake"))
    assert ws.views["intake"] is first  # not registered yet: the same form, as the user left it
    first.registering.run(lambda: 1)  # as after a registration
    ws.go(Place("intake"))
    assert ws.views["intake"] is not first


def test_the_language_switch_relabels_the_frame_and_every_open_view(db, household_case):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    ws.open_case(household_case, "services")
    ws.frame.language.widget.value = "en"
    assert "workspace" in ws.frame.title.value and "My cases" in ws.frame.nav.value
    assert "Signed in as" in ws.frame.signed_in.value and "olena.demo" not in ws.frame.signed_in.value
    assert "Services and referrals" in ws.views["case"].tabs.value
    ws.go(Place())
    assert "Needs my action" in ws.views["home"].agenda_title.value


def test_the_home_page_lists_what_needs_my_action_with_links_into_the_record(db, household_case):
    home = Home(db, "olena.demo", "uk", today=TODAY)
    assert f"case={household_case}&amp;tab=assessments" in home.agenda.value  # its assessment is due
    assert f"case={household_case}&amp;tab=overview" in home.caseload.rows.value


def test_the_search_finds_by_name_date_of_birth_and_case_number(db, household_case):
    opened = []
    home = Home(db, "olena.demo", "uk", today=TODAY, on_open=opened.append)
    search = home.search
    for query in ("тихол", "ТИХОЛІС злата", "02.04.1990", "2026-0000", "Злата"):
        search.box.value = query
        assert [b.description.split(" · ")[0] for b in search.matches.children] == ["2026-00001"], query
    search.matches.children[0].click()
    assert opened == [household_case]
    search.box.value = "нікого такого"
    assert "Нікого не знайдено" in search.matches.children[0].value
    search.box.value = "'; drop table persons; --"
    assert db["persons"].count == 2
    other = Home(db, "iryna.demo", "uk", today=TODAY)  # another team's worker finds nothing of it
    other.search.box.value = "Тихоліс"
    assert "Нікого не знайдено" in other.search.matches.children[0].value


def test_a_failing_handler_says_so_in_both_languages_and_keeps_the_traceback_off_the_page(db, capsys, caplog):
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    try:
        raise RuntimeError("/srv/secret/path.py exploded")
    except RuntimeError:
        ws.frame.failed()
    assert "помилку програми" in ws.frame.error.value and "/srv/secret" not in ws.frame.error.value
    assert "/srv/secret/path.py exploded" in caplog.text  # logged, for the server's log (test_frame_errors.py)
    assert capsys.readouterr() == ("", "")  # not printed: in a kernel, stdout and stderr go to the page
    ws.frame.language.widget.value = "en"
    assert "program error" in ws.frame.error.value
    ws.go(Place("events"))
    assert ws.frame.error.value == ""  # gone once the user goes on


def test_the_workspace_opens_at_the_page_address_for_the_signed_in_user(db_path, db, household_case, monkeypatch):
    from workbench.apps import workspace as module

    monkeypatch.setenv("QUERY_STRING", f"case={household_case}&tab=people")
    monkeypatch.setenv("WB_USER", "olena.demo")
    monkeypatch.setenv("WB_DB", str(db_path))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    built = []
    monkeypatch.setattr(module.Workspace, "__init__", _recording(module.Workspace.__init__, built))
    widget = module.Workspace.for_current_user()
    assert "wb-app" in widget._dom_classes and built[0].place == Place("case", household_case, "people")
    monkeypatch.setenv("WB_USER", "mallory")
    assert "mallory" in module.Workspace.for_current_user().value  # an error box, not a traceback


def _recording(init, built):
    def wrapped(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self)
    return wrapped


def test_a_saved_assessment_reads_in_words_with_its_domain_scores_and_escaped(db, household_case, instrument,
                                                                              valid_answers):
    answers = dict(valid_answers, conclusion_text="<script>alert(1)</script> потребує житла")
    assessment = save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument, answers=answers,
                                 assessed_on="2026-02-01", today=TODAY)
    from workbench.store.assessments import get_assessment

    saved = get_assessment(db, "olena.demo", assessment, instrument)
    page = assessment_html(instrument, saved["answers"], "uk")
    assert "<script>" not in page and "&lt;script&gt;" in page and "потребує житла" in page
    scored = [r for r in domain_scores(instrument, saved["answers"]) if r["score"] is not None]
    assert scored and page.count("Оцінка домену") == len(scored)
    english = assessment_html(instrument, saved["answers"], "en")
    assert "Domain score" in english and "Conclusion" in english


def test_a_saved_assessment_has_an_address_and_another_cases_shows_nothing(db, household_case, instrument,
                                                                          valid_answers):
    from workbench.store.intake import register_client

    mine = save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument, answers=valid_answers,
                           assessed_on="2026-02-01", today=TODAY)
    other_case = register_client(db, "olena.demo", family_name="Явір", given_name="Ірина", birth_date="01.01.1999",
                                 sex="female", category="idp", consent_given_on="12.06.2026",
                                 programme="idp_support", today=TODAY)
    ws = Workspace(db, "olena.demo", "uk", today=TODAY, query=f"case={household_case}&tab=assessments&record={mine}")
    view = ws.views["case"].parts["assessments"]
    assert view.viewing == mine and "Оцінка домену" in view.record.value
    assert f"record={mine}" in view.saved_list.value  # the list links each saved one to its address
    ws.frame.address.query = f"case={household_case}&tab=assessments"  # Back: the list without it
    assert view.viewing is None and view.record.value == ""
    ws.frame.address.query = f"case={other_case}&tab=assessments&record={mine}"  # not this case's
    assert view.case_id == other_case and view.viewing is None and view.record.value == ""
    iryna = Workspace(db, "iryna.demo", "uk", today=TODAY, query=f"case={household_case}&tab=assessments&record={mine}")
    assert not iryna.views["case"].parts and "не поділений з вами" in iryna.views["case"].status.value
