"""My caseload: only the signed-in worker's open cases, searchable and sortable, and the client's page."""
import pytest

from conftest import TODAY, find, inline_png
from workbench.apps.caseload import CaseloadApp
from workbench.apps.client_page import client_page_parts
from workbench.store.assessments import save_assessment
from workbench.store.intake import register_client
from workbench.store.lifecycle import close_case, transfer_case
from workbench.store.plans import add_goal, review_goal

LEVELS = ["гірше", "трохи гірше", "як очікували", "трохи краще", "значно краще"]


@pytest.fixture
def cases(db, household_case):
    def client(family, worker="olena.demo"):
        return register_client(db, worker, family_name=family, given_name="Ірина", birth_date="01.01.1999",
                               sex="female", category="idp", consent_given_on="12.06.2026",
                               programme="idp_support", today=TODAY)
    mine = [household_case, client("Явір"), client("Бук")]
    theirs = client("Граб", worker="andrii.demo")
    handed = client("Клен")
    transfer_case(db, "mariia.demo", handed, to_worker="andrii.demo", reason="Відпустка", today=TODAY)
    closed = client("Дуб")
    close_case(db, "olena.demo", closed, reason="refused", today=TODAY)
    return {"mine": mine, "theirs": theirs, "handed": handed, "closed": closed}


def test_only_the_workers_open_cases_are_listed(db, cases):
    app = CaseloadApp(db, "olena.demo", "uk", today=TODAY)
    assert sorted(c["case_id"] for c in app.cases) == sorted(cases["mine"])
    other = CaseloadApp(db, "andrii.demo", "uk", today=TODAY)
    assert sorted(c["case_id"] for c in other.cases) == sorted([cases["theirs"], cases["handed"]])
    before = app.case_id
    app.open_client(cases["theirs"])  # a forged click on someone else's case shows nothing
    assert app.case_id == before


def test_search_and_sort(db, cases):
    app = CaseloadApp(db, "olena.demo", "uk", today=TODAY)
    app.filter.value = "явір"
    assert [c["case_id"] for c in app.visible_cases()] == [cases["mine"][1]]
    app.filter.value = ""
    app.sort.value = "subject"
    assert [c["detail"]["subject_label"] for c in app.visible_cases()] == ["Бук", "Тихоліс", "Явір"]
    app.sort.value = "next_due"
    assert app.visible_cases()[0]["case_id"] == cases["mine"][0]  # its assessment is overdue
    assert "ПРОСТРОЧЕНО" in app.rows.children[0].children[1].value
    app.set_language("en")
    assert "OVERDUE" in app.rows.children[0].children[1].value


def test_the_client_page_shows_timeline_and_both_charts(db, cases, instrument, valid_answers):
    case_id = cases["mine"][0]
    first = save_assessment(db, "olena.demo", case_id=case_id, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    second = save_assessment(db, "olena.demo", case_id=case_id, instrument=instrument,
                             answers=dict(valid_answers, housing="0", conclusion_text="Краще"), assessed_on="2026-05-01",
                             today=TODAY)
    goal = add_goal(db, "olena.demo", case_id, wish="Своє житло", title="Орендувати житло", domain="housing",
                    set_on="2026-02-02", target_date="2026-07-01", levels=LEVELS, today=TODAY)
    review_goal(db, "olena.demo", goal, level=1, reviewed_on="2026-05-01", today=TODAY)
    app = CaseloadApp(db, "olena.demo", "uk", today=TODAY)
    app.open_client(case_id)
    assert app.client.layout.display is None
    assert app.current.value == str(second) and app.compare.value == str(first)
    assert inline_png(app.star.value).startswith(b"\x89PNG") and inline_png(app.goals.value).startswith(b"\x89PNG")
    assert "Орендувати житло" in app.timeline.value and "+1" in app.timeline.value
    assert f"№{second}" in app.star_caption.value and f"№{first}" in app.star_caption.value
    app.compare.value = ""
    assert f"№{first}" not in app.star_caption.value
    assert find(app.widget, "wb-client-star") is app.star


def test_client_page_parts_without_assessments_or_goals_say_no_data(db, cases):
    parts = client_page_parts(db, "halyna.demo", cases["mine"][1], "en")
    assert parts["star_caption"] == "No data" and parts["goals_caption"] == "No data"
    assert parts["star"].startswith(b"\x89PNG")
