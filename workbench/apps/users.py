"""The administrators' users-and-teams page (``?view=users``): every user with role, teams, whether active and
their password's state, and a form for each change: add a user, deactivate one, another role, other teams, and
a password reset.

Each form calls one store function with the signed-in user as the actor (:mod:`workbench.store.users`,
:func:`workbench.store.credentials.reset_password`); the store asks the policy, so a click that arrives from a
page the view never offered (a forged message, an administrator demoted meanwhile) is refused there and writes
nothing. A reset's one-time password is shown once, in a marked box, until the administrator leaves the view;
it is kept nowhere else (not in the audit log, not in the form's message).
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n, policy
from ..store.credentials import password_state, reset_password
from ..store.users import add_user, deactivate_user, list_users, set_role, set_teams
from .common import local_time, picked, signed_in
from .widgets import ActionForm, Done

i18n.add({
    "users.title": {"uk": "Користувачі й команди", "en": "Users and teams"},
    "users.col.username": {"uk": "Імʼя користувача", "en": "Username"},
    "users.col.name": {"uk": "Імʼя", "en": "Name"},
    "users.col.role": {"uk": "Роль", "en": "Role"},
    "users.col.teams": {"uk": "Команди", "en": "Teams"},
    "users.col.active": {"uk": "Обліковий запис", "en": "Account"},
    "users.col.password": {"uk": "Пароль", "en": "Password"},
    "users.active": {"uk": "активний", "en": "active"},
    "users.inactive": {"uk": "деактивований", "en": "deactivated"},
    "users.password.not_set": {"uk": "не встановлено", "en": "not set"},
    "users.password.set": {"uk": "встановлено", "en": "set"},
    "users.password.one_time": {"uk": "тимчасовий (одноразовий)", "en": "one-time"},
    "users.password.locked_until": {"uk": "заблоковано до {until}", "en": "locked until {until}"},
    "users.password.locked_until_reset": {"uk": "заблоковано до скидання", "en": "locked until a reset"},
    "users.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "users.option": {"uk": "{name} ({username})", "en": "{name} ({username})"},
    "users.f.username": {"uk": "Імʼя користувача (латиницею, напр. olena.tykholis)",
                         "en": "Username (Latin letters, e.g. olena.tykholis)"},
    "users.f.display_name": {"uk": "Імʼя, як його показують застосунки", "en": "Name as the apps show it"},
    "users.f.user": {"uk": "Користувач", "en": "User"},
    "users.f.role": {"uk": "Роль", "en": "Role"},
    "users.f.teams": {"uk": "Команди (через кому; порожньо — жодної)", "en": "Teams (comma-separated; empty: none)"},
    "users.f.reason": {"uk": "Причина", "en": "Reason"},
    "users.f.reason_optional": {"uk": "Причина (необовʼязково)", "en": "Reason (optional)"},
    "users.form.add": {"uk": "Додати користувача", "en": "Add a user"},
    "users.form.deactivate": {"uk": "Деактивувати користувача", "en": "Deactivate a user"},
    "users.form.role": {"uk": "Змінити роль", "en": "Change a role"},
    "users.form.teams": {"uk": "Змінити команди", "en": "Change teams"},
    "users.form.reset": {"uk": "Скинути пароль", "en": "Reset a password"},
    "users.do.add": {"uk": "Додати", "en": "Add"},
    "users.do.deactivate": {"uk": "Деактивувати", "en": "Deactivate"},
    "users.do.role": {"uk": "Змінити роль", "en": "Change the role"},
    "users.do.teams": {"uk": "Змінити команди", "en": "Change the teams"},
    "users.do.reset": {"uk": "Скинути пароль", "en": "Reset the password"},
    "users.done.add": {"uk": "Користувача {username} додано. Скиньте йому пароль, щоб він міг увійти.",
                       "en": "User {username} added. Reset their password so that they can sign in."},
    "users.done.deactivate": {"uk": "Користувача {username} деактивовано.", "en": "User {username} deactivated."},
    "users.done.role": {"uk": "Роль {username} змінено.", "en": "The role of {username} changed."},
    "users.done.teams": {"uk": "Команди {username} змінено.", "en": "The teams of {username} changed."},
    "users.done.reset": {"uk": "Пароль {username} скинуто: одноразовий пароль показано нижче.",
                         "en": "The password of {username} is reset: the one-time password is shown below."},
    "users.one_time.title": {"uk": "Одноразовий пароль для {name} ({username})",
                             "en": "One-time password for {name} ({username})"},
    "users.one_time.note": {
        "uk": "Передайте його особисто. Під час наступного входу {name} має обрати власний пароль. Його показано "
              "лише зараз: піде з цієї сторінки — і більше його не побачити.",
        "en": "Hand it over in person. At the next sign-in {name} must choose their own password. It is shown only "
              "now: once you leave this page it cannot be seen again.",
    },
})

COLUMNS = ("username", "name", "role", "teams", "active", "password")
BOX_STYLE = "border:3px solid #e65100;background:#fff3e0;padding:10px;border-radius:6px;margin:6px 0"


def role_label(role: str, lang: str) -> str:
    return i18n.t(f"policy.role.{role}", lang)


def password_label(state: dict, lang: str) -> str:
    """A user's password state in words (``state`` as :func:`password_state` gives it)."""
    if state["locked_until"] == "reset":
        return i18n.t("users.password.locked_until_reset", lang)
    if state["locked_until"]:
        return i18n.t("users.password.locked_until", lang, until=local_time(state["locked_until"]))
    if state["temporary"]:
        return i18n.t("users.password.one_time", lang)
    return i18n.t("users.password.set" if state["set"] else "users.password.not_set", lang)


