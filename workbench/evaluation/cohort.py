"""Analysis frames built from a pseudonymised research export (never from the live database).

The unit is the **episode**: one case of a client (a family or a person), keyed by ``client`` and
``episode`` (the client's case number 1, 2, … in the export); a client with two cases has two.
Functions here shape the export's tables for the statistics in this package:

- :func:`flow_table`: enrolled → assessed at baseline → followed up → closed (by reason) / still open, each
  programme counted by its own instrument (:func:`programme_instrument`);
- :func:`programme_scale` / :func:`programme_scores`: a programme's own instrument and its episodes' scores on it
  (the CARe profile for young people leaving care, the family needs assessment for families);
  :func:`shared_scale`: the one scale several programmes share, if they do;
- :func:`axis_scores`: one score per assessment and axis (an instrument's domains when it has three or
  more, children's scores averaged; else its scored items, e.g. the CARe profile's life domains);
- :func:`pre_post`: each episode's first and latest score per axis, and the scale total;
- :func:`gas_per_episode`: each episode's Kiresuk–Sherman T-score over its goals' latest levels (:mod:`workbench.gas`);
- :func:`time_to_goal` / :func:`time_to_closure`: durations for survival analysis;
- :func:`long_scores`: one row per assessment with months since intake, for the mixed model.

"Scale total" is the mean of an assessment's axes, on the instrument's own scale.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import config, i18n
from ..analysis import axes
from ..gas import Review, case_t_score
from ..i18n import UserError
from ..instruments.loader import builtin_names, instrument_title, load_builtin

i18n.add({
    "cohort.no_instrument": {"uk": "В експорті немає оцінювань інструментом «{value}». Є: {known}.",
                             "en": "The export holds no assessments with the instrument '{value}'. There are: {known}."},
    "cohort.flow.enrolled": {"uk": "Взято на облік (випадків)", "en": "Enrolled (cases)"},
    "cohort.flow.baseline": {"uk": "Первинне оцінювання", "en": "Assessed at baseline"},
    "cohort.flow.followed_up": {"uk": "Повторне оцінювання (≥ 2)", "en": "Followed up (≥ 2 assessments)"},
    "cohort.flow.open": {"uk": "Ще відкриті", "en": "Still open"},
    "cohort.flow.closed": {"uk": "Закрито: {reason}", "en": "Closed: {reason}"},
    "cohort.flow.stage": {"uk": "Етап", "en": "Stage"},
    "cohort.flow.instrument": {"uk": "Інструмент", "en": "Instrument"},
    "cohort.programme_needed": {"uk": "Вкажіть програму: інструмент оцінювання в кожної програми свій.",
                                "en": "Name a programme: each programme has its own assessment instrument."},
    "cohort.total": {"uk": "Загальний бал шкали", "en": "Scale total"},
})

TOTAL = "total"


@dataclass(frozen=True)
class Scale:
    """An instrument as the export holds it: its id, axes in order with labels, and direction."""

    instrument_id: str
    axes: tuple[str, ...]
    labels: dict
    higher_is_better: bool
    by_items: bool

    def label(self, axis: str, lang: str | None = None) -> str:
        if axis == TOTAL:
            return i18n.t("cohort.total", lang)
        return self.labels.get(i18n.normalise_language(lang), {}).get(axis, axis)


def scale_of(data: dict, instrument_id: str) -> Scale:
    """The :class:`Scale` of ``instrument_id`` (a built-in instrument present in the export)."""
    present = sorted(set(data["assessments"]["instrument_id"]))
    if instrument_id not in present or instrument_id not in builtin_names():
        raise UserError("cohort.no_instrument", value=str(instrument_id)[:60], known=", ".join(present) or "—")
    from ..analysis.scoring import axes_are_items, profile_labels

    instrument = load_builtin(instrument_id)
    by_items = axes_are_items(instrument)
    labels = {lang: profile_labels(instrument, lang) for lang in i18n.LANGUAGES}
    return Scale(instrument_id, tuple(labels["uk"]), labels, instrument.score_direction != "need", by_items)


def check_programme(data: dict, programme: str | None) -> str | None:
    """:func:`workbench.config.check_programme` against the programmes the export holds."""
    present = set(data["clients"]["programme"])
    known = [code for code in config.codes_in_order("programmes") if code in present]
    return config.check_programme(programme, known + sorted(present - set(known)))


def programme_instrument(data: dict, programme: str) -> str:
    """The instrument ``programme``'s cases are assessed with: the export's manifest says (its
    ``programme_instruments``); an export made before it said is read by the configuration in force, and a
    programme neither names by the instrument most of its assessments in the export use; "" if none."""
    named = data.get("manifest", {}).get("programme_instruments")
    if named is not None and named.get(programme):
        return named[programme]
    configured = config.programme_instrument(programme) if named is None else None
    if configured:
        return configured
    episodes = data["clients"].loc[data["clients"]["programme"] == programme, ["client", "episode"]]
    used = data["assessments"].merge(episodes, on=["client", "episode"])["instrument_id"]
    return str(used.value_counts().sort_index().idxmax()) if len(used) else ""


def programme_scale(data: dict, programme: str) -> Scale:
    """The :class:`Scale` of ``programme``'s own instrument (:func:`programme_instrument`). Refuses
    (``UserError``) a programme the export does not hold, none (``cohort.programme_needed``), and a programme
    with no assessment by its instrument in the export (``cohort.no_instrument``)."""
    programme = check_programme(data, programme)
    if programme is None:
        raise UserError("cohort.programme_needed")
    return scale_of(data, programme_instrument(data, programme))


def programme_scores(data: dict, programme: str, scale: Scale | None = None) -> tuple[Scale, pd.DataFrame]:
    """``programme``'s :class:`Scale` (``scale``, else its own instrument's) and its episodes' scores on it,
    scale total included (:func:`axis_scores` with :func:`with_total`, rows of that programme only): the input
    of the change tables, :func:`pre_post` and the reliable change. Refuses what :func:`programme_scale`
    refuses."""
    scale = scale or programme_scale(data, programme)
    scores = with_total(axis_scores(data, scale))
    return scale, scores[scores["programme"] == programme].reset_index(drop=True)


def shared_scale(data: dict, programmes) -> Scale | None:
    """The :class:`Scale` all ``programmes`` are assessed with, or None when their instruments differ: then
    their scores are not on one scale, and only what does not depend on it (GAS, times) compares them."""
    instruments = {programme_instrument(data, check_programme(data, code)) for code in programmes}
    if len(instruments) != 1:
        return None
    return scale_of(data, instruments.pop())


def assessment_counts(data: dict, instrument_id: str, episodes: pd.DataFrame) -> pd.Series:
    """How many assessments with ``instrument_id`` each of ``episodes`` (rows with ``client, episode``) has,
    0 for none, in their order: who was assessed at baseline, followed up, or only once."""
    per_episode = data["assessments"][data["assessments"]["instrument_id"] == instrument_id] \
        .groupby(["client", "episode"])["assessment"].nunique()
    return per_episode.reindex(pd.MultiIndex.from_frame(episodes[["client", "episode"]])).fillna(0)


def _assessments(data: dict, instrument_id: str) -> pd.DataFrame:
    episodes = data["clients"][["client", "episode", "programme", "opened_on"]]
    mine = data["assessments"][data["assessments"]["instrument_id"] == instrument_id]
    return mine.merge(episodes, on=["client", "episode"])


def axis_scores(data: dict, scale: Scale) -> pd.DataFrame:
    """One row per assessment and axis: ``client, episode, programme, assessment, assessed_on,
    days_since_intake, visit, axis, score`` (axes of :class:`Scale`;
    :func:`workbench.analysis.axes.axis_scores`)."""
    if scale.by_items:
        rows = data["items"].rename(columns={"item": "axis", "value": "score"})
    else:
        rows = data["scores"].rename(columns={"domain": "axis"})
    scores = axes.axis_scores(rows[rows["instrument_id"] == scale.instrument_id], ["assessment"], scale.axes)
    assessments = _assessments(data, scale.instrument_id)
    frame = assessments[["client", "episode", "programme", "assessment", "assessed_on", "days_since_intake",
                         "visit"]].merge(scores, on="assessment")
    return frame.sort_values(["client", "episode", "assessed_on", "visit"]).reset_index(drop=True)


def with_total(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` plus one ``total`` row per assessment: the mean of its axes."""
    keys = ["client", "episode", "programme", "assessment", "assessed_on", "days_since_intake", "visit"]
    total = scores.groupby(keys, as_index=False)["score"].mean().assign(axis=TOTAL)
    return pd.concat([scores, total[scores.columns]], ignore_index=True)


