"""Change my own password (``?view=password``): every signed-in user, through
:func:`workbench.store.credentials.change_password`.

After an administrator's reset the user signs in with a one-time password; the workspace then holds them
here (:meth:`PasswordView.held`) until they have chosen their own. The password widgets are emptied after
every attempt, kept or refused: what was typed is never left in the page.
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n
from ..store.credentials import change_password, password_state
from .common import status_html
from .widgets import ActionForm, Done

i18n.add({
    "hub.must_change_password": {
        "uk": "Ви увійшли з тимчасовим паролем: оберіть власний.",
        "en": "You signed in with a one-time password: choose your own.",
    },
    "password.title": {"uk": "Зміна пароля", "en": "Change my password"},
    "password.form": {"uk": "Новий пароль", "en": "A new password"},
    "password.f.current": {"uk": "Поточний пароль", "en": "Current password"},
    "password.f.new": {"uk": "Новий пароль", "en": "New password"},
    "password.f.repeated": {"uk": "Новий пароль ще раз", "en": "The new password again"},
    "password.save": {"uk": "Змінити пароль", "en": "Change the password"},
    "password.changed": {"uk": "Пароль змінено. Наступного разу входьте з новим паролем.",
                         "en": "The password is changed. Sign in with the new one from now on."},
})


class PasswordView:
    """The form for ``user``'s own password; ``on_changed()`` follows a change (the workspace lets a held
    user go on)."""

    def __init__(self, db, user: str, lang: str, on_changed=None):
        self.db, self.user, self.lang, self.on_changed = db, user, lang, on_changed
        self.heading, self.notice = w.HTML(), w.HTML()
        self.notice.add_class("wb-password-notice")
        self.form = ActionForm("wb-password", "password.form", "password.save", [
            ("current", w.Password(), "password.f.current"),
            ("new", w.Password(), "password.f.new"),
            ("repeated", w.Password(), "password.f.repeated"),
        ], self._change, lang, after=self._after)
        self.widget = w.VBox([self.heading, self.notice, self.form.widget])
        self.widget.add_class("wb-password")
        self.set_language(lang)

    def held(self) -> bool:
        """Whether the user signed in with a one-time password and has not chosen their own yet."""
        return password_state(self.db, self.user, self.user)["temporary"]

    def set_language(self, lang: str):
        self.lang = lang
        self.heading.value = f"<h3>{html.escape(i18n.t('password.title', lang))}</h3>"
        self.form.set_language(lang)
        self.show_notice()

    def show_notice(self):
        """The one-time password's message while it is the one in force."""
        self.notice.value = status_html(i18n.t("hub.must_change_password", self.lang), "info") if self.held() else ""

    def _change(self, values) -> Done:
        try:
            change_password(self.db, self.user, current=values["current"], new=values["new"],
                            repeated=values["repeated"])
        finally:
            self._forget_typed()  # a refusal too: nothing typed stays in the page
        return Done("password.changed")

    def _forget_typed(self):
        with self.form.unchanged():
            for widget in self.form.inputs.values():
                widget.value = ""

    def _after(self):
        self.show_notice()
        if self.on_changed is not None:
            self.on_changed()

    def leave(self):
        """The user went elsewhere: no message of this visit (nor anything typed) waits for the next."""
        self._forget_typed()
        self.form.open_anew()
