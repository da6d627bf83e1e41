"""Who is acting: the signed-in user comes from the server's environment, never a widget.

Under JupyterHub the hub sets ``JUPYTERHUB_USER`` for the user's server, and that
wins; a standalone deployment (or ``make demo``) sets ``WB_USER``. What they may do is
:mod:`workbench.policy`'s to say, asked by the store on every read and write.
"""
from __future__ import annotations

import os

from . import i18n
from .i18n import UserError

i18n.add({
    "access.no_user": {
        "uk": "Не вдалося визначити користувача: сервер не передав імені (WB_USER або JUPYTERHUB_USER). Зверніться до адміністратора.",
        "en": "Cannot tell who you are: the server passed no user name (WB_USER or JUPYTERHUB_USER). Ask your administrator.",
    },
})


def current_user() -> str:
    """The signed-in user's name from the environment; raises ``UserError`` if none."""
    name = (os.environ.get("JUPYTERHUB_USER") or os.environ.get("WB_USER") or "").strip()
    if not name:
        raise UserError("access.no_user")
    return name
