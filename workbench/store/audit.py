"""The append-only audit log: every write, every opening of a client's record and every export of personal
data leaves a row (sealed into the chain of :mod:`workbench.store.chain`)."""
from __future__ import annotations

import json

from . import arguments, chain
from .connection import now, write_transaction
from .guard import allow, allow_case, display_name, may, record_id

# What an export needs of the policy: the period report is an aggregate, the research export its own act.
EXPORT_ACTIONS = {"export_report": "aggregate.read", "export_research": "research.export"}
EXPORT_ENTITIES = ("reports", "research_exports")


def _audit(db, *, actor: str, action: str, entity: str, entity_id, details: dict | None = None) -> None:
    """Append one audit row; the store's functions call it inside their own write's transaction (after
    asking the policy), so both land or neither. The row is inserted, sealed, as the transaction commits."""
    if not db.conn.in_transaction:
        raise RuntimeError("_audit runs inside the write's transaction")  # a bug of ours: nothing would seal it
    chain.queue(db, {"at": now(), "actor": actor, "action": action, "entity": entity, "entity_id": str(entity_id),
                     "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)})


def record_export(db, actor: str, *, action: str, entity: str, entity_id, details: dict) -> None:
    """Audit an export made outside the store (``export_report``: a period report's Excel file;
    ``export_research``: the pseudonymised dataset), after asking the policy whether ``actor`` may.
    ``entity`` one of :data:`EXPORT_ENTITIES`, ``entity_id`` text (a period, a folder), ``details`` a dict of what
    JSON holds; raises ``UserError`` for anything else."""
    allow(db, actor, EXPORT_ACTIONS[arguments.code(action, "action", EXPORT_ACTIONS)])
    arguments.code(entity, "entity", EXPORT_ENTITIES)
    arguments.text(entity_id, "entity_id", limit=4096)  # a folder's path
    arguments.json_text(arguments.mapping(details, "details"), "details")
    with write_transaction(db):
        _audit(db, actor=actor, action=action, entity=entity, entity_id=entity_id, details=details)


def audit_rows(db, actor: str, entity: str | None = None, entity_id=None) -> list[dict]:
    """Audit rows, oldest first, optionally for one entity (the head of centre and administrators)."""
    allow(db, actor, "audit.read")
    entity = arguments.text(entity, "entity", optional=True)
    if entity_id is not None and not isinstance(entity_id, str):
        entity_id = str(arguments.whole(entity_id, "entity_id", low=-(2**63), high=2**63 - 1))
    sql, params = "select * from audit_log", []
    if entity is not None:
        sql += " where entity = ?"
        params.append(entity)
        if entity_id is not None:
            sql += " and entity_id = ?"
            params.append(str(entity_id))
    return [dict(r, details=json.loads(r["details"])) for r in db.query(sql + " order by id", params)]


# What a staff member opens: the case record, one assessment, the support plan.
OPENED = {"case": "cases", "assessment": "assessments", "plan": "support_plans"}


def record_opening(db, actor: str, *, opened: str, record, case_id=None) -> int:
    """Audit that ``actor`` opened a client's record: ``opened`` is "case" (``record`` the case id),
    "assessment" (``record`` its id) or "plan" (``record`` the case id). The apps call it once per
    opening, not per refresh. Refused like a read of the case; returns the case id."""
    arguments.code(opened, "opened", OPENED)
    kind = "assessment" if opened == "assessment" else "case"
    case = allow_case(db, actor, "case.read", kind, record, case_id)
    with write_transaction(db):
        _audit(db, actor=actor, action="open_record", entity=OPENED[opened], entity_id=record,
               details={"case_id": case, "opened": opened})
    return case


def case_readings(db, actor: str, case_id) -> list[dict]:
    """Who opened the case's records and when, newest first: ``at``, ``actor`` (username),
    ``display_name``, ``opened`` (case, assessment, plan; attachment: a file's bytes read,
    :func:`workbench.store.attachments.read_attachment`; document: a made document opened again,
    :func:`workbench.store.documents.read_document`) and ``record``. For the head of centre and a
    supervisor of the case's team (``case.readings``)."""
    case_id = record_id(case_id, "case")
    allow(db, actor, "case.readings", case_id)
    rows = db.execute("""
        select a.at, a.actor, json_extract(a.details, '$.opened'), a.entity_id
        from audit_log a where a.action = 'open_record' and json_extract(a.details, '$.case_id') = ?
        order by a.id desc""", [case_id]).fetchall()
    names = _display_names(db, {who for _, who, _, _ in rows})
    return [{"at": at, "actor": who, "display_name": names[who], "opened": opened, "record": int(record)}
            for at, who, opened, record in rows]


def readings_by_case(db, actor: str) -> list[dict]:
    """Per case whose openings ``actor`` may see (``case.readings``): ``case_id``, ``case_number``,
    ``openings``, ``last_at`` and ``last_by`` (a display name), the most recently opened first."""
    allow(db, actor, "readings.read")
    # One pass over the openings: SQLite takes at and actor from the row with max(a.id) of each group.
    rows = db.execute("""
        select json_extract(a.details, '$.case_id'), c.case_number, count(*), max(a.id), a.at, a.actor
        from audit_log a join cases c on c.id = json_extract(a.details, '$.case_id')
        where a.action = 'open_record' group by 1, 2 order by 4 desc""").fetchall()
    rows = [row for row in rows if may(db, actor, "case.readings", row[0])]
    names = _display_names(db, {row[5] for row in rows})
    return [{"case_id": case_id, "case_number": number, "openings": count, "last_at": at, "last_by": names[who]}
            for case_id, number, count, _, at, who in rows]


def _display_names(db, usernames) -> dict:
    """Each username's display name now (the username itself for one no longer known)."""
    return {who: display_name(db, who) for who in usernames}


def last_write(db, actor: str) -> int:
    """The id of the last write's audit row, for a view to tell whether it must read again. Every write is
    audited, by whichever connection made it, so this changes with anything anyone writes; opening a record
    and an export are audited too but change no data, so they do not count. Refused as a case search."""
    allow(db, actor, "cases.search")
    row = db.execute("""select id from audit_log where action != 'open_record' and action not like 'export%'
                        order by id desc limit 1""").fetchone()
    return row[0] if row else 0
