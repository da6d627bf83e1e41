"""The period report a municipal centre sends to the city or a donor: the indicators beside the same
period a year before, with breakdown tables, and one call that writes it all to an Excel workbook.

``period_report(db, actor, "2026")`` gives a :class:`PeriodReport`; ``write_excel(report, path, db=db,
actor=...)`` writes one sheet per table (each headed by the organisation, the period and the date
made), numbers stored as numbers in cells formatted as the notebook shows them, and a sheet of
definitions; the export is audited. A relative ``path`` lands in the project's ``data/reports/``
(:func:`excel_path`), whatever folder the notebook runs in.

The report's figures are checked against each other in one place: the **data-quality line**
(:meth:`PeriodReport.quality_line`, the sheet "Data quality") names the cases in social accompaniment
during the period with no social-accompaniment service recorded in it (:func:`accompaniment_gaps`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .. import config, i18n
from ..i18n import UserError
from ..files import private_umask, write_private
from ..local_time import local_time
from ..store.audit import record_export
from ..paths import reports_dir
from ..store.users import staff_names
from .indicators import IndicatorData, Indicator, indicator_values, load_indicators
from .periods import Period
from .presentation import excel_format, excel_value, headed, kinds_of, people

i18n.add({
    "report.title": {"uk": "Звіт про показники діяльності", "en": "Activity indicators report"},
    "report.period": {"uk": "Період: {period} (порівняно з: {previous})", "en": "Period: {period} (compared with: {previous})"},
    "report.made": {"uk": "Сформовано: {when}", "en": "Made on: {when}"},
    "report.programme": {"uk": "Програма: {programme}", "en": "Programme: {programme}"},
    "report.all_programmes": {"uk": "усі програми", "en": "all programmes"},
    "report.programme_note": {
        "uk": "Заходи групової та проєктної роботи не належать до програм і враховуються повністю.",
        "en": "Events of group and project work belong to no programme and are counted in full.",
    },
    "report.col.indicator": {"uk": "Показник", "en": "Indicator"},
    "report.col.definition": {"uk": "Визначення", "en": "Definition"},
    "report.col.value": {"uk": "За період", "en": "This period"},
    "report.col.previous": {"uk": "Той самий період минулого року", "en": "Same period last year"},
    "report.col.change": {"uk": "Зміна", "en": "Change"},
    "report.col.service_type": {"uk": "Вид послуги", "en": "Service type"},
    "report.col.services": {"uk": "Послуг", "en": "Services"},
    "report.col.subjects": {"uk": "Сімей / осіб", "en": "Families or persons"},
    "report.col.event_type": {"uk": "Вид заходу", "en": "Event type"},
    "report.col.events": {"uk": "Заходів", "en": "Events"},
    "report.col.participants": {"uk": "Учасників", "en": "Participants"},
    "report.col.children": {"uk": "З них дітей", "en": "Of them children"},
    "report.col.idps": {"uk": "З них ВПО", "en": "Of them IDPs"},
    "report.col.purpose": {"uk": "Мета оцінювання", "en": "Purpose of the assessment"},
    "report.col.assessments": {"uk": "Оцінювань", "en": "Assessments"},
    "report.col.programme": {"uk": "Програма", "en": "Programme"},
    "report.col.open": {"uk": "Відкриті в періоді", "en": "Open in the period"},
    "report.col.opened": {"uk": "Відкрито", "en": "Opened"},
    "report.col.closed": {"uk": "Закрито", "en": "Closed"},
    "report.col.previous_short": {"uk": "{what}: минулого року", "en": "{what}: last year"},
    "report.sheet.indicators": {"uk": "Показники", "en": "Indicators"},
    "report.sheet.services": {"uk": "Послуги за видами", "en": "Services by type"},
    "report.sheet.events": {"uk": "Заходи за видами", "en": "Events by type"},
    "report.sheet.assessments": {"uk": "Оцінювання за метою", "en": "Assessments by purpose"},
    "report.sheet.cases": {"uk": "Випадки за програмами", "en": "Cases by programme"},
    "report.sheet.definitions": {"uk": "Визначення", "en": "Definitions"},
    "report.total": {"uk": "Разом", "en": "Total"},
    "report.sheet.quality": {"uk": "Якість даних", "en": "Data quality"},
    "report.quality.none": {
        "uk": "Якість даних: кожному випадку, що був у соціальному супроводі протягом періоду, у періоді записано "
              "послугу «{service}».",
        "en": "Data quality: every case in social accompaniment during the period has a '{service}' service "
              "recorded in the period.",
    },
    "report.quality.gaps": {
        "uk": "Якість даних: випадків у соціальному супроводі протягом періоду без жодної послуги «{service}» у "
              "періоді: {count} ({cases}). Запишіть надані послуги або перевірте дати супроводу.",
        "en": "Data quality: cases in social accompaniment during the period with no '{service}' service in the "
              "period: {count} ({cases}). Record the services given, or check the accompaniment's dates.",
    },
    "report.col.case_number": {"uk": "Випадок", "en": "Case"},
    "report.col.worker": {"uk": "Фахівець", "en": "Worker"},
    "report.col.accompaniment_started_on": {"uk": "Супровід від", "en": "Accompaniment from"},
    "report.col.closed_on": {"uk": "Закрито", "en": "Closed on"},
    "report.excel_outside": {
        "uk": "Файл Excel «{path}» має бути в теці звітів {folder}; вкажіть лише назву, як-от «звіт-2026.xlsx».",
        "en": "The Excel file '{path}' must be in the reports folder {folder}; give just a name such as "
              "'report-2026.xlsx'.",
    },
})

TABLES = ("indicators", "services", "events", "assessments", "cases", "quality")
# The service families in social accompaniment receive: the data-quality line looks for it in the period.
ACCOMPANIMENT_SERVICE = "social_accompaniment"
QUALITY_COLUMNS = ["case_number", "programme", "worker", "accompaniment_started_on", "closed_on"]


@dataclass
class PeriodReport:
    """A report's numbers (``indicators`` as :func:`indicator_values` gives them, ``tables`` of
    breakdowns with coded rows) and what heads every sheet."""

    organisation: str
    period: Period
    programme: str | None
    lang: str
    made_at: datetime
    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUALITY_COLUMNS))

    def heading(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        programme = (config.label("programmes", self.programme, lang) if self.programme
                     else i18n.t("report.all_programmes", lang))
        return [self.organisation, i18n.t("report.title", lang),
                i18n.t("report.period", lang, period=self.period.label(lang),
                       previous=self.period.previous_year().label(lang)),
                i18n.t("report.programme", lang, programme=programme),
                i18n.t("report.made", lang, when=local_time(self.made_at))]

    def table(self, key: str, lang: str | None = None) -> pd.DataFrame:
        """Table ``key`` (one of :data:`TABLES`) for people: headers and codes in ``lang``, numbers kept as
        numbers with their kinds recorded (:mod:`workbench.analysis.presentation`)."""
        lang = lang or self.lang
        if key == "indicators":
            columns = ["name", "value", "previous", "change", "definition"]
            headers = {c: i18n.t(f"report.col.{'indicator' if c == 'name' else c}", lang) for c in columns}
            return headed(self.indicators[columns], headers,
                          {"value": "count", "previous": "count", "change": "change"})
        if key == "quality":
            table = self.quality.copy()
            table["programme"] = table["programme"].map(lambda code: config.label("programmes", code, lang))
            headers = {c: i18n.t(f"report.col.{c}", lang) for c in QUALITY_COLUMNS}
            return headed(table[QUALITY_COLUMNS], headers, {"accompaniment_started_on": "date", "closed_on": "date"})
        return _localised(self.tables[key], lang)

    def for_people(self, key: str, lang: str | None = None):
        """Table ``key`` as a Styler a person reads (:func:`workbench.analysis.presentation.people`), whole:
        a report's tables are not cut."""
        return people(self.table(key, lang), lang or self.lang, top=None)

    def quality_line(self, lang: str | None = None) -> str:
        """The data-quality line: how many cases were in social accompaniment during the period with no
        social-accompaniment service recorded in it, and which (their numbers); or that there are none."""
        lang = lang or self.lang
        service = config.label("service_types", ACCOMPANIMENT_SERVICE, lang)
        if self.quality.empty:
            return i18n.t("report.quality.none", lang, service=service)
        return i18n.t("report.quality.gaps", lang, service=service, count=len(self.quality),
                      cases=", ".join(self.quality["case_number"]))

    def definitions(self, lang: str | None = None) -> pd.DataFrame:
        lang = lang or self.lang
        return pd.DataFrame({i18n.t("report.col.indicator", lang): self.indicators["name"],
                             i18n.t("report.col.definition", lang): self.indicators["definition"]})


