"""The case app: a case's status, deadlines, timeline, lifecycle moves, transfers, services, consent and
the temporary-shelter stays of the case's persons.

Only the moves possible from the case's status are offered, and the service refuses
any other (a page can send any value). The workspace's case record shows its sections as tabs.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import case_cycle, config, i18n, policy
from ..i18n import UserError
from ..store.cases import get_case
from ..store.deadlines import case_deadlines
from ..store.guard import actor_of
from ..store.inputs import InvalidInput
from ..store.lifecycle import (MOVES, case_state, extend_accompaniment, flag_urgent, move_case, move_readiness,
                               override_condition, reopen_case, transfer_case)
from ..store.plans import case_goals
from ..store.people import get_person, household_members, person_consents, withdraw_consent
from ..store.services import case_services, record_referral_outcome, record_service
from ..store.shares import case_shares, revoke_share, share_case
from ..store.shelter import case_stays, end_stay, record_stay
from ..store.users import staff
from .common import note_opening, picked, programme_label, signed_in, staff_names, status_html, ua_date
from .next_step import next_step_html
from .timeline import timeline_html
from .widgets import ActionForm, Done

i18n.add({
    "case.services.title": {"uk": "Послуги і перенаправлення", "en": "Services and referrals"},
    "case.services.none": {"uk": "Послуг ще не записано.", "en": "No services recorded yet."},
    "case.facts": {
        "uk": "Програма: {programme}. Стан: {status}. Фахівець: {worker}. Прийом: {opened}.",
        "en": "Programme: {programme}. Status: {status}. Worker: {worker}. Intake: {opened}.",
    },
    "case.urgent_banner": {
        "uk": "ТЕРМІНОВО: загроза життю чи здоровʼю (позначено {on}).",
        "en": "URGENT: a threat to life or health (flagged {on}).",
    },
    "case.deadlines": {"uk": "Терміни", "en": "Deadlines"},
    "case.deadline.needs_assessment": {"uk": "Оцінювання потреб", "en": "Needs assessment"},
    "case.deadline.accompaniment_end": {"uk": "Завершення соціального супроводу", "en": "End of social accompaniment"},
    "case.deadline.row": {"uk": "{kind}: до {due} — {state}{done}", "en": "{kind}: by {due} — {state}{done}"},
    "case.deadline.done_on": {"uk": " ({on})", "en": " ({on})"},
    "case.state.open": {"uk": "триває", "en": "open"},
    "case.state.overdue": {"uk": "ПРОСТРОЧЕНО", "en": "OVERDUE"},
    "case.state.done": {"uk": "виконано", "en": "done"},
    "case.state.late": {"uk": "виконано із запізненням", "en": "done late"},
    "case.members": {"uk": "Особи", "en": "People"},
    "case.consent_withdrawn": {"uk": "згоду відкликано {on}", "en": "consent withdrawn {on}"},
    "case.move.title": {"uk": "Змінити стан випадку", "en": "Change the case's status"},
    "case.move.to": {"uk": "Новий стан", "en": "New status"},
    "case.move.none": {"uk": "Змінити стан зараз неможливо.", "en": "The status cannot change now."},
    "case.field.on": {"uk": "Дата (дд.мм.рррр)", "en": "Date (dd.mm.yyyy)"},
    "case.field.reason": {"uk": "Причина", "en": "Reason"},
    "case.field.closure_reason": {"uk": "Причина закриття", "en": "Reason for closing"},
    "case.field.note": {"uk": "Примітка", "en": "Note"},
    "case.apply": {"uk": "Застосувати", "en": "Apply"},
    "case.moved": {"uk": "Стан змінено.", "en": "Status changed."},
    "case.transfer.title": {"uk": "Передати випадок іншому фахівцю", "en": "Hand the case to another worker"},
    "case.transfer.to": {"uk": "Фахівець", "en": "Worker"},
    "case.transferred": {"uk": "Випадок передано.", "en": "Case handed over."},
    "case.urgent.title": {"uk": "Позначити терміновим (загроза життю чи здоровʼю)",
                          "en": "Flag urgent (a threat to life or health)"},
    "case.urgent.done": {"uk": "Випадок позначено терміновим.", "en": "Case flagged urgent."},
    "case.extend.title": {"uk": "Продовжити соціальний супровід", "en": "Extend social accompaniment"},
    "case.extend.months": {"uk": "На скільки місяців", "en": "By how many months"},
    "case.extended": {"uk": "Супровід продовжено.", "en": "Accompaniment extended."},
    "case.reopen.title": {"uk": "Відкрити випадок знову", "en": "Reopen the case"},
    "case.reopened": {"uk": "Випадок відкрито знову.", "en": "Case reopened."},
    "case.service.title": {"uk": "Записати послугу чи контакт", "en": "Record a service or contact"},
    "case.service.type": {"uk": "Послуга", "en": "Service"},
    "case.service.duration": {"uk": "Тривалість, хв", "en": "Duration, minutes"},
    "case.service.referral_to": {"uk": "Куди перенаправлено", "en": "Referred to"},
    "case.service.saved": {"uk": "Послугу записано.", "en": "Service recorded."},
    "case.outcome.title": {"uk": "Результат перенаправлення", "en": "Outcome of a referral"},
    "case.outcome.referral": {"uk": "Перенаправлення", "en": "Referral"},
    "case.outcome.outcome": {"uk": "Результат", "en": "Outcome"},
    "case.outcome.saved": {"uk": "Результат записано.", "en": "Outcome recorded."},
    "case.consent.title": {"uk": "Відкликання згоди на обробку даних", "en": "Withdrawal of consent to data processing"},
    "case.consent.person": {"uk": "Особа", "en": "Person"},
    "case.consent.saved": {
        "uk": "Відкликання записано; особу вилучено з аналізу та вивантажень.",
        "en": "Withdrawal recorded; the person is left out of analysis and exports.",
    },
    "case.shelter.title": {"uk": "Тимчасовий притулок", "en": "Temporary shelter"},
    "case.shelter.none": {"uk": "Перебувань у притулку не записано.", "en": "No shelter stays recorded."},
    "case.shelter.person": {"uk": "Особа", "en": "Person"},
    "case.shelter.shelter": {"uk": "Притулок", "en": "Shelter"},
    "case.shelter.from": {"uk": "З", "en": "From"},
    "case.shelter.to": {"uk": "До", "en": "To"},
    "case.shelter.ongoing": {"uk": "триває", "en": "ongoing"},
    "case.shelter.record_title": {"uk": "Записати заселення до притулку", "en": "Record a stay in a shelter"},
    "case.shelter.from_on": {"uk": "Дата заселення (дд.мм.рррр)", "en": "Arrival date (dd.mm.yyyy)"},
    "case.shelter.recorded": {"uk": "Перебування записано.", "en": "Stay recorded."},
    "case.shelter.end_title": {"uk": "Записати вибуття з притулку", "en": "Record a departure from a shelter"},
    "case.shelter.stay": {"uk": "Перебування", "en": "Stay"},
    "case.shelter.to_on": {"uk": "Дата вибуття (дд.мм.рррр)", "en": "Departure date (dd.mm.yyyy)"},
    "case.shelter.ended": {"uk": "Вибуття записано.", "en": "Departure recorded."},
    "case.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "case.consent.purpose": {"uk": "Згода на", "en": "Consent to"},
    "case.consent.research_saved": {
        "uk": "Відкликання згоди на дослідження записано; випадок не потраплятиме до дослідницьких вивантажень.",
        "en": "Withdrawal of research consent recorded; the case is left out of research exports.",
    },
    "case.read_only": {
        "uk": "Ви переглядаєте цей випадок; змінювати його можуть його фахівець і супервізор команди.",
        "en": "You are reading this case; its worker and the team's supervisor can change it.",
    },
    "case.share.title": {"uk": "Поділитися випадком з колегою", "en": "Share the case with a colleague"},
    "case.share.with": {"uk": "Колега", "en": "Colleague"},
    "case.share.saved": {"uk": "Доступ надано.", "en": "The case is shared."},
    "case.unshare.title": {"uk": "Скасувати доступ колеги", "en": "Revoke a colleague's access"},
    "case.unshare.share": {"uk": "Доступ", "en": "Share"},
    "case.unshare.saved": {"uk": "Доступ скасовано.", "en": "The share is revoked."},
    "case.shared_with": {"uk": "Поділено з: {names}", "en": "Shared with: {names}"},
    "case.to_assessment": {"uk": "Відкрити оцінювання потреб", "en": "Open the needs assessment"},
    "case.move.lacks": {"uk": "{to} — бракує: {missing}", "en": "{to} — missing: {missing}"},
    "case.move.goals": {"uk": "Що стало з кожною відкритою метою", "en": "What became of each open goal"},
    "case.goal.kind": {"uk": "Результат", "en": "Outcome"},
    "case.goal.reason": {"uk": "Чому скасовано", "en": "Why abandoned"},
    "case.override.title": {
        "uk": "Дозволити перехід без умови (рішення супервізора)",
        "en": "Let the case move without a condition (a supervisor's decision)",
    },
    "case.override.condition": {"uk": "Перехід і умова", "en": "Move and condition"},
    "case.override.option": {"uk": "«{to}» без: {condition}", "en": "'{to}' without: {condition}"},
    "case.override.saved": {"uk": "Рішення записано; воно видно в хронології.",
                            "en": "The decision is recorded; it shows in the timeline."},
})


class GoalOutcomes(w.VBox, w.ValueWidget):
    """When a case closes: each open goal with its outcome (achieved / abandoned) and, if abandoned, why.
    ``value`` (kept in the kernel, not synced) is what :func:`workbench.store.lifecycle.move_case` takes as
    ``goals``; it changes as the user answers, so the form sees a change (a new opening); setting it to
    ``{}`` (a form's reset) clears every answer."""

    def __init__(self):
        super().__init__()
        self.rows: dict[int, tuple] = {}
        self.lang = "uk"
        self._collecting = False
        self.value = {}
        self.observe(self._reset, "value")

    def show(self, goals: list[dict], lang: str):
        """Offer the case's open ``goals`` (a choice already made for a goal still open is kept)."""
        self.lang = lang
        before = {goal_id: (kind.value, reason.value) for goal_id, (_, kind, reason, _) in self.rows.items()}
        self.rows = {}
        for goal in goals:
            kind = w.Dropdown(options=[(i18n.t("case.choose", lang), None),
                                       (i18n.t("plan.closed.achieved", lang), "achieved"),
                                       (i18n.t("plan.closed.abandoned", lang), "abandoned")],
                              description=i18n.t("case.goal.kind", lang))
            kind.add_class(f"wb-goal-outcome-{goal['id']}")
            reason = w.Text(placeholder=i18n.t("case.goal.reason", lang), layout=w.Layout(width="30em"))
            reason.add_class(f"wb-goal-reason-{goal['id']}")
            kind.value, reason.value = before.get(goal["id"], (None, ""))
            kind.observe(self._collect, "value")
            reason.observe(self._collect, "value")
            self._reason_shown(kind, reason)
            kind.observe(lambda _, kind=kind, reason=reason: self._reason_shown(kind, reason), "value")
            error = w.HTML()
            self.rows[goal["id"]] = (w.HTML(f"<b>{html.escape(goal['title'])}</b>"), kind, reason, error)
        self.children = [w.VBox(list(row)) for row in self.rows.values()]
        self._collect()

    @staticmethod
    def _reason_shown(kind, reason):
        """Why a goal is abandoned is asked only when it is."""
        reason.layout.display = None if kind.value == "abandoned" else "none"

    def _collect(self, _change=None):
        self._collecting = True
        try:
            self.value = {goal_id: {"kind": kind.value, "reason": reason.value or None}
                          for goal_id, (_, kind, reason, _) in self.rows.items() if kind.value}
        finally:
            self._collecting = False

    def _reset(self, change):
        if not self._collecting and not change["new"]:  # a form's reset: no outcome chosen
            for _, kind, reason, error in self.rows.values():
                kind.value, reason.value, error.value = None, "", ""

    def show_errors(self, problems: dict):
        """Each goal's problem (``goals[ID]`` of an ``InvalidInput``) under that goal."""
        for goal_id, (_, _, _, error) in self.rows.items():
            problem = problems.get(f"goals[{goal_id}]")
            error.value = status_html(problem.message(self.lang), "error") if problem else ""


SHELTER_FORMS = ("shelter", "shelter_end")  # shown together with the stays, below the people


class CaseApp:
    """The app's widgets; ``widget`` is what Voilà shows."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None, case_id=None):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        self.user_row = signed_in(db, user, "cases.search")
        self.case_id = None
        self.status = w.HTML()
        self.facts, self.urgent, self.shared = w.HTML(), w.HTML(), w.HTML()
        self.facts.add_class("wb-case-facts")
        self.urgent.add_class("wb-case-urgent")
        self.deadlines, self.members, self.timeline = w.HTML(), w.HTML(), w.HTML()
        self.deadlines.add_class("wb-case-deadlines")
        self.timeline.add_class("wb-case-timeline")
        self.next_step = w.HTML()
        self.next_step.add_class("wb-next-step")
        self.goal_outcomes = GoalOutcomes()
        self.shown_status = None  # the status the page shows: a move made from a stale page is refused
        self.forms = self._build_forms()
        self.stays = w.HTML()
        self.stays.add_class("wb-shelter-stays")
        self.services = w.HTML()
        self.services.add_class("wb-services")
        # The case record's tabs this view fills (see case_record.CaseRecord), each with its own actions.
        self.sections = {
            "overview": w.VBox([self.facts, self.shared, self.urgent, self.deadlines, self.next_step,
                                *self._forms("move", "override", "urgent", "extend", "reopen", "transfer"),
                                self.timeline]),
            "people": w.VBox([self.members, *self._forms("consent", "share", "unshare")]),
            "services": w.VBox([self.services, *self._forms("service", "outcome")]),
            "shelter": w.VBox([self.stays, *self._forms(*SHELTER_FORMS)]),
        }
        for name, section in self.sections.items():
            section.add_class(f"wb-case-{name}")
        self.case_box = w.VBox(list(self.sections.values()), layout=w.Layout(display="none"))
        self.widget = w.VBox([self.status, self.case_box])  # every section at once (the record shows one a tab)
        self.set_language(self.lang)
        if case_id is not None:
            self.show_case(case_id)

    def _forms(self, *names) -> list:
        return [self.forms[name].widget for name in names]

    def _build_forms(self) -> dict[str, ActionForm]:
        def text():
            return w.Text(layout=w.Layout(width="30em"))

        def day():
            return w.Text(value=(self.today or date.today()).strftime("%d.%m.%Y"), layout=w.Layout(width="10em"))

        forms = {
            "move": ActionForm("wb-move", "case.move.title", "case.apply", [
                # wide enough for what a move still lacks ("Планування — бракує: …")
                ("to_status", w.Dropdown(options=[("", "")], layout=w.Layout(width="44em")),
                 "case.move.to"),
                ("on", day(), "case.field.on"),
                ("reason", w.Dropdown(options=[("", "")]), "case.field.closure_reason"),
                ("goals", self.goal_outcomes, "case.move.goals"),
                ("note", text(), "case.field.note")], self._move, self.lang, self._refresh, after=self._refresh),
            "override": ActionForm("wb-override", "case.override.title", "case.apply", [
                ("condition", w.Dropdown(options=[("", "")], layout=w.Layout(width="auto")), "case.override.condition"),
                ("reason", text(), "case.field.reason")], self._override, self.lang, self._refresh, after=self._refresh),
            "transfer": ActionForm("wb-transfer", "case.transfer.title", "case.apply", [
                ("to_worker", w.Dropdown(options=[("", "")]), "case.transfer.to"),
                ("reason", text(), "case.field.reason"), ("on", day(), "case.field.on")],
                self._transfer, self.lang, self._refresh, after=self._refresh),
            "service": ActionForm("wb-service", "case.service.title", "case.apply", [
                ("service_type", w.Dropdown(options=[("", "")]), "case.service.type"),
                ("provided_on", day(), "case.field.on"),
                ("duration_minutes", w.Text(layout=w.Layout(width="8em")), "case.service.duration"),
                ("referral_to", text(), "case.service.referral_to"), ("note", text(), "case.field.note")],
                self._service, self.lang, self._refresh, after=self._refresh),
            "outcome": ActionForm("wb-outcome", "case.outcome.title", "case.apply", [
                ("service_id", w.Dropdown(options=[("", "")]), "case.outcome.referral"),
                ("outcome", w.Dropdown(options=[("", "")]), "case.outcome.outcome"),
                ("on", day(), "case.field.on")], self._outcome, self.lang, self._refresh, after=self._refresh),
            "urgent": ActionForm("wb-urgent", "case.urgent.title", "case.apply", [
                ("note", text(), "case.field.note"), ("on", day(), "case.field.on")], self._urgent, self.lang,
                self._refresh, after=self._refresh),
            "extend": ActionForm("wb-extend", "case.extend.title", "case.apply", [
                ("months", w.Dropdown(options=[("", "")]), "case.extend.months"),
                ("reason", text(), "case.field.reason"), ("on", day(), "case.field.on")], self._extend, self.lang,
                self._refresh, after=self._refresh),
            "reopen": ActionForm("wb-reopen", "case.reopen.title", "case.apply", [
                ("reason", text(), "case.field.reason"), ("on", day(), "case.field.on")], self._reopen, self.lang,
                self._refresh, after=self._refresh),
            "consent": ActionForm("wb-consent", "case.consent.title", "case.apply", [
                ("person_id", w.Dropdown(options=[("", "")]), "case.consent.person"),
                ("purpose", w.Dropdown(options=[("", "")]), "case.consent.purpose"),
                ("withdrawn_on", day(), "case.field.on"), ("note", text(), "case.field.note")],
                self._withdraw, self.lang, self._refresh, after=self._refresh),
            "share": ActionForm("wb-share", "case.share.title", "case.apply", [
                ("with_user", w.Dropdown(options=[("", "")]), "case.share.with"),
                ("reason", text(), "case.field.reason")], self._share, self.lang, self._refresh, after=self._refresh),
            "unshare": ActionForm("wb-unshare", "case.unshare.title", "case.apply", [
                ("share_id", w.Dropdown(options=[("", "")]), "case.unshare.share")], self._unshare, self.lang,
                self._refresh, after=self._refresh),
            "shelter": ActionForm("wb-shelter-stay", "case.shelter.record_title", "case.apply", [
                ("person_id", w.Dropdown(options=[("", "")]), "case.shelter.person"),
                ("shelter", text(), "case.shelter.shelter"), ("from_on", day(), "case.shelter.from_on")],
                self._record_stay, self.lang, self._refresh, after=self._refresh),
            "shelter_end": ActionForm("wb-shelter-end", "case.shelter.end_title", "case.apply", [
                ("stay_id", w.Dropdown(options=[("", "")]), "case.shelter.stay"),
                ("to_on", day(), "case.shelter.to_on")], self._end_stay, self.lang, self._refresh, after=self._refresh),
        }
        forms["move"].inputs["to_status"].observe(lambda _: self._closure_fields(), "value")
        forms["service"].inputs["service_type"].observe(lambda _: self._referral_fields(), "value")
        return forms

    # --- language and display -----------------------------------------------------------
    def set_language(self, lang: str):
        self.lang = lang
        for form in self.forms.values():
            form.set_language(lang)
        if self.case_id:
            self.show_case(self.case_id)

    def _options(self, kind: str, codes=None) -> list:
        choose = [(i18n.t("case.choose", self.lang), None)]
        return choose + [(label, code) for label, code in config.choices(kind, self.lang)
                         if codes is None or code in codes]

    def show_case(self, case_id):
        """Show one case: facts, deadlines, people, timeline and the actions possible now. A case the user
        may not read shows nothing of it, only the refusal."""
        try:
            case = get_case(self.db, self.user, case_id)
        except UserError as err:
            self.case_id = None
            self.case_box.layout.display = "none"
            self.status.value = status_html(err.message(self.lang), "error")
            return
        self.status.value = ""
        self.case_id = case["id"]
        note_opening(self, self.case_id, "case", self.case_id)
        state = case_state(self.db, self.user, self.case_id)
        lang = self.lang
        self.facts.value = html.escape(i18n.t(
            "case.facts", lang, programme=programme_label(case["programme"], lang),
            status=config.label("case_statuses", state["status"], lang), worker=self._name(state["worker"]),
            opened=ua_date(case["opened_on"])))
        shares = case_shares(self.db, self.user, self.case_id)
        in_force = [s for s in shares if s["revoked_at"] is None]
        self.shared.value = html.escape(i18n.t("case.shared_with", lang, names=", ".join(
            self._name(s["shared_with"]) for s in in_force))) if in_force else ""
        self.urgent.value = status_html(i18n.t("case.urgent_banner", lang, on=ua_date(state["urgent_on"])), "error") \
            if state["urgent_on"] and state["status"] != "closed" else ""
        members, stays = self._members(case), case_stays(self.db, self.user, self.case_id)  # read once per refresh
        self.shown_status = state["status"]
        cycle = move_readiness(self.db, self.user, self.case_id, today=self.today)
        self._show_deadlines(state)
        self.next_step.value = next_step_html(cycle, self.case_id, self.lang)
        self._show_members(members)
        self._show_stays(stays)
        self._show_timeline()
        services = case_services(self.db, self.user, self.case_id)
        self._show_services(services)
        self._refresh_forms(state, members, stays, in_force, cycle, services)
        self.case_box.layout.display = None

    def _show_deadlines(self, state):
        lines = []
        for d in case_deadlines(self.db, self.user, self.case_id, today=self.today, state=state):
            done = i18n.t("case.deadline.done_on", self.lang, on=d["done_on"].strftime("%d.%m.%Y")) if d["done_on"] else ""
            text = i18n.t("case.deadline.row", self.lang, kind=i18n.t(f"case.deadline.{d['kind']}", self.lang),
                          due=d["due"].strftime("%d.%m.%Y"), state=i18n.t(f"case.state.{d['state']}", self.lang),
                          done=done)
            style = "color:#b00020;font-weight:bold" if d["state"] == "overdue" else ""
            lines.append(f'<li class="wb-deadline-{d["state"]}" style="{style}">{html.escape(text)}</li>')
        self.deadlines.value = f"<b>{html.escape(i18n.t('case.deadlines', self.lang))}</b><ul>{''.join(lines)}</ul>"

    def _members(self, case) -> list[dict]:
        if case["household_id"]:
            return household_members(self.db, self.user, case["household_id"])
        return [dict(get_person(self.db, self.user, case["person_id"]), relation="applicant")]

    def _show_members(self, members):
        items = []
        for person in members:
            consents = [c for c in person_consents(self.db, self.user, person["id"]) if c["purpose"] == "data_processing"]
            withdrawn = consents and all(c["withdrawn_on"] for c in consents)
            note = (" — " + i18n.t("case.consent_withdrawn", self.lang, on=ua_date(consents[-1]["withdrawn_on"]))
                    if withdrawn else "")
            items.append(html.escape(f"{person['family_name']} {person['given_name']}, "
                                     f"{ua_date(person['birth_date'])}, "
                                     f"{config.label('relations', person['relation'], self.lang)}{note}"))
        self.members.value = (f"<b>{html.escape(i18n.t('case.members', self.lang))}</b><ul>"
                              + "".join(f"<li>{i}</li>" for i in items) + "</ul>")

    def _show_stays(self, stays):
        t = lambda key: html.escape(i18n.t(key, self.lang))  # noqa: E731
        if stays:
            head = "".join(f"<th>{t(k)}</th>" for k in ("case.shelter.person", "case.shelter.shelter",
                                                        "case.shelter.from", "case.shelter.to"))
            rows = "".join(
                f'<tr class="wb-shelter-row"><td>{html.escape(s["family_name"] + " " + s["given_name"])}</td>'
                f'<td>{html.escape(s["shelter"])}</td><td>{ua_date(s["from_on"])}</td>'
                f'<td>{ua_date(s["to_on"]) if s["to_on"] else t("case.shelter.ongoing")}</td></tr>'
                for s in stays)
            body = f"<table><tr>{head}</tr>{rows}</table>"
        else:
            body = f"<p>{t('case.shelter.none')}</p>"
        self.stays.value = f"<b>{t('case.shelter.title')}</b>{body}"

    def _show_timeline(self):
        self.timeline.value = timeline_html(self.db, self.user, self.case_id, self.lang)

    def _show_services(self, services):
        t = lambda key: html.escape(i18n.t(key, self.lang))  # noqa: E731
        if not services:
            self.services.value = f"<b>{t('case.services.title')}</b><p>{t('case.services.none')}</p>"
            return
        head = "".join(f"<th>{t(k)}</th>" for k in ("case.field.on", "case.service.type", "case.service.duration",
                                                     "case.service.referral_to", "case.outcome.outcome"))
        rows = "".join(
            f'<tr class="wb-service-row"><td>{ua_date(s["provided_on"])}</td>'
            f'<td>{html.escape(config.label("service_types", s["service_type"], self.lang))}</td>'
            f'<td>{s["duration_minutes"] or ""}</td><td>{html.escape(s["referral_to"] or "")}</td>'
            f'<td>{html.escape(config.label("referral_outcomes", s["latest_outcome"], self.lang) if s["latest_outcome"] else "")}'
            f"</td></tr>" for s in services)
        self.services.value = (f"<b>{t('case.services.title')}</b>"
                               f'<div class="wb-scroll"><table><tr>{head}</tr>{rows}</table></div>')

    def _refresh_forms(self, state, members, stays, shares, cycle, services):
        """Offer what the user may do now: the policy decides what shows (the store decides again)."""
        closed = state["status"] == "closed"
        choose = (i18n.t("case.choose", self.lang), None)
        move = self.forms["move"]
        move.inputs["to_status"].options = [choose] + [(self._move_label(cycle, to), to) for to in MOVES[state["status"]]]
        move.inputs["reason"].options = self._options("closure_reasons")
        self.goal_outcomes.show([g for g in case_goals(self.db, self.user, self.case_id) if g["status"] == "open"],
                                self.lang)
        self._closure_fields()
        self.forms["override"].inputs["condition"].options = [choose] + [
            (i18n.t("case.override.option", self.lang, to=config.label("case_statuses", to, self.lang),
                    condition=case_cycle.Conditions([c], cycle.instrument).message(self.lang)), f"{to}|{c}")
            for to, c in case_cycle.overridable(cycle)]
        me = actor_of(self.db, self.user)
        colleagues = staff(self.db, self.user, roles=policy.CASE_HOLDERS)
        facts = policy.CaseFacts(self.case_id, state["worker"], actor_of(self.db, state["worker"]).teams,
                                 frozenset(s["shared_with"] for s in shares))
        self.forms["transfer"].inputs["to_worker"].options = [choose] + [
            (u["display_name"], u["username"]) for u in colleagues if u["username"] != state["worker"]
            and policy.decide(me, "case.transfer", facts, target=actor_of(self.db, u["username"]))]
        self.forms["share"].inputs["with_user"].options = [choose] + [
            (u["display_name"], u["username"]) for u in colleagues
            if u["username"] not in {state["worker"], self.user} | set(facts.shared_with)]
        self.forms["unshare"].inputs["share_id"].options = [choose] + [
            (self._name(s["shared_with"]), s["id"]) for s in shares]
        self.forms["service"].inputs["service_type"].options = self._options("service_types")
        self._referral_fields()
        referrals = [s for s in services if s["service_type"] == "referral"]
        self.forms["outcome"].inputs["service_id"].options = [choose] + [
            (f"{ua_date(s['provided_on'])} → {s['referral_to']}", s["id"]) for s in referrals]
        self.forms["outcome"].inputs["outcome"].options = self._options("referral_outcomes")
        limit = config.load_config()["deadlines"]["max_extension_months"]
        self.forms["extend"].inputs["months"].options = [choose] + [(str(m), m) for m in range(1, limit + 1)]
        people = [choose] + [(f"{p['family_name']} {p['given_name']}", p["id"]) for p in members]
        self.forms["consent"].inputs["person_id"].options = people
        self.forms["consent"].inputs["purpose"].options = self._options("consent_purposes")
        self.forms["shelter"].inputs["person_id"].options = people
        open_stays = [s for s in stays if s["to_on"] is None]
        self.forms["shelter_end"].inputs["stay_id"].options = [choose] + [
            (f"{s['family_name']} {s['given_name']} — {s['shelter']}, {ua_date(s['from_on'])}", s["id"])
            for s in open_stays]
        writes = bool(policy.decide(me, "case.write", facts))
        steering = writes and not closed
        visible = {"move": steering, "transfer": bool(policy.decide(me, "case.transfer", facts)) and not closed,
                   "service": writes, "outcome": writes and bool(referrals), "urgent": steering,
                   "extend": steering and state["status"] in ("accompaniment", "review"),
                   "reopen": writes and closed, "consent": writes, "shelter": writes,
                   "shelter_end": writes and bool(open_stays),
                   "share": bool(policy.decide(me, "case.share", facts)) and not closed,
                   "unshare": bool(policy.decide(me, "case.share", facts)) and bool(shares),
                   "override": bool(policy.decide(me, "case.override", facts)) and bool(case_cycle.overridable(cycle))}
        for name, form in self.forms.items():
            form.widget.layout.display = None if visible[name] else "none"
        if not writes:
            self.status.value = status_html(i18n.t("case.read_only", self.lang))

    def _name(self, username: str) -> str:
        """A worker's display name, a deactivated one's too (their username if they are not on the staff list)."""
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = staff_names(self.db, self.user)
        return names.get(username, username)

    def _refresh(self):
        if self.case_id:
            self.show_case(self.case_id)

    def _move_label(self, facts, to: str) -> str:
        """A move as offered: the status, and what the case still lacks for it (the store refuses it then)."""
        label = config.label("case_statuses", to, self.lang)
        lacking = case_cycle.missing(facts, to) if to != "closed" else ()
        if not lacking:
            return label
        return i18n.t("case.move.lacks", self.lang, to=label,
                      missing=case_cycle.Conditions(lacking, facts.instrument).message(self.lang))

    def _closure_fields(self):
        closing = self.forms["move"].inputs["to_status"].value == "closed"
        self.forms["move"].show_field("reason", closing)
        self.forms["move"].show_field("goals", closing and bool(self.goal_outcomes.rows))

    def _referral_fields(self):
        self.forms["service"].show_field("referral_to", self.forms["service"].inputs["service_type"].value == "referral")

    # --- actions: each calls one service function, which does every check -------------------
    def _move(self, v):
        to_status = picked(v, "to_status")
        self.goal_outcomes.show_errors({})
        try:
            move_case(self.db, self.user, self.case_id, to_status, on=v["on"], reason=v["reason"] or None,
                      note=v["note"] or None, expected_status=self.shown_status,
                      goals=v.get("goals") if to_status == "closed" else None, today=self.today)
        except InvalidInput as err:
            self.goal_outcomes.show_errors(err.problems)
            raise
        return Done("case.moved")

    def _override(self, v):
        to_status, _, condition = str(picked(v, "condition")).partition("|")
        override_condition(self.db, self.user, self.case_id, to_status=to_status, condition=condition,
                           reason=v["reason"], today=self.today)
        return Done("case.override.saved")

    def _transfer(self, v):
        transfer_case(self.db, self.user, self.case_id, to_worker=v["to_worker"], reason=v["reason"], on=v["on"],
                      today=self.today)
        return Done("case.transferred")

    def _service(self, v):
        record_service(self.db, self.user, self.case_id, service_type=v["service_type"], provided_on=v["provided_on"],
                       duration_minutes=v["duration_minutes"] or None, referral_to=v["referral_to"] or None,
                       note=v["note"] or None, today=self.today)
        return Done("case.service.saved")

    def _outcome(self, v):
        record_referral_outcome(self.db, self.user, picked(v, "service_id"), outcome=v["outcome"], on=v["on"],
                                case_id=self.case_id, today=self.today)
        return Done("case.outcome.saved")

    def _urgent(self, v):
        flag_urgent(self.db, self.user, self.case_id, note=v["note"], on=v["on"], today=self.today)
        return Done("case.urgent.done")

    def _extend(self, v):
        extend_accompaniment(self.db, self.user, self.case_id, months=v["months"], reason=v["reason"], on=v["on"],
                             today=self.today)
        return Done("case.extended")

    def _reopen(self, v):
        reopen_case(self.db, self.user, self.case_id, reason=v["reason"], on=v["on"], today=self.today)
        return Done("case.reopened")

    def _withdraw(self, v):
        # The service withdraws every consent of that purpose in force, and checks the person is this case's.
        purpose = v["purpose"] or None
        withdraw_consent(self.db, self.user, picked(v, "person_id"), purpose=purpose, withdrawn_on=v["withdrawn_on"],
                         note=v["note"] or None, case_id=self.case_id, today=self.today)
        return Done("case.consent.research_saved" if purpose == "research" else "case.consent.saved")

    def _record_stay(self, v):
        try:
            # The service checks that the person is one of this case's (a page can send any id).
            # The service reports a missing person with the other fields' problems, all at once.
            record_stay(self.db, self.user, v["person_id"], shelter=v["shelter"], from_on=v["from_on"],
                        case_id=self.case_id, today=self.today)
        except UserError as err:
            if err.key in ("person.not_found", "shelter.case_other_person", "guard.case_mismatch", "guard.bad_id"):
                raise InvalidInput({"person_id": err}) from None  # shown under the person's field
            raise
        return Done("case.shelter.recorded")

    def _end_stay(self, v):
        try:
            # Only a stay of this case's persons: the service checks it against the case.
            end_stay(self.db, self.user, picked(v, "stay_id"), to_on=v["to_on"], case_id=self.case_id,
                     today=self.today)
        except UserError as err:
            if err.key in ("guard.case_mismatch", "shelter.stay_not_found", "guard.bad_id"):
                raise InvalidInput({"stay_id": err}) from None
            raise
        return Done("case.shelter.ended")

    def _share(self, v):
        share_case(self.db, self.user, self.case_id, with_user=picked(v, "with_user"), reason=v["reason"] or None)
        return Done("case.share.saved")

    def _unshare(self, v):
        revoke_share(self.db, self.user, picked(v, "share_id"), case_id=self.case_id)
        return Done("case.unshare.saved")
