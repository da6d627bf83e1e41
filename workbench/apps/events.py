"""The events log app: record group and project work (sessions, campaigns, trainings, aid, mobile trips).

A form for one event (date, type, project, place, how many took part, of them children
and IDPs, the staff who ran it, a note), the recent events as a table (latest versions,
newest first), and a correction: pick a listed event, it loads into the form, give the
reason, and it is saved as a new version. Every check is the service's
(``workbench.store.events``); the page can send any value for any widget.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..i18n import UserError
from ..names import ukrainian_key
from ..store.events import correct_event, get_event, list_events, record_event
from ..store.guard import may
from ..store.users import staff
from .common import signed_in, staff_names, status_html, ua_date
from .widgets import ActionForm, CheckList, Done

i18n.add({
    "events.title": {"uk": "Журнал заходів", "en": "Events log"},
    "events.form.new": {"uk": "Новий захід", "en": "New event"},
    "events.form.correct": {"uk": "Виправлення заходу", "en": "Correcting an event"},
    "events.f.held_on": {"uk": "Дата заходу", "en": "Date of the event"},
    "events.f.event_type": {"uk": "Вид заходу", "en": "Type of event"},
    "events.f.project": {"uk": "Проєкт", "en": "Project"},
    "events.f.place": {"uk": "Місце проведення", "en": "Place"},
    "events.f.participants": {"uk": "Учасників усього", "en": "Participants in all"},
    "events.f.children": {"uk": "З них дітей", "en": "Of them children"},
    "events.f.idps": {"uk": "З них ВПО", "en": "Of them IDPs"},
    "events.f.staff": {"uk": "Хто проводив (позначте одного чи кількох)", "en": "Run by (tick one or more)"},
    "events.f.note": {"uk": "Примітка", "en": "Note"},
    "events.f.reason": {"uk": "Причина виправлення", "en": "Reason for the correction"},
    "events.date_placeholder": {"uk": "дд.мм.рррр", "en": "dd.mm.yyyy"},
    "events.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "events.save": {"uk": "Зберегти захід", "en": "Save the event"},
    "events.save_correction": {"uk": "Зберегти виправлення", "en": "Save the correction"},
    "events.saved": {"uk": "Захід №{id} збережено.", "en": "Event #{id} saved."},
    "events.corrected": {"uk": "Виправлення збережено: захід №{new} замінює №{old}.",
                         "en": "Correction saved: event #{new} replaces #{old}."},
    "events.correcting": {
        "uk": "Ви виправляєте захід №{id} (версія {version}). Збережене виправлення стане новою версією; "
              "попередня залишиться в історії.",
        "en": "You are correcting event #{id} (version {version}). The correction is saved as a new version; "
              "the earlier one stays in the history.",
    },
    "events.cancel": {"uk": "Скасувати виправлення", "en": "Cancel the correction"},
    "events.recent": {"uk": "Останні заходи", "en": "Recent events"},
    "events.none": {"uk": "Заходів ще не записано.", "en": "No events recorded yet."},
    "events.shown": {"uk": "Показано {shown} з {total}.", "en": "Showing {shown} of {total}."},
    "events.col.id": {"uk": "№", "en": "#"},
    "events.col.held_on": {"uk": "Дата", "en": "Date"},
    "events.col.event_type": {"uk": "Вид", "en": "Type"},
    "events.col.project": {"uk": "Проєкт", "en": "Project"},
    "events.col.place": {"uk": "Місце", "en": "Place"},
    "events.col.participants": {"uk": "Учасників", "en": "Participants"},
    "events.col.children": {"uk": "Дітей", "en": "Children"},
    "events.col.idps": {"uk": "ВПО", "en": "IDPs"},
    "events.col.staff": {"uk": "Проводили", "en": "Run by"},
    "events.col.versions": {"uk": "Версії", "en": "Versions"},
    "events.versions": {"uk": "виправлено, версій: {n}", "en": "corrected, {n} versions"},
    "events.pick": {"uk": "Виправити захід", "en": "Correct an event"},
    "events.pick_option": {"uk": "№{id} · {on} · {type} · {project}", "en": "#{id} · {on} · {type} · {project}"},
    "events.load": {"uk": "Відкрити для виправлення", "en": "Open for correction"},
})

COLUMNS = ("id", "held_on", "event_type", "project", "place", "participants", "children", "idps", "staff",
           "versions")
LIST_LIMIT = 50


class EventsApp:
    """The app's widgets; ``widget`` is what Voilà shows."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None, limit: int = LIST_LIMIT):
        self.db, self.user, self.today, self.limit = db, user, today, limit
        self.lang = i18n.normalise_language(lang)
        self.user_row = signed_in(db, user, "events.read")
        self.writes = may(db, user, "events.write")  # the head of centre reads the log; the form is the staff's
        self.correcting: dict | None = None  # the event version being corrected (held here, never in a widget)
        self.events: list[dict] = []
        self.heading = w.HTML()
        users = sorted(staff(self.db, self.user),
                       key=lambda row: (ukrainian_key(row["display_name"]), row["username"]))
        self.staff_names = {row["username"]: row["display_name"] for row in users}  # in alphabetical order
        self.shown_names = staff_names(self.db, self.user)  # who ran a past event may have left since
        text = dict(layout=w.Layout(width="30em"))
        number = dict(layout=w.Layout(width="8em"))
        self.form = ActionForm("wb-event", "events.form.new", "events.save", [
            ("held_on", w.Text(layout=w.Layout(width="10em")), "events.f.held_on"),
            ("event_type", w.Dropdown(options=[("", "")]), "events.f.event_type"),
            ("project", w.Text(**text), "events.f.project"),
            ("place", w.Text(**text), "events.f.place"),
            ("participants", w.Text(**number), "events.f.participants"),
            ("children", w.Text(**number), "events.f.children"),
            ("idps", w.Text(**number), "events.f.idps"),
            ("staff", CheckList(options=[(name, username) for username, name in self.staff_names.items()]),
             "events.f.staff"),
            ("note", w.Textarea(layout=w.Layout(width="30em", height="4em")), "events.f.note"),
            ("reason", w.Text(**text), "events.f.reason"),
        ], self._save, self.lang, on_refused=self.show_list, reset=self._reset_form)
        self.inputs = self.form.inputs
        self.correcting_line = w.HTML()
        self.correcting_line.add_class("wb-event-correcting")
        self.cancel = w.Button(icon="times")
        self.cancel.add_class("wb-event-cancel")
        self.cancel.on_click(lambda _: self.cancel_correction())
        self.correcting_box = w.VBox([self.correcting_line, self.cancel])
        self.recent_title, self.shown, self.table = w.HTML(), w.HTML(), w.HTML()
        self.table.add_class("wb-events-list")
        self.shown.add_class("wb-events-shown")
        self.pick = w.Dropdown(options=[("", None)], layout=w.Layout(width="40em"))
        self.pick.add_class("wb-event-pick")
        self.pick_label = w.HTML()
        self.load_button = w.Button(icon="pencil")
        self.load_button.add_class("wb-event-load")
        self.load_button.on_click(lambda _: self.load_for_correction(self.pick.value))
        self.status = w.HTML()
        self.status.add_class("wb-events-status")
        self.status_error: UserError | None = None  # kept to show it again in the other language
        self.widget = w.VBox([self.heading, self.correcting_box, self.form.widget, self.recent_title, self.shown,
                              self.table, w.VBox([self.pick_label, w.HBox([self.pick, self.load_button]), self.status])])
        self.widget.add_class("wb-events")
        if not self.writes:
            for part in (self.form.widget, self.correcting_box, self.pick, self.load_button, self.pick_label):
                part.layout.display = "none"
        self._reset_form()
        self.set_language(self.lang)

    # --- language and display ----------------------------------------------------------------
    def set_language(self, lang: str):
        self.lang = lang
        self.heading.value = f"<h3>{html.escape(i18n.t('events.title', lang))}</h3>"
        with self.form.unchanged():  # relabelled, the choice kept: not the user's change
            kind = self.inputs["event_type"]
            value = kind.value
            kind.options = [(i18n.t("events.choose", lang), "")] + config.choices("event_types", lang)
            kind.value = value if value in config.codes("event_types") else ""
        self.inputs["held_on"].placeholder = i18n.t("events.date_placeholder", lang)
        self.cancel.description = i18n.t("events.cancel", lang)
        self.pick_label.value = f"<b>{html.escape(i18n.t('events.pick', lang))}</b>"
        self.load_button.description = i18n.t("events.load", lang)
        self._show_status()
        self._show_mode()
        self.show_list()

    def _show_status(self):
        err = self.status_error
        self.status.value = status_html(err.message(self.lang), "error") if err else ""

    def _show_mode(self):
        """The form as a new event or as a correction (its title, button, reason field and notice)."""
        form, event = self.form, self.correcting
        form.title_key = "events.form.correct" if event else "events.form.new"
        form.submit_key = "events.save_correction" if event else "events.save"
        form.show_field("reason", bool(event))
        form.set_language(self.lang)
        self.correcting_box.layout.display = None if event else "none"
        self.correcting_line.value = status_html(i18n.t(
            "events.correcting", self.lang, id=event["id"], version=event["version"]), "info") if event else ""

    def show_list(self):
        """The recent events (latest versions, newest first) and the picker of the one to correct."""
        lang = self.lang
        events = list_events(self.db, self.user)
        self.events = events[:self.limit]
        self.recent_title.value = f"<h3>{html.escape(i18n.t('events.recent', lang))}</h3>"
        self.shown.value = html.escape(i18n.t("events.shown", lang, shown=len(self.events), total=len(events))) \
            if len(events) > len(self.events) else ""
        if not self.events:
            self.table.value = f"<p>{html.escape(i18n.t('events.none', lang))}</p>"
        else:
            head = "".join(f'<th style="text-align:left;padding:2px 6px">{html.escape(i18n.t(f"events.col.{c}", lang))}</th>'
                           for c in COLUMNS)
            rows = "".join(self._row_html(event) for event in self.events)
            self.table.value = (f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
                                f"<tbody>{rows}</tbody></table>")
        value = self.pick.value
        self.pick.options = [(i18n.t("events.choose", lang), None)] + [
            (i18n.t("events.pick_option", lang, id=e["id"], on=ua_date(e["held_on"]),
                    type=config.label("event_types", e["event_type"], lang), project=e["project"]), e["id"])
            for e in self.events]
        self.pick.value = value if value in {e["id"] for e in self.events} else None

    def _row_html(self, event: dict) -> str:
        lang = self.lang
        cells = {
            "id": str(event["id"]), "held_on": ua_date(event["held_on"]),
            "event_type": config.label("event_types", event["event_type"], lang),
            "project": event["project"], "place": event["place"], "participants": str(event["participants"]),
            "children": str(event["children"]), "idps": str(event["idps"]),
            "staff": ", ".join(self.shown_names.get(name, name) for name in event["staff"]),
            "versions": i18n.t("events.versions", lang, n=event["versions"]) if event["versions"] > 1 else "",
        }
        tds = "".join(f'<td class="wb-events-col-{c}" style="padding:2px 6px;border-top:1px solid #ddd">'
                      f"{html.escape(cells[c])}</td>" for c in COLUMNS)
        return f'<tr class="wb-event-row" data-event="{event["id"]}">{tds}</tr>'

    # --- the form ------------------------------------------------------------------------------
    def _reset_form(self, event: dict | None = None):
        """Empty the form for a new event (also after a save), or fill it with ``event`` to correct it."""
        today_text = (self.today or date.today()).strftime("%d.%m.%Y")
        values = {"held_on": today_text, "event_type": "", "project": "", "place": "", "participants": "",
                  "children": "0", "idps": "0", "staff": (self.user,) if self.user in self.staff_names else (),
                  "note": "", "reason": ""}
        if event:
            values.update(held_on=ua_date(event["held_on"]), event_type=event["event_type"], project=event["project"],
                          place=event["place"], participants=str(event["participants"]),
                          children=str(event["children"]), idps=str(event["idps"]),
                          staff=tuple(name for name in event["staff"] if name in self.staff_names),
                          note=event["note"] or "")
        for name, value in values.items():
            self.inputs[name].value = value
        self.correcting = event
        self._show_mode()

    def load_for_correction(self, value) -> bool:
        """Load the chosen listed event into the form to correct it (``value`` is the picker's)."""
        self.status_error = None
        self._show_status()
        if value is None:
            return False
        try:
            event = get_event(self.db, self.user, value)
            if event["superseded_by"]:  # corrected meanwhile (on another page): correct the latest
                latest = event["superseded_by"]
                while (newer := get_event(self.db, self.user, latest)["superseded_by"]):
                    latest = newer
                raise UserError("event.already_corrected", id=event["id"], newer=latest)
        except UserError as err:
            self.status_error = err
            self._show_status()
            self.show_list()
            return False
        event["version"] = next((e["version"] for e in self.events if e["id"] == event["id"]), 1)
        self._reset_form(event)
        self.form.open_anew()
        return True

    def cancel_correction(self):
        self._reset_form()
        self.form.open_anew()

    def _save(self, v) -> Done:
        """Record the event (or its correction) through the service (once per opening of the form, which is
        then emptied for the next event: see ActionForm)."""
        staff = list(v["staff"]) if isinstance(v["staff"], tuple) else v["staff"]
        fields = dict(held_on=v["held_on"], event_type=v["event_type"], project=v["project"], place=v["place"],
                      participants=v["participants"], children=v["children"], idps=v["idps"], staff=staff,
                      note=v["note"], today=self.today)
        if self.correcting:
            old = self.correcting["id"]
            new = correct_event(self.db, self.user, old, reason=v["reason"], **fields)
            done = Done("events.corrected", new=new, old=old)
        else:
            new = record_event(self.db, self.user, **fields)
            done = Done("events.saved", id=new)
        self.show_list()
        return done
