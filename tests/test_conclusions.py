"""The concluding paragraph words the figures it is given: direction by the scale's own sense, an interval that
includes zero said as such, small counts hidden with their shares and statistics, comparisons between programmes
only as descriptions. Built on hand-made figures; tests/test_research_notebook.py runs it on the demo's export."""
import re

import pytest

from workbench import config
from workbench.evaluation.change import paired_change
from workbench.evaluation.conclusions import comparison_paragraph, programme_paragraph

CAUSAL = {"en": r"caus|because|due to|led to|result(s|ed)? (in|of|from)|thanks to|attribut|owing to|effect of the "
                r"programme",
          "uk": r"призв|спричин|завдяки|внаслідок|через програм|зумовл|ефект програм|вплив програм"}


def goals(**programmes):
    """``goal_figures``-shaped: {programme: (cases, at_expected, median days)}."""
    return {code: {"cases": cases, "t_mean": 50.0, "at_expected": at, "goals": 2 * cases, "median": median,
                   "lower": median and median - 10, "upper": median and median + 10, "level": 0.95}
            for code, (cases, at, median) in programmes.items()}


def findings(before, after, *, higher_is_better=False, programme="family_support", reliable=None, goal_figures=None,
             enrolled=40, baseline_only=6, no_assessment=0, closed_early=7):
    return {"programme": programme, "instrument_id": "family_needs_assessment",
            "scale_labels": {"uk": "Шкала", "en": "The scale"},
            "higher_is_better": higher_is_better, "changes": [a - b for a, b in zip(after, before)],
            "change": paired_change(before, after) if len(before) >= 2 else None, "reliable": reliable,
            "goals": goal_figures or goals(family_support=(30, 18, 120.0)), "enrolled": enrolled,
            "baseline_only": baseline_only, "no_assessment": no_assessment, "closed_early": closed_early}


BEFORE = [2.0, 2.4, 1.8, 2.2, 2.6, 1.9, 2.1, 2.3, 2.0, 2.5]
FALLING = [1.2, 1.9, 1.1, 1.6, 1.7, 1.5, 1.2, 1.4, 1.6, 1.8]


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_a_falling_score_is_an_improvement_on_a_need_scale_and_a_deterioration_on_a_profile(lang):
    need = programme_paragraph(findings(BEFORE, FALLING), lang)
    profile = programme_paragraph(findings(BEFORE, FALLING, higher_is_better=True), lang)
    if lang == "en":
        assert "the mean score fell from 2.18 to 1.50 (mean change −0.68 [" in need
        assert "That is an improvement: lower is better on this scale." in need
        assert "That is a deterioration: higher is better on this scale." in profile
        assert re.search(r"Hedges's g_av = −\d\.\d\d \[−\d\.\d\d, −\d\.\d\d\]", need)
    else:
        assert "середній бал знизився з 2,18 до 1,50 (середня зміна −0,68 [" in need
        assert "Це покращення: на цій шкалі краще, коли бал нижчий." in need
        assert "Це погіршення: на цій шкалі краще, коли бал вищий." in profile
    for text in (need, profile):
        assert not re.search(CAUSAL[lang], text, re.IGNORECASE)


