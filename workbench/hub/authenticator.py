"""Signing in to the hub against the workbench's ``users``: no second list of staff to keep in step.

The password check, the record of every attempt and the lock after repeated failures are the store's
(:func:`workbench.store.credentials.sign_in`); this class only hands them the form's fields and shows the
refusal in both languages on the sign-in page. A one-time password is replaced in the workspace, which
holds its user on its password view until then (:mod:`workbench.apps.password`).
"""
from __future__ import annotations

import asyncio

from jupyterhub.auth import Authenticator
from jupyterhub.handlers.login import LoginHandler
from traitlets import Unicode

from .. import i18n


def both_languages(error) -> str:
    """A refusal in Ukrainian, then English (the sign-in page does not know the user's language yet)."""
    return " / ".join(dict.fromkeys(error.message(lang) for lang in i18n.LANGUAGES))


class WorkbenchLoginHandler(LoginHandler):
    """The hub's sign-in page, with the store's refusal (wrong password, or locked) in both languages."""

    async def _render(self, login_error=None, username=None, **kwargs):
        refusal = getattr(self, "_workbench_refusal", None)
        if login_error and refusal is not None:
            login_error = both_languages(refusal)
        return await super()._render(login_error=login_error, username=username, **kwargs)


class WorkbenchAuthenticator(Authenticator):
    """Username and password checked against the workbench database at ``db_path``."""

    db_path = Unicode(config=True, help="The workbench database (the one the staff's servers use).")

    def _db(self):
        from ..store.connection import open_db

        return open_db(self.db_path)

    async def authenticate(self, handler, data):
        """The username when ``data``'s password is right and the account active and not locked; else None,
        the refusal kept on ``handler`` for the page."""
        from ..store.credentials import sign_in

        username, password = (data or {}).get("username", ""), (data or {}).get("password", "")

        def check():
            db = self._db()
            try:
                return sign_in(db, username, password)
            finally:
                db.conn.close()

        result = await asyncio.to_thread(check)  # scrypt takes ~50 ms: the hub keeps serving others meanwhile
        if not result.ok:
            if handler is not None:
                handler._workbench_refusal = result.refusal
            return None
        return {"name": username.strip().lower(), "auth_state": None}

    def check_allowed(self, username, authentication=None):
        """Only an active user of the workbench (``authenticate`` checked; asked again on every login)."""
        return self._active(username)

    async def refresh_user(self, user, handler=None):
        """A user deactivated since they signed in must sign in again (and then cannot)."""
        return await asyncio.to_thread(self._active, user.name)

    def _active(self, username: str) -> bool:
        from ..store.guard import current_version

        db = self._db()
        try:
            row = current_version(db, username)
        finally:
            db.conn.close()
        return bool(row and row["active"])

    def get_handlers(self, app):
        return [("/login", WorkbenchLoginHandler)]
