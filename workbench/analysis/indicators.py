"""Period indicators declared as data, counted on the tidy frames (never in SQL built from a file).

An indicator (see ``config/indicators.json``, and ``WB_INDICATORS`` for an organisation's own
file of the same shape) names what it counts in a source of records:

=================  ===========================  ===============================================  ==========================
source             one row per                  fields a ``where`` may filter on                 what may be counted
=================  ===========================  ===============================================  ==========================
``services``       service (dated)              service_type, programme, category,               records, cases, subjects,
                                                referral_outcome, subject                        households, persons
``assessments``    assessment, latest version   purpose, instrument_id, programme, category,     records, cases, subjects,
                   (dated)                      subject                                          households, persons
``events``         event, latest version        event_type, project, place                       records, participants,
                   (dated)                                                                       children, idps
``cases``          case cycle (a span: opened   programme, category, intake_channel,             records, cases, subjects,
                   or reopened → closed)        closure_reason, subject                          households, persons
``accompaniments`` social accompaniment (a      programme, category, intake_channel,             records, cases, subjects,
                   span: started → closed)      closure_reason, subject                          households, persons
``shelter_stays``  stay in a temporary shelter  category, shelter                                records, persons
                   (a span: from → to)
=================  ===========================  ===============================================  ==========================

``subjects`` are families (of family cases) and persons (of person cases), each counted once;
``persons`` are the people behind the rows: the client of a person case, every member of a
family case's household, the person of a shelter stay, each counted once; ``participants``,
``children`` and ``idps`` add up an event's counts. ``category`` is the case subject's category
(for a shelter stay, the person's). A dated source's period rule is ``in_period``; a span's is
``overlaps`` (at least one day in the period, so a span across the boundary counts in both
periods), ``starts_in_period`` or ``ends_in_period``. ``plus`` adds further parts to the number.
Cases of persons who withdrew their consent are left out, as everywhere in analysis.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from .. import config, i18n
from ..i18n import UserError
from . import frames
from .periods import Period

i18n.add({
    "indicator.file": {"uk": "Файл показників {origin}: {problem}", "en": "Indicators file {origin}: {problem}"},
    "indicator.json": {"uk": "файл не вдалося прочитати як JSON (рядок {line}: {detail}).",
                       "en": "the file cannot be read as JSON (line {line}: {detail})."},
    "indicator.shape": {
        "uk": "очікувався обʼєкт із переліком «indicators».",
        "en": "an object with a list 'indicators' was expected.",
    },
    "indicator.problem": {"uk": "показник «{id}»: {problem}", "en": "indicator '{id}': {problem}"},
    "indicator.no_id": {"uk": "показник №{n} без «id».", "en": "indicator no. {n} has no 'id'."},
    "indicator.key_missing": {"uk": "бракує «{name}».", "en": "'{name}' is missing."},
    "indicator.key_unknown": {"uk": "невідомий ключ «{name}».", "en": "unknown key '{name}'."},
    "indicator.texts": {
        "uk": "«{name}» має містити тексти «uk» і «en».",
        "en": "'{name}' must hold texts 'uk' and 'en'.",
    },
    "indicator.source": {"uk": "невідоме джерело «{value}»; можливі: {allowed}.",
                         "en": "unknown source '{value}'; possible: {allowed}."},
    "indicator.count": {"uk": "у джерелі «{source}» не можна рахувати «{value}»; можливо: {allowed}.",
                        "en": "'{value}' cannot be counted in '{source}'; possible: {allowed}."},
    "indicator.field": {"uk": "у джерелі «{source}» немає поля «{value}»; є: {allowed}.",
                        "en": "'{source}' has no field '{value}'; it has: {allowed}."},
    "indicator.value": {"uk": "поле «{field}»: значення «{value}» немає в переліку.",
                        "en": "field '{field}': '{value}' is not in the list."},
    "indicator.value_type": {"uk": "поле «{field}»: очікувалось значення або перелік значень.",
                             "en": "field '{field}': a value or a list of values was expected."},
    "indicator.rule": {"uk": "правило періоду «{value}» не підходить джерелу «{source}»; можливі: {allowed}.",
                       "en": "the period rule '{value}' does not suit '{source}'; possible: {allowed}."},
    "indicator.duplicate": {"uk": "показник «{id}» оголошено двічі.", "en": "indicator '{id}' is declared twice."},
})

DATED, SPAN = ("in_period",), ("overlaps", "starts_in_period", "ends_in_period")
_CASE_COUNTS = ("records", "cases", "subjects", "households", "persons")
_CASE_FIELDS = ("programme", "category", "intake_channel", "closure_reason", "subject")


@dataclass(frozen=True)
class Source:
    """Where an indicator counts: the frame's date (or span) columns, its fields and counts."""

    fields: tuple[str, ...]
    counts: tuple[str, ...]
    date: str | None = None
    span: tuple[str, str] | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        return DATED if self.date else SPAN


