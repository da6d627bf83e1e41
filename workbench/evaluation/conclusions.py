"""The research notebook's conclusion in words: one paragraph per programme, generated from the figures.

:func:`programme_findings` gathers a programme's figures from a research export (change from the first to
the latest assessment with its interval and effect size, the share reliably improved, goal attainment, time
to goal, attrition); :func:`programme_paragraph` words them in Ukrainian or English with the caveats that
apply; :func:`comparison_paragraph` sets two programmes' change side by side, as a description.

Which effect size, and why: Hedges's g_av (Cohen's d_av — the mean change over the average SD of the two
assessments — with the small-sample correction). Lakens (2013) recommends g_av for the same people measured
twice when the result is to be compared with other studies: it is on the scale of the people's scores, as a
between-groups d is, while d_z (the mean change over the SD of the changes) grows with the correlation of the
two assessments and serves power analysis rather than comparison. The change table beside it keeps d_z, d_rm
and d_av.

What the words never claim: a change from first to latest assessment without a control group is not an
estimate of what a programme did (time, regression to the mean and who stayed all move it), and the
programmes were not randomly assigned, so a comparison between them is descriptive. Every count is shown
by :func:`workbench.evaluation.publication.shown_count` (the same "<5" as the tables), and a statistic from
fewer cases than the threshold is not given at all.

Source: Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a
practical primer for t-tests and ANOVAs. Frontiers in Psychology, 4, 863. doi:10.3389/fpsyg.2013.00863
"""
from __future__ import annotations

import pandas as pd

from .. import config, i18n
from . import change, cohort, publication, survival
from .summaries import days_text
from ..instruments.loader import instrument_title
from .values import is_missing

