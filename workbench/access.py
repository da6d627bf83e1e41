"""Who is acting: the signed-in user comes from the server's environment, never a widget.

Under JupyterHub the hub sets ``JUPYTERHUB_USER`` for the user's server, and that
wins; a standalone deployment (or ``make demo``) sets ``WB_USER``. Roles live in
the ``users`` table; every write checks the actor there.
"""
from __future__ import annotations

import os

from . import i18n
from .i18n import UserError
from .store.users import user_row

i18n.add({
    "access.no_user": {
        "uk": "Не вдалося визначити користувача: сервер не передав імені (WB_USER або JUPYTERHUB_USER). Зверніться до адміністратора.",
        "en": "Cannot tell who you are: the server passed no user name (WB_USER or JUPYTERHUB_USER). Ask your administrator.",
    },
    "access.unknown_user": {
        "uk": "Користувача «{username}» немає серед працівників цієї бази. Зверніться до адміністратора.",
        "en": "'{username}' is not a staff member in this database. Ask your administrator.",
    },
    "access.wrong_role": {
        "uk": "Для цієї дії потрібна роль: {roles}. Ваша роль: {role}.",
        "en": "This action needs the role: {roles}. Your role: {role}.",
    },
})

WRITER_ROLES = ("case_manager", "supervisor")


def current_user() -> str:
    """The signed-in user's name from the environment; raises ``UserError`` if none."""
    name = (os.environ.get("JUPYTERHUB_USER") or os.environ.get("WB_USER") or "").strip()
    if not name:
        raise UserError("access.no_user")
    return name


def require_user(db, username: str, roles: tuple[str, ...] = WRITER_ROLES) -> dict:
    """The user row of ``username`` if it exists and has one of ``roles``; raises ``UserError``."""
    row = user_row(db, username)
    if row is None:
        raise UserError("access.unknown_user", username=username)
    if row["role"] not in roles:
        raise UserError("access.wrong_role", roles=", ".join(roles), role=row["role"])
    return row
