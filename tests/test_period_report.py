"""The period report and its Excel workbook, opened with openpyxl and compared with the frames."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from conftest import TODAY, WORLD_INDICATORS
from workbench.analysis.report import period_report, write_excel
from workbench.i18n import UserError
from workbench.store.audit import audit_rows
from workbench.store.people import withdraw_consent

MADE = datetime(2026, 6, 15, 6, 30, tzinfo=timezone.utc)  # shown in Kyiv's time (summer: UTC+3): 09:30
SHEETS_UK = ["Показники", "Послуги за видами", "Заходи за видами", "Оцінювання за метою", "Випадки за програмами",
             "Якість даних", "Визначення"]


@pytest.fixture
def report(db, world):
    withdraw_consent(db, "olena.demo", world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    return period_report(db, "halyna.demo", "2026", organisation="ЦСС Тестової громади", made_at=MADE)


def _rows(sheet):
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def _table(sheet, first_header):
    """The sheet's header row (found by its first header) and the rows under it."""
    rows = _rows(sheet)
    start = next(n for n, row in enumerate(rows) if row[0] == first_header)
    return rows[start], rows[start + 1:]


def test_the_workbook_has_one_sheet_per_table_and_the_definitions(db, report, tmp_path):
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    book = load_workbook(path)
    assert book.sheetnames == SHEETS_UK
    for sheet in book.worksheets:
        heading = [row[0] for row in _rows(sheet)[:5]]
        assert heading[0] == "ЦСС Тестової громади"
        assert heading[1] == "Звіт про показники діяльності"
        assert heading[2] == "Період: 2026 рік (порівняно з: 2025 рік)"
        assert heading[3] == "Програма: усі програми"
        assert heading[4] == "Сформовано: 15.06.2026 09:30"


def test_the_indicator_numbers_are_numbers_and_match_the_frames(db, report, tmp_path):
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    header, rows = _table(load_workbook(path)["Показники"], "Показник")
    assert header == ["Показник", "За період", "Той самий період минулого року", "Зміна", "Визначення"]
    by_name = {row[0]: row for row in rows}
    for frame_row in report.indicators.itertuples():
        name, value, previous, change, definition = by_name[frame_row.name]
        assert type(value) is int and type(previous) is int and type(change) is int
        assert (value, previous) == WORLD_INDICATORS[frame_row.indicator] == (frame_row.value, frame_row.previous)
        assert change == value - previous and definition == frame_row.definition


def test_breakdown_sheets_add_up_to_the_indicators(db, report, tmp_path):
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    book = load_workbook(path)
    header, rows = _table(book["Послуги за видами"], "Вид послуги")
    assert header[:3] == ["Вид послуги", "Послуг", "Сімей / осіб"]
    total = rows[-1]
    assert total[0] == "Разом" and total[1:3] == [WORLD_INDICATORS["services_provided"][0],
                                                   WORLD_INDICATORS["subjects_served"][0]]
    aid = next(row for row in rows if row[0] == "Гуманітарна допомога")
    assert aid[1:] == [3, 2, 0, 0]  # three aid services to two families in 2026, none in 2025
    header, rows = _table(book["Заходи за видами"], "Вид заходу")
    group = next(row for row in rows if row[0] == "Групове заняття")
    assert group[1:5] == [1, 12, 5, 3] and group[5:7] == [1, 10]
    header, rows = _table(book["Оцінювання за метою"], "Мета оцінювання")
    assert rows[-1][1] == 2  # the needs assessment and the child's-status assessment of 2026
    header, rows = _table(book["Випадки за програмами"], "Програма")
    family = next(row for row in rows if row[0].startswith("Супровід сімей"))
    assert family[1:4] == [1, 0, 0] and family[4:7] == [2, 2, 1]  # A open in 2026; A and D in 2025


def test_the_definitions_sheet_defines_every_indicator(db, report, tmp_path):
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    header, rows = _table(load_workbook(path)["Визначення"], "Показник")
    assert header == ["Показник", "Визначення"]
    assert {r[0]: r[1] for r in rows} == dict(zip(report.indicators["name"], report.indicators["definition"]))