i18n.add({
    "conclusion.change": {
        "uk": "{programme}: випадків, оцінених щонайменше двічі інструментом «{scale}», — {n}. Від першого до останнього "
              "оцінювання середній бал {moved} з {before} до {after} (середня зміна {difference} {ci}). {verdict} "
              "Розмір ефекту g_av Хеджеса = {g} {g_ci}.",
        "en": "{programme}: {n} cases assessed at least twice with {scale}. From the first to the latest assessment "
              "the mean score {moved} from {before} to {after} (mean change {difference} {ci}). {verdict} "
              "Effect size: Hedges's g_av = {g} {g_ci}.",
    },
    "conclusion.moved.down": {"uk": "знизився", "en": "fell"},
    "conclusion.moved.up": {"uk": "зріс", "en": "rose"},
    "conclusion.better.lower": {"uk": "нижчий", "en": "lower"},
    "conclusion.better.higher": {"uk": "вищий", "en": "higher"},
    "conclusion.verdict.improved": {"uk": "Це покращення: на цій шкалі краще, коли бал {better}.",
                                    "en": "That is an improvement: {better} is better on this scale."},
    "conclusion.verdict.worsened": {"uk": "Це погіршення: на цій шкалі краще, коли бал {better}.",
                                    "en": "That is a deterioration: {better} is better on this scale."},
    "conclusion.verdict.unclear": {"uk": "Інтервал охоплює нуль, тож зміну не встановлено (на цій шкалі краще, "
                                         "коли бал {better}).",
                                   "en": "The interval includes no change, so no change is established ({better} "
                                         "is better on this scale)."},
    "conclusion.too_few_pairs": {
        "uk": "{programme}: випадків, оцінених щонайменше двічі інструментом «{scale}», — {n}: замало, щоб "
              "повідомляти зміну.",
        "en": "{programme}: {n} cases assessed at least twice with {scale}, too few to report change.",
    },
    "conclusion.effect_size_why": {
        "uk": "Наведено g_av Хеджеса (середня зміна, поділена на середнє СВ двох оцінювань, з поправкою на малу "
              "вибірку), як радить Лакенс (2013) для тих самих людей, виміряних двічі: він порівнянний з іншими "
              "дослідженнями, тоді як d_z із таблиці служить для розрахунку потужності.",
        "en": "Hedges's g_av (the mean change over the average SD of the two assessments, corrected for small "
              "samples) is reported, as Lakens (2013) recommends for the same people measured twice: it compares "
              "with other studies, while the table's d_z serves power analysis.",
    },
    "conclusion.reliable": {
        "uk": "Надійно покращилися (індекс надійної зміни Якобсона–Труакса) {improved} з {n}; надійно погіршилися "
              "{deteriorated}.",
        "en": "Reliably improved (Jacobson–Truax reliable change index): {improved} of {n}; reliably "
              "deteriorated: {deteriorated}.",
    },
    "conclusion.recovered": {"uk": "Одужали (надійне покращення і кінцевий бал за межею {cutoff}): {recovered}.",
                             "en": "Recovered (reliably improved and ending beyond the cut-off {cutoff}): "
                                   "{recovered}."},
    "conclusion.withheld": {"uk": "не наводимо (інакше малу кількість можна було б обчислити)",
                            "en": "not given (it would let a small count be worked out)"},
    "conclusion.no_reliable": {
        "uk": "Надійну зміну не класифіковано: немає придатної надійності шкали (задайте її в параметрах).",
        "en": "Reliable change was not classified: the scale has no usable reliability (give one in the "
              "parameters).",
    },
    "conclusion.goals": {
        "uk": "Досягнення цілей: середній T-бал GAS — {t_mean} (випадків: {cases}); на очікуваному рівні чи вище "
              "(T ≥ 50) — {at_expected}. Медіана часу до першого перегляду цілі на очікуваному рівні, днів: "
              "{median} ({level} ДІ {low}–{high}).",
        "en": "Goal attainment: mean GAS T-score {t_mean} over {cases} cases; at or above the expected level "
              "(T ≥ 50): {at_expected}. Median time to a goal's first review at the expected level: {median} days "
              "({level} CI {low}–{high}).",
    },
    "conclusion.goals_too_few": {"uk": "Досягнення цілей: випадків із переглянутими цілями — {cases}: замало, щоб "
                                       "повідомляти.",
                                 "en": "Goal attainment: goals of {cases} cases reviewed, too few to report."},
    "conclusion.goals_against": {
        "uk": "Порівняно з програмою «{other}» (на очікуваному рівні — {other_share}, медіана, днів: {other_median}) "
              "цілі тут досягали очікуваного рівня {often} і {soon}.",
        "en": "Compared with {other} ({other_share} at the expected level, median {other_median} days), goals "
              "here reached the expected level {often} and {soon}.",
    },
    "conclusion.more_often": {"uk": "частіше", "en": "more often"},
    "conclusion.less_often": {"uk": "рідше", "en": "less often"},
    "conclusion.as_often": {"uk": "так само часто", "en": "as often"},
    "conclusion.sooner": {"uk": "швидше", "en": "sooner"},
    "conclusion.later": {"uk": "повільніше", "en": "later"},
    "conclusion.as_soon": {"uk": "так само швидко", "en": "as soon"},
    "conclusion.no_control": {
        "uk": "Застереження: контрольної групи немає, тож зміна від першого до останнього оцінювання не є оцінкою "
              "дії програми — на неї впливають і плин часу, і регресія до середнього, і те, хто залишився.",
        "en": "Caveats: there is no control group, so the change from the first to the latest assessment is not "
              "an estimate of what the programme did: time, regression to the mean and who stayed all move it.",
    },
    "conclusion.attrition": {
        "uk": "Вибування: із {enrolled} взятих на облік випадків {baseline_only} мають лише первинне оцінювання, "
              "{none} — жодного, а {closed_early} закрито без досягнення мети; ті, хто залишився, можуть "
              "відрізнятися від тих, хто вибув.",
        "en": "Attrition: of {enrolled} cases enrolled, {baseline_only} have only a baseline assessment, {none} "
              "none, and {closed_early} were closed without their goals achieved; those who stayed may differ "
              "from those who left.",
    },
    "conclusion.not_randomised": {
        "uk": "Програми не розподілялися випадково, тож порівняння між ними описове, а не доказ того, що одна "
              "програма діє краще.",
        "en": "The programmes were not randomly assigned, so a comparison between them is descriptive, not "
              "evidence that one programme works better.",
    },
    "conclusion.comparison": {
        "uk": "Порівняння програм («{scale}»): покращення було {more_a} у програмі «{a}» (середня зміна {change_a}, "
              "n = {n_a}), ніж у програмі «{b}» ({change_b}, n = {n_b}); різниця середніх змін {difference} {ci}, "
              "g_s Хеджеса = {g} {g_ci}{unclear}.",
        "en": "The programmes compared ({scale}): the improvement was {more_a} in {a} (mean change {change_a}, "
              "n = {n_a}) than in {b} ({change_b}, n = {n_b}); difference in mean change {difference} {ci}, "
              "Hedges's g_s = {g} {g_ci}{unclear}.",
    },
    "conclusion.more_improvement": {"uk": "більшим", "en": "larger"},
    "conclusion.less_improvement": {"uk": "меншим", "en": "smaller"},
    "conclusion.comparison_unclear": {"uk": ", але інтервал різниці охоплює нуль",
                                      "en": ", but the interval of the difference includes zero"},
    "conclusion.comparison_other_scales": {
        "uk": "Програми оцінюють різними інструментами («{a}», «{b}»), тож їхню зміну не порівнюємо.",
        "en": "The programmes are assessed with different instruments ({a}; {b}), so their change is not compared.",
    },
    "conclusion.comparison_too_few": {
        "uk": "Порівняння програм («{scale}»): замало випадків, оцінених двічі, щоб порівнювати зміну.",
        "en": "The programmes compared ({scale}): too few cases assessed twice to compare their change.",
    },
})

