"""The one frame every view of the workspace shares: its title, the language switch, who is signed in (by
name, with a link to change one's password and, under the hub, to sign out), the navigation, a message area
for a handler's error, and the view itself.

A handler that fails unexpectedly (a bug, a lost database) must not leave the user looking at a page that
silently did nothing: :meth:`Frame.catch_errors` puts a bilingual message at the top of the page and the
traceback in the server's log, never in the page (it names server paths; issue 16).
"""
from __future__ import annotations

import html
import logging
import os
import sys

import ipywidgets as w

from .. import i18n
from .address import Address, Place, link
from .common import LanguageSwitch, status_html
from .server_log import log_to_server
from .style import stylesheet

log = logging.getLogger(__name__)

i18n.add({
    "frame.title": {"uk": "Робоче місце фахівця", "en": "Case worker's workspace"},
    "frame.home": {"uk": "Мої випадки", "en": "My cases"},
    "frame.intake": {"uk": "Прийом нового клієнта", "en": "New client"},
    "frame.events": {"uk": "Журнал заходів", "en": "Events log"},
    "frame.users": {"uk": "Користувачі й команди", "en": "Users and teams"},
    "frame.password": {"uk": "Змінити пароль", "en": "Change my password"},
    "frame.sign_out": {"uk": "Вийти", "en": "Sign out"},
    "frame.failed": {
        "uk": "Дію не виконано через помилку програми; її записано в журнал сервера. Оновіть сторінку і "
              "спробуйте ще раз; якщо помилка повториться, повідомте адміністратора.",
        "en": "The action failed because of a program error, which is recorded in the server's log. Reload "
              "the page and try again; if it happens again, tell the administrator.",
    },
})

NAVIGATION = (("home", "frame.home"), ("intake", "frame.intake"), ("events", "frame.events"),
              ("users", "frame.users"))


def sign_out_url() -> str | None:
    """The hub's sign-out under JupyterHub (``JUPYTERHUB_BASE_URL`` set), else None: plain ``workbench serve``
    has no sign-in to leave."""
    base = os.environ.get("JUPYTERHUB_BASE_URL")
    if not base:
        return None
    return f"{base if base.endswith('/') else base + '/'}hub/logout"


class Frame:
    """The page around the views. ``widget`` is what the notebook shows; :meth:`show` puts a view in it.

    ``on_language(lang)`` is called when the user switches the language; ``places`` are the navigation
    entries the user may open (the policy decided, see :class:`workbench.apps.workspace.Workspace`)."""

    def __init__(self, user_row: dict, lang: str, on_language, places: tuple[str, ...]):
        self.user_row, self.lang, self.places = user_row, lang, places
        self.on_language = on_language
        self.language = LanguageSwitch(lang, self._language_changed)
        self.title, self.signed_in, self.nav, self.error = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.title.add_class("wb-frame-title")
        self.signed_in.add_class("wb-signed-in")
        self.nav.add_class("wb-nav")
        self.error.add_class("wb-error")
        self.address = Address()
        self.body = w.VBox()
        self.body.add_class("wb-body")
        self.here = "home"
        top = w.HBox([self.title, self.language.widget])
        top.add_class("wb-frame-top")
        self.widget = w.VBox([stylesheet(), self.address, top, self.signed_in,
                              self.nav, self.error, self.body])
        self.widget.add_class("wb-app")
        self.set_language(lang)

    def _language_changed(self, lang: str):
        self.set_language(lang)
        self.on_language(lang)

    def set_language(self, lang: str):
        self.lang = lang
        t = lambda key, **kw: html.escape(i18n.t(key, lang, **kw))  # noqa: E731
        self.title.value = f"<h2>{t('frame.title')}</h2>"
        account = [f"<i>{t('app.signed_in_as', name=self.user_row['display_name'])}</i>",
                   link(Place("password"), t("frame.password"), "wb-password-link")]
        out = sign_out_url()
        if out:  # the whole window (the hub's page around a proxied app too) leaves for the hub's sign-out
            account.append(f'<a class="wb-sign-out" href="{html.escape(out)}" target="_top">{t("frame.sign_out")}</a>')
        self.signed_in.value = " ".join(account)
        self._draw_nav()
        if self.error.value:
            self.error.value = status_html(i18n.t("frame.failed", lang), "error")

    def _draw_nav(self):
        self.nav.value = "".join(
            link(Place(view), html.escape(i18n.t(key, self.lang)),
                 f"wb-nav-{view}" + (" wb-here" if view == self.here else ""))
            for view, key in NAVIGATION if view in self.places)

    def show(self, view_widget, here: str):
        """Show ``view_widget``; ``here`` is the navigation entry it belongs to (highlighted)."""
        self.error.value = ""
        if self.here != here:
            self.here = here
            self._draw_nav()
        if self.body.children != (view_widget,):
            self.body.children = [view_widget]

    def failed(self, exc_info=None):
        """An unexpected error in a handler (``exc_info``: the exception's triple, default the one being
        handled): the traceback to the server's log through ``logging`` (never ``sys.stderr``, which in a
        kernel is published to the page; see :mod:`.server_log`), the bilingual message to the user."""
        log.error("A handler of the workspace failed", exc_info=exc_info or sys.exc_info())
        self.error.value = status_html(i18n.t("frame.failed", self.lang), "error")

    def catch_errors(self):
        """Route every widget handler's unexpected error to :meth:`failed`, and the kernel's log to the
        server's (:func:`.server_log.log_to_server`).

        ipywidgets hands an exception raised in a click handler or while applying a value from the page
        (an observer, or a value the widget refuses) to the shell's ``showtraceback``, which would send the
        traceback to the page; without a shell (plain Python, the unit tests) it only logs, and nothing
        changes here."""
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            log_to_server()
            shell.showtraceback = lambda *args, **kwargs: self.failed()
