"""What every staff app shares: the header with the language switch, status messages, start-up."""
from __future__ import annotations

import html
import os

import ipywidgets as w

from .. import config, i18n
from ..i18n import UserError
from ..local_time import local_time as local_time  # how the apps show a recorded time (re-exported)

i18n.add({
    "app.signed_in_as": {"uk": "Ви увійшли як {name}", "en": "Signed in as {name}"},
    "app.cannot_start": {
        "uk": "Застосунок не вдалося відкрити: {reason}",
        "en": "The app could not be opened: {reason}",
    },
    "app.household_label": {"uk": "Сімʼя {name}", "en": "{name} family"},
    # A person's fields, as intake and the children added at an assessment ask them.
    "reg.family_name": {"uk": "Прізвище", "en": "Family name"},
    "reg.given_name": {"uk": "Імʼя", "en": "Given name"},
    "reg.patronymic": {"uk": "По батькові", "en": "Patronymic"},
    "reg.birth_date": {"uk": "Дата народження", "en": "Date of birth"},
    "reg.sex": {"uk": "Стать", "en": "Sex"},
    "reg.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "reg.date_placeholder": {"uk": "дд.мм.рррр", "en": "dd.mm.yyyy"},
})

OK_STYLE = "color:#1b5e20;background:#e8f5e9;padding:6px;border-radius:4px"
ERROR_STYLE = "color:#b00020;background:#fdecea;padding:6px;border-radius:4px"
INFO_STYLE = "color:#0d47a1;background:#e3f2fd;padding:6px;border-radius:4px"


def status_html(text: str, kind: str = "info") -> str:
    """A status line; ``text`` is escaped (it may carry what a user typed)."""
    style = {"ok": OK_STYLE, "error": ERROR_STYLE}.get(kind, INFO_STYLE)
    return f'<div style="{style}">{html.escape(text)}</div>'


class LanguageSwitch:
    """Українська / English toggle; calls ``on_change(lang)``."""

    def __init__(self, lang: str, on_change):
        self.widget = w.ToggleButtons(options=[("Українська", "uk"), ("English", "en")], value=lang,
                                      style={"button_width": "7em"})
        self.widget.add_class("wb-language")
        self.widget.observe(lambda change: on_change(i18n.normalise_language(change["new"])), "value")


def subject_label(row: dict, lang: str) -> str:
    """A case's subject for display: the family (household) or the person."""
    if row.get("household_id") or (row.get("people") and len(row["people"]) > 1):
        return i18n.t("app.household_label", lang, name=row["subject_label"])
    return row["subject_label"]


def staff_names(db, actor: str) -> dict:
    """:func:`workbench.store.users.staff_names`, where the apps look for it."""
    from ..store.users import staff_names as names  # imported when used, as the apps' other store reads

    return names(db, actor)


def programme_label(code: str, lang: str) -> str:
    return config.label("programmes", code, lang)


def ua_date(iso: str | None) -> str:
    """``2026-02-01`` → ``01.02.2026`` (how dates are shown and typed here)."""
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}.{m}.{y}"


def start_app(factory):
    """Build an app for the signed-in user, or a bilingual error box instead of a traceback.

    In a Voilà app call this after ``wait_for_request()``, so a preheated kernel reads
    the user and the database only once the request has arrived.
    """
    from ..access import current_user
    from ..store.connection import open_db

    lang = i18n.normalise_language(os.environ.get("WB_LANG"))
    try:
        return factory(open_db(), current_user(), lang)
    except UserError as err:
        text = " / ".join(i18n.t("app.cannot_start", language, reason=err.message(language))
                          for language in ("uk", "en"))
        return w.HTML(status_html(text, "error"))


def signed_in(db, user: str, action: str) -> dict:
    """The signed-in user's own row, once the policy allows them ``action`` (what the app is for:
    ``cases.search`` for the case apps, ``case.open`` for intake, ``events.read`` for the events log);
    raises the policy's ``UserError``, which :func:`start_app` shows instead of the app."""
    from ..store.guard import allow
    from ..store.users import staff_member

    allow(db, user, action)
    return staff_member(db, user, user)


def picked(values: dict, field: str):
    """A dropdown's value from an action form, or a "required" message under the field while "— choose —"
    (None) is picked. Whether the record picked belongs to the case is the store's to check."""
    from ..store.inputs import InvalidInput

    if values[field] in (None, ""):
        raise InvalidInput({field: UserError("input.required")})
    return values[field]


def note_opening(view, case_id: int, opened: str, record: int) -> None:
    """Audit that the view's user opened a record of ``case_id`` (``opened``: case, assessment, plan),
    once: not again on a refresh or a language switch while the same case stays open in ``view``."""
    from ..store.audit import record_opening

    seen = getattr(view, "_openings", None)
    if seen is None or seen[0] != case_id:
        seen = view._openings = (case_id, set())
    if (opened, record) not in seen[1]:
        record_opening(view.db, view.user, opened=opened, record=record)
        seen[1].add((opened, record))