def test_an_english_workbook_for_a_donor(db, report, tmp_path):
    path = write_excel(report, tmp_path / "report.xlsx", db=db, actor="mariia.demo", lang="en")
    book = load_workbook(path)
    assert book.sheetnames[0] == "Indicators" and book.sheetnames[-1] == "Definitions"
    header, _ = _table(book["Indicators"], "Indicator")
    assert header[:3] == ["Indicator", "This period", "Same period last year"]


def test_the_export_is_audited_and_an_unknown_user_writes_nothing(db, report, tmp_path):
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    rows = [r for r in audit_rows(db, "admin.demo", "reports")]
    assert len(rows) == 1 and rows[0]["actor"] == "mariia.demo" and rows[0]["action"] == "export_report"
    assert rows[0]["details"]["path"] == str(path) and rows[0]["entity_id"] == "2026-01-01..2026-12-31"
    with pytest.raises(UserError):
        write_excel(report, tmp_path / "other.xlsx", db=db, actor="stranger")
    assert not (tmp_path / "other.xlsx").exists() and len(audit_rows(db, "admin.demo", "reports")) == 1


def test_the_workbook_is_private_from_its_first_byte(db, report, tmp_path):
    import os

    old = os.umask(0o022)  # a permissive umask, as on many machines: the private mode must come from the code
    try:
        path = write_excel(report, tmp_path / "new" / "q.xlsx", db=db, actor="mariia.demo")
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
        stale = tmp_path / "stale.xlsx"
        stale.write_bytes(b"an old report")
        assert stale.stat().st_mode & 0o777 == 0o644
        write_excel(report, stale, db=db, actor="mariia.demo")  # an existing file is narrowed and replaced
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "plain.txt").stat().st_mode & 0o777 == 0o644
    assert stale.stat().st_mode & 0o777 == 0o600 and load_workbook(stale).sheetnames == SHEETS_UK
    assert load_workbook(path).sheetnames == SHEETS_UK


def test_a_programme_report_says_events_are_counted_whole(db, world, tmp_path):
    report = period_report(db, "halyna.demo", "2026", programme="idp_support", made_at=MADE, lang="en")
    path = write_excel(report, tmp_path / "idp.xlsx", db=db, actor="mariia.demo")
    lines = [row[0] for row in _rows(load_workbook(path)["Indicators"])[:7]]
    assert "Programme: Support for internally displaced families" in lines
    assert any(line and "belong to no programme" in line for line in lines)


def test_an_empty_database_gives_a_report_of_zeros(db, tmp_path):
    report = period_report(db, "halyna.demo", "2026-Q1", made_at=MADE)
    assert (report.indicators[["value", "previous"]] == 0).all().all()
    assert report.table("services").iloc[-1, 1] == 0
    path = write_excel(report, tmp_path / "порожній.xlsx", db=db, actor="mariia.demo")
    assert load_workbook(path).sheetnames == SHEETS_UK


def test_bad_parameters_are_clear_messages(db):
    with pytest.raises(UserError) as caught:
        period_report(db, "halyna.demo", "31.12.2026–01.01.2026")
    assert "31.12.2026" in caught.value.message("uk")
    with pytest.raises(UserError) as caught:
        period_report(db, "halyna.demo", "2026", programme="mystery")
    assert "mystery" in caught.value.message("en")


# --- the data-quality line: cases in accompaniment with no social-accompaniment service -------------