# Closure reasons that end a case with its work done; any other closure is counted as leaving early.
_COMPLETED = {"goals_achieved"}


def goal_figures(gas: pd.DataFrame, goals: pd.DataFrame, conf_type: str = "log") -> dict:
    """Per programme of ``gas`` (:func:`~workbench.evaluation.cohort.gas_per_episode`) and ``goals``
    (:func:`~workbench.evaluation.cohort.time_to_goal`), as the notebook read them for every programme of the
    export: ``cases`` with a reviewed goal, their mean GAS ``t_mean``, ``at_expected`` (cases with T ≥ 50), and
    the Kaplan–Meier ``median`` time to goal with ``lower``, ``upper``, ``level``."""
    out = {}
    for programme in sorted(set(gas["programme"]) | set(goals["programme"])):
        t = gas.loc[gas["programme"] == programme, "t_score"]
        mine = goals[goals["programme"] == programme]
        median = survival.median_survival(survival.kaplan_meier(mine["days"], mine["event"], conf_type=conf_type)) \
            if len(mine) else {"median": None, "lower": None, "upper": None, "conf_level": 0.95}
        out[programme] = {"cases": len(t), "t_mean": float(t.mean()) if len(t) else None,
                          "at_expected": int((t >= 50).sum()), "goals": len(mine),
                          "median": median["median"], "lower": median["lower"], "upper": median["upper"],
                          "level": median["conf_level"]}
    return out


def programme_findings(data: dict, scale: cohort.Scale, programme: str, pairs: pd.DataFrame, *, goals: dict,
                       classified: pd.DataFrame | None = None, alpha: float = 0.05) -> dict:
    """A programme's figures for :func:`programme_paragraph`.

    ``pairs``: the programme's first and latest scale totals (:func:`~workbench.evaluation.cohort.pre_post`);
    ``goals``: :func:`goal_figures`; ``classified``: that programme's rows of
    :func:`workbench.evaluation.reliable_change.classify_change`, or None when reliable change could not be
    classified.

    Returns ``programme``, ``instrument_id``, ``scale_labels`` ({lang: the instrument's title}),
    ``higher_is_better``, ``changes`` (each case's latest − first scale total), ``change``
    (:func:`workbench.evaluation.change.paired_change`, None under 2 pairs), ``reliable`` (counts, or None),
    ``goals`` (every programme's), and the attrition counts ``enrolled``, ``baseline_only``,
    ``no_assessment``, ``closed_early`` (closed for any reason but its goals achieved).
    """
    result = change.paired_change(pairs["first"].tolist(), pairs["latest"].tolist(), alpha=alpha) \
        if len(pairs) >= 2 else None
    reliable = None
    if classified is not None:
        counts = classified["category"].value_counts()
        reliable = {"n": len(classified), "improved": int(counts.get("improved", 0) + counts.get("recovered", 0)),
                    "recovered": int(counts.get("recovered", 0)), "deteriorated": int(counts.get("deteriorated", 0)),
                    "unchanged": int(counts.get("unchanged", 0)),
                    "cutoff": classified.attrs.get("cutoff")}
    clients = data["clients"][data["clients"]["programme"] == programme]
    counts = cohort.assessment_counts(data, scale.instrument_id, clients)
    closed = clients["closed_on"].notna() & ~clients["closure_reason"].isin(_COMPLETED)
    return {"programme": programme, "instrument_id": scale.instrument_id,
            "scale_labels": {lang: instrument_title(scale.instrument_id, lang) for lang in i18n.LANGUAGES},
            "higher_is_better": scale.higher_is_better, "changes": (pairs["latest"] - pairs["first"]).tolist(),
            "change": result, "reliable": reliable, "goals": goals,
            "enrolled": len(clients), "baseline_only": int((counts == 1).sum()),
            "no_assessment": int((counts == 0).sum()), "closed_early": int(closed.sum())}


def _number(value, lang, digits=2) -> str:
    return publication.format_number(value, digits, lang)


