"""The next step of a case, in words: the forward move, or what it still lacks with the page where that
is done (:func:`workbench.case_cycle.next_step`); shown in the case record's overview and plan tabs."""
from __future__ import annotations

import html

from .. import case_cycle, config, i18n
from .address import Place, link

i18n.add({
    "next.title": {"uk": "Наступний крок", "en": "Next step"},
    "next.move": {"uk": "перевести випадок до стану «{to}».", "en": "move the case to '{to}'."},
    "next.todo": {"uk": "{todo}; тоді — перехід до стану «{to}».", "en": "{todo}; then move the case to '{to}'."},
    "next.closed": {"uk": "Випадок закрито.", "en": "The case is closed."},
    "next.overridden": {
        "uk": "Супервізор дозволив цей перехід без умов: {conditions}.",
        "en": "A supervisor let this move happen without: {conditions}.",
    },
    "next.open_assessment": {"uk": "Оцінювання потреб", "en": "Needs assessment"},
    "next.open_plan": {"uk": "План підтримки", "en": "Support plan"},
})

# Where each condition is met: the case record's tab and its link text.
PAGES = {"needs_assessment": ("assessments", "next.open_assessment"),
         "plan_goal": ("plan", "next.open_plan"), "plan_signed_off": ("plan", "next.open_plan"),
         "goal_review": ("plan", "next.open_plan")}


def next_step_html(facts: case_cycle.CycleFacts, case_id: int, lang: str, here: str = "overview") -> str:
    """The case's next step as an HTML block (every text escaped): what to do, then the move, with links
    to the case record's tabs where what is lacking is done (not to ``here``, the tab showing it), and a
    supervisor's overrides in force."""
    to, lacking = case_cycle.next_step(facts)
    links = ""
    if to is None:
        text = html.escape(i18n.t("next.closed", lang))
    else:
        to_label = config.label("case_statuses", to, lang)
        if lacking:
            todo = case_cycle.Conditions(lacking, facts.instrument, "todo").message(lang)
            text = i18n.t("next.todo", lang, todo=todo[:1].upper() + todo[1:], to=to_label)
        else:
            text = i18n.t("next.move", lang, to=to_label)
            text = text[:1].upper() + text[1:]
        text = html.escape(text)
        for tab, key in dict.fromkeys(PAGES[c] for c in lacking if PAGES[c][0] != here):
            links += " " + link(Place("case", case_id, tab), html.escape(i18n.t(key, lang)), f"wb-next-{tab}")
        waived = [c for move, c in facts.overridden if move == to]
        if waived:
            text += " " + html.escape(i18n.t("next.overridden", lang, conditions=case_cycle.Conditions(
                waived, facts.instrument).message(lang)))
    return (f'<div style="border-left:4px solid #0d47a1;padding:4px 8px;margin:4px 0">'
            f'<b>{html.escape(i18n.t("next.title", lang))}:</b> {text}{links}</div>')