def pre_post(scores: pd.DataFrame) -> pd.DataFrame:
    """Per episode and axis with two or more assessments: ``client, episode, programme, axis, first,
    latest, first_on, latest_on, assessments`` (:func:`workbench.analysis.axes.first_and_latest`, two
    assessments on one day in the order they were made: their ``visit``)."""
    frame = axes.first_and_latest(scores, ["client", "episode", "axis"], time="assessed_on", order="visit",
                                  carry=["programme"])
    frame = frame[["client", "episode", "programme", "axis", "first", "latest", "first_on", "latest_on",
                   "assessments"]]
    return frame[frame["assessments"] >= 2].reset_index(drop=True)


def flow_table(data: dict, instrument_id: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Attrition before effects: per programme the episodes enrolled, assessed at baseline with the instrument,
    followed up (two or more assessments), still open, and closed by each reason.

    Each programme is counted by its own instrument (:func:`programme_instrument`) unless ``instrument_id``
    names one for all. Columns are two-level: the programme and the instrument's title, in ``lang``."""
    clients = data["clients"]
    rows = {}
    for programme, mine in clients.groupby("programme"):
        instrument = instrument_id or programme_instrument(data, programme)
        assessed = assessment_counts(data, instrument, mine)
        column = {i18n.t("cohort.flow.enrolled", lang): len(mine),
                  i18n.t("cohort.flow.baseline", lang): int((assessed >= 1).sum()),
                  i18n.t("cohort.flow.followed_up", lang): int((assessed >= 2).sum()),
                  i18n.t("cohort.flow.open", lang): int(mine["closed_on"].isna().sum())}
        for reason in config.codes_in_order("closure_reasons"):
            column[i18n.t("cohort.flow.closed", lang, reason=config.label("closure_reasons", reason, lang))] = \
                int((mine["closure_reason"] == reason).sum())
        rows[(config.label("programmes", programme, lang), instrument_title(instrument, lang) if instrument else "—")] \
            = column
    table = pd.DataFrame(rows)
    table.columns.names = [i18n.t("cohort.col.programme", lang), i18n.t("cohort.flow.instrument", lang)]
    table.index.name = i18n.t("cohort.flow.stage", lang)
    table.attrs["parts"] = range(3, len(table))  # still open and closed by each reason: they make up enrolled
    return table


def gas_per_episode(data: dict, rho: float | None = None) -> pd.DataFrame:
    """Per episode with a reviewed goal: ``client, episode, programme, goals, t_score``: the Kiresuk–Sherman
    T-score of its goals' reviews in the export by the one rule of :mod:`workbench.gas` (each goal at its
    latest level, abandoned goals too, goals never reviewed left out, weights applied)."""
    rho = config.load_config()["gas"]["rho"] if rho is None else rho
    goals = data["goals"][["client", "episode", "goal", "weight"]]
    # An inner merge keeps the reviews' own order, the order they were recorded in (see the export).
    reviews = data["goal_reviews"].merge(goals, on="goal").merge(
        data["clients"][["client", "episode", "programme"]], on=["client", "episode"])
    rows = []
    for (client, episode), mine in reviews.groupby(["client", "episode"], sort=True):
        found = [Review(*row) for row in mine[["goal", "reviewed_on", "level", "weight"]].itertuples(
            index=False, name=None)]
        rows.append({"client": client, "episode": episode, "programme": mine["programme"].iloc[0],
                     **case_t_score(found, rho=rho)})
    return pd.DataFrame(rows, columns=["client", "episode", "programme", "goals", "t_score"])


def export_day(data: dict) -> pd.Timestamp:
    """The day the export was made, unshifted (exports made before ``followed_until`` censor on it)."""
    made = data.get("manifest", {}).get("made_at")
    if made:
        return pd.Timestamp(made[:10])
    dates = [data["clients"][c].max() for c in ("opened_on", "closed_on")]
    return max(d for d in dates if pd.notna(d))


def followed_until(data: dict) -> pd.Series:
    """Per row of ``data["clients"]``: the last day its data cover, where open goals and cases are censored:
    the export's ``followed_until`` (the export day moved by the client's own date shift), else (an export
    made before that column existed, or a missing value) :func:`export_day`."""
    clients = data["clients"]
    if "followed_until" in clients and clients["followed_until"].notna().all():
        return clients["followed_until"]
    end = export_day(data)
    if "followed_until" not in clients:
        return pd.Series(end, index=clients.index, dtype="datetime64[ns]")
    return clients["followed_until"].fillna(end)


def time_to_goal(data: dict) -> pd.DataFrame:
    """Per goal: ``client, episode, programme, goal, days`` from being set to the first review at level ≥ 0
    (``event`` 1), or to its closure (abandoned, or the case ended) or the client's ``followed_until``
    (``event`` 0)."""
    episodes = data["clients"][["client", "episode", "programme", "closed_on"]].rename(
        columns={"closed_on": "case_closed_on"}).assign(followed_until=followed_until(data))
    goals = data["goals"].merge(episodes, on=["client", "episode"])
    censor = goals["closed_on"].fillna(goals["case_closed_on"]).fillna(goals["followed_until"])
    reached = goals["first_reached_on"]
    frame = goals[["client", "episode", "programme", "goal"]].copy()
    frame["event"] = reached.notna().astype(int)
    frame["days"] = (reached.fillna(censor) - goals["set_on"]).dt.days.clip(lower=0)
    return frame.reset_index(drop=True)


def time_to_closure(data: dict) -> pd.DataFrame:
    """Per episode: ``client, episode, programme, days`` from opening to closure or the client's
    ``followed_until``, and ``cause``: the closure reason, or None while open (censored)."""
    clients = data["clients"]
    frame = clients[["client", "episode", "programme"]].copy()
    frame["days"] = (clients["closed_on"].fillna(followed_until(data)) - clients["opened_on"]).dt.days.clip(lower=0)
    frame["cause"] = clients["closure_reason"].where(clients["closed_on"].notna(), None)
    return frame.reset_index(drop=True)


def long_scores(data: dict, scale: Scale, axis: str = TOTAL) -> pd.DataFrame:
    """One row per assessment for ``axis`` (default the scale total): ``client, episode, programme,
    months`` (since intake, days / 30.4375), ``visit, score``: the mixed model's input."""
    scores = axis_scores(data, scale)
    scores = with_total(scores) if axis == TOTAL else scores
    frame = scores[scores["axis"] == axis].copy()
    frame["months"] = frame["days_since_intake"] / 30.4375
    return frame[["client", "episode", "programme", "months", "visit", "score"]].reset_index(drop=True)


def model_labels(data: dict, lang: str | None = None) -> dict:
    """Words for the mixed model's table on :func:`long_scores` in ``lang``: ``{"names": {"months": …,
    "programme": …}, "levels": {programme code: its label}}``, to pass as
    ``fit.table(lang, **model_labels(data, lang))`` (:meth:`~workbench.evaluation.mixed.MixedModelResult.table`)."""
    codes = list(dict.fromkeys(data["clients"]["programme"]))
    return {"names": {"months": i18n.t("cohort.months", lang), "programme": i18n.t("cohort.col.programme", lang)},
            "levels": {code: config.label("programmes", code, lang) for code in codes}}


def load_export(folder=None) -> dict:
    """A research export's tables (Parquet) and its ``manifest``; ``folder`` defaults to
    ``WB_RESEARCH_EXPORT``, else ``data/research_export`` (what ``make demo`` writes)."""
    import json
    import os
    from pathlib import Path

    from ..research_export import read_research_dataset

    folder = Path(folder or os.environ.get("WB_RESEARCH_EXPORT") or "data/research_export")
    if not (folder / "manifest.json").is_file():
        raise UserError("cohort.no_export", path=str(folder))
    data = read_research_dataset(folder)
    data["manifest"] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def export_notes(data: dict, lang: str | None = None) -> list[str]:
    """What a researcher should know before reading the export, as Markdown lines in ``lang``: the share of
    its clients unique on their quasi-identifiers (the manifest's ``disclosure``), then its warnings (exact
    dates, a share not under the target, free text). An export made before these were recorded has none."""
    from ..research_export import percent

    lang = i18n.normalise_language(lang)
    manifest = data.get("manifest", {})
    notes = []
    shown = manifest.get("disclosure")
    if shown:
        notes.append(i18n.t("cohort.disclosure", lang, share=percent(shown["unique_share_after"], lang),
                            target=percent(shown["target"], lang, 0), level=shown["level_described"][lang]))
    notes += [f"**{i18n.t('cohort.warning', lang, text=w[lang])}**" for w in manifest.get("export_warnings", [])]
    return notes


def baseline_items(data: dict, scale: Scale) -> pd.DataFrame:
    """Item scores of each episode's first assessment, one row per assessment, one column per item
    outside repeats (for Cronbach's alpha of the scale at baseline)."""
    first = _assessments(data, scale.instrument_id)
    first = first[first["visit"] == 1]["assessment"]
    items = data["items"][data["items"]["assessment"].isin(first) & (data["items"]["instance"] == 0)]
    return items.pivot_table(index="assessment", columns="item", values="value", aggfunc="first")


def gas_summary(gas: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The distribution of episodes' GAS T-scores by programme: n, mean, SD, quartiles."""
    rows = []
    for programme, mine in gas.groupby("programme"):
        t = mine["t_score"]
        rows.append({i18n.t("cohort.col.programme", lang): config.label("programmes", programme, lang),
                     "n": len(t), i18n.t("cohort.col.mean", lang): round(t.mean(), 1),
                     i18n.t("cohort.col.sd", lang): round(t.std(), 1) if len(t) > 1 else float("nan"),
                     "Q1": round(t.quantile(0.25), 1), i18n.t("cohort.col.median", lang): round(t.median(), 1),
                     "Q3": round(t.quantile(0.75), 1)})
    return pd.DataFrame(rows)


i18n.add({
    "cohort.no_export": {"uk": "У теці «{path}» немає дослідницького експорту (manifest.json).",
                         "en": "The folder '{path}' holds no research export (manifest.json)."},
    "cohort.col.programme": {"uk": "Програма", "en": "Programme"},
    "cohort.months": {"uk": "місяці від прийому", "en": "months since intake"},
    "cohort.col.mean": {"uk": "Середнє", "en": "Mean"},
    "cohort.col.sd": {"uk": "СВ", "en": "SD"},
    "cohort.col.median": {"uk": "Медіана", "en": "Median"},
    "cohort.disclosure": {
        "uk": "Унікальних клієнтів за програмою, статтю, віком, розміром домогосподарства й періодом прийому: {share} "
              "(ціль — менше {target}); огрублення: {level}.",
        "en": "Clients unique on programme, sex, age, household size and intake period: {share} (the target is "
              "under {target}); coarsened to: {level}.",
    },
    "cohort.warning": {"uk": "Застереження: {text}", "en": "Warning: {text}"},
})
