"""Who opened a client's record and when: the audit's read rows as tables a supervisor reads."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..i18n import UserError
from ..local_time import local_time
from ..store.audit import case_readings, readings_by_case
from ..store.search import find_cases
from .presentation import headed

i18n.add({
    "readings.none": {"uk": "Ще ніхто нічого не відкривав.", "en": "Nobody has opened anything yet."},
    "readings.when": {"uk": "Коли", "en": "When"},
    "readings.who": {"uk": "Хто", "en": "Who"},
    "readings.what": {"uk": "Що відкрито", "en": "What was opened"},
    "readings.record": {"uk": "Запис №", "en": "Record #"},
    "readings.case_number": {"uk": "Номер випадку", "en": "Case number"},
    "readings.openings": {"uk": "Відкриттів", "en": "Openings"},
    "readings.last_at": {"uk": "Востаннє", "en": "Last"},
    "readings.last_by": {"uk": "Ким востаннє", "en": "Last by"},
    "readings.opened.case": {"uk": "справа клієнта", "en": "the client's record"},
    "readings.opened.assessment": {"uk": "оцінювання", "en": "an assessment"},
    "readings.opened.plan": {"uk": "план", "en": "the plan"},
    "readings.opened.attachment": {"uk": "файл випадку", "en": "a file of the case"},
    "readings.opened.document": {"uk": "зроблений документ", "en": "a document made"},
    "readings.no_case": {
        "uk": "Випадку «{case}» серед тих, які ви можете переглядати, немає.",
        "en": "There is no case '{case}' among those you may read.",
    },
})


def case_id_of(db, actor: str, case) -> int:
    """The id of the case named by its number (``2026-00012``) or id, among those ``actor`` may read;
    ``UserError`` (``readings.no_case``) otherwise."""
    text = str(case).strip()
    if text.isdigit():
        return int(text)
    rows, _ = find_cases(db, actor, text, limit=2)
    exact = [r for r in rows if r["case_number"] == text]
    if not exact:
        raise UserError("readings.no_case", case=text[:40])
    return exact[0]["id"]


def readings_table(db, actor: str, case, lang: str | None = None) -> pd.DataFrame:
    """Every opening of the case's records (``case``: its number or id), newest first, headers in ``lang``."""
    lang = i18n.normalise_language(lang)
    rows = case_readings(db, actor, case_id_of(db, actor, case))
    table = pd.DataFrame({
        i18n.t("readings.when", lang): [local_time(r["at"]) for r in rows],
        i18n.t("readings.who", lang): [r["display_name"] for r in rows],
        i18n.t("readings.what", lang): [i18n.t(f"readings.opened.{r['opened']}", lang) for r in rows],
        i18n.t("readings.record", lang): pd.Series([r["record"] for r in rows], dtype=object),
    })
    return headed(table, {}, {i18n.t("readings.record", lang): "text"})  # a record's number, not a quantity


def cases_table(db, actor: str, lang: str | None = None) -> pd.DataFrame:
    """The cases whose openings ``actor`` may see, the most recently opened first, with who opened each last
    (a display name) and when (dd.mm.yyyy hh:mm, local time)."""
    lang = i18n.normalise_language(lang)
    rows = readings_by_case(db, actor)
    table = pd.DataFrame({
        i18n.t("readings.case_number", lang): [r["case_number"] for r in rows],
        i18n.t("readings.openings", lang): pd.Series([r["openings"] for r in rows], dtype="Int64"),
        i18n.t("readings.last_at", lang): [local_time(r["last_at"]) for r in rows],
        i18n.t("readings.last_by", lang): [r["last_by"] for r in rows],
    })
    return headed(table, {}, {i18n.t("readings.openings", lang): "count"})
