"""The period report a municipal centre sends to the city or a donor: the indicators beside the same
period a year before, with breakdown tables, and one call that writes it all to an Excel workbook.

``period_report(db, actor, "2026")`` gives a :class:`PeriodReport`; ``write_excel(report, path, db=db,
actor=...)`` writes one sheet per table (each headed by the organisation, the period and the date
made), numbers stored as numbers, and a sheet of definitions; the export is audited.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .. import config, i18n
from ..files import private_umask, write_private
from ..local_time import local_time
from ..store.audit import record_export
from .indicators import IndicatorData, Indicator, indicator_values, load_indicators
from .periods import Period

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
})

TABLES = ("indicators", "services", "events", "assessments", "cases")


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
        """Table ``key`` (one of :data:`TABLES`) for display: headers and codes in ``lang``."""
        lang = lang or self.lang
        if key == "indicators":
            frame = self.indicators
            return pd.DataFrame({
                i18n.t("report.col.indicator", lang): frame["name"],
                i18n.t("report.col.value", lang): frame["value"],
                i18n.t("report.col.previous", lang): frame["previous"],
                i18n.t("report.col.change", lang): frame["change"],
                i18n.t("report.col.definition", lang): frame["definition"],
            })
        return _localised(self.tables[key], lang)

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
    return report


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
    """Codes to labels and column names to headers in ``lang``."""
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
    return out.rename(columns=headers)


# --- Excel ----------------------------------------------------------------------------------

def write_excel(report: PeriodReport, path, *, db, actor: str, lang: str | None = None) -> Path:
    """Write the report to an Excel workbook at ``path``: one sheet per table, then the definitions;
    each sheet starts with the organisation, title, period, programme and date made. The file is private
    (0600, :mod:`workbench.files`) from its first byte: the workbook is made in memory, then written. Audited:
    the store asks the policy whether ``actor`` may export it, and the file is removed if not."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang = i18n.normalise_language(lang or report.lang)
    path = Path(path)
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
        sheet.append([])
        header_row = sheet.max_row + 1
        sheet.append(list(table.columns))
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for values in table.itertuples(index=False):
            # Numbers stay numbers (int, not numpy types or text) so the city can add them up.
            sheet.append([v.item() if hasattr(v, "item") else v for v in values])
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
