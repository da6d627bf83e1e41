"""The append-only audit log: every write and every export of personal data leaves a row."""
from __future__ import annotations

import json

from .connection import now


def record(db, *, actor: str, action: str, entity: str, entity_id, details: dict | None = None) -> None:
    """Append one audit row; call inside the write's own transaction so both land or neither."""
    db.conn.execute(
        "insert into audit_log (at, actor, action, entity, entity_id, details) values (?, ?, ?, ?, ?, ?)",
        [now(), actor, action, entity, str(entity_id),
         json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)],
    )


def audit_rows(db, entity: str | None = None, entity_id=None) -> list[dict]:
    """Audit rows, oldest first, optionally for one entity."""
    sql, params = "select * from audit_log", []
    if entity is not None:
        sql += " where entity = ?"
        params.append(entity)
        if entity_id is not None:
            sql += " and entity_id = ?"
            params.append(str(entity_id))
    return [dict(r, details=json.loads(r["details"])) for r in db.query(sql + " order by id", params)]