def team_list(text: str) -> list[str]:
    """Teams as typed, comma-separated (a team's name has no comma); whether each is valid is the store's."""
    return [team.strip() for team in (text or "").split(",") if team.strip()]


class UsersView:
    """The page for ``user`` (an administrator: ``users.manage``, else ``UserError``)."""

    def __init__(self, db, user: str, lang: str = "uk"):
        self.db, self.user, self.lang = db, user, lang
        self.user_row = signed_in(db, user, "users.manage")
        self.users: list[dict] = []
        self.one_time: tuple[str, str, str] | None = None  # (username, name, password) while it is shown
        self.heading, self.table, self.one_time_box = w.HTML(), w.HTML(), w.HTML()
        self.table.add_class("wb-users-list")
        self.one_time_box.add_class("wb-one-time")
        text = dict(layout=w.Layout(width="30em"))
        self.forms = {
            "add": ActionForm("wb-user-add", "users.form.add", "users.do.add", [
                ("username", w.Text(**text), "users.f.username"),
                ("display_name", w.Text(**text), "users.f.display_name"),
                ("role", self._roles(), "users.f.role"),
                ("teams", w.Text(**text), "users.f.teams"),
            ], self._add, lang, after=self.show_list),
            "deactivate": ActionForm("wb-user-deactivate", "users.form.deactivate", "users.do.deactivate", [
                ("username", self._people(), "users.f.user"),
                ("reason", w.Text(**text), "users.f.reason"),
            ], self._deactivate, lang, after=self.show_list),
            "role": ActionForm("wb-user-role", "users.form.role", "users.do.role", [
                ("username", self._people(), "users.f.user"),
                ("role", self._roles(), "users.f.role"),
                ("reason", w.Text(**text), "users.f.reason_optional"),
            ], self._set_role, lang, after=self.show_list),
            "teams": ActionForm("wb-user-teams", "users.form.teams", "users.do.teams", [
                ("username", self._people(), "users.f.user"),
                ("teams", w.Text(**text), "users.f.teams"),
                ("reason", w.Text(**text), "users.f.reason_optional"),
            ], self._set_teams, lang, after=self.show_list),
            "reset": ActionForm("wb-user-reset", "users.form.reset", "users.do.reset", [
                ("username", self._people(), "users.f.user"),
            ], self._reset, lang, after=self.show_list),
        }
        # Picking whose teams to change shows their teams now, to edit rather than retype.
        self.forms["teams"].inputs["username"].observe(self._show_teams_of, "value")
        forms = self.forms
        self.widget = w.VBox([self.heading, self.table, forms["add"].widget, forms["reset"].widget, self.one_time_box,
                              forms["role"].widget, forms["teams"].widget, forms["deactivate"].widget])
        self.widget.add_class("wb-users")
        self.set_language(lang)

    @staticmethod
    def _people() -> w.Dropdown:
        return w.Dropdown(options=[("", "")], layout=w.Layout(width="30em"))

    @staticmethod
    def _roles() -> w.Dropdown:
        return w.Dropdown(options=[("", "")], layout=w.Layout(width="20em"))

    # --- language and display ----------------------------------------------------------------
    def set_language(self, lang: str):
        self.lang = lang
        self.heading.value = f"<h3>{html.escape(i18n.t('users.title', lang))}</h3>"
        choose = i18n.t("users.choose", lang)
        for form in self.forms.values():
            if "role" in form.inputs:
                with form.unchanged():  # relabelled, the choice kept: not the user's change
                    role = form.inputs["role"]
                    value = role.value
                    # "— choose —" is "", not None: a dropdown at None shows no label at all
                    role.options = [(choose, "")] + [(role_label(code, lang), code) for code in policy.ROLES]
                    role.value = value
            form.set_language(lang)
        self.show_list()
        self._show_one_time()

    def show_list(self):
        """Every user as they are now, and the users to pick in each form (a choice still offered is kept)."""
        lang = self.lang
        self.users = list_users(self.db, self.user)
        head = "".join(f'<th style="text-align:left;padding:2px 6px">{html.escape(i18n.t(f"users.col.{c}", lang))}</th>'
                       for c in COLUMNS)
        rows = "".join(self._row_html(user) for user in self.users)
        self.table.value = (f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
                            f"<tbody>{rows}</tbody></table>")
        options = [(i18n.t("users.choose", lang), "")] + [
            (i18n.t("users.option", lang, name=u["display_name"], username=u["username"]), u["username"])
            for u in self.users]
        for form in self.forms.values():
            if "username" in form.inputs and isinstance(form.inputs["username"], w.Dropdown):
                with form.unchanged():
                    pick = form.inputs["username"]
                    value = pick.value
                    pick.options = options
                    pick.value = value if value in {u["username"] for u in self.users} else ""

    def _row_html(self, user: dict) -> str:
        lang = self.lang
        state = password_state(self.db, self.user, user["username"])
        cells = {"username": user["username"], "name": user["display_name"], "role": role_label(user["role"], lang),
                 "teams": ", ".join(user["teams"]) or "—",
                 "active": i18n.t("users.active" if user["active"] else "users.inactive", lang),
                 "password": password_label(state, lang)}
        tds = "".join(f'<td class="wb-users-col-{c}" style="padding:2px 6px;border-top:1px solid #ddd">'
                      f"{html.escape(cells[c])}</td>" for c in COLUMNS)
        return f'<tr class="wb-user-row" data-user="{html.escape(user["username"])}">{tds}</tr>'

    def _show_one_time(self):
        if self.one_time is None:
            self.one_time_box.value = ""
            return
        username, name, password = self.one_time
        t = lambda key: html.escape(i18n.t(key, self.lang, name=name, username=username))  # noqa: E731
        self.one_time_box.value = (
            f'<div style="{BOX_STYLE}"><b>{t("users.one_time.title")}</b>'
            f'<div class="wb-one-time-password" style="font:bold 1.6em monospace;margin:8px 0;letter-spacing:1px">'
            f'{html.escape(password)}</div><div>{t("users.one_time.note")}</div></div>')

    def _show_teams_of(self, change):
        user = next((u for u in self.users if u["username"] == change["new"]), None)
        if user is not None:
            self.forms["teams"].inputs["teams"].value = ", ".join(user["teams"])

    def leave(self):
        """The administrator went elsewhere: the one-time password is gone from the page and from here."""
        self.one_time = None
        self._show_one_time()

    # --- the actions: one store call each, as the signed-in user -------------------------------
    def _add(self, v) -> Done:
        role = picked(v, "role")
        add_user(self.db, self.user, username=v["username"], display_name=v["display_name"], role=role,
                 teams=team_list(v["teams"]))
        return Done("users.done.add", username=v["username"].strip())

    def _deactivate(self, v) -> Done:
        username = picked(v, "username")
        deactivate_user(self.db, self.user, username, reason=v["reason"])
        return Done("users.done.deactivate", username=username)

    def _set_role(self, v) -> Done:
        username, role = picked(v, "username"), picked(v, "role")
        set_role(self.db, self.user, username, role, reason=v["reason"].strip() or None)
        return Done("users.done.role", username=username)

    def _set_teams(self, v) -> Done:
        username = picked(v, "username")
        set_teams(self.db, self.user, username, team_list(v["teams"]), reason=v["reason"].strip() or None)
        return Done("users.done.teams", username=username)

    def _reset(self, v) -> Done:
        username = picked(v, "username")
        password = reset_password(self.db, self.user, username)
        name = next((u["display_name"] for u in self.users if u["username"] == username), username)
        self.one_time = (username, name, password)
        self._show_one_time()
        return Done("users.done.reset", username=username)