SOURCES = {
    "services": Source(("service_type", "programme", "category", "referral_outcome", "subject"), _CASE_COUNTS,
                       date="provided_on"),
    "assessments": Source(("purpose", "instrument_id", "programme", "category", "subject"), _CASE_COUNTS,
                          date="assessed_on"),
    "events": Source(("event_type", "project", "place"), ("records", "participants", "children", "idps"),
                     date="held_on"),
    "cases": Source(_CASE_FIELDS, _CASE_COUNTS, span=("started_on", "closed_on")),
    "accompaniments": Source(_CASE_FIELDS, _CASE_COUNTS, span=("accompaniment_started_on", "closed_on")),
    "shelter_stays": Source(("category", "shelter"), ("records", "persons"), span=("from_on", "to_on")),
}

# Fields whose values come from a configured list: a typo in a file is an error, not a silent zero.
CODED_FIELDS = {"service_type": "service_types", "programme": "programmes", "category": "categories",
                "referral_outcome": "referral_outcomes", "purpose": "assessment_purposes",
                "event_type": "event_types", "intake_channel": "intake_channels",
                "closure_reason": "closure_reasons"}
_FIXED_VALUES = {"subject": {"household", "person"}}


@dataclass(frozen=True)
class Part:
    """One counted part of an indicator."""

    source: str
    count: str
    where: tuple[tuple[str, tuple], ...] = ()
    period: str = "in_period"


@dataclass(frozen=True)
class Indicator:
    """A declared indicator: its texts and the parts whose counts add up to its number."""

    id: str
    name: dict
    definition: dict
    parts: tuple[Part, ...] = field(default_factory=tuple)

    def label(self, lang=None) -> str:
        return self.name[i18n.normalise_language(lang)]

    def describe(self, lang=None) -> str:
        return self.definition[i18n.normalise_language(lang)]


class IndicatorError(UserError):
    """A declaration that cannot be counted; the message names the file and the indicator."""

    def __init__(self, origin: str, problem: UserError, indicator_id: str | None = None):
        if indicator_id is not None:
            problem = UserError("indicator.problem", id=indicator_id, problem=problem)
        super().__init__("indicator.file", origin=origin, problem=problem)


# --- declarations -------------------------------------------------------------------------

def builtin_path():
    return resources.files("workbench").joinpath("config/indicators.json")


def load_indicators(path: str | os.PathLike | None = None) -> list[Indicator]:
    """The built-in indicators, then those of ``path`` (default: ``WB_INDICATORS``), an own one with a
    built-in id replacing it."""
    indicators = {i.id: i for i in read_indicators(builtin_path().read_text(encoding="utf-8"), "indicators.json")}
    path = path or os.environ.get("WB_INDICATORS")
    if path:
        own = read_indicators(Path(path).read_text(encoding="utf-8"), str(path))
        indicators.update({i.id: i for i in own})
    return list(indicators.values())