def period_report(db, actor: str, period, *, organisation: str | None = None, programme: str | None = None,
                  lang: str | None = None, indicators: list[Indicator] | None = None,
                  made_at: datetime | None = None) -> PeriodReport:
    """The whole report for ``period`` (a :class:`Period` or text such as ``"2026"``, ``"2026-Q1"``)."""
    lang = i18n.normalise_language(lang)
    period = Period.parse(period)
    programme = config.check_programme(programme)
    organisation = organisation or config.load_config()["organisation"][lang]
    data = IndicatorData(db, actor)
    values = indicator_values(data, period, programme=programme,
                              indicators=load_indicators() if indicators is None else indicators, lang=lang)
    report = PeriodReport(organisation, period, programme, lang, made_at or datetime.now(timezone.utc), values)
    report.tables = _breakdowns(data, period, programme)
    report.quality = accompaniment_gaps(data, period, programme,
                                        names=staff_names(db, actor))
    return report


def accompaniment_gaps(data: IndicatorData, period: Period, programme: str | None = None,
                       names: dict | None = None) -> pd.DataFrame:
    """The cases (of ``programme``) in social accompaniment on at least one day of ``period`` (the span
    rule of the accompaniment indicator: started on or before its end, not closed before its start)
    with no :data:`ACCOMPANIMENT_SERVICE` service dated in it: ``case_number, programme, worker`` (display
    name, from ``names``), ``accompaniment_started_on, closed_on`` (dates; the latest cycle's), by number."""
    spans = data.tables["accompaniments"]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    spans = spans[(spans["accompaniment_started_on"] <= end) & (spans["closed_on"].isna() | (spans["closed_on"] >= start))]
    if programme:
        spans = spans[spans["programme"] == programme]
    services = _in(data.tables["services"], "provided_on", period)
    served = set(services.loc[services["service_type"] == ACCOMPANIMENT_SERVICE, "case_id"])
    gaps = spans[~spans["case_id"].isin(served)].sort_values(["case_id", "cycle"]).drop_duplicates("case_id", keep="last")
    gaps = gaps.merge(data.case_numbers, on="case_id")
    gaps["worker"] = gaps["worker"].map(lambda user: (names or {}).get(user, user))
    for column in ("accompaniment_started_on", "closed_on"):
        gaps[column] = [day.date() if not pd.isna(day) else None for day in gaps[column]]
    return gaps[QUALITY_COLUMNS].sort_values("case_number").reset_index(drop=True)


