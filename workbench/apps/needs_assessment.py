"""The case record's assessments tab: a case's saved assessments, read-only or corrected, and a new one.

Clients are found on the workspace's home page and registered at intake; this view shows one case.

A thin view over the service functions: every check is theirs. The form in
progress is kept as a draft on every change, so a closed tab or a dead kernel
loses nothing; reopening the case offers the draft back.
"""
from __future__ import annotations

import html
import uuid
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..forms.view import FormView
from ..i18n import UserError
from ..instruments.loader import InstrumentError, builtin_names, load_builtin, load_builtin_version
from ..instruments.model import Instrument
from ..store.assessments import (DEFAULT_PURPOSE, SubmissionInvalid, assessment_history, correct_assessment,
                                 get_assessment, get_assessment_row, list_assessments, save_assessment)
from ..store.cases import get_case
from ..store.children import CHILD_REPEAT, ChildDuplicates, case_children, case_parents, child_entries, links_children
from ..store.drafts import end_draft, find_draft, save_draft
from ..store.guard import may
from ..store.inputs import InvalidInput
from .assessment_files import AssessmentFiles
from .assessment_record import assessment_html
from .client_page import png, png_html, star_figure
from .address import Place, link
from .common import local_time, note_opening, signed_in, staff_names, status_html, ua_date
from .new_children import NewChildrenPanel
from .widgets import Submission, once

i18n.add({
    "na.title": {"uk": "Оцінювання потреб", "en": "Needs assessment"},
    "na.saved_list": {"uk": "Збережені оцінювання", "en": "Saved assessments"},
    "na.none_saved": {"uk": "Оцінювань ще немає.", "en": "No assessments yet."},
    "na.saved_row": {
        "uk": "№{id} від {date}, заповнив(ла) {who}, версія {version} · {purpose}",
        "en": "#{id} of {date}, by {who}, version {version} · {purpose}",
    },
    "na.view": {"uk": "Переглянути", "en": "View"},
    "na.record_title": {"uk": "Оцінювання №{id} від {date}", "en": "Assessment #{id} of {date}"},
    "na.correct": {"uk": "Виправити", "en": "Correct"},
    "na.new": {"uk": "Нове оцінювання", "en": "New assessment"},
    "na.assessed_on": {"uk": "Дата оцінювання", "en": "Date of assessment"},
    "na.purpose": {"uk": "Мета оцінювання", "en": "Purpose of the assessment"},
    "na.reason": {"uk": "Причина виправлення", "en": "Reason for the correction"},
    "na.save": {"uk": "Зберегти", "en": "Save"},
    "na.save_correction": {"uk": "Зберегти виправлення", "en": "Save correction"},
    "na.close": {"uk": "Закрити форму", "en": "Close the form"},
    "na.saved": {"uk": "Збережено: оцінювання №{id}.", "en": "Saved: assessment #{id}."},
    "na.correction_saved": {
        "uk": "Збережено виправлення: нова версія №{id} замінює №{old}.",
        "en": "Correction saved: new version #{id} supersedes #{old}.",
    },
    "na.form_new": {"uk": "Нове оцінювання", "en": "New assessment"},
    "na.form_correction": {
        "uk": "Виправлення оцінювання №{id} (збережена версія не зміниться; зʼявиться нова)",
        "en": "Correcting assessment #{id} (the saved version stays; a new one is added)",
    },
    "na.history": {"uk": "Історія версій", "en": "Version history"},
    "na.history_row": {
        "uk": "версія {version}: №{id}, {date}, {who}, {purpose}{reason}",
        "en": "version {version}: #{id}, {date}, {who}, {purpose}{reason}",
    },
    "na.draft_offer": {
        "uk": "Є незбережена чернетка від {when}. Продовжити її?",
        "en": "There is an unsaved draft from {when}. Continue it?",
    },
    "na.draft_resume": {"uk": "Продовжити чернетку", "en": "Continue the draft"},
    "na.draft_discard": {"uk": "Відкинути чернетку", "en": "Discard the draft"},
    "na.draft_kept": {"uk": "Чернетку збережено {when}.", "en": "Draft kept at {when}."},
    "na.not_saved": {"uk": "Не збережено: {reason}", "en": "Not saved: {reason}"},
})

INSTRUMENT = "family_needs_assessment"


