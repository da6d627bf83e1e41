"""Summary tables for supervisors' notebooks."""
from __future__ import annotations

import pandas as pd

from .. import config, i18n
from ..instruments.model import Instrument
from .presentation import headed

i18n.add({
    "overview.programme": {"uk": "Програма", "en": "Programme"},
    "overview.domain": {"uk": "Домен", "en": "Domain"},
    "overview.visit": {"uk": "Оцінювання №", "en": "Assessment no."},
    "overview.mean": {"uk": "Середній бал", "en": "Mean score"},
    "overview.n": {"uk": "Кількість оцінювань", "en": "Assessments"},
})


def domain_summary(scores: pd.DataFrame, instrument: Instrument, lang: str | None = None) -> pd.DataFrame:
    """Mean domain score and number of assessments by programme, domain and visit, with headers in ``lang``,
    for people (:func:`workbench.analysis.presentation.people`): numbers kept as numbers, their kinds
    recorded (the mean shown with one decimal)."""
    lang = i18n.normalise_language(lang)
    columns = [i18n.t(k, lang) for k in ("overview.programme", "overview.domain", "overview.visit",
                                         "overview.mean", "overview.n")]
    kinds = {"visit": "count", "mean": "mean", "n": "count"}
    if scores.empty:
        return headed(pd.DataFrame(columns=["programme", "domain", "visit", "mean", "n"]),
                      dict(zip(["programme", "domain", "visit", "mean", "n"], columns)), {})
    labels = {d.name: d.label(lang) for d in instrument.domains()}
    table = (scores.groupby(["programme", "domain", "visit"])
             .agg(mean=("score", "mean"), n=("assessment_id", "nunique")).reset_index())
    table["programme"] = table["programme"].map(lambda code: config.label("programmes", code, lang))
    table["domain"] = table["domain"].map(lambda name: labels.get(name, name))
    return headed(table, dict(zip(["programme", "domain", "visit", "mean", "n"], columns)), kinds)