def read_indicators(text: str, origin: str) -> list[Indicator]:
    """Check and read declarations (JSON text); :class:`IndicatorError` names what is wrong and where."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise IndicatorError(origin, UserError("indicator.json", line=error.lineno, detail=error.msg)) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise IndicatorError(origin, UserError("indicator.shape"))
    seen, out = set(), []
    for n, entry in enumerate(data["indicators"], start=1):
        ident = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(ident, str) or not ident.strip():
            raise IndicatorError(origin, UserError("indicator.no_id", n=n))
        if ident in seen:
            raise IndicatorError(origin, UserError("indicator.duplicate", id=ident))
        seen.add(ident)
        try:
            out.append(_indicator(entry))
        except UserError as problem:
            raise IndicatorError(origin, problem, ident) from None
    return out


_INDICATOR_KEYS = {"id", "name", "definition", "source", "count", "where", "period", "plus", "_comment"}
_PART_KEYS = {"source", "count", "where", "period", "_comment"}


def _indicator(entry: dict) -> Indicator:
    for key in entry:
        if key not in _INDICATOR_KEYS:
            raise UserError("indicator.key_unknown", name=str(key)[:40])
    texts = {}
    for key in ("name", "definition"):
        value = entry.get(key)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                                  for lang in i18n.LANGUAGES):
            raise UserError("indicator.texts", name=key)
        texts[key] = {lang: value[lang] for lang in i18n.LANGUAGES}
    plus = entry.get("plus", [])
    if not isinstance(plus, list):
        raise UserError("indicator.key_unknown", name="plus")
    parts = [_part({k: entry[k] for k in _PART_KEYS if k in entry})]
    for extra in plus:
        if not isinstance(extra, dict):
            raise UserError("indicator.key_unknown", name="plus")
        for key in extra:
            if key not in _PART_KEYS:
                raise UserError("indicator.key_unknown", name=str(key)[:40])
        parts.append(_part(extra))
    return Indicator(entry["id"], texts["name"], texts["definition"], tuple(parts))


def _part(entry: dict) -> Part:
    for key in ("source", "count"):
        if key not in entry:
            raise UserError("indicator.key_missing", name=key)
    source = SOURCES.get(entry["source"]) if isinstance(entry["source"], str) else None
    if source is None:
        raise UserError("indicator.source", value=str(entry["source"])[:40], allowed=", ".join(SOURCES))
    name = entry["source"]
    if entry["count"] not in source.counts:
        raise UserError("indicator.count", source=name, value=str(entry["count"])[:40], allowed=", ".join(source.counts))
    rule = entry.get("period", source.rules[0])
    if rule not in source.rules:
        raise UserError("indicator.rule", source=name, value=str(rule)[:40], allowed=", ".join(source.rules))
    where = entry.get("where", {})
    if not isinstance(where, dict):
        raise UserError("indicator.key_unknown", name="where")
    filters = []
    for column, wanted in where.items():
        if column not in source.fields:
            raise UserError("indicator.field", source=name, value=str(column)[:40], allowed=", ".join(source.fields))
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
            raise UserError("indicator.value_type", field=column)
        allowed = config.codes(CODED_FIELDS[column]) if column in CODED_FIELDS else _FIXED_VALUES.get(column)
        for value in values:
            if allowed is not None and value not in allowed:
                raise UserError("indicator.value", field=column, value=str(value)[:40])
        filters.append((column, tuple(values)))
    return Part(name, entry["count"], tuple(filters), rule)


# --- counting -----------------------------------------------------------------------------

class IndicatorData:
    """The frames indicators count on, read from the store once for a whole report (as ``actor``, whom
    the store asks the policy about: supervisors and the head of centre read aggregates)."""

    def __init__(self, db, actor: str):
        # The cases left out and the case events are read once, for every frame that needs them.
        excluded = frames.excluded_case_ids(db, actor)
        cycles = frames.accompaniment_cycles(db, actor, excluded=excluded)
        cases = frames.case_frame(db, actor, cycles=cycles, excluded=excluded)
        case_fields = cases[["case_id", "programme", "category", "intake_channel", "subject", "subject_key",
                             "household_id"]]
        self.case_numbers = cases[["case_id", "case_number", "worker"]]  # for lists a supervisor reads
        self.case_persons = frames.case_person_frame(db, actor, excluded=excluded)[["case_id", "person_id"]]
        services = frames.service_frame(db, actor, excluded=excluded, with_subject=False).drop(columns=["programme"])
        assessments = frames.assessment_frame(db, actor, excluded=excluded).drop(columns=["programme"])
        cycles = cycles.merge(case_fields, on="case_id")
        self.tables = {
            "services": services.merge(case_fields, on="case_id"),
            "assessments": assessments.merge(case_fields, on="case_id"),
            "events": frames.event_frame(db, actor),
            "cases": cycles,
            "accompaniments": cycles[cycles["accompaniment_started_on"].notna()],
            "shelter_stays": frames.shelter_frame(db, actor, excluded=excluded),
        }

    def rows(self, part: Part, period: Period, programme: str | None = None) -> pd.DataFrame:
        """The source's rows that the part counts in ``period``."""
        source, table = SOURCES[part.source], self.tables[part.source]
        start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
        if source.date:
            keep = table[source.date].between(start, end)
        else:
            begins, ends = table[source.span[0]], table[source.span[1]]
            if part.period == "overlaps":
                keep = (begins <= end) & (ends.isna() | (ends >= start))
            elif part.period == "starts_in_period":
                keep = begins.between(start, end)
            else:
                keep = ends.between(start, end)
        for column, values in part.where:
            keep &= table[column].isin(values)
        if programme is not None:
            if "programme" in table:
                keep &= table["programme"] == programme
            elif part.source == "shelter_stays":  # persons of the programme's cases
                in_programme = self.case_persons.merge(self.tables["cases"][["case_id", "programme"]].drop_duplicates(),
                                                       on="case_id")
                keep &= table["person_id"].isin(in_programme.loc[in_programme["programme"] == programme, "person_id"])
        return table[keep]

    def count(self, part: Part, period: Period, programme: str | None = None) -> int:
        rows = self.rows(part, period, programme)
        what = part.count
        if what == "records":
            return int(len(rows))
        if what in ("participants", "children", "idps"):
            return int(rows[what].sum())
        if what == "cases":
            return int(rows["case_id"].nunique())
        if what == "subjects":
            return int(rows["subject_key"].nunique())
        if what == "households":
            return int(rows["household_id"].dropna().nunique())
        if what == "persons":
            if "person_id" in rows:
                return int(rows["person_id"].nunique())
            people = self.case_persons[self.case_persons["case_id"].isin(rows["case_id"].unique())]
            return int(people["person_id"].nunique())
        raise AssertionError(what)  # refused when the declaration was read

    def value(self, indicator: Indicator, period: Period, programme: str | None = None) -> int:
        return sum(self.count(part, period, programme) for part in indicator.parts)


INDICATOR_COLUMNS = ["indicator", "name", "definition", "value", "previous", "change"]


def indicator_values(data: IndicatorData, period, *, programme: str | None = None,
                     indicators: list[Indicator] | None = None, lang: str | None = None) -> pd.DataFrame:
    """One row per indicator: ``indicator`` (id), ``name, definition`` (in ``lang``), ``value`` (in
    ``period``), ``previous`` (the same period a year before), ``change`` (value − previous)."""
    period = Period.parse(period)
    programme = config.check_programme(programme)
    indicators = load_indicators() if indicators is None else indicators
    previous = period.previous_year()
    rows = []
    for indicator in indicators:
        now, before = data.value(indicator, period, programme), data.value(indicator, previous, programme)
        rows.append({"indicator": indicator.id, "name": indicator.label(lang), "definition": indicator.describe(lang),
                     "value": now, "previous": before, "change": now - before})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