def _interval(pair, lang, digits=2) -> str:
    return publication.format_ci(*(pair or (None, None)), digits, lang)


def _change_sentence(found: dict, lang: str, suppress_below) -> str:
    name = config.label("programmes", found["programme"], lang)
    scale = found["scale_labels"][lang]
    result = found["change"]
    n = len(found["changes"])
    shown_n = publication.shown_count(n, suppress_below)
    if result is None or result["mean_difference_ci"] is None or publication.is_hidden(n, suppress_below):
        return i18n.t("conclusion.too_few_pairs", lang, programme=name, n=shown_n, scale=scale)
    difference, (low, high) = result["mean_difference"], result["mean_difference_ci"]
    improved = (difference > 0) == found["higher_is_better"]
    verdict = "unclear" if low <= 0 <= high else "improved" if improved else "worsened"
    g = result["effect_sizes"]["g_av"]
    return i18n.t("conclusion.change", lang, programme=name, n=shown_n, scale=scale,
                  moved=i18n.t("conclusion.moved.down" if difference < 0 else "conclusion.moved.up", lang),
                  before=_number(result["before"]["mean"], lang), after=_number(result["after"]["mean"], lang),
                  difference=_number(difference, lang), ci=_interval((low, high), lang),
                  verdict=i18n.t(f"conclusion.verdict.{verdict}", lang, better=i18n.t(
                      "conclusion.better.higher" if found["higher_is_better"] else "conclusion.better.lower", lang)),
                  g=_number(g["estimate"], lang), g_ci=_interval(g["ci"], lang)) \
        + " " + i18n.t("conclusion.effect_size_why", lang)


def _reliable_sentence(found: dict, lang: str, suppress_below) -> str:
    reliable = found["reliable"]
    if reliable is None:
        return i18n.t("conclusion.no_reliable", lang)
    n = reliable["n"]
    withheld = _withheld(reliable, suppress_below)

    def shown(count, *categories):  # as the categories' table shows them: a count it withholds is withheld here
        if withheld & set(categories):
            return i18n.t("conclusion.withheld", lang)
        return publication.shown_share(count, n, suppress_below, lang)
    text = i18n.t("conclusion.reliable", lang, improved=shown(reliable["improved"], "improved", "recovered"),
                  n=publication.shown_count(n, suppress_below),
                  deteriorated=shown(reliable["deteriorated"], "deteriorated"))
    if reliable["cutoff"] is not None:
        text += " " + i18n.t("conclusion.recovered", lang, cutoff=_number(reliable["cutoff"], lang),
                             recovered=shown(reliable["recovered"], "recovered"))
    return text


def _withheld(reliable: dict, suppress_below) -> set:
    """The categories the reliable-change table hides only so that a smaller hidden one cannot be had by
    subtraction (:func:`workbench.evaluation.publication.suppress_small_counts` with ``parts``): the sentence
    withholds them too, or it would give back what the table hides."""
    if not suppress_below:
        return set()
    names = (["recovered"] if reliable["cutoff"] is not None else []) + ["improved", "unchanged", "deteriorated"]
    counts = {"recovered": reliable["recovered"], "improved": reliable["improved"] - reliable["recovered"],
              "unchanged": reliable.get("unchanged", 0), "deteriorated": reliable["deteriorated"]}
    table = publication.suppress_small_counts(pd.DataFrame({"n": [counts[c] for c in names]}), ["n"],
                                              threshold=suppress_below, parts=range(len(names)))
    return {name for name, value in zip(names, table["n"]) if value == publication.COMPLEMENT}


