"""My caseload on the workspace's home: only the signed-in worker's open cases, searchable and sortable, each a
link into its case record; the star chart of a viewed assessment."""
import pytest

from conftest import TODAY, find, inline_png
from workbench.apps.caseload import CaseloadList
from workbench.apps.needs_assessment import NeedsAssessmentApp
from workbench.apps.client_page import client_page_parts
from workbench.store.assessments import save_assessment
from workbench.store.intake import register_client
from workbench.store.lifecycle import close_case, transfer_case



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
    app = CaseloadList(db, "olena.demo", "uk", today=TODAY)
    assert sorted(c["case_id"] for c in app.cases) == sorted(cases["mine"])
    other = CaseloadList(db, "andrii.demo", "uk", today=TODAY)
    assert sorted(c["case_id"] for c in other.cases) == sorted([cases["theirs"], cases["handed"]])
    assert f"case={cases['mine'][0]}&amp;tab=overview" in app.rows.value
    assert f"case={cases['theirs']}&amp;" not in app.rows.value


def test_search_and_sort(db, cases):
    app = CaseloadList(db, "olena.demo", "uk", today=TODAY)
    app.filter.value = "явір"
    assert [c["case_id"] for c in app.visible_cases()] == [cases["mine"][1]]
    app.filter.value = ""
    app.sort.value = "subject"
    assert [c["detail"]["subject_label"] for c in app.visible_cases()] == ["Бук", "Тихоліс", "Явір"]
    app.sort.value = "next_due"
    assert app.visible_cases()[0]["case_id"] == cases["mine"][0]  # its assessment is overdue
    first_row = app.rows.value.split("</li>")[0]
    assert "ПРОСТРОЧЕНО" in first_row and f"case={cases['mine'][0]}&amp;" in first_row
    app.set_language("en")
    assert "OVERDUE" in app.rows.value.split("</li>")[0]


def test_a_viewed_assessment_shows_its_star_over_the_first(db, cases, instrument, valid_answers):
    case_id = cases["mine"][0]
    first = save_assessment(db, "olena.demo", case_id=case_id, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    second = save_assessment(db, "olena.demo", case_id=case_id, instrument=instrument,
                             answers=dict(valid_answers, housing="0", conclusion_text="Краще"), assessed_on="2026-05-01",
                             today=TODAY)
    app = NeedsAssessmentApp(db, "olena.demo", "uk", instrument=instrument, today=TODAY)
    app.show_case(case_id)
    app.view(second)
    assert inline_png(app.record_chart.value).startswith(b"\x89PNG")
    assert f"№{second}" in app.record_chart.value and f"№{first}" in app.record_chart.value
    assert "Краще" in app.record.value and "Оцінка домену" in app.record.value
    app.view(first)  # the first one alone: nothing to compare it with
    assert f"№{first}" in app.record_chart.value and f"№{second}" not in app.record_chart.value
    assert find(app.widget, "wb-record-chart") is app.record_chart


def test_client_page_parts_without_assessments_or_goals_say_no_data(db, cases):
    parts = client_page_parts(db, "halyna.demo", cases["mine"][1], "en")
    assert parts["star_caption"] == "No data" and parts["goals_caption"] == "No data"
    assert parts["star"].startswith(b"\x89PNG")
