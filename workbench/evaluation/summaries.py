"""The research notebook's small tables and sentences, in Ukrainian or English.

Each takes what the statistics modules return and words it for a reader; nothing is computed here
that those modules do not already give, except picking values at given days.
"""
from __future__ import annotations

import pandas as pd

from .. import config, i18n
from . import publication, survival
from .values import is_missing

i18n.add({
    "summary.col.programme": {"uk": "Програма", "en": "Programme"},
    "summary.col.goals": {"uk": "Цілей", "en": "Goals"},
    "summary.col.reached": {"uk": "Досягнуто рівня ≥ 0", "en": "Reached level ≥ 0"},
    "summary.col.median": {"uk": "Медіана, днів", "en": "Median, days"},
    "summary.col.ci": {"uk": "{level} ДІ ({transform})", "en": "{level} CI ({transform})"},
    "summary.col.reason": {"uk": "Причина закриття", "en": "Closure reason"},
    "summary.col.cases": {"uk": "Випадків", "en": "Cases"},
    "summary.col.at_day": {"uk": "Частка до {days} дня", "en": "Share by day {days}"},
    "summary.not_reached": {"uk": "не досягнуто", "en": "not reached"},
    "summary.col.category": {"uk": "Категорія", "en": "Category"},
    "summary.col.at_risk": {"uk": "Ще без події на день {days}", "en": "At risk on day {days}"},
    "summary.col.share": {"uk": "Частка", "en": "Share"},
    "summary.row_counts": {"uk": "Рядків у файлах: {counts}", "en": "Rows in the files: {counts}"},
    "summary.reliability": {
        "uk": "Надійність {reliability} ({source}); S_diff = {s_diff}; надійна зміна — щонайменше {threshold} бала; "
              "межа клінічної значущості: {cutoff}.",
        "en": "Reliability {reliability} ({source}); S_diff = {s_diff}; a reliable change is at least {threshold} "
              "points; clinical cut-off: {cutoff}.",
    },
    "summary.reliability.given": {"uk": "задана", "en": "given"},
    "summary.reliability.alpha": {"uk": "альфа Кронбаха первинних відповідей", "en": "Cronbach's alpha at baseline"},
    "summary.no_cutoff": {"uk": "не задано (немає норм)", "en": "none (no norms given)"},
    "summary.logrank": {"uk": "Логранговий критерій: χ² = {chisq}, ст. св. = {df}, {p}.",
                        "en": "Log-rank test: χ² = {chisq}, df = {df}, {p}."},
    "summary.groups": {"uk": "{a}: n = {n_a}, M = {m_a}; {b}: n = {n_b}, M = {m_b}.",
                       "en": "{a}: n = {n_a}, M = {m_a}; {b}: n = {n_b}, M = {m_b}."},
    "summary.welch": {"uk": "t Велча = {t}, {p}; d_s = {d_s}; g_s = {g_s}.",
                      "en": "Welch's t = {t}, {p}; d_s = {d_s}; g_s = {g_s}."},
    "summary.nothing_compared": {"uk": "Жодні дві з обраних програм не оцінено одним інструментом: їхні бали на різних "
                                       "шкалах, тож зміну не порівнюємо (цілі й час до цілі порівняно вище).",
                                 "en": "No two of the chosen programmes are assessed with one instrument: their scores are "
                                       "on different scales, so change is not compared (goals and time to goal are, above)."},
    "summary.complemented": {"uk": "«x» — кількість, прихована лише для того, щоб меншу за поріг не можна було "
                                   "отримати відніманням від загальної.",
                             "en": "'x' is a count hidden only so that one under the threshold cannot be had by "
                                   "subtracting the others from the total."},
    "summary.took": {"uk": "Усе разом: {seconds} с.", "en": "Everything took {seconds} s."},
    "summary.written": {"uk": "Для публікації записано файлів: {n}, у теці {folder}.",
                        "en": "{n} files written for publication in {folder}."},
})


def p_text(p, lang=None) -> str:
    """"p = .022" or "p < .001", as a paper prints it (decimal comma in Ukrainian)."""
    shown = publication.format_p(p, lang)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def median_table(goals: pd.DataFrame, programmes, *, conf_type: str = "log", lang=None) -> pd.DataFrame:
    """Per programme: goals, how many reached level ≥ 0, the Kaplan–Meier median time and its interval (the
    columns are there even with no goals)."""
    columns = [i18n.t("summary.col.programme", lang), i18n.t("summary.col.goals", lang),
               i18n.t("summary.col.reached", lang), i18n.t("summary.col.median", lang),
               i18n.t("summary.col.ci", lang, level="95%", transform=conf_type)]
    rows = []
    for code in programmes:
        mine = goals[goals["programme"] == code]
        if mine.empty:
            continue
        median = survival.median_survival(survival.kaplan_meier(mine["days"], mine["event"], conf_type=conf_type))
        rows.append([config.label("programmes", code, lang), len(mine), int(mine["event"].sum()),
                     days_text(median["median"], lang),
                     f"{days_text(median['lower'], lang)} – {days_text(median['upper'], lang)}"])
    return pd.DataFrame(rows, columns=columns)


