"""Controls at the top of a supervisors' notebook (programme, period, worker or team, language) and the
sections below that follow them.

A notebook builds one :class:`ReportControls` from its ``parameters`` cell, then writes each section as a
function of the current :class:`Choice`::

    controls = ReportControls(db, programme=programme, period=period, lang=lang)  # the signed-in user reads
    controls

    @controls.follow
    def caseload(choice):
        print(choice.period.label(choice.lang))
        display(table_for(choice))
        show_figure(chart_for(choice))

``follow`` runs the function at once (the cell's output is the rendering at the parameters, kept by
papermill and nbval) and again, into the same place, whenever a control changes. A refused parameter or
control value (:class:`~workbench.i18n.UserError`) is shown as its message in the chosen language, in the
controls and in every section, never as a traceback. Every value a page sends is checked here: a dropdown
only holds what was offered, a typed date is parsed, and the store asks the policy on every read.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import ipywidgets as w
from IPython.display import display

from .. import config, i18n, policy
from ..analysis.periods import Period, containing, last_full_quarter, periods_of
from ..i18n import UserError
from .common import LanguageSwitch, status_html
from .report_sections import Section, show_figure  # show_figure: the notebooks import it from here
from .style import stylesheet

i18n.add({
    "controls.programme": {"uk": "Програма", "en": "Programme"},
    "controls.all_programmes": {"uk": "усі програми", "en": "all programmes"},
    "controls.period": {"uk": "Період", "en": "Period"},
    "controls.kind.quarter": {"uk": "квартал", "en": "quarter"},
    "controls.kind.month": {"uk": "місяць", "en": "month"},
    "controls.kind.year": {"uk": "рік", "en": "year"},
    "controls.kind.span": {"uk": "свої дати", "en": "custom dates"},
    "controls.from": {"uk": "від", "en": "from"},
    "controls.to": {"uk": "до", "en": "to"},
    "controls.worker": {"uk": "Фахівець", "en": "Worker"},
    "controls.all_workers": {"uk": "усі фахівці", "en": "all workers"},
    "controls.team": {"uk": "команда «{team}»", "en": "team {team}"},
    "controls.bad_date": {
        "uk": "{field}: введіть справжню дату у форматі дд.мм.рррр (наприклад, 01.07.2026).",
        "en": "{field}: enter a real date as dd.mm.yyyy (for example 01.07.2026).",
    },
    "controls.start": {"uk": "Початок періоду", "en": "Start of the period"},
    "controls.end": {"uk": "Кінець періоду", "en": "End of the period"},
    "controls.unknown_worker": {
        "uk": "Фахівця «{worker}» серед тих, чиє навантаження ви бачите, немає.",
        "en": "There is no worker '{worker}' among those whose caseload you may see.",
    },
    "controls.unknown_team": {
        "uk": "Команди «{team}» серед тих, які ви бачите, немає.",
        "en": "There is no team '{team}' among those you may see.",
    },
})

CONTROLS = ("programme", "period", "worker", "language")
KINDS = ("quarter", "month", "year", "span")
EVERY = ""  # the value of "every programme" and "every worker" (a dropdown's None is no choice at all, blank)
YEARS_OFFERED = 5  # the period lists go back this many years (and further, to a period the parameters name)
__all__ = ["CONTROLS", "Choice", "ReportControls", "Section", "show_figure"]


@dataclass(frozen=True)
class Choice:
    """What the controls hold: ``programme`` (a code, None: every one), ``period`` (a
    :class:`~workbench.analysis.periods.Period`), ``worker`` (a username) or ``team`` (a team's name), with
    ``workers`` the usernames they cover (None: everyone the reader may see), and ``lang`` (uk or en)."""

    programme: str | None
    period: Period
    worker: str | None
    team: str | None
    workers: frozenset | None
    lang: str

    def keep(self, frame, column: str = "worker"):
        """The rows of ``frame`` whose ``column`` (a username) is one of the chosen workers."""
        return frame if self.workers is None else frame[frame[column].isin(self.workers)]

    def keep_programme(self, frame, column: str = "programme"):
        """The rows of ``frame`` of the chosen programme (all of them when every programme is chosen)."""
        return frame if self.programme is None else frame[frame[column] == self.programme]

    def keep_period(self, frame, column: str):
        """The rows of ``frame`` whose date ``column`` falls in the chosen period (both ends included)."""
        days = frame[column].map(lambda v: v.date() if hasattr(v, "date") else v)
        return frame[(days >= self.period.start) & (days <= self.period.end)]


class ReportControls:
    """The controls of a supervisors' notebook; ``widget`` shows them, :meth:`follow` draws a section.

    ``show``: which controls (a subset of :data:`CONTROLS`) the notebook can filter on; the others keep
    their parameter or default. ``every_programme=False`` for a notebook that needs one programme (its
    first configured one by default). The parameters (``programme``, ``period`` as
    :meth:`Period.parse <workbench.analysis.periods.Period.parse>` reads it, ``worker`` a username, ``team``
    a team's name, ``lang``) are checked here; a refused one is kept in ``error`` and shown (in the other
    language too) until a control changes, and the controls start from their defaults (every programme,
    the last full quarter, every worker). ``actor``: who reads (None: the signed-in user, from the server;
    when it names nobody, every section says so). ``today`` fixes the default period (tests).

    The widgets, for a test or a notebook to set: ``programme`` (a code, ``""`` for every programme),
    ``period_kind`` (quarter, month, year, span), ``period`` (a :class:`Period` of that kind), ``start`` and
    ``end`` (dd.mm.yyyy, for span), ``worker`` (``""``, ``"worker:<username>"`` or ``"team:<name>"``) and
    ``language.widget`` (uk, en). ``choice`` is what they hold; ``sections`` what follows them.
    """

    def __init__(self, db, actor: str | None = None, *, programme=None, period=None, worker=None, team=None,
                 lang: str | None = None, show=CONTROLS, every_programme: bool = True, today: date | None = None):
        self.db, self.today = db, today or date.today()
        self.lang = i18n.normalise_language(lang)
        self.shown = tuple(c for c in CONTROLS if c in show)
        self.every_programme = every_programme
        self.error: UserError | None = None
        self._sections: list[Section] = []
        self._quiet, self._drawing = False, 0
        self.actor, self._unknown_reader = self._reader(actor)
        self._workers, self._teams = self._staff() if "worker" in self.shown and self.actor else ({}, {})
        default = last_full_quarter(self.today)
        chosen = dict(programme=EVERY if every_programme else self._programmes()[0], period=default,
                      person=EVERY)
        try:  # each parameter in turn, so the first one refused is the one named
            chosen["programme"] = config.check_programme(programme) or chosen["programme"]
            chosen["period"] = Period.parse(period) if period not in (None, "") else default
            chosen["person"] = self._person(worker, team)
        except UserError as err:
            self.error = err
        self.error = self._refused_parameter = self._unknown_reader or self.error
        self._first_year = min(self.today.year - YEARS_OFFERED + 1, chosen["period"].start.year)
        self._named = chosen["period"]

        self.language = LanguageSwitch(self.lang, self._set_language)
        self.programme = w.Dropdown(style={"description_width": "initial"}, layout=w.Layout(width="34em"))
        self.period_kind = w.Dropdown(style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.period = w.Dropdown(layout=w.Layout(width="auto"))
        self.start, self.end = (w.Text(continuous_update=False, layout=w.Layout(width="9em"),
                                       style={"description_width": "initial"}) for _ in range(2))
        self.worker = w.Dropdown(style={"description_width": "initial"}, layout=w.Layout(width="26em"))
        self.message = w.HTML()
        for name, widget in (("programme", self.programme), ("period-kind", self.period_kind),
                             ("period", self.period), ("start", self.start), ("end", self.end),
                             ("worker", self.worker), ("message", self.message)):
            widget.add_class(f"wb-controls-{name}")
        self._quiet = True
        self._label()
        self.programme.value = chosen["programme"]
        self.worker.value = chosen["person"]
        self._set_period(chosen["period"])
        self._quiet = False
        for widget in (self.programme, self.period, self.start, self.end, self.worker):
            widget.observe(self._changed, "value")
        self.period_kind.observe(self._kind_changed, "value")

        rows = [w.HBox([c for c, name in ((self.programme, "programme"), (self.worker, "worker"))
                        if name in self.shown], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.period_kind, self.period, self.start, self.end], layout=w.Layout(flex_flow="row wrap"))
                if "period" in self.shown else None]
        self.widget = w.VBox([stylesheet(), w.HBox([w.HTML(), self.language.widget],
                                                   layout=w.Layout(justify_content="flex-end"))]
                             + [r for r in rows if r is not None and r.children] + [self.message])
        if "language" not in self.shown:
            self.language.widget.layout.display = "none"
        self.widget.add_class("wb-controls")
        self.widget.add_class("wb-app")  # the stylesheet's scope
        self._show_message()

    # --- what the controls hold -------------------------------------------------------------------

    @property
    def choice(self) -> Choice:
        """The current choice; a custom period typed wrong raises its ``UserError``."""
        period = self.period.value if self.period_kind.value != "span" else Period(
            _typed_day(self.start.value, "controls.start"), _typed_day(self.end.value, "controls.end"))
        person = self.worker.value
        workers = None
        kind, _, name = person.partition(":")
        if person != EVERY:
            workers = frozenset([name]) if kind == "worker" else self._teams[name]
        return Choice(programme=self.programme.value or None, period=period,
                      worker=name if kind == "worker" else None, team=name if kind == "team" else None,
                      workers=workers, lang=self.lang)

    def follow(self, render) -> "Section":
        """Show ``render(choice)``'s output here, and again in its place after every change of a control.

        Used as a decorator; returns the :class:`Section` (its ``outputs`` are what is shown, ``figures``
        the charts, ``result`` what ``render`` returned: a frame a later cell or a test reads). A
        ``UserError`` from ``render`` is shown as its message; anything else is a bug and raised.
        """
        section = Section(self, render)
        self._sections.append(section)
        section.draw()
        display(section)
        return section

    def shared(self, compute=None, *, by_language: bool = True):
        """``compute(choice)`` run once per drawing of the sections, however many of them call it (a decorator:
        the period report, an instrument's scores); a ``UserError`` it raises is raised to each caller.
        ``@shared(by_language=False)``: what does not depend on the language (scores read from the database) is
        kept when only the language changes, not read again."""
        if compute is None:
            return lambda function: self.shared(function, by_language=by_language)
        memo: dict = {}

        def once(choice: Choice):
            key = (self._drawing, choice if by_language else replace(choice, lang=""))
            if key not in memo:
                memo.clear()
                memo[key] = compute(choice)
            return memo[key]
        return once

    def include(self, widget):
        """Add a notebook's own control (e.g. the case to look at) under these, before their message; every
        section is drawn again when its value changes. Returns ``widget``."""
        self.widget.children = self.widget.children[:-1] + (widget, self.widget.children[-1])
        widget.observe(lambda _: self.redraw(), "value")
        return widget

    @property
    def sections(self) -> list[Section]:
        """The sections that follow these controls, in the order they were added."""
        return list(self._sections)

    def redraw(self, reread: bool = True) -> None:
        """Draw every section again for the current choice (a control's change calls it); ``reread=False`` (a
        change of language alone) keeps what :meth:`shared` read ``by_language=False``."""
        if reread:  # data may have changed since the last drawing: what is shared is read again
            self._drawing += 1
        self.error = self._unknown_reader or self._refused_parameter
        try:
            _ = self.choice  # custom dates typed wrong are refused here, once for every section
        except UserError as err:
            self.error = self.error or err
        self._show_message()
        for section in self._sections:
            section.draw()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        # Where no widget is drawn (a papermill run, a notebook viewer), the choice and any refusal as text.
        bundle["text/plain"] = self.summary()
        return bundle

    def summary(self) -> str:
        """The choice in words (or the refusal), in the chosen language."""
        if self.error is not None:
            return self.error.message(self.lang)
        choice, parts = self.choice, []
        if "programme" in self.shown:
            parts.append(self.programme.label)
        if "period" in self.shown:
            parts.append(choice.period.label(self.lang))
        if "worker" in self.shown:
            parts.append(self.worker.label)
        return " · ".join(parts) or self.language.widget.label

    # --- drawing the controls ---------------------------------------------------------------------

    @staticmethod
    def _reader(actor):
        """``(actor, None)``, the signed-in user if ``actor`` is None, or ``(None, the UserError)`` when the
        server names nobody: then every section shows that, whatever the controls hold."""
        if actor is not None:
            return actor, None
        from ..access import current_user

        try:
            return current_user(), None
        except UserError as err:
            return None, err

    def _staff(self):
        """Case holders the reader may see, ``{username: name}``, and ``{team: its members}``."""
        from ..store.caseload import caseload_scope
        from ..store.users import staff

        scope = caseload_scope(self.db, self.actor)
        people = sorted((r for r in staff(self.db, self.actor, roles=policy.CASE_HOLDERS)
                         if scope is None or r["username"] in scope), key=lambda r: r["display_name"])
        teams: dict[str, frozenset] = {}
        for row in people:
            for team in row["teams"] or ():
                teams[team] = teams.get(team, frozenset()) | {row["username"]}
        return {row["username"]: row["display_name"] for row in people}, dict(sorted(teams.items()))

    def _person(self, worker, team):
        """The worker dropdown's value for the ``worker`` / ``team`` parameters, or a ``UserError``."""
        if worker not in (None, ""):
            if "worker" not in self.shown or worker not in self._workers:
                raise UserError("controls.unknown_worker", worker=str(worker)[:80])
            return f"worker:{worker}"
        if team not in (None, ""):
            if "worker" not in self.shown or team not in self._teams:
                raise UserError("controls.unknown_team", team=str(team)[:80])
            return f"team:{team}"
        return EVERY

    def _programmes(self) -> list[str]:
        return [code for code in config.codes_in_order("programmes") if not code.startswith("_")]

    def _label(self) -> None:
        """Every label and option text in the chosen language (values kept)."""
        lang = self.lang
        programmes = [(config.label("programmes", code, lang), code) for code in self._programmes()]
        if self.every_programme:
            programmes.insert(0, (i18n.t("controls.all_programmes", lang), EVERY))
        people = [(i18n.t("controls.all_workers", lang), EVERY)]
        people += [(i18n.t("controls.team", lang, team=team), f"team:{team}") for team in self._teams]
        people += [(name, f"worker:{username}") for username, name in self._workers.items()]
        for widget, options in ((self.programme, programmes), (self.worker, people),
                                (self.period_kind, [(i18n.t(f"controls.kind.{k}", lang), k) for k in KINDS])):
            value = widget.value
            widget.options = options
            widget.value = value if value in [v for _, v in options] else options[0][1]
        if self.period_kind.value != "span":
            value, kind = self.period.value, self.period_kind.value
            offered = periods_of(kind, self._first_year, self.today)
            if self._named.kind == kind and self._named not in offered:  # a period the parameters name, e.g. next year
                offered.insert(0, self._named)
            self.period.options = [(p.label(lang), p) for p in offered]
            self.period.value = value if value in offered else offered[0]
        self.programme.description = i18n.t("controls.programme", lang)
        self.worker.description = i18n.t("controls.worker", lang)
        self.period_kind.description = i18n.t("controls.period", lang)
        self.start.description, self.end.description = i18n.t("controls.from", lang), i18n.t("controls.to", lang)
        self.start.placeholder = self.end.placeholder = i18n.t("reg.date_placeholder", lang)

    def _set_period(self, period: Period) -> None:
        """Show ``period``: its kind, and the period in the list (or its days, for custom dates)."""
        kind = period.kind if period.kind in KINDS else "span"
        self.period_kind.value = kind
        if kind != "span":
            self._label()
        self.period.value = period if kind != "span" else None
        self.start.value, self.end.value = period.start.strftime("%d.%m.%Y"), period.end.strftime("%d.%m.%Y")
        self._show_kind()

    def _show_kind(self) -> None:
        span = self.period_kind.value == "span"
        self.period.layout.display = "none" if span else None
        self.start.layout.display = self.end.layout.display = None if span else "none"

    def _show_message(self) -> None:
        self.message.value = status_html(self.error.message(self.lang), "error") if self.error else ""

    # --- changes ------------------------------------------------------------------------------------

    def _changed(self, _change=None) -> None:
        if not self._quiet:
            self._refused_parameter = None  # the controls' choice now stands instead of the parameters
            self.redraw()

    def _kind_changed(self, change) -> None:
        """Another kind of period: the one of that kind holding the last day shown, so the view stays put."""
        if self._quiet:
            return
        last = _typed_day_or_none(self.end.value) or self.today
        if change["old"] != "span" and isinstance(self.period.value, Period):
            last = self.period.value.end
        self._quiet = True
        try:
            if change["new"] == "span":
                shown = self.period.value
                if isinstance(shown, Period):
                    self.start.value, self.end.value = (shown.start.strftime("%d.%m.%Y"),
                                                        shown.end.strftime("%d.%m.%Y"))
            else:
                self._label()
                self.period.value = containing(change["new"], min(last, self.today))
            self._show_kind()
        finally:
            self._quiet = False
        self._refused_parameter = None
        self.redraw()

    def _set_language(self, lang: str) -> None:
        self.lang = lang
        self._quiet = True
        try:
            self._label()
        finally:
            self._quiet = False
        self.redraw(reread=False)


def _typed_day(value, field_key: str) -> date:
    day = _typed_day_or_none(value)
    if day is None:
        raise UserError("controls.bad_date", field=i18n.Text(field_key))
    return day


def _typed_day_or_none(value) -> date | None:
    from ..instruments.validation import parse_date

    if not isinstance(value, str) or not value.strip():
        return None
    parsed, problem = parse_date(value.strip())
    return None if problem else parsed