def test_an_interval_that_includes_zero_establishes_no_change():
    after = [b + d for b, d in zip(BEFORE, [0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.25, -0.25, 0.05, -0.1])]
    text = programme_paragraph(findings(BEFORE, after), "en")
    assert "The interval includes no change, so no change is established (lower is better on this scale)." in text
    assert "improvement" not in text.split("Effect size")[0]


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_small_counts_show_as_under_five_with_no_share_nor_statistic(lang):
    few = findings(BEFORE[:3], FALLING[:3], reliable={"n": 40, "improved": 3, "recovered": 2, "deteriorated": 0,
                                                      "cutoff": 1.5},
                   goal_figures=goals(family_support=(4, 2, 90.0)), enrolled=40, baseline_only=4, closed_early=12)
    text = programme_paragraph(few, lang)
    if lang == "en":
        assert "<5 cases assessed at least twice with The scale, too few to report change." in text
        assert "Reliably improved (Jacobson–Truax reliable change index): <5 of 40; reliably deteriorated: 0 (0%)." in text
        assert "Recovered (reliably improved and ending beyond the cut-off 1.50): <5." in text
        assert "Goal attainment: goals of <5 cases reviewed, too few to report." in text
        assert "of 40 cases enrolled, <5 have only a baseline assessment, 0 (0%) none, and 12 (30%) were closed" in text
    else:
        assert "інструментом «Шкала», — <5: замало, щоб повідомляти зміну." in text
        assert "Надійно покращилися (індекс надійної зміни Якобсона–Труакса) <5 з 40" in text
        assert "із 40 взятих на облік випадків <5 мають лише первинне оцінювання" in text
    assert "2.18" not in text and "2,18" not in text  # no mean of the three
    assert not re.search(r"(?<![\d.,])[1-4] \(\d+%\)", text)
    # Unsuppressed, the same counts are given.
    assert "3 (8%) of 40" in programme_paragraph(few, "en", suppress_below=None)


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_goals_are_set_beside_each_other_programme_and_the_comparison_called_descriptive(lang):
    figures = goals(care_leavers=(40, 33, 65.0), family_support=(80, 44, 124.0), idp_support=(3, 1, 200.0))
    text = programme_paragraph(findings(BEFORE, FALLING, programme="care_leavers", higher_is_better=True,
                                        goal_figures=figures), lang)
    other = config.label("programmes", "family_support", lang)
    if lang == "en":
        assert f"Compared with {other} (44 (55%) at the expected level, median 124 days), goals here reached the " \
               "expected level more often and sooner." in text
        assert "not randomly assigned, so a comparison between them is descriptive" in text
    else:
        assert f"Порівняно з програмою «{other}» (на очікуваному рівні — 44 (55%), медіана, днів: 124) цілі тут " \
               "досягали очікуваного рівня частіше і швидше." in text
        assert "не розподілялися випадково, тож порівняння між ними описове" in text
    # A programme of fewer than 5 cases is not set beside it (its share would identify them).
    assert config.label("programmes", "idp_support", lang) not in text
    alone = programme_paragraph(findings(BEFORE, FALLING, goal_figures=goals(family_support=(30, 18, 120.0))), lang)
    assert ("not randomly assigned" if lang == "en" else "не розподілялися випадково") not in alone
    behind = programme_paragraph(findings(BEFORE, FALLING, goal_figures=figures), lang)
    assert ("less often and later" if lang == "en" else "рідше і повільніше") in behind


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_two_programmes_compared_by_their_improvement_not_their_cause(lang):
    slower = [b - 0.1 + 0.05 * (i % 3) for i, b in enumerate(BEFORE)]
    a = findings(BEFORE, FALLING, programme="family_support")
    b = findings(BEFORE, slower, programme="idp_support")
    text = comparison_paragraph(a, b, lang)
    names = [config.label("programmes", code, lang) for code in ("family_support", "idp_support")]
    if lang == "en":
        assert f"the improvement was larger in {names[0]} (mean change −0.68, n = 10) than in {names[1]}" in text
        assert "descriptive, not evidence that one programme works better" in text
    else:
        assert f"покращення було більшим у програмі «{names[0]}» (середня зміна −0,68, n = 10)" in text
    assert ("smaller" if lang == "en" else "меншим") in comparison_paragraph(b, a, lang)
    assert not re.search(CAUSAL[lang], text, re.IGNORECASE)
    few = findings(BEFORE[:4], FALLING[:4], programme="idp_support")
    assert ("too few cases assessed twice" if lang == "en" else "замало випадків") in comparison_paragraph(a, few, lang)
    care = dict(findings(BEFORE, FALLING, programme="care_leavers", higher_is_better=True),
                instrument_id="care_profile", scale_labels={"uk": "Профіль", "en": "The profile"})
    assert comparison_paragraph(a, care, lang) == (
        "The programmes are assessed with different instruments (The scale; The profile), so their change is not "
        "compared." if lang == "en" else
        "Програми оцінюють різними інструментами («Шкала», «Профіль»), тож їхню зміну не порівнюємо.")


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_a_count_the_table_withholds_against_subtraction_is_withheld_in_words_too(lang):
    # 22 improved, 39 unchanged, 4 deteriorated of 65: the table shows "<5" and hides 22 as "x" (65 − 39 − 22 = 4);
    # saying 22 here would give the 4 back.
    reliable = {"n": 65, "improved": 22, "recovered": 0, "deteriorated": 4, "unchanged": 39, "cutoff": None}
    text = programme_paragraph(findings(BEFORE, FALLING, reliable=reliable), lang)
    assert "22" not in text and "<5" in text
    assert ("not given (it would let a small count be worked out)" if lang == "en" else "не наводимо") in text
    shown = programme_paragraph(findings(BEFORE, FALLING, reliable=dict(reliable, deteriorated=9, n=70)), lang)
    assert "22 (31%) of 70" in shown if lang == "en" else "22 (31%)" in shown