def days_text(value, lang=None) -> str:
    """A number of days as a table or sentence shows it; "not reached" when a median or its limit is missing."""
    return i18n.t("summary.not_reached", lang) if is_missing(value) else publication.format_number(value, 0, lang)


def at_risk_table(goals: pd.DataFrame, programmes, days=(0, 90, 180, 365), lang=None) -> pd.DataFrame:
    """The number at risk a Kaplan–Meier figure prints under its axis: per programme, the goals still followed
    and not yet at level ≥ 0 at each of ``days`` (``days`` ≥ that day)."""
    columns = [i18n.t("summary.col.programme", lang)] + [i18n.t("summary.col.at_risk", lang, days=d) for d in days]
    rows = [[config.label("programmes", code, lang)] +
            [int((goals.loc[goals["programme"] == code, "days"] >= day).sum()) for day in days]
            for code in programmes if (goals["programme"] == code).any()]
    return pd.DataFrame(rows, columns=columns)


def incidence_table(closure: pd.DataFrame, days=(180, 365), lang=None) -> pd.DataFrame:
    """Per closure reason: cases closed for it and the cumulative incidence by each of ``days``,
    the other reasons competing (Aalen–Johansen)."""
    causes = closure["cause"].fillna(0)
    columns = [i18n.t("summary.col.reason", lang), i18n.t("summary.col.cases", lang)] + \
        [i18n.t("summary.col.at_day", lang, days=day) for day in days]
    rows = []
    for cause in sorted(set(causes) - {0}, key=str):
        cif = survival.cumulative_incidence(closure["days"], causes, cause_of_interest=cause)
        row = {i18n.t("summary.col.reason", lang): config.label("closure_reasons", cause, lang),
               i18n.t("summary.col.cases", lang): int((causes == cause).sum())}
        for day in days:
            reached = cif.loc[cif["time"] <= day, "cif"]
            row[i18n.t("summary.col.at_day", lang, days=day)] = publication.format_percent(
                float(reached.max()) if len(reached) else 0.0, lang=lang)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def reliability_text(attrs: dict, given: bool, lang=None) -> str:
    """What the reliable-change classification used, in a sentence."""
    cutoff = attrs.get("cutoff")
    return i18n.t("summary.reliability", lang,
                  reliability=publication.format_number(attrs["reliability"], 3, lang),
                  source=i18n.t("summary.reliability.given" if given else "summary.reliability.alpha", lang),
                  s_diff=publication.format_number(attrs["s_diff"], 3, lang),
                  threshold=publication.format_number(attrs["threshold"], 3, lang),
                  cutoff=i18n.t("summary.no_cutoff", lang) if cutoff is None
                  else publication.format_number(cutoff, 2, lang))


def logrank_text(test: dict, lang=None) -> str:
    return i18n.t("summary.logrank", lang, chisq=publication.format_number(test["chisq"], 2, lang), df=test["df"],
                  p=p_text(test["p"], lang))


def category_table(categories: pd.DataFrame, lang=None) -> pd.DataFrame:
    """:func:`workbench.evaluation.reliable_change.change_categories` for a reader: the category's label, n and
    share (a whole percentage), headed in ``lang`` (the code column left out). Without a cut-off no one can be
    recovered: the row is left out rather than shown as a finding of 0."""
    shown = categories if categories.attrs.get("cutoff") is not None else categories[categories["category"] != "recovered"]
    shown = shown.assign(share=[publication.format_percent(share, lang=lang) for share in shown["share"]])
    return shown[["label", "n", "share"]].reset_index(drop=True).rename(columns={
        "label": i18n.t("summary.col.category", lang), "share": i18n.t("summary.col.share", lang)})


def row_counts_text(row_counts: dict, suppress_below=5, lang=None) -> str:
    """The export's rows per file (its manifest's ``row_counts``), a small count shown as "<5"."""
    return i18n.t("summary.row_counts", lang, counts=", ".join(
        f"{name}: {publication.shown_count(n, suppress_below)}" for name, n in row_counts.items()))


def comparison_text(result: dict, names, lang=None, suppress_below=5) -> str:
    """Two groups' change compared: their n and mean, Welch's t and d_s, g_s with intervals; a group of fewer
    than ``suppress_below`` shows its n as "<5" (:func:`workbench.evaluation.publication.shown_count`)."""
    d_s, g_s = result["effect_sizes"]["d_s"], result["effect_sizes"]["g_s"]

    def effect(e):
        return publication.format_estimate_ci(e["estimate"], *e["ci"], lang=lang) if e["estimate"] is not None \
            else "—"

    def mean(group):  # a mean of fewer people than the threshold is not shown, as in the tables
        return publication.DASH if publication.is_hidden(group["n"], suppress_below) else \
            publication.format_number(group["mean"], 2, lang)

    groups = i18n.t("summary.groups", lang, a=names[0], b=names[1],
                    n_a=publication.shown_count(result["a"]["n"], suppress_below),
                    n_b=publication.shown_count(result["b"]["n"], suppress_below),
                    m_a=mean(result["a"]), m_b=mean(result["b"]))
    welch = result["welch"]
    return groups + " " + i18n.t("summary.welch", lang, t=publication.format_number(welch["t"], 2, lang),
                                 p=p_text(welch["p"], lang), d_s=effect(d_s), g_s=effect(g_s))