def _goal_sentences(found: dict, lang: str, suppress_below) -> tuple[str, bool]:
    """The programme's goal attainment and, against each other programme of the export, whether its goals
    reached the expected level more often and sooner; and whether a comparison was made."""
    figures = found["goals"].get(found["programme"])
    if figures is None or publication.is_hidden(figures["cases"], suppress_below) or figures["t_mean"] is None:
        cases = 0 if figures is None else figures["cases"]
        return i18n.t("conclusion.goals_too_few", lang, cases=publication.shown_count(cases, suppress_below)), False
    text = i18n.t("conclusion.goals", lang, t_mean=_number(figures["t_mean"], lang, 1),
                  cases=publication.shown_count(figures["cases"], suppress_below),
                  at_expected=publication.shown_share(figures["at_expected"], figures["cases"], suppress_below, lang),
                  median=days_text(figures["median"], lang), level=f"{figures['level']:.0%}",
                  low=days_text(figures["lower"], lang), high=days_text(figures["upper"], lang))
    compared = False
    mine_share = figures["at_expected"] / figures["cases"]
    for other, theirs in found["goals"].items():
        if other == found["programme"] or publication.is_hidden(theirs["cases"], suppress_below) or not theirs["cases"]:
            continue
        share = theirs["at_expected"] / theirs["cases"]
        often = "more_often" if mine_share > share else "less_often" if mine_share < share else "as_often"
        mine_days = float("inf") if is_missing(figures["median"]) else figures["median"]
        their_days = float("inf") if is_missing(theirs["median"]) else theirs["median"]
        soon = "sooner" if mine_days < their_days else "later" if mine_days > their_days else "as_soon"
        text += " " + i18n.t("conclusion.goals_against", lang, other=config.label("programmes", other, lang),
                             other_share=publication.shown_share(theirs["at_expected"], theirs["cases"],
                                                                 suppress_below, lang),
                             other_median=days_text(theirs["median"], lang), often=i18n.t(f"conclusion.{often}", lang),
                             soon=i18n.t(f"conclusion.{soon}", lang))
        compared = True
    return text, compared


def programme_paragraph(found: dict, lang: str | None = None, suppress_below: int | None = 5) -> str:
    """The concluding paragraph for one programme (:func:`programme_findings`) in ``lang``: change with its
    interval and effect size (and why that one), reliable change, goal attainment and time to goal, then the
    caveats (no control group; attrition with its size; programmes not randomly assigned, when compared).
    Counts under ``suppress_below`` show as "<5" and statistics from so few cases are not given."""
    lang = i18n.normalise_language(lang)
    goals, compared = _goal_sentences(found, lang, suppress_below)
    enrolled = found["enrolled"]
    parts = [_change_sentence(found, lang, suppress_below), _reliable_sentence(found, lang, suppress_below), goals,
             i18n.t("conclusion.no_control", lang),
             i18n.t("conclusion.attrition", lang, enrolled=publication.shown_count(enrolled, suppress_below),
                    **{key: publication.shown_share(found[name], enrolled, suppress_below, lang)
                       for key, name in (("baseline_only", "baseline_only"), ("none", "no_assessment"),
                                         ("closed_early", "closed_early"))})]
    if compared:
        parts.append(i18n.t("conclusion.not_randomised", lang))
    return " ".join(parts)


def comparison_paragraph(a: dict, b: dict, lang: str | None = None, suppress_below: int | None = 5,
                         alpha: float = 0.05, result: dict | None = None) -> str:
    """Two programmes' change on one scale side by side (:func:`programme_findings` of each): which improved
    more, the difference in mean change with its interval and Hedges's g_s, and that the comparison is
    descriptive (the programmes were not randomly assigned). Programmes assessed with different instruments are
    not compared: their scores are on different scales. ``result``: their
    :func:`~workbench.evaluation.change.independent_groups` if already computed (the notebook's comparison)."""
    lang = i18n.normalise_language(lang)
    scale = a["scale_labels"][lang]
    if a["instrument_id"] != b["instrument_id"]:
        return i18n.t("conclusion.comparison_other_scales", lang, a=scale, b=b["scale_labels"][lang])
    n_a, n_b = len(a["changes"]), len(b["changes"])
    if min(n_a, n_b) < 2 or publication.is_hidden(n_a, suppress_below) or publication.is_hidden(n_b, suppress_below):
        return i18n.t("conclusion.comparison_too_few", lang, scale=scale) + " " + i18n.t("conclusion.not_randomised",
                                                                                         lang)
    result = result or change.independent_groups(a["changes"], b["changes"], alpha=alpha)
    difference = result["mean_difference"]
    better = (difference > 0) == a["higher_is_better"]
    ci = result["mean_difference_ci"]
    g = result["effect_sizes"]["g_s"]
    unclear = ci is None or ci[0] <= 0 <= ci[1]
    return i18n.t("conclusion.comparison", lang, scale=scale,
                  more_a=i18n.t("conclusion.more_improvement" if better else "conclusion.less_improvement", lang),
                  a=config.label("programmes", a["programme"], lang), b=config.label("programmes", b["programme"], lang),
                  change_a=_number(result["a"]["mean"], lang), change_b=_number(result["b"]["mean"], lang),
                  n_a=n_a, n_b=n_b, difference=_number(difference, lang), ci=_interval(ci, lang),
                  g=_number(g["estimate"], lang), g_ci=_interval(g["ci"], lang),
                  unclear=i18n.t("conclusion.comparison_unclear", lang) if unclear else "") \
        + " " + i18n.t("conclusion.not_randomised", lang)
