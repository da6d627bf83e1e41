"""The append-only audit log: every write and every export of personal data leaves a row."""
from __future__ import annotations

import json

from . import chain
from .connection import now, write_transaction
from .guard import allow

# What an export needs of the policy: the period report is an aggregate, the research export its own act.
EXPORT_ACTIONS = {"export_report": "aggregate.read", "export_research": "research.export"}


def _audit(db, *, actor: str, action: str, entity: str, entity_id, details: dict | None = None) -> None:
    """Append one audit row; the store's functions call it inside their own write's transaction (after
    asking the policy), so both land or neither. The row is inserted, sealed, as the transaction commits."""
    if not db.conn.in_transaction:
        raise RuntimeError("_audit runs inside the write's transaction")  # a bug of ours: nothing would seal it
    chain.queue(db, {"at": now(), "actor": actor, "action": action, "entity": entity, "entity_id": str(entity_id),
                     "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)})


def record_export(db, actor: str, *, action: str, entity: str, entity_id, details: dict) -> None:
    """Audit an export made outside the store (``export_report``: a period report's Excel file;
    ``export_research``: the pseudonymised dataset), after asking the policy whether ``actor`` may."""
    allow(db, actor, EXPORT_ACTIONS[action])
    with write_transaction(db):
        _audit(db, actor=actor, action=action, entity=entity, entity_id=entity_id, details=details)


def audit_rows(db, actor: str, entity: str | None = None, entity_id=None) -> list[dict]:
    """Audit rows, oldest first, optionally for one entity (the head of centre and administrators)."""
    allow(db, actor, "audit.read")
    sql, params = "select * from audit_log", []
    if entity is not None:
        sql += " where entity = ?"
        params.append(entity)
        if entity_id is not None:
            sql += " and entity_id = ?"
            params.append(str(entity_id))
    return [dict(r, details=json.loads(r["details"])) for r in db.query(sql + " order by id", params)]