class NeedsAssessmentApp:
    """The view's widgets and state; ``widget`` is what the case record shows in its assessments tab."""

    def __init__(self, db, user: str, lang: str = "uk", instrument: Instrument | None = None,
                 today: date | None = None):
        self.db, self.user, self.lang, self.today = db, user, i18n.normalise_language(lang), today
        self.user_row = signed_in(db, user, "cases.search")
        self.writes = False  # whether the user may change the case shown (the policy's answer, for the view)
        # Every built-in instrument can be filled; a case starts with its programme's (configuration).
        self.instruments = {i.id: i for i in ([instrument] if instrument else
                                              [load_builtin(name) for name in builtin_names()])}
        self.instrument = instrument or self.instruments.get(INSTRUMENT) or next(iter(self.instruments.values()))
        self.instrument_choice = w.Dropdown(options=[(i.title(self.lang), i.id) for i in self.instruments.values()],
                                            value=self.instrument.id)
        self.instrument_choice.add_class("wb-instrument")
        self._relabelling = False
        self.instrument_choice.observe(lambda _: self._instrument_chosen(), "value")
        self.case_id: int | None = None
        self.form: FormView | None = None
        self.form_instrument: Instrument | None = None  # the open form's (a correction keeps its version)
        self.children_panel: NewChildrenPanel | None = None
        self.editing: dict | None = None  # submission_key, supersedes, draft_key of the open form
        self.saving = Submission()  # the open form's submission (its key is editing["submission_key"])
        self.form_error: UserError | None = None
        self._loading = False
        self.status = w.HTML()
        self.status.add_class("wb-status")
        # The case's assessments
        self.draft_box = w.VBox()
        self.saved_title = w.HTML()
        self.saved_list = w.HTML()  # one widget of rows with links: a long history draws at once
        self.saved_list.add_class("wb-saved-list")
        self.new_button = w.Button(icon="plus", button_style="info")
        self.new_button.add_class("wb-new")
        self.new_button.on_click(lambda _: self.open_form())
        # One saved assessment, read-only: its answers and domain scores, its star over the first one's.
        self.record, self.record_chart = w.HTML(), w.HTML()
        self.record.add_class("wb-record")
        self.record_chart.add_class("wb-record-chart")
        self.record_files = AssessmentFiles(db, self.user)
        self.viewing: int | None = None
        self.correct_button = w.Button(icon="pencil", layout=w.Layout(display="none"))
        self.correct_button.add_class("wb-open")
        self.correct_button.on_click(lambda _: self.viewing and self.open_form(correcting=self.viewing))
        self.case_box = w.VBox([self.instrument_choice, self.draft_box, self.new_button, self.saved_title,
                                self.saved_list, self.record, self.record_files.widget, self.correct_button,
                                self.record_chart],
                               layout=w.Layout(display="none", margin="8px 0"))
        # The form
        self.form_title, self.history = w.HTML(), w.HTML()
        self.assessed_on_label, self.reason_label = w.HTML(), w.HTML()
        self.assessed_on = w.Text(layout=w.Layout(width="10em"))
        self.assessed_on.add_class("wb-assessed-on")
        self.reason = w.Text(layout=w.Layout(width="40em", max_width="100%"))
        self.reason.add_class("wb-reason")
        self.reason_box = w.VBox([self.reason_label, self.reason])
        self.purpose_label, self.purpose_error = w.HTML(), w.HTML()
        self.purpose = w.Dropdown(options=config.choices("assessment_purposes", self.lang), value=DEFAULT_PURPOSE,
                                  layout=w.Layout(width="40em"))
        self.purpose.add_class("wb-purpose")
        self.purpose_error.add_class("wb-purpose-error")
        for widget in (self.assessed_on, self.reason, self.purpose):
            widget.observe(lambda _: self.keep_draft(), "value")
        self.form_holder = w.VBox()
        self.children_holder = w.VBox()
        self.save_button = w.Button(button_style="success", icon="save")
        self.save_button.add_class("wb-save")
        self.save_button.on_click(lambda _: self.save())
        self.close_button = w.Button()
        self.close_button.add_class("wb-close")
        self.close_button.on_click(lambda _: self.close_form())
        self.form_status = w.HTML()
        self.form_status.add_class("wb-form-status")
        self.form_box = w.VBox([self.form_title, self.history, self.assessed_on_label, self.assessed_on,
                                self.purpose_label, self.purpose, self.purpose_error, self.reason_box,
                                self.form_holder, self.children_holder, self.form_status,
                                w.HBox([self.save_button, self.close_button])],
                               layout=w.Layout(display="none", border="1px solid #999", padding="8px"))
        self.widget = w.VBox([self.status, self.case_box, self.form_box])
        self.widget.add_class("wb-assessments")
        self.set_language(self.lang)

    @staticmethod
    def preload() -> None:
        """Load what does not depend on the user (the instrument, the heavy imports) ahead of a request."""
        for name in builtin_names():
            load_builtin(name)

    # --- language -------------------------------------------------------------------------
    def set_language(self, lang: str):
        self.lang = lang
        t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
        self.saved_title.value = f"<h4>{html.escape(t('na.saved_list'))}</h4>"
        self.new_button.description = t("na.new")
        self._relabelling = True  # new option labels are not a new choice
        try:
            self.instrument_choice.options = [(i.title(lang), i.id) for i in self.instruments.values()]
            self.instrument_choice.value = self.instrument.id
        finally:
            self._relabelling = False
        self.assessed_on_label.value = f"<b>{html.escape(t('na.assessed_on'))}</b>"
        self.assessed_on.placeholder = t("reg.date_placeholder")
        self.purpose_label.value = f"<b>{html.escape(t('na.purpose'))}</b>"
        self._set_purpose(self.purpose.value)  # relabelled in this language, the choice kept
        self.reason_label.value = f"<b>{html.escape(t('na.reason'))}</b>"
        self.close_button.description = t("na.close")
        self.save_button.description = t("na.save_correction" if self.editing and self.editing["supersedes"]
                                         else "na.save")
        if self.form:
            self.form.set_language(lang)
            if self.children_panel:
                self.children_panel.set_language(lang)
            self._form_heading()
            self._show_form_error()
        if self.case_id:
            self.show_case(self.case_id, keep_status=True)

    # --- the case --------------------------------------------------------------------------
    def show_case(self, case_id: int, keep_status: bool = False):
        """Show the case's saved assessments and any draft of this user's."""
        try:
            case = get_case(self.db, self.user, case_id)
        except UserError as err:
            if self.form:
                self.close_form()
            self.case_id = None
            self.case_box.layout.display = "none"
            self.status.value = status_html(err.message(self.lang), "error")
            return
        if self.case_id != case["id"]:
            if self.form:
                self.close_form()
            default = config.programme_instrument(case["programme"])
            self.case_id = case["id"]
            if default in self.instruments and default != self.instrument.id:
                self.instrument_choice.value = default  # shows this case through _instrument_chosen
                return
        self.case_id = case["id"]
        note_opening(self, self.case_id, "case", self.case_id)
        self.writes = may(self.db, self.user, "case.write", self.case_id)
        self.new_button.layout.display = None if self.writes else "none"
        self.save_button.layout.display = None if self.writes else "none"
        if not keep_status:
            self.status.value = ""
        self.case_box.layout.display = None
        rows, names = [], staff_names(self.db, self.user)
        self.close_view()
        for saved in list_assessments(self.db, self.user, self.case_id):
            if saved["instrument_id"] != self.instrument.id:
                continue
            version = len(assessment_history(self.db, self.user, saved["id"]))
            text = i18n.t("na.saved_row", self.lang, id=saved["id"], date=ua_date(saved["assessed_on"]),
                          who=names.get(saved["created_by"], saved["created_by"]), version=version,
                          purpose=config.label("assessment_purposes", saved["purpose"], self.lang))
            view = link(Place("case", self.case_id, "assessments", saved["id"]),
                        html.escape(i18n.t("na.view", self.lang)), "wb-view-assessment")
            rows.append(f'<li class="wb-saved-row" data-assessment="{saved["id"]}">{html.escape(text)} · {view}</li>')
        self.saved_list.value = (f'<ul class="wb-list">{"".join(rows)}</ul>' if rows
                                 else f"<p>{html.escape(i18n.t('na.none_saved', self.lang))}</p>")
        self._offer_draft()

    def close_view(self):
        """No saved assessment shown any more."""
        self.viewing, self.record.value, self.record_chart.value = None, "", ""
        self.record_files.widget.children = []
        self.correct_button.layout.display = "none"

    def view(self, assessment_id: int):
        """Show a saved assessment read-only: its answers and domain scores, its version history, and its
        star chart over the case's first assessment of the same instrument."""
        try:
            row = get_assessment_row(self.db, self.user, assessment_id)  # the store checks the case may be read
        except UserError as err:
            self.close_view()
            self.status.value = status_html(err.message(self.lang), "error")
            return
        if row["case_id"] != self.case_id:
            self.close_view()  # an assessment of another case, from a forged address: not shown here
            return
        instrument = self._instrument_version(row["instrument_version"]) \
            if row["instrument_id"] == self.instrument.id else self.instruments[row["instrument_id"]]
        saved = get_assessment(self.db, self.user, assessment_id, instrument)
        note_opening(self, self.case_id, "assessment", assessment_id)
        self.viewing = assessment_id
        title = i18n.t("na.record_title", self.lang, id=assessment_id, date=ua_date(saved["assessed_on"]))
        self.record.value = (f"<h4>{html.escape(title)}</h4>" + self._history_html(assessment_id)
                             + assessment_html(instrument, saved["answers"], self.lang))
        self.record_files.show(self.case_id, assessment_id, self.lang)
        figure = star_figure(self.db, self.user, self.case_id, row["instrument_id"], current_id=assessment_id,
                             lang=self.lang)
        self.record_chart.value = png_html(png(figure), figure.caption)
        self.correct_button.description = i18n.t("na.correct", self.lang)
        self.correct_button.layout.display = None if self.writes and not self.form else "none"

    def _instrument_chosen(self):
        """Another instrument picked: its saved assessments and drafts for the case (an open form closes, its draft stays)."""
        chosen = self.instruments.get(self.instrument_choice.value)
        if self._relabelling or chosen is None or chosen is self.instrument:
            return
        if self.form:
            self.close_form()
        self.instrument = chosen
        if self.case_id:
            self.show_case(self.case_id, keep_status=True)

    def _offer_draft(self):
        draft = None if self.form or not self.writes else find_draft(self.db, self.user, self.case_id,
                                                                        self.instrument.id)
        if not draft:
            self.draft_box.children = []
            return
        resume = w.Button(description=i18n.t("na.draft_resume", self.lang), button_style="warning")
        resume.add_class("wb-draft-resume")
        discard = w.Button(description=i18n.t("na.draft_discard", self.lang))
        discard.add_class("wb-draft-discard")
        resume.on_click(lambda _: self.open_form(draft=draft))
        once(discard, lambda: self._discard_draft(draft))
        offer = w.HTML(status_html(i18n.t("na.draft_offer", self.lang, when=local_time(draft["updated_at"]))))
        self.draft_box.children = [offer, w.HBox([resume, discard])]

    def _discard_draft(self, draft):
        end_draft(self.db, self.user, draft["draft_key"], case_id=self.case_id, outcome="discarded")
        self.draft_box.children = []
        return draft["draft_key"]

    # --- the form --------------------------------------------------------------------------
    def open_form(self, correcting: int | None = None, draft: dict | None = None):
        """Open an empty form, a saved assessment for correction, or a kept draft."""
        self.status.value = ""
        self._loading = True  # filling the form is not the user's change: no draft for it
        today = self.today or date.today()
        saved = get_assessment_row(self.db, self.user, correcting) if correcting and not draft else None
        version = (saved or {}).get("instrument_version") or (draft and self._draft_version(draft["content"]))
        self.form_instrument = self._instrument_version(version)
        self.form = FormView(self.form_instrument, self.lang, on_change=lambda _: self._form_changed())
        if draft:
            content = draft["content"]
            self.editing = {"submission_key": content["submission_key"], "supersedes": content.get("supersedes"),
                            "draft_key": draft["draft_key"]}
            self.form.set_values(content.get("values") or {})
            self.assessed_on.value = content.get("assessed_on") or ""
            self.reason.value = content.get("reason") or ""
            self._set_purpose(content.get("purpose"))
        elif correcting:
            saved = get_assessment(self.db, self.user, correcting, self.form_instrument)
            note_opening(self, self.case_id, "assessment", saved["id"])
            self.editing = {"submission_key": str(uuid.uuid4()), "supersedes": saved["id"],
                            "draft_key": str(uuid.uuid4())}
            self.form.set_values(saved["answers"])
            self.assessed_on.value = ua_date(saved["assessed_on"])
            self.reason.value = ""
            self._set_purpose(saved["purpose"])
        else:
            self.editing = {"submission_key": str(uuid.uuid4()), "supersedes": None, "draft_key": str(uuid.uuid4())}
            self.assessed_on.value = today.strftime("%d.%m.%Y")
            self.reason.value = ""
            self._set_purpose(DEFAULT_PURPOSE)
            if links_children(self.form_instrument):
                # The child section starts from the children registered on the case, linked to them.
                self.form.set_values({CHILD_REPEAT: child_entries(case_children(self.db, self.user, self.case_id,
                                                                                on=today))})
        self.children_panel = None
        if links_children(self.form_instrument):
            parents = case_parents(self.db, self.user, self.case_id, on=today)
            family = next((p["family_name"] for p in parents if p["relation"] == "applicant"), "")
            self.children_panel = NewChildrenPanel(self.form, self.lang, parents, family, on_change=self.keep_draft)
            if draft:
                self.children_panel.restore(draft["content"].get("new_children"))
        self.children_holder.children = [self.children_panel.widget] if self.children_panel else []
        self.saving = Submission(self.editing["submission_key"])  # a new opening (a draft's keeps its key)
        self.form_holder.children = [self.form.widget]
        self.form_error = None
        self._show_form_error()
        self.draft_box.children = []
        self.correct_button.layout.display = "none"  # a second Correct would start the form over
        self._form_heading()
        self.form_box.layout.display = None
        self._loading = False

    def _instrument_version(self, version) -> Instrument:
        """The instrument chosen, at ``version`` when an assessment saved with an earlier version is corrected."""
        if not version or version == self.instrument.version:
            return self.instrument
        try:
            return load_builtin_version(self.instrument.id, version)
        except InstrumentError:
            return self.instrument  # not shipped: the store refuses the correction and says which version

    def _draft_version(self, content: dict):
        if content.get("instrument_version"):
            return content["instrument_version"]
        if content.get("supersedes"):
            return get_assessment_row(self.db, self.user, content["supersedes"])["instrument_version"]
        return None

    def _form_changed(self):
        if self.children_panel and not self._loading:
            self.children_panel.set_language(self.lang)  # a child's name in its registration block
        self.keep_draft()

    def _form_heading(self):
        supersedes = self.editing and self.editing["supersedes"]
        title = i18n.t("na.form_correction", self.lang, id=supersedes) if supersedes else i18n.t("na.form_new", self.lang)
        self.form_title.value = f"<h3>{html.escape(title)}</h3>"
        self.reason_box.layout.display = None if supersedes else "none"
        self.save_button.description = i18n.t("na.save_correction" if supersedes else "na.save", self.lang)
        self.history.value = self._history_html(supersedes) if supersedes else ""

    def _history_html(self, assessment_id: int) -> str:
        """Every version of the assessment, oldest first, with who saved it and why it was corrected."""
        lines, names = [], staff_names(self.db, self.user)
        for number, version in enumerate(assessment_history(self.db, self.user, assessment_id), start=1):
            reason = f" — {version['correction_reason']}" if version["correction_reason"] else ""
            lines.append(html.escape(i18n.t("na.history_row", self.lang, version=number, id=version["id"],
                                            date=ua_date(version["assessed_on"]),
                                            who=names.get(version["created_by"], version["created_by"]),
                                            purpose=config.label("assessment_purposes", version["purpose"],
                                                                 self.lang),
                                            reason=reason)))
        return (f"<b>{html.escape(i18n.t('na.history', self.lang))}</b><ul>"
                + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")

    def _set_purpose(self, code):
        """Show the purpose ``code`` (the default if it is no longer configured), labelled in the language."""
        loading, self._loading = self._loading, True  # relabelling or filling is not the user's change
        try:
            self.purpose.options = config.choices("assessment_purposes", self.lang)
            self.purpose.value = code if code in config.codes("assessment_purposes") else DEFAULT_PURPOSE
        finally:
            self._loading = loading

    def _show_form_error(self):
        err = self.form_error
        problem = err.problems.get("purpose") if isinstance(err, InvalidInput) else None
        self.purpose_error.value = status_html(problem.message(self.lang), "error") if problem else ""
        if err is None:
            self.form_status.value = ""
            return
        # The invalid-input errors already say "not saved"; others get it said.
        text = err.message(self.lang) if isinstance(err, (SubmissionInvalid, InvalidInput)) \
            else i18n.t("na.not_saved", self.lang, reason=err.message(self.lang))
        if isinstance(err, InvalidInput) and any(key.startswith("child[") for key in err.problems):
            text = err.summary(self.lang)  # an added child's problems are shown in their registration block
        if problem:  # the purpose's problem is shown under the dropdown: say the rest here
            rest = {name: p for name, p in err.problems.items() if name != "purpose"}
            text = InvalidInput(rest).message(self.lang) if rest else err.summary(self.lang)
        self.form_status.value = status_html(text, "error")

    def keep_draft(self):
        """Keep the form in progress as a draft (called on every change)."""
        if self._loading or not (self.form and self.editing and self.case_id and self.writes):
            return
        try:
            save_draft(self.db, self.user, draft_key=self.editing["draft_key"], case_id=self.case_id,
                       instrument_id=self.instrument.id,
                       content={"values": self.form.draft_values(), "assessed_on": self.assessed_on.value,
                                "reason": self.reason.value, "purpose": self.purpose.value,
                                "submission_key": self.editing["submission_key"],
                                "supersedes": self.editing["supersedes"],
                                "instrument_version": self.form_instrument.version,
                                "new_children": self.children_panel.value() if self.children_panel else {}})
        except UserError as err:  # e.g. the case was handed to someone else meanwhile
            self.form_status.value = status_html(err.message(self.lang), "error")

    def save(self) -> int | None:
        """Save the open form once (a new assessment or a correction); returns the id or None. A second click,
        after the form closed, gives the same id and saves nothing (see widgets.Submission)."""
        return self.saving.run(self._save)

    def _save(self) -> int | None:
        if not (self.form and self.editing and self.case_id):
            return None  # no form open: a click on the hidden button
        self.form.check(show_all=True, today=self.today)
        # No choice at all (a page can clear the dropdown) is not the default: the service refuses it.
        purpose = self.purpose.value if self.purpose.value is not None else ""
        new_children = self.children_panel.value() if self.children_panel else None
        try:
            if self.editing["supersedes"]:
                assessment_id = correct_assessment(
                    self.db, self.user, assessment_id=self.editing["supersedes"], instrument=self.form_instrument,
                    answers=self.form.values(), reason=self.reason.value, assessed_on=self.assessed_on.value,
                    submission_key=self.editing["submission_key"], today=self.today, purpose=purpose,
                    new_children=new_children)
            else:
                assessment_id = save_assessment(
                    self.db, self.user, case_id=self.case_id, instrument=self.form_instrument,
                    answers=self.form.values(), assessed_on=self.assessed_on.value,
                    submission_key=self.editing["submission_key"], today=self.today, purpose=purpose,
                    new_children=new_children)
        except UserError as err:
            if isinstance(err, SubmissionInvalid):  # the store's checks too (a file's type, size): under each question
                self.form.show_checked(err.checked)
            if self.children_panel:
                if isinstance(err, ChildDuplicates):
                    self.children_panel.show_duplicates(err.candidates)
                self.children_panel.show_problems(err.problems if isinstance(err, InvalidInput) else {})
            self.form_error = err
            self._show_form_error()
            return None
        old = self.editing["supersedes"]
        # The confirmation first, the form closed with it; then the rest, which the user need not wait for.
        message = (i18n.t("na.correction_saved", self.lang, id=assessment_id, old=old) if old
                   else i18n.t("na.saved", self.lang, id=assessment_id))
        self.status.value = status_html(message, "ok")
        self.form_box.layout.display = "none"
        end_draft(self.db, self.user, self.editing["draft_key"], case_id=self.case_id, outcome="saved")
        self.close_form(keep_draft=True)
        self.show_case(self.case_id, keep_status=True)
        return assessment_id

    def close_form(self, keep_draft: bool = True):
        """Close the form; its draft stays (offered again) unless it was just saved."""
        self.form = None
        self.editing = None
        self.form_error = None
        self.children_panel = None
        self.children_holder.children = []
        self._show_form_error()
        self.form_holder.children = []
        self.form_box.layout.display = "none"
        if self.viewing and self.writes:
            self.correct_button.layout.display = None  # the assessment shown can be corrected again
        if self.case_id:
            self._offer_draft()
