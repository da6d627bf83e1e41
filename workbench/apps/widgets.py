"""Small widget pieces the staff apps share: a labelled action form and the case search box."""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n
from ..i18n import UserError
from ..store.inputs import InvalidInput
from ..store.search import find_cases
from .common import ERROR_STYLE, status_html, subject_label, ua_date

i18n.add({
    "search.label": {"uk": "Пошук клієнта", "en": "Find a client"},
    "search.placeholder": {
        "uk": "Частина імені, дата народження (дд.мм.рррр) або номер випадку",
        "en": "Part of a name, date of birth (dd.mm.yyyy) or case number",
    },
    "search.hint": {"uk": "Введіть щонайменше 2 символи.", "en": "Type at least 2 characters."},
    "search.no_match": {"uk": "Нікого не знайдено.", "en": "No one found."},
    "search.more": {
        "uk": "Показано {shown} з {total}; уточніть пошук.",
        "en": "Showing {shown} of {total}; narrow the search.",
    },
})


class ActionForm:
    """A titled form: labelled inputs, a submit button, a message per field and one for the form.

    ``fields`` is a list of ``(name, widget, label_key)``; ``handler(values)`` does the
    work through a service function and returns a success message (or raises
    ``UserError``/``InvalidInput``, whose messages are shown, in the current language).
    """

    def __init__(self, css: str, title_key: str, submit_key: str, fields: list, handler, lang: str,
                 on_refused=None):
        self.title_key, self.submit_key, self.handler, self.lang = title_key, submit_key, handler, lang
        self.on_refused = on_refused  # e.g. re-read the case: what was offered may have gone stale
        self.inputs = {name: widget for name, widget, _ in fields}
        self.label_keys = {name: key for name, _, key in fields}
        self.labels = {name: w.HTML() for name in self.inputs}
        self.errors = {name: w.HTML() for name in self.inputs}
        self.rows = {name: w.VBox([self.labels[name], widget, self.errors[name]]) for name, widget, _ in fields}
        self.title, self.status = w.HTML(), w.HTML()
        self.status.add_class(f"{css}-status")
        for name, error in self.errors.items():
            error.add_class(f"{css}-{name}-error")
        self.submit = w.Button(button_style="primary")
        self.submit.add_class(f"{css}-submit")
        self.submit.on_click(lambda _: self.run())
        for name, widget in self.inputs.items():
            widget.add_class(f"{css}-{name}")
        self.widget = w.VBox([self.title, *self.rows.values(), self.submit, self.status],
                             layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"))
        self.widget.add_class(css)
        self._last = None
        self.set_language(lang)

    def set_language(self, lang: str):
        self.lang = lang
        self.title.value = f"<b>{html.escape(i18n.t(self.title_key, lang))}</b>"
        self.submit.description = i18n.t(self.submit_key, lang)
        for name, key in self.label_keys.items():
            self.labels[name].value = html.escape(i18n.t(key, lang))
        if self._last is not None:
            self._show(self._last)

    def show_field(self, name: str, visible: bool):
        self.rows[name].layout.display = None if visible else "none"

    def values(self) -> dict:
        return {name: widget.value for name, widget in self.inputs.items()}

    def run(self):
        try:
            result = self.handler(self.values())
        except UserError as err:
            self._last = err
            if self.on_refused and not isinstance(err, InvalidInput):
                self.on_refused()
        else:
            self._last = result
        self._show(self._last)

    def _show(self, outcome):
        for error in self.errors.values():
            error.value = ""
        if isinstance(outcome, InvalidInput):
            elsewhere = []
            for name, problem in outcome.problems.items():
                if name in self.errors and self.rows[name].layout.display != "none":
                    self.errors[name].value = (f'<div style="{ERROR_STYLE}">'
                                               f'{html.escape(problem.message(self.lang))}</div>')
                else:
                    elsewhere.append(problem.message(self.lang))
            self.status.value = status_html(" ".join([outcome.summary(self.lang), *elsewhere]), "error")
        elif isinstance(outcome, UserError):
            self.status.value = status_html(outcome.message(self.lang), "error")
        elif outcome is not None:
            self.status.value = status_html(outcome.message(self.lang), "ok")


class CaseSearch:
    """The search box for a client's case (among those ``user`` may read); ``on_pick(case_id)`` when a
    match is clicked."""

    def __init__(self, db, user: str, lang: str, on_pick):
        self.db, self.user, self.lang, self.on_pick = db, user, lang, on_pick
        self.label = w.HTML()
        self.box = w.Text(layout=w.Layout(width="40em"))
        self.box.add_class("wb-search")
        self.box.observe(lambda _: self.show(), "value")
        self.matches = w.VBox()
        self.matches.add_class("wb-matches")
        self.widget = w.VBox([self.label, self.box, self.matches])
        self.set_language(lang)

    def set_language(self, lang: str):
        self.lang = lang
        self.label.value = f"<b>{html.escape(i18n.t('search.label', lang))}</b>"
        self.box.placeholder = i18n.t("search.placeholder", lang)
        self.show()

    def show(self):
        text = self.box.value
        if len(text.strip()) < 2:
            hint = [w.HTML(f"<small>{html.escape(i18n.t('search.hint', self.lang))}</small>")]
            self.matches.children = hint if text.strip() else []
            return
        rows, total = find_cases(self.db, self.user, text)  # only cases the user may read
        buttons = []
        for row in rows:
            people = ", ".join(f"{p['family_name']} {p['given_name']} {ua_date(p['birth_date'])}" for p in row["people"])
            button = w.Button(description=f"{row['case_number']} · {subject_label(row, self.lang)} · {people}",
                              layout=w.Layout(width="auto"), tooltip=people)
            button.add_class("wb-match")
            button.on_click(lambda _, case_id=row["id"]: self.on_pick(case_id))
            buttons.append(button)
        notes = []
        if not rows:
            notes.append(w.HTML(html.escape(i18n.t("search.no_match", self.lang))))
        elif total > len(rows):
            notes.append(w.HTML(html.escape(i18n.t("search.more", self.lang, shown=len(rows), total=total))))
        self.matches.children = buttons + notes


Done = i18n.Text  # a success message, shown in the form's language
