"""Small widget pieces the staff apps share: one submission per form opening, a labelled action form, a
multiple choice by checkboxes and the case search box."""
from __future__ import annotations

import html
import uuid
from contextlib import contextmanager

import ipywidgets as w
import traitlets

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


class Submission:
    """One opening of a form, with its submission key: the form's action is done at most once per key.

    In Voilà two clicks arrive as two widget messages, handled one after the other, and a
    click on a disabled or hidden button still arrives, so the guard is here, in Python.
    :meth:`run` does the action once: a second click, or a replayed message, gets what the
    first run gave and writes nothing; a click arriving while the action runs does nothing.
    An action that was refused (it raises ``UserError``, or returns None: nothing was written)
    leaves the key unused, so the corrected form can be sent. :meth:`renew` starts a new
    opening (a new key): when the user changes the form after a save, or another form opens.
    """

    def __init__(self, key: str | None = None):
        self.running = False
        self.renew(key)

    def renew(self, key: str | None = None) -> None:
        self.key = key or str(uuid.uuid4())  # e.g. the needs assessment's, which the store is idempotent on
        self.result = None  # what the action gave for this key (None: not done yet)

    @property
    def used(self) -> bool:
        return self.result is not None

    def run(self, action, then=None):
        """``action()`` unless this key was used (then its first result) or it is running (then None).

        ``then(result)`` follows a run that did something, still within it (a form cleared there
        is not the user's change)."""
        if self.running or self.result is not None:
            return None if self.running else self.result
        self.running = True
        try:
            result = action()
            if result is not None:
                self.result = result
                if then is not None:
                    then(result)
        finally:
            self.running = False
        return self.result


def once(button: w.Button, action, again=None) -> Submission:
    """Make ``button`` do ``action()`` at most once (see :class:`Submission`; renew it for a new opening).

    ``again(result)`` is called for a click after the action was done, e.g. to show its message again."""
    submission = Submission()

    def click(_):
        replay = submission.used
        result = submission.run(action)
        if replay and again is not None:
            again(result)

    button.on_click(click)
    return submission


class ActionForm:
    """A titled form: labelled inputs, a submit button, a message per field and one for the form.

    ``fields`` is a list of ``(name, widget, label_key)``; ``handler(values)`` does the
    work through a service function and returns a success message (or raises
    ``UserError``/``InvalidInput``, whose messages are shown, in the current language); ``after()``
    follows a save, once its confirmation is shown (the view re-read, say).

    Each opening of the form is one :class:`Submission`: the handler runs at most once for it
    (a double click records one service), and a second click shows the same success again.
    After a save the inputs go back to their defaults (``reset()``, by default the values the
    inputs were built with); the user's next change starts a new opening. Changes made while
    the handler runs, or within :meth:`unchanged`, are the app's, not a new opening.
    """

    def __init__(self, css: str, title_key: str, submit_key: str, fields: list, handler, lang: str,
                 on_refused=None, reset=None, after=None):
        self.title_key, self.submit_key, self.handler, self.lang = title_key, submit_key, handler, lang
        self.on_refused = on_refused  # e.g. re-read the case: what was offered may have gone stale
        # e.g. re-read the case after a save: run once the confirmation is on its way to the page, so the
        # user sees "saved" before the view (its charts, its timeline) is drawn again
        self.after = after
        self.submission = Submission()
        self._quiet = False
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
        self.defaults = {name: widget.value for name, widget in self.inputs.items()}
        self.reset = reset or self.clear_inputs
        for name, widget in self.inputs.items():
            widget.add_class(f"{css}-{name}")
            widget.observe(self._changed, "value")
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

    def _changed(self, _change):
        if not (self._quiet or self.submission.running):
            if self.submission.used:  # the saved entry's "saved" would now read as if it were about this one
                self._last = None
                self.status.value = ""
            self.submission.renew()  # the user changed the form: a new opening

    @contextmanager
    def unchanged(self):
        """Changes to the inputs within this block are the app's (relabelling, a refresh), not a new opening."""
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    def clear_inputs(self):
        """Each input back to the value it was built with (a dropdown whose options have changed since: to
        no choice)."""
        for name, widget in self.inputs.items():
            default = self.defaults[name]
            if isinstance(widget, w.widgets.widget_selection._Selection):
                offered = [option[1] if isinstance(option, tuple) else option for option in widget.options]
                widget.value = default if default in offered else None
            else:
                widget.value = default

    def open_anew(self):
        """A new opening (another record loaded, a correction cancelled): a new key, no message left over."""
        self.submission.renew()
        self._last = None
        self._show(None)
        self.status.value = ""

    def run(self):
        """Submit the form: the handler runs at most once per opening (see :class:`Submission`)."""
        try:
            result = self.submission.run(lambda: self.handler(self.values()), then=lambda _: self.reset())
        except UserError as err:
            self._last = err
            if self.on_refused and not isinstance(err, InvalidInput):
                self.on_refused()
        else:
            if result is None:
                return  # a click arriving while the handler runs
            fresh = self._last is not result
            self._last = result  # the first run's message, or the same again for a second click
            self._show(self._last)
            if fresh and self.after is not None:
                with self.unchanged():
                    self.after()
            return
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


class CheckList(w.VBox, w.ValueWidget):
    """Several choices as a column of checkboxes, each ticked with one tap: no Ctrl key, which a phone does not
    have and a ``SelectMultiple`` needs. It takes a ``SelectMultiple``'s ``options`` and ``value``.

    ``options``: ``(label, value)`` pairs, or values shown as they are (values hashable, each once). ``value``:
    the tuple of the values ticked, in the order they were set or ticked; ``()`` ticks none. A value that is
    not offered is refused with ``TraitError``, as a ``SelectMultiple`` refuses it; new options keep the ticks
    of the values still offered (new labels for the same values only relabel the boxes).
    """

    value = traitlets.Tuple(help="The values ticked.")
    options = traitlets.Any((), help="(label, value) pairs, or values that are their own labels.")

    def __init__(self, options=(), value=(), **kwargs):
        self._boxes: dict = {}
        self._quiet = False
        super().__init__(**kwargs)
        self.add_class("wb-checklist")
        self.options = options
        self.value = tuple(value)

    @traitlets.observe("options")
    def _offer(self, change):
        pairs = [option if isinstance(option, tuple) else (str(option), option) for option in change["new"]]
        if [value for _, value in pairs] == list(self._boxes):
            for label, value in pairs:
                self._boxes[value].description = label
            return
        self._boxes = {}
        for label, value in pairs:
            box = w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
            box.observe(lambda change, value=value: self._ticked(value, change["new"]), "value")
            self._boxes[value] = box
        self.children = list(self._boxes.values())
        self.value = tuple(value for value in self.value if value in self._boxes)
        self._show()

    @traitlets.validate("value")
    def _offered(self, proposal):
        value = tuple(dict.fromkeys(proposal["value"]))  # each once, in order
        unknown = [v for v in value if v not in self._boxes]
        if unknown:
            raise traitlets.TraitError(f"Invalid selection: {unknown!r} is not among the options")
        return value

    @traitlets.observe("value")
    def _show(self, _change=None):
        self._quiet = True  # the boxes follow the value: not a tick
        try:
            for value, box in self._boxes.items():
                box.value = value in self.value
        finally:
            self._quiet = False

    def _ticked(self, value, ticked: bool):
        if not self._quiet:
            rest = tuple(v for v in self.value if v != value)
            self.value = (*rest, value) if ticked else rest


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
