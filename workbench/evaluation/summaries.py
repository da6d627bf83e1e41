"""The research notebook's small tables and sentences, in Ukrainian or English.

Each takes what the statistics modules return and words it for a reader; nothing is computed here
that those modules do not already give, except picking values at given days.
"""
from __future__ import annotations

import pandas as pd

from .. import config, i18n
from . import publication, survival

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
    "summary.took": {"uk": "Усе разом: {seconds} с.", "en": "Everything took {seconds} s."},
})


def p_text(p, lang=None) -> str:
    """"p = .022" or "p < .001", as a paper prints it (decimal comma in Ukrainian)."""
    shown = publication.format_p(p, lang)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def median_table(goals: pd.DataFrame, programmes, *, conf_type: str = "log", lang=None) -> pd.DataFrame:
    """Per programme: goals, how many reached level ≥ 0, the Kaplan–Meier median time and its interval."""
    rows = []
    for code in programmes:
        mine = goals[goals["programme"] == code]
        if mine.empty:
            continue
        median = survival.median_survival(survival.kaplan_meier(mine["days"], mine["event"], conf_type=conf_type))
        level = f"{median['conf_level']:.0%}"

        def shown(value):
            return i18n.t("summary.not_reached", lang) if pd.isna(value) else publication.format_number(value, 0, lang)

        rows.append({
            i18n.t("summary.col.programme", lang): config.label("programmes", code, lang),
            i18n.t("summary.col.goals", lang): len(mine),
            i18n.t("summary.col.reached", lang): int(mine["event"].sum()),
            i18n.t("summary.col.median", lang): shown(median["median"]),
            i18n.t("summary.col.ci", lang, level=level, transform=median["conf_type"]):
                f"{shown(median['lower'])} – {shown(median['upper'])}",
        })
    return pd.DataFrame(rows)


def incidence_table(closure: pd.DataFrame, days=(180, 365), lang=None) -> pd.DataFrame:
    """Per closure reason: cases closed for it and the cumulative incidence by each of ``days``,
    the other reasons competing (Aalen–Johansen)."""
    causes = closure["cause"].fillna(0)
    rows = []
    for cause in sorted(set(causes) - {0}, key=str):
        cif = survival.cumulative_incidence(closure["days"], causes, cause_of_interest=cause)
        row = {i18n.t("summary.col.reason", lang): config.label("closure_reasons", cause, lang),
               i18n.t("summary.col.cases", lang): int((causes == cause).sum())}
        for day in days:
            reached = cif.loc[cif["time"] <= day, "cif"]
            row[i18n.t("summary.col.at_day", lang, days=day)] = round(float(reached.max()) if len(reached) else 0.0, 3)
        rows.append(row)
    return pd.DataFrame(rows)


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


def comparison_text(result: dict, names, lang=None) -> str:
    """Two groups' change compared: their n and mean, Welch's t and d_s, g_s with intervals."""
    d_s, g_s = result["effect_sizes"]["d_s"], result["effect_sizes"]["g_s"]

    def effect(e):
        return publication.format_estimate_ci(e["estimate"], *e["ci"], lang=lang) if e["estimate"] is not None \
            else "—"

    groups = i18n.t("summary.groups", lang, a=names[0], b=names[1], n_a=result["a"]["n"], n_b=result["b"]["n"],
                    m_a=publication.format_number(result["a"]["mean"], 2, lang),
                    m_b=publication.format_number(result["b"]["mean"], 2, lang))
    welch = result["welch"]
    return groups + " " + i18n.t("summary.welch", lang, t=publication.format_number(welch["t"], 2, lang),
                                 p=p_text(welch["p"], lang), d_s=effect(d_s), g_s=effect(g_s))