def test_a_case_in_accompaniment_without_the_service_is_flagged_until_one_is_recorded(db, world, report, tmp_path):
    from workbench.store.services import record_service

    number = db["cases"].get(world["a"])["case_number"]
    # A is in accompaniment from 15.11.2025 and never received the social-accompaniment service.
    assert report.quality.to_dict("records") == [{
        "case_number": number, "programme": "family_support", "worker": "Олена Тихоліс (демо)",
        "accompaniment_started_on": date(2025, 11, 15), "closed_on": None}]
    assert report.quality_line() == (
        "Якість даних: випадків у соціальному супроводі протягом періоду без жодної послуги «Соціальний супровід» "
        f"у періоді: 1 ({number}). Запишіть надані послуги або перевірте дати супроводу.")
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    sheet = load_workbook(path)["Якість даних"]
    assert report.quality_line() in [row[0] for row in _rows(sheet)]
    header, rows = _table(sheet, "Випадок")
    assert header == ["Випадок", "Програма", "Фахівець", "Супровід від", "Закрито"]
    assert rows[0][:3] == [number, "Супровід сімей з дітьми у складних життєвих обставинах", "Олена Тихоліс (демо)"]
    started = sheet.cell(row=sheet.max_row, column=4)
    assert started.value.date() == date(2025, 11, 15) and started.number_format == "DD.MM.YYYY"
    # 2025: A (from 15.11) and D (01.03–30.09, closed), both without the service; a service in 2025 for D only.
    record_service(db, "olena.demo", world["d"], service_type="social_accompaniment", provided_on="2025-09-30",
                   today=TODAY)
    earlier = period_report(db, "halyna.demo", "2025", made_at=MADE, lang="en")
    assert list(earlier.quality["case_number"]) == [number]
    assert earlier.quality_line().startswith("Data quality: cases in social accompaniment during the period with no "
                                             "'Social accompaniment' service in the period: 1 (")
    # A service dated in the period clears the line; one in another period does not.
    record_service(db, "olena.demo", world["a"], service_type="social_accompaniment", provided_on="2025-12-01",
                   today=TODAY)
    assert period_report(db, "halyna.demo", "2025", made_at=MADE).quality.empty
    assert not period_report(db, "halyna.demo", "2026", made_at=MADE).quality.empty
    record_service(db, "olena.demo", world["a"], service_type="social_accompaniment", provided_on="2026-01-10",
                   today=TODAY)
    clear = period_report(db, "halyna.demo", "2026", made_at=MADE)
    assert clear.quality.empty and clear.quality_line().startswith("Якість даних: кожному випадку")
    assert period_report(db, "halyna.demo", "2026", programme="idp_support", made_at=MADE).quality.empty


def test_the_tables_keep_numbers_and_the_workbook_formats_them(db, report, tmp_path):
    table = report.table("indicators")
    assert table.attrs["kinds"] == {"За період": "count", "Той самий період минулого року": "count", "Зміна": "change"}
    services = report.table("services")
    assert services.attrs["total_row"] and str(services["Послуг"].dtype) == "Int64"
    shown = report.for_people("services").to_html()
    assert "Разом" in shown and "… і ще" not in shown  # a report's table is shown whole
    path = write_excel(report, tmp_path / "звіт.xlsx", db=db, actor="mariia.demo")
    sheet = load_workbook(path)["Показники"]
    header_row = next(n for n, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "Показник")
    first = sheet[header_row + 1]
    assert first[1].number_format == "#,##0" and first[3].number_format == "+#,##0;-#,##0;0"
    assert type(first[1].value) is int


@pytest.mark.parametrize("given, under", [("звіт-2026.xlsx", "звіт-2026.xlsx"),
                                          ("data/reports/q3.xlsx", "q3.xlsx"),
                                          ("data/q3.xlsx", "q3.xlsx"),
                                          ("city/q3.xlsx", "city/q3.xlsx")])
def test_a_relative_excel_path_lands_in_the_projects_reports_folder(given, under, tmp_path, monkeypatch):
    from workbench.analysis.report import excel_path
    from workbench.paths import data_dir

    monkeypatch.chdir(tmp_path)  # whatever the notebook's folder
    assert excel_path(given) == data_dir() / "reports" / under
    assert excel_path(tmp_path / "own.xlsx") == tmp_path / "own.xlsx"  # an absolute path stays as given


def test_an_excel_path_that_climbs_out_is_refused(db, report, tmp_path):
    from workbench.analysis.report import excel_path

    for given in ("../elsewhere.xlsx", "data/reports/../../x.xlsx", ""):
        with pytest.raises(UserError) as refused:
            excel_path(given)
        assert refused.value.key == "report.excel_outside"
    with pytest.raises(UserError):
        write_excel(report, "../out.xlsx", db=db, actor="mariia.demo")
    assert not audit_rows(db, "admin.demo", "reports")


def test_the_reports_folder_is_ignored_by_git():
    import subprocess

    from workbench.paths import data_dir

    root = data_dir().parent
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/reports/report-2026.xlsx"], cwd=root)
    assert ignored.returncode == 0


def test_the_cli_takes_an_excel_path_as_write_excel_does(capsys):
    from workbench.cli import main

    assert main(["report", "period_report", "--excel", "../elsewhere.xlsx"]) == 1  # refused before any run
    assert "data/reports" in capsys.readouterr().err
