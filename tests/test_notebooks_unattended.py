"""The supervisors' notebooks run unattended (papermill) and meet bad parameters with a message, not a traceback."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path, name, **parameters) -> str:
    """Execute ``notebooks/<name>.ipynb`` with ``parameters``; returns everything it printed or displayed."""
    out = tmp_path / f"{name}-ran.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out), parameters=parameters,
                               cwd=str(tmp_path), progress_bar=False, kernel_name="python3",
                               execution_timeout=120)  # a cell that hangs fails, not the whole run
    notebook = nbformat.read(out, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend(str(v) for k, v in output.get("data", {}).items() if k in ("text/plain", "text/markdown"))
    return "\n".join(texts)


@pytest.fixture
def empty_db(db, db_path):
    db.conn.close()
    return str(db_path)


@pytest.mark.timeout(300)
def test_a_period_that_ends_before_it_starts_is_a_message(tmp_path, empty_db):
    shown = _run(tmp_path, "period_report", database=empty_db, period="31.12.2026–01.01.2026", lang="en")
    assert "The period ends (01.01.2026) before it starts (31.12.2026)." in shown
    assert "Traceback" not in shown


@pytest.mark.timeout(300)
def test_the_period_report_of_an_empty_database_is_zeros_and_no_data(tmp_path, empty_db):
    shown = _run(tmp_path, "period_report", database=empty_db, period="2026-Q1", lang="uk")
    assert "I квартал 2026 року" in shown and "Немає даних" in shown


@pytest.mark.timeout(300)
def test_an_unknown_programme_or_instrument_is_a_message(tmp_path, empty_db):
    shown = _run(tmp_path, "outcomes", database=empty_db, programme="mystery", lang="en")
    assert "There is no programme 'mystery'. Possible: Support for families with children" in shown
    shown = _run(tmp_path, "outcomes", database=empty_db, instrument="outcomes_star", lang="uk")
    assert "Інструмента «outcomes_star» немає" in shown


@pytest.mark.timeout(300)
def test_the_outcomes_of_an_empty_database_are_empty_tables_and_no_data(tmp_path, empty_db):
    shown = _run(tmp_path, "outcomes", database=empty_db, programme="care_leavers", lang="en")
    assert shown.count("No data") >= 3 and "Traceback" not in shown


def test_workbench_report_refuses_a_parameter_the_notebook_does_not_have(tmp_path, empty_db, monkeypatch, capsys):
    from workbench.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["report", "deadlines", "--db", empty_db, "--period", "2026"]) == 1  # deadlines are as of today
    assert "period" in capsys.readouterr().err and not (tmp_path / "data" / "reports").exists()


@pytest.mark.timeout(300)
def test_an_excel_export_without_a_signed_in_user_is_a_message(tmp_path, empty_db, monkeypatch):
    monkeypatch.delenv("WB_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    shown = _run(tmp_path, "period_report", database=empty_db, period="2026", lang="en",
                 excel=str(tmp_path / "r.xlsx"))
    assert "Cannot tell who you are" in shown and not (tmp_path / "r.xlsx").exists()


@pytest.mark.timeout(300)
def test_workbench_report_writes_its_notebook_and_workbook_private(tmp_path, empty_db, monkeypatch, capsys):
    import os

    from openpyxl import load_workbook

    from workbench.cli import main

    monkeypatch.setenv("WB_USER", "mariia.demo")
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    out, excel = tmp_path / "reports" / "q1.ipynb", tmp_path / "excel" / "q1.xlsx"
    old = os.umask(0o022)  # a permissive umask: the private modes must come from the command
    try:
        assert main(["report", "period_report", "--db", empty_db, "--period", "2026-Q1", "--lang", "en",
                     "--out", str(out), "--excel", str(excel)]) == 0
        after = os.umask(0o022)
    finally:
        os.umask(old)
    assert after == 0o022  # the command gave the process its umask back
    assert "period_report.ipynb ran in" in capsys.readouterr().out
    for path in (out, excel):
        assert path.is_file() and path.stat().st_mode & 0o777 == 0o600, path
        assert path.parent.stat().st_mode & 0o777 == 0o700, path.parent  # made by the command, so private
    assert len(load_workbook(excel).sheetnames) == 7  # six tables (the data-quality list one of them) and the definitions
