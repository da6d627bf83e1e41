"""The supervisor's queue (workbench.apps.supervisor_queue, notebooks/supervisor_queue.ipynb): rows, links, languages.

As of TODAY, Monday 15.06.2026 (tests/test_agenda.py holds what each kind of item is and who sees it).
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import papermill
import pytest
import nbformat

from conftest import TODAY, advance, refused
from workbench.apps.supervisor_queue import case_address, kind_counts, queue_html, queue_rows, workspace_address
from workbench.store.intake import register_client
from workbench.store.plans import add_goal

OLENA, IRYNA, MARIIA, TARAS, HALYNA = "olena.demo", "iryna.demo", "mariia.demo", "taras.demo", "halyna.demo"
BASE = "/user/mariia.demo/voila/render/workspace.ipynb"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def queue_world(db, household_case):
    """Олена's family case with its needs assessment overdue (due 16.01); Ірина's (team Південь) person case at the
    planning stage, its plan and conclusion awaiting sign-off and its act not entered into ЄІССС."""
    southern = register_client(db, IRYNA, family_name="Явор", given_name="Ірина", birth_date="01.01.2000",
                               sex="female", category="idp", consent_given_on="2026-06-01", programme="idp_support",
                               intake_on="2026-06-01", today=TODAY)
    advance(db, southern, "assessment", "plan", on="2026-06-02")
    add_goal(db, IRYNA, southern, wish="Робота", title="Робота", domain="housing", set_on="2026-06-03",
             target_date="2026-12-31", levels=["-2", "-1", "0", "+1", "+2"], today=TODAY)
    return {"family": household_case, "southern": southern}


def test_a_supervisors_rows_in_ukrainian_and_english(db, queue_world):
    uk = queue_rows(db, MARIIA, "uk", TODAY, base=BASE)
    assert uk == [{"kind": "needs_assessment", "needed": "Провести оцінювання потреб",
                   "case_number": uk[0]["case_number"], "subject": "Сімʼя Тихоліс", "due": "16.01.2026",
                   "overdue": True, "urgent": False, "worker": "Олена Тихоліс (демо)",
                   "address": f"{BASE}?case={queue_world['family']}&tab=assessments"}]
    en = queue_rows(db, MARIIA, "en", TODAY, base=BASE)
    assert [(r["needed"], r["subject"], r["due"]) for r in en] == [
        ("Carry out the needs assessment", "Тихоліс family", "16.01.2026")]
    assert queue_rows(db, MARIIA, "uk", date(2026, 1, 5), base=BASE) == []  # before the case was opened


def test_the_head_of_centre_sees_every_team_and_a_supervisor_only_hers(db, queue_world):
    rows = queue_rows(db, HALYNA, "en", TODAY, base="http://localhost:8866/voila/render/workspace.ipynb")
    southern = f"?case={queue_world['southern']}&tab="
    assert [(r["kind"], r["address"].split("workspace.ipynb")[1]) for r in rows] == [
        ("needs_assessment", f"?case={queue_world['family']}&tab=assessments"), ("eisss_entry", southern + "documents"),
        ("plan_awaiting_sign_off", southern + "plan"), ("conclusion_awaiting_sign_off", southern + "plan")]
    assert [r["overdue"] for r in rows] == [True, True, False, False]  # overdue first
    assert {r["worker"] for r in rows} == {"Олена Тихоліс (демо)", "Ірина Колосаєнко (демо)"}
    assert [r["kind"] for r in queue_rows(db, TARAS, "en", TODAY, base=BASE)] == [
        "eisss_entry", "plan_sign_off", "conclusion_sign_off"]  # his team's only: Олена's case never appears
    assert [r["needed"] for r in queue_rows(db, TARAS, "uk", TODAY, base=BASE)][1:] == [
        "Затвердити план підтримки", "Затвердити висновок оцінювання потреб"]


def test_a_worker_or_team_filter_keeps_theirs_and_an_unknown_one_is_a_message(db, queue_world):
    assert {r["worker"] for r in queue_rows(db, HALYNA, "uk", TODAY, worker=IRYNA)} == {"Ірина Колосаєнко (демо)"}
    assert {r["worker"] for r in queue_rows(db, HALYNA, "uk", TODAY, team="Північ")} == {"Олена Тихоліс (демо)"}
    assert queue_rows(db, HALYNA, "uk", TODAY, worker=OLENA, team="Південь") == []
    refused(lambda: queue_rows(db, HALYNA, "uk", TODAY, worker="nobody.demo"), "queue.unknown_worker")
    refused(lambda: queue_rows(db, HALYNA, "uk", TODAY, team=["Північ"]), "queue.unknown_team")
    refused(lambda: queue_rows(db, "oksana.demo", "uk", TODAY))  # a researcher: the store's refusal


def test_the_workspace_address_beside_lab_on_the_hub_configured_or_make_demos(tmp_path, monkeypatch):
    hub = {"JUPYTERHUB_SERVICE_PREFIX": "/user/mariia.demo/"}
    assert workspace_address(hub) == "/user/mariia.demo/voila/render/workspace.ipynb"
    assert workspace_address({}) == "http://localhost:8866/voila/render/workspace.ipynb"
    config = tmp_path / "centre.json"
    config.write_text(json.dumps({"serve": {"hosts": [], "workspace_address":
                                            "https://wb.centre.example/voila/render/workspace.ipynb"}}))
    monkeypatch.setenv("WB_CONFIG", str(config))
    assert workspace_address({}) == "https://wb.centre.example/voila/render/workspace.ipynb"
    assert workspace_address(hub) == "/user/mariia.demo/voila/render/workspace.ipynb"  # the hub's wins
    config.write_text(json.dumps({"serve": {"workspace_address": "javascript:alert(1)"}}))
    monkeypatch.setenv("WB_CONFIG", str(tmp_path / "centre.json"))
    from workbench.config import _load

    _load.cache_clear()  # the same path, new content
    refused(lambda: workspace_address({}), "queue.address_invalid")
    _load.cache_clear()
    assert case_address(12, "plan", "/w") == "/w?case=12&tab=plan"


def test_the_html_counts_each_kind_marks_the_overdue_and_links_each_case(db, queue_world):
    rows = queue_rows(db, HALYNA, "en", TODAY, base=BASE)
    assert kind_counts(rows) == [("Carry out the needs assessment", 1, 1),
                                 ("The plan awaits a supervisor's sign-off", 1, 0),
                                 ("Enter the act of needs assessment into ЄІССС", 1, 1),
                                 ("The assessment's conclusion awaits a supervisor's sign-off", 1, 0)]
    page = queue_html(rows, "en", TODAY)
    assert "As of 15.06.2026" in page and "How many of each" in page and "<th>Total</th><th style='text-align:right'>4</th>" in page
    assert page.count("<tr class='wb-queue-") == 4 and page.count("OVERDUE") == 2 and page.count(" wb-overdue'>") == 2
    assert f"href='{BASE}?case={queue_world['family']}&amp;tab=assessments' target='_blank'" in page
    assert "<th>Case</th><th>Family / person</th><th>What is needed</th><th>Due</th>" in page  # no index column
    assert "Черга супервізора" in queue_html(rows, "uk") and "Станом на 15.06.2026" in queue_html(rows, "uk", TODAY)
    assert "Nothing is waiting" in queue_html([], "en")


def test_the_html_escapes_what_a_row_holds():
    row = {"kind": "shared", "needed": "<b>", "case_number": "1<2", "subject": "A&B", "due": "", "overdue": False,
           "urgent": True, "worker": "<script>", "address": "/w?case=1&tab=overview'><x"}
    page = queue_html([row], "en")
    assert "<script>" not in page and "&lt;script&gt;" in page and "1&lt;2" in page and "A&amp;B" in page
    assert "href='/w?case=1&amp;tab=overview&#x27;&gt;&lt;x'" in page and "URGENT" in page


@pytest.mark.timeout(300)
def test_the_notebook_runs_unattended_in_english_for_one_team(tmp_path, db, db_path, queue_world, monkeypatch):
    db.conn.close()
    monkeypatch.setenv("WB_USER", HALYNA)  # the head of centre, who sees both teams
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    out = tmp_path / "queue-ran.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "supervisor_queue.ipynb"), str(out), cwd=str(tmp_path),
                               parameters={"database": str(db_path), "lang": "en", "team": "Південь"},
                               progress_bar=False, kernel_name="python3", execution_timeout=120)
    shown = "\n".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/markdown", ""))
                      for cell in nbformat.read(out, as_version=4).cells for o in cell.get("outputs", []))
    assert "Supervisor&#x27;s queue" in shown and "Ірина Колосаєнко (демо)" in shown
    assert "Олена" not in shown  # the other team's case, filtered out
    assert "voila/render/workspace.ipynb?case=" in shown
