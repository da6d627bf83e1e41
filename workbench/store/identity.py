"""The database's identity: one row (migration ``m0009_database_identity``) with a random id and the organisation's
name, so a backup can be matched to the database it came from (``workbench restore`` refuses another's)."""
from __future__ import annotations


def read_identity(db) -> dict | None:
    """``{"database_id", "organisation_uk", "organisation_en", "created_at"}`` of ``db`` (a sqlite-utils
    ``Database`` or a ``sqlite3.Connection``), or None for a database made before identities existed."""
    execute = db.execute
    present = execute("select 1 from sqlite_master where type = 'table' and name = 'database_identity'").fetchone()
    if not present:
        return None
    row = execute("select database_id, organisation_uk, organisation_en, created_at from database_identity "
                  "where id = 1").fetchone()
    if row is None:
        return None
    return dict(zip(("database_id", "organisation_uk", "organisation_en", "created_at"), row))