def _in(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    return frame[frame[column].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]


def _breakdowns(data: IndicatorData, period: Period, programme: str | None) -> dict[str, pd.DataFrame]:
    """Breakdown tables with coded first columns (``service_type`` …) and counts now and a year before."""
    before = period.previous_year()

    def case_rows(name):
        table = data.tables[name]
        return table[table["programme"] == programme] if programme else table

    services, assessments, cycles = case_rows("services"), case_rows("assessments"), case_rows("cases")
    events = data.tables["events"]

    def by(frame, column, date_column, counts, codes):
        # One row per code and a total row; each count is taken on the rows themselves, so a
        # total of distinct families is distinct over all types, not a sum of the rows above.
        out = []
        for code in [*codes, "total"]:
            row = {column: code}
            for label, when in (("", period), ("previous_", before)):
                rows = _in(frame, date_column, when)
                rows = rows if code == "total" else rows[rows[column] == code]
                row.update({label + name: int(how(rows)) for name, how in counts.items()})
            out.append(row)
        return pd.DataFrame(out)

    tables = {
        "services": by(services, "service_type", "provided_on",
                       {"services": len, "subjects": lambda r: r["subject_key"].nunique()},
                       config.codes_in_order("service_types")),
        "events": by(events, "event_type", "held_on",
                     {"events": len, "participants": lambda r: r["participants"].sum(),
                      "children": lambda r: r["children"].sum(), "idps": lambda r: r["idps"].sum()},
                     config.codes_in_order("event_types")),
        "assessments": by(assessments, "purpose", "assessed_on", {"assessments": len},
                          config.codes_in_order("assessment_purposes")),
    }
    rows = []
    for code in [*([programme] if programme else config.codes_in_order("programmes")), "total"]:
        mine = cycles if code == "total" else cycles[cycles["programme"] == code]
        row = {"programme": code}
        for label, when in (("", period), ("previous_", before)):
            start, end = pd.Timestamp(when.start), pd.Timestamp(when.end)
            overlaps = (mine["started_on"] <= end) & (mine["closed_on"].isna() | (mine["closed_on"] >= start))
            row[label + "open"] = int(mine.loc[overlaps, "case_id"].nunique())
            row[label + "opened"] = int(mine["started_on"].between(start, end).sum())
            row[label + "closed"] = int(mine["closed_on"].between(start, end).sum())
        rows.append(row)
    tables["cases"] = pd.DataFrame(rows)
    return tables


_CODE_KINDS = {"service_type": "service_types", "event_type": "event_types", "purpose": "assessment_purposes",
               "programme": "programmes"}


def _localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes to labels and column names to headers in ``lang``; every number a count, the last row the total."""
    out = frame.copy()
    first = out.columns[0]
    out[first] = [i18n.t("report.total", lang) if code == "total" else config.label(_CODE_KINDS[first], code, lang)
                  for code in out[first]]
    headers = {}
    for column in out.columns:
        if column.startswith("previous_"):
            what = i18n.t(f"report.col.{column[len('previous_'):]}", lang)
            headers[column] = i18n.t("report.col.previous_short", lang, what=what)
        else:
            headers[column] = i18n.t(f"report.col.{column}", lang)
    return headed(out, headers, {column: "count" for column in out.columns[1:]}, total_row=True)


# --- Excel ----------------------------------------------------------------------------------

def excel_path(path) -> Path:
    """Where an Excel report named ``path`` goes, whatever the notebook's folder: an absolute path as it
    is; a relative one under the project's ``data/reports/`` (:func:`workbench.paths.reports_dir`), a
    leading ``data/reports/`` (or ``data/``) dropped, so ``"report-2026.xlsx"`` and
    ``"data/reports/report-2026.xlsx"`` are the same file. ``UserError`` for a relative path that climbs
    out of that folder (``..``)."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    parts = path.parts
    for prefix in (("data", "reports"), ("data",)):
        if parts[:len(prefix)] == prefix and len(parts) > len(prefix):
            parts = parts[len(prefix):]
            break
    folder = reports_dir()
    target = folder.joinpath(*parts)
    if ".." in parts or not parts:
        raise UserError("report.excel_outside", path=str(path)[:200], folder=str(folder))
    return target


def write_excel(report: PeriodReport, path, *, db, actor: str, lang: str | None = None) -> Path:
    """Write the report to an Excel workbook at ``path`` (relative: under ``data/reports/``, see
    :func:`excel_path`): one sheet per table of :data:`TABLES` (the data-quality sheet starts with its
    line), then the definitions; each sheet starts with the organisation, title, period, programme and
    date made; numbers are numbers, formatted by their kind. The file is private
    (0600, :mod:`workbench.files`) from its first byte: the workbook is made in memory, then written. Audited:
    the store asks the policy whether ``actor`` may export it, and the file is removed if not."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang = i18n.normalise_language(lang or report.lang)
    path = excel_path(path)
    book = Workbook()
    book.remove(book.active)
    sheets = [(i18n.t(f"report.sheet.{key}", lang), report.table(key, lang)) for key in TABLES]
    sheets.append((i18n.t("report.sheet.definitions", lang), report.definitions(lang)))
    for title, table in sheets:
        sheet = book.create_sheet(title[:31])
        for line in report.heading(lang):
            sheet.append([line])
        sheet["A1"].font = Font(bold=True)
        if report.programme:
            sheet.append([i18n.t("report.programme_note", lang)])
        if title == i18n.t("report.sheet.quality", lang):
            sheet.append([report.quality_line(lang)])
        sheet.append([])
        header_row = sheet.max_row + 1
        sheet.append(list(table.columns))
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        formats = [excel_format(kind, lang) for kind in kinds_of(table).values()]
        for values in table.itertuples(index=False):
            # Numbers stay numbers (int, not numpy types or text) so the city can add them up; the cell's
            # format shows them as the notebook does (a share as "54 %", a date as dd.mm.yyyy).
            sheet.append([excel_value(v) for v in values])
            for cell, number_format in zip(sheet[sheet.max_row], formats):
                if number_format and cell.value is not None:
                    cell.number_format = number_format
        for number, cells in enumerate(sheet.iter_cols(min_row=header_row), start=1):
            width = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
            sheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    with private_umask():  # folders made on the way are private too
        path.parent.mkdir(parents=True, exist_ok=True)
    content = BytesIO()
    book.save(content)
    write_private(path, content.getvalue())
    try:
        record_export(db, actor, action="export_report", entity="reports",
                      entity_id=f"{report.period.start.isoformat()}..{report.period.end.isoformat()}",
                      details={"path": str(path), "programme": report.programme, "organisation": report.organisation,
                               "indicators": len(report.indicators), "sheets": [t for t, _ in sheets]})
    except BaseException:
        path.unlink(missing_ok=True)  # an export the audit does not hold must not stay
        raise
    return path
