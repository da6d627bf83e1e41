"""The support plan app: the client's wishes turned into goals, actions, reviews and sign-offs.

Each goal carries the five Goal Attainment Scaling levels in words (−2 … +2, 0 being
the expected outcome), a target date and an optional weight; the case's
Kiresuk–Sherman T-score is shown after each review. A supervisor signs off the plan
and the assessment's conclusion. Every check is the service's.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..analysis.outcomes import plan_t_scores
from ..gas import GAS_LEVELS, gas_level_label, level_text
from ..i18n import UserError
from ..store.assessments import get_assessment, list_assessments
from ..store.cases import get_case
from ..store.guard import may
from ..store.lifecycle import move_readiness
from ..store.plans import (add_action, add_goal, case_goals, close_goal, complete_action, review_goal, sign_off,
                           signoffs)
from .client_page import goals_figure, png, png_html
from .next_step import next_step_html
from .common import note_opening, picked, signed_in, staff_names, status_html, ua_date
from .widgets import ActionForm, Done

i18n.add({
    "plan.title": {"uk": "План підтримки", "en": "Support plan"},
    "plan.wishes": {"uk": "Бажання клієнта (з особистого профілю №{id})", "en": "The client's wishes (from profile #{id})"},
    "plan.no_wishes": {"uk": "Особистого профілю з бажаннями ще немає.", "en": "No personal profile with wishes yet."},
    "plan.use_wish": {"uk": "Зробити метою", "en": "Make it a goal"},
    "plan.goals": {"uk": "Мети", "en": "Goals"},
    "plan.no_goals_yet": {"uk": "Мет ще немає.", "en": "No goals yet."},
    "plan.goal_line": {"uk": "№{id} «{title}» · {domain} · до {target} · вага {weight} · {status}",
                       "en": "#{id} '{title}' · {domain} · by {target} · weight {weight} · {status}"},
    "plan.status.open": {"uk": "триває", "en": "open"},
    "plan.wish_line": {"uk": "Бажання: «{wish}»", "en": "Wish: '{wish}'"},
    "plan.action_line": {"uk": "Дія №{id}: {what} — {who}, до {due}{done}", "en": "Action #{id}: {what} — {who}, by {due}{done}"},
    "plan.action_done_on": {"uk": " (виконано {on})", "en": " (done {on})"},
    "plan.review_line": {"uk": "Перегляд {on}: {level}{note}", "en": "Review {on}: {level}{note}"},
    "plan.t_score": {"uk": "T-бал GAS після перегляду {on}: {t} (цілей: {n})",
                     "en": "GAS T-score after the review of {on}: {t} (goals: {n})"},
    "plan.no_t_score": {"uk": "T-бал GAS зʼявиться після першого перегляду.", "en": "The GAS T-score appears after the first review."},
    "plan.signed": {"uk": "Затверджено: {what} {on} ({who})", "en": "Signed off: {what} {on} ({who})"},
    "plan.signed.plan": {"uk": "план", "en": "the plan"},
    "plan.signed.assessment": {"uk": "висновок оцінювання №{id}", "en": "the conclusion of assessment #{id}"},
    "plan.form.goal": {"uk": "Нова мета", "en": "New goal"},
    "plan.form.action": {"uk": "Нова дія", "en": "New action"},
    "plan.form.done": {"uk": "Позначити дію виконаною", "en": "Mark an action done"},
    "plan.form.review": {"uk": "Перегляд мети", "en": "Review a goal"},
    "plan.form.close": {"uk": "Закрити мету", "en": "Close a goal"},
    "plan.form.signoff": {"uk": "Затвердження (супервізор)", "en": "Sign-off (supervisor)"},
    "plan.f.wish": {"uk": "Бажання клієнта (його словами)", "en": "The client's wish (in their words)"},
    "plan.f.title": {"uk": "Мета", "en": "Goal"},
    "plan.f.domain": {"uk": "Сфера життя", "en": "Life domain"},
    "plan.f.set_on": {"uk": "Дата встановлення", "en": "Date set"},
    "plan.f.target_date": {"uk": "Цільова дата", "en": "Target date"},
    "plan.f.level": {"uk": "Рівень {level}: {label}", "en": "Level {level}: {label}"},
    "plan.f.weight": {"uk": "Вага (необовʼязково)", "en": "Weight (optional)"},
    "plan.f.goal_id": {"uk": "Мета", "en": "Goal"},
    "plan.f.what": {"uk": "Що зробити", "en": "What"},
    "plan.f.who": {"uk": "Хто", "en": "Who"},
    "plan.f.due_on": {"uk": "До коли", "en": "By when"},
    "plan.f.action_id": {"uk": "Дія", "en": "Action"},
    "plan.f.on": {"uk": "Дата", "en": "Date"},
    "plan.f.level_reached": {"uk": "Досягнутий рівень", "en": "Level reached"},
    "plan.f.note": {"uk": "Примітка", "en": "Note"},
    "plan.f.kind": {"uk": "Як закрити", "en": "How to close"},
    "plan.f.reason": {"uk": "Причина", "en": "Reason"},
    "plan.f.signoff_kind": {"uk": "Що затвердити", "en": "What to sign off"},
    "plan.f.assessment_id": {"uk": "Оцінювання (для висновку)", "en": "Assessment (for its conclusion)"},
    "plan.save": {"uk": "Зберегти", "en": "Save"},
    "plan.show_chart": {"uk": "Графік цілей", "en": "Goals chart"},
    "plan.saved_goal": {"uk": "Мету додано.", "en": "Goal added."},
    "plan.saved_action": {"uk": "Дію додано.", "en": "Action added."},
    "plan.saved_done": {"uk": "Дію позначено виконаною.", "en": "Action marked done."},
    "plan.saved_review": {"uk": "Перегляд записано. {t}", "en": "Review recorded. {t}"},
    "plan.saved_close": {"uk": "Мету закрито.", "en": "Goal closed."},
    "plan.saved_signoff": {"uk": "Затверджено.", "en": "Signed off."},
    "plan.choose": {"uk": "— виберіть —", "en": "— choose —"},
})

LEVEL_FIELDS = ("level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")


class SupportPlanApp:
    """The app's widgets; ``widget`` is what Voilà shows."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None, case_id=None):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        self.user_row = signed_in(db, user, "cases.search")
        self.case_id = None
        self.status = w.HTML()
        self.next_step, self.wishes, self.goals, self.t_score, self.signed = (w.HTML() for _ in range(5))
        for name in ("next_step", "wishes", "goals", "t_score", "signed"):
            getattr(self, name).add_class(f"wb-plan-{name}")
        self.wish_buttons = w.VBox()
        self.chart = w.HTML()  # PNG inline: see client_page.png_html
        self.chart.add_class("wb-plan-chart")
        # Drawing the chart takes about half a second: drawn when asked for, and again for each case while
        # it stays asked for (the goals, their levels and the T-score are in the text above it anyway).
        self.show_chart = w.ToggleButton(value=False, icon="line-chart")
        self.show_chart.add_class("wb-plan-show-chart")
        self.show_chart.observe(lambda _: self._draw_chart(), "value")
        self.forms = self._build_forms()
        self.case_box = w.VBox([self.next_step, self.wishes, self.wish_buttons, self.goals, self.t_score, self.show_chart,
                                self.chart,
                                self.signed, *[f.widget for f in self.forms.values()]],
                               layout=w.Layout(display="none"))
        self.widget = w.VBox([self.status, self.case_box])
        self.widget.add_class("wb-plan")
        self.set_language(self.lang)
        if case_id is not None:
            self.show_case(case_id)

    def _build_forms(self) -> dict[str, ActionForm]:
        def text(width="30em"):
            return w.Text(layout=w.Layout(width=width))

        def day():
            return w.Text(value=(self.today or date.today()).strftime("%d.%m.%Y"), layout=w.Layout(width="10em"))

        def choice():
            return w.Dropdown(options=[("", "")])

        return {
            "goal": ActionForm("wb-goal", "plan.form.goal", "plan.save", [
                ("wish", text(), "plan.f.wish"), ("title", text(), "plan.f.title"), ("domain", choice(), "plan.f.domain"),
                ("set_on", day(), "plan.f.set_on"), ("target_date", text("10em"), "plan.f.target_date"),
                *[(field, text(), "plan.f.level") for field in LEVEL_FIELDS],
                ("weight", text("6em"), "plan.f.weight")], self._add_goal, self.lang, after=self._refresh),
            "action": ActionForm("wb-action", "plan.form.action", "plan.save", [
                ("goal_id", choice(), "plan.f.goal_id"), ("what", text(), "plan.f.what"), ("who", text(), "plan.f.who"),
                ("due_on", text("10em"), "plan.f.due_on")], self._add_action, self.lang, after=self._refresh),
            "done": ActionForm("wb-done", "plan.form.done", "plan.save", [
                ("action_id", choice(), "plan.f.action_id"), ("on", day(), "plan.f.on")], self._done, self.lang, after=self._refresh),
            "review": ActionForm("wb-review", "plan.form.review", "plan.save", [
                ("goal_id", choice(), "plan.f.goal_id"), ("level", choice(), "plan.f.level_reached"),
                ("reviewed_on", day(), "plan.f.on"), ("note", text(), "plan.f.note")], self._review, self.lang, after=self._refresh),
            "close": ActionForm("wb-close-goal", "plan.form.close", "plan.save", [
                ("goal_id", choice(), "plan.f.goal_id"), ("kind", choice(), "plan.f.kind"),
                ("reason", text(), "plan.f.reason"), ("on", day(), "plan.f.on")], self._close, self.lang, after=self._refresh),
            "signoff": ActionForm("wb-signoff", "plan.form.signoff", "plan.save", [
                ("kind", choice(), "plan.f.signoff_kind"), ("assessment_id", choice(), "plan.f.assessment_id"),
                ("on", day(), "plan.f.on"), ("note", text(), "plan.f.note")], self._sign_off, self.lang, after=self._refresh),
        }

    def set_language(self, lang: str):
        self.lang = lang
        self.show_chart.description = i18n.t("plan.show_chart", lang)
        for form in self.forms.values():
            form.set_language(lang)
        goal_form = self.forms["goal"]
        for field, level in zip(LEVEL_FIELDS, GAS_LEVELS):
            goal_form.labels[field].value = html.escape(i18n.t("plan.f.level", lang, level=level_text(level),
                                                               label=gas_level_label(level, lang)))
        if self.case_id:
            self.show_case(self.case_id)

    def show_case(self, case_id):
        """Show the case's wishes, goals, T-score, chart and sign-offs, and the forms."""
        try:
            case = get_case(self.db, self.user, case_id)
        except UserError as err:
            self.case_id = None
            self.case_box.layout.display = "none"
            self.status.value = status_html(err.message(self.lang), "error")
            return
        self.status.value = ""
        self.case_id = case["id"]
        note_opening(self, self.case_id, "plan", self.case_id)
        lang = self.lang
        self.next_step.value = next_step_html(move_readiness(self.db, self.user, self.case_id, today=self.today),
                                              self.case_id, lang, here="plan")
        self._show_wishes()
        goals = case_goals(self.db, self.user, self.case_id)
        self._show_goals(goals)
        self._show_t_score()
        self._draw_chart()
        self._show_signoffs()
        self._refresh_choices(goals)
        self.case_box.layout.display = None

    def _draw_chart(self):
        if not (self.show_chart.value and self.case_id):
            self.chart.value = ""
            return
        figure = goals_figure(self.db, self.user, self.case_id, self.lang)
        self.chart.value = png_html(png(figure), figure.caption)

    def _refresh(self):
        self.show_case(self.case_id)

    def _show_wishes(self):
        profiles = [a for a in list_assessments(self.db, self.user, self.case_id) if a["instrument_id"] == "care_profile"]
        if not profiles:
            self.wishes.value = html.escape(i18n.t("plan.no_wishes", self.lang))
            self.wish_buttons.children = []
            return
        latest = profiles[0]
        answers = get_assessment(self.db, self.user, latest["id"])["answers"]
        self.wishes.value = f"<b>{html.escape(i18n.t('plan.wishes', self.lang, id=latest['id']))}</b>"
        buttons = []
        for n in (1, 2, 3):
            wish, domain = answers.get(f"wish_{n}"), answers.get(f"wish_{n}_domain")
            if wish:
                use = w.Button(description=i18n.t("plan.use_wish", self.lang), layout=w.Layout(width="auto"))
                use.add_class("wb-use-wish")
                use.on_click(lambda _, wish=wish, domain=domain: self._prefill(wish, domain))
                label = f"«{wish}» · {config.label('life_domains', domain, self.lang)}" if domain else f"«{wish}»"
                buttons.append(w.HBox([w.HTML(html.escape(label)), use]))
        self.wish_buttons.children = buttons

    def _prefill(self, wish, domain):
        form = self.forms["goal"]
        form.inputs["wish"].value = wish
        if domain in config.codes("life_domains"):
            form.inputs["domain"].value = domain

    def _show_goals(self, goals):
        lang, parts = self.lang, []
        for g in goals:
            status = i18n.t("plan.status.open", lang) if g["status"] == "open" else i18n.t(f"plan.closed.{g['status']}", lang)
            line = i18n.t("plan.goal_line", lang, id=g["id"], title=g["title"],
                          domain=config.label("life_domains", g["domain"], lang), target=ua_date(g["target_date"]),
                          weight=f"{g['weight'] or 1:g}", status=status)
            items = [i18n.t("plan.wish_line", lang, wish=g["wish"])]
            items += [f"{level_text(level)} ({gas_level_label(level, lang)}): {text}" for level, text in zip(GAS_LEVELS, g["levels"])]
            items += [i18n.t("plan.action_line", lang, id=a["id"], what=a["what"], who=a["who"], due=ua_date(a["due_on"]),
                             done=i18n.t("plan.action_done_on", lang, on=ua_date(a["done_on"])) if a["done_on"] else "")
                      for a in g["actions"]]
            items += [i18n.t("plan.review_line", lang, on=ua_date(r["reviewed_on"]),
                             level=f"{level_text(r['level'])} ({gas_level_label(r['level'], lang)})",
                             note=f" — {r['note']}" if r["note"] else "") for r in g["reviews"]]
            parts.append(f"<li><b>{html.escape(line)}</b><ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items)
                         + "</ul></li>")
        title = f"<b>{html.escape(i18n.t('plan.goals', lang))}</b>"
        self.goals.value = title + (f"<ul>{''.join(parts)}</ul>" if parts else
                                    f"<p>{html.escape(i18n.t('plan.no_goals_yet', lang))}</p>")

    def _t_score_text(self) -> str:
        scores = plan_t_scores(self.db, self.user, self.case_id)
        if not scores:
            return i18n.t("plan.no_t_score", self.lang)
        last = scores[-1]
        return i18n.t("plan.t_score", self.lang, on=last["on"].strftime("%d.%m.%Y"), t=f"{last['t_score']:.1f}",
                      n=last["goals"])

    def _show_t_score(self):
        self.t_score.value = f"<b>{html.escape(self._t_score_text())}</b>"

    def _show_signoffs(self):
        lines, names = [], staff_names(self.db, self.user)
        for s in signoffs(self.db, self.user, self.case_id):
            what = i18n.t("plan.signed.plan", self.lang) if s["kind"] == "plan" else \
                i18n.t("plan.signed.assessment", self.lang, id=s["assessment_id"])
            lines.append(i18n.t("plan.signed", self.lang, what=what, on=ua_date(s["signed_on"]),
                                who=names.get(s["signed_by"], s["signed_by"])))
        self.signed.value = "".join(f"<div>{html.escape(line)}</div>" for line in lines)

    def _refresh_choices(self, goals):
        lang = self.lang
        choose = [(i18n.t("plan.choose", lang), None)]
        open_goals = choose + [(f"№{g['id']} {g['title']}", g["id"]) for g in goals if g["status"] == "open"]
        self.forms["goal"].inputs["domain"].options = choose + config.choices("life_domains", lang)
        for name in ("action", "review", "close"):
            self.forms[name].inputs["goal_id"].options = open_goals
        self.forms["done"].inputs["action_id"].options = choose + [
            (f"№{a['id']} {a['what']}", a["id"]) for g in goals if g["status"] == "open"
            for a in g["actions"] if not a["done_on"]]
        self.forms["review"].inputs["level"].options = choose + [
            (f"{level_text(level)} — {gas_level_label(level, lang)}", level) for level in GAS_LEVELS]
        self.forms["close"].inputs["kind"].options = choose + [
            (i18n.t("plan.closed.achieved", lang), "achieved"), (i18n.t("plan.closed.abandoned", lang), "abandoned")]
        self.forms["signoff"].inputs["kind"].options = choose + [
            (i18n.t("plan.signed.plan", lang), "plan"), (i18n.t("plan.signed.assessment", lang, id="…"), "assessment")]
        self.forms["signoff"].inputs["assessment_id"].options = choose + [
            (f"№{a['id']} · {ua_date(a['assessed_on'])}", a["id"]) for a in list_assessments(self.db, self.user,
                                                                                            self.case_id)]
        # What shows follows the policy (the store decides again): the head of centre reads only.
        writes = may(self.db, self.user, "case.write", self.case_id)
        for form in self.forms.values():
            form.widget.layout.display = None if writes else "none"
        self.forms["signoff"].widget.layout.display = (
            None if may(self.db, self.user, "case.sign_off", self.case_id) else "none")
        self.wish_buttons.layout.display = None if writes else "none"

    # --- actions: each calls one service function, which does every check (the record's case too) --
    def _add_goal(self, v):
        add_goal(self.db, self.user, self.case_id, wish=v["wish"], title=v["title"], domain=v["domain"],
                 set_on=v["set_on"], target_date=v["target_date"], levels=[v[f] for f in LEVEL_FIELDS],
                 weight=v["weight"] or None, today=self.today)
        return Done("plan.saved_goal")

    def _add_action(self, v):
        add_action(self.db, self.user, picked(v, "goal_id"), what=v["what"], who=v["who"], due_on=v["due_on"],
                   case_id=self.case_id, today=self.today)
        return Done("plan.saved_action")

    def _done(self, v):
        complete_action(self.db, self.user, picked(v, "action_id"), done_on=v["on"], case_id=self.case_id,
                        today=self.today)
        return Done("plan.saved_done")

    def _review(self, v):
        review_goal(self.db, self.user, picked(v, "goal_id"), level=v["level"], reviewed_on=v["reviewed_on"],
                    note=v["note"] or None, case_id=self.case_id, today=self.today)
        return Done("plan.saved_review", t=self._t_score_text())

    def _close(self, v):
        close_goal(self.db, self.user, picked(v, "goal_id"), kind=v["kind"], on=v["on"], reason=v["reason"] or None,
                   case_id=self.case_id, today=self.today)
        return Done("plan.saved_close")

    def _sign_off(self, v):
        sign_off(self.db, self.user, self.case_id, kind=v["kind"], assessment_id=v["assessment_id"], on=v["on"],
                 note=v["note"] or None, today=self.today)
        return Done("plan.saved_signoff")
