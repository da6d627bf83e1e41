"""Staff: the rows of the ``users`` table (username, display name, role). Checking an actor's role is in
:mod:`workbench.access`, which reads through these."""
from __future__ import annotations

from .audit import record
from .connection import now, write_transaction


def add_user(db, username: str, display_name: str, role: str) -> None:
    """Add a staff member (an administrator's act; not audited as a case write)."""
    with write_transaction(db):
        db["users"].insert({"username": username, "display_name": display_name, "role": role, "added_at": now()})
        record(db, actor=username, action="add_user", entity="users", entity_id=username, details={"role": role})


def user_row(db, username) -> dict | None:
    """The user's row (``username, display_name, role, added_at``), or None if there is none."""
    return next(db.query("select * from users where username = ?", [username]), None)


def staff(db, roles: tuple[str, ...] | None = None) -> list[dict]:
    """Staff members as ``{username, display_name, role}``, by username: everyone, or those with one of
    ``roles`` (e.g. :data:`workbench.access.WRITER_ROLES`, those who can hold a case)."""
    rows = db.query("select username, display_name, role from users order by username")
    return [row for row in rows if roles is None or row["role"] in roles]
