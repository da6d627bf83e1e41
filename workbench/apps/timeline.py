"""A case's timeline in words: lifecycle events, assessments, goals, reviews, sign-offs and services."""
from __future__ import annotations

import html

from .. import config, i18n
from ..case_cycle import Conditions
from ..gas import gas_level_label, level_text
from ..instruments.loader import instrument_title
from ..store.assessments import list_assessments
from ..store.cases import get_case
from ..store.lifecycle import case_events
from ..store.plans import case_goals, signoffs
from ..store.services import case_services
from .common import staff_names, ua_date

i18n.add({
    "timeline.move": {"uk": "Стан: {from_status} → {to_status}{reason}", "en": "Status: {from_status} → {to_status}{reason}"},
    "timeline.reopen": {"uk": "Випадок відкрито знову: {reason}", "en": "Case reopened: {reason}"},
    "timeline.transfer": {"uk": "Передано фахівцю {worker}: {reason}", "en": "Handed to {worker}: {reason}"},
    "timeline.urgent": {"uk": "Позначено терміновим: {note}", "en": "Flagged urgent: {note}"},
    "timeline.extension": {"uk": "Супровід продовжено на {months} міс.: {reason}",
                           "en": "Accompaniment extended by {months} months: {reason}"},
    "timeline.assessment": {"uk": "{instrument} №{id}", "en": "{instrument} #{id}"},
    "timeline.service": {"uk": "Послуга: {type}{extra}", "en": "Service: {type}{extra}"},
    "timeline.goal": {"uk": "Мета: {title} (до {target})", "en": "Goal: {title} (by {target})"},
    "timeline.review": {"uk": "Перегляд мети «{title}»: {level}", "en": "Review of '{title}': {level}"},
    "timeline.goal_closed": {"uk": "Мета «{title}»: {kind}", "en": "Goal '{title}': {kind}"},
    "timeline.signoff.plan": {"uk": "План затверджено", "en": "Plan signed off"},
    "timeline.signoff.assessment": {"uk": "Висновок оцінювання №{id} затверджено",
                                    "en": "Conclusion of assessment #{id} signed off"},
    "timeline.override": {
        "uk": "Супервізор дозволив перехід до «{to_status}» без умови «{condition}»: {reason}",
        "en": "A supervisor let the case move to '{to_status}' without '{condition}': {reason}",
    },
    "timeline.by": {"uk": "({who})", "en": "({who})"},
    "timeline.title": {"uk": "Хронологія", "en": "Timeline"},
})

def case_timeline(db, actor: str, case_id, lang: str | None = None) -> list[tuple[str, str, str]]:
    """``(iso date, text, who)`` for everything recorded on the case, newest first; ``who`` is the display name
    of the staff member who recorded it (their username if the database does not know it)."""
    lang = i18n.normalise_language(lang)
    names = staff_names(db, actor)
    rows = []
    for e in case_events(db, actor, case_id):
        reason = e["reason"] or ""
        if e["kind"] == "move":
            extra = f" ({config.label('closure_reasons', reason, lang)}{'; ' + e['note'] if e['note'] else ''})" \
                if e["to_status"] == "closed" else ""
            text = i18n.t("timeline.move", lang, from_status=config.label("case_statuses", e["from_status"], lang),
                          to_status=config.label("case_statuses", e["to_status"], lang), reason=extra)
        elif e["kind"] == "transfer":
            text = i18n.t("timeline.transfer", lang, worker=names.get(e["to_worker"], e["to_worker"]), reason=reason)
        elif e["kind"] == "extension":
            text = i18n.t("timeline.extension", lang, months=e["months"], reason=reason)
        elif e["kind"] == "urgent":
            text = i18n.t("timeline.urgent", lang, note=e["note"] or "")
        elif e["kind"] == "override":
            instrument = config.programme_instrument(get_case(db, actor, case_id)["programme"])
            text = i18n.t("timeline.override", lang, to_status=config.label("case_statuses", e["to_status"], lang),
                          condition=Conditions([e["note"]], instrument).message(lang), reason=reason)
        else:
            text = i18n.t("timeline.reopen", lang, reason=reason)
        rows.append((e["effective_on"], 3, e["id"], text, e["recorded_by"]))
    for a in list_assessments(db, actor, case_id):
        title = instrument_title(a["instrument_id"], lang)
        rows.append((a["assessed_on"], 1, a["id"], i18n.t("timeline.assessment", lang, instrument=title, id=a["id"]),
                     a["created_by"]))
    for goal in case_goals(db, actor, case_id):
        rows.append((goal["set_on"], 2, goal["id"], i18n.t("timeline.goal", lang, title=goal["title"],
                                                            target=ua_date(goal["target_date"])), goal["created_by"]))
        for review in goal["reviews"]:
            rows.append((review["reviewed_on"], 4, review["id"], i18n.t(
                "timeline.review", lang, title=goal["title"],
                level=f"{level_text(review['level'])} ({gas_level_label(review['level'], lang)})"), review["recorded_by"]))
        if goal["closed_kind"]:
            rows.append((goal["closed_on"], 5, goal["id"], i18n.t(
                "timeline.goal_closed", lang, title=goal["title"], kind=i18n.t(f"plan.closed.{goal['closed_kind']}", lang)),
                goal["created_by"]))
    for s in signoffs(db, actor, case_id):
        text = i18n.t("timeline.signoff.plan", lang) if s["kind"] == "plan" else \
            i18n.t("timeline.signoff.assessment", lang, id=s["assessment_id"])
        rows.append((s["signed_on"], 6, s["id"], text, s["signed_by"]))
    for s in case_services(db, actor, case_id):
        extra = f" → {s['referral_to']} ({config.label('referral_outcomes', s['latest_outcome'], lang)})" \
            if s["service_type"] == "referral" else ""
        rows.append((s["provided_on"], 0, s["id"], i18n.t("timeline.service", lang, type=config.label(
            "service_types", s["service_type"], lang), extra=extra), s["provided_by"]))
    rows.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    return [(day, text, names.get(who, who)) for day, _, _, text, who in rows]


def timeline_html(db, actor: str, case_id, lang: str | None = None) -> str:
    """The timeline as an HTML list (every text escaped)."""
    items = "".join(f"<li>{ua_date(day)}: {html.escape(text)} {html.escape(i18n.t('timeline.by', lang, who=who))}</li>"
                    for day, text, who in case_timeline(db, actor, case_id, lang))
    return f"<b>{html.escape(i18n.t('timeline.title', lang))}</b><ul>{items}</ul>"
